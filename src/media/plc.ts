// Packet-loss concealment for G.711 by pitch-period repetition — in the spirit of ITU-T G.711 Appendix I (§I.2).
//
// A short history of decoded PCM is kept. When a frame is missing, the pitch period is estimated by normalized
// autocorrelation over lags of 5–15 ms (a 2:1 decimated coarse search, refined at full rate), and the last period
// is repeated; its wrap point is smoothed by an overlap-add of a quarter period with the samples that preceded
// it. After 10 ms of loss the repeated segment grows to two, then three periods (less buzz), and the output is
// attenuated linearly by 20 % per 10 ms, reaching silence 60 ms into the loss. The first real frame after a loss
// is cross-faded with the continuing synthetic signal (4 ms, plus 4 ms per further 10 ms lost, at most 10 ms).
// Differences from Appendix I: no 3.75 ms output delay, so the very start of a loss is not overlap-added with the
// already played signal; floating-point arithmetic. Everything is preallocated; nothing allocates per frame.

/** Samples in 10 ms at 8 kHz: the unit of the attenuation and segment-growth schedule (G.711 App. I). */
const STEP = 80;
/** Shortest and longest pitch period searched: 5 ms and 15 ms (40 and 120 samples, G.711 App. I §I.2.2). */
export const PLC_MIN_PITCH = 40;
export const PLC_MAX_PITCH = 120;
/** Most periods repeated in a long loss (G.711 App. I: 1, then 2, then 3). */
const MAX_PERIODS = 3;
/** History: three longest periods plus the quarter period before them (for the wrap overlap-add). */
export const PLC_HISTORY = MAX_PERIODS * PLC_MAX_PITCH + (PLC_MAX_PITCH >> 2);
/** Correlation window of the pitch search: the last 20 ms of history. */
const CORR_WINDOW = 160;
/** Samples after which the output is silent: 60 ms. */
export const PLC_SILENT_AFTER = 6 * STEP;

/** Pitch-repetition concealment state for one audio stream (8 kHz, 16-bit). */
export class Plc {
	readonly #history = new Int16Array(PLC_HISTORY);
	/** Samples of real signal in the history (it is not full until 48.75 ms have been seen). */
	#filled = 0;
	#pitch = PLC_MAX_PITCH;
	/** Samples synthesized in the current loss (0 when the last frame was real). */
	#erased = 0;
	/** Position inside the repeated segment. */
	#phase = 0;
	#periods = 1;
	#concealedFrames = 0;

	/** Pitch period (samples) chosen for the current or last loss. */
	get pitch(): number {
		return this.#pitch;
	}
	/** Samples synthesized so far in the current loss; 0 when the last frame was real. */
	get erasedSamples(): number {
		return this.#erased;
	}
	/** Frames concealed since construction or `reset`. */
	get concealedFrames(): number {
		return this.#concealedFrames;
	}

	/** Forget the history (new stream). */
	reset(): void {
		this.#history.fill(0);
		this.#filled = 0;
		this.#erased = 0;
		this.#phase = 0;
		this.#periods = 1;
		this.#pitch = PLC_MAX_PITCH;
		this.#concealedFrames = 0;
	}

	/**
	 * A real frame pcm[start, start + length) was received and decoded. If it ends a loss, its start is cross-faded
	 * in place from the synthetic signal (G.711 App. I: "the first good frame after an erasure"); then it joins the history.
	 */
	good(pcm: Int16Array, start: number, length: number): void {
		if (this.#erased > 0) {
			// 4 ms, plus 4 ms for each further 10 ms lost, at most 10 ms.
			let fade = 32 + 32 * (((this.#erased - 1) / STEP) | 0);
			if (fade > STEP) fade = STEP;
			if (fade > length) fade = length;
			for (let i = 0; i < fade; i++) {
				const w = (i + 1) / (fade + 1);
				pcm[start + i] = Math.round(w * pcm[start + i] + (1 - w) * this.#synth());
			}
			this.#erased = 0;
		}
		this.#push(pcm, start, length);
	}

	/** A frame is missing: write length synthetic samples to out[start, ...) (silence once 60 ms have been concealed). */
	conceal(out: Int16Array, start: number, length: number): void {
		if (this.#erased === 0) {
			this.#pitch = this.#filled >= PLC_HISTORY ? this.#findPitch() : PLC_MAX_PITCH;
			this.#periods = 1;
			this.#phase = 0;
		}
		for (let i = 0; i < length; i++) out[start + i] = Math.round(this.#synth());
		this.#concealedFrames++;
	}

	/** Next synthetic sample: repeat the last 1..3 periods with a smoothed wrap, attenuated by the loss length. */
	#synth(): number {
		const h = this.#history;
		const n = this.#erased;
		// Grow the segment at 10 ms and 20 ms into the loss; the same sample index continues (the new segment starts P earlier).
		const want = n >= 2 * STEP ? 3 : n >= STEP ? 2 : 1;
		if (want > this.#periods && this.#filled >= PLC_HISTORY) {
			this.#phase += (want - this.#periods) * this.#pitch;
			this.#periods = want;
		}
		const p = this.#pitch;
		const size = this.#periods * p;
		const base = PLC_HISTORY - size;
		const quarter = p >> 2;
		const j = this.#phase;
		let v = h[base + j];
		if (j >= size - quarter) {
			// Overlap-add the segment's tail with the quarter period just before its head: the wrap is continuous.
			const k = j - (size - quarter);
			const w = (k + 1) / (quarter + 1);
			v = (1 - w) * v + w * h[base - quarter + k];
		}
		this.#phase = j + 1 >= size ? 0 : j + 1;
		// Full level for 10 ms, then −20 % per 10 ms, silent at 60 ms.
		let gain = 1;
		if (n >= PLC_SILENT_AFTER) gain = 0;
		else if (n > STEP) gain = 1 - (0.2 * (n - STEP)) / STEP;
		this.#erased = n + 1;
		return v * gain;
	}

	#push(pcm: Int16Array, start: number, length: number): void {
		const h = this.#history;
		if (length >= PLC_HISTORY) {
			for (let i = 0; i < PLC_HISTORY; i++) h[i] = pcm[start + length - PLC_HISTORY + i];
		} else {
			h.copyWithin(0, length);
			const at = PLC_HISTORY - length;
			for (let i = 0; i < length; i++) h[at + i] = pcm[start + i];
		}
		this.#filled += length;
		if (this.#filled > PLC_HISTORY) this.#filled = PLC_HISTORY;
	}

	/** Pitch period maximizing the normalized correlation of the last 20 ms with the history lagged 40..120 samples. */
	#findPitch(): number {
		const h = this.#history;
		const end = PLC_HISTORY;
		const from = end - CORR_WINDOW;
		// Coarse: every other lag and sample (2:1 decimation).
		let best = PLC_MIN_PITCH, bestScore = -Infinity;
		for (let lag = PLC_MIN_PITCH; lag <= PLC_MAX_PITCH; lag += 2) {
			const score = this.#score(h, from, end, lag, 2);
			if (score > bestScore) {
				bestScore = score;
				best = lag;
			}
		}
		// Fine: lags around the coarse best, every sample.
		const lo = best > PLC_MIN_PITCH ? best - 1 : best;
		const hi = best < PLC_MAX_PITCH ? best + 1 : best;
		bestScore = -Infinity;
		let fine = best;
		for (let lag = lo; lag <= hi; lag++) {
			const score = this.#score(h, from, end, lag, 1);
			if (score > bestScore) {
				bestScore = score;
				fine = lag;
			}
		}
		return fine;
	}

	/** c·|c| / energy of the lagged window: the sign-keeping square of the normalized correlation (no sqrt). */
	#score(h: Int16Array, from: number, end: number, lag: number, step: number): number {
		let c = 0, e = 1;
		for (let i = from; i < end; i += step) {
			const x = h[i - lag];
			c += h[i] * x;
			e += x * x;
		}
		return (c * (c < 0 ? -c : c)) / e;
	}
}
