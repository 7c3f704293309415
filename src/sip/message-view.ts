// The parsed message: offsets into the received bytes, in preallocated tables — RFC 3261 §7, DESIGN.md §3.
import type { Limits } from "./limits.js";
import { H_COUNT, H_OTHER } from "./header-ids.js";
import { equalsIgnoreCase, text } from "./bytes.js";

/** Per header value: id, name start/end, value start/end, index of its header field line, next entry of its id. */
const ROW = 7;
/** Per header id: first entry, last entry, count (one table: one bounds check where three would be). */
const HEAD = 3;
const EMPTY = new Uint8Array(0);

/**
 * What the scanner found in one message, as offsets into `buf`. Nothing here is a string or an object per
 * header: readers (uri.ts, via.ts, name-addr.ts, cseq.ts) take the spans. Valid until the next scan.
 */
export class MessageView {
	/** The bytes the offsets point into (the receive buffer; not copied). */
	buf: Uint8Array = EMPTY;
	/** The message occupies buf[start, end) (end = body end). */
	start = 0;
	end = 0;
	isRequest = false;
	/** Request-Line (§7.1): method (id from methods.ts), Request-URI, SIP-Version spans. */
	methodId = 0;
	methodStart = 0;
	methodEnd = 0;
	uriStart = 0;
	uriEnd = 0;
	versionStart = 0;
	versionEnd = 0;
	/** SIP-Version is exactly 2.0 (else a request gets 505, §8.2.x). */
	versionIs20 = false;
	/** Status-Line (§7.2). */
	status = 0;
	reasonStart = 0;
	reasonEnd = 0;
	/** Header field lines (a folded line counts once; a comma list counts once). */
	headerCount = 0;
	/** Header values after comma splitting: rows of the table. */
	entryCount = 0;
	bodyStart = 0;
	bodyEnd = 0;
	/** Content-Length as declared, or -1 when absent (a datagram's body then runs to its end, §18.3). */
	contentLength = -1;
	/** The CSeq number (§8.1.1.5), set by the validator once the CSeq parsed (validate.ts); -1 before. */
	cseq = -1;

	readonly #rows: Int32Array;
	readonly #heads = new Int32Array(H_COUNT * HEAD);
	readonly capacity: number;

	constructor(limits: Limits) {
		this.capacity = limits.maxHeaderValues;
		this.#rows = new Int32Array(this.capacity * ROW);
		const heads = this.#heads;
		for (let h = 0; h < heads.length; h += HEAD) heads[h] = heads[h + 1] = -1;
		this.clear(EMPTY);
	}

	/** Forget the previous message (called by the scanner). */
	clear(buf: Uint8Array): void {
		this.buf = buf;
		this.start = this.end = 0;
		this.isRequest = false;
		this.methodId = this.methodStart = this.methodEnd = this.uriStart = this.uriEnd = 0;
		this.versionStart = this.versionEnd = 0;
		this.versionIs20 = false;
		this.status = this.reasonStart = this.reasonEnd = 0;
		this.bodyStart = this.bodyEnd = 0;
		this.contentLength = -1;
		this.cseq = -1;
		// Reset only the ids the last message used (fill() on all H_COUNT ids is a runtime call, which costs more
		// than this loop over the ~20 entries of a typical message).
		const rows = this.#rows, heads = this.#heads;
		for (let r = (this.entryCount - 1) * ROW; r >= 0; r -= ROW) {
			const h = rows[r] * HEAD;
			heads[h] = heads[h + 1] = -1;
			heads[h + 2] = 0;
		}
		this.headerCount = this.entryCount = 0;
	}

	/** Append one header value (scanner only). Returns false when the table is full. */
	addEntry(id: number, nameStart: number, nameEnd: number, valueStart: number, valueEnd: number, line: number): boolean {
		const e = this.entryCount;
		if (e >= this.capacity) return false;
		const r = e * ROW, h = id * HEAD;
		const rows = this.#rows, heads = this.#heads;
		rows[r] = id;
		rows[r + 1] = nameStart;
		rows[r + 2] = nameEnd;
		rows[r + 3] = valueStart;
		rows[r + 4] = valueEnd;
		rows[r + 5] = line;
		rows[r + 6] = -1;
		const last = heads[h + 1];
		if (last < 0) heads[h] = e;
		else rows[last * ROW + 6] = e;
		heads[h + 1] = e;
		heads[h + 2]++;
		this.entryCount = e + 1;
		return true;
	}

	/** How many values of header `id` the message has. */
	count(id: number): number {
		return this.#heads[id * HEAD + 2];
	}
	/** The entry index of the `nth` value (0-based) of header `id`, in message order, or -1. */
	find(id: number, nth = 0): number {
		let e = this.#heads[id * HEAD];
		while (e >= 0 && nth > 0) {
			e = this.#rows[e * ROW + 6];
			nth--;
		}
		return e;
	}
	/** The entry after `entry` with the same id, or -1. */
	nextOf(entry: number): number {
		return this.#rows[entry * ROW + 6];
	}
	/** The `nth` value of an unknown header named `lowerName` (case-insensitive), or -1. */
	findByName(lowerName: Uint8Array, nth = 0): number {
		const rows = this.#rows;
		for (let e = this.#heads[H_OTHER * HEAD]; e >= 0; e = rows[e * ROW + 6]) {
			const r = e * ROW;
			if (equalsIgnoreCase(this.buf, rows[r + 1], rows[r + 2], lowerName) && nth-- === 0) return e;
		}
		return -1;
	}

	idOf(entry: number): number {
		return this.#rows[entry * ROW];
	}
	nameStart(entry: number): number {
		return this.#rows[entry * ROW + 1];
	}
	nameEnd(entry: number): number {
		return this.#rows[entry * ROW + 2];
	}
	valueStart(entry: number): number {
		return this.#rows[entry * ROW + 3];
	}
	valueEnd(entry: number): number {
		return this.#rows[entry * ROW + 4];
	}
	/** Index of the header field line the value came from (values split from one line share it). */
	lineOf(entry: number): number {
		return this.#rows[entry * ROW + 5];
	}

	/** The value of an entry as a string (allocates: for display and storage). */
	valueText(entry: number): string {
		return entry < 0 ? "" : text(this.buf, this.valueStart(entry), this.valueEnd(entry));
	}
	/** The `nth` value of header `id` as a string, or "" (allocates). */
	headerText(id: number, nth = 0): string {
		return this.valueText(this.find(id, nth));
	}
	methodText(): string {
		return text(this.buf, this.methodStart, this.methodEnd);
	}
	requestUriText(): string {
		return text(this.buf, this.uriStart, this.uriEnd);
	}
	reasonText(): string {
		return text(this.buf, this.reasonStart, this.reasonEnd);
	}
}
