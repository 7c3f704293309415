// Adaptive jitter buffer for 20 ms G.711 frames — RFC 3550 §5.1 (sequence numbers), §6.4.1 and A.8 (interarrival
// jitter), RFC 3551 §4.5.14 (G.711 framing); loss concealed by ./plc.ts (G.711 Appendix I).
//
// A fixed ring of `capacity` frames indexed by extended sequence number (wrap-safe: a 16-bit number is placed at the
// extension nearest the highest one seen). The playout point `next` advances one frame per `take` (every 20 ms).
// Depth is the span from the playout point to the highest frame received, in frames. The target depth follows the
// RFC 3550 A.8 jitter estimate J: target = 3·J + 20 ms, rounded up to frames, within [minMs, maxMs].
// Clock drift and jitter changes are absorbed in silence: while the smoothed depth stays above target + 1 frame a
// low-energy frame is dropped; below target − 1 frame one is inserted (concealed) between two low-energy frames. At
// maxMs a frame is dropped whatever its energy, so the delay never exceeds the bound. Nothing allocates per packet.
// A sender whose clock is slower than ours delivers a frame late by 20 ms every 1/drift frames (0.1 %: every 20 s);
// the depth in whole frames does not see that coming (it reads the same until a frame is missing), so a slower,
// finer measure does: the slack, the least time a played frame waited in the buffer (playout time − arrival time)
// over a window of SLACK_WINDOW frames. It is kept at two frames or more: then the packet after a burst of up to two
// lost ones is already here when the first is due, and each loss is concealed once; with less, the burst looks like
// an underrun — concealed in place (a frame more delay) and then once more per lost packet. (One frame would cover a
// single loss; 1 % random loss still brings ~18 bursts of two an hour.) When the slack falls below SLACK_LOW_MS a
// frame is inserted at the next pair of low-energy frames, before the drift causes underruns in the middle of speech
// (and only while there is room below maxMs); a silence drop is made only while the slack is a frame above that (else
// it would bring the underruns back). The slack needs `take`'s nowMs on the clock of `put`'s arrivalMs.
// Frames are kept as the G.711 bytes they arrived as, moved with native copies and fills, and decoded once, at playout
// (./g711-frame-decode.ts). A frame's level is measured only when a drift decision asks for it (in a steady call, never).
import { ALAW_SILENCE, FRAME_SAMPLES, type G711Tables, PCMA, PCMU, tablesOf, ULAW_SILENCE } from "./g711.js";
import { DatagramWords, FrameViews } from "./frame-views.js";
import { decodeFrameTo } from "./g711-frame-decode.js";
import { Plc } from "./plc.js";

/** Milliseconds of one frame (RFC 3551 §4.5.14: 20 ms by default). */
export const FRAME_MS = 20;
/** RTP timestamp units per millisecond at 8 kHz (RFC 3551 §4.5.14). */
const UNITS_PER_MS = 8;

// What `take` answers.
/** Nothing to play yet (before the first packet, or buffering after a long underrun): `out` holds silence. */
export const JB_SILENT = 0;
/** A received frame, decoded into `out`. */
export const JB_PLAYED = 1;
/** A missing frame, synthesized by concealment (loss, underrun or a drift insertion). */
export const JB_CONCEALED = 2;

// What `put` answers.
/** Stored for playout. */
export const JB_STORED = 0;
/** Its playout time has passed (counted in `late`). */
export const JB_LATE = 1;
/** Already stored or played (counted in `duplicated`). */
export const JB_DUPLICATE = 2;
/** So far ahead of the playout point that the buffer restarted at it (counted in `resyncs`). */
export const JB_RESYNC = 3;

// Slot states. Bit 0 set: held for playout (a frame of audio, or of known silence).
const EMPTY = 0, FILLED = 1, PLAYED = 2, SILENT = 3;
/**
 * Bytes before each slot's 160 payload bytes. A packet whose RTP header is no longer (the fixed 12 bytes, a few CSRCs or
 * a short extension) and whose payload and padding end within this much past the slot is copied whole with one native
 * `set`, its header falling into the headroom and its tail into the next slot's; any other is copied byte by byte.
 */
const HEADROOM = 32;
/** A slot's level before it is measured (levels are at most 32,768). */
const LEVEL_UNKNOWN = 0xffff;
/** Bytes per slot: headroom, then one frame of G.711 bytes as they arrived (both even: a slot's codes have a Uint16 view). */
const STRIDE = HEADROOM + FRAME_SAMPLES;
/** Concealed frames after which an empty buffer refills to target before playing again (60 ms: silent by then). */
const REBUFFER_AFTER = 3;
/**
 * Played frames over which the slack (least wait of a played frame) is measured: 2 s, long enough to see the jitter's
 * worst cases, short enough that 0.1 % drift moves the slack by only 2 ms within one window.
 */
const SLACK_WINDOW = 100;
/**
 * Slack under which a frame is inserted at the next silence (ms): two frames, plus a guard for what 0.1 % drift takes
 * within a window (2 ms) and a talk spurt (1.5 ms) before the silence comes.
 */
const SLACK_LOW_MS = 2 * FRAME_MS + 5;
/** Slack above which a silence drop is allowed: a drop takes a frame off it. */
const SLACK_DROP_MS = SLACK_LOW_MS + FRAME_MS;

export interface JitterBufferOptions {
	/** Frames in the ring (default 16: 320 ms). Must exceed maxMs / 20. */
	readonly capacity?: number;
	/** Payload law: PCMU (0) or PCMA (8), RFC 3551 Table 4. */
	readonly law: number;
	/** Least target delay (default 20 ms). */
	readonly minMs?: number;
	/** Greatest delay (default 200 ms): above it frames are dropped whatever their energy. */
	readonly maxMs?: number;
	/** Mean absolute sample level below which a frame counts as silence for drift corrections (default 400). */
	readonly silenceLevel?: number;
}

/** Reorders, times and conceals one incoming G.711 stream; preallocated from its options. */
export class JitterBuffer {
	readonly capacity: number;
	#law: number;
	readonly minFrames: number;
	readonly maxFrames: number;
	readonly silenceLevel: number;
	readonly #bytes: Uint8Array;
	/** #bytes as Int32 words (a datagram copied in four bytes at a time), and the words of the datagrams handed in. */
	readonly #words: Int32Array;
	/**
	 * Each slot's 160 codes as a view of #bytes, made once: 80 Uint16 words of two codes (the decoder reads them at
	 * constant indexes, a table read per two samples).
	 */
	readonly #pairs: readonly Uint16Array[];
	readonly #source = new DatagramWords();
	#tables: G711Tables;
	#silenceCode: number;
	readonly #outViews = new FrameViews();
	readonly #seq: Int32Array;
	readonly #state: Uint8Array;
	/** Payload bytes the packet brought (the rest of the slot is silence, which the level does not count). */
	readonly #count: Uint8Array;
	/** A slot's level once measured (see #levelOf); LEVEL_UNKNOWN until then. */
	readonly #level: Uint16Array;
	readonly #arrival: Float64Array;
	/** Concealment; the frames played go into its history deferred: decoded again from their slot if a loss comes. */
	readonly #plc = new Plc({ frame: (slot, out, views) => this.#replay(slot, out, views) });
	/** Extended sequence numbers of the last three frames played, newest last (-1: none, or not known). */
	#historyNewest = -1;
	#historyMiddle = -1;
	#historyOldest = -1;
	#started = false;
	#buffering = true;
	/** What #admit found: the frame's extended sequence number, and JB_STORED or JB_RESYNC. */
	#ext = 0;
	#verdict = JB_STORED;
	/** Extended sequence number of the next frame to play. */
	#next = 0;
	/** Highest extended sequence number received. */
	#highest = 0;
	// RFC 3550 A.8 state, in milliseconds.
	#jitter = 0;
	#lastArrivalMs = 0;
	#lastTimestamp = 0;
	#haveTransit = false;
	#avgDepth = 0;
	#target = 1;
	#underrun = 0;
	/**
	 * Level of the last frame played (0 after a concealed one), measured only when a drift decision asks: until then
	 * #lastKnown is false and the frame is slot #lastSlot, extended sequence #lastExt (put measures it before the slot
	 * is reused).
	 */
	#lastLevel = 0;
	#lastKnown = true;
	#lastSlot = 0;
	#lastExt = 0;
	/** Least wait of a played frame over the last complete window, ms (Infinity: not measured yet). */
	#slack = Infinity;
	#windowMin = Infinity;
	#windowCount = 0;
	#played = 0;
	#concealed = 0;
	#late = 0;
	#lost = 0;
	#duplicated = 0;
	#dropped = 0;
	#inserted = 0;
	#resyncs = 0;
	#underruns = 0;
	#maxDepth = 0;

	constructor(options: JitterBufferOptions) {
		const capacity = options.capacity ?? 16;
		const minMs = options.minMs ?? 20, maxMs = options.maxMs ?? 200;
		if (options.law !== PCMU && options.law !== PCMA) throw new RangeError("law must be PCMU or PCMA");
		this.#law = options.law;
		this.minFrames = Math.max(1, Math.ceil(minMs / FRAME_MS));
		this.maxFrames = Math.max(this.minFrames, Math.floor(maxMs / FRAME_MS));
		if (capacity <= this.maxFrames) throw new RangeError("capacity must exceed maxMs / 20 frames");
		this.capacity = capacity;
		this.silenceLevel = options.silenceLevel ?? 400;
		this.#tables = tablesOf(options.law);
		this.#silenceCode = options.law === PCMU ? ULAW_SILENCE : ALAW_SILENCE;
		this.#bytes = new Uint8Array(capacity * STRIDE + HEADROOM);
		this.#words = new Int32Array(this.#bytes.buffer);
		const pairs: Uint16Array[] = [];
		for (let s = 0; s < capacity; s++) pairs.push(new Uint16Array(this.#bytes.buffer, s * STRIDE + HEADROOM, FRAME_SAMPLES / 2));
		this.#pairs = pairs;
		this.#seq = new Int32Array(capacity);
		this.#state = new Uint8Array(capacity);
		this.#count = new Uint8Array(capacity);
		this.#level = new Uint16Array(capacity);
		this.#arrival = new Float64Array(capacity);
		this.#target = this.minFrames;
	}

	/** Payload law of the frames held: PCMU or PCMA. */
	get law(): number {
		return this.#law;
	}

	/**
	 * Hold frames of `law` (PCMU or PCMA) from now on: a stream of another codec (RFC 3264 §8.3.2) starts from nothing,
	 * as a buffer just made for that law would — no frame, no jitter estimate, no counts.
	 */
	setLaw(law: number): void {
		if (law !== PCMU && law !== PCMA) throw new RangeError("law must be PCMU or PCMA");
		this.#law = law;
		this.#tables = tablesOf(law);
		this.#silenceCode = law === PCMU ? ULAW_SILENCE : ALAW_SILENCE;
		this.reset();
		this.#bytes.fill(0);
		this.#seq.fill(0);
		this.#count.fill(0);
		this.#level.fill(0);
		this.#arrival.fill(0);
		this.#ext = this.#next = this.#highest = 0;
		this.#verdict = JB_STORED;
		this.#jitter = this.#lastArrivalMs = this.#lastTimestamp = 0;
		this.#target = this.minFrames;
		this.#lastLevel = this.#lastSlot = this.#lastExt = 0;
		this.#lastKnown = true;
		this.#played = this.#concealed = this.#late = this.#lost = this.#duplicated = 0;
		this.#dropped = this.#inserted = this.#resyncs = this.#underruns = this.#maxDepth = 0;
	}

	/** Frames played from packets. */
	get played(): number { return this.#played; }
	/** Frames synthesized (losses, underruns, drift insertions). */
	get concealed(): number { return this.#concealed; }
	/** Packets that arrived after their playout time. */
	get late(): number { return this.#late; }
	/** Frames whose packet was missing at playout time (lost or late). */
	get lost(): number { return this.#lost; }
	/** Packets received twice. */
	get duplicated(): number { return this.#duplicated; }
	/** Frames dropped to shorten the delay (drift, jitter decrease, the maxMs bound). */
	get dropped(): number { return this.#dropped; }
	/** Frames inserted in silence to lengthen the delay. */
	get inserted(): number { return this.#inserted; }
	/** Frames concealed because the buffer was empty (the delay grew by a frame each). */
	get underruns(): number { return this.#underruns; }
	/** Restarts on a sequence jump larger than the ring. */
	get resyncs(): number { return this.#resyncs; }
	/** Current depth in frames: from the playout point to the highest frame received. */
	get depth(): number { return this.#started && this.#highest >= this.#next ? this.#highest - this.#next + 1 : 0; }
	/** Largest depth seen at a `take`, in frames. */
	get maxDepth(): number { return this.#maxDepth; }
	/** Target depth in frames. */
	get target(): number { return this.#target; }
	/** Least time a played frame waited in the buffer over the last 2 s window, ms (Infinity before the first window). */
	get slackMs(): number { return this.#slack; }
	/** RFC 3550 A.8 interarrival jitter estimate, milliseconds. */
	get jitterMs(): number { return this.#jitter; }

	/** Forget the stream (new SSRC or new call); counters are kept. */
	reset(): void {
		this.#started = false;
		this.#buffering = true;
		this.#haveTransit = false;
		this.#state.fill(EMPTY);
		this.#plc.reset();
		this.#forgetHistory();
		this.#source.reset();
		this.#avgDepth = 0;
		this.#underrun = 0;
		this.#restartSlack();
	}

	/**
	 * A packet: RTP sequence number and timestamp, its payload buf[start, end) (160 G.711 bytes; shorter is padded
	 * with silence, longer is cut), its arrival time. Returns JB_STORED, JB_LATE, JB_DUPLICATE or JB_RESYNC.
	 */
	put(seq: number, timestamp: number, buf: Uint8Array, start: number, end: number, arrivalMs: number): number {
		this.#updateJitter(timestamp, arrivalMs);
		const s = this.#admit(seq);
		if (s < 0) return -1 - s;
		const at = s * STRIDE + HEADROOM;
		let n = end - start;
		if (n > FRAME_SAMPLES) n = FRAME_SAMPLES;
		if (n < 0) n = 0;
		const bytes = this.#bytes, length = buf.length;
		if (start <= HEADROOM && length - start <= FRAME_SAMPLES + HEADROOM) {
			// The whole datagram in one native copy, its header into the headroom: four bytes at a time where it allows.
			const words = (start & 3) === 0 ? this.#source.of(buf) : null;
			if (words === null) bytes.set(buf, at - start);
			else {
				this.#words.set(words, (at - start) >> 2);
				for (let i = length & ~3; i < length; i++) bytes[at - start + i] = buf[i];
			}
		} else for (let i = 0; i < n; i++) bytes[at + i] = buf[start + i];
		if (n < FRAME_SAMPLES) bytes.fill(this.#silenceCode, at + n, at + FRAME_SAMPLES);
		this.#count[s] = n;
		this.#level[s] = LEVEL_UNKNOWN;
		this.#hold(s, FILLED, arrivalMs);
		return this.#verdict;
	}

	/**
	 * A packet of the stream that carries no audio: sequence number `seq` (RTP numbers the packets of a source, whatever
	 * their payload: RFC 3550 §5.1), arrived at arrivalMs. An RFC 4733 event replaces the audio while it plays (§2.5.1.1,
	 * §2.6), so its frame is played as a received frame of silence, not concealed as a lost one; its timestamp (the
	 * event's start, repeated) is not an arrival time and stays out of the jitter estimate. Returns as `put`.
	 */
	putSilence(seq: number, arrivalMs: number): number {
		const s = this.#admit(seq);
		if (s < 0) return -1 - s;
		this.#count[s] = 0;
		this.#level[s] = 0;
		this.#hold(s, SILENT, arrivalMs);
		return this.#verdict;
	}

	/**
	 * Where the frame of sequence number `seq` goes: its slot, with #ext its extended number and #verdict JB_STORED or
	 * JB_RESYNC; or −1 − JB_LATE / JB_DUPLICATE (counted) when it is not stored.
	 */
	#admit(seq: number): number {
		let ext: number;
		if (!this.#started) {
			this.#started = true;
			this.#buffering = true;
			this.#next = this.#highest = ext = seq & 0xffff;
		} else {
			// RFC 3550 A.1 in spirit: the extension of seq nearest the highest seen.
			ext = this.#highest + (((((seq - this.#highest) & 0xffff) + 0x8000) & 0xffff) - 0x8000);
		}
		const cap = this.capacity;
		const slot = ext % cap;
		if (ext < this.#next) {
			if (this.#seq[slot] === ext && this.#state[slot] === PLAYED) {
				this.#duplicated++;
				return -1 - JB_DUPLICATE;
			}
			this.#late++;
			return -1 - JB_LATE;
		}
		let verdict = JB_STORED;
		if (ext - this.#next >= cap) {
			verdict = this.#resync(ext);
		} else if ((this.#state[slot] & 1) !== 0 && this.#seq[slot] === ext) {
			this.#duplicated++;
			return -1 - JB_DUPLICATE;
		}
		// The last frame played is measured before its slot takes another (a drift decision may still ask its level), and
		// the last three are written into the concealment history (they may be deferred there).
		if (!this.#lastKnown && slot === this.#lastSlot) this.#lastPlayedLevel();
		if (this.#state[slot] === PLAYED && this.#seq[slot] >= this.#historyOldest) this.#plc.settle();
		this.#verdict = verdict;
		this.#ext = ext;
		return slot;
	}

	/** Slot s now holds frame #ext (state FILLED or SILENT), arrived at arrivalMs. */
	#hold(s: number, state: number, arrivalMs: number): void {
		const ext = this.#ext;
		this.#arrival[s] = arrivalMs;
		this.#seq[s] = ext;
		this.#state[s] = state;
		if (ext > this.#highest) this.#highest = ext;
	}

	/**
	 * The next 20 ms of audio into out[0, 160): decoded, or concealed, or silence. Call once per frame period, with
	 * nowMs on the clock of put's arrivalMs. Returns JB_PLAYED, JB_CONCEALED or JB_SILENT.
	 */
	take(out: Int16Array, nowMs: number): number {
		if (!this.#started) return this.#silence(out);
		const cap = this.capacity;
		let depth = this.depth;
		if (depth > this.#maxDepth) this.#maxDepth = depth;
		this.#avgDepth += (depth - this.#avgDepth) / 16;
		if (this.#buffering) {
			if (depth < this.#target) return this.#silence(out);
			this.#buffering = false;
			this.#avgDepth = depth;
		}
		// Over the hard bound: drop the oldest frames, whatever they hold.
		while (depth > this.maxFrames) {
			const s = this.#next % cap;
			if ((this.#state[s] & 1) !== 0 && this.#seq[s] === this.#next) this.#state[s] = PLAYED;
			this.#next++;
			this.#dropped++;
			this.#delayChanged(-FRAME_MS);
			depth--;
		}
		let s = this.#next % cap;
		let here = (this.#state[s] & 1) !== 0 && this.#seq[s] === this.#next;
		const target = this.#target;
		const slack = this.#slack;
		// The cheap tests first: a frame's level is measured only when the rest of a condition holds.
		if (here && this.#avgDepth > target + 1 && depth > 1 && slack >= SLACK_DROP_MS && this.#levelOf(s) < this.silenceLevel) {
			// Too deep and this frame is silence: drop it, play the next one if it is here.
			this.#state[s] = PLAYED;
			this.#next++;
			this.#dropped++;
			this.#avgDepth -= 1;
			this.#delayChanged(-FRAME_MS);
			s = this.#next % cap;
			here = (this.#state[s] & 1) !== 0 && this.#seq[s] === this.#next;
		} else if (here && (this.#avgDepth < target - 1 || (slack < SLACK_LOW_MS && depth < this.maxFrames - 1)) &&
			this.#lastPlayedLevel() < this.silenceLevel && this.#levelOf(s) < this.silenceLevel) {
			// Too shallow, or too little slack (a slower sender), between two silent frames: insert one.
			this.#inserted++;
			this.#avgDepth += 1;
			this.#delayChanged(FRAME_MS);
			return this.#conceal(out);
		}
		if (here) {
			// Into the concealment history: a decoded frame without a copy (the slot keeps its bytes), silence as it is.
			const plc = this.#plc;
			if (this.#state[s] === FILLED) {
				decodeFrameTo(this.#tables, this.#bytes, s * STRIDE + HEADROOM, this.#pairs[s] as Uint16Array, out, this.#outViews);
				if (!plc.defer(s)) plc.good(out, 0, FRAME_SAMPLES, this.#outViews);
			} else {
				out.fill(0);
				plc.good(out, 0, FRAME_SAMPLES, this.#outViews);
			}
			this.#historyOldest = this.#historyMiddle;
			this.#historyMiddle = this.#historyNewest;
			this.#historyNewest = this.#next;
			this.#state[s] = PLAYED;
			this.#lastKnown = false;
			this.#lastSlot = s;
			this.#lastExt = this.#next;
			this.#next++;
			this.#played++;
			this.#underrun = 0;
			this.#measureSlack(nowMs - this.#arrival[s]);
			return JB_PLAYED;
		}
		if (this.#highest >= this.#next) {
			// A later frame is here: this one is lost (or will be late). Conceal and move on.
			this.#next++;
			this.#lost++;
			return this.#conceal(out);
		}
		// Underrun: nothing to play. Conceal in place (the delay grows by a frame); after 60 ms, refill to target.
		this.#underruns++;
		// The frame due was not here (the slack was below 0); concealing in place delays the rest by a frame.
		if (this.#slack > 0) this.#slack = 0;
		this.#delayChanged(FRAME_MS);
		if (++this.#underrun >= REBUFFER_AFTER) this.#buffering = true;
		return this.#conceal(out);
	}

	/** The samples slot s was played with (PlcSource): its bytes decoded again. */
	#replay(slot: number, out: Int16Array, views: FrameViews): void {
		decodeFrameTo(this.#tables, this.#bytes, slot * STRIDE + HEADROOM, this.#pairs[slot] as Uint16Array, out, views);
	}

	/** No frame played is known to be in the history (a new stream: every slot it reuses is settled first). */
	#forgetHistory(): void {
		this.#historyNewest = this.#historyMiddle = this.#historyOldest = -1;
	}

	#conceal(out: Int16Array): number {
		this.#plc.conceal(out, 0, FRAME_SAMPLES);
		this.#concealed++;
		this.#lastLevel = 0;
		this.#lastKnown = true;
		return JB_CONCEALED;
	}

	/**
	 * Mean absolute sample value of slot s's payload (the silence it was padded with not counted), measured once — or
	 * silenceLevel when the frame is at least that loud: only `level < silenceLevel` is ever asked, so the sum stops as
	 * soon as it reaches silenceLevel per sample (a talk frame: after a few dozen samples).
	 */
	#levelOf(s: number): number {
		if (this.#level[s] === LEVEL_UNKNOWN) {
			const b = this.#bytes, m = this.#tables.magnitude, at = s * STRIDE + HEADROOM, end = at + this.#count[s];
			const limit = this.silenceLevel * FRAME_SAMPLES, eights = at + ((end - at) & ~7);
			let sum = 0, i = at;
			for (; i < eights && sum < limit; i += 8) {
				sum += m[b[i]] + m[b[i + 1]] + m[b[i + 2]] + m[b[i + 3]] + m[b[i + 4]] + m[b[i + 5]] + m[b[i + 6]] + m[b[i + 7]];
			}
			for (; i < end && sum < limit; i++) sum += m[b[i]];
			this.#level[s] = sum >= limit ? this.silenceLevel : (sum / FRAME_SAMPLES) | 0;
		}
		return this.#level[s];
	}

	/** Level of the last frame played: measured from its slot, which still holds it (put measures before reusing it). */
	#lastPlayedLevel(): number {
		if (!this.#lastKnown) {
			this.#lastLevel = this.#seq[this.#lastSlot] === this.#lastExt ? this.#levelOf(this.#lastSlot) : 0;
			this.#lastKnown = true;
		}
		return this.#lastLevel;
	}

	/** One played frame waited `wait` ms: fold it into the window; a full window becomes the slack. */
	#measureSlack(wait: number): void {
		if (wait < this.#windowMin) this.#windowMin = wait;
		if (++this.#windowCount >= SLACK_WINDOW) {
			this.#slack = this.#windowMin;
			this.#windowMin = Infinity;
			this.#windowCount = 0;
		}
	}

	/** Playout moved by `ms` (a frame inserted or dropped): every later frame waits that much longer; measure afresh. */
	#delayChanged(ms: number): void {
		this.#slack += ms;
		this.#windowMin = Infinity;
		this.#windowCount = 0;
	}

	/** A new stream: nothing measured yet. */
	#restartSlack(): void {
		this.#slack = this.#windowMin = Infinity;
		this.#windowCount = 0;
	}

	#silence(out: Int16Array): number {
		out.fill(0);
		return JB_SILENT;
	}

	#resync(ext: number): number {
		this.#resyncs++;
		this.#plc.settle();
		this.#forgetHistory();
		this.#state.fill(EMPTY);
		this.#next = this.#highest = ext;
		this.#buffering = true;
		this.#restartSlack();
		return JB_RESYNC;
	}

	/** RFC 3550 A.8: J += (|D(i−1, i)| − J) / 16, D from arrival times and RTP timestamps, here in milliseconds. */
	#updateJitter(timestamp: number, arrivalMs: number): void {
		if (this.#haveTransit) {
			const units = (timestamp - this.#lastTimestamp) | 0; // wrap-safe difference of 32-bit timestamps
			let d = arrivalMs - this.#lastArrivalMs - units / UNITS_PER_MS;
			if (d < 0) d = -d;
			this.#jitter += (d - this.#jitter) / 16;
			let t = Math.ceil((3 * this.#jitter + FRAME_MS) / FRAME_MS);
			if (t < this.minFrames) t = this.minFrames;
			if (t > this.maxFrames) t = this.maxFrames;
			this.#target = t;
		}
		this.#haveTransit = true;
		this.#lastArrivalMs = arrivalMs;
		this.#lastTimestamp = timestamp >>> 0;
	}
}
