// The browser's microphone and speaker as a station's audio device (hosts/sim/audio-device.ts `AudioPort`): frames of
// 160 16-bit samples at 8 kHz arrive over the web panel's WebSocket at the browser's pace and wait in a short queue
// for the station's 20 ms frame clock; what the station's speaker plays goes back the same way. The page resamples
// (hosts/sim/panel/resample.ts). A device stand-in: no protocol here.
import { FRAME_SAMPLES } from "../../src/media/g711.js";
import type { AudioPort } from "./audio-device.js";

const FRAME_BYTES = 2 * FRAME_SAMPLES;
/** Frames of microphone audio kept ahead of the clock: a browser delivers in bursts; more is latency. */
export const MIC_QUEUE_FRAMES = 10;

export class BrowserAudio implements AudioPort {
	readonly #send: (frame: Uint8Array) => void;
	readonly #queue = new Int16Array(MIC_QUEUE_FRAMES * FRAME_SAMPLES);
	#head = 0;
	#count = 0;
	/** Frames dropped because the queue was full (the browser ran ahead of the station's clock). */
	overruns = 0;
	/** Frames the clock wanted and the browser had not delivered. */
	underruns = 0;

	/** `send` gets each speaker frame as 320 bytes (little-endian samples). */
	constructor(send: (frame: Uint8Array) => void) {
		this.#send = send;
	}

	/** A binary message from the page: whole frames of little-endian samples (a partial frame is dropped). */
	receive(data: Uint8Array): void {
		const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
		for (let at = 0; at + FRAME_BYTES <= data.byteLength; at += FRAME_BYTES) {
			if (this.#count === MIC_QUEUE_FRAMES) {
				this.#head = (this.#head + 1) % MIC_QUEUE_FRAMES;
				this.#count--;
				this.overruns++;
			}
			const slot = ((this.#head + this.#count) % MIC_QUEUE_FRAMES) * FRAME_SAMPLES;
			for (let i = 0; i < FRAME_SAMPLES; i++) this.#queue[slot + i] = view.getInt16(at + 2 * i, true);
			this.#count++;
		}
	}

	read(mic: Int16Array): boolean {
		if (this.#count === 0) {
			this.underruns++;
			return false;
		}
		mic.set(this.#queue.subarray(this.#head * FRAME_SAMPLES, (this.#head + 1) * FRAME_SAMPLES));
		this.#head = (this.#head + 1) % MIC_QUEUE_FRAMES;
		this.#count--;
		return true;
	}

	write(speaker: Int16Array): void {
		const out = new Uint8Array(FRAME_BYTES);
		const view = new DataView(out.buffer);
		for (let i = 0; i < FRAME_SAMPLES; i++) view.setInt16(2 * i, speaker[i], true);
		this.#send(out);
	}
}
