// The door station's rules, one flow each on the virtual host: who may call it (monitoring), call limits, the button,
// the indicators, calling once registered, a crashed phone — as the installer's manual states them.
import assert from "node:assert/strict";
import { REGISTRATION_WAIT_MS } from "../../src/intercom/door-station.js";
import { StationHost } from "./station-host.js";

const ALICE = { from: "\"Alice\" <sip:alice@192.0.2.20>" };
const FLAT = { targets: [{ uri: "sip:flat@192.0.2.21", ringSeconds: 20 }] };
/** The virtual flats send no RTP: tests of long calls switch the RTP timeout off. */
const NO_RTP_TIMEOUT = { rtpTimeoutSeconds: 0 };

describe("Incoming calls (monitoring)", () => {
	it("an allowed caller rings (180 at once) and is answered after the answer delay", () => {
		const s = new StationHost({ incoming: { allow: ["alice@192.0.2.*"], answerDelayMs: 2000 } });
		const r180 = s.ringIn(ALICE);
		assert.equal(r180.status, 180);
		s.advance(1999);
		assert.equal(s.host.all(200).length, 0);
		s.advance(1);
		assert.equal(s.host.last().status, 200);
		assert.deepEqual(s.said("incoming"), [`call 0: incoming from "Alice" <sip:alice@192.0.2.20>: answering`]);
		assert.equal(s.station.status().slots[0].state, "active");
	});

	it("anybody else is refused with the configured status (403), never rung", () => {
		const s = new StationHost({ incoming: { allow: ["alice@192.0.2.*"], refuseStatus: 403 } });
		const r = s.ringIn({ from: "<sip:mallory@198.51.100.9>" });
		assert.equal(r.status, 403);
		assert.deepEqual(s.said("incoming"), ["call 0: incoming from <sip:mallory@198.51.100.9>: refused 403 (not allowed)"]);
		assert.equal(s.events.filter((e) => e.type === "answered").length, 0);
		assert.ok(s.host.settle());
	});

	it("with no allow-list (the default) every caller gets 603 Decline", () => {
		const s = new StationHost({});
		assert.equal(s.ringIn(ALICE).status, 603);
	});

	it("a second call while one is up is refused 486 Busy Here", () => {
		const s = new StationHost({ incoming: { allow: ["*"], answerDelayMs: 0 } });
		s.callIn(ALICE);
		const r = s.ringIn({ from: "<sip:bob@192.0.2.30>", callId: "bob@192.0.2.30", fromTag: "b1", sentBy: "192.0.2.30:5060" });
		assert.equal(r.status, 486);
		assert.equal(r.address, "192.0.2.30");
		assert.equal(s.said("incoming").at(-1), "call 1: incoming from <sip:bob@192.0.2.30>: refused 486 (busy)");
	});

	it("a caller while the call list rings is refused 486 too: the visitor's call comes first", () => {
		const s = new StationHost({ callList: FLAT, incoming: { allow: ["*"] } });
		s.press();
		assert.equal(s.invites().length, 1);
		assert.equal(s.ringIn(ALICE).status, 486);
	});

	it("manual answering: it rings until `answer`; a press meanwhile (button.inCall hangup) refuses it", () => {
		const s = new StationHost({ incoming: { allow: ["*"], answer: "manual" } });
		s.ringIn(ALICE);
		s.advance(10_000);
		assert.equal(s.host.all(200).length, 0);
		assert.ok(s.station.answer());
		assert.equal(s.host.last().status, 200);
		const t = new StationHost({ incoming: { allow: ["*"], answer: "manual" } });
		t.ringIn(ALICE);
		t.press();
		assert.equal(t.host.last().status, 603);
	});
});

describe("Call limits", () => {
	it("a call ends at maxCallSeconds, with the warning tone warningSeconds before", () => {
		const s = new StationHost({ incoming: { allow: ["*"], answerDelayMs: 0 }, callLimits: { maxCallSeconds: 60, warningSeconds: 10 }, audio: NO_RTP_TIMEOUT });
		s.callIn(ALICE);
		const answeredAt = s.host.clock.now();
		s.advance(49_999);
		assert.equal(s.said("call-limit").length, 0);
		s.advance(1);
		assert.deepEqual(s.said("call-limit"), ["call 0: call ends in 10 s"]);
		assert.equal(s.said("tone").at(-1), "tone: call-ending");
		s.advance(10_000);
		assert.deepEqual(s.said("call-limit").at(-1), "call 0: call time limit (60 s) reached");
		const bye = s.host.lastOf("BYE");
		assert.equal(bye.at - answeredAt, 60_000);
	});

	it("the extend key moves the end extendSeconds later (and warns again before the new end)", () => {
		const s = new StationHost({
			incoming: { allow: ["*"], answerDelayMs: 0 }, doorCodes: { codes: ["1234#"] },
			callLimits: { maxCallSeconds: 60, warningSeconds: 10, extendKey: "0", extendSeconds: 30 }, audio: NO_RTP_TIMEOUT,
		});
		const d = s.callIn(ALICE);
		const answeredAt = s.host.clock.now();
		s.advance(55_000);
		s.infoIn(d, "0");
		assert.equal(s.said("call-limit").at(-1), "call 0: call extended by 30 s");
		s.advance(24_999);
		assert.equal(s.said("call-limit").filter((l) => l.includes("ends in")).length, 1);
		s.advance(1);
		assert.equal(s.said("call-limit").at(-1), "call 0: call ends in 10 s");
		s.advance(9_999);
		assert.throws(() => s.host.lastOf("BYE"));
		s.advance(1);
		assert.equal(s.host.lastOf("BYE").at - answeredAt, 90_000);
		assert.equal(s.said("call-limit").at(-1), "call 0: call time limit (90 s) reached");
	});

	it("hangupAfterDoorOpenSeconds 0: the call goes on after the door opened", () => {
		const s = new StationHost({ incoming: { allow: ["*"], answerDelayMs: 0 }, doorCodes: { codes: ["1"] }, callLimits: { hangupAfterDoorOpenSeconds: 0 }, audio: NO_RTP_TIMEOUT });
		const d = s.callIn(ALICE);
		s.infoIn(d, "1");
		assert.equal(s.said("door-opened").length, 1);
		s.advance(60_000);
		assert.throws(() => s.host.lastOf("BYE"), "no BYE");
	});
});

describe("The button", () => {
	it("debounces: a bouncing contact (edges 2 ms apart) is one press; a 5 ms glitch is none", () => {
		const s = new StationHost({ callList: FLAT, button: { debounceMs: 30 } });
		for (let i = 0; i < 5; i++) {
			s.station.buttonEdge(i % 2 === 0);
			s.advance(2);
		}
		s.station.buttonEdge(true);
		s.advance(40);
		assert.deepEqual(s.said("button"), ["button: press"]);
		assert.equal(s.invites().length, 1);
		s.station.buttonEdge(false);
		s.advance(5);
		s.station.buttonEdge(true);
		s.advance(40);
		assert.deepEqual(s.said("button"), ["button: press"], "released for 5 ms only: still the same press");
	});

	it("a press in a call hangs it up (button.inCall hangup) or does nothing (ignore)", () => {
		for (const inCall of ["hangup", "ignore"] as const) {
			const s = new StationHost({ incoming: { allow: ["*"], answerDelayMs: 0 }, button: { inCall } });
			s.callIn(ALICE);
			s.press();
			assert.equal(s.host.all("BYE").length, inCall === "hangup" ? 1 : 0, inCall);
		}
	});

	it("a long press bound to the alternate list rings it; a short press (acted on at release) rings the main list", () => {
		const s = new StationHost({
			callList: FLAT, alternateCallList: { targets: ["sip:caretaker@192.0.2.40"] }, button: { longPress: "alternateCallList", longPressMs: 2000 },
		});
		s.station.buttonEdge(true);
		s.advance(2100);
		assert.deepEqual(s.said("button"), ["button: press", "button: long-press"]);
		assert.equal(s.invites()[0]?.address, "192.0.2.40");
		s.station.buttonEdge(false);
		s.advance(100);
		assert.equal(s.invites().length, 1, "the release after a long press does nothing more");
		s.host.answer(s.invites()[0], 180, "Ringing", { toTag: "c" });
		s.station.hangup();
		s.host.answer(s.host.lastOf("CANCEL"), 200, "OK", { toTag: null });
		s.host.answer(s.invites()[0], 487, "Request Terminated", { toTag: "c" });
		s.press(500);
		assert.equal(s.invites().at(-1)?.address, "192.0.2.21");
	});
});

describe("Indicators", () => {
	it("not registered blinks until the registrar answers; calling blinks while the list rings; in call and door open are steady", () => {
		const s = new StationHost({
			sip: { registrar: "192.0.2.1" }, callList: FLAT, doorCodes: { codes: ["1"] }, indicators: { blinkMs: 500 },
		});
		const h = s.host;
		assert.equal(s.station.status().leds.notRegistered, "blink");
		const blinks = s.leds.notRegistered.changes.length;
		s.advance(2000);
		assert.ok(s.leds.notRegistered.changes.length >= blinks + 3, "the pin toggles every 500 ms");
		const reg = h.lastOf("REGISTER");
		h.answer(reg, 200, "OK", { extra: `Contact: <sip:door@192.0.2.10:5060>;expires=600\r\n` });
		assert.equal(s.station.status().leds.notRegistered, "off");
		assert.equal(s.leds.notRegistered.level, 0);
		assert.equal(s.leds.idle.level, 1);
		s.press();
		assert.equal(s.station.status().leds.calling, "blink");
		assert.equal(s.leds.idle.level, 0);
		s.answerCall(s.invites()[0], "f");
		assert.equal(s.station.status().leds.inCall, "on");
		assert.equal(s.station.status().leds.calling, "off");
		const answered = s.events.find((e) => e.type === "answered");
		s.keyRfc4733(answered?.type === "answered" ? answered.call : -1, "1");
		assert.equal(s.leds.doorOpen.level, 1);
		s.advance(3000);
		assert.equal(s.leds.doorOpen.level, 0);
		assert.ok(s.said("led").includes("led doorOpen: on"));
	});
});

describe("Calling once registered", () => {
	it("a press before the first registration waits for it; the 200 to REGISTER starts the list", () => {
		const s = new StationHost({ sip: { registrar: "192.0.2.1" }, callList: FLAT });
		s.press();
		assert.equal(s.invites().length, 0);
		assert.equal(s.said("call-list").at(-1), "call list main: waiting-for-registration");
		s.host.answer(s.host.lastOf("REGISTER"), 200, "OK", { extra: `Contact: <sip:door@192.0.2.10:5060>;expires=600\r\n` });
		assert.equal(s.invites().length, 1);
		assert.equal(s.invites()[0].address, "192.0.2.1", "through the registrar, the outbound proxy by default");
	});

	it("a registrar that does not answer: the list is rung anyway after the wait", () => {
		const s = new StationHost({ sip: { registrar: "192.0.2.1" }, callList: FLAT });
		s.station.buttonEdge(true);
		s.advance(30); // debounced: the press counts now
		s.advance(REGISTRATION_WAIT_MS - 1);
		assert.equal(s.invites().length, 0);
		s.advance(1);
		assert.equal(s.invites().length, 1);
	});
});

describe("A phone that vanishes", () => {
	it("no RTP for rtpTimeoutSeconds in an answered call: BYE", () => {
		const s = new StationHost({ incoming: { allow: ["*"], answerDelayMs: 0 }, audio: { rtpTimeoutSeconds: 5 } });
		s.callIn(ALICE);
		s.advance(4900);
		assert.equal(s.host.all("BYE").length, 0);
		s.advance(200);
		assert.equal(s.host.all("BYE").length, 1);
		assert.equal(s.said("rtp-timeout")[0], "call 0: no RTP for 5 s: hanging up");
	});
});
