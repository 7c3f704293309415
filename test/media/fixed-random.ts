// A `Random` for media tests and vectors: replays a fixed byte sequence, so SSRCs, sequence numbers, timestamps and
// RTCP intervals come out the same on every run and on every engine. Host-free (runs on XS too).
import type { Random } from "../../src/host.js";
import { Xorshift } from "../xorshift.js";

/** Fills from `bytes`, cycling; or, with no bytes, from a 32-bit xorshift of `seed`. Counts the calls. */
export class FixedRandom implements Random {
	#bytes: Uint8Array | null;
	#at = 0;
	readonly #rng: Xorshift;
	calls = 0;

	constructor(bytes: ArrayLike<number> | null = null, seed = 0x9e3779b9) {
		this.#bytes = bytes === null ? null : Uint8Array.from(bytes);
		this.#rng = new Xorshift(seed);
	}

	fill(out: Uint8Array): void {
		this.calls++;
		for (let i = 0; i < out.length; i++) {
			if (this.#bytes !== null) {
				out[i] = this.#bytes[this.#at++ % this.#bytes.length];
			} else {
				out[i] = this.#rng.next() & 0xff;
			}
		}
	}
}
