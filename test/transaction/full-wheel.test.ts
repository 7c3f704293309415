// A full timer wheel is an error its owner handles, never a lost timer — DESIGN.md §4; RFC 3261 §17.1.1.2 (Timer B),
// §17.1.2.2 (Timer F), §17.2.1 (100 Trying, Timer H), §17.2.2 (Timer J), §18 (connections); RFC 6026 §7.2 (Timer M).
import assert from "node:assert/strict";
import { M_INVITE, M_OPTIONS } from "../../src/sip/methods.js";
import { FREE } from "../../src/transaction/transaction-table.js";
import { VirtualHost, inbound, occupyWheel, responseTo } from "./virtual-host.js";


describe("DESIGN.md §4 A full timer wheel: client transactions", () => {
	it("a request that cannot get its Timer E and F fails at once: send is false, nothing goes out, no slot is kept (§17.1.2.2)", () => {
		const host = new VirtualHost({ timers: 16 });
		occupyWheel(host.wheel, 1);
		assert.equal(host.sendRequest(M_OPTIONS, "OPTIONS"), -1);
		assert.deepEqual(host.sent, []);
		assert.equal(host.layer.active, 0);
	});

	it("an INVITE with room for its timers goes out as ever (§17.1.1.2)", () => {
		const host = new VirtualHost({ timers: 16 });
		const release = occupyWheel(host.wheel, 2);
		assert.ok(host.sendRequest(M_INVITE, "INVITE") >= 0);
		assert.equal(host.sent.length, 1);
		release();
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("a 2xx with no room for Timer M still reaches the UA; the transaction ends at once and later 2xx come as strays (RFC 6026 §7.2)", () => {
		const host = new VirtualHost({ timers: 16 });
		const tx = host.sendRequest(M_INVITE, "INVITE");
		host.receive(responseTo(host.sent[0].text, 180, "Ringing")); // Proceeding: Timers A and B are over
		const release = occupyWheel(host.wheel, 0);
		host.receive(responseTo(host.sent[0].text, 200, "OK"));
		assert.deepEqual(host.heard, [`response 180 tx=${tx}`, `response 200 tx=${tx}`]);
		assert.equal(host.layer.stateOf(tx), FREE);
		host.receive(responseTo(host.sent[0].text, 200, "OK"));
		assert.deepEqual(host.heard.slice(2), ["stray 200"]);
		release();
		assert.equal(host.settle(), "active=0 timers=0");
	});
});

describe("DESIGN.md §4 A full timer wheel: server transactions", () => {
	it("an INVITE with no room for the 200 ms delay gets its 100 Trying at once (§17.2.1)", () => {
		const host = new VirtualHost({ timers: 16 });
		const release = occupyWheel(host.wheel, 0);
		host.receive(inbound("INVITE"));
		assert.deepEqual(host.sent.map((s) => s.text.split("\r\n")[0]), ["SIP/2.0 100 Trying"]);
		release();
	});

	it("a response with no room for Timer J or H ends its transaction at once: nothing is held that nothing would free (§17.2.2, §17.2.1)", () => {
		const host = new VirtualHost({ timers: 16, onRequest: (h, tx) => void h.answer(tx, 486, "Busy Here") });
		const release = occupyWheel(host.wheel, 0);
		host.receive(inbound("OPTIONS", { branch: "z9hG4bKo" }));
		host.receive(inbound("INVITE", { branch: "z9hG4bKi", callId: "i@192.0.2.20" }));
		assert.deepEqual(host.sent.map((s) => s.text.split("\r\n")[0]), ["SIP/2.0 486 Busy Here", "SIP/2.0 100 Trying", "SIP/2.0 486 Busy Here"]);
		assert.equal(host.layer.active, 0);
		release();
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("a 2xx with no room for Timer L is sent and its transaction ends; the ACK still reaches the UA (RFC 6026 §7.1)", () => {
		const host = new VirtualHost({ timers: 16 });
		host.receive(inbound("INVITE"));
		const tx = host.serverTxs[0];
		const release = occupyWheel(host.wheel, 0); // the 100 Trying delay's timer ends: room for the 2xx retransmission, none for Timer L
		assert.equal(host.answer(tx, 200, "OK"), true);
		assert.equal(host.layer.stateOf(tx), FREE);
		host.receive(inbound("ACK", { branch: "z9hG4bKack", toTag: "st4t" }));
		assert.equal(host.heard.at(-1), "ack invite=-1");
		release();
		assert.equal(host.settle(), "active=0 timers=0");
	});
});

describe("DESIGN.md §4 A full timer wheel: TCP connections (§18)", () => {
	it("an accepted connection with no room for its idle check is not taken: the host closes it", () => {
		const host = new VirtualHost({ timers: 16 });
		const release = occupyWheel(host.wheel, 0);
		assert.equal(host.accept(), null);
		release();
		assert.ok(host.accept() !== null);
	});

	it("with no room for the pong wait, a keep-alive ping still goes and the connection stays watched (RFC 5626 §4.4.1)", () => {
		const host = new VirtualHost({ timers: 16, streamKeepalive: 5_000, messageTimeout: 60_000 });
		const stream = host.accept()!;
		const release = occupyWheel(host.wheel, 0);
		host.advance(5_000);
		assert.deepEqual(host.sent.map((s) => s.text), ["\r\n\r\n"]);
		host.advance(20_000); // no pong: nothing awaited it, so nothing closes the connection for it
		assert.equal(stream.closed, false);
		release();
		host.advance(40_000); // but its silence does (no message for 60 s)
		assert.equal(stream.closed, true);
		assert.equal(host.settle(), "active=0 timers=0");
	});
});
