// Hashes and stored copies of the values transactions are matched on — RFC 3261 §17.1.3, §17.2.3, §8.2.2.2.
import { LOWER } from "../sip/chars.js";

const FNV_OFFSET = 0x811c9dc5, FNV_PRIME = 0x01000193;

/** FNV-1a over buf[start, end), continuing from `h` (start with FNV_START). */
export function hashBytes(h: number, buf: Uint8Array, start: number, end: number): number {
	for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], FNV_PRIME);
	return h >>> 0;
}
/** The same, case-insensitively (host names, §19.1.4). */
export function hashBytesIgnoreCase(h: number, buf: Uint8Array, start: number, end: number): number {
	for (let i = start; i < end; i++) h = Math.imul(h ^ LOWER[buf[i]], FNV_PRIME);
	return h >>> 0;
}
/** Mix a number (a port, a CSeq) into a hash. */
export function hashNumber(h: number, n: number): number {
	h = Math.imul(h ^ (n & 0xff), FNV_PRIME);
	h = Math.imul(h ^ ((n >>> 8) & 0xff), FNV_PRIME);
	h = Math.imul(h ^ ((n >>> 16) & 0xff), FNV_PRIME);
	return Math.imul(h ^ (n >>> 24), FNV_PRIME) >>> 0;
}
export const FNV_START = FNV_OFFSET;
