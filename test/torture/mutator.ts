// Structured mutation of SIP messages for the fuzz suite: what a hostile or broken peer sends — RFC 4475 §3 (the
// kinds of damage), RFC 3261 §7.3.1 (folding, compact forms), §18.3 (framing). Host-free and allocation-free after
// construction, so the same mutants run on Node and on XS (test/torture/fuzz-xs-entry.ts) and the parser's heap
// figures on XS are the parser's. Mutant `i` of a seed is the same on every engine and every run.
import { isBlank, isBracket, isDigit, isQuote, MutantBuffer } from "./mutant-buffer.js";
import {
	BRACKETS, CONTENT_LENGTH_NAMES, CONTENT_LENGTH_VALUES, CSEQ_NAME, FOLDS, HUGE, INTERESTING, LEADING, LINE_ENDS, LONG_LENGTHS, METHODS,
	NAMES, VERSIONS,
} from "./mutation-tables.js";
import { Xorshift } from "../xorshift.js";

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

const CR = 0x0d, LF = 0x0a, SP = 0x20, COLON = 0x3a, COMMA = 0x2c, QUOTE = 0x22;

/**
 * Makes mutants of a corpus of seed messages into one preallocated buffer. `mutant(i)` picks seed `i mod seeds`
 * and 1–4 operators from a generator seeded by (seed, i); the bytes are `out[0, length)` until the next call.
 */
export class Mutator {
	/** Which seed the last mutant came from. */
	seedIndex = 0;
	/** Bit k set: operator k was applied to the last mutant (for the per-operator tallies). */
	ops = 0;
	readonly #seeds: readonly Uint8Array[];
	readonly #b: MutantBuffer;
	readonly #scratch: Uint8Array;
	readonly #base: number;
	readonly #rng = new Xorshift(1);

	/** `capacity` bounds a mutant (operators that would grow past it do less). */
	constructor(seeds: readonly Uint8Array[], seed = 0x5eed, capacity = 20000) {
		if (seeds.length === 0) throw new Error("Mutator: no seed messages");
		this.#seeds = seeds;
		this.#base = seed >>> 0;
		this.#b = new MutantBuffer(capacity);
		this.#scratch = new Uint8Array(capacity);
	}

	/** The last mutant's bytes are out[0, length). */
	get out(): Uint8Array {
		return this.#b.out;
	}
	get length(): number {
		return this.#b.length;
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
		this.#rng.reseed(mix(this.#base ^ Math.imul(i + 1, 0x9e3779b1)));
		const k = i % this.#seeds.length;
		const seed = this.#seeds[k];
		const n = Math.min(seed.length, this.#b.out.length);
		const out = this.#b.out;
		for (let j = 0; j < n; j++) out[j] = seed[j];
		this.#b.length = n;
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
		return this.#b.length;
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
		if (this.#b.length === 0) return;
		const flips = 1 + this.#below(3);
		for (let f = 0; f < flips; f++) this.#b.out[this.#below(this.#b.length)] ^= 1 << this.#below(8);
	}

	#byteSet(): void {
		if (this.#b.length === 0) return;
		this.#b.out[this.#below(this.#b.length)] = INTERESTING[this.#below(INTERESTING.length)];
	}

	#byteInsert(): void {
		const at = this.#below(this.#b.length + 1), n = 1 + this.#below(4);
		if (!this.#b.open(at, n)) return;
		for (let j = 0; j < n; j++) this.#b.out[at + j] = INTERESTING[this.#below(INTERESTING.length)];
	}

	#deleteRange(): void {
		if (this.#b.length === 0) return;
		const at = this.#below(this.#b.length);
		this.#b.close(at, Math.min(1 + this.#below(this.#chance(4) ? 64 : 8), this.#b.length - at));
	}

	#lineDuplicate(): void {
		const s = this.#randomLine();
		if (s < 0) return;
		const e = this.#b.lineEndAfter(s);
		this.#b.insertCopy(this.#chance(2) ? e : this.#b.lineStartAt(this.#below(this.#b.length + 1)), s, e);
	}

	#lineDelete(): void {
		const s = this.#randomLine();
		if (s >= 0) this.#b.close(s, this.#b.lineEndAfter(s) - s);
	}

	#lineSwap(): void {
		const a = this.#randomLine(), b = this.#randomLine();
		if (a < 0 || b < 0 || a === b) return;
		const first = a < b ? a : b, second = a < b ? b : a;
		const firstEnd = this.#b.lineEndAfter(first);
		if (firstEnd > second) return;
		const secondEnd = this.#b.lineEndAfter(second);
		// first | middle | second  →  second | middle | first, through the scratch buffer.
		const out = this.#b.out, tmp = this.#scratch;
		let t = 0;
		for (let j = second; j < secondEnd; j++) tmp[t++] = out[j];
		for (let j = firstEnd; j < second; j++) tmp[t++] = out[j];
		for (let j = first; j < firstEnd; j++) tmp[t++] = out[j];
		for (let j = 0; j < t; j++) out[first + j] = tmp[j];
	}

	#hugeNumber(): void {
		const d = this.#b.findFrom(this.#below(this.#b.length + 1), isDigit);
		if (d < 0) return;
		let e = d;
		while (e < this.#b.length && isDigit(this.#b.out[e])) e++;
		this.#b.replace(d, e, HUGE[this.#below(HUGE.length)]);
	}

	#longToken(): void {
		if (this.#b.length === 0) return;
		const at = this.#below(this.#b.length), b = this.#b.out[at];
		const want = LONG_LENGTHS[this.#below(LONG_LENGTHS.length)];
		// Repeat a token byte where there is one (a long user, tag, branch); a line end would only make empty lines.
		const fill = b === CR || b === LF ? 0x61 : b;
		const n = Math.min(want, this.#b.out.length - this.#b.length);
		if (!this.#b.open(at, n)) return;
		this.#b.out.fill(fill, at, at + n);
	}

	#nul(): void {
		const at = this.#below(this.#b.length + 1);
		if (this.#b.open(at, 1)) this.#b.out[at] = 0;
	}

	#fold(): void {
		const fold = FOLDS[this.#below(FOLDS.length)];
		// At a space or tab inside a line (a legal fold, §7.3.1, when it is inside a header value), else anywhere.
		const sp = this.#b.findFrom(this.#below(this.#b.length + 1), isBlank);
		if (sp >= 0 && this.#chance(4) === false) this.#b.replace(sp, sp + 1, fold);
		else this.#b.insert(this.#below(this.#b.length + 1), fold);
	}

	#quote(): void {
		const q = this.#b.findFrom(this.#below(this.#b.length + 1), isQuote);
		if (q >= 0 && this.#chance(2)) this.#b.close(q, 1);
		else {
			const at = this.#below(this.#b.length + 1);
			if (this.#b.open(at, 1)) this.#b.out[at] = QUOTE;
		}
	}

	#bracket(): void {
		const b = this.#b.findFrom(this.#below(this.#b.length + 1), isBracket);
		if (b >= 0 && this.#chance(2)) this.#b.close(b, 1);
		else {
			const at = this.#below(this.#b.length + 1);
			if (this.#b.open(at, 1)) this.#b.out[at] = BRACKETS[this.#below(BRACKETS.length)];
		}
	}

	#compactForm(): void {
		const s = this.#randomLine();
		if (s < 0) return;
		const e = this.#b.lineEndAfter(s);
		let colon = s;
		while (colon < e && this.#b.out[colon] !== COLON) colon++;
		if (colon >= e) return;
		this.#b.replace(s, colon, NAMES[this.#below(NAMES.length)]);
	}

	#contentLength(): void {
		const s = this.#b.findHeader(CONTENT_LENGTH_NAMES);
		const value = CONTENT_LENGTH_VALUES[this.#below(CONTENT_LENGTH_VALUES.length)];
		if (s < 0 || this.#chance(4)) {
			// A second (or a first) Content-Length, after the first line.
			const at = this.#b.lineEndAfter(0);
			const name = CONTENT_LENGTH_NAMES[this.#below(2)];
			if (!this.#b.open(at, name.length + 2 + value.length + 2)) return;
			let p = at;
			for (let j = 0; j < name.length; j++) this.#b.out[p++] = name[j];
			this.#b.out[p++] = COLON;
			this.#b.out[p++] = SP;
			for (let j = 0; j < value.length; j++) this.#b.out[p++] = value[j];
			this.#b.out[p++] = CR;
			this.#b.out[p] = LF;
			return;
		}
		let v = s;
		const e = this.#b.lineEndAfter(s);
		while (v < e && this.#b.out[v] !== COLON) v++;
		if (v >= e) return;
		v++;
		let ve = e;
		while (ve > v && (this.#b.out[ve - 1] === CR || this.#b.out[ve - 1] === LF)) ve--;
		this.#b.replace(v, ve, value);
	}

	#lineEnd(): void {
		const replacement = LINE_ENDS[this.#below(LINE_ENDS.length)];
		if (this.#chance(8)) {
			// Every CRLF of the message (a whole message with bare LFs, or bare CRs).
			for (let i = 0; i + 1 < this.#b.length; i++) {
				if (this.#b.out[i] === CR && this.#b.out[i + 1] === LF) {
					this.#b.replace(i, i + 2, replacement);
					i += replacement.length - 1;
				}
			}
			return;
		}
		const s = this.#randomLine();
		if (s < 0) return;
		const e = this.#b.lineEndAfter(s);
		if (e - s >= 2 && this.#b.out[e - 2] === CR && this.#b.out[e - 1] === LF) this.#b.replace(e - 2, e, replacement);
	}

	#truncate(): void {
		this.#b.length = this.#below(this.#b.length + 1);
	}

	#append(): void {
		// Another message (pipelined on a stream, trailing junk in a datagram), or its first part.
		const other = this.#seeds[this.#below(this.#seeds.length)];
		const n = this.#chance(2) ? other.length : this.#below(other.length + 1);
		this.#b.insertFrom(this.#b.length, other, 0, n);
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
		this.#b.insertFrom(this.#b.lineStartAt(this.#below(this.#b.length + 1)), other, s, e);
	}

	#leading(): void {
		const lead = LEADING[this.#below(LEADING.length)];
		const times = 1 + this.#below(3);
		for (let t = 0; t < times; t++) this.#b.insert(0, lead);
	}

	#manyHeaders(): void {
		const s = this.#randomLine();
		if (s < 0) return;
		const e = this.#b.lineEndAfter(s);
		// Past the 96 header lines of DEFAULT_LIMITS, or just below.
		const times = this.#chance(2) ? 90 + this.#below(12) : 20 + this.#below(100);
		for (let t = 0; t < times; t++) if (!this.#b.insertCopy(e, s, e)) return;
	}

	#manyValues(): void {
		const s = this.#randomLine();
		if (s < 0) return;
		let e = this.#b.lineEndAfter(s);
		while (e > s && (this.#b.out[e - 1] === CR || this.#b.out[e - 1] === LF)) e--;
		let colon = s;
		while (colon < e && this.#b.out[colon] !== COLON) colon++;
		if (colon >= e) return;
		// value → value,value,... (a list header past its value limit) or runs of bare commas
		const times = 10 + this.#below(60);
		const bare = this.#chance(3);
		for (let t = 0; t < times; t++) {
			if (bare) {
				if (!this.#b.open(e, 1)) return;
				this.#b.out[e++] = COMMA;
			} else {
				const len = e - colon - 1;
				if (!this.#b.open(e, len + 1)) return;
				this.#b.out[e] = COMMA;
				for (let j = 0; j < len; j++) this.#b.out[e + 1 + j] = this.#b.out[colon + 1 + j];
				e += len + 1;
			}
		}
	}

	#method(): void {
		const m = METHODS[this.#below(METHODS.length)];
		if (this.#chance(2)) {
			// The start line's method (or a response's version token).
			let e = 0;
			while (e < this.#b.length && this.#b.out[e] !== SP && this.#b.out[e] !== CR && this.#b.out[e] !== LF) e++;
			this.#b.replace(0, e, m);
			return;
		}
		// The CSeq method: the last token of a line "CSeq: n METHOD".
		const s = this.#b.findHeader(CSEQ_NAME);
		if (s < 0) return;
		let e = this.#b.lineEndAfter(s);
		while (e > s && (this.#b.out[e - 1] === CR || this.#b.out[e - 1] === LF)) e--;
		let b = e;
		while (b > s && this.#b.out[b - 1] !== SP) b--;
		this.#b.replace(b, e, m);
	}

	#version(): void {
		const v = VERSIONS[this.#below(VERSIONS.length)];
		// "SIP/2.0" in the start line or in a Via.
		const from = this.#chance(2) ? 0 : this.#below(this.#b.length + 1);
		for (let i = from; i + 7 <= this.#b.length; i++) {
			if (this.#b.out[i] === 0x53 && this.#b.out[i + 1] === 0x49 && this.#b.out[i + 2] === 0x50 && this.#b.out[i + 3] === 0x2f) {
				this.#b.replace(i, i + 7, v);
				return;
			}
		}
	}

	/** The start of a random line (the start-line included), or -1 for an empty message. */
	#randomLine(): number {
		if (this.#b.length === 0) return -1;
		return this.#b.lineStartAt(this.#below(this.#b.length));
	}

	// ---- the generator: xorshift32, seeded per mutant ----

	#next(): number {
		return this.#rng.next();
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

function mix(x: number): number {
	x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
	x = Math.imul(x ^ (x >>> 16), 0x45d9f3b);
	return (x ^ (x >>> 16)) >>> 0;
}

