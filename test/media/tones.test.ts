// Call-progress and door tones — ITU-T E.180 §2 (425 Hz cadences), Supplement 2 (440 + 480 Hz); checked with Goertzel.
import assert from "node:assert/strict";
import { goertzelPower } from "../goertzel.js";
import {
	BUSY_425, CALL_END_WARNING, DOOR_OPENED, INVALID_CODE, RINGBACK_425, RINGBACK_440_480, TonePlayer,
} from "../../src/media/tones.js";

/** Goertzel power of `freq` in pcm[from, to) at 8 kHz, normalized by length². */
function goertzel(pcm: Int16Array, from: number, to: number, freq: number): number {
	const n = to - from;
	return goertzelPower(pcm, from, to, freq) / (n * n);
}
function render(player: TonePlayer, ms: number): Int16Array {
	const out = new Int16Array((ms * 8000) / 1000);
	for (let at = 0; at < out.length; at += 160) player.fill(out, at, 160);
	return out;
}
function rms(pcm: Int16Array, from: number, to: number): number {
	let e = 0;
	for (let i = from; i < to; i++) e += pcm[i] * pcm[i];
	return Math.sqrt(e / (to - from));
}

describe("ITU-T E.180 §2: 425 Hz ringback and busy cadences", () => {
	it("ringback: 425 Hz for 1 s (Goertzel finds it, not 440 or 1000 Hz), then 4 s of silence, then again", () => {
		const p = new TonePlayer();
		p.start(RINGBACK_425);
		const pcm = render(p, 6000);
		const on = goertzel(pcm, 0, 8000, 425);
		assert.ok(on > 100 * goertzel(pcm, 0, 8000, 1000), "425 Hz, not 1000 Hz");
		assert.ok(on > 10 * goertzel(pcm, 0, 8000, 480), "425 Hz, not 480 Hz");
		assert.equal(rms(pcm, 8000, 40000), 0);
		assert.ok(rms(pcm, 40000, 48000) > 1000, "repeats after 5 s");
		assert.ok(p.playing);
	});

	it("busy: 0.5 s on, 0.5 s off", () => {
		const p = new TonePlayer();
		p.start(BUSY_425);
		const pcm = render(p, 2000);
		assert.ok(rms(pcm, 0, 4000) > 1000);
		assert.equal(rms(pcm, 4000, 8000), 0);
		assert.ok(rms(pcm, 8000, 12000) > 1000);
	});
});

describe("E.180 Supplement 2: North American ringback 440 + 480 Hz", () => {
	it("has both components and not 425 Hz", () => {
		const p = new TonePlayer();
		p.start(RINGBACK_440_480);
		const pcm = render(p, 1000);
		const a = goertzel(pcm, 0, 8000, 440), b = goertzel(pcm, 0, 8000, 480);
		assert.ok(a > 0.5 * b && b > 0.5 * a, "equal levels");
		assert.ok(a > 100 * goertzel(pcm, 0, 8000, 700));
	});
});

describe("Door tones: confirmation, call-end warning, invalid code (play once)", () => {
	it("door opened: 660 Hz then 880 Hz, then silence and not playing", () => {
		const p = new TonePlayer();
		p.start(DOOR_OPENED);
		const pcm = render(p, 400);
		assert.ok(goertzel(pcm, 0, 1200, 660) > 10 * goertzel(pcm, 0, 1200, 880));
		assert.ok(goertzel(pcm, 1440, 2640, 880) > 10 * goertzel(pcm, 1440, 2640, 660));
		assert.equal(rms(pcm, 2640, pcm.length), 0);
		assert.equal(p.playing, false);
	});

	it("call-end warning: three 1400 Hz beeps of 100 ms; invalid code: three 400 Hz beeps", () => {
		const p = new TonePlayer();
		p.start(CALL_END_WARNING);
		let pcm = render(p, 600);
		for (const at of [0, 1600, 3200]) assert.ok(goertzel(pcm, at, at + 800, 1400) > 100 * goertzel(pcm, at, at + 800, 400));
		for (const at of [800, 2400]) assert.equal(rms(pcm, at, at + 800), 0);
		p.start(INVALID_CODE);
		pcm = render(p, 700);
		for (const at of [0, 1600, 3200]) assert.ok(goertzel(pcm, at, at + 960, 400) > 100 * goertzel(pcm, at, at + 960, 1400));
		assert.equal(p.playing, false);
	});

	it("stop() silences at once", () => {
		const p = new TonePlayer();
		p.start(BUSY_425);
		p.stop();
		assert.equal(rms(render(p, 100), 0, 800), 0);
	});
});
