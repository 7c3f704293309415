// MD5 message digest, incremental, into lower-case hex — RFC 1321 (for Digest authentication, RFC 3261 §22.4,
// RFC 7616 §3.2). State and work buffers are preallocated; update() and finishHex() allocate nothing. Block buffering,
// padding and hex output are block-hash.ts; this file is the compression (§3.4).
import { BlockHash } from "./block-hash.js";

/** RFC 1321 §3.4: T[i] = floor(2^32 * |sin(i + 1)|), written out so no engine's Math.sin can change it. */
const T = Int32Array.of(
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
	0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
	0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
	0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
	0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
	0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
);

/** RFC 1321 §3.4: the left-rotation of each of the 64 steps (four per round, repeated four times). */
const S = Uint8Array.of(
	7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
	5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
	4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
	6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
);

/** The message word each step reads (RFC 1321 §3.4: rounds 2-4 take X[k] in the orders 1+5i, 5+3i, 7i mod 16). */
const G = new Uint8Array(64);
for (let i = 0; i < 64; i++) G[i] = i < 16 ? i : i < 32 ? (5 * i + 1) & 15 : i < 48 ? (3 * i + 5) & 15 : (7 * i) & 15;

/** One MD5 computation at a time: `reset()`, `update()` any number of times, `finishHex()` (block-hash.ts). Reusable. */
export class Md5 extends BlockHash {
	/** The 16 little-endian words of the block being processed. */
	readonly #x = new Int32Array(16);

	constructor() {
		// RFC 1321 §3.3: the four-word buffer A, B, C, D; §3.5: output low-order byte first.
		super(4, false);
	}

	/** RFC 1321 §3.3 initial buffer. */
	protected override initState(s: Int32Array): void {
		s[0] = 0x67452301;
		s[1] = 0xefcdab89;
		s[2] = 0x98badcfe;
		s[3] = 0x10325476;
	}

	/** RFC 1321 §3.4: process the 64-byte block at src[offset..]. */
	protected override compress(src: Uint8Array, offset: number): void {
		const x = this.#x, s = this.state, t = T, rot = S, g = G;
		for (let j = 0; j < 16; j++, offset += 4) {
			x[j] = src[offset] | (src[offset + 1] << 8) | (src[offset + 2] << 16) | (src[offset + 3] << 24);
		}
		let a = s[0], b = s[1], c = s[2], d = s[3];
		for (let i = 0; i < 64; i++) {
			let f: number;
			if (i < 16) f = (b & c) | (~b & d); // F
			else if (i < 32) f = (b & d) | (c & ~d); // G
			else if (i < 48) f = b ^ c ^ d; // H
			else f = c ^ (b | ~d); // I
			// Four int32 terms sum exactly in a double; `| 0` is the mod 2^32 of the RFC's "+".
			const sum = (a + f + t[i] + x[g[i]]) | 0, r = rot[i];
			a = d;
			d = c;
			c = b;
			b = (b + ((sum << r) | (sum >>> (32 - r)))) | 0;
		}
		s[0] = (s[0] + a) | 0;
		s[1] = (s[1] + b) | 0;
		s[2] = (s[2] + c) | 0;
		s[3] = (s[3] + d) | 0;
	}
}
