// The door station's configuration: one JSON document with documented defaults, validated as a whole — DESIGN.md §6.
// The simulator reads it from a file (`--config`), the ESP32 from its manifest's `config` overlaid by its key-value
// store. `parseStationConfig` returns every error at once, each naming the field path, the value and what is allowed
// (`callList.targets[1].ringSeconds: expected a whole number 1-600, got 0`); secrets are shown as "***".
import type { EchoSuppressorOptions } from "../media/echo-suppressor.js";
import type { Peer } from "../host.js";
import { serverText, type ServerAddress } from "../ua/ua-config.js";
import { ConfigReader, isObject, REDACTED, type JsonObject } from "./config-reader.js";
import { DNS_SERVER_FORM, parseDnsServer, parseServerAddress, SERVER_FORM } from "./server-address.js";
import { HTTP_DEFAULTS, MQTT_DEFAULTS, readHttp, readMqtt, redactHttp, redactMqtt, type HttpConfig, type MqttConfig } from "./remote-config.js";

export { DNS_SERVER_FORM, parseDnsServer, parseServerAddress, SERVER_FORM };

export type CallListMode = "sequential" | "parallel";
export type IndicatorMode = "off" | "on" | "blink";
export type LongPressAction = "none" | "hangup" | "alternateCallList";
export type TonePlan = "europe" | "north-america";

export interface SipConfig {
	/** The station's AOR is sip:user@domain (RFC 3261 §10.2). */
	readonly user: string;
	/** "" = the registrar's host, else the station's own address. */
	readonly domain: string;
	readonly displayName: string;
	/** Digest username; "" = `user`. */
	readonly authUser: string;
	readonly password: string;
	/** null: no registration (calls by address, peer to peer). A name is located by RFC 3263 (NAPTR, SRV, A). */
	readonly registrar: ServerAddress | null;
	/** Where calls go (§8.1.2 outbound proxy); null: straight to the target's host. Absent in the file: the registrar. */
	readonly proxy: ServerAddress | null;
	/** DNS servers to ask (at most 3); none: the host's (resolv.conf in the simulator, DHCP on the ESP32). */
	readonly dnsServers: readonly Peer[];
	/** Certificates (PEM) a TLS server's chain must lead to; "": the host's own trust store. */
	readonly tlsCaFile: string;
	/** false: a TLS server's certificate is not checked (a self-signed PBX); the host says so in its log. */
	readonly tlsVerify: boolean;
	readonly registerExpires: number;
	/** RFC 4028 session interval asked for (0 = none). */
	readonly sessionExpires: number;
	/** The station's SIP port (UDP and TCP; 0 picks a free port, for tests). */
	readonly port: number;
	/** RTP port of call slot 0; slot i uses rtpPort + 2i, RTCP one above (RFC 3550 §11). */
	readonly rtpPort: number;
}

export interface CallTarget {
	readonly uri: string;
	/** What the log calls it ("Flat 3"); "" = the URI. */
	readonly name: string;
	readonly ringSeconds: number;
}

export interface CallListConfig {
	/** `sequential`: one target after the other; `parallel`: all at once, the first to answer wins. */
	readonly mode: CallListMode;
	/** How many times the whole list is tried before giving up. */
	readonly cycles: number;
	readonly targets: readonly CallTarget[];
}

export interface ButtonConfig {
	readonly debounceMs: number;
	readonly longPressMs: number;
	/** A press during a call hangs it up, or is ignored. */
	readonly inCall: "hangup" | "ignore";
	readonly longPress: LongPressAction;
}

export interface RelayConfig {
	readonly name: string;
	readonly pulseMs: number;
	/** The relay module closes on a low level (common on cheap opto-isolated boards). */
	readonly activeLow: boolean;
}

export interface DoorCode {
	/** Digits 0-9 * # A-D; ending in # = entered with a terminator, else a fixed-length code. */
	readonly code: string;
	readonly relay: number;
}

export interface DoorCodeConfig {
	readonly codes: readonly DoorCode[];
	/** The entry starts over after this long without a digit. */
	readonly interDigitMs: number;
	/** After this many wrong codes within `wrongWindowSeconds` (or one call), codes are locked out for `lockoutSeconds`. */
	readonly maxWrong: number;
	readonly wrongWindowSeconds: number;
	readonly lockoutSeconds: number;
	/** Codes are accepted from calls the station made to its call lists. */
	readonly fromCallList: boolean;
}

export interface CallLimitsConfig {
	/** 0 = no limit. */
	readonly maxCallSeconds: number;
	/** A warning tone this long before the limit (0 = none). */
	readonly warningSeconds: number;
	/** A DTMF key that extends the call by `extendSeconds` ("" = none). */
	readonly extendKey: string;
	readonly extendSeconds: number;
	/** Hang up this long after the door opened (0 = never). */
	readonly hangupAfterDoorOpenSeconds: number;
}

export interface AllowedCaller {
	/** `user@host` with `*` wildcards (`*@192.168.1.*`), or `*` for anybody. */
	readonly caller: string;
	/** Door codes keyed in this caller's call open the door. */
	readonly openDoor: boolean;
}

export interface IncomingConfig {
	readonly answer: "auto" | "manual";
	readonly answerDelayMs: number;
	readonly allow: readonly AllowedCaller[];
	/** What a caller not on the list gets. */
	readonly refuseStatus: 403 | 486 | 603;
}

export interface IndicatorConfig {
	readonly blinkMs: number;
	readonly idle: IndicatorMode;
	readonly notRegistered: IndicatorMode;
	readonly calling: IndicatorMode;
	readonly inCall: IndicatorMode;
	readonly doorOpen: IndicatorMode;
}

export interface AudioConfig {
	readonly tonePlan: TonePlan;
	readonly rtpTimeoutSeconds: number;
	readonly jitterMinMs: number;
	readonly jitterMaxMs: number;
	readonly echoSuppressor: Required<EchoSuppressorOptions>;
}

export interface StationConfig {
	readonly sip: SipConfig;
	readonly callList: CallListConfig;
	readonly alternateCallList: CallListConfig | null;
	readonly button: ButtonConfig;
	readonly relays: readonly RelayConfig[];
	readonly doorCodes: DoorCodeConfig;
	readonly callLimits: CallLimitsConfig;
	readonly incoming: IncomingConfig;
	readonly indicators: IndicatorConfig;
	readonly audio: AudioConfig;
	/** Home Assistant over MQTT (src/home/home-assistant.ts); off unless enabled. */
	readonly mqtt: MqttConfig;
	/** The 2N-style HTTP API with Digest authentication (src/home/http-api.ts); off unless enabled. */
	readonly http: HttpConfig;
}

/** Limits of the lists (each item costs preallocated state). */
export const MAX_TARGETS = 8, MAX_RELAYS = 4, MAX_CODES = 16, MAX_CODE_LENGTH = 16, MAX_ALLOWED = 16, MAX_DNS_SERVERS = 3;

const USER = /^[A-Za-z0-9._~!$&'()*+,;=-]+$/;
const DIGITS = /^[0-9*#A-D]+$/;
const CALLER = /^(\*|[A-Za-z0-9._~!$&'()+,;=*-]+@[A-Za-z0-9.:\[\]*-]+)$/;

/** The echo suppressor's defaults (src/media/echo-suppressor.ts documents each). */
const ECHO_DEFAULTS: Required<EchoSuppressorOptions> = Object.freeze({
	enabled: true, farThresholdDb: -45, nearThresholdDb: -45, farMarginDb: 6, nearMarginDb: 3, echoTailMs: 120,
	micAttenuationDb: 24, speakerAttenuationDb: 0, hangoverMs: 160, releaseMs: 40,
});

/** Every default, as the README documents them. */
export const CONFIG_DEFAULTS: StationConfig = Object.freeze({
	sip: Object.freeze({ user: "door", domain: "", displayName: "", authUser: "", password: "", registrar: null, proxy: null,
		dnsServers: Object.freeze([]), tlsCaFile: "", tlsVerify: true, registerExpires: 600, sessionExpires: 1800, port: 5060, rtpPort: 16400 }),
	callList: Object.freeze({ mode: "sequential" as CallListMode, cycles: 1, targets: Object.freeze([]) }),
	alternateCallList: null,
	button: Object.freeze({ debounceMs: 30, longPressMs: 2000, inCall: "hangup" as const, longPress: "none" as LongPressAction }),
	relays: Object.freeze([Object.freeze({ name: "door", pulseMs: 3000, activeLow: false })]),
	doorCodes: Object.freeze({ codes: Object.freeze([]), interDigitMs: 5000, maxWrong: 3, wrongWindowSeconds: 300, lockoutSeconds: 300, fromCallList: true }),
	callLimits: Object.freeze({ maxCallSeconds: 180, warningSeconds: 15, extendKey: "", extendSeconds: 60, hangupAfterDoorOpenSeconds: 5 }),
	incoming: Object.freeze({ answer: "auto" as const, answerDelayMs: 1000, allow: Object.freeze([]), refuseStatus: 603 as const }),
	indicators: Object.freeze({ blinkMs: 500, idle: "on" as IndicatorMode, notRegistered: "blink" as IndicatorMode, calling: "blink" as IndicatorMode,
		inCall: "on" as IndicatorMode, doorOpen: "on" as IndicatorMode }),
	audio: Object.freeze({ tonePlan: "europe" as TonePlan, rtpTimeoutSeconds: 30, jitterMinMs: 20, jitterMaxMs: 200, echoSuppressor: ECHO_DEFAULTS }),
	mqtt: MQTT_DEFAULTS,
	http: HTTP_DEFAULTS,
});

export type ConfigResult = { readonly ok: true; readonly config: StationConfig } | { readonly ok: false; readonly errors: readonly string[] };

/** Validate a parsed JSON document; absent fields take their defaults. */
export function parseStationConfig(doc: unknown): ConfigResult {
	const r = new ConfigReader();
	const top = r.object("", doc, ["sip", "callList", "alternateCallList", "button", "relays", "doorCodes", "callLimits", "incoming", "indicators", "audio", "mqtt", "http"]);
	if (!isObject(doc) && doc !== undefined) return { ok: false, errors: r.errors };
	const sip = readSip(r, top.sip);
	const callList = readCallList(r, "callList", top.callList);
	const alternateCallList = top.alternateCallList === undefined || top.alternateCallList === null ? null : readCallList(r, "alternateCallList", top.alternateCallList);
	const button = readButton(r, top.button);
	if (button.longPress === "alternateCallList" && alternateCallList === null) r.error("button.longPress", `"alternateCallList" needs an alternateCallList`);
	const D = CONFIG_DEFAULTS;
	const relays = r.array("relays", top.relays, D.relays, 1, MAX_RELAYS, (p, v) => {
		const o = r.object(p, v, ["name", "pulseMs", "activeLow"]);
		return Object.freeze({
			name: r.string(`${p}.name`, o.name, p === "relays[0]" ? "door" : `relay ${p.slice(7, -1)}`, 32, /^[^\x00-\x1f]+$/, "a name"),
			pulseMs: r.int(`${p}.pulseMs`, o.pulseMs, 3000, 100, 60000),
			activeLow: r.bool(`${p}.activeLow`, o.activeLow, false),
		});
	});
	const doorCodes = readDoorCodes(r, top.doorCodes, relays.length);
	const callLimits = readCallLimits(r, top.callLimits, doorCodes);
	const incoming = readIncoming(r, top.incoming);
	const ind = r.object("indicators", top.indicators, ["blinkMs", "idle", "notRegistered", "calling", "inCall", "doorOpen"]);
	const modes: readonly IndicatorMode[] = ["off", "on", "blink"];
	const indicators: IndicatorConfig = Object.freeze({
		blinkMs: r.int("indicators.blinkMs", ind.blinkMs, D.indicators.blinkMs, 100, 5000),
		idle: r.choice("indicators.idle", ind.idle, D.indicators.idle, modes),
		notRegistered: r.choice("indicators.notRegistered", ind.notRegistered, D.indicators.notRegistered, modes),
		calling: r.choice("indicators.calling", ind.calling, D.indicators.calling, modes),
		inCall: r.choice("indicators.inCall", ind.inCall, D.indicators.inCall, modes),
		doorOpen: r.choice("indicators.doorOpen", ind.doorOpen, D.indicators.doorOpen, modes),
	});
	const audio = readAudio(r, top.audio);
	const mqtt = readMqtt(r, top.mqtt, sip.user);
	const http = readHttp(r, top.http, sip.port);
	if (r.errors.length > 0) return { ok: false, errors: Object.freeze(r.errors.slice()) };
	return { ok: true, config: Object.freeze({ sip, callList, alternateCallList, button, relays, doorCodes, callLimits, incoming, indicators, audio, mqtt, http }) };
}

function readSip(r: ConfigReader, value: unknown): SipConfig {
	const o = r.object("sip", value, ["user", "domain", "displayName", "authUser", "password", "registrar", "proxy", "dnsServers", "tlsCaFile", "tlsVerify",
		"registerExpires", "sessionExpires", "port", "rtpPort"]);
	const D = CONFIG_DEFAULTS.sip;
	const registrar = o.registrar === undefined || o.registrar === null ? null : readServer(r, "sip.registrar", o.registrar);
	const proxy = o.proxy === undefined ? registrar : o.proxy === null ? null : readServer(r, "sip.proxy", o.proxy);
	const sessionExpires = r.int("sip.sessionExpires", o.sessionExpires, D.sessionExpires, 0, 86400);
	if (sessionExpires > 0 && sessionExpires < 90) r.fail("sip.sessionExpires", "0 (no session timer) or 90-86400 (RFC 4028 §4: at least 90 s)", sessionExpires);
	const rtpPort = r.int("sip.rtpPort", o.rtpPort, D.rtpPort, 1024, 65000);
	if (rtpPort % 2 !== 0) r.fail("sip.rtpPort", "an even port (RFC 3550 §11: RTP even, RTCP the odd one above)", rtpPort);
	return Object.freeze({
		user: r.string("sip.user", o.user, D.user, 64, USER, "a SIP user name (letters, digits, . - _ ! ~ ...)"),
		domain: r.string("sip.domain", o.domain, D.domain, 128, /^[A-Za-z0-9.:\[\]-]*$/, "a host name or address"),
		displayName: r.string("sip.displayName", o.displayName, D.displayName, 64, /^[^\x00-\x1f"\\]*$/, "text without quotes or backslashes"),
		authUser: r.string("sip.authUser", o.authUser, D.authUser, 64, /^[^\x00-\x1f"\\]*$/, "a user name"),
		password: r.string("sip.password", o.password, D.password, 128, /^[^\x00-\x1f]*$/, "a password", true),
		registrar, proxy,
		dnsServers: r.array("sip.dnsServers", o.dnsServers, D.dnsServers, 0, MAX_DNS_SERVERS, (p, v) => {
			const peer = typeof v === "string" ? parseDnsServer(v) : null;
			if (peer === null) r.fail(p, DNS_SERVER_FORM, v);
			return peer ?? Object.freeze({ address: "", port: 0 });
		}),
		tlsCaFile: r.string("sip.tlsCaFile", o.tlsCaFile, D.tlsCaFile, 256, /^[^\x00-\x1f]*$/, "a file name"),
		tlsVerify: r.bool("sip.tlsVerify", o.tlsVerify, D.tlsVerify),
		registerExpires: r.int("sip.registerExpires", o.registerExpires, D.registerExpires, 10, 86400),
		sessionExpires,
		port: r.int("sip.port", o.port, D.port, 0, 65535),
		rtpPort,
	});
}


function readServer(r: ConfigReader, path: string, value: unknown): ServerAddress | null {
	const s = typeof value === "string" ? parseServerAddress(value) : null;
	if (s === null) r.fail(path, SERVER_FORM, value);
	return s;
}

function readCallList(r: ConfigReader, path: string, value: unknown): CallListConfig {
	const o = r.object(path, value, ["mode", "cycles", "targets"]);
	const D = CONFIG_DEFAULTS.callList;
	return Object.freeze({
		mode: r.choice(`${path}.mode`, o.mode, D.mode, ["sequential", "parallel"] as const),
		cycles: r.int(`${path}.cycles`, o.cycles, D.cycles, 1, 10),
		targets: r.array(`${path}.targets`, o.targets, D.targets, 0, MAX_TARGETS, (p, v) => {
			const t: JsonObject = typeof v === "string" ? { uri: v } : r.object(p, v, ["uri", "name", "ringSeconds"]);
			const uri = r.string(`${p}.uri`, t.uri, "", 200, /^sips?:([^@\s]+@)?[^@\s]+$/i, "a SIP URI (sip:user@host[:port])");
			if (t.uri === undefined) r.error(`${p}.uri`, "a target needs a uri (sip:user@host)");
			return Object.freeze({
				uri,
				name: r.string(`${p}.name`, t.name, "", 64, /^[^\x00-\x1f]*$/, "a name"),
				ringSeconds: r.int(`${p}.ringSeconds`, t.ringSeconds, 30, 1, 600),
			});
		}),
	});
}

function readButton(r: ConfigReader, value: unknown): ButtonConfig {
	const o = r.object("button", value, ["debounceMs", "longPressMs", "inCall", "longPress"]);
	const D = CONFIG_DEFAULTS.button;
	return Object.freeze({
		debounceMs: r.int("button.debounceMs", o.debounceMs, D.debounceMs, 1, 1000),
		longPressMs: r.int("button.longPressMs", o.longPressMs, D.longPressMs, 300, 10000),
		inCall: r.choice("button.inCall", o.inCall, D.inCall, ["hangup", "ignore"] as const),
		longPress: r.choice("button.longPress", o.longPress, D.longPress, ["none", "hangup", "alternateCallList"] as const),
	});
}

function readDoorCodes(r: ConfigReader, value: unknown, relays: number): DoorCodeConfig {
	const o = r.object("doorCodes", value, ["codes", "interDigitMs", "maxWrong", "wrongWindowSeconds", "lockoutSeconds", "fromCallList"]);
	const D = CONFIG_DEFAULTS.doorCodes;
	const codes = r.array("doorCodes.codes", o.codes, D.codes, 0, MAX_CODES, (p, v) => {
		const c: JsonObject = typeof v === "string" ? { code: v } : r.object(p, v, ["code", "relay"]);
		const code = r.string(`${p}.code`, c.code, "", MAX_CODE_LENGTH, DIGITS, "digits 0-9 * # A-D", true);
		if (code === "" && c.code === undefined) r.error(`${p}.code`, "a door code needs its digits");
		if (code.length > 1 && code.indexOf("#") >= 0 && code.indexOf("#") < code.length - 1) r.fail(`${p}.code`, "# only at the end (it ends the entry)", code, true);
		return Object.freeze({ code, relay: r.int(`${p}.relay`, c.relay, 0, 0, relays - 1) });
	});
	// A code that begins another would always win first: the longer one could never be keyed.
	for (let i = 0; i < codes.length; i++) {
		for (let j = 0; j < codes.length; j++) {
			if (i !== j && codes[i].code !== "" && codes[j].code.startsWith(codes[i].code) && (codes[i].code !== codes[j].code || i < j)) {
				r.error(`doorCodes.codes[${j}]`, `begins with doorCodes.codes[${i}] (${REDACTED}), so it could never be keyed`);
			}
		}
	}
	return Object.freeze({
		codes,
		interDigitMs: r.int("doorCodes.interDigitMs", o.interDigitMs, D.interDigitMs, 500, 60000),
		maxWrong: r.int("doorCodes.maxWrong", o.maxWrong, D.maxWrong, 1, 20),
		wrongWindowSeconds: r.int("doorCodes.wrongWindowSeconds", o.wrongWindowSeconds, D.wrongWindowSeconds, 10, 86400),
		lockoutSeconds: r.int("doorCodes.lockoutSeconds", o.lockoutSeconds, D.lockoutSeconds, 0, 86400),
		fromCallList: r.bool("doorCodes.fromCallList", o.fromCallList, D.fromCallList),
	});
}

function readCallLimits(r: ConfigReader, value: unknown, codes: DoorCodeConfig): CallLimitsConfig {
	const o = r.object("callLimits", value, ["maxCallSeconds", "warningSeconds", "extendKey", "extendSeconds", "hangupAfterDoorOpenSeconds"]);
	const D = CONFIG_DEFAULTS.callLimits;
	const maxCallSeconds = r.int("callLimits.maxCallSeconds", o.maxCallSeconds, D.maxCallSeconds, 0, 86400);
	const warningSeconds = r.int("callLimits.warningSeconds", o.warningSeconds, D.warningSeconds, 0, 600);
	if (maxCallSeconds > 0 && warningSeconds >= maxCallSeconds) r.fail("callLimits.warningSeconds", `less than callLimits.maxCallSeconds (${maxCallSeconds})`, warningSeconds);
	const extendKey = r.string("callLimits.extendKey", o.extendKey, D.extendKey, 1, /^[0-9*#A-D]?$/, "one key 0-9 * # A-D, or \"\" for none");
	if (extendKey !== "" && codes.codes.some((c) => c.code.startsWith(extendKey))) {
		r.error("callLimits.extendKey", `"${extendKey}" is the first key of a door code: choose a key no code starts with`);
	}
	return Object.freeze({
		maxCallSeconds, warningSeconds, extendKey,
		extendSeconds: r.int("callLimits.extendSeconds", o.extendSeconds, D.extendSeconds, 10, 3600),
		hangupAfterDoorOpenSeconds: r.int("callLimits.hangupAfterDoorOpenSeconds", o.hangupAfterDoorOpenSeconds, D.hangupAfterDoorOpenSeconds, 0, 600),
	});
}

function readIncoming(r: ConfigReader, value: unknown): IncomingConfig {
	const o = r.object("incoming", value, ["answer", "answerDelayMs", "allow", "refuseStatus"]);
	const D = CONFIG_DEFAULTS.incoming;
	return Object.freeze({
		answer: r.choice("incoming.answer", o.answer, D.answer, ["auto", "manual"] as const),
		answerDelayMs: r.int("incoming.answerDelayMs", o.answerDelayMs, D.answerDelayMs, 0, 60000),
		allow: r.array("incoming.allow", o.allow, D.allow, 0, MAX_ALLOWED, (p, v) => {
			const a: JsonObject = typeof v === "string" ? { caller: v } : r.object(p, v, ["caller", "openDoor"]);
			const caller = r.string(`${p}.caller`, a.caller, "", 128, CALLER, "user@host with * wildcards, or *");
			if (a.caller === undefined) r.error(`${p}.caller`, "an allowed caller needs a user@host pattern");
			return Object.freeze({ caller, openDoor: r.bool(`${p}.openDoor`, a.openDoor, true) });
		}),
		refuseStatus: r.choice("incoming.refuseStatus", o.refuseStatus, D.refuseStatus, [403, 486, 603] as const),
	});
}

function readAudio(r: ConfigReader, value: unknown): AudioConfig {
	const o = r.object("audio", value, ["tonePlan", "rtpTimeoutSeconds", "jitterMinMs", "jitterMaxMs", "echoSuppressor"]);
	const D = CONFIG_DEFAULTS.audio, E = ECHO_DEFAULTS;
	const e = r.object("audio.echoSuppressor", o.echoSuppressor, Object.keys(E));
	const db = (name: keyof EchoSuppressorOptions, min: number, max: number) => r.number(`audio.echoSuppressor.${name}`, e[name], E[name] as number, min, max);
	const jitterMinMs = r.int("audio.jitterMinMs", o.jitterMinMs, D.jitterMinMs, 0, 500);
	const jitterMaxMs = r.int("audio.jitterMaxMs", o.jitterMaxMs, D.jitterMaxMs, 20, 1000);
	if (jitterMaxMs < jitterMinMs) r.fail("audio.jitterMaxMs", `at least audio.jitterMinMs (${jitterMinMs})`, jitterMaxMs);
	return Object.freeze({
		tonePlan: r.choice("audio.tonePlan", o.tonePlan, D.tonePlan, ["europe", "north-america"] as const),
		rtpTimeoutSeconds: r.int("audio.rtpTimeoutSeconds", o.rtpTimeoutSeconds, D.rtpTimeoutSeconds, 0, 3600),
		jitterMinMs, jitterMaxMs,
		echoSuppressor: Object.freeze({
			enabled: r.bool("audio.echoSuppressor.enabled", e.enabled, E.enabled),
			farThresholdDb: db("farThresholdDb", -96, 0), nearThresholdDb: db("nearThresholdDb", -96, 0),
			farMarginDb: db("farMarginDb", 0, 40), nearMarginDb: db("nearMarginDb", 0, 40),
			echoTailMs: db("echoTailMs", 0, 640), micAttenuationDb: db("micAttenuationDb", 0, 60),
			speakerAttenuationDb: db("speakerAttenuationDb", 0, 60), hangoverMs: db("hangoverMs", 0, 2000), releaseMs: db("releaseMs", 1, 1000),
		}),
	});
}

/** The configuration as a JSON document, secrets shown as "***" (for `status`, logs, the web panel). */
export function redactedConfig(config: StationConfig): JsonObject {
	const server = (s: ServerAddress | null) => (s === null ? null : serverText(s));
	const dns = config.sip.dnsServers.map((p) => `${p.address.includes(":") ? `[${p.address}]` : p.address}:${p.port}`);
	return {
		...config,
		sip: { ...config.sip, password: config.sip.password === "" ? "" : REDACTED, registrar: server(config.sip.registrar), proxy: server(config.sip.proxy), dnsServers: dns },
		doorCodes: { ...config.doorCodes, codes: config.doorCodes.codes.map((c) => ({ code: REDACTED, relay: c.relay })) },
		mqtt: redactMqtt(config.mqtt),
		http: redactHttp(config.http),
	};
}
