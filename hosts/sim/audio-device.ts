// The simulator's audio device: what the door's microphone picks up (silence, a tone, a WAV file looped, or the
// machine's sound card) and where its speaker goes (a WAV recording, the sound card), with the 20 ms frame clock a
// real I2S device would give (RFC 3551 §4.5.14). The clock runs on the station's timer wheel, scheduled from the
// monotonic clock so timer lateness never accumulates, and only while the station wants audio. A device stand-in:
// it decides nothing about calls.
import type { Clock } from "../../src/host.js";
import { FRAME_SAMPLES } from "../../src/media/g711.js";
import type { TimerOwner, TimerWheel } from "../../src/transaction/timer-wheel.js";
import { SoundDevice } from "./sound-device.js";
import { WavWriter } from "./wav.js";

/** What the microphone hears. */
export type AudioSource = { kind: "silence" } | { kind: "tone"; hz: number } | { kind: "samples"; samples: Int16Array; name: string }
	| { kind: "device" };

export interface SimAudioOptions {
	readonly source: AudioSource;
	/** Record what the speaker plays into this WAV file (8 kHz mono 16-bit); null: no recording. */
	readonly recordTo: string | null;
}

export const AUDIO_DEFAULTS: SimAudioOptions = Object.freeze({ source: Object.freeze({ kind: "silence" as const }), recordTo: null });

const FRAME_MS = 20;
/** Peak amplitude of the generated tone: −12 dBFS-ish, far from clipping in G.711. */
const TONE_AMPLITUDE = 8000;
/** When the clock fell this many frames behind (a stalled event loop), it skips ahead instead of bursting. */
const MAX_CATCH_UP = 5;

/** Where each frame goes: the station (mic in, speaker out). */
export interface FrameSink {
	frame(mic: Int16Array | null, speaker: Int16Array): void;
}

/** Audio from and to elsewhere (the web panel's browser), used instead of the source while attached. */
export interface AudioPort {
	/** Fill `mic` with the next frame; false: nothing came (silence). */
	read(mic: Int16Array): boolean;
	/** The frame the speaker played. */
	write(speaker: Int16Array): void;
}

export class SimAudioDevice implements TimerOwner {
	readonly #options: SimAudioOptions;
	readonly #clock: Clock;
	readonly #wheel: TimerWheel;
	readonly #owner: number;
	readonly #recorder: WavWriter | null;
	readonly #device: SoundDevice | null;
	readonly #mic = new Int16Array(FRAME_SAMPLES);
	readonly #speaker = new Int16Array(FRAME_SAMPLES);
	#sink: FrameSink | null = null;
	#port: AudioPort | null = null;
	/** Source position: sample index into a file, or the tone's phase (radians). */
	#position = 0;
	#timer = -1;
	#wanted = false;
	#nextMs = 0;
	#closed = false;

	constructor(options: SimAudioOptions, clock: Clock, wheel: TimerWheel, log: (line: string) => void) {
		this.#options = options;
		this.#clock = clock;
		this.#wheel = wheel;
		this.#owner = wheel.register(this);
		try {
			this.#recorder = options.recordTo === null ? null : new WavWriter(options.recordTo);
		} catch (err) {
			throw new Error(`--audio-out: cannot write ${options.recordTo}: ${(err as Error).message}`);
		}
		this.#device = options.source.kind === "device" ? new SoundDevice(log) : null;
	}

	/** Who gets the frames. */
	connect(sink: FrameSink): void {
		this.#sink = sink;
	}

	/** Take the microphone from `port` and give it the speaker (null: back to the source). */
	attach(port: AudioPort | null): void {
		this.#port = port;
	}

	/** True while the frame clock runs. */
	get running(): boolean {
		return this.#wanted;
	}

	/** Run the clock while the station wants audio (its "audio" event), stop it when not. */
	setRunning(on: boolean): void {
		this.#wanted = on && !this.#closed;
		if (this.#wanted && this.#timer < 0) {
			this.#nextMs = this.#clock.now();
			this.#schedule();
		} else if (!this.#wanted && this.#timer >= 0) {
			this.#wheel.cancel(this.#timer);
			this.#timer = -1;
		}
	}

	close(): void {
		this.setRunning(false);
		this.#closed = true;
		this.#recorder?.close();
		this.#device?.close();
	}

	onTimer(): void {
		this.#timer = -1;
		const now = this.#clock.now();
		// The station may stop the clock inside a frame (its last tone ended): `#wanted` is checked before each one.
		for (let frames = 0; this.#wanted && this.#nextMs <= now && frames < MAX_CATCH_UP; frames++) {
			this.#frame();
			this.#nextMs += FRAME_MS;
		}
		if (!this.#wanted) return;
		if (this.#nextMs <= now) this.#nextMs = now + FRAME_MS; // stalled: resynchronize rather than burst
		this.#schedule();
	}

	#schedule(): void {
		this.#timer = this.#wheel.start(Math.max(0, this.#nextMs - this.#clock.now()), this.#owner, 0, 0);
	}

	#frame(): void {
		const sink = this.#sink;
		if (sink === null) return;
		sink.frame(this.#fill(), this.#speaker);
		this.#recorder?.write(this.#speaker);
		this.#device?.write(this.#speaker);
		this.#port?.write(this.#speaker);
	}

	/** The microphone's next frame, or null for silence. */
	#fill(): Int16Array | null {
		const src = this.#options.source, mic = this.#mic;
		if (this.#port !== null) return this.#port.read(mic) ? mic : null;
		if (src.kind === "silence") return null;
		if (src.kind === "device") return this.#device !== null && this.#device.read(mic) ? mic : null;
		if (src.kind === "tone") {
			const step = (2 * Math.PI * src.hz) / 8000;
			let phase = this.#position;
			for (let i = 0; i < FRAME_SAMPLES; i++) {
				mic[i] = Math.round(TONE_AMPLITUDE * Math.sin(phase));
				phase += step;
			}
			this.#position = phase % (2 * Math.PI);
			return mic;
		}
		const samples = src.samples;
		if (samples.length === 0) return null;
		let at = this.#position;
		for (let i = 0; i < FRAME_SAMPLES; i++) {
			mic[i] = samples[at];
			if (++at >= samples.length) at = 0; // looped
		}
		this.#position = at;
		return mic;
	}
}
