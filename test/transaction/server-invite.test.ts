// Server INVITE transaction — RFC 3261 §17.2.1 (Figure 7), RFC 6026 §7.1 (Accepted, Timer L), §13.3.1.4, CANCEL (§9.2).
import assert from "node:assert/strict";
import { ACCEPTED, COMPLETED, CONFIRMED, FREE, PROCEEDING } from "../../src/transaction/transaction-table.js";
import { VirtualHost, headerOf, headersOf, inbound, type InboundOptions } from "./virtual-host.js";

const INVITE = inbound("INVITE");
/** The ACK for a non-2xx final response: the INVITE's branch, the response's To tag (§17.1.1.3). */
const ACK_NON_2XX = inbound("ACK", { toTag: "st4t" });
/** The ACK for a 2xx: a new transaction, so a new branch (§13.2.2.4, §17.1.1.3). */
const ACK_2XX = inbound("ACK", { branch: "z9hG4bKack2xx", toTag: "st4t" });

/** The peer's INVITE arrives; returns its server transaction. */
function inviteArrives(host: VirtualHost, wire = INVITE): number {
	host.receive(wire);
	const tx = host.serverTxs[host.serverTxs.length - 1];
	assert.ok(tx >= 0);
	return tx;
}

/** When responses with `status` went out. */
function times(host: VirtualHost, status: number): number[] {
	return host.sentTimes(`SIP/2.0 ${status} `);
}

describe("§17.2.1 Server INVITE transaction: Proceeding", () => {
	it("sends 100 Trying itself at 200 ms when the TU has not answered (§17.2.1)", () => {
		const host = new VirtualHost();
		const tx = inviteArrives(host);
		assert.equal(host.layer.stateOf(tx), PROCEEDING);
		host.advance(10_000);
		assert.deepEqual(times(host, 100), [200]);
		assert.deepEqual(host.heard, [`request INVITE tx=${tx}`]);
		host.answer(tx, 486, "Busy Here");
		host.receive(ACK_NON_2XX);
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("the 100 Trying copies Via, From, To, Call-ID and CSeq and carries no To tag (§8.2.6.1, §8.2.6.2)", () => {
		const host = new VirtualHost();
		inviteArrives(host);
		host.advance(200);
		const trying = host.sent[0].text;
		assert.ok(trying.startsWith("SIP/2.0 100 Trying\r\n"));
		assert.equal(headerOf(trying, "Via"), "SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bKpeer1;rport=5060;received=192.0.2.20");
		for (const name of ["From", "To", "Call-ID", "CSeq"]) assert.equal(headerOf(trying, name), headerOf(INVITE, name), name);
		assert.deepEqual([host.sent[0].address, host.sent[0].port], ["192.0.2.20", 5060]);
	});

	it("copies the request's Timestamp into the 100 Trying only (§8.2.6.1)", () => {
		const host = new VirtualHost();
		const tx = inviteArrives(host, inbound("INVITE", { extra: "Timestamp: 54.21\r\n" }));
		host.advance(200);
		host.answer(tx, 180, "Ringing");
		const [trying, ringing] = host.sent.map((s) => s.text);
		assert.deepEqual(headersOf(trying, "Timestamp"), ["54.21"]);
		assert.deepEqual(headersOf(ringing, "Timestamp"), []);
		assert.equal(headerOf(ringing, "CSeq"), "1 INVITE");
	});

	it("sends no 100 Trying when the TU answers within 200 ms, provisionally or finally (§17.2.1)", () => {
		const ringing = new VirtualHost();
		const tx = inviteArrives(ringing);
		ringing.advance(150);
		ringing.answer(tx, 180, "Ringing");
		ringing.advance(10_000);
		assert.deepEqual(times(ringing, 100), []);
		assert.deepEqual(times(ringing, 180), [150]);

		const busy = new VirtualHost();
		const tx2 = inviteArrives(busy);
		busy.answer(tx2, 486, "Busy Here");
		busy.advance(1000);
		assert.deepEqual(times(busy, 100), []);
		busy.receive(ACK_NON_2XX);
		ringing.answer(tx, 603, "Decline");
		ringing.receive(ACK_NON_2XX);
		assert.equal(busy.settle(), "active=0 timers=0");
		assert.equal(ringing.settle(), "active=0 timers=0");
	});

	it("absorbs a retransmitted INVITE before any response, then answers it with the latest provisional, byte for byte (§17.2.1)", () => {
		const host = new VirtualHost();
		const tx = inviteArrives(host);
		host.advance(100);
		host.receive(INVITE);
		assert.equal(host.sent.length, 0);
		host.advance(200); // 100 Trying at 200
		host.receive(INVITE);
		assert.deepEqual(times(host, 100), [200, 300]);
		host.answer(tx, 180, "Ringing");
		host.advance(700);
		host.receive(INVITE);
		assert.deepEqual(times(host, 180), [300, 1000]);
		const ringing = host.sent.filter((s) => s.text.startsWith("SIP/2.0 180 "));
		assert.equal(ringing[0].text, ringing[1].text);
		assert.deepEqual(host.heard, [`request INVITE tx=${tx}`], "the TU hears the INVITE once");
	});
});

describe("§17.2.1 Server INVITE transaction: Completed (non-2xx final response)", () => {
	it("retransmits the final response on Timer G: +500, +1500, +3500, +7500, +11500 … (500, 1000, 2000, 4000, 4000 ms) (§17.2.1)", () => {
		const host = new VirtualHost();
		const tx = inviteArrives(host);
		host.advance(1000);
		host.answer(tx, 486, "Busy Here");
		assert.equal(host.layer.stateOf(tx), COMPLETED);
		host.advance(31_999);
		assert.deepEqual(times(host, 486), [1000, 1500, 2500, 4500, 8500, 12500, 16500, 20500, 24500, 28500, 32500]);
		assert.equal(new Set(host.sent.filter((s) => s.text.startsWith("SIP/2.0 486")).map((s) => s.text)).size, 1);
	});

	it("Timer H = 64·T1 after the final response: the TU hears onAckTimeout, retransmissions stop, the slot is freed (§17.2.1)", () => {
		const host = new VirtualHost();
		const tx = inviteArrives(host);
		host.advance(1000);
		host.answer(tx, 486, "Busy Here");
		host.advance(31_999);
		assert.equal(host.layer.stateOf(tx), COMPLETED);
		host.advance(1);
		assert.deepEqual(host.heard, [`request INVITE tx=${tx}`, `ack-timeout tx=${tx}`]);
		assert.equal(host.layer.stateOf(tx), FREE);
		const sent = host.sent.length;
		host.advance(60_000);
		assert.equal(host.sent.length, sent);
		assert.equal(host.layer.active, 0);
		assert.equal(host.wheel.size, 0);
	});

	it("answers a retransmitted INVITE with the final response (§17.2.1)", () => {
		const host = new VirtualHost();
		const tx = inviteArrives(host);
		host.answer(tx, 404, "Not Found");
		host.advance(200);
		host.receive(INVITE);
		assert.deepEqual(times(host, 404), [0, 200]);
		assert.deepEqual(host.heard, [`request INVITE tx=${tx}`]);
	});

	it("the ACK moves it to Confirmed: retransmissions stop, the ACK is not passed up, Timer I (T4) absorbs further ACKs (§17.2.1)", () => {
		const host = new VirtualHost();
		const tx = inviteArrives(host);
		host.answer(tx, 486, "Busy Here");
		host.advance(2000);
		host.receive(ACK_NON_2XX);
		assert.equal(host.layer.stateOf(tx), CONFIRMED);
		host.advance(1000);
		host.receive(ACK_NON_2XX);
		host.advance(3999); // Timer I: 2000 + 5000
		assert.equal(host.layer.stateOf(tx), CONFIRMED);
		assert.deepEqual(times(host, 486), [0, 500, 1500], "nothing sent in Confirmed");
		assert.deepEqual(host.heard, [`request INVITE tx=${tx}`]);
		host.advance(1);
		assert.equal(host.layer.stateOf(tx), FREE);
		assert.equal(host.layer.active, 0);
		assert.equal(host.wheel.size, 0);
	});

	it("over TCP: no Timer G; the ACK ends the transaction at once (Timer I = 0) (§17.2.1)", () => {
		const host = new VirtualHost();
		const stream = host.accept()!;
		stream.receive(inbound("INVITE", { transport: "TCP" }));
		const tx = host.serverTxs[0];
		host.answer(tx, 486, "Busy Here");
		host.advance(20_000);
		assert.deepEqual(times(host, 486), [0]);
		assert.equal(host.sent[0].stream, stream);
		stream.receive(inbound("ACK", { transport: "TCP", toTag: "st4t" }));
		assert.equal(host.layer.stateOf(tx), FREE);
		assert.deepEqual(host.heard, [`request INVITE tx=${tx}`]);
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("over TCP Timer H still runs: onAckTimeout at 64·T1 (§17.2.1)", () => {
		const host = new VirtualHost();
		const stream = host.accept()!;
		stream.receive(inbound("INVITE", { transport: "TCP" }));
		const tx = host.serverTxs[0];
		host.answer(tx, 486, "Busy Here");
		host.advance(32_000);
		assert.deepEqual(host.heard, [`request INVITE tx=${tx}`, `ack-timeout tx=${tx}`]);
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("T1 = 100 ms, T2 = 400 ms: Timer G at +100, +300, +700, +1100 …; Timer H at 6.4 s (§17.2.1, Table 4)", () => {
		const host = new VirtualHost({ config: { t1: 100, t2: 400 } });
		const tx = inviteArrives(host);
		host.answer(tx, 480, "Temporarily Unavailable");
		host.advance(2000);
		assert.deepEqual(times(host, 480), [0, 100, 300, 700, 1100, 1500, 1900]);
		host.advance(4399);
		assert.equal(host.layer.stateOf(tx), COMPLETED);
		host.advance(1);
		assert.equal(host.layer.stateOf(tx), FREE);
		assert.equal(host.settle(), "active=0 timers=0");
	});
});

describe("RFC 6026 §7.1 Server INVITE transaction: Accepted (2xx)", () => {
	it("retransmits the 2xx at +500, +1500, +3500, +7500, +11500 (T1 doubling to T2) until the ACK for it arrives (§13.3.1.4)", () => {
		const host = new VirtualHost();
		const tx = inviteArrives(host);
		host.advance(100);
		host.answer(tx, 180, "Ringing");
		host.advance(900);
		host.answer(tx, 200, "OK");
		assert.equal(host.layer.stateOf(tx), ACCEPTED);
		host.advance(12_000);
		assert.deepEqual(times(host, 200), [1000, 1500, 2500, 4500, 8500, 12500]);
		host.receive(ACK_2XX);
		host.advance(20_000);
		assert.deepEqual(times(host, 200), [1000, 1500, 2500, 4500, 8500, 12500], "no retransmission after the ACK");
		assert.deepEqual(host.heard, [`request INVITE tx=${tx}`, `ack invite=${tx}`]);
	});

	it("matches the ACK for the 2xx by From tag, Call-ID and CSeq number, not by branch: onAck(inviteTx) (§13.3.1.4, §17.2.3)", () => {
		const host = new VirtualHost();
		const tx = inviteArrives(host);
		host.answer(tx, 200, "OK");
		host.receive(inbound("ACK", { branch: "z9hG4bKother", toTag: "st4t", cseq: 2 }));
		host.receive(inbound("ACK", { branch: "z9hG4bKother", toTag: "st4t", callId: "another@192.0.2.20" }));
		host.receive(inbound("ACK", { branch: "z9hG4bKother", toTag: "st4t", fromTag: "b2" }));
		assert.deepEqual(host.heard.slice(1), ["ack invite=-1", "ack invite=-1", "ack invite=-1"]);
		host.advance(600);
		assert.deepEqual(times(host, 200), [0, 500], "an ACK of another dialog or CSeq does not stop the 2xx");
		host.receive(ACK_2XX);
		assert.equal(host.heard[4], `ack invite=${tx}`);
	});

	it("passes every ACK for the 2xx to the TU while Accepted (RFC 6026 §7.1)", () => {
		const host = new VirtualHost();
		const tx = inviteArrives(host);
		host.answer(tx, 200, "OK");
		host.receive(ACK_2XX);
		host.receive(ACK_2XX);
		assert.deepEqual(host.heard, [`request INVITE tx=${tx}`, `ack invite=${tx}`, `ack invite=${tx}`]);
	});

	it("absorbs a retransmitted INVITE while Accepted: nothing is sent for it, nothing passed up (RFC 6026 §8.7)", () => {
		const host = new VirtualHost();
		const tx = inviteArrives(host);
		host.answer(tx, 200, "OK");
		host.receive(ACK_2XX);
		host.advance(300);
		host.receive(INVITE);
		assert.deepEqual(times(host, 200), [0]);
		assert.deepEqual(host.heard, [`request INVITE tx=${tx}`, `ack invite=${tx}`]);
	});

	it("Timer L = 64·T1 after the 2xx ends Accepted; no onAckTimeout once the ACK came (RFC 6026 §7.1)", () => {
		const host = new VirtualHost();
		const tx = inviteArrives(host);
		host.advance(1000);
		host.answer(tx, 200, "OK");
		host.receive(ACK_2XX);
		host.advance(31_999);
		assert.equal(host.layer.stateOf(tx), ACCEPTED);
		host.advance(1);
		assert.equal(host.layer.stateOf(tx), FREE);
		assert.deepEqual(host.heard, [`request INVITE tx=${tx}`, `ack invite=${tx}`]);
		assert.equal(host.layer.active, 0);
		assert.equal(host.wheel.size, 0);
		host.receive(ACK_2XX);
		assert.equal(host.heard[2], "ack invite=-1", "an ACK after Timer L matches nothing");
	});

	it("no ACK for the 2xx within Timer L: retransmissions stop and the TU hears onAckTimeout (§13.3.1.4: it sends BYE)", () => {
		const host = new VirtualHost();
		const tx = inviteArrives(host);
		host.answer(tx, 200, "OK");
		host.advance(32_000);
		assert.deepEqual(times(host, 200), [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
		assert.deepEqual(host.heard, [`request INVITE tx=${tx}`, `ack-timeout tx=${tx}`]);
		assert.equal(host.layer.stateOf(tx), FREE);
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("retransmits the 2xx over TCP too: it travels end to end, maybe over UDP hops (§13.3.1.4)", () => {
		const host = new VirtualHost();
		const stream = host.accept()!;
		stream.receive(inbound("INVITE", { transport: "TCP" }));
		const tx = host.serverTxs[0];
		host.answer(tx, 200, "OK");
		host.advance(4000);
		assert.deepEqual(times(host, 200), [0, 500, 1500, 3500]);
		assert.ok(host.sent.every((s) => s.stream === stream));
		stream.receive(inbound("ACK", { transport: "TCP", branch: "z9hG4bKack2xx", toTag: "st4t" }));
		host.advance(10_000);
		assert.deepEqual(times(host, 200), [0, 500, 1500, 3500]);
		assert.deepEqual(host.heard, [`request INVITE tx=${tx}`, `ack invite=${tx}`]);
		assert.equal(host.settle(), "active=0 timers=0");
	});
});

describe("§9.2 CANCEL at the server", () => {
	const CANCEL: InboundOptions = {};

	it("a CANCEL for a pending INVITE reaches the UA as onCancel(inviteTx, cancelTx); its own transaction answers it (§9.2)", () => {
		const host = new VirtualHost();
		const tx = inviteArrives(host);
		host.answer(tx, 180, "Ringing");
		host.advance(3000);
		host.receive(inbound("CANCEL", CANCEL));
		assert.equal(host.heard.length, 2);
		const m = /^cancel invite=(\d+) cancel=(\d+)$/.exec(host.heard[1]);
		assert.ok(m !== null, host.heard[1]);
		assert.equal(Number(m[1]), tx);
		const cancelTx = Number(m[2]);
		assert.notEqual(cancelTx, tx);
		assert.ok(host.answer(cancelTx, 200, "OK"));
		assert.ok(host.answer(tx, 487, "Request Terminated"));
		const [ok, terminated] = host.sent.slice(-2).map((s) => s.text);
		assert.equal(headerOf(ok, "CSeq"), "1 CANCEL");
		assert.equal(headerOf(terminated, "CSeq"), "1 INVITE");
		host.receive(inbound("CANCEL", CANCEL));
		assert.equal(host.sent[host.sent.length - 1].text, ok, "a retransmitted CANCEL gets its 200 again");
		assert.equal(host.heard.length, 2, "and is not passed up again");
		host.receive(ACK_NON_2XX);
		assert.equal(host.layer.stateOf(tx), CONFIRMED);
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("a CANCEL that matches no transaction is a request for the UA, which answers 481 (§9.2)", () => {
		const host = new VirtualHost();
		host.receive(inbound("CANCEL", { branch: "z9hG4bKnothing" }));
		assert.equal(host.heard.length, 1);
		assert.match(host.heard[0], /^request CANCEL tx=\d+$/);
		assert.ok(host.answer(host.serverTxs[0], 481, "Call/Transaction Does Not Exist"));
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("an ACK that matches nothing goes to the UA as onAck(-1) and is never answered (§17.2.3, §8.2.7)", () => {
		const host = new VirtualHost();
		host.receive(ACK_2XX);
		assert.deepEqual(host.heard, ["ack invite=-1"]);
		assert.equal(host.sent.length, 0);
		assert.equal(host.layer.active, 0);
	});
});
