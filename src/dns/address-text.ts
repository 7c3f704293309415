// IP addresses from DNS records as text — RFC 1035 §3.4.1 (A), RFC 3596 §2.2 (AAAA), RFC 5952 §4 (IPv6 text):
// the form hosts use in `Peer.address`. Written into a byte buffer; a string is made by the one who keeps it.

const HEX = Object.freeze([0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66]);

/** Longest text an address gives ("ffff:ffff:...": 39 bytes). */
export const MAX_ADDRESS_TEXT = 39;

/** Write a 4-byte (dotted quad) or 16-byte (RFC 5952) address bytes[at, at + length) into out[o..]; returns the text's length, 0 for another length. */
export function formatAddress(bytes: Uint8Array, at: number, length: number, out: Uint8Array, o: number): number {
	if (length === 4) return formatIpv4(bytes, at, out, o);
	if (length === 16) return formatIpv6(bytes, at, out, o);
	return 0;
}

function formatIpv4(bytes: Uint8Array, at: number, out: Uint8Array, o: number): number {
	let w = o;
	for (let k = 0; k < 4; k++) {
		if (k > 0) out[w++] = 0x2e;
		const v = bytes[at + k];
		if (v >= 100) out[w++] = 0x30 + ((v / 100) | 0);
		if (v >= 10) out[w++] = 0x30 + (((v / 10) | 0) % 10);
		out[w++] = 0x30 + (v % 10);
	}
	return w - o;
}

/** RFC 5952 §4: lower-case hex, no leading zeros, the longest run of two or more zero groups (the first of equals) as "::". */
function formatIpv6(bytes: Uint8Array, at: number, out: Uint8Array, o: number): number {
	let bestStart = -1, bestLength = 1, runStart = -1;
	for (let g = 0; g <= 8; g++) {
		const zero = g < 8 && bytes[at + 2 * g] === 0 && bytes[at + 2 * g + 1] === 0;
		if (zero && runStart < 0) runStart = g;
		if (!zero && runStart >= 0) {
			if (g - runStart > bestLength) {
				bestStart = runStart;
				bestLength = g - runStart;
			}
			runStart = -1;
		}
	}
	let w = o;
	for (let g = 0; g < 8; g++) {
		if (g === bestStart) {
			out[w++] = 0x3a;
			out[w++] = 0x3a;
			g += bestLength - 1;
			continue;
		}
		if (g > 0 && g !== bestStart + bestLength) out[w++] = 0x3a;
		const v = (bytes[at + 2 * g] << 8) | bytes[at + 2 * g + 1];
		let started = false;
		for (let shift = 12; shift >= 0; shift -= 4) {
			const d = (v >> shift) & 0xf;
			if (d !== 0 || started || shift === 0) {
				out[w++] = HEX[d];
				started = true;
			}
		}
	}
	return w - o;
}
