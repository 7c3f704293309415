// The simulated door station: the host-free door station (src/intercom) on Node's sockets and clock, with stand-in
// pins, a simulated audio device, a readable log (one line per SIP message and per application event) and a
// line-command interface. A host only: every decision about calls, codes and the relay is the station's.
import { text } from "../../src/sip/bytes.js";
import { DEFAULT_LIMITS } from "../../src/sip/limits.js";
import { SipParser } from "../../src/sip/parser.js";
import { summarize } from "../../src/sip/summary.js";
import type { DatagramUser } from "../../src/host.js";
import type { TimerOwner } from "../../src/transaction/timer-wheel.js";
import { readFileSync } from "node:fs";
import { TCP, TLS, UDP } from "../../src/transaction/transaction-table.js";
import type { MediaPorts } from "../../src/intercom/call-audio.js";
import { redactedConfig, type StationConfig } from "../../src/intercom/config.js";
import { serverText } from "../../src/ua/ua-config.js";
import { applicationTimers, callSlots, DoorStation } from "../../src/intercom/door-station.js";
import { describeEvent, INDICATOR_NAMES, type IndicatorName, type IntercomEvent, type IntercomEvents } from "../../src/intercom/events.js";
import { AUDIO_DEFAULTS, SimAudioDevice, type SimAudioOptions } from "./audio-device.js";
import { stationSizes } from "../../src/ua/sizing.js";
import { createSimTransport, NodeDatagramSocket, type SimTransport } from "./node-host.js";
import type { PacketCapture } from "./packet-capture.js";
import { createSimDns, type SimDns } from "./sim-dns.js";
import { NodeTlsConnector } from "./tls-connector.js";
import { SimPin } from "./sim-pins.js";
import { homeTimers } from "../../src/home/home-link.js";
import { SimHome } from "./home.js";

export interface StationOptions {
	/** The address to bind and to put in Via / Contact / SDP. */
	readonly address: string;
	readonly config: StationConfig;
	/** Print whole SIP messages, not only one line each. */
	readonly trace: boolean;
	/** Log each call's levels once a second. */
	readonly meters?: boolean;
	/** Where log lines go (one call per line, no newline). */
	readonly log: (line: string) => void;
	readonly audio?: SimAudioOptions;
	/** Record every SIP, RTP and RTCP packet sent and received (the web panel's pcap export). */
	readonly capture?: PacketCapture;
	/** Called once the station is built, before it starts (registers): the web panel subscribes here to miss nothing. */
	readonly observe?: (station: SimStation) => void;
	/** The resolver configuration read when the configuration names no DNS servers (default /etc/resolv.conf). */
	readonly resolvConf?: string;
	/** Where TLS session keys are appended for Wireshark (the SSLKEYLOGFILE convention; debugging only). */
	readonly tlsKeyLogFile?: string;
}

/** The transport's trace hook (src/transaction/transport.ts `onTrace`), as the web panel's ladder hears it. */
export type SipTraceListener = (sent: boolean, bytes: Uint8Array, start: number, end: number, transport: number, address: string, port: number) => void;

export const STATION_DEFAULTS = Object.freeze({ address: "127.0.0.1", port: 5070 });

const TRANSPORT_NAMES = Object.freeze(["?", "UDP", "TCP", "TLS"]);

/** The CA bundle sip.tlsCaFile names, read by the host; an error names the field and the file. */
function readCaFile(file: string): string | undefined {
	if (file === "") return undefined;
	let pem: string;
	try {
		pem = readFileSync(file, "utf8");
	} catch (err) {
		throw new Error(`sip.tlsCaFile: cannot read ${file}: ${(err as Error).message}`);
	}
	if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw new Error(`sip.tlsCaFile: ${file} holds no PEM certificate ("-----BEGIN CERTIFICATE-----")`);
	return pem;
}

const COMMANDS = "commands: press | release | hold MS | list [1] | call URI | answer [n] | reject [n] | hangup [n] | open [relay] | " +
	"dtmf DIGITS [n] | register | unregister | status | config | help | quit";

/** A running simulated station. */
export class SimStation implements IntercomEvents, TimerOwner {
	readonly station: DoorStation;
	readonly net: SimTransport;
	readonly dns: SimDns;
	readonly audio: SimAudioDevice;
	readonly relays: readonly SimPin[];
	readonly leds: Readonly<Record<IndicatorName, SimPin>>;
	readonly #options: StationOptions;
	readonly #sockets: NodeDatagramSocket[];
	readonly #parser = new SipParser(DEFAULT_LIMITS);
	readonly #fingerOwner: number;
	#finger = -1;
	/** Call slots whose media ran (their statistics are logged when they end). */
	readonly #hadMedia = new Set<number>();
	#waiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
	readonly #listeners: ((line: string) => void)[] = [];
	readonly #eventListeners: ((e: IntercomEvent) => void)[] = [];
	readonly #traceListeners: SipTraceListener[] = [];
	/** Home Assistant over MQTT and the HTTP API (config `mqtt`, `http`); null until started. */
	home: SimHome | null = null;

	private constructor(options: StationOptions, net: SimTransport, dns: SimDns, sockets: NodeDatagramSocket[]) {
		this.#options = options;
		this.net = net;
		this.dns = dns;
		this.#sockets = sockets;
		const config = options.config, now = () => net.clock.now();
		this.relays = config.relays.map((r) => new SimPin(`relay ${r.name}`, now));
		const leds = {} as Record<IndicatorName, SimPin>;
		for (const n of INDICATOR_NAMES) leds[n] = new SimPin(`led ${n}`, now);
		this.leds = leds;
		this.audio = new SimAudioDevice(options.audio ?? AUDIO_DEFAULTS, net.clock, net.wheel, (l) => this.log(l));
		// With a capture, what the media sockets send and receive is recorded on its way (the sockets themselves unchanged).
		const capture = options.capture, tap = (i: number) => (capture === undefined ? sockets[i] : capture.tapSocket(sockets[i], sockets[i].address, sockets[i].port));
		const ports: MediaPorts[] = [];
		for (let i = 0; i + 1 < sockets.length; i += 2) {
			ports.push({ rtp: tap(i), rtcp: tap(i + 1), local: { address: sockets[i].address, port: sockets[i].port } });
		}
		this.station = new DoorStation({
			config, transport: net.transport, wheel: net.wheel, transactionConfig: net.config, clock: net.clock, random: net.random,
			ports, relays: this.relays, leds, events: this, locator: dns.locator,
		});
		const user = (i: number, u: DatagramUser) => (capture === undefined ? u : capture.tapUser(u, sockets[i].address, sockets[i].port));
		for (let i = 0; i < ports.length; i++) {
			sockets[2 * i].setUser(user(2 * i, this.station.audio.rtpUser(i)));
			sockets[2 * i + 1].setUser(user(2 * i + 1, this.station.audio.rtcpUser(i)));
		}
		this.audio.connect(this.station);
		this.#fingerOwner = net.wheel.register(this);
		options.observe?.(this);
	}

	static async start(options: StationOptions): Promise<SimStation> {
		const config = options.config;
		let station: SimStation | null = null;
		// One name resolution (and one DNS lookup) at a time per call slot and for the registration.
		const resolutions = callSlots(config) + 1;
		const tls = new NodeTlsConnector({
			ca: readCaFile(config.sip.tlsCaFile), verify: config.sip.tlsVerify, localAddress: options.address, keyLogFile: options.tlsKeyLogFile,
		});
		const net = await createSimTransport({
			address: options.address, port: config.sip.port, tls,
			// The pools for the call slots, the wheel for every owner's timers: the application's, the home links'
			// (MQTT, HTTP), this host's two (the finger on the button, the audio device's frame clock) and the DNS lookups'.
			sizes: stationSizes({ maxCalls: callSlots(config) }, { applicationTimers: applicationTimers(config) + homeTimers(config) + 2, dnsQueries: resolutions }),
			onTrace: (sent, bytes, start, end, transport, address, port) => {
				if (station === null) return; // (before the station exists, `net` is not assigned yet)
				options.capture?.record(sent, transport === UDP ? "udp" : "tcp", net.address, net.port, address, port, bytes, start, end);
				station.#traced(sent, bytes, start, end, transport, address, port);
			},
		});
		// The resolver: the configuration's DNS servers, else the system's (resolv.conf).
		const dns = createSimDns({
			clock: net.clock, wheel: net.wheel, random: net.random, localAddress: options.address,
			servers: config.sip.dnsServers.length > 0 ? config.sip.dnsServers : undefined, resolvConf: options.resolvConf,
			config: { maxQueries: resolutions }, locator: { maxRequests: resolutions, transports: (1 << UDP) | (1 << TCP) | (1 << TLS) },
		});
		// The media ports of every call slot, RTP and RTCP (RFC 3550 §11), held so no other program takes them.
		const sockets: NodeDatagramSocket[] = [], slots = callSlots(config), first = config.sip.rtpPort;
		try {
			for (let i = 0; i < 2 * slots; i++) sockets.push(await NodeDatagramSocket.bind(options.address, first + i));
		} catch (err) {
			for (const s of sockets) s.close();
			dns.close();
			await net.close();
			throw new Error(`cannot reserve the RTP ports ${first}-${first + 2 * slots - 1}: ${(err as Error).message} (choose others with --rtp-port or sip.rtpPort)`);
		}
		try {
			station = new SimStation(options, net, dns, sockets);
		} catch (err) {
			for (const s of sockets) s.close();
			dns.close();
			await net.close();
			throw err;
		}
		const s = config.sip, ua = station.station.ua.config;
		station.log(`listening on ${net.address}:${net.port} (UDP and TCP) as sip:${ua.user}@${ua.domain}` +
			(s.registrar !== null ? `, registrar ${serverText(s.registrar)}` : ", no registrar") +
			`; call list: ${config.callList.targets.length === 0 ? "none" : `${config.callList.mode}, ${config.callList.targets.length} target(s)`}` +
			`; incoming calls: ${config.incoming.allow.length === 0 ? `refused (${config.incoming.refuseStatus})` : config.incoming.answer}`);
		station.log(`DNS: ${dns.servers.length === 0 ? "no server (host names cannot be resolved)" : dns.servers.map((p) => `${p.address}:${p.port}`).join(", ")}` +
			(s.dnsServers.length > 0 ? " (sip.dnsServers)" : ` (${options.resolvConf ?? "/etc/resolv.conf"})`));
		for (const line of dns.ignored) station.log(`DNS: ${options.resolvConf ?? "/etc/resolv.conf"} ${line} ignored`);
		if (!s.tlsVerify) station.log("TLS: certificate verification is OFF (sip.tlsVerify false): any server is believed to be the PBX");
		else if (s.tlsCaFile !== "") station.log(`TLS: servers' certificates are checked against ${s.tlsCaFile}`);
		if (options.tlsKeyLogFile !== undefined) station.log(`TLS: session keys are written to ${options.tlsKeyLogFile} (SSLKEYLOGFILE): anyone with the file can read the calls' signalling`);
		try {
			const home = await SimHome.start({ station: station.station, address: options.address, log: station, wheel: net.wheel, clock: net.clock, random: net.random });
			station.home = home;
			station.onEvent((e) => home.link.event(e));
		} catch (err) {
			await station.stop(0);
			throw err;
		}
		station.station.start();
		return station;
	}

	/** Run one command line; returns false for `quit`. */
	command(line: string): boolean {
		const [verb, ...args] = line.trim().split(/\s+/);
		const st = this.station;
		const n = (i: number, fallback = -1) => (args[i] === undefined ? fallback : Number(args[i]));
		switch (verb) {
			case "":
				return true;
			case "press":
				st.buttonEdge(true);
				return true;
			case "release":
				st.buttonEdge(false);
				return true;
			case "hold": {
				const ms = n(0, 2500);
				if (!(ms >= 0 && ms <= 60000)) this.log("usage: hold MS  (0-60000; default 2500)");
				else this.#hold(ms);
				return true;
			}
			case "list":
				st.startCallList(n(0, 0) === 1 ? 1 : 0);
				return true;
			case "register":
				st.register();
				return true;
			case "unregister":
				st.unregister();
				return true;
			case "call":
				if (args[0] === undefined) this.log("usage: call sip:user@host[:port]");
				else st.call(args[0]);
				return true;
			case "answer":
				st.answer(args[0] === undefined ? undefined : n(0));
				return true;
			case "reject":
				st.reject(args[0] === undefined ? undefined : n(0));
				return true;
			case "hangup":
				st.hangup(n(0));
				return true;
			case "open":
				st.openDoor(n(0, 0), "command line");
				return true;
			case "dtmf": {
				const digits = args[0] ?? "";
				if (!/^[0-9*#A-Da-d]+$/.test(digits)) this.log("usage: dtmf DIGITS [n]  (0-9 * # A-D)");
				else st.sendDigits(digits.toUpperCase(), args[1] === undefined ? undefined : n(1));
				return true;
			}
			case "status": {
				const s = st.status();
				this.log(`registration: ${s.registration}; call list: ${s.callList}; calls: ${s.slots.map((c, i) => `${i}:${c.state}`).join(" ")}; ` +
					`relays: ${s.relays.map((r) => `${r.name} ${r.open ? "open" : "closed"}`).join(", ")}; ` +
					`leds: ${INDICATOR_NAMES.filter((l) => s.leds[l] !== "off").map((l) => `${l} ${s.leds[l]}`).join(", ") || "off"}; ` +
					`codes: ${s.lockedOut ? "locked out" : "accepted"}; transactions: ${st.ua.layer.active}`);
				return true;
			}
			case "config":
				this.log(JSON.stringify(redactedConfig(this.#options.config)));
				return true;
			case "quit":
			case "exit":
				return false;
			case "help":
				this.log(COMMANDS);
				return true;
			default:
				this.log(`unknown command "${verb}" (try: help)`);
				return true;
		}
	}

	/** Hang up, un-register (waiting up to `graceMs` for the registrar), close the sockets. */
	async stop(graceMs = 3000): Promise<void> {
		const registered = this.station.status().registration === "registered";
		this.station.stop();
		await this.home?.stop();
		if (registered) await this.waitFor((l) => l.startsWith("unregistered") || l.startsWith("registration failed"), graceMs).catch(() => {});
		// Let BYE transactions finish briefly so the peer hears them.
		if (!this.station.ua.idle) await new Promise((r) => setTimeout(r, Math.min(graceMs, 500)));
		this.audio.close();
		for (const s of this.#sockets) s.close();
		this.dns.close();
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

	/** Call `listener` with every log line from now on. */
	onLine(listener: (line: string) => void): void {
		this.#listeners.push(listener);
	}

	/** Call `listener` with every SIP message sent or received from now on (the web panel's ladder). */
	onTrace(listener: SipTraceListener): void {
		this.#traceListeners.push(listener);
	}

	/** Call `listener` with every application event from now on (the web panel). */
	onEvent(listener: (e: IntercomEvent) => void): void {
		this.#eventListeners.push(listener);
	}

	log(line: string): void {
		this.#options.log(line);
		for (const l of this.#listeners) l(line);
		for (const w of this.#waiters.slice()) {
			if (w.test(line)) {
				this.#waiters = this.#waiters.filter((x) => x !== w);
				w.resolve(line);
			}
		}
	}

	// ---- IntercomEvents ----

	event(e: IntercomEvent): void {
		for (const l of this.#eventListeners) l(e);
		if (e.type === "audio") {
			this.audio.setRunning(e.running);
			return;
		}
		if (e.type === "levels" && this.#options.meters !== true) return;
		if (e.type === "answered" || (e.type === "progress" && e.early)) this.#hadMedia.add(e.call);
		if (e.type === "ended" && this.#hadMedia.delete(e.call)) {
			// The call's media statistics, read from its session (what the sim shows; the station decides nothing on them).
			const s = this.station.audio.session(e.call), jb = s.jitterBuffer;
			this.log(`call ${e.call}: media stopped: ${s.framesSent} frames sent, ${s.packetsIn} packets received ` +
				`(${jb.played} played, ${jb.concealed} concealed, ${jb.late} late), ${s.dtmfReceiver.digits} RFC 4733 digits`);
		}
		this.log(this.#describe(e));
	}

	/** The finger lifting after `hold MS`. */
	onTimer(): void {
		this.#finger = -1;
		this.station.buttonEdge(false);
	}

	// ---- internals ----

	#describe(e: IntercomEvent): string {
		if (e.type !== "answered") return describeEvent(e);
		const m = this.station.ua.media(e.call);
		return describeEvent(e) + (m === null ? "" : ` pt ${m.payloadType} to ${m.remoteAddress}:${m.remotePort}, telephone-event pt ${m.telephoneEventPt}, ` +
			`direction ${["inactive", "sendonly", "recvonly", "sendrecv"][m.direction]}`);
	}

	#hold(ms: number): void {
		if (this.#finger >= 0) this.net.wheel.cancel(this.#finger);
		this.station.buttonEdge(true);
		this.#finger = this.net.wheel.start(ms, this.#fingerOwner, 0, 0);
	}

	/** One line per SIP message (→ sent, ← received), or the whole message with --trace. */
	#traced(sent: boolean, bytes: Uint8Array, start: number, end: number, transport: number, address: string, port: number): void {
		for (const l of this.#traceListeners) l(sent, bytes, start, end, transport, address, port);
		const arrow = sent ? "→" : "←", where = `${TRANSPORT_NAMES[transport] ?? "?"} ${address}:${port}`;
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
