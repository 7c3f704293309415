// G.711 decoding of whole 20 ms frames at playout: one table read per two samples (ITU-T G.711 Tables 1a, 2a through the
// pair table of ./g711.ts; RFC 3551 §4.5.14: 160 samples per 20 ms) — DESIGN.md §3, §5.
//
// XS charges every bytecode and every typed-array element a bytecode reads or writes: the kernel is written out for the
// 80 words of a frame, with constant indexes, and reads each pair of codes as one Uint16 word and their two samples as
// one Int32 (measured on XS: 1,462 compute units per frame, against ~2,250 through two tables of 256 per word and 4,005
// one sample at a time as a loop). The arrays are views made once by their owners (the jitter buffer's bytes, the
// speaker frame's words): nothing is allocated per frame.
import { FRAME_SAMPLES, type G711Tables } from "./g711.js";
import type { FrameViews } from "./frame-views.js";

/**
 * Samples of one frame, two per Int32 word: o[k] holds samples 2k and 2k + 1 (o: the PCM frame's Int32 view), from the
 * codes read as Uint16 words c[a, a + 80) (an offset into the owner's storage rather than a view per frame: views cost
 * heap slots), through p, the law's pair table.
 */
export function decodeFramePairs160(p: Int32Array, c: Uint16Array, a: number, o: Int32Array): void {
	o[0] = p[c[a]];
	o[1] = p[c[a + 1]];
	o[2] = p[c[a + 2]];
	o[3] = p[c[a + 3]];
	o[4] = p[c[a + 4]];
	o[5] = p[c[a + 5]];
	o[6] = p[c[a + 6]];
	o[7] = p[c[a + 7]];
	o[8] = p[c[a + 8]];
	o[9] = p[c[a + 9]];
	o[10] = p[c[a + 10]];
	o[11] = p[c[a + 11]];
	o[12] = p[c[a + 12]];
	o[13] = p[c[a + 13]];
	o[14] = p[c[a + 14]];
	o[15] = p[c[a + 15]];
	o[16] = p[c[a + 16]];
	o[17] = p[c[a + 17]];
	o[18] = p[c[a + 18]];
	o[19] = p[c[a + 19]];
	o[20] = p[c[a + 20]];
	o[21] = p[c[a + 21]];
	o[22] = p[c[a + 22]];
	o[23] = p[c[a + 23]];
	o[24] = p[c[a + 24]];
	o[25] = p[c[a + 25]];
	o[26] = p[c[a + 26]];
	o[27] = p[c[a + 27]];
	o[28] = p[c[a + 28]];
	o[29] = p[c[a + 29]];
	o[30] = p[c[a + 30]];
	o[31] = p[c[a + 31]];
	o[32] = p[c[a + 32]];
	o[33] = p[c[a + 33]];
	o[34] = p[c[a + 34]];
	o[35] = p[c[a + 35]];
	o[36] = p[c[a + 36]];
	o[37] = p[c[a + 37]];
	o[38] = p[c[a + 38]];
	o[39] = p[c[a + 39]];
	o[40] = p[c[a + 40]];
	o[41] = p[c[a + 41]];
	o[42] = p[c[a + 42]];
	o[43] = p[c[a + 43]];
	o[44] = p[c[a + 44]];
	o[45] = p[c[a + 45]];
	o[46] = p[c[a + 46]];
	o[47] = p[c[a + 47]];
	o[48] = p[c[a + 48]];
	o[49] = p[c[a + 49]];
	o[50] = p[c[a + 50]];
	o[51] = p[c[a + 51]];
	o[52] = p[c[a + 52]];
	o[53] = p[c[a + 53]];
	o[54] = p[c[a + 54]];
	o[55] = p[c[a + 55]];
	o[56] = p[c[a + 56]];
	o[57] = p[c[a + 57]];
	o[58] = p[c[a + 58]];
	o[59] = p[c[a + 59]];
	o[60] = p[c[a + 60]];
	o[61] = p[c[a + 61]];
	o[62] = p[c[a + 62]];
	o[63] = p[c[a + 63]];
	o[64] = p[c[a + 64]];
	o[65] = p[c[a + 65]];
	o[66] = p[c[a + 66]];
	o[67] = p[c[a + 67]];
	o[68] = p[c[a + 68]];
	o[69] = p[c[a + 69]];
	o[70] = p[c[a + 70]];
	o[71] = p[c[a + 71]];
	o[72] = p[c[a + 72]];
	o[73] = p[c[a + 73]];
	o[74] = p[c[a + 74]];
	o[75] = p[c[a + 75]];
	o[76] = p[c[a + 76]];
	o[77] = p[c[a + 77]];
	o[78] = p[c[a + 78]];
	o[79] = p[c[a + 79]];
}

/**
 * Decode one frame's codes c[at, at + 160) into pcm[0, 160): two samples per table read where pcm's views allow and
 * `at` is even (c16: c's Uint16 view), else one by one (as many as pcm holds). The same samples either way.
 */
export function decodeFrameTo(t: G711Tables, c: Uint8Array, c16: Uint16Array | null, at: number, pcm: Int16Array, views: FrameViews): void {
	const words = views.words(pcm);
	if (words !== null && c16 !== null && (at & 1) === 0) {
		decodeFramePairs160(t.pairs, c16, at >> 1, words);
		return;
	}
	const table = t.decode, n = pcm.length < FRAME_SAMPLES ? pcm.length : FRAME_SAMPLES;
	for (let i = 0; i < n; i++) pcm[i] = table[c[at + i]];
}
