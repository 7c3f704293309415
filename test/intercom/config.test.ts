// The configuration document (src/intercom/config.ts): documented defaults, and for every bad field an error naming
// the field path, the value and what is allowed — all errors at once, secrets never shown.
import assert from "node:assert/strict";
import { CONFIG_DEFAULTS, parseServerAddress, parseStationConfig, redactedConfig, SERVER_FORM } from "../../src/intercom/config.js";
import { TCP, TLS, UDP } from "../../src/transaction/transaction-table.js";

function errors(doc: unknown): readonly string[] {
	const r = parseStationConfig(doc);
	assert.equal(r.ok, false, "the document must be refused");
	return r.ok ? [] : r.errors;
}

describe("Configuration (src/intercom/config.ts)", () => {
	it("an empty document is the defaults", () => {
		const r = parseStationConfig({});
		assert.ok(r.ok);
		assert.deepEqual(r.config, CONFIG_DEFAULTS);
		assert.equal(r.config.incoming.allow.length, 0, "nobody may call in unless the installer says so");
		assert.equal(r.config.doorCodes.codes.length, 0, "no code opens the door unless the installer sets one");
	});

	it("a complete installer's document is read as written", () => {
		const r = parseStationConfig({
			sip: { user: "door", password: "s3cret", registrar: "192.168.1.10:5061;transport=tcp", proxy: null, displayName: "Front door" },
			callList: { mode: "parallel", cycles: 2, targets: ["sip:101@192.168.1.10", { uri: "sip:102@192.168.1.10", name: "Flat 2", ringSeconds: 15 }] },
			alternateCallList: { targets: ["sip:caretaker@192.168.1.10"] },
			button: { debounceMs: 40, longPressMs: 3000, inCall: "ignore", longPress: "alternateCallList" },
			relays: [{ name: "door", pulseMs: 5000, activeLow: true }, { name: "gate" }],
			doorCodes: { codes: ["1234#", { code: "*", relay: 1 }], maxWrong: 5 },
			callLimits: { maxCallSeconds: 120, warningSeconds: 20, extendKey: "0" },
			incoming: { allow: ["*@192.168.1.*", { caller: "guard@*", openDoor: false }], answer: "manual", refuseStatus: 486 },
			indicators: { inCall: "blink" },
			audio: { tonePlan: "north-america", echoSuppressor: { micAttenuationDb: 30 } },
		});
		assert.ok(r.ok, JSON.stringify(r));
		const c = r.config;
		assert.deepEqual(c.sip.registrar, { uri: "sip:192.168.1.10:5061;transport=tcp", host: "192.168.1.10", port: 5061, transport: TCP, secure: false });
		assert.equal(c.sip.proxy, null);
		assert.deepEqual(c.callList.targets.map((t) => [t.uri, t.name, t.ringSeconds]), [["sip:101@192.168.1.10", "", 30], ["sip:102@192.168.1.10", "Flat 2", 15]]);
		assert.deepEqual(c.relays.map((x) => [x.name, x.pulseMs, x.activeLow]), [["door", 5000, true], ["gate", 3000, false]]);
		assert.deepEqual(c.doorCodes.codes, [{ code: "1234#", relay: 0 }, { code: "*", relay: 1 }]);
		assert.deepEqual(c.incoming.allow, [{ caller: "*@192.168.1.*", openDoor: true }, { caller: "guard@*", openDoor: false }]);
		assert.equal(c.audio.echoSuppressor.micAttenuationDb, 30);
		assert.equal(c.audio.echoSuppressor.hangoverMs, 160, "the other levels keep their defaults");
		const dump = JSON.stringify(redactedConfig(c));
		assert.ok(!dump.includes("s3cret") && !dump.includes("1234#"), dump);
		assert.match(dump, /"password":"\*\*\*"/);
		assert.match(dump, /"registrar":"192\.168\.1\.10:5061;transport=tcp"/);
	});

	it("servers as installers name them: a host name, an address, a port, a transport, a SIPS URI (RFC 3263 §4, RFC 3261 §26.2)", () => {
		const cases: [string, string, string, number, number, boolean][] = [
			// text, the URI the locator gets, host, port (0: none), transport (0: none), sips
			["pbx.example.com", "sip:pbx.example.com", "pbx.example.com", 0, 0, false],
			["fritz.box:5060", "sip:fritz.box:5060", "fritz.box", 5060, 0, false],
			["sip.provider.net;transport=tcp", "sip:sip.provider.net;transport=tcp", "sip.provider.net", 0, TCP, false],
			["pbx.example.com;transport=TLS", "sip:pbx.example.com;transport=tls", "pbx.example.com", 0, TLS, false],
			["sips:pbx.example.com", "sips:pbx.example.com", "pbx.example.com", 0, 0, true],
			["sips:pbx.example.com:5081;transport=tcp", "sips:pbx.example.com:5081", "pbx.example.com", 5081, TLS, true],
			["sip:192.168.1.10:5062;transport=udp", "sip:192.168.1.10:5062;transport=udp", "192.168.1.10", 5062, UDP, false],
			["homeassistant.local", "sip:homeassistant.local", "homeassistant.local", 0, 0, false],
			["[2001:db8::1]:5060", "sip:[2001:db8::1]:5060", "[2001:db8::1]", 5060, 0, false],
		];
		for (const [written, uri, host, port, transport, secure] of cases) {
			assert.deepEqual(parseServerAddress(written), { uri, host, port, transport, secure }, written);
		}
		for (const bad of ["pbx..example.com", "-pbx.example.com", "pbx.example.com:0", "sips:pbx.example.com;transport=udp", "pbx.example.com;transport=sctp", "1.2.3", "sip:alice@pbx.example.com"]) {
			assert.equal(parseServerAddress(bad), null, bad);
		}
		const r = parseStationConfig({ sip: { registrar: "sips:pbx.example.com", dnsServers: ["192.0.2.53", "[2001:db8::53]:5353"], tlsCaFile: "/etc/pbx-ca.pem", tlsVerify: false } });
		assert.ok(r.ok, JSON.stringify(r));
		assert.deepEqual(r.config.sip.dnsServers, [{ address: "192.0.2.53", port: 53 }, { address: "2001:db8::53", port: 5353 }]);
		assert.equal(r.config.sip.proxy, r.config.sip.registrar, "the registrar is the outbound proxy unless the file says otherwise");
		const dump = redactedConfig(r.config).sip as Record<string, unknown>;
		assert.deepEqual([dump.registrar, dump.proxy, dump.dnsServers, dump.tlsCaFile, dump.tlsVerify],
			["sips:pbx.example.com", "sips:pbx.example.com", ["192.0.2.53:53", "[2001:db8::53]:5353"], "/etc/pbx-ca.pem", false]);
	});

	it("names the path, the value and what is allowed for each bad field, all at once", () => {
		const cases: [unknown, string][] = [
			[{ sip: { user: "door phone" } }, `sip.user: expected a SIP user name (letters, digits, . - _ ! ~ ...) (at most 64 characters), got "door phone"`],
			[{ sip: { registrar: "pbx_1.local" } }, `sip.registrar: expected ${SERVER_FORM}, got "pbx_1.local"`],
			[{ sip: { registrar: "sips:pbx.example.com;transport=udp" } }, `sip.registrar: expected ${SERVER_FORM}, got "sips:pbx.example.com;transport=udp"`],
			[{ sip: { registrar: "192.168.1.256" } }, `sip.registrar: expected ${SERVER_FORM}, got "192.168.1.256"`],
			[{ sip: { proxy: "10.0.0.1:70000" } }, `sip.proxy: expected ${SERVER_FORM}, got "10.0.0.1:70000"`],
			[{ sip: { dnsServers: ["192.0.2.53", "dns.example.com"] } }, `sip.dnsServers[1]: expected an IP address with an optional :port (e.g. 192.168.1.1, 127.0.0.1:5353), got "dns.example.com"`],
			[{ sip: { dnsServers: ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"] } }, "sip.dnsServers: expected a list of 0-3 items, got a list of 4"],
			[{ sip: { tlsVerify: "no" } }, `sip.tlsVerify: expected true or false, got "no"`],
			[{ sip: { sessionExpires: 60 } }, "sip.sessionExpires: expected 0 (no session timer) or 90-86400 (RFC 4028 §4: at least 90 s), got 60"],
			[{ sip: { rtpPort: 16401 } }, "sip.rtpPort: expected an even port (RFC 3550 §11: RTP even, RTCP the odd one above), got 16401"],
			[{ sip: { port: "5060" } }, `sip.port: expected a whole number 0-65535, got "5060"`],
			[{ sip: { registerExpires: 5 } }, "sip.registerExpires: expected a whole number 10-86400, got 5"],
			[{ callList: { mode: "random" } }, `callList.mode: expected one of "sequential", "parallel", got "random"`],
			[{ callList: { cycles: 0 } }, "callList.cycles: expected a whole number 1-10, got 0"],
			[{ callList: { targets: [{ uri: "sip:a@192.0.2.1" }, { uri: "sip:b@192.0.2.2", ringSeconds: 0 }] } }, "callList.targets[1].ringSeconds: expected a whole number 1-600, got 0"],
			[{ callList: { targets: ["tel:+4930123"] } }, `callList.targets[0].uri: expected a SIP URI (sip:user@host[:port]) (at most 200 characters), got "tel:+4930123"`],
			[{ callList: { targets: [{ name: "x" }] } }, "callList.targets[0].uri: a target needs a uri (sip:user@host)"],
			[{ callList: { targets: new Array(9).fill("sip:a@192.0.2.1") } }, "callList.targets: expected a list of 0-8 items, got a list of 9"],
			[{ button: { debounceMs: 0 } }, "button.debounceMs: expected a whole number 1-1000, got 0"],
			[{ button: { inCall: "answer" } }, `button.inCall: expected one of "hangup", "ignore", got "answer"`],
			[{ button: { longPress: "alternateCallList" } }, `button.longPress: "alternateCallList" needs an alternateCallList`],
			[{ relays: [] }, "relays: expected a list of 1-4 items, got a list of 0"],
			[{ relays: [{ pulseMs: 50 }] }, "relays[0].pulseMs: expected a whole number 100-60000, got 50"],
			[{ relays: [{ activeLow: "yes" }] }, `relays[0].activeLow: expected true or false, got "yes"`],
			[{ doorCodes: { codes: ["12a4"] } }, "doorCodes.codes[0].code: expected digits 0-9 * # A-D (at most 16 characters), got ***"],
			[{ doorCodes: { codes: ["12#4"] } }, "doorCodes.codes[0].code: expected # only at the end (it ends the entry), got ***"],
			[{ doorCodes: { codes: [{ code: "1", relay: 1 }] } }, "doorCodes.codes[0].relay: expected a whole number 0-0, got 1"],
			[{ doorCodes: { codes: ["12", "1234#"] } }, "doorCodes.codes[1]: begins with doorCodes.codes[0] (***), so it could never be keyed"],
			[{ doorCodes: { maxWrong: 0 } }, "doorCodes.maxWrong: expected a whole number 1-20, got 0"],
			[{ doorCodes: { interDigitMs: 100 } }, "doorCodes.interDigitMs: expected a whole number 500-60000, got 100"],
			[{ callLimits: { maxCallSeconds: 60, warningSeconds: 60 } }, "callLimits.warningSeconds: expected less than callLimits.maxCallSeconds (60), got 60"],
			[{ callLimits: { extendKey: "10" } }, `callLimits.extendKey: expected one key 0-9 * # A-D, or "" for none (at most 1 characters), got "10"`],
			[{ callLimits: { extendKey: "1" }, doorCodes: { codes: ["1234#"] } }, `callLimits.extendKey: "1" is the first key of a door code: choose a key no code starts with`],
			[{ incoming: { refuseStatus: 404 } }, "incoming.refuseStatus: expected one of 403, 486, 603, got 404"],
			[{ incoming: { allow: ["alice"] } }, `incoming.allow[0].caller: expected user@host with * wildcards, or * (at most 128 characters), got "alice"`],
			[{ incoming: { answerDelayMs: -1 } }, "incoming.answerDelayMs: expected a whole number 0-60000, got -1"],
			[{ indicators: { calling: "flash" } }, `indicators.calling: expected one of "off", "on", "blink", got "flash"`],
			[{ audio: { tonePlan: "uk" } }, `audio.tonePlan: expected one of "europe", "north-america", got "uk"`],
			[{ audio: { jitterMinMs: 100, jitterMaxMs: 60 } }, "audio.jitterMaxMs: expected at least audio.jitterMinMs (100), got 60"],
			[{ audio: { echoSuppressor: { micAttenuationDb: 99 } } }, "audio.echoSuppressor.micAttenuationDb: expected a number 0 to 60, got 99"],
			[{ sip: { pasword: "x" } }, "sip.pasword: unknown field (allowed here: user, domain, displayName, authUser, password, registrar, proxy, dnsServers, tlsCaFile, tlsVerify, registerExpires, sessionExpires, port, rtpPort)"],
			[{ callList: "sip:a@b" }, `callList: expected an object, got "sip:a@b"`],
			[[], "the configuration: expected an object, got a list of 0"],
		];
		for (const [doc, expected] of cases) assert.deepEqual(errors(doc), [expected], JSON.stringify(doc));
		// Several faults: every one of them, in document order.
		assert.deepEqual(errors({ sip: { port: 0.5, user: "" }, callList: { cycles: 11 } }), [
			`sip.user: expected a SIP user name (letters, digits, . - _ ! ~ ...) (at most 64 characters), got ""`,
			"sip.port: expected a whole number 0-65535, got 0.5",
			"callList.cycles: expected a whole number 1-10, got 11",
		]);
	});

	it("never shows a password or a door code in an error", () => {
		const all = errors({ sip: { password: "bad\u0001pass" }, doorCodes: { codes: ["12x34"] } }).join("\n");
		assert.ok(!all.includes("bad") && !all.includes("12x34"), all);
		assert.match(all, /sip\.password: expected a password \(at most 128 characters\), got \*\*\*/);
	});
});
