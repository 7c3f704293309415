// Matching messages to transactions — RFC 3261 §17.1.3 (responses), §17.2.3 (requests, RFC 2543 fallback),
// §8.2.2.2 (merged requests); a full pool (DESIGN.md §3: 503 + Retry-After, never growth).
import assert from "node:assert/strict";
import { M_INVITE, M_OPTIONS } from "../../src/sip/methods.js";
import { ACCEPTED, COMPLETED, CONFIRMED, FREE, TRYING } from "../../src/transaction/transaction-table.js";
import { VirtualHost, headerOf, inbound, responseTo } from "./virtual-host.js";

describe("§17.1.3 Matching responses to client transactions", () => {
	it("matches by the top Via branch: a response to our OPTIONS with another branch is stray (§17.1.3)", () => {
		const host = new VirtualHost();
		const tx = host.sendRequest(M_OPTIONS, "OPTIONS");
		const options = host.sent[0].text;
		const branch = /;branch=([^;\r]+)/.exec(options)![1];
		host.receive(responseTo(options, 200, "OK").replace(branch, "z9hG4bKsomeoneelse"));
		assert.deepEqual(host.heard, ["stray 200"]);
		assert.equal(host.layer.stateOf(tx), TRYING, "the transaction still waits");
		host.receive(responseTo(options, 200, "OK"));
		assert.deepEqual(host.heard, ["stray 200", `response 200 tx=${tx}`]);
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("matches by the CSeq method too: the same branch with another method is stray (§17.1.3)", () => {
		const host = new VirtualHost();
		const tx = host.sendRequest(M_OPTIONS, "OPTIONS");
		host.receive(responseTo(host.sent[0].text, 200, "OK").replace("CSeq: 1 OPTIONS", "CSeq: 1 INFO"));
		assert.deepEqual(host.heard, ["stray 200"]);
		assert.equal(host.layer.stateOf(tx), TRYING);
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("the INVITE and its CANCEL share a branch: CSeq CANCEL goes to the CANCEL, CSeq INVITE to the INVITE (§17.1.3, §9.1)", () => {
		const host = new VirtualHost();
		const invite = host.sendRequest(M_INVITE, "INVITE");
		const inviteText = host.sent[0].text;
		host.receive(responseTo(inviteText, 180, "Ringing"));
		const cancel = host.layer.cancel(invite);
		const cancelText = host.sent[host.sent.length - 1].text;
		assert.equal(/;branch=([^;\r]+)/.exec(cancelText)![1], /;branch=([^;\r]+)/.exec(inviteText)![1]);
		host.receive(responseTo(cancelText, 200, "OK"));
		host.receive(responseTo(inviteText, 200, "OK"));
		assert.deepEqual(host.heard, [`response 180 tx=${invite}`, `response 200 tx=${cancel}`, `response 200 tx=${invite}`]);
		assert.equal(host.layer.stateOf(cancel), COMPLETED);
		assert.equal(host.layer.stateOf(invite), ACCEPTED);
		assert.equal(host.settle(), "active=0 timers=0");
	});
});

describe("§17.2.3 Matching requests to server transactions (RFC 3261 branch)", () => {
	it("the same branch, sent-by and method is a retransmission: absorbed (§17.2.3)", () => {
		const host = new VirtualHost();
		host.receive(inbound("OPTIONS"));
		host.receive(inbound("OPTIONS"));
		assert.equal(host.heard.length, 1);
		host.answer(host.serverTxs[0], 200, "OK");
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("compares the sent-by host case-insensitively (§17.2.3, §19.1.4)", () => {
		const host = new VirtualHost();
		host.receive(inbound("OPTIONS", { sentBy: "gw.example.net:5060" }));
		host.receive(inbound("OPTIONS", { sentBy: "GW.Example.NET:5060" }));
		assert.equal(host.heard.length, 1);
	});

	it("the same branch from another sent-by is another transaction (§17.2.3)", () => {
		const host = new VirtualHost();
		host.receive(inbound("OPTIONS", { sentBy: "192.0.2.20:5060" }));
		host.receive(inbound("OPTIONS", { sentBy: "192.0.2.21:5060", callId: "other@192.0.2.21" }));
		host.receive(inbound("OPTIONS", { sentBy: "192.0.2.20:5062", callId: "third@192.0.2.20" }));
		assert.equal(host.heard.length, 3);
		assert.equal(new Set(host.serverTxs).size, 3);
	});

	it("the same branch and sent-by with another method is another transaction; ACK and CANCEL excepted (§17.2.3)", () => {
		const host = new VirtualHost();
		host.receive(inbound("OPTIONS"));
		host.receive(inbound("INFO", { cseq: 2 }));
		assert.deepEqual(host.heard.map((h) => h.split(" ")[1]), ["OPTIONS", "INFO"]);
	});
});

describe("§17.2.3 RFC 2543 fallback: branches without the magic cookie", () => {
	const LEGACY = { branch: "1a2b3c" };

	it("absorbs a retransmitted INVITE matched by Request-URI, From tag, Call-ID, CSeq and top Via (§17.2.3)", () => {
		const host = new VirtualHost();
		host.receive(inbound("INVITE", LEGACY));
		const tx = host.serverTxs[0];
		host.answer(tx, 486, "Busy Here");
		host.receive(inbound("INVITE", LEGACY));
		assert.deepEqual(host.heard, [`request INVITE tx=${tx}`]);
		assert.deepEqual(host.sentTimes("SIP/2.0 486 "), [0, 0], "the retransmission gets the final response again");
	});

	it("matches an ACK without cookie to its INVITE transaction: Completed → Confirmed, not passed up (§17.2.3)", () => {
		const host = new VirtualHost();
		host.receive(inbound("INVITE", LEGACY));
		const tx = host.serverTxs[0];
		host.answer(tx, 486, "Busy Here");
		host.receive(inbound("ACK", { ...LEGACY, toTag: "st4t" }));
		assert.equal(host.layer.stateOf(tx), CONFIRMED);
		assert.deepEqual(host.heard, [`request INVITE tx=${tx}`]);
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("matches a CANCEL without cookie to its INVITE (§9.2, §17.2.3)", () => {
		const host = new VirtualHost();
		host.receive(inbound("INVITE", LEGACY));
		host.receive(inbound("CANCEL", LEGACY));
		assert.equal(host.heard.length, 2);
		assert.match(host.heard[1], new RegExp(`^cancel invite=${host.serverTxs[0]} cancel=\\d+$`));
	});

	it("tells requests without cookie apart by Call-ID, From tag, CSeq and Request-URI (§17.2.3)", () => {
		const host = new VirtualHost();
		host.receive(inbound("OPTIONS", LEGACY));
		host.receive(inbound("OPTIONS", { ...LEGACY, callId: "second@192.0.2.20" }));
		host.receive(inbound("OPTIONS", { ...LEGACY, fromTag: "b2" }));
		host.receive(inbound("OPTIONS", { ...LEGACY, cseq: 2 }));
		host.receive(inbound("OPTIONS", { ...LEGACY, uri: "sip:other@192.0.2.10:5070" }));
		assert.equal(host.heard.length, 5);
	});

	it("treats a bare z9hG4bK as no cookie: two requests sharing it are not confused, a retransmission is absorbed (RFC 4475 §3.2.1, §17.2.3)", () => {
		const host = new VirtualHost();
		const bare = { branch: "z9hG4bK" };
		host.receive(inbound("OPTIONS", bare));
		host.receive(inbound("OPTIONS", { ...bare, callId: "second@192.0.2.20" }));
		host.receive(inbound("OPTIONS", bare));
		assert.equal(host.heard.length, 2);
	});

	it("matches a request with no branch at all by the RFC 2543 rules (§17.2.3)", () => {
		const host = new VirtualHost();
		host.receive(inbound("OPTIONS", { branch: null }));
		host.receive(inbound("OPTIONS", { branch: null }));
		assert.equal(host.heard.length, 1);
		host.answer(host.serverTxs[0], 200, "OK");
		host.receive(inbound("OPTIONS", { branch: null }));
		assert.equal(host.sent.length, 2, "answered from the stored response");
		assert.equal(host.settle(), "active=0 timers=0");
	});
});

describe("§8.2.2.2 Merged requests", () => {
	it("a request with the From tag, Call-ID and CSeq of a live transaction, no To tag and another branch is merged: the UA answers 482 (§8.2.2.2)", () => {
		const host = new VirtualHost();
		host.receive(inbound("INVITE", { branch: "z9hG4bKpath1" }));
		host.receive(inbound("INVITE", { branch: "z9hG4bKpath2", sentBy: "192.0.2.30:5060" }));
		const [first, second] = host.serverTxs;
		assert.equal(host.layer.isMerged(first), false);
		assert.equal(host.layer.isMerged(second), true);
		host.answer(second, 482, "Loop Detected");
		host.answer(first, 486, "Busy Here");
		assert.equal(host.settle(), "active=0 timers=0", "Timer H ends both: no ACK came");
	});

	it("is not merged with a To tag (in-dialog), another CSeq, Call-ID or From tag (§8.2.2.2)", () => {
		const host = new VirtualHost();
		host.receive(inbound("OPTIONS", { branch: "z9hG4bKo1" }));
		host.receive(inbound("OPTIONS", { branch: "z9hG4bKo2", toTag: "t1" }));
		host.receive(inbound("OPTIONS", { branch: "z9hG4bKo3", cseq: 2 }));
		host.receive(inbound("OPTIONS", { branch: "z9hG4bKo4", callId: "x@192.0.2.20" }));
		host.receive(inbound("OPTIONS", { branch: "z9hG4bKo5", fromTag: "zz" }));
		assert.deepEqual(host.serverTxs.map((tx) => host.layer.isMerged(tx)), [false, false, false, false, false]);
	});

	it("is not merged once the first transaction has ended (§8.2.2.2: 'ongoing transactions')", () => {
		const host = new VirtualHost();
		host.receive(inbound("OPTIONS", { branch: "z9hG4bKo1" }));
		host.answer(host.serverTxs[0], 200, "OK");
		host.advance(32_000);
		host.receive(inbound("OPTIONS", { branch: "z9hG4bKo2" }));
		assert.equal(host.layer.isMerged(host.serverTxs[1]), false);
	});
});

describe("DESIGN.md §3 A full pool: 503 + Retry-After, never growth", () => {
	/** A station with room for two transactions, both taken by the peer's OPTIONS. */
	function fullHost(): VirtualHost {
		const host = new VirtualHost({ config: { maxTransactions: 2, retryAfter: 7 } });
		host.receive(inbound("OPTIONS", { branch: "z9hG4bKfill1" }));
		host.receive(inbound("OPTIONS", { branch: "z9hG4bKfill2", callId: "fill2@192.0.2.20" }));
		assert.equal(host.layer.active, 2);
		return host;
	}

	it("answers a new request with a stateless 503 Service Unavailable and Retry-After, passing nothing up (§21.5.4, §20.33)", () => {
		const host = fullHost();
		const wire = inbound("INVITE", { branch: "z9hG4bKnew", callId: "new@192.0.2.20", sentBy: "10.0.0.5:5060" });
		host.receive(wire, "198.51.100.7", 40123);
		assert.equal(host.heard.length, 2);
		assert.equal(host.sent.length, 1);
		const r = host.sent[0];
		assert.ok(r.text.startsWith("SIP/2.0 503 Service Unavailable\r\n"));
		assert.equal(headerOf(r.text, "Retry-After"), "7");
		assert.deepEqual([r.address, r.port], ["198.51.100.7", 40123], "to received / rport (RFC 3581 §4)");
		assert.equal(headerOf(r.text, "Via"), "SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKnew;rport=40123;received=198.51.100.7");
		for (const name of ["From", "Call-ID", "CSeq"]) assert.equal(headerOf(r.text, name), headerOf(wire, name), name);
		assert.equal(host.layer.active, 2);
	});

	it("the stateless 503 carries a To tag, the same for a retransmission of the request (§8.2.6.2, §8.2.7)", () => {
		const host = fullHost();
		const wire = inbound("OPTIONS", { branch: "z9hG4bKnew", callId: "new@192.0.2.20" });
		host.receive(wire);
		host.receive(wire);
		const [a, b] = host.sent.map((s) => headerOf(s.text, "To"));
		assert.match(a, /^<sip:door@192\.0\.2\.10>;tag=[0-9a-f]{8}$/);
		assert.equal(b, a);
		host.receive(inbound("OPTIONS", { branch: "z9hG4bKnew2", callId: "other@192.0.2.20" }));
		assert.notEqual(headerOf(host.sent[2].text, "To"), a, "another request, another tag");
	});

	it("still absorbs and answers retransmissions of the transactions it holds (§17.2.3)", () => {
		const host = fullHost();
		host.answer(host.serverTxs[0], 200, "OK");
		host.receive(inbound("OPTIONS", { branch: "z9hG4bKfill1" }));
		host.receive(inbound("OPTIONS", { branch: "z9hG4bKfill2", callId: "fill2@192.0.2.20" }));
		assert.deepEqual(host.sent.map((s) => s.text.split("\r\n")[0]), ["SIP/2.0 200 OK", "SIP/2.0 200 OK"]);
	});

	it("gives up a transaction that only waits out Timer J for a new request, rather than answering 503 (§17.2.2)", () => {
		const host = fullHost();
		host.answer(host.serverTxs[0], 200, "OK");
		host.answer(host.serverTxs[1], 200, "OK");
		// Both are Completed, lingering for Timer J (64·T1) to absorb retransmissions: a new request takes one's slot.
		host.receive(inbound("OPTIONS", { branch: "z9hG4bKnew", callId: "new@192.0.2.20" }));
		assert.equal(host.serverTxs.length, 3, "the new request reached the TU");
		assert.deepEqual(host.sent.map((m) => m.text.split("\r\n")[0]), ["SIP/2.0 200 OK", "SIP/2.0 200 OK"], "no 503");
		assert.equal(host.layer.active, 2);
		// The kept one still absorbs its retransmission with its 200; the given-up one is a new request again.
		host.receive(inbound("OPTIONS", { branch: "z9hG4bKfill2", callId: "fill2@192.0.2.20" }));
		assert.equal(host.sent.at(-1)!.text.split("\r\n")[0], "SIP/2.0 200 OK");
		assert.equal(host.serverTxs.length, 3);
	});

	it("never answers an ACK, even with the pool full (§17.1.1.3: no response to ACK)", () => {
		const host = fullHost();
		host.receive(inbound("ACK", { branch: "z9hG4bKack", toTag: "x" }));
		assert.equal(host.sent.length, 0);
		assert.deepEqual(host.heard.slice(2), ["ack invite=-1"]);
	});

	it("refuses a new client transaction (-1) and a CANCEL (-1) with the pool full; nothing is sent (DESIGN.md §3)", () => {
		const host = new VirtualHost({ config: { maxTransactions: 1 } });
		const invite = host.sendRequest(M_INVITE, "INVITE");
		host.receive(responseTo(host.sent[0].text, 180, "Ringing"));
		assert.equal(host.sendRequest(M_OPTIONS, "OPTIONS"), -1);
		assert.equal(host.layer.cancel(invite), -1);
		assert.equal(host.sent.length, 1);
	});

	it("leaks nothing: once the timers run out the pool is empty and serves again (DESIGN.md §3)", () => {
		const host = fullHost();
		host.receive(inbound("OPTIONS", { branch: "z9hG4bKrefused", callId: "r@192.0.2.20" }));
		host.answer(host.serverTxs[0], 200, "OK");
		host.answer(host.serverTxs[1], 404, "Not Found");
		assert.equal(host.settle(), "active=0 timers=0");
		host.receive(inbound("OPTIONS", { branch: "z9hG4bKlater", callId: "later@192.0.2.20" }));
		assert.equal(host.heard.length, 3, "a new request is taken again");
		assert.equal(host.layer.stateOf(host.serverTxs[2]), TRYING);
		host.answer(host.serverTxs[2], 200, "OK");
		assert.equal(host.settle(), "active=0 timers=0");
		assert.equal(host.layer.stateOf(host.serverTxs[0]), FREE);
	});
});
