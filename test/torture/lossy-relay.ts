// A lossy UDP link on the loopback, for the loss tests: two sockets, one the peer talks to (it stands in for the
// station) and one the station talks to (it stands in for the peer). Every datagram is forwarded out of the other
// socket, or dropped with the given probability, each direction on its own seeded draw (reproducible). Both ends see
// the relay as the other's address: responses only come back through it when they follow the request's source, as
// RFC 3581 (rport) and §18.2.2 say — a peer's Via names a port nobody listens on.
import { createSocket, type Socket } from "node:dgram";
import { Xorshift } from "../xorshift.js";

export interface LinkEnd {
	readonly address: string;
	readonly port: number;
}

export interface LinkCounts {
	forwarded: number;
	dropped: number;
}

export interface LossyLinkOptions {
	/** Where datagrams arriving on the station side go (the peer: SIPp, Kamailio). */
	readonly peer: LinkEnd;
	/** Where datagrams arriving on the peer side go (the station). */
	readonly station: LinkEnd;
	/** Probability of dropping each datagram, each way (0.3 = 30 %). */
	readonly loss: number;
	readonly seed?: number;
}

export class LossyLink {
	/** Datagrams from the peer towards the station, and back. */
	readonly toStation: LinkCounts = { forwarded: 0, dropped: 0 };
	readonly toPeer: LinkCounts = { forwarded: 0, dropped: 0 };
	readonly #rng: Xorshift;

	private constructor(readonly peerSide: Socket, readonly stationSide: Socket, readonly options: LossyLinkOptions) {
		this.#rng = new Xorshift(options.seed ?? 0x10557);
		peerSide.on("message", (msg) => this.#forward(msg, stationSide, options.station, this.toStation));
		stationSide.on("message", (msg) => this.#forward(msg, peerSide, options.peer, this.toPeer));
	}

	/** Open both sockets on 127.0.0.1 (OS-chosen ports). */
	static async open(options: LossyLinkOptions): Promise<LossyLink> {
		const [a, b] = await Promise.all([bind(), bind()]);
		return new LossyLink(a, b, options);
	}

	/** The port the peer sends to (the station as the peer sees it). */
	get peerPort(): number {
		return this.peerSide.address().port;
	}
	/** The port the station sends to (the peer as the station sees it). */
	get stationPort(): number {
		return this.stationSide.address().port;
	}

	/** Dropped / all, both ways. */
	get lossRate(): number {
		const dropped = this.toStation.dropped + this.toPeer.dropped;
		const all = dropped + this.toStation.forwarded + this.toPeer.forwarded;
		return all === 0 ? 0 : dropped / all;
	}

	close(): Promise<void> {
		return Promise.all([close(this.peerSide), close(this.stationSide)]).then(() => undefined);
	}

	#forward(msg: Buffer, out: Socket, to: LinkEnd, counts: LinkCounts): void {
		if (this.#draw() < this.options.loss) {
			counts.dropped++;
			return;
		}
		counts.forwarded++;
		out.send(msg, to.port, to.address);
	}

	/** A number in [0, 1). */
	#draw(): number {
		return this.#rng.unit();
	}
}

function bind(): Promise<Socket> {
	return new Promise((resolve, reject) => {
		const s = createSocket("udp4");
		s.once("error", reject);
		s.bind({ address: "127.0.0.1", port: 0 }, () => {
			s.off("error", reject);
			s.on("error", () => {}); // ICMP port unreachable for a peer not (yet) there: the datagram is lost, as on a real link
			resolve(s);
		});
	});
}

function close(s: Socket): Promise<void> {
	return new Promise((resolve) => s.close(() => resolve()));
}
