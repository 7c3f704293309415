// The station calls — RFC 3665 §3-style flows for the calling side: RFC 3261 §13.2 (INVITE, ACK of 2xx, forked
// 2xx), §9.1 (CANCEL), §15 (BYE), §8.1.3.4 (3xx), §22 (407), §14.1 (491 back-off), RFC 4028 (422, refresh),
// RFC 6026 (2xx retransmissions), RFC 3264 (offer).
import assert from "node:assert/strict";
import { checkCredentials } from "./digest-check.js";
import { PEER, STATION, UaHost, peerSdp, type Msg } from "./ua-host.js";

const BOB = "sip:bob@192.0.2.20:5060";
const BOB_CONTACT = "Contact: <sip:bob@192.0.2.20:5062>\r\n";
const ANSWER = peerSdp({ formats: "0 101", rtpmaps: ["a=rtpmap:0 PCMU/8000", "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-15"] });

/** The station calls bob; returns the INVITE. */
function calling(host: UaHost, uri = BOB): Msg {
	assert.equal(host.ua.call(uri), 0);
	const inv = host.last();
	assert.equal(inv.method, "INVITE");
	return inv;
}

/** The station calls, bob answers (180, 200 with SDP), the station ACKs. Returns the 200 as sent by bob. */
function answered(host: UaHost, extra = ""): { invite: Msg; ack: Msg } {
	const invite = calling(host);
	host.answer(invite, 180, "Ringing", { extra: BOB_CONTACT });
	host.answer(invite, 200, "OK", { extra: BOB_CONTACT + extra, body: ANSWER });
	const ack = host.last();
	assert.equal(ack.method, "ACK", host.ladder.join("\n"));
	return { invite, ack };
}

/** A request of bob inside the call (his tag b1, the station's tag in To). */
function fromBob(host: UaHost, invite: Msg, method: string, cseq: number, o: { body?: string; extra?: string; contentType?: string } = {}): string {
	return host.request(method, {
		uri: `sip:door@${STATION}:5060`, from: "<sip:bob@192.0.2.20:5060>", fromTag: "b1", to: invite.header("From").replace(/;tag=.*$/, ""),
		toTag: invite.tag("From"), callId: invite.header("Call-ID"), cseq, contact: method === "INVITE" ? "<sip:bob@192.0.2.20:5062>" : null, ...o,
	});
}

describe("RFC 3665 §3.1-style: the station calls (RFC 3261 §13.2)", () => {
	it("INVITE with an offer → 100 → 180 → 183 with SDP → 200 → ACK (to Contact, Route = Record-Route reversed) → answered", () => {
		const host = new UaHost();
		const inv = calling(host);
		// §8.1.1: the request; RFC 3264 §5: the offer; RFC 4028 §7.1: Supported: timer and Session-Expires.
		assert.equal(inv.uri, BOB);
		assert.equal(inv.address, PEER);
		assert.equal(inv.port, 5060);
		assert.match(inv.header("From"), /^<sip:door@example.com>;tag=[0-9a-f]{8,}$/);
		assert.equal(inv.header("To"), `<${BOB}>`);
		assert.match(inv.header("Call-ID"), /^[0-9a-f]{16,}@192\.0\.2\.10$/);
		assert.equal(inv.header("CSeq"), "1 INVITE");
		assert.equal(inv.header("Max-Forwards"), "70");
		assert.equal(inv.header("Contact"), `<sip:door@${STATION}:5060>`);
		assert.ok(inv.header("Supported").split(/\s*,\s*/).includes("timer"));
		assert.equal(inv.header("Session-Expires"), "1800");
		assert.ok(Number(inv.header("Min-SE")) >= 90);
		assert.ok(inv.header("Allow").includes("INVITE"));
		assert.equal(inv.header("Content-Type"), "application/sdp");
		assert.deepEqual(inv.sdp("m="), ["m=audio 16400 RTP/AVP 0 8 101"]);
		assert.deepEqual(inv.sdp("c="), [`c=IN IP4 ${STATION}`]);
		for (const a of ["a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000", "a=rtpmap:101 telephone-event/8000", "a=ptime:20", "a=sendrecv"]) {
			assert.ok(inv.sdp("a=").includes(a), `${a} in\n${inv.body}`);
		}
		host.answer(inv, 100, "Trying");
		assert.deepEqual(host.events, []);
		host.answer(inv, 180, "Ringing", { extra: BOB_CONTACT });
		assert.deepEqual(host.events, ["progress 0 180"]);
		host.answer(inv, 183, "Session Progress", { extra: BOB_CONTACT, body: ANSWER });
		assert.deepEqual(host.events.slice(1), ["progress 0 183 early"]);
		assert.equal(host.ua.media(0)!.remotePort, 49170);
		// Two proxies record-routed: the UAS-side one on top; the UAC's route set is the reverse (§12.1.2).
		const rr = "Record-Route: <sip:192.0.2.31;lr>, <sip:192.0.2.30;lr>\r\n";
		host.answer(inv, 200, "OK", { extra: BOB_CONTACT + rr, body: ANSWER });
		const ack = host.last();
		assert.equal(ack.method, "ACK");
		assert.equal(ack.uri, "sip:bob@192.0.2.20:5062");
		assert.equal(ack.address, "192.0.2.30");
		assert.deepEqual(ack.headers("Route").join(", ").split(/\s*,\s*/), ["<sip:192.0.2.30;lr>", "<sip:192.0.2.31;lr>"]);
		assert.equal(ack.header("CSeq"), "1 ACK");
		assert.equal(ack.header("Call-ID"), inv.header("Call-ID"));
		assert.equal(ack.tag("To"), "b1");
		assert.notEqual(ack.branch, inv.branch, "the ACK of a 2xx is a new transaction (§13.2.2.4)");
		assert.deepEqual(host.events.slice(2), ["answered 0"]);
		// The 2xx again (bob did not see the ACK): ACK again (§13.2.2.4).
		host.answer(inv, 200, "OK", { extra: BOB_CONTACT + rr, body: ANSWER });
		assert.equal(host.last().method, "ACK");
		assert.equal(host.all("ACK").length, 2);
		assert.deepEqual(host.events.slice(3), []);
		// Hang up: BYE over the route set.
		host.ua.hangup(0);
		const bye = host.last();
		assert.equal(bye.method, "BYE");
		assert.equal(bye.uri, "sip:bob@192.0.2.20:5062");
		assert.equal(bye.address, "192.0.2.30");
		assert.equal(bye.cseq, 2);
		assert.deepEqual(host.events.slice(-1), ["ended 0 local hangup 0"]);
		host.answer(bye, 200, "OK");
		assert.ok(host.settle());
	});

	it("Record-Route as separate header lines: the same reversed route set", () => {
		const host = new UaHost();
		const inv = calling(host);
		host.answer(inv, 200, "OK", { extra: BOB_CONTACT + "Record-Route: <sip:192.0.2.31;lr>\r\nRecord-Route: <sip:192.0.2.30;lr>\r\n", body: ANSWER });
		const ack = host.last();
		assert.equal(ack.address, "192.0.2.30");
		assert.deepEqual(ack.headers("Route").join(", ").split(/\s*,\s*/), ["<sip:192.0.2.30;lr>", "<sip:192.0.2.31;lr>"]);
		host.ua.hangup(0);
		host.answer(host.last(), 200, "OK");
		assert.ok(host.settle());
	});

	it("a second 200 with another To tag (a fork): ACK it and BYE that dialog; the call stays up (§13.2.2.4)", () => {
		const host = new UaHost();
		const { invite } = answered(host);
		const n = host.sent.length;
		host.answer(invite, 200, "OK", { toTag: "fork2", extra: "Contact: <sip:bob@192.0.2.21:5060>\r\n", body: ANSWER });
		const sent = host.sent.slice(n);
		assert.deepEqual(sent.map((m) => m.method), ["ACK", "BYE"]);
		for (const m of sent) {
			assert.equal(m.uri, "sip:bob@192.0.2.21:5060");
			assert.equal(m.address, "192.0.2.21");
			assert.equal(m.tag("To"), "fork2");
			assert.equal(m.header("Call-ID"), invite.header("Call-ID"));
		}
		assert.equal(sent[0].cseq, 1);
		assert.ok(sent[1].cseq > 1);
		host.answer(sent[1], 200, "OK");
		assert.deepEqual(host.events, ["progress 0 180", "answered 0"]);
		assert.equal(host.ua.media(0)!.remotePort, 49170);
		// The kept call still works.
		host.ua.hangup(0);
		const bye = host.last();
		assert.equal(bye.tag("To"), "b1");
		host.answer(bye, 200, "OK");
		assert.ok(host.settle());
	});

	it("486 → `ended rejected 486`, and the transaction ACKs it (same branch, §17.1.1.3)", () => {
		const host = new UaHost();
		const inv = calling(host);
		host.answer(inv, 180, "Ringing");
		host.answer(inv, 486, "Busy Here");
		const ack = host.last();
		assert.equal(ack.method, "ACK");
		assert.equal(ack.branch, inv.branch);
		assert.equal(ack.uri, inv.uri);
		assert.equal(ack.header("CSeq"), "1 ACK");
		assert.equal(ack.tag("To"), "b1");
		assert.deepEqual(host.events, ["progress 0 180", "ended 0 rejected 486"]);
		assert.ok(host.settle());
	});

	it("no answer at all: `ended timeout 408` after Timer B (64·T1)", () => {
		const host = new UaHost();
		calling(host);
		host.advance(64 * host.t1);
		assert.deepEqual(host.events, ["ended 0 timeout 408"]);
		assert.ok(host.settle());
	});

	it("407 → INVITE again with Proxy-Authorization and CSeq + 1 (§22.3)", () => {
		const host = new UaHost();
		const inv = calling(host);
		host.answer(inv, 407, "Proxy Authentication Required", { extra: `Proxy-Authenticate: Digest realm="pbx", nonce="4a7b", qop="auth", algorithm=MD5\r\n` });
		const ack = host.all("ACK")[0];
		assert.equal(ack.branch, inv.branch);
		const again = host.last();
		assert.equal(again.method, "INVITE");
		assert.equal(again.cseq, 2);
		assert.equal(again.header("Call-ID"), inv.header("Call-ID"));
		assert.equal(again.tag("From"), inv.tag("From"));
		assert.notEqual(again.branch, inv.branch);
		checkCredentials(again, "Proxy-Authorization", { username: "door", realm: "pbx", nonce: "4a7b", password: "secret" });
		host.answer(again, 200, "OK", { extra: BOB_CONTACT, body: ANSWER });
		assert.equal(host.last().method, "ACK");
		assert.equal(host.last().cseq, 2);
		assert.deepEqual(host.events, ["answered 0"]);
		host.ua.hangup(0);
		host.answer(host.last(), 200, "OK");
		assert.ok(host.settle());
	});

	it("407 again after credentials: `ended authentication failed 407`, no loop", () => {
		const host = new UaHost({ config: { password: "wrong" } });
		const inv = calling(host);
		const challenge = { extra: `Proxy-Authenticate: Digest realm="pbx", nonce="4a7b", qop="auth"\r\n` };
		host.answer(inv, 407, "Proxy Authentication Required", challenge);
		host.answer(host.last(), 407, "Proxy Authentication Required", challenge);
		assert.equal(host.requests("INVITE").length, 2);
		assert.deepEqual(host.events, ["ended 0 authentication failed 407"]);
		assert.ok(host.settle());
	});

	it("302 with Contact → a new INVITE to that URI (§8.1.3.4)", () => {
		const host = new UaHost();
		const inv = calling(host);
		host.answer(inv, 302, "Moved Temporarily", { extra: "Contact: <sip:bob@192.0.2.22:5080>\r\n" });
		assert.equal(host.all("ACK")[0].branch, inv.branch);
		const again = host.last();
		assert.equal(again.method, "INVITE");
		assert.equal(again.uri, "sip:bob@192.0.2.22:5080");
		assert.equal(again.address, "192.0.2.22");
		assert.equal(again.port, 5080);
		assert.ok(again.cseq > inv.cseq);
		assert.equal(again.header("Call-ID"), inv.header("Call-ID"));
		assert.deepEqual(host.events, []);
		host.answer(again, 200, "OK", { extra: "Contact: <sip:bob@192.0.2.22:5080>\r\n", body: ANSWER });
		assert.deepEqual(host.events, ["answered 0"]);
		host.ua.hangup(0);
		assert.equal(host.last().address, "192.0.2.22");
		host.answer(host.last(), 200, "OK");
		assert.ok(host.settle());
	});
});

describe("§9.1 CANCEL", () => {
	it("hangup while ringing → CANCEL (after the 1xx) → 200 (CANCEL), 487 (INVITE) → `ended cancelled 487`", () => {
		const host = new UaHost();
		const inv = calling(host);
		host.answer(inv, 180, "Ringing");
		host.ua.hangup(0);
		const cancel = host.last();
		assert.equal(cancel.method, "CANCEL");
		// §9.1: Request-URI, Call-ID, To, From and CSeq number of the INVITE; the same branch.
		assert.equal(cancel.uri, inv.uri);
		assert.equal(cancel.branch, inv.branch);
		assert.equal(cancel.header("CSeq"), "1 CANCEL");
		assert.equal(cancel.header("To"), inv.header("To"));
		assert.equal(cancel.header("From"), inv.header("From"));
		assert.equal(cancel.address, inv.address);
		host.answer(cancel, 200, "OK");
		host.answer(inv, 487, "Request Terminated");
		assert.equal(host.last().method, "ACK");
		assert.deepEqual(host.events, ["progress 0 180", "ended 0 cancelled 487"]);
		assert.ok(host.settle());
	});

	it("hangup before any provisional response: the CANCEL waits for one (§9.1)", () => {
		const host = new UaHost();
		const inv = calling(host);
		host.ua.hangup(0);
		assert.equal(host.all("CANCEL").length, 0);
		host.answer(inv, 100, "Trying");
		const cancel = host.last();
		assert.equal(cancel.method, "CANCEL");
		host.answer(cancel, 200, "OK");
		host.answer(inv, 487, "Request Terminated");
		assert.deepEqual(host.events, ["ended 0 cancelled 487"]);
		assert.ok(host.settle());
	});

	it("no final response 64·T1 after the CANCEL: the call ends and its INVITE transaction is destroyed, nothing is left (§9.1)", () => {
		const host = new UaHost();
		const inv = calling(host);
		host.answer(inv, 180, "Ringing");
		host.ua.hangup(0);
		host.answer(host.last(), 200, "OK"); // the CANCEL is answered; the INVITE never is
		host.advance(64 * host.t1 - 1);
		assert.deepEqual(host.events, ["progress 0 180"]);
		host.advance(1);
		assert.deepEqual(host.events, ["progress 0 180", "ended 0 cancelled 0"]);
		assert.ok(host.settle(), "no INVITE transaction left in Proceeding");
	});

	it("CANCEL race: the 200 arrives after the CANCEL → ACK, then BYE (§9.1, §15)", () => {
		const host = new UaHost();
		const inv = calling(host);
		host.answer(inv, 180, "Ringing", { extra: BOB_CONTACT });
		host.ua.hangup(0);
		const cancel = host.last();
		const n = host.sent.length;
		host.answer(inv, 200, "OK", { extra: BOB_CONTACT, body: ANSWER });
		assert.deepEqual(host.summaries(n), ["ACK", "BYE"]);
		const bye = host.last();
		assert.equal(bye.uri, "sip:bob@192.0.2.20:5062");
		assert.equal(bye.tag("To"), "b1");
		host.answer(cancel, 200, "OK");
		host.answer(bye, 200, "OK");
		assert.deepEqual(host.events, ["progress 0 180", "ended 0 local hangup 0"]);
		assert.ok(host.settle());
	});
});

describe("§15 BYE", () => {
	it("hangup of an active call → BYE → 200", () => {
		const host = new UaHost();
		const { invite } = answered(host);
		host.ua.hangup(0);
		const bye = host.last();
		assert.equal(bye.method, "BYE");
		assert.equal(bye.header("Call-ID"), invite.header("Call-ID"));
		assert.equal(bye.tag("From"), invite.tag("From"));
		assert.equal(bye.tag("To"), "b1");
		assert.equal(bye.cseq, invite.cseq + 1);
		host.answer(bye, 200, "OK");
		assert.deepEqual(host.events, ["progress 0 180", "answered 0", "ended 0 local hangup 0"]);
		assert.ok(host.settle());
	});

	it("a BYE challenged with 407 is sent again with credentials (§22.3)", () => {
		const host = new UaHost();
		answered(host);
		host.ua.hangup(0);
		const bye = host.last();
		host.answer(bye, 407, "Proxy Authentication Required", { extra: `Proxy-Authenticate: Digest realm="pbx", nonce="b7e", qop="auth"\r\n` });
		const again = host.last();
		assert.equal(again.method, "BYE");
		assert.equal(again.cseq, bye.cseq + 1);
		checkCredentials(again, "Proxy-Authorization", { username: "door", realm: "pbx", nonce: "b7e", password: "secret" });
		host.answer(again, 200, "OK");
		assert.ok(host.settle());
	});

	it("the peer hangs up: BYE → 200 → `ended remote hangup`", () => {
		const host = new UaHost();
		const { invite } = answered(host);
		host.receive(fromBob(host, invite, "BYE", 1));
		const ok = host.last();
		assert.equal(ok.status, 200);
		assert.deepEqual(host.events.slice(-1), ["ended 0 remote hangup 0"]);
		assert.ok(host.settle());
	});
});

describe("RFC 4028 session timers, calling side", () => {
	it("422 with Min-SE: 1000 → INVITE again with Session-Expires: 1000 and that Min-SE (§7.4)", () => {
		const host = new UaHost({ config: { sessionExpires: 600 } });
		const inv = calling(host);
		assert.equal(inv.header("Session-Expires"), "600");
		host.answer(inv, 422, "Session Interval Too Small", { extra: "Min-SE: 1000\r\n" });
		const again = host.last();
		assert.equal(again.method, "INVITE");
		assert.equal(again.cseq, inv.cseq + 1);
		assert.equal(again.header("Session-Expires"), "1000");
		// §7.4: the Min-SE of a retried request is the largest Min-SE returned in the 422s.
		assert.equal(again.header("Min-SE"), "1000");
		host.answer(again, 486, "Busy Here");
		assert.ok(host.settle());
	});

	it("2xx with Session-Expires;refresher=uac → the station re-INVITEs at half the interval; its 2xx is ACKed, retransmissions too", () => {
		const host = new UaHost();
		const { invite, ack } = answered(host, "Require: timer\r\nSession-Expires: 1800;refresher=uac\r\n");
		host.advance(900_000 - 1);
		assert.equal(host.requests("INVITE").length, 1);
		host.advance(1);
		const re = host.last();
		assert.equal(re.method, "INVITE");
		assert.equal(re.at - ack.at, 900_000);
		assert.equal(re.uri, "sip:bob@192.0.2.20:5062");
		assert.equal(re.cseq, invite.cseq + 1);
		assert.equal(re.tag("To"), "b1");
		assert.equal(re.header("Session-Expires"), "1800;refresher=uac");
		host.answer(re, 200, "OK", { extra: BOB_CONTACT + "Require: timer\r\nSession-Expires: 1800;refresher=uac\r\n", body: ANSWER });
		const reAck = host.last();
		assert.equal(reAck.method, "ACK");
		assert.equal(reAck.cseq, re.cseq);
		// The same 2xx again: ACKed again (§13.2.2.4).
		host.answer(re, 200, "OK", { extra: BOB_CONTACT + "Require: timer\r\nSession-Expires: 1800;refresher=uac\r\n", body: ANSWER });
		assert.equal(host.last().method, "ACK");
		assert.equal(host.last().cseq, re.cseq);
		assert.deepEqual(host.events, ["progress 0 180", "answered 0"]);
		// And the next refresh 900 s after.
		host.advance(900_000);
		assert.equal(host.requests("INVITE").length, 3);
		host.answer(host.last(), 200, "OK", { extra: "Session-Expires: 1800;refresher=uac\r\n", body: ANSWER });
		host.ua.hangup(0);
		host.answer(host.lastOf("BYE"), 200, "OK");
		assert.ok(host.settle());
	});

	it("2xx with refresher=uas: the station waits for bob's refresh and sends BYE when none comes", () => {
		const host = new UaHost();
		const { ack } = answered(host, "Require: timer\r\nSession-Expires: 1800;refresher=uas\r\n");
		host.advance(1800_000);
		const bye = host.requests("BYE")[0];
		assert.ok(bye !== undefined, host.ladder.join("\n"));
		assert.equal(bye.at - ack.at, (1800 - Math.min(32, 1800 / 3)) * 1000);
		assert.equal(host.requests("INVITE").length, 1);
		assert.deepEqual(host.events.slice(-1), ["ended 0 session expired 0"]);
		host.answer(bye, 200, "OK");
		assert.ok(host.settle());
	});

	it("491 to its re-INVITE → retried after 2.1–4 s (§14.1: the station owns the Call-ID)", () => {
		const host = new UaHost();
		answered(host, "Require: timer\r\nSession-Expires: 1800;refresher=uac\r\n");
		host.advance(900_000);
		const re = host.last();
		assert.equal(re.method, "INVITE");
		host.answer(re, 491, "Request Pending");
		assert.equal(host.last().method, "ACK");
		const at = host.clock.now();
		host.advance(5000);
		const retry = host.requests("INVITE")[2];
		assert.ok(retry !== undefined, host.ladder.join("\n"));
		const wait = retry.at - at;
		assert.ok(wait >= 2100 && wait <= 4000, `retried after ${wait} ms`);
		assert.equal(wait % 10, 0, "in units of 10 ms");
		assert.equal(retry.cseq, re.cseq + 1);
		host.answer(retry, 200, "OK", { extra: "Session-Expires: 1800;refresher=uac\r\n", body: ANSWER });
		host.ua.hangup(0);
		host.answer(host.lastOf("BYE"), 200, "OK");
		assert.ok(host.settle());
	});

	it("bob's re-INVITE (hold) in the station's call: 200 with the answer, `mediaChanged`", () => {
		const host = new UaHost();
		const { invite } = answered(host);
		host.receive(fromBob(host, invite, "INVITE", 1, { body: peerSdp({ direction: "sendonly", version: 2890844527 }), contentType: "application/sdp" }));
		const ok = host.last();
		assert.equal(ok.status, 200);
		assert.ok(ok.sdp("a=").includes("a=recvonly"), ok.body);
		assert.deepEqual(host.events.slice(-1), ["mediaChanged 0"]);
		host.receive(fromBob(host, invite, "ACK", 1));
		host.ua.hangup(0);
		const bye = host.last();
		assert.equal(bye.uri, "sip:bob@192.0.2.20:5062");
		host.answer(bye, 200, "OK");
		assert.ok(host.settle());
	});
});

describe("more calling cases", () => {
	it("a 200 whose answer has no codec we offered: ACK, then BYE, `ended no common codec` (RFC 3264 §6.1)", () => {
		const host = new UaHost();
		const inv = calling(host);
		const n = host.sent.length;
		host.answer(inv, 200, "OK", { extra: BOB_CONTACT, body: peerSdp({ formats: "18", rtpmaps: ["a=rtpmap:18 G729/8000"] }) });
		assert.deepEqual(host.summaries(n), ["ACK", "BYE"]);
		assert.deepEqual(host.events, ["ended 0 no common codec 0"]);
		host.answer(host.last(), 200, "OK");
		assert.ok(host.settle());
	});

	it("INFO DTMF from bob in the station's call: 200 and `digit`", () => {
		const host = new UaHost();
		const { invite } = answered(host);
		host.receive(fromBob(host, invite, "INFO", 1, { body: "Signal=9\r\nDuration=100\r\n", contentType: "application/dtmf-relay" }));
		assert.equal(host.last().status, 200);
		assert.deepEqual(host.events.slice(-1), ["digit 0 9"]);
		host.receive(fromBob(host, invite, "BYE", 2));
		assert.deepEqual(host.events.slice(-1), ["ended 0 remote hangup 0"]);
		assert.ok(host.settle());
	});

	it("no free call slot: ua.call returns -1 and sends nothing", () => {
		const host = new UaHost({ config: { maxCalls: 1 } });
		calling(host);
		const n = host.sent.length;
		assert.equal(host.ua.call(BOB), -1);
		assert.equal(host.sent.length, n);
		host.ua.hangup(0);
		host.answer(host.lastOf("INVITE"), 100, "Trying");
		host.answer(host.lastOf("CANCEL"), 200, "OK");
		host.answer(host.lastOf("INVITE"), 487, "Request Terminated");
		assert.ok(host.settle());
	});

	it("after the call, the slot is used again with a new Call-ID, tag and o= session", () => {
		const host = new UaHost();
		const first = answered(host).invite;
		host.ua.hangup(0);
		host.answer(host.last(), 200, "OK");
		assert.ok(host.settle());
		const second = calling(host);
		assert.notEqual(second.header("Call-ID"), first.header("Call-ID"));
		assert.notEqual(second.tag("From"), first.tag("From"));
		assert.equal(second.cseq, 1);
		assert.notDeepEqual(second.sdp("o="), first.sdp("o="));
		host.answer(second, 486, "Busy Here");
		assert.ok(host.settle());
	});
});

describe("RFC 4028 §10: a refresh that fails", () => {
	it("500 to the station's refresh: the call goes on, and ends with BYE when the session expires", () => {
		const host = new UaHost();
		const { ack } = answered(host, "Require: timer\r\nSession-Expires: 1800;refresher=uac\r\n");
		host.advance(900_000);
		const re = host.last();
		assert.equal(re.method, "INVITE");
		host.answer(re, 500, "Server Internal Error");
		assert.ok(!host.events.some((e) => e.startsWith("ended")));
		host.advance(900_000);
		const bye = host.requests("BYE")[0];
		assert.ok(bye !== undefined, "a BYE when the session expires");
		assert.equal(bye.at - ack.at, (1800 - Math.min(32, 1800 / 3)) * 1000);
		assert.deepEqual(host.events.slice(-1), ["ended 0 session expired 0"]);
		host.answer(bye, 200, "OK");
		assert.ok(host.settle());
	});

	it("a refresh whose 2xx has no Session-Expires turns the timer off: no more refreshes, no expiry", () => {
		const host = new UaHost();
		answered(host, "Require: timer\r\nSession-Expires: 1800;refresher=uac\r\n");
		host.advance(900_000);
		host.answer(host.last(), 200, "OK", { extra: BOB_CONTACT, body: ANSWER });
		host.advance(4 * 3600_000);
		assert.equal(host.requests("INVITE").length, 2);
		assert.equal(host.requests("BYE").length, 0);
		host.ua.hangup(0);
		host.answer(host.lastOf("BYE"), 200, "OK");
		assert.ok(host.settle());
	});

	it("408 to the station's refresh ends the call with BYE (§10, RFC 3261 §12.2.1.2)", () => {
		const host = new UaHost();
		answered(host, "Require: timer\r\nSession-Expires: 1800;refresher=uac\r\n");
		host.advance(900_000);
		host.answer(host.last(), 408, "Request Timeout");
		const bye = host.last();
		assert.equal(bye.method, "BYE");
		assert.deepEqual(host.events.slice(-1), ["ended 0 timeout 408"]);
		host.answer(bye, 200, "OK");
		assert.ok(host.settle());
	});
});
