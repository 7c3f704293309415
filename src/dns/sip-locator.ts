// Locating SIP servers — RFC 3263 §4: NAPTR (§4.1) → SRV (§4.2, RFC 2782) → A/AAAA, into an ordered TargetList the
// caller walks on a transport error or timeout (§4.3). Resolutions run in fixed request slots, one DNS lookup at a
// time each; the caller hears through LocatorUser with an owner id and a request handle — no closure per request.
// A numeric host, or a name already in the cache, is located at once (LOCATE_NOW), without a callback. Built without a
// DNS client, it locates numeric hosts only and refuses names with a reason that says so.
import type { Random } from "../host.js";
import { ascii, equalsIgnoreCase, Span, text } from "../sip/bytes.js";
import { findUriParam, HOST_IPV6, HOST_NAME, parseUri, scanHost, SCHEME_SIPS, UriView } from "../sip/uri.js";
import { formatAddress, MAX_ADDRESS_TEXT } from "./address-text.js";
import { DNS_FAILED, DNS_NODATA, DNS_NXDOMAIN, DNS_OK, DNS_TIMEOUT, type DnsAnswer } from "./dns-answer.js";
import { type DnsClient, type DnsUser, LOOKUP_NOW } from "./dns-client.js";
import { SERVICE_SIP_TCP, SERVICE_SIP_UDP, SERVICE_SIPS_TCP } from "./answer-parser.js";
import { isLocalName, labels, nameText } from "./name.js";
import { LocatePlan } from "./locate-plan.js";
import { TYPE_A, TYPE_AAAA, TYPE_NAPTR, TYPE_SRV } from "./query-writer.js";
import { orderSrv } from "./srv-order.js";
import { TargetList, TCP, TLS, UDP } from "./target-list.js";

/** What the locator tells whoever asked. */
export interface LocatorUser {
	/** Request `request` (started with `arg`) is done: `targets` has them in order, or `count` 0 and `error` says why. */
	onLocated(request: number, arg: number, targets: TargetList): void;
}

export interface LocatorOptions {
	/** The resolver; null: numeric hosts only (a host that gave the station no DNS). */
	readonly client: DnsClient | null;
	readonly random: Random;
	/** Resolutions at once (default 4: the registration and a few calls). */
	readonly maxRequests?: number;
	/** Transports the station speaks, as a mask of (1 << UDP) | (1 << TCP) | (1 << TLS) (default UDP and TCP). */
	readonly transports?: number;
	/** Ask AAAA records after A (default false: an IPv4 station). */
	readonly ipv6?: boolean;
	/** SRV targets kept per request before their addresses are asked (default 8). */
	readonly maxCandidates?: number;
	/** Bytes per request for the names it keeps: the domain, SRV names, SRV targets (default 1024). */
	readonly requestBytes?: number;
}

/** `locate` finished at once: the list is filled (or says why not), and no callback follows. */
export const LOCATE_NOW = -1;

export const R_NOT_SIP_URI = "not a SIP or SIPS URI";
export const R_BAD_HOST = "not a host name or IP address";
export const R_TRANSPORT = "transport not supported";
export const R_NO_TARGET = "no SIP server found (no usable NAPTR, SRV or address record)";
export const R_LOCATOR_BUSY = "too many resolutions at once (every request slot is in use)";
export const R_NO_RESOLVER = "a host name, and the station has no DNS resolver";

const FREE = 0, NAPTR = 1, SRV = 2, ADDRESS = 3, DONE = 4;
const STEP_DONE = -2;
/**
 * RFC 1035 §3.2.1: records with TTL 0 serve "the transaction in progress" and are not cached. A located list is made
 * for the request about to be sent: it stays good for at least this long, or a server answering with TTL 0 (dnsmasq's
 * default for its own names, common in home routers) would have the name located again, endlessly, before any send.
 */
export const MIN_LIST_LIFETIME_MS = 1000;
const SLOT_BITS = 8, SLOT_MASK = (1 << SLOT_BITS) - 1, GEN_LIMIT = 1 << 22;
/** RFC 2782 service names per transport (RFC 3263 §4.1). */
const SRV_PREFIX: readonly Uint8Array[] = Object.freeze([new Uint8Array(0), labels("_sip._udp"), labels("_sip._tcp"), labels("_sips._tcp")]);
/** A NAPTR replacement is the SRV name itself. */
const NO_PREFIX = SRV_PREFIX[0];
const SERVICE_TRANSPORT = Object.freeze([0, UDP, TCP, TLS]); // by SERVICE_* of answer-parser.ts
/** The station's preference when the domain publishes no NAPTR (RFC 3263 §4.1 leaves it to the client). */
const DEFAULT_ORDER = Object.freeze([UDP, TCP, TLS]);
const TRANSPORT_PARAM = ascii("transport"), MADDR_PARAM = ascii("maddr");
const UDP_NAME = ascii("udp"), TCP_NAME = ascii("tcp"), TLS_NAME = ascii("tls");

export class SipLocator implements DnsUser {
	readonly #client: DnsClient | null;
	readonly #random: Random;
	readonly #dnsOwner: number;
	readonly #users: LocatorUser[] = [];
	readonly #transports: number;
	readonly #ipv6: boolean;
	readonly #plan: LocatePlan;
	readonly #uri = new UriView();
	readonly #param = new Span();
	readonly #hostKind = { hostKind: 0 };
	readonly #order: Int32Array;
	readonly #addressText = new Uint8Array(MAX_ADDRESS_TEXT);
	#inLocate = -1;
	// Request slots.
	readonly #state: Uint8Array;
	readonly #gen: Int32Array;
	readonly #owner: Int32Array;
	readonly #arg: Int32Array;
	readonly #query: Int32Array;
	readonly #lists: (TargetList | null)[] = [];
	readonly #secure: Uint8Array;
	readonly #transport: Uint8Array;
	readonly #failure: string[] = [];
	readonly #failureReason: string[] = [];

	constructor(options: LocatorOptions) {
		const n = options.maxRequests ?? 4, m = options.maxCandidates ?? 8;
		if (!Number.isInteger(n) || n < 1 || n > SLOT_MASK + 1) throw new RangeError("locator maxRequests: 1 to 256");
		this.#client = options.client;
		this.#random = options.random;
		this.#transports = options.transports ?? (1 << UDP) | (1 << TCP);
		this.#ipv6 = options.ipv6 ?? false;
		this.#plan = new LocatePlan(n, options.requestBytes ?? 1024, m);
		this.#order = new Int32Array(m);
		this.#state = new Uint8Array(n);
		this.#gen = new Int32Array(n).fill(1);
		this.#owner = new Int32Array(n);
		this.#arg = new Int32Array(n);
		this.#query = new Int32Array(n).fill(-1);
		this.#secure = new Uint8Array(n);
		this.#transport = new Uint8Array(n);
		for (let i = 0; i < n; i++) {
			this.#lists.push(null);
			this.#failure.push("");
			this.#failureReason.push("");
		}
		this.#dnsOwner = options.client?.register(this) ?? -1;
	}

	/** The resolver's clock (ms): when a TargetList it filled runs out (`expiresAt`); 0 without a resolver. */
	now(): number {
		return this.#client?.now() ?? 0;
	}

	/** Has `list` outlived its records (TTL), or never been filled? Then locate again. */
	stale(list: TargetList): boolean {
		return list.stale(this.now());
	}

	/** The network changed (other Wi-Fi, new address): what was resolved before may no longer hold. */
	networkChanged(): void {
		this.#client?.networkChanged();
	}

	/** Register a user once (configuration time); returns the owner id its requests are started with. */
	register(user: LocatorUser): number {
		this.#users.push(user);
		return this.#users.length - 1;
	}

	/**
	 * Locate the server for the SIP or SIPS URI buf[s, e) (a Route's, a Request-URI's, the registrar's): its maddr or
	 * host, port and transport parameter (RFC 3263 §4). See `locate`.
	 */
	locateUri(owner: number, arg: number, buf: Uint8Array, s: number, e: number, list: TargetList): number {
		list.clear();
		const uri = this.#uri, p = this.#param;
		if (!parseUri(buf, s, e, uri) || !uri.isSip) return this.#failNow(list, R_NOT_SIP_URI, `${R_NOT_SIP_URI}: ${text(buf, s, e)}`);
		let transport = 0;
		if (findUriParam(uri, TRANSPORT_PARAM, p)) {
			transport = equalsIgnoreCase(buf, p.start, p.end, UDP_NAME) ? UDP : equalsIgnoreCase(buf, p.start, p.end, TCP_NAME) ? TCP :
				equalsIgnoreCase(buf, p.start, p.end, TLS_NAME) ? TLS : -1;
			if (transport < 0) return this.#failNow(list, R_TRANSPORT, `${text(buf, s, e)}: ${R_TRANSPORT}`);
		}
		const secure = uri.scheme === SCHEME_SIPS;
		// RFC 3263 §4: "If the URI contains an maddr parameter, TARGET is the maddr", else the host.
		if (findUriParam(uri, MADDR_PARAM, p) && p.end > p.start) return this.locate(owner, arg, buf, p.start, p.end, uri.port, transport, secure, list);
		return this.locate(owner, arg, buf, uri.hostStart, uri.hostEnd, uri.port, transport, secure, list);
	}

	/**
	 * Locate host buf[hs, he) (a name, an IPv4 address or a bracketed IPv6 reference) with `port` (-1: none) and
	 * `transport` (0: none, else UDP / TCP / TLS); `secure` for a SIPS URI. Fills `list`. Returns LOCATE_NOW when
	 * done already (numeric host, cached answers, or a failure: the list says why), else a request handle: the user
	 * registered as `owner` hears `onLocated(handle, arg, list)` once, unless it cancels first.
	 */
	locate(owner: number, arg: number, buf: Uint8Array, hs: number, he: number, port: number, transport: number, secure: boolean, list: TargetList): number {
		if (!((owner >>> 0) === owner && owner < this.#users.length)) throw new RangeError("locator owner is not registered");
		list.clear();
		if (scanHost(buf, hs, he, this.#hostKind) !== he) return this.#failNow(list, R_BAD_HOST, `${R_BAD_HOST}: ${text(buf, hs, he)}`);
		if (transport !== 0 && ((this.#transports & (1 << transport)) === 0 || (secure && transport === UDP))) {
			return this.#failNow(list, R_TRANSPORT, `${text(buf, hs, he)}: ${R_TRANSPORT}`);
		}
		if (secure && (this.#transports & (1 << TLS)) === 0) return this.#failNow(list, R_TRANSPORT, `${text(buf, hs, he)}: ${R_TRANSPORT} (sips needs TLS)`);
		const kind = this.#hostKind.hostKind;
		if (kind !== HOST_NAME) {
			// §4.1: a numeric IP address needs no lookup; UDP for SIP, TLS for SIPS unless the URI says.
			const t = transport !== 0 ? transport : this.#defaultTransport(secure);
			const s = kind === HOST_IPV6 ? hs + 1 : hs, e = kind === HOST_IPV6 ? he - 1 : he; // RFC 5118 §4.1: brackets are URI syntax
			list.add(buf, s, e, port > 0 ? port : defaultPort(t), t);
			list.expiresAt = Infinity;
			return LOCATE_NOW;
		}
		if (this.#client === null) return this.#failNow(list, R_NO_RESOLVER, `${text(buf, hs, he)}: ${R_NO_RESOLVER}`);
		let slot = 0;
		while (slot < this.#state.length && this.#state[slot] !== FREE) slot++;
		if (slot === this.#state.length) return this.#failNow(list, R_LOCATOR_BUSY, `${text(buf, hs, he)}: ${R_LOCATOR_BUSY}`);
		const plan = this.#plan;
		if (!plan.begin(slot, buf, hs, he)) return this.#failNow(list, R_BAD_HOST, `${R_BAD_HOST}: ${text(buf, hs, he)}`);
		const domain = plan.domainAt(slot);
		this.#owner[slot] = owner;
		this.#arg[slot] = arg;
		this.#lists[slot] = list;
		this.#secure[slot] = secure ? 1 : 0;
		this.#transport[slot] = transport;
		this.#failure[slot] = this.#failureReason[slot] = "";
		if (port > 0 || isLocalName(plan.area, domain)) {
			// §4.2: with a port, an address lookup only. A .local name is asked by mDNS, where NAPTR and SRV are not
			// published for SIP: straight to its address too (RFC 3263 is silent on mDNS).
			const t = transport !== 0 ? transport : this.#defaultTransport(secure);
			plan.addCandidate(slot, plan.area, domain, port > 0 ? port : defaultPort(t), t);
			this.#state[slot] = ADDRESS;
		} else if (transport !== 0) {
			// §4.2: the transport is known, the port is not: the SRV records of that transport.
			plan.addService(slot, transport, srvPrefix(transport), plan.area, domain, 0);
			this.#state[slot] = SRV;
		} else {
			this.#state[slot] = NAPTR;
		}
		this.#gen[slot] = this.#gen[slot] + 1 < GEN_LIMIT ? this.#gen[slot] + 1 : 1;
		const handle = (this.#gen[slot] << SLOT_BITS) | slot;
		this.#inLocate = slot;
		this.#run(slot);
		this.#inLocate = -1;
		return this.#state[slot] === FREE ? LOCATE_NOW : handle;
	}

	/** Stop request `request`; its user hears nothing more (the list keeps what it had). False for a finished one. */
	cancel(request: number): boolean {
		const slot = this.#live(request);
		if (slot < 0) return false;
		if (this.#query[slot] >= 0) this.#client?.cancel(this.#query[slot]);
		this.#release(slot);
		return true;
	}

	/** The DNS lookup of a request ended. */
	onDnsAnswer(query: number, slot: number, answer: DnsAnswer): void {
		if (this.#state[slot] === FREE || this.#query[slot] !== query) return;
		this.#query[slot] = -1;
		this.#take(slot, answer);
		this.#run(slot);
	}

	/** Issue lookups until one must be waited for, or the request is done. */
	#run(slot: number): void {
		for (;;) {
			const q = this.#issue(slot);
			if (q === STEP_DONE) return this.#finish(slot);
			if (q !== LOOKUP_NOW) {
				this.#query[slot] = q;
				return;
			}
			this.#take(slot, this.#client!.answer);
		}
	}

	/** Start the lookup the request's state calls for: a DNS handle, LOOKUP_NOW, or STEP_DONE. */
	#issue(slot: number): number {
		const plan = this.#plan, client = this.#client!, owner = this.#dnsOwner;
		for (;;) {
			switch (this.#state[slot]) {
				case NAPTR:
					return client.lookup(owner, slot, plan.area, plan.domainAt(slot), TYPE_NAPTR);
				case SRV:
					if (plan.hasService(slot)) return client.lookup(owner, slot, plan.area, plan.serviceAt(slot), TYPE_SRV);
					if (plan.candidates(slot) === 0) {
						// §4.2: no SRV record: the domain itself, on the default port of the transport §4.1 picks.
						const t = this.#transport[slot] !== 0 ? this.#transport[slot] : this.#defaultTransport(this.#secure[slot] === 1);
						plan.addCandidate(slot, plan.area, plan.domainAt(slot), defaultPort(t), t);
					}
					this.#state[slot] = ADDRESS;
					continue;
				case ADDRESS:
					if (!plan.hasCandidate(slot)) return STEP_DONE;
					return client.lookup(owner, slot, plan.area, plan.candidateAt(slot), plan.family[slot] === 0 ? TYPE_A : TYPE_AAAA);
				default:
					return STEP_DONE;
			}
		}
	}

	/** Use the answer of the request's current lookup and move to the next step. */
	#take(slot: number, answer: DnsAnswer): void {
		const list = this.#lists[slot]!, plan = this.#plan;
		if (answer.expiresAt >= 0 && answer.expiresAt < list.expiresAt) list.expiresAt = answer.expiresAt;
		const status = answer.status;
		switch (this.#state[slot]) {
			case NAPTR:
				// The domain does not exist, or nobody answers: nothing further can be found.
				if (status === DNS_NXDOMAIN || status === DNS_TIMEOUT || status === DNS_FAILED) {
					this.#noteFailure(slot, answer);
					this.#state[slot] = DONE;
					return;
				}
				if (status === DNS_OK) this.#takeNaptr(slot, answer);
				if (plan.services(slot) === 0) this.#defaultServices(slot);
				this.#state[slot] = SRV;
				return;
			case SRV:
				if (status === DNS_OK) this.#takeSrv(slot, answer);
				else if (status === DNS_TIMEOUT || status === DNS_FAILED) this.#noteFailure(slot, answer);
				plan.nextService(slot);
				return;
			case ADDRESS:
				if (status === DNS_OK) {
					const bytes = answer.bytes, out = this.#addressText, port = plan.candidatePort(slot), transport = plan.candidateTransport(slot);
					for (let i = 0; i < answer.count; i++) {
						const n = formatAddress(bytes, answer.dataAt(i), answer.dataLength(i), out, 0);
						if (n > 0 && !list.add(out, 0, n, port, transport)) break;
					}
				} else if (status !== DNS_NODATA || plan.candidateAt(slot) !== plan.domainAt(slot)) {
					// The domain's own address missing (the last resort of §4.2) is said better by R_NO_TARGET.
					this.#noteFailure(slot, answer);
				}
				plan.nextAddress(slot, this.#ipv6);
				return;
		}
	}

	/** §4.1: the NAPTR records whose service the station speaks (SIPS+D2T only for a SIPS URI), by order, then preference. */
	#takeNaptr(slot: number, answer: DnsAnswer): void {
		const secure = this.#secure[slot] === 1;
		for (let i = 0; i < answer.count; i++) {
			const service = answer.service(i), transport = SERVICE_TRANSPORT[service];
			if (service === 0 || (this.#transports & (1 << transport)) === 0 || (secure && service !== SERVICE_SIPS_TCP)) continue;
			this.#plan.addService(slot, transport, NO_PREFIX, answer.bytes, answer.dataAt(i), answer.priority(i) * 65536 + answer.weight(i));
		}
	}

	/** RFC 2782 order; each target (but "." — the service is not offered) becomes a candidate with its port. */
	#takeSrv(slot: number, answer: DnsAnswer): void {
		const plan = this.#plan, transport = plan.serviceTransport(slot);
		const n = orderSrv(answer, this.#random, this.#order), bytes = answer.bytes;
		for (let k = 0; k < n; k++) {
			const i = this.#order[k], at = answer.dataAt(i);
			if (bytes[at] === 0) continue;
			if (!plan.addCandidate(slot, bytes, at, answer.port(i), transport)) break;
		}
	}

	/** §4.1 without NAPTR: an SRV query per transport the station speaks (UDP, TCP, then TLS; only TLS for SIPS). */
	#defaultServices(slot: number): void {
		const plan = this.#plan, secure = this.#secure[slot] === 1;
		for (let k = 0; k < DEFAULT_ORDER.length; k++) {
			const transport = DEFAULT_ORDER[k];
			if ((this.#transports & (1 << transport)) === 0 || (secure && transport !== TLS)) continue;
			plan.addService(slot, transport, srvPrefix(transport), plan.area, plan.domainAt(slot), k);
		}
	}

	/** Remember the first failure worth reporting if no target is found in the end. */
	#noteFailure(slot: number, answer: DnsAnswer): void {
		if (this.#failure[slot] !== "") return;
		this.#failure[slot] = answer.describe();
		this.#failureReason[slot] = answer.reason;
	}

	#finish(slot: number): void {
		const list = this.#lists[slot]!;
		const usableUntil = this.now() + MIN_LIST_LIFETIME_MS;
		if (list.count > 0 && list.expiresAt < usableUntil) list.expiresAt = usableUntil;
		if (list.count === 0) {
			const failure = this.#failure[slot];
			if (failure !== "") list.fail(this.#failureReason[slot], failure);
			else list.fail(R_NO_TARGET, `${nameText(this.#plan.area, this.#plan.domainAt(slot))}: ${R_NO_TARGET}`);
		}
		const owner = this.#owner[slot], arg = this.#arg[slot], handle = (this.#gen[slot] << SLOT_BITS) | slot;
		const sync = this.#inLocate === slot;
		this.#release(slot);
		if (!sync) this.#users[owner].onLocated(handle, arg, list);
	}

	#release(slot: number): void {
		this.#state[slot] = FREE;
		this.#query[slot] = -1;
		this.#lists[slot] = null;
	}

	#live(request: number): number {
		if ((request | 0) !== request || request < 0) return -1;
		const slot = request & SLOT_MASK;
		if (slot >= this.#state.length || this.#state[slot] === FREE || this.#gen[slot] !== request >>> SLOT_BITS) return -1;
		return slot;
	}

	/** §4.1: UDP for SIP, TLS for SIPS — or TCP when the station does not speak UDP. */
	#defaultTransport(secure: boolean): number {
		if (secure) return TLS;
		return (this.#transports & (1 << UDP)) !== 0 ? UDP : TCP;
	}

	#failNow(list: TargetList, reason: string, error: string): number {
		list.fail(reason, error);
		return LOCATE_NOW;
	}
}

/** RFC 3261 §19.1.2: 5061 for TLS, 5060 otherwise. */
function defaultPort(transport: number): number {
	return transport === TLS ? 5061 : 5060;
}

/** The RFC 2782 name prefix of a transport's SIP service: _sips._tcp for TLS, _sip._tcp, _sip._udp (RFC 3263 §4.1). */
function srvPrefix(transport: number): Uint8Array {
	return SRV_PREFIX[transport === TLS ? SERVICE_SIPS_TCP : transport === TCP ? SERVICE_SIP_TCP : SERVICE_SIP_UDP];
}
