// The station in Home Assistant over MQTT, on the virtual host (the real DoorStation, a recording broker socket):
// discovery, availability, states and events out; commands in, obeyed only as the configuration allows — Home
// Assistant's MQTT integration (device discovery, birth message, availability) and MQTT 3.1.1.
import assert from "node:assert/strict";
import { callSlots } from "../../src/intercom/door-station.js";
import { describeEvent, type IntercomEvent } from "../../src/intercom/events.js";
import { HomeLink } from "../../src/home/home-link.js";
import { FixedRandom } from "../media/fixed-random.js";
import { StationHost } from "../intercom/station-host.js";
import { clientPackets, connack, publish, puback, suback, type ClientPacket } from "../mqtt/broker-bytes.js";
import { FakeConnector } from "../mqtt/mqtt-host.js";
import { discoveryProblems } from "./ha-discovery-schema.js";

const ALICE = { from: "\"Alice\" <sip:alice@192.0.2.20>" };
const BASE = "sip-intercom/door";

interface Flow {
	readonly s: StationHost;
	readonly home: HomeLink;
	readonly connector: FakeConnector;
	readonly log: string[];
	/** The client's packets since the last call. */
	sent(): ClientPacket[];
	/** PUBLISHes since the last call, as "topic payload" (r: retained, q1: QoS 1). */
	published(): string[];
	feed(bytes: Uint8Array): void;
}

function flow(doc: Record<string, unknown> = {}, mqtt: Record<string, unknown> = {}): Flow {
	const s = new StationHost({ relays: [{ name: "door", pulseMs: 3000 }], ...doc, mqtt: { enabled: true, broker: "192.0.2.5", allowOpen: true, ...mqtt } });
	const connector = new FakeConnector();
	const log: string[] = [];
	let home: HomeLink | null = null;
	const sink = { event: (e: IntercomEvent) => {
		log.push(describeEvent(e));
		home?.event(e);
	} };
	home = new HomeLink({ station: s.station, slots: callSlots(s.config), log: sink, wheel: s.host.wheel, clock: s.host.clock, random: new FixedRandom(),
		connector, version: "9.9.9", configurationUrl: "http://192.0.2.10:8081/" });
	s.listeners.push((e) => home?.event(e));
	home.start();
	const user = () => connector.users[connector.users.length - 1];
	const f: Flow = {
		s, home, connector, log,
		sent: () => clientPackets(connector.socket.take()),
		published: () => f.sent().filter((p) => p.type === 3).map((p) => `${p.topic} ${p.payload}${p.retain ? " r" : ""}${p.qos === 1 ? " q1" : ""}`),
		feed: (bytes) => user().onBytes(bytes, 0, bytes.length),
	};
	user().onConnected();
	return f;
}

/** CONNACK and SUBACK: the flow's client is connected, its announcements read. */
function connected(f: Flow): string[] {
	f.feed(connack(0));
	const first = f.sent();
	f.feed(suback(1, [1, 1, 1, 1]));
	return first.filter((p) => p.type === 3).map((p) => `${p.topic} ${p.payload}${p.retain ? " r" : ""}${p.qos === 1 ? " q1" : ""}`);
}

describe("Home Assistant over MQTT: announcing", () => {
	it("connects with a retained will 'offline' on <base>/availability and subscribes to the commands and homeassistant/status", () => {
		const f = flow();
		const [connect] = f.sent();
		assert.deepEqual(connect.connect?.will, { topic: `${BASE}/availability`, payload: "offline", qos: 1, retain: true });
		assert.equal(connect.connect?.clientId, "sip-intercom-door");
		f.feed(connack(0));
		const sub = f.sent().find((p) => p.type === 8);
		assert.deepEqual(sub?.filters?.map((x) => x.filter), [`${BASE}/relay/+/open`, `${BASE}/call/start`, `${BASE}/call/hangup`, "homeassistant/status"]);
	});

	it("after CONNACK: online, the discovery message, then every state — all retained", () => {
		const f = flow();
		const out = connected(f);
		assert.equal(out[0], `${BASE}/availability online r`);
		assert.match(out[1], /^homeassistant\/device\/sip-intercom-door\/config \{.* r$/);
		assert.deepEqual(out.slice(2), [`${BASE}/call/state idle r`, `${BASE}/registration none r`, `${BASE}/relay/1/state OFF r`]);
		assert.deepEqual(f.log, ["mqtt: connected: to 192.0.2.5:1883 as sip-intercom-door"]);
	});

	it("the discovery message has Home Assistant's documented keys: one device block, a doorbell event with ring, a button and a binary sensor per relay, two enum sensors", () => {
		const f = flow({ relays: [{ name: "door" }, { name: "gate" }] });
		const json = connected(f)[1].replace(/^\S+ /, "").replace(/ r$/, "");
		const doc = JSON.parse(json) as { device: Record<string, unknown>; components: Record<string, Record<string, unknown>> };
		assert.deepEqual(discoveryProblems(doc), []);
		assert.deepEqual(doc.device, { identifiers: ["sip-intercom-door"], name: "Door station", manufacturer: "sip-intercom", model: "SIP door station",
			sw_version: "9.9.9", configuration_url: "http://192.0.2.10:8081/" });
		const c = doc.components;
		assert.deepEqual(Object.values(c).map((x) => `${x.platform} ${x.name}`), ["event Doorbell", "event Door", "sensor Call", "sensor SIP registration",
			"binary_sensor door", "button Open door", "binary_sensor gate", "button Open gate"]);
		assert.equal(c["sip-intercom-door_doorbell"].device_class, "doorbell");
		assert.ok((c["sip-intercom-door_doorbell"].event_types as string[]).includes("ring"));
		assert.deepEqual(c["sip-intercom-door_call"].options, ["idle", "calling", "ringing", "in call"]);
		assert.equal(c["sip-intercom-door_open_2"].command_topic, `${BASE}/relay/2/open`);
	});

	it("announces again when Home Assistant's birth message says online (homeassistant/status), not for offline", () => {
		const f = flow();
		connected(f);
		f.feed(publish("homeassistant/status", "offline"));
		assert.deepEqual(f.published(), []);
		f.feed(publish("homeassistant/status", "online"));
		const again = f.published();
		assert.equal(again[0], `${BASE}/availability online r`);
		assert.match(again[1], /^homeassistant\/device\/sip-intercom-door\/config /);
		assert.equal(again.length, 5);
	});

	it("publishes 'offline' before a clean DISCONNECT (which makes the broker drop the will)", () => {
		const f = flow();
		connected(f);
		f.home.stop();
		const out = f.sent();
		assert.deepEqual(out.map((p) => p.type), [3, 14]);
		assert.equal(`${out[0].topic} ${out[0].payload}`, `${BASE}/availability offline`);
	});
});

describe("Home Assistant over MQTT: events and states", () => {
	it("every press publishes a ring (QoS 1, not retained); the call state follows the call: calling, ringing, in call, idle; the answer says who", () => {
		const f = flow({ callList: { targets: ["sip:flat@192.0.2.21"] }, audio: { rtpTimeoutSeconds: 0 } });
		connected(f);
		f.s.press();
		assert.deepEqual(f.published(), [`${BASE}/doorbell {"event_type":"ring","button":1} q1`, `${BASE}/call/state calling r`]);
		const inv = f.s.invites()[0];
		f.s.host.answer(inv, 180, "Ringing", { toTag: "f1" });
		assert.deepEqual(f.published(), [`${BASE}/call/state ringing r`]);
		f.s.answerCall(inv, "f1");
		assert.deepEqual(f.published(), [`${BASE}/doorbell {"event_type":"answered","call":1,"peer":"sip:flat@192.0.2.21"} q1`, `${BASE}/call/state in call r`]);
		f.s.station.hangup();
		f.s.advance(100);
		assert.deepEqual(f.published(), [`${BASE}/call/state idle r`]);
		f.s.press();
		assert.equal(f.published()[0], `${BASE}/doorbell {"event_type":"ring","button":1} q1`, "a second press rings again");
	});

	it("a door code opens: the door event (by code, who) and the relay's binary sensor ON, then OFF after the pulse; no digit anywhere", () => {
		const f = flow({ incoming: { allow: ["alice@*"], answerDelayMs: 0 }, doorCodes: { codes: ["1234#"], maxWrong: 2, lockoutSeconds: 60 },
			callLimits: { hangupAfterDoorOpenSeconds: 0 }, audio: { rtpTimeoutSeconds: 0 } });
		connected(f);
		const d = f.s.callIn(ALICE);
		f.published();
		for (const k of "1234#") f.s.infoIn(d, k);
		assert.deepEqual(f.published(), [`${BASE}/relay/1/state ON r`, `${BASE}/door {"event_type":"opened","relay":1,"name":"door","by":"code","peer":"\\"Alice\\" <sip:alice@192.0.2.20>"} q1`]);
		f.s.advance(3000);
		assert.deepEqual(f.published(), [`${BASE}/relay/1/state OFF r`]);
		for (const k of "9999#9999#") f.s.infoIn(d, k);
		const out = f.published();
		assert.deepEqual(out, [`${BASE}/door {"event_type":"wrong_code","count":1,"max":2} q1`, `${BASE}/door {"event_type":"wrong_code","count":2,"max":2} q1`,
			`${BASE}/door {"event_type":"locked_out","seconds":60} q1`]);
		for (const line of [...out, ...f.log]) assert.ok(!/1234|9999/.test(line), line);
	});
});

describe("Home Assistant over MQTT: commands", () => {
	it("'open door' pulses the relay: binary sensor ON then OFF, door event by mqtt; the QoS 1 command is acknowledged", () => {
		const f = flow();
		connected(f);
		f.feed(publish(`${BASE}/relay/1/open`, "PRESS", 1, 21));
		const out = f.sent();
		assert.deepEqual(out.filter((p) => p.type === 4).map((p) => p.packetId), [21]);
		assert.equal(f.s.relays[0].level, 1);
		assert.deepEqual(out.filter((p) => p.type === 3).map((p) => `${p.topic} ${p.payload}`), [`${BASE}/relay/1/state ON`,
			`${BASE}/door {"event_type":"opened","relay":1,"name":"door","by":"mqtt"}`]);
		f.s.advance(3000);
		assert.equal(f.s.relays[0].level, 0);
		assert.deepEqual(f.published(), [`${BASE}/relay/1/state OFF r`]);
	});

	it("with mqtt.allowOpen false the command is refused, logged with its reason, and the relay stays closed", () => {
		const f = flow({}, { allowOpen: false });
		connected(f);
		f.feed(publish(`${BASE}/relay/1/open`, "PRESS"));
		assert.equal(f.s.relays[0].level, 0);
		assert.deepEqual(f.log.slice(1), ["mqtt: open relay 1: remote opening is off (mqtt.allowOpen)"]);
		assert.deepEqual(f.published(), []);
	});

	it("a retained command is never obeyed (it would act again at each reconnection); an unknown relay is refused", () => {
		const f = flow();
		connected(f);
		f.feed(publish(`${BASE}/relay/1/open`, "PRESS", 0, 0, { retain: true }));
		f.feed(publish(`${BASE}/relay/2/open`, "PRESS"));
		assert.equal(f.s.relays[0].level, 0);
		assert.deepEqual(f.log.slice(1), ["mqtt: open relay 1: a retained command is ignored (it would act again at every reconnection)",
			`mqtt: no such command topic: ${BASE}/relay/2/open`]);
	});

	it("ring the call list and hang up, when mqtt.allowCalls says so; refused (logged) when not", () => {
		const f = flow({ callList: { targets: ["sip:flat@192.0.2.21"] } }, { allowCalls: true });
		connected(f);
		f.feed(publish(`${BASE}/call/start`, "PRESS"));
		assert.equal(f.s.invites().length, 1);
		f.s.host.answer(f.s.invites()[0], 180, "Ringing", { toTag: "f1" }); // CANCEL waits for a provisional response (RFC 3261 §9.1)
		f.feed(publish(`${BASE}/call/hangup`, "PRESS"));
		f.s.advance(100);
		assert.equal(f.s.host.requests("CANCEL").length, 1);
		const g = flow({ callList: { targets: ["sip:flat@192.0.2.21"] } });
		connected(g);
		g.feed(publish(`${BASE}/call/start`, "PRESS"));
		assert.equal(g.s.invites().length, 0);
		assert.deepEqual(g.log.slice(1), ["mqtt: ring the call list: remote calls are off (mqtt.allowCalls)"]);
	});

	it("a ring while the broker is away is not queued for later; one sent and not yet acknowledged goes again after reconnecting (§4.4)", () => {
		const f = flow();
		connected(f);
		f.s.press();
		const ring = f.sent().find((p) => p.topic === `${BASE}/doorbell`);
		assert.equal(ring?.qos, 1);
		f.connector.users[0].onClosed(true);
		assert.match(f.log.at(-1) ?? "", /^mqtt: disconnected: the broker closed the connection; again in \d\.\d s$/);
		f.s.press();
		f.s.advance(3000);
		f.connector.users[1].onConnected();
		f.sent();
		f.feed(connack(0));
		const again = f.sent().filter((p) => p.topic === `${BASE}/doorbell`);
		assert.deepEqual(again.map((p) => [p.dup, p.packetId]), [[true, ring?.packetId]], "only the unacknowledged one, DUP set");
		f.feed(puback(ring?.packetId ?? 0));
		assert.equal(f.home.mqtt?.client.unacknowledged, 0);
	});
});
