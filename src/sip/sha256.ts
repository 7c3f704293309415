// SHA-256, incremental, into lower-case hex — FIPS 180-4 §6.2 (for Digest authentication, RFC 7616 §3.2, RFC 8760
// §2.2). State and work buffers are preallocated; update() and finishHex() allocate nothing. Block buffering, padding
// and hex output are block-hash.ts; this file is the compression (§6.2.2).
import { BlockHash } from "./block-hash.js";

/** FIPS 180-4 §4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64 primes. */
const K = Int32Array.of(
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
);

/** FIPS 180-4 §5.3.3: the initial hash value (square roots of the first 8 primes). */
const H0 = Int32Array.of(0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19);

/** One SHA-256 computation at a time: `reset()`, `update()` any number of times, `finishHex()` (block-hash.ts). Reusable. */
export class Sha256 extends BlockHash {
	/** The message schedule W0..W63 (§6.2.2 step 1). */
	readonly #w = new Int32Array(64);

	constructor() {
		// H(i)0..H(i)7 (§6.2.2), words and length big-endian (§3.1, §5.1.1).
		super(8, true);
	}

	/** §5.3.3 initial hash value. */
	protected override initState(s: Int32Array): void {
		s.set(H0);
	}

	/** §6.2.2: process the 64-byte block at src[offset..]. Rotations are written out (ROTR^n x = x >>> n | x << 32-n). */
	protected override compress(src: Uint8Array, offset: number): void {
		const w = this.#w, s = this.state, k = K;
		for (let t = 0; t < 16; t++, offset += 4) {
			w[t] = (src[offset] << 24) | (src[offset + 1] << 16) | (src[offset + 2] << 8) | src[offset + 3];
		}
		for (let t = 16; t < 64; t++) {
			const x = w[t - 15], y = w[t - 2];
			const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3); // σ0 (§4.1.2)
			const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10); // σ1
			w[t] = (w[t - 16] + s0 + w[t - 7] + s1) | 0;
		}
		let a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
		for (let t = 0; t < 64; t++) {
			const sigma1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7)); // Σ1
			const ch = (e & f) ^ (~e & g);
			// Five int32 terms sum exactly in a double; `| 0` is the addition modulo 2^32 of §3.2.
			const t1 = (h + sigma1 + ch + k[t] + w[t]) | 0;
			const sigma0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10)); // Σ0
			const maj = (a & b) ^ (a & c) ^ (b & c);
			const t2 = (sigma0 + maj) | 0;
			h = g;
			g = f;
			f = e;
			e = (d + t1) | 0;
			d = c;
			c = b;
			b = a;
			a = (t1 + t2) | 0;
		}
		s[0] = (s[0] + a) | 0;
		s[1] = (s[1] + b) | 0;
		s[2] = (s[2] + c) | 0;
		s[3] = (s[3] + d) | 0;
		s[4] = (s[4] + e) | 0;
		s[5] = (s[5] + f) | 0;
		s[6] = (s[6] + g) | 0;
		s[7] = (s[7] + h) | 0;
	}
}
