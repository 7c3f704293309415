// A stub resolver over UDP — RFC 1035 §7 (resolver), §4.2.1 (UDP, retransmission); RFC 5452 §9 (ID and source
// port); RFC 2308 (negative answers); RFC 6762 §5.1 (one-shot multicast DNS queries for .local names).
// Queries live in fixed slots; retransmission runs on the timer wheel (one owner, one kind, the slot as argument);
// answers go to the cache, and the caller hears through DnsUser with an owner id and a query handle — no closure
// per query. What is refused (wrong ID, wrong source, malformed) is dropped with a constant reason, never thrown.
import type { Clock, DatagramOpener, DatagramSocket, DatagramUser, Peer, Random } from "../host.js";
import type { TimerOwner, TimerWheel } from "../transaction/timer-wheel.js";
import { AnswerParser, R_SHORT } from "./answer-parser.js";
import { AnswerStore } from "./answer-store.js";
import { DnsCache } from "./cache.js";
import { DEFAULT_DNS_CONFIG, type DnsConfig } from "./dns-config.js";
import {
	DNS_FAILED, DNS_TIMEOUT, DnsAnswer, R_BAD_NAME, R_BUSY, R_CANCELLED, R_NO_SERVER, R_NO_SOCKET, R_NO_TIMER, R_SEND, R_TIMEOUT, rcodeReason,
} from "./dns-answer.js";
import { checkName, isLocalName, MAX_NAME } from "./name.js";
import { RCODE_NOERROR, RCODE_NXDOMAIN, queryBytes, writeQuery } from "./query-writer.js";

/** What the client tells whoever asked. */
export interface DnsUser {
	/** Lookup `query` (started with `arg`) ended, answered or not. `answer` is valid only during this call. */
	onDnsAnswer(query: number, arg: number, answer: DnsAnswer): void;
}

export interface DnsClientOptions {
	readonly config?: DnsConfig;
	readonly clock: Clock;
	readonly wheel: TimerWheel;
	readonly random: Random;
	/** Opens one socket per query on a random port (preferred). Without it, `socket` / `mdnsSocket` are used. */
	readonly opener?: DatagramOpener;
	/** One socket for every unicast query; the host delivers its datagrams to the client (`onDatagram`). */
	readonly socket?: DatagramSocket;
	/** One socket for mDNS one-shot queries (not bound to 5353, RFC 6762 §5.1); its datagrams go to `onDatagram` too. */
	readonly mdnsSocket?: DatagramSocket;
	/** The servers, asked in turn (from the host: resolv.conf, DHCP; or from configuration). */
	readonly servers?: readonly Peer[];
	/** Where .local queries go (default 224.0.0.251:5353, RFC 6762 §3). */
	readonly mdnsGroup?: Peer;
	/** Each datagram refused, with why (a constant): for a trace or a log line. */
	readonly onRefused?: (reason: string, address: string, port: number) => void;
}

/** Timers one lookup holds at once: its retransmission (the station's wheel is sized with it, src/ua/sizing.ts). */
export const DNS_QUERY_TIMERS = 1;

/** `lookup` finished at once (cache, or a failure): the outcome is in `client.answer`. */
export const LOOKUP_NOW = -1;

export const R_WRONG_ID = "no query waits for this ID";
export const R_WRONG_SOURCE = "answer from a source that was not asked";
export const R_MDNS_RCODE = "mDNS answer with a nonzero RCODE (RFC 6762 §18.11)";
export const R_MDNS_EMPTY = "mDNS answer without a record for the name asked";

/** The IANA dynamic port range a query's source port is drawn from (RFC 6335 §6). */
const PORT_FIRST = 49152, PORT_COUNT = 16384;
const FREE = 0, WAITING = 1;
const KIND_RETRY = 1;
const SLOT_BITS = 10, SLOT_MASK = (1 << SLOT_BITS) - 1, GEN_LIMIT = 1 << 20;
const MDNS_GROUP: Peer = Object.freeze({ address: "224.0.0.251", port: 5353 });

/** Routes a query's own socket to its slot (made once per slot). */
class QueryReceiver implements DatagramUser {
	constructor(readonly client: DnsClient, readonly slot: number) {}
	onDatagram(bytes: Uint8Array, start: number, end: number, address: string, port: number): void {
		this.client.receive(this.slot, bytes, start, end, address, port);
	}
}

export class DnsClient implements DatagramUser, TimerOwner {
	readonly config: DnsConfig;
	readonly cache: DnsCache;
	/** The outcome of a lookup that returned LOOKUP_NOW (valid until the next lookup). */
	readonly answer: DnsAnswer;
	/** Datagrams refused so far, and the reason of the last. */
	refused = 0;
	lastRefusal = "";
	readonly #clock: Clock;
	readonly #wheel: TimerWheel;
	readonly #random: Random;
	readonly #opener: DatagramOpener | null;
	readonly #socket: DatagramSocket | null;
	readonly #mdnsSocket: DatagramSocket | null;
	readonly #mdnsGroup: Peer;
	readonly #onRefused: ((reason: string, address: string, port: number) => void) | null;
	readonly #timerOwner: number;
	readonly #users: DnsUser[] = [];
	readonly #parser: AnswerParser;
	readonly #delivered: DnsAnswer;
	readonly #out: Uint8Array;
	readonly #rand = new Uint8Array(4);
	readonly #failedName = new Uint8Array(MAX_NAME);
	readonly #serverAddress: string[] = [];
	readonly #serverPort: Int32Array;
	#servers = 0;
	// Query slots.
	readonly #state: Uint8Array;
	readonly #gen: Int32Array;
	readonly #owner: Int32Array;
	readonly #arg: Int32Array;
	readonly #qtype: Uint16Array;
	readonly #id: Int32Array;
	readonly #tries: Int32Array;
	readonly #asked: Int32Array;
	readonly #timer: Int32Array;
	readonly #mdns: Uint8Array;
	readonly #names: Uint8Array;
	readonly #sockets: (DatagramSocket | null)[] = [];
	readonly #receivers: QueryReceiver[] = [];
	readonly #lastReason: string[] = [];
	readonly #store: AnswerStore;

	constructor(options: DnsClientOptions) {
		const c = (this.config = options.config ?? DEFAULT_DNS_CONFIG);
		if (c.maxQueries > SLOT_MASK + 1) throw new RangeError("dns maxQueries: at most 1024");
		if (c.maxServers > 30) throw new RangeError("dns maxServers: at most 30");
		if (options.opener === undefined && options.socket === undefined && options.mdnsSocket === undefined) {
			throw new Error("DnsClient: an opener or a socket is needed");
		}
		this.#clock = options.clock;
		this.#wheel = options.wheel;
		this.#random = options.random;
		this.#opener = options.opener ?? null;
		this.#socket = options.socket ?? null;
		this.#mdnsSocket = options.mdnsSocket ?? null;
		this.#mdnsGroup = options.mdnsGroup ?? MDNS_GROUP;
		this.#onRefused = options.onRefused ?? null;
		this.cache = new DnsCache(c);
		this.answer = new DnsAnswer(this.cache);
		this.#delivered = new DnsAnswer(this.cache);
		this.#parser = new AnswerParser(c.maxRecords);
		this.#store = new AnswerStore(this.#parser, this.cache, c);
		this.#out = new Uint8Array(queryBytes(MAX_NAME));
		this.#serverPort = new Int32Array(c.maxServers);
		const n = c.maxQueries;
		this.#state = new Uint8Array(n);
		this.#gen = new Int32Array(n).fill(1);
		this.#owner = new Int32Array(n);
		this.#arg = new Int32Array(n);
		this.#qtype = new Uint16Array(n);
		this.#id = new Int32Array(n);
		this.#tries = new Int32Array(n);
		this.#asked = new Int32Array(n);
		this.#timer = new Int32Array(n).fill(-1);
		this.#mdns = new Uint8Array(n);
		this.#names = new Uint8Array(n * MAX_NAME);
		for (let i = 0; i < n; i++) {
			this.#sockets.push(null);
			this.#receivers.push(new QueryReceiver(this, i));
			this.#lastReason.push("");
		}
		this.#timerOwner = options.wheel.register(this);
		this.setServers(options.servers ?? []);
	}

	/** Register a user once (configuration time); returns the owner id its lookups are started with. */
	register(user: DnsUser): number {
		this.#users.push(user);
		return this.#users.length - 1;
	}

	/** The servers asked, in order (at most `maxServers`; later ones are ignored). Forgets the cache. */
	setServers(servers: readonly Peer[]): void {
		const n = servers.length < this.config.maxServers ? servers.length : this.config.maxServers;
		this.#serverAddress.length = 0;
		for (let i = 0; i < n; i++) {
			this.#serverAddress.push(servers[i].address);
			this.#serverPort[i] = servers[i].port;
		}
		this.#servers = n;
		this.cache.flush();
	}

	/** The clock answers' TTLs are counted on (ms). */
	now(): number {
		return this.#clock.now();
	}

	/** The network changed (new address, other Wi-Fi): cached answers may no longer hold (RFC 1035 §7.4 is silent). */
	networkChanged(): void {
		this.cache.flush();
	}

	/** Lookups in flight. */
	get pending(): number {
		let n = 0;
		for (let i = 0; i < this.#state.length; i++) if (this.#state[i] === WAITING) n++;
		return n;
	}

	/**
	 * Look up (name, type): the name in uncompressed wire form at name[no] (`encodeName`). Returns a query handle
	 * (>= 0): the user registered as `owner` hears `onDnsAnswer(handle, arg, answer)` later. Or LOOKUP_NOW: the
	 * outcome is in `answer` already — cached records, a cached negative answer, or a failure (a bad name, no server,
	 * every slot busy, no timer free), with the reason. A name ending in ".local" is asked by mDNS.
	 */
	lookup(owner: number, arg: number, name: Uint8Array, no: number, type: number): number {
		if (!((owner >>> 0) === owner && owner < this.#users.length)) throw new RangeError("dns owner is not registered");
		const answer = this.answer, length = checkName(name, no);
		if (length < 0) return this.#now(R_BAD_NAME, name, no, type);
		const now = this.#clock.now();
		const e = this.cache.find(name, no, type, now);
		if (e >= 0) {
			answer.fromEntry(e, "");
			return LOOKUP_NOW;
		}
		const mdns = isLocalName(name, no);
		if (mdns ? this.#opener === null && this.#mdnsSocket === null : this.#servers === 0 || (this.#opener === null && this.#socket === null)) {
			return this.#now(R_NO_SERVER, name, no, type);
		}
		let slot = 0;
		while (slot < this.#state.length && this.#state[slot] !== FREE) slot++;
		if (slot === this.#state.length) return this.#now(R_BUSY, name, no, type);
		const at = slot * MAX_NAME;
		for (let i = 0; i < length; i++) this.#names[at + i] = name[no + i];
		this.#owner[slot] = owner;
		this.#arg[slot] = arg;
		this.#qtype[slot] = type;
		this.#mdns[slot] = mdns ? 1 : 0;
		this.#tries[slot] = 0;
		this.#asked[slot] = 0;
		this.#lastReason[slot] = "";
		this.#id[slot] = this.#random16();
		if (this.#opener !== null) {
			const socket = this.#open(slot, mdns ? this.#mdnsGroup.address : this.#serverAddress[0]);
			if (socket === null) return this.#now(R_NO_SOCKET, name, no, type);
			this.#sockets[slot] = socket;
		} else {
			this.#sockets[slot] = mdns ? this.#mdnsSocket : this.#socket;
		}
		this.#state[slot] = WAITING;
		const handle = (this.#gen[slot] << SLOT_BITS) | slot;
		const reason = this.#send(slot);
		if (reason === "") return handle;
		this.#free(slot);
		return this.#now(reason, name, no, type);
	}

	/** Stop a lookup; its user hears nothing more. False for a handle that names no lookup in flight. */
	cancel(query: number): boolean {
		const slot = this.#live(query);
		if (slot < 0) return false;
		this.#lastReason[slot] = R_CANCELLED;
		this.#free(slot);
		return true;
	}

	/** A datagram on a shared socket (`socket` / `mdnsSocket`): the query is found by its ID. */
	onDatagram(bytes: Uint8Array, start: number, end: number, address: string, port: number): void {
		if (end - start < 12) {
			this.#refuse(R_SHORT, address, port);
			return;
		}
		const id = (bytes[start] << 8) | bytes[start + 1];
		for (let slot = 0; slot < this.#state.length; slot++) {
			if (this.#state[slot] === WAITING && (this.#id[slot] === id || (id === 0 && this.#mdns[slot] === 1))) {
				if (this.#mdns[slot] === 1 && id === 0 && !this.#mdnsAnswers(slot, bytes, start, end)) continue;
				this.receive(slot, bytes, start, end, address, port);
				return;
			}
		}
		this.#refuse(R_WRONG_ID, address, port);
	}

	/** A datagram for query `slot` (its own socket, or matched by ID). */
	receive(slot: number, bytes: Uint8Array, start: number, end: number, address: string, port: number): void {
		if (this.#state[slot] !== WAITING) return this.#refuse(R_WRONG_ID, address, port);
		if (end - start < 12) return this.#refuse(R_SHORT, address, port);
		const mdns = this.#mdns[slot] === 1, id = (bytes[start] << 8) | bytes[start + 1];
		// RFC 6762 §18.1: a multicast response carries ID 0; a legacy unicast response repeats the query's (§6.7).
		if (id !== this.#id[slot] && !(mdns && id === 0)) return this.#refuse(R_WRONG_ID, address, port);
		// RFC 5452 §9.1: only the server asked may answer; for mDNS every host on the link may, from port 5353 (RFC 6762 §6).
		if (mdns ? port !== this.#mdnsGroup.port : !this.#wasAsked(slot, address, port)) return this.#refuse(R_WRONG_SOURCE, address, port);
		const p = this.#parser, at = slot * MAX_NAME, type = this.#qtype[slot];
		if (!p.parse(bytes, start, end, this.#names, at, type, mdns)) {
			this.#refuse(p.reason, address, port);
			// A unicast server's own answer is unusable: ask the next one now rather than wait.
			if (!mdns) this.#retry(slot, p.reason);
			return;
		}
		if (mdns) {
			if (p.rcode !== RCODE_NOERROR) return this.#refuse(R_MDNS_RCODE, address, port);
			let answers = 0;
			for (let i = 0; i < p.count; i++) if (p.isAnswer(i)) answers++;
			if (answers === 0) return this.#refuse(R_MDNS_EMPTY, address, port);
		} else if (p.rcode !== RCODE_NOERROR && p.rcode !== RCODE_NXDOMAIN) {
			this.#retry(slot, rcodeReason(p.rcode));
			return;
		}
		const e = this.#store.store(this.#names, slot * MAX_NAME, this.#qtype[slot], this.#clock.now());
		this.#delivered.fromEntry(e, address);
		this.#deliver(slot);
	}

	/** Timer: no usable answer in time from the server asked; ask the next (or give up). */
	onTimer(_kind: number, slot: number): void {
		this.#timer[slot] = -1;
		if (this.#state[slot] === WAITING) this.#retry(slot, "");
	}

	/** Send the query's next try (server after server, round after round), arming its timer; "" or why not. */
	#send(slot: number): string {
		const c = this.config, mdns = this.#mdns[slot] === 1;
		const servers = mdns ? 1 : this.#servers, tries = mdns ? c.mdnsAttempts : c.attempts * servers;
		const socket = this.#sockets[slot];
		while (this.#tries[slot] < tries && socket !== null) {
			const k = this.#tries[slot]++, server = k % servers, round = (k / servers) | 0;
			const address = mdns ? this.#mdnsGroup.address : this.#serverAddress[server];
			const port = mdns ? this.#mdnsGroup.port : this.#serverPort[server];
			const n = writeQuery(this.#out, this.#id[slot], this.#names, slot * MAX_NAME, this.#qtype[slot], !mdns, mdns ? 512 : c.messageBytes);
			if (!socket.send(this.#out, 0, n, address, port)) {
				this.#lastReason[slot] = R_SEND;
				continue;
			}
			if (!mdns) this.#asked[slot] |= 1 << server;
			const wait = (mdns ? c.mdnsTimeoutMs : c.timeoutMs) * 2 ** round;
			const timer = this.#wheel.start(wait, this.#timerOwner, KIND_RETRY, slot);
			if (timer < 0) return R_NO_TIMER;
			this.#timer[slot] = timer;
			return "";
		}
		const last = this.#lastReason[slot];
		return last === "" ? R_TIMEOUT : last;
	}

	/** The try in flight failed (`reason`, "" for a timeout): send the next, or end the lookup with the last reason. */
	#retry(slot: number, reason: string): void {
		if (reason !== "") this.#lastReason[slot] = reason;
		if (this.#timer[slot] >= 0) this.#wheel.cancel(this.#timer[slot]);
		this.#timer[slot] = -1;
		const why = this.#send(slot);
		if (why === "") return;
		const server = this.#mdns[slot] === 1 ? this.#mdnsGroup.address : this.#serverAddress[0] ?? "";
		// The name is copied out of the slot: the user may start a lookup that takes the slot during the call.
		const at = slot * MAX_NAME, failed = this.#failedName;
		for (let i = 0; i < MAX_NAME; i++) failed[i] = this.#names[at + i];
		this.#delivered.fail(why === R_TIMEOUT ? DNS_TIMEOUT : DNS_FAILED, why, failed, 0, this.#qtype[slot], server);
		this.#deliver(slot);
	}

	/** Free the slot, then tell its user (who may start lookups from the callback). */
	#deliver(slot: number): void {
		const owner = this.#owner[slot], arg = this.#arg[slot], handle = (this.#gen[slot] << SLOT_BITS) | slot;
		this.#free(slot);
		this.#users[owner].onDnsAnswer(handle, arg, this.#delivered);
	}

	/** For an ID-0 mDNS response on a shared socket: does it answer this slot's question? */
	#mdnsAnswers(slot: number, bytes: Uint8Array, start: number, end: number): boolean {
		const p = this.#parser;
		if (!p.parse(bytes, start, end, this.#names, slot * MAX_NAME, this.#qtype[slot], true)) return true; // refused in receive()
		for (let i = 0; i < p.count; i++) if (p.isAnswer(i)) return true;
		return false;
	}

	#wasAsked(slot: number, address: string, port: number): boolean {
		const asked = this.#asked[slot];
		for (let s = 0; s < this.#servers; s++) {
			if ((asked & (1 << s)) !== 0 && this.#serverPort[s] === port && this.#serverAddress[s] === address) return true;
		}
		return false;
	}

	/** A socket for the slot on a random port (a few draws, then the host's pick), or null. */
	#open(slot: number, remote: string): DatagramSocket | null {
		const opener = this.#opener!;
		for (let attempt = 0; attempt < 4; attempt++) {
			const port = attempt < 3 ? PORT_FIRST + (this.#random16() % PORT_COUNT) : 0;
			const socket = opener.open(port, remote, this.#receivers[slot]);
			if (socket !== null) return socket;
		}
		return null;
	}

	#free(slot: number): void {
		if (this.#timer[slot] >= 0) this.#wheel.cancel(this.#timer[slot]);
		this.#timer[slot] = -1;
		if (this.#opener !== null) this.#sockets[slot]?.close();
		this.#sockets[slot] = null;
		this.#state[slot] = FREE;
		const g = this.#gen[slot] + 1;
		this.#gen[slot] = g < GEN_LIMIT ? g : 1;
	}

	#live(query: number): number {
		if ((query | 0) !== query || query < 0) return -1;
		const slot = query & SLOT_MASK;
		if (slot >= this.#state.length || this.#state[slot] !== WAITING || this.#gen[slot] !== query >>> SLOT_BITS) return -1;
		return slot;
	}

	#now(reason: string, name: Uint8Array, no: number, type: number): number {
		this.answer.fail(DNS_FAILED, reason, name, no, type, "");
		return LOOKUP_NOW;
	}

	#refuse(reason: string, address: string, port: number): void {
		this.refused++;
		this.lastRefusal = reason;
		this.#onRefused?.(reason, address, port);
	}

	#random16(): number {
		this.#random.fill(this.#rand);
		return (this.#rand[0] << 8) | this.#rand[1];
	}
}
