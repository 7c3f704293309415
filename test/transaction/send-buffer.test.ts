// What a transaction keeps is what it sends: `maxSendBytes` (src/transaction/config.ts) bounds the station's own
// requests and its responses — DESIGN.md §3 (sized once; a message beyond a size is a verdict, never a growth),
// RFC 3261 §21.5.1 (500 when the server cannot answer as it meant to), §17.2.1 / §17.2.2 (the transaction still ends).
import assert from "node:assert/strict";
import { DEFAULT_LIMITS, limitsWith } from "../../src/sip/limits.js";
import { M_OPTIONS } from "../../src/sip/methods.js";
import { RESPONSE_MARGIN, transactionConfig } from "../../src/transaction/config.js";
import { COMPLETED } from "../../src/transaction/transaction-table.js";
import { VirtualHost, headerOf, headersOf, inbound } from "./virtual-host.js";

const HEAD = 512;
const INVITE = inbound("INVITE", { lowerVias: ["SIP/2.0/UDP proxy.example.com:5060;branch=z9hG4bKp1"] });

/** The server transaction's answer: a 200 with `body` bytes of body; what `sendResponse` said. */
function answerWithBody(host: VirtualHost, tx: number, body: number): boolean {
	const w = host.layer.respond(tx, 200, new TextEncoder().encode("OK"), new TextEncoder().encode("st4t"))!;
	w.endHeaders().ascii("x".repeat(body));
	return host.layer.sendResponse(tx);
}

/** The length of that 200 when nothing limits it (the reference for the boundary). */
function lengthWithBody(wire: string, body: number): number {
	const host = new VirtualHost({ config: { maxHeadBytes: HEAD } });
	host.receive(wire);
	assert.ok(answerWithBody(host, host.serverTxs[0], body));
	return host.sent[0].text.length;
}

describe("maxSendBytes: the size of what a transaction sends and keeps (DESIGN.md §3)", () => {
	it("is the message size unless configured, and must hold a head and a 500 made of it", () => {
		assert.equal(transactionConfig(DEFAULT_LIMITS).maxSendBytes, DEFAULT_LIMITS.maxMessageBytes);
		assert.equal(transactionConfig(limitsWith({ maxMessageBytes: 4096 })).maxSendBytes, 4096);
		assert.equal(transactionConfig(DEFAULT_LIMITS, { maxHeadBytes: HEAD, maxSendBytes: HEAD + RESPONSE_MARGIN }).maxSendBytes, HEAD + RESPONSE_MARGIN);
		assert.throws(() => transactionConfig(DEFAULT_LIMITS, { maxHeadBytes: HEAD, maxSendBytes: HEAD + RESPONSE_MARGIN - 1 }),
			{ name: "RangeError", message: `maxSendBytes: at least maxHeadBytes + ${RESPONSE_MARGIN} (${HEAD + RESPONSE_MARGIN}), got ${HEAD + RESPONSE_MARGIN - 1}` });
	});

	it("sends a response that fits to the byte as written; one byte more goes out as a 500 from the head, and the non-INVITE transaction completes (§21.5.1, §17.2.2)", () => {
		const wire = inbound("OPTIONS");
		// The writer reserves as many Content-Length digits as its capacity has: as many as the body's length here.
		const size = lengthWithBody(wire, 700);
		assert.equal(String(size).length, 3);
		const host = new VirtualHost({ config: { maxHeadBytes: HEAD, maxSendBytes: size } });
		host.receive(wire);
		assert.ok(answerWithBody(host, host.serverTxs[0], 700), "a 200 of the largest size sent");
		assert.equal(host.sent[0].text.length, size);
		assert.equal(host.sent[0].text.split("\r\n")[0], "SIP/2.0 200 OK");

		host.receive(wire.replace("z9hG4bKpeer1", "z9hG4bKpeer2").replace("in-1@", "in-2@"));
		const tx = host.serverTxs[1];
		assert.equal(answerWithBody(host, tx, 701), false, "the 200 was not sent");
		const r = host.sent[1].text;
		assert.equal(r.split("\r\n")[0], "SIP/2.0 500 Server Internal Error: response too large");
		assert.deepEqual(headersOf(r, "Via"), headersOf(host.sent[0].text, "Via").map((v) => v.replace("peer1", "peer2")), "the Via a 200 would carry");
		assert.equal(headerOf(r, "From"), "<sip:alice@192.0.2.20>;tag=a1");
		assert.equal(headerOf(r, "To"), "<sip:door@192.0.2.10>;tag=st4t");
		assert.equal(headerOf(r, "Call-ID"), "in-2@192.0.2.20");
		assert.equal(headerOf(r, "CSeq"), "1 OPTIONS");
		assert.ok(r.endsWith("Content-Length: 0\r\n\r\n"), r);
		assert.equal(host.layer.stateOf(tx), COMPLETED);
		// §17.2.2: a retransmission of the request gets the stored 500.
		host.receive(wire.replace("z9hG4bKpeer1", "z9hG4bKpeer2").replace("in-1@", "in-2@"));
		assert.equal(host.sent[2].text, r);
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("answers an INVITE whose 200 does not fit with a 500, retransmitted until the ACK (§21.5.1, §17.2.1)", () => {
		const host = new VirtualHost({ config: { maxHeadBytes: HEAD, maxSendBytes: HEAD + RESPONSE_MARGIN } });
		host.receive(INVITE);
		const tx = host.serverTxs[0];
		assert.equal(answerWithBody(host, tx, HEAD), false);
		const r = host.sent[0].text;
		assert.equal(r.split("\r\n")[0], "SIP/2.0 500 Server Internal Error: response too large");
		assert.equal(headersOf(r, "Via").length, 2, "the whole Via stack (§8.2.6.2)");
		assert.equal(headerOf(r, "To"), "<sip:door@192.0.2.10>;tag=st4t");
		assert.equal(host.layer.stateOf(tx), COMPLETED);
		host.advance(500); // Timer G
		assert.equal(host.sent[1].text, r);
		host.receive(inbound("ACK", { toTag: "st4t", lowerVias: ["SIP/2.0/UDP proxy.example.com:5060;branch=z9hG4bKp1"] }));
		host.advance(4000);
		assert.equal(host.sent.length, 2, "no 500 after the ACK");
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("does not send a request larger than maxSendBytes: the sender hears false, the slot is free, the transport's last failure says why (§18.1.1)", () => {
		const reference = new VirtualHost();
		reference.sendRequest(M_OPTIONS, "OPTIONS", { body: "x".repeat(700) });
		const size = reference.sent[0].text.length;
		assert.equal(String(size).length, 3, "as many Content-Length digits reserved as the body's length has");
		const host = new VirtualHost({ config: { maxHeadBytes: HEAD, maxSendBytes: size } });
		assert.ok(host.sendRequest(M_OPTIONS, "OPTIONS", { body: "x".repeat(700) }) >= 0, "the largest request is sent");
		assert.equal(host.sent[0].text.length, size);
		assert.equal(host.sendRequest(M_OPTIONS, "OPTIONS", { body: "x".repeat(701) }), -1);
		assert.equal(host.sent.length, 1, "nothing more on the wire");
		assert.equal(host.layer.transportFailed, false);
		assert.equal(host.transport.lastFailure, `OPTIONS larger than the ${size}-byte send buffer (maxSendBytes)`);
		assert.equal(host.layer.active, 1, "only the first OPTIONS is live");
		assert.equal(host.settle(), "active=0 timers=0");
	});
});
