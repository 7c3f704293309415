// The door's microphone and speaker on ECMA-419 `embedded:io/audio/in` and `embedded:io/audio/out` (I2S): 8 kHz mono
// 16-bit in 20 ms frames (G.711 framing, RFC 3551 §4.5.14), and the frame clock of the station — DESIGN.md §6a. The
// microphone's data paces the frames: each whole frame read is handed to the station with the speaker frame it gives
// back, so capture and playout run at the I2S clock and never drift apart.
//
// Latency is bounded on both sides. In: a frame goes to the station as soon as the I2S driver delivers it (the ESP32
// driver hands over at most 2048 bytes per read: 64 ms of an 8 kHz slot, 32 ms at 16 kHz). Out: at most `maxQueueMs`
// (default 100 ms: the five 20 ms DMA buffers the firmware's build gives the amplifier) wait to be played; a frame
// that would queue beyond that is dropped and counted, so a late burst never turns into lasting delay.
import { FRAME_SAMPLES } from "../../src/media/g711.js";

/** What the device uses of ECMA-419 audio input. `read(buffer)` fills the whole buffer (the caller asks no more than is there). */
export interface AudioInIO {
	read(buffer: Uint8Array): unknown;
	start(): void;
	stop(): void;
	close(): void;
}
export interface AudioInIOConstructor {
	new (options: { sampleRate: number; bitsPerSample: 16; channels: 1; onReadable: (this: AudioInIO, bytes: number) => void }): AudioInIO;
}

/** ECMA-419 audio output; `write` blocks the VM while the DMA buffers are full, so it is only called with room. */
export interface AudioOutIO {
	write(buffer: Uint8Array): unknown;
	start(): void;
	stop(): void;
	/** Moddable implements close() (ECMA-419 §9.2.1); its typings leave it out. */
	close?(): void;
}
export interface AudioOutIOConstructor {
	new (options: { sampleRate: number; bitsPerSample: 16; channels: 1; onWritable: (this: AudioOutIO, bytes: number) => void }): AudioOutIO;
}

/** Who the frames go to (the door station's `frame`). */
export interface FrameSink {
	frame(mic: Int16Array | null, speaker: Int16Array): void;
}

export interface I2sAudioOptions {
	/** The microphone (null: none; then the speaker's free space paces the frames and the station hears silence). */
	readonly input: AudioInIOConstructor | null;
	/** The microphone's sample rate: 8000, or 16000 for I2S MEMS microphones that need a faster clock (decimated here). */
	readonly inputRate?: 8000 | 16000;
	/** The speaker (null: none). */
	readonly output: AudioOutIOConstructor | null;
	readonly maxQueueMs?: number;
	readonly sink: FrameSink;
}

export const SAMPLE_RATE = 8000;
export const FRAME_MS = 20;
const FRAME_BYTES = 2 * FRAME_SAMPLES;
/** The decimating low-pass's outer taps, outermost first (the filter is symmetric), its centre, and its scale (2^10). */
const LP_TAPS = Int16Array.of(-1, 6, 12, -21, -61, 41, 306);
const LP_CENTER = 461, LP_SHIFT = 10;

export class I2sAudio {
	readonly #sink: FrameSink;
	readonly #in: AudioInIO | null;
	readonly #out: AudioOutIO | null;
	readonly #decimate: boolean;
	readonly #maxQueueBytes: number;
	/** The microphone's raw frame (20 ms at its rate) and the 8 kHz frame the station gets (the same array at 8 kHz). */
	readonly #raw: Int16Array;
	readonly #rawBytes: Uint8Array;
	readonly #mic = new Int16Array(FRAME_SAMPLES);
	readonly #speaker = new Int16Array(FRAME_SAMPLES);
	readonly #speakerBytes: Uint8Array;
	/** The decimating filter's last 16 inputs (a ring; `#at` is where the next one goes). */
	readonly #ring = new Int32Array(16);
	#at = 0;
	/** Bytes the output said it can take (its last onWritable, less what was written since), and its most. */
	#writable = 0;
	#capacity = 0;
	#running = false;
	#closed = false;
	/** Frames handed to the station, and speaker frames dropped to keep the latency bound or for want of room. */
	frames = 0;
	dropped = 0;

	constructor(options: I2sAudioOptions) {
		this.#sink = options.sink;
		this.#decimate = (options.inputRate ?? SAMPLE_RATE) === 16000;
		// At 8 kHz the driver reads straight into the station's frame: no copy per frame.
		this.#raw = this.#decimate ? new Int16Array(2 * FRAME_SAMPLES) : this.#mic;
		this.#rawBytes = new Uint8Array(this.#raw.buffer);
		this.#speakerBytes = new Uint8Array(this.#speaker.buffer);
		this.#maxQueueBytes = Math.round(((options.maxQueueMs ?? 100) * SAMPLE_RATE * 2) / 1000);
		const Out = options.output, In = options.input;
		// The microphone first: it names its I2S port (a PDM microphone needs port 0), the speaker takes a free one.
		this.#in = In === null ? null : new In({ sampleRate: this.#decimate ? 16000 : SAMPLE_RATE, bitsPerSample: 16, channels: 1, onReadable: (bytes) => this.#readable(bytes) });
		this.#out = Out === null ? null : new Out({ sampleRate: SAMPLE_RATE, bitsPerSample: 16, channels: 1, onWritable: (bytes) => this.#writableNow(bytes) });
	}

	get running(): boolean {
		return this.#running;
	}

	/** Run the clock while the station wants audio (its "audio" event), stop it when not: the I2S buses idle between calls. */
	setRunning(on: boolean): void {
		if (on === this.#running || this.#closed) return;
		this.#running = on;
		if (on) {
			this.#ring.fill(0);
			this.#out?.start();
			this.#in?.start();
		} else {
			this.#in?.stop();
			this.#out?.stop();
		}
	}

	close(): void {
		this.setRunning(false);
		this.#closed = true;
		this.#in?.close();
		this.#out?.close?.();
	}

	/** The microphone has `bytes` ready: one station frame per whole 20 ms. */
	#readable(bytes: number): void {
		const raw = this.#rawBytes, need = raw.byteLength;
		while (this.#running && bytes >= need) {
			this.#in!.read(raw);
			bytes -= need;
			if (this.#decimate) this.#halve();
			this.#frame(this.#mic);
		}
	}

	/** Without a microphone the speaker's room paces the frames. */
	#writableNow(bytes: number): void {
		this.#writable = bytes;
		if (bytes > this.#capacity) this.#capacity = bytes;
		if (this.#in !== null) return;
		while (this.#running && this.#writable >= FRAME_BYTES && this.#capacity - this.#writable < this.#maxQueueBytes) this.#frame(null);
	}

	#frame(mic: Int16Array | null): void {
		this.frames++;
		this.#sink.frame(mic, this.#speaker);
		const out = this.#out;
		if (out === null || !this.#running) return;
		// Room for the frame, and the queue within its bound (before the first onWritable the DMA buffers are free).
		const queued = this.#capacity === 0 ? 0 : this.#capacity - this.#writable;
		if ((this.#capacity !== 0 && this.#writable < FRAME_BYTES) || queued + FRAME_BYTES > this.#maxQueueBytes) {
			this.dropped++;
			return;
		}
		out.write(this.#speakerBytes);
		if (this.#capacity !== 0) this.#writable -= FRAME_BYTES;
	}

	/**
	 * 16 → 8 kHz: a 15-tap low-pass (Blackman-windowed sinc, cut at 3.6 kHz: -0.2 dB at 2 kHz, -4.5 dB at 3.4 kHz,
	 * -19 dB at 4.6 kHz, -28 dB at 5 kHz, -50 dB from 6 kHz) computed at every other sample, its symmetric taps in pairs.
	 * The ring holds the last 16 inputs across frames; the output is 7 input samples (0.44 ms) late.
	 */
	#halve(): void {
		const x = this.#raw, y = this.#mic, r = this.#ring;
		let at = this.#at;
		for (let n = 0; n < FRAME_SAMPLES; n++) {
			r[at] = x[2 * n];
			r[(at + 1) & 15] = x[2 * n + 1];
			at = (at + 2) & 15;
			// r[(at - 1 - k) & 15] is the k-th newest input.
			let v = LP_CENTER * r[(at - 8) & 15];
			for (let k = 0; k < 7; k++) v += LP_TAPS[k] * (r[(at - 1 - k) & 15] + r[(at - 15 + k) & 15]);
			v >>= LP_SHIFT;
			y[n] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
		}
		this.#at = at;
	}
}
