// A small fixed cache of DNS answers — RFC 1035 §7.4 (using the cache), RFC 2181 §5.2 (an RRset has one TTL),
// RFC 2308 §5 (negative answers). Sized once from DnsConfig: a full cache evicts the entry that expires first
// (an expired one before any), it never grows. Names and addresses are kept as bytes in each entry's own area.
import type { DnsConfig } from "./dns-config.js";
import { copyName, MAX_NAME, nameLength, namesEqual } from "./name.js";

/** What a cached entry says (a negative answer is remembered as much as a positive one, RFC 2308 §5). */
export const ENTRY_RECORDS = 1, ENTRY_NXDOMAIN = 2, ENTRY_NODATA = 3;

/**
 * Cached answers, each for one (name, type): status, expiry, up to `recordsPerEntry` records. A record is a type,
 * three integers (SRV: priority, weight, port; NAPTR: order, preference, service) and bytes in the entry's area
 * (an address, or an SRV target / NAPTR replacement in uncompressed wire form). Allocates nothing after construction.
 */
export class DnsCache {
	readonly entries: number;
	readonly recordsPerEntry: number;
	readonly entryBytes: number;
	/** The entries' areas: entry e owns [e * entryBytes, (e + 1) * entryBytes); its name comes first. */
	readonly area: Uint8Array;
	readonly #status: Uint8Array;
	readonly #type: Uint16Array;
	readonly #expires: Float64Array;
	readonly #count: Uint16Array;
	readonly #used: Int32Array;
	readonly #rtype: Uint16Array;
	readonly #a: Int32Array;
	readonly #b: Int32Array;
	readonly #c: Int32Array;
	readonly #dataAt: Int32Array;
	readonly #dataLength: Int32Array;

	constructor(config: Pick<DnsConfig, "cacheEntries" | "recordsPerEntry" | "entryBytes">) {
		const n = (this.entries = config.cacheEntries), r = (this.recordsPerEntry = config.recordsPerEntry) * n;
		this.entryBytes = config.entryBytes;
		this.area = new Uint8Array(n * config.entryBytes);
		this.#status = new Uint8Array(n);
		this.#type = new Uint16Array(n);
		this.#expires = new Float64Array(n);
		this.#count = new Uint16Array(n);
		this.#used = new Int32Array(n);
		this.#rtype = new Uint16Array(r);
		this.#a = new Int32Array(r);
		this.#b = new Int32Array(r);
		this.#c = new Int32Array(r);
		this.#dataAt = new Int32Array(r);
		this.#dataLength = new Int32Array(r);
	}

	/** The live entry for (name at buf[o], uncompressed; type) at `nowMs`, or -1. */
	find(buf: Uint8Array, o: number, type: number, nowMs: number): number {
		for (let e = 0; e < this.entries; e++) {
			if (this.#status[e] !== 0 && this.#type[e] === type && this.#expires[e] > nowMs &&
				namesEqual(this.area, 0, e * this.entryBytes, buf, 0, o)) return e;
		}
		return -1;
	}

	/**
	 * Start an entry for (name, type), replacing the one for the same key, else a free or expired one, else the one
	 * that expires first. The name is at buf[base..] at `o` (possibly compressed: `base` is its message's start).
	 * It holds no records and expires at once until `close` gives it a TTL.
	 */
	open(buf: Uint8Array, base: number, o: number, type: number, nowMs: number): number {
		let victim = -1;
		for (let e = 0; e < this.entries; e++) {
			if (this.#status[e] === 0 || this.#expires[e] <= nowMs) {
				if (victim < 0 || this.#status[victim] !== 0) victim = e;
			} else if (this.#type[e] === type && namesEqual(this.area, 0, e * this.entryBytes, buf, base, o)) {
				victim = e;
				break;
			}
		}
		if (victim < 0) {
			victim = 0;
			for (let e = 1; e < this.entries; e++) if (this.#expires[e] < this.#expires[victim]) victim = e;
		}
		const at = victim * this.entryBytes;
		this.#used[victim] = copyName(buf, base, o, this.area, at, at + MAX_NAME);
		this.#status[victim] = ENTRY_RECORDS;
		this.#type[victim] = type;
		this.#expires[victim] = nowMs;
		this.#count[victim] = 0;
		return victim;
	}

	/** Add an A/AAAA record (its address bytes msg[at, at + length)). False when the entry is full. */
	addAddress(e: number, type: number, msg: Uint8Array, at: number, length: number): boolean {
		const r = this.#slot(e, length);
		if (r < 0) return false;
		const area = this.area, w = this.#dataAt[r];
		for (let k = 0; k < length; k++) area[w + k] = msg[at + k];
		this.#commit(e, r, type, 0, 0, 0, length);
		return true;
	}

	/**
	 * Add a record that names a host (SRV target, NAPTR replacement) with its three integers; the name is copied
	 * uncompressed from the message msg[base..]. False when the entry is full.
	 */
	addNamed(e: number, type: number, a: number, b: number, c: number, msg: Uint8Array, base: number, nameAt: number): boolean {
		const r = this.#slot(e, 1);
		if (r < 0) return false;
		const w = this.#dataAt[r], room = (e + 1) * this.entryBytes;
		const n = copyName(msg, base, nameAt, this.area, w, room);
		if (n < 0) return false;
		this.#commit(e, r, type, a, b, c, n);
		return true;
	}

	/** Finish an entry: its status and TTL in seconds (0: usable for the answer at hand only). */
	close(e: number, status: number, ttlSeconds: number, nowMs: number): void {
		this.#status[e] = status;
		this.#expires[e] = nowMs + ttlSeconds * 1000;
	}

	/** Forget everything (a network change: other servers may answer otherwise). */
	flush(): void {
		this.#status.fill(0);
	}

	/** Live entries at `nowMs`. */
	live(nowMs: number): number {
		let n = 0;
		for (let e = 0; e < this.entries; e++) if (this.#status[e] !== 0 && this.#expires[e] > nowMs) n++;
		return n;
	}

	status(e: number): number {
		return this.#status[e];
	}
	type(e: number): number {
		return this.#type[e];
	}
	expiresAt(e: number): number {
		return this.#expires[e];
	}
	count(e: number): number {
		return this.#count[e];
	}
	/** Offset in `area` of the entry's name. */
	nameAt(e: number): number {
		return e * this.entryBytes;
	}
	recordType(e: number, i: number): number {
		return this.#rtype[e * this.recordsPerEntry + i];
	}
	/** SRV priority / NAPTR order. */
	a(e: number, i: number): number {
		return this.#a[e * this.recordsPerEntry + i];
	}
	/** SRV weight / NAPTR preference. */
	b(e: number, i: number): number {
		return this.#b[e * this.recordsPerEntry + i];
	}
	/** SRV port / NAPTR service. */
	c(e: number, i: number): number {
		return this.#c[e * this.recordsPerEntry + i];
	}
	/** Offset in `area` of record i's bytes (address, or name in wire form), and their length. */
	dataAt(e: number, i: number): number {
		return this.#dataAt[e * this.recordsPerEntry + i];
	}
	dataLength(e: number, i: number): number {
		return this.#dataLength[e * this.recordsPerEntry + i];
	}

	/** The next record slot of entry e with at least `bytes` of room, its data offset set; -1 when full. */
	#slot(e: number, bytes: number): number {
		const i = this.#count[e];
		if (i >= this.recordsPerEntry) return -1;
		const w = e * this.entryBytes + this.#used[e];
		if (w + bytes > (e + 1) * this.entryBytes) return -1;
		const r = e * this.recordsPerEntry + i;
		this.#dataAt[r] = w;
		return r;
	}

	#commit(e: number, r: number, type: number, a: number, b: number, c: number, length: number): void {
		this.#rtype[r] = type;
		this.#a[r] = a;
		this.#b[r] = b;
		this.#c[r] = c;
		this.#dataLength[r] = length;
		this.#used[e] += length;
		this.#count[e]++;
	}
}

/** Length of the name kept at the start of an entry (for callers that copy it). */
export function keptNameLength(cache: DnsCache, e: number): number {
	return nameLength(cache.area, cache.nameAt(e));
}
