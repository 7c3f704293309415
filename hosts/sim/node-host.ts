// The simulator's network host: src/host.ts on Node (performance.now + one setTimeout, node:dgram, node:net,
// node:crypto) and the transaction stack built on it — DESIGN.md §2 (hosts/sim), §4 (one one-shot), §5.
// Adapters only: every protocol decision is in src/; what is here moves bytes and time.
import { randomFillSync } from "node:crypto";
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { connect as tcpConnect, createServer, isIP, type Server, type Socket as TcpSocket } from "node:net";
import { performance } from "node:perf_hooks";
import type { Clock, DatagramSocket, DatagramUser, Random, StreamConnector, StreamSocket, StreamUser } from "../../src/host.js";
import { DEFAULT_LIMITS, type Limits } from "../../src/sip/limits.js";
import { transactionConfig, type TransactionConfig } from "../../src/transaction/config.js";
import { TimerWheel } from "../../src/transaction/timer-wheel.js";
import { DEFAULT_CONNECTIONS, timerCapacity, type StationSizes } from "../../src/ua/sizing.js";
import { TransactionLayer, type ServerTransactionUser } from "../../src/transaction/transaction-layer.js";
import { Transport, type TransportOptions } from "../../src/transaction/transport.js";

/**
 * `Clock` on Node: monotonic `performance.now()` and a single `setTimeout` one-shot. Arming replaces the
 * previous one-shot, so at most one Node timer exists at a time (DESIGN.md §4: tickless). The timer keeps the
 * process alive while armed; `close()` disarms for good (later `arm` calls are ignored).
 */
export class NodeClock implements Clock {
	#timer: NodeJS.Timeout | null = null;
	#closed = false;

	now(): number {
		return performance.now();
	}

	arm(atMs: number, onDue: () => void): void {
		this.disarm();
		if (this.#closed) return;
		// Node fires a timeout after at least `delay` ms of its loop clock (whole ms); rounding up keeps the
		// wake-up from landing a fraction before the wheel's tick (it would only re-arm, but costs a wake-up).
		const delay = Math.max(0, Math.ceil(atMs - performance.now()));
		this.#timer = setTimeout(() => {
			this.#timer = null;
			onDue();
		}, delay);
	}

	disarm(): void {
		if (this.#timer !== null) {
			clearTimeout(this.#timer);
			this.#timer = null;
		}
	}

	/** True while the one-shot is armed. */
	get armed(): boolean {
		return this.#timer !== null;
	}

	close(): void {
		this.#closed = true;
		this.disarm();
	}
}

/** `Random` from the OS CSPRNG (RFC 3261 §8.1.1.7, §19.3: branches and tags must be unguessable). */
export class NodeRandom implements Random {
	fill(bytes: Uint8Array): void {
		randomFillSync(bytes);
	}
}

/** Addresses are IP literals (host.ts `Peer`): a name is never resolved here (names go through src/dns). */
export function noLookup(address: string, _options: unknown, callback: (err: Error | null, address: string, family: number) => void): void {
	const family = isIP(address);
	if (family === 0) callback(new Error(`not an IP address: ${address}`), "", 0);
	else callback(null, address, family);
}

/**
 * A bound UDP socket. Bytes handed to `send` are copied: Node may send after the call returns, and the
 * transaction layer reuses its buffers at once (a 180 and a 486 written into one slot in one tick).
 */
export class NodeDatagramSocket implements DatagramSocket {
	readonly address: string;
	#port = 0;
	readonly #socket: UdpSocket;
	#open = false;
	#user: DatagramUser | null = null;

	private constructor(address: string, socket: UdpSocket) {
		this.address = address;
		this.#socket = socket;
		socket.on("message", (msg: Buffer, rinfo) => {
			if (this.#open) this.#user?.onDatagram(msg, 0, msg.length, rinfo.address, rinfo.port);
		});
	}

	/** Bind address:port (port 0: the OS picks one; see `port`). Datagrams go to `user` once `setUser` is called. */
	static bind(address: string, port: number): Promise<NodeDatagramSocket> {
		const socket = createSocket({ type: isIP(address) === 6 ? "udp6" : "udp4", lookup: noLookup as never });
		const self = new NodeDatagramSocket(address, socket);
		return new Promise((resolve, reject) => {
			const onError = (err: Error) => {
				socket.close();
				reject(err);
			};
			socket.once("error", onError);
			socket.bind({ address, port, exclusive: true }, () => {
				socket.off("error", onError);
				// After binding, a send error (ICMP unreachable, EPERM) is not fatal for a SIP station: ignore it here;
				// the transaction layer's timers decide (§17.1.1.2 Timer B, §17.1.2.2 Timer F).
				socket.on("error", () => {});
				self.#port = socket.address().port;
				self.#open = true;
				resolve(self);
			});
		});
	}

	get port(): number {
		return this.#port;
	}

	/** Deliver received datagrams to `user` (the transport); until then they are dropped. */
	setUser(user: DatagramUser): void {
		this.#user = user;
	}

	send(bytes: Uint8Array, start: number, end: number, address: string, port: number): boolean {
		if (!this.#open || end <= start || !(port > 0 && port < 65536) || isIP(address) === 0) return false;
		this.#socket.send(Buffer.from(bytes.subarray(start, end)), port, address);
		return true;
	}

	close(): void {
		if (!this.#open) return;
		this.#open = false;
		this.#socket.close();
	}

	/** Close and wait until the socket is released. */
	closed(): Promise<void> {
		if (!this.#open) return Promise.resolve();
		return new Promise((resolve) => {
			this.#open = false;
			this.#socket.close(() => resolve());
		});
	}
}

/**
 * One node:net socket as a `StreamSocket`. Bytes written are copied (Node queues writes, including those
 * made before the connection is up). After `close()` the user hears nothing more: the transport's connection
 * slot may already serve another socket by the time Node reports this one closed.
 */
export class NodeStreamSocket implements StreamSocket {
	#user: StreamUser | null = null;
	#closed = false;
	#failure = "";

	/**
	 * `connected`: the event that says the stream is up ("connect"; "secureConnect" for TLS, after the handshake and
	 * the certificate check). `describe` words an error for the transport (the TLS connector names certificate faults).
	 */
	constructor(readonly socket: TcpSocket, connected = "connect", describe: (err: NodeJS.ErrnoException) => string = (err) => err.message) {
		socket.setNoDelay(true);
		socket.on(connected, () => {
			if (!this.#closed) this.#user?.onConnected();
		});
		socket.on("data", (data: Buffer) => {
			if (!this.#closed) this.#user?.onBytes(data, 0, data.length);
		});
		// "close" (with hadError) follows; the first error is the reason.
		socket.on("error", (err: NodeJS.ErrnoException) => {
			if (this.#failure === "") this.#failure = describe(err);
		});
		socket.on("close", (hadError: boolean) => {
			if (this.#closed) return;
			this.#closed = true;
			this.#user?.onClosed(hadError || this.#failure !== "", this.#failure);
		});
	}

	/** Who hears this socket (the transport's connection slot). */
	setUser(user: StreamUser): void {
		this.#user = user;
	}

	write(bytes: Uint8Array, start: number, end: number): boolean {
		if (this.#closed || this.socket.destroyed) return false;
		this.socket.write(Buffer.from(bytes.subarray(start, end)));
		return true;
	}

	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		this.socket.end();
		// A peer that never closes its side must not hold the socket open.
		this.socket.setTimeout(2000, () => this.socket.destroy());
	}

	/** Drop the connection at once (shutdown). */
	destroy(): void {
		this.#closed = true;
		this.socket.destroy();
	}
}

/** Opens TCP connections with node:net (IP literals only). Every socket made is tracked until it closes. */
export class NodeStreamConnector implements StreamConnector {
	readonly #sockets = new Set<NodeStreamSocket>();
	constructor(readonly localAddress?: string) {}

	connect(address: string, port: number, user: StreamUser): StreamSocket | null {
		if (isIP(address) === 0 || !(port > 0 && port < 65536)) return null;
		const raw = tcpConnect({ host: address, port, localAddress: this.localAddress });
		const s = new NodeStreamSocket(raw);
		s.setUser(user);
		this.track(s);
		return s;
	}

	track(s: NodeStreamSocket): void {
		this.#sockets.add(s);
		s.socket.once("close", () => this.#sockets.delete(s));
	}

	/** Destroy every socket still open (shutdown). */
	destroyAll(): void {
		for (const s of this.#sockets) s.destroy();
		this.#sockets.clear();
	}
}

/** A TCP listener that hands each accepted socket to the transport (which refuses it when its slots are full). */
export class NodeStreamListener {
	readonly #server: Server;
	readonly #tracker: NodeStreamConnector;

	private constructor(server: Server, tracker: NodeStreamConnector) {
		this.#server = server;
		this.#tracker = tracker;
	}

	static listen(address: string, port: number, transport: Transport, tracker: NodeStreamConnector): Promise<NodeStreamListener> {
		const server = createServer({ noDelay: true }, (raw) => {
			const s = new NodeStreamSocket(raw);
			const user = transport.accept(s, raw.remoteAddress ?? "", raw.remotePort ?? 0);
			if (user === null) {
				s.destroy();
				return;
			}
			s.setUser(user);
			tracker.track(s);
		});
		return new Promise((resolve, reject) => {
			server.once("error", reject);
			server.listen({ host: address, port, exclusive: true }, () => {
				server.off("error", reject);
				resolve(new NodeStreamListener(server, tracker));
			});
		});
	}

	close(): Promise<void> {
		return new Promise((resolve) => this.#server.close(() => resolve()));
	}
}

export interface SimNetworkOptions {
	/** Address to bind and to put in Via sent-by (an IP literal; default 127.0.0.1). */
	address?: string;
	/** UDP and TCP port (default 5070; 0 = one free port for both, chosen by the OS). */
	port?: number;
	limits?: Limits;
	/** Transaction timers and pool size (RFC 3261 Table 4 defaults). */
	config?: Partial<Omit<TransactionConfig, "limits">>;
	/** The UA core (server transactions, stray responses). */
	user: ServerTransactionUser;
	onTrace?: TransportOptions["onTrace"];
	/** Listen for TCP and connect over it (default true). */
	tcp?: boolean;
	/** Opens TLS connections (RFC 3261 §26.2; tls-connector.ts), destroyed at close; none: TLS targets are transport errors. */
	tls?: StreamConnector & { destroyAll(): void };
	/**
	 * The station's pool sizes and timer wheel (src/ua/sizing.ts `stationSizes`). Without them: a transaction layer
	 * alone, its wheel counted from its pool and connections (`timerCapacity`).
	 */
	sizes?: StationSizes;
	maxConnections?: number;
	idleTimeout?: number;
	/** An accepted TCP connection that delivers no complete message for this long is closed (ms). */
	messageTimeout?: number;
	streamKeepalive?: number;
}

export interface SimNetwork {
	readonly layer: TransactionLayer;
	readonly transport: Transport;
	readonly wheel: TimerWheel;
	readonly clock: NodeClock;
	readonly address: string;
	/** The port bound for UDP (and TCP). */
	readonly port: number;
	/** Close connections, sockets and the listener, and disarm the clock. */
	close(): Promise<void>;
}

/** Ports tried when port 0 is asked for and the OS's UDP pick is taken on TCP. */
const PORT_ATTEMPTS = 8;

/** The stack below the transaction layer: the UA core builds its own layer on it (it is that layer's user). */
export interface SimTransport {
	readonly transport: Transport;
	readonly wheel: TimerWheel;
	readonly clock: NodeClock;
	readonly config: TransactionConfig;
	readonly random: NodeRandom;
	readonly address: string;
	readonly port: number;
	close(): Promise<void>;
}

/** Bind UDP (and TCP on the same port) and build TimerWheel + Transport + TransactionLayer on them. */
export async function createSimNetwork(options: SimNetworkOptions): Promise<SimNetwork> {
	const net = await createSimTransport(options);
	const layer = new TransactionLayer({ config: net.config, transport: net.transport, wheel: net.wheel, random: net.random, user: options.user });
	return { layer, transport: net.transport, wheel: net.wheel, clock: net.clock, address: net.address, port: net.port, close: () => net.close() };
}

/** Bind UDP (and TCP on the same port) and build TimerWheel + Transport on them; the caller adds the layer. */
export async function createSimTransport(options: Omit<SimNetworkOptions, "user">): Promise<SimTransport> {
	const address = options.address ?? "127.0.0.1";
	if (isIP(address) === 0) throw new Error(`address must be an IP literal, got ${address}`);
	const wantPort = options.port ?? 5070;
	const withTcp = options.tcp ?? true;
	const limits = options.limits ?? DEFAULT_LIMITS;
	const sizes = options.sizes;
	const pool = sizes === undefined ? {} :
		{ maxTransactions: sizes.transactions, reservedTransactions: sizes.reservedTransactions, maxPerSource: sizes.maxPerSource };
	const config = transactionConfig(limits, { ...pool, ...options.config });
	const maxConnections = options.maxConnections ?? sizes?.connections ?? DEFAULT_CONNECTIONS;
	const timers = sizes?.timers ?? timerCapacity({ transactions: config.maxTransactions, connections: maxConnections, calls: 0, registration: false });
	const clock = new NodeClock();
	const connector = new NodeStreamConnector(address);
	const tls = options.tls;

	// The transport needs its sent-by port before it exists, and the listener needs the transport: bind UDP
	// first (learning the port), build the stack, then listen on TCP with the same port.
	for (let attempt = 1; ; attempt++) {
		const udp = await NodeDatagramSocket.bind(address, wantPort);
		const wheel = new TimerWheel({ capacity: timers, clock });
		const transport = new Transport({
			limits, udp, tcp: withTcp ? connector : undefined, tls, clock, wheel, localAddress: address, localPort: udp.port,
			maxConnections, idleTimeout: options.idleTimeout, messageTimeout: options.messageTimeout, streamKeepalive: options.streamKeepalive,
			onTrace: options.onTrace,
		});
		let listener: NodeStreamListener | null = null;
		if (withTcp) {
			try {
				listener = await NodeStreamListener.listen(address, udp.port, transport, connector);
			} catch (err) {
				await udp.closed();
				if (wantPort === 0 && attempt < PORT_ATTEMPTS && (err as NodeJS.ErrnoException).code === "EADDRINUSE") continue;
				throw err;
			}
		}
		udp.setUser(transport);
		let closing: Promise<void> | null = null;
		return {
			transport, wheel, clock, config, random: new NodeRandom(), address, port: udp.port,
			close(): Promise<void> {
				closing ??= (async () => {
					clock.close();
					transport.close();
					connector.destroyAll();
					tls?.destroyAll();
					await Promise.all([udp.closed(), listener?.close()]);
				})();
				return closing;
			},
		};
	}
}
