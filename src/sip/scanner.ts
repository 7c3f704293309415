// Frame and index one SIP message into a MessageView, allocation-free — RFC 3261 §7, §7.3.1, §7.5, §18.3.
import type { Limits } from "./limits.js";
import { MessageView } from "./message-view.js";
import { CLASS, COLON, CR, DIGIT, DQUOTE, BACKSLASH, HTAB, LAQUOT, LF, RAQUOT, SP, COMMA, TOKEN, URIC } from "./chars.js";
import { headerId, H_CONTENT_LENGTH, IS_LIST } from "./header-ids.js";
import { methodId } from "./methods.js";
import { parseDecimal, trimLwsEnd, skipLws } from "./bytes.js";
import {
	Verdict, R_BAD_CONTENT_LENGTH, R_BAD_FOLDING, R_BAD_HEADER_LINE, R_BAD_LINE_END, R_BAD_METHOD,
	R_BAD_REQUEST_LINE, R_BAD_REQUEST_URI_CHARS, R_BAD_STATUS_LINE, R_BAD_VERSION, R_CONFLICTING_CONTENT_LENGTH,
	R_EMPTY, R_MISSING_CONTENT_LENGTH, R_SHORT_BODY, R_TOO_LARGE, R_TOO_MANY_HEADERS, R_TOO_MANY_VALUES,
	R_UNTERMINATED,
} from "./verdict.js";

/** `scan` result in stream mode: the message is not complete yet; `view.end`, when > 0, is where it will end. */
export const NEED_MORE = -1;

/** The largest Content-Length the scanner will read as a number (beyond it the message is too large anyway). */
const MAX_CONTENT_LENGTH = 0x7fffffff;

/**
 * The message scanner. `scan(buf, start, end, view)` returns 0 when `view` describes a well-framed message,
 * or a status code with `reason` and `errorAt` saying why not (llhttp's discipline, with a table in place of
 * callbacks). It never throws on any input and never allocates.
 *
 * Framing (§18.3): a datagram holds one message; bytes after Content-Length are ignored, a body shorter than
 * Content-Length is an error, no Content-Length means the body runs to the end of the datagram. On a stream
 * Content-Length is mandatory and an incomplete message answers NEED_MORE. Line ends are CRLF; a bare LF is
 * accepted as one (liberal receiving, §7.5 silent); a bare CR is an error.
 *
 * Syntax checked here: start line, header names and colons, folding, Content-Length. Header semantics
 * (mandatory headers, CSeq, Via ...) are validate.ts's job.
 */
export class Scanner {
	/** Why the last scan failed (reason, status, offset and detail spans). */
	readonly verdict = new Verdict();
	readonly #limits: Limits;

	constructor(limits: Limits) {
		this.#limits = limits;
	}

	/** The constant reason of the last failure, or "". */
	get reason(): string {
		return this.verdict.reason;
	}
	/** Byte offset of the last failure, or -1. */
	get errorAt(): number {
		return this.verdict.errorAt;
	}

	/** Scan buf[start, end) into `view`. `stream` selects stream framing (TCP). */
	scan(buf: Uint8Array, start: number, end: number, view: MessageView, stream = false): number {
		const v = this.verdict;
		v.clear();
		view.clear(buf);
		let p = start;
		// §7.5: CRLFs before the start-line are ignored (keep-alives on streams; harmless on datagrams).
		while (p < end && (buf[p] === CR || buf[p] === LF)) p++;
		if (p === end) return stream ? NEED_MORE : v.fail(R_EMPTY, start);
		view.start = p;
		const max = this.#limits.maxMessageBytes;
		const limit = end - p > max ? p + max : end;

		// Start line.
		let lf = this.#lineEnd(buf, p, limit);
		if (lf < 0) return this.#unterminated(lf, limit, end, stream);
		let status = parseStartLine(buf, p, contentEnd(buf, p, lf), view, v);
		if (status !== 0) return status;
		p = lf + 1;

		// Header fields (§7.3), each possibly folded over several lines, up to the empty line.
		const maxHeaders = this.#limits.maxHeaders;
		let open = false, id = 0, nameStart = 0, nameEnd = 0, valueStart = 0, valueEnd = 0;
		for (;;) {
			lf = this.#lineEnd(buf, p, limit);
			if (lf < 0) return this.#unterminated(lf, limit, end, stream);
			const lineStart = p;
			const lineEnd = contentEnd(buf, p, lf);
			p = lf + 1;
			if (lineEnd === lineStart) break; // the empty line: headers end
			const first = buf[lineStart];
			if (first === SP || first === HTAB) {
				// §7.3.1: a line starting with white space continues the previous field value.
				if (!open) return v.fail(R_BAD_FOLDING, lineStart);
				valueEnd = lineEnd;
				continue;
			}
			if (open) {
				status = this.#emit(view, id, nameStart, nameEnd, valueStart, valueEnd);
				if (status !== 0) return status;
			}
			// field-name HCOLON: token, optional SP/HTAB, ":" (§7.3.1, §25.1).
			let i = lineStart;
			while (i < lineEnd && (CLASS[buf[i]] & TOKEN) !== 0) i++;
			nameStart = lineStart;
			nameEnd = i;
			while (i < lineEnd && (buf[i] === SP || buf[i] === HTAB)) i++;
			if (nameEnd === nameStart || i === lineEnd || buf[i] !== COLON) {
				return v.fail(R_BAD_HEADER_LINE, i, lineStart, lineEnd);
			}
			if (view.headerCount >= maxHeaders) return v.fail(R_TOO_MANY_HEADERS, lineStart);
			view.headerCount++;
			id = headerId(buf, nameStart, nameEnd);
			valueStart = i + 1;
			valueEnd = lineEnd;
			open = true;
		}
		if (open) {
			status = this.#emit(view, id, nameStart, nameEnd, valueStart, valueEnd);
			if (status !== 0) return status;
		}
		return this.#frameBody(buf, p, end, view, stream);
	}

	/** Find the LF that ends the line starting at p, or a negative code: -1 not found, -2 bare CR (position in #bareCr). */
	#bareCr = -1;
	#lineEnd(buf: Uint8Array, p: number, limit: number): number {
		for (let i = p; i < limit; i++) {
			const b = buf[i];
			if (b === LF) return i;
			if (b === CR && i + 1 < limit && buf[i + 1] !== LF) {
				this.#bareCr = i;
				return -2;
			}
		}
		return -1;
	}

	#unterminated(code: number, limit: number, end: number, stream: boolean): number {
		const v = this.verdict;
		if (code === -2) return v.fail(R_BAD_LINE_END, this.#bareCr);
		if (limit < end) return v.fail(R_TOO_LARGE, limit);
		if (stream) return NEED_MORE;
		return v.fail(R_UNTERMINATED, end);
	}

	/** Record one header field: trimmed, and split at top-level commas when its grammar is a list. */
	#emit(view: MessageView, id: number, nameStart: number, nameEnd: number, start: number, end: number): number {
		const buf = view.buf;
		start = skipLws(buf, start, end);
		end = trimLwsEnd(buf, start, end);
		const line = view.headerCount - 1;
		if (IS_LIST[id] === 0 || start === end) {
			return view.addEntry(id, nameStart, nameEnd, start, end, line) ? 0 : this.verdict.fail(R_TOO_MANY_HEADERS, start);
		}
		// A comma inside a quoted-string or inside <...> does not separate values (§7.3.1).
		const maxValues = this.#limits.maxValuesPerHeader;
		let values = 0, segment = start;
		for (;;) {
			let i = segment, quoted = false, angle = false;
			for (; i < end; i++) {
				const b = buf[i];
				if (quoted) {
					if (b === BACKSLASH && i + 1 < end) i++;
					else if (b === DQUOTE) quoted = false;
				} else if (b === DQUOTE) quoted = true;
				else if (b === LAQUOT) angle = true;
				else if (b === RAQUOT) angle = false;
				else if (b === COMMA && !angle) break;
			}
			if (++values > maxValues) return this.verdict.fail(R_TOO_MANY_VALUES, segment, nameStart, nameEnd);
			const vs = skipLws(buf, segment, i);
			if (!view.addEntry(id, nameStart, nameEnd, vs, trimLwsEnd(buf, vs, i), line)) {
				return this.verdict.fail(R_TOO_MANY_HEADERS, segment);
			}
			if (i >= end) break;
			segment = i + 1;
		}
		return 0;
	}

	/** §18.3: frame the body by Content-Length (datagram: to its end when absent; stream: mandatory). */
	#frameBody(buf: Uint8Array, bodyStart: number, end: number, view: MessageView, stream: boolean): number {
		const v = this.verdict;
		view.bodyStart = bodyStart;
		let length = -1;
		for (let e = view.find(H_CONTENT_LENGTH); e >= 0; e = view.nextOf(e)) {
			const s = view.valueStart(e), t = view.valueEnd(e);
			const n = parseDecimal(buf, s, t, MAX_CONTENT_LENGTH);
			if (n < 0) return v.fail(R_BAD_CONTENT_LENGTH, s, s, t);
			if (length >= 0 && n !== length) return v.fail(R_CONFLICTING_CONTENT_LENGTH, s, s, t);
			length = n;
		}
		view.contentLength = length;
		const max = this.#limits.maxMessageBytes;
		if (length < 0) {
			if (stream) return v.fail(R_MISSING_CONTENT_LENGTH, bodyStart);
			length = end - bodyStart;
		}
		const bodyEnd = bodyStart + length;
		view.bodyEnd = bodyEnd;
		view.end = bodyEnd;
		// A datagram is all there is: a body it does not hold is an error (RFC 4475 §3.1.2.2), whatever its size.
		if (!stream && bodyEnd > end) return v.fail(R_SHORT_BODY, end);
		if (bodyEnd - view.start > max) return v.fail(R_TOO_LARGE, bodyStart);
		return bodyEnd > end ? NEED_MORE : 0;
	}
}

/** End of a line's content: the LF, or the CR before it. */
function contentEnd(buf: Uint8Array, start: number, lf: number): number {
	return lf > start && buf[lf - 1] === CR ? lf - 1 : lf;
}

/** "SIP/" case-insensitively (§7.1: the version string is case-insensitive). */
function isSipSlash(buf: Uint8Array, p: number, end: number): boolean {
	return end - p >= 4 && (buf[p] | 0x20) === 0x73 && (buf[p + 1] | 0x20) === 0x69 && (buf[p + 2] | 0x20) === 0x70 && buf[p + 3] === 0x2f;
}

/** SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT (§25.1). Returns 0 if malformed, 1 if "2.0", 2 if another version. */
function checkVersion(buf: Uint8Array, s: number, e: number): number {
	if (!isSipSlash(buf, s, e)) return 0;
	let i = s + 4;
	const majorStart = i;
	while (i < e && (CLASS[buf[i]] & DIGIT) !== 0) i++;
	if (i === majorStart || i === e || buf[i] !== 0x2e) return 0;
	const majorEnd = i++;
	const minorStart = i;
	while (i < e && (CLASS[buf[i]] & DIGIT) !== 0) i++;
	if (i === minorStart || i !== e) return 0;
	const major = parseDecimal(buf, majorStart, majorEnd, 1000), minor = parseDecimal(buf, minorStart, e, 1000);
	return major === 2 && minor === 0 ? 1 : 2;
}

/** Request-Line (§7.1) or Status-Line (§7.2) in buf[p, e). */
function parseStartLine(buf: Uint8Array, p: number, e: number, view: MessageView, v: Verdict): number {
	if (isSipSlash(buf, p, e)) {
		// Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
		let i = p;
		while (i < e && buf[i] !== SP) i++;
		const version = checkVersion(buf, p, i);
		if (version === 0) return v.fail(R_BAD_VERSION, p, p, i);
		view.versionStart = p;
		view.versionEnd = i;
		view.versionIs20 = version === 1;
		const codeStart = i + 1;
		const codeEnd = codeStart + 3;
		const status = codeEnd <= e ? parseDecimal(buf, codeStart, codeEnd, 699) : -1;
		// Exactly three digits, 100-699; "SIP/2.0 4294967301" (RFC 4475 §3.1.2.19) fails here, unwrapped.
		if (status < 100 || (codeEnd < e && buf[codeEnd] !== SP)) return v.fail(R_BAD_STATUS_LINE, codeStart);
		view.status = status;
		// RFC 4475 §3.1.2.13: an empty Reason-Phrase is legal; liberal receivers also take a missing SP.
		view.reasonStart = codeEnd < e ? codeEnd + 1 : e;
		view.reasonEnd = e;
		view.isRequest = false;
		return 0;
	}
	// Request-Line = Method SP Request-URI SP SIP-Version, single SPs, no trailing white space.
	let i = p;
	while (i < e && (CLASS[buf[i]] & TOKEN) !== 0) i++;
	if (i === p || i === e || buf[i] !== SP) return v.fail(i === e || buf[i] === SP ? R_BAD_REQUEST_LINE : R_BAD_METHOD, i);
	view.methodStart = p;
	view.methodEnd = i;
	view.methodId = methodId(buf, p, i);
	const uriStart = ++i;
	while (i < e && (CLASS[buf[i]] & URIC) !== 0) i++;
	if (i === uriStart || i === e || buf[i] !== SP) {
		return v.fail(i < e && buf[i] !== SP ? R_BAD_REQUEST_URI_CHARS : R_BAD_REQUEST_LINE, i);
	}
	view.uriStart = uriStart;
	view.uriEnd = i;
	const versionStart = i + 1;
	const version = checkVersion(buf, versionStart, e);
	if (version === 0) return v.fail(R_BAD_VERSION, versionStart, versionStart, e);
	view.versionStart = versionStart;
	view.versionEnd = e;
	view.versionIs20 = version === 1;
	view.isRequest = true;
	return 0;
}
