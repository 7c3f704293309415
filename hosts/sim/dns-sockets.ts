// The DNS client's sockets on Node: one node:dgram socket per query, bound to the port the client drew at random
// (RFC 5452 §9.2), and for mDNS one-shot queries sent on the station's interface with IP TTL 255 (RFC 6762 §11).
// Adapters only: which port, which server, what is accepted — all of that is decided in src/dns.
import { createSocket, type Socket } from "node:dgram";
import { isIP } from "node:net";
import type { DatagramOpener, DatagramSocket, DatagramUser } from "../../src/host.js";
import { noLookup } from "./node-host.js";

export interface NodeDatagramOpenerOptions {
	/** Address IPv4 query sockets bind to (default: any). */
	readonly localAddress?: string;
	/** Interface address multicast queries leave by (default: the system's choice). */
	readonly multicastInterface?: string;
}

/** Is `address` a multicast group (224.0.0.0/4, ff00::/8)? */
function isMulticast(address: string): boolean {
	if (isIP(address) === 6) return address.toLowerCase().startsWith("ff");
	const first = Number(address.split(".")[0]);
	return first >= 224 && first <= 239;
}

/**
 * One query's socket. Node binds asynchronously: datagrams sent before the bind is done are queued here, and a port
 * found taken is replaced by one the OS picks (the client then still has a random ID; only the port is not its own).
 */
class QuerySocket implements DatagramSocket {
	#socket: Socket;
	#ready = false;
	#closed = false;
	readonly #queue: { data: Buffer; address: string; port: number }[] = [];

	constructor(readonly opener: NodeDatagramOpener, readonly family: 4 | 6, port: number, readonly multicast: boolean, readonly user: DatagramUser) {
		this.#socket = this.#bind(port);
	}

	/** Bind a new socket (it is this query's socket from now on: with an IP literal, Node may report it bound at once). */
	#bind(port: number): Socket {
		const socket = createSocket({ type: this.family === 6 ? "udp6" : "udp4", lookup: noLookup as never });
		this.#socket = socket;
		socket.on("message", (msg: Buffer, rinfo) => {
			if (!this.#closed && socket === this.#socket) this.user.onDatagram(msg, 0, msg.length, rinfo.address, rinfo.port);
		});
		socket.once("error", () => {
			if (this.#closed || this.#ready || port === 0) return;
			socket.close();
			this.#bind(0); // the drawn port is taken: the OS picks one
		});
		const local = this.family === 4 ? this.opener.options.localAddress : undefined;
		socket.bind({ port, address: local, exclusive: true }, () => {
			if (this.#closed || socket !== this.#socket) return;
			socket.on("error", () => {}); // ICMP unreachable and the like: the client's timers decide
			if (this.multicast) {
				socket.setMulticastTTL(255);
				const via = this.opener.options.multicastInterface;
				if (via !== undefined) socket.setMulticastInterface(via);
			}
			this.#ready = true;
			for (const q of this.#queue.splice(0)) socket.send(q.data, q.port, q.address);
		});
		return socket;
	}

	send(bytes: Uint8Array, start: number, end: number, address: string, port: number): boolean {
		if (this.#closed || end <= start || !(port > 0 && port < 65536) || isIP(address) === 0) return false;
		const data = Buffer.from(bytes.subarray(start, end));
		if (this.#ready) this.#socket.send(data, port, address);
		else this.#queue.push({ data, address, port });
		return true;
	}

	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		this.opener.forget(this);
		try {
			this.#socket.close();
		} catch {
			// not bound yet or closed already
		}
	}
}

/** `DatagramOpener` on node:dgram. */
export class NodeDatagramOpener implements DatagramOpener {
	readonly #open = new Set<QuerySocket>();
	constructor(readonly options: NodeDatagramOpenerOptions = {}) {}

	open(localPort: number, remoteAddress: string, user: DatagramUser): DatagramSocket | null {
		const family = isIP(remoteAddress);
		if (family === 0 || !(localPort >= 0 && localPort < 65536)) return null;
		const s = new QuerySocket(this, family === 6 ? 6 : 4, localPort, isMulticast(remoteAddress), user);
		this.#open.add(s);
		return s;
	}

	/** Sockets open now (each query holds one until it ends). */
	get openCount(): number {
		return this.#open.size;
	}

	forget(s: QuerySocket): void {
		this.#open.delete(s);
	}

	/** Close every socket still open (shutdown). */
	closeAll(): void {
		for (const s of [...this.#open]) s.close();
	}
}
