// A well-formed OPTIONS from one fixed source, as a UAC sends it (RFC 3261 §11, §17.1.2.2: retransmitted at T1 = 500
// ms): asks whether the station still answers, and how soon. Used between fuzz mutants and throughout a flood.
import { createSocket, type Socket } from "node:dgram";
import { performance } from "node:perf_hooks";

export interface ProbeAnswer {
	/** The final status, or 0 when none came within the wait. */
	readonly status: number;
	/** From the first send to the final answer (or to giving up). */
	readonly ms: number;
}

export class OptionsProbe {
	readonly #socket: Socket;
	#answer: ((status: number, branch: string) => void) | null = null;
	#count = 0;

	private constructor(socket: Socket, readonly stationPort: number, readonly address: string) {
		this.#socket = socket;
		socket.on("message", (msg) => {
			const text = msg.toString("latin1");
			const branch = /branch=([^;\r\n]+)/.exec(text)?.[1] ?? "";
			this.#answer?.(Number(text.slice(8, 11)), branch);
		});
	}

	/** A probe on its own UDP port of `address` (a 127.0.0.x) towards the station on 127.0.0.1:stationPort. */
	static open(stationPort: number, address = "127.0.0.1"): Promise<OptionsProbe> {
		return new Promise((resolve, reject) => {
			const s = createSocket("udp4");
			s.once("error", reject);
			s.bind({ address, port: 0 }, () => {
				s.off("error", reject);
				s.on("error", () => {});
				resolve(new OptionsProbe(s, stationPort, address));
			});
		});
	}

	get port(): number {
		return this.#socket.address().port;
	}

	/** One OPTIONS transaction: resolves with its final status and time, or status 0 after `giveUpMs`. */
	ask(giveUpMs = 2000): Promise<ProbeAnswer> {
		const n = ++this.#count;
		const branch = `z9hG4bKprobe${process.pid}x${n}`;
		const text = `OPTIONS sip:door@127.0.0.1:${this.stationPort} SIP/2.0\r\n` +
			`Via: SIP/2.0/UDP ${this.address}:${this.port};branch=${branch};rport\r\nMax-Forwards: 70\r\n` +
			`From: <sip:probe@${this.address}>;tag=p${n}\r\nTo: <sip:door@127.0.0.1>\r\nCall-ID: ${branch}@${this.address}\r\n` +
			`CSeq: ${n} OPTIONS\r\nContent-Length: 0\r\n\r\n`;
		const bytes = Buffer.from(text, "latin1");
		const started = performance.now();
		return new Promise((resolve) => {
			let interval = 500;
			const send = () => this.#socket.send(bytes, this.stationPort, "127.0.0.1");
			let retransmit = setTimeout(function again(this: void) {
				send();
				interval = Math.min(2 * interval, 4000);
				retransmit = setTimeout(again, interval);
			}, interval);
			const giveUp = setTimeout(() => finish(0), giveUpMs);
			const finish = (status: number) => {
				clearTimeout(retransmit);
				clearTimeout(giveUp);
				this.#answer = null;
				resolve({ status, ms: performance.now() - started });
			};
			this.#answer = (status, b) => {
				if (b === branch && status >= 200) finish(status);
			};
			send();
		});
	}

	close(): Promise<void> {
		return new Promise((resolve) => this.#socket.close(() => resolve()));
	}
}
