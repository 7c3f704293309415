// Reception statistics of the peer's RTP stream, as an RTCP report block states them — RFC 3550 §6.4.1, A.1, A.3, A.8.
import { put32 } from "./rtp.js";

/** A.1: packets in sequence before a new source is valid. */
export const MIN_SEQUENTIAL = 2;
/** A.1: largest forward jump still taken as the same run of sequence numbers. */
export const MAX_DROPOUT = 3000;
/** A.1: largest backward step taken as a late (reordered or duplicate) packet. */
export const MAX_MISORDER = 100;
const SEQ_MOD = 0x10000;
/** Bytes of one report block (RFC 3550 §6.4.1). */
export const REPORT_BLOCK_BYTES = 24;

/** NTP seconds (mod 2^32) of a time given in ms on the caller's NTP-like clock (RFC 3550 §4). */
export function ntpSeconds(ms: number): number {
	return Math.floor(ms / 1000) >>> 0;
}
/** NTP fraction of a second (units of 2^-32 s) of a time in ms. */
export function ntpFraction(ms: number): number {
	return Math.floor((ms - Math.floor(ms / 1000) * 1000) * 4294967.296) >>> 0;
}
/** Middle 32 bits of the NTP timestamp (16.16 seconds): the LSR / arrival-time format of §6.4.1. */
export function ntpMiddle(ms: number): number {
	return ((ntpSeconds(ms) << 16) | (ntpFraction(ms) >>> 16)) >>> 0;
}

/**
 * What we know of the one source we receive: A.1's sequence-number state (probation, cycles, restart after a
 * big jump), A.8's interarrival jitter, A.3's loss counts, and the last SR it sent (for LSR/DLSR). Fed once per
 * accepted RTP packet; allocates nothing. Arrival times are `nowMs` on the caller's clock, converted to
 * timestamp units at `clockRate`.
 */
export class ReceptionStats {
	readonly clockRate: number;
	#active = false;
	#ssrc = 0;
	#maxSeq = 0;
	#cycles = 0;
	#baseSeq = 0;
	#badSeq = SEQ_MOD + 1;
	#probation = 0;
	#received = 0;
	#expectedPrior = 0;
	#receivedPrior = 0;
	#transit = 0;
	#jitter = 0;
	#lastTimestamp = -1;
	#lastSrNtp = 0;
	#lastSrMs = 0;
	#lastSrSsrc = 0;
	#fraction = 0;
	#lost = 0;

	constructor(clockRate = 8000) {
		this.clockRate = clockRate;
	}

	/** Forget the source: the next packet starts a new one on probation. */
	reset(): void {
		this.#active = false;
		this.#lastSrNtp = 0;
		this.#fraction = this.#lost = 0;
	}

	/**
	 * One RTP packet of `ssrc` arrived at `nowMs`. A new SSRC starts over (A.1: on probation until MIN_SEQUENTIAL
	 * packets came in sequence). Returns false while the source is on probation or after a jump larger than
	 * MAX_DROPOUT (A.1: the packet is not counted; two such in sequence restart the count): a report should
	 * not count it, though the caller may still play it.
	 */
	onPacket(ssrc: number, sequence: number, timestamp: number, nowMs: number): boolean {
		if (!this.#active || ssrc !== this.#ssrc) {
			this.#active = true;
			this.#ssrc = ssrc;
			this.#initSequence(sequence);
			this.#maxSeq = (sequence - 1) & 0xffff;
			this.#probation = MIN_SEQUENTIAL;
			this.#lastTimestamp = -1;
			this.#jitter = 0;
		}
		if (!this.#updateSequence(sequence)) return false;
		this.#updateJitter(timestamp, nowMs);
		return true;
	}

	/** A.1 init_seq: this sequence number is the base of the count. */
	#initSequence(seq: number): void {
		this.#baseSeq = seq;
		this.#maxSeq = seq;
		this.#badSeq = SEQ_MOD + 1; // so seq == badSeq is false
		this.#cycles = 0;
		this.#received = 0;
		this.#receivedPrior = 0;
		this.#expectedPrior = 0;
	}

	/** A.1 update_seq. */
	#updateSequence(seq: number): boolean {
		const delta = (seq - this.#maxSeq) & 0xffff;
		if (this.#probation > 0) {
			// A.1: "packet is in sequence" — else probation starts again from this packet.
			if (seq === ((this.#maxSeq + 1) & 0xffff)) {
				this.#probation--;
				this.#maxSeq = seq;
				if (this.#probation === 0) {
					this.#initSequence(seq);
					this.#received++;
					return true;
				}
			} else {
				this.#probation = MIN_SEQUENTIAL - 1;
				this.#maxSeq = seq;
			}
			return false;
		}
		if (delta < MAX_DROPOUT) {
			// In order, with a permissible gap; a wrap of the 16-bit number counts a cycle.
			if (seq < this.#maxSeq) this.#cycles += SEQ_MOD;
			this.#maxSeq = seq;
		} else if (delta <= SEQ_MOD - MAX_MISORDER) {
			// A very large jump: two sequential packets after it mean the source restarted (A.1).
			if (seq === this.#badSeq) {
				this.#initSequence(seq);
			} else {
				this.#badSeq = (seq + 1) & 0xffff;
				return false;
			}
		}
		// else: a duplicate or a reordered packet — counted as received, max unchanged (A.1).
		this.#received++;
		return true;
	}

	/**
	 * A.8: J += (|D| − J) / 16 with D the change of transit time (arrival − timestamp), in timestamp units. Only
	 * the first packet of a sampling instant counts: RFC 4733 updates repeat one timestamp over a whole event.
	 */
	#updateJitter(timestamp: number, nowMs: number): void {
		if (timestamp === this.#lastTimestamp) return;
		const arrival = Math.floor((nowMs * this.clockRate) / 1000);
		const transit = (arrival - timestamp) | 0;
		if (this.#lastTimestamp >= 0) {
			let d = (transit - this.#transit) | 0;
			if (d < 0) d = -d;
			this.#jitter += (d - this.#jitter) / 16;
		}
		this.#transit = transit;
		this.#lastTimestamp = timestamp;
	}

	/**
	 * `ssrc` sent an SR, received at `nowMs`, whose NTP time has middle 32 bits `ntpMiddle32`: the LSR / DLSR of
	 * the next block, when that block is about `ssrc` (an SR may arrive before the first RTP packet).
	 */
	onSenderReport(ssrc: number, ntpMiddle32: number, nowMs: number): void {
		this.#lastSrSsrc = ssrc;
		this.#lastSrNtp = ntpMiddle32 >>> 0;
		this.#lastSrMs = nowMs;
	}

	/** True once the source passed probation (a report block is due for it). */
	get valid(): boolean {
		return this.#active && this.#probation === 0;
	}
	get ssrc(): number {
		return this.#ssrc;
	}
	/** Packets counted (A.1: duplicates included, packets on probation not). */
	get received(): number {
		return this.#received;
	}
	/** Extended highest sequence number: cycles · 2^16 + highest (A.3). */
	get extendedMax(): number {
		return this.#cycles + this.#maxSeq;
	}
	/** Packets expected: extended highest − base + 1 (A.3). */
	get expected(): number {
		return this.#cycles + this.#maxSeq - this.#baseSeq + 1;
	}
	/** Cumulative packets lost, expected − received (A.3; negative with duplicates). */
	get cumulativeLost(): number {
		return this.expected - this.#received;
	}
	/** Interarrival jitter estimate, timestamp units (A.8). */
	get jitter(): number {
		return this.#jitter;
	}
	/** Fraction lost (0–255, /256) of the interval closed by the last `writeBlock` (A.3). */
	get fractionLost(): number {
		return this.#fraction;
	}

	/**
	 * Close a reporting interval and write this source's report block at buf[at] (RFC 3550 §6.4.1, A.3): SSRC,
	 * fraction lost since the last block, cumulative lost (24-bit signed, clamped), extended highest sequence,
	 * jitter, LSR and DLSR (units of 1/65536 s since the SR arrived; both 0 before any SR). Returns at + 24.
	 */
	writeBlock(buf: Uint8Array, at: number, nowMs: number): number {
		const expected = this.expected;
		const expectedInterval = expected - this.#expectedPrior;
		this.#expectedPrior = expected;
		const receivedInterval = this.#received - this.#receivedPrior;
		this.#receivedPrior = this.#received;
		const lostInterval = expectedInterval - receivedInterval;
		this.#fraction = expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval);
		let lost = expected - this.#received;
		if (lost > 0x7fffff) lost = 0x7fffff;
		else if (lost < -0x800000) lost = -0x800000;
		this.#lost = lost;
		put32(buf, at, this.#ssrc);
		put32(buf, at + 4, ((this.#fraction << 24) | (lost & 0xffffff)) >>> 0);
		put32(buf, at + 8, this.extendedMax);
		put32(buf, at + 12, Math.floor(this.#jitter));
		const lsr = this.#lastSrSsrc === this.#ssrc ? this.#lastSrNtp : 0;
		put32(buf, at + 16, lsr);
		put32(buf, at + 20, lsr === 0 ? 0 : Math.floor((nowMs - this.#lastSrMs) * 65.536));
		return at + REPORT_BLOCK_BYTES;
	}

	/** Cumulative lost as written in the last block (clamped to 24 bits). */
	get reportedLost(): number {
		return this.#lost;
	}
}
