// Reading a DNS response — RFC 1035 §4.1 (format), §4.1.4 (compression), §7.3 (checks a resolver makes); RFC 2181
// §8 (TTL), §10.1 (CNAME); RFC 2782 (SRV), RFC 3403 §4.1 (NAPTR); RFC 3596 (AAAA); RFC 6762 §18 (mDNS).
// The whole message is checked before anything is used: every name, every record's bounds and the data of each type
// the station reads. Records are kept as offsets into the message in a preallocated table; nothing is allocated,
// and a fault gives a constant reason (never an exception), like the SIP parser's verdicts.
import { ascii } from "../sip/bytes.js";
import { LOWER } from "../sip/chars.js";
import { HEADER_BYTES, namesEqual, NAME_REASONS, skipName } from "./name.js";
import { CLASS_IN, FLAG_QR, FLAG_TC, MDNS_CLASS_MASK, TYPE_A, TYPE_AAAA, TYPE_CNAME, TYPE_NAPTR, TYPE_SOA, TYPE_SRV } from "./query-writer.js";

export const SECTION_ANSWER = 1, SECTION_AUTHORITY = 2, SECTION_ADDITIONAL = 3;

export const R_SHORT = "message shorter than the DNS header";
export const R_NOT_RESPONSE = "QR bit clear: a query, not a response";
export const R_OPCODE = "opcode is not QUERY";
export const R_TRUNCATED = "TC bit set: the answer was truncated (DNS over TCP is not supported)";
export const R_QUESTION_COUNT = "question count is not 1";
export const R_QUESTION = "answer to another question (name, type or class differ)";
export const R_RECORD_PAST_END = "record header runs past the end of the message";
export const R_DATA_PAST_END = "record data runs past the end of the message";
export const R_A_LENGTH = "A record data is not 4 bytes";
export const R_AAAA_LENGTH = "AAAA record data is not 16 bytes";
export const R_NAME_DATA = "name in record data does not end where the data ends";
export const R_SRV_DATA = "SRV record data malformed";
export const R_NAPTR_DATA = "NAPTR record data malformed";
export const R_SOA_DATA = "SOA record data malformed";
export const R_CNAME_CHAIN = "CNAME chain longer than 8 or looping";

/** NAPTR services the station can use (RFC 3263 §4.1), each naming a transport; 0 for every other service. */
export const SERVICE_SIP_UDP = 1, SERVICE_SIP_TCP = 2, SERVICE_SIPS_TCP = 3;
const SERVICES: readonly Uint8Array[] = Object.freeze([new Uint8Array(0), ascii("sip+d2u"), ascii("sip+d2t"), ascii("sips+d2t")]);

/** CNAMEs followed from the question to the owner of the answer (RFC 1034 §3.6.2 asks for a bound). */
const MAX_CNAMES = 8;
const EMPTY = new Uint8Array(0);

/** One parsed response: header fields and a table of its records as offsets into the message. */
export class AnswerParser {
	readonly capacity: number;
	/** Per kept record, in message order: section, type, class, TTL (s), owner name, data start and end. */
	readonly section: Uint8Array;
	readonly type: Uint16Array;
	readonly rclass: Uint16Array;
	readonly ttl: Float64Array;
	readonly nameAt: Int32Array;
	readonly dataAt: Int32Array;
	readonly dataEnd: Int32Array;
	/** Records kept (the message may hold more: they were checked, not kept). */
	count = 0;
	id = -1;
	flags = 0;
	rcode = 0;
	/** Offset of the question's name, -1 when the message has none (a multicast mDNS response). */
	questionAt = -1;
	/** Where the names of the answer records are: the question name, or the target of the last CNAME followed. */
	canonicalBuf: Uint8Array = EMPTY;
	canonicalBase = 0;
	canonicalAt = 0;
	/** Lowest TTL of the CNAMEs followed (s), Infinity when none. */
	cnameTtl = Infinity;
	/** The fault when `parse` returned false (a constant), and the byte offset it was found at. */
	reason = "";
	errorAt = -1;
	msg: Uint8Array = EMPTY;
	base = 0;
	end = 0;
	#qtype = 0;
	#mdns = false;

	constructor(capacity: number) {
		this.capacity = capacity;
		this.section = new Uint8Array(capacity);
		this.type = new Uint16Array(capacity);
		this.rclass = new Uint16Array(capacity);
		this.ttl = new Float64Array(capacity);
		this.nameAt = new Int32Array(capacity);
		this.dataAt = new Int32Array(capacity);
		this.dataEnd = new Int32Array(capacity);
	}

	/**
	 * Check the response msg[start, end) to the question (qname at qbuf[qo], uncompressed; qtype; class IN) and
	 * index its records. `mdns`: an mDNS answer (RFC 6762 §18): no question is allowed (a multicast response carries
	 * none), and the top bit of a class is the cache-flush bit. The caller has matched the ID and the source.
	 * True when usable (the RCODE is for the caller to read); false with `reason` and `errorAt`.
	 */
	parse(msg: Uint8Array, start: number, end: number, qbuf: Uint8Array, qo: number, qtype: number, mdns: boolean): boolean {
		this.msg = msg;
		this.base = start;
		this.end = end;
		this.count = 0;
		this.questionAt = -1;
		this.cnameTtl = Infinity;
		this.reason = "";
		this.errorAt = -1;
		this.#qtype = qtype;
		this.#mdns = mdns;
		if (end - start < HEADER_BYTES) return this.#fail(R_SHORT, start);
		this.id = (msg[start] << 8) | msg[start + 1];
		const flags = (this.flags = (msg[start + 2] << 8) | msg[start + 3]);
		this.rcode = flags & 0xf;
		if ((flags & FLAG_QR) === 0) return this.#fail(R_NOT_RESPONSE, start + 2);
		if ((flags & 0x7800) !== 0) return this.#fail(R_OPCODE, start + 2);
		if ((flags & FLAG_TC) !== 0) return this.#fail(R_TRUNCATED, start + 2);
		const qd = u16(msg, start + 4);
		let p = start + HEADER_BYTES;
		if (qd === 1) {
			const q = skipName(msg, start, p, end);
			if (q < 0) return this.#fail(NAME_REASONS[-q], p);
			if (q + 4 > end) return this.#fail(R_RECORD_PAST_END, q);
			if (!namesEqual(msg, start, p, qbuf, 0, qo) || u16(msg, q) !== qtype || (u16(msg, q + 2) & this.#classMask()) !== CLASS_IN) {
				return this.#fail(R_QUESTION, p);
			}
			this.questionAt = p;
			p = q + 4;
		} else if (qd !== 0 || !mdns) {
			return this.#fail(R_QUESTION_COUNT, start + 4);
		}
		const an = u16(msg, start + 6), ns = an + u16(msg, start + 8), total = ns + u16(msg, start + 10);
		for (let r = 0; r < total; r++) {
			p = this.#record(p, r < an ? SECTION_ANSWER : r < ns ? SECTION_AUTHORITY : SECTION_ADDITIONAL);
			if (p < 0) return false;
		}
		if (this.questionAt >= 0) {
			this.canonicalBuf = msg;
			this.canonicalBase = start;
			this.canonicalAt = this.questionAt;
		} else {
			this.canonicalBuf = qbuf;
			this.canonicalBase = 0;
			this.canonicalAt = qo;
		}
		return qtype === TYPE_CNAME || this.#followCnames();
	}

	/** Is kept record i an answer to the question: in the answer section, of its type and class, owned by the canonical name? */
	isAnswer(i: number): boolean {
		return this.section[i] === SECTION_ANSWER && this.type[i] === this.#qtype && (this.rclass[i] & this.#classMask()) === CLASS_IN &&
			namesEqual(this.msg, this.base, this.nameAt[i], this.canonicalBuf, this.canonicalBase, this.canonicalAt);
	}

	/** Is kept record i of class IN (the mDNS cache-flush bit ignored)? */
	isInternet(i: number): boolean {
		return (this.rclass[i] & this.#classMask()) === CLASS_IN;
	}

	srvPriority(i: number): number {
		return u16(this.msg, this.dataAt[i]);
	}
	srvWeight(i: number): number {
		return u16(this.msg, this.dataAt[i] + 2);
	}
	srvPort(i: number): number {
		return u16(this.msg, this.dataAt[i] + 4);
	}
	/** Offset of an SRV record's target name (a lone zero: "." — the service is not offered, RFC 2782). */
	srvTargetAt(i: number): number {
		return this.dataAt[i] + 6;
	}
	naptrOrder(i: number): number {
		return u16(this.msg, this.dataAt[i]);
	}
	naptrPreference(i: number): number {
		return u16(this.msg, this.dataAt[i] + 2);
	}
	/** Does the NAPTR FLAGS string hold `lowerFlag` (RFC 3403 §4.1: flags are single characters, case-insensitive)? */
	naptrHasFlag(i: number, lowerFlag: number): boolean {
		const msg = this.msg, f = this.dataAt[i] + 4;
		for (let k = 1; k <= msg[f]; k++) if (LOWER[msg[f + k]] === lowerFlag) return true;
		return false;
	}
	/** The SERVICE_* the NAPTR SERVICES string names (case-insensitive), 0 for any other. */
	naptrService(i: number): number {
		const msg = this.msg, f = this.dataAt[i] + 4, s = f + 1 + msg[f], n = msg[s];
		for (let id = 1; id < SERVICES.length; id++) {
			const want = SERVICES[id];
			if (n !== want.length) continue;
			let k = 0;
			while (k < n && LOWER[msg[s + 1 + k]] === want[k]) k++;
			if (k === n) return id;
		}
		return 0;
	}
	/** Is the NAPTR REGEXP empty (RFC 3263 §4.1: SIP NAPTRs use the replacement, not a regexp)? */
	naptrRegexpEmpty(i: number): boolean {
		const msg = this.msg, f = this.dataAt[i] + 4, s = f + 1 + msg[f];
		return msg[s + 1 + msg[s]] === 0;
	}
	/** Offset of the NAPTR REPLACEMENT name. */
	naptrReplacementAt(i: number): number {
		const msg = this.msg, f = this.dataAt[i] + 4, s = f + 1 + msg[f], r = s + 1 + msg[s];
		return r + 1 + msg[r];
	}
	/** SOA MINIMUM (RFC 2308 §4: the TTL of negative answers). */
	soaMinimum(i: number): number {
		return u32(this.msg, this.dataEnd[i] - 4);
	}

	#classMask(): number {
		return this.#mdns ? MDNS_CLASS_MASK : 0xffff;
	}

	#fail(reason: string, at: number): false {
		this.reason = reason;
		this.errorAt = at;
		return false;
	}

	/** `#fail` for a reader that returns an offset: -1. */
	#failed(reason: string, at: number): number {
		this.#fail(reason, at);
		return -1;
	}

	/** Check the record at p, keep it if there is room; returns the offset after it, or -1 (reason set). */
	#record(p: number, section: number): number {
		const msg = this.msg, base = this.base, end = this.end;
		const q = skipName(msg, base, p, end);
		if (q < 0) return this.#failed(NAME_REASONS[-q], p);
		if (q + 10 > end) return this.#failed(R_RECORD_PAST_END, q);
		const type = u16(msg, q), length = u16(msg, q + 8), d = q + 10, e = d + length;
		if (e > end) return this.#failed(R_DATA_PAST_END, q + 8);
		const fault = checkData(msg, base, type, d, e, end);
		if (fault !== "") return this.#failed(fault, d);
		const i = this.count;
		if (i < this.capacity) {
			const ttl = u32(msg, q + 4);
			this.section[i] = section;
			this.type[i] = type;
			this.rclass[i] = u16(msg, q + 2);
			this.ttl[i] = ttl >= 0x80000000 ? 0 : ttl; // RFC 2181 §8: a TTL with the top bit set is 0
			this.nameAt[i] = p;
			this.dataAt[i] = d;
			this.dataEnd[i] = e;
			this.count = i + 1;
		}
		return e;
	}

	/** Follow CNAMEs from the question name (RFC 1034 §3.6.2): the answer records are owned by the last target. */
	#followCnames(): boolean {
		for (let hops = 0; ; hops++) {
			let next = -1;
			for (let i = 0; i < this.count && next < 0; i++) {
				if (this.section[i] === SECTION_ANSWER && this.type[i] === TYPE_CNAME && this.isInternet(i) &&
					namesEqual(this.msg, this.base, this.nameAt[i], this.canonicalBuf, this.canonicalBase, this.canonicalAt)) next = i;
			}
			if (next < 0) return true;
			if (hops === MAX_CNAMES) return this.#fail(R_CNAME_CHAIN, this.nameAt[next]);
			this.canonicalBuf = this.msg;
			this.canonicalBase = this.base;
			this.canonicalAt = this.dataAt[next];
			if (this.ttl[next] < this.cnameTtl) this.cnameTtl = this.ttl[next];
		}
	}
}

/** The fault in the data msg[d, e) of a record of `type`, or "" (types the station does not read: bounds only). */
function checkData(msg: Uint8Array, base: number, type: number, d: number, e: number, end: number): string {
	switch (type) {
		case TYPE_A:
			return e - d === 4 ? "" : R_A_LENGTH;
		case TYPE_AAAA:
			return e - d === 16 ? "" : R_AAAA_LENGTH;
		case TYPE_CNAME:
			return nameEndingAt(msg, base, d, e, end, R_NAME_DATA);
		case TYPE_SRV:
			return e - d < 7 ? R_SRV_DATA : nameEndingAt(msg, base, d + 6, e, end, R_SRV_DATA);
		case TYPE_NAPTR: {
			// ORDER, PREFERENCE, then FLAGS, SERVICES and REGEXP as <character-string>s, then REPLACEMENT (RFC 3403 §4.1).
			let p = d + 4;
			for (let k = 0; k < 3; k++) {
				if (p >= e) return R_NAPTR_DATA;
				p += 1 + msg[p];
			}
			return p >= e ? R_NAPTR_DATA : nameEndingAt(msg, base, p, e, end, R_NAPTR_DATA);
		}
		case TYPE_SOA: {
			const m = skipName(msg, base, d, end);
			if (m < 0) return NAME_REASONS[-m];
			if (m >= e) return R_SOA_DATA;
			const r = skipName(msg, base, m, end);
			if (r < 0) return NAME_REASONS[-r];
			return r + 20 === e ? "" : R_SOA_DATA;
		}
		default:
			return "";
	}
}

/** "" when a valid name starts at p and ends exactly at e; else the name's own fault or `mismatch`. */
function nameEndingAt(msg: Uint8Array, base: number, p: number, e: number, end: number, mismatch: string): string {
	const q = skipName(msg, base, p, end);
	if (q < 0) return NAME_REASONS[-q];
	return q === e ? "" : mismatch;
}

function u16(msg: Uint8Array, p: number): number {
	return (msg[p] << 8) | msg[p + 1];
}

/** Unsigned 32-bit big-endian (a multiplication: a shift would make the top bit a sign). */
function u32(msg: Uint8Array, p: number): number {
	return msg[p] * 0x1000000 + ((msg[p + 1] << 16) | (msg[p + 2] << 8) | msg[p + 3]);
}
