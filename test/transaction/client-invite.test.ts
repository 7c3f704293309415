// Client INVITE transaction — RFC 3261 §17.1.1 (Figure 5), RFC 6026 §7.2 (Accepted, Timer M), CANCEL (§9.1).
import assert from "node:assert/strict";
import { M_INVITE, M_OPTIONS } from "../../src/sip/methods.js";
import { ACCEPTED, CALLING, COMPLETED, FREE, PROCEEDING, TCP } from "../../src/transaction/transaction-table.js";
import { VirtualHost, headerOf, headersOf, responseTo } from "./virtual-host.js";

const INVITE = "INVITE sip:bob@192.0.2.20 SIP/2.0\r\n";
const ACK = "ACK sip:bob@192.0.2.20 SIP/2.0\r\n";
const CANCEL = "CANCEL sip:bob@192.0.2.20 SIP/2.0\r\n";
const ROUTES = "Route: <sip:proxy.example.com;lr>\r\nRoute: <sip:edge.example.com;lr>\r\n";
const SDP = "v=0\r\no=door 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";

/** The station sends an INVITE (with a route set and an offer) at time 0; returns its transaction. */
function inviteAtZero(host: VirtualHost, transport?: number): number {
	const tx = host.sendRequest(M_INVITE, "INVITE", {
		transport, extra: `${ROUTES}Contact: <sip:door@192.0.2.10:5070>\r\nContent-Type: application/sdp\r\n`, body: SDP,
	});
	assert.ok(tx >= 0);
	return tx;
}

/** The peer's response to the INVITE (To tag `peer1`), over UDP or on the INVITE's connection. */
function answer(host: VirtualHost, status: number, reason: string, toTag = "peer1"): void {
	const invite = host.sent.find((s) => s.text.startsWith(INVITE))!;
	const wire = responseTo(invite.text, status, reason).replace(";tag=peer1", `;tag=${toTag}`);
	if (invite.stream !== undefined) invite.stream.receive(wire);
	else host.receive(wire);
}

/** The messages sent that start with `startLine`. */
function sentWith(host: VirtualHost, startLine: string): string[] {
	return host.sent.filter((s) => s.text.startsWith(startLine)).map((s) => s.text);
}

describe("§17.1.1.2 Client INVITE transaction: Calling", () => {
	it("retransmits the INVITE over UDP at 500, 1500, 3500, 7500, 15500, 31500 ms: Timer A doubles without a cap (§17.1.1.2)", () => {
		const host = new VirtualHost();
		inviteAtZero(host);
		host.advance(31_999);
		assert.deepEqual(host.sentTimes(INVITE), [0, 500, 1500, 3500, 7500, 15500, 31500]);
		const texts = new Set(sentWith(host, INVITE));
		assert.equal(texts.size, 1, "every retransmission is the same request");
	});

	it("Timer B fires at 64·T1 = 32 s: timeout once, no more retransmissions, slot freed (§17.1.1.2)", () => {
		const host = new VirtualHost();
		const tx = inviteAtZero(host);
		host.advance(31_999);
		assert.equal(host.layer.stateOf(tx), CALLING);
		host.advance(1);
		assert.deepEqual(host.heard, [`timeout tx=${tx}`]);
		assert.equal(host.layer.stateOf(tx), FREE);
		host.advance(100_000);
		assert.equal(host.sentTimes(INVITE).length, 7);
		assert.deepEqual(host.heard, [`timeout tx=${tx}`]);
		assert.equal(host.layer.active, 0);
		assert.equal(host.wheel.size, 0);
	});

	it("does not retransmit over TCP, but Timer B still ends it at 32 s (§17.1.1.2)", () => {
		const host = new VirtualHost();
		const tx = inviteAtZero(host, TCP);
		host.advance(31_999);
		assert.deepEqual(host.sentTimes(INVITE), [0]);
		host.advance(1);
		assert.deepEqual(host.heard, [`timeout tx=${tx}`]);
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("T1 = 200 ms: Timer A at 200, 600, 1400, 3000, 6200, 12600; Timer B at 12.8 s (§17.1.1.1, Table 4)", () => {
		const host = new VirtualHost({ config: { t1: 200 } });
		const tx = inviteAtZero(host);
		host.advance(12_799);
		assert.deepEqual(host.sentTimes(INVITE), [0, 200, 600, 1400, 3000, 6200, 12600]);
		host.advance(1);
		assert.deepEqual(host.heard, [`timeout tx=${tx}`]);
		assert.equal(host.settle(), "active=0 timers=0");
	});
});

describe("§17.1.1.2 Client INVITE transaction: Proceeding", () => {
	it("a provisional response stops retransmission and is passed up (§17.1.1.2)", () => {
		const host = new VirtualHost();
		const tx = inviteAtZero(host);
		host.advance(600);
		answer(host, 180, "Ringing");
		assert.equal(host.layer.stateOf(tx), PROCEEDING);
		host.advance(20_000);
		assert.deepEqual(host.sentTimes(INVITE), [0, 500]);
		answer(host, 183, "Session Progress");
		assert.deepEqual(host.heard, [`response 180 tx=${tx}`, `response 183 tx=${tx}`]);
		answer(host, 486, "Busy Here");
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("has no Timer B in Proceeding: the TU ends a long ring with CANCEL (§17.1.1.2, Figure 5)", () => {
		const host = new VirtualHost();
		const tx = inviteAtZero(host);
		answer(host, 100, "Trying");
		host.advance(120_000);
		assert.equal(host.layer.stateOf(tx), PROCEEDING);
		assert.deepEqual(host.heard, [`response 100 tx=${tx}`]);
		answer(host, 408, "Request Timeout");
		assert.equal(host.settle(), "active=0 timers=0");
	});
});

describe("§17.1.1.3 Client INVITE transaction: Completed, the ACK for a non-2xx final response", () => {
	it("passes a 300–699 response up once and sends the ACK itself (§17.1.1.2)", () => {
		const host = new VirtualHost();
		const tx = inviteAtZero(host);
		host.advance(700);
		answer(host, 180, "Ringing");
		host.advance(2000);
		answer(host, 486, "Busy Here");
		assert.deepEqual(host.heard, [`response 180 tx=${tx}`, `response 486 tx=${tx}`]);
		assert.equal(host.layer.stateOf(tx), COMPLETED);
		assert.deepEqual(host.sentTimes(ACK), [2700]);
		const ack = host.sent[host.sent.length - 1];
		assert.deepEqual([ack.transport, ack.address, ack.port], ["UDP", "192.0.2.20", 5060], "sent where the INVITE went");
	});

	it("builds the ACK from the INVITE: same Request-URI, one Via = the INVITE's top Via, From, Call-ID, CSeq number, Route; To from the response (§17.1.1.3)", () => {
		const host = new VirtualHost();
		inviteAtZero(host);
		answer(host, 603, "Decline");
		const invite = sentWith(host, INVITE)[0];
		const ack = sentWith(host, ACK)[0];
		assert.ok(ack.startsWith(ACK), "same Request-URI");
		assert.deepEqual(headersOf(ack, "Via"), [headerOf(invite, "Via")]);
		assert.equal(headerOf(ack, "From"), headerOf(invite, "From"));
		assert.equal(headerOf(ack, "Call-ID"), headerOf(invite, "Call-ID"));
		assert.equal(headerOf(ack, "CSeq"), "1 ACK");
		assert.equal(headerOf(ack, "To"), "<sip:bob@192.0.2.20>;tag=peer1", "To of the response, with its tag");
		assert.deepEqual(headersOf(ack, "Route"), ["<sip:proxy.example.com;lr>", "<sip:edge.example.com;lr>"]);
		assert.equal(headerOf(ack, "Max-Forwards"), "70", "§8.1.1: every request carries Max-Forwards");
		assert.equal(headerOf(ack, "Content-Length"), "0");
		assert.ok(ack.endsWith("\r\n\r\n"), "no body: the offer was in the INVITE");
		assert.deepEqual(headersOf(ack, "Contact"), []);
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("ACKs each retransmitted final response again and does not pass it up (§17.1.1.2)", () => {
		const host = new VirtualHost();
		const tx = inviteAtZero(host);
		answer(host, 486, "Busy Here");
		host.advance(500);
		answer(host, 486, "Busy Here");
		host.advance(1000);
		answer(host, 486, "Busy Here");
		assert.deepEqual(host.sentTimes(ACK), [0, 500, 1500]);
		assert.equal(new Set(sentWith(host, ACK)).size, 1, "the same ACK each time");
		assert.deepEqual(host.heard, [`response 486 tx=${tx}`]);
		assert.deepEqual(host.sentTimes(INVITE), [0], "the INVITE is not retransmitted in Completed");
	});

	it("stays 32 s in Completed over UDP (Timer D), then frees the slot (§17.1.1.2)", () => {
		const host = new VirtualHost();
		const tx = inviteAtZero(host);
		host.advance(1000);
		answer(host, 404, "Not Found");
		host.advance(31_999);
		assert.equal(host.layer.stateOf(tx), COMPLETED);
		host.advance(1);
		assert.equal(host.layer.stateOf(tx), FREE);
		assert.equal(host.layer.active, 0);
		assert.equal(host.wheel.size, 0);
		answer(host, 404, "Not Found");
		assert.equal(host.heard[host.heard.length - 1], "stray 404", "after Timer D a retransmission matches nothing");
		assert.equal(host.sentTimes(ACK).length, 1);
	});

	it("Timer D is 0 over TCP: the ACK goes on the INVITE's connection and the slot is freed at once (§17.1.1.2)", () => {
		const host = new VirtualHost();
		const tx = inviteAtZero(host, TCP);
		answer(host, 480, "Temporarily Unavailable");
		const ack = host.sent[host.sent.length - 1];
		assert.ok(ack.text.startsWith(ACK));
		assert.equal(ack.stream, host.streams[0]);
		assert.equal(headerOf(ack.text, "Via").startsWith("SIP/2.0/TCP "), true);
		assert.equal(host.layer.stateOf(tx), FREE);
		assert.deepEqual(host.heard, [`response 480 tx=${tx}`]);
		assert.equal(host.settle(), "active=0 timers=0");
	});
});

describe("RFC 6026 §7.2 Client INVITE transaction: Accepted", () => {
	it("passes a 2xx up and sends no ACK of its own: the TU ACKs a 2xx (§17.1.1.2, RFC 6026 §8.4)", () => {
		const host = new VirtualHost();
		const tx = inviteAtZero(host);
		host.advance(800);
		answer(host, 200, "OK");
		assert.deepEqual(host.heard, [`response 200 tx=${tx}`]);
		assert.equal(host.layer.stateOf(tx), ACCEPTED);
		host.advance(10_000);
		assert.deepEqual(host.sentTimes(ACK), []);
		assert.deepEqual(host.sentTimes(INVITE), [0, 500], "no retransmission in Accepted");
	});

	it("passes retransmitted 2xx and 2xx from other forks up again (RFC 6026 §8.4)", () => {
		const host = new VirtualHost();
		const tx = inviteAtZero(host);
		answer(host, 200, "OK");
		host.advance(500);
		answer(host, 200, "OK");
		answer(host, 200, "OK", "fork2");
		assert.deepEqual(host.heard, [`response 200 tx=${tx}`, `response 200 tx=${tx}`, `response 200 tx=${tx}`]);
		assert.deepEqual(host.sentTimes(ACK), []);
	});

	it("Timer M = 64·T1 ends Accepted; a 2xx after it is stray for the UA core (RFC 6026 §7.2, §8.4)", () => {
		const host = new VirtualHost();
		const tx = inviteAtZero(host);
		host.advance(100);
		answer(host, 200, "OK");
		host.advance(31_999);
		assert.equal(host.layer.stateOf(tx), ACCEPTED);
		host.advance(1);
		assert.equal(host.layer.stateOf(tx), FREE);
		assert.equal(host.layer.active, 0);
		assert.equal(host.wheel.size, 0);
		answer(host, 200, "OK");
		assert.deepEqual(host.heard, [`response 200 tx=${tx}`, "stray 200"]);
	});

	it("Timer M runs over TCP too (RFC 6026 §7.2)", () => {
		const host = new VirtualHost();
		const tx = inviteAtZero(host, TCP);
		answer(host, 200, "OK");
		host.advance(31_999);
		assert.equal(host.layer.stateOf(tx), ACCEPTED);
		host.advance(1);
		assert.equal(host.layer.stateOf(tx), FREE);
		assert.equal(host.settle(), "active=0 timers=0");
	});
});

describe("§9.1 CANCEL of the client INVITE transaction", () => {
	it("cancel() in Proceeding sends a CANCEL: INVITE's Request-URI, one Via with its branch, From, To, Call-ID, Route, CSeq number + CANCEL (§9.1)", () => {
		const host = new VirtualHost();
		const tx = inviteAtZero(host);
		host.advance(300);
		answer(host, 180, "Ringing");
		host.advance(2000);
		const cancelTx = host.layer.cancel(tx);
		assert.ok(cancelTx > 0 && cancelTx !== tx);
		assert.deepEqual(host.sentTimes(CANCEL), [2300]);
		const invite = sentWith(host, INVITE)[0];
		const cancel = sentWith(host, CANCEL)[0];
		assert.deepEqual(headersOf(cancel, "Via"), [headerOf(invite, "Via")]);
		for (const name of ["From", "To", "Call-ID"]) assert.equal(headerOf(cancel, name), headerOf(invite, name), name);
		assert.equal(headerOf(cancel, "To"), "<sip:bob@192.0.2.20>", "the INVITE's To, not the response's tag");
		assert.equal(headerOf(cancel, "CSeq"), "1 CANCEL");
		assert.deepEqual(headersOf(cancel, "Route"), ["<sip:proxy.example.com;lr>", "<sip:edge.example.com;lr>"]);
		assert.equal(headerOf(cancel, "Content-Length"), "0");
		const last = host.sent[host.sent.length - 1];
		assert.deepEqual([last.address, last.port], ["192.0.2.20", 5060], "to where the INVITE went");
	});

	it("the CANCEL is its own non-INVITE transaction: Timer E retransmits it (§9.1, §17.1.2.2)", () => {
		const host = new VirtualHost();
		const tx = inviteAtZero(host);
		answer(host, 180, "Ringing");
		host.advance(1000);
		host.layer.cancel(tx);
		host.advance(4000);
		assert.deepEqual(host.sentTimes(CANCEL), [1000, 1500, 2500, 4500]);
	});

	it("responses to the CANCEL reach the user with the CANCEL's handle, the 487 with the INVITE's (§9.1, §17.1.3)", () => {
		const host = new VirtualHost();
		const tx = inviteAtZero(host);
		answer(host, 180, "Ringing");
		const cancelTx = host.layer.cancel(tx);
		const cancel = sentWith(host, CANCEL)[0];
		host.receive(responseTo(cancel, 200, "OK"));
		answer(host, 487, "Request Terminated");
		assert.deepEqual(host.heard, [`response 180 tx=${tx}`, `response 200 tx=${cancelTx}`, `response 487 tx=${tx}`]);
		assert.equal(sentWith(host, ACK).length, 1, "the 487 is ACKed by the INVITE transaction");
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("cancel() asked twice sends one CANCEL (§9.1: one CANCEL per INVITE)", () => {
		const host = new VirtualHost();
		const tx = inviteAtZero(host);
		answer(host, 180, "Ringing");
		assert.ok(host.layer.cancel(tx) > 0);
		assert.equal(host.layer.cancel(tx), 0, "already cancelling");
		assert.equal(sentWith(host, CANCEL).length, 1);
		host.receive(responseTo(sentWith(host, CANCEL)[0], 200, "OK"));
		answer(host, 487, "Request Terminated");
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("cancel() before any provisional response sends nothing; the CANCEL goes out when the 1xx arrives (§9.1)", () => {
		const host = new VirtualHost();
		const tx = inviteAtZero(host);
		host.advance(100);
		assert.equal(host.layer.cancel(tx), 0, "0: waiting for a provisional response");
		host.advance(1900);
		assert.deepEqual(host.sentTimes(CANCEL), []);
		assert.deepEqual(host.sentTimes(INVITE), [0, 500, 1500], "the INVITE keeps being retransmitted in Calling");
		answer(host, 100, "Trying");
		assert.deepEqual(host.sentTimes(CANCEL), [2000]);
		const cancel = sentWith(host, CANCEL)[0];
		assert.deepEqual(headersOf(cancel, "Via"), [headerOf(sentWith(host, INVITE)[0], "Via")]);
		host.receive(responseTo(cancel, 200, "OK"));
		const cancelResponse = host.heard[1];
		assert.match(cancelResponse, /^response 200 tx=\d+$/);
		assert.notEqual(cancelResponse, `response 200 tx=${tx}`, "the CANCEL's own handle");
		answer(host, 487, "Request Terminated");
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("a final response while the CANCEL waits: no CANCEL is ever sent (§9.1)", () => {
		const host = new VirtualHost();
		const tx = inviteAtZero(host);
		host.layer.cancel(tx);
		answer(host, 486, "Busy Here");
		answer(host, 486, "Busy Here");
		host.advance(40_000);
		assert.deepEqual(host.sentTimes(CANCEL), []);
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("never hands out 0 as a handle, so cancel()'s 0 ('waiting for a 1xx', §9.1) is unambiguous, even after generations wrap", () => {
		const host = new VirtualHost({ config: { maxTransactions: 1 } });
		const table = host.layer.table;
		let zero = 0;
		for (let i = 0; i < 1 << 22; i++) {
			const slot = table.allocate(2, M_OPTIONS);
			if (table.handleOf(slot) <= 0) zero++;
			table.release(slot);
		}
		assert.equal(zero, 0);
		const invite = inviteAtZero(host);
		assert.ok(invite > 0);
		assert.equal(host.layer.cancel(invite), 0);
	});

	it("cancel() after a final response, after a 2xx, or of a non-INVITE returns -1 and sends nothing (§9.1)", () => {
		const host = new VirtualHost();
		const rejected = inviteAtZero(host);
		answer(host, 486, "Busy Here");
		assert.equal(host.layer.cancel(rejected), -1);
		const accepted = inviteAtZero(host);
		host.receive(responseTo(host.sent[host.sent.length - 1].text, 200, "OK"));
		assert.equal(host.layer.stateOf(accepted), ACCEPTED);
		assert.equal(host.layer.cancel(accepted), -1);
		const options = host.sendRequest(M_OPTIONS, "OPTIONS");
		assert.equal(host.layer.cancel(options), -1);
		host.advance(40_000);
		assert.equal(host.layer.cancel(rejected), -1, "a handle whose transaction ended");
		assert.deepEqual(host.sentTimes(CANCEL), []);
		assert.equal(host.settle(), "active=0 timers=0");
	});
});

describe("§17.1.4 Client INVITE transaction: transport errors", () => {
	it("a retransmission the transport refuses ends the transaction and tells the TU (§17.1.4)", () => {
		const host = new VirtualHost();
		const tx = inviteAtZero(host);
		host.udpUp = false;
		host.advance(500);
		assert.deepEqual(host.heard, [`transport-error tx=${tx}`]);
		assert.equal(host.layer.active, 0);
		assert.equal(host.wheel.size, 0);
	});
});
