// Packet-loss concealment by pitch repetition — ITU-T G.711 Appendix I (§I.2: pitch search, repetition, attenuation, end of erasure).
import assert from "node:assert/strict";
import { Plc, PLC_MAX_PITCH, PLC_MIN_PITCH, PLC_SILENT_AFTER } from "../../src/media/plc.js";

const N = 160;

function sine(freq: number, amplitude: number, from: number, out: Int16Array): Int16Array {
	for (let i = 0; i < out.length; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freq * (from + i)) / 8000));
	return out;
}
function correlation(a: Int16Array, b: Int16Array): number {
	let ab = 0, aa = 0, bb = 0;
	for (let i = 0; i < a.length; i++) {
		ab += a[i] * b[i];
		aa += a[i] * a[i];
		bb += b[i] * b[i];
	}
	return ab / Math.sqrt(aa * bb || 1);
}
function energy(a: Int16Array, from: number, to: number): number {
	let e = 0;
	for (let i = from; i < to; i++) e += a[i] * a[i];
	return e;
}
/** Feed `frames` frames of the sine to the concealer as received audio; returns the next sample index. */
function feed(plc: Plc, freq: number, frames: number): number {
	const frame = new Int16Array(N);
	for (let f = 0; f < frames; f++) plc.good(sine(freq, 8000, f * N, frame), 0, N);
	return frames * N;
}

describe("G.711 App. I §I.2.2: pitch estimation by autocorrelation over 5–15 ms", () => {
	it("finds a period of a 200 Hz sine (a multiple of 40 samples) within 40..120", () => {
		const plc = new Plc();
		feed(plc, 200, 5);
		plc.conceal(new Int16Array(N), 0, N);
		assert.ok(plc.pitch >= PLC_MIN_PITCH && plc.pitch <= PLC_MAX_PITCH);
		assert.equal(plc.pitch % 40, 0, `pitch ${plc.pitch}`);
	});

	it("finds the 80-sample period of a 100 Hz sine", () => {
		const plc = new Plc();
		feed(plc, 100, 5);
		plc.conceal(new Int16Array(N), 0, N);
		assert.equal(plc.pitch, 80);
	});
});

describe("G.711 App. I §I.2.3: a lost frame is replaced by repeated pitch periods", () => {
	it("conceals a 20 ms hole in a 200 Hz sine with a waveform correlated > 0.95 with the missing sine", () => {
		const plc = new Plc();
		const at = feed(plc, 200, 10);
		const out = new Int16Array(N);
		plc.conceal(out, 0, N);
		const missing = sine(200, 8000, at, new Int16Array(N));
		const r = correlation(out, missing);
		assert.ok(r > 0.95, `correlation ${r.toFixed(3)}`);
		assert.ok(energy(out, 0, 80) > 0.9 * energy(missing, 0, 80), "full level for the first 10 ms");
	});

	it("conceals a 20 ms hole in a 330 Hz sine (period not an integer) with correlation > 0.8", () => {
		const plc = new Plc();
		const at = feed(plc, 330, 10);
		const out = new Int16Array(N);
		plc.conceal(out, 0, N);
		const r = correlation(out, sine(330, 8000, at, new Int16Array(N)));
		assert.ok(r > 0.8, `correlation ${r.toFixed(3)}`);
	});
});

describe("G.711 App. I §I.2.4: attenuation, 20 % per 10 ms after the first 10 ms, silence at 60 ms", () => {
	it("decreases the level per 10 ms and is silent from 60 ms on", () => {
		const plc = new Plc();
		feed(plc, 200, 10);
		const out = new Int16Array(5 * N);
		for (let f = 0; f < 5; f++) plc.conceal(out, f * N, N);
		const e = [0, 1, 2, 3, 4, 5].map((k) => energy(out, k * 80, (k + 1) * 80));
		for (let k = 1; k < 6; k++) assert.ok(e[k] < e[k - 1], `10 ms block ${k}: ${e[k]} !< ${e[k - 1]}`);
		assert.equal(energy(out, PLC_SILENT_AFTER, out.length), 0);
		assert.equal(plc.erasedSamples, 5 * N);
	});
});

describe("G.711 App. I §I.2.5: the first good frame after a loss is cross-faded", () => {
	it("joins the real signal without a jump and leaves the rest of the frame untouched", () => {
		const plc = new Plc();
		const at = feed(plc, 200, 10);
		const hole = new Int16Array(N);
		plc.conceal(hole, 0, N);
		const next = sine(200, 8000, at + N, new Int16Array(N));
		const original = Int16Array.from(next);
		plc.good(next, 0, N);
		assert.ok(Math.abs(next[0] - hole[N - 1]) < 2000, `jump ${next[0]} after ${hole[N - 1]}`);
		for (let i = 80; i < N; i++) assert.equal(next[i], original[i]);
		assert.equal(plc.erasedSamples, 0);
	});

	it("fades in from silence after a loss longer than 60 ms", () => {
		const plc = new Plc();
		const at = feed(plc, 200, 10);
		const hole = new Int16Array(N);
		for (let f = 0; f < 4; f++) plc.conceal(hole, 0, N);
		const next = sine(200, 8000, at + 4 * N, new Int16Array(N));
		const original = Int16Array.from(next);
		plc.good(next, 0, N);
		assert.ok(Math.abs(next[0]) <= Math.abs(original[0]) / 10 + 1);
		assert.ok(energy(next, 0, 40) < energy(original, 0, 40));
	});
});
