// A station nobody can lock out, at the UA: short calls back to back, unacknowledged error answers, a flood of
// strangers during a call, a parallel call list — DESIGN.md §3 (fixed pools that never become a lock), §4 (a full timer
// wheel is an error its owner handles); RFC 3261 §12.2.2, §13, §15, §17; RFC 6026 §7.
import assert from "node:assert/strict";
import { CALL_TIMERS } from "../../src/ua/call-context.js";
import { REGISTRATION_TIMERS } from "../../src/ua/registration.js";
import { stationSizes, timerCapacity, TRANSACTIONS_BESIDE_CALLS, TRANSACTIONS_PER_CALL } from "../../src/ua/sizing.js";
import { TRANSACTION_TIMERS } from "../../src/transaction/context.js";
import { KEEPALIVE_TIMERS } from "../../src/transaction/keepalive.js";
import { CONNECTION_TIMERS } from "../../src/transaction/connections.js";
import { established, inDialog, invite, peerHangsUp } from "./peer-calls.js";
import { occupyWheel } from "../transaction/virtual-host.js";
import { UaHost, peerSdp } from "./ua-host.js";

/** Statuses the station sent since index `from`. */
function statuses(host: UaHost, from = 0): number[] {
	return host.sent.slice(from).filter((m) => m.status > 0).map((m) => m.status);
}


describe("DESIGN.md §3 Short calls back to back (RFC 6026 §7.1: an answered INVITE is held 32 s)", () => {
	it("30 calls in 30 s, each answered, ACKed and hung up by the caller: every INVITE rings, every BYE gets 200, nothing 503", () => {
		const host = new UaHost();
		for (let n = 1; n <= 30; n++) {
			const call = { callId: `short-${n}@192.0.2.20`, fromTag: `t${n}` };
			const d = established(host, { ...call, branch: `z9hG4bKinv${n}` });
			host.advance(500);
			host.receive(inDialog(host, d, "BYE", call));
			assert.deepEqual([host.last().status, host.last().cseqMethod], [200, "BYE"], host.ladder.join("\n"));
			host.advance(500);
		}
		assert.equal(statuses(host).filter((s) => s === 503).length, 0, host.ladder.join("\n"));
		assert.equal(host.events.filter((e) => e === "answered 0").length, 30);
		assert.equal(host.events.filter((e) => e === "ended 0 remote hangup 0").length, 30);
		assert.ok(host.settle());
	});
});

describe("DESIGN.md §3 Unacknowledged error answers", () => {
	it("16 INVITEs with broken SDP, answered 400 and never ACKed (Timer H: 32 s), do not block an OPTIONS (§17.2.1)", () => {
		const host = new UaHost();
		for (let n = 1; n <= 16; n++) {
			host.receive(invite(host, { callId: `broken-${n}@192.0.2.20`, branch: `z9hG4bKbad${n}`, body: "v=0\r\nthis is not SDP\r\n" }));
		}
		assert.deepEqual(statuses(host), new Array(16).fill(400));
		const sent = host.sent.length;
		host.receive(host.request("OPTIONS", { callId: "ping@192.0.2.20", branch: "z9hG4bKping" }));
		assert.deepEqual(statuses(host, sent), [200]);
		assert.ok(host.settle());
	});
});

describe("DESIGN.md §3 A flood of strangers during a call (RFC 3261 §12.2.2)", () => {
	it("while 40 strangers' INVITEs and OPTIONS arrive, the call's INFO, re-INVITE and BYE get their answers, and an OPTIONS its 200", () => {
		// The application takes one call at a time: a stranger's INVITE in the other slot is refused 486.
		const host = new UaHost({ onIncoming: (h, call) => call > 0 && h.ua.reject(call, 486) });
		const d = established(host);
		for (let n = 1; n <= 40; n++) {
			const stranger = `198.51.100.${n}`;
			host.receive(host.request(n % 2 === 0 ? "INVITE" : "OPTIONS", {
				callId: `flood-${n}@${stranger}`, branch: `z9hG4bKflood${n}`, sentBy: `${stranger}:5060`, body: n % 2 === 0 ? peerSdp() : "",
			}), stranger);
		}
		let sent = host.sent.length;
		host.receive(inDialog(host, d, "INFO", { body: "Signal=5\r\nDuration=160\r\n", contentType: "application/dtmf-relay" }));
		host.receive(inDialog(host, d, "INVITE", { body: peerSdp({ version: 2890844527 }) }));
		assert.deepEqual(statuses(host, sent), [200, 200]);
		host.receive(inDialog(host, d, "ACK", { cseq: d.cseq }));
		sent = host.sent.length;
		host.receive(host.request("OPTIONS", { callId: "ping@192.0.2.20", branch: "z9hG4bKping" }));
		peerHangsUp(host, d);
		assert.deepEqual(statuses(host, sent), [200, 200]);
		assert.ok(host.events.includes("digit 0 5"));
		assert.ok(host.settle());
	});
});

describe("DESIGN.md §3 The pool is sized for a parallel call list (src/ua/sizing.ts)", () => {
	it("counts the transactions of maxCalls calls and what is beside them, and keeps slots for dialogs and the station's own", () => {
		for (const maxCalls of [1, 2, 4, 8]) {
			const sizes = stationSizes({ ...new UaHost().config, maxCalls });
			assert.equal(sizes.transactions, TRANSACTIONS_PER_CALL * maxCalls + TRANSACTIONS_BESIDE_CALLS);
			assert.ok(sizes.reservedTransactions < sizes.transactions && sizes.maxPerSource >= 2);
		}
	});

	it("counts every owner's timers for the wheel: transactions, connections, calls, registration, keep-alive, and the application's", () => {
		const config = { ...new UaHost().config, maxCalls: 3 };
		const plain = stationSizes(config, { connections: 5 });
		assert.equal(plain.timers, plain.transactions * TRANSACTION_TIMERS + 5 * CONNECTION_TIMERS + 3 * CALL_TIMERS + REGISTRATION_TIMERS + KEEPALIVE_TIMERS);
		assert.equal(stationSizes(config, { connections: 5, applicationTimers: 12 }).timers, plain.timers + 12);
		assert.equal(timerCapacity({ transactions: 10, connections: 2, calls: 0, registration: false }), 10 * TRANSACTION_TIMERS + 2 * CONNECTION_TIMERS);
	});

	it("four INVITEs at once; the first to answer is ACKed, the other three CANCELled; then BYE: nothing refused, nothing left", () => {
		const host = new UaHost({ config: { maxCalls: 4 } });
		const calls = [1, 2, 3, 4].map((n) => host.ua.call(`sip:flat${n}@192.0.2.${20 + n}`));
		assert.deepEqual(calls, [0, 1, 2, 3]);
		const invites = host.requests("INVITE");
		invites.forEach((inv, i) => host.answer(inv, 180, "Ringing", { toTag: `flat${i}` }));
		host.answer(invites[1], 200, "OK", { toTag: "flat1", extra: "Contact: <sip:flat2@192.0.2.22>\r\n", body: peerSdp({ address: "192.0.2.22" }) });
		for (const n of [0, 2, 3]) host.ua.hangup(n);
		const cancels = host.requests("CANCEL");
		assert.equal(cancels.length, 3);
		for (const c of cancels) host.answer(c, 200, "OK");
		for (const n of [0, 2, 3]) host.answer(invites[n], 487, "Request Terminated", { toTag: `flat${n}` });
		host.advance(2_000);
		host.ua.hangup(1);
		host.answer(host.lastOf("BYE"), 200, "OK");
		assert.deepEqual(host.events.filter((e) => e.startsWith("ended")).sort(),
			["ended 0 cancelled 487", "ended 1 local hangup 0", "ended 2 cancelled 487", "ended 3 cancelled 487"]);
		assert.equal(statuses(host).length, 0, "the station refused nothing");
		assert.ok(host.settle(), host.ladder.join("\n"));
	});
});

describe("DESIGN.md §4 A full timer wheel at the UA", () => {
	it("an INVITE that cannot get its Timer A and B fails at once as a transport error; nothing is sent or held", () => {
		const host = new UaHost();
		const release = occupyWheel(host.wheel, 1);
		assert.equal(host.ua.call("sip:bob@192.0.2.20"), -1);
		assert.deepEqual(host.events, ["ended 0 transport error 503"]);
		assert.deepEqual(host.sent, []);
		release();
		assert.ok(host.ua.idle);
	});

	it("a CANCEL with no timer free to wait for the final response ends the call at once, and its INVITE transaction (§9.1)", () => {
		const host = new UaHost();
		host.ua.call("sip:bob@192.0.2.20");
		host.answer(host.last(), 180, "Ringing");
		const release = occupyWheel(host.wheel, 0);
		host.ua.hangup(0);
		assert.deepEqual(host.events, ["progress 0 180", "ended 0 cancelled 0"]);
		release();
		assert.ok(host.ua.idle);
	});
});
