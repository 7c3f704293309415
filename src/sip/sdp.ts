// SDP session descriptions read into offsets in one pass, nothing allocated — RFC 4566 §5, §6; RFC 3551 §6; RFC 3264 §8.4.
import { COLON, CR, HTAB, LF, SLASH, SP } from "./chars.js";
import { ascii, equalsBytes, equalsIgnoreCase, parseDecimal, Span, text } from "./bytes.js";

/** Streams (m= lines) whose m= line, connection, direction and ptime are kept; further ones are only counted. */
export const MAX_MEDIA = 8;
/** Streams whose payload types, rtpmap and fmtp are kept: the first ones, where offers put their audio. */
export const MAX_DETAILED = 4;
/** Payload types kept per detailed stream (the rest of the fmt list stays in the m= span). */
export const MAX_PTS = 16;

export const MEDIA_AUDIO = 1, MEDIA_VIDEO = 2, MEDIA_OTHER = 3;
/** RTP/AVP (RFC 3551) is the one profile G.711 is answered on; SAVP, AVPF, UDP/TLS/RTP/SAVPF are other RTP profiles. */
export const PROTO_RTP_AVP = 1, PROTO_RTP_OTHER = 2, PROTO_OTHER = 3;
export const ADDR_IP4 = 1, ADDR_IP6 = 2, ADDR_OTHER = 3;
/** Encodings, numbered as their RFC 3551 static payload types where they have one (also g711.ts's law ids). */
export const ENC_PCMU = 0, ENC_PCMA = 8, ENC_TELEPHONE_EVENT = 128, ENC_OTHER = 255;
/** Directions (RFC 4566 §6) from the describing side, as two bits: 1 = it sends, 2 = it receives. */
export const DIR_INACTIVE = 0, DIR_SENDONLY = 1, DIR_RECVONLY = 2, DIR_SENDRECV = 3;
export const DIR_SEND = 1, DIR_RECV = 2;

// One row of Int32 per stored stream.
const KIND = 0, PORT = 1, PORTS = 2, PROTO = 3, LINE = 4, LINE_END = 5, MEDIA_END = 6, PROTO_START = 7, PROTO_END = 8,
	FMT_START = 9, FMT_END = 10, ADDR_START = 11, ADDR_END = 12, ADDR_TYPE = 13, DIR = 14, PTIME = 15, HOLD = 16, ROW = 17;

const EMPTY = new Uint8Array(0);
const A_AUDIO = ascii("audio"), A_VIDEO = ascii("video"), A_RTP_AVP = ascii("rtp/avp"), A_IN = ascii("in"),
	A_IP4 = ascii("ip4"), A_IP6 = ascii("ip6"), A_ZERO = ascii("0"), A_ANY = ascii("0.0.0.0"),
	A_SENDRECV = ascii("sendrecv"), A_SENDONLY = ascii("sendonly"), A_RECVONLY = ascii("recvonly"), A_INACTIVE = ascii("inactive"),
	A_RTPMAP = ascii("rtpmap"), A_FMTP = ascii("fmtp"), A_PTIME = ascii("ptime"),
	A_PCMU = ascii("pcmu"), A_PCMA = ascii("pcma"), A_TELEPHONE_EVENT = ascii("telephone-event");
const V = 0x76, O = 0x6f, C = 0x63, M = 0x6d, A = 0x61, EQ = 0x3d;

// Scratch fields of the line being read (single-threaded: one parse at a time, as in uri.ts).
const f1 = new Span(), f2 = new Span(), f3 = new Span();

/** The next SP-separated field of buf[i, e) into `out`; false when only spaces remain (RFC 4566 §5: fields are SP-separated). */
function field(buf: Uint8Array, i: number, e: number, out: Span): boolean {
	while (i < e && (buf[i] === SP || buf[i] === HTAB)) i++;
	if (i >= e) return false;
	let j = i;
	while (j < e && buf[j] !== SP && buf[j] !== HTAB) j++;
	out.set(i, j);
	return true;
}

function find(buf: Uint8Array, i: number, e: number, b: number): number {
	while (i < e && buf[i] !== b) i++;
	return i;
}

/**
 * One session description as offsets into the message body: session-level o= and c=, and per m= line its media,
 * port, proto, fmt list, effective connection (its own c= or the session's), direction and ptime; for the first
 * `MAX_DETAILED` streams the payload types with their rtpmap encoding, clock rate and fmtp span. Preallocated
 * and reused: valid until the next parse, which does not allocate.
 */
export class SdpView {
	/** The bytes the offsets point into (not copied). */
	buf: Uint8Array = EMPTY;
	start = 0;
	end = 0;
	/** o= sess-id and sess-version (RFC 4566 §5.2): spans, since 64-bit values occur; -1 when absent. */
	originIdStart = -1;
	originIdEnd = -1;
	originVersionStart = -1;
	originVersionEnd = -1;
	/** sess-version as a number, or -1 when absent, not decimal, or above 2^53. */
	originVersion = -1;
	/** Session-level c= address (RFC 4566 §5.7), without /ttl; start -1 when absent. */
	sessionAddressStart = -1;
	sessionAddressEnd = -1;
	sessionAddressType = 0;
	/** Session-level direction attribute, the default of every stream (RFC 4566 §6; sendrecv when absent). */
	sessionDirection = DIR_SENDRECV;
	/** Every m= line seen, beyond `MAX_MEDIA` too: an answer needs one line per offered line (RFC 3264 §6). */
	mediaCount = 0;

	readonly #rows = new Int32Array(MAX_MEDIA * ROW);
	readonly #ptCount = new Uint8Array(MAX_DETAILED);
	readonly #pts = new Uint8Array(MAX_DETAILED * MAX_PTS);
	readonly #encodings = new Uint8Array(MAX_DETAILED * MAX_PTS);
	readonly #clocks = new Int32Array(MAX_DETAILED * MAX_PTS);
	readonly #fmtp = new Int32Array(MAX_DETAILED * MAX_PTS * 2);

	/** Streams whose m= line data is kept: min(mediaCount, MAX_MEDIA). */
	get storedCount(): number {
		return this.mediaCount < MAX_MEDIA ? this.mediaCount : MAX_MEDIA;
	}
	/** Streams whose payload types are kept: min(mediaCount, MAX_DETAILED). */
	get detailedCount(): number {
		return this.mediaCount < MAX_DETAILED ? this.mediaCount : MAX_DETAILED;
	}

	// Per stream s < storedCount.
	/** MEDIA_AUDIO, MEDIA_VIDEO or MEDIA_OTHER. */
	kind(s: number): number {
		return this.#rows[s * ROW + KIND];
	}
	/** Port of the m= line; 0 = the stream is disabled or rejected (RFC 3264 §5.1, §6). */
	port(s: number): number {
		return this.#rows[s * ROW + PORT];
	}
	/** The /<number of ports> of the m= line, 1 when absent (RFC 4566 §5.14). */
	portCount(s: number): number {
		return this.#rows[s * ROW + PORTS];
	}
	/** PROTO_RTP_AVP, PROTO_RTP_OTHER or PROTO_OTHER. */
	proto(s: number): number {
		return this.#rows[s * ROW + PROTO];
	}
	/** The m= line's value (media type to end of fmt list). */
	lineStart(s: number): number {
		return this.#rows[s * ROW + LINE];
	}
	lineEnd(s: number): number {
		return this.#rows[s * ROW + LINE_END];
	}
	/** The media type token is [lineStart, mediaEnd). */
	mediaEnd(s: number): number {
		return this.#rows[s * ROW + MEDIA_END];
	}
	protoStart(s: number): number {
		return this.#rows[s * ROW + PROTO_START];
	}
	protoEnd(s: number): number {
		return this.#rows[s * ROW + PROTO_END];
	}
	/** The fmt list, as written (start === end when the line has none). */
	fmtStart(s: number): number {
		return this.#rows[s * ROW + FMT_START];
	}
	fmtEnd(s: number): number {
		return this.#rows[s * ROW + FMT_END];
	}
	/** The stream's connection address: its own c=, else the session's (RFC 4566 §5.7); start -1 when neither. */
	addressStart(s: number): number {
		return this.#rows[s * ROW + ADDR_START];
	}
	addressEnd(s: number): number {
		return this.#rows[s * ROW + ADDR_END];
	}
	/** ADDR_IP4, ADDR_IP6, ADDR_OTHER, or 0 when there is no address. */
	addressType(s: number): number {
		return this.#rows[s * ROW + ADDR_TYPE];
	}
	/** The connection address as a string (allocates: call it once media is negotiated). */
	addressText(s: number): string {
		const r = s * ROW;
		return this.#rows[r + ADDR_START] < 0 ? "" : text(this.buf, this.#rows[r + ADDR_START], this.#rows[r + ADDR_END]);
	}
	/** DIR_* of the stream: its own attribute, else the session's, else sendrecv (RFC 4566 §6). */
	direction(s: number): number {
		return this.#rows[s * ROW + DIR];
	}
	/** a=ptime in ms, or -1 when absent. */
	ptime(s: number): number {
		return this.#rows[s * ROW + PTIME];
	}
	/** The connection address is 0.0.0.0: RFC 2543 hold, send neither RTP nor RTCP there (RFC 3264 §8.4). */
	hold(s: number): boolean {
		return this.#rows[s * ROW + HOLD] !== 0;
	}

	// Per detailed stream s < detailedCount, payload type index k < ptCount(s).
	ptCount(s: number): number {
		return this.#ptCount[s];
	}
	payloadType(s: number, k: number): number {
		return this.#pts[s * MAX_PTS + k];
	}
	/** ENC_* from the rtpmap, or from the static assignment of PT 0 and 8 (RFC 3551 §6); ENC_OTHER otherwise. */
	encoding(s: number, k: number): number {
		return this.#encodings[s * MAX_PTS + k];
	}
	/** Clock rate from the rtpmap (8000 for static PT 0 and 8), 0 when unknown. */
	clockRate(s: number, k: number): number {
		return this.#clocks[s * MAX_PTS + k];
	}
	/** The a=fmtp parameters of the payload type, start -1 when it has none. */
	fmtpStart(s: number, k: number): number {
		return this.#fmtp[(s * MAX_PTS + k) * 2];
	}
	fmtpEnd(s: number, k: number): number {
		return this.#fmtp[(s * MAX_PTS + k) * 2 + 1];
	}
	/** Index of payload type `pt` in the stream's list, or -1. */
	indexOfPt(s: number, pt: number): number {
		const base = s * MAX_PTS, n = this.#ptCount[s];
		for (let k = 0; k < n; k++) if (this.#pts[base + k] === pt) return k;
		return -1;
	}
	/** The first payload type of telephone-event/8000 (RFC 4733 §7), or -1: events at other rates go with other codecs. */
	telephoneEventPt(s: number): number {
		const base = s * MAX_PTS, n = this.#ptCount[s];
		for (let k = 0; k < n; k++) {
			if (this.#encodings[base + k] === ENC_TELEPHONE_EVENT && this.#clocks[base + k] === 8000) return this.#pts[base + k];
		}
		return -1;
	}

	/**
	 * The value span of the `s`-th m= line (any s < mediaCount): kept for stored streams, found again by a scan of
	 * the body beyond them (a cold path: offers with more streams than we keep).
	 */
	mediaLine(s: number, out: Span): boolean {
		if (s < 0 || s >= this.mediaCount) return false;
		if (s < MAX_MEDIA) {
			out.set(this.lineStart(s), this.lineEnd(s));
			return true;
		}
		out.set(this.lineStart(MAX_MEDIA - 1), this.lineEnd(MAX_MEDIA - 1));
		for (let n = MAX_MEDIA - 1; n < s; n++) if (!this.nextMediaLine(out.end, out)) return false;
		return true;
	}

	/** The value span of the first m= line after position `from` (the end of the previous one): one forward scan for all. */
	nextMediaLine(from: number, out: Span): boolean {
		const buf = this.buf, end = this.end;
		let i = find(buf, from, end, LF) + 1;
		while (i < end) {
			const lf = find(buf, i, end, LF);
			if (lf - i >= 2 && buf[i] === M && buf[i + 1] === EQ) {
				out.set(i + 2, lf > i && buf[lf - 1] === CR ? lf - 1 : lf);
				return true;
			}
			i = lf + 1;
		}
		return false;
	}

	/** Read buf[start, end): false for a malformed description (then the view holds nothing). Never throws. */
	parse(buf: Uint8Array, start: number, end: number): boolean {
		this.#clear(buf, start, end);
		let i = start, sawVersion = false;
		while (i < end) {
			const lf = find(buf, i, end, LF);
			const next = lf + 1;
			// RFC 4566 §5: lines end in CRLF, "parsers SHOULD be tolerant and also accept records terminated with a single newline".
			let e = lf > i && buf[lf - 1] === CR ? lf - 1 : lf;
			while (e > i && (buf[e - 1] === SP || buf[e - 1] === HTAB)) e--;
			if (e > i) {
				// <type>=<value>, type one letter, no space around '=' (RFC 4566 §5).
				if (e - i < 2 || buf[i + 1] !== EQ || buf[i] < 0x61 || buf[i] > 0x7a) return this.#fail();
				if (!sawVersion) {
					// RFC 4566 §5.1: the description starts with v=0.
					if (buf[i] !== V || !equalsBytes(buf, i + 2, e, A_ZERO)) return this.#fail();
					sawVersion = true;
				} else if (!this.#line(buf[i], i + 2, e)) {
					return this.#fail();
				}
			}
			i = next;
		}
		if (!sawVersion) return this.#fail();
		this.#resolve();
		return true;
	}

	#clear(buf: Uint8Array, start: number, end: number): void {
		this.buf = buf;
		this.start = start;
		this.end = end;
		this.originIdStart = this.originIdEnd = this.originVersionStart = this.originVersionEnd = this.originVersion = -1;
		this.sessionAddressStart = this.sessionAddressEnd = -1;
		this.sessionAddressType = 0;
		this.sessionDirection = DIR_SENDRECV;
		this.mediaCount = 0;
	}

	#fail(): boolean {
		this.#clear(this.buf, this.start, this.end);
		return false;
	}

	/** One line after v=; the current stream is the last m= line (none yet: session level). */
	#line(type: number, i: number, e: number): boolean {
		const buf = this.buf;
		const s = this.mediaCount - 1;
		switch (type) {
			case V:
				return false; // a second description in one body
			case O:
				return this.#origin(i, e);
			case C: {
				// c=<nettype> <addrtype> <connection-address>, the address possibly with /ttl and /count (§5.7).
				if (!field(buf, i, e, f1) || !field(buf, f1.end, e, f2) || !field(buf, f2.end, e, f3)) return false;
				const addrEnd = find(buf, f3.start, f3.end, SLASH);
				if (addrEnd === f3.start) return false;
				const type = !equalsIgnoreCase(buf, f1.start, f1.end, A_IN) ? ADDR_OTHER
					: equalsIgnoreCase(buf, f2.start, f2.end, A_IP4) ? ADDR_IP4
					: equalsIgnoreCase(buf, f2.start, f2.end, A_IP6) ? ADDR_IP6 : ADDR_OTHER;
				if (s < 0) {
					this.sessionAddressStart = f3.start;
					this.sessionAddressEnd = addrEnd;
					this.sessionAddressType = type;
				} else if (s < MAX_MEDIA) {
					const r = s * ROW, rows = this.#rows;
					rows[r + ADDR_START] = f3.start;
					rows[r + ADDR_END] = addrEnd;
					rows[r + ADDR_TYPE] = type;
				}
				return true;
			}
			case M:
				return this.#media(i, e);
			case A:
				this.#attribute(s, i, e);
				return true;
			default:
				// RFC 4566 §5 would ignore the whole description for an unknown type letter; ignoring the line keeps calls working.
				return true;
		}
	}

	/** o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> (§5.2). */
	#origin(i: number, e: number): boolean {
		const buf = this.buf;
		if (!field(buf, i, e, f1) || !field(buf, f1.end, e, f2) || !field(buf, f2.end, e, f3)) return false;
		this.originIdStart = f2.start;
		this.originIdEnd = f2.end;
		this.originVersionStart = f3.start;
		this.originVersionEnd = f3.end;
		this.originVersion = parseDecimal(buf, f3.start, f3.end, 2 ** 53);
		return field(buf, f3.end, e, f1) && field(buf, f1.end, e, f2) && field(buf, f2.end, e, f3);
	}

	/** m=<media> <port>[/<number of ports>] <proto> <fmt> ... (§5.14). */
	#media(i: number, e: number): boolean {
		const buf = this.buf, s = this.mediaCount++;
		if (!field(buf, i, e, f1) || !field(buf, f1.end, e, f2) || !field(buf, f2.end, e, f3)) return false;
		const mediaStart = f1.start, mediaEnd = f1.end;
		const slash = find(buf, f2.start, f2.end, SLASH);
		const port = parseDecimal(buf, f2.start, slash, 65535);
		const ports = slash === f2.end ? 1 : parseDecimal(buf, slash + 1, f2.end, 65535);
		if (port < 0 || ports < 1) return false;
		const proto = equalsIgnoreCase(buf, f3.start, f3.end, A_RTP_AVP) ? PROTO_RTP_AVP : isRtp(buf, f3.start, f3.end) ? PROTO_RTP_OTHER : PROTO_OTHER;
		let fmtStart = f3.end;
		while (fmtStart < e && buf[fmtStart] === SP) fmtStart++;
		// RFC 4566 §9: at least one fmt; tolerated missing on a disabled stream (port 0), where nothing will use it.
		if (fmtStart === e && port !== 0) return false;
		const detailed = s < MAX_DETAILED;
		let n = 0;
		if (proto !== PROTO_OTHER) {
			// RTP profiles: each fmt is a payload type, 0-127 (RFC 3550 §5.1, RFC 3551 §6).
			for (let j = fmtStart; field(buf, j, e, f1); j = f1.end) {
				const pt = parseDecimal(buf, f1.start, f1.end, 127);
				if (pt < 0) return false;
				if (detailed && n < MAX_PTS) this.#addPt(s, n++, pt);
			}
		}
		if (detailed) this.#ptCount[s] = n;
		if (s < MAX_MEDIA) {
			const r = s * ROW, rows = this.#rows;
			rows[r + KIND] = equalsIgnoreCase(buf, mediaStart, mediaEnd, A_AUDIO) ? MEDIA_AUDIO
				: equalsIgnoreCase(buf, mediaStart, mediaEnd, A_VIDEO) ? MEDIA_VIDEO : MEDIA_OTHER;
			rows[r + PORT] = port;
			rows[r + PORTS] = ports;
			rows[r + PROTO] = proto;
			rows[r + LINE] = mediaStart;
			rows[r + LINE_END] = e;
			rows[r + MEDIA_END] = mediaEnd;
			rows[r + PROTO_START] = f3.start;
			rows[r + PROTO_END] = f3.end;
			rows[r + FMT_START] = fmtStart;
			rows[r + FMT_END] = e;
			rows[r + ADDR_START] = rows[r + ADDR_END] = -1;
			rows[r + ADDR_TYPE] = 0;
			rows[r + DIR] = rows[r + PTIME] = -1;
			rows[r + HOLD] = 0;
		}
		return true;
	}

	#addPt(s: number, k: number, pt: number): void {
		const x = s * MAX_PTS + k;
		this.#pts[x] = pt;
		// RFC 3551 §6, Table 4: PT 0 is PCMU and PT 8 PCMA at 8000 Hz, with or without an rtpmap.
		this.#encodings[x] = pt === 0 ? ENC_PCMU : pt === 8 ? ENC_PCMA : ENC_OTHER;
		this.#clocks[x] = pt === 0 || pt === 8 ? 8000 : 0;
		this.#fmtp[x * 2] = this.#fmtp[x * 2 + 1] = -1;
	}

	/** a=<attribute>[:<value>] (§5.13); those we do not use, and malformed ones, are ignored. */
	#attribute(s: number, i: number, e: number): void {
		const buf = this.buf;
		const colon = find(buf, i, e, COLON);
		const dir = equalsIgnoreCase(buf, i, colon, A_SENDRECV) ? DIR_SENDRECV
			: equalsIgnoreCase(buf, i, colon, A_SENDONLY) ? DIR_SENDONLY
			: equalsIgnoreCase(buf, i, colon, A_RECVONLY) ? DIR_RECVONLY
			: equalsIgnoreCase(buf, i, colon, A_INACTIVE) ? DIR_INACTIVE : -1;
		if (dir >= 0) {
			// RFC 4566 §6: at session level the default of every stream, at media level that stream's.
			if (s < 0) this.sessionDirection = dir;
			else if (s < MAX_MEDIA) this.#rows[s * ROW + DIR] = dir;
			return;
		}
		if (s < 0 || colon === e) return;
		if (equalsIgnoreCase(buf, i, colon, A_PTIME)) {
			if (s >= MAX_MEDIA) return;
			// ptime is in ms; a fraction ("22.5") keeps its integer part.
			let d = colon + 1;
			while (d < e && buf[d] >= 0x30 && buf[d] <= 0x39) d++;
			const ms = parseDecimal(buf, colon + 1, d, 100000);
			if (ms > 0) this.#rows[s * ROW + PTIME] = ms;
			return;
		}
		if (s >= MAX_DETAILED) return;
		const isRtpmap = equalsIgnoreCase(buf, i, colon, A_RTPMAP);
		if (!isRtpmap && !equalsIgnoreCase(buf, i, colon, A_FMTP)) return;
		// a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>], a=fmtp:<format> <parameters>.
		if (!field(buf, colon + 1, e, f1)) return;
		const k = this.indexOfPt(s, parseDecimal(buf, f1.start, f1.end, 127));
		if (k < 0) return; // not in this stream's fmt list (or not a number)
		const x = s * MAX_PTS + k;
		if (!isRtpmap) {
			let p = f1.end;
			while (p < e && buf[p] === SP) p++;
			this.#fmtp[x * 2] = p;
			this.#fmtp[x * 2 + 1] = e;
			return;
		}
		if (!field(buf, f1.end, e, f2)) return;
		const nameEnd = find(buf, f2.start, f2.end, SLASH);
		const clockEnd = find(buf, nameEnd + 1, f2.end, SLASH);
		const clock = parseDecimal(buf, nameEnd + 1, clockEnd, 10_000_000);
		if (clock <= 0) return;
		const channels = clockEnd === f2.end ? 1 : parseDecimal(buf, clockEnd + 1, f2.end, 255);
		if (channels < 0) return;
		// Encoding names are case-insensitive (RFC 4855 §3); a channel count other than 1 is not our G.711 (RFC 3551 §4.1).
		this.#encodings[x] = channels !== 1 ? ENC_OTHER
			: equalsIgnoreCase(buf, f2.start, nameEnd, A_PCMU) ? ENC_PCMU
			: equalsIgnoreCase(buf, f2.start, nameEnd, A_PCMA) ? ENC_PCMA
			: equalsIgnoreCase(buf, f2.start, nameEnd, A_TELEPHONE_EVENT) ? ENC_TELEPHONE_EVENT : ENC_OTHER;
		this.#clocks[x] = clock;
	}

	/** Session defaults into the streams: connection, direction; then the 0.0.0.0 hold marker. */
	#resolve(): void {
		const rows = this.#rows, n = this.storedCount;
		for (let s = 0; s < n; s++) {
			const r = s * ROW;
			if (rows[r + ADDR_START] < 0 && this.sessionAddressStart >= 0) {
				rows[r + ADDR_START] = this.sessionAddressStart;
				rows[r + ADDR_END] = this.sessionAddressEnd;
				rows[r + ADDR_TYPE] = this.sessionAddressType;
			}
			if (rows[r + DIR] < 0) rows[r + DIR] = this.sessionDirection;
			rows[r + HOLD] = rows[r + ADDR_TYPE] === ADDR_IP4 && equalsBytes(this.buf, rows[r + ADDR_START], rows[r + ADDR_END], A_ANY) ? 1 : 0;
		}
	}
}

/** Does the proto name an RTP profile ("RTP/..." as a component: RTP/SAVP, RTP/AVPF, UDP/TLS/RTP/SAVPF)? */
function isRtp(buf: Uint8Array, start: number, end: number): boolean {
	for (let i = start; i + 4 <= end; i++) {
		if ((i === start || buf[i - 1] === SLASH) && (buf[i] | 0x20) === 0x72 && (buf[i + 1] | 0x20) === 0x74 && (buf[i + 2] | 0x20) === 0x70 && buf[i + 3] === SLASH) return true;
	}
	return false;
}

/** Parse the description in buf[start, end) into `out`: false when malformed (out then holds no stream). Never throws. */
export function parseSdp(buf: Uint8Array, start: number, end: number, out: SdpView): boolean {
	return out.parse(buf, start, end);
}
