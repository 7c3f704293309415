// The panel's audio worklet (runs in the browser's audio rendering thread): hands each block the microphone gives to
// the page, and plays what the page queues for the speaker (a short queue: latency over completeness; a gap plays
// silence). Loaded with audioWorklet.addModule: a module of its own, no imports.

// The AudioWorkletGlobalScope, which TypeScript's DOM library does not describe.
declare const sampleRate: number;
declare function registerProcessor(name: string, processor: new (options?: unknown) => unknown): void;
declare class AudioWorkletProcessor {
	readonly port: MessagePort;
}

/** The most the speaker queue holds (seconds): beyond it, the oldest audio is dropped. */
const MAX_QUEUE_SECONDS = 0.3;

class PanelAudio extends AudioWorkletProcessor {
	#queue: Float32Array[] = [];
	#offset = 0;
	#queued = 0;

	constructor() {
		super();
		this.port.onmessage = (e: MessageEvent<Float32Array>) => {
			this.#queue.push(e.data);
			this.#queued += e.data.length;
			while (this.#queued - this.#offset > MAX_QUEUE_SECONDS * sampleRate && this.#queue.length > 1) {
				this.#queued -= this.#queue.shift()!.length;
				this.#offset = 0;
			}
		};
	}

	process(inputs: Float32Array[][], outputs: Float32Array[][]): boolean {
		const mic = inputs[0]?.[0];
		if (mic !== undefined && mic.length > 0) this.port.postMessage(mic.slice());
		const out = outputs[0]?.[0];
		if (out !== undefined) {
			let i = 0;
			while (i < out.length && this.#queue.length > 0) {
				const head = this.#queue[0];
				const n = Math.min(out.length - i, head.length - this.#offset);
				out.set(head.subarray(this.#offset, this.#offset + n), i);
				i += n;
				this.#offset += n;
				if (this.#offset === head.length) {
					this.#queue.shift();
					this.#queued -= head.length;
					this.#offset = 0;
				}
			}
			out.fill(0, i);
			for (let c = 1; c < outputs[0].length; c++) outputs[0][c].set(out);
		}
		return true;
	}
}

registerProcessor("panel-audio", PanelAudio);
