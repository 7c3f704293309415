// A DNS query message — RFC 1035 §4.1.1 (header), §4.1.2 (question); RFC 6891 §6 (EDNS OPT record); RFC 6762 §5.1, §18.
// Written into the caller's preallocated buffer; allocates nothing.
import { nameLength } from "./name.js";

/** Record types the station asks for or reads (RFC 1035 §3.2.2, RFC 3596, RFC 2782, RFC 3403, RFC 6891). */
export const TYPE_A = 1, TYPE_CNAME = 5, TYPE_SOA = 6, TYPE_AAAA = 28, TYPE_SRV = 33, TYPE_NAPTR = 35, TYPE_OPT = 41;
/** The Internet class (RFC 1035 §3.2.4). */
export const CLASS_IN = 1;
/** mDNS puts the cache-flush / unicast-response bit in the top bit of the class (RFC 6762 §10.2, §5.4). */
export const MDNS_CLASS_MASK = 0x7fff;

// Header flags (RFC 1035 §4.1.1).
export const FLAG_QR = 0x8000, FLAG_TC = 0x0200, FLAG_RD = 0x0100;
/** Response codes (RFC 1035 §4.1.1). */
export const RCODE_NOERROR = 0, RCODE_FORMERR = 1, RCODE_SERVFAIL = 2, RCODE_NXDOMAIN = 3, RCODE_NOTIMP = 4, RCODE_REFUSED = 5;

/** Bytes of a query for a name of `nameBytes` (wire form) with an OPT record: header, question, OPT. */
export function queryBytes(nameBytes: number): number {
	return 12 + nameBytes + 4 + 11;
}

/**
 * Write a standard query (one question, class IN) for the uncompressed name at name[no] into out[0, ...): returns
 * its length. `recursion`: RD set (a stub resolver asks a recursive server, RFC 1035 §7.1; mDNS queries leave it
 * clear, RFC 6762 §18.6). `udpSize` > 512 adds an EDNS OPT record advertising it (RFC 6891 §6.2.3), so answers
 * with SRV glue are not cut to 512 bytes. `out` must hold `queryBytes(nameLength)`.
 */
export function writeQuery(out: Uint8Array, id: number, name: Uint8Array, no: number, type: number, recursion: boolean, udpSize: number): number {
	out[0] = (id >> 8) & 0xff;
	out[1] = id & 0xff;
	out[2] = recursion ? FLAG_RD >> 8 : 0;
	out[3] = 0;
	out[4] = 0;
	out[5] = 1; // QDCOUNT
	out[6] = out[7] = out[8] = out[9] = out[10] = 0;
	out[11] = udpSize > 512 ? 1 : 0; // ARCOUNT: the OPT record
	const n = nameLength(name, no);
	for (let i = 0; i < n; i++) out[12 + i] = name[no + i];
	let w = 12 + n;
	out[w++] = type >> 8;
	out[w++] = type & 0xff;
	out[w++] = 0;
	out[w++] = CLASS_IN;
	if (udpSize > 512) {
		out[w++] = 0; // owner: the root
		out[w++] = 0;
		out[w++] = TYPE_OPT;
		out[w++] = (udpSize >> 8) & 0xff; // CLASS carries the UDP payload size
		out[w++] = udpSize & 0xff;
		out[w++] = 0; // TTL: extended RCODE, version 0, flags (no DO bit)
		out[w++] = 0;
		out[w++] = 0;
		out[w++] = 0;
		out[w++] = 0; // RDLENGTH 0: no options
		out[w++] = 0;
	}
	return w;
}
