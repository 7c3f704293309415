// The station's calls when what it would send outgrows `maxSendBytes` (src/transaction/config.ts): a clear end, never a
// stuck call — DESIGN.md §3; RFC 3261 §21.5.1 (a 500 instead of the 2xx), §13.3.1 (the INVITE still answered).
import assert from "node:assert/strict";
import { established, inDialog, ringing } from "./peer-calls.js";
import { UaHost, peerSdp } from "./ua-host.js";

/** A 180 of this station to an INVITE through three proxies is about 580 bytes, its 200 with the SDP answer about 820. */
const TX = { maxHeadBytes: 512, maxSendBytes: 768 };
const PROXIES = Array.from({ length: 3 }, (_, i) => `Via: SIP/2.0/UDP proxy${i}.example.com:5060;branch=z9hG4bKhop${i}\r\n`).join("");

describe("The station's messages beyond maxSendBytes (DESIGN.md §3)", () => {
	it("answers an INVITE whose 200 does not fit with a 500 carrying the 180's To tag, and the call ends saying why (§21.5.1)", () => {
		const host = new UaHost({ tx: TX });
		const r180 = ringing(host, { extra: PROXIES });
		assert.ok(r180.text.length <= TX.maxSendBytes);
		assert.equal(host.ua.answer(0), false);
		const r = host.last();
		assert.equal(r.text.split("\r\n")[0], "SIP/2.0 500 Server Internal Error: response too large");
		assert.equal(r.tag("To"), r180.tag("To"));
		assert.deepEqual(host.events.slice(1), [`ended 0 local hangup 500: the 200 OK did not fit the ${TX.maxSendBytes}-byte send buffer`]);
		assert.equal(host.ua.answer(0), false, "the slot is free: nothing to answer");
		host.receive(host.request("ACK", { toTag: r.tag("To"), extra: PROXIES }));
		assert.ok(host.settle());
	});

	it("does not send an INVITE that does not fit: the call fails at once as a transport error naming the send buffer (§18.1.1)", () => {
		const host = new UaHost({ tx: TX });
		assert.equal(host.ua.call(`sip:bob@192.0.2.20;x=${"y".repeat(30)}`), -1);
		assert.equal(host.sent.length, 0, "nothing on the wire");
		assert.deepEqual(host.events, [`ended 0 transport error 503: INVITE larger than the ${TX.maxSendBytes}-byte send buffer (maxSendBytes)`]);
		assert.equal(host.ua.call("sip:bob@192.0.2.20"), 0, "the slot is free for the next call");
		assert.equal(host.last().method, "INVITE");
	});

	it("answers a re-INVITE whose 200 does not fit with a 500 and ends the call with a BYE: the peer keeps the old session, ours took the offer (§14.1, §15)", () => {
		const host = new UaHost({ tx: TX });
		const d = established(host);
		host.receive(inDialog(host, d, "INVITE", { body: peerSdp({ port: 49180, version: 2890844527 }), extra: PROXIES }));
		const sent = host.sent.slice(-2);
		assert.equal(sent[0].text.split("\r\n")[0], "SIP/2.0 500 Server Internal Error: response too large");
		assert.equal(sent[1].method, "BYE");
		assert.deepEqual(host.events.slice(2), ["ended 0 local hangup 500"]);
	});
});
