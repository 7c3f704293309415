// G.711 encoding of whole 20 ms frames on the per-frame path: one table read per sample, four codes per store (ITU-T
// G.711 §2, §3 through the tables of ./g711.ts; RFC 3551 §4.5.14: 160 samples per 20 ms) — DESIGN.md §3, §5.
//
// XS charges every bytecode and every typed-array element a bytecode reads or writes, and a loop spends as much on its
// counter and index arithmetic as on the work: the kernel is written out for the 160 samples of a frame, with constant
// indexes, and stores the codes four at a time into the packet's Int32 words (measured on XS: 2,097 compute units per
// frame, against 2,257 two codes per store, 2,577 one per store, 4,017 as a loop). A gain held constant is folded into
// the table the kernel reads (unity: the encode table; the echo suppressor's default ducked gain: its own table); only
// a ramp, or another held gain, multiplies per sample. The arrays are views made once by their owners: nothing is
// allocated per frame.
import { FRAME_SAMPLES, type G711Tables, LITTLE_ENDIAN } from "./g711.js";
import type { FrameViews } from "./frame-views.js";

/**
 * Codes of one frame, four per Int32 word of the output (o: the payload's Int32 view; on a little-endian machine the
 * code of sample 4k is the word's low byte): o's bytes = e[u[i]] for i < 160 (u: the PCM frame's Uint16 patterns; e: a
 * table of 65,536 codes by pattern).
 */
export function encodeFrameQuads160(e: Uint8Array, u: Uint16Array, o: Int32Array): void {
	o[0] = e[u[0]] | (e[u[1]] << 8) | (e[u[2]] << 16) | (e[u[3]] << 24);
	o[1] = e[u[4]] | (e[u[5]] << 8) | (e[u[6]] << 16) | (e[u[7]] << 24);
	o[2] = e[u[8]] | (e[u[9]] << 8) | (e[u[10]] << 16) | (e[u[11]] << 24);
	o[3] = e[u[12]] | (e[u[13]] << 8) | (e[u[14]] << 16) | (e[u[15]] << 24);
	o[4] = e[u[16]] | (e[u[17]] << 8) | (e[u[18]] << 16) | (e[u[19]] << 24);
	o[5] = e[u[20]] | (e[u[21]] << 8) | (e[u[22]] << 16) | (e[u[23]] << 24);
	o[6] = e[u[24]] | (e[u[25]] << 8) | (e[u[26]] << 16) | (e[u[27]] << 24);
	o[7] = e[u[28]] | (e[u[29]] << 8) | (e[u[30]] << 16) | (e[u[31]] << 24);
	o[8] = e[u[32]] | (e[u[33]] << 8) | (e[u[34]] << 16) | (e[u[35]] << 24);
	o[9] = e[u[36]] | (e[u[37]] << 8) | (e[u[38]] << 16) | (e[u[39]] << 24);
	o[10] = e[u[40]] | (e[u[41]] << 8) | (e[u[42]] << 16) | (e[u[43]] << 24);
	o[11] = e[u[44]] | (e[u[45]] << 8) | (e[u[46]] << 16) | (e[u[47]] << 24);
	o[12] = e[u[48]] | (e[u[49]] << 8) | (e[u[50]] << 16) | (e[u[51]] << 24);
	o[13] = e[u[52]] | (e[u[53]] << 8) | (e[u[54]] << 16) | (e[u[55]] << 24);
	o[14] = e[u[56]] | (e[u[57]] << 8) | (e[u[58]] << 16) | (e[u[59]] << 24);
	o[15] = e[u[60]] | (e[u[61]] << 8) | (e[u[62]] << 16) | (e[u[63]] << 24);
	o[16] = e[u[64]] | (e[u[65]] << 8) | (e[u[66]] << 16) | (e[u[67]] << 24);
	o[17] = e[u[68]] | (e[u[69]] << 8) | (e[u[70]] << 16) | (e[u[71]] << 24);
	o[18] = e[u[72]] | (e[u[73]] << 8) | (e[u[74]] << 16) | (e[u[75]] << 24);
	o[19] = e[u[76]] | (e[u[77]] << 8) | (e[u[78]] << 16) | (e[u[79]] << 24);
	o[20] = e[u[80]] | (e[u[81]] << 8) | (e[u[82]] << 16) | (e[u[83]] << 24);
	o[21] = e[u[84]] | (e[u[85]] << 8) | (e[u[86]] << 16) | (e[u[87]] << 24);
	o[22] = e[u[88]] | (e[u[89]] << 8) | (e[u[90]] << 16) | (e[u[91]] << 24);
	o[23] = e[u[92]] | (e[u[93]] << 8) | (e[u[94]] << 16) | (e[u[95]] << 24);
	o[24] = e[u[96]] | (e[u[97]] << 8) | (e[u[98]] << 16) | (e[u[99]] << 24);
	o[25] = e[u[100]] | (e[u[101]] << 8) | (e[u[102]] << 16) | (e[u[103]] << 24);
	o[26] = e[u[104]] | (e[u[105]] << 8) | (e[u[106]] << 16) | (e[u[107]] << 24);
	o[27] = e[u[108]] | (e[u[109]] << 8) | (e[u[110]] << 16) | (e[u[111]] << 24);
	o[28] = e[u[112]] | (e[u[113]] << 8) | (e[u[114]] << 16) | (e[u[115]] << 24);
	o[29] = e[u[116]] | (e[u[117]] << 8) | (e[u[118]] << 16) | (e[u[119]] << 24);
	o[30] = e[u[120]] | (e[u[121]] << 8) | (e[u[122]] << 16) | (e[u[123]] << 24);
	o[31] = e[u[124]] | (e[u[125]] << 8) | (e[u[126]] << 16) | (e[u[127]] << 24);
	o[32] = e[u[128]] | (e[u[129]] << 8) | (e[u[130]] << 16) | (e[u[131]] << 24);
	o[33] = e[u[132]] | (e[u[133]] << 8) | (e[u[134]] << 16) | (e[u[135]] << 24);
	o[34] = e[u[136]] | (e[u[137]] << 8) | (e[u[138]] << 16) | (e[u[139]] << 24);
	o[35] = e[u[140]] | (e[u[141]] << 8) | (e[u[142]] << 16) | (e[u[143]] << 24);
	o[36] = e[u[144]] | (e[u[145]] << 8) | (e[u[146]] << 16) | (e[u[147]] << 24);
	o[37] = e[u[148]] | (e[u[149]] << 8) | (e[u[150]] << 16) | (e[u[151]] << 24);
	o[38] = e[u[152]] | (e[u[153]] << 8) | (e[u[154]] << 16) | (e[u[155]] << 24);
	o[39] = e[u[156]] | (e[u[157]] << 8) | (e[u[158]] << 16) | (e[u[159]] << 24);
}

/**
 * Codes of one frame of `pcm` scaled by a gain moving linearly from g0 to g1 across it (reaching g1 on the last sample),
 * each product rounded as Math.round does — the codes of the frame after EchoSuppressor's ramp, without writing the
 * ramped frame. A held gain (g0 === g1) takes the shorter loop. Allocates nothing.
 */
export function encodeFrameScaled(t: G711Tables, pcm: Int16Array, o: Uint8Array, g0: number, g1: number): void {
	const e = t.encode, round = Math.round;
	if (g0 === g1) {
		// A held gain other than the tables': eight samples per step.
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
 * Encode pcm[0, 160) (as much of it as there is) scaled by a gain moving from g0 to g1 (1, 1: as it is; see
 * encodeFrameScaled) into o[0, 160). A held gain of 1 or of the ducked table's reads one table per sample — four codes
 * per store into `o32` (o's Int32 view) where pcm's views and the machine allow; anything else multiplies per sample.
 * Every way gives the same codes. Allocates nothing (views: the caller's, of pcm).
 */
export function encodeFrameFrom(
	t: G711Tables, pcm: Int16Array, o: Uint8Array, o32: Int32Array | null, views: FrameViews, g0 = 1, g1 = 1,
): void {
	const table = g0 !== g1 ? null : g0 === 1 ? t.encode : g0 === t.duckedGain ? t.ducked : null;
	if (table === null) {
		encodeFrameScaled(t, pcm, o, g0, g1);
		return;
	}
	const patterns = views.patterns(pcm);
	if (patterns !== null && o32 !== null && LITTLE_ENDIAN) {
		encodeFrameQuads160(table, patterns, o32);
		return;
	}
	const n = pcm.length < FRAME_SAMPLES ? pcm.length : FRAME_SAMPLES;
	for (let i = 0; i < n; i++) o[i] = table[pcm[i] & 0xffff];
}
