// What the home hears of the door station: its events sorted into the channels Home Assistant and the HTTP event
// stream show (doorbell, door, call state, registration, relays), each with one JSON text, and the call state
// (idle, calling, ringing, in call) followed from the events. One formatter feeds MQTT and HTTP alike. A state change
// allocates nothing: names are encoded at start-up and numbers written digit by digit. No event carries a door code's
// digits or a password (the station's events never hold them, src/intercom/events.ts).
import { ascii } from "../sip/bytes.js";
import { Writer } from "../sip/writer.js";
import type { StationConfig } from "../intercom/config.js";
import type { StationStatus } from "../intercom/door-station.js";
import type { IntercomEvent, OpenedBy } from "../intercom/events.js";
import { jsonQuoted, jsonString } from "../http/json.js";

/** The commands the home links drive (DoorStation has them all). */
export interface StationControl {
	readonly config: StationConfig;
	openDoor(relay: number, from: string, by: OpenedBy): boolean;
	startCallList(which: number): boolean;
	call(uri: string): number;
	hangup(call?: number): void;
	status(): StationStatus;
}

/** Channels (what a message is about); the call state is told apart (`callChanged`), as one event may also be a ring's answer. */
export const CH_NONE = 0, CH_DOORBELL = 1, CH_DOOR = 2, CH_CALL = 3, CH_REGISTRATION = 4, CH_RELAY = 5;
/** The channel names: MQTT topic levels and SSE event names. */
export const CHANNEL_NAMES: readonly string[] = Object.freeze(["", "doorbell", "door", "call", "registration", "relay"]);

/** Call states, as Home Assistant's enum sensor lists them (its `options`). */
export const CALL_IDLE = 0, CALL_CALLING = 1, CALL_RINGING = 2, CALL_IN_CALL = 3;
export const CALL_STATES: readonly string[] = Object.freeze(["idle", "calling", "ringing", "in call"]);
/** Registration states: no registrar configured, first REGISTER under way, registered, un-registered, failed. */
export const REG_NONE = 0, REG_REGISTERING = 1, REG_REGISTERED = 2, REG_UNREGISTERED = 3, REG_FAILED = 4;
export const REGISTRATION_STATES: readonly string[] = Object.freeze(["none", "registering", "registered", "unregistered", "failed"]);
/** The doorbell's and the door's event types (Home Assistant requires `ring` on a doorbell event entity). */
export const DOORBELL_EVENTS: readonly string[] = Object.freeze(["ring", "answered"]);
export const DOOR_EVENTS: readonly string[] = Object.freeze(["opened", "wrong_code", "locked_out", "lockout_over"]);
/** A call slot's direction (for /api/call/status). */
export const DIR_OUT = 0, DIR_IN = 1;

const CALL_STATE_BYTES = CALL_STATES.map(ascii), REGISTRATION_BYTES = REGISTRATION_STATES.map(ascii);
const OPENED_BY: Readonly<Record<OpenedBy, Uint8Array>> = Object.freeze({ code: ascii('"code"'), command: ascii('"command"'), mqtt: ascii('"mqtt"'), http: ascii('"http"') });
const J_RING = ascii('{"event_type":"ring","button":'), J_ANSWERED = ascii('{"event_type":"answered","call":'),
	J_PEER = ascii(',"peer":'), J_OPENED = ascii('{"event_type":"opened","relay":'), J_NAME = ascii(',"name":'), J_BY = ascii(',"by":'),
	J_WRONG = ascii('{"event_type":"wrong_code","count":'), J_MAX = ascii(',"max":'), J_LOCKED = ascii('{"event_type":"locked_out","seconds":'),
	J_OVER = ascii('{"event_type":"lockout_over"}'), J_STATE = ascii('{"state":"'), J_RELAY = ascii('{"relay":'), J_ON = ascii(',"state":"ON"}'),
	J_OFF = ascii(',"state":"OFF"}'), J_END_STATE = ascii('"}'), J_NONE = ascii('""');

/** Slot states the tracker keeps (a subset of the station's: what the call-state sensor needs). */
const S_IDLE = 0, S_CALLING = 1, S_RINGING = 2, S_ACTIVE = 3;

/**
 * Sorts station events into channels and keeps the states. `take(e)` returns the channel of what happened (CH_NONE when
 * nothing is to be told) with its JSON in `json`, and sets `callChanged` when the call state moved (its JSON is then in
 * `callJson`): an answer to a ring is both a doorbell event and a new call state. Sized once from the configuration.
 */
export class StationEvents {
	/** The last event's JSON (an MQTT event payload, an SSE `data:` line). */
	readonly json = new Writer(512);
	/** `{"state":"…"}` of the call state, written when it changes. */
	readonly callJson = new Writer(64);
	callState = CALL_IDLE;
	callChanged = false;
	registration: number;
	/** CH_RELAY: which relay changed (0-based); and each relay's state. */
	relay = 0;
	readonly relayOpen: Uint8Array;
	/** Per call slot: state, direction and peer (for /api/call/status). */
	readonly slotState: Uint8Array;
	readonly slotDirection: Uint8Array;
	readonly slotPeer: string[];
	readonly #relayNames: readonly Uint8Array[];
	#listRunning = false;
	/** A call list was just answered: the next `answered` event says who (the doorbell's "answered"). */
	#listAnswered = false;

	constructor(config: StationConfig, slots: number, status: StationStatus | null = null) {
		this.relayOpen = new Uint8Array(config.relays.length);
		this.#relayNames = Object.freeze(config.relays.map((r) => jsonQuoted(r.name)));
		this.slotState = new Uint8Array(slots);
		this.slotDirection = new Uint8Array(slots);
		this.slotPeer = new Array<string>(slots).fill("");
		const reg = status?.registration ?? (config.sip.registrar === null ? "none" : "registering");
		this.registration = reg === "none" ? REG_NONE : reg === "registered" ? REG_REGISTERED : reg === "failed" ? REG_FAILED : REG_REGISTERING;
		if (status !== null) for (let i = 0; i < status.relays.length && i < this.relayOpen.length; i++) this.relayOpen[i] = status.relays[i].open ? 1 : 0;
		this.#writeCallJson();
	}

	/** The call state's name as bytes (`idle`, `calling`, `ringing`, `in call`). */
	get callStateBytes(): Uint8Array {
		return CALL_STATE_BYTES[this.callState];
	}

	get registrationBytes(): Uint8Array {
		return REGISTRATION_BYTES[this.registration];
	}

	/** Digest one event: the channel of what happened, its JSON in `json`; `callChanged` when the call state moved. */
	take(e: IntercomEvent): number {
		const w = this.json;
		w.reset();
		this.callChanged = false;
		switch (e.type) {
			case "button":
				if (e.action !== "press") return CH_NONE;
				w.bytes(J_RING).uint(1).byte(0x7d); // one door button: button 1
				return CH_DOORBELL;
			case "door-opened":
				w.bytes(J_OPENED).uint(e.relay + 1).bytes(J_NAME).bytes(this.#relayNames[e.relay] ?? J_NONE).bytes(J_BY).bytes(OPENED_BY[e.by]);
				if (e.by === "code" && e.from !== "") jsonString(w.bytes(J_PEER), e.from);
				w.byte(0x7d);
				return CH_DOOR;
			case "wrong-code":
				w.bytes(J_WRONG).uint(e.count).bytes(J_MAX).uint(e.max).byte(0x7d);
				return CH_DOOR;
			case "locked-out":
				w.bytes(J_LOCKED).uint(e.seconds).byte(0x7d);
				return CH_DOOR;
			case "lockout-over":
				w.bytes(J_OVER);
				return CH_DOOR;
			case "relay":
				if (e.relay < 0 || e.relay >= this.relayOpen.length) return CH_NONE;
				this.relay = e.relay;
				this.relayOpen[e.relay] = e.open ? 1 : 0;
				w.bytes(J_RELAY).uint(e.relay + 1).bytes(J_NAME).bytes(this.#relayNames[e.relay]).bytes(e.open ? J_ON : J_OFF);
				return CH_RELAY;
			case "registration": {
				const r = e.state === "registered" ? REG_REGISTERED : e.state === "failed" ? REG_FAILED : e.state === "unregistered" ? REG_UNREGISTERED : this.registration;
				if (r === this.registration) return CH_NONE;
				this.registration = r;
				w.bytes(J_STATE).bytes(REGISTRATION_BYTES[r]).bytes(J_END_STATE);
				return CH_REGISTRATION;
			}
			case "answered":
				this.#slot(e.call, S_ACTIVE, -1, e.peer);
				this.#updateCall();
				if (!this.#listAnswered) return CH_NONE;
				// The doorbell's answer: who took the call the ring started.
				this.#listAnswered = false;
				jsonString(w.bytes(J_ANSWERED).uint(e.call + 1).bytes(J_PEER), e.peer).byte(0x7d);
				return CH_DOORBELL;
			case "call-list":
				this.#listRunning = e.state === "started" || e.state === "waiting-for-registration";
				if (e.state === "answered") this.#listAnswered = true;
				this.#updateCall();
				return CH_NONE;
			case "calling":
				this.#slot(e.call, S_CALLING, DIR_OUT, e.target);
				this.#updateCall();
				return CH_NONE;
			case "progress":
				this.#slot(e.call, S_RINGING, -1, "");
				this.#updateCall();
				return CH_NONE;
			case "incoming":
				if (e.decision === "refuse" || e.decision === "busy") return CH_NONE; // refused at once: never a call
				this.#slot(e.call, S_RINGING, DIR_IN, e.from);
				this.#updateCall();
				return CH_NONE;
			case "ended":
				this.#slot(e.call, S_IDLE, -1, "");
				this.#updateCall();
				return CH_NONE;
			default:
				return CH_NONE;
		}
	}

	#slot(call: number, state: number, direction: number, peer: string): void {
		if (call < 0 || call >= this.slotState.length) return;
		this.slotState[call] = state;
		if (direction >= 0) this.slotDirection[call] = direction;
		if (peer !== "" || state === S_IDLE) this.slotPeer[call] = peer;
	}

	/** The state shown: in call if any call talks, else ringing, else calling (a list running counts), else idle. */
	#updateCall(): void {
		let s = this.#listRunning ? CALL_CALLING : CALL_IDLE;
		for (let i = 0; i < this.slotState.length; i++) {
			const t = this.slotState[i];
			const c = t === S_ACTIVE ? CALL_IN_CALL : t === S_RINGING ? CALL_RINGING : t === S_CALLING ? CALL_CALLING : CALL_IDLE;
			if (c > s) s = c;
		}
		if (s === this.callState) return;
		this.callState = s;
		this.callChanged = true;
		this.#writeCallJson();
	}

	#writeCallJson(): void {
		this.callJson.reset().bytes(J_STATE).bytes(CALL_STATE_BYTES[this.callState]).bytes(J_END_STATE);
	}
}
