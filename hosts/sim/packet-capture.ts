// What the simulated station sent and received, kept for the web panel's pcap export: SIP from the transport's trace
// hook, RTP and RTCP from taps on the media sockets. The newest packets are kept up to a byte budget (the oldest go
// first), so a station left running does not grow without bound. A host-side recorder: it decides nothing.
import { performance } from "node:perf_hooks";
import type { DatagramSocket, DatagramUser } from "../../src/host.js";
import { writePcap, type CapturedPacket } from "./pcap-writer.js";

/** Payload bytes kept by default: some 20 minutes of a call's RTP both ways. */
export const CAPTURE_BUDGET = 32 * 1024 * 1024;

export class PacketCapture {
	readonly #budget: number;
	#packets: CapturedPacket[] = [];
	#first = 0;
	#bytes = 0;
	/** Packets dropped to stay within the budget. */
	dropped = 0;

	constructor(budget = CAPTURE_BUDGET) {
		this.#budget = budget;
	}

	/** One payload between `local` and `remote` (`sent`: local → remote), copied. */
	record(sent: boolean, transport: "udp" | "tcp", localAddress: string, localPort: number, remoteAddress: string, remotePort: number,
		bytes: Uint8Array, start: number, end: number): void {
		const payload = bytes.slice(start, end);
		const at = performance.timeOrigin + performance.now();
		this.#packets.push(sent
			? { at, transport, srcAddress: localAddress, srcPort: localPort, dstAddress: remoteAddress, dstPort: remotePort, payload }
			: { at, transport, srcAddress: remoteAddress, srcPort: remotePort, dstAddress: localAddress, dstPort: localPort, payload });
		this.#bytes += payload.length;
		while (this.#bytes > this.#budget && this.#first < this.#packets.length) {
			this.#bytes -= this.#packets[this.#first++].payload.length;
			this.dropped++;
		}
		if (this.#first > 4096 && this.#first * 2 > this.#packets.length) {
			this.#packets = this.#packets.slice(this.#first);
			this.#first = 0;
		}
	}

	/** Packets kept now. */
	get count(): number {
		return this.#packets.length - this.#first;
	}

	/** Everything kept, as a pcap file. */
	pcap(): Uint8Array {
		return writePcap(this.#packets.slice(this.#first));
	}

	/** A socket that records what is sent through `socket` (from `localAddress:localPort`). */
	tapSocket(socket: DatagramSocket, localAddress: string, localPort: number): DatagramSocket {
		return {
			send: (bytes, start, end, address, port) => {
				const ok = socket.send(bytes, start, end, address, port);
				if (ok) this.record(true, "udp", localAddress, localPort, address, port, bytes, start, end);
				return ok;
			},
			close: () => socket.close(),
		};
	}

	/** A user that records what arrives at `localAddress:localPort` before handing it to `user`. */
	tapUser(user: DatagramUser, localAddress: string, localPort: number): DatagramUser {
		return {
			onDatagram: (bytes, start, end, address, port) => {
				this.record(false, "udp", localAddress, localPort, address, port, bytes, start, end);
				user.onDatagram(bytes, start, end, address, port);
			},
		};
	}
}
