// The station in Home Assistant over MQTT: discovery, availability, states and events out; commands in — Home
// Assistant's MQTT integration (device discovery, birth message on <prefix>/status, availability), OASIS MQTT 3.1.1.
// States are retained (Home Assistant shows them after a restart); events are not (an event happens once); commands
// act only when the configuration allows them, and a retained command is never obeyed (it would act again at each
// reconnection). Every topic and constant payload is encoded once; publishing a state allocates nothing.
import type { Clock, Random, StreamConnector } from "../host.js";
import type { IntercomEvents } from "../intercom/events.js";
import { MqttClient, type MqttUser } from "../mqtt/client.js";
import { isTopicName } from "../mqtt/packet.js";
import { ascii, equalsBytes, utf8 } from "../sip/bytes.js";
import type { TimerWheel } from "../transaction/timer-wheel.js";
import { discoveryPayload, homeTopics, OFFLINE, ON, OFF, ONLINE, type DeviceInfo, type HomeTopics } from "./discovery.js";
import { CH_DOOR, CH_DOORBELL, CH_REGISTRATION, CH_RELAY, type StationControl, type StationEvents } from "./station-events.js";

export interface HomeAssistantOptions {
	readonly station: StationControl;
	/** The shared formatter (src/home/home-link.ts feeds it every station event). */
	readonly events: StationEvents;
	/** Where refusals and connection changes are logged (the host's event sink). */
	readonly log: IntercomEvents;
	readonly connector: StreamConnector;
	readonly wheel: TimerWheel;
	readonly clock: Clock;
	readonly random: Random;
	readonly device: DeviceInfo;
}

/** Command names for log lines (made once: obeying a command allocates nothing here). */
const RING_COMMAND = "mqtt: ring the call list", HANGUP_COMMAND = "mqtt: hang up";
const B_ONLINE = ascii(ONLINE), B_OFFLINE = ascii(OFFLINE), B_ON = ascii(ON), B_OFF = ascii(OFF), B_ALTERNATE = ascii("2");
/** Event messages are QoS 1 (a ring must arrive); states QoS 0 retained (each is sent again after every CONNACK). */
const EVENT_QOS = 1, STATE_QOS = 0;

export class HomeAssistantMqtt implements MqttUser {
	readonly client: MqttClient;
	readonly topics: HomeTopics;
	readonly #o: HomeAssistantOptions;
	readonly #station: StationControl;
	readonly #events: StationEvents;
	readonly #discovery: Uint8Array;
	readonly #discoveryTopic: Uint8Array;
	readonly #availability: Uint8Array;
	readonly #doorbell: Uint8Array;
	readonly #door: Uint8Array;
	readonly #callState: Uint8Array;
	readonly #registration: Uint8Array;
	readonly #relayState: readonly Uint8Array[];
	readonly #relayOpen: readonly Uint8Array[];
	readonly #openNames: readonly string[];
	readonly #callStart: Uint8Array;
	readonly #callHangup: Uint8Array;
	readonly #haStatus: Uint8Array;
	readonly #where: string;
	/** Messages that could not be published (not connected, QoS 1 slots full): counted, not queued. */
	dropped = 0;

	constructor(options: HomeAssistantOptions) {
		const config = options.station.config, m = config.mqtt;
		if (m.broker === null) throw new RangeError("mqtt.broker is needed to start MQTT");
		this.#o = options;
		this.#station = options.station;
		this.#events = options.events;
		const t = homeTopics(config);
		this.topics = t;
		const topic = (text: string) => {
			const b = utf8(text);
			if (!isTopicName(b)) throw new RangeError(`not an MQTT topic name: ${text}`);
			return b;
		};
		this.#availability = topic(t.availability);
		this.#doorbell = topic(t.doorbell);
		this.#door = topic(t.door);
		this.#callState = topic(t.callState);
		this.#registration = topic(t.registration);
		this.#relayState = Object.freeze(t.relayState.map(topic));
		this.#relayOpen = Object.freeze(t.relayOpen.map(topic));
		this.#openNames = Object.freeze(t.relayOpen.map((_t, i) => `mqtt: open relay ${i + 1}`));
		this.#callStart = topic(t.callStart);
		this.#callHangup = topic(t.callHangup);
		this.#haStatus = topic(t.homeAssistantStatus);
		this.#discoveryTopic = topic(t.discovery);
		this.#discovery = m.discovery ? discoveryPayload(config, t, options.device) : new Uint8Array(0);
		this.#where = `${m.broker.address}:${m.broker.port}`;
		this.client = new MqttClient({
			connector: options.connector, wheel: options.wheel, clock: options.clock, random: options.random,
			address: m.broker.address, port: m.broker.port,
			connect: { clientId: utf8(m.clientId), keepAliveSeconds: m.keepAliveSeconds, will: { topic: this.#availability, payload: B_OFFLINE },
				username: utf8(m.username), password: utf8(m.password) },
			subscriptions: t.subscriptions.map(utf8), user: this,
		});
	}

	/** Connect (and stay connected until `stop`). */
	start(): void {
		this.client.start();
	}

	/** Say "offline" (a clean DISCONNECT does not publish the will, MQTT §3.14.4), then leave. */
	stop(): void {
		this.client.publish(this.#availability, B_OFFLINE, 0, B_OFFLINE.length, STATE_QOS, true);
		this.client.stop();
	}

	/** One station event, already digested by the shared formatter: `channel` is what `events.take(e)` returned. */
	publish(channel: number): void {
		const ev = this.#events, json = ev.json;
		if (channel === CH_DOORBELL) this.#send(this.#doorbell, json.buf, json.pos, EVENT_QOS, false);
		else if (channel === CH_DOOR) this.#send(this.#door, json.buf, json.pos, EVENT_QOS, false);
		else if (channel === CH_RELAY) this.#relay(ev.relay);
		else if (channel === CH_REGISTRATION) this.#state(this.#registration, ev.registrationBytes);
		if (ev.callChanged) this.#state(this.#callState, ev.callStateBytes);
	}

	// ---- MqttUser ----

	onConnected(): void {
		this.#o.log.event({ type: "mqtt", state: "connected", detail: `to ${this.#where} as ${this.#station.config.mqtt.clientId}` });
		this.#announce();
	}

	onMessage(buf: Uint8Array, topicStart: number, topicEnd: number, payloadStart: number, payloadEnd: number, retained: boolean, truncated: boolean): void {
		if (equalsBytes(buf, topicStart, topicEnd, this.#haStatus)) {
			// Home Assistant (re)started: announce again (its birth message, "online").
			if (equalsBytes(buf, payloadStart, payloadEnd, B_ONLINE)) this.#announce();
			return;
		}
		let command = "", relay = -1;
		for (let i = 0; i < this.#relayOpen.length; i++) if (equalsBytes(buf, topicStart, topicEnd, this.#relayOpen[i])) relay = i;
		if (relay >= 0) command = this.#openNames[relay];
		else if (equalsBytes(buf, topicStart, topicEnd, this.#callStart)) command = RING_COMMAND;
		else if (equalsBytes(buf, topicStart, topicEnd, this.#callHangup)) command = HANGUP_COMMAND;
		else {
			this.#refuse("mqtt", `no such command topic: ${topicOf(buf, topicStart, topicEnd)}`);
			return;
		}
		const m = this.#station.config.mqtt;
		if (retained) this.#refuse(command, "a retained command is ignored (it would act again at every reconnection)");
		else if (truncated) this.#refuse(command, "the message is larger than the receive buffer");
		else if (relay >= 0) {
			if (!m.allowOpen) this.#refuse(command, "remote opening is off (mqtt.allowOpen)");
			else this.#station.openDoor(relay, "", "mqtt");
		} else if (!m.allowCalls) this.#refuse(command, "remote calls are off (mqtt.allowCalls)");
		else if (command === HANGUP_COMMAND) this.#station.hangup();
		else this.#station.startCallList(equalsBytes(buf, payloadStart, payloadEnd, B_ALTERNATE) ? 1 : 0);
	}

	onDisconnected(reason: string, retryMs: number): void {
		this.#o.log.event({ type: "mqtt", state: "disconnected", detail: retryMs < 0 ? reason : `${reason}; again in ${(retryMs / 1000).toFixed(1)} s` });
	}

	onWarning(reason: string): void {
		this.#o.log.event({ type: "mqtt", state: "warning", detail: reason });
	}

	// ---- internals ----

	/** Availability, the discovery message, then every state (Home Assistant needs the states after a config, its docs say). */
	#announce(): void {
		const c = this.client, ev = this.#events;
		this.#send(this.#availability, B_ONLINE, B_ONLINE.length, STATE_QOS, true);
		if (this.#discovery.length > 0 && !c.publish(this.#discoveryTopic, this.#discovery, 0, this.#discovery.length, 0, true)) this.dropped++;
		this.#state(this.#callState, ev.callStateBytes);
		this.#state(this.#registration, ev.registrationBytes);
		for (let i = 0; i < this.#relayState.length; i++) this.#relay(i);
	}

	#relay(i: number): void {
		if (i < this.#relayState.length) this.#state(this.#relayState[i], this.#events.relayOpen[i] !== 0 ? B_ON : B_OFF);
	}

	#state(topic: Uint8Array, value: Uint8Array): void {
		this.#send(topic, value, value.length, STATE_QOS, true);
	}

	#send(topic: Uint8Array, payload: Uint8Array, length: number, qos: number, retain: boolean): void {
		if (!this.client.publish(topic, payload, 0, length, qos, retain)) this.dropped++;
	}

	#refuse(command: string, reason: string): void {
		this.#o.log.event({ type: "refused", command, reason });
	}

}

/** A received topic as text for a log line (rare: an unknown command topic). */
function topicOf(buf: Uint8Array, start: number, end: number): string {
	let s = "";
	for (let i = start; i < end && i < start + 100; i++) s += String.fromCharCode(buf[i] < 0x20 || buf[i] > 0x7e ? 0x3f : buf[i]);
	return s;
}
