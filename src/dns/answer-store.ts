// What an answer leaves in the cache — RFC 2181 §5.2 (one TTL per RRset), RFC 2308 §5 (negative answers), RFC 2782
// (addresses of SRV targets in the additional section), RFC 3263 §4.1 (which NAPTR records are usable). Reads the
// parser's table, writes cache entries; allocates nothing.
import { type AnswerParser, SECTION_ADDITIONAL, SECTION_AUTHORITY } from "./answer-parser.js";
import { type DnsCache, ENTRY_NODATA, ENTRY_NXDOMAIN, ENTRY_RECORDS } from "./cache.js";
import type { DnsConfig } from "./dns-config.js";
import { namesEqual } from "./name.js";
import { RCODE_NXDOMAIN, TYPE_A, TYPE_AAAA, TYPE_NAPTR, TYPE_SOA, TYPE_SRV } from "./query-writer.js";

export class AnswerStore {
	readonly #parser: AnswerParser;
	readonly #cache: DnsCache;
	readonly #config: DnsConfig;
	/** Per parsed record: already stored as glue. */
	readonly #glued: Uint8Array;

	constructor(parser: AnswerParser, cache: DnsCache, config: DnsConfig) {
		this.#parser = parser;
		this.#cache = cache;
		this.#config = config;
		this.#glued = new Uint8Array(parser.capacity);
	}

	/**
	 * Store the answer the parser holds to the question (name at qname[qo], uncompressed; type): glue first, so the
	 * answer is not evicted by its own glue. Returns the answer's entry.
	 */
	store(qname: Uint8Array, qo: number, type: number, now: number): number {
		const p = this.#parser, cache = this.#cache, c = this.#config;
		if (type === TYPE_SRV) this.#storeGlue(now);
		const e = cache.open(qname, 0, qo, type, now);
		let ttl = p.cnameTtl, answers = 0;
		// RFC 2181 §5.2: the records of one set share a TTL; should they differ, the lowest is used.
		for (let i = 0; i < p.count; i++) {
			if (!p.isAnswer(i)) continue;
			answers++;
			let kept: boolean;
			if (type === TYPE_A || type === TYPE_AAAA) kept = cache.addAddress(e, type, p.msg, p.dataAt[i], p.dataEnd[i] - p.dataAt[i]);
			else if (type === TYPE_SRV) kept = cache.addNamed(e, type, p.srvPriority(i), p.srvWeight(i), p.srvPort(i), p.msg, p.base, p.srvTargetAt(i));
			else if (type === TYPE_NAPTR) kept = this.#storeNaptr(e, i);
			else kept = false;
			if (p.ttl[i] < ttl) ttl = p.ttl[i];
			if (!kept) break; // the entry is full: the records kept are a usable part of the set
		}
		if (answers > 0) {
			cache.close(e, ENTRY_RECORDS, ttl < c.maxTtl ? ttl : c.maxTtl, now);
		} else {
			cache.close(e, p.rcode === RCODE_NXDOMAIN ? ENTRY_NXDOMAIN : ENTRY_NODATA, this.#negativeTtl(), now);
		}
		return e;
	}

	/**
	 * A NAPTR record is kept with its service when RFC 3263 §4.1 can use it: flag "s" (the replacement is an SRV
	 * name) and no regexp; otherwise with service 0, which the locator skips.
	 */
	#storeNaptr(e: number, i: number): boolean {
		const p = this.#parser;
		const service = p.naptrHasFlag(i, 0x73) && p.naptrRegexpEmpty(i) ? p.naptrService(i) : 0;
		return this.#cache.addNamed(e, TYPE_NAPTR, p.naptrOrder(i), p.naptrPreference(i), service, p.msg, p.base, p.naptrReplacementAt(i));
	}

	/** RFC 2308 §5: a negative answer lives min(SOA TTL, SOA MINIMUM), capped; see negativeTtlWithoutSoa for none. */
	#negativeTtl(): number {
		const p = this.#parser, c = this.#config;
		for (let i = 0; i < p.count; i++) {
			if (p.section[i] !== SECTION_AUTHORITY || p.type[i] !== TYPE_SOA || !p.isInternet(i)) continue;
			let ttl = p.ttl[i];
			const minimum = p.soaMinimum(i);
			if (minimum < ttl) ttl = minimum;
			return ttl < c.maxNegativeTtl ? ttl : c.maxNegativeTtl;
		}
		// RFC 2308 §5 advises against caching these, lest two servers pass one back and forth for ever; a stub resolver
		// serves no other resolver, so no such loop can form, and a few seconds spare the server a station's retries.
		return c.negativeTtlWithoutSoa;
	}

	/**
	 * Address records in the additional section owned by a target of the SRV answer (RFC 2782: "the additional data
	 * section ... may contain A records for the targets") are cached as their own answers, saving a query each.
	 * Records for other names are not trusted (a server may answer only for what it was asked about).
	 */
	#storeGlue(now: number): void {
		const p = this.#parser, cache = this.#cache, glued = this.#glued;
		glued.fill(0);
		for (let i = 0; i < p.count; i++) {
			const type = p.type[i];
			if (glued[i] !== 0 || p.section[i] !== SECTION_ADDITIONAL || (type !== TYPE_A && type !== TYPE_AAAA) || !p.isInternet(i)) continue;
			let target = false;
			for (let j = 0; j < p.count && !target; j++) {
				target = p.isAnswer(j) && namesEqual(p.msg, p.base, p.srvTargetAt(j), p.msg, p.base, p.nameAt[i]);
			}
			if (!target) continue;
			const e = cache.open(p.msg, p.base, p.nameAt[i], type, now);
			let ttl = this.#config.maxTtl;
			for (let j = i; j < p.count; j++) {
				if (glued[j] !== 0 || p.section[j] !== SECTION_ADDITIONAL || p.type[j] !== type || !p.isInternet(j) ||
					!namesEqual(p.msg, p.base, p.nameAt[j], p.msg, p.base, p.nameAt[i])) continue;
				glued[j] = 1;
				if (cache.addAddress(e, type, p.msg, p.dataAt[j], p.dataEnd[j] - p.dataAt[j]) && p.ttl[j] < ttl) ttl = p.ttl[j];
			}
			cache.close(e, ENTRY_RECORDS, ttl, now);
		}
	}
}
