// What MD5 (RFC 1321) and SHA-256 (FIPS 180-4) share: the message cut into 64-byte blocks, the last one padded with
// a 1 bit, zeros and the 64-bit bit length (RFC 1321 §3.1-3.2, FIPS 180-4 §5.1.1), and the state words written out
// as lower-case hex (RFC 1321 §3.5, FIPS 180-4 §6.2.2). They differ only in byte order and in the compression.
// Subclasses supply the compression as a method, not a callback: on XS a closure, like a subarray view, allocates,
// and update() and finishHex() allocate nothing.
import { HEX } from "./bytes.js";

/** One computation at a time: `reset()`, `update()` any number of times, `finishHex()`. Reusable. */
export abstract class BlockHash {
	/** Length of the hex digest finishHex() writes. */
	readonly hexLength: number;
	/** The chaining state (MD5's A, B, C, D; SHA-256's H0..H7), preallocated. */
	protected readonly state: Int32Array;
	/** Words and the length field big-endian (SHA-256) or little-endian, low-order word first (MD5). */
	readonly #bigEndian: boolean;
	/** Bytes waiting for a whole 64-byte block. */
	readonly #block = new Uint8Array(64);
	#fill = 0;
	/** Message length in bytes so far (a double: exact far beyond any SIP message). */
	#length = 0;

	protected constructor(stateWords: number, bigEndian: boolean) {
		this.state = new Int32Array(stateWords);
		this.hexLength = stateWords * 8;
		this.#bigEndian = bigEndian;
		this.reset();
	}

	/** Start a new message. */
	reset(): this {
		this.initState(this.state);
		this.#fill = 0;
		this.#length = 0;
		return this;
	}

	/** Append buf[start, end) to the message. */
	update(buf: Uint8Array, start: number, end: number): this {
		if (end <= start) return this;
		this.#length += end - start;
		const block = this.#block;
		let i = start, fill = this.#fill;
		if (fill > 0) {
			while (fill < 64 && i < end) block[fill++] = buf[i++];
			if (fill < 64) {
				this.#fill = fill;
				return this;
			}
			this.compress(block, 0);
			fill = 0;
		}
		// Whole blocks straight from the caller's buffer: no copy.
		for (; end - i >= 64; i += 64) this.compress(buf, i);
		while (i < end) block[fill++] = buf[i++];
		this.#fill = fill;
		return this;
	}

	/**
	 * Pad, write the hexLength lower-case hex digits of the digest at out[outStart..] and reset for the next message.
	 * Returns the index after the last digit written.
	 */
	finishHex(out: Uint8Array, outStart: number): number {
		const block = this.#block, length = this.#length, bigEndian = this.#bigEndian;
		// RFC 1321 §3.1-3.2, FIPS 180-4 §5.1.1: a 1 bit, zeros to 56 mod 64, then the bit length as 64 bits.
		let fill = this.#fill;
		block[fill++] = 0x80;
		if (fill > 56) {
			while (fill < 64) block[fill++] = 0;
			this.compress(block, 0);
			fill = 0;
		}
		while (fill < 56) block[fill++] = 0;
		const low = (length % 0x20000000) * 8, high = Math.floor(length / 0x20000000);
		for (let k = 0; k < 4; k++) {
			if (bigEndian) {
				// FIPS 180-4 §5.1.1: a 64-bit big-endian integer.
				block[59 - k] = (high >>> (8 * k)) & 0xff;
				block[63 - k] = (low >>> (8 * k)) & 0xff;
			} else {
				// RFC 1321 §3.2: low-order word first, each low-order byte first.
				block[56 + k] = (low >>> (8 * k)) & 0xff;
				block[60 + k] = (high >>> (8 * k)) & 0xff;
			}
		}
		this.compress(block, 0);
		// RFC 1321 §3.5: A, B, C, D, each low-order byte first; FIPS 180-4 §6.2.2: H0 || ... || H7, each big-endian.
		const s = this.state, first = bigEndian ? 24 : 0, step = bigEndian ? -8 : 8;
		let o = outStart;
		for (let w = 0; w < s.length; w++) {
			const word = s[w];
			for (let n = 0, k = first; n < 4; n++, k += step) {
				const b = (word >>> k) & 0xff;
				out[o++] = HEX[b >>> 4];
				out[o++] = HEX[b & 15];
			}
		}
		this.reset();
		return o;
	}

	/** Write the initial chaining value into state. Called from the base constructor: use module constants only. */
	protected abstract initState(state: Int32Array): void;

	/** Process the 64-byte block at src[offset..] into state. */
	protected abstract compress(src: Uint8Array, offset: number): void;
}
