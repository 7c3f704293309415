// G.711 μ-law and A-law against a reference built from the standard's tables — ITU-T G.711 Tables 1a, 2a; RFC 3551 §4.5.14.
import assert from "node:assert/strict";
import {
	ALAW_SILENCE, alawDecode, alawEncode, decodeFrame, encodeFrame, FRAME_SAMPLES, PCMA, PCMU, ULAW_SILENCE, ulawDecode, ulawEncode,
} from "../../src/media/g711.js";

// The reference: a plain search of the standard's decision intervals, nothing shared with the encoder's bit
// arithmetic. Each law is 8 segments of 16 intervals per sign; interval n = 16·segment + step number.

/** G.711 Table 2a (μ-law, 14-bit scale): end of each segment (its last decision value) and its step size. */
const MU_SEGMENT_END = [31, 95, 223, 479, 991, 2015, 4063, 8159];
const MU_STEP = [2, 4, 8, 16, 32, 64, 128, 256];
/** G.711 Table 1a (A-law, 13-bit scale). */
const A_SEGMENT_END = [32, 64, 128, 256, 512, 1024, 2048, 4096];
const A_STEP = [2, 2, 4, 8, 16, 32, 64, 128];

interface Interval {
	low: number; // first magnitude in the interval
	high: number; // first magnitude beyond it
	out: number; // decoder output (the standard's midpoint value)
}

/** The 128 magnitude intervals of one law, lowest first. μ-law's first interval is [0, 1) (the zero level, Table 2a). */
function intervals(ends: number[], steps: number[], mu: boolean): Interval[] {
	const list: Interval[] = [];
	for (let s = 0; s < 8; s++) {
		const start = ends[s] - 16 * steps[s];
		for (let q = 0; q < 16; q++) {
			let low = start + q * steps[s];
			const high = low + steps[s];
			const out = low + steps[s] / 2;
			if (low < 0) low = 0; // μ-law segment 0 begins at −1: the zero interval is [0, 1) on each side
			list.push({ low, high, out });
		}
	}
	assert.equal(list[0].out, mu ? 0 : 1);
	return list;
}
const MU = intervals(MU_SEGMENT_END, MU_STEP, true);
const A = intervals(A_SEGMENT_END, A_STEP, false);

/** Interval number of a magnitude; beyond the last decision value, the last interval (overload). */
function intervalOf(table: Interval[], magnitude: number): number {
	for (let n = 0; n < 128; n++) if (magnitude < table[n].high) return n;
	return 127;
}

/** μ-law: |x| / 4, truncated, to the 14-bit scale; sign bit 1 = positive; the 7 magnitude bits inverted; −0 sent as +0. */
function refUlawEncode(x: number): number {
	const n = intervalOf(MU, Math.floor(Math.abs(x) / 4));
	return x < 0 && n !== 0 ? 0x7f ^ n : 0xff ^ n;
}
function refUlawDecode(code: number): number {
	const n = 0x7f ^ (code & 0x7f);
	return (code & 0x80 ? 1 : -1) * MU[n].out * 4 + 0; // + 0: −0 → 0
}
/** A-law: |x| / 8, truncated, to the 13-bit scale; sign bit 1 = positive; the even bits (2, 4, 6, 8) inverted. */
function refAlawEncode(x: number): number {
	const n = intervalOf(A, Math.floor(Math.abs(x) / 8));
	return (x < 0 ? n : 0x80 | n) ^ 0x55;
}
function refAlawDecode(code: number): number {
	const c = code ^ 0x55;
	return (c & 0x80 ? 1 : -1) * A[c & 0x7f].out * 8;
}

describe("G.711 §3, Table 2a: μ-law", () => {
	it("encodes all 65,536 16-bit inputs as the table's intervals do (G.711 Table 2a)", () => {
		for (let x = -32768; x <= 32767; x++) {
			if (ulawEncode(x) !== refUlawEncode(x)) assert.fail(`μ-law ${x}: ${ulawEncode(x)} != ${refUlawEncode(x)}`);
		}
	});

	it("decodes all 256 codes to the table's decoder output values, × 4 for 16 bits (Table 2a)", () => {
		for (let c = 0; c < 256; c++) assert.equal(ulawDecode(c), refUlawDecode(c), `code 0x${c.toString(16)}`);
	});

	it("sends silence as 0xFF, +0 (Table 2a), and 0x7F, −0, also decodes to 0", () => {
		assert.equal(ULAW_SILENCE, 0xff);
		assert.equal(ulawEncode(0), 0xff);
		assert.equal(ulawDecode(0xff), 0);
		assert.equal(ulawDecode(0x7f), 0);
	});

	it("codes a small negative input in the zero interval as +0, 0xFF: no input encodes to 0x7F (our choice)", () => {
		for (const x of [-1, -2, -3]) assert.equal(ulawEncode(x), 0xff);
		assert.equal(ulawEncode(-4), 0x7e);
		for (let x = -32768; x <= 32767; x++) if (ulawEncode(x) === 0x7f) assert.fail(`${x} encodes to 0x7F`);
	});

	it("reaches full scale at 0x80 = +8031 and 0x00 = −8031 (× 4: ±32124), clipping beyond (Table 2a)", () => {
		assert.equal(ulawEncode(32767), 0x80);
		assert.equal(ulawEncode(-32768), 0x00);
		assert.equal(ulawEncode(-32767), 0x00);
		assert.equal(ulawDecode(0x80), 32124);
		assert.equal(ulawDecode(0x00), -32124);
		assert.equal(ulawEncode(8159 * 4 - 1), 0x80);
	});

	it("sends sign bit 1 for positive and the 7 bits of the interval number inverted (Table 2a)", () => {
		// interval n = 16·segment + step: 8031 is segment 7, step 15 (n = 127); 33 is segment 1, step 0 (n = 16).
		assert.equal(ulawEncode(33 * 4), 0x80 | (~16 & 0x7f));
		assert.equal(ulawEncode(-33 * 4), 0x00 | (~16 & 0x7f));
		assert.equal(ulawEncode(8031 * 4), 0x80 | (~127 & 0x7f));
	});

	it("keeps decode(encode(x)) within half a quantization step, the overload region aside (Table 2a)", () => {
		for (let x = -32768; x <= 32767; x++) {
			const mag = Math.floor(Math.abs(x) / 4);
			const n = intervalOf(MU, mag);
			const error = Math.abs(ulawDecode(ulawEncode(x)) - x);
			// The zero interval [0, 1) holds 16-bit magnitudes 0..3, all decoded to 0.
			const bound = mag >= 8159 ? Math.abs(x) - 32124 : n === 0 ? 3 : ((MU[n].high - MU[n].low) * 4) / 2;
			if (error > bound) assert.fail(`μ-law ${x}: error ${error} > ${bound}`);
		}
	});

	it("gives encode(decode(c)) === c for every code but 0x7F, which comes back as 0xFF (−0 → +0)", () => {
		for (let c = 0; c < 256; c++) assert.equal(ulawEncode(ulawDecode(c)), c === 0x7f ? 0xff : c, `code 0x${c.toString(16)}`);
	});
});

describe("G.711 §2, Table 1a: A-law", () => {
	it("encodes all 65,536 16-bit inputs as the table's intervals do (G.711 Table 1a)", () => {
		for (let x = -32768; x <= 32767; x++) {
			if (alawEncode(x) !== refAlawEncode(x)) assert.fail(`A-law ${x}: ${alawEncode(x)} != ${refAlawEncode(x)}`);
		}
	});

	it("decodes all 256 codes to the table's decoder output values, × 8 for 16 bits (Table 1a)", () => {
		for (let c = 0; c < 256; c++) assert.equal(alawDecode(c), refAlawDecode(c), `code 0x${c.toString(16)}`);
	});

	it("sends silence as 0xD5, the smallest positive level +1 (× 8: 8) (Table 1a)", () => {
		assert.equal(ALAW_SILENCE, 0xd5);
		assert.equal(alawEncode(0), 0xd5);
		assert.equal(alawDecode(0xd5), 8);
		assert.equal(alawDecode(0x55), -8);
		assert.equal(alawEncode(-1), 0x55);
	});

	it("reaches full scale at 0xAA = +4032 and 0x2A = −4032 (× 8: ±32256), clipping beyond (Table 1a)", () => {
		assert.equal(alawEncode(32767), 0xaa);
		assert.equal(alawEncode(-32768), 0x2a);
		assert.equal(alawDecode(0xaa), 32256);
		assert.equal(alawDecode(0x2a), -32256);
	});

	it("sends sign bit 1 for positive, then the interval number, with the even bits inverted (Table 1a)", () => {
		// interval n = 16·segment + step; bits numbered 1 (sign) to 8: XOR 0101 0101.
		for (let n = 0; n < 128; n++) {
			const x = A[n].out * 8;
			assert.equal(alawEncode(x), (0x80 | n) ^ 0x55);
			assert.equal(alawEncode(-x), n ^ 0x55);
		}
	});

	it("keeps decode(encode(x)) within half a quantization step, the overload region aside (Table 1a)", () => {
		for (let x = -32768; x <= 32767; x++) {
			const mag = Math.floor(Math.abs(x) / 8);
			const n = intervalOf(A, mag);
			const error = Math.abs(alawDecode(alawEncode(x)) - x);
			const bound = mag >= 4096 ? Math.abs(x) - 32256 : ((A[n].high - A[n].low) * 8) / 2;
			if (error > bound) assert.fail(`A-law ${x}: error ${error} > ${bound}`);
		}
	});

	it("gives encode(decode(c)) === c for every one of the 256 codes", () => {
		for (let c = 0; c < 256; c++) assert.equal(alawEncode(alawDecode(c)), c, `code 0x${c.toString(16)}`);
	});

	it("is symmetric: encode(−x) differs from encode(x) only in the sign bit, for −32767 ≤ x ≤ 32767", () => {
		for (let x = 1; x <= 32767; x++) if ((alawEncode(x) ^ alawEncode(-x)) !== 0x80) assert.fail(`A-law ±${x}`);
		for (let x = 4; x <= 32767; x++) if ((ulawEncode(x) ^ ulawEncode(-x)) !== 0x80) assert.fail(`μ-law ±${x}`);
	});
});

describe("RFC 3551 §4.5.14: G.711 frames of 160 samples (20 ms at 8 kHz)", () => {
	const pcm = new Int16Array(400);
	for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(20000 * Math.sin(i / 7) + (i % 13) * 37 - 200);

	for (const [name, law, encode, decode] of [
		["PCMU", PCMU, ulawEncode, ulawDecode],
		["PCMA", PCMA, alawEncode, alawDecode],
	] as const) {
		it(`encodes and decodes a ${name} frame at given offsets, sample by sample as the scalar functions, touching nothing else`, () => {
			const codes = new Uint8Array(200).fill(0x11);
			encodeFrame(law, pcm, 33, codes, 12);
			assert.equal(codes[11], 0x11);
			assert.equal(codes[12 + FRAME_SAMPLES], 0x11);
			for (let i = 0; i < FRAME_SAMPLES; i++) assert.equal(codes[12 + i], encode(pcm[33 + i]));
			const out = new Int16Array(200).fill(7);
			decodeFrame(law, codes, 12, out, 20);
			assert.equal(out[19], 7);
			assert.equal(out[20 + FRAME_SAMPLES], 7);
			for (let i = 0; i < FRAME_SAMPLES; i++) assert.equal(out[20 + i], decode(codes[12 + i]));
		});
	}

	it("encodes every one of the 65,536 inputs in a frame exactly as the scalar encoders do (the frame loop inlines them)", () => {
		const all = new Int16Array(65536);
		for (let i = 0; i < 65536; i++) all[i] = i - 32768;
		const codes = new Uint8Array(65536);
		for (const [law, encode] of [[PCMU, ulawEncode], [PCMA, alawEncode]] as const) {
			encodeFrame(law, all, 0, codes, 0, 65536);
			for (let i = 0; i < 65536; i++) if (codes[i] !== encode(all[i])) assert.fail(`law ${law}, sample ${all[i]}`);
		}
	});

	it("takes a sample count other than 160 (10 ms, 80 samples)", () => {
		const codes = new Uint8Array(160).fill(0);
		encodeFrame(PCMU, pcm, 0, codes, 0, 80);
		assert.equal(codes[79], ulawEncode(pcm[79]));
		assert.equal(codes[80], 0);
	});
});
