// The `mqtt` and `http` sections of the configuration document (src/intercom/remote-config.ts): off by default, every
// bad field named with its value and what is allowed, passwords never shown.
import assert from "node:assert/strict";
import { CONFIG_DEFAULTS, parseStationConfig, redactedConfig } from "../../src/intercom/config.js";

function errors(doc: unknown): readonly string[] {
	const r = parseStationConfig(doc);
	assert.equal(r.ok, false, "the document must be refused");
	return r.ok ? [] : r.errors;
}

describe("Configuration: mqtt and http (src/intercom/remote-config.ts)", () => {
	it("both are off by default, and neither opens a door nor places a call unless told", () => {
		const d = CONFIG_DEFAULTS;
		assert.equal(d.mqtt.enabled, false);
		assert.equal(d.http.enabled, false);
		assert.equal(d.mqtt.allowOpen || d.mqtt.allowCalls || d.http.allowOpen || d.http.allowCalls, false);
		assert.notEqual(d.http.port, 8080, "the simulator's web panel has 8080");
	});

	it("derives the device id, client id and base topic from sip.user (unsafe characters as _), or takes them as written", () => {
		const r = parseStationConfig({ sip: { user: "front.door+1" }, mqtt: { enabled: true, broker: "192.168.1.10" } });
		assert.ok(r.ok);
		assert.equal(r.config.mqtt.deviceId, "sip-intercom-front_door_1");
		assert.equal(r.config.mqtt.clientId, "sip-intercom-front_door_1");
		assert.equal(r.config.mqtt.baseTopic, "sip-intercom/front_door_1");
		assert.deepEqual([r.config.mqtt.broker?.address, r.config.mqtt.broker?.port], ["192.168.1.10", 1883]);
		const s = parseStationConfig({ mqtt: { enabled: true, broker: "[fd00::1]:8883", deviceId: "gate", clientId: "gate-client", baseTopic: "home/gate", username: "u", password: "p" } });
		assert.ok(s.ok);
		assert.deepEqual([s.config.mqtt.deviceId, s.config.mqtt.clientId, s.config.mqtt.baseTopic, s.config.mqtt.broker?.address, s.config.mqtt.broker?.port],
			["gate", "gate-client", "home/gate", "fd00::1", 8883]);
	});

	it("names the field, the value and what is allowed for every bad mqtt and http field", () => {
		const cases: [unknown, string][] = [
			[{ mqtt: { enabled: true } }, "mqtt.broker: needed when mqtt.enabled is true: an IP address with an optional :port (e.g. 192.168.1.10:1883; TLS is not supported)"],
			[{ mqtt: { broker: "broker.local" } }, `mqtt.broker: expected an IP address with an optional :port (e.g. 192.168.1.10:1883; TLS is not supported), got "broker.local"`],
			[{ mqtt: { broker: "10.0.0.1:1883;transport=tcp" } }, `mqtt.broker: expected an IP address with an optional :port (e.g. 192.168.1.10:1883; TLS is not supported), got "10.0.0.1:1883;transport=tcp"`],
			[{ mqtt: { password: "x" } }, "mqtt.password: a password needs mqtt.username (MQTT 3.1.1 §3.1.2.9)"],
			[{ mqtt: { baseTopic: "home/+/door" } }, `mqtt.baseTopic: expected topic levels of letters, digits, _ . - separated by single /, no wildcards (e.g. sip-intercom/door) (at most 100 characters), got "home/+/door"`],
			[{ mqtt: { discoveryPrefix: "/homeassistant" } }, `mqtt.discoveryPrefix: expected topic levels of letters, digits, _ . - separated by single /, no wildcards (e.g. sip-intercom/door) (at most 100 characters), got "/homeassistant"`],
			[{ mqtt: { deviceId: "front door" } }, `mqtt.deviceId: expected letters, digits, _ and - (at most 64 characters), got "front door"`],
			[{ mqtt: { keepAliveSeconds: 0 } }, "mqtt.keepAliveSeconds: expected a whole number 5-3600, got 0"],
			[{ mqtt: { configurationUrl: "ftp://x" } }, `mqtt.configurationUrl: expected an http:// or https:// URL, or "" (at most 200 characters), got "ftp://x"`],
			[{ mqtt: { allowOpen: "yes" } }, `mqtt.allowOpen: expected true or false, got "yes"`],
			[{ mqtt: { host: "x" } }, "mqtt.host: unknown field (allowed here: enabled, broker, username, password, clientId, deviceId, deviceName, baseTopic, discovery, discoveryPrefix, configurationUrl, keepAliveSeconds, allowOpen, allowCalls)"],
			[{ http: { enabled: true } }, "http.password: needed when http.enabled is true (the API can open the door)"],
			[{ http: { port: 5060 } }, "http.port: expected a port other than sip.port (5060): SIP listens on TCP there, got 5060"],
			[{ http: { port: 70000 } }, "http.port: expected a whole number 0-65535, got 70000"],
			[{ http: { user: "a:b" } }, `http.user: expected a user name without : " or \\ (at most 64 characters), got "a:b"`],
			[{ http: { maxConnections: 2, maxEventStreams: 2 } }, "http.maxEventStreams: expected fewer than http.maxConnections (2), so requests always find a connection, got 2"],
			[{ http: { nonceSeconds: 1 } }, "http.nonceSeconds: expected a whole number 10-3600, got 1"],
		];
		for (const [doc, expected] of cases) assert.deepEqual(errors(doc), [expected], JSON.stringify(doc));
	});

	it("never shows the MQTT or HTTP password, in an error or in the configuration dump", () => {
		const all = errors({ mqtt: { username: "u", password: "bad\u0001mqtt" }, http: { password: "bad\u0002http" } }).join("\n");
		assert.ok(!all.includes("bad"), all);
		assert.match(all, /mqtt\.password: expected a password \(at most 128 characters\), got \*\*\*/);
		const r = parseStationConfig({ mqtt: { enabled: true, broker: "127.0.0.1", username: "u", password: "mqtt-secret" }, http: { enabled: true, password: "http-secret" } });
		assert.ok(r.ok);
		const dump = JSON.stringify(redactedConfig(r.config));
		assert.ok(!dump.includes("mqtt-secret") && !dump.includes("http-secret"), dump);
		assert.match(dump, /"broker":"127\.0\.0\.1:1883"/);
	});
});
