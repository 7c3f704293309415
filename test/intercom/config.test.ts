// The configuration document (src/intercom/config.ts): documented defaults, and for every bad field an error naming
// the field path, the value and what is allowed — all errors at once, secrets never shown.
import assert from "node:assert/strict";
import { CONFIG_DEFAULTS, parseStationConfig, redactedConfig } from "../../src/intercom/config.js";
import { TCP } from "../../src/transaction/transaction-table.js";

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
		assert.deepEqual(c.sip.registrar, { address: "192.168.1.10", port: 5061, transport: TCP });
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

	it("names the path, the value and what is allowed for each bad field, all at once", () => {
		const cases: [unknown, string][] = [
			[{ sip: { user: "door phone" } }, `sip.user: expected a SIP user name (letters, digits, . - _ ! ~ ...) (at most 64 characters), got "door phone"`],
			[{ sip: { registrar: "pbx.local" } }, `sip.registrar: expected an IP address with an optional :port and ;transport=tcp (e.g. 192.168.1.10:5060), got "pbx.local"`],
			[{ sip: { proxy: "10.0.0.1:70000" } }, `sip.proxy: expected an IP address with an optional :port and ;transport=tcp (e.g. 192.168.1.10:5060), got "10.0.0.1:70000"`],
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
			[{ sip: { pasword: "x" } }, "sip.pasword: unknown field (allowed here: user, domain, displayName, authUser, password, registrar, proxy, registerExpires, sessionExpires, port, rtpPort)"],
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
