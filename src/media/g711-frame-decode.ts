// G.711 decoding of whole 20 ms frames at playout: one Int32 store per two samples (ITU-T G.711 Tables 1a, 2a through the
// word tables of ./g711.ts; RFC 3551 §4.5.14: 160 samples per 20 ms) — DESIGN.md §3, §5.
//
// XS charges every bytecode and every typed-array element a bytecode reads or writes: the kernel is written out for the
// 80 words of a frame, with constant indexes into the frame's own view of its codes (no offset to add), and makes each
// Int32 word of two samples from two 256-entry tables (the sample placed in the word's first or second half), one OR
// (measured on XS: 2,106 compute units per frame, against 2,271 reading the codes as Uint16 words and splitting them,
// 2,431 at an offset into the owner's storage, 3,245 one sample at a time in a loop of eight; a table of 65,536 code pairs read 1,301, but
// costs 256 KiB per law). The arrays are views made once by their owners (the jitter buffer's slots, the speaker frame's
// words): nothing is allocated per frame.
import { FRAME_SAMPLES, type G711Tables } from "./g711.js";
import type { FrameViews } from "./frame-views.js";

/**
 * Samples of one frame, two per Int32 word: o[k] holds samples 2k and 2k + 1 (o: the PCM frame's Int32 view), from the
 * codes b[0, 160) (the frame's view of its codes) through the law's word tables f (a sample as the first of a word) and
 * s (as the second).
 */
export function decodeFrameWords160(f: Int32Array, s: Int32Array, b: Uint8Array, o: Int32Array): void {
	o[0] = f[b[0]] | s[b[1]];
	o[1] = f[b[2]] | s[b[3]];
	o[2] = f[b[4]] | s[b[5]];
	o[3] = f[b[6]] | s[b[7]];
	o[4] = f[b[8]] | s[b[9]];
	o[5] = f[b[10]] | s[b[11]];
	o[6] = f[b[12]] | s[b[13]];
	o[7] = f[b[14]] | s[b[15]];
	o[8] = f[b[16]] | s[b[17]];
	o[9] = f[b[18]] | s[b[19]];
	o[10] = f[b[20]] | s[b[21]];
	o[11] = f[b[22]] | s[b[23]];
	o[12] = f[b[24]] | s[b[25]];
	o[13] = f[b[26]] | s[b[27]];
	o[14] = f[b[28]] | s[b[29]];
	o[15] = f[b[30]] | s[b[31]];
	o[16] = f[b[32]] | s[b[33]];
	o[17] = f[b[34]] | s[b[35]];
	o[18] = f[b[36]] | s[b[37]];
	o[19] = f[b[38]] | s[b[39]];
	o[20] = f[b[40]] | s[b[41]];
	o[21] = f[b[42]] | s[b[43]];
	o[22] = f[b[44]] | s[b[45]];
	o[23] = f[b[46]] | s[b[47]];
	o[24] = f[b[48]] | s[b[49]];
	o[25] = f[b[50]] | s[b[51]];
	o[26] = f[b[52]] | s[b[53]];
	o[27] = f[b[54]] | s[b[55]];
	o[28] = f[b[56]] | s[b[57]];
	o[29] = f[b[58]] | s[b[59]];
	o[30] = f[b[60]] | s[b[61]];
	o[31] = f[b[62]] | s[b[63]];
	o[32] = f[b[64]] | s[b[65]];
	o[33] = f[b[66]] | s[b[67]];
	o[34] = f[b[68]] | s[b[69]];
	o[35] = f[b[70]] | s[b[71]];
	o[36] = f[b[72]] | s[b[73]];
	o[37] = f[b[74]] | s[b[75]];
	o[38] = f[b[76]] | s[b[77]];
	o[39] = f[b[78]] | s[b[79]];
	o[40] = f[b[80]] | s[b[81]];
	o[41] = f[b[82]] | s[b[83]];
	o[42] = f[b[84]] | s[b[85]];
	o[43] = f[b[86]] | s[b[87]];
	o[44] = f[b[88]] | s[b[89]];
	o[45] = f[b[90]] | s[b[91]];
	o[46] = f[b[92]] | s[b[93]];
	o[47] = f[b[94]] | s[b[95]];
	o[48] = f[b[96]] | s[b[97]];
	o[49] = f[b[98]] | s[b[99]];
	o[50] = f[b[100]] | s[b[101]];
	o[51] = f[b[102]] | s[b[103]];
	o[52] = f[b[104]] | s[b[105]];
	o[53] = f[b[106]] | s[b[107]];
	o[54] = f[b[108]] | s[b[109]];
	o[55] = f[b[110]] | s[b[111]];
	o[56] = f[b[112]] | s[b[113]];
	o[57] = f[b[114]] | s[b[115]];
	o[58] = f[b[116]] | s[b[117]];
	o[59] = f[b[118]] | s[b[119]];
	o[60] = f[b[120]] | s[b[121]];
	o[61] = f[b[122]] | s[b[123]];
	o[62] = f[b[124]] | s[b[125]];
	o[63] = f[b[126]] | s[b[127]];
	o[64] = f[b[128]] | s[b[129]];
	o[65] = f[b[130]] | s[b[131]];
	o[66] = f[b[132]] | s[b[133]];
	o[67] = f[b[134]] | s[b[135]];
	o[68] = f[b[136]] | s[b[137]];
	o[69] = f[b[138]] | s[b[139]];
	o[70] = f[b[140]] | s[b[141]];
	o[71] = f[b[142]] | s[b[143]];
	o[72] = f[b[144]] | s[b[145]];
	o[73] = f[b[146]] | s[b[147]];
	o[74] = f[b[148]] | s[b[149]];
	o[75] = f[b[150]] | s[b[151]];
	o[76] = f[b[152]] | s[b[153]];
	o[77] = f[b[154]] | s[b[155]];
	o[78] = f[b[156]] | s[b[157]];
	o[79] = f[b[158]] | s[b[159]];
}

/**
 * Decode one frame's codes frame[0, 160) into pcm[0, 160): two samples per store where pcm's views allow, else one by
 * one (as many as pcm holds). The same samples either way.
 */
export function decodeFrameTo(t: G711Tables, frame: Uint8Array, pcm: Int16Array, views: FrameViews): void {
	const words = views.words(pcm);
	if (words !== null && frame.length >= FRAME_SAMPLES) {
		decodeFrameWords160(t.first, t.second, frame, words);
		return;
	}
	const table = t.decode, n = pcm.length < FRAME_SAMPLES ? pcm.length : FRAME_SAMPLES;
	for (let i = 0; i < n; i++) pcm[i] = table[frame[i]];
}
