// `embedded:io/audio/in` for Moddable's Linux runtime: a microphone hearing a tone (`mcconfig ... tone=HZ`, default
// silence), delivered every 20 ms by a Timer as an I2S driver would, so the station's frame clock runs.
import config from "mc/config";
import Timer from "timer";

type Options = { sampleRate: number; bitsPerSample: 16; channels: 1; onReadable: (this: AudioIn, bytes: number) => void };

export default class AudioIn {
	readonly #rate: number;
	readonly #step: number;
	readonly #onReadable: (this: AudioIn, bytes: number) => void;
	readonly #frameBytes: number;
	#phase = 0;
	#timer: Timer | null = null;

	constructor(options: Options) {
		this.#rate = options.sampleRate;
		this.#onReadable = options.onReadable;
		this.#frameBytes = (2 * this.#rate) / 50;
		this.#step = (2 * Math.PI * Number((config as Record<string, unknown>)["tone"] ?? 0)) / this.#rate;
	}

	start(): void {
		this.#timer ??= Timer.repeat(() => this.#onReadable.call(this, this.#frameBytes), 20);
	}

	stop(): void {
		if (this.#timer !== null) Timer.clear(this.#timer);
		this.#timer = null;
	}

	read(buffer: Uint8Array): number {
		const samples = new Int16Array(buffer.buffer, buffer.byteOffset, buffer.byteLength >> 1);
		for (let i = 0; i < samples.length; i++) {
			samples[i] = this.#step === 0 ? 0 : Math.round(8000 * Math.sin(this.#phase));
			this.#phase += this.#step;
		}
		this.#phase %= 2 * Math.PI;
		return buffer.byteLength;
	}

	close(): void {
		this.stop();
	}
}
