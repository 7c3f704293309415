// G.711 decoding of whole 20 ms frames at playout: one table read and one Int32 store per two samples (ITU-T G.711
// Tables 1a, 2a through the pair table of ./g711.ts; RFC 3551 §4.5.14: 160 samples per 20 ms) — DESIGN.md §3, §5.
//
// XS charges every bytecode and every typed-array element a bytecode reads or writes: the kernel is written out for the
// 80 words of a frame, with constant indexes into the frame's own Uint16 view of its codes, and reads each Int32 word of
// two samples straight from the law's table of code pairs (measured on XS: 1,301 compute units per frame, against 2,106
// from two 256-entry tables, one per half of the word, and 3,245 one sample at a time in a loop of eight). The pair
// table costs 256 KiB per law, built once at load and frozen: a preloaded ESP32 build keeps it in flash. The arrays are
// views made once by their owners (the jitter buffer's slots, the speaker frame's words): nothing is allocated per frame.
import { FRAME_SAMPLES, type G711Tables } from "./g711.js";
import type { FrameViews } from "./frame-views.js";

/**
 * Samples of one frame, two per Int32 word: o[k] holds samples 2k and 2k + 1 (o: the PCM frame's Int32 view), from the
 * codes' Uint16 words b[0, 80) (the frame's view of its codes: codes 2k and 2k + 1 in word k) through the law's pair
 * table p.
 */
export function decodeFramePairs160(p: Int32Array, b: Uint16Array, o: Int32Array): void {
	o[0] = p[b[0]];
	o[1] = p[b[1]];
	o[2] = p[b[2]];
	o[3] = p[b[3]];
	o[4] = p[b[4]];
	o[5] = p[b[5]];
	o[6] = p[b[6]];
	o[7] = p[b[7]];
	o[8] = p[b[8]];
	o[9] = p[b[9]];
	o[10] = p[b[10]];
	o[11] = p[b[11]];
	o[12] = p[b[12]];
	o[13] = p[b[13]];
	o[14] = p[b[14]];
	o[15] = p[b[15]];
	o[16] = p[b[16]];
	o[17] = p[b[17]];
	o[18] = p[b[18]];
	o[19] = p[b[19]];
	o[20] = p[b[20]];
	o[21] = p[b[21]];
	o[22] = p[b[22]];
	o[23] = p[b[23]];
	o[24] = p[b[24]];
	o[25] = p[b[25]];
	o[26] = p[b[26]];
	o[27] = p[b[27]];
	o[28] = p[b[28]];
	o[29] = p[b[29]];
	o[30] = p[b[30]];
	o[31] = p[b[31]];
	o[32] = p[b[32]];
	o[33] = p[b[33]];
	o[34] = p[b[34]];
	o[35] = p[b[35]];
	o[36] = p[b[36]];
	o[37] = p[b[37]];
	o[38] = p[b[38]];
	o[39] = p[b[39]];
	o[40] = p[b[40]];
	o[41] = p[b[41]];
	o[42] = p[b[42]];
	o[43] = p[b[43]];
	o[44] = p[b[44]];
	o[45] = p[b[45]];
	o[46] = p[b[46]];
	o[47] = p[b[47]];
	o[48] = p[b[48]];
	o[49] = p[b[49]];
	o[50] = p[b[50]];
	o[51] = p[b[51]];
	o[52] = p[b[52]];
	o[53] = p[b[53]];
	o[54] = p[b[54]];
	o[55] = p[b[55]];
	o[56] = p[b[56]];
	o[57] = p[b[57]];
	o[58] = p[b[58]];
	o[59] = p[b[59]];
	o[60] = p[b[60]];
	o[61] = p[b[61]];
	o[62] = p[b[62]];
	o[63] = p[b[63]];
	o[64] = p[b[64]];
	o[65] = p[b[65]];
	o[66] = p[b[66]];
	o[67] = p[b[67]];
	o[68] = p[b[68]];
	o[69] = p[b[69]];
	o[70] = p[b[70]];
	o[71] = p[b[71]];
	o[72] = p[b[72]];
	o[73] = p[b[73]];
	o[74] = p[b[74]];
	o[75] = p[b[75]];
	o[76] = p[b[76]];
	o[77] = p[b[77]];
	o[78] = p[b[78]];
	o[79] = p[b[79]];
}

/**
 * Decode one frame's codes, bytes[at, at + 160), into pcm[0, 160): `pairs` is the same codes as 80 Uint16 words of two
 * (a view made once by their owner, or null where the codes' offset allows none). Two samples per table read and store
 * where pcm's views allow, else one by one (as many as pcm holds). The same samples either way.
 */
export function decodeFrameTo(t: G711Tables, bytes: Uint8Array, at: number, pairs: Uint16Array | null, pcm: Int16Array, views: FrameViews): void {
	const words = views.words(pcm);
	if (words !== null && pairs !== null && pairs.length >= FRAME_SAMPLES / 2) {
		decodeFramePairs160(t.pairs, pairs, words);
		return;
	}
	const table = t.decode, n = pcm.length < FRAME_SAMPLES ? pcm.length : FRAME_SAMPLES;
	for (let i = 0; i < n; i++) pcm[i] = table[bytes[at + i]];
}
