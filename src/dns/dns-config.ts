// Sizes and timers of the DNS client, the cache and the RFC 3263 locator — DESIGN.md §3: everything is sized once.
// RFC 1035 §4.2.1 (retransmission), RFC 2181 §8 (TTL range), RFC 2308 §5 (negative caching), RFC 6891 (EDNS size).

export interface DnsConfig {
	/** First wait for a server's answer; doubled every round over the server list (RFC 1035 §4.2.1: 2-5 s). */
	readonly timeoutMs: number;
	/** Rounds over the server list before a lookup times out (resolv.conf `attempts`). */
	readonly attempts: number;
	/** mDNS one-shot queries (RFC 6762 §5.1): first wait and number of sends to the group. */
	readonly mdnsTimeoutMs: number;
	readonly mdnsAttempts: number;
	/** Servers kept (resolv.conf's MAXNS is 3). */
	readonly maxServers: number;
	/** Lookups in flight at once: a full pool is an error the caller hears, never a growth. */
	readonly maxQueries: number;
	/** Largest answer read, and the UDP payload size advertised with EDNS (RFC 6891 §6.2.5); 512 sends no OPT. */
	readonly messageBytes: number;
	/** Records of one answer kept by the parser (beyond: validated, not kept). */
	readonly maxRecords: number;
	/** Cached answers (RRsets and negative answers). A full cache evicts the entry that expires first. */
	readonly cacheEntries: number;
	/** Records kept per cached answer. */
	readonly recordsPerEntry: number;
	/** Bytes per cached answer for its name and its records' names and addresses. */
	readonly entryBytes: number;
	/** Longest a positive answer is kept, in seconds (RFC 2181 §8 allows 2^31 - 1; a station re-asks daily). */
	readonly maxTtl: number;
	/** Longest a negative answer (NXDOMAIN, no data) is kept, in seconds (RFC 2308 §5: "briefly" here). */
	readonly maxNegativeTtl: number;
	/** How long a negative answer without an SOA record is kept, in seconds (see cache.ts). */
	readonly negativeTtlWithoutSoa: number;
}

/** Defaults for a door station: one or two names (the PBX, a provider), a handful of records each. */
export const DEFAULT_DNS_CONFIG: DnsConfig = Object.freeze({
	timeoutMs: 2000,
	attempts: 2,
	mdnsTimeoutMs: 1000,
	mdnsAttempts: 3,
	maxServers: 3,
	maxQueries: 4,
	messageBytes: 1232,
	maxRecords: 24,
	cacheEntries: 12,
	recordsPerEntry: 6,
	entryBytes: 256,
	maxTtl: 86400,
	maxNegativeTtl: 30,
	negativeTtlWithoutSoa: 5,
});

/** `DEFAULT_DNS_CONFIG` with some values changed (configuration time only: allocates). Throws on a value out of range. */
export function dnsConfig(changes: Partial<DnsConfig> = {}): DnsConfig {
	const c = Object.freeze({ ...DEFAULT_DNS_CONFIG, ...changes });
	positive(c.timeoutMs, "timeoutMs");
	positive(c.mdnsTimeoutMs, "mdnsTimeoutMs");
	for (const key of ["attempts", "mdnsAttempts", "maxServers", "maxQueries", "maxRecords", "cacheEntries", "recordsPerEntry"] as const) {
		if (!Number.isInteger(c[key]) || c[key] < 1 || c[key] > 1024) throw new RangeError(`dns ${key}: expected an integer from 1 to 1024, got ${c[key]}`);
	}
	if (!Number.isInteger(c.messageBytes) || c.messageBytes < 512 || c.messageBytes > 65535) {
		throw new RangeError(`dns messageBytes: expected 512 to 65535, got ${c.messageBytes}`);
	}
	if (!Number.isInteger(c.entryBytes) || c.entryBytes < 256 || c.entryBytes > 65535) {
		throw new RangeError(`dns entryBytes: expected 256 to 65535 (a name is up to 255 bytes), got ${c.entryBytes}`);
	}
	positive(c.maxTtl, "maxTtl");
	if (!(c.maxNegativeTtl >= 0) || !(c.negativeTtlWithoutSoa >= 0)) throw new RangeError("dns negative TTLs must be >= 0");
	return c;
}

function positive(v: number, key: string): void {
	if (!(v > 0 && v < 2 ** 31)) throw new RangeError(`dns ${key}: expected a positive number, got ${v}`);
}
