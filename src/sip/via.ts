// The Via header value: sent-protocol, sent-by and via-params — RFC 3261 §20.42, §18.2.1; RFC 3581; RFC 5118 §4.5.
import { CLASS, COLON, DIGIT, isLws, SLASH, TOKEN } from "./chars.js";
import { ascii, equalsIgnoreCase, parseDecimal, skipLws, Span, equalsBytes, text } from "./bytes.js";
import { ParamCursor } from "./params.js";
import { scanHost } from "./uri.js";

export const T_OTHER = 0, T_UDP = 1, T_TCP = 2, T_TLS = 3, T_SCTP = 4, T_WS = 5, T_WSS = 6;
const TRANSPORTS = [ascii(""), ascii("udp"), ascii("tcp"), ascii("tls"), ascii("sctp"), ascii("ws"), ascii("wss")];
const BRANCH = ascii("branch"), RECEIVED = ascii("received"), RPORT = ascii("rport");
/** RFC 3261 §8.1.1.7: branches of RFC 3261 elements start with this magic cookie (case-sensitive). */
export const MAGIC_COOKIE = ascii("z9hG4bK");

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

/** A token, with SWS around the following '/' (SLASH = SWS "/" SWS, RFC 4475 §3.1.1.1). Returns index after '/', or -1. */
function tokenThenSlash(buf: Uint8Array, i: number, e: number, out: Span): number {
	const start = i;
	while (i < e && (CLASS[buf[i]] & TOKEN) !== 0) i++;
	if (i === start) return -1;
	out.set(start, i);
	i = skipLws(buf, i, e);
	if (i >= e || buf[i] !== SLASH) return -1;
	return skipLws(buf, i + 1, e);
}
const part = new Span();

/**
 * via-parm = sent-protocol LWS sent-by *( SEMI via-params ) (§25.1). Parameters must be well-formed
 * (RFC 4475 §3.1.2.1 `;;,;` is an error); extension transports and parameters are accepted.
 */
export function parseVia(buf: Uint8Array, s: number, e: number, out: ViaView): boolean {
	out.buf = buf;
	out.branch.clear();
	out.received.clear();
	out.rport.clear();
	out.port = -1;
	let i = skipLws(buf, s, e);
	if ((i = tokenThenSlash(buf, i, e, part)) < 0) return false;
	out.protocolStart = part.start;
	out.protocolEnd = part.end;
	if ((i = tokenThenSlash(buf, i, e, part)) < 0) return false;
	out.versionStart = part.start;
	out.versionEnd = part.end;
	const transportStart = i;
	while (i < e && (CLASS[buf[i]] & TOKEN) !== 0) i++;
	if (i === transportStart || i >= e || !isLws(buf[i])) return false;
	out.transportStart = transportStart;
	out.transportEnd = i;
	out.transport = T_OTHER;
	for (let t = 1; t < TRANSPORTS.length; t++) if (equalsIgnoreCase(buf, transportStart, i, TRANSPORTS[t])) out.transport = t;
	i = skipLws(buf, i, e);
	const hostEnd = scanHost(buf, i, e, out);
	if (hostEnd < 0) return false;
	out.hostStart = i;
	out.hostEnd = hostEnd;
	i = skipLws(buf, hostEnd, e);
	if (i < e && buf[i] === COLON) {
		const portStart = skipLws(buf, i + 1, e);
		i = portStart;
		while (i < e && (CLASS[buf[i]] & DIGIT) !== 0) i++;
		out.port = i - portStart <= 5 ? parseDecimal(buf, portStart, i, 65535) : -1;
		if (out.port < 0) return false;
	}
	out.paramsStart = i;
	out.paramsEnd = e;
	// One walk checks every parameter and picks out the ones the transport reads.
	const params = cursor.reset(buf, i, e);
	let r: number;
	while ((r = params.next()) === 1) {
		const length = params.nameEnd - params.nameStart;
		if (length === BRANCH.length && params.nameIs(BRANCH)) params.valueInto(out.branch);
		else if (length === RECEIVED.length && params.nameIs(RECEIVED)) params.valueInto(out.received);
		else if (length === RPORT.length && params.nameIs(RPORT)) params.valueInto(out.rport);
	}
	return r === 0;
}
const cursor = new ParamCursor();
