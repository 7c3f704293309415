// The door station rings its call list — flows on the virtual host: a button press, the flats' answers on the wire,
// what the station sends and does (RFC 3261 §9.1 CANCEL, §13.2 INVITE, §15 BYE; the installer's call list).
import assert from "node:assert/strict";
import { BUSY_TONE_MS } from "../../src/intercom/tone-plan.js";
import { StationHost } from "./station-host.js";

const FLAT1 = "192.0.2.21", FLAT2 = "192.0.2.22", FLAT3 = "192.0.2.23";
const targets = [
	{ uri: `sip:flat1@${FLAT1}`, name: "Flat 1", ringSeconds: 10 },
	{ uri: `sip:flat2@${FLAT2}`, name: "Flat 2", ringSeconds: 20 },
	{ uri: `sip:flat3@${FLAT3}`, name: "Flat 3", ringSeconds: 30 },
];

describe("Call list, sequential: one flat after the other", () => {
	it("flat 1 rings past its time and is CANCELled, flat 2 is busy (486), flat 3 answers and keys 1234# (RFC 4733): the relay pulses 3 s, the call ends 5 s later", () => {
		const s = new StationHost({
			callList: { mode: "sequential", targets }, doorCodes: { codes: ["1234#"] }, relays: [{ pulseMs: 3000 }],
			callLimits: { hangupAfterDoorOpenSeconds: 5 },
		});
		const h = s.host;
		s.press();
		const [inv1] = s.invites();
		assert.equal(inv1.address, FLAT1);
		assert.equal(inv1.uri, `sip:flat1@${FLAT1}`);
		h.answer(inv1, 180, "Ringing", { toTag: "f1" });
		assert.ok(s.said("tone").includes("tone: ringback"), "the visitor hears ringback while flat 1 rings");
		const before = h.sent.length;
		s.advance(10_000);
		// §9.1: at its ring time flat 1 gets CANCEL (same branch as the INVITE), and flat 2 its INVITE at once.
		const cancel = h.lastOf("CANCEL");
		assert.equal(cancel.address, FLAT1);
		assert.equal(cancel.branch, inv1.branch);
		const inv2 = s.invites(before).find((m) => m.address === FLAT2);
		assert.ok(inv2 !== undefined, h.ladder.join("\n"));
		h.answer(cancel, 200, "OK", { toTag: null });
		h.answer(inv1, 487, "Request Terminated", { toTag: "f1" });
		// Flat 2 is busy: the list goes on at once to flat 3 (no busy tone yet).
		const n2 = h.sent.length;
		h.answer(inv2, 486, "Busy Here", { toTag: "f2" });
		assert.equal(h.lastOf("ACK").uri, inv2.uri, "the 486 is ACKed (§17.1.1.3)");
		const inv3 = s.invites(n2).find((m) => m.address === FLAT3)!;
		assert.ok(inv3 !== undefined, h.ladder.join("\n"));
		assert.ok(!s.said("tone").includes("tone: busy"));
		s.answerCall(inv3, "f3");
		const ack = h.lastOf("ACK");
		assert.equal(ack.address, "192.0.2.20", "ACK to the Contact of the 200 (§13.2.2.4)");
		const answered = s.events.find((e) => e.type === "answered");
		assert.ok(answered !== undefined && answered.type === "answered");
		const call = answered.call;
		assert.equal(s.station.status().slots[call].state, "active");
		assert.ok(!s.said("tone").slice(-1).includes("tone: busy"));

		s.keyRfc4733(call, "1234#");
		const opened = s.events.find((e) => e.type === "door-opened");
		assert.deepEqual(opened, { type: "door-opened", relay: 0, name: "door", by: "code", from: `sip:flat3@${FLAT3}` });
		s.advance(5000);
		const relay = s.relays[0].changes;
		assert.equal(relay.length, 3, JSON.stringify(relay));
		const [, open, close] = relay;
		assert.equal(open.level, 1);
		assert.equal(close.level, 0);
		assert.equal(close.at - open.at, 3000, "the pulse lasts its configured length");
		assert.ok(s.said("tone").includes("tone: door-opened"));
		// Hung up hangupAfterDoorOpenSeconds after the door opened: BYE to the flat's Contact.
		const byeAt = open.at + 5000;
		const bye = h.lastOf("BYE");
		assert.equal(bye.at, byeAt);
		assert.equal(bye.uri, "sip:flat@192.0.2.20:5060");
		assert.ok(s.said().includes(`call ${call}: hanging up 5 s after the door opened`));
		h.answer(bye, 200, "OK", { toTag: "f3" });
		for (const line of s.lines) assert.ok(!/1234/.test(line), `no digit of the code in an event: ${line}`);
		assert.ok(h.settle());
		assert.ok(s.station.idle, h.ladder.join("\n"));
	});

	it("nobody answers (each rings out, two cycles): busy tone for 3 s, back to idle, logged", () => {
		const s = new StationHost({ callList: { mode: "sequential", cycles: 2, targets: targets.slice(0, 2).map((t) => ({ ...t, ringSeconds: 5 })) } });
		const h = s.host;
		s.press();
		for (let i = 0; i < 4; i++) {
			const inv = s.invites().at(-1)!;
			assert.equal(inv.address, i % 2 === 0 ? FLAT1 : FLAT2, `ring ${i}`);
			h.answer(inv, 180, "Ringing", { toTag: `r${i}` });
			s.advance(5000);
			const cancel = h.lastOf("CANCEL");
			assert.equal(cancel.branch, inv.branch);
			h.answer(cancel, 200, "OK", { toTag: null });
			h.answer(inv, 487, "Request Terminated", { toTag: `r${i}` });
		}
		assert.equal(s.invites().length, 4, "two cycles of two targets");
		assert.deepEqual(s.said("call-list"), ["call list main: started (cycle 1)", "call list main: started (cycle 2)", "call list main: nobody-answered"]);
		assert.equal(s.said("tone").at(-1), "tone: busy");
		assert.equal(s.station.audio.localTone, s.station.audio.localTone ?? null);
		assert.ok(s.station.audio.wanted, "the busy tone plays");
		s.advance(BUSY_TONE_MS + 40);
		assert.ok(!s.station.audio.wanted, "the busy tone is over after 3 s");
		assert.ok(h.settle());
		assert.ok(s.station.idle);
		assert.equal(s.leds.idle.level, 1);
	});

	it("a failure (408 timeout, 503, 404) goes on at once to the next flat", () => {
		const s = new StationHost({ callList: { targets } });
		const h = s.host;
		s.press();
		h.answer(s.invites()[0], 404, "Not Found", { toTag: "x" });
		h.answer(s.invites()[1], 503, "Service Unavailable", { toTag: "y" });
		assert.equal(s.invites()[2].address, FLAT3);
		h.answer(s.invites()[2], 603, "Decline", { toTag: "z" });
		assert.equal(s.said("call-list").at(-1), "call list main: nobody-answered");
		assert.ok(h.settle());
	});

	it("a press while it rings cancels the list: CANCEL, no busy tone, idle", () => {
		const s = new StationHost({ callList: { targets } });
		const h = s.host;
		s.press();
		const inv = s.invites()[0];
		h.answer(inv, 180, "Ringing", { toTag: "f1" });
		s.advance(2000);
		s.press();
		assert.equal(h.lastOf("CANCEL").branch, inv.branch);
		h.answer(h.lastOf("CANCEL"), 200, "OK", { toTag: null });
		h.answer(inv, 487, "Request Terminated", { toTag: "f1" });
		assert.equal(s.said("call-list").at(-1), "call list main: cancelled");
		assert.equal(s.invites().length, 1, "no other flat is rung");
		assert.ok(!s.said("tone").includes("tone: busy"));
		assert.ok(!s.station.audio.wanted, "the ringback stopped");
		assert.ok(h.settle());
		assert.ok(s.station.idle);
	});
});

describe("Call list, parallel: every flat at once, the first to answer wins", () => {
	it("flat 2 answers first: flats 1 and 3 get CANCEL; flat 3's 200 crossing the CANCEL is ACKed and BYEd (§9.1, §15)", () => {
		const s = new StationHost({ callList: { mode: "parallel", targets } });
		const h = s.host;
		s.press();
		const invs = s.invites();
		assert.deepEqual(invs.map((m) => m.address), [FLAT1, FLAT2, FLAT3], "three INVITEs at once, one per call slot");
		assert.equal(new Set(invs.map((m) => m.header("Call-ID"))).size, 3);
		for (const [i, inv] of invs.entries()) h.answer(inv, 180, "Ringing", { toTag: `p${i}` });
		s.advance(1000);
		const n = h.sent.length;
		s.answerCall(invs[1], "p1");
		const cancels = h.all("CANCEL", n);
		assert.deepEqual(cancels.map((c) => c.address).sort(), [FLAT1, FLAT3]);
		assert.equal(cancels.find((c) => c.address === FLAT1)!.branch, invs[0].branch);
		// Flat 1 takes the CANCEL; flat 3's 200 had already left (it crosses the CANCEL).
		for (const c of cancels) h.answer(c, 200, "OK", { toTag: null });
		h.answer(invs[0], 487, "Request Terminated", { toTag: "p0" });
		const m = h.sent.length;
		h.answer(invs[2], 200, "OK", { toTag: "p2", body: "v=0\r\no=f 1 1 IN IP4 192.0.2.23\r\ns=-\r\nc=IN IP4 192.0.2.23\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n", extra: "Contact: <sip:flat3@192.0.2.23>\r\n" });
		const late = h.sent.slice(m);
		assert.deepEqual(late.map((x) => x.summary), ["ACK", "BYE"], h.ladder.join("\n"));
		assert.ok(late.every((x) => x.uri === "sip:flat3@192.0.2.23"));
		h.answer(late[1], 200, "OK", { toTag: "p2" });
		const answered = s.events.filter((e) => e.type === "answered");
		assert.equal(answered.length, 1, "only flat 2's call is answered");
		assert.equal(s.said("call-list").at(-1), "call list main: answered");
		assert.equal(s.station.status().slots.filter((x) => x.state === "active").length, 1);
		s.station.hangup();
		h.answer(h.lastOf("BYE"), 200, "OK", { toTag: "p1" });
		assert.ok(h.settle());
		assert.ok(s.station.idle, h.ladder.join("\n"));
	});

	it("each branch is CANCELled at its own ring time; when all are done, nobody answered", () => {
		const s = new StationHost({ callList: { mode: "parallel", targets } });
		const h = s.host;
		s.press();
		const invs = s.invites();
		for (const [i, inv] of invs.entries()) h.answer(inv, 180, "Ringing", { toTag: `p${i}` });
		s.advance(10_000);
		assert.deepEqual(h.all("CANCEL").map((c) => c.address), [FLAT1], "flat 1 rings 10 s");
		h.answer(h.lastOf("CANCEL"), 200, "OK", { toTag: null });
		h.answer(invs[0], 487, "Request Terminated", { toTag: "p0" });
		s.advance(10_000);
		assert.deepEqual(h.all("CANCEL").map((c) => c.address), [FLAT1, FLAT2], "flat 2 rings 20 s");
		h.answer(h.lastOf("CANCEL"), 200, "OK", { toTag: null });
		h.answer(invs[1], 487, "Request Terminated", { toTag: "p1" });
		assert.equal(s.said("call-list").at(-1), "call list main: started (cycle 1)", "flat 3 still rings");
		s.advance(10_000);
		h.answer(h.lastOf("CANCEL"), 200, "OK", { toTag: null });
		h.answer(invs[2], 487, "Request Terminated", { toTag: "p2" });
		assert.equal(s.said("call-list").at(-1), "call list main: nobody-answered");
		assert.equal(s.said("tone").at(-1), "tone: busy");
		assert.ok(h.settle());
	});
});
