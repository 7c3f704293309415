// A virtual network for the DNS client: a fake clock, sockets that record what is sent, and servers that answer
// from a zone when the test lets them — DESIGN.md §7 (virtual host). Nothing here decides what the client accepts.
import type { DatagramOpener, DatagramSocket, DatagramUser, Peer } from "../../src/host.js";
import { DnsClient, type DnsClientOptions, type DnsUser } from "../../src/dns/dns-client.js";
import type { DnsAnswer } from "../../src/dns/dns-answer.js";
import { dnsConfig, type DnsConfig } from "../../src/dns/dns-config.js";
import { TimerWheel } from "../../src/transaction/timer-wheel.js";
import { FixedRandom } from "../media/fixed-random.js";
import { VirtualClock } from "../virtual-clock.js";
import { readQuery, response, type ResponseOptions, type Rr } from "../vectors/dns-messages.js";

export const SERVER_1: Peer = Object.freeze({ address: "192.0.2.53", port: 53 });
export const SERVER_2: Peer = Object.freeze({ address: "198.51.100.53", port: 53 });

/** One datagram the client sent. */
export interface Sent {
	at: number;
	bytes: Uint8Array;
	address: string;
	port: number;
	socket: VirtualSocket;
	/** What the query asked (parsed by the test helper, not by the client). */
	id: number;
	name: string;
	type: number;
	rd: boolean;
	edns: number;
}

export class VirtualSocket implements DatagramSocket {
	closed = false;
	constructor(readonly net: VirtualDns, readonly localPort: number, readonly user: DatagramUser) {}
	send(bytes: Uint8Array, start: number, end: number, address: string, port: number): boolean {
		if (this.closed) return false;
		const copy = bytes.slice(start, end);
		this.net.sent.push({ at: this.net.clock.now(), bytes: copy, address, port, socket: this, ...readQuery(copy) });
		return !this.net.sendFails;
	}
	close(): void {
		this.closed = true;
	}
}

/** What a zone says for (name, type): a response's parts (id and question are filled in), or null for silence. */
export type Zone = (name: string, type: number, server: Peer) => Omit<ResponseOptions, "id" | "name" | "type"> | null;

/** A zone from records: answers for (name, type) in the list; NXDOMAIN for a name with nothing at or below it (RFC 8020). */
export function zoneOf(records: Rr[], options: { silent?: string[] } = {}): Zone {
	return (name, type) => {
		if (options.silent?.includes(name)) return null;
		const lower = name.toLowerCase();
		const owned = records.filter((r) => r.name.toLowerCase() === lower);
		if (!records.some((r) => r.name.toLowerCase() === lower || r.name.toLowerCase().endsWith(`.${lower}`))) return { rcode: 3 };
		const answers = owned.filter((r) => r.type === type);
		return { answers };
	};
}

/** A lookup's outcome as the user heard it. */
export interface Heard {
	at: number;
	query: number;
	arg: number;
	status: number;
	reason: string;
	count: number;
	describe: string;
	server: string;
	/** Each record as text: addresses, "priority weight port target", "order preference service replacement". */
	records: string[];
}

export interface VirtualDnsOptions {
	/** The clock and wheel of a larger virtual host (a user agent's) instead of the network's own. */
	clock?: VirtualClock;
	wheel?: TimerWheel;
	config?: Partial<DnsConfig>;
	servers?: Peer[];
	/** Use one shared socket (and one for mDNS) instead of a socket per query. */
	shared?: boolean;
	wheelCapacity?: number;
	zone?: Zone;
	client?: Partial<DnsClientOptions>;
}

export class VirtualDns implements DatagramOpener, DnsUser {
	readonly clock: VirtualClock;
	readonly wheel: TimerWheel;
	readonly random = new FixedRandom();
	readonly client: DnsClient;
	readonly owner: number;
	readonly sent: Sent[] = [];
	readonly opened: VirtualSocket[] = [];
	readonly heard: Heard[] = [];
	readonly refusals: string[] = [];
	readonly shared: VirtualSocket | null;
	readonly sharedMdns: VirtualSocket | null;
	zone: Zone | null;
	sendFails = false;
	#answered = 0;

	constructor(options: VirtualDnsOptions = {}) {
		this.clock = options.clock ?? new VirtualClock(1000);
		this.wheel = options.wheel ?? new TimerWheel({ capacity: options.wheelCapacity ?? 32, clock: this.clock });
		this.zone = options.zone ?? null;
		const shared = options.shared === true;
		// The client is built after the shared sockets exist; they deliver to it through `this.client`.
		const relay: DatagramUser = { onDatagram: (b, s, e, a, p) => this.client.onDatagram(b, s, e, a, p) };
		this.shared = shared ? new VirtualSocket(this, 5300, relay) : null;
		this.sharedMdns = shared ? new VirtualSocket(this, 5301, relay) : null;
		this.client = new DnsClient({
			config: dnsConfig(options.config), clock: this.clock, wheel: this.wheel, random: this.random,
			opener: shared ? undefined : this, socket: this.shared ?? undefined, mdnsSocket: this.sharedMdns ?? undefined,
			servers: options.servers ?? [SERVER_1], onRefused: (reason, address, port) => this.refusals.push(`${address}:${port} ${reason}`),
			...options.client,
		});
		this.owner = this.client.register(this);
	}

	open(localPort: number, _remote: string, user: DatagramUser): DatagramSocket | null {
		const s = new VirtualSocket(this, localPort, user);
		this.opened.push(s);
		return s;
	}

	onDnsAnswer(query: number, arg: number, answer: DnsAnswer): void {
		this.heard.push(heard(this.clock.now(), query, arg, answer));
	}

	/** Deliver bytes to the socket that sent query `i`, from `from` (default: where the query went). */
	deliver(i: number, bytes: Uint8Array, from: Peer = this.sent[i]): void {
		this.sent[i].socket.user.onDatagram(bytes, 0, bytes.length, from.address, from.port);
	}

	/** Answer query `i` with the given parts (its ID and question copied in), from where it went unless `from` says. */
	reply(i: number, parts: Omit<ResponseOptions, "id" | "name" | "type"> & Partial<ResponseOptions>, from?: Peer): void {
		const q = this.sent[i];
		this.deliver(i, response({ id: q.id, name: q.name, type: q.type, ...parts }), from);
	}

	/** Let the zone answer every query not yet answered (1 ms later each round) until nothing new is sent. */
	settle(maxRounds = 50): void {
		for (let round = 0; round < maxRounds && this.#answered < this.sent.length; round++) {
			this.clock.advance(1);
			const upTo = this.sent.length;
			for (; this.#answered < upTo; this.#answered++) {
				const q = this.sent[this.#answered];
				const parts = this.zone?.(q.name, q.type, { address: q.address, port: q.port }) ?? null;
				if (parts !== null && !q.socket.closed) this.reply(this.#answered, parts);
			}
		}
	}

	/** Look up a dotted name; LOOKUP_NOW outcomes are recorded in `heard` as query -1. */
	lookup(name: string, type: number, arg = 0): number {
		const wire = Uint8Array.from([...name.split(".").filter((l) => l !== "").flatMap((l) => [l.length, ...Array.from(l, (c) => c.charCodeAt(0))]), 0]);
		const q = this.client.lookup(this.owner, arg, wire, 0, type);
		if (q < 0) this.heard.push(heard(this.clock.now(), q, arg, this.client.answer));
		return q;
	}

	/** Times (ms from the start) and servers of every datagram sent. */
	sends(): string[] {
		return this.sent.map((s) => `${s.at - 1000} ${s.address}:${s.port} ${s.name}`);
	}
}

function heard(at: number, query: number, arg: number, answer: DnsAnswer): Heard {
	const records: string[] = [];
	for (let i = 0; i < answer.count; i++) {
		const at = answer.dataAt(i), n = answer.dataLength(i), b = answer.bytes;
		if (answer.type === 1) records.push(Array.from(b.subarray(at, at + 4)).join("."));
		else if (answer.type === 28) records.push(`${n} bytes`);
		else if (answer.type === 33) records.push(`${answer.priority(i)} ${answer.weight(i)} ${answer.port(i)} ${nameAt(b, at)}`);
		else if (answer.type === 35) records.push(`${answer.priority(i)} ${answer.weight(i)} service ${answer.service(i)} ${nameAt(b, at)}`);
	}
	return { at, query, arg, status: answer.status, reason: answer.reason, count: answer.count, describe: answer.describe(), server: answer.server, records };
}

function nameAt(b: Uint8Array, at: number): string {
	const labels: string[] = [];
	for (let p = at; b[p] !== 0; p += b[p] + 1) labels.push(String.fromCharCode(...b.subarray(p + 1, p + 1 + b[p])));
	return labels.join(".") || ".";
}
