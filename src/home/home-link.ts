// The station's links to the home: Home Assistant over MQTT and the HTTP API, built from the configuration's `mqtt`
// and `http` sections (each off unless enabled) and fed every station event through one formatter — DESIGN.md §6.
// A host builds one HomeLink beside the DoorStation, forwards the station's events to it, hands it a StreamConnector
// (MQTT) and the connections its HTTP listener accepts (`http.accept`). Nothing here knows Node or Moddable.
import type { Clock, Random, StreamConnector } from "../host.js";
import type { IntercomEvent, IntercomEvents } from "../intercom/events.js";
import type { StationConfig } from "../intercom/config.js";
import { MQTT_TIMERS } from "../mqtt/client.js";
import { DigestServer } from "../http/digest-server.js";
import { HttpServer } from "../http/http-server.js";
import type { TimerWheel } from "../transaction/timer-wheel.js";
import { HomeAssistantMqtt } from "./home-assistant.js";
import { HttpApi } from "./http-api.js";
import { StationEvents, type StationControl } from "./station-events.js";

export interface HomeLinkOptions {
	readonly station: StationControl;
	/** Call slots of the station (`callSlots(config)`). */
	readonly slots: number;
	/** Where connection changes and refusals are logged (the host's event sink; they come back through `event`). */
	readonly log: IntercomEvents;
	readonly wheel: TimerWheel;
	readonly clock: Clock;
	readonly random: Random;
	/** For MQTT; null: the host has no TCP client (MQTT then stays off). */
	readonly connector: StreamConnector | null;
	/** Firmware version and model for Home Assistant's device block and /api/system/info. */
	readonly version: string;
	readonly model?: string;
	/** The device page Home Assistant links to when the configuration names none ("" = none). */
	readonly configurationUrl?: string;
}

/** Timers the home links hold at once (the host adds them when it sizes the wheel). */
export function homeTimers(config: StationConfig): number {
	return (config.mqtt.enabled ? MQTT_TIMERS : 0) + (config.http.enabled ? config.http.maxConnections : 0);
}

export class HomeLink implements IntercomEvents {
	readonly events: StationEvents;
	readonly mqtt: HomeAssistantMqtt | null = null;
	/** The HTTP server (the host's listener hands it connections: `http.accept(socket, address, port)`). */
	readonly http: HttpServer | null = null;
	readonly api: HttpApi | null = null;

	constructor(o: HomeLinkOptions) {
		const config = o.station.config, model = o.model ?? "SIP door station";
		this.events = new StationEvents(config, o.slots, o.station.status());
		if (config.mqtt.enabled && o.connector !== null) {
			this.mqtt = new HomeAssistantMqtt({
				station: o.station, events: this.events, log: o.log, connector: o.connector, wheel: o.wheel, clock: o.clock, random: o.random,
				device: { version: o.version, model, configurationUrl: config.mqtt.configurationUrl !== "" ? config.mqtt.configurationUrl : o.configurationUrl ?? "" },
			});
		}
		const h = config.http;
		if (h.enabled) {
			const api = new HttpApi({ station: o.station, events: this.events, log: o.log, version: o.version, model });
			this.api = api;
			this.http = new HttpServer({
				wheel: o.wheel, handler: api, maxConnections: h.maxConnections, maxStreams: h.maxEventStreams, product: `sip-intercom/${o.version}`,
				auth: new DigestServer({ realm: h.realm, user: h.user, password: h.password, random: o.random, clock: o.clock, nonceSeconds: h.nonceSeconds }),
				log: (detail) => o.log.event({ type: "http", state: "refused", detail }),
			});
			api.attach(this.http);
		}
	}

	start(): void {
		this.mqtt?.start();
	}

	/** Say offline and leave the broker; close every HTTP connection. */
	stop(): void {
		this.mqtt?.stop();
		this.http?.close();
	}

	/** Every station event (and the links' own log events, which change nothing here). */
	event(e: IntercomEvent): void {
		if (this.mqtt === null && this.api === null) return;
		if (e.type === "refused") {
			this.api?.noteRefusal(e.reason);
			return;
		}
		const channel = this.events.take(e);
		this.mqtt?.publish(channel);
		this.api?.publish(channel);
	}
}
