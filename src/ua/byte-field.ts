// A fixed-capacity byte string owned by a pool slot (Call-ID, tags, URIs, route sets) — DESIGN.md §3: per-dialog
// state lives in fixed slots with their own byte storage, sized once.
import { spansEqual, text } from "../sip/bytes.js";
import type { Writer } from "../sip/writer.js";

export class ByteField {
	readonly buf: Uint8Array;
	length = 0;

	constructor(capacity: number) {
		this.buf = new Uint8Array(capacity);
	}

	/** Copy src[start, end); false (and the field emptied) when it does not fit: the caller refuses the message. */
	set(src: Uint8Array, start = 0, end = src.length): boolean {
		const n = end - start;
		if (n < 0 || n > this.buf.length) {
			this.length = 0;
			return false;
		}
		const buf = this.buf;
		for (let i = 0; i < n; i++) buf[i] = src[start + i]; // a loop, not subarray(): no view object
		this.length = n;
		return true;
	}

	/** Append src[start, end); false when it does not fit (the field is left as it was). */
	append(src: Uint8Array, start = 0, end = src.length): boolean {
		const n = end - start;
		if (this.length + n > this.buf.length) return false;
		for (let i = 0; i < n; i++) this.buf[this.length + i] = src[start + i];
		this.length += n;
		return true;
	}

	copyFrom(other: ByteField): void {
		this.set(other.buf, 0, other.length);
	}

	clear(): void {
		this.length = 0;
	}

	get empty(): boolean {
		return this.length === 0;
	}

	equals(src: Uint8Array, start: number, end: number): boolean {
		return spansEqual(this.buf, 0, this.length, src, start, end);
	}

	writeTo(w: Writer): Writer {
		return w.bytes(this.buf, 0, this.length);
	}

	/** As text, for the application and the log (allocates). */
	toString(): string {
		return text(this.buf, 0, this.length);
	}
}
