// Byte spans: numbers without wrapping, case-insensitive compares, UTF-8 text — RFC 3261 §25.1, RFC 3629, RFC 4475 §3.1.2.4.
import assert from "node:assert/strict";
import { ascii, equalsIgnoreCase, hex32Into, hexInto, parseDecimal, skipLws, spansEqualIgnoreCase, text, trimLwsEnd } from "../../src/sip/bytes.js";
import { SipParser } from "../../src/sip/parser.js";
import { BranchMaker } from "../../src/sip/via.js";
import { DEFAULT_LIMITS } from "../../src/sip/limits.js";
import { summarize, summarizeVerdict } from "../../src/sip/summary.js";
import { bytesOf } from "./trace.js";

function utf8(...bytes: number[]): string {
	return text(new Uint8Array(bytes), 0, bytes.length);
}

describe("§25.1 Numbers (1*DIGIT) without wrapping", () => {
	it("reads decimal digits up to a maximum, leading zeros included (§25.1)", () => {
		const b = ascii("0000655352147483647");
		assert.equal(parseDecimal(b, 0, 9, 65535), 65535);
		assert.equal(parseDecimal(b, 9, b.length, 0x7fffffff), 2147483647);
	});

	it("answers -1 for an empty span, a non-digit or a value above the maximum, never a wrapped value (RFC 4475 §3.1.2.4)", () => {
		for (const s of ["", "-1", "+1", "1 ", "1a", "65536", "4294967296", "18446744073709551621", "99999999999999999999999999"]) {
			const b = ascii(s);
			assert.equal(parseDecimal(b, 0, b.length, 65535), -1, s);
		}
	});
});

describe("§25.1 LHEX: tags, branches, Call-IDs and digests as lower-case hex", () => {
	it("writes each byte as two lower-case hex digits, stopping where the output ends", () => {
		const out = new Uint8Array(7).fill(0x2e);
		assert.equal(hexInto(Uint8Array.of(0x00, 0x9f, 0xa0, 0xff), 0, 4, out, 1), 7);
		assert.equal(text(out, 0, 7), ".009fa0");
	});

	it("writes a 32-bit number as eight hex digits (RFC 7616 §3.4 nc-value)", () => {
		const out = new Uint8Array(8);
		hex32Into(1, out, 0);
		assert.equal(text(out, 0, 8), "00000001");
		hex32Into(0xdeadbeef, out, 0);
		assert.equal(text(out, 0, 8), "deadbeef");
		hex32Into(-1, out, 0);
		assert.equal(text(out, 0, 8), "ffffffff");
	});

	it("makes branches that start with the magic cookie and differ each time (§8.1.1.7)", () => {
		let n = 0;
		const random = { fill(b: Uint8Array) { for (let i = 0; i < b.length; i++) b[i] = n++; } };
		const maker = new BranchMaker();
		const first = text(maker.next(random), 0, maker.bytes.length);
		assert.equal(first, "z9hG4bK0001020304050607");
		assert.notEqual(text(maker.next(random), 0, maker.bytes.length), first);
	});
});

describe("§7.3.1 Case-insensitive compares and LWS", () => {
	it("compares ASCII letters without case, other octets exactly (§7.3.1)", () => {
		const b = ascii("Content-LENGTH");
		assert.equal(equalsIgnoreCase(b, 0, b.length, ascii("content-length")), true);
		assert.equal(equalsIgnoreCase(b, 0, b.length - 1, ascii("content-length")), false);
		const x = ascii("\xC4"), y = ascii("\xE4"); // Latin-1 Ä/ä: not ASCII letters
		assert.equal(spansEqualIgnoreCase(x, 0, 1, y, 0, 1), false);
	});

	it("skips and trims SP, HTAB and the CRLF of a folded line (§7.3.1, §25.1 LWS)", () => {
		const b = ascii(" \t\r\n value \r\n\t");
		const s = skipLws(b, 0, b.length);
		assert.equal(text(b, s, trimLwsEnd(b, s, b.length)), "value");
	});
});

describe("RFC 3629 UTF-8 text for display (Reason-Phrase, logs, the parse tool)", () => {
	it("decodes one- to four-octet sequences (RFC 3629 §3)", () => {
		assert.equal(utf8(0x44, 0xc3, 0xbc, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x94, 0x94), "D\u00fc\u20ac\u{1f514}");
	});

	it("turns a code point above U+10FFFF into U+FFFD instead of throwing (RFC 3629 §3)", () => {
		assert.equal(utf8(0xf4, 0x90, 0x80, 0x80, 0x41), "\ufffd\ufffd\ufffd\ufffdA");
	});

	it("turns overlong forms and UTF-16 surrogates into U+FFFD, never into NUL or '/' (RFC 3629 §3, §10)", () => {
		assert.equal(utf8(0xe0, 0x80, 0x80), "\ufffd\ufffd\ufffd");
		assert.equal(utf8(0xf0, 0x80, 0x80, 0xaf), "\ufffd\ufffd\ufffd\ufffd");
		assert.equal(utf8(0xc0, 0xaf), "\ufffd\ufffd");
		assert.equal(utf8(0xed, 0xa0, 0x80), "\ufffd\ufffd\ufffd");
	});

	it("turns truncated sequences and stray continuation octets into U+FFFD (RFC 3629 §3)", () => {
		assert.equal(utf8(0xc3), "\ufffd");
		assert.equal(utf8(0xe2, 0x82), "\ufffd\ufffd");
		assert.equal(utf8(0x80, 0x41), "\ufffdA");
	});

	it("summarises a response whose Reason-Phrase holds an invalid 4-octet sequence without throwing (§25.1 Reason-Phrase)", () => {
		const wire =
			"SIP/2.0 200 \xF4\x90\x80\x80 OK\r\n" +
			"Via: SIP/2.0/UDP 192.0.2.20;branch=z9hG4bK1\r\nFrom: <sip:hall@192.0.2.20>;tag=1\r\nTo: <sip:door@192.0.2.10>;tag=2\r\n" +
			"Call-ID: 1@192.0.2.20\r\nCSeq: 1 INVITE\r\n\r\n";
		const p = new SipParser(DEFAULT_LIMITS);
		const buf = bytesOf(wire);
		assert.equal(p.parse(buf, 0, buf.length), 0);
		assert.equal(summarize(p.view).reason, "\ufffd\ufffd\ufffd\ufffd OK");
	});

	it("describes a verdict quoting invalid UTF-8 without throwing (§8.2)", () => {
		const wire = "OPTIONS sip:door@192.0.2.10 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.20;branch=z9hG4bK1\r\nFrom: <sip:hall@192.0.2.20>;tag=1\r\nTo: <sip:door@192.0.2.10>\r\nCall-ID: \xF7\xBF\xBF\xBF\r\nCSeq: 1 OPTIONS\r\n\r\n";
		const p = new SipParser(DEFAULT_LIMITS);
		const buf = bytesOf(wire);
		assert.equal(p.parse(buf, 0, buf.length), 400);
		assert.equal(summarizeVerdict(p.verdict, buf).verdict.reason, "Bad Call-ID: \ufffd\ufffd\ufffd\ufffd");
	});
});
