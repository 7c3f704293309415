// SDP offer/answer for a G.711 door station: our offer, our answer to an offer, the answer to ours — RFC 3264 §5–§8, RFC 4566, RFC 4733 §7.
import { ascii, Span, spansEqual, text } from "./bytes.js";
import type { Writer } from "./writer.js";
import {
	ADDR_IP4, ADDR_IP6, DIR_INACTIVE, DIR_RECV, DIR_SEND, DIR_SENDRECV, ENC_PCMA, ENC_PCMU, MAX_MEDIA, MEDIA_AUDIO, PROTO_RTP_AVP,
	type SdpView,
} from "./sdp.js";

/** Longest connection address kept (c= may carry a host name, RFC 4566 §5.7). */
export const MAX_ADDRESS_BYTES = 255;
/** Room for the last description sent, compared to decide whether the o= version moves (RFC 3264 §8). */
const LAST_SDP_BYTES = 1024;
const NOTHING_SENT = -1, TOO_LONG = -2;

const HEAD = ascii("v=0\r\no=- "), IN_IP4 = ascii(" IN IP4 "), IN_IP6 = ascii(" IN IP6 "), S_LINE = ascii("s=-\r\n"),
	C_IP4 = ascii("c=IN IP4 "), C_IP6 = ascii("c=IN IP6 "), T_LINE = ascii("t=0 0\r\n"), M_AUDIO = ascii("m=audio "),
	M_ = ascii("m="), RTP_AVP = ascii(" RTP/AVP"), PORT_ZERO = ascii(" 0 "), RTPMAP = ascii("a=rtpmap:"), FMTP = ascii("a=fmtp:"),
	PCMU_8000 = ascii(" PCMU/8000"), PCMA_8000 = ascii(" PCMA/8000"), TE_8000 = ascii(" telephone-event/8000"),
	// RFC 4733 §3.2: the events we receive are the DTMF digits 0-9 * # A-D (0-15) and flash (16).
	EVENTS = ascii(" 0-16"), PTIME = ascii("a=ptime:");
/** a=<direction> by DIR_* value. */
const DIRECTION_LINES: readonly Uint8Array[] = Object.freeze([ascii("a=inactive"), ascii("a=sendonly"), ascii("a=recvonly"), ascii("a=sendrecv")]);

export interface LocalMediaOptions {
	/** Our RTP address (IPv4 dotted quad, or IPv6: a ':' makes it IP6). */
	address: string;
	rtpPort: number;
	/** ENC_PCMU / ENC_PCMA in our order of preference (default [PCMU, PCMA]); they are offered on their static PTs 0 and 8. */
	codecs?: readonly number[];
	/** Payload type of telephone-event we offer (default 101); -1 to offer and accept none. */
	telephoneEventPt?: number;
	/** Packet time we want to receive, ms (default 20). */
	ptime?: number;
	/** DIR_* we want (default sendrecv). */
	direction?: number;
	/** o= sess-id (RFC 4566 §5.2: an NTP timestamp or any unique number). */
	sessionId?: number;
	/** o= sess-version of the first description of the session (default: the session id, as RFC 4566 §5.2 suggests). */
	sessionVersion?: number;
}

/**
 * What we put into our descriptions. The o= version is managed here: each description written is compared with
 * the last one sent in the session, and the version moves up by one only when it differs (RFC 3264 §8). Fields may
 * be changed between descriptions (port, direction on hold); `setAddress` and `newSession` allocate (configuration).
 */
export class LocalMedia {
	address = "";
	addressBytes: Uint8Array = new Uint8Array(0);
	/** ADDR_IP4 or ADDR_IP6. */
	addressType = ADDR_IP4;
	rtpPort: number;
	/** ENC_PCMU / ENC_PCMA, preferred first. */
	readonly codecs: Uint8Array;
	telephoneEventPt: number;
	ptime: number;
	direction: number;
	sessionId: number;
	sessionVersion: number;
	readonly #last = new Uint8Array(LAST_SDP_BYTES);
	#lastLength = NOTHING_SENT;

	constructor(options: LocalMediaOptions) {
		const codecs = options.codecs ?? [ENC_PCMU, ENC_PCMA];
		this.codecs = new Uint8Array(codecs.length);
		for (let i = 0; i < codecs.length; i++) {
			if (codecs[i] !== ENC_PCMU && codecs[i] !== ENC_PCMA) throw new RangeError(`codecs[${i}] = ${codecs[i]}: only PCMU (0) and PCMA (8)`);
			this.codecs[i] = codecs[i];
		}
		this.setAddress(options.address);
		this.rtpPort = options.rtpPort;
		this.telephoneEventPt = options.telephoneEventPt ?? 101;
		this.ptime = options.ptime ?? 20;
		this.direction = options.direction ?? DIR_SENDRECV;
		this.sessionId = options.sessionId ?? 0;
		this.sessionVersion = options.sessionVersion ?? this.sessionId;
	}

	/** A new RTP address (interface change). Allocates. */
	setAddress(address: string): void {
		this.address = address;
		this.addressBytes = ascii(address);
		this.addressType = address.indexOf(":") >= 0 ? ADDR_IP6 : ADDR_IP4;
	}

	/** Start a new session (a new call): new o= sess-id and version, nothing sent yet. */
	newSession(sessionId: number, sessionVersion = sessionId): void {
		this.sessionId = sessionId;
		this.sessionVersion = sessionVersion;
		this.#lastLength = NOTHING_SENT;
	}

	/** Do we send and receive this encoding (ENC_PCMU / ENC_PCMA)? */
	supports(encoding: number): boolean {
		for (let i = 0; i < this.codecs.length; i++) if (this.codecs[i] === encoding) return true;
		return false;
	}

	/**
	 * The writers' check of a description just written, given its bytes after the o= line: returns true when it
	 * differs from the last one sent in this session, and then the version has moved up by one and the description
	 * must be written again (RFC 3264 §8: "incremented by one" when changed, unchanged otherwise). The first
	 * description of a session keeps its version.
	 */
	commit(buf: Uint8Array, start: number, end: number): boolean {
		const n = end - start;
		if (n === this.#lastLength && spansEqual(buf, start, end, this.#last, 0, n)) return false;
		const moved = this.#lastLength !== NOTHING_SENT;
		if (moved) this.sessionVersion++;
		if (n <= LAST_SDP_BYTES) {
			for (let i = 0; i < n; i++) this.#last[i] = buf[start + i]; // no subarray: a view is an allocation on XS
			this.#lastLength = n;
		} else {
			this.#lastLength = TOO_LONG; // never equal: the version moves each time, which RFC 3264 §8 allows
		}
		return moved;
	}
}

/**
 * The media a session uses, from an offer we answered or an answer to our offer. Preallocated, overwritten only
 * when negotiation succeeds (a failed re-offer leaves the session as it was, RFC 3264 §8).
 */
export class Negotiated {
	/** Where we send RTP (RTCP: port + 1, RFC 3550 §11). A new string only when the address bytes change. */
	remoteAddress = "";
	/** ADDR_IP4 or ADDR_IP6. */
	remoteAddressType = 0;
	remotePort = 0;
	/** The payload type of the audio, as the offer numbered it (RFC 3264 §6.1). */
	payloadType = -1;
	/** ENC_PCMU or ENC_PCMA (which are also g711.ts's law ids). */
	codec = -1;
	/** The peer's telephone-event/8000 payload type, our events go out with it; -1 when none. */
	telephoneEventPt = -1;
	/** Packet time to send with, ms: the peer's a=ptime, else ours. */
	ptime = 0;
	/** DIR_* we use: DIR_SEND bit = we send RTP, DIR_RECV bit = we expect RTP. */
	direction = DIR_INACTIVE;
	/** The peer has put us on hold: it will not receive (sendonly, inactive or c=0.0.0.0, RFC 3264 §8.4). */
	held = false;
	/** Index of the m= line in use. */
	stream = -1;
	/** The last negotiation moved the media to another address, and `remoteAddress` is a new string (RFC 3264 §8.3.1). */
	addressChanged = false;
	readonly #address = new Uint8Array(MAX_ADDRESS_BYTES);
	#addressLength = -1;

	/** Set the remote address from bytes; the string is made only when they differ from the current ones. */
	setRemoteAddress(buf: Uint8Array, start: number, end: number, type: number): void {
		this.remoteAddressType = type;
		const n = end - start;
		this.addressChanged = n !== this.#addressLength || !spansEqual(buf, start, end, this.#address, 0, n);
		if (!this.addressChanged) return;
		for (let i = 0; i < n; i++) this.#address[i] = buf[start + i];
		this.#addressLength = n;
		this.remoteAddress = text(buf, start, end);
	}
}

/** The direction we use from the peer's: its sends are our receives and back (RFC 3264 §6.1), limited to ours. */
function ourDirection(remote: number, hold: boolean, local: number): number {
	let d = ((remote & DIR_SEND) !== 0 ? DIR_RECV : 0) | ((remote & DIR_RECV) !== 0 ? DIR_SEND : 0);
	d &= local;
	// RFC 3264 §8.4: c=0.0.0.0 "means that neither RTP nor RTCP should be sent to the peer".
	if (hold) d &= ~DIR_SEND;
	return d;
}

/** Can we send to the stream's address (present, IN IP4/IP6, short enough to keep)? */
function usableAddress(sdp: SdpView, s: number): boolean {
	const type = sdp.addressType(s);
	return sdp.addressStart(s) >= 0 && (type === ADDR_IP4 || type === ADDR_IP6) && sdp.addressEnd(s) - sdp.addressStart(s) <= MAX_ADDRESS_BYTES;
}

function negotiate(sdp: SdpView, s: number, k: number, local: LocalMedia, out: Negotiated): void {
	const hold = sdp.hold(s), remote = sdp.direction(s), ptime = sdp.ptime(s);
	out.setRemoteAddress(sdp.buf, sdp.addressStart(s), sdp.addressEnd(s), sdp.addressType(s));
	out.remotePort = sdp.port(s);
	out.payloadType = sdp.payloadType(s, k);
	out.codec = sdp.encoding(s, k);
	out.telephoneEventPt = local.telephoneEventPt >= 0 ? sdp.telephoneEventPt(s) : -1;
	out.ptime = ptime > 0 ? ptime : local.ptime;
	out.direction = ourDirection(remote, hold, local.direction);
	out.held = hold || (remote & DIR_RECV) === 0;
	out.stream = s;
}

/** A G.711 format at 8000 Hz that we support. */
function isOurs(sdp: SdpView, s: number, k: number, local: LocalMedia): boolean {
	const enc = sdp.encoding(s, k);
	return (enc === ENC_PCMU || enc === ENC_PCMA) && sdp.clockRate(s, k) === 8000 && local.supports(enc);
}

/**
 * Answer an offer: the first audio RTP/AVP stream with a codec in common is used, with the first such codec in the
 * offer's order (RFC 3264 §5.1: the offer lists formats most preferred first; §6.1: the answerer SHOULD follow it);
 * every other stream will be rejected. False when no audio stream has a common codec: the caller answers 488
 * (RFC 3261 §13.3.1.3), and `out` is left unchanged.
 */
export function answerOffer(remote: SdpView, local: LocalMedia, out: Negotiated): boolean {
	const n = remote.detailedCount;
	for (let s = 0; s < n; s++) {
		if (remote.kind(s) !== MEDIA_AUDIO || remote.proto(s) !== PROTO_RTP_AVP || remote.port(s) === 0 || !usableAddress(remote, s)) continue;
		const count = remote.ptCount(s);
		for (let k = 0; k < count; k++) {
			if (isOurs(remote, s, k, local)) {
				negotiate(remote, s, k, local, out);
				return true;
			}
		}
	}
	return false;
}

/**
 * Check the answer to our offer (one audio stream, our codecs on their static payload types): the answer must
 * keep the stream and use a format we offered, on the number we gave it (RFC 3264 §6.1, §7). The first such format
 * in the answer's order is the one we send. False otherwise — the UA then ends the call — and `out` is unchanged.
 * RFC silent on extra m= lines in an answer (§6 forbids them): stream 0 is ours, the rest is ignored.
 */
export function acceptAnswer(answer: SdpView, local: LocalMedia, out: Negotiated): boolean {
	if (answer.mediaCount < 1) return false;
	if (answer.kind(0) !== MEDIA_AUDIO || answer.proto(0) !== PROTO_RTP_AVP || answer.port(0) === 0 || !usableAddress(answer, 0)) return false;
	const count = answer.ptCount(0);
	for (let k = 0; k < count; k++) {
		// Our offer put PCMU on PT 0 and PCMA on PT 8: the same number must carry the same encoding.
		if (isOurs(answer, 0, k, local) && answer.payloadType(0, k) === answer.encoding(0, k)) {
			negotiate(answer, 0, k, local, out);
			return true;
		}
	}
	return false;
}

/** v=, o=, s=, c=, t= (RFC 4566 §5); returns where the o= line ends (what follows is compared for the version). */
function writeHead(w: Writer, local: LocalMedia): number {
	const ip6 = local.addressType === ADDR_IP6;
	w.bytes(HEAD).uint(local.sessionId).byte(0x20).uint(local.sessionVersion).bytes(ip6 ? IN_IP6 : IN_IP4).bytes(local.addressBytes).crlf();
	const oEnd = w.pos;
	w.bytes(S_LINE).bytes(ip6 ? C_IP6 : C_IP4).bytes(local.addressBytes).crlf().bytes(T_LINE);
	return oEnd;
}

function writeRtpmap(w: Writer, pt: number, encoding: Uint8Array): void {
	w.bytes(RTPMAP).uint(pt).bytes(encoding).crlf();
}

/** The attributes after our audio m= line: telephone-event, ptime, direction. */
function writeAudioTail(w: Writer, local: LocalMedia, eventPt: number, direction: number): void {
	if (eventPt >= 0) {
		writeRtpmap(w, eventPt, TE_8000);
		w.bytes(FMTP).uint(eventPt).bytes(EVENTS).crlf();
	}
	if (local.ptime > 0) w.bytes(PTIME).uint(local.ptime).crlf();
	w.bytes(DIRECTION_LINES[direction & DIR_SENDRECV]).crlf();
}

function writeOfferBody(w: Writer, local: LocalMedia): number {
	const oEnd = writeHead(w, local);
	const codecs = local.codecs, te = local.telephoneEventPt;
	w.bytes(M_AUDIO).uint(local.rtpPort).bytes(RTP_AVP);
	for (let i = 0; i < codecs.length; i++) w.byte(0x20).uint(codecs[i]);
	if (te >= 0) w.byte(0x20).uint(te);
	w.crlf();
	for (let i = 0; i < codecs.length; i++) writeRtpmap(w, codecs[i], codecs[i] === ENC_PCMU ? PCMU_8000 : PCMA_8000);
	writeAudioTail(w, local, te, local.direction);
	return oEnd;
}

/**
 * Our offer (RFC 3264 §5): one audio stream, our codecs on their static payload types with rtpmap, telephone-event
 * with its events, ptime, our direction. Written with the Writer's byte methods; nothing allocated.
 */
export function writeOffer(w: Writer, local: LocalMedia): void {
	const at = w.pos;
	const oEnd = writeOfferBody(w, local);
	if (w.overflow || !local.commit(w.buf, oEnd, w.pos)) return;
	w.pos = at;
	writeOfferBody(w, local);
}

/** m=<media> 0 <proto> <first fmt>: a rejected stream keeps its media, proto and a format of the offer (RFC 3264 §6). */
function writeRejected(w: Writer, buf: Uint8Array, start: number, end: number): void {
	let i = start;
	w.bytes(M_);
	for (let f = 0; f < 4; f++) {
		while (i < end && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
		const tokenStart = i;
		while (i < end && buf[i] !== 0x20 && buf[i] !== 0x09) i++;
		if (f === 0) w.bytes(buf, tokenStart, i).bytes(PORT_ZERO);
		else if (f === 2) w.bytes(buf, tokenStart, i);
		else if (f === 3 && i > tokenStart) w.byte(0x20).bytes(buf, tokenStart, i);
	}
	w.crlf();
}

const line = new Span();

function writeAnswerBody(w: Writer, remote: SdpView, local: LocalMedia, negotiated: Negotiated): number {
	const oEnd = writeHead(w, local);
	for (let s = 0; s < remote.mediaCount; s++) {
		// Lines beyond the stored ones are found by one forward scan, each from the previous one's end.
		if (!(s < MAX_MEDIA ? remote.mediaLine(s, line) : remote.nextMediaLine(line.end, line))) break;
		if (s !== negotiated.stream) {
			writeRejected(w, remote.buf, line.start, line.end);
			continue;
		}
		const te = negotiated.telephoneEventPt;
		w.bytes(M_AUDIO).uint(local.rtpPort).bytes(RTP_AVP).byte(0x20).uint(negotiated.payloadType);
		if (te >= 0) w.byte(0x20).uint(te);
		w.crlf();
		writeRtpmap(w, negotiated.payloadType, negotiated.codec === ENC_PCMU ? PCMU_8000 : PCMA_8000);
		writeAudioTail(w, local, te, negotiated.direction);
	}
	return oEnd;
}

/**
 * Our answer (RFC 3264 §6): one m= line per offered line, in order. The stream in use carries the chosen codec on
 * the offer's payload type and the offer's telephone-event type, with the direction computed by `answerOffer`
 * (sendonly is answered recvonly, ...); every other stream is rejected with port 0.
 */
export function writeAnswer(w: Writer, remote: SdpView, local: LocalMedia, negotiated: Negotiated): void {
	const at = w.pos;
	const oEnd = writeAnswerBody(w, remote, local, negotiated);
	if (w.overflow || !local.commit(w.buf, oEnd, w.pos)) return;
	w.pos = at;
	writeAnswerBody(w, remote, local, negotiated);
}
