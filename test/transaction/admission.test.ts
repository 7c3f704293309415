// Admission to the transaction pool — DESIGN.md §3 ("a fixed pool must not become a lock: what keeps a live call
// working always finds a slot, and strangers are the first to be refused"); RFC 3261 §21.5.4 (503 + Retry-After),
// §9.2 (CANCEL), §12.2.2 (requests inside a dialog), §17.2.1 / §17.2.2 (what a done transaction waits for), RFC 6026 §7.
import assert from "node:assert/strict";
import { H_TO } from "../../src/sip/header-ids.js";
import { M_OPTIONS } from "../../src/sip/methods.js";
import { ACCEPTED, COMPLETED, FREE, PROCEEDING, TRYING } from "../../src/transaction/transaction-table.js";
import { VirtualHost, headerOf, inbound, type VirtualHostOptions } from "./virtual-host.js";

/** A station whose UA says a request is in a live dialog when its To tag is `live`. */
function station(o: VirtualHostOptions = {}): VirtualHost {
	return new VirtualHost({ inDialog: (msg) => msg.valueText(msg.find(H_TO)).includes("tag=live"), ...o });
}

/** Start lines of what the station sent since index `from`. */
function startLines(host: VirtualHost, from = 0): string[] {
	return host.sent.slice(from).map((s) => s.text.split("\r\n")[0]);
}

/** A stranger's INVITE (each its own Call-ID and branch) from address:port, left ringing by the TU. */
function strangerInvite(host: VirtualHost, n: number, address = "198.51.100.7", port = 5060): number {
	const before = host.serverTxs.length;
	host.receive(inbound("INVITE", { branch: `z9hG4bKs${address}-${n}`, callId: `s${n}@${address}`, sentBy: `${address}:${port}` }), address, port);
	return host.serverTxs.length > before ? host.serverTxs[host.serverTxs.length - 1] : -1;
}

describe("DESIGN.md §3 Admission: a request of a live dialog always finds a slot", () => {
	it("keeps reserved slots for requests inside dialogs: strangers get 503 once only those are left; a BYE of a live dialog takes one (§12.2.2, §21.5.4)", () => {
		const host = station({ config: { maxTransactions: 4, reservedTransactions: 2, retryAfter: 9 } });
		strangerInvite(host, 1);
		strangerInvite(host, 2, "203.0.113.5");
		assert.equal(host.layer.active, 2);
		assert.equal(strangerInvite(host, 3, "192.0.2.99"), -1, "only reserved slots are left");
		assert.deepEqual(startLines(host), ["SIP/2.0 503 Service Unavailable"]);
		assert.equal(headerOf(host.sent[0].text, "Retry-After"), "9");
		host.receive(inbound("BYE", { branch: "z9hG4bKbye", toTag: "live", callId: "call@192.0.2.20" }));
		host.receive(inbound("INFO", { branch: "z9hG4bKinfo", toTag: "live", callId: "call@192.0.2.20", cseq: 3 }));
		assert.deepEqual(host.heard.slice(-2).map((h) => h.split(" ")[1]), ["BYE", "INFO"]);
		assert.equal(host.layer.active, 4);
	});

	it("asks its user only about requests with a To tag: one without cannot be in a dialog (§12.2.2)", () => {
		const asked: string[] = [];
		const host = station({ inDialog: (msg) => (asked.push(msg.methodText()), false) });
		host.receive(inbound("OPTIONS", { branch: "z9hG4bKo" }));
		host.receive(inbound("BYE", { branch: "z9hG4bKb", toTag: "x" }));
		assert.deepEqual(asked, ["BYE"]);
	});

	it("a CANCEL of an INVITE it holds finds a slot in a full pool, and the INVITE it cancels is not the one given up (§9.2)", () => {
		const host = station({ config: { maxTransactions: 2 } });
		const first = strangerInvite(host, 1);
		const second = strangerInvite(host, 2);
		host.receive(inbound("CANCEL", { branch: "z9hG4bKs198.51.100.7-1", callId: "s1@198.51.100.7", sentBy: "198.51.100.7:5060" }), "198.51.100.7");
		assert.equal(host.heard.at(-1)!.replace(/cancel=\d+/, "cancel=c"), `cancel invite=${first} cancel=c`);
		assert.equal(host.layer.stateOf(first), PROCEEDING, "the cancelled INVITE is still there to answer 487");
		assert.equal(host.layer.stateOf(second), FREE, "the other stranger's INVITE was given up");
		assert.deepEqual(startLines(host), ["SIP/2.0 503 Service Unavailable"]);
		assert.equal(headerOf(host.sent[0].text, "Call-ID"), "s2@198.51.100.7");
	});
});

describe("DESIGN.md §3 Admission: the station's own requests always find a slot", () => {
	it("gives up a stranger's unanswered request from the source holding the most, oldest first, with 503 + Retry-After (§21.5.4)", () => {
		const host = station({ config: { maxTransactions: 3 } });
		const fromA = strangerInvite(host, 1, "203.0.113.5");
		const b1 = strangerInvite(host, 1, "198.51.100.7");
		const b2 = strangerInvite(host, 2, "198.51.100.7");
		const own = host.sendRequest(M_OPTIONS, "OPTIONS");
		assert.ok(own >= 0);
		assert.deepEqual([host.layer.stateOf(fromA), host.layer.stateOf(b1), host.layer.stateOf(b2)], [PROCEEDING, FREE, PROCEEDING]);
		const refused = host.sent.find((s) => s.text.startsWith("SIP/2.0 503"))!;
		assert.deepEqual([refused.address, headerOf(refused.text, "Call-ID"), headerOf(refused.text, "Retry-After")], ["198.51.100.7", "s1@198.51.100.7", "5"]);
		assert.match(headerOf(refused.text, "To"), /;tag=[0-9a-f]{16}$/, "§8.2.6.2: a final response carries a To tag");
		assert.ok(host.heard.includes(`server-transport-error tx=${b1}`), "the TU hears its transaction is gone");
		assert.equal(host.answer(b1, 200, "OK"), false, "it can no longer be answered");
	});

	it("never gives up a request of a live dialog: with every slot held by those, its own request is refused (-1)", () => {
		const host = station({ config: { maxTransactions: 2 } });
		host.receive(inbound("INFO", { branch: "z9hG4bKi1", toTag: "live" }));
		host.receive(inbound("INFO", { branch: "z9hG4bKi2", toTag: "live", cseq: 2 }));
		assert.equal(host.sendRequest(M_OPTIONS, "OPTIONS"), -1);
		assert.deepEqual(host.sent, []);
		assert.equal(host.layer.active, 2);
	});
});

describe("DESIGN.md §3 Admission: what is given up first (RFC 3261 §17.2.1, §17.2.2; RFC 6026 §7.1)", () => {
	it("first a transaction that only absorbs retransmissions, then an INVITE answered with an error and never ACKed, then an ACKed 2xx; never a 2xx waiting for its ACK, never for a stranger an unanswered request", () => {
		const host = station({ config: { maxTransactions: 3 } });
		const refused = strangerInvite(host, 1, "192.0.2.21");
		host.answer(refused, 486, "Busy Here"); // Completed: retransmits its 486 until an ACK that never comes (Timer G/H)
		host.advance(10);
		host.receive(inbound("OPTIONS", { branch: "z9hG4bKo1", callId: "o1@192.0.2.20" }));
		const options = host.serverTxs.at(-1)!;
		host.answer(options, 200, "OK"); // Completed: only absorbs retransmissions (Timer J)
		host.advance(10);
		const answered = strangerInvite(host, 2, "192.0.2.22");
		host.answer(answered, 200, "OK"); // Accepted, retransmitting its 2xx until the ACK
		const states = () => [refused, options, answered].map((tx) => host.layer.stateOf(tx));
		assert.deepEqual(states(), [COMPLETED, COMPLETED, ACCEPTED]);

		// A stranger's OPTIONS: the absorbing OPTIONS goes first, though the 486 is older.
		host.receive(inbound("OPTIONS", { branch: "z9hG4bKo2", callId: "o2@192.0.2.20" }));
		assert.deepEqual(states(), [COMPLETED, FREE, ACCEPTED]);
		// The next: the INVITE answered 486 whose ACK never came (its dialog was never made).
		host.receive(inbound("OPTIONS", { branch: "z9hG4bKo3", callId: "o3@192.0.2.20" }));
		assert.deepEqual(states(), [FREE, FREE, ACCEPTED]);
		// Now only the 2xx waiting for its ACK and two unanswered OPTIONS: a stranger gets 503, no slot.
		const sent = host.sent.length;
		host.receive(inbound("OPTIONS", { branch: "z9hG4bKo4", callId: "o4@192.0.2.20" }));
		assert.deepEqual(startLines(host, sent), ["SIP/2.0 503 Service Unavailable"]);
		assert.equal(host.layer.stateOf(host.serverTxs.at(-1)!), TRYING, "the unanswered OPTIONS were not given up for a stranger");
		// The ACK confirms the dialog: the Accepted INVITE only waits out Timer L now, and may be given up.
		host.receive(inbound("ACK", { branch: "z9hG4bKack", toTag: "st4t", callId: "s2@192.0.2.22", sentBy: "192.0.2.22:5060" }), "192.0.2.22");
		host.receive(inbound("OPTIONS", { branch: "z9hG4bKo5", callId: "o5@192.0.2.20" }));
		assert.deepEqual(states(), [FREE, FREE, FREE]);
	});
});

describe("DESIGN.md §3 Admission: one source cannot take the pool", () => {
	it("answers a source holding its share of unanswered requests statelessly (503 + Retry-After, no slot); others are served (§21.5.4)", () => {
		const host = station({ config: { maxTransactions: 8, maxPerSource: 2 } });
		const a1 = strangerInvite(host, 1);
		strangerInvite(host, 2);
		assert.equal(strangerInvite(host, 3), -1);
		assert.deepEqual(startLines(host), ["SIP/2.0 503 Service Unavailable"]);
		assert.equal(headerOf(host.sent[0].text, "Retry-After"), "5");
		assert.equal(host.layer.active, 2, "the refused request took no slot");
		assert.ok(strangerInvite(host, 1, "203.0.113.5") >= 0, "another source is served");
		// Once one of its requests is answered, the source may send another.
		host.answer(a1, 486, "Busy Here");
		assert.ok(strangerInvite(host, 4) >= 0);
	});

	it("16 INVITEs answered with errors and never ACKed do not block an OPTIONS (§17.2.1 Timer H is 32 s)", () => {
		const host = station({
			config: { maxTransactions: 16, reservedTransactions: 6, maxPerSource: 5 },
			onRequest: (h, tx, msg) => void h.answer(tx, msg.methodText() === "INVITE" ? 400 : 200, msg.methodText() === "INVITE" ? "Bad Request" : "OK"),
		});
		for (let i = 1; i <= 16; i++) strangerInvite(host, i);
		assert.deepEqual(startLines(host).filter((l) => !l.startsWith("SIP/2.0 400")), [], "every INVITE got its 400");
		const sent = host.sent.length;
		host.receive(inbound("OPTIONS", { branch: "z9hG4bKping", callId: "ping@198.51.100.7", sentBy: "198.51.100.7:5060" }), "198.51.100.7");
		assert.deepEqual(startLines(host, sent), ["SIP/2.0 200 OK"]);
		assert.equal(host.settle(), "active=0 timers=0");
	});
});
