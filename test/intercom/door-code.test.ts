// Door codes: the digits a resident keys in a call (RFC 4733 events or SIP INFO, one stream) open the relay, as the
// installer's manual says — terminator or fixed length, inter-digit timeout, wrong-code lockout that outlives the call,
// codes only from the calls the configuration trusts; and never a digit of a code in an event.
import assert from "node:assert/strict";
import { StationHost } from "./station-host.js";

const ALICE = { from: "\"Alice\" <sip:alice@192.0.2.20>" };

describe("Door codes", () => {
	it("three wrong codes lock codes out: the right code is refused during the lockout (also in the next call) and accepted after", () => {
		const s = new StationHost({
			incoming: { allow: ["alice@*"], answerDelayMs: 500 }, doorCodes: { codes: ["1234#"], maxWrong: 3, lockoutSeconds: 60 },
			callLimits: { hangupAfterDoorOpenSeconds: 0 },
		});
		const d = s.callIn(ALICE);
		for (let n = 1; n <= 3; n++) for (const k of "1111#") s.infoIn(d, k);
		assert.deepEqual(s.said("wrong-code"), [1, 2, 3].map((n) => `call 0: wrong door code ${n} of 3 from "Alice" <sip:alice@192.0.2.20>`));
		assert.deepEqual(s.said("locked-out"), ["door codes locked out for 60 s"]);
		assert.equal(s.said("tone").filter((t) => t === "tone: invalid-code").length, 3);
		for (const k of "1234#") s.infoIn(d, k);
		assert.equal(s.said("code-refused").at(-1), `call 0: door code refused (locked out) from "Alice" <sip:alice@192.0.2.20>`);
		assert.equal(s.relays[0].level, 0, "no opening while locked out");
		// Hanging up and calling again does not lift the lockout.
		s.inDialog(d, "BYE");
		const d2 = s.callIn({ ...ALICE, callId: "in-2@192.0.2.20", fromTag: "a2" });
		for (const k of "1234#") s.infoIn(d2, k);
		assert.equal(s.events.filter((e) => e.type === "door-opened").length, 0);
		assert.equal(s.said("code-refused").length, 2);
		s.advance(60_000);
		assert.deepEqual(s.said("lockout-over"), ["door codes accepted again"]);
		s.inDialog(d2, "BYE");
		const d3 = s.callIn({ ...ALICE, callId: "in-3@192.0.2.20", fromTag: "a3" });
		for (const k of "1234#") s.infoIn(d3, k);
		assert.equal(s.said("door-opened").length, 1);
		assert.equal(s.relays[0].level, 1);
		for (const line of s.lines) assert.ok(!/1234|1111/.test(line), line);
		s.inDialog(d3, "BYE");
		assert.ok(s.host.settle());
	});

	it("RFC 4733 and SIP INFO feed one entry: 12 by RFC 4733, 34# by INFO open the door", () => {
		const s = new StationHost({ incoming: { allow: ["*"] }, doorCodes: { codes: ["1234#"] } });
		const d = s.callIn(ALICE);
		s.keyRfc4733(0, "12");
		for (const k of "34#") s.infoIn(d, k);
		assert.deepEqual(s.said("digit"), ["call 0: DTMF (RFC 4733)", "call 0: DTMF (RFC 4733)", "call 0: DTMF (SIP INFO)", "call 0: DTMF (SIP INFO)", "call 0: DTMF (SIP INFO)"]);
		assert.equal(s.said("door-opened").length, 1);
	});

	it("a one-key code (*) opens at once; the inter-digit timeout starts the entry over without counting it wrong", () => {
		const s = new StationHost({ incoming: { allow: ["*"] }, doorCodes: { codes: ["1234#", "*"], interDigitMs: 3000 }, callLimits: { hangupAfterDoorOpenSeconds: 0 } });
		const d = s.callIn(ALICE);
		s.infoIn(d, "1");
		s.infoIn(d, "2");
		s.advance(3000);
		for (const k of "34#") s.infoIn(d, k);
		assert.equal(s.said("wrong-code").length, 1, "\"34#\" alone is wrong: the \"12\" before it was forgotten");
		assert.equal(s.said("door-opened").length, 0);
		s.infoIn(d, "*");
		assert.equal(s.said("door-opened").length, 1);
		assert.equal(s.said("wrong-code").length, 1, "the timeout itself counted nothing");
	});

	it("a wrong entry is judged only at # or at the longest code's length (a prober learns nothing digit by digit)", () => {
		const s = new StationHost({ incoming: { allow: ["*"] }, doorCodes: { codes: ["1234#"] } });
		const d = s.callIn(ALICE);
		for (const k of "9999") s.infoIn(d, k);
		assert.equal(s.said("wrong-code").length, 0);
		s.infoIn(d, "#");
		assert.equal(s.said("wrong-code").length, 1);
	});

	it("codes count only from callers the configuration trusts (openDoor false) and from call-list calls (fromCallList)", () => {
		const s = new StationHost({
			incoming: { allow: [{ caller: "alice@*", openDoor: false }, "bob@*"] }, doorCodes: { codes: ["1234#"], fromCallList: false },
		});
		const d = s.callIn(ALICE);
		for (const k of "1234#") s.infoIn(d, k);
		assert.deepEqual(s.said("code-refused"), [`call 0: door code refused (not allowed from this call) from "Alice" <sip:alice@192.0.2.20>`]);
		assert.equal(s.relays[0].level, 0);
		s.inDialog(d, "BYE");
		const bob = s.callIn({ from: "<sip:bob@192.0.2.30>", sentBy: "192.0.2.30:5060", callId: "bob@192.0.2.30", fromTag: "b1" });
		for (const k of "1234#") s.infoIn(bob, k, { sentBy: "192.0.2.30:5060" });
		assert.equal(s.said("door-opened").length, 1, "bob's entry opens");
	});

	it("digits outside the conversation (no call answered) open nothing", () => {
		const s = new StationHost({ incoming: { allow: ["*"], answer: "manual" }, doorCodes: { codes: ["1"] } });
		s.ringIn(ALICE);
		s.keyRfc4733(0, "1");
		assert.equal(s.said("door-opened").length, 0);
	});
});
