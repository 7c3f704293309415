// G.711 whole-frame kernels (src/media/g711-frame.ts) give exactly what the scalar functions give — ITU-T G.711
// Tables 1a, 2a; RFC 3551 §4.5.14 (160 samples per 20 ms frame).
import assert from "node:assert/strict";
import { alawDecode, alawEncode, FRAME_SAMPLES, PCMA, PCMU, tablesOf, ulawDecode, ulawEncode } from "../../src/media/g711.js";
import { decodeFrame160, decodeFrameTo, encodeFrame160, encodeFrameFrom, encodeFrameScaled } from "../../src/media/g711-frame.js";
import { FrameViews } from "../../src/media/frame-views.js";

const LAWS = [
	["PCMU", PCMU, ulawEncode, ulawDecode],
	["PCMA", PCMA, alawEncode, alawDecode],
] as const;

describe("G.711 whole frames through views (Tables 1a, 2a; RFC 3551 §4.5.14)", () => {
	for (const [name, law, encode, decode] of LAWS) {
		it(`${name}: encodes every one of the 65,536 inputs, frame by frame, as the scalar encoder does`, () => {
			const t = tablesOf(law);
			const pcm = new Int16Array(FRAME_SAMPLES), codes = new Uint8Array(FRAME_SAMPLES);
			const views = new FrameViews();
			for (let first = -32768; first < 32768; first += FRAME_SAMPLES) {
				for (let i = 0; i < FRAME_SAMPLES; i++) pcm[i] = Math.min(32767, first + i);
				encodeFrame160(t, views.patterns(pcm) as Uint16Array, codes);
				for (let i = 0; i < FRAME_SAMPLES; i++) if (codes[i] !== encode(pcm[i])) assert.fail(`${name}: sample ${pcm[i]} -> ${codes[i]}`);
			}
		});

		it(`${name}: encodes every input two codes per word (into the output's Uint16 view) as one code per byte does`, () => {
			const t = tablesOf(law);
			const pcm = new Int16Array(FRAME_SAMPLES), codes = new Uint8Array(FRAME_SAMPLES + 2), single = new Uint8Array(FRAME_SAMPLES);
			const at2 = codes.subarray(2), words = new Uint16Array(codes.buffer, 2, FRAME_SAMPLES / 2);
			const views = new FrameViews();
			for (let first = -32768; first < 32768; first += FRAME_SAMPLES) {
				for (let i = 0; i < FRAME_SAMPLES; i++) pcm[i] = Math.min(32767, first + i);
				encodeFrameFrom(t, pcm, at2, views, words);
				encodeFrame160(t, views.patterns(pcm) as Uint16Array, single);
				assert.deepEqual(at2, single);
			}
			assert.deepEqual([codes[0], codes[1]], [0, 0], "nothing before the output touched");
		});

		it(`${name}: decodes every pair of codes (65,536), two samples per word, as the scalar decoder does`, () => {
			const t = tablesOf(law);
			const codes = new Uint8Array(FRAME_SAMPLES), pcm = new Int16Array(FRAME_SAMPLES);
			const words = new Int32Array(pcm.buffer);
			for (let pair = 0; pair < 65536; pair += FRAME_SAMPLES / 2) {
				for (let k = 0; k < FRAME_SAMPLES / 2; k++) {
					codes[2 * k] = (pair + k) >> 8;
					codes[2 * k + 1] = (pair + k) & 0xff;
				}
				decodeFrame160(t, codes, 0, words);
				for (let i = 0; i < FRAME_SAMPLES; i++) if (pcm[i] !== decode(codes[i])) assert.fail(`${name}: code ${codes[i]} at ${i} -> ${pcm[i]}`);
			}
		});
	}

	it("decodes into a frame whose offset allows no Int32 words one sample at a time, the same values, touching nothing else", () => {
		const t = tablesOf(PCMU);
		const codes = new Uint8Array(FRAME_SAMPLES);
		for (let i = 0; i < FRAME_SAMPLES; i++) codes[i] = (i * 37) & 0xff;
		const backing = new Int16Array(FRAME_SAMPLES + 2).fill(7);
		const odd = backing.subarray(1, 1 + FRAME_SAMPLES); // byte offset 2: no Int32 view
		const views = new FrameViews();
		assert.equal(views.words(odd), null);
		decodeFrameTo(t, codes, 0, odd, views);
		assert.equal(backing[0], 7);
		assert.equal(backing[FRAME_SAMPLES + 1], 7);
		for (let i = 0; i < FRAME_SAMPLES; i++) assert.equal(odd[i], ulawDecode(codes[i]));
		const aligned = new Int16Array(FRAME_SAMPLES);
		decodeFrameTo(t, codes, 0, aligned, views);
		assert.deepEqual(aligned, odd);
	});

	it("encodes from a frame shorter than 160 samples without views (the patterns are null): the codes of what is there", () => {
		const views = new FrameViews();
		const short = new Int16Array([-5, 0, 100, 32767]), codes = new Uint8Array(FRAME_SAMPLES).fill(1);
		assert.equal(views.patterns(short), null);
		assert.equal(views.words(short), null);
		encodeFrameFrom(tablesOf(PCMU), short, codes, views);
		assert.deepEqual([...codes.subarray(0, 4)], [ulawEncode(-5), ulawEncode(0), ulawEncode(100), ulawEncode(32767)]);
	});

	it("makes a frame's views once and again only for another array (nothing per frame)", () => {
		const views = new FrameViews();
		const a = new Int16Array(FRAME_SAMPLES), b = new Int16Array(FRAME_SAMPLES);
		const pa = views.patterns(a), wa = views.words(a);
		assert.equal(views.patterns(a), pa);
		assert.equal(views.words(a), wa);
		assert.notEqual(views.patterns(b), pa);
	});

	for (const [name, law, encode] of LAWS) {
		it(`${name}: a gain ramp folded into the encoder gives the codes of the ramped frame (Math.round, as the ramp rounds)`, () => {
			const t = tablesOf(law);
			const pcm = new Int16Array(FRAME_SAMPLES), codes = new Uint8Array(FRAME_SAMPLES);
			let seed = 99;
			for (const [g0, g1] of [[1, 0.0630957344480193], [0.0630957344480193, 0.0630957344480193], [0.0630957344480193, 1], [0.5, 0.5], [1, 0.7]]) {
				for (let round = 0; round < 50; round++) {
					for (let i = 0; i < FRAME_SAMPLES; i++) {
						seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
						pcm[i] = (seed >>> 16) - 32768;
					}
					encodeFrameScaled(t, pcm, codes, g0, g1);
					const step = (g1 - g0) / FRAME_SAMPLES;
					const ramped = new Int16Array(FRAME_SAMPLES);
					for (let i = 0; i < FRAME_SAMPLES; i++) ramped[i] = Math.round(pcm[i] * (g0 + step * (i + 1)));
					for (let i = 0; i < FRAME_SAMPLES; i++) if (codes[i] !== encode(ramped[i])) assert.fail(`${name} ${g0}->${g1}: sample ${i}`);
				}
			}
		});
	}
});
