// The transport's stream connections (TCP, and TLS over TCP): one per destination, reused; closed when idle or silent;
// CRLF keep-alive pings; which one gives way when all are taken — RFC 3261 §18.2.2, §18.3, §26.2; RFC 5626 §4.4.1;
// DESIGN.md §3, §4.
import type { Clock, StreamConnector, StreamSocket, StreamUser } from "../host.js";
import { ascii } from "../sip/bytes.js";
import type { Limits } from "../sip/limits.js";
import type { MessageView } from "../sip/message-view.js";
import { CLOSED, Connection, OPEN, type ConnectionOwner } from "./connection.js";
import type { TimerOwner, TimerWheel } from "./timer-wheel.js";
import { TLS } from "./transaction-table.js";

/** Timers one connection holds at once, at most: its idle / keep-alive check and a pong wait. */
export const CONNECTION_TIMERS = 2;
const KEEPALIVE_TIMER = 1, PONG_TIMER = 2, IDLE_TIMER = 3;
/** RFC 5626 §4.4.1: a pong must arrive within 10 s. */
const PONG_WAIT = 10000;
const CRLFCRLF = ascii("\r\n\r\n");

/** What the connections tell the transport. */
export interface ConnectionsUser {
	/** A complete message arrived on connection `index` (the view is valid during the call). */
	onConnectionMessage(index: number, msg: MessageView): void;
	/** Connection `index` closed: transactions sending over it fail (§17.1.4, §17.2.4). */
	onConnectionClosed(index: number): void;
	/** Does a transaction or a dialog use connection `index` (then it is neither closed for quiet nor given up)? */
	isConnectionInUse(index: number): boolean;
}

export interface ConnectionsOptions {
	readonly limits: Limits;
	readonly tcp?: StreamConnector;
	/** TLS connections (RFC 3261 §26.2); none: TLS targets are transport errors. */
	readonly tls?: StreamConnector;
	readonly clock: Clock;
	readonly wheel: TimerWheel;
	readonly user: ConnectionsUser;
	/** Connections kept at once, accepted and the station's own (default 4). */
	readonly maxConnections?: number;
	/** One the station opened is closed after no traffic for this long (ms; default 120 s). */
	readonly idleTimeout?: number;
	/** One a peer opened is closed when it delivered no complete message for this long (ms; default 10 s). */
	readonly messageTimeout?: number;
	/** CRLFCRLF keep-alive interval (ms, 0 = off); no pong within 10 s closes the connection (RFC 5626 §4.4.1). */
	readonly streamKeepalive?: number;
}

/**
 * A fixed set of connection slots. A connection a peer opened must deliver a complete message every
 * `messageTimeout` (a silent or trickling one cannot hold a slot); one the station opened lives until `idleTimeout`
 * of no traffic. A connection a transaction or a dialog uses is kept either way. With every slot taken, the peer's
 * connection that has been silent longest gives way to a new one; the station's own never does.
 */
export class Connections implements ConnectionOwner, TimerOwner {
	readonly #slots: Connection[] = [];
	readonly #tcp: StreamConnector | undefined;
	readonly #tls: StreamConnector | undefined;
	readonly #clock: Clock;
	readonly #wheel: TimerWheel;
	readonly #owner: number;
	readonly #user: ConnectionsUser;
	readonly #timers: Int32Array;
	readonly #pongTimers: Int32Array;
	readonly #idleTimeout: number;
	readonly #messageTimeout: number;
	readonly #keepalive: number;

	constructor(options: ConnectionsOptions) {
		this.#tcp = options.tcp;
		this.#tls = options.tls;
		this.#clock = options.clock;
		this.#wheel = options.wheel;
		this.#owner = options.wheel.register(this);
		this.#user = options.user;
		const n = options.maxConnections ?? 4;
		for (let i = 0; i < n; i++) this.#slots.push(new Connection(i, options.limits, this));
		this.#timers = new Int32Array(n).fill(-1);
		this.#pongTimers = new Int32Array(n).fill(-1);
		this.#idleTimeout = options.idleTimeout ?? 120000;
		this.#messageTimeout = options.messageTimeout ?? 10000;
		this.#keepalive = options.streamKeepalive ?? 0;
	}

	/** Can the station open TCP connections at all (the host gave it a connector)? */
	get canConnect(): boolean {
		return this.#tcp !== undefined;
	}

	/** Can it open TLS connections? */
	get canConnectTls(): boolean {
		return this.#tls !== undefined;
	}

	/** Connection `index` (a valid index). */
	at(index: number): Connection {
		return this.#slots[index];
	}

	/** Is connection `index` open, connecting or closed (for tests and the simulator's status)? */
	state(index: number): number {
		return index >= 0 && index < this.#slots.length ? this.#slots[index].state : CLOSED;
	}

	/**
	 * The connection to use for address:port over `transport` (TCP or TLS): `preferred` while it is open (§18.2.2:
	 * responses go back on the request's connection), else an open one to that destination, else a new one (§18.1.1;
	 * for TLS one whose certificate proves `serverName`, RFC 5922 §4.1). -1 when none can be had.
	 */
	toDestination(address: string, port: number, preferred: number, transport: number, serverName: string): number {
		if (preferred >= 0 && this.#slots[preferred].state !== CLOSED) return preferred;
		const c = this.#find(address, port, transport, serverName);
		return c >= 0 ? c : this.#connect(address, port, transport, serverName);
	}

	/** A connection the host's TCP (or TLS) listener accepted; null when no slot can be had (the host closes it). */
	accept(socket: StreamSocket, address: string, port: number, transport?: number): StreamUser | null {
		let c = this.#free();
		if (c < 0) c = this.#giveUpSilentPeer();
		if (c < 0) return null;
		const conn = this.#slots[c];
		conn.open(socket, address, port, transport);
		conn.lastActivity = conn.lastMessage = this.#clock.now();
		if (!this.#arm(c)) {
			conn.release(); // no timer to close it when silent: not taken (DESIGN.md §4)
			return null;
		}
		return conn;
	}

	/** Close every connection (shutdown). */
	close(): void {
		for (let i = 0; i < this.#slots.length; i++) this.#slots[i].close(false);
	}

	// ---- ConnectionOwner ----

	onStreamMessage(index: number, msg: MessageView): void {
		this.#slots[index].lastMessage = this.#clock.now();
		this.#user.onConnectionMessage(index, msg);
	}

	onStreamClosed(index: number): void {
		this.#wheel.cancel(this.#timers[index]);
		this.#wheel.cancel(this.#pongTimers[index]);
		this.#timers[index] = this.#pongTimers[index] = -1;
		this.#user.onConnectionClosed(index);
	}

	onStreamActivity(index: number): void {
		this.#slots[index].lastActivity = this.#clock.now();
	}

	/** Keep-alive, pong and idle timers (arg = connection index). */
	onTimer(kind: number, index: number): void {
		const conn = this.#slots[index];
		if (conn.state === CLOSED) return;
		if (kind === PONG_TIMER) {
			this.#pongTimers[index] = -1;
			if (conn.pingOutstanding) conn.close(true, Connection.NO_PONG); // a silent connection is a broken one
			return;
		}
		this.#timers[index] = -1;
		if (this.#idleFor(conn) >= this.#limitOf(conn) && !this.#user.isConnectionInUse(index)) {
			conn.close(false);
			return;
		}
		// A connection nothing watches could be held for ever: one whose next check cannot be armed is closed.
		if (!this.#arm(index)) {
			conn.close(false);
			return;
		}
		if (this.#keepalive > 0 && conn.state === OPEN && this.#pongTimers[index] < 0) {
			conn.write(CRLFCRLF, 0, 4);
			// RFC 5626 §4.4.1: no pong within 10 s closes it; with no timer free for that wait, the ping proves nothing.
			this.#pongTimers[index] = this.#wheel.start(PONG_WAIT, this.#owner, PONG_TIMER, index);
			conn.pingOutstanding = this.#pongTimers[index] >= 0;
		}
	}

	// ---- private ----

	#find(address: string, port: number, transport: number, serverName: string): number {
		for (let i = 0; i < this.#slots.length; i++) {
			const c = this.#slots[i];
			if (c.state === CLOSED || c.port !== port || c.address !== address || c.transport !== transport) continue;
			// A TLS connection serves the name its certificate proved (or one a peer opened, which we cannot tell apart).
			if (transport !== TLS || c.inbound || c.serverName === serverName) return i;
		}
		return -1;
	}

	#free(): number {
		for (let i = 0; i < this.#slots.length; i++) if (this.#slots[i].state === CLOSED) return i;
		return -1;
	}

	#connect(address: string, port: number, transport: number, serverName: string): number {
		const connector = transport === TLS ? this.#tls : this.#tcp;
		if (connector === undefined) return -1;
		let c = this.#free();
		if (c < 0) c = this.#giveUpSilentPeer();
		if (c < 0) return -1;
		const conn = this.#slots[c];
		// Claim the slot before asking the host: a host may report onConnected / onClosed from inside connect().
		conn.reserve(address, port, transport, serverName);
		const socket = connector.connect(address, port, conn, serverName);
		if (socket === null || !conn.attach(socket)) {
			conn.release();
			return -1;
		}
		conn.lastActivity = conn.lastMessage = this.#clock.now();
		if (!this.#arm(c)) {
			conn.close(true);
			return -1;
		}
		return c;
	}

	/**
	 * The connection a peer opened (never one the station opened: its registrar's stays) that has gone longest
	 * without a complete message and carries no transaction or dialog, closed to make room: its slot, or -1.
	 */
	#giveUpSilentPeer(): number {
		let best = -1;
		for (let i = 0; i < this.#slots.length; i++) {
			const c = this.#slots[i];
			if (c.state === CLOSED || !c.inbound || this.#user.isConnectionInUse(i)) continue;
			if (best < 0 || c.lastMessage < this.#slots[best].lastMessage) best = i;
		}
		if (best >= 0) this.#slots[best].close(false);
		return best;
	}

	/** Arm the idle check (and keep-alive) of connection `c` for when it would be due; false when the wheel is full. */
	#arm(c: number): boolean {
		const conn = this.#slots[c];
		this.#wheel.cancel(this.#timers[c]);
		// Due when the connection would have been idle for its limit; one kept open past it (in use) is looked at again a
		// whole limit later.
		const limit = this.#limitOf(conn), left = limit - this.#idleFor(conn);
		let delay = left > 0 ? left : limit;
		if (this.#keepalive > 0 && this.#keepalive < delay) delay = this.#keepalive;
		this.#timers[c] = this.#wheel.start(delay, this.#owner, this.#keepalive > 0 ? KEEPALIVE_TIMER : IDLE_TIMER, c);
		return this.#timers[c] >= 0;
	}

	/** How long the connection has been idle by its rule: since its last message (a peer's), its last traffic (ours). */
	#idleFor(conn: Connection): number {
		return this.#clock.now() - (conn.inbound ? conn.lastMessage : conn.lastActivity);
	}

	#limitOf(conn: Connection): number {
		return conn.inbound ? this.#messageTimeout : this.#idleTimeout;
	}
}
