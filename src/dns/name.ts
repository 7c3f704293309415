// Domain names on the wire — RFC 1035 §3.1 (labels), §4.1.4 (compression); RFC 4343 (case); RFC 6762 §3 (.local).
// A name is kept in wire form (length-prefixed labels, a zero at the end) in a byte buffer; a string is made only
// for an error message.
import { LOWER } from "../sip/chars.js";

/** Longest name on the wire, length bytes and the root's zero included (RFC 1035 §3.1). */
export const MAX_NAME = 255;
/** Longest label (RFC 1035 §2.3.4). */
export const MAX_LABEL = 63;
/** The header in front of every name a message holds: no pointer may aim into it (RFC 1035 §4.1.1). */
export const HEADER_BYTES = 12;

// What a name in a message can get wrong: negative codes, so a reader returns an offset or a code, never throws.
export const NAME_PAST_END = -1, NAME_POINTER_FORWARD = -2, NAME_POINTER_HEADER = -3, NAME_LABEL_TYPE = -4, NAME_TOO_LONG = -5;
/** The reason for each code, indexed by -code. */
export const NAME_REASONS: readonly string[] = Object.freeze([
	"",
	"name runs past the end of the message",
	"compression pointer does not point before the name (a loop or a forward pointer)",
	"compression pointer into the message header",
	"reserved label type (0x40 or 0x80)",
	"name longer than 255 bytes",
]);

/**
 * Check the name at msg[pos] of the message msg[base, end), following compression pointers: returns the offset
 * just after the name where it stands, or a NAME_* code. §4.1.4 lets a pointer aim at any earlier name; a pointer
 * aimed at or after the labels it ends (its own name, a loop, a forward reference) is refused, so every jump goes
 * strictly backward and the walk ends. Allocates nothing.
 */
export function skipName(msg: Uint8Array, base: number, pos: number, end: number): number {
	let p = pos, after = -1, limit = pos, length = 1;
	for (;;) {
		if (p >= end) return NAME_PAST_END;
		const b = msg[p];
		if (b === 0) return after < 0 ? p + 1 : after;
		const kind = b & 0xc0;
		if (kind === 0xc0) {
			if (p + 1 >= end) return NAME_PAST_END;
			const target = base + (((b & 0x3f) << 8) | msg[p + 1]);
			if (after < 0) after = p + 2;
			if (target < base + HEADER_BYTES) return NAME_POINTER_HEADER;
			if (target >= limit) return NAME_POINTER_FORWARD;
			limit = p = target;
			continue;
		}
		if (kind !== 0) return NAME_LABEL_TYPE;
		length += b + 1;
		if (length > MAX_NAME) return NAME_TOO_LONG;
		p += b + 1;
	}
}

/** Where the labels of the name at `p` continue: `p`, or the target of the pointer(s) there. Only for checked names. */
function follow(buf: Uint8Array, base: number, p: number): number {
	for (let hops = 0; (buf[p] & 0xc0) === 0xc0 && hops < 128; hops++) p = base + (((buf[p] & 0x3f) << 8) | buf[p + 1]);
	return p;
}

/**
 * Are two names equal, ignoring ASCII case (RFC 4343 §3)? Each is given as (buffer, message base, offset) and may be
 * compressed (a key kept outside a message is not). Both must have been checked (`skipName`, `encodeName`).
 */
export function namesEqual(a: Uint8Array, aBase: number, ao: number, b: Uint8Array, bBase: number, bo: number): boolean {
	let i = ao, j = bo;
	for (let labels = 0; labels < 128; labels++) {
		i = follow(a, aBase, i);
		j = follow(b, bBase, j);
		const n = a[i];
		if (n !== b[j]) return false;
		if (n === 0) return true;
		for (let k = 1; k <= n; k++) if (LOWER[a[i + k]] !== LOWER[b[j + k]]) return false;
		i += n + 1;
		j += n + 1;
	}
	return false;
}

/**
 * Copy the checked name at msg[pos] uncompressed into out[o, outEnd): returns its length on the wire (root zero
 * included), or -1 when it does not fit.
 */
export function copyName(msg: Uint8Array, base: number, pos: number, out: Uint8Array, o: number, outEnd: number): number {
	let p = follow(msg, base, pos), w = o;
	for (let labels = 0; labels < 128; labels++) {
		const n = msg[p];
		if (w + n + 1 > outEnd) return -1;
		out[w++] = n;
		if (n === 0) return w - o;
		for (let k = 1; k <= n; k++) out[w++] = msg[p + k];
		p = follow(msg, base, p + n + 1);
	}
	return -1;
}

/** Length on the wire of the uncompressed name at buf[o] (root zero included). */
export function nameLength(buf: Uint8Array, o: number): number {
	let p = o;
	while (p < buf.length && buf[p] !== 0) p += buf[p] + 1;
	return p + 1 - o;
}

/**
 * Write the dotted name text[s, e) ("pbx.example.com", a final dot allowed) in wire form into out[o, outEnd):
 * returns its length, or -1 for an empty label, a label over 63 bytes, a name over 255 bytes, a byte outside
 * printable ASCII, or no room. The root alone (".") is refused: no SIP host is the root.
 */
export function encodeName(text: Uint8Array, s: number, e: number, out: Uint8Array, o: number, outEnd: number): number {
	if (e > s && text[e - 1] === 0x2e) e--; // the final dot of an absolute name
	if (e <= s || e - s + 2 > MAX_NAME || o + e - s + 2 > outEnd) return -1;
	let lengthAt = o, w = o + 1;
	for (let i = s; i < e; i++) {
		const c = text[i];
		if (c === 0x2e) {
			const n = w - lengthAt - 1;
			if (n === 0 || n > MAX_LABEL) return -1;
			out[lengthAt] = n;
			lengthAt = w++;
		} else if (c > 0x20 && c < 0x7f) {
			out[w++] = c;
		} else {
			return -1;
		}
	}
	const n = w - lengthAt - 1;
	if (n === 0 || n > MAX_LABEL) return -1;
	out[lengthAt] = n;
	out[w++] = 0;
	return w - o;
}

/**
 * Write the labels of `prefix` (wire form without its root zero, e.g. "_sip._udp") followed by the name at
 * name[no] into out[o, outEnd) (RFC 2782's _Service._Proto.Name): returns the length, or -1 when over 255 bytes.
 */
export function prefixName(prefix: Uint8Array, name: Uint8Array, no: number, out: Uint8Array, o: number, outEnd: number): number {
	const n = nameLength(name, no), total = prefix.length + n;
	if (total > MAX_NAME || o + total > outEnd) return -1;
	for (let i = 0; i < prefix.length; i++) out[o + i] = prefix[i];
	for (let i = 0; i < n; i++) out[o + prefix.length + i] = name[no + i];
	return total;
}

/** The wire form of a dotted constant without the root zero, for `prefixName` (module-initialisation time: allocates). */
export function labels(dotted: string): Uint8Array {
	const parts = dotted.split("."), out = new Uint8Array(dotted.length + 1);
	let w = 0;
	for (const part of parts) {
		out[w++] = part.length;
		for (let i = 0; i < part.length; i++) out[w++] = part.charCodeAt(i);
	}
	return out;
}

const LOCAL = labels("local");

/** Does the uncompressed name at buf[o] end in the label "local" (RFC 6762 §3: resolved by multicast DNS)? */
export function isLocalName(buf: Uint8Array, o: number): boolean {
	let p = o, last = -1;
	while (p < buf.length && buf[p] !== 0) {
		last = p;
		p += buf[p] + 1;
	}
	if (last < 0 || buf[last] !== 5) return false;
	for (let k = 1; k <= 5; k++) if (LOWER[buf[last + k]] !== LOCAL[k]) return false;
	return true;
}

/** The dotted text of the uncompressed name at buf[o], without the final dot ("." for the root). For messages: allocates. */
export function nameText(buf: Uint8Array, o: number): string {
	let s = "";
	for (let p = o; buf[p] !== 0 && p < buf.length; p += buf[p] + 1) {
		if (s !== "") s += ".";
		for (let k = 1; k <= buf[p] && p + k < buf.length; k++) s += String.fromCharCode(buf[p + k]);
	}
	return s === "" ? "." : s;
}

/**
 * Length of the uncompressed name at buf[o] (root zero included), or -1 when it is not one: a pointer or a reserved
 * label type, a name over 255 bytes, or the buffer ending first. For names handed in by a caller.
 */
export function checkName(buf: Uint8Array, o: number): number {
	let p = o;
	for (;;) {
		if (p >= buf.length) return -1;
		const n = buf[p];
		if (n === 0) return p + 1 - o;
		if (n > MAX_LABEL || p + n + 1 - o >= MAX_NAME) return -1;
		p += n + 1;
	}
}
