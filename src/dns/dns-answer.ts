// What a lookup gives its caller: the records of one (name, type) from the cache, or why there are none —
// RFC 1035 §4.1.1 (RCODE), RFC 2308 §2 (NXDOMAIN and NODATA). A view, valid only during the call it is handed in.
import { DnsCache, ENTRY_NODATA, ENTRY_NXDOMAIN } from "./cache.js";
import { nameText } from "./name.js";
import { TYPE_A, TYPE_AAAA, TYPE_CNAME, TYPE_NAPTR, TYPE_SOA, TYPE_SRV } from "./query-writer.js";

/** How a lookup ended. */
export const DNS_OK = 0, DNS_NXDOMAIN = 1, DNS_NODATA = 2, DNS_TIMEOUT = 3, DNS_FAILED = 4;

export const R_NXDOMAIN = "no such domain (NXDOMAIN)";
export const R_NODATA = "no record of this type";
export const R_TIMEOUT = "no answer from the DNS servers (timeout)";
export const R_NO_SERVER = "no DNS server configured";
export const R_BAD_NAME = "not a valid domain name";
export const R_BUSY = "too many lookups at once (every query slot is in use)";
export const R_NO_TIMER = "no timer free for the query";
export const R_NO_SOCKET = "no socket could be opened for the query";
export const R_SEND = "the query could not be sent";
export const R_SERVFAIL = "server failure (SERVFAIL)";
export const R_REFUSED = "query refused (REFUSED)";
export const R_NOTIMP = "query not implemented by the server (NOTIMP)";
export const R_FORMERR = "the server could not read the query (FORMERR)";
export const R_RCODE = "unknown response code";
export const R_CANCELLED = "lookup cancelled";

/** The reason a response code gives (RFC 1035 §4.1.1). */
export function rcodeReason(rcode: number): string {
	switch (rcode) {
		case 1:
			return R_FORMERR;
		case 2:
			return R_SERVFAIL;
		case 3:
			return R_NXDOMAIN;
		case 4:
			return R_NOTIMP;
		case 5:
			return R_REFUSED;
		default:
			return R_RCODE;
	}
}

const EMPTY = new Uint8Array(1);

/** The outcome of one lookup. Records are read by index, 0 .. count - 1, all of the type asked. */
export class DnsAnswer {
	status = DNS_OK;
	/** Why there are no records ("" when DNS_OK). A constant. */
	reason = "";
	/** The type asked. */
	type = 0;
	/** The server that answered (or was asked last), "" when the answer came from the cache. */
	server = "";
	#cache: DnsCache;
	#entry = -1;
	#nameBuf: Uint8Array = EMPTY;
	#nameAt = 0;

	constructor(cache: DnsCache) {
		this.#cache = cache;
	}

	/** Records (0 unless DNS_OK). */
	get count(): number {
		return this.#entry < 0 || this.status !== DNS_OK ? 0 : this.#cache.count(this.#entry);
	}
	/** When the records (or the negative answer) stop being valid, on the client's clock; -1 for a failure. */
	get expiresAt(): number {
		return this.#entry < 0 ? -1 : this.#cache.expiresAt(this.#entry);
	}
	/** The bytes records keep: addresses and names live here, at `dataAt(i)`. */
	get bytes(): Uint8Array {
		return this.#cache.area;
	}
	/** The name asked, uncompressed, at `nameAt` in `nameBytes`. */
	get nameBytes(): Uint8Array {
		return this.#nameBuf;
	}
	get nameAt(): number {
		return this.#nameAt;
	}
	/** SRV priority / NAPTR order of record i. */
	priority(i: number): number {
		return this.#cache.a(this.#entry, i);
	}
	/** SRV weight / NAPTR preference. */
	weight(i: number): number {
		return this.#cache.b(this.#entry, i);
	}
	/** SRV port. */
	port(i: number): number {
		return this.#cache.c(this.#entry, i);
	}
	/** NAPTR: the SERVICE_* (answer-parser.ts) of a record with flag "s" and no regexp, else 0. */
	service(i: number): number {
		return this.#cache.c(this.#entry, i);
	}
	/** Offset in `bytes` of record i's address (A: 4 bytes, AAAA: 16) or name (SRV target, NAPTR replacement). */
	dataAt(i: number): number {
		return this.#cache.dataAt(this.#entry, i);
	}
	dataLength(i: number): number {
		return this.#cache.dataLength(this.#entry, i);
	}

	/** The name asked, as text ("pbx.example.com"). Allocates: for messages. */
	nameText(): string {
		return nameText(this.#nameBuf, this.#nameAt);
	}

	/** "pbx.example.com SRV: no such domain (NXDOMAIN)" — what went wrong, naming the name. Allocates. */
	describe(): string {
		const what = `${this.nameText()} ${typeName(this.type)}`;
		return this.status === DNS_OK ? `${what}: ${this.count} record(s)` : `${what}: ${this.reason}`;
	}

	/** Point at cache entry e (a live or just-stored answer). */
	fromEntry(e: number, server: string): void {
		const s = this.#cache.status(e);
		this.#entry = e;
		this.type = this.#cache.type(e);
		this.server = server;
		this.#nameBuf = this.#cache.area;
		this.#nameAt = this.#cache.nameAt(e);
		this.status = s === ENTRY_NXDOMAIN ? DNS_NXDOMAIN : s === ENTRY_NODATA ? DNS_NODATA : DNS_OK;
		this.reason = s === ENTRY_NXDOMAIN ? R_NXDOMAIN : s === ENTRY_NODATA ? R_NODATA : "";
	}

	/** A lookup of (name at buf[o], type) that failed. */
	fail(status: number, reason: string, buf: Uint8Array, o: number, type: number, server: string): void {
		this.#entry = -1;
		this.status = status;
		this.reason = reason;
		this.type = type;
		this.server = server;
		this.#nameBuf = buf;
		this.#nameAt = o;
	}
}

/** The mnemonic of a record type, for messages. */
export function typeName(type: number): string {
	switch (type) {
		case TYPE_A:
			return "A";
		case TYPE_AAAA:
			return "AAAA";
		case TYPE_SRV:
			return "SRV";
		case TYPE_NAPTR:
			return "NAPTR";
		case TYPE_CNAME:
			return "CNAME";
		case TYPE_SOA:
			return "SOA";
		default:
			return `TYPE${type}`;
	}
}
