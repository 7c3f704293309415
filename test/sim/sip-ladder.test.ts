// The web panel's SIP ladder (hosts/sim/sip-ladder.ts): one arrow per message from the trace hooks of both stations,
// each message once, the first line and CSeq of each, and no key of a door code in a DTMF INFO's body.
import assert from "node:assert/strict";
import { hideDtmf, SipLadder } from "../../hosts/sim/sip-ladder.js";
import { TCP, UDP } from "../../src/transaction/transaction-table.js";
import type { LadderEntry } from "../../hosts/sim/panel/protocol.js";

const bytes = (s: string) => Uint8Array.from(Buffer.from(s, "latin1"));

function message(first: string, cseq: string, extra = "", body = ""): string {
	return `${first}\r\nVia: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK1\r\nFrom: <sip:flat@127.0.0.1>;tag=1\r\nTo: <sip:door@127.0.0.1>;tag=2\r\n` +
		`Call-ID: c1\r\nCSeq: ${cseq}\r\nMax-Forwards: 70\r\n${extra}Content-Length: ${body.length}\r\n\r\n${body}`;
}
const INFO = message("INFO sip:door@127.0.0.1:5070 SIP/2.0", "3 INFO", "Content-Type: application/dtmf-relay\r\n", "Signal=5\r\nDuration=160\r\n");

describe("the web panel's SIP ladder", () => {
	it("takes a message between the two stations once, from the door station's trace; others from either", () => {
		const ladder = new SipLadder(), seen: LadderEntry[] = [];
		ladder.onEntry((e) => seen.push(e));
		const door = ladder.tracer("127.0.0.1:5070"), flat = ladder.tracer("127.0.0.1:5090", ["127.0.0.1:5070"]);
		const invite = bytes(message("INVITE sip:flat@127.0.0.1:5090 SIP/2.0", "1 INVITE"));
		door(true, invite, 0, invite.length, UDP, "127.0.0.1", 5090);
		flat(false, invite, 0, invite.length, UDP, "127.0.0.1", 5070);
		const ringing = bytes(message("SIP/2.0 180 Ringing", "1 INVITE"));
		flat(true, ringing, 0, ringing.length, UDP, "127.0.0.1", 5070);
		door(false, ringing, 0, ringing.length, UDP, "127.0.0.1", 5090);
		const register = bytes(message("REGISTER sip:192.0.2.1 SIP/2.0", "7 REGISTER"));
		door(true, register, 0, register.length, TCP, "192.0.2.1", 5060);
		door(false, bytes("\r\n\r\n"), 0, 4, TCP, "192.0.2.1", 5060);
		assert.deepEqual(seen.map((e) => `${e.label} ${e.from} → ${e.to} (${e.cseq}) ${e.transport}`), [
			"INVITE 127.0.0.1:5070 → 127.0.0.1:5090 (1 INVITE) UDP",
			"180 Ringing 127.0.0.1:5090 → 127.0.0.1:5070 (1 INVITE) UDP",
			"REGISTER 127.0.0.1:5070 → 192.0.2.1:5060 (7 REGISTER) TCP",
		]);
		assert.deepEqual(ladder.entries(), seen);
		assert.equal(seen[0].callId, "c1");
		assert.ok(seen[0].text.startsWith("INVITE sip:flat@127.0.0.1:5090 SIP/2.0\r\n"));
	});

	it("hides the body of a DTMF INFO (it may be a key of a door code), keeps its headers; other bodies are shown", () => {
		const ladder = new SipLadder();
		const info = bytes(INFO);
		ladder.tracer("127.0.0.1:5070")(false, info, 0, info.length, UDP, "127.0.0.1", 5090);
		const text = ladder.entries()[0].text;
		assert.doesNotMatch(text, /Signal/);
		assert.match(text, /^Content-Type: application\/dtmf-relay$/m);
		assert.match(text, /\r\n\r\n\(DTMF key hidden/);
		assert.match(hideDtmf(INFO.replace("application/dtmf-relay", "application/dtmf").replace("Signal=5\r\nDuration=160\r\n", "5")), /hidden/);
		const sdp = message("INVITE sip:a@b SIP/2.0", "1 INVITE", "Content-Type: application/sdp\r\n", "v=0\r\n");
		assert.equal(hideDtmf(sdp), sdp);
	});

	it("names an unparsable message by its size rather than dropping it", () => {
		const ladder = new SipLadder(), junk = bytes("HELLO\r\n\r\n");
		ladder.tracer("127.0.0.1:5070")(false, junk, 0, junk.length, UDP, "192.0.2.9", 5060);
		assert.equal(ladder.entries()[0].label, "(unparsable, 9 bytes)");
	});
});
