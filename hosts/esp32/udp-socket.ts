// A bound UDP socket (SIP signalling, RTP, RTCP) on ECMA-419 `embedded:io/socket/udp` — DESIGN.md §6a. Adapter only:
// it moves datagrams between the IO and its `DatagramUser`; RFC 3261 §18 decisions are the transport's.
import type { DatagramSocket, DatagramUser } from "../../src/host.js";

/** A datagram as ECMA-419 `read()` returns it: a new ArrayBuffer (the host's one copy) tagged with its source. */
export type UdpPacket = ArrayBuffer & { readonly address: string; readonly port: number };

/** What the adapter uses of an ECMA-419 UDP socket. */
export interface UdpIO {
	/** Buffer first, then the destination (ECMA-419 §10.3); throws when the stack cannot send (no pbuf, no route). */
	write(buffer: Uint8Array, address: string, port: number): void;
	read(): UdpPacket | undefined;
	/** ECMA-419 §9.2.1 gives every IO close(); Moddable implements it, its typings (5.6.0 and 8.2.3) leave it out. */
	close?(): void;
}

export interface UdpIOConstructor {
	new (options: { port: number; onReadable: (this: UdpIO, packets: number) => void }): UdpIO;
}

export interface UdpSocketOptions {
	readonly io: UdpIOConstructor;
	/** Local port; bound on every address of the station (ECMA-419 binds IP_ADDR_ANY). */
	readonly port: number;
	/** Who hears the datagrams (the transport, a media session's RTP or RTCP); datagrams before `setUser` are dropped. */
	readonly user?: DatagramUser;
}

export class UdpSocket implements DatagramSocket {
	readonly port: number;
	readonly #io: UdpIO;
	#user: DatagramUser | null;
	#closed = false;
	/** Datagrams the stack refused to send (its `write` threw). */
	sendErrors = 0;
	/** The last view sent: RTP goes out of one buffer with the same span, so the view is made once, not per packet. */
	#viewOf: Uint8Array | null = null;
	#viewStart = 0;
	#viewEnd = 0;
	#view: Uint8Array | null = null;

	/** Bind `options.port`; throws what the IO throws ("bind failed": the port is taken). */
	constructor(options: UdpSocketOptions) {
		this.port = options.port;
		this.#user = options.user ?? null;
		this.#io = new options.io({ port: options.port, onReadable: (packets) => this.#readable(packets) });
	}

	setUser(user: DatagramUser): void {
		this.#user = user;
	}

	send(bytes: Uint8Array, start: number, end: number, address: string, port: number): boolean {
		if (this.#closed || end <= start) return false;
		try {
			this.#io.write(this.#span(bytes, start, end), address, port);
			return true;
		} catch {
			// ECMA-419 on the ESP32 throws instead of returning false ("UDP send failed", RangeError for a bad address):
			// to the transport it is a transport error (RFC 3261 §18.1.1), to RTP a lost packet.
			this.sendErrors++;
			return false;
		}
	}

	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		this.#user = null;
		this.#io.close?.();
	}

	#readable(packets: number): void {
		for (let i = 0; i < packets && !this.#closed; i++) {
			const packet = this.#io.read();
			if (packet === undefined) return;
			// The view shares the packet's memory: the user reads it during the call, nothing is copied again.
			this.#user?.onDatagram(new Uint8Array(packet), 0, packet.byteLength, packet.address, packet.port);
		}
	}

	#span(bytes: Uint8Array, start: number, end: number): Uint8Array {
		if (start === 0 && end === bytes.length) return bytes;
		if (this.#viewOf !== bytes || this.#viewStart !== start || this.#viewEnd !== end) {
			this.#viewOf = bytes;
			this.#viewStart = start;
			this.#viewEnd = end;
			this.#view = bytes.subarray(start, end);
		}
		return this.#view!;
	}
}
