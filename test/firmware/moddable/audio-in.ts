// `embedded:io/audio/in` on XS for the firmware tests: a microphone hearing a sine (or silence), at the rate the
// firmware asks for, delivered as an I2S driver delivers it: the harness `produce`s 20 ms of samples and the device
// calls `onReadable(bytesAvailable)`; `read(buffer)` fills the buffer whole ("invalid size" when asked for more).
export const tone = { hz: 0, amplitude: 8000 };

let current: AudioIn | null = null;

export default class AudioIn {
	readonly sampleRate: number;
	readonly #onReadable: (this: AudioIn, bytes: number) => void;
	#available = 0;
	#running = false;
	#phase = 0;

	constructor(options: { sampleRate: number; bitsPerSample: 16; channels: 1; onReadable: (this: AudioIn, bytes: number) => void }) {
		if (options.bitsPerSample !== 16 || options.channels !== 1) throw new RangeError("invalid format");
		this.sampleRate = options.sampleRate;
		this.#onReadable = options.onReadable;
		current = this;
	}

	start(): void {
		this.#running = true;
	}

	stop(): void {
		this.#running = false;
		this.#available = 0;
	}

	close(): void {
		this.stop();
		if (current === this) current = null;
	}

	read(buffer: Uint8Array): number {
		const n = buffer.byteLength;
		if (n > this.#available) throw new Error("invalid size");
		this.#available -= n;
		const samples = new Int16Array(buffer.buffer, buffer.byteOffset, n >> 1);
		const step = (2 * Math.PI * tone.hz) / this.sampleRate;
		for (let i = 0; i < samples.length; i++) {
			samples[i] = tone.hz === 0 ? 0 : Math.round(tone.amplitude * Math.sin(this.#phase));
			this.#phase += step;
		}
		this.#phase %= 2 * Math.PI;
		return n;
	}

	/** `ms` of audio were captured (the I2S DMA filled): tell the firmware. */
	produce(ms: number): void {
		if (!this.#running) return;
		this.#available += ((this.sampleRate * ms) / 1000) * 2;
		this.#onReadable.call(this, this.#available);
	}
}

/** The microphone captured `ms` (nothing while the firmware keeps it stopped). */
export function produce(ms: number): boolean {
	if (current === null) return false;
	current.produce(ms);
	return true;
}
