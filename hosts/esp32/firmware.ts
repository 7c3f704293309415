// The firmware's life: the door station built on the ESP32's devices once Wi-Fi gives it an address — DESIGN.md §6a.
// It holds the pieces main.ts makes (clock, wheel, settings, board) and, with an address, binds the ports, builds the
// station and wires it: sockets to the transport and the media sessions, the audio device's frames to the station,
// the button's edges in, the relay and LED pins out, the station's events to the log. It decides nothing about calls.
import { DnsClient } from "../../src/dns/dns-client.js";
import { dnsConfig } from "../../src/dns/dns-config.js";
import { SipLocator } from "../../src/dns/sip-locator.js";
import { HomeLink } from "../../src/home/home-link.js";
import type { Clock, DatagramOpener, Peer, Pin, Random, StreamConnector } from "../../src/host.js";
import type { StationConfig } from "../../src/intercom/config.js";
import { callSlots, DoorStation } from "../../src/intercom/door-station.js";
import { describeEvent, type IntercomEvent, type IntercomEvents } from "../../src/intercom/events.js";
import { indexOf, text } from "../../src/sip/bytes.js";
import type { Limits } from "../../src/sip/limits.js";
import type { TransactionConfig } from "../../src/transaction/config.js";
import type { TimerWheel } from "../../src/transaction/timer-wheel.js";
import { TCP, TLS, UDP } from "../../src/transaction/transaction-table.js";
import type { Board, BoardPins } from "./board-devices.js";
import { I2sAudio } from "./i2s-audio.js";
import { NetworkStack, type NetworkStackOptions } from "./network-stack.js";
import type { TcpTransport } from "./tcp-listener.js";
import type { WifiLinkUser } from "./wifi-link.js";

/** The DNS port (RFC 1035 §4.2). */
const DNS_PORT = 53;

export interface FirmwareOptions {
	readonly config: StationConfig;
	readonly board: Board;
	readonly pins: BoardPins;
	readonly udp: NetworkStackOptions["udp"];
	readonly tcp: NetworkStackOptions["tcp"];
	readonly connections: number;
	readonly clock: Clock;
	readonly random: Random;
	readonly wheel: TimerWheel;
	readonly limits: Limits;
	readonly transactionConfig: TransactionConfig;
	/** One line of the log (the serial console: Moddable's `trace`). */
	readonly log: (line: string) => void;
	/** Log every SIP message's first line (the installer's ladder on the serial console). */
	readonly traceSip: boolean;
	/** Start over with the new address (a restart: Via, Contact and SDP carry it, RFC 3261 §18.1.1). */
	readonly restart: () => void;
	/** The DNS client's sockets (one per query, src/dns); its servers are sip.dnsServers, else `systemDns`. */
	readonly dnsOpener: DatagramOpener;
	/** Name resolutions at once (the DNS client's queries and the locator's requests: the wheel counts their timers). */
	readonly resolutions: number;
	/** The DNS servers DHCP gave the station (Moddable's `Net.get("DNS")`), asked again each time Wi-Fi comes up. */
	readonly systemDns: () => readonly string[];
	/** SIP over TLS (RFC 3261 §26); null: TLS is not offered. */
	readonly tls: StreamConnector | null;
	/** TCP for the home links (config `mqtt`: the client's connection; `http`: the API's listener); null: none. */
	readonly home: TcpTransport | null;
	/** The firmware's version (Home Assistant's device block, /api/system/info). */
	readonly version: string;
	/** What a host that watches the station (a test) also wants to hear. */
	readonly onEvent?: (e: IntercomEvent) => void;
}

export class Firmware implements WifiLinkUser, IntercomEvents {
	readonly #o: FirmwareOptions;
	#station: DoorStation | null = null;
	#network: NetworkStack | null = null;
	#audio: I2sAudio | null = null;
	#button: { close(): void } | null = null;
	#relays: (Pin & { close(): void })[] = [];
	#home: HomeLink | null = null;
	#homeListener: { close(): void } | null = null;
	#address = "";
	/** The resolver and the RFC 3263 locator, made at boot (their pools are the firmware's from the start). */
	readonly #dns: DnsClient;
	readonly #locator: SipLocator;
	#dnsServers: readonly Peer[] = [];

	constructor(options: FirmwareOptions) {
		this.#o = options;
		const n = options.resolutions;
		this.#dns = new DnsClient({
			config: dnsConfig({ maxQueries: n }), clock: options.clock, wheel: options.wheel, random: options.random, opener: options.dnsOpener,
		});
		this.#locator = new SipLocator({
			client: this.#dns, random: options.random, maxRequests: n, transports: (1 << UDP) | (1 << TCP) | (options.tls === null ? 0 : 1 << TLS),
		});
	}

	get station(): DoorStation | null {
		return this.#station;
	}

	get audio(): I2sAudio | null {
		return this.#audio;
	}

	get relays(): readonly Pin[] {
		return this.#relays;
	}

	// ---- Wi-Fi ----

	onUp(address: string, changed: boolean): void {
		this.#useDnsServers();
		const station = this.#station;
		if (station === null) {
			this.#start(address);
		} else if (changed) {
			this.#o.log(`network: new address ${address} (was ${this.#address}): restarting`);
			this.#o.restart();
		} else {
			this.#o.log(`network: back on ${address}`);
			station.networkChanged(); // RFC 3261 §10.2.4: register again at once
		}
	}

	onDown(): void {
		this.#o.log("network: Wi-Fi lost, reconnecting");
	}

	// ---- the station's events ----

	event(e: IntercomEvent): void {
		if (e.type === "audio") this.#audio?.setRunning(e.running);
		else if (e.type !== "levels") this.#o.log(describeEvent(e));
		this.#home?.event(e);
		this.#o.onEvent?.(e);
	}

	/** Hang up, un-register, release everything (a restart or a test's end). */
	stop(): void {
		this.#home?.stop();
		this.#homeListener?.close();
		this.#station?.stop();
		this.#audio?.close();
		this.#button?.close();
		for (const r of this.#relays) r.close();
		this.#network?.close();
		this.#station = null;
	}

	#start(address: string): void {
		const o = this.#o, config = o.config, board = o.board, pins = o.pins;
		this.#address = address;
		if (pins.relays.length < config.relays.length) {
			o.log(`config.pins.relays: ${pins.relays.length} pin(s) for the ${config.relays.length} relays of config.station.relays: the station cannot start`);
			return;
		}
		const slots = callSlots(config);
		let network: NetworkStack;
		try {
			network = new NetworkStack({
				udp: o.udp, tcp: o.tcp, tls: o.tls, connections: o.connections, address, port: config.sip.port, rtpPort: config.sip.rtpPort, slots, clock: o.clock, wheel: o.wheel,
				limits: o.limits, onTrace: o.traceSip ? (sent, bytes, start, end, transport, peer, port) => this.#trace(sent, bytes, start, end, transport, peer, port) : undefined,
			});
		} catch (e) {
			o.log(`network: cannot bind the SIP port ${config.sip.port} or the RTP ports from ${config.sip.rtpPort}: ${String(e)}`);
			return;
		}
		this.#network = network;
		this.#relays = config.relays.map((_, i) => board.output(pins.relays[i]));
		const station = new DoorStation({
			config, transport: network.transport, wheel: o.wheel, transactionConfig: o.transactionConfig, clock: o.clock, random: o.random,
			ports: network.ports, relays: this.#relays, leds: board.indicators(pins), events: this, locator: this.#locator,
		});
		this.#station = station;
		for (let i = 0; i < slots; i++) {
			const m = network.media(i);
			m.rtp.setUser(station.audio.rtpUser(i));
			m.rtcp.setUser(station.audio.rtcpUser(i));
		}
		this.#audio = new I2sAudio({ input: board.AudioIn, inputRate: board.inputRate, output: board.AudioOut, sink: station });
		this.#button = board.button(pins, (pressed) => station.buttonEdge(pressed));
		const ua = station.ua.config;
		o.log(`sip-intercom on ${board.name}: ${address}:${config.sip.port} as sip:${ua.user}@${ua.domain}` +
			(config.sip.registrar === null ? ", no registrar" : `, registrar ${config.sip.registrar.host}${config.sip.registrar.port > 0 ? `:${config.sip.registrar.port}` : ""}`) +
			`, ${slots} call slots`);
		const dns = this.#dnsServers;
		o.log(`DNS: ${dns.length === 0 ? "no server (host names cannot be resolved)" : dns.map((p) => (p.port === DNS_PORT ? p.address : `${p.address}:${p.port}`)).join(", ")}${config.sip.dnsServers.length > 0 ? " (sip.dnsServers)" : " (DHCP)"}`);
		if (o.tls !== null && !config.sip.tlsVerify) o.log("TLS: certificate verification is OFF (sip.tlsVerify false): any server is believed to be the PBX");
		else if (o.tls !== null && config.sip.tlsCaFile !== "") {
			o.log(`sip.tlsCaFile ${config.sip.tlsCaFile}: not read on the ESP32 (no file system): servers are checked against the CA certificates built into the firmware (the manifest's resources)`);
		}
		this.#startHome(station, address);
		station.start();
	}

	/** sip.dnsServers, else what DHCP gave (it may change from one Wi-Fi connection to the next). */
	#useDnsServers(): void {
		const configured = this.#o.config.sip.dnsServers;
		const servers: Peer[] = [];
		if (configured.length > 0) servers.push(...configured);
		else for (const address of this.#o.systemDns()) if (address !== "" && address !== "0.0.0.0") servers.push({ address, port: DNS_PORT });
		this.#dnsServers = servers;
		this.#dns.setServers(servers);
	}

	/** Home Assistant over MQTT and the HTTP API, when the configuration enables them (both off by default). */
	#startHome(station: DoorStation, address: string): void {
		const o = this.#o, config = o.config;
		if (!config.mqtt.enabled && !config.http.enabled) return;
		const home = o.home;
		if (home === null) {
			o.log("config.mqtt, config.http: this build has no TCP for them: both stay off");
			return;
		}
		const link = new HomeLink({
			station, slots: callSlots(config), log: this, wheel: o.wheel, clock: o.clock, random: o.random, connector: home.connector,
			version: o.version, model: o.board.name, configurationUrl: config.http.enabled ? `http://${address}:${config.http.port}/` : "",
		});
		this.#home = link;
		if (link.http !== null) {
			try {
				this.#homeListener = home.listen(config.http.port, link.http);
				this.event({ type: "http", state: "listening", detail: `http://${address}:${config.http.port}/api/` });
			} catch (e) {
				o.log(`http: cannot listen on port ${config.http.port}: ${String(e)} (choose another http.port)`);
			}
		}
		link.start();
	}

	/** `→ UDP 192.0.2.1:5060  INVITE sip:flat1@example.com SIP/2.0`: the first line (strings made only when tracing). */
	#trace(sent: boolean, bytes: Uint8Array, start: number, end: number, transport: number, peer: string, port: number): void {
		if (end - start <= 4) return; // CRLF keep-alives (RFC 5626 §3.5.1)
		const eol = indexOf(bytes, start, end, 0x0d);
		this.#o.log(`${sent ? "→" : "←"} ${transport === TLS ? "TLS" : transport === TCP ? "TCP" : "UDP"} ${peer}:${port}  ${text(bytes, start, eol < 0 ? end : eol)}`);
	}
}
