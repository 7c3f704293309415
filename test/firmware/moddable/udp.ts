// `embedded:io/socket/udp` on XS for the firmware tests, as ECMA-419 and Moddable's lwIP implementation behave: bound on
// construction ("bind failed" when the port is taken), `write(buffer, address, port)` throws when the datagram cannot
// go, `read()` returns a new ArrayBuffer carrying `address` and `port`, `onReadable(count)` after datagrams arrive.
// Datagrams go to Node (`ask`), which sends them from a real socket on the same port or answers for a scripted peer.
import { ask, clock, pending, type Pending } from "./bridge.js";

type Packet = ArrayBuffer & { address: string; port: number };

const sockets = new Map<number, UDP>();

export default class UDP {
	readonly #port: number;
	readonly #onReadable: ((this: UDP, count: number) => void) | undefined;
	readonly #queue: Packet[] = [];
	#closed = false;

	constructor(options: { port?: number; onReadable?: (this: UDP, count: number) => void }) {
		const port = options.port ?? 0;
		if (sockets.has(port) || (ask({ udp: "bind", port }) as { ok: boolean }).ok !== true) throw new Error("bind failed");
		this.#port = port;
		this.#onReadable = options.onReadable;
		sockets.set(port, this);
	}

	write(buffer: Uint8Array | ArrayBuffer, address: string, port: number): void {
		if (this.#closed) throw new Error("closed");
		const view = buffer instanceof ArrayBuffer ? new Uint8Array(buffer) : buffer;
		const bytes: number[] = [];
		for (let i = 0; i < view.length; i++) bytes.push(view[i]);
		const answer = ask({ udp: "send", from: this.#port, address, port, bytes, at: clock.now }) as { ok: boolean; deliver?: Pending[] };
		if (answer.ok !== true) throw new Error("UDP send failed");
		// A scripted peer's answers: delivered once the firmware's current call returns (test/firmware/firmware-entry.ts).
		if (answer.deliver !== undefined) for (const d of answer.deliver) pending.push(d);
	}

	read(): Packet | undefined {
		return this.#queue.shift();
	}

	close(): void {
		if (this.#closed) return;
		this.#closed = true;
		sockets.delete(this.#port);
		ask({ udp: "close", port: this.#port });
	}

	/** A datagram arrives (the harness); the socket tells its owner at once, as the device's event loop would. */
	arrive(p: Pending): void {
		const packet = new ArrayBuffer(p.bytes.length) as Packet;
		const view = new Uint8Array(packet);
		for (let i = 0; i < p.bytes.length; i++) view[i] = p.bytes[i];
		packet.address = p.address;
		packet.port = p.from;
		this.#queue.push(packet);
		this.#onReadable?.call(this, this.#queue.length);
	}
}

/** Deliver a datagram to the socket bound on `p.port`; false when none is. */
export function arrive(p: Pending): boolean {
	const s = sockets.get(p.port);
	if (s === undefined) return false;
	s.arrive(p);
	return true;
}

/** Ports bound now. */
export function boundPorts(): number[] {
	return [...sockets.keys()].sort((a, b) => a - b);
}
