// Level-based echo suppressor for boards without acoustic echo cancellation: half-duplex ducking with hangover, in
// the manner of the voice-switched speakerphone and of the echo suppressors of ITU-T G.164 (a loss is switched into
// the send path while the receive path carries speech, held for a hangover time after it stops; the near end can
// "break in" when clearly louder).
//
// Per 20 ms frame the suppressor gets the far-end frame (what the speaker is about to play) and the near-end frame
// (what the microphone captured), both 160 samples. Each side's level is the frame's RMS value — its energy measured on
// its last 10 ms in one native pass (frameEnergy) — followed with an instant attack and an exponential release. One side
// holds the "floor":
//   far  — the far end talks and the mic hears nothing louder than its echo: the mic is attenuated;
//   near — the near end talks: the mic passes, the speaker is optionally attenuated;
//   idle — neither: both pass unchanged.
// Echo reaches the mic after the speaker frame that caused it (I2S buffers both ways, the air, the room's tail), so the
// far level the mic is compared with — the echo reference — is the highest far level of the last echoTailMs. A
// challenger takes the floor only by beating the holder by a margin: the far end when the echo reference exceeds the
// mic level by farMarginDb (what the mic hears is then no louder than echo), the near end ("break-in") when the mic
// exceeds the echo reference by nearMarginDb (the visitor is clearly louder than any echo). Between the two margins
// both talk (double talk) and the floor stays where it is — half-duplex, so one direction is always clean; from idle
// the far end gets it, because what the mic hears could be its echo. When the holder falls silent its floor is held
// for the hangover time (the gaps between words: no chopping), then released. Gain changes are ramped linearly across
// one frame, so a switch never steps the waveform (a click); the instant attack ducks the mic on the first far frame,
// before its echo arrives. Everything is preallocated; `process` allocates nothing. Disabled, it touches nothing.
// `process` does it all in place; `decide` takes the two frames' energies and leaves the ramps to the caller, which
// can fold the mic's into the G.711 encoder (./g711-frame-encode.ts: the same codes, no pass of its own).
import { FRAME_SAMPLES } from "./g711.js";
import { FrameViews } from "./frame-views.js";

/** Milliseconds of one frame (RFC 3551 §4.5.14). */
const FRAME_MS = 20;
/** Full scale of a 16-bit sample: the 0 dB reference of the level thresholds. */
const FULL_SCALE = 32768;

// What `process` answers: the floor after this frame.
/** Neither side talks: both frames passed unchanged. */
export const ES_IDLE = 0;
/** The far end holds the floor: the mic frame is attenuated. */
export const ES_FAR = 1;
/** The near end holds the floor: the mic passes, the speaker is attenuated by speakerAttenuationDb. */
export const ES_NEAR = 2;
/** Switched off: nothing touched. */
export const ES_OFF = 3;

export interface EchoSuppressorOptions {
	/** On (default) or off; off passes both frames bit-exact. */
	readonly enabled?: boolean;
	/** Far-end level (RMS, dB re full scale) above which the far end talks (default −45 dB). */
	readonly farThresholdDb?: number;
	/** Near-end level above which the near end talks (default −45 dB). */
	readonly nearThresholdDb?: number;
	/** The far end takes the floor when its echo reference beats the mic by this much (default 6 dB: the mic hears echo). */
	readonly farMarginDb?: number;
	/** The near end takes the floor (breaks in) when the mic is louder than the echo reference by this much (default 3 dB). */
	readonly nearMarginDb?: number;
	/** Echo path delay plus tail: the echo reference is the highest far level of this span (default 120 ms, at most 640). */
	readonly echoTailMs?: number;
	/** Loss switched into the mic path while the far end holds the floor (default 24 dB). */
	readonly micAttenuationDb?: number;
	/** Loss switched into the speaker path while the near end holds the floor (default 0 dB: none). */
	readonly speakerAttenuationDb?: number;
	/**
	 * The floor is held this long after its holder falls silent — its followed level below its threshold — (default
	 * 160 ms; whole frames, rounded up), then released.
	 */
	readonly hangoverMs?: number;
	/** Time constant of the level follower's release (default 40 ms). */
	readonly releaseMs?: number;
}

/** Linear factor of a level difference in dB. */
function dbToFactor(db: number): number {
	return Math.pow(10, db / 20);
}

const hypot = Math.hypot, max = Math.max;
/**
 * Math.hypot (or Math.max) applied to a typed array is one native pass on XS, which pushes the arguments on its stack;
 * V8 copies them into a heap array first (garbage every frame on Node), so there the loop runs. XS is told by its deep Object.freeze
 * (a second argument other engines ignore).
 */
const probe = { inner: {} };
(Object.freeze as (o: object, deep?: boolean) => object)(probe, true);
const NATIVE_PASS = Object.isFrozen(probe.inner);

/** Samples of a frame its level is measured on: its last 10 ms (see frameEnergy). */
export const LEVEL_SAMPLES = FRAME_SAMPLES / 2;

/**
 * The energy of the 20 ms frame pcm[start, start + 160) as the suppressor and the meters take it: twice Σ x² over the
 * frame's last 10 ms, pcm[start + 80, start + 160) (of a frame that pcm holds only in part, the last 80 samples or fewer
 * of what it holds) — an exact integer. The last 10 ms, because a sound that begins anywhere in the frame and lasts
 * longer than 10 ms — a syllable lasts 100 ms and more — is still there at the frame's end: the instant attack still
 * ducks on the first far frame; and half the samples halve the cost of the pass. On XS the span of a whole frame is one
 * native pass: Math.hypot over its view (made once per array by `views`), squared back — below 2^51 the square comes back
 * exactly, whatever the engine's rounding of the root. Anything else is a loop (the same integer).
 */
export function frameEnergy(pcm: Int16Array, start: number, views: FrameViews | null = null): number {
	const span = NATIVE_PASS && start === 0 && views !== null ? views.levelSpan(pcm) : null;
	if (span !== null) {
		const r = hypot.apply(null, span as unknown as number[]);
		return 2 * Math.round(r * r);
	}
	const end = start + FRAME_SAMPLES < pcm.length ? start + FRAME_SAMPLES : pcm.length;
	const from = end - LEVEL_SAMPLES > start ? end - LEVEL_SAMPLES : start;
	let e = 0;
	for (let i = from; i < end; i++) e += pcm[i] * pcm[i];
	return 2 * e;
}

/** Half-duplex ducking of one call's mic and speaker frames; state preallocated, nothing allocated per frame. */
export class EchoSuppressor {
	readonly farThreshold: number;
	readonly nearThreshold: number;
	readonly farMargin: number;
	readonly nearMargin: number;
	/** Gain of the mic while the far end holds the floor (linear, < 1). */
	readonly micGain: number;
	/** Gain of the speaker while the near end holds the floor (linear, ≤ 1). */
	readonly speakerGain: number;
	readonly hangoverFrames: number;
	readonly #release: number;
	/** Far levels of the last echoTailMs, a ring (index: frames mod length). */
	readonly #farHistory: Float64Array;
	#enabled: boolean;
	#farLevel = 0;
	#nearLevel = 0;
	#echoRef = 0;
	#floor = ES_IDLE;
	/** Hangover frames left while the holder is silent. */
	#hold = 0;
	/** Gains reached at the end of the last frame (the start of the next ramp), and at the start of the last frame. */
	#micGain = 1;
	#speakerGain = 1;
	#micFrom = 1;
	#speakerFrom = 1;
	#frames = 0;
	#micDucked = 0;
	#speakerDucked = 0;
	#doubleTalk = 0;
	#floorChanges = 0;
	/** Views of the frames `process` is handed, for their levels: made on its first call (a MediaSession calls `decide`). */
	#farViews: FrameViews | null = null;
	#nearViews: FrameViews | null = null;

	constructor(options: EchoSuppressorOptions = {}) {
		this.#enabled = options.enabled ?? true;
		this.farThreshold = FULL_SCALE * dbToFactor(options.farThresholdDb ?? -45);
		this.nearThreshold = FULL_SCALE * dbToFactor(options.nearThresholdDb ?? -45);
		this.farMargin = dbToFactor(options.farMarginDb ?? 6);
		this.nearMargin = dbToFactor(options.nearMarginDb ?? 3);
		const mic = options.micAttenuationDb ?? 24, speaker = options.speakerAttenuationDb ?? 0;
		if (mic < 0 || speaker < 0) throw new RangeError("attenuations are losses: 0 dB or more");
		this.micGain = dbToFactor(-mic);
		this.speakerGain = dbToFactor(-speaker);
		const hangoverMs = options.hangoverMs ?? 160;
		if (hangoverMs < 0) throw new RangeError("hangoverMs must be 0 or more");
		this.hangoverFrames = Math.ceil(hangoverMs / FRAME_MS);
		this.#release = 1 - Math.exp(-FRAME_MS / (options.releaseMs ?? 40));
		const tailMs = options.echoTailMs ?? 120;
		if (!(tailMs >= 0 && tailMs <= 640)) throw new RangeError("echoTailMs must be within 0..640");
		this.#farHistory = new Float64Array(Math.floor(tailMs / FRAME_MS) + 1);
	}

	/** Switched on? Switching it on starts from idle with both gains at 1. */
	get enabled(): boolean { return this.#enabled; }
	set enabled(on: boolean) {
		if (on && !this.#enabled) this.reset();
		this.#enabled = on;
	}
	/** Who holds the floor: ES_IDLE, ES_FAR or ES_NEAR (ES_OFF when disabled). */
	get floor(): number { return this.#enabled ? this.#floor : ES_OFF; }
	/** Followed far-end level, RMS (0..32768): for a level meter. */
	get farLevel(): number { return this.#farLevel; }
	/** Echo reference: the highest far level of the last echoTailMs. */
	get echoReference(): number { return this.#echoRef; }
	/** Followed near-end (mic) level, before any attenuation. */
	get nearLevel(): number { return this.#nearLevel; }
	/** Gain applied to the mic at the end of the last frame. */
	get micGainNow(): number { return this.#micGain; }
	/** Gain applied to the speaker at the end of the last frame. */
	get speakerGainNow(): number { return this.#speakerGain; }
	/** Gain of the mic at the start of the last frame (its ramp ran from this to micGainNow). */
	get micGainFrom(): number { return this.#micFrom; }
	/** Gain of the speaker at the start of the last frame. */
	get speakerGainFrom(): number { return this.#speakerFrom; }
	/** Frames processed while enabled. */
	get frames(): number { return this.#frames; }
	/** Frames whose mic path was attenuated (the far end held the floor). */
	get micDucked(): number { return this.#micDucked; }
	/** Frames whose speaker path was attenuated (the near end held the floor, with a speaker loss configured). */
	get speakerDucked(): number { return this.#speakerDucked; }
	/** Frames in which both sides talked and neither beat the other by its margin. */
	get doubleTalk(): number { return this.#doubleTalk; }
	/** Times the floor changed hands (idle counts as a hand). */
	get floorChanges(): number { return this.#floorChanges; }

	/** Forget the levels and the floor (a new call); counters are kept. */
	reset(): void {
		this.#farLevel = this.#nearLevel = this.#echoRef = 0;
		this.#farHistory.fill(0);
		this.#floor = ES_IDLE;
		this.#hold = 0;
		this.#micGain = this.#speakerGain = this.#micFrom = this.#speakerFrom = 1;
	}

	/**
	 * One 20 ms frame: far[farStart, +160) is about to be played, near[nearStart, +160) was just captured. Both are
	 * attenuated in place as the floor requires. Returns the floor after this frame (ES_OFF when disabled).
	 */
	process(far: Int16Array, farStart: number, near: Int16Array, nearStart: number): number {
		if (!this.#enabled) return ES_OFF;
		const farViews = (this.#farViews ??= new FrameViews()), nearViews = (this.#nearViews ??= new FrameViews());
		const floor = this.decide(frameEnergy(far, farStart, farViews), frameEnergy(near, nearStart, nearViews));
		ramp(near, nearStart, this.#micFrom, this.#micGain);
		ramp(far, farStart, this.#speakerFrom, this.#speakerGain);
		return floor;
	}

	/**
	 * One 20 ms frame from its two energies (frameEnergy of the far frame about to be played and of the mic frame just
	 * captured): the levels, the floor, and the gains, which move across this frame from micGainFrom to micGainNow (and
	 * speakerGainFrom to speakerGainNow) — the caller applies them (`ramp` semantics: linear, reaching the new gain on
	 * the last sample, each product rounded). Returns the floor (ES_OFF when disabled: both gains stay 1).
	 */
	decide(farEnergy: number, nearEnergy: number): number {
		this.#micFrom = this.#micGain;
		this.#speakerFrom = this.#speakerGain;
		if (!this.#enabled) return ES_OFF;
		const frames = ++this.#frames;
		// The level followers: instant attack to the frame's RMS, exponential release toward it.
		const release = this.#release;
		let f = Math.sqrt(farEnergy / FRAME_SAMPLES), n = Math.sqrt(nearEnergy / FRAME_SAMPLES);
		const lastFar = this.#farLevel, lastNear = this.#nearLevel;
		if (f < lastFar) f = lastFar + (f - lastFar) * release;
		if (n < lastNear) n = lastNear + (n - lastNear) * release;
		this.#farLevel = f;
		this.#nearLevel = n;
		// The echo reference: the highest far level of the last echoTailMs, this frame's included (levels are ≥ 0): one
		// native pass on XS (Math.max applied to the ring), the loop on V8 (see NATIVE_PASS).
		const h = this.#farHistory;
		h[frames % h.length] = f;
		let echo = 0;
		if (NATIVE_PASS) echo = max.apply(null, h as unknown as number[]);
		else for (let i = 0; i < h.length; i++) if (h[i] > echo) echo = h[i];
		this.#echoRef = echo;
		const farTalks = f > this.farThreshold, nearTalks = n > this.nearThreshold;
		// The echo reference, not the current far level: the mic's echo tail lags the far end falling silent.
		const farWins = farTalks && echo >= n * this.farMargin;
		const nearWins = nearTalks && n >= echo * this.nearMargin;
		if (farTalks && nearTalks && !farWins && !nearWins) this.#doubleTalk++;
		let floor = this.#floor;
		if (floor === ES_FAR) {
			if (nearWins) floor = ES_NEAR;
			else if (!farTalks) floor = this.#holdOn(floor);
		} else if (floor === ES_NEAR) {
			if (farWins) floor = ES_FAR;
			else if (!nearTalks) floor = this.#holdOn(floor);
		}
		if (floor === ES_IDLE) {
			// From idle, double talk goes to the far end: what the mic hears may be its echo.
			if (farTalks) floor = nearWins ? ES_NEAR : ES_FAR;
			else if (nearTalks) floor = ES_NEAR;
		}
		// The holder talking (a new holder always does) renews the hangover.
		if (floor === ES_FAR ? farTalks : floor === ES_NEAR && nearTalks) this.#hold = this.hangoverFrames;
		if (floor !== this.#floor) {
			this.#floorChanges++;
			this.#floor = floor;
		}
		// The mic is attenuated while the far end holds the floor, the speaker while the near end does.
		if (floor === ES_FAR) {
			const g = this.micGain;
			this.#micGain = g;
			this.#speakerGain = 1;
			if (g < 1) this.#micDucked++;
		} else {
			const g = floor === ES_NEAR ? this.speakerGain : 1;
			this.#micGain = 1;
			this.#speakerGain = g;
			if (g < 1) this.#speakerDucked++;
		}
		return floor;
	}

	/** A frame of the holder's silence: keep its floor while hangover frames remain, else fall idle. */
	#holdOn(floor: number): number {
		if (this.#hold === 0) return ES_IDLE;
		this.#hold--;
		return floor;
	}
}

/**
 * Scale pcm[start, +160) by a gain moving linearly from g0 to g1 across the frame (reaching g1 on the last sample),
 * so a switch adds at most |g1 − g0| / 160 of full scale to any sample-to-sample step. Unity throughout: untouched.
 */
export function ramp(pcm: Int16Array, start: number, g0: number, g1: number): void {
	if (g0 === 1 && g1 === 1) return;
	const step = (g1 - g0) / FRAME_SAMPLES;
	for (let i = 0; i < FRAME_SAMPLES; i++) pcm[start + i] = Math.round(pcm[start + i] * (g0 + step * (i + 1)));
}
