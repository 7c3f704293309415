// Request and response checks a UA needs before acting on a message — RFC 3261 §8.1.1, §8.2, §18.1.2, §20; RFC 4475 §3.
import assert from "node:assert/strict";
import { SipParser } from "../../src/sip/parser.js";
import { Scanner } from "../../src/sip/scanner.js";
import { MessageView } from "../../src/sip/message-view.js";
import { Validator } from "../../src/sip/validate.js";
import { DEFAULT_LIMITS } from "../../src/sip/limits.js";
import { MAX_DETAIL } from "../../src/sip/verdict.js";
import { bytesOf, expectTrace, traceOf } from "./trace.js";

const VIA = "Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK74bf9\r\n";
const FROM = "From: \"Hall\" <sip:hall@192.0.2.20>;tag=9fxced76sl\r\n";
const TO = "To: <sip:door@192.0.2.10>\r\n";
const CALL_ID = "Call-ID: 3848276298220188511@192.0.2.20\r\n";
const CSEQ = "CSeq: 1 OPTIONS\r\n";
const OPTIONS_LINE = "OPTIONS sip:door@192.0.2.10 SIP/2.0\r\n";
const DIALOG = VIA + FROM + TO + CALL_ID;

/** A request line, then the given header lines, then the empty line. */
function request(headers: string, line = OPTIONS_LINE): string {
	return line + headers + "\r\n";
}
function response(headers: string, line = "SIP/2.0 200 OK\r\n"): string {
	return line + headers + "\r\n";
}
function reasonOf(wire: string): string {
	const t = traceOf(wire);
	return t.has("verdict.status") ? `${t.get("verdict.status")} ${t.get("verdict.reason")}` : "0";
}

describe("§8.1.1 Mandatory header fields", () => {
	const parts: [string, string][] = [["Via", VIA], ["From", FROM], ["To", TO], ["Call-ID", CALL_ID], ["CSeq", CSEQ]];

	it("refuses a request without Via, From, To, Call-ID or CSeq, naming the missing header (§8.1.1)", () => {
		for (const [name] of parts) {
			const headers = parts.filter(([n]) => n !== name).map(([, line]) => line).join("");
			assert.equal(reasonOf(request(headers)), `400 Missing ${name}`, name);
		}
	});

	it("refuses a response without any of them too, so the transaction layer drops it (§8.1.1, §18.1.2)", () => {
		for (const [name] of parts) {
			const headers = parts.filter(([n]) => n !== name).map(([, line]) => line).join("").replace("OPTIONS", "INVITE");
			assert.equal(reasonOf(response(headers)), `400 Missing ${name}`, name);
		}
	});

	it("accepts a request without Max-Forwards (§8.1.1.6 SHOULD; RFC 4475 §3.4.1: RFC 2543 peers omit it)", () => {
		assert.equal(reasonOf(request(DIALOG + CSEQ)), "0");
	});

	it("finds mandatory headers in their compact forms (§7.3.3)", () => {
		const compact = "v: SIP/2.0/UDP 192.0.2.20;branch=z9hG4bKc\r\nf: <sip:hall@192.0.2.20>;tag=1\r\nt: <sip:door@192.0.2.10>\r\ni: c@192.0.2.20\r\n";
		assert.equal(reasonOf(request(compact + CSEQ)), "0");
	});
});

describe("§7.3.1 Headers that may appear only once (RFC 4475 §3.3.8)", () => {
	it("refuses a second From, To, Call-ID, CSeq, Max-Forwards, Content-Type or Expires (§7.3.1; RFC 4475 §3.3.8)", () => {
		const seconds: [string, string][] = [
			["From", "f: <sip:other@192.0.2.21>;tag=2\r\n"], ["To", "To: <sip:gate@192.0.2.10>\r\n"], ["Call-ID", "i: other@192.0.2.20\r\n"],
			["CSeq", "CSeq: 2 OPTIONS\r\n"], ["Max-Forwards", "Max-Forwards: 70\r\nMax-Forwards: 69\r\n"],
			["Content-Type", "Content-Type: text/plain\r\nc: text/plain\r\n"], ["Expires", "Expires: 60\r\nExpires: 60\r\n"],
		];
		for (const [name, lines] of seconds) assert.equal(reasonOf(request(DIALOG + CSEQ + lines)), `400 Multiple ${name}`, name);
	});

	it("points at the second value of a repeated header (§8.2: the reason names the fault)", () => {
		const wire = request(DIALOG + CSEQ + "Call-ID: second@192.0.2.20\r\n");
		expectTrace(wire, `
			verdict.status = 400
			verdict.reason = "Multiple Call-ID"
			verdict.errorAt = ${wire.indexOf("second@")}
		`);
	});

	it("accepts several Via, Contact, Route and Record-Route values, as lines or lists (§7.3.1)", () => {
		const wire = request(
			DIALOG + "Via: SIP/2.0/UDP proxy.example.net;branch=z9hG4bKp\r\n" +
			"Route: <sip:p1.example.net;lr>, <sip:p2.example.net;lr>\r\nRoute: <sip:p3.example.net;lr>\r\n" +
			"Record-Route: <sip:p1.example.net;lr>\r\nContact: <sip:hall@192.0.2.20>, <sip:hall@192.0.2.21>\r\n" + CSEQ,
		);
		assert.equal(reasonOf(wire), "0");
	});
});

describe("§8.1.1.5 CSeq", () => {
	it("names both methods when CSeq disagrees with the request: 400 Bad CSeq: method INVITE != ACK (§8.1.1.5; RFC 4475 §3.1.2.17)", () => {
		const wire = request(DIALOG + "CSeq: 314159 INVITE\r\n", "ACK sip:door@192.0.2.10 SIP/2.0\r\n");
		expectTrace(wire, `
			verdict.status = 400
			verdict.reason = "Bad CSeq: method INVITE != ACK"
			verdict.errorAt = ${wire.indexOf("INVITE\r\n")}
		`);
	});

	it("compares the methods case-sensitively (§7.1, §8.1.1.5)", () => {
		assert.equal(reasonOf(request(DIALOG + "CSeq: 1 Options\r\n")), "400 Bad CSeq: method Options != OPTIONS");
	});

	it("refuses an unknown method whose CSeq names another (RFC 4475 §3.1.2.18: 400 acceptable, before 501)", () => {
		assert.equal(reasonOf(request(DIALOG + "CSeq: 8 INVITE\r\n", "DOORBELL sip:door@192.0.2.10 SIP/2.0\r\n")), "400 Bad CSeq: method INVITE != DOORBELL");
	});

	it("does not compare a response's CSeq method with anything (§17.1.3: the client transaction matches it by branch and CSeq method)", () => {
		assert.equal(reasonOf(response(DIALOG + "CSeq: 5 INVITE\r\n")), "0");
	});

	it("accepts 0 and 2^31 - 1 and refuses 2^31 (§8.1.1.5: less than 2^31)", () => {
		expectTrace(request(DIALOG + "CSeq: 0 OPTIONS\r\n"), `cseq.number = 0`);
		expectTrace(request(DIALOG + "CSeq: 2147483647 OPTIONS\r\n"), `cseq.number = 2147483647`);
		assert.equal(reasonOf(request(DIALOG + "CSeq: 2147483648 OPTIONS\r\n")), "400 Bad CSeq: 2147483648 OPTIONS");
	});

	it("refuses huge sequence numbers without wrapping them (RFC 4475 §3.1.2.4, §3.1.2.5)", () => {
		// 2^32 + 1 would wrap to 1, 2^64 + 5 to 5.
		for (const n of ["4294967297", "18446744073709551621", "36893488147419103232"]) {
			assert.equal(reasonOf(request(DIALOG + `CSeq: ${n} OPTIONS\r\n`)), `400 Bad CSeq: ${n} OPTIONS`, n);
		}
		assert.equal(reasonOf(response(DIALOG + "CSeq: 9292394834772304023312 OPTIONS\r\n")), "400 Bad CSeq: 9292394834772304023312 OPTIONS");
	});

	it("reads leading zeros and LWS between number and method (§20.16; RFC 4475 §3.1.1.1)", () => {
		expectTrace(request(DIALOG + "CSeq: 0009\r\n\t OPTIONS\r\n"), `
			cseq.number = 9
			cseq.method = "OPTIONS"
		`);
	});

	it("leaves the number it read on the message for the layers above, -1 on a message it refused (§8.1.1.5)", () => {
		const parser = new SipParser(DEFAULT_LIMITS);
		const ok = bytesOf(request(DIALOG + "CSeq: 0042 OPTIONS\r\n"));
		assert.equal(parser.parse(ok, 0, ok.length), 0);
		assert.equal(parser.view.cseq, 42);
		const bad = bytesOf(request(DIALOG + "CSeq: 1OPTIONS\r\n"));
		assert.equal(parser.parse(bad, 0, bad.length), 400);
		assert.equal(parser.view.cseq, -1);
	});

	it("refuses a CSeq that is not number LWS method (§20.16)", () => {
		for (const value of ["OPTIONS", "1", "1OPTIONS", "-1 OPTIONS", "1 OPTIONS extra", "1.5 OPTIONS", "one OPTIONS", ""]) {
			assert.equal(reasonOf(request(DIALOG + `CSeq: ${value}\r\n`)), `400 Bad CSeq: ${value}`, value);
		}
	});
});

describe("§8.1.1.4, §20.8 Call-ID", () => {
	it("accepts word [ \"@\" word ] with every word character (§25.1 callid; RFC 4475 §3.1.1.2)", () => {
		const callId = "door.!%*_+`'~()<>:\\\"/[]?{}-@192.0.2.20";
		expectTrace(request(VIA + FROM + TO + `Call-ID: ${callId}\r\n` + CSEQ), `callId = ${JSON.stringify(callId)}`);
		expectTrace(request(VIA + FROM + TO + "i: no-at-sign\r\n" + CSEQ), `callId = "no-at-sign"`);
	});

	it("refuses an empty Call-ID, white space, a second '@', an empty word or a non-word octet (§25.1 callid)", () => {
		for (const value of ["", "two words", "a@b@c", "@192.0.2.20", "door@", "door;x", "door,x", "t\xC3\xBCr"]) {
			const reason = reasonOf(request(VIA + FROM + TO + `Call-ID: ${value}\r\n` + CSEQ));
			assert.ok(reason.startsWith("400 Bad Call-ID: "), `${JSON.stringify(value)}: ${reason}`);
		}
	});
});

describe("§8.1.1.6, §20.22 Max-Forwards", () => {
	it("accepts 0 to 255, leading zeros included (§20.22; RFC 4475 §3.3.11: a UAS processes Max-Forwards 0)", () => {
		for (const value of ["0", "70", "255", "0068"]) assert.equal(reasonOf(request(DIALOG + `Max-Forwards: ${value}\r\n` + CSEQ)), "0", value);
	});

	it("refuses a value above 255, a huge one (without wrapping) or a non-number (§20.22; RFC 4475 §3.1.2.4)", () => {
		for (const value of ["256", "300", "4294967366", "-1", "seventy", ""]) {
			assert.equal(reasonOf(request(DIALOG + `Max-Forwards: ${value}\r\n` + CSEQ)), `400 Bad Max-Forwards: ${value}`, value);
		}
	});
});

describe("§8.2 SIP-Version", () => {
	it("answers 505 to a request of another SIP version, naming it (§8.2; RFC 4475 §3.1.2.16)", () => {
		assert.equal(reasonOf(request(DIALOG + CSEQ, "OPTIONS sip:door@192.0.2.10 SIP/7.0\r\n")), "505 Version Not Supported: SIP/7.0");
		assert.equal(reasonOf(request(DIALOG + CSEQ, "OPTIONS sip:door@192.0.2.10 SIP/2.1\r\n")), "505 Version Not Supported: SIP/2.1");
	});

	it("refuses a response of another SIP version too, so the transaction layer drops it (§18.1.2; RFC silent on responses)", () => {
		assert.equal(reasonOf(response(DIALOG + "CSeq: 1 OPTIONS\r\n", "SIP/3.0 200 OK\r\n")), "505 Version Not Supported: SIP/3.0");
		assert.equal(reasonOf(response(DIALOG + "CSeq: 1 OPTIONS\r\n")), "0");
	});
});

describe("§8.2.2.1, §19.1.1 Request-URI", () => {
	it("accepts SIP, SIPS and unknown schemes; the UA answers 416 to the latter (§8.2.2.1; RFC 4475 §3.3.2, §3.3.3)", () => {
		for (const uri of ["sip:door@192.0.2.10", "sips:door@gate.example.org", "tel:+49-30-5550100", "doorbell-x:front", "ring.ring://192.0.2.103:3002"]) {
			assert.equal(reasonOf(request(DIALOG + CSEQ, `OPTIONS ${uri} SIP/2.0\r\n`)), "0", uri);
		}
	});

	it("refuses a SIP Request-URI that does not parse, naming it (§19.1.1)", () => {
		for (const uri of ["sip:door@192.0.2.256", "sip:door%4@192.0.2.10", "sip:", "sip:door@gate..example.org", "sip:2001:db8::10"]) {
			assert.equal(reasonOf(request(DIALOG + CSEQ, `OPTIONS ${uri} SIP/2.0\r\n`)), `400 Bad Request-URI: ${uri}`, uri);
		}
	});

	it("refuses headers in a SIP Request-URI (§19.1.1 table; RFC 4475 §3.1.2.11)", () => {
		const uri = "sip:door@192.0.2.10?Route=%3Csip:p%3E";
		assert.equal(reasonOf(request(DIALOG + CSEQ, `OPTIONS ${uri} SIP/2.0\r\n`)), `400 Bad Request-URI: ${uri}`);
	});
});

describe("§20.42 Via values", () => {
	it("checks every Via value, naming the bad one (§20.42; RFC 4475 §3.1.2.1)", () => {
		const wire = request(DIALOG + "Via: SIP/2.0/UDP proxy.example.net;branch=z9hG4bKp, SIP/2.0/UDP 192.0.2.15;;,\r\n" + CSEQ);
		assert.equal(reasonOf(wire), "400 Bad Via: SIP/2.0/UDP 192.0.2.15;;");
	});

	it("refuses an empty Via value (§20.42)", () => {
		assert.equal(reasonOf(request("Via:\r\n" + FROM + TO + CALL_ID + CSEQ)), "400 Bad Via: ");
	});
});

describe("§20.10, §20.20, §20.39 From, To and Contact", () => {
	it("refuses a From or To that is not a name-addr or addr-spec, naming the header (§20.20, §20.39)", () => {
		assert.equal(reasonOf(request(VIA + "From: \"Hall <sip:hall@192.0.2.20>;tag=1\r\n" + TO + CALL_ID + CSEQ)), "400 Bad From: \"Hall <sip:hall@192.0.2.20>;tag=1");
		assert.equal(reasonOf(request(VIA + FROM + "To: Door, Front <sip:door@192.0.2.10>\r\n" + CALL_ID + CSEQ)), "400 Bad To: Door, Front <sip:door@192.0.2.10>");
	});

	it("refuses a Contact addr-spec with URI headers and accepts it inside <> (§20.10; RFC 4475 §3.1.2.13, §3.3.14)", () => {
		const register = "REGISTER sip:192.0.2.1 SIP/2.0\r\n";
		const cseq = "CSeq: 3 REGISTER\r\n";
		assert.equal(reasonOf(request(DIALOG + "Contact: sip:door@192.0.2.10?Route=%3Csip:p%3E\r\n" + cseq, register)), "400 Bad Contact: sip:door@192.0.2.10?Route=%3Csip:p%3E");
		assert.equal(reasonOf(request(DIALOG + "m: <sip:door@192.0.2.10?Route=%3Csip:p%3E>\r\n" + cseq, register)), "0");
	});

	it("accepts Contact * alone and refuses it in a list (§10.2.2, §20.10)", () => {
		const register = "REGISTER sip:192.0.2.1 SIP/2.0\r\n";
		const cseq = "CSeq: 3 REGISTER\r\n";
		assert.equal(reasonOf(request(DIALOG + "Contact: *\r\nExpires: 0\r\n" + cseq, register)), "0");
		assert.equal(reasonOf(request(DIALOG + "Contact: <sip:door@192.0.2.10>\r\nContact: *\r\n" + cseq, register)), "400 Bad Contact: *");
	});

	it("checks every Contact value (§20.10)", () => {
		assert.equal(reasonOf(request(DIALOG + "Contact: <sip:door@192.0.2.10>, <sip:door@192.0.2.10;;>\r\n" + CSEQ)), "400 Bad Contact: <sip:door@192.0.2.10;;>");
	});
});

describe("§20.30, §20.34 Record-Route and Route", () => {
	it("requires name-addr form in Route and Record-Route (§20.30, §20.34)", () => {
		assert.equal(reasonOf(request(DIALOG + "Route: sip:p1.example.net;lr\r\n" + CSEQ)), "400 Bad Route: sip:p1.example.net;lr");
		assert.equal(reasonOf(request(DIALOG + "Record-Route: sip:p1.example.net;lr\r\n" + CSEQ)), "400 Bad Record-Route: sip:p1.example.net;lr");
		assert.equal(reasonOf(response(DIALOG + "Record-Route: sip:p1.example.net;lr\r\nCSeq: 1 INVITE\r\n")), "400 Bad Record-Route: sip:p1.example.net;lr");
	});

	it("leaves a response's Route alone: responses carry none the UA reads (§20.34)", () => {
		assert.equal(reasonOf(response(DIALOG + "Route: sip:p1.example.net;lr\r\nCSeq: 1 INVITE\r\n")), "0");
	});
});

describe("§8.2, §21.4 The verdict names the fault", () => {
	it("clips a quoted fault to MAX_DETAIL octets and replaces control octets (§25.1 Reason-Phrase is TEXT)", () => {
		const long = "x".repeat(100);
		const reason = reasonOf(request(VIA + FROM + TO + `Call-ID: a\x01b ${long}\r\n` + CSEQ));
		assert.equal(reason, "400 Bad Call-ID: a?b " + "x".repeat(MAX_DETAIL - 4));
	});

	it("checks a scanned view again without allocating new readers: one Validator, many messages (DESIGN.md §3)", () => {
		const scanner = new Scanner(DEFAULT_LIMITS);
		const view = new MessageView(DEFAULT_LIMITS);
		const validator = new Validator();
		const good = bytesOf(request(DIALOG + CSEQ));
		const bad = bytesOf(request(DIALOG + "CSeq: 1 INVITE\r\n"));
		for (const [buf, expected] of [[good, 0], [bad, 400], [good, 0]] as const) {
			assert.equal(scanner.scan(buf, 0, buf.length, view), 0);
			scanner.verdict.clear();
			assert.equal(validator.check(view, scanner.verdict), expected);
		}
	});

	it("reports the same result through SipParser as scanner plus validator (§18.3, §8.2)", () => {
		const parser = new SipParser(DEFAULT_LIMITS);
		const buf = bytesOf(request(DIALOG + "CSeq: 1 INVITE\r\n"));
		assert.equal(parser.parse(buf, 0, buf.length), 400);
		assert.equal(parser.verdict.describe(buf), "Bad CSeq: method INVITE != OPTIONS");
		assert.equal(parser.verdict, parser.scanner.verdict);
	});
});
