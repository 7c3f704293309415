// Writing messages into a fixed buffer — RFC 3261 §7.1, §7.2, §7.3.1, §8.2.6.2, §20.14, §21.
import assert from "node:assert/strict";
import { Writer } from "../../src/sip/writer.js";
import { SipParser } from "../../src/sip/parser.js";
import { DEFAULT_LIMITS, limitsWith } from "../../src/sip/limits.js";
import { MessageView } from "../../src/sip/message-view.js";
import { Scanner } from "../../src/sip/scanner.js";
import { ascii, text } from "../../src/sip/bytes.js";
import { NameAddr, parseNameAddr } from "../../src/sip/name-addr.js";
import { H_CALL_ID, H_CONTACT, H_CSEQ, H_EXPIRES, H_FROM, H_MAX_FORWARDS, H_TO, H_VIA } from "../../src/sip/header-ids.js";
import { METHOD_BYTES, M_BYE, M_OPTIONS, M_REGISTER } from "../../src/sip/methods.js";
import { summarize } from "../../src/sip/summary.js";
import { MAX_DETAIL } from "../../src/sip/verdict.js";
import { bytesOf, wireOf } from "./trace.js";

const DOOR = ascii("sip:door@192.0.2.10");
const VIA = ascii("SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKd00r1");

function written(w: Writer, length = w.pos): string {
	return wireOf(w.buf, 0, length);
}

/** Frame a datagram the writer produced (scanner only: these test messages need not carry every header). */
function frameBack(w: Writer, length: number): MessageView {
	const limits = limitsWith({ maxMessageBytes: w.buf.length });
	const view = new MessageView(limits);
	const scanner = new Scanner(limits);
	assert.equal(scanner.scan(w.buf, 0, length, view), 0, scanner.verdict.describe(w.buf));
	return view;
}

/** Parse and validate a message the writer produced; fails the test if it does not parse. */
function parseBack(w: Writer, length: number): SipParser {
	const p = new SipParser(DEFAULT_LIMITS);
	const status = p.parse(w.buf, 0, length);
	assert.equal(status, 0, p.verdict.describe(w.buf));
	return p;
}

function received(wire: string): SipParser {
	const p = new SipParser(DEFAULT_LIMITS);
	const buf = bytesOf(wire);
	assert.equal(p.parse(buf, 0, buf.length), 0, p.verdict.describe(buf));
	return p;
}

const INVITE =
	"INVITE sip:door@192.0.2.10 SIP/2.0\r\n" +
	"Via: SIP/2.0/UDP proxy.example.net;branch=z9hG4bKpx1\r\n" +
	"v: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK74bf9;received=192.0.2.99\r\n" +
	"f: \"Hall\" <sip:hall@192.0.2.20>;tag=9fxced76sl\r\n" +
	"t: Door <sip:door@192.0.2.10>;x-ring=long\r\n" +
	"i: 3848276298220188511@192.0.2.20\r\n" +
	"CSeq: 314159 INVITE\r\n" +
	"Content-Length: 0\r\n\r\n";

describe("§7.1, §7.2 Start lines", () => {
	it("writes Method SP Request-URI SP SIP/2.0 CRLF (§7.1)", () => {
		const w = new Writer(200);
		w.requestLine(METHOD_BYTES[M_OPTIONS], DOOR);
		assert.equal(written(w), "OPTIONS sip:door@192.0.2.10 SIP/2.0\r\n");
	});

	it("writes a Request-URI straight from received bytes, without a string (§7.1, DESIGN.md §3)", () => {
		const p = received(INVITE);
		const w = new Writer(200);
		w.requestLine(METHOD_BYTES[M_BYE], p.view.buf, p.view.uriStart, p.view.uriEnd);
		assert.equal(written(w), "BYE sip:door@192.0.2.10 SIP/2.0\r\n");
	});

	it("writes SIP/2.0 SP Status-Code SP Reason-Phrase CRLF (§7.2)", () => {
		const w = new Writer(200);
		w.statusLine(486, ascii("Busy Here"));
		assert.equal(written(w), "SIP/2.0 486 Busy Here\r\n");
	});
});

describe("§7.3.1 Header fields", () => {
	it("writes Name: value CRLF under the canonical name (§7.3.1, §7.3.3)", () => {
		const w = new Writer(200);
		w.header(H_VIA, VIA).header(H_CALL_ID, ascii("xx1@192.0.2.10")).headerUint(H_EXPIRES, 3600);
		assert.equal(written(w), "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKd00r1\r\nCall-ID: xx1@192.0.2.10\r\nExpires: 3600\r\n");
	});

	it("writes a part of a buffer as a value (§7.3.1)", () => {
		const w = new Writer(200);
		const value = ascii("<<sip:door@192.0.2.10>>");
		w.header(H_CONTACT, value, 1, value.length - 1);
		assert.equal(written(w), "Contact: <sip:door@192.0.2.10>\r\n");
	});

	it("writes numbers digit by digit: 0, 9, 10, 2^31 - 1, 2^32 (§20.16, §20.22)", () => {
		const w = new Writer(200);
		for (const n of [0, 9, 10, 2147483647, 4294967296]) w.uint(n).byte(0x20);
		assert.equal(written(w), "0 9 10 2147483647 4294967296 ");
	});

	it("copies an unknown header under the name it was received with (§7.3.1: unknown headers are carried)", () => {
		const p = received(INVITE.replace("CSeq:", "X-Door-Id: front-1\r\nCSeq:"));
		const w = new Writer(200);
		w.copyField(p.view, p.view.findByName(ascii("x-door-id")));
		assert.equal(written(w), "X-Door-Id: front-1\r\n");
	});

	it("copies each received value as its own line, in order: a list becomes several lines (§7.3.1 equivalence)", () => {
		const p = received(INVITE);
		const w = new Writer(400);
		w.copyHeader(p.view, H_VIA).copyHeader(p.view, H_TO);
		assert.equal(written(w),
			"Via: SIP/2.0/UDP proxy.example.net;branch=z9hG4bKpx1\r\n" +
			"Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK74bf9;received=192.0.2.99\r\n" +
			"To: Door <sip:door@192.0.2.10>;x-ring=long\r\n");
	});
});

describe("§20.14 Content-Length", () => {
	function requestWithBody(w: Writer, n: number): number {
		w.reset().requestLine(METHOD_BYTES[M_OPTIONS], DOOR).header(H_VIA, VIA).endHeaders();
		for (let i = 0; i < n; i++) w.byte(0x30 + (i % 10));
		return w.finish();
	}

	it("fills in Content-Length and closes up the reserved digits: 0, 9, 10, 150 octets (§20.14)", () => {
		const w = new Writer(1500);
		const head = "OPTIONS sip:door@192.0.2.10 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKd00r1\r\n";
		for (const n of [0, 9, 10, 150]) {
			const length = requestWithBody(w, n);
			let body = "";
			for (let i = 0; i < n; i++) body += String.fromCharCode(0x30 + (i % 10));
			assert.equal(written(w, length), head + `Content-Length: ${n}\r\n\r\n` + body, String(n));
			assert.equal(length, w.pos);
		}
	});

	it("writes the exact body length for every size that fits, and the message parses back (§20.14, §18.3)", () => {
		const w = new Writer(1500);
		// While the body is written the Content-Length keeps its reserved 4 digits; finish() closes them up.
		const room = 1500 - requestWithBody(w, 0) - 3;
		for (let n = 0; n <= 1500; n++) {
			const length = requestWithBody(w, n);
			if (n > room) {
				assert.equal(length, -1, String(n));
				continue;
			}
			assert.notEqual(length, -1, String(n));
			const view = frameBack(w, length);
			assert.deepEqual([view.contentLength, view.bodyEnd - view.bodyStart, view.end], [n, n, length], String(n));
		}
	});

	it("reserves as many digits as the buffer's size needs (§20.14)", () => {
		const w = new Writer(100000);
		const length = requestWithBody(w, 12345);
		assert.equal(frameBack(w, length).contentLength, 12345);
		const empty = requestWithBody(w, 0);
		assert.ok(written(w, empty).endsWith("\r\nContent-Length: 0\r\n\r\n"));
	});

	it("refuses to finish a message whose header section was never closed (§7: no Content-Length, no message)", () => {
		const w = new Writer(200);
		w.requestLine(METHOD_BYTES[M_OPTIONS], DOOR);
		assert.equal(w.finish(), -1);
	});
});

describe("§8.2.6.2 Headers of a response", () => {
	it("copies Via (all, in order), From, To, Call-ID and CSeq, under canonical names (§8.2.6.2)", () => {
		const p = received(INVITE);
		const w = new Writer(1500);
		const length = w.statusLine(100, ascii("Trying")).responseHeaders(p.view).endHeaders().finish();
		assert.equal(written(w, length),
			"SIP/2.0 100 Trying\r\n" +
			"Via: SIP/2.0/UDP proxy.example.net;branch=z9hG4bKpx1\r\n" +
			"Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK74bf9;received=192.0.2.99\r\n" +
			"From: \"Hall\" <sip:hall@192.0.2.20>;tag=9fxced76sl\r\n" +
			"To: Door <sip:door@192.0.2.10>;x-ring=long\r\n" +
			"Call-ID: 3848276298220188511@192.0.2.20\r\n" +
			"CSeq: 314159 INVITE\r\n" +
			"Content-Length: 0\r\n\r\n");
	});

	it("adds the To tag after the To's own parameters when the request has none (§8.2.6.2)", () => {
		const p = received(INVITE);
		const w = new Writer(1500);
		const length = w.statusLine(180, ascii("Ringing")).responseHeaders(p.view, ascii("d00r-1")).endHeaders().finish();
		const reply = parseBack(w, length);
		const to = reply.view.headerText(H_TO);
		assert.equal(to, "Door <sip:door@192.0.2.10>;x-ring=long;tag=d00r-1");
		const n = new NameAddr();
		assert.equal(parseNameAddr(reply.view.buf, reply.view.valueStart(reply.view.find(H_TO)), reply.view.valueEnd(reply.view.find(H_TO)), n), true);
		assert.equal(text(n.uri.buf, n.tag.start, n.tag.end), "d00r-1");
	});

	it("adds the tag to an addr-spec To, where it is a header parameter (§20.10, §8.2.6.2)", () => {
		const p = received(INVITE.replace("t: Door <sip:door@192.0.2.10>;x-ring=long", "To: sip:door@192.0.2.10"));
		const w = new Writer(1500);
		w.statusLine(200, ascii("OK")).responseHeaders(p.view, ascii("abc"));
		assert.ok(written(w).includes("\r\nTo: sip:door@192.0.2.10;tag=abc\r\nCall-ID:"));
	});

	it("keeps the To tag of an in-dialog request (§8.2.6.2: only a To without a tag gets one)", () => {
		const p = received(INVITE.replace(";x-ring=long", ";tag=first"));
		const w = new Writer(1500);
		w.statusLine(200, ascii("OK")).responseHeaders(p.view, ascii("second"));
		assert.ok(written(w).includes("\r\nTo: Door <sip:door@192.0.2.10>;tag=first\r\n"));
		assert.ok(!written(w).includes("second"));
	});

	it("answers with the same summary fields the request carried (§8.2.6.2, §17.1.3 matching)", () => {
		const p = received(INVITE);
		const request = summarize(p.view);
		const w = new Writer(1500);
		const length = w.statusLine(486, ascii("Busy Here")).responseHeaders(p.view, ascii("t1")).endHeaders().finish();
		const reply = summarize(parseBack(w, length).view);
		assert.deepEqual([reply.via, reply.callId, reply.cseq], [request.via, request.callId, request.cseq]);
		assert.deepEqual([reply.kind, reply.status, reply.reason], ["response", 486, "Busy Here"]);
	});
});

describe("Overflow: a fixed buffer, never a throw, never a growth (DESIGN.md §3)", () => {
	it("returns -1 from finish() when anything did not fit, and writes nothing past the end (DESIGN.md §3)", () => {
		for (let capacity = 1; capacity < 120; capacity++) {
			const w = new Writer(capacity);
			w.requestLine(METHOD_BYTES[M_REGISTER], DOOR).header(H_FROM, ascii("<sip:door@192.0.2.10>;tag=1")).headerUint(H_MAX_FORWARDS, 70).endHeaders();
			const length = w.finish();
			assert.ok(w.pos <= capacity, String(capacity));
			if (length === -1) assert.equal(w.overflow, true, String(capacity));
			else assert.equal(frameBack(w, length).end, length, String(capacity));
		}
	});

	it("stays failed after an overflow until reset(), even when later writes would fit (DESIGN.md §3)", () => {
		const w = new Writer(40);
		w.requestLine(METHOD_BYTES[M_OPTIONS], DOOR).header(H_CSEQ, ascii("1 OPTIONS but much too long for forty"));
		assert.equal(w.overflow, true);
		w.endHeaders();
		assert.equal(w.finish(), -1);
		w.reset().statusLine(200, ascii("OK")).endHeaders();
		assert.equal(w.finish(), "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n".length);
	});
});

describe("§8.2, §21.4 Status-Line for a verdict", () => {
	function statusLineFor(wire: string): string {
		const p = new SipParser(DEFAULT_LIMITS);
		const buf = bytesOf(wire);
		assert.notEqual(p.parse(buf, 0, buf.length), 0);
		const w = new Writer(200);
		w.statusLineFor(p.verdict, buf);
		return written(w);
	}
	const DIALOG =
		"Via: SIP/2.0/UDP 192.0.2.20;branch=z9hG4bK1\r\nFrom: <sip:hall@192.0.2.20>;tag=1\r\nTo: <sip:door@192.0.2.10>\r\nCall-ID: 1@192.0.2.20\r\n";

	it("names the fault and the other side of a disagreement (§8.2: 400 with a reason naming the fault)", () => {
		assert.equal(statusLineFor("ACK sip:door@192.0.2.10 SIP/2.0\r\n" + DIALOG + "CSeq: 1 INVITE\r\n\r\n"), "SIP/2.0 400 Bad CSeq: method INVITE != ACK\r\n");
	});

	it("writes 505 with the version received (§21.5.6)", () => {
		assert.equal(statusLineFor("OPTIONS sip:door@192.0.2.10 SIP/3.0\r\n" + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n"), "SIP/2.0 505 Version Not Supported: SIP/3.0\r\n");
	});

	it("writes '?' for control and non-ASCII octets and cuts the fault at MAX_DETAIL octets (§25.1 Reason-Phrase = TEXT-UTF8, no CTLs)", () => {
		const line = statusLineFor("OPTIONS sip:door@192.0.2.10 SIP/2.0\r\n" + DIALOG.replace("1@192.0.2.20", "\xE2\x82\xAC \x1b" + "9".repeat(60)) + "CSeq: 1 OPTIONS\r\n\r\n");
		assert.equal(line, "SIP/2.0 400 Bad Call-ID: ??? ?" + "9".repeat(MAX_DETAIL - 5) + "\r\n");
	});
});
