// The station's HTTP API in the manner of 2N IP intercoms (2N HTTP API manual §3: /api/switch/ctrl, /api/switch/status,
// /api/call/status, /api/call/dial, /api/call/hangup, /api/system/info), with the same JSON envelopes and error codes,
// and a Server-Sent Events stream (/api/events) of the events MQTT publishes. Requests reach it authenticated
// (src/http/http-server.ts checks Digest first); opening a relay or placing a call also needs the configuration's
// consent (http.allowOpen, http.allowCalls), else "function is disabled" and a log line.
import type { IntercomEvents } from "../intercom/events.js";
import { ascii } from "../sip/bytes.js";
import type { Writer } from "../sip/writer.js";
import { beginResult, E_DISABLED, E_INVALID, E_MISSING, E_PATH, E_PROCESSING, endResult, writeError, writeOk } from "../http/envelope.js";
import type { HttpHandler, HttpServer } from "../http/http-server.js";
import { jsonBool, jsonQuoted, jsonString } from "../http/json.js";
import { CALL_STATES, CH_DOOR, CH_DOORBELL, CH_REGISTRATION, CH_RELAY, CHANNEL_NAMES, DIR_IN, type StationControl, type StationEvents } from "./station-events.js";

export interface HttpApiOptions {
	readonly station: StationControl;
	readonly events: StationEvents;
	readonly log: IntercomEvents;
	/** /api/system/info. */
	readonly version: string;
	readonly model: string;
}

const P_ROOT = ascii("/"), P_INFO = ascii("/api/system/info"), P_SWITCH_STATUS = ascii("/api/switch/status"), P_SWITCH_CTRL = ascii("/api/switch/ctrl"),
	P_CALL_STATUS = ascii("/api/call/status"), P_CALL_DIAL = ascii("/api/call/dial"), P_CALL_HANGUP = ascii("/api/call/hangup"), P_EVENTS = ascii("/api/events");
const ENDPOINTS = ["/api/system/info", "/api/switch/status", "/api/switch/ctrl?switch=1&action=trigger", "/api/call/status",
	"/api/call/dial?number=sip:user@host", "/api/call/hangup", "/api/events"];
/** A slot's state as 2N's call status names it. */
const SESSION_STATES = ["idle", "connecting", "ringing", "connected"];
const CHANNEL_BYTES = CHANNEL_NAMES.map(ascii);
/** What /api/call/dial accepts: a SIP URI (the station resolves no names; the UA checks the host further). */
const SIP_URI = /^sips?:[^\s<>"]+$/i;

export class HttpApi implements HttpHandler {
	readonly #o: HttpApiOptions;
	readonly #station: StationControl;
	readonly #events: StationEvents;
	readonly #relayNames: readonly Uint8Array[];
	#server: HttpServer | null = null;
	/** While /api/call/dial runs: the station's refusal, if it refuses (its `refused` event comes back synchronously). */
	#dialing = false;
	#dialRefusal = "";

	constructor(options: HttpApiOptions) {
		this.#o = options;
		this.#station = options.station;
		this.#events = options.events;
		this.#relayNames = options.station.config.relays.map((r) => jsonQuoted(r.name));
	}

	/** The server that streams events (set by the composition, src/home/home-link.ts). */
	attach(server: HttpServer): void {
		this.#server = server;
	}

	/** A station event was digested (`channel` from `events.take`): stream it. */
	publish(channel: number): void {
		const s = this.#server, ev = this.#events;
		if (s === null || s.streams === 0) return;
		if (channel === CH_DOORBELL || channel === CH_DOOR || channel === CH_RELAY || channel === CH_REGISTRATION) s.broadcast(CHANNEL_BYTES[channel], ev.json.buf, ev.json.pos);
		if (ev.callChanged) s.broadcast(CHANNEL_BYTES[3], ev.callJson.buf, ev.callJson.pos);
	}

	/** The station refused a command (its `refused` event): kept when it answers a dial being handled. */
	noteRefusal(reason: string): void {
		if (this.#dialing) this.#dialRefusal = reason;
	}

	onRequest(ex: HttpServer): void {
		const w = ex.body;
		if (ex.path(P_SWITCH_CTRL)) this.#switchCtrl(ex, w);
		else if (ex.path(P_SWITCH_STATUS)) this.#switchStatus(ex, w);
		else if (ex.path(P_CALL_STATUS)) this.#callStatus(ex, w);
		else if (ex.path(P_CALL_DIAL)) this.#dial(ex, w);
		else if (ex.path(P_CALL_HANGUP)) this.#hangup(ex, w);
		else if (ex.path(P_EVENTS)) {
			if (!ex.stream()) this.#error(ex, 503, E_PROCESSING, "too many event streams (http.maxEventStreams)");
		} else if (ex.path(P_INFO)) {
			const c = this.#station.config;
			beginResult(w).ascii('{"variant":').bytes(jsonQuoted(this.#o.model)).ascii(',"swVersion":').bytes(jsonQuoted(this.#o.version)).ascii(',"deviceName":');
			jsonString(w, c.mqtt.deviceName).ascii(',"sipUser":');
			jsonString(w, c.sip.user).byte(0x7d);
			endResult(w);
			ex.send(200);
		} else if (ex.path(P_ROOT)) {
			beginResult(w).ascii('{"endpoints":[');
			ENDPOINTS.forEach((e, i) => jsonString(i === 0 ? w : w.byte(0x2c), e));
			w.ascii("]}");
			endResult(w);
			ex.send(200);
		} else this.#error(ex, 404, E_PATH, "invalid request path");
	}

	// ---- /api/switch ----

	#switchStatus(ex: HttpServer, w: Writer): void {
		const only = ex.param("switch");
		const n = only === null ? 0 : this.#switchNumber(ex, only);
		if (n < 0) return;
		beginResult(w).ascii('{"switches":[');
		const open = this.#events.relayOpen;
		let first = true;
		for (let i = 0; i < open.length; i++) {
			if (n > 0 && i !== n - 1) continue;
			if (!first) w.byte(0x2c);
			first = false;
			w.ascii('{"switch":').uint(i + 1).ascii(',"name":').bytes(this.#relayNames[i]).ascii(',"active":');
			jsonBool(w, open[i] !== 0).byte(0x7d);
		}
		w.ascii("]}");
		endResult(w);
		ex.send(200);
	}

	#switchCtrl(ex: HttpServer, w: Writer): void {
		const sw = ex.param("switch"), action = ex.param("action");
		if (sw === null) return this.#error(ex, 400, E_MISSING, "missing mandatory parameter", "switch");
		const n = this.#switchNumber(ex, sw);
		if (n < 0) return;
		if (action === null) return this.#error(ex, 400, E_MISSING, "missing mandatory parameter", "action");
		// A relay pulses for its configured time (relays[].pulseMs): "trigger", and 2N's "on" for a monostable switch.
		if (action !== "trigger" && action !== "on") return this.#error(ex, 400, E_INVALID, "invalid parameter value: trigger (or on)", "action");
		const command = `http: open relay ${n}`;
		if (!this.#station.config.http.allowOpen) {
			this.#o.log.event({ type: "refused", command, reason: `remote opening is off (http.allowOpen), asked by ${ex.peer}` });
			return this.#error(ex, 403, E_DISABLED, "function is disabled (http.allowOpen)");
		}
		if (!this.#station.openDoor(n - 1, "", "http")) return this.#error(ex, 500, E_PROCESSING, "the relay could not be pulsed");
		writeOk(w);
		ex.send(200);
	}

	/** The 1-based switch number in `text`, or -1 (an error was answered). */
	#switchNumber(ex: HttpServer, text: string): number {
		const n = /^[1-9][0-9]?$/.test(text) ? Number(text) : 0;
		if (n < 1 || n > this.#events.relayOpen.length) {
			this.#error(ex, 400, E_INVALID, `invalid parameter value: 1-${this.#events.relayOpen.length}`, "switch");
			return -1;
		}
		return n;
	}

	// ---- /api/call ----

	#callStatus(ex: HttpServer, w: Writer): void {
		const ev = this.#events;
		beginResult(w).ascii('{"state":').bytes(jsonQuoted(CALL_STATES[ev.callState])).ascii(',"sessions":[');
		let first = true;
		for (let i = 0; i < ev.slotState.length; i++) {
			if (ev.slotState[i] === 0) continue;
			if (!first) w.byte(0x2c);
			first = false;
			w.ascii('{"session":').uint(i + 1).ascii(',"direction":').ascii(ev.slotDirection[i] === DIR_IN ? '"incoming"' : '"outgoing"');
			w.ascii(',"state":"').ascii(SESSION_STATES[ev.slotState[i]]).ascii('","peer":');
			jsonString(w, ev.slotPeer[i]).byte(0x7d);
		}
		w.ascii("]}");
		endResult(w);
		ex.send(200);
	}

	#dial(ex: HttpServer, w: Writer): void {
		const uri = ex.param("number");
		if (uri === null) return this.#error(ex, 400, E_MISSING, "missing mandatory parameter", "number");
		if (uri.length > 200 || !SIP_URI.test(uri)) return this.#error(ex, 400, E_INVALID, "invalid parameter value: a SIP URI (sip:user@host)", "number");
		if (!this.#callsAllowed(ex, "http: dial")) return;
		this.#dialing = true;
		this.#dialRefusal = "";
		const slot = this.#station.call(uri);
		this.#dialing = false;
		if (slot < 0 && this.#dialRefusal !== "") return this.#error(ex, 409, E_PROCESSING, this.#dialRefusal);
		// -1 without a refusal: the call waits for the first registration and follows (a `calling` event).
		beginResult(w).ascii('{"session":').uint(slot < 0 ? 0 : slot + 1);
		if (slot < 0) w.ascii(',"pending":true');
		w.byte(0x7d);
		endResult(w);
		ex.send(200);
	}

	#hangup(ex: HttpServer, w: Writer): void {
		const session = ex.param("session");
		let slot = -1;
		if (session !== null) {
			slot = /^[1-9][0-9]?$/.test(session) ? Number(session) - 1 : -1;
			if (slot < 0 || slot >= this.#events.slotState.length || this.#events.slotState[slot] === 0) {
				return this.#error(ex, 400, E_INVALID, "invalid parameter value: no such session", "session");
			}
		}
		if (!this.#callsAllowed(ex, "http: hang up")) return;
		this.#station.hangup(slot);
		writeOk(w);
		ex.send(200);
	}

	#callsAllowed(ex: HttpServer, command: string): boolean {
		if (this.#station.config.http.allowCalls) return true;
		this.#o.log.event({ type: "refused", command, reason: `remote calls are off (http.allowCalls), asked by ${ex.peer}` });
		this.#error(ex, 403, E_DISABLED, "function is disabled (http.allowCalls)");
		return false;
	}

	#error(ex: HttpServer, status: number, code: number, description: string, param = ""): void {
		writeError(ex.body, code, description, param);
		ex.send(status);
	}
}
