// RTCP for one unicast stream: compound SR/RR + SDES CNAME, BYE, the peer's reports, the report interval —
// RFC 3550 §6.1–§6.6, A.2, A.7; RFC 3551 §2.
import type { Random } from "../host.js";
import { get16, get32, put16, put32, type RtpSender } from "./rtp.js";
import { ntpFraction, ntpMiddle, ntpSeconds, REPORT_BLOCK_BYTES, type ReceptionStats } from "./rtcp-stats.js";

/** Packet types (RFC 3550 §12.1). */
export const RTCP_SR = 200, RTCP_RR = 201, RTCP_SDES = 202, RTCP_BYE = 203, RTCP_APP = 204;
/** SDES item types (RFC 3550 §6.5): only CNAME is sent. */
export const SDES_END = 0, SDES_CNAME = 1;
/** §6.2: the minimum report interval, and half of it before the first report. */
export const RTCP_MIN_INTERVAL_MS = 5000;
/** §6.3.1: "divided by e − 3/2 = 1.21828 to compensate" (for timer reconsideration's bias). */
export const RTCP_COMPENSATION = Math.E - 1.5;
/** IPv4 + UDP headers, counted in the average RTCP packet size (§6.2). */
const LOWER_LAYER_BYTES = 28;
/** §6.2: RTCP gets 5 % of the session bandwidth. */
const RTCP_BANDWIDTH_FRACTION = 0.05;
const MAX_CNAME = 255;

// What `RtcpSession.receive` answers: 0 or one of these (the A.2 validity checks).
/** The compound passed the A.2 checks and was read. */
export const RTCP_OK = 0;
/** Shorter than one 4-octet header, or a packet's length field runs past the end (§6.4.1, A.2). */
export const RTCP_BAD_LENGTH = 1;
/** A packet's version is not 2 (A.2). */
export const RTCP_BAD_VERSION = 2;
/** The compound does not begin with an SR or RR (§6.1, A.2). */
export const RTCP_NOT_REPORT_FIRST = 3;
/** Padding on any but the last packet, or a bad padding count (§6.4.1, A.2). */
export const RTCP_BAD_PADDING = 4;
/** A packet's count field asks for more than its length holds (report blocks, SDES chunks, BYE SSRCs). */
export const RTCP_BAD_COUNT = 5;
/** Our own reports come back: the first report's SSRC is ours, or it came from our own RTCP address (§8.2 "own traffic looped"). */
export const RTCP_OWN_STREAM = 6;
/** Number of reason codes (for per-reason counters). */
export const RTCP_REASONS = 7;

export interface RtcpSessionOptions {
	readonly random: Random;
	/** Our CNAME (RFC 3550 §6.5.1, RFC 7022), ASCII, at most 255 bytes; copied at construction. */
	readonly cname: Uint8Array;
	/** Our RTP stream: its SSRC and counts go into SR and SDES. */
	readonly sender: RtpSender;
	/** The peer's stream as we receive it: the report block of SR / RR. */
	readonly stats: ReceptionStats;
	/** Session bandwidth in bit/s (default 64 000: G.711, RFC 3551 §4.5.14); RTCP gets 5 % of it (§6.2). */
	readonly sessionBandwidth?: number;
	/** Tmin of §6.2 (default 5000 ms). */
	readonly minIntervalMs?: number;
}

/**
 * RTCP of one two-party session (RFC 3550 §6). Every method takes `nowMs` on one NTP-like clock that the caller
 * keeps: wall-clock ms since 1900 where known, otherwise any monotonic ms (§6.4.1 allows it; only our own LSR
 * comes back, so round-trip times come out right either way). No timers: the caller asks `due(nowMs)` (or
 * schedules `nextReportMs`) and then writes a report. Writing and parsing allocate nothing.
 */
export class RtcpSession {
	readonly minIntervalMs: number;
	readonly #random: Random;
	readonly #rand = new Uint8Array(4);
	readonly #cname: Uint8Array;
	readonly #sender: RtpSender;
	readonly #stats: ReceptionStats;
	/** RTCP bandwidth, octets per second. */
	readonly #rtcpBandwidth: number;
	#avgSize = 0;
	#initial = true;
	#nextMs = 0;
	#packetsAtLast = 0;
	#packetsBefore = 0;
	#reportsSent = 0;
	// The peer, from its reports.
	readonly #dropped = new Uint32Array(RTCP_REASONS);
	readonly #peerCname = new Uint8Array(MAX_CNAME);
	#peerCnameLength = 0;
	#peerSsrc = 0;
	#peerReports = 0;
	#peerPackets = 0;
	#peerOctets = 0;
	#peerSending = false;
	#fractionLost = 0;
	#cumulativeLost = 0;
	#extendedMax = 0;
	#jitter = 0;
	#rttMs = -1;
	#lastPeerReportMs = -Infinity;
	#bye = false;

	constructor(options: RtcpSessionOptions) {
		if (options.cname.length > MAX_CNAME) throw new RangeError("CNAME longer than 255 octets (RFC 3550 §6.5)");
		this.#random = options.random;
		this.#cname = options.cname.slice();
		this.#sender = options.sender;
		this.#stats = options.stats;
		this.#rtcpBandwidth = ((options.sessionBandwidth ?? 64_000) * RTCP_BANDWIDTH_FRACTION) / 8;
		this.minIntervalMs = options.minIntervalMs ?? RTCP_MIN_INTERVAL_MS;
		this.#avgSize = this.#reportBytes(true) + LOWER_LAYER_BYTES; // §6.3.2: "the probable size of the first RTCP packet"
	}

	/** Begin at `nowMs`: the first report is due after the initial interval (§6.2: Tmin halved). */
	start(nowMs: number): void {
		this.#initial = true;
		this.#bye = false;
		this.#nextMs = nowMs + this.interval();
	}

	/** When the next report is due, on the caller's clock. */
	get nextReportMs(): number {
		return this.#nextMs;
	}
	/** True when a report is due. */
	due(nowMs: number): boolean {
		return nowMs >= this.#nextMs;
	}

	/**
	 * A randomized report interval in ms (§6.3.1, A.7): Td = max(Tmin, n · C) with n and C from the members,
	 * senders and average RTCP size; T = Td · U[0.5, 1.5] / (e − 3/2). Tmin is halved before the first report.
	 */
	interval(): number {
		const weSent = this.#weSent();
		const members = this.#stats.valid || this.#peerReports > 0 ? 2 : 1;
		const senders = (weSent ? 1 : 0) + (this.#peerSending || this.#stats.valid ? 1 : 0);
		let c: number, n: number;
		if (senders > 0 && senders <= members * 0.25) {
			c = weSent ? this.#avgSize / (0.25 * this.#rtcpBandwidth) : this.#avgSize / (0.75 * this.#rtcpBandwidth);
			n = weSent ? senders : members - senders;
		} else {
			c = this.#avgSize / this.#rtcpBandwidth;
			n = members;
		}
		const tMin = this.#initial ? this.minIntervalMs / 2 : this.minIntervalMs;
		const nc = n * c * 1000;
		const td = nc > tMin ? nc : tMin;
		this.#random.fill(this.#rand);
		return (td * (0.5 + get32(this.#rand, 0) / 4294967296)) / RTCP_COMPENSATION;
	}

	/** §6.4: an SR when we sent RTP since the report before last, else an RR. */
	#weSent(): boolean {
		return this.#sender.packets > this.#packetsBefore;
	}

	/** Octets of SR/RR + SDES CNAME as they would be written now. */
	#reportBytes(sr: boolean): number {
		const block = this.#stats.valid ? REPORT_BLOCK_BYTES : 0;
		return (sr ? 28 : 8) + block + this.#sdesBytes();
	}
	#sdesBytes(): number {
		// header, SSRC, CNAME item (type, length, text), at least one null octet, padded to 32 bits.
		return 8 + (((2 + this.#cname.length + 1 + 3) >> 2) << 2);
	}

	/**
	 * Write a compound report at buf[start] (§6.1): SR if we sent (§6.4.1) or RR (§6.4.2), with a report block
	 * on the peer's stream once it is valid, then SDES with our CNAME (§6.5.1). Schedules the next report.
	 * Returns the end offset, or -1 when the buffer is too small (nothing changes then).
	 */
	writeReport(buf: Uint8Array, start: number, nowMs: number): number {
		const end = this.#writeCompound(buf, start, nowMs, 0);
		if (end >= 0) this.#sent(end - start, nowMs);
		return end;
	}

	/**
	 * Write the compound that ends our stream (§6.6): the report, SDES CNAME, and BYE with our SSRC and an optional
	 * reason text. A two-party session may send it at once (§6.3.7: fewer than 50 members). Returns the end or -1.
	 */
	writeBye(buf: Uint8Array, start: number, nowMs: number, reason: Uint8Array | null = null): number {
		const reasonLength = reason === null ? 0 : reason.length > 255 ? 255 : reason.length;
		const byeBytes = 8 + (reason === null ? 0 : ((1 + reasonLength + 3) >> 2) << 2);
		let at = this.#writeCompound(buf, start, nowMs, byeBytes);
		if (at < 0) return -1;
		buf[at] = 0x80 | 1;
		buf[at + 1] = RTCP_BYE;
		put16(buf, at + 2, (byeBytes >> 2) - 1);
		put32(buf, at + 4, this.#sender.ssrc);
		const end = at + byeBytes;
		at += 8;
		if (reason !== null) {
			buf[at++] = reasonLength;
			for (let i = 0; i < reasonLength; i++) buf[at++] = reason[i];
			while (at < end) buf[at++] = 0;
		}
		this.#sent(end - start, nowMs);
		return end;
	}

	#sent(bytes: number, nowMs: number): void {
		this.#packetsBefore = this.#packetsAtLast;
		this.#packetsAtLast = this.#sender.packets;
		this.#reportsSent++;
		this.#avgSize += (bytes + LOWER_LAYER_BYTES - this.#avgSize) / 16; // §6.3.6
		this.#initial = false;
		this.#nextMs = nowMs + this.interval();
	}

	/** SR/RR + SDES at buf[start], leaving `extra` octets of room after it; returns the end or -1. */
	#writeCompound(buf: Uint8Array, start: number, nowMs: number, extra: number): number {
		const sr = this.#weSent();
		const stats = this.#stats;
		const blocks = stats.valid ? 1 : 0;
		const reportBytes = (sr ? 28 : 8) + blocks * REPORT_BLOCK_BYTES;
		const sdesBytes = this.#sdesBytes();
		if (start < 0 || start + reportBytes + sdesBytes + extra > buf.length) return -1;
		const sender = this.#sender;
		let at = start;
		buf[at] = 0x80 | blocks;
		buf[at + 1] = sr ? RTCP_SR : RTCP_RR;
		put16(buf, at + 2, (reportBytes >> 2) - 1);
		put32(buf, at + 4, sender.ssrc);
		at += 8;
		if (sr) {
			// §6.4.1 sender info: NTP timestamp, the RTP timestamp of the same instant, packet and octet counts.
			put32(buf, at, ntpSeconds(nowMs));
			put32(buf, at + 4, ntpFraction(nowMs));
			put32(buf, at + 8, sender.timestampAt(nowMs));
			put32(buf, at + 12, sender.packets);
			put32(buf, at + 16, sender.octets);
			at += 20;
		}
		if (blocks > 0) at = stats.writeBlock(buf, at, nowMs);
		// §6.5: SDES, one chunk: our SSRC, CNAME, then null octets up to the next 32-bit boundary.
		const end = at + sdesBytes;
		buf[at] = 0x80 | 1;
		buf[at + 1] = RTCP_SDES;
		put16(buf, at + 2, (sdesBytes >> 2) - 1);
		put32(buf, at + 4, sender.ssrc);
		at += 8;
		const cname = this.#cname;
		buf[at++] = SDES_CNAME;
		buf[at++] = cname.length;
		for (let i = 0; i < cname.length; i++) buf[at++] = cname[i];
		while (at < end) buf[at++] = SDES_END;
		return end;
	}

	/**
	 * One compound RTCP packet from the peer, received at `nowMs`. Checks it as A.2 says (version 2, SR or RR
	 * first, padding only on the last packet, lengths adding up) before reading anything, then records: from an
	 * SR its NTP time (our next LSR/DLSR) and counts; from a report block about our SSRC the peer's view of our
	 * stream and the round-trip time (§6.4.1: A − LSR − DLSR); the CNAME; a BYE. Returns RTCP_OK or the reason
	 * the packet was dropped (counted in `dropped`). Our own reports come back (`fromUs`: the caller saw it come from
	 * our own RTCP address and port; or the first report's SSRC is ours) are dropped as RTCP_OWN_STREAM (§8.2).
	 */
	receive(buf: Uint8Array, start: number, end: number, nowMs: number, fromUs = false): number {
		let reason = validate(buf, start, end);
		if (reason === RTCP_OK && (fromUs || get32(buf, start + 4) === this.#sender.ssrc)) reason = RTCP_OWN_STREAM;
		if (reason !== RTCP_OK) {
			this.#dropped[reason]++;
			return reason;
		}
		this.#avgSize += (end - start + LOWER_LAYER_BYTES - this.#avgSize) / 16; // §6.3.3
		let reporter = -1;
		for (let at = start; at < end;) {
			const count = buf[at] & 31, pt = buf[at + 1];
			const next = at + 4 * (get16(buf, at + 2) + 1);
			if (pt === RTCP_SR || pt === RTCP_RR) {
				reporter = get32(buf, at + 4);
				this.#peerSsrc = reporter;
				this.#peerReports++;
				this.#lastPeerReportMs = nowMs;
				let block = at + 8;
				if (pt === RTCP_SR) {
					this.#peerSending = true;
					this.#stats.onSenderReport(reporter, ((get16(buf, at + 10) << 16) | get16(buf, at + 12)) >>> 0, nowMs);
					this.#peerPackets = get32(buf, at + 20);
					this.#peerOctets = get32(buf, at + 24);
					block += 20;
				}
				for (let k = 0; k < count; k++, block += REPORT_BLOCK_BYTES) {
					if (get32(buf, block) === this.#sender.ssrc) this.#onBlock(buf, block, nowMs);
				}
			} else if (pt === RTCP_SDES) {
				this.#readSdes(buf, at, next, count, reporter);
			} else if (pt === RTCP_BYE) {
				if (count > 0) this.#bye = true; // §6.6: the peer's sources leave
			}
			at = next;
		}
		return RTCP_OK;
	}

	/** A report block about our stream: the peer's loss, jitter, and our round trip (§6.4.1). */
	#onBlock(buf: Uint8Array, at: number, nowMs: number): void {
		this.#fractionLost = buf[at + 4];
		const lost = ((buf[at + 5] << 16) | (buf[at + 6] << 8) | buf[at + 7]);
		this.#cumulativeLost = lost & 0x800000 ? lost - 0x1000000 : lost;
		this.#extendedMax = get32(buf, at + 8);
		this.#jitter = get32(buf, at + 12);
		const lsr = get32(buf, at + 16), dlsr = get32(buf, at + 20);
		if (lsr !== 0) {
			// §6.4.1: round trip = A − LSR − DLSR, all in 1/65536 s (mod 2^32); negative means clocks disagree.
			const rtt = (ntpMiddle(nowMs) - lsr - dlsr) | 0;
			if (rtt >= 0) this.#rttMs = (rtt * 1000) / 65536;
		}
	}

	/** Keep the CNAME of the chunk for `reporter` (the compound's SR/RR sender). */
	#readSdes(buf: Uint8Array, at: number, next: number, count: number, reporter: number): void {
		let p = at + 4;
		for (let c = 0; c < count && p + 4 <= next; c++) {
			const ssrc = get32(buf, p);
			p += 4;
			while (p < next && buf[p] !== SDES_END) {
				const type = buf[p], length = p + 1 < next ? buf[p + 1] : 0;
				if (p + 2 + length > next) return;
				if (type === SDES_CNAME && ssrc === reporter) {
					for (let i = 0; i < length; i++) this.#peerCname[i] = buf[p + 2 + i];
					this.#peerCnameLength = length;
				}
				p += 2 + length;
			}
			p = start4(at, p + 1); // the null item, then padding to the next 32-bit boundary
		}
	}

	/** Compound packets dropped for `reason`. */
	dropped(reason: number): number {
		return this.#dropped[reason];
	}
	/** Reports (SR or RR) we wrote, BYE compounds included. */
	get reportsSent(): number {
		return this.#reportsSent;
	}
	/** SSRC of the peer's last SR / RR. */
	get peerSsrc(): number {
		return this.#peerSsrc;
	}
	/** SR / RR packets received from the peer. */
	get peerReports(): number {
		return this.#peerReports;
	}
	/** `nowMs` of the peer's last report; -Infinity before any. An RTCP-based liveness check may use it. */
	get lastPeerReportMs(): number {
		return this.#lastPeerReportMs;
	}
	/** Packet and octet counts of the peer's last SR. */
	get peerPackets(): number {
		return this.#peerPackets;
	}
	get peerOctets(): number {
		return this.#peerOctets;
	}
	/** The peer's CNAME bytes are peerCname[0, peerCnameLength). */
	get peerCname(): Uint8Array {
		return this.#peerCname;
	}
	get peerCnameLength(): number {
		return this.#peerCnameLength;
	}
	/** The peer's view of our stream (its last report block about our SSRC): fraction lost, 0–255 (/256). */
	get fractionLost(): number {
		return this.#fractionLost;
	}
	/** Cumulative packets of ours the peer lost (24-bit signed). */
	get cumulativeLost(): number {
		return this.#cumulativeLost;
	}
	/** Extended highest sequence number of ours the peer received. */
	get extendedMax(): number {
		return this.#extendedMax;
	}
	/** Interarrival jitter the peer sees on our stream, timestamp units. */
	get jitter(): number {
		return this.#jitter;
	}
	/** Last round-trip time in ms (§6.4.1), or -1 before one could be computed. */
	get rttMs(): number {
		return this.#rttMs;
	}
	/** True once the peer sent BYE (§6.6): the application may end the call's media. */
	get byeReceived(): boolean {
		return this.#bye;
	}
}

/** Offset of the first 32-bit boundary at or after `p`, counted from `base`. */
function start4(base: number, p: number): number {
	return base + (((p - base + 3) >> 2) << 2);
}

/** A.2 checks of a compound packet, before anything in it is believed. */
function validate(buf: Uint8Array, start: number, end: number): number {
	if (end - start < 4) return RTCP_BAD_LENGTH;
	const first = buf[start + 1];
	if (first !== RTCP_SR && first !== RTCP_RR) return (buf[start] >> 6) !== 2 ? RTCP_BAD_VERSION : RTCP_NOT_REPORT_FIRST;
	for (let at = start; at < end;) {
		if (end - at < 4) return RTCP_BAD_LENGTH;
		const b0 = buf[at];
		if (b0 >> 6 !== 2) return RTCP_BAD_VERSION;
		const next = at + 4 * (get16(buf, at + 2) + 1);
		if (next > end) return RTCP_BAD_LENGTH;
		let contentEnd = next;
		if (b0 & 0x20) {
			// §6.4.1: padding only on the last packet; its last octet counts the padding, itself included.
			const pad = buf[next - 1];
			if (next !== end || pad === 0 || pad > next - at - 4) return RTCP_BAD_PADDING;
			contentEnd -= pad;
		}
		const count = b0 & 31, pt = buf[at + 1];
		const need = pt === RTCP_SR ? 28 + count * REPORT_BLOCK_BYTES
			: pt === RTCP_RR ? 8 + count * REPORT_BLOCK_BYTES
			: pt === RTCP_SDES ? 4 + count * 8
			: pt === RTCP_BYE ? 4 + count * 4
			: 4;
		if (at + need > contentEnd) return RTCP_BAD_COUNT;
		at = next;
	}
	return RTCP_OK;
}
