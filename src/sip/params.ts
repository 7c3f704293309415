// Header parameters: *( SEMI generic-param ) with generic-param = token [ EQUAL gen-value ] — RFC 3261 §7.3.1, §25.1.
import { BACKSLASH, CLASS, COLON, DQUOTE, EQUAL, LBRACKET, RBRACKET, SEMI, TOKEN } from "./chars.js";
import { equalsIgnoreCase, skipLws, Span } from "./bytes.js";

/** gen-value = token / host / quoted-string; host brings ':' '[' ']' (IPv6, RFC 5118 §4.5 `received`). */
function isValueChar(b: number): boolean {
	return (CLASS[b] & TOKEN) !== 0 || b === COLON || b === LBRACKET || b === RBRACKET;
}

/** 1 for a token byte (§25.1). */
const TOKEN_TABLE = new Uint8Array(256);
/** 1 for a gen-value byte outside quotes: token, ':' '[' ']'. */
const VALUE_TABLE = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
	TOKEN_TABLE[b] = (CLASS[b] & TOKEN) !== 0 ? 1 : 0;
	VALUE_TABLE[b] = isValueChar(b) ? 1 : 0;
}

/** The end of the quoted-string starting at buf[i] === '"' (after the closing quote), or -1 if unterminated. */
export function quotedStringEnd(buf: Uint8Array, i: number, e: number): number {
	for (i++; i < e; i++) {
		const b = buf[i];
		if (b === BACKSLASH) i++;
		else if (b === DQUOTE) return i + 1;
	}
	return -1;
}

/**
 * Walks the parameters of a header value. `reset(buf, start, end)` with `start` at the first ';' (LWS
 * allowed around ';' and '='), then `next()` until it returns 0 (done) or -1 (malformed). After each 1,
 * `nameStart..nameEnd` is the name and `valueStart..valueEnd` the value (-1 when there is none;
 * quotes included for a quoted-string).
 */
export class ParamCursor {
	buf: Uint8Array = new Uint8Array(0);
	pos = 0;
	end = 0;
	nameStart = 0;
	nameEnd = 0;
	valueStart = -1;
	valueEnd = -1;

	reset(buf: Uint8Array, start: number, end: number): this {
		this.buf = buf;
		this.pos = start;
		this.end = end;
		return this;
	}

	next(): number {
		const buf = this.buf, e = this.end, token = TOKEN_TABLE;
		// LWS is SP, HTAB and a folded line's CR LF: 32, 9, 13, 10.
		let i = this.pos, b = 0;
		while (i < e && ((b = buf[i]) === 32 || b === 9 || b === 13 || b === 10)) i++;
		if (i >= e) return 0;
		if (b !== 0x3b) return -1; // ';'
		i++;
		while (i < e && ((b = buf[i]) === 32 || b === 9 || b === 13 || b === 10)) i++;
		const nameStart = i;
		while (i < e && token[buf[i]] !== 0) i++;
		if (i === nameStart) return -1; // ";;" or ";=x": empty parameter (RFC 4475 §3.1.2.1)
		this.nameStart = nameStart;
		this.nameEnd = i;
		this.valueStart = this.valueEnd = -1;
		let j = i;
		while (j < e && ((b = buf[j]) === 32 || b === 9 || b === 13 || b === 10)) j++;
		if (j < e && b === 0x3d) { // '='
			i = j + 1;
			while (i < e && ((b = buf[i]) === 32 || b === 9 || b === 13 || b === 10)) i++;
			const valueStart = i;
			if (i < e && b === 0x22) { // '"'
				i = quotedStringEnd(buf, i, e);
				if (i < 0) return -1;
			} else {
				const value = VALUE_TABLE;
				while (i < e && value[buf[i]] !== 0) i++;
			}
			if (i === valueStart) return -1;
			this.valueStart = valueStart;
			this.valueEnd = i;
		}
		this.pos = i;
		return 1;
	}

	/** Put the current parameter's value in `out`: an empty span after the name when it has none (`;lr`). */
	valueInto(out: Span): void {
		if (this.valueStart < 0) out.set(this.nameEnd, this.nameEnd);
		else out.set(this.valueStart, this.valueEnd);
	}

	/** Is the current parameter's name `lowerName` (case-insensitive, §7.3.1)? */
	nameIs(lowerName: Uint8Array): boolean {
		return equalsIgnoreCase(this.buf, this.nameStart, this.nameEnd, lowerName);
	}
}

const cursor = new ParamCursor();

/** Are the parameters in buf[start, end) well-formed? */
export function checkParams(buf: Uint8Array, start: number, end: number): boolean {
	cursor.reset(buf, start, end);
	let r: number;
	while ((r = cursor.next()) === 1);
	return r === 0;
}

/**
 * Find parameter `lowerName` (case-insensitive, §7.3.1) in buf[start, end). Sets `value` to its value, or to
 * an empty span after the name when it has none (`;rport`, `;lr`); false (value cleared) when absent.
 */
export function findParam(buf: Uint8Array, start: number, end: number, lowerName: Uint8Array, value: Span): boolean {
	cursor.reset(buf, start, end);
	while (cursor.next() === 1) {
		if (cursor.nameIs(lowerName)) {
			cursor.valueInto(value);
			return true;
		}
	}
	value.clear();
	return false;
}
