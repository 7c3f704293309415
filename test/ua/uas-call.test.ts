// The station answers calls — RFC 3665-style flows for the called side: RFC 3261 §13.3 (INVITE), §9.2 (CANCEL),
// §15 (BYE), §14.2 (re-INVITE), §12.2.2 (requests in a dialog), §8.2 (UAS behaviour), RFC 3264, RFC 3311 (UPDATE),
// RFC 4028 (session timers), RFC 6086 / INFO DTMF, RFC 6026 (2xx retransmission, Timer L).
import assert from "node:assert/strict";
import { acked, answered, established, inDialog, invite, peerHangsUp, ringing, uriOf, type Dialog } from "./peer-calls.js";
import { PEER, STATION, UaHost, peerSdp, type Msg, type PeerRequest } from "./ua-host.js";

const PROXY = "192.0.2.30";

describe("RFC 3665 §3.1-style: the station answers a call (RFC 3261 §13.3)", () => {
	it("INVITE → 180 → answer → 200 with the SDP answer → ACK → BYE → 200 (Record-Route kept, RFC 3261 §12.1.1)", () => {
		const host = new UaHost();
		const rr = `Record-Route: <sip:${PROXY};lr>\r\n`;
		const r180 = ringing(host, { extra: rr });
		// 180: a To tag (§8.2.6.2: it makes the early dialog), Contact (§12.1.1), Record-Route copied.
		assert.ok(r180.tag("To").length >= 8, "a To tag with 32 random bits at least (§19.3)");
		assert.equal(r180.header("Contact"), `<sip:door@${STATION}:5060>`);
		assert.equal(r180.header("Record-Route"), `<sip:${PROXY};lr>`);
		assert.equal(r180.address, PEER);
		assert.deepEqual(host.events, ["incoming 0 \"Alice\" <sip:alice@example.com>"]);
		assert.ok(host.ua.answer(0));
		const ok = host.last();
		assert.equal(ok.status, 200);
		assert.equal(ok.tag("To"), r180.tag("To"));
		assert.equal(ok.header("Contact"), `<sip:door@${STATION}:5060>`);
		assert.equal(ok.header("Record-Route"), `<sip:${PROXY};lr>`);
		assert.equal(ok.header("Content-Type"), "application/sdp");
		// The answer (RFC 3264 §6.1): the offer's first common codec (PCMU on 0), telephone-event on the offer's 101.
		assert.deepEqual(ok.sdp("m="), ["m=audio 16400 RTP/AVP 0 101"]);
		assert.ok(ok.sdp("c=")[0] === `c=IN IP4 ${STATION}`);
		assert.ok(ok.sdp("a=").includes("a=sendrecv"));
		assert.deepEqual(host.events.slice(1), ["answered 0"]);
		const media = host.ua.media(0)!;
		assert.equal(media.remoteAddress, PEER);
		assert.equal(media.remotePort, 49170);
		assert.equal(media.payloadType, 0);
		assert.equal(media.telephoneEventPt, 101);
		// §13.3.1.4: the 2xx is retransmitted with T1 doubling (up to T2) until the ACK.
		host.advance(3800);
		const at = host.times(200);
		assert.deepEqual(at.slice(1).map((t) => t - at[0]), [500, 1500, 3500]);
		const d = acked(host, ok, { extra: `Route: <sip:${PROXY};lr>\r\n` });
		const n = host.sent.length;
		host.advance(30_000);
		assert.deepEqual(host.summaries(n), [], "no 2xx after the ACK");
		peerHangsUp(host, d);
		assert.deepEqual(host.events.slice(2), ["ended 0 remote hangup 0"]);
		assert.ok(host.settle());
	});

	it("the station's BYE follows the route set: to the proxy, with Route, Request-URI the peer's Contact (§12.2.1.1)", () => {
		const host = new UaHost();
		established(host, { extra: `Record-Route: <sip:${PROXY};lr>\r\n` });
		host.ua.hangup(0);
		const bye = host.last();
		assert.equal(bye.method, "BYE");
		assert.equal(bye.uri, "sip:alice@192.0.2.20:5060");
		assert.equal(bye.address, PROXY);
		assert.equal(bye.header("Route"), `<sip:${PROXY};lr>`);
		// §12.2.1.1: From / To swapped relative to the INVITE, our tag in From, CSeq of our own space.
		assert.match(bye.header("From"), /^<sip:door@192.0.2.10>;tag=/);
		assert.match(bye.header("To"), /^"Alice" <sip:alice@example.com>;tag=a1$/);
		assert.equal(bye.header("Call-ID"), "in-1@192.0.2.20");
		assert.deepEqual(host.events.slice(-1), ["ended 0 local hangup 0"]);
		host.answer(bye, 200, "OK");
		assert.ok(host.settle());
	});

	it("no ACK within 64·T1: the station sends BYE and reports `no ACK` (§13.3.1.4, RFC 6026 Timer L)", () => {
		const host = new UaHost();
		ringing(host);
		host.ua.answer(0);
		host.advance(64 * host.t1 + 100);
		const at = host.times(200);
		// T1 doubling up to T2 (500, 1000, 2000, 4000, 4000 ...) within the 64·T1 window.
		const gaps = at.slice(1).map((t, i) => t - at[i]);
		assert.deepEqual(gaps.slice(0, 4), [500, 1000, 2000, 4000]);
		assert.ok(gaps.slice(4).every((g) => g === 4000));
		const bye = host.lastOf("BYE");
		assert.equal(bye.at, 64 * host.t1);
		assert.deepEqual(host.events.slice(-1), ["ended 0 no ACK 0"]);
		host.answer(bye, 200, "OK");
		assert.ok(host.settle());
	});
});

describe("§9.2 CANCEL of a ringing INVITE (RFC 3665 §3.8-style)", () => {
	it("CANCEL → 200 (CANCEL), 487 (INVITE) → ACK absorbed → `ended cancelled`", () => {
		const host = new UaHost();
		host.receive(invite(host, { branch: "z9hG4bKinv1" }));
		const r180 = host.last();
		host.receive(host.request("CANCEL", { branch: "z9hG4bKinv1", cseq: 1, contact: null }));
		const summaries = host.summaries(host.sent.indexOf(r180) + 1);
		assert.deepEqual(summaries.sort(), ["200", "487"]);
		const ok = host.lastOf(200), r487 = host.lastOf(487);
		assert.equal(ok.cseqMethod, "CANCEL");
		assert.equal(r487.cseqMethod, "INVITE");
		assert.equal(r487.tag("To"), r180.tag("To"));
		assert.deepEqual(host.events.slice(1), ["ended 0 cancelled 487"]);
		host.receive(host.request("ACK", { branch: "z9hG4bKinv1", toTag: r487.tag("To"), contact: null }));
		const n = host.sent.length;
		assert.ok(host.settle());
		assert.deepEqual(host.summaries(n), []);
		assert.equal(host.ua.answer(0), false, "nothing left to answer");
	});
});

describe("§13.3.1 refusing an INVITE", () => {
	it("a second INVITE while in a call is the application's to decide (`incoming 1`); with every slot taken: 486 Busy Here", () => {
		const host = new UaHost();
		const d = established(host);
		host.receive(invite(host, { callId: "second@192.0.2.21", fromTag: "b2", sentBy: "192.0.2.21:5060" }), "192.0.2.21");
		assert.ok(host.events.some((e) => e.startsWith("incoming 1 ")), "the second call is reported in slot 1");
		host.ua.reject(1, 486);
		assert.equal(host.last().status, 486);
		host.receive(host.request("ACK", { callId: "second@192.0.2.21", fromTag: "b2", toTag: host.last().tag("To"), branch: host.last().branch, sentBy: "192.0.2.21:5060" }), "192.0.2.21");
		// Both slots taken (maxCalls 2): the UA itself answers a third caller 486, without asking the application.
		host.receive(invite(host, { callId: "held@192.0.2.22", fromTag: "b3", sentBy: "192.0.2.22:5060" }), "192.0.2.22");
		assert.equal(host.events.filter((e) => e.startsWith("incoming 1 ")).length, 2, "the next caller rings in slot 1 again");
		host.receive(invite(host, { callId: "third@192.0.2.21", fromTag: "b4", sentBy: "192.0.2.21:5060" }), "192.0.2.21");
		const busy = host.last();
		assert.equal(busy.status, 486);
		assert.equal(busy.address, "192.0.2.21");
		assert.ok(busy.tag("To") !== "", "a final response carries a To tag (§8.2.6.2)");
		host.receive(host.request("ACK", { callId: "third@192.0.2.21", fromTag: "b4", toTag: busy.tag("To"), branch: busy.branch, sentBy: "192.0.2.21:5060" }), "192.0.2.21");
		assert.equal(host.events.filter((e) => e.startsWith("incoming")).length, 3, "the third caller never reached the application");
		host.ua.reject(1, 486);
		peerHangsUp(host, d);
		assert.ok(host.settle());
	});

	it("an offer with only G.729: 488 Not Acceptable Here (§13.3.1.3), no incoming call", () => {
		const host = new UaHost();
		host.receive(invite(host, { body: peerSdp({ formats: "18", rtpmaps: ["a=rtpmap:18 G729/8000"] }) }));
		const r = host.last();
		assert.equal(r.status, 488);
		assert.match(r.tag("To"), /^[0-9a-f]{8,}$/, "a final response carries a real To tag (§8.2.6.2, §19.3)");
		assert.deepEqual(host.events, []);
		host.receive(host.request("ACK", { branch: r.branch, toTag: r.tag("To"), contact: null }));
		assert.ok(host.settle());
	});

	it("Session-Expires below Min-SE: 422 with Min-SE (RFC 4028 §8.1)", () => {
		const host = new UaHost();
		host.receive(invite(host, { extra: "Supported: timer\r\nSession-Expires: 60\r\n" }));
		const r = host.last();
		assert.equal(r.status, 422);
		assert.equal(r.header("Min-SE"), "90");
		assert.match(r.tag("To"), /^[0-9a-f]{8,}$/, "a final response carries a real To tag (§8.2.6.2, §19.3)");
		assert.deepEqual(host.events, []);
		host.receive(host.request("ACK", { branch: r.branch, toTag: r.tag("To"), contact: null }));
		assert.ok(host.settle());
	});

	it("Session-Expires 100 (at least Min-SE 90) is accepted", () => {
		const host = new UaHost();
		ringing(host, { extra: "Supported: timer\r\nSession-Expires: 100\r\n" });
		host.ua.reject(0, 486);
		assert.equal(host.last().status, 486);
		assert.deepEqual(host.events.slice(1), ["ended 0 rejected 486"]);
		assert.ok(host.settle());
	});

	it("Require: 100rel: 420 Bad Extension with Unsupported: 100rel (§8.2.2.3)", () => {
		const host = new UaHost();
		host.receive(invite(host, { extra: "Require: 100rel\r\n" }));
		const r = host.last();
		assert.equal(r.status, 420);
		assert.equal(r.header("Unsupported"), "100rel");
		assert.deepEqual(host.events, []);
		host.receive(host.request("ACK", { branch: r.branch, toTag: r.tag("To"), contact: null }));
		assert.ok(host.settle());
	});
});

describe("RFC 4028 session timers on an answered call", () => {
	it("refresher=uac: 200 echoes Session-Expires;refresher=uac with Require: timer; no refresh → BYE at SE − min(32, SE/3)", () => {
		const host = new UaHost();
		const ok = answered(host, { extra: "Supported: timer\r\nSession-Expires: 1800;refresher=uac\r\n" });
		const answeredAt = ok.at;
		assert.equal(ok.header("Session-Expires"), "1800;refresher=uac");
		assert.equal(ok.header("Require"), "timer");
		const d = acked(host, ok);
		host.advance(1800_000);
		const bye = host.requests("BYE")[0];
		// §10: the side that is not the refresher sends BYE "before the session expiration" — 1800 − min(32, 600).
		assert.equal(bye.at - answeredAt, (1800 - Math.min(32, 1800 / 3)) * 1000);
		assert.deepEqual(host.events.slice(-1), ["ended 0 session expired 0"]);
		host.answer(bye, 200, "OK");
		assert.ok(host.settle());
	});

	it("a refresh from the peer (re-INVITE) restarts the interval", () => {
		const host = new UaHost();
		const d = established(host, { extra: "Supported: timer\r\nSession-Expires: 1800;refresher=uac\r\n" });
		host.advance(900_000);
		host.receive(inDialog(host, d, "INVITE", { body: peerSdp({ version: 2890844526 }), extra: "Supported: timer\r\nSession-Expires: 1800;refresher=uac\r\n" }));
		const ok = host.last();
		assert.equal(ok.status, 200);
		assert.equal(ok.header("Session-Expires"), "1800;refresher=uac");
		host.receive(inDialog(host, d, "ACK"));
		host.advance(1700_000);
		assert.equal(host.requests("BYE").length, 0, "no BYE before the refreshed interval runs out");
		host.advance(100_000);
		assert.equal(host.requests("BYE").length, 1);
		host.answer(host.lastOf("BYE"), 200, "OK");
		assert.ok(host.settle());
	});

	it("refresher=uas: the station refreshes with a re-INVITE at half the interval (§10)", () => {
		const host = new UaHost();
		const ok = answered(host, { extra: "Supported: timer\r\nSession-Expires: 1800;refresher=uas\r\n" });
		assert.equal(ok.header("Session-Expires"), "1800;refresher=uas");
		const d = acked(host, ok);
		host.advance(900_000);
		const re = host.lastOf("INVITE");
		assert.equal(re.at - ok.at, 900_000);
		assert.equal(re.uri, "sip:alice@192.0.2.20:5060");
		assert.match(re.header("To"), /;tag=a1$/);
		assert.equal(re.tag("From"), d.toTag);
		// RFC 4028 §7.4 / §9: the refresh asks for the same interval with us (its UAC) refreshing.
		assert.equal(re.header("Session-Expires"), "1800;refresher=uac");
		assert.ok(re.header("Supported").includes("timer"));
		assert.equal(re.header("Content-Type"), "application/sdp");
		assert.ok(re.cseq >= 1);
		// The peer accepts: ACK, and the next refresh 900 s later.
		host.answer(re, 200, "OK", { toTag: null, extra: "Contact: <sip:alice@192.0.2.20:5060>\r\nRequire: timer\r\nSession-Expires: 1800;refresher=uac\r\n", body: peerSdp() });
		const ack = host.last();
		assert.equal(ack.method, "ACK");
		assert.equal(ack.cseq, re.cseq);
		assert.equal(ack.uri, "sip:alice@192.0.2.20:5060");
		host.advance(900_000);
		assert.equal(host.requests("INVITE").length, 2);
		assert.equal(host.all("BYE").length, 0);
		host.ua.hangup(0);
		host.answer(host.lastOf("INVITE"), 200, "OK", { toTag: null, extra: "Session-Expires: 1800;refresher=uac\r\n", body: peerSdp() });
		host.answer(host.lastOf("BYE"), 200, "OK");
		assert.ok(host.settle());
	});
});

describe("§14.2 re-INVITE and RFC 3311 UPDATE from the peer", () => {
	it("a=sendonly (hold): 200 with a=recvonly and `mediaChanged` (RFC 3264 §8.4)", () => {
		const host = new UaHost();
		const d = established(host);
		host.receive(inDialog(host, d, "INVITE", { body: peerSdp({ direction: "sendonly", version: 2890844527 }) }));
		const ok = host.last();
		assert.equal(ok.status, 200);
		assert.equal(ok.tag("To"), d.toTag);
		assert.ok(ok.sdp("a=").includes("a=recvonly"), ok.body);
		assert.deepEqual(host.events.slice(-1), ["mediaChanged 0"]);
		assert.equal(host.ua.media(0)!.held, true);
		host.receive(inDialog(host, d, "ACK"));
		// Resume: sendrecv again.
		host.receive(inDialog(host, d, "INVITE", { body: peerSdp({ direction: "sendrecv", version: 2890844528 }) }));
		assert.ok(host.last().sdp("a=").includes("a=sendrecv"));
		assert.deepEqual(host.events.slice(-1), ["mediaChanged 0"]);
		host.receive(inDialog(host, d, "ACK"));
		peerHangsUp(host, d);
		assert.ok(host.settle());
	});

	it("c=0.0.0.0 (RFC 2543 hold): we stop sending, `mediaChanged`", () => {
		const host = new UaHost();
		const d = established(host);
		host.receive(inDialog(host, d, "INVITE", { body: peerSdp({ address: "0.0.0.0", version: 2890844527 }) }));
		const ok = host.last();
		assert.equal(ok.status, 200);
		assert.ok(!ok.sdp("a=").includes("a=sendrecv") && !ok.sdp("a=").includes("a=sendonly"), ok.body);
		assert.deepEqual(host.events.slice(-1), ["mediaChanged 0"]);
		assert.equal(host.ua.media(0)!.held, true);
		host.receive(inDialog(host, d, "ACK"));
		peerHangsUp(host, d);
		assert.ok(host.settle());
	});

	it("a new port: 200 with an answer, the media follows (`mediaChanged`), o= version unchanged when our SDP is", () => {
		const host = new UaHost();
		const d = established(host);
		const firstAnswer = host.lastOf(200);
		host.receive(inDialog(host, d, "INVITE", { body: peerSdp({ port: 50000, version: 2890844527 }) }));
		const ok = host.last();
		assert.equal(ok.status, 200);
		assert.deepEqual(host.events.slice(-1), ["mediaChanged 0"]);
		assert.equal(host.ua.media(0)!.remotePort, 50000);
		// RFC 3264 §8: our description did not change, so neither does its o= line.
		assert.deepEqual(ok.sdp("o="), firstAnswer.sdp("o="));
		host.receive(inDialog(host, d, "ACK"));
		peerHangsUp(host, d);
		assert.ok(host.settle());
	});

	it("a re-INVITE that changes nothing: 200, no `mediaChanged`", () => {
		const host = new UaHost();
		const d = established(host);
		const n = host.events.length;
		host.receive(inDialog(host, d, "INVITE", { body: peerSdp() }));
		assert.equal(host.last().status, 200);
		assert.equal(host.events.length, n);
		host.receive(inDialog(host, d, "ACK"));
		peerHangsUp(host, d);
		assert.ok(host.settle());
	});

	it("UPDATE with SDP: 200 with the answer (RFC 3311 §5.2)", () => {
		const host = new UaHost();
		const d = established(host);
		host.receive(inDialog(host, d, "UPDATE", { body: peerSdp({ port: 50002, version: 2890844527 }) }));
		const ok = host.last();
		assert.equal(ok.status, 200);
		assert.equal(ok.cseqMethod, "UPDATE");
		assert.equal(ok.header("Content-Type"), "application/sdp");
		assert.deepEqual(ok.sdp("m="), ["m=audio 16400 RTP/AVP 0 101"]);
		assert.equal(host.ua.media(0)!.remotePort, 50002);
		assert.deepEqual(host.events.slice(-1), ["mediaChanged 0"]);
		// No ACK for UPDATE: nothing more is sent.
		const n = host.sent.length;
		host.advance(40_000);
		assert.deepEqual(host.summaries(n), []);
		peerHangsUp(host, d);
		assert.ok(host.settle());
	});

	it("a re-INVITE with an unacceptable offer: 488, the call goes on with the old media (§14.2)", () => {
		const host = new UaHost();
		const d = established(host);
		host.receive(inDialog(host, d, "INVITE", { body: peerSdp({ formats: "18", rtpmaps: ["a=rtpmap:18 G729/8000"], port: 50004, version: 2890844527 }) }));
		const r = host.last();
		assert.equal(r.status, 488);
		assert.equal(host.ua.media(0)!.remotePort, 49170);
		host.receive(host.request("ACK", { uri: d.target, toTag: d.toTag, cseq: d.cseq, branch: r.branch }));
		peerHangsUp(host, d);
		assert.ok(host.settle());
	});

	it("glare: the station's own re-INVITE is pending and the peer's arrives → 491 (§14.2)", () => {
		const host = new UaHost();
		const ok = answered(host, { extra: "Supported: timer\r\nSession-Expires: 1800;refresher=uas\r\n" });
		const d = acked(host, ok);
		host.advance(900_000);
		const ours = host.lastOf("INVITE");
		host.receive(inDialog(host, d, "INVITE", { body: peerSdp({ version: 2890844527 }) }));
		const r = host.last();
		assert.equal(r.status, 491);
		host.receive(host.request("ACK", { uri: d.target, toTag: d.toTag, cseq: d.cseq, branch: r.branch }));
		// Ours completes normally.
		host.answer(ours, 200, "OK", { toTag: null, body: peerSdp() });
		assert.equal(host.last().method, "ACK");
		peerHangsUp(host, d);
		assert.ok(host.settle());
	});
});

describe("INFO DTMF (application/dtmf-relay, application/dtmf)", () => {
	it("Signal=5 → 200 and `digit 0 5`; `#` → `digit 0 #`; text/plain → 415 with Accept", () => {
		const host = new UaHost();
		const d = established(host);
		host.receive(inDialog(host, d, "INFO", { body: "Signal=5\r\nDuration=160\r\n", contentType: "application/dtmf-relay" }));
		assert.equal(host.last().status, 200);
		assert.deepEqual(host.events.slice(-1), ["digit 0 5"]);
		host.receive(inDialog(host, d, "INFO", { body: "#", contentType: "application/dtmf" }));
		assert.equal(host.last().status, 200);
		assert.deepEqual(host.events.slice(-1), ["digit 0 #"]);
		host.receive(inDialog(host, d, "INFO", { body: "hello", contentType: "text/plain" }));
		const r = host.last();
		assert.equal(r.status, 415);
		assert.ok(r.header("Accept").includes("application/dtmf-relay"), r.text);
		assert.deepEqual(host.events.slice(-1), ["digit 0 #"]);
		peerHangsUp(host, d);
		assert.ok(host.settle());
	});
});

describe("§11 OPTIONS, §8.2.1 unknown methods, §12.2.2 requests in a dialog", () => {
	it("OPTIONS outside a dialog and inside: 200 with Allow, Accept, Supported", () => {
		const host = new UaHost();
		host.receive(host.request("OPTIONS", { callId: "opt@192.0.2.20" }));
		for (const r of [host.last()]) {
			assert.equal(r.status, 200);
			assert.ok(r.header("Allow").includes("INVITE") && r.header("Allow").includes("BYE"));
			assert.ok(r.header("Accept").includes("application/sdp"));
			assert.equal(r.header("Supported"), "timer");
		}
		const d = established(host);
		host.receive(inDialog(host, d, "OPTIONS"));
		const r = host.last();
		assert.equal(r.status, 200);
		assert.equal(r.tag("To"), d.toTag);
		assert.ok(r.header("Allow").includes("INFO"));
		assert.ok(r.header("Accept").includes("application/sdp"));
		assert.equal(r.header("Supported"), "timer");
		peerHangsUp(host, d);
		assert.ok(host.settle());
	});

	it("BYE for an unknown dialog: 481 (§12.2.2)", () => {
		const host = new UaHost();
		host.receive(host.request("BYE", { toTag: "nosuch", callId: "gone@192.0.2.20" }));
		assert.equal(host.last().status, 481);
		assert.ok(host.settle());
	});

	it("an in-dialog request with a lower CSeq: 500 (§12.2.2)", () => {
		const host = new UaHost();
		const d = established(host, { cseq: 10 });
		host.receive(host.request("INFO", { uri: d.target, toTag: d.toTag, cseq: 5, body: "5", contentType: "application/dtmf" }));
		assert.equal(host.last().status, 500);
		assert.ok(!host.events.includes("digit 0 5"));
		d.cseq = 10;
		peerHangsUp(host, d);
		assert.ok(host.settle());
	});

	it("FOO: 501 with Allow; SUBSCRIBE: 405 with Allow (§8.2.1)", () => {
		const host = new UaHost();
		host.receive(host.request("FOO", { callId: "foo@192.0.2.20" }));
		let r = host.last();
		assert.equal(r.status, 501);
		assert.ok(r.header("Allow").includes("INVITE"));
		host.receive(host.request("SUBSCRIBE", { callId: "sub@192.0.2.20", extra: "Event: presence\r\n" }));
		r = host.last();
		assert.equal(r.status, 405);
		assert.ok(r.header("Allow").includes("INVITE"));
		assert.ok(host.settle());
	});
});

describe("§13.2.1 INVITE without an offer (delayed offer)", () => {
	it("the 200 carries our offer, the ACK carries the answer → answered", () => {
		const host = new UaHost();
		const ok = answered(host, { body: "" });
		assert.equal(ok.status, 200);
		assert.equal(ok.header("Content-Type"), "application/sdp");
		// Our offer: PCMU, PCMA, telephone-event (RFC 3264 §5).
		assert.deepEqual(ok.sdp("m="), ["m=audio 16400 RTP/AVP 0 8 101"]);
		assert.ok(!host.events.includes("answered 0"), "not answered before the answer arrives");
		const d = acked(host, ok, { body: peerSdp({ formats: "8 101", rtpmaps: ["a=rtpmap:8 PCMA/8000", "a=rtpmap:101 telephone-event/8000"] }) });
		assert.deepEqual(host.events.slice(-1), ["answered 0"]);
		assert.equal(host.ua.media(0)!.payloadType, 8);
		peerHangsUp(host, d);
		assert.ok(host.settle());
	});
});

describe("§15 BYE timing and crossing BYEs", () => {
	it("the callee hangs up before the ACK: the BYE waits for the ACK (§15)", () => {
		const host = new UaHost();
		const ok = answered(host);
		host.ua.hangup(0);
		assert.deepEqual(host.events.slice(-1), ["ended 0 local hangup 0"]);
		assert.equal(host.all("BYE").length, 0, "no BYE before the ACK");
		host.advance(1000);
		assert.equal(host.all("BYE").length, 0);
		acked(host, ok);
		const bye = host.last();
		assert.equal(bye.method, "BYE");
		assert.equal(bye.at, 1000);
		host.answer(bye, 200, "OK");
		assert.equal(host.events.filter((e) => e.startsWith("ended")).length, 1);
		assert.ok(host.settle());
	});

	it("the callee hangs up and no ACK ever comes: the BYE goes when the transaction times out (64·T1)", () => {
		const host = new UaHost();
		ringing(host);
		host.ua.answer(0);
		host.ua.hangup(0);
		host.advance(64 * host.t1 - 1);
		assert.equal(host.all("BYE").length, 0);
		host.advance(1);
		const bye = host.lastOf("BYE");
		assert.equal(bye.at, 64 * host.t1);
		assert.deepEqual(host.events.slice(1), ["answered 0", "ended 0 local hangup 0"]);
		host.answer(bye, 200, "OK");
		assert.ok(host.settle());
	});

	it("BYEs crossing: our BYE is out and the peer's arrives → 200, the call is reported ended once", () => {
		const host = new UaHost();
		const d = established(host);
		host.ua.hangup(0);
		const ours = host.last();
		assert.equal(ours.method, "BYE");
		host.receive(inDialog(host, d, "BYE"));
		assert.equal(host.last().status, 200);
		host.answer(ours, 481, "Call/Transaction Does Not Exist");
		assert.deepEqual(host.events.filter((e) => e.startsWith("ended")), ["ended 0 local hangup 0"]);
		assert.ok(host.settle());
	});
});

describe("more INVITE server cases", () => {
	it("the application answers from inside `incomingCall`: 200 straight away, no 180", () => {
		const host = new UaHost({ onIncoming: (h, call) => h.ua.answer(call) });
		host.receive(invite(host));
		const ok = host.last();
		assert.equal(ok.status, 200);
		assert.deepEqual(host.summaries(), ["200"]);
		const d = acked(host, ok);
		peerHangsUp(host, d);
		assert.ok(host.settle());
	});

	it("a retransmitted INVITE while ringing gets the 180 again (§17.2.1)", () => {
		const host = new UaHost();
		const wire = invite(host, { branch: "z9hG4bKre1" });
		host.receive(wire);
		host.receive(wire);
		assert.deepEqual(host.summaries(), ["180", "180"]);
		assert.equal(host.events.length, 1);
		host.ua.reject(0, 486);
		host.receive(host.request("ACK", { branch: "z9hG4bKre1", toTag: host.last().tag("To"), contact: null }));
		assert.ok(host.settle());
	});

	it("a CANCEL after the 200: 200 for the CANCEL, the call stays (§9.2)", () => {
		const host = new UaHost();
		host.receive(invite(host, { branch: "z9hG4bKinv2" }));
		host.ua.answer(0);
		const ok = host.last();
		host.receive(host.request("CANCEL", { branch: "z9hG4bKinv2", contact: null }));
		assert.equal(host.last().status, 200);
		assert.equal(host.last().cseqMethod, "CANCEL");
		assert.ok(!host.events.some((e) => e.startsWith("ended")));
		const d = acked(host, ok);
		peerHangsUp(host, d);
		assert.ok(host.settle());
	});

	it("a re-INVITE without an offer: our 200 carries one, the ACK's answer is a media change, not a new call", () => {
		const host = new UaHost();
		const d = established(host);
		host.receive(inDialog(host, d, "INVITE", { body: "" }));
		const ok = host.last();
		assert.equal(ok.status, 200);
		assert.deepEqual(ok.sdp("m="), ["m=audio 16400 RTP/AVP 0 8 101"]);
		host.receive(inDialog(host, d, "ACK", { body: peerSdp({ port: 50010, version: 2890844527, formats: "0 101" }) }));
		assert.deepEqual(host.events.slice(-1), ["mediaChanged 0"]);
		assert.equal(host.events.filter((e) => e === "answered 0").length, 1);
		assert.equal(host.ua.media(0)!.remotePort, 50010);
		peerHangsUp(host, d);
		assert.ok(host.settle());
	});

	it("a 422 to the station's refresh naming no larger interval is not retried (RFC 4028 §7.4; never a loop)", () => {
		const host = new UaHost();
		const ok = answered(host, { extra: "Supported: timer\r\nSession-Expires: 1800;refresher=uas\r\n" });
		const d = acked(host, ok);
		host.advance(900_000);
		const re = host.lastOf("INVITE");
		host.answer(re, 422, "Session Interval Too Small", { toTag: null, extra: "Min-SE: 90\r\n" });
		host.advance(1000);
		assert.equal(host.requests("INVITE").length, 1, host.ladder.join("\n"));
		peerHangsUp(host, d);
		assert.ok(host.settle());
	});

	it("a 422 to the station's refresh with a larger Min-SE: refreshed again with it, Min-SE carried (§7.4)", () => {
		const host = new UaHost();
		const ok = answered(host, { extra: "Supported: timer\r\nSession-Expires: 1800;refresher=uas\r\n" });
		const d = acked(host, ok);
		host.advance(900_000);
		const re = host.lastOf("INVITE");
		host.answer(re, 422, "Session Interval Too Small", { toTag: null, extra: "Min-SE: 3600\r\n" });
		const again = host.last();
		assert.equal(again.method, "INVITE");
		assert.equal(again.header("Session-Expires"), "3600;refresher=uac");
		assert.equal(again.header("Min-SE"), "3600");
		assert.equal(again.cseq, re.cseq + 1);
		host.answer(again, 200, "OK", { toTag: null, extra: "Session-Expires: 3600;refresher=uac\r\n", body: peerSdp() });
		peerHangsUp(host, d);
		assert.ok(host.settle());
	});
});

describe("RFC 3264 §6: the answer mirrors the offer however late the application answers", () => {
	const AUDIO_VIDEO = peerSdp() + "m=video 49172 RTP/AVP 31\r\na=rtpmap:31 H261/90000\r\n";

	it("an offer with audio and video: the answer rejects the video with port 0, even after other messages came in", () => {
		const host = new UaHost();
		ringing(host, { body: AUDIO_VIDEO });
		// Something else arrives while it rings (the host's receive buffer now holds another datagram).
		host.receive(host.request("OPTIONS", { callId: "probe@192.0.2.20", fromTag: "p1" }));
		assert.equal(host.last().status, 200);
		host.advance(5000);
		host.ua.answer(0);
		const ok = host.last();
		assert.equal(ok.status, 200);
		// "The answer MUST contain exactly the same number of m= lines as the offer" (§6), a rejected one with port 0.
		assert.deepEqual(ok.sdp("m="), ["m=audio 16400 RTP/AVP 0 101", "m=video 0 RTP/AVP 31"]);
		const d = acked(host, ok);
		peerHangsUp(host, d);
		assert.ok(host.settle());
	});

	it("the same while the station's own call on the other slot read an answer of its own", () => {
		const host = new UaHost();
		ringing(host, { body: AUDIO_VIDEO });
		assert.equal(host.ua.call("sip:bob@192.0.2.40:5060"), 1);
		const out = host.last();
		host.answer(out, 183, "Session Progress", { extra: "Contact: <sip:bob@192.0.2.40>\r\n", body: peerSdp({ address: "192.0.2.40", formats: "8", rtpmaps: ["a=rtpmap:8 PCMA/8000"] }) });
		host.ua.answer(0);
		const ok = host.last();
		assert.equal(ok.status, 200);
		assert.deepEqual(ok.sdp("m="), ["m=audio 16400 RTP/AVP 0 101", "m=video 0 RTP/AVP 31"]);
		assert.equal(host.ua.media(0)!.remoteAddress, PEER);
		const d = acked(host, ok);
		peerHangsUp(host, d);
		host.ua.hangup(1);
		host.answer(host.lastOf("CANCEL"), 200, "OK");
		host.answer(out, 487, "Request Terminated");
		assert.ok(host.settle());
	});
});

describe("RFC 4028 §9 corner cases on the called side", () => {
	it("Session-Expires without Supported: timer (a proxy added it): the station refreshes, refresher=uas, no Require", () => {
		const host = new UaHost();
		const ok = answered(host, { extra: "Session-Expires: 1800\r\n" });
		assert.equal(ok.header("Session-Expires"), "1800;refresher=uas");
		assert.equal(ok.header("Require"), "");
		const d = acked(host, ok);
		host.advance(900_000);
		assert.equal(host.requests("INVITE").length, 1);
		host.answer(host.lastOf("INVITE"), 200, "OK", { toTag: null, body: peerSdp() });
		peerHangsUp(host, d);
		assert.ok(host.settle());
	});

	it("Require: timer is supported: no 420", () => {
		const host = new UaHost();
		ringing(host, { extra: "Supported: timer\r\nRequire: timer\r\nSession-Expires: 1800;refresher=uac\r\n" });
		host.ua.reject(0, 603);
		assert.equal(host.last().status, 603);
		assert.ok(host.settle());
	});

	it("491 to the station's refresh when the peer owns the Call-ID: retried within 0–2 s (§14.1)", () => {
		const host = new UaHost();
		const ok = answered(host, { extra: "Supported: timer\r\nSession-Expires: 1800;refresher=uas\r\n" });
		const d = acked(host, ok);
		host.advance(900_000);
		const re = host.lastOf("INVITE");
		host.answer(re, 491, "Request Pending", { toTag: null });
		const at = host.clock.now();
		host.advance(2100);
		const retry = host.requests("INVITE")[1];
		assert.ok(retry !== undefined, host.ladder.join("\n"));
		assert.ok(retry.at - at >= 0 && retry.at - at <= 2000, `after ${retry.at - at} ms`);
		assert.equal(retry.cseq, re.cseq + 1);
		host.answer(retry, 200, "OK", { toTag: null, body: peerSdp() });
		peerHangsUp(host, d);
		assert.ok(host.settle());
	});
});
