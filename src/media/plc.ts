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
// Received frames cost one native copy into a ring; the work of concealment (laying out the history, the pitch search)
// runs only when a frame is lost.

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
/**
 * Received samples are kept in a ring of three frames (one native copy per frame); the linear history the search and
 * the synthesis read is laid out from it only when a loss begins.
 */
const RING = 480;
/** First lag with a view of the lagged history: one below the search's, for the fine search's odd samples. */
const PLC_LAG_FIRST = PLC_MIN_PITCH - 1;
const hypot = Math.hypot;
/** Samples after which the output is silent: 60 ms. */
export const PLC_SILENT_AFTER = 6 * STEP;

/** Pitch-repetition concealment state for one audio stream (8 kHz, 16-bit). */
export class Plc {
	/** The ring of received samples, [0, RING), then the linear history, [RING, RING + PLC_HISTORY). */
	readonly #buffer = new Int16Array(RING + PLC_HISTORY);
	/** The linear history (a view of #buffer): the last PLC_HISTORY samples received, oldest first, as of the loss. */
	readonly #history = this.#buffer.subarray(RING);
	/** Where the next received sample goes in the ring. */
	#pos = 0;
	/** The synthetic signal a cross-fade blends out of (10 ms at most). */
	readonly #fade = new Float64Array(STEP);
	/** The correlation window (the last 20 ms of the history), and the history `lag` samples before it, for each lag. */
	readonly #recent = this.#history.subarray(PLC_HISTORY - CORR_WINDOW);
	readonly #recentOdd = this.#history.subarray(PLC_HISTORY - CORR_WINDOW + 1);
	/** #lagged[lag − PLC_LAG_FIRST]: the CORR_WINDOW samples `lag` before the window's end. */
	readonly #lagged: Int16Array[] = [];

	constructor() {
		for (let lag = PLC_LAG_FIRST; lag <= PLC_MAX_PITCH; lag++) {
			this.#lagged.push(this.#history.subarray(PLC_HISTORY - CORR_WINDOW - lag, PLC_HISTORY - lag));
		}
	}
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
		this.#buffer.fill(0);
		this.#pos = 0;
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
			const synthetic = this.#fade;
			this.#synthesize(synthetic, 0, fade, false);
			for (let i = 0; i < fade; i++) {
				const w = (i + 1) / (fade + 1);
				pcm[start + i] = Math.round(w * pcm[start + i] + (1 - w) * synthetic[i]);
			}
			this.#erased = 0;
		}
		this.#push(pcm, start, length);
	}

	/** A frame is missing: write length synthetic samples to out[start, ...) (silence once 60 ms have been concealed). */
	conceal(out: Int16Array, start: number, length: number): void {
		if (this.#erased === 0) {
			this.#layOut();
			this.#pitch = this.#filled >= PLC_HISTORY ? this.#findPitch() : PLC_MAX_PITCH;
			this.#periods = 1;
			this.#phase = 0;
		}
		this.#synthesize(out, start, length, true);
		this.#concealedFrames++;
	}

	/** The linear history from the ring: its last PLC_HISTORY samples, oldest first (native copies within #buffer). */
	#layOut(): void {
		const b = this.#buffer, pos = this.#pos, from = pos >= PLC_HISTORY ? pos - PLC_HISTORY : pos - PLC_HISTORY + RING;
		if (from < pos) {
			b.copyWithin(RING, from, pos);
		} else {
			b.copyWithin(RING, from, RING);
			b.copyWithin(RING + RING - from, 0, pos);
		}
	}

	/**
	 * The next `length` synthetic samples into out[start, …): the last 1..3 periods repeated with a smoothed wrap,
	 * attenuated by the loss length; rounded into an Int16Array, or as computed into a Float64Array (the cross-fade's).
	 * Once 60 ms are concealed the output is silence: the position moves on and zeros are written, nothing computed.
	 */
	#synthesize(out: Int16Array | Float64Array, start: number, length: number, rounded: boolean): void {
		const h = this.#history, full = this.#filled >= PLC_HISTORY, p = this.#pitch, quarter = p >> 2, round = Math.round;
		let n = this.#erased, periods = this.#periods, j = this.#phase;
		let size = periods * p, base = PLC_HISTORY - size, overlap = size - quarter;
		let i = 0;
		while (i < length) {
			if (n >= PLC_SILENT_AFTER) {
				// Silent from here on (the segment has stopped growing: 3 periods, or 1 with a short history).
				const rest = length - i;
				out.fill(0, start + i, start + length);
				j = (j + rest) % size;
				n += rest;
				break;
			}
			// Grow the segment at 10 ms and 20 ms into the loss; the same sample index continues (the new segment starts P earlier).
			const want = n >= 2 * STEP ? 3 : n >= STEP ? 2 : 1;
			if (want > periods && full) {
				j += (want - periods) * p;
				periods = want;
				size = periods * p;
				base = PLC_HISTORY - size;
				overlap = size - quarter;
			}
			// A run of samples with one segment and one kind of gain: up to the next 10 ms mark (or the frame's end).
			const mark = n < STEP ? STEP : n < 2 * STEP ? 2 * STEP : PLC_SILENT_AFTER;
			let stop = i + (mark - n);
			if (stop > length) stop = length;
			for (; i < stop; i++, n++) {
				let v = h[base + j];
				if (j >= overlap) {
					// Overlap-add the segment's tail with the quarter period just before its head: the wrap is continuous.
					const k = j - overlap;
					const w = (k + 1) / (quarter + 1);
					v = (1 - w) * v + w * h[base - quarter + k];
				}
				j = j + 1 >= size ? 0 : j + 1;
				// Full level for 10 ms, then −20 % per 10 ms, silent at 60 ms.
				if (n > STEP) v *= 1 - (0.2 * (n - STEP)) / STEP;
				out[start + i] = rounded ? round(v) : v;
			}
		}
		this.#erased = n;
		this.#periods = periods;
		this.#phase = j;
	}

	#push(pcm: Int16Array, start: number, length: number): void {
		const b = this.#buffer;
		let pos = this.#pos;
		if (start === 0 && length === pcm.length && pos + length <= RING) {
			b.set(pcm, pos); // a whole frame array: one native copy
			pos += length;
		} else {
			for (let i = 0; i < length; i++) {
				b[pos] = pcm[start + i];
				if (++pos === RING) pos = 0;
			}
		}
		this.#pos = pos === RING ? 0 : pos;
		this.#filled += length;
		if (this.#filled > PLC_HISTORY) this.#filled = PLC_HISTORY;
	}

	/**
	 * Pitch period maximizing the normalized correlation of the last 20 ms with the history lagged 40..120 samples.
	 * Correlations and energies are sums of products of 16-bit samples, exact integers in a double whatever their
	 * order: the coarse search's energy slides from lag to lag (two samples in, two out) instead of being summed anew.
	 */
	#findPitch(): number {
		const h = this.#history, recent = this.#recent;
		const end = PLC_HISTORY;
		const from = end - CORR_WINDOW;
		// Coarse: every other lag and sample (2:1 decimation).
		let best = PLC_MIN_PITCH, bestScore = -Infinity;
		let e = 1;
		for (let i = from - PLC_MIN_PITCH; i < end - PLC_MIN_PITCH; i += 2) e += h[i] * h[i];
		for (let lag = PLC_MIN_PITCH; lag <= PLC_MAX_PITCH; lag += 2) {
			if (lag > PLC_MIN_PITCH) {
				// The lagged window moved two samples back: its first sample (from − lag) comes in, its last (end − 2 − lag + 2) leaves.
				const a = h[from - lag], b = h[end - lag];
				e += a * a - b * b;
			}
			const c = correlate80(recent, this.#lagged[lag - PLC_LAG_FIRST] as Int16Array);
			const score = (c * (c < 0 ? -c : c)) / e;
			if (score > bestScore) {
				bestScore = score;
				best = lag;
			}
		}
		// Fine: lags around the coarse best, every sample: the even samples' correlation and the odd samples' (the window
		// and the lagged history one sample on), and the lagged window's energy in one native pass (Math.hypot over it,
		// squared back to the exact integer: sums below 2^51 come back exactly).
		const lo = best > PLC_MIN_PITCH ? best - 1 : best;
		const hi = best < PLC_MAX_PITCH ? best + 1 : best;
		bestScore = -Infinity;
		let fine = best;
		for (let lag = lo; lag <= hi; lag++) {
			const b = this.#lagged[lag - PLC_LAG_FIRST] as Int16Array;
			const c = correlate80(recent, b) + correlate80(this.#recentOdd, this.#lagged[lag - 1 - PLC_LAG_FIRST] as Int16Array);
			const r = hypot.apply(null, b as unknown as number[]);
			const f = 1 + Math.round(r * r);
			const score = (c * (c < 0 ? -c : c)) / f;
			if (score > bestScore) {
				bestScore = score;
				fine = lag;
			}
		}
		return fine;
	}
}

/**
 * Σ a[2m]·b[2m] for m < 80: the coarse search's correlation of the last 20 ms (a) with the history `lag` samples
 * earlier (b), every other sample, written out (no loop counter or index arithmetic for XS to run).
 */
function correlate80(a: Int16Array, b: Int16Array): number {
	return (
		a[0] * b[0] + a[2] * b[2] + a[4] * b[4] + a[6] * b[6] + a[8] * b[8]
		+ a[10] * b[10] + a[12] * b[12] + a[14] * b[14] + a[16] * b[16] + a[18] * b[18]
		+ a[20] * b[20] + a[22] * b[22] + a[24] * b[24] + a[26] * b[26] + a[28] * b[28]
		+ a[30] * b[30] + a[32] * b[32] + a[34] * b[34] + a[36] * b[36] + a[38] * b[38]
		+ a[40] * b[40] + a[42] * b[42] + a[44] * b[44] + a[46] * b[46] + a[48] * b[48]
		+ a[50] * b[50] + a[52] * b[52] + a[54] * b[54] + a[56] * b[56] + a[58] * b[58]
		+ a[60] * b[60] + a[62] * b[62] + a[64] * b[64] + a[66] * b[66] + a[68] * b[68]
		+ a[70] * b[70] + a[72] * b[72] + a[74] * b[74] + a[76] * b[76] + a[78] * b[78]
		+ a[80] * b[80] + a[82] * b[82] + a[84] * b[84] + a[86] * b[86] + a[88] * b[88]
		+ a[90] * b[90] + a[92] * b[92] + a[94] * b[94] + a[96] * b[96] + a[98] * b[98]
		+ a[100] * b[100] + a[102] * b[102] + a[104] * b[104] + a[106] * b[106] + a[108] * b[108]
		+ a[110] * b[110] + a[112] * b[112] + a[114] * b[114] + a[116] * b[116] + a[118] * b[118]
		+ a[120] * b[120] + a[122] * b[122] + a[124] * b[124] + a[126] * b[126] + a[128] * b[128]
		+ a[130] * b[130] + a[132] * b[132] + a[134] * b[134] + a[136] * b[136] + a[138] * b[138]
		+ a[140] * b[140] + a[142] * b[142] + a[144] * b[144] + a[146] * b[146] + a[148] * b[148]
		+ a[150] * b[150] + a[152] * b[152] + a[154] * b[154] + a[156] * b[156] + a[158] * b[158]
	);
}
