// The web panel's sample-rate conversion (hosts/sim/panel/resample.ts) between the browser's 48 kHz (or 44.1 kHz) and the
// station's 8 kHz frames: tones keep their frequency and level, and what lies above 4 kHz does not fold back.
import assert from "node:assert/strict";
import { Downsampler, STATION_FRAME, Upsampler } from "../../hosts/sim/panel/resample.js";
import { goertzelAmplitude } from "../goertzel.js";

function sine(rate: number, hz: number, seconds: number, amplitude: number): Float32Array {
	const out = new Float32Array(Math.round(rate * seconds));
	for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * hz * i) / rate);
	return out;
}

/** Downsample `input`, fed in browser-sized blocks of 128, into one 8 kHz signal. */
function down(rate: number, input: Float32Array): Int16Array {
	const d = new Downsampler(rate), frames: Int16Array[] = [];
	for (let i = 0; i < input.length; i += 128) d.push(input.subarray(i, i + 128), (f) => frames.push(f.slice()));
	const out = new Int16Array(frames.length * STATION_FRAME);
	frames.forEach((f, i) => out.set(f, i * STATION_FRAME));
	return out;
}

describe("the panel's resampling between the browser and 8 kHz", () => {
	for (const rate of [48000, 44100]) {
		it(`${rate} Hz → 8 kHz: one second gives 50 frames; 1 kHz keeps its level; 6 kHz (above 4 kHz) is gone, not aliased to ${8000 - 6000} Hz`, () => {
			const tone = down(rate, sine(rate, 1000, 1, 0.5));
			assert.ok(Math.abs(tone.length / STATION_FRAME - 50) <= 1, `${tone.length / STATION_FRAME} frames`);
			const a = goertzelAmplitude(tone, 800, 7200, 1000) / 32767;
			assert.ok(a > 0.45 && a < 0.55, `1 kHz amplitude ${a}`);
			const high = down(rate, sine(rate, 6000, 1, 0.5));
			const alias = goertzelAmplitude(high, 800, 7200, 2000) / 32767;
			assert.ok(alias < 0.005, `6 kHz folded to 2 kHz at amplitude ${alias}`);
		});
	}

	it("8 kHz → 48 kHz: frame by frame, 1 kHz stays 1 kHz at its level, 6 output samples per input sample", () => {
		const u = new Upsampler(48000), parts: Float32Array[] = [];
		const input = sine(8000, 1000, 1, 0.5);
		for (let i = 0; i < input.length; i += STATION_FRAME) {
			const frame = Int16Array.from(input.subarray(i, i + STATION_FRAME), (v) => Math.round(v * 32767));
			parts.push(u.push(frame));
		}
		const total = parts.reduce((n, p) => n + p.length, 0);
		assert.ok(Math.abs(total - 48000) <= 6, `${total} samples`);
		const out = new Float32Array(total);
		let at = 0;
		for (const p of parts) {
			out.set(p, at);
			at += p.length;
		}
		const a = goertzelAmplitude(out, 4800, 43200, 1000, 48000);
		assert.ok(a > 0.45 && a < 0.55, `1 kHz amplitude ${a}`);
	});
});
