// The station's network below the UA: the SIP socket (UDP and TCP on one port, RFC 3261 §18), the transport on it, and
// the media ports of every call slot (RTP on an even port, RTCP one above: RFC 3550 §11) — DESIGN.md §2, §6a. Built
// when the station has an address; the timer wheel it runs on is the firmware's, made once at boot.
import type { Clock, StreamConnector } from "../../src/host.js";
import type { MediaPorts } from "../../src/intercom/call-audio.js";
import type { Limits } from "../../src/sip/limits.js";
import type { TimerWheel } from "../../src/transaction/timer-wheel.js";
import { Transport, type TransportOptions } from "../../src/transaction/transport.js";
import type { TcpTransport } from "./tcp-listener.js";
import { UdpSocket, type UdpIOConstructor } from "./udp-socket.js";

/** TCP connections the transport keeps at once (accepted and its own): a PBX, and room for a second. */
export const MAX_CONNECTIONS = 2;

export interface NetworkStackOptions {
	readonly udp: UdpIOConstructor;
	/** TCP (null: UDP only: each connection costs a message buffer, so TCP is opened only when configured). */
	readonly tcp: TcpTransport | null;
	/** SIP over TLS (RFC 3261 §26): connections the station opens (it accepts none: a door station is no TLS server). */
	readonly tls?: StreamConnector | null;
	/** TCP connections kept at once (src/ua/sizing.ts). */
	readonly connections: number;
	/** The station's address (Via sent-by, Contact, SDP c=) and SIP port. */
	readonly address: string;
	readonly port: number;
	/** RTP port of call slot 0, and how many slots. */
	readonly rtpPort: number;
	readonly slots: number;
	readonly clock: Clock;
	readonly wheel: TimerWheel;
	readonly limits: Limits;
	readonly onTrace?: TransportOptions["onTrace"];
}

export class NetworkStack {
	readonly transport: Transport;
	readonly ports: readonly MediaPorts[];
	readonly #sip: UdpSocket;
	readonly #media: UdpSocket[] = [];
	readonly #listener: { close(): void } | null;

	/** Bind every port; throws (after closing what it bound) when one is taken. */
	constructor(options: NetworkStackOptions) {
		const sip = new UdpSocket({ io: options.udp, port: options.port });
		this.#sip = sip;
		try {
			const tcp = options.tcp;
			this.transport = new Transport({
				limits: options.limits, udp: sip, tcp: tcp?.connector, tls: options.tls ?? undefined, clock: options.clock,
				wheel: options.wheel, localAddress: options.address, localPort: options.port, maxConnections: tcp === null && (options.tls ?? null) === null ? 0 : options.connections, onTrace: options.onTrace,
			});
			sip.setUser(this.transport);
			this.#listener = tcp === null ? null : tcp.listen(options.port, this.transport);
			const ports: MediaPorts[] = [];
			for (let i = 0; i < options.slots; i++) {
				const rtp = new UdpSocket({ io: options.udp, port: options.rtpPort + 2 * i });
				this.#media.push(rtp);
				const rtcp = new UdpSocket({ io: options.udp, port: options.rtpPort + 2 * i + 1 });
				this.#media.push(rtcp);
				// Its own address and port let the session drop its own stream looped back (RFC 3550 §8.2).
				ports.push({ rtp, rtcp, local: { address: options.address, port: options.rtpPort + 2 * i } });
			}
			this.ports = ports;
		} catch (e) {
			this.close();
			throw e;
		}
	}

	/** The media sockets of call slot `i` (their users are set by the station's wiring). */
	media(i: number): { readonly rtp: UdpSocket; readonly rtcp: UdpSocket } {
		return { rtp: this.#media[2 * i], rtcp: this.#media[2 * i + 1] };
	}

	close(): void {
		this.transport?.close();
		this.#listener?.close();
		for (const s of this.#media) s.close();
		this.#sip.close();
	}
}
