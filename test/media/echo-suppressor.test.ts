// Level-based echo suppressor — half-duplex ducking with hangover (ITU-T G.164-style switched loss; DESIGN.md §5:
// mic frame → echo suppressor → encode). Far end: a tone on the speaker, its echo in the mic at −10 dB, 40–60 ms late.
import assert from "node:assert/strict";
import { ES_FAR, ES_IDLE, ES_NEAR, ES_OFF, EchoSuppressor, frameEnergy } from "../../src/media/echo-suppressor.js";
import { FrameViews } from "../../src/media/frame-views.js";

const N = 160;

/** n frames of a sine of `amplitude` at `freq` Hz, phase-continuous. */
function tone(freq: number, amplitude: number, frames: number): Int16Array {
	const out = new Int16Array(frames * N);
	for (let i = 0; i < out.length; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / 8000));
	return out;
}

/** Speech-like near-end signal: a 140 Hz voice with harmonics, syllables of 200 ms at 4 Hz, pauses between. */
function speech(frames: number, amplitude: number): Int16Array {
	const out = new Int16Array(frames * N);
	for (let i = 0; i < out.length; i++) {
		const t = i / 8000;
		const envelope = Math.max(0, Math.sin(2 * Math.PI * 2.5 * t));
		let v = 0;
		for (let h = 1; h <= 5; h++) v += Math.sin(2 * Math.PI * 140 * h * t) / h;
		out[i] = Math.round(amplitude * envelope * v * 0.5);
	}
	return out;
}

/** A deterministic noise of ±amplitude (xorshift), e.g. a mic's self-noise below the thresholds. */
function noise(frames: number, amplitude: number, seed = 7): Int16Array {
	const out = new Int16Array(frames * N);
	let s = seed;
	for (let i = 0; i < out.length; i++) {
		s ^= s << 13;
		s ^= s >>> 17;
		s ^= s << 5;
		out[i] = Math.round((((s >>> 0) / 4294967296) * 2 - 1) * amplitude);
	}
	return out;
}

/** `far` delayed by `frames` frames and scaled by `db`: its echo as the mic hears it. */
function echoOf(far: Int16Array, frames: number, db: number): Int16Array {
	const out = new Int16Array(far.length);
	const g = Math.pow(10, db / 20);
	for (let i = frames * N; i < far.length; i++) out[i] = Math.round(far[i - frames * N] * g);
	return out;
}

function mix(...signals: Int16Array[]): Int16Array {
	const out = new Int16Array(signals[0].length);
	for (let i = 0; i < out.length; i++) {
		let v = 0;
		for (const s of signals) v += s[i];
		out[i] = Math.max(-32768, Math.min(32767, v));
	}
	return out;
}

function rms(pcm: Int16Array, from: number, to: number): number {
	let e = 0;
	for (let i = from; i < to; i++) e += pcm[i] * pcm[i];
	return Math.sqrt(e / (to - from));
}

function db(ratio: number): number {
	return 20 * Math.log10(ratio);
}

interface Run {
	mic: Int16Array;
	speaker: Int16Array;
	floors: number[];
	farLevels: number[];
}

/** Run the suppressor over whole signals frame by frame (copies: the inputs stay as they were). */
function run(es: EchoSuppressor, far: Int16Array, near: Int16Array): Run {
	const speaker = far.slice(), mic = near.slice();
	const floors: number[] = [], farLevels: number[] = [];
	for (let at = 0; at < mic.length; at += N) {
		floors.push(es.process(speaker, at, mic, at));
		farLevels.push(es.farLevel);
	}
	return { mic, speaker, floors, farLevels };
}

/** Largest |x[i] − x[i−1]| within frame k (its first step taken from the previous frame's last sample). */
function maxStep(pcm: Int16Array, k: number): number {
	let m = 0;
	for (let i = Math.max(1, k * N); i < (k + 1) * N; i++) m = Math.max(m, Math.abs(pcm[i] - pcm[i - 1]));
	return m;
}

describe("Echo suppression: the far end talks, its echo in the mic is attenuated (G.164-style switched loss)", () => {
	const FRAMES = 60;
	const far = tone(500, 8000, FRAMES);
	const echo = echoOf(far, 2, -10);
	const near = mix(echo, noise(FRAMES, 20));

	for (const att of [18, 30]) {
		it(`attenuates the mic by the configured ${att} dB from the first far frame on, before the echo arrives`, () => {
			const es = new EchoSuppressor({ micAttenuationDb: att });
			const r = run(es, far, near);
			assert.equal(r.floors[0], ES_FAR, "the far end takes the floor on its first frame");
			assert.ok(r.floors.every((f) => f === ES_FAR), r.floors.join());
			// Frame 0 is the ramp; frame 1 holds only the mic's self-noise (±20), attenuated to rounding; from frame 2 on
			// (the echo) the loss is the configured one.
			assert.ok(rms(r.mic, N, 2 * N) <= rms(near, N, 2 * N) * Math.pow(10, -att / 20) + 0.5);
			for (let k = 2; k < FRAMES; k++) {
				const loss = db(rms(r.mic, k * N, (k + 1) * N) / rms(near, k * N, (k + 1) * N));
				assert.ok(Math.abs(loss + att) < 0.1, `frame ${k}: ${loss.toFixed(2)} dB`);
			}
			assert.deepEqual(r.speaker, far, "the speaker is not touched (no speaker loss configured)");
			assert.equal(es.micDucked, FRAMES);
			assert.equal(es.frames, FRAMES);
			assert.equal(es.doubleTalk, 0);
		});
	}
});

describe("Near-end speech alone passes untouched (half-duplex: the near end holds the floor)", () => {
	it("leaves every mic and speaker sample as it was, and says the near end talks", () => {
		const FRAMES = 150;
		const near = mix(speech(FRAMES, 9000), noise(FRAMES, 20));
		const far = noise(FRAMES, 15, 99); // line noise, far below the far-end threshold
		const es = new EchoSuppressor({ speakerAttenuationDb: 0 });
		const r = run(es, far, near);
		assert.deepEqual(r.mic, near);
		assert.deepEqual(r.speaker, far);
		assert.equal(es.micDucked, 0);
		assert.ok(r.floors.filter((f) => f === ES_NEAR).length > FRAMES / 2, "the near end held the floor while it talked");
		assert.ok(r.floors.every((f) => f === ES_NEAR || f === ES_IDLE));
	});
});

describe("Double talk: half-duplex, the floor stays with its holder unless a side beats the other by its margin", () => {
	const FRAMES = 80;

	it("far end first, then the visitor at about the far level: the mic stays ducked (no echo leaks), double talk counted", () => {
		const far = tone(500, 8000, FRAMES);
		const visitor = tone(700, 7000, FRAMES);
		visitor.fill(0, 0, 30 * N); // the visitor starts at frame 30
		const near = mix(echoOf(far, 2, -10), visitor);
		const es = new EchoSuppressor({ micAttenuationDb: 24 });
		const r = run(es, far, near);
		// The setup is what it claims: neither side beats the other by its margin while both talk.
		assert.ok(es.nearLevel < es.echoReference * es.nearMargin && es.echoReference < es.nearLevel * es.farMargin);
		assert.ok(r.floors.every((f) => f === ES_FAR));
		assert.ok(es.doubleTalk >= FRAMES - 31, `double talk ${es.doubleTalk}`);
		for (let k = 31; k < FRAMES; k++) {
			assert.ok(db(rms(r.mic, k * N, (k + 1) * N) / rms(near, k * N, (k + 1) * N)) < -23.9, `frame ${k}`);
		}
	});

	it("visitor first, then the far end within the margin: the near end keeps the floor, the speaker gets its loss", () => {
		const visitor = tone(700, 8000, FRAMES);
		const far = tone(500, 9000, FRAMES);
		far.fill(0, 0, 30 * N);
		const near = mix(visitor, echoOf(far, 2, -10));
		const es = new EchoSuppressor({ speakerAttenuationDb: 12 });
		const r = run(es, far, near);
		assert.ok(es.echoReference < es.nearLevel * es.farMargin, "the far end does not beat the mic by farMarginDb");
		assert.ok(r.floors.every((f) => f === ES_NEAR));
		assert.deepEqual(r.mic, near, "the mic passes untouched");
		for (let k = 31; k < FRAMES; k++) {
			const loss = db(rms(r.speaker, k * N, (k + 1) * N) / rms(far, k * N, (k + 1) * N));
			assert.ok(Math.abs(loss + 12) < 0.1, `frame ${k}: ${loss.toFixed(2)} dB`);
		}
		assert.equal(es.micDucked, 0);
		assert.ok(es.speakerDucked >= FRAMES - 30);
	});

	it("the visitor clearly louder than the echo reference breaks in: the mic opens within one frame", () => {
		const far = tone(500, 8000, FRAMES);
		const visitor = tone(700, 20000, FRAMES);
		visitor.fill(0, 0, 30 * N);
		const near = mix(echoOf(far, 2, -10), visitor);
		const es = new EchoSuppressor({ micAttenuationDb: 24 });
		const r = run(es, far, near);
		assert.ok(es.nearLevel >= es.echoReference * es.nearMargin, "the setup: near beats the echo reference by its margin");
		assert.ok(r.floors.slice(0, 30).every((f) => f === ES_FAR));
		assert.ok(r.floors.slice(30).every((f) => f === ES_NEAR), r.floors.slice(30).join());
		// Frame 30 ramps up from the loss; from frame 31 on the mic is bit-exact.
		assert.deepEqual(r.mic.subarray(31 * N), near.subarray(31 * N));
		assert.equal(es.floorChanges, 2, "idle → far → near");
	});
});

describe("Hangover: the floor is held for the configured time after its holder falls silent, then released", () => {
	const TALK = 40, FRAMES = 80;
	const far = tone(500, 8000, FRAMES);
	far.fill(0, TALK * N);
	const near = mix(echoOf(far, 3, -10), noise(FRAMES, 20));

	const releaseFrame = (hangoverMs: number): { silentAt: number; idleAt: number; r: Run; es: EchoSuppressor } => {
		const es = new EchoSuppressor({ hangoverMs, micAttenuationDb: 20 });
		const r = run(es, far, near);
		// The far end falls silent for the suppressor when its followed level drops to its threshold.
		const silentAt = r.farLevels.findIndex((l, k) => k >= TALK && l <= es.farThreshold);
		const idleAt = r.floors.indexOf(ES_IDLE);
		return { silentAt, idleAt, r, es };
	};

	for (const ms of [100, 200]) {
		it(`holds ${ms} ms (${Math.ceil(ms / 20)} frames) through the echo tail, then ramps back to unity`, () => {
			const { silentAt, idleAt, r, es } = releaseFrame(ms);
			assert.ok(silentAt > TALK, "the level follower releases over a few frames");
			assert.equal(es.hangoverFrames, Math.ceil(ms / 20));
			assert.equal(idleAt, silentAt + es.hangoverFrames, "held for exactly hangoverFrames silent frames");
			assert.ok(r.floors.slice(0, idleAt).every((f) => f === ES_FAR));
			assert.ok(r.floors.slice(idleAt).every((f) => f === ES_IDLE));
			// The echo tail (3 frames late) falls inside the hold: every frame of it got the full loss.
			for (let k = 1; k < idleAt; k++) {
				const inRms = rms(near, k * N, (k + 1) * N);
				if (inRms > 100) assert.ok(db(rms(r.mic, k * N, (k + 1) * N) / inRms) < -19.9, `frame ${k}`);
			}
			// After the release frame, the mic is bit-exact again.
			assert.deepEqual(r.mic.subarray((idleAt + 1) * N), near.subarray((idleAt + 1) * N));
		});
	}

	it("a longer hangover releases later by the difference (200 ms − 100 ms = 5 frames)", () => {
		assert.equal(releaseFrame(200).idleAt - releaseFrame(100).idleAt, 5);
	});
});

describe("Switched off: a no-op, bit-exact pass-through", () => {
	it("touches neither frame and counts nothing; on again, it starts from idle", () => {
		const FRAMES = 30;
		const far = tone(500, 8000, FRAMES);
		const near = mix(echoOf(far, 2, -10), speech(FRAMES, 5000));
		const es = new EchoSuppressor({ enabled: false, speakerAttenuationDb: 10 });
		const r = run(es, far, near);
		assert.deepEqual(r.mic, near);
		assert.deepEqual(r.speaker, far);
		assert.ok(r.floors.every((f) => f === ES_OFF));
		assert.equal(es.frames, 0);
		es.enabled = true;
		assert.equal(es.floor, ES_IDLE);
		assert.equal(es.micGainNow, 1);
		es.process(far.slice(0, N), 0, near.slice(0, N), 0);
		assert.equal(es.floor, ES_FAR);
	});
});

describe("Configuration: losses are losses, times are not negative", () => {
	it("refuses a negative attenuation, a negative hangover, an echo tail beyond 640 ms", () => {
		assert.throws(() => new EchoSuppressor({ micAttenuationDb: -6 }), RangeError);
		assert.throws(() => new EchoSuppressor({ speakerAttenuationDb: -1 }), RangeError);
		assert.throws(() => new EchoSuppressor({ hangoverMs: -20 }), RangeError);
		assert.throws(() => new EchoSuppressor({ echoTailMs: 1000 }), RangeError);
		assert.equal(new EchoSuppressor({ hangoverMs: 150 }).hangoverFrames, 8, "150 ms rounds up to 8 frames");
	});
});

describe("No clicks: a gain change is ramped across one frame", () => {
	it("bounds the sample-to-sample step at a switch by the signal's own step plus |Δgain|·peak/160", () => {
		const FRAMES = 40;
		// A loud low tone in the mic (a visitor), the far end starting at frame 10: the mic is ducked by 30 dB. At 313 Hz
		// the switch (sample 1600) falls 0.6 of a period into the tone, far from a zero crossing.
		const visitor = tone(313, 12000, FRAMES);
		const far = tone(500, 30000, FRAMES);
		far.fill(0, 0, 10 * N);
		const near = mix(visitor, echoOf(far, 2, -10));
		const es = new EchoSuppressor({ micAttenuationDb: 30, nearMarginDb: 20 });
		const r = run(es, far, near);
		const switchAt = r.floors.indexOf(ES_FAR);
		assert.equal(switchAt, 10);
		let peak = 0;
		for (let i = switchAt * N - 1; i < (switchAt + 1) * N; i++) peak = Math.max(peak, Math.abs(near[i]));
		const dg = 1 - es.micGain;
		const bound = maxStep(near, switchAt) + (dg * peak) / N + 1;
		assert.ok(maxStep(r.mic, switchAt) <= bound, `step ${maxStep(r.mic, switchAt)} > ${bound.toFixed(1)}`);
		// The test can tell a click: switching the gain at once would step by about dg·|x| at the switch.
		const instant = Math.abs(Math.round(near[switchAt * N] * es.micGain) - near[switchAt * N - 1]);
		assert.ok(instant > bound, `an instant switch would step ${instant}`);
		// And the level reached after the ramp is the configured loss.
		const after = db(rms(r.mic, (switchAt + 1) * N, (switchAt + 2) * N) / rms(near, (switchAt + 1) * N, (switchAt + 2) * N));
		assert.ok(Math.abs(after + 30) < 0.2, `${after.toFixed(2)} dB`);
	});
});

describe("Levels: a frame's energy from its last 10 ms in one native pass, exact", () => {
	it("frameEnergy of a 160-sample frame is twice the sum of squares of its last 80 samples, even at full scale (XS: one native pass over a view made once, its root squared back exactly; elsewhere the loop)", () => {
		const frame = new Int16Array(N);
		const views = new FrameViews();
		let seed = 5;
		for (let round = 0; round < 200; round++) {
			for (let i = 0; i < N; i++) {
				seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
				frame[i] = round === 0 ? -32768 : round === 1 ? (i & 1 ? 32767 : -32768) : (seed >>> 16) - 32768 >> (round % 16);
			}
			let e = 0;
			for (let i = N / 2; i < N; i++) e += frame[i] * frame[i];
			assert.equal(frameEnergy(frame, 0, views), 2 * e, `round ${round}`);
			assert.equal(frameEnergy(frame, 0), 2 * e, `round ${round}, without views (the loop)`);
			const longer = new Int16Array(N + 7);
			longer.set(frame, 7);
			assert.equal(frameEnergy(longer, 7), 2 * e, `round ${round}, at an offset (the loop)`);
		}
		// Of a frame held only in part: its last 80 samples or fewer.
		const short = new Int16Array([3, -4, 5]);
		assert.equal(frameEnergy(short, 0, views), 2 * (9 + 16 + 25));
		assert.equal(frameEnergy(frame.subarray(0, 100), 0, views), frameEnergy(frame.subarray(20, 100), 0));
	});

	it("a far voice that starts anywhere in a frame but its last samples is heard in that frame: the mic is ducked before its echo comes", () => {
		for (const onset of [0, 40, 79, 120]) {
			const far = tone(500, 8000, 4);
			far.fill(0, 0, N + onset); // silence, then the far voice from sample `onset` of frame 1 on
			const es = new EchoSuppressor();
			const mic = new Int16Array(4 * N);
			const floors: number[] = [];
			for (let k = 0; k < 4; k++) floors.push(es.process(far, k * N, mic, k * N));
			assert.deepEqual(floors.slice(0, 2), [ES_IDLE, ES_FAR], `onset at ${onset}`);
		}
	});

	it("decide() from the two energies reaches the floors and gains process() reaches on the frames", () => {
		const FRAMES = 80;
		// The visitor talks for 40 frames, then the far end (its echo in the mic): both floors, every ramp.
		const far = tone(500, 8000, FRAMES);
		far.fill(0, 0, 40 * N);
		const visitor = speech(FRAMES, 12000);
		visitor.fill(0, 40 * N);
		const near = mix(echoOf(far, 2, -10), visitor);
		const a = new EchoSuppressor({ speakerAttenuationDb: 6 }), b = new EchoSuppressor({ speakerAttenuationDb: 6 });
		const speaker = far.slice(), mic = near.slice();
		for (let k = 0; k < FRAMES; k++) {
			const at = k * N;
			const floor = b.decide(frameEnergy(far, at), frameEnergy(near, at));
			assert.equal(a.process(speaker, at, mic, at), floor, `frame ${k}`);
			assert.equal(b.micGainNow, a.micGainNow);
			assert.equal(b.speakerGainNow, a.speakerGainNow);
			assert.equal(b.micGainFrom, a.micGainFrom);
		}
		assert.ok(a.floorChanges >= 2 && a.micDucked > 0 && a.speakerDucked > 0, "the frames went through both floors");
	});
});
