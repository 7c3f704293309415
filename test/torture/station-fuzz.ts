// The fuzz mutants against the running simulated station (hosts/sim/station.ts) on 127.0.0.1: each as a UDP
// datagram and as a TCP stream on its own connection. What the station answers must be what the parser says of the
// same bytes (RFC 3261 §8.2: 400/505/513 with the verdict's reason; §18.1.2: a bad response dropped; §18.3: a stream
// that cannot be framed closed), it never throws, and it answers a well-formed OPTIONS between the mutants.
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { connect } from "node:net";
import { performance } from "node:perf_hooks";
import { SimStation } from "../../hosts/sim/station.js";
import { parseStationConfig } from "../../src/intercom/config.js";
import { DEFAULT_LIMITS } from "../../src/sip/limits.js";
import { MessageView } from "../../src/sip/message-view.js";
import { SipParser } from "../../src/sip/parser.js";
import { FRAME_ERROR, FRAME_MESSAGE, FRAME_NEED_MORE, StreamFramer } from "../../src/sip/stream-framer.js";
import { Validator } from "../../src/sip/validate.js";
import { Writer } from "../../src/sip/writer.js";
import { UDP } from "../../src/transaction/transaction-table.js";
import { freePort, freeRtpPorts, sleep } from "../interop/peers.js";
import { Mutator } from "./mutator.js";
import { OptionsProbe } from "./options-probe.js";
import { answerable, isOnlyLineEnds } from "./parser-fuzz.js";
import { fuzzSeeds } from "./seeds.js";

export interface StationFuzzOptions {
	readonly datagrams: number;
	readonly streams: number;
	/** The first mutant (the same numbering as the parser fuzz). */
	readonly from?: number;
	readonly seed?: number;
	/** A well-formed OPTIONS after every this many mutants (default 250). */
	readonly probeEvery?: number;
	/** After the run, wait up to this long for the station to be idle (0: do not wait). */
	readonly idleWithinMs?: number;
}

export interface StationFuzzResult {
	readonly datagrams: number;
	readonly streams: number;
	readonly ms: number;
	/** Datagram mutants by what the parser said: 0 (accepted) or the verdict's status. */
	readonly verdicts: Readonly<Record<string, number>>;
	/** Bad requests the station answered with exactly the verdict's status line (UDP, TCP). */
	readonly answeredAsValidator: { udp: number; tcp: number };
	/** Every answer the station sent at once to a datagram mutant, by status (the verdicts and the UA's own). */
	readonly answers: Readonly<Record<string, number>>;
	/** Streams the station closed (the parser says: cannot be framed) and streams it kept. */
	readonly streamsClosed: number;
	readonly probes: { sent: number; answered: number; statuses: Readonly<Record<string, number>>; slowestMs: number };
	/** Mismatches, exceptions, datagrams that never reached the station (first ones as text). */
	readonly failures: readonly string[];
	readonly failureCount: number;
	/** Time from the end of the run until the station was idle (no call, transaction or timer of a call), or null. */
	readonly idleAfterMs: number | null;
}

/** One message the station handed to its transport while the observation was on. */
interface Sent {
	readonly transport: number;
	readonly address: string;
	readonly port: number;
	readonly text: string;
}

/** Run the mutants against a station started here (its own ports) and stopped at the end. */
export async function fuzzStation(options: StationFuzzOptions): Promise<StationFuzzResult> {
	const port = await freePort();
	const doc = {
		sip: { port, rtpPort: await freeRtpPorts(6) },
		incoming: { allow: ["*"], answerDelayMs: 200 },
		audio: { rtpTimeoutSeconds: 5 },
	};
	const parsed = parseStationConfig(doc);
	if (!parsed.ok) throw new Error(parsed.errors.join("; "));
	const station = await SimStation.start({ address: "127.0.0.1", config: parsed.config, trace: false, log: () => {} });
	const fuzz = new LiveFuzz(station, options);
	try {
		return await fuzz.run();
	} finally {
		await fuzz.close();
		await station.stop(200);
	}
}

class LiveFuzz {
	readonly #station: SimStation;
	readonly #options: StationFuzzOptions;
	readonly #mutator: Mutator;
	readonly #parser = new SipParser(DEFAULT_LIMITS);
	readonly #writer = new Writer(DEFAULT_LIMITS.maxMessageBytes);
	readonly #framer = new StreamFramer(DEFAULT_LIMITS);
	readonly #view = new MessageView(DEFAULT_LIMITS);
	readonly #validator = new Validator();
	#socket: UdpSocket | null = null;
	#probe: OptionsProbe | null = null;
	#localPort = 0;
	/** What the station sent while it handled the datagram in hand (set by the observation hooks). */
	#sent: Sent[] = [];
	/** Requests and responses the transport handed to the transaction layer while the observation was on. */
	#delivered = 0;
	#observing = false;
	/** Count deliveries of everything (a TCP connection's whole life), not only inside a datagram's bracket. */
	#counting = false;
	#handled: (() => void) | null = null;
	readonly failures: string[] = [];
	failureCount = 0;
	readonly verdicts: Record<string, number> = {};
	readonly answers: Record<string, number> = {};
	readonly answered = { udp: 0, tcp: 0 };
	streamsClosed = 0;
	readonly probes = { sent: 0, answered: 0, statuses: {} as Record<string, number>, slowestMs: 0 };

	constructor(station: SimStation, options: StationFuzzOptions) {
		this.#station = station;
		this.#options = options;
		this.#mutator = new Mutator(fuzzSeeds(), options.seed ?? 0x5eed);
		this.#observe();
	}

	async run(): Promise<StationFuzzResult> {
		const started = performance.now();
		this.#socket = await new Promise<UdpSocket>((resolve, reject) => {
			const u = createSocket("udp4");
			u.once("error", reject);
			u.bind({ address: "127.0.0.1", port: 0 }, () => resolve(u)); // what the station answers here is seen in its transport
		});
		this.#localPort = this.#socket.address().port;
		this.#probe = await OptionsProbe.open(this.#station.net.port);
		const from = this.#options.from ?? 0, every = this.#options.probeEvery ?? 250;
		await this.#probeOptions();
		for (let k = 0; k < this.#options.datagrams; k++) {
			await this.#datagram(from + k);
			if ((k + 1) % every === 0) await this.#probeOptions();
		}
		for (let k = 0; k < this.#options.streams; k++) {
			await this.#stream(from + k);
			if ((k + 1) % every === 0) await this.#probeOptions();
		}
		await this.#probeOptions();
		const ms = performance.now() - started;
		let idleAfterMs: number | null = null;
		if ((this.#options.idleWithinMs ?? 0) > 0) {
			const t = performance.now();
			while (!this.#station.station.idle && performance.now() - t < this.#options.idleWithinMs!) await sleep(100);
			idleAfterMs = this.#station.station.idle ? Math.round(performance.now() - t) : null;
		}
		return {
			datagrams: this.#options.datagrams, streams: this.#options.streams, ms, verdicts: this.verdicts,
			answeredAsValidator: this.answered, answers: this.answers, streamsClosed: this.streamsClosed, probes: this.probes,
			failures: this.failures, failureCount: this.failureCount, idleAfterMs,
		};
	}

	async close(): Promise<void> {
		const socket = this.#socket;
		await Promise.all([socket === null ? null : new Promise<void>((r) => socket.close(() => r())), this.#probe?.close()]);
	}

	/**
	 * Observation hooks on the station's transport (its own methods, called through): a datagram's handling is
	 * bracketed, and every message handed to the sockets during it is kept. Nothing the station does is changed.
	 */
	#observe(): void {
		const transport = this.#station.net.transport as unknown as Record<string, unknown>;
		const onDatagram = transport.onDatagram, send = transport.send;
		if (typeof onDatagram !== "function" || typeof send !== "function") throw new Error("the station's transport has no onDatagram/send to observe");
		const self = this;
		transport.onDatagram = function (bytes: Uint8Array, start: number, end: number, address: string, port: number): void {
			const mine = port === self.#localPort && self.#handled !== null;
			if (mine) {
				self.#sent = [];
				self.#delivered = 0;
				self.#observing = true;
			}
			try {
				(onDatagram as (...a: unknown[]) => void).call(this, bytes, start, end, address, port);
			} finally {
				if (mine) {
					self.#observing = false;
					const done = self.#handled;
					self.#handled = null;
					done?.();
				}
			}
		};
		const layer = this.#station.station.ua.layer as unknown as Record<string, unknown>;
		for (const name of ["onRequest", "onResponse"]) {
			const f = layer[name];
			if (typeof f !== "function") throw new Error(`the transaction layer has no ${name} to observe`);
			layer[name] = function (...args: unknown[]): unknown {
				if (self.#observing || self.#counting) self.#delivered++;
				return (f as (...a: unknown[]) => unknown).apply(this, args);
			};
		}
		transport.send = function (kind: number, address: string, port: number, connection: number, buf: Uint8Array, start: number, end: number): number {
			if (self.#observing) self.#sent.push({ transport: kind, address, port, text: Buffer.from(buf.subarray(start, end)).toString("latin1") });
			return (send as (...a: unknown[]) => number).call(this, kind, address, port, connection, buf, start, end);
		};
	}

	// ---- datagrams ----

	async #datagram(i: number): Promise<void> {
		const n = this.#mutator.mutant(i);
		const bytes = this.#mutator.out.slice(0, n);
		const status = this.#parser.parse(bytes, 0, n);
		const view = this.#parser.view;
		const key = String(status);
		this.verdicts[key] = (this.verdicts[key] ?? 0) + 1;
		const expectedLine = status === 0 ? "" : statusLine(this.#writer.reset().statusLineFor(this.#parser.verdict, bytes));
		const isRequest = view.isRequest, keepalive = isOnlyLineEnds(bytes, n);
		// §8.2.6.2: an answer copies the request's Via stack, From, To, Call-ID, CSeq. Without them there is none; with
		// them there is one, unless that copy would not fit a message (then silence is allowed too).
		const canAnswer = answerable(view, 0, Infinity), mustAnswer = answerable(view, expectedLine.length + 2);
		const handled = new Promise<boolean>((resolve) => {
			const timer = setTimeout(() => {
				this.#handled = null;
				resolve(false);
			}, 2000);
			this.#handled = () => {
				clearTimeout(timer);
				resolve(true);
			};
		});
		this.#socket!.send(bytes, this.#station.net.port, "127.0.0.1");
		if (!(await handled)) return this.#fail(i, "the datagram never reached the station's transport (2 s)");
		const sent = this.#sent;
		for (const m of sent) {
			if (!m.text.startsWith("SIP/2.0 ")) continue;
			const code = m.text.slice(8, 11);
			this.answers[code] = (this.answers[code] ?? 0) + 1;
		}
		if (keepalive) {
			if (this.#delivered !== 0 || sent.length !== 0) return this.#fail(i, "a CRLF keep-alive was acted on");
			return;
		}
		if (status === 0) {
			// Accepted by the parser: the transport hands it to the transaction layer, which answers as it sees fit.
			if (isRequest && this.#delivered !== 1) return this.#fail(i, "a request the parser accepts did not reach the transaction layer");
			return;
		}
		if (this.#delivered !== 0) return this.#fail(i, "a message the parser refuses reached the transaction layer");
		const answers = sent.filter((s) => s.text.startsWith("SIP/2.0 "));
		if (!isRequest || !canAnswer) {
			if (answers.length !== 0) return this.#fail(i, `a bad ${isRequest ? "request that cannot be answered" : "response"} was answered: ${answers[0].text.split("\r\n")[0]}`);
			return;
		}
		if (answers.length === 0 && !mustAnswer) return;
		if (answers.length !== 1) return this.#fail(i, `a bad request got ${answers.length} answers (the parser: ${expectedLine})`);
		const a = answers[0];
		if (a.transport !== UDP || a.address !== "127.0.0.1") return this.#fail(i, `the answer went to ${a.address} (not the source address, §18.2.2)`);
		if (!a.text.startsWith(expectedLine + "\r\n")) {
			return this.#fail(i, `the station answered "${a.text.split("\r\n")[0]}", the parser says "${expectedLine}"`);
		}
		this.answered.udp++;
	}

	// ---- streams ----

	async #stream(i: number): Promise<void> {
		const n = this.#mutator.mutant(i);
		const bytes = Buffer.from(this.#mutator.out.subarray(0, n));
		const model = this.#modelStream(bytes);
		// At a message boundary a well-formed OPTIONS follows: its answer says the station has read everything before it.
		const sentinel = !model.error && model.pending === 0;
		const branch = `z9hG4bKsentinel${i}`;
		this.#delivered = 0;
		this.#counting = true;
		const wire = sentinel ? Buffer.concat([bytes, Buffer.from(optionsOver("TCP", branch, 1, 0), "latin1")]) : bytes;
		const got = await talkTcp(this.#station.net.port, wire, {
			// Done: the sentinel is answered; without one, the station closes (a framing error) or, while it waits for
			// the rest of a body, nothing more comes for a moment.
			done: sentinel ? (text) => answersIn(text).some((a) => a.text.includes(branch)) : () => false,
			quietMs: sentinel || model.error ? 0 : 300,
			withinMs: 3000,
		});
		const requests = this.#delivered;
		this.#counting = false;
		const answers = answersIn(got.text).filter((a) => !a.text.includes(branch));
		if (got.closedByStation !== model.error) {
			return this.#fail(i, got.closedByStation ? "the station closed a stream the parser frames without error" : "the station kept a stream the parser cannot frame");
		}
		if (model.error) this.streamsClosed++;
		if (requests !== model.requests + (sentinel ? 1 : 0)) {
			return this.#fail(i, `${requests} requests of the stream reached the transaction layer, the parser accepts ${model.requests}${sentinel ? " and the OPTIONS after them" : ""}`);
		}
		// The answers to the bad requests (those that can be answered) are the parser's verdicts, in order.
		const have = answers.map((a) => a.line).filter((l) => model.lines.includes(l));
		if (have.length < model.answerable || !inOrderWithin(have, model.lines)) {
			return this.#fail(i, `stream answers ${JSON.stringify(answers.map((a) => a.line))}, the parser says ${JSON.stringify(model.lines)}`);
		}
		this.answered.tcp += have.length;
	}

	/** What the station's connection must do with these bytes, from a framer of our own. */
	#modelStream(bytes: Uint8Array): { error: boolean; pending: number; lines: string[]; answerable: number; requests: number } {
		const framer = this.#framer, view = this.#view;
		framer.reset();
		const lines: string[] = [];
		let at = 0, answerableCount = 0, turns = 0, requests = 0;
		while (at < bytes.length) {
			at += framer.push(bytes, at, bytes.length);
			for (;;) {
				if (++turns > 2 * bytes.length + 16) throw new Error("the framer makes no progress");
				const r = framer.next(view);
				if (r === FRAME_NEED_MORE) break;
				if (r === FRAME_ERROR) return { error: true, pending: framer.pending, lines, answerable: answerableCount, requests };
				if (r !== FRAME_MESSAGE) continue;
				const status = this.#validator.check(view, framer.scanner.verdict);
				if (status === 0 && view.isRequest) requests++;
				// A bad request with the headers an answer copies is answered, unless the copy would not fit (then maybe not).
				if (status !== 0 && view.isRequest && answerable(view, 0, Infinity)) {
					const line = statusLine(this.#writer.reset().statusLineFor(framer.scanner.verdict, view.buf));
					lines.push(line);
					if (answerable(view, line.length + 2)) answerableCount++;
				}
			}
		}
		return { error: false, pending: framer.pending, lines, answerable: answerableCount, requests };
	}

	// ---- the station still answers ----

	async #probeOptions(): Promise<void> {
		this.probes.sent++;
		const { status, ms } = await this.#probe!.ask(2000);
		if (status === 0) return this.#fail(-1, `the station did not answer a well-formed OPTIONS (probe ${this.probes.sent})`);
		this.probes.answered++;
		this.probes.statuses[status] = (this.probes.statuses[status] ?? 0) + 1;
		this.probes.slowestMs = Math.max(this.probes.slowestMs, Math.round(ms));
	}

	#fail(i: number, what: string): void {
		this.failureCount++;
		if (this.failures.length < 20) this.failures.push(i < 0 ? what : `mutant ${i}: ${what}`);
	}
}

/** Is `part` `whole` with some of its items left out (the same order)? */
function inOrderWithin(part: readonly string[], whole: readonly string[]): boolean {
	let k = 0;
	for (const item of part) {
		while (k < whole.length && whole[k] !== item) k++;
		if (k === whole.length) return false;
		k++;
	}
	return true;
}

/** The status line a writer holds, without its CRLF. */
function statusLine(w: Writer): string {
	return Buffer.from(w.buf.subarray(0, w.pos - 2)).toString("latin1");
}

/** A well-formed OPTIONS to the station over a stream (the sentinel after a mutant: its answer says all before it was read). */
function optionsOver(transport: "UDP" | "TCP", branch: string, cseq: number, port: number): string {
	return `OPTIONS sip:door@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/${transport} 127.0.0.1:${port === 0 ? 9 : port};branch=${branch};rport\r\n` +
		`Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=p${cseq}\r\nTo: <sip:door@127.0.0.1>\r\nCall-ID: ${branch}@127.0.0.1\r\n` +
		`CSeq: ${cseq} OPTIONS\r\nContent-Length: 0\r\n\r\n`;
}

interface Answer {
	readonly line: string;
	readonly text: string;
}

/** The responses in what a connection received, framed by their Content-Length (our answers always carry one). */
function answersIn(text: string): Answer[] {
	const out: Answer[] = [];
	let at = 0;
	for (;;) {
		while (text.startsWith("\r\n", at)) at += 2; // keep-alive pongs
		const end = text.indexOf("\r\n\r\n", at);
		if (end < 0) return out;
		const head = text.slice(at, end + 2);
		const length = Number(/\r\nContent-Length: (\d+)\r\n/i.exec(head)?.[1] ?? "0");
		if (text.length < end + 4 + length) return out;
		const message = text.slice(at, end + 4 + length);
		out.push({ line: message.slice(0, message.indexOf("\r\n")), text: message });
		at = end + 4 + length;
	}
}

/**
 * Connect, write `bytes`, read until `done` says so, the station closes, nothing has come for `quietMs` (when set)
 * or `withinMs` is up; then close our side.
 */
function talkTcp(port: number, bytes: Buffer, o: { done: (text: string) => boolean; quietMs: number; withinMs: number }): Promise<{ text: string; closedByStation: boolean }> {
	return new Promise((resolve) => {
		let text = "", finished = false, closedByStation = false;
		let quiet: NodeJS.Timeout | null = null;
		const rearmQuiet = () => {
			if (o.quietMs <= 0) return;
			if (quiet !== null) clearTimeout(quiet);
			quiet = setTimeout(finish, o.quietMs);
		};
		const socket = connect({ host: "127.0.0.1", port, localAddress: "127.0.0.1" }, () => {
			socket.write(bytes);
			rearmQuiet();
		});
		socket.setNoDelay(true);
		function finish(): void {
			if (finished) return;
			finished = true;
			clearTimeout(timer);
			if (quiet !== null) clearTimeout(quiet);
			socket.destroy();
			resolve({ text, closedByStation });
		}
		const timer = setTimeout(finish, o.withinMs);
		socket.on("data", (d: Buffer) => {
			text += d.toString("latin1");
			rearmQuiet();
			if (o.done(text)) setTimeout(finish, 20); // a moment for a close that would follow the last answer
		});
		const closed = () => {
			if (!finished) closedByStation = true;
			finish();
		};
		socket.on("end", closed);
		socket.on("error", closed);
		socket.on("close", closed);
	});
}

