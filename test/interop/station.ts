// A small test TU on the simulator's real network stack (hosts/sim/node-host.ts): answers requests by a plan,
// sends requests, and records what it heard and every message on the wire — DESIGN.md §7 (interop tests).
import { randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { createSimNetwork, type SimNetwork, type SimNetworkOptions } from "../../hosts/sim/node-host.js";
import { ascii } from "../../src/sip/bytes.js";
import type { MessageView } from "../../src/sip/message-view.js";
import { METHOD_NAMES } from "../../src/sip/methods.js";
import type { ServerTransactionUser } from "../../src/transaction/transaction-layer.js";
import { TCP, UDP, type ClientTransactionUser } from "../../src/transaction/transaction-table.js";
import type { Source } from "../../src/transaction/transport.js";

/** One response the TU sends, `afterMs` after the request reached it. */
export interface Reply {
	readonly status: number;
	readonly reason: string;
	readonly afterMs?: number;
}

/** A message on the wire, as the transport's trace hook saw it. */
export interface Traced {
	/** performance.now() when it was handed to / came from the socket. */
	readonly at: number;
	readonly sent: boolean;
	readonly transport: "UDP" | "TCP";
	readonly address: string;
	readonly port: number;
	readonly text: string;
}

export interface StationOptions extends Omit<SimNetworkOptions, "user" | "onTrace"> {
	/** How the TU answers each method (a method not listed gets 501 at once). */
	readonly replies?: Readonly<Record<string, readonly Reply[]>>;
}

/** The station side of an interop test: a ServerTransactionUser and ClientTransactionUser that record. */
export class TestStation implements ServerTransactionUser, ClientTransactionUser {
	/** What the TUs heard, in order: "request OPTIONS", "response 486", "ack", "ack-timeout" ... */
	readonly heard: string[] = [];
	/** Every message sent and received, in order. */
	readonly wire: Traced[] = [];
	/** Server transactions by request method (the handle the TU got). */
	readonly serverTx = new Map<string, number[]>();
	#net: SimNetwork | null = null;
	readonly #replies: Readonly<Record<string, readonly Reply[]>>;
	readonly #timers = new Set<NodeJS.Timeout>();
	#waiters: (() => void)[] = [];
	#cseq = 1;

	private constructor(replies: Readonly<Record<string, readonly Reply[]>>) {
		this.#replies = replies;
	}

	static async start(options: StationOptions = {}): Promise<TestStation> {
		const station = new TestStation(options.replies ?? {});
		station.#net = await createSimNetwork({
			...options,
			user: station,
			onTrace: (sent, bytes, start, end, transport, address, port) => {
				station.wire.push({
					at: performance.now(), sent, transport: transport === TCP ? "TCP" : "UDP", address, port,
					text: Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString("latin1"),
				});
				station.#wake();
			},
		});
		return station;
	}

	get net(): SimNetwork {
		if (this.#net === null) throw new Error("station not started");
		return this.#net;
	}
	get port(): number {
		return this.net.port;
	}

	// ---- ServerTransactionUser ----

	onRequest(tx: number, msg: MessageView, source: Source): void {
		const method = msg.methodText();
		this.#hear(`request ${method} ${source.transport === TCP ? "TCP" : "UDP"}`);
		const list = this.serverTx.get(method) ?? [];
		list.push(tx);
		this.serverTx.set(method, list);
		const plan = this.#replies[method] ?? [{ status: 501, reason: "Not Implemented" }];
		const toTag = ascii(randomBytes(6).toString("hex")); // one per transaction: a regenerated response would differ
		for (const reply of plan) {
			const send = () => {
				const w = this.net.layer.respond(tx, reply.status, ascii(reply.reason), toTag);
				if (w === null) {
					this.#hear(`respond ${reply.status} refused`);
					return;
				}
				w.ascii("Server: sip-intercom interop station\r\n");
				w.endHeaders();
				if (!this.net.layer.sendResponse(tx)) this.#hear(`respond ${reply.status} failed`);
			};
			if ((reply.afterMs ?? 0) <= 0) send();
			else this.#later(reply.afterMs!, send);
		}
	}
	onCancel(): void {
		this.#hear("cancel");
	}
	onAck(inviteTx: number): void {
		this.#hear(inviteTx < 0 ? "ack (no transaction)" : "ack");
	}
	onAckTimeout(): void {
		this.#hear("ack-timeout");
	}
	onServerTransportError(): void {
		this.#hear("server-transport-error");
	}
	onStrayResponse(msg: MessageView): void {
		this.#hear(`stray ${msg.status}`);
	}

	// ---- ClientTransactionUser ----

	onResponse(_tx: number, msg: MessageView): void {
		this.#hear(`response ${msg.status}`);
	}
	onTimeout(): void {
		this.#hear("timeout");
	}
	onTransportError(): void {
		this.#hear("transport-error");
	}

	// ---- the client side ----

	/** Send a request (method id from methods.ts) to user@address:port through a new client transaction. */
	request(method: number, user: string, address: string, port: number, transport: "UDP" | "TCP" = "UDP"): number {
		const net = this.net;
		const uri = ascii(`sip:${user}@${address}:${port}${transport === "TCP" ? ";transport=tcp" : ""}`);
		const tx = net.layer.request(this, method, uri, 0, uri.length, transport === "TCP" ? TCP : UDP, address, port);
		if (tx < 0) throw new Error("transaction pool full");
		const self = `${net.address}:${net.port}`;
		const w = net.layer.writer(tx)!;
		w.ascii("Max-Forwards: 70\r\n");
		w.ascii(`From: <sip:door@${self}>;tag=${randomBytes(6).toString("hex")}\r\n`);
		w.ascii(`To: <sip:${user}@${address}:${port}>\r\n`);
		w.ascii(`Call-ID: ${randomBytes(8).toString("hex")}@${net.address}\r\n`);
		w.ascii(`CSeq: ${this.#cseq++} ${METHOD_NAMES[method]}\r\n`);
		w.ascii(`Contact: <sip:door@${self}${transport === "TCP" ? ";transport=tcp" : ""}>\r\n`);
		w.ascii("User-Agent: sip-intercom interop station\r\n");
		w.endHeaders();
		if (!net.layer.send(tx)) throw new Error("send failed");
		return tx;
	}

	// ---- what happened ----

	/** Messages sent (or received) whose start line begins with `startLine`. */
	sentMessages(startLine: string): Traced[] {
		return this.wire.filter((m) => m.sent && m.text.startsWith(startLine));
	}
	receivedMessages(startLine: string): Traced[] {
		return this.wire.filter((m) => !m.sent && m.text.startsWith(startLine));
	}

	/** Resolve when `predicate` holds (checked after every event), reject after `withinMs`. */
	waitFor(predicate: () => boolean, withinMs: number, what: string): Promise<void> {
		if (predicate()) return Promise.resolve();
		return new Promise((resolve, reject) => {
			const done = () => {
				clearTimeout(timer);
				clearInterval(poll);
				this.#waiters = this.#waiters.filter((w) => w !== check);
			};
			const timer = setTimeout(() => {
				done();
				reject(new Error(`station: no ${what} within ${withinMs} ms; heard ${JSON.stringify(this.heard)}\n${this.ladder()}`));
			}, withinMs);
			const check = () => {
				if (!predicate()) return;
				done();
				resolve();
			};
			// Events wake it at once; the poll covers state no event announces (a connection closing).
			const poll = setInterval(check, 50);
			this.#waiters.push(check);
		});
	}

	/** The wire as a ladder: one line per message, time relative to the first (for assertion messages; the last `max`). */
	ladder(max = 60): string {
		const t0 = this.wire.length > 0 ? this.wire[0].at : 0;
		const shown = this.wire.slice(-max);
		const lines = shown.map((m) => `${(m.at - t0).toFixed(1).padStart(8)} ms ${m.sent ? "->" : "<-"} ${m.transport} ${m.address}:${m.port}  ${m.text.split("\r\n")[0]}`);
		if (this.wire.length > shown.length) lines.unshift(`... ${this.wire.length - shown.length} earlier messages`);
		return lines.join("\n");
	}

	async close(): Promise<void> {
		for (const t of this.#timers) clearTimeout(t);
		this.#timers.clear();
		await this.#net?.close();
	}

	#hear(event: string): void {
		this.heard.push(event);
		this.#wake();
	}
	#wake(): void {
		for (const w of [...this.#waiters]) w();
	}
	#later(ms: number, f: () => void): void {
		const t = setTimeout(() => {
			this.#timers.delete(t);
			f();
		}, ms);
		this.#timers.add(t);
	}
}

/** The value of header `name` in a message's text (first occurrence), or "". */
export function headerOf(text: string, name: string): string {
	const m = new RegExp(`\\r\\n${name}:[ \\t]*([^\\r\\n]*)`, "i").exec(text);
	return m === null ? "" : m[1];
}

/** Gaps (ms) between consecutive times. */
export function gaps(times: readonly number[]): number[] {
	const out: number[] = [];
	for (let i = 1; i < times.length; i++) out.push(Math.round(times[i] - times[i - 1]));
	return out;
}
