// `embedded:io/audio/out` on XS for the firmware tests: an I2S amplifier with the ESP32 build's five 20 ms DMA buffers
// (1600 bytes at 8 kHz): `write` takes whole samples only while there is room ("insufficient space" beyond it, as the
// device would block), the harness `consume`s 20 ms per tick and the device calls `onWritable(free bytes)`. What is
// played is kept for the test when `recording.on`.
export const CAPACITY = 1600;

export const recording = { on: false, samples: [] as number[], frames: 0, overruns: 0 };

let current: AudioOut | null = null;

export default class AudioOut {
	readonly #onWritable: (this: AudioOut, bytes: number) => void;
	#queued = 0;
	#running = false;

	constructor(options: { sampleRate: number; bitsPerSample: 16; channels: 1; onWritable: (this: AudioOut, bytes: number) => void }) {
		if (options.sampleRate !== 8000 || options.bitsPerSample !== 16 || options.channels !== 1) throw new RangeError("unexpected format");
		this.#onWritable = options.onWritable;
		current = this;
	}

	start(): void {
		this.#running = true;
		this.#onWritable.call(this, CAPACITY - this.#queued);
	}

	stop(): void {
		this.#running = false;
		this.#queued = 0;
	}

	close(): void {
		this.stop();
		if (current === this) current = null;
	}

	write(buffer: Uint8Array): void {
		const n = buffer.byteLength;
		if (n % 2 !== 0) throw new Error("full samples only");
		if (n > CAPACITY - this.#queued) {
			recording.overruns++;
			throw new Error("insufficient space");
		}
		this.#queued += n;
		recording.frames++;
		if (!recording.on) return;
		const samples = new Int16Array(buffer.buffer, buffer.byteOffset, n >> 1);
		for (let i = 0; i < samples.length; i++) recording.samples.push(samples[i]);
	}

	/** The amplifier played `ms` (silence when nothing was queued). */
	consume(ms: number): void {
		if (!this.#running) return;
		const bytes = (8000 * ms * 2) / 1000;
		this.#queued = Math.max(0, this.#queued - bytes);
		this.#onWritable.call(this, CAPACITY - this.#queued);
	}

	get queued(): number {
		return this.#queued;
	}
}

export function consume(ms: number): boolean {
	if (current === null) return false;
	current.consume(ms);
	return true;
}

/** Bytes waiting in the amplifier's DMA buffers. */
export function queued(): number {
	return current === null ? 0 : current.queued;
}

/** The samples recorded since the last call. */
export function takeRecording(): number[] {
	const out = recording.samples;
	recording.samples = [];
	return out;
}
