// SIP over TLS on the ESP32 (RFC 3261 §26.2, RFC 5630): a `StreamConnector` on ECMA-419's TLS socket
// (`embedded:io/socket/tcp/tls`, Moddable's SSL) — DESIGN.md §6a. The socket does the handshake and checks the server's
// certificate against the trust anchors it is given, for the name the request was sent to (RFC 5922 §4.1: the SIP
// URI's host, also the SNI); with `verify` false (sip.tlsVerify) it checks nothing, which the firmware logs. An adapter
// only: what is sent, to whom and why is the transport's.
import type { StreamConnector, StreamSocket, StreamUser } from "../../src/host.js";
import { SendQueue } from "./send-queue.js";

/** What the adapter uses of an ECMA-419 TLS socket (the TCP socket's interface: read, write, close). */
export interface TlsIO {
	/**
	 * Throws before the handshake is done and when the send buffer is full ("would block"). ECMA-419 takes a buffer or
	 * a view of one (Moddable's typings say ArrayBuffer): the adapter writes views, so a message is never copied.
	 */
	write(buffer: ArrayBufferLike | Uint8Array): unknown;
	read(byteLength: number): unknown;
	close(): void;
}

/** The TLS options Moddable's SSL session takes (`secure`), as far as the station sets them. */
export interface TlsSecure {
	/** false: the server's certificate is not checked (a self-signed PBX; sip.tlsVerify false). */
	readonly verify: boolean;
	/** DER certificates the server's chain must lead to (sip.tlsCaFile as the device stores it); none: the built-in ones. */
	readonly trustedCertificates?: readonly ArrayBuffer[];
}

export interface TlsIOConstructor {
	new (options: {
		/** Where to connect (an IP literal: names are located by src/dns first). */
		address: string;
		port: number;
		/** The name the certificate must prove and the SNI. */
		host: string;
		secure: TlsSecure;
		onReadable: (bytes: number) => void;
		onWritable: (bytes: number) => void;
		onError: () => void;
	}): TlsIO;
}

/** ECMA-419 says only that the socket failed: the handshake, the certificate or the network. */
export const R_TLS_FAILED = "the TLS connection failed (handshake, certificate or network)";

/** One TLS connection of the transport's stream slots. */
export class TlsStream implements StreamSocket {
	readonly #io: TlsIO;
	#user: StreamUser | null;
	#connected = false;
	#closed = false;
	#writable = 0;
	/** Bytes written before the handshake ended or while the socket was full. */
	readonly #queue = new SendQueue();

	constructor(io: TlsIOConstructor, address: string, port: number, serverName: string, secure: TlsSecure, user: StreamUser) {
		this.#user = user;
		this.#io = new io({
			address, port, host: serverName !== "" ? serverName : address, secure,
			onReadable: (bytes) => this.#readable(bytes),
			onWritable: (bytes) => this.#writableNow(bytes),
			onError: () => this.#failed(),
		});
	}

	write(bytes: Uint8Array, start: number, end: number): boolean {
		if (this.#closed) return false;
		if (this.#connected && this.#queue.length === 0 && this.#writable >= end - start) {
			try {
				this.#io.write(bytes.subarray(start, end));
				this.#writable -= end - start;
				return true;
			} catch {
				this.#writable = 0; // "would block" after all: it waits in the queue
			}
		}
		return this.#queue.push(bytes, start, end); // false: a transport error (§18.1.1)
	}

	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		this.#user = null;
		this.#io.close();
	}

	#writableNow(bytes: number): void {
		if (this.#closed) return;
		this.#writable = bytes;
		if (!this.#connected) {
			// ECMA-419: the first onWritable says the connection is up (for TLS: after the handshake and the check).
			this.#connected = true;
			this.#user?.onConnected();
			if (this.#closed) return;
		}
		const q = this.#queue;
		if (q.length === 0) return;
		const waiting = q.peek(this.#writable);
		try {
			this.#io.write(waiting);
		} catch {
			this.#writable = 0;
			return;
		}
		this.#writable -= waiting.length;
		q.drop(waiting.length);
	}

	#readable(bytes: number): void {
		if (this.#closed || bytes <= 0) return;
		const data = this.#io.read(bytes);
		if (data instanceof ArrayBuffer) this.#user?.onBytes(new Uint8Array(data), 0, data.byteLength);
	}

	#failed(): void {
		if (this.#closed) return;
		const user = this.#user;
		this.#closed = true;
		this.#user = null;
		this.#io.close();
		user?.onClosed(true, R_TLS_FAILED);
	}
}

/** Opens the transport's TLS connections (`TransportOptions.tls`). */
export class TlsConnector implements StreamConnector {
	readonly #io: TlsIOConstructor;
	readonly #secure: TlsSecure;

	constructor(options: { readonly io: TlsIOConstructor; readonly secure: TlsSecure }) {
		this.#io = options.io;
		this.#secure = options.secure;
	}

	connect(address: string, port: number, user: StreamUser, serverName = ""): StreamSocket | null {
		try {
			return new TlsStream(this.#io, address, port, serverName, this.#secure, user);
		} catch {
			return null; // no socket, no memory for the SSL session: a transport error (§18.1.1)
		}
	}
}
