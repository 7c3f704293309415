// Frame and index one SIP message into a MessageView, allocation-free — RFC 3261 §7, §7.3.1, §7.5, §18.3.
import type { Limits } from "./limits.js";
import { MessageView } from "./message-view.js";
import { CLASS, COLON, CR, DIGIT, DQUOTE, BACKSLASH, HTAB, LAQUOT, LF, RAQUOT, SP, COMMA, TOKEN, URIC } from "./chars.js";
import { headerIdOfToken, H_CONTENT_LENGTH, IS_LIST } from "./header-ids.js";
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

	/**
	 * Positions of the top-level commas of a list header's value (at most maxValuesPerHeader kept): two buffers,
	 * for the field being read and the one before it, which is recorded once the new line is known to be whole.
	 */
	readonly #commasA: Int32Array;
	readonly #commasB: Int32Array;

	constructor(limits: Limits) {
		this.#limits = limits;
		this.#commasA = new Int32Array(Math.max(1, limits.maxValuesPerHeader));
		this.#commasB = new Int32Array(Math.max(1, limits.maxValuesPerHeader));
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
		const limits = this.#limits;
		const max = limits.maxMessageBytes;
		const limit = end - p > max ? p + max : end;

		// Start line.
		const lf = this.#lineEnd(buf, p, limit);
		if (lf < 0) return this.#unterminated(lf, limit, end, stream);
		let status = parseStartLine(buf, p, contentEnd(buf, p, lf), view, v);
		if (status !== 0) return status;
		p = lf + 1;

		// Header fields (§7.3), each possibly folded over several lines, up to the empty line. Each byte is looked
		// at once: a new line's name, then its value up to the line end, where a list header's value loop also
		// notes the top-level commas (§7.3.1) for #emit. Faults come in the order of a line-by-line reading: a
		// line's framing (its end) first, then the previous field (recorded once the next line is known to be
		// whole), then the line's name. The view holds the same entries at any fault as such a reading would.
		// The hot loops use byte literals and local tables (V8 does not fold imported constants; XS charges every
		// bytecode and call): 13 CR, 10 LF, 32 SP, 9 HTAB, 58 ':', 34 '"', 92 '\\', 60 '<', 62 '>', 44 ','.
		const maxHeaders = limits.maxHeaders, maxValues = limits.maxValuesPerHeader;
		const token = TOKEN_TABLE, listStop = LIST_STOP;
		// The open field: the last one begun, which continuation lines extend. Its list-splitting state too.
		let open = false, id = 0, nameStart = 0, nameEnd = 0, valueStart = 0, valueEnd = 0;
		let list = false, quoted = false, angle = false, commaCount = 0, commas = this.#commasA, spare = this.#commasB;
		// The field before it, while the new line is read.
		let prevId = 0, prevNameStart = 0, prevNameEnd = 0, prevValueStart = 0, prevValueEnd = 0, prevCount = 0;
		let i = 0, b = 0;
		for (;;) {
			const lineStart = p;
			if (p >= limit) return this.#unterminated(-1, limit, end, stream);
			b = buf[p];
			const fresh = b !== 32 && b !== 9;
			if (!fresh) {
				// §7.3.1: a line starting with white space continues the open field's value.
				if (!open) {
					const e = this.#lineEnd(buf, p, limit);
					return e < 0 ? this.#unterminated(e, limit, end, stream) : v.fail(R_BAD_FOLDING, lineStart);
				}
				i = p;
			} else if (b === 13 || b === 10) {
				// A line that starts with its end: the empty line (or a bare CR). Headers end.
				const e = this.#lineEnd(buf, p, limit);
				if (e < 0) return this.#unterminated(e, limit, end, stream);
				p = e + 1;
				break;
			} else {
				// field-name HCOLON: token, optional SP/HTAB, ":" (§7.3.1, §25.1).
				i = p;
				while (i < limit && token[buf[i]] !== 0) i++;
				const nameStop = i;
				while (i < limit && ((b = buf[i]) === 32 || b === 9)) i++;
				if (nameStop === p || i >= limit || buf[i] !== 58 || view.headerCount >= maxHeaders) {
					// A bad line, or one too many: its end first, then the open field, then the fault itself.
					const e = this.#lineEnd(buf, p, limit);
					if (e < 0) return this.#unterminated(e, limit, end, stream);
					if (open) {
						status = this.#emit(view, id, nameStart, nameEnd, valueStart, valueEnd, commas, commaCount);
						if (status !== 0) return status;
					}
					if (nameStop === p || i >= limit || buf[i] !== 58) return v.fail(R_BAD_HEADER_LINE, i, lineStart, contentEnd(buf, lineStart, e));
					return v.fail(R_TOO_MANY_HEADERS, lineStart);
				}
				// The open field becomes the previous one; this line opens the next.
				prevId = id;
				prevNameStart = nameStart;
				prevNameEnd = nameEnd;
				prevValueStart = valueStart;
				prevValueEnd = valueEnd;
				prevCount = commaCount;
				const swap = spare;
				spare = commas;
				commas = swap;
				id = headerIdOfToken(buf, p, nameStop);
				nameStart = p;
				nameEnd = nameStop;
				valueStart = ++i;
				list = IS_LIST[id] !== 0;
				quoted = angle = false;
				commaCount = 0;
			}
			// The value (or its continuation) up to the LF that ends the line.
			if (!list) {
				for (;;) {
					// The first byte <= 13 is a candidate (CR, LF or another control byte).
					while (i < limit && (b = buf[i]) > 13) i++;
					if (i >= limit) return this.#unterminated(-1, limit, end, stream);
					if (b === 10) break;
					if (b === 13 && i + 1 < limit && buf[i + 1] !== 10) return v.fail(R_BAD_LINE_END, i);
					i++;
				}
			} else {
				// A comma inside a quoted-string or inside <...> does not separate values (§7.3.1).
				for (;;) {
					while (i < limit && listStop[buf[i]] === 0) i++;
					if (i >= limit) return this.#unterminated(-1, limit, end, stream);
					b = buf[i];
					if (b <= 13) {
						if (b === 10) break;
						if (b === 13 && i + 1 < limit && buf[i + 1] !== 10) return v.fail(R_BAD_LINE_END, i);
					} else if (quoted) {
						if (b === 92) {
							// An escaped quote or backslash does not count (no other escaped byte is special).
							const next = buf[i + 1];
							if (next === 34 || next === 92) i++;
						} else if (b === 34) quoted = false;
					} else if (b === 34) quoted = true;
					else if (b === 60) angle = true;
					else if (b === 62) angle = false;
					else if (b === 44 && !angle) {
						if (commaCount < maxValues) commas[commaCount] = i;
						commaCount++;
					}
					i++;
				}
			}
			valueEnd = i > lineStart && buf[i - 1] === 13 ? i - 1 : i;
			p = i + 1;
			if (fresh) {
				// The line is whole: the previous field is complete.
				if (open) {
					// #emit's common case inline: one value, trimmed (LWS: 32, 9, 13, 10).
					let vs = prevValueStart, ve = prevValueEnd;
					while (vs < ve && ((b = buf[vs]) === 32 || b === 9 || b === 13 || b === 10)) vs++;
					while (ve > vs && ((b = buf[ve - 1]) === 32 || b === 9 || b === 13 || b === 10)) ve--;
					if ((prevCount === 0 && maxValues > 0) || vs === ve || IS_LIST[prevId] === 0) {
						if (!view.addEntry(prevId, prevNameStart, prevNameEnd, vs, ve, view.headerCount - 1)) return v.fail(R_TOO_MANY_HEADERS, vs);
					} else {
						status = this.#emit(view, prevId, prevNameStart, prevNameEnd, vs, ve, spare, prevCount);
						if (status !== 0) return status;
					}
				}
				view.headerCount++;
				open = true;
			}
		}
		if (open) {
			status = this.#emit(view, id, nameStart, nameEnd, valueStart, valueEnd, commas, commaCount);
			if (status !== 0) return status;
		}
		return this.#frameBody(buf, p, end, view, stream);
	}

	/** Find the LF that ends the line starting at p, or a negative code: -1 not found, -2 bare CR (position in #bareCr). */
	#bareCr = -1;
	#lineEnd(buf: Uint8Array, p: number, limit: number): number {
		let i = p, b = 0;
		for (;;) {
			while (i < limit && (b = buf[i]) > 13) i++;
			if (i >= limit) return -1;
			if (b === 10) return i;
			if (b === 13 && i + 1 < limit && buf[i + 1] !== 10) {
				this.#bareCr = i;
				return -2;
			}
			i++;
		}
	}

	#unterminated(code: number, limit: number, end: number, stream: boolean): number {
		const v = this.verdict;
		if (code === -2) return v.fail(R_BAD_LINE_END, this.#bareCr);
		if (limit < end) return v.fail(R_TOO_LARGE, limit);
		if (stream) return NEED_MORE;
		return v.fail(R_UNTERMINATED, end);
	}

	/**
	 * Record one header field: trimmed, and for a list header split at the `commaCount` top-level commas the
	 * value loop noted in `commas` (§7.3.1).
	 */
	#emit(view: MessageView, id: number, nameStart: number, nameEnd: number, start: number, end: number, commas: Int32Array, commaCount: number): number {
		const buf = view.buf;
		// Trim LWS (SP, HTAB and the CR LF of folding) at both ends.
		let b = 0;
		while (start < end && ((b = buf[start]) === 32 || b === 9 || b === 13 || b === 10)) start++;
		while (end > start && ((b = buf[end - 1]) === 32 || b === 9 || b === 13 || b === 10)) end--;
		const line = view.headerCount - 1;
		const maxValues = this.#limits.maxValuesPerHeader;
		if (IS_LIST[id] === 0 || start === end || (commaCount === 0 && maxValues > 0)) {
			if (view.addEntry(id, nameStart, nameEnd, start, end, line)) return 0;
			return this.verdict.fail(R_TOO_MANY_HEADERS, start);
		}
		let segment = start;
		for (let k = 0; ; k++) {
			if (k >= maxValues) return this.verdict.fail(R_TOO_MANY_VALUES, segment, nameStart, nameEnd);
			const stop = k < commaCount ? commas[k] : end;
			let vs = segment, ve = stop;
			while (vs < ve && ((b = buf[vs]) === 32 || b === 9 || b === 13 || b === 10)) vs++;
			while (ve > vs && ((b = buf[ve - 1]) === 32 || b === 9 || b === 13 || b === 10)) ve--;
			if (!view.addEntry(id, nameStart, nameEnd, vs, ve, line)) return this.verdict.fail(R_TOO_MANY_HEADERS, segment);
			if (k >= commaCount) return 0;
			segment = stop + 1;
		}
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

/** 1 for a token byte (§25.1), else 0: the header-name loop's test. */
const TOKEN_TABLE = new Uint8Array(256);
for (let b = 0; b < 256; b++) TOKEN_TABLE[b] = (CLASS[b] & TOKEN) !== 0 ? 1 : 0;
/** 1 for a byte allowed in a Request-URI (URIC). */
const URIC_TABLE = new Uint8Array(256);
for (let b = 0; b < 256; b++) URIC_TABLE[b] = (CLASS[b] & URIC) !== 0 ? 1 : 0;
/** 1 where a list header's value loop must stop: a byte <= 13 (CR, LF or another control byte) or , " < > \\ (§7.3.1). */
const LIST_STOP = new Uint8Array(256);
for (let b = 0; b <= 13; b++) LIST_STOP[b] = 1;
LIST_STOP[COMMA] = LIST_STOP[DQUOTE] = LIST_STOP[LAQUOT] = LIST_STOP[RAQUOT] = LIST_STOP[BACKSLASH] = 1;

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
	if (e - s === 7 && buf[s + 4] === 0x32 && buf[s + 5] === 0x2e && buf[s + 6] === 0x30) return 1; // "2.0"
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
	const token = TOKEN_TABLE, uric = URIC_TABLE;
	while (i < e && token[buf[i]] !== 0) i++;
	if (i === p || i === e || buf[i] !== SP) return v.fail(i === e || buf[i] === SP ? R_BAD_REQUEST_LINE : R_BAD_METHOD, i);
	view.methodStart = p;
	view.methodEnd = i;
	view.methodId = methodId(buf, p, i);
	const uriStart = ++i;
	while (i < e && uric[buf[i]] !== 0) i++;
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
