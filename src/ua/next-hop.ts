// Where a request goes: the targets of a SIP URI (the outbound proxy, the Request-URI, a Route, the remote target) —
// RFC 3261 §8.1.2, §12.2.1.1; RFC 3263 §4 (a name through NAPTR, SRV, A/AAAA: asynchronous, by the locator), §4.3 (the
// next target after a transport error or a timeout); RFC 5922 §4.1 (the name a TLS server's certificate must prove).
import type { Clock } from "../host.js";
import { LOCATE_NOW, type LocatorUser, type SipLocator } from "../dns/sip-locator.js";
import { TargetList } from "../dns/target-list.js";
import { spansEqual, text } from "../sip/bytes.js";
import { HOST_IPV6, HOST_NAME, parseUri, UriView } from "../sip/uri.js";
import { UDP } from "../transaction/transaction-table.js";
import { ByteField } from "./byte-field.js";

/** `resolve` / `refresh`: a target is ready; the locator is asking (`onHopResolved` follows); no target (`error` says why). */
export const HOP_READY = 0, HOP_WAIT = 1, HOP_FAILED = 2;

/** What a hop tells its owner when a resolution that had to wait is done. */
export interface NextHopUser {
	/** `hop.ready` (a target to send to) or not (`hop.error` names the name and what went wrong). */
	onHopResolved(hop: NextHop): void;
}

/**
 * How long a target that failed (a transport error, a timeout) is passed over by the hops that start after it: a call
 * does not wait out its own Timer B on a server the registration just found dead. RFC 3263 is silent on remembering;
 * any response from the target ends it sooner.
 */
export const DOWN_FOR_MS = 300_000;
const DOWN_ENTRIES = 8;
const URI_BYTES = 256, HOST_BYTES = 255;
export const R_URI_TOO_LONG = "the URI is too long to keep";
export const R_ALL_FAILED = "no target answered";

/** What every hop of a user agent shares: the locator, and the targets that failed lately. Fixed size; no allocation. */
export class Reachability {
	readonly locator: SipLocator;
	readonly #clock: Clock;
	readonly #address: string[] = [];
	readonly #port = new Int32Array(DOWN_ENTRIES);
	readonly #transport = new Uint8Array(DOWN_ENTRIES);
	readonly #until = new Float64Array(DOWN_ENTRIES);

	constructor(locator: SipLocator, clock: Clock) {
		this.locator = locator;
		this.#clock = clock;
		for (let i = 0; i < DOWN_ENTRIES; i++) this.#address.push("");
	}

	/** Target (address, port, transport) failed: pass it over for DOWN_FOR_MS (a full table forgets the oldest mark). */
	markDown(address: string, port: number, transport: number): void {
		const now = this.#clock.now();
		let k = this.#find(address, port, transport);
		if (k < 0) {
			k = 0;
			for (let i = 1; i < DOWN_ENTRIES; i++) if (this.#until[i] < this.#until[k]) k = i;
		}
		this.#address[k] = address;
		this.#port[k] = port;
		this.#transport[k] = transport;
		this.#until[k] = now + DOWN_FOR_MS;
	}

	/** The target answered (any response): it is up. */
	markUp(address: string, port: number, transport: number): void {
		const k = this.#find(address, port, transport);
		if (k >= 0) this.#until[k] = 0;
	}

	isDown(address: string, port: number, transport: number): boolean {
		const k = this.#find(address, port, transport);
		return k >= 0 && this.#until[k] > this.#clock.now();
	}

	#find(address: string, port: number, transport: number): number {
		for (let i = 0; i < DOWN_ENTRIES; i++) {
			if (this.#until[i] > 0 && this.#port[i] === port && this.#transport[i] === transport && this.#address[i] === address) return i;
		}
		return -1;
	}
}

/**
 * The destination of one user (the registration, a call's INVITE, a dialog): the targets of a SIP URI in the order
 * RFC 3263 gives, and the one in use. A numeric host or a cached name is ready at once; otherwise the owner waits for
 * `onHopResolved`. The targets' strings are the locator's; nothing is allocated but the server name when the host changes.
 */
export class NextHop implements LocatorUser {
	/** The target in use (valid while `ready`). */
	address = "";
	port = 5060;
	transport = UDP;
	/** The URI's host (brackets of an IPv6 reference left out): what a TLS server's certificate must name (RFC 5922 §4.1). */
	serverName = "";
	/** Why there is no target: the locator's sentence naming the name ("pbx.example.com NAPTR: no such domain (NXDOMAIN)"). */
	error = "";
	readonly targets: TargetList;
	readonly #reach: Reachability;
	readonly #user: NextHopUser | null;
	readonly #owner: number;
	readonly #uri = new ByteField(URI_BYTES);
	readonly #view = new UriView();
	readonly #host = new Uint8Array(HOST_BYTES);
	#hostLength = 0;
	/** The URI's host is a name (a failure then names it and its targets). */
	#named = false;
	/** The target in use, or -1; the targets tried since the list was (re)started, as bits. */
	#index = -1;
	#tried = 0;
	#request = -1;
	/** The next list starts at its first target, down or not (`best`). */
	#wantBest = false;

	constructor(reach: Reachability, user: NextHopUser | null, capacity = 8) {
		this.#reach = reach;
		this.#user = user;
		this.targets = new TargetList(capacity);
		this.#owner = reach.locator.register(this);
	}

	/** Is there a target to send to? */
	get ready(): boolean {
		return this.#index >= 0;
	}

	/** Is the locator asking for it? */
	get waiting(): boolean {
		return this.#request >= 0;
	}

	/** Locate the SIP or SIPS URI buf[s, e) (RFC 3263 §4; a resolution under way is given up). */
	resolve(buf: Uint8Array, s: number, e: number): number {
		this.cancel();
		this.#index = -1;
		if (!this.#uri.set(buf, s, e)) {
			this.error = R_URI_TOO_LONG;
			return HOP_FAILED;
		}
		const uri = this.#view;
		this.#named = false;
		if (parseUri(buf, s, e, uri)) {
			this.#named = uri.hostKind === HOST_NAME;
			const v6 = uri.hostKind === HOST_IPV6 ? 1 : 0, hs = uri.hostStart + v6, he = uri.hostEnd - v6;
			if (he - hs <= HOST_BYTES && !spansEqual(this.#host, 0, this.#hostLength, buf, hs, he)) {
				for (let i = hs; i < he; i++) this.#host[i - hs] = buf[i];
				this.#hostLength = he - hs;
				this.serverName = text(buf, hs, he);
			}
		}
		return this.#locate();
	}

	/**
	 * The same URI again before a new request: ready as it is while its records live (TTL), else located anew (the
	 * cache answers at once while it may) — RFC 3263 §4: a name is resolved again once its TTL runs out.
	 */
	refresh(): number {
		if (this.#request >= 0) return HOP_WAIT;
		if (this.#uri.length === 0) return HOP_FAILED;
		if (this.#index >= 0 && !this.#reach.locator.stale(this.targets)) return HOP_READY;
		return this.#locate();
	}

	/** Forget the targets (the network changed): the next `refresh` locates the URI again. */
	invalidate(): void {
		this.cancel();
		this.#index = -1;
		this.targets.clear();
		this.targets.expiresAt = 0;
	}

	/**
	 * RFC 3263 §4.3: the target in use failed (a transport error, a timeout): it is marked down and the next one is
	 * used — the next that is not down, else the next. False when every target has been tried (`error` says so).
	 */
	next(): boolean {
		const i = this.#index;
		if (i < 0) return false;
		this.#wantBest = false;
		this.#reach.markDown(this.address, this.port, this.transport);
		this.#tried |= 1 << i;
		if (this.#pick()) return true;
		this.#index = -1;
		// A numeric host is its own target: what failed says it all. A name gets its targets counted.
		this.error = this.#named ? `${this.serverName}: ${R_ALL_FAILED} (${this.targets.count} tried)` : "";
		return false;
	}

	/**
	 * Back to the first target, the best by RFC 3263's order, whatever failed before (a registration refresh); if the
	 * list is located anew first, its first target then.
	 */
	best(): void {
		this.#wantBest = true;
		if (this.targets.count === 0 || this.#request >= 0) return;
		this.#tried = 0;
		this.#use(0);
	}

	/** The target in use answered: it is up for every hop. */
	answered(): void {
		if (this.#index >= 0) this.#reach.markUp(this.address, this.port, this.transport);
	}

	/** Stop a resolution under way (the owner hears nothing more). */
	cancel(): void {
		if (this.#request >= 0) this.#reach.locator.cancel(this.#request);
		this.#request = -1;
	}

	/** The same targets and the same one in use as `other` (a dialog copied for a fork's BYE). */
	copyFrom(other: NextHop): void {
		this.cancel();
		this.targets.copyFrom(other.targets);
		this.#uri.copyFrom(other.#uri);
		this.serverName = other.serverName;
		this.#hostLength = 0;
		this.#named = other.#named;
		this.error = other.error;
		this.#tried = other.#tried;
		if (other.#index >= 0) this.#use(other.#index);
		else this.#index = -1;
	}

	onLocated(request: number, _arg: number, _targets: TargetList): void {
		if (request !== this.#request) return;
		this.#request = -1;
		this.#start();
		this.#user?.onHopResolved(this);
	}

	#locate(): number {
		const u = this.#uri;
		const r = this.#reach.locator.locateUri(this.#owner, 0, u.buf, 0, u.length, this.targets);
		if (r !== LOCATE_NOW) {
			this.#request = r;
			this.#index = -1;
			return HOP_WAIT;
		}
		return this.#start() ? HOP_READY : HOP_FAILED;
	}

	/** A new list: the first target not down (else the first). */
	#start(): boolean {
		this.#tried = 0;
		this.#index = -1;
		this.error = this.targets.error;
		if (this.targets.count === 0) return false;
		if (this.#wantBest) {
			this.#use(0);
			return true;
		}
		return this.#pick();
	}

	/** The first target not tried yet, preferring those not down; false when all were tried. */
	#pick(): boolean {
		const t = this.targets, reach = this.#reach;
		let fallback = -1;
		for (let i = 0; i < t.count && i < 31; i++) {
			if ((this.#tried & (1 << i)) !== 0) continue;
			if (!reach.isDown(t.address[i], t.port[i], t.transport[i])) {
				this.#use(i);
				return true;
			}
			if (fallback < 0) fallback = i;
		}
		if (fallback < 0) return false;
		this.#use(fallback);
		return true;
	}

	#use(i: number): void {
		const t = this.targets;
		if (i !== 0) this.#wantBest = false;
		this.#index = i;
		this.address = t.address[i];
		this.port = t.port[i];
		this.transport = t.transport[i];
		this.error = "";
	}
}
