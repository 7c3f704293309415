// A virtual host for user-agent call flows: fake clock, captured datagrams, deterministic randomness, a recording
// UaEvents — DESIGN.md §7 ("call-flow tests with a virtual host ... that read like RFC 3665 flows").
// Host-free (no node:*), like test/transaction/virtual-host.ts.
import type { DatagramSocket, Random, StreamConnector } from "../../src/host.js";
import type { SipLocator } from "../../src/dns/sip-locator.js";
import { text } from "../../src/sip/bytes.js";
import { DEFAULT_LIMITS } from "../../src/sip/limits.js";
import { transactionConfig, type TransactionConfig } from "../../src/transaction/config.js";
import { TimerWheel } from "../../src/transaction/timer-wheel.js";
import { Transport } from "../../src/transaction/transport.js";
import { stationSizes } from "../../src/ua/sizing.js";
import { uaConfig, type UaConfig } from "../../src/ua/ua-config.js";
import { END_NAMES, type UaEvents } from "../../src/ua/ua-events.js";
import { UserAgent } from "../../src/ua/user-agent.js";
import { VirtualClock } from "../virtual-clock.js";

/** The station's address in every flow; peers are 192.0.2.20 (the caller / callee) and 192.0.2.1 (the registrar). */
export const STATION = "192.0.2.10", STATION_PORT = 5060, PEER = "192.0.2.20", REGISTRAR = "192.0.2.1";

/** Deterministic "random" bytes: a counter, so tags and branches differ and runs repeat. */
export class CountingRandom implements Random {
	#n = 0;
	fill(bytes: Uint8Array): void {
		for (let i = 0; i < bytes.length; i++) bytes[i] = (this.#n++ * 37 + 11) & 0xff;
	}
}

/** One message the station put on the wire, parsed for the tests. */
export class Msg {
	readonly method: string;
	readonly status: number;
	readonly uri: string;
	readonly head: string[];
	readonly body: string;

	/** `transport`: 1 UDP (the datagram socket), 2 TCP, 3 TLS (written to a stream connection). */
	constructor(readonly at: number, readonly address: string, readonly port: number, readonly text: string, readonly transport = 1) {
		const split = text.indexOf("\r\n\r\n");
		this.head = (split < 0 ? text : text.slice(0, split)).split("\r\n");
		this.body = split < 0 ? "" : text.slice(split + 4);
		const first = this.head[0].split(" ");
		if (first[0] === "SIP/2.0") {
			this.method = "";
			this.status = Number(first[1]);
			this.uri = "";
		} else {
			this.method = first[0];
			this.status = 0;
			this.uri = first[1];
		}
	}

	/** Every line's value of header `name` (full name, case-insensitive), in order. */
	headers(name: string): string[] {
		const prefix = name.toLowerCase() + ":";
		return this.head.slice(1).filter((l) => l.toLowerCase().startsWith(prefix)).map((l) => l.slice(prefix.length).trim());
	}
	/** The first value of header `name`, "" when absent. */
	header(name: string): string {
		return this.headers(name)[0] ?? "";
	}
	has(name: string): boolean {
		return this.headers(name).length > 0;
	}
	/** CSeq number and method. */
	get cseq(): number {
		return Number(this.header("CSeq").split(/\s+/)[0]);
	}
	get cseqMethod(): string {
		return this.header("CSeq").split(/\s+/)[1];
	}
	/** A tag parameter of From / To ("" when none). */
	tag(name: "From" | "To"): string {
		const m = /;\s*tag=([^;\s,]+)/i.exec(this.header(name));
		return m === null ? "" : m[1];
	}
	/** The Via branch of the top Via. */
	get branch(): string {
		const m = /;\s*branch=([^;\s,]+)/i.exec(this.header("Via"));
		return m === null ? "" : m[1];
	}
	/** "INVITE" or "200": what the ladder shows. */
	get summary(): string {
		return this.status > 0 ? String(this.status) : this.method;
	}
	/** SDP lines starting with `prefix` (e.g. "a=", "m=audio"). */
	sdp(prefix: string): string[] {
		return this.body.split("\r\n").filter((l) => l.startsWith(prefix));
	}
}

export interface UaHostOptions {
	config?: Partial<UaConfig>;
	/** Changes to the transaction configuration the station is sized with (src/ua/sizing.ts). */
	tx?: Partial<Omit<TransactionConfig, "limits">>;
	/** Timer wheel capacity (default: the station's sizing). */
	timers?: number;
	/**
	 * What the station is sized for (src/ua/sizing.ts) when the user agent is built elsewhere (`userAgent`): its call
	 * slots and the application's timers. Default: the UA configuration's maxCalls, no application.
	 */
	sized?: { readonly maxCalls: number; readonly applicationTimers?: number };
	/** Called for each incomingCall event (after it is recorded): e.g. answer at once. */
	onIncoming?: (host: UaHost, call: number) => void;
	/** false: the clock records no armings or wake-ups (allocation measurements on XS). */
	recordClock?: boolean;
	/** Build the user agent elsewhere (an application that makes its own on this host's transport and wheel). */
	userAgent?: (host: UaHost) => UserAgent;
	/** A resolver on this host's clock and wheel (test/dns/virtual-dns.ts), and the lookups it may have in flight (timers). */
	locator?: (host: UaHost) => SipLocator;
	dnsQueries?: number;
	/** Stream connections (TCP, TLS) the transport may open; none by default (a stream target is a transport error). */
	tcp?: StreamConnector;
	tls?: StreamConnector;
}

/** What a peer's request looks like (defaults: alice at 192.0.2.20:5060 calling door). */
export interface PeerRequest {
	branch?: string;
	uri?: string;
	from?: string;
	fromTag?: string;
	to?: string;
	toTag?: string | null;
	callId?: string;
	cseq?: number;
	cseqMethod?: string;
	/** Contact of the peer (requests that may open or refresh a dialog carry it). */
	contact?: string | null;
	/** Extra header lines, each ending in CRLF. */
	extra?: string;
	body?: string;
	contentType?: string;
	sentBy?: string;
}

/** The SDP offers and answers of the peers. */
export function peerSdp(o: { address?: string; port?: number; formats?: string; rtpmaps?: string[]; direction?: string; version?: number } = {}): string {
	const address = o.address ?? PEER;
	const formats = o.formats ?? "0 8 101";
	const rtpmaps = o.rtpmaps ?? ["a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000", "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-15"];
	return `v=0\r\no=alice 2890844526 ${o.version ?? 2890844526} IN IP4 ${address}\r\ns=-\r\nc=IN IP4 ${address}\r\nt=0 0\r\n` +
		`m=audio ${o.port ?? 49170} RTP/AVP ${formats}\r\n${rtpmaps.map((l) => l + "\r\n").join("")}a=ptime:20\r\n` +
		(o.direction === undefined ? "" : `a=${o.direction}\r\n`);
}

export class UaHost {
	readonly clock: VirtualClock;
	readonly wheel: TimerWheel;
	readonly transport: Transport;
	readonly ua: UserAgent;
	readonly config: UaConfig;
	readonly txConfig: TransactionConfig;
	/** Everything the station sent, in order. */
	readonly sent: Msg[] = [];
	/** Everything the application heard, as readable lines. */
	readonly events: string[] = [];
	/** Both, in order: `<ms> > <summary> <address>` sent, `<ms> < <summary>` received, `<ms> ! <event>`. */
	readonly ladder: string[] = [];
	#branch = 0;
	readonly #rx = new Uint8Array(65535);

	constructor(options: UaHostOptions = {}) {
		this.clock = new VirtualClock(0, options.recordClock ?? true);
		this.config = uaConfig({ user: "door", domain: "example.com", password: "secret", ...options.config });
		const sizes = stationSizes(options.sized ?? this.config, { applicationTimers: options.sized?.applicationTimers, dnsQueries: options.dnsQueries });
		this.wheel = new TimerWheel({ capacity: options.timers ?? sizes.timers, clock: this.clock });
		const host = this;
		const udp: DatagramSocket = {
			send(bytes, start, end, address, port) {
				const m = new Msg(host.clock.now(), address, port, text(bytes, start, end));
				host.sent.push(m);
				host.ladder.push(`${m.at} > ${m.summary} ${address}:${port}`);
				return true;
			},
			close() {},
		};
		this.transport = new Transport({
			limits: DEFAULT_LIMITS, udp, tcp: options.tcp, tls: options.tls, clock: this.clock, wheel: this.wheel, localAddress: STATION, localPort: STATION_PORT,
			maxConnections: sizes.connections,
			onTrace: (sent, bytes, start, end, transport, address, port) => {
				if (sent && transport !== 1) {
					const m = new Msg(this.clock.now(), address, port, text(bytes, start, end), transport);
					this.sent.push(m);
					this.ladder.push(`${m.at} > ${m.summary} ${address}:${port}/${transport === 2 ? "TCP" : "TLS"}`);
				}
			},
		});
		this.txConfig = transactionConfig(DEFAULT_LIMITS, {
			maxTransactions: sizes.transactions, reservedTransactions: sizes.reservedTransactions, maxPerSource: sizes.maxPerSource, ...options.tx,
		});
		const record = (line: string) => {
			this.events.push(line);
			this.ladder.push(`${this.clock.now()} ! ${line}`);
		};
		const onIncoming = options.onIncoming;
		const events: UaEvents = {
			registered: (expires) => record(`registered ${expires}`),
			unregistered: () => record("unregistered"),
			registrationFailed: (status, reason) => record(`registrationFailed ${status} ${reason}`),
			incomingCall: (call, from) => {
				record(`incoming ${call} ${from}`);
				onIncoming?.(this, call);
			},
			progress: (call, status, early) => record(`progress ${call} ${status}${early ? " early" : ""}`),
			answered: (call) => record(`answered ${call}`),
			mediaChanged: (call) => record(`mediaChanged ${call}`),
			digit: (call, digit) => record(`digit ${call} ${String.fromCharCode(digit)}`),
			ended: (call, why, status, detail) => record(`ended ${call} ${END_NAMES[why]} ${status}${detail !== undefined && detail !== "" ? `: ${detail}` : ""}`),
		};
		this.ua = options.userAgent?.(this) ?? new UserAgent({
			config: this.config, transactionConfig: this.txConfig, transport: this.transport, wheel: this.wheel,
			random: new CountingRandom(), events, locator: options.locator?.(this),
		});
	}

	get t1(): number {
		return this.txConfig.t1;
	}

	// ---- the wire ----

	/**
	 * A datagram from a peer ("given these messages on the wire"). Like a device's socket, the host reads every
	 * datagram into the same receive buffer: a view kept past the call that delivered it sees the next datagram
	 * (host.ts: "views are valid only during the call").
	 */
	receive(wire: string, address = PEER, port = 5060): void {
		const rx = this.#rx;
		if (wire.length > rx.length) throw new Error("datagram larger than the receive buffer");
		rx.fill(0x23); // '#': what is left of an earlier datagram is garbage, not a plausible message
		for (let i = 0; i < wire.length; i++) rx[i] = wire.charCodeAt(i) & 0xff;
		const first = wire.slice(0, wire.indexOf("\r\n")).split(" ");
		this.ladder.push(`${this.clock.now()} < ${first[0] === "SIP/2.0" ? first[1] : first[0]} ${address}:${port}`);
		this.transport.onDatagram(rx, 0, wire.length, address, port);
	}

	/** A request of the peer (a new branch each time unless given). */
	request(method: string, o: PeerRequest = {}): string {
		const branch = o.branch ?? `z9hG4bKpeer${++this.#branch}`;
		const body = o.body ?? "";
		const toTag = o.toTag ?? null;
		let extra = "";
		const contact = o.contact === undefined ? (method === "INVITE" || method === "UPDATE" || method === "SUBSCRIBE" ? "<sip:alice@192.0.2.20:5060>" : null) : o.contact;
		if (contact !== null) extra += `Contact: ${contact}\r\n`;
		extra += o.extra ?? "";
		if (body !== "") extra += `Content-Type: ${o.contentType ?? "application/sdp"}\r\n`;
		return `${method} ${o.uri ?? `sip:door@${STATION}:${STATION_PORT}`} SIP/2.0\r\n` +
			`Via: SIP/2.0/UDP ${o.sentBy ?? PEER + ":5060"};branch=${branch};rport\r\nMax-Forwards: 70\r\n` +
			`From: ${o.from ?? "\"Alice\" <sip:alice@example.com>"};tag=${o.fromTag ?? "a1"}\r\n` +
			`To: ${o.to ?? `<sip:door@${STATION}>`}${toTag === null ? "" : ";tag=" + toTag}\r\n` +
			`Call-ID: ${o.callId ?? "in-1@192.0.2.20"}\r\nCSeq: ${o.cseq ?? 1} ${o.cseqMethod ?? method}\r\n` +
			`${extra}Content-Length: ${body.length}\r\n\r\n${body}`;
	}

	/**
	 * A response to a request the station sent: its Via lines, From, To (with `toTag` added unless it has one or
	 * toTag is null), Call-ID and CSeq copied (§8.2.6.2); `extra` header lines; a body with its Content-Type.
	 */
	reply(req: Msg, status: number, reason: string, o: { toTag?: string | null; extra?: string; body?: string; contentType?: string } = {}): string {
		const toTag = o.toTag === undefined ? "b1" : o.toTag;
		let to = req.header("To");
		if (toTag !== null && status > 100 && !/;\s*tag=/i.test(to)) to += ";tag=" + toTag;
		const body = o.body ?? "";
		const vias = req.headers("Via").map((v) => `Via: ${v}\r\n`).join("");
		return `SIP/2.0 ${status} ${reason}\r\n${vias}From: ${req.header("From")}\r\nTo: ${to}\r\n` +
			`Call-ID: ${req.header("Call-ID")}\r\nCSeq: ${req.header("CSeq")}\r\n${o.extra ?? ""}` +
			(body === "" ? "" : `Content-Type: ${o.contentType ?? "application/sdp"}\r\n`) +
			`Content-Length: ${body.length}\r\n\r\n${body}`;
	}

	/** Reply to `req` and deliver the reply from where the request went. */
	answer(req: Msg, status: number, reason: string, o: { toTag?: string | null; extra?: string; body?: string; contentType?: string } = {}): void {
		this.receive(this.reply(req, status, reason, o), req.address, req.port);
	}

	// ---- what went out ----

	/** The last message sent (throws when none). */
	last(): Msg {
		const m = this.sent[this.sent.length - 1];
		if (m === undefined) throw new Error("nothing sent");
		return m;
	}

	/** The last message sent that is request `method` or response `status` (throws when none). */
	lastOf(what: string | number): Msg {
		for (let i = this.sent.length - 1; i >= 0; i--) {
			const m = this.sent[i];
			if (typeof what === "number" ? m.status === what : m.method === what) return m;
		}
		throw new Error(`no ${what} sent; ladder:\n${this.ladder.join("\n")}`);
	}

	/** Every message sent that is `what` (a method or a status), optionally since index `from`. */
	all(what: string | number, from = 0): Msg[] {
		return this.sent.slice(from).filter((m) => (typeof what === "number" ? m.status === what : m.method === what));
	}

	/** Requests `method` sent since index `from`, retransmissions left out (one per branch, the first copy). */
	requests(method: string, from = 0): Msg[] {
		const seen = new Set<string>();
		return this.all(method, from).filter((m) => !seen.has(m.branch) && seen.add(m.branch) !== undefined);
	}

	/** Summaries of what was sent since index `from` ("INVITE", "180", ...). */
	summaries(from = 0): string[] {
		return this.sent.slice(from).map((m) => m.summary);
	}

	/** Times at which `what` went out. */
	times(what: string | number, from = 0): number[] {
		return this.all(what, from).map((m) => m.at);
	}

	// ---- time ----

	advance(ms: number): void {
		this.clock.advance(ms);
	}

	/** Let every transaction timer run out (Timer D/L/M/K/J: ≤ 64·T1 + T4), then say whether the UA is idle. */
	settle(ms = 64 * this.txConfig.t1 + 10_000): boolean {
		this.clock.advance(ms);
		return this.ua.idle;
	}
}

/** Wire text (Latin-1/ASCII) to bytes. */
export function encode(wire: string): Uint8Array {
	const out = new Uint8Array(wire.length);
	for (let i = 0; i < wire.length; i++) out[i] = wire.charCodeAt(i) & 0xff;
	return out;
}

/** The parameters of a Digest credentials value (`Digest username="u", realm="r", ..., nc=00000001`), unquoted. */
export function digestParams(value: string): Record<string, string> {
	const out: Record<string, string> = {};
	const body = value.replace(/^\s*Digest\s+/i, "");
	const re = /([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))/g;
	for (let m = re.exec(body); m !== null; m = re.exec(body)) out[m[1].toLowerCase()] = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : m[3];
	return out;
}
