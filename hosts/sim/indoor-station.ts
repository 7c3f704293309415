// The built-in indoor station of the simulator: the flat's phone, a second user agent in the same process (the same
// core, src/ua, on its own port) with a MediaSession for its audio. It rings when the door calls, answers, hangs up,
// keys the door code (RFC 4733 events or SIP INFO) and calls the door (monitoring). A simulated device, like the
// stand-in pins: what the door station does with its calls is the door station's business.
import { randomInt } from "node:crypto";
import type { JsonObject } from "../../src/intercom/config-reader.js";
import { isObject } from "../../src/intercom/config-reader.js";
import { allowedCaller } from "../../src/intercom/caller-filter.js";
import type { StationConfig } from "../../src/intercom/config.js";
import { DIGIT_SOURCE_SIP_INFO, type DigitSink } from "../../src/media/dtmf-4733.js";
import { MediaSession } from "../../src/media/media-session.js";
import { CALL_ACTIVE } from "../../src/ua/call.js";
import { stationSizes } from "../../src/ua/sizing.js";
import { uaConfig } from "../../src/ua/ua-config.js";
import { END_NAMES, type UaEvents } from "../../src/ua/ua-events.js";
import { UserAgent } from "../../src/ua/user-agent.js";
import { AUDIO_DEFAULTS, SimAudioDevice } from "./audio-device.js";
import { createSimTransport, NodeDatagramSocket, type SimTransport } from "./node-host.js";
import type { DtmfMode, IndoorState, IndoorStatus } from "./panel/protocol.js";
import type { SipTraceListener } from "./station.js";

/** The indoor station's defaults: next to the door station's 5070 and the RTP ports of the interop peers. */
export const INDOOR_DEFAULTS = Object.freeze({ user: "flat", port: 5090, rtpPort: 16900 });
const INDOOR_CALLS = 2;

export type IndoorEvent =
	| { readonly type: "status"; readonly status: IndoorStatus; readonly line: string }
	| { readonly type: "levels"; readonly inDb: number; readonly outDb: number }
	| { readonly type: "log"; readonly line: string };

export interface IndoorOptions {
	readonly address: string;
	readonly port: number;
	readonly rtpPort: number;
	/** The door station it calls for monitoring (sip:door@127.0.0.1:5070). */
	readonly doorUri: string;
	/** The code "open door" keys ("" when the door station has none). */
	readonly doorCode: string;
	readonly user?: string;
}

/**
 * The document with the indoor station wired in, when the door station has no PBX: its call list rings the indoor
 * station (unless the document has one), its allow-list admits it, and when it has no door code one is made up
 * that only the indoor station knows. With a PBX (`sip.registrar`) the document is left as it is.
 */
export function withIndoorStation(doc: JsonObject, indoorUri: string): JsonObject {
	const sip = isObject(doc.sip) ? doc.sip : {};
	if (sip.registrar !== undefined && sip.registrar !== null) return doc;
	const out: Record<string, unknown> = { ...doc };
	const list = isObject(doc.callList) ? doc.callList : {};
	if (!Array.isArray(list.targets) || list.targets.length === 0) {
		out.callList = { ...list, targets: [{ uri: indoorUri, name: "indoor station", ringSeconds: 30 }] };
	}
	const incoming = isObject(doc.incoming) ? doc.incoming : {};
	const allow = Array.isArray(incoming.allow) ? incoming.allow : [];
	const entries = allow.map((a) => (typeof a === "string" ? { caller: a, openDoor: true } : isObject(a) ? { caller: String(a.caller), openDoor: a.openDoor !== false } : null));
	if (allowedCaller(entries.filter((e) => e !== null), indoorUri) === null) {
		out.incoming = { ...incoming, allow: [...allow, { caller: userAtHostOf(indoorUri), openDoor: true }] };
	}
	const codes = isObject(doc.doorCodes) ? doc.doorCodes : {};
	if (!Array.isArray(codes.codes) || codes.codes.length === 0) {
		// Six random digits ended by # (src/intercom/door-code.ts: a terminated code): nobody else can guess it.
		let code = "";
		for (let i = 0; i < 6; i++) code += String(randomInt(10));
		out.doorCodes = { ...codes, codes: [{ code: `${code}#`, relay: 0 }] };
	}
	return out;
}

/** The code the indoor station keys: the first one for relay 0 (else the first), or "". */
export function indoorDoorCode(config: StationConfig): string {
	const codes = config.doorCodes.codes;
	return (codes.find((c) => c.relay === 0) ?? codes[0])?.code ?? "";
}

function userAtHostOf(uri: string): string {
	return uri.replace(/^sips?:/i, "").replace(/[;?].*$/, "").replace(/:\d+$/, "");
}

export class IndoorStation implements UaEvents, DigitSink {
	readonly ua: UserAgent;
	readonly net: SimTransport;
	readonly audio: SimAudioDevice;
	readonly session: MediaSession;
	readonly uri: string;
	readonly #options: IndoorOptions;
	readonly #sockets: NodeDatagramSocket[];
	readonly #listeners: ((e: IndoorEvent) => void)[] = [];
	readonly #traceListeners: SipTraceListener[] = [];
	#call = -1;
	#state: IndoorState = "idle";
	#peer = "";
	#frames = 0;

	private constructor(options: IndoorOptions, net: SimTransport, sockets: NodeDatagramSocket[]) {
		this.#options = options;
		this.net = net;
		this.#sockets = sockets;
		const user = options.user ?? INDOOR_DEFAULTS.user;
		this.uri = `sip:${user}@${options.address.includes(":") ? `[${options.address}]` : options.address}:${net.port}`;
		this.ua = new UserAgent({
			config: uaConfig({ user, domain: options.address, displayName: "Indoor station", maxCalls: INDOOR_CALLS, rtpPort: options.rtpPort, userAgent: "sip-intercom indoor station" }),
			transactionConfig: net.config, transport: net.transport, wheel: net.wheel, random: net.random, events: this,
		});
		this.session = new MediaSession({
			clock: net.clock, random: net.random, rtp: sockets[0], rtcp: sockets[1], digits: this, echo: { enabled: false },
			cname: new TextEncoder().encode(`${user}@intercom`), local: { address: sockets[0].address, port: sockets[0].port },
		});
		const session = this.session;
		sockets[0].setUser({ onDatagram: (b, s, e, a, p) => void session.onRtp(b, s, e, a, p) });
		sockets[1].setUser({ onDatagram: (b, s, e, a, p) => void session.onRtcp(b, s, e, a, p) });
		this.audio = new SimAudioDevice(AUDIO_DEFAULTS, net.clock, net.wheel, (l) => this.#log(l));
		this.audio.connect({ frame: (mic, speaker) => this.#frame(mic, speaker) });
	}

	static async start(options: IndoorOptions): Promise<IndoorStation> {
		let indoor: IndoorStation | null = null;
		const net = await createSimTransport({
			// Two call slots (one talks, one refuses a second caller); the wheel also holds its audio clock's timer.
			address: options.address, port: options.port, sizes: stationSizes({ maxCalls: INDOOR_CALLS }, { applicationTimers: 1 }),
			onTrace: (sent, bytes, start, end, transport, address, port) => {
				if (indoor !== null) for (const l of indoor.#traceListeners) l(sent, bytes, start, end, transport, address, port);
			},
		}).catch((err: Error) => {
			throw new Error(`the indoor station cannot listen on ${options.address}:${options.port}: ${err.message} (choose another with --indoor-port)`);
		});
		const sockets: NodeDatagramSocket[] = [];
		try {
			for (let i = 0; i < 2; i++) sockets.push(await NodeDatagramSocket.bind(options.address, options.rtpPort + i));
		} catch (err) {
			for (const s of sockets) s.close();
			await net.close();
			throw new Error(`the indoor station cannot reserve the RTP ports ${options.rtpPort}-${options.rtpPort + 1}: ${(err as Error).message}`);
		}
		indoor = new IndoorStation(options, net, sockets);
		return indoor;
	}

	// ---- commands (the web panel and the `indoor ...` lines of the command line) ----

	/** Run one command: answer | hangup | open [rfc4733|info] | call | status. */
	command(line: string): void {
		const [verb, arg] = line.trim().split(/\s+/);
		switch (verb) {
			case "answer":
				this.answer();
				break;
			case "hangup":
				this.hangup();
				break;
			case "open":
				this.openDoor(arg === "info" ? "info" : "rfc4733");
				break;
			case "call":
				this.callDoor();
				break;
			case "status":
				this.#log(`indoor station: ${this.#state}${this.#peer !== "" ? ` (${this.#peer})` : ""}`);
				break;
			default:
				this.#log(`indoor station: unknown command "${line.trim()}" (answer | hangup | open [rfc4733|info] | call | status)`);
		}
	}

	answer(): boolean {
		if (this.#state !== "ringing") return this.#refuse("answer", "nothing rings");
		return this.ua.answer(this.#call);
	}

	/** Hang up the call, or refuse it while it rings (486). */
	hangup(): boolean {
		if (this.#call < 0) return this.#refuse("hangup", "no call");
		if (this.#state === "ringing") this.ua.reject(this.#call, 486);
		else this.ua.hangup(this.#call);
		return true;
	}

	/** Key the door code in the call: RFC 4733 events in the media, or one SIP INFO per key. */
	openDoor(mode: DtmfMode): boolean {
		const code = this.#options.doorCode;
		if (this.#state !== "in-call") return this.#refuse("open", "not in a call with the door");
		if (code === "") return this.#refuse("open", "the door station has no door code configured");
		for (let i = 0; i < code.length; i++) {
			const key = code.charCodeAt(i);
			const ok = mode === "info" ? this.ua.sendInfoDigit(this.#call, key) : this.session.sendDigit(key);
			if (!ok) return this.#refuse("open", mode === "info" ? "the INFO queue is full" : "the call has no telephone-event (RFC 4733)");
		}
		this.#log(`indoor station: keyed the door code (${code.length} keys) as ${mode === "info" ? "SIP INFO" : "RFC 4733 events"}`);
		return true;
	}

	/** Call the door station (monitoring: listen at the door). */
	callDoor(): boolean {
		if (this.#call >= 0) return this.#refuse("call", "already in a call");
		const call = this.ua.call(this.#options.doorUri);
		if (call < 0) return this.#refuse("call", `cannot call ${this.#options.doorUri}`);
		this.#call = call;
		this.#set("calling", `<${this.#options.doorUri}>`, `calling the door ${this.#options.doorUri}`);
		return true;
	}

	status(): IndoorStatus {
		return { state: this.#state, peer: this.#peer, uri: this.uri, hasDoorCode: this.#options.doorCode !== "" };
	}

	onEvent(listener: (e: IndoorEvent) => void): void {
		this.#listeners.push(listener);
	}

	/** Every SIP message it sends or receives (the web panel's ladder). */
	onTrace(listener: SipTraceListener): void {
		this.#traceListeners.push(listener);
	}

	async stop(): Promise<void> {
		this.ua.shutdown();
		if (!this.ua.idle) await new Promise((r) => setTimeout(r, 300));
		this.session.stop();
		this.audio.close();
		for (const s of this.#sockets) s.close();
		await this.net.close();
	}

	// ---- UaEvents ----

	registered(): void {}
	unregistered(): void {}
	registrationFailed(): void {}

	incomingCall(call: number, from: string): void {
		if (this.#call >= 0) {
			this.ua.reject(call, 486);
			this.#log(`indoor station: refused a second call from ${from} (busy)`);
			return;
		}
		this.#call = call;
		this.#set("ringing", from, `ringing: call from ${from}`);
	}

	progress(call: number, status: number): void {
		if (call === this.#call) this.#log(`indoor station: ${status === 180 ? "the door rings" : `progress ${status}`}`);
	}

	answered(call: number): void {
		if (call !== this.#call) return;
		const m = this.ua.media(call);
		if (m !== null) {
			this.session.start(m);
			this.#frames = 0;
			this.audio.setRunning(true);
		}
		this.#set("in-call", this.#peer, `in a call with ${this.#peer}${m === null ? " (no media)" : ""}`);
	}

	mediaChanged(call: number): void {
		const m = this.ua.media(call);
		if (call === this.#call && m !== null) this.session.update(m);
	}

	digit(call: number): void {
		// The door station sends no digits; one arriving is only noted.
		if (call === this.#call) this.onDigit(0, DIGIT_SOURCE_SIP_INFO);
	}

	ended(call: number, why: number, status: number): void {
		if (call !== this.#call) return;
		this.#call = -1;
		if (this.session.active) this.session.stop();
		this.audio.setRunning(false);
		this.#set("idle", "", `call ended: ${END_NAMES[why]}${status > 0 ? ` (${status})` : ""}`);
	}

	// ---- DigitSink ----

	onDigit(_digit: number, source: number): void {
		this.#log(`indoor station: a DTMF key arrived (${source === DIGIT_SOURCE_SIP_INFO ? "SIP INFO" : "RFC 4733"})`);
	}

	// ---- internals ----

	#frame(mic: Int16Array | null, speaker: Int16Array): void {
		if (!this.session.active || this.ua.calls[this.#call]?.state !== CALL_ACTIVE) {
			speaker.fill(0);
			return;
		}
		this.session.tick(mic, speaker);
		if (++this.#frames >= 1000 / 20) {
			this.#frames = 0;
			this.session.readMeters();
			this.#emit({ type: "levels", inDb: this.session.meterInDb, outDb: this.session.meterOutDb });
		}
	}

	#set(state: IndoorState, peer: string, line: string): void {
		this.#state = state;
		this.#peer = peer;
		this.#emit({ type: "status", status: this.status(), line: `indoor station: ${line}` });
	}

	#refuse(command: string, reason: string): false {
		this.#log(`indoor station: ${command}: ${reason}`);
		return false;
	}

	#log(line: string): void {
		this.#emit({ type: "log", line });
	}

	#emit(e: IndoorEvent): void {
		for (const l of this.#listeners) l(e);
	}
}
