// Structured mutation of SIP messages for the fuzz suite: what a hostile or broken peer sends — RFC 4475 §3 (the
// kinds of damage), RFC 3261 §7.3.1 (folding, compact forms), §18.3 (framing). Host-free and allocation-free after
// construction, so the same mutants run on Node and on XS (test/torture/fuzz-xs-entry.ts) and the parser's heap
// figures on XS are the parser's. Mutant `i` of a seed is the same on every engine and every run.
import { ascii } from "../../src/sip/bytes.js";

/** The mutation operators; a mutant applies 1–4 of them in a row. */
export const OP_NAMES: readonly string[] = Object.freeze([
	"bit flip", "byte set", "byte insert", "delete", "line duplicate", "line delete", "line swap", "huge number",
	"long token", "NUL", "folding", "quote", "bracket", "compact form", "Content-Length", "line end", "truncate",
	"append (pipelining)", "header splice", "leading CRLF", "many headers", "many values", "method", "version",
]);
export const OP_COUNT = OP_NAMES.length;
/**
 * How often each operator is picked: local damage most, growth (long tokens, many headers, many values, a second
 * message) less, so a mutant stays near a real message's size and the run tests many of them.
 */
const OP_WEIGHTS = Object.freeze([4, 4, 4, 4, 3, 3, 2, 4, 2, 3, 4, 3, 3, 4, 4, 4, 2, 2, 3, 2, 1, 1, 4, 3]);
/** Operator by weighted draw: one entry per unit of weight. */
const OP_TABLE = new Uint8Array(OP_WEIGHTS.reduce((a, w) => a + w, 0));
for (let op = 0, at = 0; op < OP_WEIGHTS.length; op++) for (let w = 0; w < OP_WEIGHTS[op]; w++) OP_TABLE[at++] = op;

const CR = 0x0d, LF = 0x0a, SP = 0x20, HTAB = 0x09, COLON = 0x3a, COMMA = 0x2c, QUOTE = 0x22;

/** Bytes that mean something to a SIP parser (separators, line ends, quoting, escapes) or to none (NUL, DEL, 8-bit). */
const INTERESTING = ascii("\0\r\n \t:;,\"<>=@%\\[]()/?&+*\x7f0aZ\x80\xff\xc3\xa9.-_~!'`{}|^#$");
/** Numbers beyond every field's range, and malformed ones. */
const HUGE: readonly Uint8Array[] = Object.freeze([
	"4294967296", "4294967301", "2147483648", "2147483647", "99999999999999999999999999999999", "-1", "-0", "0",
	"00000000000000000000000000000000000070", "1e9", "0x10", "1.5", "18446744073709551616", "36893488147419103232",
	"65536", "65535", "9007199254740993",
].map(ascii));
/** Lengths of a repeated token: mostly around the 255/256 boundaries, sometimes past the UDP and the message limit. */
const LONG_LENGTHS = Object.freeze([16, 64, 64, 255, 256, 256, 257, 512, 1024, 1300, 4096, 8200]);
/** Header names as written in full and in compact form (§7.3.3), both directions. */
const NAMES: readonly Uint8Array[] = Object.freeze([
	"Via", "v", "From", "f", "To", "t", "Call-ID", "i", "Contact", "m", "Content-Length", "l", "Content-Type", "c",
	"Supported", "k", "Subject", "s", "CSeq", "Max-Forwards", "Route", "Record-Route", "Expires", "VIA", "call-id",
	"cseq", "CONTENT-LENGTH", "x", "Session-Expires", "Require", "Proxy-Require", "Authorization",
].map(ascii));
const CONTENT_LENGTH_NAMES: readonly Uint8Array[] = Object.freeze(["Content-Length", "l"].map(ascii));
const CONTENT_LENGTH_VALUES: readonly Uint8Array[] = Object.freeze(["0", "1", "-1", "9999", "4294967296", "", " 5 ", "1 2", "abc", "+3", "013"].map(ascii));
const METHODS: readonly Uint8Array[] = Object.freeze([
	"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "INFO", "UPDATE", "PRACK", "MESSAGE", "NOTIFY", "invite",
	"INV", "INVITEX", "I N", "", "SIP/2.0", "NEWMETHOD",
].map(ascii));
const VERSIONS: readonly Uint8Array[] = Object.freeze(["SIP/3.0", "SIP/2.00", "sip/2.0", "SIP/2", "SIP/20", "SIP /2.0", "HTTP/1.1", "SIP/2.0 "].map(ascii));
const LINE_ENDS: readonly Uint8Array[] = Object.freeze(["\n", "\r", "\r\r\n", "\n\r", "\r\n\r\n", "\r\n \r\n", ""].map(ascii));
const FOLDS: readonly Uint8Array[] = Object.freeze(["\r\n ", "\r\n\t", "\r\n  \t ", "\n ", "\r\n\r\n "].map(ascii));
const BRACKETS = ascii("<>[]()");
const LEADING: readonly Uint8Array[] = Object.freeze(["\r\n", "\r\n\r\n", "\n", " ", "\t", "\r", "\0"].map(ascii));

/**
 * Makes mutants of a corpus of seed messages into one preallocated buffer. `mutant(i)` picks seed `i mod seeds`
 * and 1–4 operators from a generator seeded by (seed, i); the bytes are `out[0, length)` until the next call.
 */
export class Mutator {
	readonly out: Uint8Array;
	length = 0;
	/** Which seed the last mutant came from. */
	seedIndex = 0;
	/** Bit k set: operator k was applied to the last mutant (for the per-operator tallies). */
	ops = 0;
	readonly #seeds: readonly Uint8Array[];
	readonly #scratch: Uint8Array;
	readonly #base: number;
	#state = 1;

	/** `capacity` bounds a mutant (operators that would grow past it do less). */
	constructor(seeds: readonly Uint8Array[], seed = 0x5eed, capacity = 20000) {
		if (seeds.length === 0) throw new Error("Mutator: no seed messages");
		this.#seeds = seeds;
		this.#base = seed >>> 0;
		this.out = new Uint8Array(capacity);
		this.#scratch = new Uint8Array(capacity);
	}

	get seedCount(): number {
		return this.#seeds.length;
	}

	/** The seed message a mutant starts from. */
	seed(k: number): Uint8Array {
		return this.#seeds[k];
	}

	/** Mutant number `i` into `out`; returns its length. */
	mutant(i: number): number {
		this.#state = mix(this.#base ^ Math.imul(i + 1, 0x9e3779b1)) || 1;
		const k = i % this.#seeds.length;
		const seed = this.#seeds[k];
		const n = Math.min(seed.length, this.out.length);
		const out = this.out;
		for (let j = 0; j < n; j++) out[j] = seed[j];
		this.length = n;
		this.seedIndex = k;
		this.ops = 0;
		// Mostly one or two operators: a message broken in one place tests one check at a time.
		const r = this.#next() & 15;
		const count = r < 8 ? 1 : r < 12 ? 2 : r < 15 ? 3 : 4;
		for (let c = 0; c < count; c++) {
			const op = OP_TABLE[this.#below(OP_TABLE.length)];
			this.ops |= 1 << op;
			this.#apply(op);
		}
		return this.length;
	}

	// ---- operators ----

	#apply(op: number): void {
		switch (op) {
			case 0: return this.#bitFlip();
			case 1: return this.#byteSet();
			case 2: return this.#byteInsert();
			case 3: return this.#deleteRange();
			case 4: return this.#lineDuplicate();
			case 5: return this.#lineDelete();
			case 6: return this.#lineSwap();
			case 7: return this.#hugeNumber();
			case 8: return this.#longToken();
			case 9: return this.#nul();
			case 10: return this.#fold();
			case 11: return this.#quote();
			case 12: return this.#bracket();
			case 13: return this.#compactForm();
			case 14: return this.#contentLength();
			case 15: return this.#lineEnd();
			case 16: return this.#truncate();
			case 17: return this.#append();
			case 18: return this.#headerSplice();
			case 19: return this.#leading();
			case 20: return this.#manyHeaders();
			case 21: return this.#manyValues();
			case 22: return this.#method();
			default: return this.#version();
		}
	}

	#bitFlip(): void {
		if (this.length === 0) return;
		const flips = 1 + this.#below(3);
		for (let f = 0; f < flips; f++) this.out[this.#below(this.length)] ^= 1 << this.#below(8);
	}

	#byteSet(): void {
		if (this.length === 0) return;
		this.out[this.#below(this.length)] = INTERESTING[this.#below(INTERESTING.length)];
	}

	#byteInsert(): void {
		const at = this.#below(this.length + 1), n = 1 + this.#below(4);
		if (!this.#open(at, n)) return;
		for (let j = 0; j < n; j++) this.out[at + j] = INTERESTING[this.#below(INTERESTING.length)];
	}

	#deleteRange(): void {
		if (this.length === 0) return;
		const at = this.#below(this.length);
		this.#close(at, Math.min(1 + this.#below(this.#chance(4) ? 64 : 8), this.length - at));
	}

	#lineDuplicate(): void {
		const s = this.#randomLine();
		if (s < 0) return;
		const e = this.#lineEndAfter(s);
		this.#insertCopy(this.#chance(2) ? e : this.#lineStartAt(this.#below(this.length + 1)), s, e);
	}

	#lineDelete(): void {
		const s = this.#randomLine();
		if (s >= 0) this.#close(s, this.#lineEndAfter(s) - s);
	}

	#lineSwap(): void {
		const a = this.#randomLine(), b = this.#randomLine();
		if (a < 0 || b < 0 || a === b) return;
		const first = a < b ? a : b, second = a < b ? b : a;
		const firstEnd = this.#lineEndAfter(first);
		if (firstEnd > second) return;
		const secondEnd = this.#lineEndAfter(second);
		// first | middle | second  →  second | middle | first, through the scratch buffer.
		const out = this.out, tmp = this.#scratch;
		let t = 0;
		for (let j = second; j < secondEnd; j++) tmp[t++] = out[j];
		for (let j = firstEnd; j < second; j++) tmp[t++] = out[j];
		for (let j = first; j < firstEnd; j++) tmp[t++] = out[j];
		for (let j = 0; j < t; j++) out[first + j] = tmp[j];
	}

	#hugeNumber(): void {
		const d = this.#findFrom(this.#below(this.length + 1), isDigit);
		if (d < 0) return;
		let e = d;
		while (e < this.length && isDigit(this.out[e])) e++;
		this.#replace(d, e, HUGE[this.#below(HUGE.length)]);
	}

	#longToken(): void {
		if (this.length === 0) return;
		const at = this.#below(this.length), b = this.out[at];
		const want = LONG_LENGTHS[this.#below(LONG_LENGTHS.length)];
		// Repeat a token byte where there is one (a long user, tag, branch); a line end would only make empty lines.
		const fill = b === CR || b === LF ? 0x61 : b;
		const n = Math.min(want, this.out.length - this.length);
		if (!this.#open(at, n)) return;
		this.out.fill(fill, at, at + n);
	}

	#nul(): void {
		const at = this.#below(this.length + 1);
		if (this.#open(at, 1)) this.out[at] = 0;
	}

	#fold(): void {
		const fold = FOLDS[this.#below(FOLDS.length)];
		// At a space or tab inside a line (a legal fold, §7.3.1, when it is inside a header value), else anywhere.
		const sp = this.#findFrom(this.#below(this.length + 1), isBlank);
		if (sp >= 0 && this.#chance(4) === false) this.#replace(sp, sp + 1, fold);
		else this.#insert(this.#below(this.length + 1), fold);
	}

	#quote(): void {
		const q = this.#findFrom(this.#below(this.length + 1), isQuote);
		if (q >= 0 && this.#chance(2)) this.#close(q, 1);
		else {
			const at = this.#below(this.length + 1);
			if (this.#open(at, 1)) this.out[at] = QUOTE;
		}
	}

	#bracket(): void {
		const b = this.#findFrom(this.#below(this.length + 1), isBracket);
		if (b >= 0 && this.#chance(2)) this.#close(b, 1);
		else {
			const at = this.#below(this.length + 1);
			if (this.#open(at, 1)) this.out[at] = BRACKETS[this.#below(BRACKETS.length)];
		}
	}

	#compactForm(): void {
		const s = this.#randomLine();
		if (s < 0) return;
		const e = this.#lineEndAfter(s);
		let colon = s;
		while (colon < e && this.out[colon] !== COLON) colon++;
		if (colon >= e) return;
		this.#replace(s, colon, NAMES[this.#below(NAMES.length)]);
	}

	#contentLength(): void {
		const s = this.#findHeader(CONTENT_LENGTH_NAMES);
		const value = CONTENT_LENGTH_VALUES[this.#below(CONTENT_LENGTH_VALUES.length)];
		if (s < 0 || this.#chance(4)) {
			// A second (or a first) Content-Length, after the first line.
			const at = this.#lineEndAfter(0);
			const name = CONTENT_LENGTH_NAMES[this.#below(2)];
			if (!this.#open(at, name.length + 2 + value.length + 2)) return;
			let p = at;
			for (let j = 0; j < name.length; j++) this.out[p++] = name[j];
			this.out[p++] = COLON;
			this.out[p++] = SP;
			for (let j = 0; j < value.length; j++) this.out[p++] = value[j];
			this.out[p++] = CR;
			this.out[p] = LF;
			return;
		}
		let v = s;
		const e = this.#lineEndAfter(s);
		while (v < e && this.out[v] !== COLON) v++;
		if (v >= e) return;
		v++;
		let ve = e;
		while (ve > v && (this.out[ve - 1] === CR || this.out[ve - 1] === LF)) ve--;
		this.#replace(v, ve, value);
	}

	#lineEnd(): void {
		const replacement = LINE_ENDS[this.#below(LINE_ENDS.length)];
		if (this.#chance(8)) {
			// Every CRLF of the message (a whole message with bare LFs, or bare CRs).
			for (let i = 0; i + 1 < this.length; i++) {
				if (this.out[i] === CR && this.out[i + 1] === LF) {
					this.#replace(i, i + 2, replacement);
					i += replacement.length - 1;
				}
			}
			return;
		}
		const s = this.#randomLine();
		if (s < 0) return;
		const e = this.#lineEndAfter(s);
		if (e - s >= 2 && this.out[e - 2] === CR && this.out[e - 1] === LF) this.#replace(e - 2, e, replacement);
	}

	#truncate(): void {
		this.length = this.#below(this.length + 1);
	}

	#append(): void {
		// Another message (pipelined on a stream, trailing junk in a datagram), or its first part.
		const other = this.#seeds[this.#below(this.#seeds.length)];
		const n = this.#chance(2) ? other.length : this.#below(other.length + 1);
		this.#insertFrom(this.length, other, 0, n);
	}

	#headerSplice(): void {
		const other = this.#seeds[this.#below(this.#seeds.length)];
		let s = this.#below(other.length);
		// The start of a line of the other message (not its start-line).
		while (s > 0 && other[s - 1] !== LF) s--;
		if (s === 0) {
			while (s < other.length && other[s] !== LF) s++;
			s++;
		}
		if (s >= other.length) return;
		let e = s;
		while (e < other.length && other[e] !== LF) e++;
		if (e < other.length) e++;
		this.#insertFrom(this.#lineStartAt(this.#below(this.length + 1)), other, s, e);
	}

	#leading(): void {
		const lead = LEADING[this.#below(LEADING.length)];
		const times = 1 + this.#below(3);
		for (let t = 0; t < times; t++) this.#insert(0, lead);
	}

	#manyHeaders(): void {
		const s = this.#randomLine();
		if (s < 0) return;
		const e = this.#lineEndAfter(s);
		// Past the 96 header lines of DEFAULT_LIMITS, or just below.
		const times = this.#chance(2) ? 90 + this.#below(12) : 20 + this.#below(100);
		for (let t = 0; t < times; t++) if (!this.#insertCopy(e, s, e)) return;
	}

	#manyValues(): void {
		const s = this.#randomLine();
		if (s < 0) return;
		let e = this.#lineEndAfter(s);
		while (e > s && (this.out[e - 1] === CR || this.out[e - 1] === LF)) e--;
		let colon = s;
		while (colon < e && this.out[colon] !== COLON) colon++;
		if (colon >= e) return;
		// value → value,value,... (a list header past its value limit) or runs of bare commas
		const times = 10 + this.#below(60);
		const bare = this.#chance(3);
		for (let t = 0; t < times; t++) {
			if (bare) {
				if (!this.#open(e, 1)) return;
				this.out[e++] = COMMA;
			} else {
				const len = e - colon - 1;
				if (!this.#open(e, len + 1)) return;
				this.out[e] = COMMA;
				for (let j = 0; j < len; j++) this.out[e + 1 + j] = this.out[colon + 1 + j];
				e += len + 1;
			}
		}
	}

	#method(): void {
		const m = METHODS[this.#below(METHODS.length)];
		if (this.#chance(2)) {
			// The start line's method (or a response's version token).
			let e = 0;
			while (e < this.length && this.out[e] !== SP && this.out[e] !== CR && this.out[e] !== LF) e++;
			this.#replace(0, e, m);
			return;
		}
		// The CSeq method: the last token of a line "CSeq: n METHOD".
		const s = this.#findHeader(NAMES_CSEQ);
		if (s < 0) return;
		let e = this.#lineEndAfter(s);
		while (e > s && (this.out[e - 1] === CR || this.out[e - 1] === LF)) e--;
		let b = e;
		while (b > s && this.out[b - 1] !== SP) b--;
		this.#replace(b, e, m);
	}

	#version(): void {
		const v = VERSIONS[this.#below(VERSIONS.length)];
		// "SIP/2.0" in the start line or in a Via.
		const from = this.#chance(2) ? 0 : this.#below(this.length + 1);
		for (let i = from; i + 7 <= this.length; i++) {
			if (this.out[i] === 0x53 && this.out[i + 1] === 0x49 && this.out[i + 2] === 0x50 && this.out[i + 3] === 0x2f) {
				this.#replace(i, i + 7, v);
				return;
			}
		}
	}

	// ---- buffer edits (never past the capacity: an edit that does not fit is skipped) ----

	/** Make room for `n` bytes at `at`. */
	#open(at: number, n: number): boolean {
		if (this.length + n > this.out.length) return false;
		this.out.copyWithin(at + n, at, this.length);
		this.length += n;
		return true;
	}

	#close(at: number, n: number): void {
		if (n <= 0) return;
		this.out.copyWithin(at, at + n, this.length);
		this.length -= n;
	}

	#insert(at: number, bytes: Uint8Array): boolean {
		if (!this.#open(at, bytes.length)) return false;
		for (let j = 0; j < bytes.length; j++) this.out[at + j] = bytes[j];
		return true;
	}

	#insertFrom(at: number, src: Uint8Array, s: number, e: number): boolean {
		if (!this.#open(at, e - s)) return false;
		for (let j = s; j < e; j++) this.out[at + j - s] = src[j];
		return true;
	}

	/** Insert a copy of out[s, e) at `at` (the source may lie after `at`: it moves with the opening). */
	#insertCopy(at: number, s: number, e: number): boolean {
		const n = e - s;
		if (n <= 0 || !this.#open(at, n)) return false;
		if (s >= at) {
			s += n;
			e += n;
		}
		const out = this.out;
		for (let j = 0; j < n; j++) out[at + j] = out[s + j];
		return true;
	}

	#replace(s: number, e: number, bytes: Uint8Array): void {
		const grow = bytes.length - (e - s);
		if (grow > 0 && !this.#open(e, grow)) return;
		if (grow < 0) this.#close(e + grow, -grow);
		for (let j = 0; j < bytes.length; j++) this.out[s + j] = bytes[j];
	}

	// ---- where things are ----

	/** The start of a random line (the start-line included), or -1 for an empty message. */
	#randomLine(): number {
		if (this.length === 0) return -1;
		return this.#lineStartAt(this.#below(this.length));
	}

	#lineStartAt(p: number): number {
		while (p > 0 && this.out[p - 1] !== LF) p--;
		return p;
	}

	/** The end of the line starting at `s`, its LF included. */
	#lineEndAfter(s: number): number {
		let e = s;
		while (e < this.length && this.out[e] !== LF) e++;
		return e < this.length ? e + 1 : e;
	}

	/** The first position from `p` (wrapping round) where `test` holds, or -1. */
	#findFrom(p: number, test: (b: number) => boolean): number {
		const n = this.length;
		for (let k = 0; k < n; k++) {
			const i = (p + k) % n;
			if (test(this.out[i])) return i;
		}
		return -1;
	}

	/** The start of the first line whose name (before the colon) is one of `names`, case-insensitively; -1 if none. */
	#findHeader(names: readonly Uint8Array[]): number {
		let s = this.#lineEndAfter(0);
		while (s < this.length) {
			const e = this.#lineEndAfter(s);
			for (let k = 0; k < names.length; k++) {
				const name = names[k];
				if (s + name.length < e && this.out[s + name.length] === COLON && sameIgnoringCase(this.out, s, name)) return s;
			}
			if (e === s + 2 && this.out[s] === CR) return -1; // the empty line: the body is not headers
			s = e;
		}
		return -1;
	}

	// ---- the generator: xorshift32, seeded per mutant ----

	#next(): number {
		let x = this.#state;
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		this.#state = x >>> 0;
		return this.#state;
	}

	/** 0 ≤ r < n (n ≥ 1). */
	#below(n: number): number {
		return n <= 1 ? 0 : this.#next() % n;
	}

	/** True one time in `n`. */
	#chance(n: number): boolean {
		return this.#next() % n === 0;
	}
}

const NAMES_CSEQ: readonly Uint8Array[] = Object.freeze([ascii("CSeq")]);

function mix(x: number): number {
	x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
	x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
	return (x ^ (x >>> 16)) >>> 0;
}

function isDigit(b: number): boolean {
	return b >= 0x30 && b <= 0x39;
}
function isBlank(b: number): boolean {
	return b === SP || b === HTAB;
}
function isQuote(b: number): boolean {
	return b === QUOTE;
}
function isBracket(b: number): boolean {
	return b === 0x3c || b === 0x3e || b === 0x5b || b === 0x5d || b === 0x28 || b === 0x29;
}
function sameIgnoringCase(buf: Uint8Array, at: number, name: Uint8Array): boolean {
	for (let j = 0; j < name.length; j++) if ((buf[at + j] | 0x20) !== (name[j] | 0x20)) return false;
	return true;
}
