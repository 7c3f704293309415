// Incoming SIP over TCP (RFC 3261 §18.2.1: a server listens on the port it gets UDP on) on ECMA-419
// `embedded:io/socket/listener`: each accepted socket is offered to the transport, which refuses it when its
// connection slots are full (then it is closed at once).
import type { StreamConnector, StreamSocket, StreamUser } from "../../src/host.js";
import { TcpConnector, TcpStream, type TcpIO, type TcpIOConstructor } from "./tcp-stream.js";

export interface ListenerIO<S> {
	read(): S | undefined;
	/** Moddable implements close() (ECMA-419 §9.2.1); its typings leave it out. */
	close?(): void;
}

export interface ListenerIOConstructor<S> {
	new (options: { port: number; onReadable: (this: ListenerIO<S>, requests: number) => void }): ListenerIO<S>;
}

/** An accepted socket's peer (ECMA-419 TCP `remoteAddress` / `remotePort`). */
export interface Remote {
	readonly remoteAddress?: string;
	readonly remotePort?: number;
}

/** Who takes accepted connections (the transport's `accept`). */
export interface StreamAcceptor {
	accept(socket: StreamSocket, address: string, port: number): StreamUser | null;
}

export interface TcpListenerOptions<S extends TcpIO & Remote> {
	readonly io: ListenerIOConstructor<S>;
	/** The TCP class the accepted sockets are adopted with (`new TCP({from})`, to get their callbacks). */
	readonly tcp: TcpIOConstructor<S>;
	readonly port: number;
	readonly acceptor: StreamAcceptor;
}

export class TcpListener<S extends TcpIO & Remote> {
	readonly #io: ListenerIO<S>;
	readonly #tcp: TcpIOConstructor<S>;
	readonly #acceptor: StreamAcceptor;
	#closed = false;

	constructor(options: TcpListenerOptions<S>) {
		this.#tcp = options.tcp;
		this.#acceptor = options.acceptor;
		this.#io = new options.io({ port: options.port, onReadable: (requests) => this.#accept(requests) });
	}

	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		this.#io.close?.();
	}

	#accept(requests: number): void {
		for (let i = 0; i < requests && !this.#closed; i++) {
			const socket = this.#io.read();
			if (socket === undefined) return;
			const address = socket.remoteAddress ?? "", port = socket.remotePort ?? 0;
			const stream = new TcpStream({ io: this.#tcp, to: { from: socket } });
			const user = this.#acceptor.accept(stream, address, port);
			if (user === null) stream.close();
			else stream.setUser(user);
		}
	}
}

/** SIP over TCP for the network stack: the transport's connector, and a listener on its port. */
export interface TcpTransport {
	readonly connector: StreamConnector;
	listen(port: number, acceptor: StreamAcceptor): { close(): void };
}

/** The pair made of an ECMA-419 TCP class and its listener (one socket type for both). */
export function tcpTransport<S extends TcpIO & Remote>(socket: TcpIOConstructor<S>, listener: ListenerIOConstructor<S>): TcpTransport {
	return {
		connector: new TcpConnector({ io: socket }),
		listen: (port, acceptor) => new TcpListener({ io: listener, tcp: socket, port, acceptor }),
	};
}
