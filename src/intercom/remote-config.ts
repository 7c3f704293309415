// The station's remote-control sections of its configuration document: `mqtt` (Home Assistant discovery, events and
// commands) and `http` (the 2N-style HTTP API) — DESIGN.md §6. Both are off unless enabled; both refuse to open a door
// or place a call unless their `allowOpen` / `allowCalls` says so. Read with the same ConfigReader as the rest:
// every error names the field, passwords are shown as "***".
import type { Peer } from "../host.js";
import { type ConfigReader, parseAddress, REDACTED, type JsonObject } from "./config-reader.js";

export interface MqttConfig {
	readonly enabled: boolean;
	/** The broker, an IP address (port 1883 when none is given); null only while disabled. */
	readonly broker: Peer | null;
	/** Broker credentials (MQTT 3.1.1 §3.1.3.4-5); "" = none. A password needs a user name (§3.1.2.9). */
	readonly username: string;
	readonly password: string;
	/** MQTT client identifier (§3.1.3.1). Default: `deviceId`. */
	readonly clientId: string;
	/** Home Assistant's device identifier and discovery object id ([A-Za-z0-9_-]). Default: `sip-intercom-<sip.user>`. */
	readonly deviceId: string;
	/** The device's name in Home Assistant. */
	readonly deviceName: string;
	/** Every state, event and command topic starts here. Default: `sip-intercom/<sip.user>`. */
	readonly baseTopic: string;
	/** Publish Home Assistant discovery (retained) under `discoveryPrefix`. */
	readonly discovery: boolean;
	readonly discoveryPrefix: string;
	/** The device page's link in Home Assistant ("" = the host's own, or none). */
	readonly configurationUrl: string;
	readonly keepAliveSeconds: number;
	/** Commands on `<base>/relay/N/open` open relay N; otherwise they are refused and logged. */
	readonly allowOpen: boolean;
	/** Commands on `<base>/call/start` and `<base>/call/hangup` are obeyed; otherwise refused and logged. */
	readonly allowCalls: boolean;
}

export interface HttpConfig {
	readonly enabled: boolean;
	/** TCP port of the API (the simulator's web panel is on 8080). */
	readonly port: number;
	/** Digest credentials (RFC 7616); the password is required once enabled. */
	readonly user: string;
	readonly password: string;
	readonly realm: string;
	/** /api/switch/ctrl opens relays; otherwise it answers "function is disabled". */
	readonly allowOpen: boolean;
	/** /api/call/dial and /api/call/hangup act; otherwise "function is disabled". */
	readonly allowCalls: boolean;
	/** Connections served at once (each holds a request buffer); more are answered 503 and closed. */
	readonly maxConnections: number;
	/** Of those, how many may be event streams (/api/events), so requests always find a connection. */
	readonly maxEventStreams: number;
	/** A nonce is accepted this long after it was issued (RFC 7616 §3.3 `stale`). */
	readonly nonceSeconds: number;
}

/** Defaults. clientId, deviceId and baseTopic are derived from sip.user when absent (shown here for the default "door"). */
export const MQTT_DEFAULTS: MqttConfig = Object.freeze({
	enabled: false, broker: null, username: "", password: "", clientId: "sip-intercom-door", deviceId: "sip-intercom-door", deviceName: "Door station",
	baseTopic: "sip-intercom/door", discovery: true, discoveryPrefix: "homeassistant", configurationUrl: "", keepAliveSeconds: 60,
	allowOpen: false, allowCalls: false,
});

export const HTTP_DEFAULTS: HttpConfig = Object.freeze({
	enabled: false, port: 8081, user: "admin", password: "", realm: "sip-intercom", allowOpen: false, allowCalls: false,
	maxConnections: 4, maxEventStreams: 2, nonceSeconds: 300,
});

/** The MQTT broker's port when the address names none (IANA "mqtt", MQTT 3.1.1 §4.2). */
export const MQTT_PORT = 1883;
export const HTTP_MAX_CONNECTIONS = 16;

const TOPIC = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;
const TOPIC_FORM = "topic levels of letters, digits, _ . - separated by single /, no wildcards (e.g. sip-intercom/door)";
const ID = /^[A-Za-z0-9_-]+$/;
const TEXT = /^[^\x00-\x1f]+$/;
const SECRET = /^[^\x00-\x1f]*$/;

/** [A-Za-z0-9_.-] only: a SIP user name as a topic level or discovery id ('+' would be a wildcard, MQTT §4.7.1). */
function idFrom(user: string): string {
	return user.replace(/[^A-Za-z0-9_-]/g, "_");
}

export function readMqtt(r: ConfigReader, value: unknown, sipUser: string): MqttConfig {
	const o = r.object("mqtt", value, ["enabled", "broker", "username", "password", "clientId", "deviceId", "deviceName", "baseTopic",
		"discovery", "discoveryPrefix", "configurationUrl", "keepAliveSeconds", "allowOpen", "allowCalls"]);
	const D = MQTT_DEFAULTS;
	const enabled = r.bool("mqtt.enabled", o.enabled, D.enabled);
	let broker: Peer | null = null;
	const form = `an IP address with an optional :port (e.g. 192.168.1.10:${MQTT_PORT}; TLS is not supported)`;
	if (o.broker !== undefined && o.broker !== null && o.broker !== "") {
		broker = typeof o.broker === "string" ? parseAddress(o.broker, MQTT_PORT) : null;
		if (broker === null) r.fail("mqtt.broker", form, o.broker);
	} else if (enabled) r.error("mqtt.broker", `needed when mqtt.enabled is true: ${form}`);
	const username = r.string("mqtt.username", o.username, D.username, 64, TEXT, "a user name");
	const password = r.string("mqtt.password", o.password, D.password, 128, SECRET, "a password", true);
	if (password !== "" && username === "") r.error("mqtt.password", "a password needs mqtt.username (MQTT 3.1.1 §3.1.2.9)");
	const deviceId = r.string("mqtt.deviceId", o.deviceId, "", 64, /^[A-Za-z0-9_-]*$/, "letters, digits, _ and -") || `sip-intercom-${idFrom(sipUser)}`;
	return Object.freeze({
		enabled, broker, username, password,
		clientId: r.string("mqtt.clientId", o.clientId, "", 64, /^[A-Za-z0-9_-]*$/, "letters, digits, _ and -") || deviceId,
		deviceId,
		deviceName: r.string("mqtt.deviceName", o.deviceName, D.deviceName, 64, TEXT, "a name"),
		baseTopic: r.string("mqtt.baseTopic", o.baseTopic, "", 100, TOPIC, TOPIC_FORM) || `sip-intercom/${idFrom(sipUser)}`,
		discovery: r.bool("mqtt.discovery", o.discovery, D.discovery),
		discoveryPrefix: r.string("mqtt.discoveryPrefix", o.discoveryPrefix, D.discoveryPrefix, 100, TOPIC, TOPIC_FORM),
		configurationUrl: r.string("mqtt.configurationUrl", o.configurationUrl, D.configurationUrl, 200, /^(https?:\/\/[^\s"\\]+)?$/, "an http:// or https:// URL, or \"\""),
		keepAliveSeconds: r.int("mqtt.keepAliveSeconds", o.keepAliveSeconds, D.keepAliveSeconds, 5, 3600),
		allowOpen: r.bool("mqtt.allowOpen", o.allowOpen, D.allowOpen),
		allowCalls: r.bool("mqtt.allowCalls", o.allowCalls, D.allowCalls),
	});
}

export function readHttp(r: ConfigReader, value: unknown, sipPort: number): HttpConfig {
	const o = r.object("http", value, ["enabled", "port", "user", "password", "realm", "allowOpen", "allowCalls", "maxConnections", "maxEventStreams", "nonceSeconds"]);
	const D = HTTP_DEFAULTS;
	const enabled = r.bool("http.enabled", o.enabled, D.enabled);
	const port = r.int("http.port", o.port, D.port, 0, 65535);
	if (port !== 0 && port === sipPort) r.fail("http.port", `a port other than sip.port (${sipPort}): SIP listens on TCP there`, port);
	const password = r.string("http.password", o.password, D.password, 128, SECRET, "a password", true);
	if (enabled && password === "") r.error("http.password", "needed when http.enabled is true (the API can open the door)");
	const maxConnections = r.int("http.maxConnections", o.maxConnections, D.maxConnections, 1, HTTP_MAX_CONNECTIONS);
	const maxEventStreams = r.int("http.maxEventStreams", o.maxEventStreams, Math.min(D.maxEventStreams, maxConnections - 1), 0, HTTP_MAX_CONNECTIONS);
	if (maxEventStreams >= maxConnections) r.fail("http.maxEventStreams", `fewer than http.maxConnections (${maxConnections}), so requests always find a connection`, maxEventStreams);
	return Object.freeze({
		enabled, port,
		user: r.string("http.user", o.user, D.user, 64, /^[^\x00-\x1f:"\\]+$/, "a user name without : \" or \\"),
		password,
		realm: r.string("http.realm", o.realm, D.realm, 64, /^[^\x00-\x1f"\\]+$/, "text without quotes or backslashes"),
		allowOpen: r.bool("http.allowOpen", o.allowOpen, D.allowOpen),
		allowCalls: r.bool("http.allowCalls", o.allowCalls, D.allowCalls),
		maxConnections, maxEventStreams,
		nonceSeconds: r.int("http.nonceSeconds", o.nonceSeconds, D.nonceSeconds, 10, 3600),
	});
}

export function redactMqtt(c: MqttConfig): JsonObject {
	const b = c.broker;
	return { ...c, password: c.password === "" ? "" : REDACTED, broker: b === null ? null : `${b.address.includes(":") ? `[${b.address}]` : b.address}:${b.port}` };
}

export function redactHttp(c: HttpConfig): JsonObject {
	return { ...c, password: c.password === "" ? "" : REDACTED };
}
