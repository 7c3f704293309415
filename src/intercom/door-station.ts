// The door station: the application on top of the user agent and the media (RFC 3261 §5's top layer) — DESIGN.md §6.
// It hears the UA through UaEvents, the button and the audio clock from the host, and decides: which flats to ring,
// whether a caller is let in, when a door code opens the relay, when a call has lasted long enough. One policy for
// every host (the ESP32 and the simulator build it the same way); everything is made once, at start.
import type { Clock, Pin, Random } from "../host.js";
import type { SipLocator } from "../dns/sip-locator.js";
import { DIGIT_SOURCE_SIP_INFO } from "../media/dtmf-4733.js";
import { CALL_END_WARNING, DOOR_OPENED, INVALID_CODE, type Tone } from "../media/tones.js";
import type { TransactionConfig } from "../transaction/config.js";
import type { TimerOwner, TimerWheel } from "../transaction/timer-wheel.js";
import type { Transport } from "../transaction/transport.js";
import { CALL_ACTIVE, CALL_CALLING, CALL_RINGING_IN } from "../ua/call.js";
import { uaConfig, type UaConfig } from "../ua/ua-config.js";
import { END_NAMES, END_REJECTED, type UaEvents } from "../ua/ua-events.js";
import { UserAgent } from "../ua/user-agent.js";
import { Button, type ButtonUser } from "./button.js";
import { CallAudio, type CallAudioUser, type MediaPorts } from "./call-audio.js";
import { CallLimits, type CallLimitsUser } from "./call-limits.js";
import { CallList, type CallListUser } from "./call-list.js";
import { allowedCaller } from "./caller-filter.js";
import type { CallTarget, IndicatorMode, StationConfig } from "./config.js";
import { CODE_LOCKED, CODE_LOCKOUT_STARTED, CODE_OPEN, CODE_WRONG, DoorCodeMatcher, type DoorCodeUser } from "./door-code.js";
import type { IndicatorName, IntercomEvent, IntercomEvents, OpenedBy, SlotState, ToneName } from "./events.js";
import { Indicators, type IndicatorUser } from "./indicators.js";
import { Relay, type RelayUser } from "./relay.js";
import { BUSY_TONE_MS, progressTones, type ProgressTones } from "./tone-plan.js";

/** Everything the host hands the station: the network stack it built, devices, and where events go. */
export interface DoorStationOptions {
	readonly config: StationConfig;
	readonly transport: Transport;
	readonly wheel: TimerWheel;
	readonly transactionConfig: TransactionConfig;
	readonly clock: Clock;
	readonly random: Random;
	/** One per call slot (`callSlots(config)`), bound by the host. */
	readonly ports: readonly MediaPorts[];
	/** One output pin per configured relay. */
	readonly relays: readonly Pin[];
	/** The LEDs the board has. */
	readonly leds?: Partial<Record<IndicatorName, Pin>>;
	readonly events: IntercomEvents;
	/** User-Agent / Server header (default "sip-intercom/0.1"). */
	readonly product?: string;
	/**
	 * The host's resolver (src/dns: a DnsClient and its SipLocator, on this station's wheel): servers and call targets
	 * named by host names are located through it (RFC 3263). Without it only numeric addresses are reached.
	 */
	readonly locator?: SipLocator;
}

/** Call slots the station needs: two for a sequential list (one rings while the last one's CANCEL completes), one per
 * target of a parallel list, and one more so a caller can always be answered "busy" by the station, not the UA. */
export function callSlots(config: StationConfig): number {
	const parallel = (l: StationConfig["callList"] | null) => (l !== null && l.mode === "parallel" ? l.targets.length : 0);
	return Math.max(2, parallel(config.callList), parallel(config.alternateCallList)) + 1;
}

/** Timers the application can hold at once (the host adds them to the stack's when it sizes the wheel). */
export function applicationTimers(config: StationConfig): number {
	const slots = callSlots(config);
	// button 2, indicators 1, door codes 2, call limits 3, registration wait 1, per slot: ring time + answer delay.
	return 2 + 1 + 2 + 3 + 1 + config.relays.length + 2 * slots;
}

/** The UA's configuration from the station's. `localAddress` is the domain when there is no registrar. */
export function uaConfigFor(config: StationConfig, localAddress: string, product = "sip-intercom/0.1"): UaConfig {
	const s = config.sip;
	return uaConfig({
		user: s.user, domain: s.domain !== "" ? s.domain : s.registrar?.host ?? localAddress, displayName: s.displayName,
		authUser: s.authUser !== "" ? s.authUser : s.user, password: s.password, registrar: s.registrar, outboundProxy: s.proxy,
		registerExpires: s.registerExpires, sessionExpires: s.sessionExpires, maxCalls: callSlots(config), rtpPort: s.rtpPort,
		userAgent: product,
	});
}

/** Who a call slot belongs to. */
const NONE = 0, LIST = 1, DIRECT = 2, INCOMING = 3;
/** How long a press waits for a first registration before the list is rung anyway. */
export const REGISTRATION_WAIT_MS = 10_000;
const T_REGISTRATION_WAIT = 1, T_ANSWER = 2;
const NO_PENDING = -1, DIRECT_PENDING = 2;
/** SDP directions by their bits (src/sip/offer-answer.ts: send 1, receive 2; RFC 3264 §6.1). */
const DIRECTIONS: readonly string[] = Object.freeze(["inactive", "sendonly", "recvonly", "sendrecv"]);

/** What the station's status command and the web panel show. */
export interface StationStatus {
	readonly registration: "none" | "registering" | "registered" | "failed";
	readonly slots: readonly { readonly state: SlotState; readonly peer: string }[];
	readonly callList: "idle" | "waiting" | "ringing";
	readonly relays: readonly { readonly name: string; readonly open: boolean }[];
	readonly leds: Readonly<Record<IndicatorName, IndicatorMode>>;
	readonly lockedOut: boolean;
	readonly audio: boolean;
}

export class DoorStation implements UaEvents, ButtonUser, RelayUser, IndicatorUser, CallListUser, CallLimitsUser, CallAudioUser, DoorCodeUser, TimerOwner {
	readonly config: StationConfig;
	readonly ua: UserAgent;
	readonly audio: CallAudio;
	readonly button: Button;
	readonly relays: readonly Relay[];
	readonly #events: IntercomEvents;
	readonly #wheel: TimerWheel;
	readonly #clock: Clock;
	readonly #owner: number;
	readonly #tones: ProgressTones;
	readonly #indicators: Indicators;
	readonly #list: CallList;
	readonly #limits: CallLimits;
	readonly #codes: DoorCodeMatcher;
	/** Per call slot: who it belongs to, its state, its peer, whether codes keyed in it count, its answer timer. */
	readonly #kind: Uint8Array;
	readonly #state: SlotState[];
	readonly #peer: string[];
	readonly #codesAllowed: Uint8Array;
	readonly #codeRefused: Uint8Array;
	readonly #answerTimer: Int32Array;
	/** The call in conversation (answered), or -1. */
	#active = -1;
	#registration: StationStatus["registration"];
	/** What waits for the first registration (a list's number, DIRECT_PENDING, or NO_PENDING), and its timer. */
	#pending = NO_PENDING;
	#pendingUri = "";
	#waitTimer = -1;
	readonly #levels: { type: "levels"; call: number; inDb: number; outDb: number } = { type: "levels", call: 0, inDb: 0, outDb: 0 };

	constructor(options: DoorStationOptions) {
		const config = options.config, wheel = options.wheel, now = () => options.clock.now();
		this.config = config;
		this.#events = options.events;
		this.#wheel = wheel;
		this.#clock = options.clock;
		this.#owner = wheel.register(this);
		this.#tones = progressTones(config.audio.tonePlan);
		const slots = callSlots(config);
		if (options.ports.length < slots) throw new RangeError(`the station needs ${slots} call slots' media ports, got ${options.ports.length}`);
		if (options.relays.length < config.relays.length) throw new RangeError(`the configuration names ${config.relays.length} relays, the host gave ${options.relays.length} pins`);
		this.#kind = new Uint8Array(slots);
		this.#state = new Array<SlotState>(slots).fill("idle");
		this.#peer = new Array<string>(slots).fill("");
		this.#codesAllowed = new Uint8Array(slots);
		this.#codeRefused = new Uint8Array(slots);
		this.#answerTimer = new Int32Array(slots).fill(-1);
		this.#registration = config.sip.registrar === null ? "none" : "registering";
		this.ua = new UserAgent({
			config: uaConfigFor(config, options.transport.localAddress, options.product), transactionConfig: options.transactionConfig,
			transport: options.transport, wheel, random: options.random, events: this, locator: options.locator,
		});
		this.audio = new CallAudio({ ports: options.ports, clock: options.clock, random: options.random, config: config.audio, user: this });
		this.button = new Button({ wheel, config: config.button, user: this, now });
		this.relays = config.relays.map((r, i) => new Relay({ index: i, config: r, pin: options.relays[i], wheel, user: this }));
		this.#indicators = new Indicators({ config: config.indicators, pins: options.leds ?? {}, wheel, user: this });
		this.#list = new CallList({ wheel, ua: this.ua, user: this, slots });
		this.#limits = new CallLimits({ config: config.callLimits, wheel, user: this, now });
		this.#codes = new DoorCodeMatcher({ config: config.doorCodes, wheel, user: this, now });
	}

	/** Register (when a registrar is configured) and light the indicators. */
	start(): void {
		this.#updateIndicators();
		if (this.config.sip.registrar !== null) this.ua.register();
	}

	/** Hang up, un-register, release the relays, darken the LEDs. */
	stop(): void {
		this.#list.cancel();
		this.#cancelWait();
		this.ua.shutdown();
		this.audio.close();
		for (const r of this.relays) r.stop();
		this.button.stop();
		this.#limits.stop();
		this.#codes.stop();
		this.#indicators.stop();
	}

	// ---- commands (the host's command line, the web panel, MQTT and HTTP all come through these) ----

	/** A raw edge of the door button (debounced here). */
	buttonEdge(pressed: boolean): void {
		this.button.edge(pressed);
	}

	/** Ring call list `which` (0 main, 1 alternate) as a press would. */
	startCallList(which = 0): boolean {
		if (this.#list.running || this.#pending !== NO_PENDING) return this.#refuse("call list", "already ringing");
		if (this.#busy()) return this.#refuse("call list", "a call is in progress");
		const list = which === 0 ? this.config.callList : this.config.alternateCallList;
		if (list === null || list.targets.length === 0) return this.#refuse("call list", `no ${which === 0 ? "" : "alternate "}call list configured`);
		if (this.#waitForRegistration(which)) {
			this.#emit({ type: "call-list", list: which, state: "waiting-for-registration", cycle: 0 });
			this.#updateIndicators();
			return true;
		}
		return this.#ringList(which);
	}

	/** Stop ringing the call list (or stop waiting to). */
	cancelCallList(): void {
		const pending = this.#pending;
		if (pending !== NO_PENDING) {
			this.#cancelWait();
			if (pending !== DIRECT_PENDING) this.#emit({ type: "call-list", list: pending, state: "cancelled", cycle: 0 });
			this.#updateIndicators();
		}
		this.#list.cancel();
	}

	/**
	 * Call `uri` directly (not from a list): the call slot, or -1. While the first registration is still under way the
	 * call waits for it (at most REGISTRATION_WAIT_MS) and -1 is returned; a `calling` event follows.
	 */
	call(uri: string): number {
		if (this.#busy() || this.#list.running || this.#pending !== NO_PENDING) {
			this.#refuse("call", "a call is in progress");
			return -1;
		}
		if (this.#waitForRegistration(DIRECT_PENDING)) {
			this.#pendingUri = uri;
			this.#emit({ type: "registration", state: "waiting", detail: `calling ${uri} once registered` });
			return -1;
		}
		return this.#placeCall(uri);
	}

	#placeCall(uri: string): number {
		const call = this.ua.call(uri);
		if (call < 0) {
			this.#refuse("call", `cannot call ${uri}: ${this.ua.callError}`);
			return -1;
		}
		this.#take(call, DIRECT, uri, this.config.doorCodes.fromCallList, "calling");
		this.#emit({ type: "calling", call, target: uri, name: "" });
		this.#updateIndicators();
		return call;
	}

	/** Answer a ringing incoming call (manual answering). */
	answer(call = this.#first("incoming")): boolean {
		if (call < 0 || this.#state[call] !== "incoming") return this.#refuse("answer", "no ringing call");
		this.#state[call] = "answering";
		return this.ua.answer(call);
	}

	/** Refuse a ringing incoming call with `status`. */
	reject(call = this.#first("incoming"), status = 486): boolean {
		if (call < 0 || this.#state[call] !== "incoming") return this.#refuse("reject", "no ringing call");
		this.ua.reject(call, status);
		return true;
	}

	/** Hang up `call`, or everything (the list included) when none is named. */
	hangup(call = -1): void {
		if (call >= 0) {
			this.ua.hangup(call);
			return;
		}
		this.cancelCallList();
		for (let i = 0; i < this.#kind.length; i++) if (this.ua.calls[i].busy) this.ua.hangup(i);
	}

	/** Open the door relay `relay` by command (a remote opening: the command line or web panel, MQTT, HTTP). */
	openDoor(relay = 0, from = "", by: OpenedBy = "command"): boolean {
		const r = this.relays[relay];
		if (r === undefined) return this.#refuse("open", `no relay ${relay} (the configuration has ${this.relays.length})`);
		return this.#open(relay, by, from);
	}

	/** Send DTMF digits as RFC 4733 events on the call in conversation (or `call`). */
	sendDigits(digits: string, call = this.#active): boolean {
		const s = call >= 0 ? this.audio.session(call) : null;
		if (s === null || !s.active) return this.#refuse("dtmf", "no call with media");
		for (let i = 0; i < digits.length; i++) if (!s.sendDigit(digits.charCodeAt(i))) return this.#refuse("dtmf", "the call has no telephone-event (RFC 4733)");
		return true;
	}

	register(): void {
		if (this.config.sip.registrar === null) {
			this.#refuse("register", "no registrar configured");
			return;
		}
		if (this.#registration !== "registered") this.#registration = "registering";
		this.ua.register();
	}

	unregister(): void {
		this.ua.unregister();
	}

	/** The host's network changed (new address, Wi-Fi back): register again at once. */
	networkChanged(): void {
		this.ua.networkChanged();
	}

	/** One 20 ms frame from the host's audio clock (mic in, or null for none; speaker out). */
	frame(mic: Int16Array | null, speaker: Int16Array): void {
		this.audio.frame(mic, speaker);
	}

	status(): StationStatus {
		const leds = {} as Record<IndicatorName, IndicatorMode>;
		for (const n of ["idle", "notRegistered", "calling", "inCall", "doorOpen"] as const) leds[n] = this.#indicators.mode(n);
		return {
			registration: this.#registration,
			slots: this.#state.map((state, i) => ({ state, peer: this.#peer[i] })),
			callList: this.#pending !== NO_PENDING && this.#pending !== DIRECT_PENDING ? "waiting" : this.#list.running ? "ringing" : "idle",
			relays: this.relays.map((r) => ({ name: r.config.name, open: r.open })),
			leds, lockedOut: this.#codes.lockedOut, audio: this.audio.wanted,
		};
	}

	/** Nothing left: no call, no transaction, no list, no call timer (tests' leak check; relays and LEDs may run). */
	get idle(): boolean {
		return this.ua.idle && !this.#list.running && this.#pending === NO_PENDING && this.#active < 0 && !this.audio.anyActive && this.#kind.every((k) => k === NONE);
	}

	// ---- the button ----

	onPress(): void {
		this.#emit({ type: "button", action: "press" });
		if (this.config.button.longPress === "none") this.#shortPress();
	}

	onRelease(_heldMs: number, long: boolean): void {
		this.#emit({ type: "button", action: "release" });
		if (this.config.button.longPress !== "none" && !long) this.#shortPress();
	}

	onLongPress(): void {
		this.#emit({ type: "button", action: "long-press" });
		const action = this.config.button.longPress;
		if (action === "hangup") this.hangup();
		else if (action === "alternateCallList" && !this.#busy() && !this.#list.running && this.#pending === NO_PENDING) this.startCallList(1);
	}

	/** Idle: ring the list. Ringing: stop. In a call: hang up or nothing, as configured. */
	#shortPress(): void {
		if (this.#list.running || this.#pending !== NO_PENDING) this.cancelCallList();
		else if (this.#busy()) {
			if (this.config.button.inCall === "hangup") this.hangup();
		} else this.startCallList(0);
	}

	// ---- the call list ----

	#ringList(which: number): boolean {
		const list = which === 0 ? this.config.callList : this.config.alternateCallList;
		return list !== null && this.#list.start(list, which);
	}

	onListStarted(list: number, cycle: number): void {
		this.#emit({ type: "call-list", list, state: "started", cycle });
		this.#updateIndicators();
	}

	onCalling(call: number, target: CallTarget): void {
		this.#take(call, LIST, target.uri, this.config.doorCodes.fromCallList, "calling");
		this.#emit({ type: "calling", call, target: target.uri, name: target.name });
	}

	onListEnded(answered: number, cancelled: boolean): void {
		const list = this.#list.which;
		if (answered >= 0) this.#emit({ type: "call-list", list, state: "answered", cycle: 0 });
		else {
			this.audio.stopLocal();
			this.#emit({ type: "call-list", list, state: cancelled ? "cancelled" : "nobody-answered", cycle: 0 });
			if (!cancelled) this.#playLocal("busy", BUSY_TONE_MS);
		}
		this.#updateIndicators();
	}

	// ---- UaEvents ----

	registered(expires: number): void {
		this.#registration = "registered";
		this.#emit({ type: "registration", state: "registered", detail: `expires ${expires} s` });
		this.#updateIndicators();
		this.#startPending();
	}

	unregistered(): void {
		this.#registration = this.config.sip.registrar === null ? "none" : "failed";
		this.#emit({ type: "registration", state: "unregistered", detail: "" });
		this.#updateIndicators();
	}

	registrationFailed(status: number, reason: string): void {
		this.#registration = "failed";
		this.#emit({ type: "registration", state: "failed", detail: status > 0 ? `${status} ${reason}` : reason });
		this.#updateIndicators();
		this.#startPending(); // the PBX may still route the calls (or the list has direct addresses)
	}

	incomingCall(call: number, from: string): void {
		this.#peer[call] = from;
		const allowed = allowedCaller(this.config.incoming.allow, from);
		// A door station carries one conversation: a caller while it rings or talks gets 486 (RFC 3261 §21.4.24).
		if (this.#busy(call) || this.#list.running || this.#pending !== NO_PENDING) {
			this.#emit({ type: "incoming", call, from, decision: "busy", status: 486 });
			this.ua.reject(call, 486);
			return;
		}
		if (allowed === null) {
			const status = this.config.incoming.refuseStatus;
			this.#emit({ type: "incoming", call, from, decision: "refuse", status });
			this.ua.reject(call, status);
			return;
		}
		this.#take(call, INCOMING, from, allowed.openDoor, "incoming");
		const auto = this.config.incoming.answer === "auto";
		this.#emit({ type: "incoming", call, from, decision: auto ? "answer" : "ring", status: 0 });
		if (auto) {
			this.#answerTimer[call] = this.#wheel.start(this.config.incoming.answerDelayMs, this.#owner, T_ANSWER, call);
			if (this.#answerTimer[call] < 0) this.answer(call);
		}
		this.#updateIndicators();
	}

	progress(call: number, status: number, early: boolean): void {
		if (this.#kind[call] === NONE) return;
		this.#state[call] = early ? "early" : "ringing";
		this.#emit({ type: "progress", call, status, early });
		if (early) {
			// Early media (RFC 3960): the far end's audio replaces the ringback.
			const m = this.ua.media(call);
			if (m !== null) {
				this.audio.stopLocal();
				this.audio.start(call, m);
			}
		} else if (status === 180 && !this.audio.anyActive) this.#playLocal("ringback");
	}

	answered(call: number): void {
		const kind = this.#kind[call];
		if (kind === LIST) this.#list.onAnswered(call);
		if (kind === NONE) return;
		this.#cancelAnswerTimer(call);
		this.#state[call] = "active";
		this.#active = call;
		this.audio.stopLocal();
		const m = this.ua.media(call);
		if (m !== null) this.audio.start(call, m);
		this.#codes.clear();
		if (!this.#limits.start(call)) this.ua.hangup(call); // no timer for the limit: a call must not run unbounded
		this.#emit({ type: "answered", call, peer: this.#peer[call], codec: m === null ? "" : `${m.codec === 8 ? "PCMA" : "PCMU"}/8000` });
		this.#updateIndicators();
	}

	mediaChanged(call: number): void {
		const m = this.ua.media(call);
		if (m === null || this.#kind[call] === NONE) return;
		this.audio.start(call, m);
		this.#emit({ type: "media-changed", call, remote: `${m.remoteAddress}:${m.remotePort}`, direction: DIRECTIONS[m.direction], held: m.held });
	}

	digit(call: number, digit: number): void {
		this.#onDigit(call, digit, DIGIT_SOURCE_SIP_INFO);
	}

	ended(call: number, why: number, status: number, detail = ""): void {
		const kind = this.#kind[call];
		this.audio.stop(call);
		this.#cancelAnswerTimer(call);
		// A direct call refused as busy: the visitor hears the busy tone (a list plays it once the whole list failed).
		if (kind === DIRECT && why === END_REJECTED && (status === 486 || status === 600)) this.#playLocal("busy", BUSY_TONE_MS);
		if (kind !== NONE) this.#emit({ type: "ended", call, why: END_NAMES[why], status, detail });
		if (call === this.#active) {
			this.#active = -1;
			this.#limits.stop();
			this.#codes.clear();
		}
		this.#kind[call] = NONE;
		this.#state[call] = "idle";
		this.#codeRefused[call] = 0;
		if (kind === LIST) this.#list.onEnded(call);
		// The ringback stops with the last ringing call (a busy tone just started plays on).
		if (!this.#list.running && this.audio.localTone === this.#tones.ringback) this.audio.stopLocal();
		this.#updateIndicators();
	}

	// ---- digits and door codes ----

	onDigit(call: number, digit: number, source: number): void {
		this.#onDigit(call, digit, source);
	}

	#onDigit(call: number, digit: number, source: number): void {
		if (this.#kind[call] === NONE) return;
		this.#emit({ type: "digit", call, source: source === DIGIT_SOURCE_SIP_INFO ? "SIP INFO" : "RFC 4733" });
		// Codes count only in the conversation (not from early media or a call being set up).
		if (call !== this.#active) return;
		const limits = this.config.callLimits;
		if (limits.extendKey !== "" && digit === limits.extendKey.charCodeAt(0) && this.#codes.entered === 0) {
			if (this.#limits.extend()) this.#emit({ type: "call-limit", call, state: "extended", seconds: limits.extendSeconds });
			return;
		}
		if (!this.#codes.configured) return;
		const from = this.#peer[call];
		if (this.#codesAllowed[call] === 0) {
			if (this.#codeRefused[call] === 0) this.#emit({ type: "code-refused", call, reason: "not-allowed", from });
			this.#codeRefused[call] = 1;
			return;
		}
		const result = this.#codes.digit(digit);
		if (result === CODE_OPEN) this.#open(this.#codes.relay, "code", from);
		else if (result === CODE_WRONG || result === CODE_LOCKOUT_STARTED) {
			this.#emit({ type: "wrong-code", call, count: this.#codes.wrongNumber, max: this.config.doorCodes.maxWrong, from });
			if (result === CODE_LOCKOUT_STARTED) this.#emit({ type: "locked-out", seconds: this.config.doorCodes.lockoutSeconds });
			this.#playInCall("invalid-code", INVALID_CODE);
		} else if (result === CODE_LOCKED) {
			this.#emit({ type: "code-refused", call, reason: "locked-out", from });
			this.#playInCall("invalid-code", INVALID_CODE);
		}
	}

	onLockoutOver(): void {
		this.#emit({ type: "lockout-over" });
	}

	#open(relay: number, by: OpenedBy, from: string): boolean {
		const r = this.relays[relay];
		if (!r.pulse()) return this.#refuse("open", "no timer left for the relay pulse");
		this.#emit({ type: "door-opened", relay, name: r.config.name, by, from });
		if (this.#active >= 0) {
			this.#playInCall("door-opened", DOOR_OPENED);
			this.#limits.doorOpened();
		}
		return true;
	}

	// ---- relays, indicators, limits, audio ----

	onRelay(relay: number, open: boolean, ms: number): void {
		this.#emit({ type: "relay", relay, name: this.relays[relay]?.config.name ?? this.config.relays[relay].name, open, ms });
		this.#updateIndicators();
	}

	onIndicator(led: IndicatorName, mode: IndicatorMode): void {
		this.#emit({ type: "led", led, mode });
	}

	onLimitWarning(call: number, secondsLeft: number): void {
		this.#emit({ type: "call-limit", call, state: "warning", seconds: secondsLeft });
		this.#playInCall("call-ending", CALL_END_WARNING);
	}

	onLimitReached(call: number, seconds: number): void {
		this.#emit({ type: "call-limit", call, state: "reached", seconds });
		this.ua.hangup(call);
	}

	onDoorHangup(call: number, seconds: number): void {
		this.#emit({ type: "call-limit", call, state: "door-opened-hangup", seconds });
		this.ua.hangup(call);
	}

	onRtpTimeout(call: number, seconds: number): void {
		this.#emit({ type: "rtp-timeout", call, seconds });
		this.ua.hangup(call);
	}

	onLevels(call: number, inDb: number, outDb: number): void {
		// Once a second in every call: one event object, reused, so a call's audio path allocates nothing.
		const e = this.#levels;
		e.call = call;
		e.inDb = inDb;
		e.outDb = outDb;
		this.#emit(e);
	}

	onAudioWanted(wanted: boolean): void {
		this.#emit({ type: "audio", running: wanted });
	}

	// ---- timers ----

	onTimer(kind: number, call: number): void {
		if (kind === T_REGISTRATION_WAIT) {
			this.#waitTimer = -1;
			this.#startPending();
		} else if (kind === T_ANSWER) {
			this.#answerTimer[call] = -1;
			if (this.#state[call] === "incoming") this.answer(call);
		}
	}

	// ---- internals ----

	#take(call: number, kind: number, peer: string, codes: boolean, state: SlotState): void {
		this.#kind[call] = kind;
		this.#peer[call] = peer;
		this.#state[call] = state;
		this.#codesAllowed[call] = codes ? 1 : 0;
		this.#codeRefused[call] = 0;
	}

	/** Some call other than `except` is under way (ringing in, calling out, talking). */
	#busy(except = -1): boolean {
		for (let i = 0; i < this.#kind.length; i++) if (i !== except && this.#kind[i] !== NONE) return true;
		return false;
	}

	#first(state: SlotState): number {
		return this.#state.indexOf(state);
	}

	/**
	 * Ringing through a PBX before it knows the station would fail: while the first registration is under way, `what`
	 * waits for it (or for REGISTRATION_WAIT_MS). False when there is nothing to wait for (or no timer for the wait).
	 */
	#waitForRegistration(what: number): boolean {
		if (this.#registration !== "registering") return false;
		this.#waitTimer = this.#wheel.start(REGISTRATION_WAIT_MS, this.#owner, T_REGISTRATION_WAIT, 0);
		if (this.#waitTimer < 0) return false;
		this.#pending = what;
		return true;
	}

	/** The registration is done (or failed, or took too long): what waited for it goes now. */
	#startPending(): void {
		const what = this.#pending;
		if (what === NO_PENDING) return;
		this.#cancelWait();
		if (what === DIRECT_PENDING) this.#placeCall(this.#pendingUri);
		else if (!this.#ringList(what)) this.#updateIndicators();
	}

	#cancelWait(): void {
		this.#pending = NO_PENDING;
		if (this.#waitTimer >= 0) this.#wheel.cancel(this.#waitTimer);
		this.#waitTimer = -1;
	}

	#cancelAnswerTimer(call: number): void {
		if (this.#answerTimer[call] >= 0) this.#wheel.cancel(this.#answerTimer[call]);
		this.#answerTimer[call] = -1;
	}

	#updateIndicators(): void {
		const ind = this.#indicators;
		let calling = this.#list.running || this.#pending !== NO_PENDING, inCall = false;
		for (let i = 0; i < this.#kind.length; i++) {
			const c = this.ua.calls[i];
			if (this.#kind[i] === NONE) continue;
			if (c.state === CALL_ACTIVE) inCall = true;
			else if (c.state === CALL_CALLING || c.state === CALL_RINGING_IN) calling = true;
		}
		ind.set("notRegistered", this.config.sip.registrar !== null && this.#registration !== "registered");
		ind.set("calling", calling && !inCall);
		ind.set("inCall", inCall);
		ind.set("doorOpen", this.relays.some((r) => r.open));
		ind.set("idle", !calling && !inCall);
	}

	/** Ringback or busy at the door (a tone already playing goes on without a second event). */
	#playLocal(name: "ringback" | "busy", ms = -1): void {
		const tone = name === "ringback" ? this.#tones.ringback : this.#tones.busy;
		if (this.audio.localTone === tone) return;
		this.audio.playLocal(tone, ms);
		this.#emit({ type: "tone", tone: name });
	}

	#playInCall(name: ToneName, tone: Tone): void {
		this.audio.playInCall(tone);
		this.#emit({ type: "tone", tone: name });
	}

	#refuse(command: string, reason: string): false {
		this.#emit({ type: "refused", command, reason });
		return false;
	}

	#emit(e: IntercomEvent): void {
		this.#events.event(e);
	}
}
