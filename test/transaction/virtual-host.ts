// A virtual host for transaction tests: fake clock, captured datagrams and streams, a recording TU — DESIGN.md §7.
// Host-free (no node:*), so the same call flows can run on XS.
import type { DatagramSocket, Random, StreamConnector, StreamSocket, StreamUser } from "../../src/host.js";
import { DEFAULT_LIMITS, type Limits } from "../../src/sip/limits.js";
import type { MessageView } from "../../src/sip/message-view.js";
import { text } from "../../src/sip/bytes.js";
import { transactionConfig, type TransactionConfig } from "../../src/transaction/config.js";
import { TimerWheel } from "../../src/transaction/timer-wheel.js";
import { Transport, type Source } from "../../src/transaction/transport.js";
import { TransactionLayer, type ServerTransactionUser } from "../../src/transaction/transaction-layer.js";
import type { ClientTransactionUser } from "../../src/transaction/transaction-table.js";
import { VirtualClock } from "../virtual-clock.js";

/** One message the station put on the wire. */
export interface Sent {
	at: number;
	transport: "UDP" | "TCP" | "TLS";
	address: string;
	port: number;
	text: string;
	/** The TCP connection it was written on (undefined for UDP). */
	stream?: FakeStream;
}

/** Deterministic "random" bytes: a counter, so branches differ and tests can be repeated. */
export class CountingRandom implements Random {
	#n = 0;
	fill(bytes: Uint8Array): void {
		for (let i = 0; i < bytes.length; i++) bytes[i] = (this.#n++ * 37 + 11) & 0xff;
	}
}

/** A TCP (or TLS) socket the test controls: what the station writes is captured; the test injects bytes or closes. */
export class FakeStream implements StreamSocket {
	closed = false;
	/** `serverName`: what a TLS connection was opened to verify (RFC 5922 §4.1). */
	constructor(readonly host: VirtualHost, readonly address: string, readonly port: number, readonly user: StreamUser,
		readonly transport: "TCP" | "TLS" = "TCP", readonly serverName = "") {}
	write(bytes: Uint8Array, start: number, end: number): boolean {
		if (this.closed) return false;
		this.host.record(this.transport, this.address, this.port, bytes, start, end, this);
		return true;
	}
	close(): void {
		this.closed = true;
	}
	/** Bytes from the peer. */
	receive(wire: string | Uint8Array): void {
		const bytes = typeof wire === "string" ? encode(wire) : wire;
		this.user.onBytes(bytes, 0, bytes.length);
	}
	/** The peer closes the connection. */
	peerClose(): void {
		this.closed = true;
		this.user.onClosed(false);
	}
	/** The connection breaks, with the host's reason (a refused certificate, a reset). */
	fail(reason: string): void {
		this.closed = true;
		this.user.onClosed(true, reason);
	}
}

/** Events the TUs heard, in order, as readable strings ("response 180 tx=1" ...). */
export type Heard = string[];

export interface VirtualHostOptions {
	config?: Partial<Omit<TransactionConfig, "limits">>;
	limits?: Limits;
	localAddress?: string;
	localPort?: number;
	streamKeepalive?: number;
	idleTimeout?: number;
	messageTimeout?: number;
	/** Timer wheel capacity (default 256). */
	timers?: number;
	/** The UA's answer to "is this request in a live dialog?" (default: no) and "does a dialog use this connection?". */
	inDialog?: (msg: MessageView) => boolean;
	carriesDialog?: (index: number) => boolean;
	/** Called for each new request (after it is recorded): e.g. respond at once. */
	onRequest?: (host: VirtualHost, tx: number, msg: MessageView) => void;
}

export class VirtualHost {
	readonly clock: VirtualClock;
	readonly wheel: TimerWheel;
	readonly transport: Transport;
	readonly layer: TransactionLayer;
	readonly sent: Sent[] = [];
	readonly heard: Heard = [];
	readonly streams: FakeStream[] = [];
	/** When false, the UDP socket refuses to send (a transport error, §17.1.4). */
	udpUp = true;
	/** When false, the TCP connector refuses to connect. */
	tcpUp = true;
	/** When false, the TLS connector refuses to connect. */
	tlsUp = true;
	/** A client user that records what it hears. */
	readonly client: ClientTransactionUser;
	/** The server transaction of every request passed up (onRequest), in order. */
	readonly serverTxs: number[] = [];
	/**
	 * Both sides in order, one line each: `<ms> <UDP|TCP> <method | status | ping | pong>` for what the station
	 * sent, `<ms> <event>` for what the TUs heard (the `heard` strings).
	 */
	readonly timeline: string[] = [];

	constructor(options: VirtualHostOptions = {}) {
		const limits = options.limits ?? DEFAULT_LIMITS;
		this.clock = new VirtualClock(0);
		this.wheel = new TimerWheel({ capacity: options.timers ?? 256, clock: this.clock });
		const host = this;
		const udp: DatagramSocket = {
			send(bytes, start, end, address, port) {
				if (!host.udpUp) return false;
				host.record("UDP", address, port, bytes, start, end);
				return true;
			},
			close() {},
		};
		const tcp: StreamConnector = {
			connect(address, port, user) {
				if (!host.tcpUp) return null;
				const s = new FakeStream(host, address, port, user);
				host.streams.push(s);
				return s;
			},
		};
		const tls: StreamConnector = {
			connect(address, port, user, serverName = "") {
				if (!host.tlsUp) return null;
				const s = new FakeStream(host, address, port, user, "TLS", serverName);
				host.streams.push(s);
				return s;
			},
		};
		this.transport = new Transport({
			limits, udp, tcp, tls, clock: this.clock, wheel: this.wheel,
			localAddress: options.localAddress ?? "192.0.2.10", localPort: options.localPort ?? 5070,
			streamKeepalive: options.streamKeepalive, idleTimeout: options.idleTimeout, messageTimeout: options.messageTimeout,
		});
		const heard: { push(line: string): void } = {
			push: (line: string) => {
				this.heard.push(line);
				this.timeline.push(`${this.clock.now()} ${line}`);
			},
		};
		const onRequest = options.onRequest;
		const ua: ServerTransactionUser = {
			onRequest(tx, msg) {
				heard.push(`request ${msg.methodText()} tx=${tx}`);
				host.serverTxs.push(tx);
				onRequest?.(host, tx, msg);
			},
			onCancel(inviteTx, cancelTx) {
				heard.push(`cancel invite=${inviteTx} cancel=${cancelTx}`);
			},
			onAck(inviteTx) {
				heard.push(`ack invite=${inviteTx}`);
			},
			onAckTimeout(tx) {
				heard.push(`ack-timeout tx=${tx}`);
			},
			onServerTransportError(tx) {
				heard.push(`server-transport-error tx=${tx}`);
			},
			onStrayResponse(msg) {
				heard.push(`stray ${msg.status}`);
			},
			isInDialog: options.inDialog,
			carriesDialog: options.carriesDialog,
		};
		this.client = {
			onResponse(tx, msg) {
				heard.push(`response ${msg.status} tx=${tx}`);
			},
			onTimeout(tx) {
				heard.push(`timeout tx=${tx}`);
			},
			onTransportError(tx) {
				heard.push(`transport-error tx=${tx}`);
			},
		};
		this.layer = new TransactionLayer({
			config: transactionConfig(limits, options.config), transport: this.transport, wheel: this.wheel,
			random: new CountingRandom(), user: ua,
		});
	}

	record(transport: "UDP" | "TCP" | "TLS", address: string, port: number, bytes: Uint8Array, start: number, end: number, stream?: FakeStream): void {
		const wire = text(bytes, start, end);
		this.sent.push({ at: this.clock.now(), transport, address, port, text: wire, stream });
		this.timeline.push(`${this.clock.now()} ${transport} ${summary(wire)}`);
	}

	/** A peer opens a TCP (or TLS) connection to the station (the host's listener accepted it); null when no slot is free. */
	accept(address = "192.0.2.20", port = 40000, transport: "TCP" | "TLS" = "TCP"): FakeStream | null {
		let user: StreamUser | null = null;
		const relay: StreamUser = {
			onConnected: () => user?.onConnected(),
			onBytes: (bytes, start, end) => user?.onBytes(bytes, start, end),
			onClosed: (error, reason) => user?.onClosed(error, reason),
		};
		const stream = new FakeStream(this, address, port, relay, transport);
		user = this.transport.accept(stream, address, port, transport === "TLS" ? 3 : 2);
		if (user === null) return null;
		this.streams.push(stream);
		return stream;
	}

	/** The UA answers server transaction `tx` (no extra headers, no body); false when the layer refuses. */
	answer(tx: number, status: number, reason: string, toTag: string | null = "st4t"): boolean {
		const w = this.layer.respond(tx, status, encode(reason), toTag === null ? undefined : encode(toTag));
		if (w === null) return false;
		w.endHeaders();
		return this.layer.sendResponse(tx);
	}

	/** Let `ms` pass (default 10 min: past every transaction timer and the TCP idle timeout), then say what is left. */
	settle(ms = 600_000): string {
		this.advance(ms);
		return `active=${this.layer.active} timers=${this.wheel.size}`;
	}

	/** A datagram arrives from address:port. */
	receive(wire: string, address = "192.0.2.20", port = 5060): void {
		const bytes = encode(wire);
		this.transport.onDatagram(bytes, 0, bytes.length, address, port);
	}

	/** Start a client transaction with a minimal valid request (Via by the layer) and send it. */
	sendRequest(method: number, methodName: string, options: { transport?: number; address?: string; port?: number; body?: string; extra?: string; serverName?: string } = {}): number {
		const uri = encode("sip:bob@192.0.2.20");
		const tx = this.layer.request(this.client, method, uri, 0, uri.length, options.transport ?? 1, options.address ?? "192.0.2.20", options.port ?? 5060, options.serverName);
		if (tx < 0) return tx;
		const w = this.layer.writer(tx)!;
		w.ascii("Max-Forwards: 70\r\nFrom: <sip:door@192.0.2.10>;tag=d00r\r\nTo: <sip:bob@192.0.2.20>\r\n");
		w.ascii(`Call-ID: call-${tx}@192.0.2.10\r\nCSeq: 1 ${methodName}\r\n`);
		if (options.extra !== undefined) w.ascii(options.extra);
		w.endHeaders();
		if (options.body !== undefined) w.ascii(options.body);
		return this.layer.send(tx) ? tx : -1;
	}

	/** Let time pass on the virtual clock (timers fire as a punctual host's would). */
	advance(ms: number): void {
		this.clock.advance(ms);
	}

	/** Times at which messages starting with `startLine` went out. */
	sentTimes(startLine: string): number[] {
		return this.sent.filter((s) => s.text.startsWith(startLine)).map((s) => s.at);
	}
	/** The last message sent, or undefined. */
	last(): Sent | undefined {
		return this.sent[this.sent.length - 1];
	}
}

/**
 * Take every timer of `wheel` but `free` (a stand-in for everything else the station runs, to see what a full wheel
 * does); returns the release.
 */
export function occupyWheel(wheel: TimerWheel, free: number): () => void {
	const owner = wheel.register({ onTimer() {} });
	const taken: number[] = [];
	for (let h = wheel.start(3_600_000, owner, 1, 0); h >= 0; h = wheel.start(3_600_000, owner, 1, 0)) taken.push(h);
	for (let i = 0; i < free; i++) wheel.cancel(taken.pop()!);
	return () => {
		for (const h of taken) wheel.cancel(h);
	};
}

/** A sent message in a word: its method, its status code, or ping (CRLFCRLF) / pong (CRLF). */
function summary(wire: string): string {
	if (wire === "\r\n\r\n") return "ping";
	if (wire === "\r\n") return "pong";
	return wire.startsWith("SIP/2.0 ") ? wire.slice(8, 11) : wire.slice(0, wire.indexOf(" "));
}

/** Wire text (Latin-1/ASCII) to bytes. */
export function encode(wire: string): Uint8Array {
	const out = new Uint8Array(wire.length);
	for (let i = 0; i < wire.length; i++) out[i] = wire.charCodeAt(i) & 0xff;
	return out;
}

/** How a peer's request is written by `inbound` (defaults: a UDP request from 192.0.2.20:5060 asking for rport). */
export interface InboundOptions {
	/** Top Via branch; null writes none (an RFC 2543 peer). */
	branch?: string | null;
	transport?: "UDP" | "TCP" | "TLS";
	sentBy?: string;
	rport?: boolean;
	/** Via lines below the top one, each a whole value. */
	lowerVias?: string[];
	uri?: string;
	fromTag?: string | null;
	toTag?: string | null;
	callId?: string;
	cseq?: number;
	/** The CSeq method (default: the request's method). */
	cseqMethod?: string;
	/** Extra header lines, each ending in CRLF. */
	extra?: string;
	body?: string;
}

/** A request as a peer sends it to the station (§8.1.1: the six mandatory headers, Content-Length). */
export function inbound(method: string, o: InboundOptions = {}): string {
	const branch = o.branch === undefined ? "z9hG4bKpeer1" : o.branch;
	let via = `Via: SIP/2.0/${o.transport ?? "UDP"} ${o.sentBy ?? "192.0.2.20:5060"}`;
	if (branch !== null) via += `;branch=${branch}`;
	if (o.rport ?? true) via += ";rport";
	via += "\r\n";
	for (const lower of o.lowerVias ?? []) via += `Via: ${lower}\r\n`;
	const fromTag = o.fromTag === undefined ? "a1" : o.fromTag;
	const toTag = o.toTag ?? null;
	const body = o.body ?? "";
	return `${method} ${o.uri ?? "sip:door@192.0.2.10:5070"} SIP/2.0\r\n${via}Max-Forwards: 70\r\n` +
		`From: <sip:alice@192.0.2.20>${fromTag === null ? "" : ";tag=" + fromTag}\r\n` +
		`To: <sip:door@192.0.2.10>${toTag === null ? "" : ";tag=" + toTag}\r\n` +
		`Call-ID: ${o.callId ?? "in-1@192.0.2.20"}\r\nCSeq: ${o.cseq ?? 1} ${o.cseqMethod ?? method}\r\n` +
		`${o.extra ?? ""}Content-Length: ${body.length}\r\n\r\n${body}`;
}

/** The value of header `name` in wire text (first occurrence, "" when absent), and every value of it. */
export function headerOf(wire: string, name: string): string {
	return headersOf(wire, name)[0] ?? "";
}
export function headersOf(wire: string, name: string): string[] {
	const head = wire.split("\r\n\r\n")[0].split("\r\n");
	const prefix = name.toLowerCase() + ":";
	return head.filter((l) => l.toLowerCase().startsWith(prefix)).map((l) => l.slice(prefix.length).trim());
}

/** A response to a request the station sent: top Via (with its branch) copied from the captured request. */
export function responseTo(request: string, status: number, reason: string, extra = ""): string {
	const lines = request.split("\r\n");
	const pick = (name: string) => lines.filter((l) => l.toLowerCase().startsWith(name.toLowerCase() + ":")).join("\r\n");
	const to = pick("To") + (status > 100 && !/;tag=/.test(pick("To")) ? ";tag=peer1" : "");
	return `SIP/2.0 ${status} ${reason}\r\n${pick("Via")}\r\n${pick("From")}\r\n${to}\r\n${pick("Call-ID")}\r\n${pick("CSeq")}\r\n${extra}Content-Length: 0\r\n\r\n`;
}

export type { Source };
