// A bare node:net SIP client for stream-framing tests: writes exactly the bytes it is given, frames what it
// reads by Content-Length with its own simple code (independent of src/sip) — RFC 3261 §18.3.
import { connect, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { Wakeup } from "./peers.js";

export interface RawResponse {
	readonly status: number;
	readonly text: string;
}

export class RawTcpClient {
	#buffer = "";
	#closed = false;
	readonly #arrival = new Wakeup();

	private constructor(readonly socket: Socket) {
		socket.setNoDelay(true); // every small write is its own segment
		socket.setEncoding("latin1");
		socket.on("data", (d: string) => {
			this.#buffer += d;
			this.#arrival.wake();
		});
		socket.on("close", () => {
			this.#closed = true;
			this.#arrival.wake();
		});
		socket.on("error", () => {});
	}

	static connect(port: number, address = "127.0.0.1"): Promise<RawTcpClient> {
		return new Promise((resolve, reject) => {
			const socket = connect({ host: address, port, localAddress: address }, () => {
				socket.off("error", reject);
				resolve(new RawTcpClient(socket));
			});
			socket.once("error", reject);
		});
	}

	get localPort(): number {
		return this.socket.localPort ?? 0;
	}

	write(text: string): void {
		this.socket.write(Buffer.from(text, "latin1"));
	}

	/** The next `n` whole messages read from the connection. */
	async responses(n: number, withinMs: number): Promise<RawResponse[]> {
		const out: RawResponse[] = [];
		await this.#until(() => {
			for (;;) {
				if (out.length >= n) return true;
				const end = this.#buffer.indexOf("\r\n\r\n");
				if (end < 0) return false;
				const length = Number(/\r\n(?:Content-Length|l)[ \t]*:[ \t]*(\d+)/i.exec(this.#buffer.slice(0, end + 2))?.[1] ?? "0");
				if (this.#buffer.length < end + 4 + length) return false;
				const text = this.#buffer.slice(0, end + 4 + length);
				this.#buffer = this.#buffer.slice(text.length);
				out.push({ status: Number(text.slice(8, 11)), text });
			}
		}, withinMs, `${n} responses`);
		return out;
	}

	/** The next `n` bytes as they are (keep-alive pongs). */
	async rawBytes(n: number, withinMs: number): Promise<string> {
		await this.#until(() => this.#buffer.length >= n, withinMs, `${n} bytes`);
		const text = this.#buffer.slice(0, n);
		this.#buffer = this.#buffer.slice(n);
		return text;
	}

	/** Bytes received and not yet taken. */
	get pending(): string {
		return this.#buffer;
	}

	/** The station (or the network) closed the connection. */
	get closed(): boolean {
		return this.#closed;
	}

	/** Resolves once the connection is closed; rejects after `withinMs`. */
	async waitClosed(withinMs: number): Promise<void> {
		const until = performance.now() + withinMs;
		while (!this.#closed) {
			const left = until - performance.now();
			if (left <= 0) throw new Error(`connection still open after ${withinMs} ms`);
			await this.#arrival.wait(left);
		}
	}

	destroy(): void {
		this.socket.destroy();
	}

	async #until(done: () => boolean, withinMs: number, what: string): Promise<void> {
		const until = performance.now() + withinMs;
		while (!done()) {
			if (this.#closed) throw new Error(`connection closed while waiting for ${what}; have ${JSON.stringify(this.#buffer)}`);
			const left = until - performance.now();
			if (left <= 0) throw new Error(`no ${what} within ${withinMs} ms; have ${JSON.stringify(this.#buffer)}`);
			await this.#arrival.wait(left);
		}
	}
}

/** A request as a peer writes it on a stream (Content-Length mandatory, §18.3). */
export function streamRequest(method: string, branch: string, cseq: number, localPort: number, body = ""): string {
	return `${method} sip:door@127.0.0.1 SIP/2.0\r\n` +
		`Via: SIP/2.0/TCP 127.0.0.1:${localPort};branch=${branch}\r\n` +
		`From: <sip:raw@127.0.0.1>;tag=raw${cseq}\r\nTo: <sip:door@127.0.0.1>\r\nCall-ID: ${branch}@127.0.0.1\r\n` +
		`CSeq: ${cseq} ${method}\r\nMax-Forwards: 70\r\n${body !== "" ? "Content-Type: text/plain\r\n" : ""}` +
		`Content-Length: ${body.length}\r\n\r\n${body}`;
}
