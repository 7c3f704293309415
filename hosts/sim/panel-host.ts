// The web panel of the simulator: the page's server, the SIP ladder, the pcap export and the browser's audio, around a
// running door station and the built-in indoor station. A view: what a page asks for is a command line of the door
// station (SimStation.command, as typed on standard input) or of the indoor station; what it shows comes from the
// application's events and status(), the indoor station's events, and the transports' trace hooks.
import type { WebSocket } from "ws";
import { describeEvent, type IntercomEvent } from "../../src/intercom/events.js";
import { serverText } from "../../src/ua/ua-config.js";
import { BrowserAudio } from "./browser-audio.js";
import type { IndoorEvent, IndoorStation } from "./indoor-station.js";
import type { PacketCapture } from "./packet-capture.js";
import { PanelServer } from "./panel-server.js";
import type { AudioSide, ClientMessage, LogLine, PanelStatus, ServerMessage, StationInfo } from "./panel/protocol.js";
import { SipLadder } from "./sip-ladder.js";
import type { SimStation } from "./station.js";

export const PANEL_DEFAULTS = Object.freeze({ address: "127.0.0.1", port: 8080 });
/** Log lines kept for a page that opens later. */
const LOG_KEPT = 300;
/** Longest command line a page may send. */
const MAX_LINE = 200;

export class Panel {
	readonly #ladder = new SipLadder();
	readonly #log: LogLine[] = [];
	readonly #clients = new Set<WebSocket>();
	#station: SimStation | null = null;
	#indoor: IndoorStation | null = null;
	#server: PanelServer | null = null;
	#info: StationInfo | null = null;
	/** The page whose microphone and speaker are a station's, and which station's. */
	#audio: { client: WebSocket; side: AudioSide; port: BrowserAudio } | null = null;

	/** Hear the door station from its start (its `observe` option): every event and SIP message. */
	observeStation(station: SimStation): void {
		this.#station = station;
		station.onTrace(this.#ladder.tracer(endpoint(station.net.address, station.net.port)));
		station.onEvent((e) => this.#event(e));
		this.#ladder.onEntry((entry) => this.#broadcast({ type: "ladder", entry }));
	}

	/** Hear the indoor station; what passes between the two stations is on the ladder once, from the door's side. */
	observeIndoor(indoor: IndoorStation): void {
		const door = this.#station === null ? [] : [endpoint(this.#station.net.address, this.#station.net.port)];
		this.#indoor = indoor;
		indoor.onTrace(this.#ladder.tracer(endpoint(indoor.net.address, indoor.net.port), door));
		indoor.onEvent((e) => this.#indoorEvent(e));
	}

	/** Serve the page on address:port; resolves with its URL. */
	async listen(address: string, port: number, capture: PacketCapture): Promise<string> {
		const station = this.#station;
		if (station === null) throw new Error("the panel has no station to show");
		this.#info = stationInfo(station, this.#indoor);
		this.#server = await PanelServer.start({ address, port, pcap: () => capture.pcap(), onSocket: (ws) => this.#connected(ws) })
			.catch((err: Error) => {
				throw new Error(`the web panel cannot listen on ${address}:${port}: ${err.message} (choose another with --http-port)`);
			});
		return this.#server.url;
	}

	async stop(): Promise<void> {
		this.#setAudio(null, "off");
		await this.#server?.close();
	}

	// ---- what the stations say ----

	#event(e: IntercomEvent): void {
		const log = e.type === "levels" ? null : this.#keep({ at: Date.now(), line: describeEvent(e), source: "door" });
		this.#broadcast({ type: "event", event: e, log, status: this.#status() });
	}

	#indoorEvent(e: IndoorEvent): void {
		if (e.type === "levels") return this.#broadcast({ type: "indoor-levels", inDb: e.inDb, outDb: e.outDb });
		const log = this.#keep({ at: Date.now(), line: e.line, source: "indoor" });
		if (e.type === "status") this.#broadcast({ type: "indoor", status: e.status, log });
		else this.#broadcast({ type: "indoor-log", log });
	}

	#status(): PanelStatus {
		return this.#station!.station.status();
	}

	#keep(line: LogLine): LogLine {
		this.#log.push(line);
		if (this.#log.length > LOG_KEPT) this.#log.shift();
		return line;
	}

	// ---- the pages ----

	#connected(ws: WebSocket): void {
		this.#clients.add(ws);
		this.#sendTo(ws, {
			type: "hello", info: this.#info!, status: this.#status(), indoor: this.#indoor?.status() ?? null,
			ladder: this.#ladder.entries(), log: this.#log,
		});
		ws.on("message", (data, binary) => {
			if (binary) {
				if (this.#audio?.client === ws) this.#audio.port.receive(toBytes(data));
				return;
			}
			this.#message(ws, String(data));
		});
		ws.on("close", () => {
			this.#clients.delete(ws);
			if (this.#audio?.client === ws) this.#setAudio(null, "off");
		});
	}

	#message(ws: WebSocket, text: string): void {
		let m: ClientMessage;
		try {
			m = JSON.parse(text) as ClientMessage;
		} catch {
			return;
		}
		if (m === null || typeof m !== "object") return;
		if ((m.type === "command" || m.type === "indoor") && typeof m.line === "string" && m.line.length <= MAX_LINE) {
			const line = m.line.trim();
			if (m.type === "indoor") this.#indoor?.command(line);
			// `quit` is for the terminal that started the station, not for a page.
			else if (!/^(quit|exit)\b/.test(line)) this.#station?.command(line);
		} else if (m.type === "audio" && (m.side === "off" || m.side === "door" || (m.side === "flat" && this.#indoor !== null))) {
			this.#setAudio(ws, m.side);
		}
	}

	/** Give the browser's microphone and speaker to a station (one page at a time: the last one asking). */
	#setAudio(ws: WebSocket | null, side: AudioSide): void {
		const was = this.#audio;
		if (was !== null) {
			this.#deviceOf(was.side)?.attach(null);
			if (was.client !== ws) this.#sendTo(was.client, { type: "audio", side: "off", detail: ws === null ? "" : "another page took the audio" });
		}
		this.#audio = null;
		if (ws === null || side === "off") {
			if (ws !== null) this.#sendTo(ws, { type: "audio", side: "off", detail: "" });
			return;
		}
		const port = new BrowserAudio((frame) => {
			if (ws.readyState === ws.OPEN && ws.bufferedAmount < 64 * 1024) ws.send(frame);
		});
		this.#deviceOf(side)?.attach(port);
		this.#audio = { client: ws, side, port };
		this.#sendTo(ws, { type: "audio", side, detail: side === "door" ? "the browser is the door station's microphone and speaker" : "the browser is the flat's microphone and speaker" });
	}

	#deviceOf(side: AudioSide) {
		return side === "door" ? this.#station?.audio ?? null : side === "flat" ? this.#indoor?.audio ?? null : null;
	}

	#broadcast(m: ServerMessage): void {
		const text = JSON.stringify(m);
		for (const c of this.#clients) if (c.readyState === c.OPEN) c.send(text);
	}

	#sendTo(ws: WebSocket, m: ServerMessage): void {
		if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
	}
}

/** What the page shows about the station: addresses, PBX, call list, relays (no password, no door code). */
function stationInfo(station: SimStation, indoor: IndoorStation | null): StationInfo {
	const net = station.net, ua = station.station.ua.config, config = station.station.config;
	const door = endpoint(net.address, net.port);
	const endpoints: Record<string, string> = { [door]: "door station" };
	if (indoor !== null) endpoints[endpoint(indoor.net.address, indoor.net.port)] = "indoor station";
	const registrar = config.sip.registrar, server = station.station.ua.registration.server;
	// The PBX's address as the registration found it (a name resolves once registration starts).
	if (server !== "") endpoints[server] = "PBX";
	return {
		aor: `sip:${ua.user}@${ua.domain}`, listen: door,
		registrar: registrar === null ? null : serverText(registrar),
		callList: config.callList.targets.map((t) => ({ name: t.name, uri: t.uri })),
		relays: config.relays.map((r) => ({ name: r.name, pulseMs: r.pulseMs })),
		endpoints, longPressMs: config.button.longPressMs,
	};
}

/** "address:port" as the ladder names endpoints (IPv6 in brackets). */
export function endpoint(address: string, port: number): string {
	return `${address.includes(":") ? `[${address}]` : address}:${port}`;
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
	if (Array.isArray(data)) return Buffer.concat(data);
	return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}
