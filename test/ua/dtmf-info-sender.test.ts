// DTMF sent in SIP INFO (RFC 6086, application/dtmf-relay) inside the dialog: Request-URI, Route, tags and CSeq as
// RFC 3261 §12.2.1.1 says, one INFO at a time (§12.2.2: a later CSeq overtaking an earlier one gets 500), a 407
// answered with credentials, nothing left for the slot's next call.
import assert from "node:assert/strict";
import { infoDigit } from "../../src/ua/dtmf-info.js";
import { SipParser } from "../../src/sip/parser.js";
import { DEFAULT_LIMITS } from "../../src/sip/limits.js";
import { encode, UaHost, peerSdp, type Msg } from "./ua-host.js";

const RR = "Record-Route: <sip:192.0.2.30;lr>\r\n";

/** alice calls, the station answers, alice ACKs: the dialog as alice sees it. */
function established(host: UaHost): { toTag: string; target: string; cseq: number } {
	host.receive(host.request("INVITE", { body: peerSdp(), extra: RR }));
	assert.ok(host.ua.answer(0));
	const ok = host.last();
	assert.equal(ok.status, 200, host.ladder.join("\n"));
	const target = /<([^>]*)>/.exec(ok.header("Contact"))![1];
	host.receive(host.request("ACK", { uri: target, toTag: ok.tag("To"), cseq: 1 }));
	return { toTag: ok.tag("To"), target, cseq: 1 };
}

/** What the station's INFO says, read by the station's own INFO reader (the receiving side of the same format). */
function digitOf(info: Msg): string {
	const parser = new SipParser(DEFAULT_LIMITS);
	const bytes = encode(info.text);
	assert.equal(parser.parse(bytes, 0, bytes.length), 0, info.text);
	return String.fromCharCode(infoDigit(parser.view));
}

describe("RFC 6086 INFO DTMF sent in a dialog (application/dtmf-relay)", () => {
	it("INFO to alice's Contact over the Record-Route, From/To tags of the dialog, Signal=5 and Duration (§12.2.1.1)", () => {
		const host = new UaHost();
		established(host);
		const from = host.sent.length;
		assert.ok(host.ua.sendInfoDigit(0, "5".charCodeAt(0)));
		const info = host.last();
		assert.deepEqual(host.summaries(from), ["INFO"]);
		assert.equal(info.uri, "sip:alice@192.0.2.20:5060");
		assert.equal(info.header("Route"), "<sip:192.0.2.30;lr>");
		assert.equal(info.address, "192.0.2.30");
		assert.equal(info.tag("From"), host.lastOf(200).tag("To"));
		assert.equal(info.tag("To"), "a1");
		assert.equal(info.header("CSeq"), "1 INFO");
		assert.equal(info.header("Content-Type"), "application/dtmf-relay");
		assert.equal(info.body, "Signal=5\r\nDuration=160\r\n");
		assert.equal(digitOf(info), "5");
	});

	it("one INFO at a time: the next digit goes when the previous one has its 200, with the next CSeq", () => {
		const host = new UaHost();
		established(host);
		const from = host.sent.length;
		for (const key of "12#") assert.ok(host.ua.sendInfoDigit(0, key.charCodeAt(0)));
		assert.deepEqual(host.summaries(from), ["INFO"]);
		const sent: string[] = [];
		for (let i = 0; i < 3; i++) {
			const info = host.lastOf("INFO");
			sent.push(`${info.header("CSeq")} ${digitOf(info)}`);
			host.answer(info, 200, "OK", { toTag: null });
		}
		assert.deepEqual(sent, ["1 INFO 1", "2 INFO 2", "3 INFO #"]);
		assert.deepEqual(host.summaries(from), ["INFO", "INFO", "INFO"]);
	});

	it("a 407 is answered with Proxy-Authorization and the same digit (§22.3); a 481 does not stop the queue", () => {
		const host = new UaHost();
		established(host);
		assert.ok(host.ua.sendInfoDigit(0, "7".charCodeAt(0)));
		assert.ok(host.ua.sendInfoDigit(0, "8".charCodeAt(0)));
		const first = host.lastOf("INFO");
		host.answer(first, 407, "Proxy Authentication Required", { toTag: null, extra: 'Proxy-Authenticate: Digest realm="example.com", nonce="abc", algorithm=MD5\r\n' });
		const again = host.lastOf("INFO");
		assert.notEqual(again.branch, first.branch);
		assert.equal(digitOf(again), "7");
		assert.equal(again.cseq, first.cseq + 1);
		assert.match(again.header("Proxy-Authorization"), /^Digest .*username="door"/);
		host.answer(again, 481, "Call/Transaction Does Not Exist", { toTag: null });
		assert.equal(digitOf(host.lastOf("INFO")), "8");
	});

	it("refuses what is not a DTMF key, and sends nothing outside a conversation or for the slot's next call", () => {
		const host = new UaHost();
		assert.equal(host.ua.sendInfoDigit(0, "5".charCodeAt(0)), false, "no call");
		const d = established(host);
		assert.equal(host.ua.sendInfoDigit(0, "x".charCodeAt(0)), false);
		assert.equal(host.ua.sendInfoDigit(7, "5".charCodeAt(0)), false, "no such slot");
		assert.ok(host.ua.sendInfoDigit(0, "1".charCodeAt(0)));
		assert.ok(host.ua.sendInfoDigit(0, "2".charCodeAt(0)));
		// alice hangs up while the first INFO waits for its answer: "2" is dropped with the call.
		host.receive(host.request("BYE", { uri: d.target, toTag: d.toTag, cseq: 2 }));
		assert.equal(host.last().status, 200);
		const from = host.sent.length;
		assert.equal(host.ua.sendInfoDigit(0, "3".charCodeAt(0)), false);
		host.advance(64 * host.t1 + 1000); // the INFO times out (Timer F)
		assert.deepEqual(host.all("INFO", from).map((m) => digitOf(m)).filter((k) => k !== "1"), []);
		assert.ok(host.settle());
	});
});
