// Framing SIP messages on a byte stream — RFC 3261 §7.5, §18.3; RFC 5626 §3.5.1 (CRLF keep-alives).
import assert from "node:assert/strict";
import { FRAME_ERROR, FRAME_MESSAGE, FRAME_NEED_MORE, FRAME_PING, FRAME_PONG, StreamFramer } from "../../src/sip/stream-framer.js";
import { MessageView } from "../../src/sip/message-view.js";
import { DEFAULT_LIMITS, limitsWith, type Limits } from "../../src/sip/limits.js";
import { Validator } from "../../src/sip/validate.js";
import { summarize } from "../../src/sip/summary.js";
import { bytesOf, wireOf } from "./trace.js";

const DIALOG =
	"Via: SIP/2.0/TCP 192.0.2.20:5060;branch=z9hG4bK74bf9\r\n" +
	"From: \"Hall\" <sip:hall@192.0.2.20>;tag=9fxced76sl\r\n" +
	"To: <sip:door@192.0.2.10>\r\n" +
	"Call-ID: 3848276298220188511@192.0.2.20\r\n";
const OPTIONS = "OPTIONS sip:door@192.0.2.10 SIP/2.0\r\n" + DIALOG + "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
/** A body that itself holds CRLFCRLF: only Content-Length can frame it. */
const INFO = "INFO sip:door@192.0.2.10 SIP/2.0\r\n" + DIALOG + "CSeq: 2 INFO\r\nContent-Type: text/plain\r\nl: 12\r\n\r\nopen\r\n\r\ndoor";
const OK = "SIP/2.0 200 OK\r\n" + DIALOG.replace("To: <sip:door@192.0.2.10>", "To: <sip:door@192.0.2.10>;tag=d1") + "CSeq: 2 INFO\r\nContent-Length: 4\r\n\r\ndone";
const LF_ONLY = OPTIONS.replace(/\r\n/g, "\n").replace("CSeq: 1", "CSeq: 3");

/** Push the chunks in order, calling next() until it needs more; one line per event. */
function drive(chunks: Uint8Array[], limits: Limits = DEFAULT_LIMITS, framer = new StreamFramer(limits)): string[] {
	const view = new MessageView(limits);
	const validator = new Validator();
	const events: string[] = [];
	for (const chunk of chunks) {
		let at = 0;
		do {
			at += framer.push(chunk, at, chunk.length);
			for (;;) {
				const r = framer.next(view);
				if (r === FRAME_NEED_MORE) break;
				if (r === FRAME_MESSAGE) {
					const status = validator.check(view, framer.scanner.verdict);
					const s = summarize(view);
					events.push(`message ${s.method ?? s.status} cseq=${s.cseq?.number} body=${JSON.stringify(wireOf(view.buf, view.bodyStart, view.bodyEnd))} valid=${status === 0}`);
				} else if (r === FRAME_PING) events.push("ping");
				else if (r === FRAME_PONG) events.push("pong");
				else {
					events.push(`error ${framer.scanner.verdict.status} ${framer.scanner.verdict.reason}`);
					return events;
				}
			}
		} while (at < chunk.length);
	}
	return events;
}

function splits(wire: string): Uint8Array[][] {
	const all = bytesOf(wire);
	const out: Uint8Array[][] = [];
	for (let k = 1; k < all.length; k++) out.push([all.subarray(0, k), all.subarray(k)]);
	return out;
}
function bytewise(wire: string): Uint8Array[] {
	const all = bytesOf(wire);
	const out: Uint8Array[] = [];
	for (let i = 0; i < all.length; i++) out.push(all.subarray(i, i + 1));
	return out;
}

const OPTIONS_EVENT = `message OPTIONS cseq=1 body="" valid=true`;
const INFO_EVENT = `message INFO cseq=2 body="open\\r\\n\\r\\ndoor" valid=true`;
const OK_EVENT = `message 200 cseq=2 body="done" valid=true`;
const LF_EVENT = `message OPTIONS cseq=3 body="" valid=true`;

describe("§18.3 Framing messages on a stream", () => {
	it("hands out a message pushed whole, its body framed by Content-Length (§18.3)", () => {
		assert.deepEqual(drive([bytesOf(INFO)]), [INFO_EVENT]);
	});

	it("hands out several messages from one push, in order (§18.3)", () => {
		const framer = new StreamFramer(DEFAULT_LIMITS);
		assert.deepEqual(drive([bytesOf(OPTIONS + INFO + OK + LF_ONLY)], DEFAULT_LIMITS, framer), [OPTIONS_EVENT, INFO_EVENT, OK_EVENT, LF_EVENT]);
		assert.equal(framer.pending, 0);
	});

	it("gives the same messages for every split of the stream into two pushes (§18.3)", () => {
		const wire = OPTIONS + INFO + OK + LF_ONLY;
		const expected = [OPTIONS_EVENT, INFO_EVENT, OK_EVENT, LF_EVENT];
		for (const [k, chunks] of splits(wire).entries()) assert.deepEqual(drive(chunks), expected, `split after ${k + 1} bytes`);
	});

	it("gives the same messages when the stream arrives one byte at a time (§18.3)", () => {
		assert.deepEqual(drive(bytewise(OPTIONS + INFO + OK + LF_ONLY)), [OPTIONS_EVENT, INFO_EVENT, OK_EVENT, LF_EVENT]);
	});

	it("waits for a body that has not arrived, keeping what it has (§18.3; RFC 4475 §3.1.2.2)", () => {
		const framer = new StreamFramer(DEFAULT_LIMITS);
		const view = new MessageView(DEFAULT_LIMITS);
		const all = bytesOf(INFO);
		framer.push(all, 0, all.length - 3);
		assert.equal(framer.next(view), FRAME_NEED_MORE);
		assert.equal(framer.next(view), FRAME_NEED_MORE);
		assert.equal(framer.pending, all.length - 3);
		framer.push(all, all.length - 3, all.length);
		assert.equal(framer.next(view), FRAME_MESSAGE);
		assert.equal(wireOf(view.buf, view.bodyStart, view.bodyEnd), "open\r\n\r\ndoor");
	});

	it("keeps the octets after a message for the next one (§18.3)", () => {
		const framer = new StreamFramer(DEFAULT_LIMITS);
		const view = new MessageView(DEFAULT_LIMITS);
		const all = bytesOf(OPTIONS + "INFO sip:door");
		framer.push(all, 0, all.length);
		assert.equal(framer.next(view), FRAME_MESSAGE);
		assert.equal(framer.next(view), FRAME_NEED_MORE);
		assert.equal(framer.pending, "INFO sip:door".length);
	});

	it("takes what fits in its fixed buffer and the rest once messages are handed out (DESIGN.md §3)", () => {
		const limits = limitsWith({ maxMessageBytes: 400 });
		const framer = new StreamFramer(limits);
		const all = bytesOf(OPTIONS + OPTIONS + OPTIONS);
		assert.equal(framer.push(all, 0, all.length), 400);
		assert.deepEqual(drive([all], limits), [OPTIONS_EVENT, OPTIONS_EVENT, OPTIONS_EVENT]);
	});
});

describe("RFC 5626 §3.5.1 CRLF keep-alives", () => {
	it("reads CRLF CRLF as a ping (RFC 5626 §3.5.1)", () => {
		assert.deepEqual(drive([bytesOf("\r\n\r\n")]), ["ping"]);
	});

	it("reads a lone CRLF as a pong (RFC 5626 §3.5.1)", () => {
		assert.deepEqual(drive([bytesOf("\r\n")]), ["pong"]);
	});

	it("reads keep-alives between messages without disturbing them (§7.5, RFC 5626 §3.5.1)", () => {
		assert.deepEqual(drive([bytesOf("\r\n\r\n" + OPTIONS + "\r\n" + INFO + "\r\n\r\n")]), ["ping", OPTIONS_EVENT, "pong", INFO_EVENT, "ping"]);
	});

	it("recognises a ping split after its first or third octet (RFC 5626 §3.5.1)", () => {
		assert.deepEqual(drive([bytesOf("\r"), bytesOf("\n\r\n")]), ["ping"]);
		assert.deepEqual(drive([bytesOf("\r\n\r"), bytesOf("\n")]), ["ping"]);
	});

	it("waits after a lone CR for the LF that completes it (§7.5, RFC 5626 §3.5.1)", () => {
		const framer = new StreamFramer(DEFAULT_LIMITS);
		const view = new MessageView(DEFAULT_LIMITS);
		framer.push(bytesOf("\r"), 0, 1);
		assert.equal(framer.next(view), FRAME_NEED_MORE);
		assert.equal(framer.failed, false);
	});

	it("takes a bare LF before a message as a pong (§7.5, liberal receiving)", () => {
		assert.deepEqual(drive([bytesOf("\n" + OPTIONS)]), ["pong", OPTIONS_EVENT]);
	});

	it("fails on a CR followed by anything but LF (§7.5)", () => {
		assert.deepEqual(drive([bytesOf("\rOPTIONS")]), ["error 400 Bad line end: bare CR"]);
	});

	it("fails on CRLF CR followed by anything but LF instead of waiting forever (§7.5, RFC 5626 §3.5.1)", () => {
		assert.deepEqual(drive([bytesOf("\r\n\r" + OPTIONS)]), ["error 400 Bad line end: bare CR"]);
		assert.deepEqual(drive([bytesOf("\r\n\r"), bytesOf("x")]), ["error 400 Bad line end: bare CR"]);
	});
});

describe("§18.3 Errors: a stream cannot be resynchronised", () => {
	it("fails on a message without Content-Length (§18.3, §20.14: mandatory on streams)", () => {
		const noLength = OPTIONS.replace("Content-Length: 0\r\n", "");
		assert.deepEqual(drive([bytesOf(noLength)]), ["error 400 Missing Content-Length on a stream"]);
	});

	it("fails with 513 when the header section does not end within maxMessageBytes (§18.3, DESIGN.md §3)", () => {
		const limits = limitsWith({ maxMessageBytes: 256 });
		const big = "OPTIONS sip:door@192.0.2.10 SIP/2.0\r\n" + DIALOG + "Subject: " + "ding ".repeat(100) + "\r\nContent-Length: 0\r\n\r\n";
		assert.deepEqual(drive([bytesOf(big)], limits), ["error 513 Message Too Large"]);
		assert.deepEqual(drive(bytewise(big), limits), ["error 513 Message Too Large"]);
	});

	it("fails with 513 at once when Content-Length reaches past maxMessageBytes (§18.3, DESIGN.md §3)", () => {
		const limits = limitsWith({ maxMessageBytes: 400 });
		assert.deepEqual(drive([bytesOf(OPTIONS.replace("Content-Length: 0", "Content-Length: 5000") + "ding")], limits), ["error 513 Message Too Large"]);
	});

	it("fails on a malformed message with the scanner's verdict (§7.3.1)", () => {
		assert.deepEqual(drive([bytesOf(OPTIONS.replace("To:", "To"))]), ["error 400 Bad header line: "]);
	});

	it("stays failed until reset(), then frames again from an empty buffer (§18.3: the transport closes the connection)", () => {
		const framer = new StreamFramer(DEFAULT_LIMITS);
		const view = new MessageView(DEFAULT_LIMITS);
		const bad = bytesOf(OPTIONS.replace("Content-Length: 0\r\n", ""));
		const good = bytesOf(OPTIONS);
		framer.push(bad, 0, bad.length);
		assert.equal(framer.next(view), FRAME_ERROR);
		framer.push(good, 0, good.length);
		assert.equal(framer.next(view), FRAME_ERROR);
		assert.equal(framer.next(view), FRAME_ERROR);
		assert.equal(framer.failed, true);
		framer.reset();
		assert.deepEqual([framer.failed, framer.pending, framer.scanner.verdict.status], [false, 0, 0]);
		framer.push(good, 0, good.length);
		assert.equal(framer.next(view), FRAME_MESSAGE);
		assert.equal(summarize(view).cseq?.number, 1);
	});
});
