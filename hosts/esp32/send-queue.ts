// Bytes a stream socket could not hand to the network stack yet ("would block", or before the connection is up),
// kept in order until `onWritable` makes room (RFC 3261 §18.3: a message on a stream is never reordered or cut).
// One per TCP or TLS connection: made on the first bytes that must wait, grown by doubling up to a bound, then kept.

/** Most bytes waiting per connection: a whole message of the largest size (src/sip/limits.ts) and the next one's start. */
export const MAX_QUEUED_BYTES = 16384;
const FIRST_BYTES = 2048;

export class SendQueue {
	#buf: Uint8Array | null = null;
	#head = 0;
	#tail = 0;

	/** Bytes waiting. */
	get length(): number {
		return this.#tail - this.#head;
	}

	/** Add bytes[start, end) after what waits; false (nothing added) when the queue would pass MAX_QUEUED_BYTES. */
	push(bytes: Uint8Array, start: number, end: number): boolean {
		const n = end - start;
		if (this.length + n > MAX_QUEUED_BYTES) return false;
		let q = this.#buf;
		if (q !== null && this.#tail + n > q.length && this.#head > 0) {
			q.copyWithin(0, this.#head, this.#tail);
			this.#tail -= this.#head;
			this.#head = 0;
		}
		if (q === null || this.#tail + n > q.length) {
			let size = q === null ? FIRST_BYTES : q.length;
			while (size < this.#tail + n) size *= 2;
			const grown = new Uint8Array(size < MAX_QUEUED_BYTES ? size : MAX_QUEUED_BYTES);
			if (q !== null) grown.set(q.subarray(0, this.#tail));
			this.#buf = q = grown;
		}
		q.set(bytes.subarray(start, end), this.#tail);
		this.#tail += n;
		return true;
	}

	/** The first `n` waiting bytes (at most what waits), as a view: hand it to the socket, then `drop` what it took. */
	peek(n: number): Uint8Array {
		const end = this.#head + (n < this.length ? n : this.length);
		return this.#buf === null ? new Uint8Array(0) : this.#buf.subarray(this.#head, end);
	}

	/** `n` bytes went out. */
	drop(n: number): void {
		this.#head += n;
		if (this.#head >= this.#tail) this.#head = this.#tail = 0;
	}

	/** Forget what waits (the connection closed). */
	clear(): void {
		this.#head = this.#tail = 0;
	}
}
