// The MQTT client session on a virtual host: CONNECT, CONNACK, SUBSCRIBE, QoS 0/1 both ways, keep-alive, will,
// reconnection with back-off, and a closed connection (with its reason) for every protocol violation — OASIS MQTT
// 3.1.1 §3.1-§3.14, §4.4, §4.8.
import assert from "node:assert/strict";
import { MQTT_CONNACK, MQTT_CONNECTED, MQTT_STOPPED, MQTT_WAITING } from "../../src/mqtt/client.js";
import { ascii } from "../../src/sip/bytes.js";
import { clientPackets, connack, PINGRESP_BYTES, puback, publish, suback } from "./broker-bytes.js";
import { MqttHost, SUBSCRIPTIONS } from "./mqtt-host.js";

const TOPIC = ascii("door/doorbell");

function sent(h: MqttHost) {
	return clientPackets(h.connector.socket.take());
}

describe("MQTT session: connecting (§3.1, §3.2, §3.8)", () => {
	it("connects to the broker, sends CONNECT first, then SUBSCRIBE after CONNACK 0, and tells the user", () => {
		const h = new MqttHost();
		h.client.start();
		assert.equal(h.connector.lastAddress, "192.0.2.10");
		assert.equal(h.connector.lastPort, 1883);
		assert.equal(h.connector.socket.length, 0, "nothing before the TCP connection is up");
		h.peer.onConnected();
		const [connect] = sent(h);
		assert.equal(connect.type, 1);
		assert.equal(connect.connect?.will?.payload, "offline");
		assert.equal(h.client.state, MQTT_CONNACK);
		h.feed(connack(0));
		const [sub] = sent(h);
		assert.equal(sub.type, 8);
		assert.deepEqual(sub.filters?.map((f) => f.filter), SUBSCRIPTIONS);
		assert.equal(h.client.state, MQTT_CONNECTED);
		assert.deepEqual(h.user.lines, ["connected"]);
	});

	it("a first packet other than CONNACK closes the connection (§3.2)", () => {
		const h = new MqttHost();
		h.client.start();
		h.peer.onConnected();
		h.feed(Uint8Array.of(0xd0, 0));
		assert.equal(h.connector.socket.closed, true);
		assert.equal(h.client.state, MQTT_WAITING);
		assert.match(h.user.lines[0], /^disconnected: the broker's first packet is not a CONNACK \(§3\.2\) \(retry \d+\)$/);
	});

	it("CONNACK 4 (bad user name or password) closes and waits the longest back-off before trying again (§3.2.2.3)", () => {
		const h = new MqttHost({ reconnectMinMs: 1000, reconnectMaxMs: 60_000 });
		h.client.start();
		h.peer.onConnected();
		h.feed(connack(4));
		assert.equal(h.connector.socket.closed, true);
		const m = /^disconnected: the broker refused the connection: bad user name or password \(CONNACK 4\) \(retry (\d+)\)$/.exec(h.user.lines[0]);
		assert.ok(m, h.user.lines[0]);
		assert.ok(Number(m[1]) >= 45_000, `retry in ${m[1]} ms`);
		h.advance(Number(m[1]) - 1);
		assert.equal(h.connector.attempts, 1);
		h.advance(1);
		assert.equal(h.connector.attempts, 2);
	});

	it("CONNACK with Session Present on a Clean Session connection is a violation (§3.2.2.2)", () => {
		const h = new MqttHost();
		h.client.start();
		h.peer.onConnected();
		h.feed(connack(0, true));
		assert.match(h.user.lines[0], /Session Present on a clean session/);
	});

	it("no CONNACK within the connect timeout closes the connection", () => {
		const h = new MqttHost({ connectTimeoutMs: 5000 });
		h.client.start();
		h.peer.onConnected();
		h.advance(5000);
		assert.equal(h.connector.socket.closed, true);
		assert.match(h.user.lines[0], /^disconnected: no CONNACK in time/);
	});

	it("a refused subscription is a warning, not a disconnection; a SUBACK granting more than QoS 1 is a violation (§3.9.3, §3.8.4)", () => {
		const h = new MqttHost();
		h.client.start();
		h.peer.onConnected();
		h.feed(connack(0));
		h.feed(suback(1, [1, 0x80]));
		assert.deepEqual(h.user.lines, ["connected", "warning: the broker refused the subscription to homeassistant/status"]);
		assert.equal(h.client.connected, true);
		const g = new MqttHost();
		g.client.start();
		g.peer.onConnected();
		g.feed(connack(0));
		g.feed(suback(1, [2, 1]));
		assert.match(g.user.lines[1], /SUBACK grants a higher QoS than asked/);
	});

	it("a SUBACK whose return codes do not match the SUBSCRIBE closes the connection (§3.9.3)", () => {
		const h = new MqttHost();
		h.client.start();
		h.peer.onConnected();
		h.feed(connack(0));
		h.feed(suback(1, [1]));
		assert.match(h.user.lines[1], /SUBACK return codes do not match the SUBSCRIBE/);
	});
});

describe("MQTT session: publishing (§3.3, §3.4, §4.3, §4.4)", () => {
	it("QoS 0 is written at once and needs no answer; nothing is published while not connected", () => {
		const h = new MqttHost();
		const payload = ascii("ON");
		assert.equal(h.client.publish(TOPIC, payload, 0, 2, 0, true), false);
		h.connect();
		h.connector.socket.take();
		assert.equal(h.client.publish(TOPIC, payload, 0, 2, 0, true), true);
		const [p] = sent(h);
		assert.deepEqual({ topic: p.topic, payload: p.payload, qos: p.qos, retain: p.retain }, { topic: "door/doorbell", payload: "ON", qos: 0, retain: true });
	});

	it("a QoS 0 payload longer than the send buffer goes out whole (header from the buffer, payload from the caller)", () => {
		const h = new MqttHost({ sendBytes: 64 });
		h.connect();
		h.connector.socket.take();
		const big = ascii("y".repeat(3000));
		assert.equal(h.client.publish(TOPIC, big, 0, big.length, 0, true), true);
		const [p] = sent(h);
		assert.equal(p.payload, "y".repeat(3000));
	});

	it("QoS 1 takes packet identifiers 2.. and holds each message until its PUBACK (§4.3.2)", () => {
		const h = new MqttHost({ inflight: 2 });
		h.connect();
		h.connector.socket.take();
		const a = ascii('{"event_type":"ring"}');
		assert.equal(h.client.publish(TOPIC, a, 0, a.length, 1, false), true);
		assert.equal(h.client.publish(TOPIC, a, 0, a.length, 1, false), true);
		assert.equal(h.client.publish(TOPIC, a, 0, a.length, 1, false), false, "both slots await a PUBACK");
		const ids = sent(h).map((p) => p.packetId);
		assert.deepEqual(ids, [2, 3]);
		h.feed(puback(2));
		assert.equal(h.client.unacknowledged, 1);
		assert.equal(h.client.publish(TOPIC, a, 0, a.length, 1, false), true);
		assert.deepEqual(sent(h).map((p) => p.packetId), [4]);
		h.feed(puback(99)); // an identifier the client never used changes nothing
		assert.equal(h.client.unacknowledged, 2);
	});

	it("after a reconnection the unacknowledged QoS 1 messages go again, in order, with DUP set (§4.4)", () => {
		const h = new MqttHost();
		h.connect();
		for (const text of ["one", "two", "three"]) {
			const b = ascii(text);
			h.client.publish(TOPIC, b, 0, b.length, 1, false);
		}
		h.feed(puback(3)); // "two" arrived
		h.peer.onClosed(true);
		assert.equal(h.client.state, MQTT_WAITING);
		h.advance(2000);
		h.connect();
		const again = sent(h).filter((p) => p.type === 3);
		assert.deepEqual(again.map((p) => [p.payload, p.dup, p.packetId]), [["one", true, 2], ["three", true, 4]]);
	});

	it("a QoS 1 message from the broker is acknowledged before it is handed on, QoS 0 is not acknowledged (§4.3.1, §4.3.2)", () => {
		const h = new MqttHost();
		h.connect();
		h.connector.socket.take();
		h.feed(publish("door/relay/1/open", "PRESS", 1, 77));
		h.feed(publish("homeassistant/status", "online", 0, 0, { retain: true }));
		const out = sent(h);
		assert.deepEqual(out.map((p) => [p.type, p.packetId]), [[4, 77]]);
		assert.deepEqual(h.user.messages, [
			{ topic: "door/relay/1/open", payload: "PRESS", retained: false, truncated: false },
			{ topic: "homeassistant/status", payload: "online", retained: true, truncated: false },
		]);
	});

	it("a QoS 2 PUBLISH (above the subscriptions' QoS 1) closes the connection (§3.8.4)", () => {
		const h = new MqttHost();
		h.connect();
		h.feed(publish("door/relay/1/open", "PRESS", 2, 5));
		assert.equal(h.connector.socket.closed, true);
		assert.match(h.user.lines[1], /PUBLISH at QoS 2/);
	});

	it("a second CONNACK, a PUBREC, an UNSUBACK each close the connection with their reason (§3.2, §4.8)", () => {
		for (const [bytes, reason] of [[connack(0), /a second CONNACK/], [Uint8Array.of(0x50, 2, 0, 1), /unexpected PUBREC/], [Uint8Array.of(0xb0, 2, 0, 1), /unexpected UNSUBACK/]] as const) {
			const h = new MqttHost();
			h.connect();
			h.feed(bytes);
			assert.equal(h.connector.socket.closed, true);
			assert.match(h.user.lines[1], reason);
		}
	});

	it("a write the host refuses closes the connection and plans a reconnection", () => {
		const h = new MqttHost();
		h.connect();
		h.connector.socket.refuse = true;
		const b = ascii("x");
		assert.equal(h.client.publish(TOPIC, b, 0, 1, 0, false), false);
		assert.equal(h.client.state, MQTT_WAITING);
		assert.match(h.user.lines[1], /refused a write/);
	});
});

describe("MQTT session: keep-alive (§3.1.2.10, §3.12, §3.13)", () => {
	it("sends PINGREQ after a keep-alive period without sending anything, and none while it sends", () => {
		const h = new MqttHost(); // keep-alive 30 s
		h.connect();
		h.connector.socket.take();
		h.advance(20_000);
		const b = ascii("x");
		h.client.publish(TOPIC, b, 0, 1, 0, false);
		h.advance(10_000);
		assert.deepEqual(sent(h).map((p) => p.type), [3], "no PINGREQ 30 s after CONNACK: something was sent at 20 s");
		h.advance(20_000);
		assert.deepEqual(sent(h).map((p) => p.type), [12], "PINGREQ 30 s after the last packet");
		h.feed(PINGRESP_BYTES);
		h.advance(30_000);
		assert.deepEqual(sent(h).map((p) => p.type), [12]);
		assert.equal(h.client.connected, true);
	});

	it("a PINGREQ unanswered by the next keep-alive closes the connection", () => {
		const h = new MqttHost();
		h.connect();
		h.advance(30_000);
		assert.equal(h.client.connected, true);
		h.advance(30_000);
		assert.equal(h.client.connected, false);
		assert.match(h.user.lines[1], /no PINGRESP within the keep-alive/);
	});
});

describe("MQTT session: reconnection", () => {
	it("backs off 1, 2, 4 ... s (±25 %) up to the maximum while the broker stays away", () => {
		const h = new MqttHost({ reconnectMinMs: 1000, reconnectMaxMs: 8000 });
		h.connector.refuse = true;
		h.client.start();
		const delays: number[] = [];
		for (let i = 0; i < 6; i++) {
			const m = /retry (\d+)/.exec(h.user.lines[h.user.lines.length - 1]);
			delays.push(Number(m?.[1]));
			h.advance(Number(m?.[1]));
		}
		// FixedRandom([128]): the jitter factor is 0.75 + 128/510.
		const f = 0.75 + 128 / 510;
		assert.deepEqual(delays, [1000, 2000, 4000, 8000, 8000, 8000].map((d) => Math.round(d * f)));
		assert.equal(h.connector.attempts, 7);
	});

	it("a connection that stayed up 30 s resets the back-off; one dropped at once does not", () => {
		const h = new MqttHost({ reconnectMinMs: 1000, reconnectMaxMs: 60_000 });
		h.connect();
		h.peer.onClosed(true); // dropped at once: 1 s, and the next one 2 s
		h.advance(2000);
		h.connect();
		h.peer.onClosed(true);
		const f = 0.75 + 128 / 510; // FixedRandom([128])
		assert.match(h.user.lines[h.user.lines.length - 1], new RegExp(`retry ${Math.round(2000 * f)}\\)`));
		h.advance(3000);
		h.connect();
		h.advance(31_000);
		h.feed(PINGRESP_BYTES);
		h.peer.onClosed(false);
		assert.match(h.user.lines[h.user.lines.length - 1], new RegExp(`the broker closed the connection \\(retry ${Math.round(1000 * f)}\\)`));
	});

	it("stop() sends DISCONNECT (the broker then drops the will, §3.14.4), closes, and tries no more", () => {
		const h = new MqttHost();
		h.connect();
		h.connector.socket.take();
		const socket = h.connector.socket;
		h.client.stop();
		assert.deepEqual(clientPackets(socket.take()).map((p) => p.type), [14]);
		assert.equal(socket.closed, true);
		assert.equal(h.client.state, MQTT_STOPPED);
		h.advance(120_000);
		assert.equal(h.connector.attempts, 1);
		assert.equal(h.wheel.size, 0, "no timer left");
	});
});
