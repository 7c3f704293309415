// G.711 whole-frame kernels (src/media/g711-frame-encode.ts, g711-frame-decode.ts) give exactly what the scalar
// functions give — ITU-T G.711 Tables 1a, 2a; RFC 3551 §4.5.14 (160 samples per 20 ms frame).
import assert from "node:assert/strict";
import { alawDecode, alawEncode, DUCKED_GAIN, FRAME_SAMPLES, PCMA, PCMU, tablesOf, ulawDecode, ulawEncode } from "../../src/media/g711.js";
import { decodeFramePairs160, decodeFrameTo } from "../../src/media/g711-frame-decode.js";
import { encodeFrameFrom, encodeFrameQuads160, encodeFrameScaled } from "../../src/media/g711-frame-encode.js";
import { DatagramWords, FrameViews } from "../../src/media/frame-views.js";

const LAWS = [
	["PCMU", PCMU, ulawEncode, ulawDecode],
	["PCMA", PCMA, alawEncode, alawDecode],
] as const;

/** A frame of pseudo-random 16-bit samples (an LCG: the same on every engine). */
function noise(pcm: Int16Array, seed: number): number {
	for (let i = 0; i < pcm.length; i++) {
		seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
		pcm[i] = (seed >>> 16) - 32768;
	}
	return seed;
}

describe("G.711 whole frames through views (Tables 1a, 2a; RFC 3551 §4.5.14)", () => {
	for (const [name, law, encode, decode] of LAWS) {
		it(`${name}: encodes every one of the 65,536 inputs, four codes per word, as the scalar encoder does`, () => {
			const t = tablesOf(law);
			const pcm = new Int16Array(FRAME_SAMPLES), codes = new Uint8Array(FRAME_SAMPLES);
			const words = new Int32Array(codes.buffer);
			const views = new FrameViews();
			for (let first = -32768; first < 32768; first += FRAME_SAMPLES) {
				for (let i = 0; i < FRAME_SAMPLES; i++) pcm[i] = Math.min(32767, first + i);
				encodeFrameQuads160(t.encode, views.patterns(pcm) as Uint16Array, words);
				for (let i = 0; i < FRAME_SAMPLES; i++) if (codes[i] !== encode(pcm[i])) assert.fail(`${name}: sample ${pcm[i]} -> ${codes[i]}`);
			}
		});

		it(`${name}: encodes into a packet's payload (Int32 words from byte 12) exactly the codes of one per byte, nothing else touched`, () => {
			const t = tablesOf(law);
			const pcm = new Int16Array(FRAME_SAMPLES), packet = new Uint8Array(12 + FRAME_SAMPLES + 4).fill(0xaa);
			const payload = packet.subarray(12, 12 + FRAME_SAMPLES), words = new Int32Array(packet.buffer, 12, FRAME_SAMPLES / 4);
			const views = new FrameViews(), single = new Uint8Array(FRAME_SAMPLES);
			let seed = 7;
			for (let round = 0; round < 100; round++) {
				seed = noise(pcm, seed);
				encodeFrameFrom(t, pcm, payload, words, views);
				encodeFrameFrom(t, pcm, single, null, views);
				assert.deepEqual(payload, single);
			}
			assert.deepEqual([...packet.subarray(0, 12), ...packet.subarray(12 + FRAME_SAMPLES)], new Array(16).fill(0xaa));
		});

		it(`${name}: decodes every pair of codes (65,536), two samples per table read and store, as the scalar decoder does`, () => {
			const t = tablesOf(law);
			const codes = new Uint8Array(FRAME_SAMPLES + 2), pcm = new Int16Array(FRAME_SAMPLES);
			const pairs = new Uint16Array(codes.buffer, 2, FRAME_SAMPLES / 2), words = new Int32Array(pcm.buffer);
			for (let pair = 0; pair < 65536; pair += FRAME_SAMPLES / 2) {
				for (let k = 0; k < FRAME_SAMPLES / 2; k++) {
					codes[2 + 2 * k] = (pair + k) >> 8;
					codes[2 + 2 * k + 1] = (pair + k) & 0xff;
				}
				decodeFramePairs160(t.pairs, pairs, words);
				for (let i = 0; i < FRAME_SAMPLES; i++) if (pcm[i] !== decode(codes[2 + i])) assert.fail(`${name}: code ${codes[2 + i]} at ${i} -> ${pcm[i]}`);
			}
		});

		it(`${name}: the ducked table gives the codes of each input scaled by the default mic gain (Math.round, as the ramp rounds)`, () => {
			const t = tablesOf(law);
			assert.equal(t.duckedGain, DUCKED_GAIN);
			for (let x = -32768; x < 32768; x++) if (t.ducked[x & 0xffff] !== encode(Math.round(x * DUCKED_GAIN))) assert.fail(`${name}: ${x}`);
		});

		it(`${name}: a gain folded into the encoder gives the codes of the ramped frame, by table or by multiplication alike`, () => {
			const t = tablesOf(law);
			const pcm = new Int16Array(FRAME_SAMPLES), codes = new Uint8Array(FRAME_SAMPLES), words = new Int32Array(codes.buffer);
			const views = new FrameViews();
			let seed = 99;
			for (const [g0, g1] of [[1, DUCKED_GAIN], [DUCKED_GAIN, DUCKED_GAIN], [DUCKED_GAIN, 1], [0.5, 0.5], [1, 0.7], [1, 1]]) {
				for (let round = 0; round < 50; round++) {
					seed = noise(pcm, seed);
					const step = (g1 - g0) / FRAME_SAMPLES;
					const ramped = new Int16Array(FRAME_SAMPLES);
					for (let i = 0; i < FRAME_SAMPLES; i++) ramped[i] = Math.round(pcm[i] * (g0 + step * (i + 1)));
					encodeFrameFrom(t, pcm, codes, words, views, g0, g1);
					for (let i = 0; i < FRAME_SAMPLES; i++) if (codes[i] !== encode(ramped[i])) assert.fail(`${name} ${g0}->${g1}: sample ${i}`);
					encodeFrameScaled(t, pcm, codes, g0, g1);
					for (let i = 0; i < FRAME_SAMPLES; i++) if (codes[i] !== encode(ramped[i])) assert.fail(`${name} ${g0}->${g1} scaled: sample ${i}`);
				}
			}
		});
	}

	it("decodes into a frame whose offset allows no Int32 words one sample at a time, and from codes at an odd offset: the same values, nothing else touched", () => {
		const t = tablesOf(PCMU);
		const codes = new Uint8Array(FRAME_SAMPLES + 1);
		for (let i = 0; i < codes.length; i++) codes[i] = (i * 37) & 0xff;
		const backing = new Int16Array(FRAME_SAMPLES + 2).fill(7);
		const odd = backing.subarray(1, 1 + FRAME_SAMPLES); // byte offset 2: no Int32 view
		const views = new FrameViews();
		assert.equal(views.words(odd), null);
		decodeFrameTo(t, codes, 0, new Uint16Array(codes.buffer, 0, FRAME_SAMPLES / 2), odd, views);
		assert.equal(backing[0], 7);
		assert.equal(backing[FRAME_SAMPLES + 1], 7);
		for (let i = 0; i < FRAME_SAMPLES; i++) assert.equal(odd[i], ulawDecode(codes[i]));
		const aligned = new Int16Array(FRAME_SAMPLES);
		decodeFrameTo(t, codes, 0, new Uint16Array(codes.buffer, 0, FRAME_SAMPLES / 2), aligned, views);
		assert.deepEqual(aligned, odd);
		// Codes at an odd offset have no Uint16 view: their bytes are decoded one by one.
		decodeFrameTo(t, codes, 1, null, aligned, views);
		for (let i = 0; i < FRAME_SAMPLES; i++) assert.equal(aligned[i], ulawDecode(codes[1 + i]));
	});

	it("encodes from a frame shorter than 160 samples without views (the patterns are null): the codes of what is there", () => {
		const views = new FrameViews();
		const short = new Int16Array([-5, 0, 100, 32767]), codes = new Uint8Array(FRAME_SAMPLES).fill(1);
		assert.equal(views.patterns(short), null);
		assert.equal(views.words(short), null);
		assert.equal(views.wide(short), null);
		encodeFrameFrom(tablesOf(PCMU), short, codes, new Int32Array(codes.buffer), views);
		assert.deepEqual([...codes.subarray(0, 5)], [ulawEncode(-5), ulawEncode(0), ulawEncode(100), ulawEncode(32767), 1]);
	});

	it("makes a frame's views once and again only for another array (nothing per frame)", () => {
		const views = new FrameViews();
		const a = new Int16Array(FRAME_SAMPLES), b = new Int16Array(FRAME_SAMPLES);
		const pa = views.patterns(a), wa = views.words(a), fa = views.wide(a);
		assert.equal(views.patterns(a), pa);
		assert.equal(views.words(a), wa);
		assert.equal(views.wide(a), fa);
		assert.notEqual(views.patterns(b), pa);
		assert.equal(views.wide(new Int16Array(FRAME_SAMPLES + 1).subarray(1)), null, "byte offset 2: no Float64 words");
	});

	it("adopts a datagram array the second time in a row it comes, and no other one until reset", () => {
		const words = new DatagramWords();
		const a = new Uint8Array(172), b = new Uint8Array(172);
		assert.equal(words.of(a), null);
		assert.equal(words.of(b), null);
		const wb = words.of(b);
		assert.ok(wb instanceof Int32Array && wb.length === 43 && wb.buffer === b.buffer);
		assert.equal(words.of(a), null);
		assert.equal(words.of(a), null, "only one array is adopted");
		assert.equal(words.of(b), wb);
		words.reset();
		words.of(a);
		assert.equal(words.of(a)?.buffer, a.buffer);
		const unaligned = new DatagramWords(), odd = new Uint8Array(9).subarray(1);
		unaligned.of(odd);
		assert.equal(unaligned.of(odd), null, "byte offset 1: no Int32 words");
	});
});
