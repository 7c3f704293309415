// The Via header value: sent-protocol, sent-by and via-params — RFC 3261 §20.42, §18.2.1; RFC 3581; RFC 5118 §4.5.
import { CLASS, COLON, DIGIT, isLws, SLASH, TOKEN } from "./chars.js";
import type { Random } from "../host.js";
import { ascii, equalsIgnoreCase, parseDecimal, randomHex, skipLws, Span, equalsBytes, text } from "./bytes.js";
import { ParamCursor } from "./params.js";
import { scanHost } from "./uri.js";

export const T_OTHER = 0, T_UDP = 1, T_TCP = 2, T_TLS = 3, T_SCTP = 4, T_WS = 5, T_WSS = 6;
const TRANSPORTS = [ascii(""), ascii("udp"), ascii("tcp"), ascii("tls"), ascii("sctp"), ascii("ws"), ascii("wss")];
const BRANCH = ascii("branch"), RECEIVED = ascii("received"), RPORT = ascii("rport");
/** RFC 3261 §8.1.1.7: branches of RFC 3261 elements start with this magic cookie (case-sensitive). */
export const MAGIC_COOKIE = ascii("z9hG4bK");

/**
 * New branches for the requests an element sends (§8.1.1.7: "unique across space and time"): the magic cookie,
 * then random bytes as hex. `next` rewrites the same bytes: the branch is valid until the next one is made.
 */
export class BranchMaker {
	readonly bytes: Uint8Array;
	readonly #random: Uint8Array;

	constructor(randomBytes = 8) {
		this.#random = new Uint8Array(randomBytes);
		this.bytes = new Uint8Array(MAGIC_COOKIE.length + 2 * randomBytes);
		this.bytes.set(MAGIC_COOKIE);
	}

	next(random: Random): Uint8Array {
		randomHex(random, this.#random, this.bytes, MAGIC_COOKIE.length);
		return this.bytes;
	}
}

/** One Via value as offsets into `buf`. */
export class ViaView {
	buf: Uint8Array = new Uint8Array(0);
	protocolStart = 0;
	protocolEnd = 0;
	versionStart = 0;
	versionEnd = 0;
	transportStart = 0;
	transportEnd = 0;
	/** T_UDP, T_TCP ...; T_OTHER for an extension transport (RFC 4475 §3.1.1.10 requires accepting it). */
	transport = 0;
	hostStart = 0;
	hostEnd = 0;
	hostKind = 0;
	/** sent-by port, or -1 when absent (§18.2.2: then 5060, or 5061 for TLS). */
	port = -1;
	paramsStart = 0;
	paramsEnd = 0;
	readonly branch = new Span();
	readonly received = new Span();
	/** RFC 3581: present with an empty span when the client asked (`;rport`), with a value when filled in. */
	readonly rport = new Span();

	/**
	 * The branch starts with z9hG4bK and has an identifier after it (§8.1.1.7); else RFC 2543 matching applies
	 * (§17.2.3). A bare cookie identifies nothing: RFC 4475 §3.2.1 allows the RFC 2543 fallback for it.
	 */
	get branchIsRfc3261(): boolean {
		const b = this.branch;
		return b.start >= 0 && b.end - b.start > MAGIC_COOKIE.length && equalsBytes(this.buf, b.start, b.start + MAGIC_COOKIE.length, MAGIC_COOKIE);
	}
	transportText(): string {
		return text(this.buf, this.transportStart, this.transportEnd).toUpperCase();
	}
	sentByText(): string {
		const host = text(this.buf, this.hostStart, this.hostEnd);
		return this.port < 0 ? host : host + ":" + this.port;
	}
	branchText(): string {
		return this.branch.start < 0 ? "" : text(this.buf, this.branch.start, this.branch.end);
	}
}

/** 1 for a token byte (§25.1). */
const TOKEN_TABLE = new Uint8Array(256);
for (let b = 0; b < 256; b++) TOKEN_TABLE[b] = (CLASS[b] & TOKEN) !== 0 ? 1 : 0;

/** The transport id of the token buf[s, e) (case-insensitive; b | 0x20 folds a letter's two cases exactly). */
function transportId(buf: Uint8Array, s: number, e: number): number {
	const length = e - s;
	if (length === 3) {
		const a = buf[s] | 0x20, b = buf[s + 1] | 0x20, c = buf[s + 2] | 0x20;
		if (a === 0x75) return b === 0x64 && c === 0x70 ? T_UDP : T_OTHER; // udp
		if (a === 0x74) {
			if (b === 0x63 && c === 0x70) return T_TCP; // tcp
			if (b === 0x6c && c === 0x73) return T_TLS; // tls
			return T_OTHER;
		}
		return a === 0x77 && b === 0x73 && c === 0x73 ? T_WSS : T_OTHER; // wss
	}
	if (length === 2) return (buf[s] | 0x20) === 0x77 && (buf[s + 1] | 0x20) === 0x73 ? T_WS : T_OTHER; // ws
	if (length === 4 && equalsIgnoreCase(buf, s, e, TRANSPORTS[T_SCTP])) return T_SCTP;
	return T_OTHER;
}

/**
 * via-parm = sent-protocol LWS sent-by *( SEMI via-params ) (§25.1). Parameters must be well-formed
 * (RFC 4475 §3.1.2.1 `;;,;` is an error); extension transports and parameters are accepted.
 * sent-protocol = protocol-name SLASH protocol-version SLASH transport, SLASH = SWS "/" SWS (RFC 4475 §3.1.1.1).
 */
export function parseVia(buf: Uint8Array, s: number, e: number, out: ViaView): boolean {
	out.buf = buf;
	out.branch.clear();
	out.received.clear();
	out.rport.clear();
	out.port = -1;
	const token = TOKEN_TABLE;
	// LWS is SP, HTAB and a folded line's CR LF: 32, 9, 13, 10.
	let i = s, b = 0;
	while (i < e && ((b = buf[i]) === 32 || b === 9 || b === 13 || b === 10)) i++;
	// The common "SIP/2.0/" (protocol name case-insensitive; b | 0x20 folds a letter's two cases exactly).
	if (e - i > 8 && (buf[i] | 0x20) === 0x73 && (buf[i + 1] | 0x20) === 0x69 && (buf[i + 2] | 0x20) === 0x70 && buf[i + 3] === 0x2f &&
		buf[i + 4] === 0x32 && buf[i + 5] === 0x2e && buf[i + 6] === 0x30 && buf[i + 7] === 0x2f) {
		out.protocolStart = i;
		out.protocolEnd = i + 3;
		out.versionStart = i + 4;
		out.versionEnd = i + 7;
		i += 8;
		while (i < e && ((b = buf[i]) === 32 || b === 9 || b === 13 || b === 10)) i++;
		return parseTransportOn(buf, i, e, out);
	}
	// protocol-name SLASH
	let start = i;
	while (i < e && token[buf[i]] !== 0) i++;
	if (i === start) return false;
	const protocolEnd = i;
	while (i < e && ((b = buf[i]) === 32 || b === 9 || b === 13 || b === 10)) i++;
	if (i >= e || b !== 0x2f) return false;
	i++;
	while (i < e && ((b = buf[i]) === 32 || b === 9 || b === 13 || b === 10)) i++;
	out.protocolStart = start;
	out.protocolEnd = protocolEnd;
	// protocol-version SLASH
	start = i;
	while (i < e && token[buf[i]] !== 0) i++;
	if (i === start) return false;
	const versionEnd = i;
	while (i < e && ((b = buf[i]) === 32 || b === 9 || b === 13 || b === 10)) i++;
	if (i >= e || b !== 0x2f) return false;
	i++;
	while (i < e && ((b = buf[i]) === 32 || b === 9 || b === 13 || b === 10)) i++;
	out.versionStart = start;
	out.versionEnd = versionEnd;
	return parseTransportOn(buf, i, e, out);
}

/** transport LWS sent-by *( SEMI via-params ), from buf[i] (after the second SLASH). */
function parseTransportOn(buf: Uint8Array, i: number, e: number, out: ViaView): boolean {
	const token = TOKEN_TABLE;
	let b = 0;
	const transportStart = i;
	while (i < e && token[buf[i]] !== 0) i++;
	if (i === transportStart || i >= e || !((b = buf[i]) === 32 || b === 9 || b === 13 || b === 10)) return false;
	out.transportStart = transportStart;
	out.transportEnd = i;
	out.transport = transportId(buf, transportStart, i);
	while (i < e && ((b = buf[i]) === 32 || b === 9 || b === 13 || b === 10)) i++;
	// sent-by = host [ COLON port ]
	const hostEnd = scanHost(buf, i, e, out);
	if (hostEnd < 0) return false;
	out.hostStart = i;
	out.hostEnd = hostEnd;
	i = hostEnd;
	while (i < e && ((b = buf[i]) === 32 || b === 9 || b === 13 || b === 10)) i++;
	if (i < e && b === 0x3a) {
		i++;
		while (i < e && ((b = buf[i]) === 32 || b === 9 || b === 13 || b === 10)) i++;
		const portStart = i;
		let port = 0, d = 0;
		while (i < e && (d = buf[i] - 0x30) >= 0 && d <= 9) {
			port = port * 10 + d;
			i++;
		}
		if (i === portStart || i - portStart > 5 || port > 65535) {
			out.port = -1;
			return false;
		}
		out.port = port;
	}
	out.paramsStart = i;
	out.paramsEnd = e;
	// One walk checks every parameter and picks out the ones the transport reads.
	const params = cursor.reset(buf, i, e);
	let r: number;
	while ((r = params.next()) === 1) {
		const n = params.nameStart, length = params.nameEnd - n;
		if (length === 6 && tokenIs(buf, n, BRANCH)) params.valueInto(out.branch);
		else if (length === 8 && tokenIs(buf, n, RECEIVED)) params.valueInto(out.received);
		else if (length === 5 && tokenIs(buf, n, RPORT)) params.valueInto(out.rport);
	}
	return r === 0;
}

/**
 * Does the token at buf[s] start with the lower-case letters of `name`? For token bytes `b | 0x20` equals a
 * letter exactly when LOWER[b] does (its two cases), so this is the case-insensitive compare of §7.3.1.
 */
function tokenIs(buf: Uint8Array, s: number, name: Uint8Array): boolean {
	for (let k = 0; k < name.length; k++) if ((buf[s + k] | 0x20) !== name[k]) return false;
	return true;
}
const cursor = new ParamCursor();
