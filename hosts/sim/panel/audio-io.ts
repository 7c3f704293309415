// The browser's microphone and speaker for the panel (Web Audio): off until the user picks a side. The microphone's
// blocks are resampled to 8 kHz frames and sent as binary WebSocket messages; the station's speaker frames come back
// the same way and are resampled to the browser's rate (hosts/sim/panel/resample.ts).
import { Downsampler, Upsampler } from "./resample.js";

export class AudioIo {
	readonly #send: (frame: ArrayBuffer) => void;
	#context: AudioContext | null = null;
	#stream: MediaStream | null = null;
	#node: AudioWorkletNode | null = null;
	#up: Upsampler | null = null;

	constructor(send: (frame: ArrayBuffer) => void) {
		this.#send = send;
	}

	get running(): boolean {
		return this.#context !== null;
	}

	/** Ask for the microphone and start; throws with the browser's reason when refused. */
	async start(): Promise<void> {
		if (this.#context !== null) return;
		const stream = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: true, noiseSuppression: true, channelCount: 1 } });
		const context = new AudioContext();
		await context.audioWorklet.addModule("/web/hosts/sim/panel/audio-worklet.js");
		const node = new AudioWorkletNode(context, "panel-audio", { numberOfInputs: 1, numberOfOutputs: 1, outputChannelCount: [1] });
		const down = new Downsampler(context.sampleRate);
		node.port.onmessage = (e: MessageEvent<Float32Array>) => down.push(e.data, (frame) => this.#send(frame.slice().buffer));
		context.createMediaStreamSource(stream).connect(node);
		node.connect(context.destination);
		await context.resume();
		this.#context = context;
		this.#stream = stream;
		this.#node = node;
		this.#up = new Upsampler(context.sampleRate);
	}

	/** A binary message from the server: whole 8 kHz frames of little-endian 16-bit samples for the speaker. */
	play(data: ArrayBuffer): void {
		if (this.#node === null || this.#up === null) return;
		const samples = new Int16Array(data.byteLength >> 1);
		const view = new DataView(data);
		for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(2 * i, true);
		this.#node.port.postMessage(this.#up.push(samples));
	}

	async stop(): Promise<void> {
		for (const t of this.#stream?.getTracks() ?? []) t.stop();
		this.#node?.disconnect();
		await this.#context?.close();
		this.#context = null;
		this.#stream = null;
		this.#node = null;
		this.#up = null;
	}
}
