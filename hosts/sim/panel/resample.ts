// Sample-rate conversion between the browser's audio (usually 48 kHz, floats in [-1, 1]) and the station's 8 kHz
// 16-bit frames of 160 samples (RFC 3551 §4.5.14). Down: a windowed-sinc low-pass below 4 kHz (so nothing above the
// new Nyquist frequency folds back as an alias), then linear interpolation at the output instants. Up: linear
// interpolation. Enough for speech; no DOM here, so Node tests it too.

/** The station's rate and frame (G.711, 20 ms). */
export const STATION_RATE = 8000, STATION_FRAME = 160;

/** Low-pass taps (odd: a symmetric filter centred on a sample) and cut-off. */
const TAPS = 63, CUTOFF_HZ = 3600;

/** Browser rate → 8 kHz frames. */
export class Downsampler {
	readonly #step: number;
	readonly #taps: Float32Array;
	readonly #line = new Float32Array(TAPS);
	#at = 0;
	/** Input samples seen, and the input position of the next output sample (relative to the same origin). */
	#n = 0;
	#next = 0;
	#prev = 0;
	readonly #frame = new Int16Array(STATION_FRAME);
	#filled = 0;

	constructor(inRate: number) {
		this.#step = inRate / STATION_RATE;
		this.#taps = lowPass(CUTOFF_HZ / inRate);
	}

	/** Feed input samples; `onFrame` gets each complete 160-sample frame (the same array, reused). */
	push(input: Float32Array, onFrame: (frame: Int16Array) => void): void {
		const taps = this.#taps, line = this.#line;
		for (let i = 0; i < input.length; i++) {
			line[this.#at] = input[i];
			this.#at = (this.#at + 1) % TAPS;
			let y = 0;
			for (let k = 0, j = this.#at; k < TAPS; k++, j = j + 1 === TAPS ? 0 : j + 1) y += taps[k] * line[j];
			// Output instants between the previous filtered sample (n - 1) and this one (n).
			while (this.#next <= this.#n) {
				const v = this.#prev + (y - this.#prev) * (1 - (this.#n - this.#next));
				this.#frame[this.#filled++] = toInt16(v);
				if (this.#filled === STATION_FRAME) {
					this.#filled = 0;
					onFrame(this.#frame);
				}
				this.#next += this.#step;
			}
			this.#prev = y;
			this.#n++;
			if (this.#n > 1e6) {
				// Keep the counters small (no precision lost over an hour-long call).
				this.#n -= 1e6;
				this.#next -= 1e6;
			}
		}
	}
}

/** 8 kHz frames → the browser's rate. */
export class Upsampler {
	readonly #step: number;
	/** The last sample of the previous frame, and the input position of the next output sample within the frame. */
	#last = 0;
	#pos = 0;

	constructor(outRate: number) {
		this.#step = STATION_RATE / outRate;
	}

	/** One frame (any length) in, its samples at the output rate out (floats in [-1, 1]). */
	push(frame: Int16Array): Float32Array {
		const out: number[] = [];
		// Position p in [-1, frame.length - 1]: -1 is the previous frame's last sample.
		let p = this.#pos;
		while (p <= frame.length - 1) {
			const i = Math.floor(p), f = p - i;
			const a = i < 0 ? this.#last : frame[i], b = frame[i + 1] ?? frame[i];
			out.push((a + (b - a) * f) / 32768);
			p += this.#step;
		}
		this.#pos = p - frame.length;
		if (frame.length > 0) this.#last = frame[frame.length - 1];
		return Float32Array.from(out);
	}
}

/** Windowed-sinc low-pass (Blackman window), cut-off `fc` in cycles per sample, unity gain at 0 Hz. */
function lowPass(fc: number): Float32Array {
	const h = new Float32Array(TAPS), m = TAPS - 1;
	let sum = 0;
	for (let i = 0; i < TAPS; i++) {
		const x = i - m / 2;
		const sinc = x === 0 ? 2 * Math.PI * fc : Math.sin(2 * Math.PI * fc * x) / x;
		const w = 0.42 - 0.5 * Math.cos((2 * Math.PI * i) / m) + 0.08 * Math.cos((4 * Math.PI * i) / m);
		h[i] = sinc * w;
		sum += h[i];
	}
	for (let i = 0; i < TAPS; i++) h[i] /= sum;
	return h;
}

function toInt16(v: number): number {
	const s = Math.round(v * 32767);
	return s > 32767 ? 32767 : s < -32768 ? -32768 : s;
}
