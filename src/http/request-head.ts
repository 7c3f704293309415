// An HTTP/1.1 request head read in place: request line, the header fields the API needs, limits — RFC 9112 §2-§3
// (message format, request line), §5 (field syntax), §6 (body framing), §9.3 (persistence); RFC 9110 §7.2 (Host).
// The API takes GET requests without a body, so a body, an unknown framing or a head too large is refused with its
// status. Offsets into the connection's buffer; nothing is allocated.
import { ascii, equalsBytes, equalsIgnoreCase, parseDecimal, skipLws, trimLwsEnd } from "../sip/bytes.js";
import { isToken } from "../sip/chars.js";

/** `parse` results besides an HTTP status: the head is complete (0), or needs more bytes. */
export const HEAD_DONE = 0, HEAD_MORE = -1;

const CR = 0x0d, LF = 0x0a, SP = 0x20, HTAB = 0x09, COLON = 0x3a, SLASH = 0x2f, QUESTION = 0x3f, AT = 0x40;
const L = ascii;
const HTTP_1 = L("HTTP/1."), HOST = L("host"), AUTHORIZATION = L("authorization"), CONTENT_LENGTH = L("content-length"),
	TRANSFER_ENCODING = L("transfer-encoding"), CONNECTION = L("connection"), CLOSE = L("close"), KEEP_ALIVE = L("keep-alive"),
	HTTP_SCHEME = L("http://");

/**
 * One request head. `parse(buf, length)` looks for the blank line ending the head in buf[0, length) (continuing where the
 * last call stopped) and, once found, reads it: HEAD_DONE, HEAD_MORE, or the status to answer (400, 413, 414, 431,
 * 501, 505) with `reason`. Bare LF line ends are accepted (RFC 9112 §2.2).
 */
export class RequestHead {
	/** Index after the blank line: where the next request (pipelined) begins. */
	end = 0;
	methodStart = 0;
	methodEnd = 0;
	/** The request-target as sent (Digest's `uri` must equal it, RFC 7616 §3.4.6). */
	targetStart = 0;
	targetEnd = 0;
	/** The path within the target (absolute-form's scheme and authority skipped), and the query after '?' (-1: none). */
	pathStart = 0;
	pathEnd = 0;
	queryStart = -1;
	/** HTTP/1.x minor version. */
	minor = 1;
	authStart = -1;
	authEnd = -1;
	/** The connection closes after the response (Connection: close, or HTTP/1.0 without keep-alive, RFC 9112 §9.3). */
	close = false;
	reason = "";
	#scanned = 0;

	/** A new request on the same connection. */
	reset(): void {
		this.#scanned = 0;
		this.reason = "";
	}

	parse(buf: Uint8Array, length: number, capacity: number): number {
		let end = -1;
		for (let i = this.#scanned; i < length; i++) {
			// The blank line: LF LF or LF CR LF (a CR LF CR LF ends with the latter).
			if (buf[i] === LF && i > 0 && (buf[i - 1] === LF || (i > 1 && buf[i - 1] === CR && buf[i - 2] === LF))) {
				end = i + 1;
				break;
			}
		}
		if (end < 0) {
			this.#scanned = length;
			if (length < capacity) return HEAD_MORE;
			// Full buffer, no blank line: a target too long if the request line never ended (RFC 9112 §3, RFC 9110 §15.5.15).
			return indexOfLf(buf, 0, length) < 0 ? this.#fail(414, "request line longer than the buffer") : this.#fail(431, "request head larger than the buffer");
		}
		this.end = end;
		return this.#read(buf, end);
	}

	#read(buf: Uint8Array, end: number): number {
		// Request line: method SP request-target SP HTTP-version (RFC 9112 §3).
		let i = 0;
		while (i < end && (buf[i] === CR || buf[i] === LF)) i++; // RFC 9112 §2.2: empty lines before it are ignored
		this.methodStart = i;
		while (i < end && isToken(buf[i])) i++;
		this.methodEnd = i;
		if (i === this.methodStart || buf[i] !== SP) return this.#fail(400, "bad request line (method)");
		this.targetStart = ++i;
		while (i < end && buf[i] > SP && buf[i] < 0x7f) i++;
		this.targetEnd = i;
		if (i === this.targetStart || buf[i] !== SP) return this.#fail(400, "bad request line (target)");
		i++;
		if (end - i < 8 || !equalsBytes(buf, i, i + 7, HTTP_1)) return this.#fail(400, "bad request line (version)");
		const minor = buf[i + 7] - 0x30;
		if (minor < 0 || minor > 9) return this.#fail(505, "HTTP version not supported");
		this.minor = minor;
		i += 8;
		if (buf[i] === CR) i++;
		if (buf[i] !== LF) return this.#fail(400, "bad request line (end)");
		if (!this.#target(buf)) return this.#fail(400, this.reason);
		// Header fields (RFC 9112 §5).
		let host = false, close = minor === 0, length = -1;
		this.authStart = this.authEnd = -1;
		for (i++; i < end;) {
			let eol = indexOfLf(buf, i, end);
			const next = eol + 1;
			if (eol > i && buf[eol - 1] === CR) eol--;
			if (eol === i) break; // the blank line
			if (buf[i] === SP || buf[i] === HTAB) return this.#fail(400, "obsolete line folding (RFC 9112 §5.2)");
			const nameStart = i;
			while (i < eol && isToken(buf[i])) i++;
			if (i === nameStart || buf[i] !== COLON) return this.#fail(400, "bad header field name (RFC 9112 §5.1)");
			const nameEnd = i;
			const vs = skipLws(buf, i + 1, eol), ve = trimLwsEnd(buf, vs, eol);
			if (equalsIgnoreCase(buf, nameStart, nameEnd, HOST)) {
				if (host) return this.#fail(400, "more than one Host (RFC 9110 §7.2)");
				host = true;
			} else if (equalsIgnoreCase(buf, nameStart, nameEnd, AUTHORIZATION)) {
				this.authStart = vs;
				this.authEnd = ve;
			} else if (equalsIgnoreCase(buf, nameStart, nameEnd, CONTENT_LENGTH)) {
				const n = parseDecimal(buf, vs, ve, 1e15);
				if (n < 0 || (length >= 0 && n !== length)) return this.#fail(400, "bad Content-Length (RFC 9112 §6.3)");
				length = n;
			} else if (equalsIgnoreCase(buf, nameStart, nameEnd, TRANSFER_ENCODING)) {
				return this.#fail(501, "Transfer-Encoding is not accepted: the API takes no request body");
			} else if (equalsIgnoreCase(buf, nameStart, nameEnd, CONNECTION)) {
				if (listHas(buf, vs, ve, CLOSE)) close = true;
				else if (listHas(buf, vs, ve, KEEP_ALIVE)) close = false;
			}
			i = next;
		}
		if (minor >= 1 && !host) return this.#fail(400, "no Host (RFC 9110 §7.2)");
		if (length > 0) return this.#fail(413, "a request body is not accepted");
		this.close = close;
		return HEAD_DONE;
	}

	/** origin-form (/path?query) or absolute-form (http://host/path?query); no userinfo (credentials never in a URL). */
	#target(buf: Uint8Array): boolean {
		let i = this.targetStart;
		const end = this.targetEnd;
		if (buf[i] !== SLASH) {
			if (end - i < HTTP_SCHEME.length || !equalsIgnoreCase(buf, i, i + HTTP_SCHEME.length, HTTP_SCHEME)) {
				this.reason = "the request-target must be a path (RFC 9112 §3.2)";
				return false;
			}
			i += HTTP_SCHEME.length;
			while (i < end && buf[i] !== SLASH && buf[i] !== QUESTION) {
				if (buf[i] === AT) {
					this.reason = "credentials in the URL are not accepted (RFC 9110 §4.2.4)";
					return false;
				}
				i++;
			}
		}
		this.pathStart = i;
		while (i < end && buf[i] !== QUESTION) i++;
		this.pathEnd = i;
		this.queryStart = i < end ? i + 1 : -1;
		return true;
	}

	#fail(status: number, reason: string): number {
		this.reason = reason;
		return status;
	}
}

function indexOfLf(buf: Uint8Array, start: number, end: number): number {
	for (let i = start; i < end; i++) if (buf[i] === LF) return i;
	return -1;
}

/** Does the comma-separated list buf[start, end) hold the token `lower` (case-insensitive)? */
function listHas(buf: Uint8Array, start: number, end: number, lower: Uint8Array): boolean {
	let i = start;
	while (i < end) {
		let j = i;
		while (j < end && buf[j] !== 0x2c) j++;
		const s = skipLws(buf, i, j);
		if (equalsIgnoreCase(buf, s, trimLwsEnd(buf, s, j), lower)) return true;
		i = j + 1;
	}
	return false;
}
