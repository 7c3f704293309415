// The tests' one source of chance: Marsaglia's 32-bit xorshift (13, 17, 5), seeded, the same sequence on every run and
// on every engine (Node and XS). Fuzzers, media scenarios and loss models draw from it, so a failing case is replayed
// from its seed.
export class Xorshift {
	#s: number;

	/** A seed of 0 would stay 0 for ever: it starts from 1 instead. */
	constructor(seed: number) {
		this.#s = seed >>> 0 || 1;
	}

	/** Start over from `seed` (a fuzzer's next case, without a new object). */
	reseed(seed: number): void {
		this.#s = seed >>> 0 || 1;
	}

	/** The next 32-bit value (never 0). */
	next(): number {
		let x = this.#s;
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		this.#s = x >>> 0;
		return this.#s;
	}

	/** An integer in [0, n); 0 when n ≤ 0. */
	below(n: number): number {
		return n <= 0 ? 0 : this.next() % n;
	}

	/** A number in [0, 1). */
	unit(): number {
		return this.next() / 4294967296;
	}
}
