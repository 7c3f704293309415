// SIP over TCP (RFC 3261 §18.3) on ECMA-419 `embedded:io/socket/tcp` — DESIGN.md §6a. A connected stream for the
// transport's connection slots; bytes the stack cannot take yet ("would block": more than `tcp_sndbuf`, or before the
// connection is up) wait in a queue and go out as the socket says it can take them (`onWritable`).
import type { StreamConnector, StreamSocket, StreamUser } from "../../src/host.js";
import { SendQueue } from "./send-queue.js";

/** What the adapter uses of an ECMA-419 TCP socket. */
export interface TcpIO {
	/** Throws "not ready" before the connection is up and "would block" beyond the free send buffer. */
	write(buffer: Uint8Array): unknown;
	read(byteLength: number): unknown;
	close(): void;
}

export interface TcpCallbacks<S> {
	nodelay: boolean;
	onReadable: (this: S, bytes: number) => void;
	onWritable: (this: S, bytes: number) => void;
	onError: (this: S) => void;
}

/** `S`: the IO's own socket type (what a listener hands over and `from` adopts). */
export interface TcpIOConstructor<S extends TcpIO> {
	new (options: ({ address: string; port: number } | { from: S }) & TcpCallbacks<S>): S;
}

export interface TcpStreamOptions<S extends TcpIO> {
	readonly io: TcpIOConstructor<S>;
	/** Connect to address:port, or adopt a socket a listener accepted (`from`: connected already). */
	readonly to: { readonly address: string; readonly port: number } | { readonly from: S };
	readonly user?: StreamUser;
}

export class TcpStream<S extends TcpIO> implements StreamSocket {
	readonly #io: S;
	#user: StreamUser | null;
	#connected: boolean;
	#closed = false;
	/** Bytes the stack said it can take now (from `onWritable`, less what was written since). */
	#writable = 0;
	readonly #queue = new SendQueue();

	constructor(options: TcpStreamOptions<S>) {
		this.#user = options.user ?? null;
		this.#connected = "from" in options.to;
		const self = this;
		const callbacks: TcpCallbacks<S> = {
			nodelay: true, // a SIP message is written whole: Nagle would only delay it
			onReadable(bytes) {
				self.#readable(bytes);
			},
			onWritable(bytes) {
				self.#writableNow(bytes);
			},
			onError() {
				self.#failed();
			},
		};
		const to = options.to;
		this.#io = new options.io("from" in to ? { from: to.from, ...callbacks } : { address: to.address, port: to.port, ...callbacks });
	}

	setUser(user: StreamUser): void {
		this.#user = user;
	}

	/** Bytes waiting to be sent. */
	get queued(): number {
		return this.#queue.length;
	}

	write(bytes: Uint8Array, start: number, end: number): boolean {
		if (this.#closed) return false;
		if (this.#connected && this.#queue.length === 0 && this.#writable > 0) start += this.#send(bytes, start, end);
		return start >= end || this.#queue.push(bytes, start, end); // false: a transport error (§18.1.1)
	}

	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		this.#user = null;
		this.#queue.clear();
		this.#io.close();
	}

	/** Write what the stack can take of bytes[start, end); returns how many went. */
	#send(bytes: Uint8Array, start: number, end: number): number {
		const n = Math.min(end - start, this.#writable);
		try {
			this.#io.write(bytes.subarray(start, start + n));
		} catch {
			// "would block": the free space shrank since onWritable said otherwise; what did not go waits.
			this.#writable = 0;
			return 0;
		}
		this.#writable -= n;
		return n;
	}

	#writableNow(bytes: number): void {
		if (this.#closed) return;
		this.#writable = bytes;
		if (!this.#connected) {
			// ECMA-419: the first onWritable says the connection is up.
			this.#connected = true;
			this.#user?.onConnected();
			if (this.#closed) return;
		}
		const q = this.#queue;
		if (q.length > 0) {
			const waiting = q.peek(q.length);
			q.drop(this.#send(waiting, 0, waiting.length));
		}
	}

	#readable(bytes: number): void {
		if (this.#closed || bytes <= 0) return;
		const data = this.#io.read(bytes);
		if (!(data instanceof ArrayBuffer)) return;
		this.#user?.onBytes(new Uint8Array(data), 0, data.byteLength);
	}

	/** ECMA-419 reports a reset, a refused connect and the peer's close alike through onError. */
	#failed(): void {
		if (this.#closed) return;
		const user = this.#user;
		this.#closed = true;
		this.#user = null;
		this.#io.close();
		user?.onClosed(true);
	}
}

/** Opens SIP connections for the transport (an IP literal and port: the station resolves no names). */
export class TcpConnector<S extends TcpIO> implements StreamConnector {
	readonly #io: TcpIOConstructor<S>;

	constructor(options: { readonly io: TcpIOConstructor<S> }) {
		this.#io = options.io;
	}

	connect(address: string, port: number, user: StreamUser): StreamSocket | null {
		try {
			return new TcpStream({ io: this.#io, to: { address, port }, user });
		} catch {
			return null; // "no socket", "invalid address": a transport error for the transaction (§18.1.1)
		}
	}
}
