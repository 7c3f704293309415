// Byte spans: constant byte sequences, compares and scans over a Uint8Array, hex digits, strings only on request.
import type { Random } from "../host.js";
import { isLws, LOWER } from "./chars.js";

/** A region [start, end) of some buffer; `start < 0` means absent. Preallocated by the reader's owner and reused. */
export class Span {
	start = -1;
	end = -1;
	set(start: number, end: number): void {
		this.start = start;
		this.end = end;
	}
	clear(): void {
		this.start = -1;
		this.end = -1;
	}
	get present(): boolean {
		return this.start >= 0;
	}
	get length(): number {
		return this.start < 0 ? 0 : this.end - this.start;
	}
}

/** ASCII bytes of a constant (module-initialisation time: allocates). */
export function ascii(text: string): Uint8Array {
	const out = new Uint8Array(text.length);
	for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
	return out;
}

/** UTF-8 bytes of a string (RFC 3629; a lone surrogate becomes U+FFFD). Configuration time: allocates. */
export function utf8(text: string): Uint8Array {
	let n = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text.codePointAt(i) ?? 0;
		n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
		if (c >= 0x10000) i++;
	}
	const out = new Uint8Array(n);
	let o = 0;
	for (let i = 0; i < text.length; i++) {
		let c = text.codePointAt(i) ?? 0;
		if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
		if (c < 0x80) out[o++] = c;
		else if (c < 0x800) {
			out[o++] = 0xc0 | (c >> 6);
			out[o++] = 0x80 | (c & 0x3f);
		} else if (c < 0x10000) {
			out[o++] = 0xe0 | (c >> 12);
			out[o++] = 0x80 | ((c >> 6) & 0x3f);
			out[o++] = 0x80 | (c & 0x3f);
		} else {
			out[o++] = 0xf0 | (c >> 18);
			out[o++] = 0x80 | ((c >> 12) & 0x3f);
			out[o++] = 0x80 | ((c >> 6) & 0x3f);
			out[o++] = 0x80 | (c & 0x3f);
			i++;
		}
	}
	return out;
}

/** Exact (case-sensitive) compare of buf[start, end) with a constant. */
export function equalsBytes(buf: Uint8Array, start: number, end: number, constant: Uint8Array): boolean {
	if (end - start !== constant.length) return false;
	for (let i = 0; i < constant.length; i++) if (buf[start + i] !== constant[i]) return false;
	return true;
}

/** Case-insensitive compare of buf[start, end) with a lower-case constant. */
export function equalsIgnoreCase(buf: Uint8Array, start: number, end: number, lowerConstant: Uint8Array): boolean {
	if (end - start !== lowerConstant.length) return false;
	for (let i = 0; i < lowerConstant.length; i++) if (LOWER[buf[start + i]] !== lowerConstant[i]) return false;
	return true;
}

/** Does buf[start, end) begin with the lower-case constant, ignoring case? */
export function startsWithIgnoreCase(buf: Uint8Array, start: number, end: number, lowerConstant: Uint8Array): boolean {
	if (end - start < lowerConstant.length) return false;
	for (let i = 0; i < lowerConstant.length; i++) if (LOWER[buf[start + i]] !== lowerConstant[i]) return false;
	return true;
}

/** Case-insensitive compare of two spans (possibly in different buffers). */
export function spansEqualIgnoreCase(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): boolean {
	if (ae - as !== be - bs) return false;
	for (let i = 0; i < ae - as; i++) if (LOWER[a[as + i]] !== LOWER[b[bs + i]]) return false;
	return true;
}

/** Exact compare of two spans. */
export function spansEqual(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): boolean {
	if (ae - as !== be - bs) return false;
	for (let i = 0; i < ae - as; i++) if (a[as + i] !== b[bs + i]) return false;
	return true;
}

/** First index of byte `b` in [start, end), or -1. */
export function indexOf(buf: Uint8Array, start: number, end: number, b: number): number {
	for (let i = start; i < end; i++) if (buf[i] === b) return i;
	return -1;
}

/** Skip linear white space (SP, HTAB and folded CR LF) forward. */
export function skipLws(buf: Uint8Array, start: number, end: number): number {
	while (start < end && isLws(buf[start])) start++;
	return start;
}

/** Trim linear white space backward: the end of the value before trailing LWS. */
export function trimLwsEnd(buf: Uint8Array, start: number, end: number): number {
	while (end > start && isLws(buf[end - 1])) end--;
	return end;
}

/** A string of the bytes, decoded as UTF-8 (invalid sequences become U+FFFD). Allocates: for display and storage, not hot paths. */
export function text(buf: Uint8Array, start: number, end: number): string {
	let out = "";
	let i = start;
	while (i < end) {
		const b = buf[i];
		let cp = 0xfffd, n = 1;
		if (b < 0x80) cp = b;
		else if (b >= 0xc2 && b < 0xe0 && i + 1 < end && (buf[i + 1] & 0xc0) === 0x80) {
			cp = ((b & 0x1f) << 6) | (buf[i + 1] & 0x3f);
			n = 2;
		} else if (b >= 0xe0 && b < 0xf0 && i + 2 < end && (buf[i + 1] & 0xc0) === 0x80 && (buf[i + 2] & 0xc0) === 0x80) {
			cp = ((b & 0x0f) << 12) | ((buf[i + 1] & 0x3f) << 6) | (buf[i + 2] & 0x3f);
			n = 3;
		} else if (b >= 0xf0 && b < 0xf5 && i + 3 < end && (buf[i + 1] & 0xc0) === 0x80 && (buf[i + 2] & 0xc0) === 0x80 && (buf[i + 3] & 0xc0) === 0x80) {
			cp = ((b & 0x07) << 18) | ((buf[i + 1] & 0x3f) << 12) | ((buf[i + 2] & 0x3f) << 6) | (buf[i + 3] & 0x3f);
			n = 4;
		}
		// RFC 3629 §3: overlong forms, surrogates and code points above U+10FFFF are invalid (the last would throw).
		if ((n === 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) || (n === 4 && (cp < 0x10000 || cp > 0x10ffff))) {
			cp = 0xfffd;
			n = 1;
		}
		out += String.fromCodePoint(cp);
		i += n;
	}
	return out;
}

/**
 * Parse 1*DIGIT in [start, end) as a number no larger than `max` (at most 2^53). Returns -1 for an empty span,
 * a non-digit or a value above `max`: huge numbers (RFC 4475 §3.1.2.4) never wrap.
 */
export function parseDecimal(buf: Uint8Array, start: number, end: number, max: number): number {
	if (start >= end) return -1;
	let v = 0;
	for (let i = start; i < end; i++) {
		const d = buf[i] - 0x30;
		if (d < 0 || d > 9) return -1;
		v = v * 10 + d;
		if (v > max) return -1;
	}
	return v;
}

/** Lower-case hex digits by value (§25.1 LHEX): the one table for tags, branches, Call-IDs, cnonces and digests. */
export const HEX = ascii("0123456789abcdef");

/** bytes[start, end) as two lower-case hex digits each, into `out` from `at` while there is room; returns the end. */
export function hexInto(bytes: Uint8Array, start: number, end: number, out: Uint8Array, at: number): number {
	for (let i = start; i < end && at + 1 < out.length; i++) {
		out[at++] = HEX[bytes[i] >> 4];
		out[at++] = HEX[bytes[i] & 15];
	}
	return at;
}

/** A 32-bit number as eight lower-case hex digits into out[at, at + 8) (RFC 7616 §3.4 nc-value, hash-made tags). */
export function hex32Into(n: number, out: Uint8Array, at: number): void {
	n = n >>> 0;
	for (let k = 7; k >= 0; k--) {
		out[at + k] = HEX[n & 15];
		n >>>= 4;
	}
}

/**
 * `scratch.length` random bytes as hex digits into `out` from `outStart` (§19.3: tags need 32 random bits at least;
 * §8.1.1.4 Call-IDs, §8.1.1.7 branches, RFC 7616 cnonces).
 */
export function randomHex(random: Random, scratch: Uint8Array, out: Uint8Array, outStart = 0): void {
	random.fill(scratch);
	hexInto(scratch, 0, scratch.length, out, outStart);
}
