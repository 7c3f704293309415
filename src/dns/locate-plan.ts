// What each RFC 3263 resolution still has to ask: its domain, the SRV names to query in order (§4.1: from NAPTR
// order and preference, or the station's transport preference), and the hosts whose addresses to ask with the port
// and transport their SRV record gave (§4.2). Fixed storage per request slot; names are copied in wire form.
import { copyName, encodeName, MAX_NAME, prefixName } from "./name.js";

/** SRV names kept per request: one per transport. */
export const MAX_SERVICES = 3;

export class LocatePlan {
	/** Every slot's names: the domain first, then SRV names and targets as they are added. */
	readonly area: Uint8Array;
	readonly bytes: number;
	readonly maxCandidates: number;
	readonly #used: Int32Array;
	readonly #services: Int32Array;
	readonly #serviceTransport: Uint8Array;
	readonly #serviceAt: Int32Array;
	readonly #serviceRank: Float64Array;
	readonly #serviceIndex: Int32Array;
	readonly #candidates: Int32Array;
	readonly #candidateAt: Int32Array;
	readonly #candidatePort: Int32Array;
	readonly #candidateTransport: Uint8Array;
	readonly #candidateIndex: Int32Array;
	/** 0: the current candidate's A record is next, 1: its AAAA record. */
	readonly family: Uint8Array;

	constructor(slots: number, bytes: number, maxCandidates: number) {
		if (!Number.isInteger(bytes) || bytes < 2 * MAX_NAME) throw new RangeError("locator requestBytes: at least 510");
		if (!Number.isInteger(maxCandidates) || maxCandidates < 1) throw new RangeError("locator maxCandidates: at least 1");
		this.bytes = bytes;
		this.maxCandidates = maxCandidates;
		this.area = new Uint8Array(slots * bytes);
		this.#used = new Int32Array(slots);
		this.#services = new Int32Array(slots);
		this.#serviceTransport = new Uint8Array(slots * MAX_SERVICES);
		this.#serviceAt = new Int32Array(slots * MAX_SERVICES);
		this.#serviceRank = new Float64Array(slots * MAX_SERVICES);
		this.#serviceIndex = new Int32Array(slots);
		this.#candidates = new Int32Array(slots);
		this.#candidateAt = new Int32Array(slots * maxCandidates);
		this.#candidatePort = new Int32Array(slots * maxCandidates);
		this.#candidateTransport = new Uint8Array(slots * maxCandidates);
		this.#candidateIndex = new Int32Array(slots);
		this.family = new Uint8Array(slots);
	}

	/** Start a slot's plan with the dotted domain text[s, e); false when it is no valid name. */
	begin(slot: number, text: Uint8Array, s: number, e: number): boolean {
		const base = slot * this.bytes, n = encodeName(text, s, e, this.area, base, base + MAX_NAME);
		if (n < 0) return false;
		this.#used[slot] = n;
		this.#services[slot] = this.#serviceIndex[slot] = this.#candidates[slot] = this.#candidateIndex[slot] = this.family[slot] = 0;
		return true;
	}

	/** Offset in `area` of the slot's domain. */
	domainAt(slot: number): number {
		return slot * this.bytes;
	}

	/**
	 * Queue the SRV name `prefix` + the name at buf[at] (prefix empty: the name itself, a NAPTR replacement) for
	 * `transport`, after those of lower or equal rank. False when the slot has no room.
	 */
	addService(slot: number, transport: number, prefix: Uint8Array, buf: Uint8Array, at: number, rank: number): boolean {
		const n = this.#services[slot];
		if (n >= MAX_SERVICES) return false;
		const base = slot * this.bytes, w = base + this.#used[slot], room = base + this.bytes;
		const length = prefix.length === 0 ? copyName(buf, 0, at, this.area, w, room) : prefixName(prefix, buf, at, this.area, w, room);
		if (length < 0) return false;
		this.#used[slot] += length;
		// Insertion by rank: a stable sort of a handful of records.
		const first = slot * MAX_SERVICES;
		let j = first + n;
		while (j > first && this.#serviceRank[j - 1] > rank) {
			this.#serviceRank[j] = this.#serviceRank[j - 1];
			this.#serviceTransport[j] = this.#serviceTransport[j - 1];
			this.#serviceAt[j] = this.#serviceAt[j - 1];
			j--;
		}
		this.#serviceRank[j] = rank;
		this.#serviceTransport[j] = transport;
		this.#serviceAt[j] = w;
		this.#services[slot] = n + 1;
		return true;
	}

	services(slot: number): number {
		return this.#services[slot];
	}
	/** Is there an SRV name left to ask? */
	hasService(slot: number): boolean {
		return this.#serviceIndex[slot] < this.#services[slot];
	}
	/** Offset in `area` of the SRV name to ask now, and its transport. */
	serviceAt(slot: number): number {
		return this.#serviceAt[slot * MAX_SERVICES + this.#serviceIndex[slot]];
	}
	serviceTransport(slot: number): number {
		return this.#serviceTransport[slot * MAX_SERVICES + this.#serviceIndex[slot]];
	}
	nextService(slot: number): void {
		this.#serviceIndex[slot]++;
	}

	/**
	 * Queue a host (its name at buf[at], uncompressed; `buf` the plan's own area when it is the domain) to ask the
	 * address of, with the port and transport to use. False when the slot has no room.
	 */
	addCandidate(slot: number, buf: Uint8Array, at: number, port: number, transport: number): boolean {
		const n = this.#candidates[slot];
		if (n >= this.maxCandidates) return false;
		let nameAt = at;
		if (buf !== this.area) {
			const base = slot * this.bytes, w = base + this.#used[slot];
			const length = copyName(buf, 0, at, this.area, w, base + this.bytes);
			if (length < 0) return false;
			this.#used[slot] += length;
			nameAt = w;
		}
		const c = slot * this.maxCandidates + n;
		this.#candidateAt[c] = nameAt;
		this.#candidatePort[c] = port;
		this.#candidateTransport[c] = transport;
		this.#candidates[slot] = n + 1;
		return true;
	}

	candidates(slot: number): number {
		return this.#candidates[slot];
	}
	hasCandidate(slot: number): boolean {
		return this.#candidateIndex[slot] < this.#candidates[slot];
	}
	/** Offset in `area` of the host to ask now, its port and transport. */
	candidateAt(slot: number): number {
		return this.#candidateAt[slot * this.maxCandidates + this.#candidateIndex[slot]];
	}
	candidatePort(slot: number): number {
		return this.#candidatePort[slot * this.maxCandidates + this.#candidateIndex[slot]];
	}
	candidateTransport(slot: number): number {
		return this.#candidateTransport[slot * this.maxCandidates + this.#candidateIndex[slot]];
	}
	/** The current host's addresses are asked: the next family (AAAA after A when `ipv6`), or the next host. */
	nextAddress(slot: number, ipv6: boolean): void {
		if (ipv6 && this.family[slot] === 0) {
			this.family[slot] = 1;
		} else {
			this.family[slot] = 0;
			this.#candidateIndex[slot]++;
		}
	}
}
