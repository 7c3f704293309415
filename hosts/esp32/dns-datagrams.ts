// The DNS client's sockets on the ESP32: a `DatagramOpener` on ECMA-419 `embedded:io/socket/udp` — one socket per
// query, on the port the client drew at random (RFC 5452 §9.2), and for mDNS one-shot queries a socket that sends to
// the group with IP TTL 255 (RFC 6762 §11) — DESIGN.md §6a. The servers come from DHCP (or sip.dnsServers); Moddable's
// own resolver asks A records only, so NAPTR and SRV go through src/dns. An adapter only.
import type { DatagramOpener, DatagramSocket, DatagramUser } from "../../src/host.js";

/** A datagram as ECMA-419 `read()` returns it. */
export type DnsPacket = ArrayBuffer & { readonly address: string; readonly port: number };

/** What the adapter uses of an ECMA-419 UDP socket. */
export interface DnsUdpIO {
	/** Throws when the stack cannot send (no buffer, no route). */
	write(buffer: Uint8Array, address: string, port: number): void;
	read(): DnsPacket | undefined;
	/** ECMA-419 §9.2.1 gives every IO close(); the typings leave it out. */
	close?(): void;
}

export interface DnsUdpIOConstructor {
	new (options: {
		/** Absent: the stack picks a port. */
		port?: number;
		/** A multicast group to send to (mDNS), and the IP TTL of what is sent there. */
		multicast?: string;
		timeToLive?: number;
		onReadable: (packets: number) => void;
	}): DnsUdpIO;
}

/** One query's socket. */
class QuerySocket implements DatagramSocket {
	readonly #io: DnsUdpIO;
	#user: DatagramUser | null;

	constructor(io: DnsUdpIOConstructor, localPort: number, multicast: string, user: DatagramUser) {
		this.#user = user;
		const readable = (packets: number) => this.#readable(packets);
		const options = multicast !== ""
			? { port: localPort > 0 ? localPort : undefined, multicast, timeToLive: 255, onReadable: readable }
			: { port: localPort > 0 ? localPort : undefined, onReadable: readable };
		this.#io = new io(options);
	}

	send(bytes: Uint8Array, start: number, end: number, address: string, port: number): boolean {
		if (this.#user === null || end <= start) return false;
		try {
			this.#io.write(start === 0 && end === bytes.length ? bytes : bytes.subarray(start, end), address, port);
			return true;
		} catch {
			return false; // the client tries the next server, or times out
		}
	}

	close(): void {
		if (this.#user === null) return;
		this.#user = null;
		this.#io.close?.();
	}

	#readable(packets: number): void {
		for (let i = 0; i < packets && this.#user !== null; i++) {
			const packet = this.#io.read();
			if (packet === undefined) return;
			this.#user.onDatagram(new Uint8Array(packet), 0, packet.byteLength, packet.address, packet.port);
		}
	}
}

/** Is `address` an IPv4 multicast group (224.0.0.0/4)? The station asks mDNS at 224.0.0.251 (RFC 6762 §3). */
function isMulticast(address: string): boolean {
	const dot = address.indexOf(".");
	const first = dot > 0 ? Number(address.slice(0, dot)) : -1;
	return first >= 224 && first <= 239;
}

export class DnsDatagramOpener implements DatagramOpener {
	readonly #io: DnsUdpIOConstructor;

	constructor(options: { readonly io: DnsUdpIOConstructor }) {
		this.#io = options.io;
	}

	open(localPort: number, remoteAddress: string, user: DatagramUser): DatagramSocket | null {
		try {
			return new QuerySocket(this.#io, localPort, isMulticast(remoteAddress) ? remoteAddress : "", user);
		} catch {
			return null; // the port is taken, or no socket is left: the client draws another port, then gives up
		}
	}
}
