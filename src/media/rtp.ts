// RTP data packets: write, read in place, send and receive one stream — RFC 3550 §5, RFC 3551 §4.1, RFC 4961, RFC 6263.
import type { Random } from "../host.js";

/** RFC 3550 §5.1: the version this stack speaks. */
export const RTP_VERSION = 2;
/** Fixed header: V P X CC M PT, sequence number, timestamp, SSRC (RFC 3550 §5.1). */
export const RTP_HEADER_BYTES = 12;
/** Most bytes one datagram of ours may carry (header + 20 ms of G.711 + slack); receive buffers are the host's. */
export const RTP_MAX_PACKET_BYTES = 1500;

// What `readRtp` and `RtpReceiver.receive` answer: 0 or one of these.
/** A valid packet (accepted, for the receiver). */
export const RTP_OK = 0;
/** Shorter than the fixed header (RFC 3550 §5.1, A.1). */
export const RTP_TOO_SHORT = 1;
/** Version field is not 2 (RFC 3550 §5.1, A.1). */
export const RTP_BAD_VERSION = 2;
/** The CSRC list runs past the end of the packet (RFC 3550 §5.1). */
export const RTP_BAD_CSRC = 3;
/** The header extension runs past the end of the packet (RFC 3550 §5.3.1). */
export const RTP_BAD_EXTENSION = 4;
/** P set, but the padding count is 0 or larger than what follows the header (RFC 3550 §5.1, A.1). */
export const RTP_BAD_PADDING = 5;
/** Payload type 72–76: an RTCP packet (SR..APP) on the RTP port (RFC 5761 §4, RFC 3550 A.1). */
export const RTP_RTCP_TYPE = 6;
/** A payload type the session did not negotiate (RFC 3550 A.1: "payload type must be known"). */
export const RTP_WRONG_PT = 7;
/** From another SSRC while the locked source is alive (RFC 3550 §8.2 collisions / strays, see RtpReceiver). */
export const RTP_FOREIGN_SSRC = 8;
/**
 * Our own stream come back: our SSRC, or sent from our own address and port (RFC 3550 §8.2: "own traffic looped").
 * An SDP naming our own RTP port would otherwise keep a call alive on its own packets.
 */
export const RTP_OWN_STREAM = 9;
/** Number of reason codes (for per-reason counters). */
export const RTP_REASONS = 10;
/** Constant text of each reason code, for logs and tests. */
export const RTP_REASON_TEXT: readonly string[] = Object.freeze([
	"ok", "shorter than the RTP header", "version is not 2", "CSRC list past the end", "header extension past the end",
	"bad padding count", "payload type 72-76 (RTCP)", "payload type not negotiated", "foreign SSRC", "our own stream looped back",
]);

/** Read a big-endian 16-bit unsigned integer. */
export function get16(buf: Uint8Array, at: number): number {
	return (buf[at] << 8) | buf[at + 1];
}
/** Read a big-endian 32-bit unsigned integer (0 .. 2^32 − 1). */
export function get32(buf: Uint8Array, at: number): number {
	return ((buf[at] << 24) | (buf[at + 1] << 16) | (buf[at + 2] << 8) | buf[at + 3]) >>> 0;
}
/** Write the low 16 bits of `value`, big-endian. */
export function put16(buf: Uint8Array, at: number, value: number): void {
	buf[at] = value >>> 8;
	buf[at + 1] = value;
}
/** Write the low 32 bits of `value`, big-endian. */
export function put32(buf: Uint8Array, at: number, value: number): void {
	buf[at] = value >>> 24;
	buf[at + 1] = value >>> 16;
	buf[at + 2] = value >>> 8;
	buf[at + 3] = value;
}

/**
 * Write the fixed RTP header at buf[start]: V=2, no padding, no extension, no CSRC (RFC 3550 §5.1), for a payload of
 * `payloadLength` octets at buf[start + 12] (written there by the caller). Returns the packet's end offset, or -1 when
 * it does not fit.
 */
export function writeRtpHeader(
	buf: Uint8Array, start: number, marker: boolean, payloadType: number, sequence: number, timestamp: number, ssrc: number,
	payloadLength: number,
): number {
	const end = start + RTP_HEADER_BYTES + payloadLength;
	if (payloadLength < 0 || start < 0 || end > buf.length) return -1;
	// put16 / put32 written out: this runs for every packet sent.
	buf[start] = RTP_VERSION << 6;
	buf[start + 1] = (marker ? 0x80 : 0) | (payloadType & 0x7f);
	buf[start + 2] = sequence >>> 8;
	buf[start + 3] = sequence;
	buf[start + 4] = timestamp >>> 24;
	buf[start + 5] = timestamp >>> 16;
	buf[start + 6] = timestamp >>> 8;
	buf[start + 7] = timestamp;
	buf[start + 8] = ssrc >>> 24;
	buf[start + 9] = ssrc >>> 16;
	buf[start + 10] = ssrc >>> 8;
	buf[start + 11] = ssrc;
	return end;
}

/**
 * Write one RTP packet at buf[start]: V=2, no padding, no extension, no CSRC (RFC 3550 §5.1), then
 * payload[payloadStart, payloadEnd) copied in. Returns the packet's end offset, or -1 when it does not fit.
 */
export function writeRtp(
	buf: Uint8Array, start: number, marker: boolean, payloadType: number, sequence: number, timestamp: number, ssrc: number,
	payload: Uint8Array, payloadStart: number, payloadEnd: number,
): number {
	const n = payloadEnd - payloadStart;
	const end = writeRtpHeader(buf, start, marker, payloadType, sequence, timestamp, ssrc, n);
	if (end < 0) return -1;
	const at = start + RTP_HEADER_BYTES;
	if (payloadStart === 0 && n === payload.length) buf.set(payload, at); // a whole frame buffer: one native copy
	else for (let i = 0; i < n; i++) buf[at + i] = payload[payloadStart + i];
	return end;
}

/** A received packet's header fields and payload span, filled in place by `readRtp`; preallocated and reused. */
export class RtpView {
	marker = false;
	payloadType = 0;
	sequence = 0;
	timestamp = 0;
	ssrc = 0;
	/** Contributing sources listed (skipped, RFC 3550 §5.1). */
	csrcCount = 0;
	/** Profile-defined 16 bits of a header extension, or -1 when there is none (RFC 3550 §5.3.1). */
	extensionProfile = -1;
	/** Padding octets stripped from the end, including the count octet (RFC 3550 §5.1). */
	padding = 0;
	/** The payload is buf[payloadStart, payloadEnd). */
	payloadStart = 0;
	payloadEnd = 0;

	get payloadLength(): number {
		return this.payloadEnd - this.payloadStart;
	}
}

/**
 * Read the RTP packet buf[start, end) into `view` without copying (RFC 3550 §5.1, §5.3.1; the A.1 header checks).
 * Version must be 2; CSRCs and a header extension are skipped; padding is stripped after checking its count.
 * Returns RTP_OK, or the reason the packet is not valid RTP (the view is then partly filled).
 */
export function readRtp(buf: Uint8Array, start: number, end: number, view: RtpView): number {
	if (end - start < RTP_HEADER_BYTES) return RTP_TOO_SHORT;
	const b0 = buf[start], b1 = buf[start + 1];
	if (b0 >> 6 !== RTP_VERSION) return RTP_BAD_VERSION;
	const pt = b1 & 0x7f;
	if (pt >= 72 && pt <= 76) return RTP_RTCP_TYPE;
	view.marker = (b1 & 0x80) !== 0;
	view.payloadType = pt;
	// get16 / get32 written out: this runs for every packet received.
	view.sequence = (buf[start + 2] << 8) | buf[start + 3];
	view.timestamp = ((buf[start + 4] << 24) | (buf[start + 5] << 16) | (buf[start + 6] << 8) | buf[start + 7]) >>> 0;
	view.ssrc = ((buf[start + 8] << 24) | (buf[start + 9] << 16) | (buf[start + 10] << 8) | buf[start + 11]) >>> 0;
	const cc = b0 & 15;
	view.csrcCount = cc;
	let at = start + RTP_HEADER_BYTES + 4 * cc;
	if (at > end) return RTP_BAD_CSRC;
	view.extensionProfile = -1;
	if (b0 & 0x10) {
		// §5.3.1: 16 bits profile-defined, 16 bits length in 32-bit words not counting this 4-octet header.
		if (at + 4 > end) return RTP_BAD_EXTENSION;
		view.extensionProfile = get16(buf, at);
		at += 4 + 4 * get16(buf, at + 2);
		if (at > end) return RTP_BAD_EXTENSION;
	}
	let payloadEnd = end;
	view.padding = 0;
	if (b0 & 0x20) {
		// §5.1: "The last octet of the padding contains a count of how many padding octets should be ignored, including itself."
		const count = buf[end - 1];
		if (count === 0 || count > end - at) return RTP_BAD_PADDING;
		view.padding = count;
		payloadEnd -= count;
	}
	view.payloadStart = at;
	view.payloadEnd = payloadEnd;
	return RTP_OK;
}

export interface RtpSenderOptions {
	/** Initial sequence number, timestamp and SSRC come from here (RFC 3550 §5.1: "random"; §8.1). */
	readonly random: Random;
	/** Payload type of the audio (PCMU = 0, PCMA = 8, RFC 3551 Table 4). */
	readonly payloadType: number;
	/** Timestamp units per audio packet (default 160: 20 ms at 8 kHz, RFC 3551 §4.5.14). */
	readonly samplesPerPacket?: number;
	/** Timestamp units per second (default 8000, RFC 3551 Table 4). */
	readonly clockRate?: number;
	/**
	 * Longest time without a packet before `keepAliveDue` says so (default 15 000 ms; 0 = never). NATs may drop a
	 * UDP binding after 2 minutes or less (RFC 4787 REQ-5), so a muted stream still sends now and then (RFC 6263).
	 */
	readonly keepAliveMs?: number;
}

/**
 * Our one outgoing stream (RFC 3550 §5.1): sequence number +1 per packet, timestamp +samplesPerPacket per audio
 * frame whether sent or not, SSRC fixed, all three starting random. The marker is set on the first packet of a
 * talk spurt: the first packet, and the first after frames were skipped (RFC 3551 §4.1). Counts packets and
 * payload octets for the Sender Report (RFC 3550 §6.4.1). Writes into the caller's buffer; allocates nothing.
 */
export class RtpSender {
	readonly payloadType: number;
	readonly samplesPerPacket: number;
	readonly clockRate: number;
	readonly keepAliveMs: number;
	readonly #random: Random;
	readonly #bytes = new Uint8Array(10);
	#ssrc = 0;
	#sequence = 0;
	#timestamp = 0;
	#talkspurt = true;
	#packets = 0;
	#octets = 0;
	#lastSentMs = -Infinity;
	#lastTimestamp = 0;

	constructor(options: RtpSenderOptions) {
		this.payloadType = options.payloadType & 0x7f;
		this.samplesPerPacket = options.samplesPerPacket ?? 160;
		this.clockRate = options.clockRate ?? 8000;
		this.keepAliveMs = options.keepAliveMs ?? 15_000;
		this.#random = options.random;
		this.restart();
	}

	/** Start a fresh stream: new random SSRC, sequence number and timestamp, counters zero (RFC 3550 §8.2 after a collision). */
	restart(): void {
		const r = this.#bytes;
		this.#random.fill(r);
		this.#sequence = get16(r, 0);
		this.#timestamp = get32(r, 2);
		this.#ssrc = get32(r, 6);
		this.#talkspurt = true;
		this.#packets = this.#octets = 0;
		this.#lastSentMs = -Infinity;
		this.#lastTimestamp = this.#timestamp;
	}

	get ssrc(): number {
		return this.#ssrc;
	}
	/** Sequence number the next packet will carry. */
	get sequence(): number {
		return this.#sequence;
	}
	/** Timestamp the next audio frame will carry (the sampling instant of its first sample). */
	get timestamp(): number {
		return this.#timestamp;
	}
	/** Packets sent since the start (SR "sender's packet count", RFC 3550 §6.4.1). */
	get packets(): number {
		return this.#packets;
	}
	/** Payload octets sent since the start, headers and padding excluded (SR "sender's octet count"). */
	get octets(): number {
		return this.#octets;
	}
	/** `nowMs` of the last packet sent; -Infinity before the first. */
	get lastSentMs(): number {
		return this.#lastSentMs;
	}

	/**
	 * Write the next audio packet (payload = one frame) at buf[start] and advance sequence and timestamp. The
	 * marker is set when this packet starts a talk spurt. Returns the end offset, or -1 when the buffer is too
	 * small (nothing advances then).
	 */
	writeAudio(buf: Uint8Array, start: number, payload: Uint8Array, payloadStart: number, payloadEnd: number, nowMs: number): number {
		const end = this.writePacket(buf, start, this.#talkspurt, this.payloadType, this.#timestamp, payload, payloadStart, payloadEnd, nowMs);
		if (end < 0) return -1;
		this.#talkspurt = false;
		this.#timestamp = (this.#timestamp + this.samplesPerPacket) >>> 0;
		return end;
	}

	/**
	 * Write a packet of another payload type on this stream (an RFC 4733 event, RFC 3389 comfort noise) with the
	 * caller's marker and timestamp: it takes the next sequence number; the audio timestamp does not move.
	 */
	writePacket(
		buf: Uint8Array, start: number, marker: boolean, payloadType: number, timestamp: number,
		payload: Uint8Array, payloadStart: number, payloadEnd: number, nowMs: number,
	): number {
		const end = writeRtp(buf, start, marker, payloadType, this.#sequence, timestamp, this.#ssrc, payload, payloadStart, payloadEnd);
		if (end < 0) return -1;
		this.#sent(payloadEnd - payloadStart, timestamp, nowMs);
		return end;
	}

	/**
	 * As writePacket, for a payload of `payloadLength` octets the caller has already put at buf[start + 12] (a frame
	 * encoded in place): only the header is written. Returns the end offset, or -1 when it does not fit.
	 */
	writeHeader(buf: Uint8Array, start: number, marker: boolean, payloadType: number, timestamp: number, payloadLength: number, nowMs: number): number {
		const end = writeRtpHeader(buf, start, marker, payloadType, this.#sequence, timestamp, this.#ssrc, payloadLength);
		if (end < 0) return -1;
		this.#sent(payloadLength, timestamp, nowMs);
		return end;
	}

	/** A packet went out: the next sequence number, and the counts of the Sender Report (RFC 3550 §6.4.1). */
	#sent(octets: number, timestamp: number, nowMs: number): void {
		this.#sequence = (this.#sequence + 1) & 0xffff;
		this.#packets++;
		this.#octets += octets;
		this.#lastSentMs = nowMs;
		this.#lastTimestamp = timestamp;
	}

	/**
	 * A frame's time passed without an audio packet (muted, silence suppressed, or an RFC 4733 event playing): the
	 * timestamp advances as the sampling clock does, and the next audio packet starts a talk spurt (RFC 3551 §4.1).
	 */
	skip(samples = this.samplesPerPacket): void {
		this.#timestamp = (this.#timestamp + samples) >>> 0;
		this.#talkspurt = true;
	}

	/**
	 * True when nothing was sent for `keepAliveMs` (or nothing yet): send a packet now to keep the NAT binding and
	 * the peer's RTP timeout alive — a silence frame or comfort noise (RFC 6263 §4.6, §4.1). False when disabled.
	 */
	keepAliveDue(nowMs: number): boolean {
		return this.keepAliveMs > 0 && nowMs - this.#lastSentMs >= this.keepAliveMs;
	}

	/** The RTP timestamp corresponding to `nowMs`, extrapolated from the last packet sent (SR, RFC 3550 §6.4.1). */
	timestampAt(nowMs: number): number {
		if (this.#lastSentMs === -Infinity) return this.#timestamp;
		return (this.#lastTimestamp + Math.floor(((nowMs - this.#lastSentMs) * this.clockRate) / 1000)) >>> 0;
	}
}

export interface RtpReceiverOptions {
	/** Payload types the session negotiated (audio, telephone-event, comfort noise); others are dropped. */
	readonly payloadTypes: readonly number[];
	/**
	 * After the locked SSRC has been silent this long, a packet from another SSRC takes the lock over (default
	 * 1000 ms). Until then other SSRCs are dropped — a second forked early-media stream, a stray old stream.
	 */
	readonly relockMs?: number;
	/** Send to where the peer's packets really come from (symmetric RTP, RFC 4961; latching, RFC 7362). Default true. */
	readonly symmetric?: boolean;
	/** `timedOut` is true after this long without an accepted packet (default 30 000 ms; 0 = never). */
	readonly timeoutMs?: number;
}

/**
 * Filters the datagrams of the RTP port down to one stream (RFC 3550 §5.1, A.1 checks): not RTP, payload types
 * not negotiated, and foreign SSRCs are dropped and counted per reason. The first accepted packet locks the SSRC;
 * another SSRC takes over only after the locked one was silent for `relockMs`, or after `unlock()` (a re-INVITE).
 * With symmetric RTP the address and port of the last accepted packet become the send target (RFC 4961 §3).
 * Time comes from the caller (`nowMs`): no timers here.
 */
export class RtpReceiver {
	/** The last packet read; after an accepted packet, its header and payload span (valid during the call). */
	readonly view = new RtpView();
	readonly relockMs: number;
	readonly symmetric: boolean;
	readonly timeoutMs: number;
	readonly #accept = new Uint8Array(128);
	readonly #dropped = new Uint32Array(RTP_REASONS);
	#locked = false;
	#ssrc = 0;
	#accepted = 0;
	#octets = 0;
	#relocks = 0;
	#sinceMs = 0;
	#lastMs = -Infinity;
	#address = "";
	#port = 0;
	#latched = false;
	#sourceChanges = 0;
	/** Our own stream (see ownStream): its SSRC (-1: none), and where our packets come from (port -1: unknown). */
	#ownSsrc = -1;
	#ownAddress = "";
	#ownPort = -1;

	constructor(options: RtpReceiverOptions) {
		for (let i = 0; i < options.payloadTypes.length; i++) this.#accept[options.payloadTypes[i] & 0x7f] = 1;
		this.relockMs = options.relockMs ?? 1000;
		this.symmetric = options.symmetric ?? true;
		this.timeoutMs = options.timeoutMs ?? 30_000;
	}

	/** Begin (or begin again) at `nowMs`: unlocked, the timeout counted from now; the send target from SDP. */
	start(nowMs: number, remoteAddress = "", remotePort = 0): void {
		this.#locked = this.#latched = false;
		this.#sinceMs = nowMs;
		this.#lastMs = -Infinity;
		this.#address = remoteAddress;
		this.#port = remotePort;
	}

	/**
	 * Our own stream: packets carrying `ssrc`, or coming from `address`:`port` (our RTP socket as peers see it; port -1:
	 * not known), are our own looped back (RFC 3550 §8.2), not media: dropped as RTP_OWN_STREAM, they neither lock,
	 * latch nor count as received (the timeout runs on).
	 */
	ownStream(ssrc: number, address: string, port: number): void {
		this.#ownSsrc = ssrc;
		this.#ownAddress = address;
		this.#ownPort = port;
	}

	/** Forget the locked SSRC: the next accepted packet locks again (new SDP, a transfer, a re-INVITE). */
	unlock(): void {
		this.#locked = false;
	}

	/** Accept (or stop accepting) payload type `pt` (a re-negotiation). Configuration time. */
	acceptPayloadType(pt: number, on: boolean): void {
		this.#accept[pt & 0x7f] = on ? 1 : 0;
	}

	/**
	 * One datagram from address:port on the RTP port. Returns RTP_OK with `view` filled, or the reason it was
	 * dropped (counted in `dropped(reason)`). Allocates nothing.
	 */
	receive(buf: Uint8Array, start: number, end: number, address: string, port: number, nowMs: number): number {
		const view = this.view;
		let reason = readRtp(buf, start, end, view);
		if (reason === RTP_OK && (view.ssrc === this.#ownSsrc || (port === this.#ownPort && address === this.#ownAddress))) reason = RTP_OWN_STREAM;
		if (reason === RTP_OK && this.#accept[view.payloadType] === 0) reason = RTP_WRONG_PT;
		if (reason === RTP_OK && this.#locked && view.ssrc !== this.#ssrc) {
			if (nowMs - this.#lastMs >= this.relockMs) this.#relocks++;
			else reason = RTP_FOREIGN_SSRC;
		}
		if (reason !== RTP_OK) {
			this.#dropped[reason]++;
			return reason;
		}
		this.#locked = true;
		this.#ssrc = view.ssrc;
		this.#accepted++;
		this.#octets += view.payloadEnd - view.payloadStart;
		this.#lastMs = nowMs;
		if (this.symmetric && (!this.#latched || address !== this.#address || port !== this.#port)) {
			// RFC 4961 §3: send to the address and port the peer's packets come from.
			if (this.#latched) this.#sourceChanges++;
			this.#latched = true;
			this.#address = address;
			this.#port = port;
		}
		return RTP_OK;
	}

	/** Packets dropped for `reason` since construction. */
	dropped(reason: number): number {
		return this.#dropped[reason];
	}
	/** Packets accepted since construction. */
	get accepted(): number {
		return this.#accepted;
	}
	/** Payload octets accepted since construction. */
	get octets(): number {
		return this.#octets;
	}
	/** True once a packet was accepted since `start()` / `unlock()`. */
	get locked(): boolean {
		return this.#locked;
	}
	/** SSRC of the locked source (meaningful while `locked`). */
	get ssrc(): number {
		return this.#ssrc;
	}
	/** Times another SSRC took the lock over after the locked one fell silent. */
	get relocks(): number {
		return this.#relocks;
	}
	/** Where to send our stream: the SDP target, replaced by the peer's real source once latched. */
	get remoteAddress(): string {
		return this.#address;
	}
	get remotePort(): number {
		return this.#port;
	}
	/** True once symmetric RTP has learned the peer's real source. */
	get latched(): boolean {
		return this.#latched;
	}
	/** Times the peer's source address or port changed after it was first learned (NAT rebinding, a new media server). */
	get sourceChanges(): number {
		return this.#sourceChanges;
	}

	/** Milliseconds since the last accepted packet (or since `start()` when none came yet). */
	silentMs(nowMs: number): number {
		return nowMs - (this.#lastMs > this.#sinceMs ? this.#lastMs : this.#sinceMs);
	}

	/**
	 * True when no packet was accepted for `timeoutMs`: the peer is gone (or on hold — the application knows from
	 * the SDP direction whether to act). Never true when `timeoutMs` is 0.
	 */
	timedOut(nowMs: number): boolean {
		return this.timeoutMs > 0 && this.silentMs(nowMs) >= this.timeoutMs;
	}
}
