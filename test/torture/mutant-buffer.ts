// The bytes of one mutant being made (mutator.ts): a fixed buffer and the edits its operators need — open room,
// close a gap, insert, copy a span, replace — and where lines and headers are. Never past its capacity: an edit that
// does not fit is skipped. Host-free and allocation-free (XS runs it in the fuzz loop).
const CR = 0x0d, LF = 0x0a, SP = 0x20, HTAB = 0x09, COLON = 0x3a, QUOTE = 0x22;

export class MutantBuffer {
	readonly out: Uint8Array;
	/** The mutant is out[0, length). */
	length = 0;

	constructor(capacity: number) {
		this.out = new Uint8Array(capacity);
	}

	/** Make room for `n` bytes at `at`; false (and nothing done) when they would not fit. */
	open(at: number, n: number): boolean {
		if (this.length + n > this.out.length) return false;
		this.out.copyWithin(at + n, at, this.length);
		this.length += n;
		return true;
	}

	/** Remove `n` bytes at `at`. */
	close(at: number, n: number): void {
		if (n <= 0) return;
		this.out.copyWithin(at, at + n, this.length);
		this.length -= n;
	}

	insert(at: number, bytes: Uint8Array): boolean {
		if (!this.open(at, bytes.length)) return false;
		for (let j = 0; j < bytes.length; j++) this.out[at + j] = bytes[j];
		return true;
	}

	/** Insert src[s, e) at `at`. */
	insertFrom(at: number, src: Uint8Array, s: number, e: number): boolean {
		if (!this.open(at, e - s)) return false;
		for (let j = s; j < e; j++) this.out[at + j - s] = src[j];
		return true;
	}

	/** Insert a copy of out[s, e) at `at` (the source may lie after `at`: it moves with the opening). */
	insertCopy(at: number, s: number, e: number): boolean {
		const n = e - s;
		if (n <= 0 || !this.open(at, n)) return false;
		if (s >= at) {
			s += n;
			e += n;
		}
		const out = this.out;
		for (let j = 0; j < n; j++) out[at + j] = out[s + j];
		return true;
	}

	/** out[s, e) becomes `bytes`. */
	replace(s: number, e: number, bytes: Uint8Array): void {
		const grow = bytes.length - (e - s);
		if (grow > 0 && !this.open(e, grow)) return;
		if (grow < 0) this.close(e + grow, -grow);
		for (let j = 0; j < bytes.length; j++) this.out[s + j] = bytes[j];
	}

	/** The start of the line `p` is in. */
	lineStartAt(p: number): number {
		while (p > 0 && this.out[p - 1] !== LF) p--;
		return p;
	}

	/** The end of the line starting at `s`, its LF included. */
	lineEndAfter(s: number): number {
		let e = s;
		while (e < this.length && this.out[e] !== LF) e++;
		return e < this.length ? e + 1 : e;
	}

	/** The first position from `p` (wrapping round) where `test` holds, or -1. */
	findFrom(p: number, test: (b: number) => boolean): number {
		const n = this.length;
		for (let k = 0; k < n; k++) {
			const i = (p + k) % n;
			if (test(this.out[i])) return i;
		}
		return -1;
	}

	/** The start of the first header line whose name (before the colon) is one of `names`, case-insensitively; -1 if none. */
	findHeader(names: readonly Uint8Array[]): number {
		let s = this.lineEndAfter(0);
		while (s < this.length) {
			const e = this.lineEndAfter(s);
			for (let k = 0; k < names.length; k++) {
				const name = names[k];
				if (s + name.length < e && this.out[s + name.length] === COLON && sameIgnoringCase(this.out, s, name)) return s;
			}
			if (e === s + 2 && this.out[s] === CR) return -1; // the empty line: the body is not headers
			s = e;
		}
		return -1;
	}
}

export function isDigit(b: number): boolean {
	return b >= 0x30 && b <= 0x39;
}
export function isBlank(b: number): boolean {
	return b === SP || b === HTAB;
}
export function isQuote(b: number): boolean {
	return b === QUOTE;
}
export function isBracket(b: number): boolean {
	return b === 0x3c || b === 0x3e || b === 0x5b || b === 0x5d || b === 0x28 || b === 0x29;
}

function sameIgnoringCase(buf: Uint8Array, at: number, name: Uint8Array): boolean {
	for (let j = 0; j < name.length; j++) if ((buf[at + j] | 0x20) !== (name[j] | 0x20)) return false;
	return true;
}
