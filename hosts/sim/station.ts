// The simulator's station: the host-free UA (src/ua) on Node's sockets and real timers, with a readable SIP log
// and a line-command interface (register, call, answer, hang up, dtmf). Each call slot's RTP and RTCP ports carry
// that call's media (./station-media.ts: a MediaSession per slot; a tone, a looped WAV file or silence; a recording).
// What the caller at the door hears while the station calls out: ringback (E.180 §2, 425 Hz) while an outgoing call
// rings without early media, and 3 s of busy tone when it is rejected with 486 Busy Here or 600 Busy Everywhere.
import { text } from "../../src/sip/bytes.js";
import { summarize } from "../../src/sip/summary.js";
import { SipParser } from "../../src/sip/parser.js";
import { DEFAULT_LIMITS } from "../../src/sip/limits.js";
import { TCP, UDP } from "../../src/transaction/transaction-table.js";
import { uaConfig, server, type UaConfig } from "../../src/ua/ua-config.js";
import { BUSY_425, RINGBACK_425 } from "../../src/media/tones.js";
import { END_NAMES, END_REJECTED, type UaEvents } from "../../src/ua/ua-events.js";
import { UserAgent } from "../../src/ua/user-agent.js";
import { createSimTransport, NodeDatagramSocket, type SimTransport } from "./node-host.js";
import { StationMedia, type StationAudioOptions } from "./station-media.js";

export type AnswerMode = "auto" | "manual" | "busy" | "decline";

export interface StationOptions {
	readonly address: string;
	readonly port: number;
	readonly ua: UaConfig;
	/** What to do with an incoming call. */
	readonly answer: AnswerMode;
	/** Ring this long before answering in "auto" mode (ms). */
	readonly answerDelay: number;
	/** Print whole SIP messages, not only one line each. */
	readonly trace: boolean;
	/** Where log lines go (one call per line, no newline). */
	readonly log: (line: string) => void;
	/** What calls send and where what they receive goes (default: silence, no recording, no meters). */
	readonly audio?: StationAudioOptions;
}

export const AUDIO_DEFAULTS: StationAudioOptions = Object.freeze({ source: { kind: "silence" as const }, recordTo: null, meters: false, echoSuppressor: false });

/** How long the busy tone plays after an outgoing call was rejected as busy (ms). */
export const BUSY_TONE_MS = 3000;

export const STATION_DEFAULTS = Object.freeze({ address: "127.0.0.1", port: 5070, answer: "auto" as AnswerMode, answerDelay: 1000, trace: false });

/** A running simulated station. */
export class SimStation implements UaEvents {
	readonly ua: UserAgent;
	readonly net: SimTransport;
	readonly #options: StationOptions;
	readonly #rtp: NodeDatagramSocket[];
	/** The calls' media, one session per call slot. */
	readonly media: StationMedia;
	readonly #timers = new Set<NodeJS.Timeout>();
	readonly #parser = new SipParser(DEFAULT_LIMITS);
	#waiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
	readonly #listeners: ((line: string) => void)[] = [];
	/** Call slots holding an incoming call (they get no call-progress tones). */
	readonly #incoming = new Set<number>();

	private constructor(options: StationOptions, net: SimTransport, rtp: NodeDatagramSocket[]) {
		this.#options = options;
		this.net = net;
		this.#rtp = rtp;
		this.media = new StationMedia(options.audio ?? AUDIO_DEFAULTS, rtp, net.clock, net.random, (line) => this.log(line),
			(call, digit, via) => this.log(`call ${call}: DTMF ${digit} (${via})`));
		this.ua = new UserAgent({
			config: options.ua, transactionConfig: net.config, transport: net.transport, wheel: net.wheel, random: net.random, events: this,
		});		// A call whose RTP stopped (the phone crashed or left the network) is hung up rather than left open.
		this.media.onRtpTimeout = (call) => this.ua.hangup(call);
	}

	static async start(options: StationOptions): Promise<SimStation> {
		let station: SimStation | null = null;
		const net = await createSimTransport({
			address: options.address, port: options.port,
			onTrace: (sent, bytes, start, end, transport, address, port) => {
				if (station !== null) station.#traced(sent, bytes, start, end, transport, address, port);
			},
		});
		// The media ports of every call slot, RTP and RTCP (RFC 3550 §11), held so no other program takes them.
		const rtp: NodeDatagramSocket[] = [];
		try {
			for (let i = 0; i < options.ua.maxCalls; i++) {
				rtp.push(await NodeDatagramSocket.bind(options.address, options.ua.rtpPort + 2 * i));
				rtp.push(await NodeDatagramSocket.bind(options.address, options.ua.rtpPort + 2 * i + 1));
			}
		} catch (err) {
			for (const s of rtp) s.close();
			await net.close();
			throw new Error(`cannot reserve the RTP ports ${options.ua.rtpPort}-${options.ua.rtpPort + 2 * options.ua.maxCalls - 1}: ${(err as Error).message} (choose others with --rtp-port)`);
		}
		try {
			station = new SimStation(options, net, rtp);
		} catch (err) {
			for (const s of rtp) s.close();
			await net.close();
			throw err;
		}
		const c = options.ua;
		station.log(`listening on ${net.address}:${net.port} (UDP and TCP) as sip:${c.user}@${c.domain}` +
			(c.registrar !== null ? `, registrar ${c.registrar.address}:${c.registrar.port}` : ", no registrar") +
			`; incoming calls: ${options.answer}`);
		if (c.registrar !== null) station.ua.register();
		return station;
	}

	/** Run one command line; returns false for `quit`. */
	command(line: string): boolean {
		const [verb, ...args] = line.trim().split(/\s+/);
		const n = args[0] === undefined ? this.#activeCall() : Number(args[0]);
		switch (verb) {
			case "":
				return true;
			case "register":
				this.ua.register();
				return true;
			case "unregister":
				this.ua.unregister();
				return true;
			case "call": {
				if (args[0] === undefined) {
					this.log("usage: call sip:user@host[:port]");
					return true;
				}
				const call = this.ua.call(args[0]);
				if (call >= 0) {
					this.#incoming.delete(call);
					this.media.stopTone(call);
				}
				this.log(call < 0 ? `cannot call ${args[0]}: no free call slot, or no numeric host and no --proxy` : `call ${call}: calling ${args[0]}`);
				return true;
			}
			case "answer":
				if (!this.ua.answer(n)) this.log(`answer: no ringing call ${Number.isNaN(n) ? "" : n}`.trim());
				return true;
			case "reject":
				this.ua.reject(n, 486);
				return true;
			case "hangup":
				this.ua.hangup(n);
				return true;
			case "dtmf": {
				const digits = args[0] ?? "";
				const call = args[1] === undefined ? this.#activeCall() : Number(args[1]);
				if (!/^[0-9*#A-Da-d]+$/.test(digits)) this.log("usage: dtmf DIGITS [n]  (0-9 * # A-D)");
				else if (!this.media.sendDigits(call, digits)) this.log(`dtmf: call ${call} has no media with telephone-event`);
				return true;
			}
			case "status":
				this.log(`registration: ${this.ua.registration.expires > 0 ? `registered (${this.ua.registration.expires} s)` : "not registered"}; ` +
					`calls: ${this.ua.calls.map((c) => `${c.index}:${["idle", "calling", "ringing", "active", "ending"][c.state]}`).join(" ")}; ` +
					`transactions: ${this.ua.layer.active}`);
				return true;
			case "quit":
			case "exit":
				return false;
			case "help":
				this.log("commands: register | unregister | call URI | answer [n] | reject [n] | hangup [n] | dtmf DIGITS [n] | status | quit");
				return true;
			default:
				this.log(`unknown command "${verb}" (try: help)`);
				return true;
		}
	}

	/** Hang up, un-register (waiting up to `graceMs` for the registrar), close the sockets. */
	async stop(graceMs = 3000): Promise<void> {
		const registered = this.ua.registration.expires > 0;
		this.ua.shutdown();
		if (registered) await this.waitFor((l) => l.startsWith("unregistered") || l.startsWith("registration failed"), graceMs).catch(() => {});
		// Let BYE transactions finish briefly so the peer hears them.
		if (!this.ua.idle) await new Promise((r) => setTimeout(r, Math.min(graceMs, 500)));
		for (const t of this.#timers) clearTimeout(t);
		this.media.close();
		for (const s of this.#rtp) s.close();
		await this.net.close();
	}

	/** Resolves with the first log line (from now on) that passes `test`; rejects after `timeoutMs`. */
	waitFor(test: (line: string) => boolean, timeoutMs: number): Promise<string> {
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.#waiters = this.#waiters.filter((w) => w.resolve !== done);
				reject(new Error(`station: nothing matching within ${timeoutMs} ms`));
			}, timeoutMs);
			const done = (line: string) => {
				clearTimeout(timer);
				resolve(line);
			};
			this.#waiters.push({ test, resolve: done });
		});
	}

	/** Call `listener` with every log line from now on (no timer: it keeps nothing alive). */
	onLine(listener: (line: string) => void): void {
		this.#listeners.push(listener);
	}

	log(line: string): void {
		this.#options.log(line);
		for (const l of this.#listeners) l(line);
		const waiters = this.#waiters;
		for (const w of waiters.slice()) {
			if (w.test(line)) {
				this.#waiters = this.#waiters.filter((x) => x !== w);
				w.resolve(line);
			}
		}
	}

	// ---- UaEvents ----

	registered(expires: number): void {
		this.log(`registered (expires ${expires} s)`);
	}
	unregistered(): void {
		this.log("unregistered");
	}
	registrationFailed(status: number, reason: string): void {
		this.log(`registration failed: ${status} ${reason}`);
	}
	incomingCall(call: number, from: string, to: string): void {
		this.#incoming.add(call);
		this.media.stopTone(call); // a busy tone left from the slot's last call
		this.log(`call ${call}: incoming from ${from} to ${to}`);
		const mode = this.#options.answer;
		if (mode === "busy") this.ua.reject(call, 486);
		else if (mode === "decline") this.ua.reject(call, 603);
		else if (mode === "auto") this.#after(this.#options.answerDelay, () => this.ua.answer(call));
	}
	progress(call: number, status: number, early: boolean): void {
		this.log(`call ${call}: ${status === 180 ? "ringing" : `progress ${status}`}${early ? " (early media)" : ""}`);
		if (early) {
			// Early media: the far end's audio replaces the ringback.
			this.media.stopTone(call);
			const m = this.ua.media(call);
			if (m !== null) this.media.start(call, m);
		} else if (status === 180 && !this.#incoming.has(call) && this.media.session(call)?.active !== true) this.media.playTone(call, RINGBACK_425, "ringback");
	}
	answered(call: number): void {
		const m = this.ua.media(call);
		this.log(`call ${call}: answered` + (m === null ? "" : `; media ${m.codec === 0 ? "PCMU" : "PCMA"}/8000 pt ${m.payloadType} to ${m.remoteAddress}:${m.remotePort}` +
			`, telephone-event pt ${m.telephoneEventPt}, direction ${["inactive", "sendonly", "recvonly", "sendrecv"][m.direction]}`));
		if (m !== null) this.media.start(call, m);
	}
	mediaChanged(call: number): void {
		const m = this.ua.media(call);
		this.log(`call ${call}: media changed` + (m === null ? "" : `: ${m.remoteAddress}:${m.remotePort} ${["inactive", "sendonly", "recvonly", "sendrecv"][m.direction]}${m.held ? " (held)" : ""}`));
		if (m !== null) this.media.update(call, m);
	}
	digit(call: number, digit: string): void {
		// One digit stream whatever carried it: SIP INFO here, RFC 4733 from the call's MediaSession (issue 5 §4).
		this.media.digit(call, digit, "SIP INFO");
	}
	ended(call: number, why: number, status: number): void {
		const incoming = this.#incoming.delete(call);
		this.media.stop(call);
		// Like "media stopped", the tone's line comes before the "ended" line: that stays the call's last.
		if (!incoming && why === END_REJECTED && (status === 486 || status === 600)) this.media.playTone(call, BUSY_425, "busy", BUSY_TONE_MS);
		this.log(`call ${call}: ended: ${END_NAMES[why]}${status > 0 ? ` (${status})` : ""}`);
	}

	// ---- internals ----

	#activeCall(): number {
		for (const c of this.ua.calls) if (c.busy) return c.index;
		return 0;
	}

	#after(ms: number, run: () => void): void {
		const t = setTimeout(() => {
			this.#timers.delete(t);
			run();
		}, ms);
		this.#timers.add(t);
	}

	/** One line per SIP message (→ sent, ← received), or the whole message with --trace. */
	#traced(sent: boolean, bytes: Uint8Array, start: number, end: number, transport: number, address: string, port: number): void {
		const arrow = sent ? "→" : "←", where = `${transport === TCP ? "TCP" : "UDP"} ${address}:${port}`;
		if (this.#options.trace) {
			this.log(`${arrow} ${where}\n${text(bytes, start, end).trimEnd()}\n`);
			return;
		}
		if (end - start <= 4) return; // CRLF keep-alives
		const p = this.#parser;
		const copy = bytes.slice(start, end);
		if (p.parse(copy, 0, copy.length) !== 0) {
			this.log(`${arrow} ${where} (unparsable, ${end - start} bytes)`);
			return;
		}
		const s = summarize(p.view);
		const first = s.kind === "request" ? `${s.method} ${s.requestUri}` : `${s.status} ${s.reason}`;
		this.log(`${arrow} ${where}  ${first}  (CSeq ${s.cseq === null ? "?" : `${s.cseq.number} ${s.cseq.method}`})`);
	}
}

/** Parse `host[:port][;transport=tcp]` (an IP literal: the station resolves no names). */
export function parseServer(value: string, option: string): ReturnType<typeof server> {
	const m = /^(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\])(?::(\d{1,5}))?(;transport=(udp|tcp))?$/i.exec(value);
	if (m === null) throw new Error(`${option}: expected an IP address with an optional :port and ;transport=tcp (e.g. 127.0.0.1:5060), got "${value}"`);
	const port = m[2] === undefined ? 5060 : Number(m[2]);
	if (port < 1 || port > 65535) throw new Error(`${option}: port must be 1-65535, got ${m[2]}`);
	return server(m[1].replace(/^\[|\]$/g, ""), port, m[4]?.toLowerCase() === "tcp" ? TCP : UDP);
}

export { uaConfig };
