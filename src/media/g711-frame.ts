// G.711 for whole 20 ms frames on the per-frame path: one table read per sample, or one per two (ITU-T G.711 Tables 1a,
// 2a through the tables of ./g711.ts; RFC 3551 §4.5.14: 160 samples per 20 ms) — DESIGN.md §3, §5.
//
// XS charges every bytecode and every typed-array element a bytecode reads or writes. A loop spends as much on its
// counter and index arithmetic as on the work, so the two kernels below are written out for the 160 samples of a frame,
// with constant indexes (measured on XS: encode 2,408 compute units per frame against 4,017 as a loop, 2,168 two codes
// per store; decode ~2,200 two samples at a time against 4,005 one at a time as a loop). The arrays are views made once
// by their owners (the Int32 words or 16-bit patterns of a PCM frame, an RTP packet's payload): nothing is allocated
// per frame.
import { FRAME_SAMPLES, type G711Tables, LITTLE_ENDIAN } from "./g711.js";
import type { FrameViews } from "./frame-views.js";

/** Codes of one frame: o[i] = the code of the sample whose 16-bit pattern is u[i] (u: the PCM frame's Uint16 view). */
export function encodeFrame160(t: G711Tables, u: Uint16Array, o: Uint8Array): void {
	const e = t.encode;
	o[0] = e[u[0]];
	o[1] = e[u[1]];
	o[2] = e[u[2]];
	o[3] = e[u[3]];
	o[4] = e[u[4]];
	o[5] = e[u[5]];
	o[6] = e[u[6]];
	o[7] = e[u[7]];
	o[8] = e[u[8]];
	o[9] = e[u[9]];
	o[10] = e[u[10]];
	o[11] = e[u[11]];
	o[12] = e[u[12]];
	o[13] = e[u[13]];
	o[14] = e[u[14]];
	o[15] = e[u[15]];
	o[16] = e[u[16]];
	o[17] = e[u[17]];
	o[18] = e[u[18]];
	o[19] = e[u[19]];
	o[20] = e[u[20]];
	o[21] = e[u[21]];
	o[22] = e[u[22]];
	o[23] = e[u[23]];
	o[24] = e[u[24]];
	o[25] = e[u[25]];
	o[26] = e[u[26]];
	o[27] = e[u[27]];
	o[28] = e[u[28]];
	o[29] = e[u[29]];
	o[30] = e[u[30]];
	o[31] = e[u[31]];
	o[32] = e[u[32]];
	o[33] = e[u[33]];
	o[34] = e[u[34]];
	o[35] = e[u[35]];
	o[36] = e[u[36]];
	o[37] = e[u[37]];
	o[38] = e[u[38]];
	o[39] = e[u[39]];
	o[40] = e[u[40]];
	o[41] = e[u[41]];
	o[42] = e[u[42]];
	o[43] = e[u[43]];
	o[44] = e[u[44]];
	o[45] = e[u[45]];
	o[46] = e[u[46]];
	o[47] = e[u[47]];
	o[48] = e[u[48]];
	o[49] = e[u[49]];
	o[50] = e[u[50]];
	o[51] = e[u[51]];
	o[52] = e[u[52]];
	o[53] = e[u[53]];
	o[54] = e[u[54]];
	o[55] = e[u[55]];
	o[56] = e[u[56]];
	o[57] = e[u[57]];
	o[58] = e[u[58]];
	o[59] = e[u[59]];
	o[60] = e[u[60]];
	o[61] = e[u[61]];
	o[62] = e[u[62]];
	o[63] = e[u[63]];
	o[64] = e[u[64]];
	o[65] = e[u[65]];
	o[66] = e[u[66]];
	o[67] = e[u[67]];
	o[68] = e[u[68]];
	o[69] = e[u[69]];
	o[70] = e[u[70]];
	o[71] = e[u[71]];
	o[72] = e[u[72]];
	o[73] = e[u[73]];
	o[74] = e[u[74]];
	o[75] = e[u[75]];
	o[76] = e[u[76]];
	o[77] = e[u[77]];
	o[78] = e[u[78]];
	o[79] = e[u[79]];
	o[80] = e[u[80]];
	o[81] = e[u[81]];
	o[82] = e[u[82]];
	o[83] = e[u[83]];
	o[84] = e[u[84]];
	o[85] = e[u[85]];
	o[86] = e[u[86]];
	o[87] = e[u[87]];
	o[88] = e[u[88]];
	o[89] = e[u[89]];
	o[90] = e[u[90]];
	o[91] = e[u[91]];
	o[92] = e[u[92]];
	o[93] = e[u[93]];
	o[94] = e[u[94]];
	o[95] = e[u[95]];
	o[96] = e[u[96]];
	o[97] = e[u[97]];
	o[98] = e[u[98]];
	o[99] = e[u[99]];
	o[100] = e[u[100]];
	o[101] = e[u[101]];
	o[102] = e[u[102]];
	o[103] = e[u[103]];
	o[104] = e[u[104]];
	o[105] = e[u[105]];
	o[106] = e[u[106]];
	o[107] = e[u[107]];
	o[108] = e[u[108]];
	o[109] = e[u[109]];
	o[110] = e[u[110]];
	o[111] = e[u[111]];
	o[112] = e[u[112]];
	o[113] = e[u[113]];
	o[114] = e[u[114]];
	o[115] = e[u[115]];
	o[116] = e[u[116]];
	o[117] = e[u[117]];
	o[118] = e[u[118]];
	o[119] = e[u[119]];
	o[120] = e[u[120]];
	o[121] = e[u[121]];
	o[122] = e[u[122]];
	o[123] = e[u[123]];
	o[124] = e[u[124]];
	o[125] = e[u[125]];
	o[126] = e[u[126]];
	o[127] = e[u[127]];
	o[128] = e[u[128]];
	o[129] = e[u[129]];
	o[130] = e[u[130]];
	o[131] = e[u[131]];
	o[132] = e[u[132]];
	o[133] = e[u[133]];
	o[134] = e[u[134]];
	o[135] = e[u[135]];
	o[136] = e[u[136]];
	o[137] = e[u[137]];
	o[138] = e[u[138]];
	o[139] = e[u[139]];
	o[140] = e[u[140]];
	o[141] = e[u[141]];
	o[142] = e[u[142]];
	o[143] = e[u[143]];
	o[144] = e[u[144]];
	o[145] = e[u[145]];
	o[146] = e[u[146]];
	o[147] = e[u[147]];
	o[148] = e[u[148]];
	o[149] = e[u[149]];
	o[150] = e[u[150]];
	o[151] = e[u[151]];
	o[152] = e[u[152]];
	o[153] = e[u[153]];
	o[154] = e[u[154]];
	o[155] = e[u[155]];
	o[156] = e[u[156]];
	o[157] = e[u[157]];
	o[158] = e[u[158]];
	o[159] = e[u[159]];
}

/**
 * Codes of one frame, two per Uint16 word of the output (o: its Uint16 view; on a little-endian machine the code of
 * sample 2k is the word's low byte): half the stores of encodeFrame160, the same codes.
 */
export function encodeFramePairs160(t: G711Tables, u: Uint16Array, o: Uint16Array): void {
	const e = t.encode;
	o[0] = e[u[0]] | (e[u[1]] << 8);
	o[1] = e[u[2]] | (e[u[3]] << 8);
	o[2] = e[u[4]] | (e[u[5]] << 8);
	o[3] = e[u[6]] | (e[u[7]] << 8);
	o[4] = e[u[8]] | (e[u[9]] << 8);
	o[5] = e[u[10]] | (e[u[11]] << 8);
	o[6] = e[u[12]] | (e[u[13]] << 8);
	o[7] = e[u[14]] | (e[u[15]] << 8);
	o[8] = e[u[16]] | (e[u[17]] << 8);
	o[9] = e[u[18]] | (e[u[19]] << 8);
	o[10] = e[u[20]] | (e[u[21]] << 8);
	o[11] = e[u[22]] | (e[u[23]] << 8);
	o[12] = e[u[24]] | (e[u[25]] << 8);
	o[13] = e[u[26]] | (e[u[27]] << 8);
	o[14] = e[u[28]] | (e[u[29]] << 8);
	o[15] = e[u[30]] | (e[u[31]] << 8);
	o[16] = e[u[32]] | (e[u[33]] << 8);
	o[17] = e[u[34]] | (e[u[35]] << 8);
	o[18] = e[u[36]] | (e[u[37]] << 8);
	o[19] = e[u[38]] | (e[u[39]] << 8);
	o[20] = e[u[40]] | (e[u[41]] << 8);
	o[21] = e[u[42]] | (e[u[43]] << 8);
	o[22] = e[u[44]] | (e[u[45]] << 8);
	o[23] = e[u[46]] | (e[u[47]] << 8);
	o[24] = e[u[48]] | (e[u[49]] << 8);
	o[25] = e[u[50]] | (e[u[51]] << 8);
	o[26] = e[u[52]] | (e[u[53]] << 8);
	o[27] = e[u[54]] | (e[u[55]] << 8);
	o[28] = e[u[56]] | (e[u[57]] << 8);
	o[29] = e[u[58]] | (e[u[59]] << 8);
	o[30] = e[u[60]] | (e[u[61]] << 8);
	o[31] = e[u[62]] | (e[u[63]] << 8);
	o[32] = e[u[64]] | (e[u[65]] << 8);
	o[33] = e[u[66]] | (e[u[67]] << 8);
	o[34] = e[u[68]] | (e[u[69]] << 8);
	o[35] = e[u[70]] | (e[u[71]] << 8);
	o[36] = e[u[72]] | (e[u[73]] << 8);
	o[37] = e[u[74]] | (e[u[75]] << 8);
	o[38] = e[u[76]] | (e[u[77]] << 8);
	o[39] = e[u[78]] | (e[u[79]] << 8);
	o[40] = e[u[80]] | (e[u[81]] << 8);
	o[41] = e[u[82]] | (e[u[83]] << 8);
	o[42] = e[u[84]] | (e[u[85]] << 8);
	o[43] = e[u[86]] | (e[u[87]] << 8);
	o[44] = e[u[88]] | (e[u[89]] << 8);
	o[45] = e[u[90]] | (e[u[91]] << 8);
	o[46] = e[u[92]] | (e[u[93]] << 8);
	o[47] = e[u[94]] | (e[u[95]] << 8);
	o[48] = e[u[96]] | (e[u[97]] << 8);
	o[49] = e[u[98]] | (e[u[99]] << 8);
	o[50] = e[u[100]] | (e[u[101]] << 8);
	o[51] = e[u[102]] | (e[u[103]] << 8);
	o[52] = e[u[104]] | (e[u[105]] << 8);
	o[53] = e[u[106]] | (e[u[107]] << 8);
	o[54] = e[u[108]] | (e[u[109]] << 8);
	o[55] = e[u[110]] | (e[u[111]] << 8);
	o[56] = e[u[112]] | (e[u[113]] << 8);
	o[57] = e[u[114]] | (e[u[115]] << 8);
	o[58] = e[u[116]] | (e[u[117]] << 8);
	o[59] = e[u[118]] | (e[u[119]] << 8);
	o[60] = e[u[120]] | (e[u[121]] << 8);
	o[61] = e[u[122]] | (e[u[123]] << 8);
	o[62] = e[u[124]] | (e[u[125]] << 8);
	o[63] = e[u[126]] | (e[u[127]] << 8);
	o[64] = e[u[128]] | (e[u[129]] << 8);
	o[65] = e[u[130]] | (e[u[131]] << 8);
	o[66] = e[u[132]] | (e[u[133]] << 8);
	o[67] = e[u[134]] | (e[u[135]] << 8);
	o[68] = e[u[136]] | (e[u[137]] << 8);
	o[69] = e[u[138]] | (e[u[139]] << 8);
	o[70] = e[u[140]] | (e[u[141]] << 8);
	o[71] = e[u[142]] | (e[u[143]] << 8);
	o[72] = e[u[144]] | (e[u[145]] << 8);
	o[73] = e[u[146]] | (e[u[147]] << 8);
	o[74] = e[u[148]] | (e[u[149]] << 8);
	o[75] = e[u[150]] | (e[u[151]] << 8);
	o[76] = e[u[152]] | (e[u[153]] << 8);
	o[77] = e[u[154]] | (e[u[155]] << 8);
	o[78] = e[u[156]] | (e[u[157]] << 8);
	o[79] = e[u[158]] | (e[u[159]] << 8);
}

/**
 * Samples of one frame, two per Int32 word: o[k] holds samples 2k and 2k + 1 (o: the PCM frame's Int32 view), from the
 * codes c[at, at + 160) (an offset into the owner's storage rather than a view per frame: views cost heap slots).
 */
export function decodeFrame160(t: G711Tables, c: Uint8Array, at: number, o: Int32Array): void {
	const v = t.even, d = t.odd;
	o[0] = v[c[at]] | d[c[at + 1]];
	o[1] = v[c[at + 2]] | d[c[at + 3]];
	o[2] = v[c[at + 4]] | d[c[at + 5]];
	o[3] = v[c[at + 6]] | d[c[at + 7]];
	o[4] = v[c[at + 8]] | d[c[at + 9]];
	o[5] = v[c[at + 10]] | d[c[at + 11]];
	o[6] = v[c[at + 12]] | d[c[at + 13]];
	o[7] = v[c[at + 14]] | d[c[at + 15]];
	o[8] = v[c[at + 16]] | d[c[at + 17]];
	o[9] = v[c[at + 18]] | d[c[at + 19]];
	o[10] = v[c[at + 20]] | d[c[at + 21]];
	o[11] = v[c[at + 22]] | d[c[at + 23]];
	o[12] = v[c[at + 24]] | d[c[at + 25]];
	o[13] = v[c[at + 26]] | d[c[at + 27]];
	o[14] = v[c[at + 28]] | d[c[at + 29]];
	o[15] = v[c[at + 30]] | d[c[at + 31]];
	o[16] = v[c[at + 32]] | d[c[at + 33]];
	o[17] = v[c[at + 34]] | d[c[at + 35]];
	o[18] = v[c[at + 36]] | d[c[at + 37]];
	o[19] = v[c[at + 38]] | d[c[at + 39]];
	o[20] = v[c[at + 40]] | d[c[at + 41]];
	o[21] = v[c[at + 42]] | d[c[at + 43]];
	o[22] = v[c[at + 44]] | d[c[at + 45]];
	o[23] = v[c[at + 46]] | d[c[at + 47]];
	o[24] = v[c[at + 48]] | d[c[at + 49]];
	o[25] = v[c[at + 50]] | d[c[at + 51]];
	o[26] = v[c[at + 52]] | d[c[at + 53]];
	o[27] = v[c[at + 54]] | d[c[at + 55]];
	o[28] = v[c[at + 56]] | d[c[at + 57]];
	o[29] = v[c[at + 58]] | d[c[at + 59]];
	o[30] = v[c[at + 60]] | d[c[at + 61]];
	o[31] = v[c[at + 62]] | d[c[at + 63]];
	o[32] = v[c[at + 64]] | d[c[at + 65]];
	o[33] = v[c[at + 66]] | d[c[at + 67]];
	o[34] = v[c[at + 68]] | d[c[at + 69]];
	o[35] = v[c[at + 70]] | d[c[at + 71]];
	o[36] = v[c[at + 72]] | d[c[at + 73]];
	o[37] = v[c[at + 74]] | d[c[at + 75]];
	o[38] = v[c[at + 76]] | d[c[at + 77]];
	o[39] = v[c[at + 78]] | d[c[at + 79]];
	o[40] = v[c[at + 80]] | d[c[at + 81]];
	o[41] = v[c[at + 82]] | d[c[at + 83]];
	o[42] = v[c[at + 84]] | d[c[at + 85]];
	o[43] = v[c[at + 86]] | d[c[at + 87]];
	o[44] = v[c[at + 88]] | d[c[at + 89]];
	o[45] = v[c[at + 90]] | d[c[at + 91]];
	o[46] = v[c[at + 92]] | d[c[at + 93]];
	o[47] = v[c[at + 94]] | d[c[at + 95]];
	o[48] = v[c[at + 96]] | d[c[at + 97]];
	o[49] = v[c[at + 98]] | d[c[at + 99]];
	o[50] = v[c[at + 100]] | d[c[at + 101]];
	o[51] = v[c[at + 102]] | d[c[at + 103]];
	o[52] = v[c[at + 104]] | d[c[at + 105]];
	o[53] = v[c[at + 106]] | d[c[at + 107]];
	o[54] = v[c[at + 108]] | d[c[at + 109]];
	o[55] = v[c[at + 110]] | d[c[at + 111]];
	o[56] = v[c[at + 112]] | d[c[at + 113]];
	o[57] = v[c[at + 114]] | d[c[at + 115]];
	o[58] = v[c[at + 116]] | d[c[at + 117]];
	o[59] = v[c[at + 118]] | d[c[at + 119]];
	o[60] = v[c[at + 120]] | d[c[at + 121]];
	o[61] = v[c[at + 122]] | d[c[at + 123]];
	o[62] = v[c[at + 124]] | d[c[at + 125]];
	o[63] = v[c[at + 126]] | d[c[at + 127]];
	o[64] = v[c[at + 128]] | d[c[at + 129]];
	o[65] = v[c[at + 130]] | d[c[at + 131]];
	o[66] = v[c[at + 132]] | d[c[at + 133]];
	o[67] = v[c[at + 134]] | d[c[at + 135]];
	o[68] = v[c[at + 136]] | d[c[at + 137]];
	o[69] = v[c[at + 138]] | d[c[at + 139]];
	o[70] = v[c[at + 140]] | d[c[at + 141]];
	o[71] = v[c[at + 142]] | d[c[at + 143]];
	o[72] = v[c[at + 144]] | d[c[at + 145]];
	o[73] = v[c[at + 146]] | d[c[at + 147]];
	o[74] = v[c[at + 148]] | d[c[at + 149]];
	o[75] = v[c[at + 150]] | d[c[at + 151]];
	o[76] = v[c[at + 152]] | d[c[at + 153]];
	o[77] = v[c[at + 154]] | d[c[at + 155]];
	o[78] = v[c[at + 156]] | d[c[at + 157]];
	o[79] = v[c[at + 158]] | d[c[at + 159]];
}

/**
 * Codes of one frame of `pcm` scaled by a gain moving linearly from g0 to g1 across it (reaching g1 on the last
 * sample), each product rounded as Math.round does — the codes of the frame after EchoSuppressor's ramp, without
 * writing the ramped frame. Constant gain (g0 === g1) takes the shorter loop. Allocates nothing.
 */
export function encodeFrameScaled(t: G711Tables, pcm: Int16Array, o: Uint8Array, g0: number, g1: number): void {
	const e = t.encode, round = Math.round;
	if (g0 === g1) {
		// A held gain (the far end talking: the mic ducked), frame after frame: eight samples per step.
		for (let i = 0; i < FRAME_SAMPLES; i += 8) {
			o[i] = e[round(pcm[i] * g0) & 0xffff];
			o[i + 1] = e[round(pcm[i + 1] * g0) & 0xffff];
			o[i + 2] = e[round(pcm[i + 2] * g0) & 0xffff];
			o[i + 3] = e[round(pcm[i + 3] * g0) & 0xffff];
			o[i + 4] = e[round(pcm[i + 4] * g0) & 0xffff];
			o[i + 5] = e[round(pcm[i + 5] * g0) & 0xffff];
			o[i + 6] = e[round(pcm[i + 6] * g0) & 0xffff];
			o[i + 7] = e[round(pcm[i + 7] * g0) & 0xffff];
		}
		return;
	}
	const step = (g1 - g0) / FRAME_SAMPLES;
	for (let i = 0; i < FRAME_SAMPLES; i++) o[i] = e[round(pcm[i] * (g0 + step * (i + 1))) & 0xffff];
}

/**
 * Decode one frame's codes c[at, at + 160) into pcm[0, 160): two samples per word where pcm allows, else one by one
 * (as many as pcm holds).
 */
export function decodeFrameTo(t: G711Tables, c: Uint8Array, at: number, pcm: Int16Array, views: FrameViews): void {
	const words = views.words(pcm);
	if (words !== null) {
		decodeFrame160(t, c, at, words);
		return;
	}
	const table = t.decode, n = pcm.length < FRAME_SAMPLES ? pcm.length : FRAME_SAMPLES;
	for (let i = 0; i < n; i++) pcm[i] = table[c[at + i]];
}

/**
 * Encode pcm[0, 160) into o[0, 160): through pcm's patterns where it allows — two codes per store when `o16` (o's
 * Uint16 view) is given on a little-endian machine — else with a mask (as many samples as pcm holds).
 */
export function encodeFrameFrom(t: G711Tables, pcm: Int16Array, o: Uint8Array, views: FrameViews, o16: Uint16Array | null = null): void {
	const patterns = views.patterns(pcm);
	if (patterns !== null) {
		if (o16 !== null && LITTLE_ENDIAN) encodeFramePairs160(t, patterns, o16);
		else encodeFrame160(t, patterns, o);
		return;
	}
	const table = t.encode, n = pcm.length < FRAME_SAMPLES ? pcm.length : FRAME_SAMPLES;
	for (let i = 0; i < n; i++) o[i] = table[pcm[i] & 0xffff];
}
