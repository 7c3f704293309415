// The station's MQTT topics and its Home Assistant device discovery message — Home Assistant's MQTT integration
// ("Device discovery payload": one retained message under <prefix>/device/<id>/config holding the device block, the
// origin, the shared availability topic and every entity in `components`; each entity's documented required keys:
// event `event_types` + `state_topic`, button `command_topic`, sensor and binary_sensor `state_topic`, an enum sensor's
// `options`, every component's `platform` and `unique_id`). Built once, at start-up.
import type { StationConfig } from "../intercom/config.js";
import { utf8 } from "../sip/bytes.js";
import { CALL_STATES, DOOR_EVENTS, DOORBELL_EVENTS, REGISTRATION_STATES } from "./station-events.js";

/** The availability payloads (Home Assistant's defaults for `payload_available` / `payload_not_available`). */
export const ONLINE = "online", OFFLINE = "offline";
/** Binary sensor payloads (Home Assistant's defaults for `payload_on` / `payload_off`) and the button's `payload_press`. */
export const ON = "ON", OFF = "OFF", PRESS = "PRESS";

/** Every topic the station uses, as text (for discovery and logs) and as bytes (for the client). */
export interface HomeTopics {
	/** `<base>/availability`: online / offline, retained; the will. */
	readonly availability: string;
	/** `<base>/doorbell`, `<base>/door`: event entities' JSON (not retained: an event happens once). */
	readonly doorbell: string;
	readonly door: string;
	/** `<base>/call/state`, `<base>/registration`: enum sensors, retained. */
	readonly callState: string;
	readonly registration: string;
	/** Per relay (1-based in the topic): `<base>/relay/N/state` ON/OFF retained, `<base>/relay/N/open` the command. */
	readonly relayState: readonly string[];
	readonly relayOpen: readonly string[];
	/** Commands: ring the call list, hang up. */
	readonly callStart: string;
	readonly callHangup: string;
	/** `<prefix>/status`: Home Assistant's birth message ("online" after it starts). */
	readonly homeAssistantStatus: string;
	/** `<prefix>/device/<deviceId>/config`. */
	readonly discovery: string;
	/** What the client subscribes to. */
	readonly subscriptions: readonly string[];
}

export function homeTopics(config: StationConfig): HomeTopics {
	const m = config.mqtt, base = m.baseTopic;
	const relays = config.relays.map((_r, i) => i + 1);
	return Object.freeze({
		availability: `${base}/availability`,
		doorbell: `${base}/doorbell`,
		door: `${base}/door`,
		callState: `${base}/call/state`,
		registration: `${base}/registration`,
		relayState: Object.freeze(relays.map((n) => `${base}/relay/${n}/state`)),
		relayOpen: Object.freeze(relays.map((n) => `${base}/relay/${n}/open`)),
		callStart: `${base}/call/start`,
		callHangup: `${base}/call/hangup`,
		homeAssistantStatus: `${m.discoveryPrefix}/status`,
		discovery: `${m.discoveryPrefix}/device/${m.deviceId}/config`,
		subscriptions: Object.freeze([`${base}/relay/+/open`, `${base}/call/start`, `${base}/call/hangup`, ...(m.discovery ? [`${m.discoveryPrefix}/status`] : [])]),
	});
}

/** What the device block says of the firmware. */
export interface DeviceInfo {
	/** e.g. "0.1.0". */
	readonly version: string;
	readonly model: string;
	/** The device page's link ("" = none). */
	readonly configurationUrl: string;
}

/** The discovery message as a JSON object (tests read it back); `discoveryPayload` is its bytes. */
export function discoveryDocument(config: StationConfig, t: HomeTopics, info: DeviceInfo): Record<string, unknown> {
	const m = config.mqtt, id = m.deviceId;
	const device: Record<string, unknown> = { identifiers: [id], name: m.deviceName, manufacturer: "sip-intercom", model: info.model, sw_version: info.version };
	if (info.configurationUrl !== "") device.configuration_url = info.configurationUrl;
	const components: Record<string, Record<string, unknown>> = {};
	const add = (key: string, c: Record<string, unknown>) => {
		components[`${id}_${key}`] = { ...c, unique_id: `${id}_${key}` };
	};
	add("doorbell", { platform: "event", name: "Doorbell", device_class: "doorbell", event_types: DOORBELL_EVENTS, state_topic: t.doorbell });
	add("door", { platform: "event", name: "Door", icon: "mdi:door", event_types: DOOR_EVENTS, state_topic: t.door });
	add("call", { platform: "sensor", name: "Call", icon: "mdi:phone", device_class: "enum", options: CALL_STATES, state_topic: t.callState });
	add("registration", { platform: "sensor", name: "SIP registration", icon: "mdi:phone-check", device_class: "enum", options: REGISTRATION_STATES,
		state_topic: t.registration, entity_category: "diagnostic" });
	config.relays.forEach((r, i) => {
		// A relay pulse unlocks the door: binary_sensor class "lock" means on = unlocked.
		add(`relay_${i + 1}`, { platform: "binary_sensor", name: r.name, device_class: "lock", state_topic: t.relayState[i], payload_on: ON, payload_off: OFF });
		add(`open_${i + 1}`, { platform: "button", name: `Open ${r.name}`, icon: "mdi:door-open", command_topic: t.relayOpen[i], payload_press: PRESS });
	});
	if (m.allowCalls) {
		add("ring", { platform: "button", name: "Ring", icon: "mdi:bell-ring", command_topic: t.callStart, payload_press: PRESS });
		add("hangup", { platform: "button", name: "Hang up", icon: "mdi:phone-hangup", command_topic: t.callHangup, payload_press: PRESS });
	}
	return {
		device,
		origin: { name: "sip-intercom", sw_version: info.version },
		availability_topic: t.availability,
		payload_available: ONLINE,
		payload_not_available: OFFLINE,
		qos: 1,
		components,
	};
}

/** The discovery message's bytes (retained under `topics.discovery`). */
export function discoveryPayload(config: StationConfig, t: HomeTopics, info: DeviceInfo): Uint8Array {
	return utf8(JSON.stringify(discoveryDocument(config, t, info)));
}
