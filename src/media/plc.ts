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
// Received frames cost one native copy into a ring, or nothing when their owner can give them again (a jitter buffer
// keeps the G.711 bytes: `defer`); the work of concealment (the deferred frames decoded, the history laid out, the pitch
// search) runs only when a frame is lost.

import { FrameViews } from "./frame-views.js";

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

/** Samples of a whole frame (20 ms at 8 kHz), the unit of deferred frames. */
const FRAME = 160;
/** Whole frames in the ring. */
const RING_FRAMES = RING / FRAME;

/**
 * Who can give a received frame again: the owner of the frames (the jitter buffer keeps their G.711 bytes). A frame it
 * defers joins the history without a copy; its samples are asked for only if a loss begins while it is still there.
 */
export interface PlcSource {
	/** Write the 160 samples frame `ref` was played with into out[0, 160) (views: out's, for the decoder). */
	frame(ref: number, out: Int16Array, views: FrameViews): void;
}

/** Bytes of the ring and the history, rounded up to whole Float64 words. */
const BUFFER_BYTES = (2 * (RING + PLC_HISTORY) + 7) & ~7;

/** Samples after which the output is silent: 60 ms. */
export const PLC_SILENT_AFTER = 6 * STEP;

/** Pitch-repetition concealment state for one audio stream (8 kHz, 16-bit). */
export class Plc {
	/** The ring of received samples, [0, RING), then the linear history, [RING, RING + PLC_HISTORY). */
	readonly #buffer = new Int16Array(new ArrayBuffer(BUFFER_BYTES), 0, RING + PLC_HISTORY);
	/** The ring as Float64 words: a whole frame moved in natively four samples at a time (./frame-views.ts). */
	readonly #ringWide = new Float64Array(this.#buffer.buffer, 0, RING / 4);
	/** The linear history (a view of #buffer): the last PLC_HISTORY samples received, oldest first, as of the loss. */
	readonly #history = this.#buffer.subarray(RING);
	/** The ring and the history as Float64 words (a frame moved within the buffer natively). */
	readonly #wide = new Float64Array(this.#buffer.buffer, 0, BUFFER_BYTES / 8);
	/** Where the next received sample goes in the ring. */
	#pos = 0;
	/** Per whole frame of the ring: ref + 1 of a deferred frame not yet written there, or 0. */
	readonly #deferred = new Int32Array(RING_FRAMES);
	#pending = 0;
	readonly #source: PlcSource | null;
	/** Where a deferred frame is written before it is copied into the ring: the start of the history, laid out later. */
	readonly #scratch = this.#buffer.subarray(RING, RING + FRAME);
	readonly #scratchViews = new FrameViews();

	/** Samples of real signal in the history (it is not full until 48.75 ms have been seen). */
	#filled = 0;
	#pitch = PLC_MAX_PITCH;
	/** Samples synthesized in the current loss (0 when the last frame was real). */
	#erased = 0;
	/** Position inside the repeated segment. */
	#phase = 0;
	#periods = 1;
	#concealedFrames = 0;

	/** `source`: who can give a deferred frame again (see `defer`); none: every frame is copied in (`good`). */
	constructor(source: PlcSource | null = null) {
		this.#source = source;
	}

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
		this.#deferred.fill(0);
		this.#pending = 0;
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
	 * `views`: the caller's views of pcm, if it keeps them (a whole frame then joins the history four samples a copy).
	 */
	good(pcm: Int16Array, start: number, length: number, views: FrameViews | null = null): void {
		if (this.#erased > 0) {
			// 4 ms, plus 4 ms for each further 10 ms lost, at most 10 ms.
			let fade = 32 + 32 * (((this.#erased - 1) / STEP) | 0);
			if (fade > STEP) fade = STEP;
			if (fade > length) fade = length;
			this.#synthesize(pcm, start, fade, true);
			this.#erased = 0;
		}
		this.#push(pcm, start, length, views);
	}

	/**
	 * A whole frame was received and played as the source's frame `ref` gives it (no loss before it to fade from): it
	 * joins the history as `good` would take it, without a copy — the source is asked for it only if a loss begins while
	 * it is in the history (`settle`). False when it cannot (no source, a loss to fade from, the ring not at a frame's
	 * start): then the caller hands the frame to `good`.
	 */
	defer(ref: number): boolean {
		const pos = this.#pos;
		if (this.#erased !== 0 || this.#source === null || pos % FRAME !== 0) return false;
		const k = pos / FRAME, deferred = this.#deferred;
		if (deferred[k] === 0) this.#pending++;
		deferred[k] = ref + 1;
		this.#pos = pos + FRAME === RING ? 0 : pos + FRAME;
		const filled = this.#filled + FRAME;
		this.#filled = filled > PLC_HISTORY ? PLC_HISTORY : filled;
		return true;
	}

	/** Write every deferred frame into the ring (the source may reuse what it gave them from after this). */
	settle(): void {
		if (this.#pending === 0) return;
		const deferred = this.#deferred, source = this.#source as PlcSource, scratch = this.#scratch, wide = this.#wide;
		for (let k = 0; k < RING_FRAMES; k++) {
			if (deferred[k] === 0) continue;
			source.frame(deferred[k] - 1, scratch, this.#scratchViews);
			wide.copyWithin((k * FRAME) >> 2, RING >> 2, (RING + FRAME) >> 2);
			deferred[k] = 0;
		}
		this.#pending = 0;
	}

	/** A frame is missing: write length synthetic samples to out[start, ...) (silence once 60 ms have been concealed). */
	conceal(out: Int16Array, start: number, length: number): void {
		if (this.#erased === 0) {
			this.settle();
			this.#layOut();
			this.#pitch = this.#filled >= PLC_HISTORY ? this.#findPitch() : PLC_MAX_PITCH;
			this.#periods = 1;
			this.#phase = 0;
		}
		this.#synthesize(out, start, length, false);
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
	 * attenuated by the loss length. `fade`: instead, cross-fade the real samples there into them over `length` samples
	 * (sample i weighs (i + 1) / (length + 1) real). Once 60 ms are concealed the synthetic signal is silence: nothing is
	 * computed, the position moves on.
	 */
	#synthesize(out: Int16Array, start: number, length: number, fade: boolean): void {
		const h = this.#history, full = this.#filled >= PLC_HISTORY, p = this.#pitch, quarter = p >> 2, round = Math.round;
		let n = this.#erased, periods = this.#periods, j = this.#phase;
		let size = periods * p, base = PLC_HISTORY - size, overlap = size - quarter;
		let i = 0;
		while (i < length) {
			if (n >= PLC_SILENT_AFTER) {
				// Silent from here on (the segment has stopped growing: 3 periods, or 1 with a short history).
				const rest = length - i;
				if (!fade) out.fill(0, start + i, start + length);
				else for (; i < length; i++) out[start + i] = round(((i + 1) / (length + 1)) * out[start + i] + 0);
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
				if (fade) {
					const w = (i + 1) / (length + 1);
					out[start + i] = round(w * out[start + i] + (1 - w) * v);
				} else {
					out[start + i] = round(v);
				}
			}
		}
		this.#erased = n;
		this.#periods = periods;
		this.#phase = j;
	}

	#push(pcm: Int16Array, start: number, length: number, views: FrameViews | null): void {
		const b = this.#buffer;
		let pos = this.#pos;
		if (this.#pending > 0) {
			// A whole frame takes the place of the one deferred there, if any; anything else writes them all first.
			if (length === FRAME && pos % FRAME === 0) {
				const k = pos / FRAME;
				if (this.#deferred[k] !== 0) {
					this.#deferred[k] = 0;
					this.#pending--;
				}
			} else this.settle();
		}
		if (start === 0 && length === pcm.length && pos + length <= RING) {
			// A whole frame array: one native copy, of Float64 words where both sides allow.
			const wide = views !== null && (pos & 3) === 0 ? views.wide(pcm) : null;
			if (wide !== null) this.#ringWide.set(wide, pos >> 2);
			else b.set(pcm, pos);
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
		const h = this.#history;
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
			const c = correlate80(h, from, from - lag);
			const score = (c * (c < 0 ? -c : c)) / e;
			if (score > bestScore) {
				bestScore = score;
				best = lag;
			}
		}
		// Fine: lags around the coarse best, every sample: the even samples' correlation and the odd samples'.
		const lo = best > PLC_MIN_PITCH ? best - 1 : best;
		const hi = best < PLC_MAX_PITCH ? best + 1 : best;
		bestScore = -Infinity;
		let fine = best;
		for (let lag = lo; lag <= hi; lag++) {
			const c = correlate80(h, from, from - lag) + correlate80(h, from + 1, from + 1 - lag);
			let f = 1;
			for (let i = from - lag; i < end - lag; i++) f += h[i] * h[i];
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
 * Σ h[a + 2m]·h[b + 2m] for m < 80: a correlation of the last 20 ms of the history (a) with the history `lag` samples
 * earlier (b = a − lag), every other sample, written out (no loop counter for XS to run).
 */
function correlate80(h: Int16Array, a: number, b: number): number {
	return (
		h[a] * h[b] + h[a + 2] * h[b + 2] + h[a + 4] * h[b + 4] + h[a + 6] * h[b + 6]
		+ h[a + 8] * h[b + 8] + h[a + 10] * h[b + 10] + h[a + 12] * h[b + 12] + h[a + 14] * h[b + 14]
		+ h[a + 16] * h[b + 16] + h[a + 18] * h[b + 18] + h[a + 20] * h[b + 20] + h[a + 22] * h[b + 22]
		+ h[a + 24] * h[b + 24] + h[a + 26] * h[b + 26] + h[a + 28] * h[b + 28] + h[a + 30] * h[b + 30]
		+ h[a + 32] * h[b + 32] + h[a + 34] * h[b + 34] + h[a + 36] * h[b + 36] + h[a + 38] * h[b + 38]
		+ h[a + 40] * h[b + 40] + h[a + 42] * h[b + 42] + h[a + 44] * h[b + 44] + h[a + 46] * h[b + 46]
		+ h[a + 48] * h[b + 48] + h[a + 50] * h[b + 50] + h[a + 52] * h[b + 52] + h[a + 54] * h[b + 54]
		+ h[a + 56] * h[b + 56] + h[a + 58] * h[b + 58] + h[a + 60] * h[b + 60] + h[a + 62] * h[b + 62]
		+ h[a + 64] * h[b + 64] + h[a + 66] * h[b + 66] + h[a + 68] * h[b + 68] + h[a + 70] * h[b + 70]
		+ h[a + 72] * h[b + 72] + h[a + 74] * h[b + 74] + h[a + 76] * h[b + 76] + h[a + 78] * h[b + 78]
		+ h[a + 80] * h[b + 80] + h[a + 82] * h[b + 82] + h[a + 84] * h[b + 84] + h[a + 86] * h[b + 86]
		+ h[a + 88] * h[b + 88] + h[a + 90] * h[b + 90] + h[a + 92] * h[b + 92] + h[a + 94] * h[b + 94]
		+ h[a + 96] * h[b + 96] + h[a + 98] * h[b + 98] + h[a + 100] * h[b + 100] + h[a + 102] * h[b + 102]
		+ h[a + 104] * h[b + 104] + h[a + 106] * h[b + 106] + h[a + 108] * h[b + 108] + h[a + 110] * h[b + 110]
		+ h[a + 112] * h[b + 112] + h[a + 114] * h[b + 114] + h[a + 116] * h[b + 116] + h[a + 118] * h[b + 118]
		+ h[a + 120] * h[b + 120] + h[a + 122] * h[b + 122] + h[a + 124] * h[b + 124] + h[a + 126] * h[b + 126]
		+ h[a + 128] * h[b + 128] + h[a + 130] * h[b + 130] + h[a + 132] * h[b + 132] + h[a + 134] * h[b + 134]
		+ h[a + 136] * h[b + 136] + h[a + 138] * h[b + 138] + h[a + 140] * h[b + 140] + h[a + 142] * h[b + 142]
		+ h[a + 144] * h[b + 144] + h[a + 146] * h[b + 146] + h[a + 148] * h[b + 148] + h[a + 150] * h[b + 150]
		+ h[a + 152] * h[b + 152] + h[a + 154] * h[b + 154] + h[a + 156] * h[b + 156] + h[a + 158] * h[b + 158]
	);
}
