// The firmware's life: the door station built on the ESP32's devices once Wi-Fi gives it an address — DESIGN.md §6a.
// It holds the pieces main.ts makes (clock, wheel, settings, board) and, with an address, binds the ports, builds the
// station and wires it: sockets to the transport and the media sessions, the audio device's frames to the station,
// the button's edges in, the relay and LED pins out, the station's events to the log. It decides nothing about calls.
import type { Clock, Pin, Random } from "../../src/host.js";
import type { StationConfig } from "../../src/intercom/config.js";
import { callSlots, DoorStation } from "../../src/intercom/door-station.js";
import { describeEvent, type IntercomEvent, type IntercomEvents } from "../../src/intercom/events.js";
import { indexOf, text } from "../../src/sip/bytes.js";
import type { Limits } from "../../src/sip/limits.js";
import type { TransactionConfig } from "../../src/transaction/config.js";
import type { TimerWheel } from "../../src/transaction/timer-wheel.js";
import { TCP } from "../../src/transaction/transaction-table.js";
import type { Board, BoardPins } from "./board-devices.js";
import { I2sAudio } from "./i2s-audio.js";
import { NetworkStack, type NetworkStackOptions } from "./network-stack.js";
import type { WifiLinkUser } from "./wifi-link.js";

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
	#address = "";

	constructor(options: FirmwareOptions) {
		this.#o = options;
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
		this.#o.onEvent?.(e);
	}

	/** Hang up, un-register, release everything (a restart or a test's end). */
	stop(): void {
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
				udp: o.udp, tcp: o.tcp, connections: o.connections, address, port: config.sip.port, rtpPort: config.sip.rtpPort, slots, clock: o.clock, wheel: o.wheel,
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
			ports: network.ports, relays: this.#relays, leds: board.indicators(pins), events: this,
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
		station.start();
	}

	/** `→ UDP 192.0.2.1:5060  INVITE sip:flat1@example.com SIP/2.0`: the first line (strings made only when tracing). */
	#trace(sent: boolean, bytes: Uint8Array, start: number, end: number, transport: number, peer: string, port: number): void {
		if (end - start <= 4) return; // CRLF keep-alives (RFC 5626 §3.5.1)
		const eol = indexOf(bytes, start, end, 0x0d);
		this.#o.log(`${sent ? "→" : "←"} ${transport === TCP ? "TCP" : "UDP"} ${peer}:${port}  ${text(bytes, start, eol < 0 ? end : eol)}`);
	}
}
