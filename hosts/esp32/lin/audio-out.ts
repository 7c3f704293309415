// `embedded:io/audio/out` for Moddable's Linux runtime: a speaker that logs the level of what it plays once a second,
// so a check by hand sees the far end's audio arrive.
type Options = { sampleRate: number; bitsPerSample: 16; channels: 1; onWritable: (this: AudioOut, bytes: number) => void };

export default class AudioOut {
	#frames = 0;
	#sum = 0;
	#count = 0;

	constructor(_options: Options) {}

	start(): void {}

	stop(): void {}

	write(buffer: Uint8Array): void {
		const samples = new Int16Array(buffer.buffer, buffer.byteOffset, buffer.byteLength >> 1);
		for (let i = 0; i < samples.length; i++) this.#sum += samples[i] * samples[i];
		this.#count += samples.length;
		if (++this.#frames % 50 === 0) {
			const rms = Math.sqrt(this.#sum / this.#count) / 32768;
			trace(`lin: speaker ${rms > 0 ? Math.round(20 * Math.log10(rms)) : -96} dBFS\n`);
			this.#sum = this.#count = 0;
		}
	}

	close(): void {}
}
