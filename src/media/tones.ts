// Call-progress and door tones: ringback, busy, door opened, call-end warning, invalid code — ITU-T E.180 §2
// (cadenced 425 Hz tones) and its Supplement 2 (national variants, e.g. 440 + 480 Hz North American ringback, ANSI T1.401).
//
// Tones are generated straight into 8 kHz Int16 frames by phase accumulators (32-bit phase, the top 8 bits index a
// 256-entry sine table built once at load). A tone is a constant list of segments [duration ms, f1 Hz, f2 Hz]
// (f1 = 0: a pause) played once or repeated. Nothing allocates while playing.

/** Sample rate of the audio path (RFC 3551 §4.5.14). */
const RATE = 8000;
/** One sine period, 256 points, full scale. */
const SINE = new Int16Array(256);
for (let i = 0; i < 256; i++) SINE[i] = Math.round(32767 * Math.sin((2 * Math.PI * i) / 256));

/** A tone: segments of [milliseconds, f1, f2] (0 Hz: none), played once or repeated. */
export interface Tone {
	readonly segments: Uint16Array;
	readonly repeat: boolean;
}

function tone(repeat: boolean, ...triples: number[]): Tone {
	return Object.freeze({ segments: Uint16Array.from(triples), repeat });
}

/** Ringback, E.180 §2 / Europe: 425 Hz, 1 s on, 4 s off. */
export const RINGBACK_425: Tone = tone(true, 1000, 425, 0, 4000, 0, 0);
/** Ringback, North America: 440 + 480 Hz, 2 s on, 4 s off. */
export const RINGBACK_440_480: Tone = tone(true, 2000, 440, 480, 4000, 0, 0);
/** Busy, E.180 §2 / Europe: 425 Hz, 0.5 s on, 0.5 s off. */
export const BUSY_425: Tone = tone(true, 500, 425, 0, 500, 0, 0);
/** Busy, North America: 480 + 620 Hz, 0.5 s on, 0.5 s off. */
export const BUSY_480_620: Tone = tone(true, 500, 480, 620, 500, 0, 0);
/** Door opened: a rising two-note confirmation, 660 Hz then 880 Hz, 150 ms each. */
export const DOOR_OPENED: Tone = tone(false, 150, 660, 0, 30, 0, 0, 150, 880, 0);
/** Call about to end: three short 1400 Hz beeps (the E.180 "warning tone" frequency). */
export const CALL_END_WARNING: Tone = tone(false, 100, 1400, 0, 100, 0, 0, 100, 1400, 0, 100, 0, 0, 100, 1400, 0);
/** Invalid door code: three low 400 Hz beeps. */
export const INVALID_CODE: Tone = tone(false, 120, 400, 0, 80, 0, 0, 120, 400, 0, 80, 0, 0, 120, 400, 0);

/** Plays one tone at a time into PCM frames. */
export class TonePlayer {
	/** Peak amplitude of each component (default 4096, about −18 dBFS; two components sum to −12 dBFS). */
	amplitude: number;
	#tone: Tone | null = null;
	#segment = 0;
	/** Samples left in the current segment. */
	#left = 0;
	#phase1 = 0;
	#phase2 = 0;
	#step1 = 0;
	#step2 = 0;

	constructor(amplitude = 4096) {
		this.amplitude = amplitude;
	}

	/** True while a tone is playing. */
	get playing(): boolean {
		return this.#tone !== null;
	}

	/** Start `t` from its first segment (replacing any tone playing). */
	start(t: Tone): void {
		this.#tone = t;
		this.#phase1 = this.#phase2 = 0;
		this.#enter(0);
	}

	/** Stop; further frames are silence. */
	stop(): void {
		this.#tone = null;
	}

	/**
	 * Write length samples of the tone to out[start, ...): silence after a non-repeating tone ends or when none plays.
	 * Returns true while the tone is still playing after this frame.
	 */
	fill(out: Int16Array, start: number, length: number): boolean {
		const a = this.amplitude;
		for (let i = 0; i < length; i++) {
			const t = this.#tone;
			if (t === null) {
				out[start + i] = 0;
				continue;
			}
			while (this.#left === 0 && this.#tone !== null) this.#advance();
			if (this.#tone === null) {
				out[start + i] = 0;
				continue;
			}
			let v = 0;
			if (this.#step1 !== 0) {
				v += SINE[this.#phase1 >>> 24];
				this.#phase1 = (this.#phase1 + this.#step1) >>> 0;
			}
			if (this.#step2 !== 0) {
				v += SINE[this.#phase2 >>> 24];
				this.#phase2 = (this.#phase2 + this.#step2) >>> 0;
			}
			out[start + i] = (v * a) / 32768;
			this.#left--;
		}
		return this.#tone !== null;
	}

	#advance(): void {
		const t = this.#tone;
		if (t === null) return;
		let next = this.#segment + 1;
		if (next * 3 >= t.segments.length) {
			if (!t.repeat) {
				this.#tone = null;
				return;
			}
			next = 0;
		}
		this.#enter(next);
	}

	#enter(segment: number): void {
		const s = (this.#tone as Tone).segments;
		this.#segment = segment;
		this.#left = (s[3 * segment] * RATE) / 1000;
		// Phase step: f / RATE of a turn, as a 32-bit fraction.
		this.#step1 = Math.round((s[3 * segment + 1] * 4294967296) / RATE) >>> 0;
		this.#step2 = Math.round((s[3 * segment + 2] * 4294967296) / RATE) >>> 0;
	}
}
