// Scanner and message view: framing and indexing one message — RFC 3261 §7, §7.3.1, §7.3.3, §7.5, §18.3.
import assert from "node:assert/strict";
import { Scanner } from "../../src/sip/scanner.js";
import { SipParser } from "../../src/sip/parser.js";
import { MessageView } from "../../src/sip/message-view.js";
import { DEFAULT_LIMITS, limitsWith } from "../../src/sip/limits.js";
import { ascii } from "../../src/sip/bytes.js";
import {
	headerId, H_ACCEPT_CONTACT, H_ALLOW, H_ALLOW_EVENTS, H_CALL_ID, H_CONTACT, H_CONTENT_ENCODING, H_CONTENT_LENGTH,
	H_CONTENT_TYPE, H_EVENT, H_FROM, H_IDENTITY, H_OTHER, H_REFER_TO, H_REFERRED_BY, H_REJECT_CONTACT,
	H_REQUEST_DISPOSITION, H_SESSION_EXPIRES, H_SUBJECT, H_SUPPORTED, H_TO, H_VIA, H_WWW_AUTHENTICATE,
} from "../../src/sip/header-ids.js";
import { methodId, M_ACK, M_BYE, M_CANCEL, M_INFO, M_INVITE, M_OPTIONS, M_OTHER, M_REGISTER } from "../../src/sip/methods.js";
import { bytesOf, expectTrace, traceOf } from "./trace.js";

const VIA = "Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK74bf9\r\n";
const FROM = "From: \"Hall\" <sip:hall@192.0.2.20>;tag=9fxced76sl\r\n";
const TO = "To: <sip:door@192.0.2.10>\r\n";
const CALL_ID = "Call-ID: 3848276298220188511@192.0.2.20\r\n";
const DIALOG = VIA + FROM + TO + CALL_ID;
const OPTIONS_LINE = "OPTIONS sip:door@192.0.2.10 SIP/2.0\r\n";
const OPTIONS = OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
const RINGING = "SIP/2.0 180 Ringing\r\n" + DIALOG + "CSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";

/** Scan `wire` as a datagram with a fresh scanner; the view and status for direct assertions. */
function scan(wire: string, limits = DEFAULT_LIMITS): { status: number; view: MessageView; scanner: Scanner; buf: Uint8Array } {
	const scanner = new Scanner(limits);
	const view = new MessageView(limits);
	const buf = bytesOf(wire);
	const status = scanner.scan(buf, 0, buf.length, view);
	return { status, view, scanner, buf };
}

describe("§7.1 Requests: the Request-Line", () => {
	it("reads Method SP Request-URI SP SIP-Version (§7.1)", () => {
		expectTrace(OPTIONS, `
			kind = "request"
			method = "OPTIONS"
			requestUri = "sip:door@192.0.2.10"
			cseq.method = "OPTIONS"
		`);
	});

	it("records the start-line parts as offsets into the received bytes, without copying them (§7.1, DESIGN.md §3)", () => {
		const { status, view, buf } = scan(OPTIONS);
		assert.equal(status, 0);
		assert.equal(view.buf, buf);
		assert.deepEqual([view.methodStart, view.methodEnd, view.uriStart, view.uriEnd, view.versionStart, view.versionEnd], [0, 7, 8, 27, 28, 35]);
		assert.equal(view.versionIs20, true);
	});

	it("maps the methods it knows to ids and any other token to M_OTHER (§7.1, §27.4)", () => {
		const ids = ["INVITE", "ACK", "BYE", "CANCEL", "REGISTER", "OPTIONS", "INFO", "DOORBELL"].map((m) => {
			const b = ascii(m);
			return methodId(b, 0, b.length);
		});
		assert.deepEqual(ids, [M_INVITE, M_ACK, M_BYE, M_CANCEL, M_REGISTER, M_OPTIONS, M_INFO, M_OTHER]);
		assert.equal(scan(OPTIONS).view.methodId, M_OPTIONS);
	});

	it("treats method names as case-sensitive: `invite` is an extension method (§7.1)", () => {
		const b = ascii("invite");
		assert.equal(methodId(b, 0, b.length), M_OTHER);
		expectTrace("invite sip:door@192.0.2.10 SIP/2.0\r\n" + DIALOG + "CSeq: 1 invite\r\n\r\n", `method = "invite"`);
	});

	it("accepts every token character in a method (§25.1 token; RFC 4475 §3.1.1.2)", () => {
		const method = "!door-Bell0123456789_*+`.%ring'~";
		expectTrace(`${method} sip:door@192.0.2.10 SIP/2.0\r\n` + DIALOG + `CSeq: 3 ${method}\r\n\r\n`, `method = ${JSON.stringify(method)}`);
	});

	it("refuses a method with a non-token character (§25.1 Method = token)", () => {
		expectTrace("OPT(IONS sip:door@192.0.2.10 SIP/2.0\r\n" + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n", `
			verdict.status = 400
			verdict.reason = "Bad Request-Line: method"
			verdict.errorAt = 3
		`);
	});

	it("refuses more than one SP between elements (§7.1 single SPs; RFC 4475 §3.1.2.9)", () => {
		expectTrace("OPTIONS  sip:door@192.0.2.10 SIP/2.0\r\n" + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n", `
			verdict.status = 400
			verdict.reason = "Bad Request-Line"
			verdict.errorAt = 8
		`);
		// Between Request-URI and SIP-Version the extra SP starts the version field, which is then malformed.
		expectTrace("OPTIONS sip:door@192.0.2.10  SIP/2.0\r\n" + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n", `
			verdict.status = 400
			verdict.reason = "Bad SIP-Version:  SIP/2.0"
		`);
	});

	it("refuses white space after the SIP-Version (§7.1; RFC 4475 §3.1.2.10)", () => {
		expectTrace("OPTIONS sip:door@192.0.2.10 SIP/2.0\t\r\n" + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n", `
			verdict.status = 400
			verdict.reason = "Bad SIP-Version: SIP/2.0?"
		`);
	});

	it("refuses a Request-URI holding '<', '>', '\"' or a non-ASCII octet (§7.1, §25.1; RFC 4475 §3.1.2.7)", () => {
		for (const uri of ["<sip:door@192.0.2.10>", "sip:\"door\"@192.0.2.10", "sip:t\xC3\xBCr@192.0.2.10"]) {
			const t = traceOf(`OPTIONS ${uri} SIP/2.0\r\n` + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n");
			assert.equal(t.get("verdict.reason"), "Bad Request-Line: Request-URI", uri);
		}
	});

	it("refuses a Request-Line with no SIP-Version (§7.1)", () => {
		expectTrace("OPTIONS sip:door@192.0.2.10\r\n" + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n", `
			verdict.status = 400
			verdict.reason = "Bad Request-Line"
		`);
	});

	it("reads the SIP-Version case-insensitively (§7.1)", () => {
		const { status, view } = scan("OPTIONS sip:door@192.0.2.10 sIp/2.0\r\n" + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n");
		assert.equal(status, 0);
		assert.equal(view.versionIs20, true);
	});

	it("frames a request of another SIP version and leaves the 505 to validation (§8.2, RFC 4475 §3.1.2.16)", () => {
		const { status, view } = scan("OPTIONS sip:door@192.0.2.10 SIP/7.0\r\n" + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n");
		assert.equal(status, 0);
		assert.equal(view.versionIs20, false);
		expectTrace("OPTIONS sip:door@192.0.2.10 SIP/7.0\r\n" + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n", `
			verdict.status = 505
			verdict.reason = "Version Not Supported: SIP/7.0"
		`);
	});

	it("refuses a SIP-Version that is not SIP/digits.digits (§25.1)", () => {
		for (const version of ["SIP/2", "SIP/2.", "SIP/.0", "SIP/2.0a", "HTTP/1.1", "SIP2.0"]) {
			const t = traceOf(`OPTIONS sip:door@192.0.2.10 ${version}\r\n` + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n");
			assert.equal(t.get("verdict.reason"), `Bad SIP-Version: ${version}`, version);
		}
	});

	it("ignores CRLFs before the start line (§7.5)", () => {
		const { status, view } = scan("\r\n\r\n\r\n" + OPTIONS);
		assert.equal(status, 0);
		assert.equal(view.start, 6);
		assert.equal(view.methodStart, 6);
	});
});

describe("§7.2 Responses: the Status-Line", () => {
	it("reads SIP-Version SP Status-Code SP Reason-Phrase (§7.2)", () => {
		expectTrace(RINGING, `
			kind = "response"
			status = 180
			reason = "Ringing"
			cseq.method = "INVITE"
		`);
	});

	it("accepts an empty Reason-Phrase (§7.2; RFC 4475 §3.1.1.13)", () => {
		expectTrace("SIP/2.0 100 \r\n" + DIALOG + "CSeq: 1 INVITE\r\n\r\n", `
			status = 100
			reason = ""
		`);
	});

	it("accepts a Status-Line that stops after the code (liberal receiving; RFC 4475 §3.1.1.13)", () => {
		expectTrace("SIP/2.0 100\r\n" + DIALOG + "CSeq: 1 INVITE\r\n\r\n", `
			status = 100
			reason = ""
		`);
	});

	it("keeps the Reason-Phrase to the end of the line, UTF-8 and spaces included (§25.1 Reason-Phrase; RFC 4475 §3.1.1.12)", () => {
		expectTrace("SIP/2.0 486 Bitte sp\xC3\xA4ter  = 2**3 \r\n" + DIALOG + "CSeq: 1 INVITE\r\n\r\n", `
			status = 486
			reason = "Bitte sp\u00e4ter  = 2**3 "
		`);
	});

	it("refuses status codes outside 100-699 (§7.2, §21)", () => {
		for (const code of ["099", "700", "999", "000"]) {
			const t = traceOf(`SIP/2.0 ${code} Odd\r\n` + DIALOG + "CSeq: 1 INVITE\r\n\r\n");
			assert.equal(t.get("verdict.reason"), "Bad Status-Line", code);
		}
	});

	it("refuses a status code longer than three digits without wrapping it (§7.2; RFC 4475 §3.1.2.19)", () => {
		// 4294967301 mod 2^32 = 5: a parser that wraps would read a 5 (and one that reads 3 digits, a 429).
		expectTrace("SIP/2.0 4294967301 better not break\r\n" + DIALOG + "CSeq: 1 INVITE\r\n\r\n", `
			verdict.status = 400
			verdict.reason = "Bad Status-Line"
			verdict.errorAt = 8
		`);
	});

	it("refuses a status code glued to its reason or short of three digits (§7.2)", () => {
		for (const line of ["SIP/2.0 200OK", "SIP/2.0 20 OK", "SIP/2.0 2x0 OK", "SIP/2.0  200 OK", "SIP/2.0"]) {
			const t = traceOf(line + "\r\n" + DIALOG + "CSeq: 1 INVITE\r\n\r\n");
			assert.equal(t.get("verdict.reason"), "Bad Status-Line", line);
		}
	});

	it("refuses a Status-Line with a malformed SIP-Version, naming it (§25.1)", () => {
		for (const version of ["SIP/2", "SIP/2.0.1", "SIP/x.0"]) {
			const t = traceOf(`${version} 200 OK\r\n` + DIALOG + "CSeq: 1 INVITE\r\n\r\n");
			assert.equal(t.get("verdict.reason"), `Bad SIP-Version: ${version}`, version);
		}
	});
});

describe("§7.3.1 Header field format", () => {
	it("matches header names case-insensitively (§7.3.1)", () => {
		expectTrace(
			"OPTIONS sip:door@192.0.2.10 SIP/2.0\r\n" +
			"vIA: SIP/2.0/UDP 192.0.2.20;branch=z9hG4bKci\r\n" +
			"fRoM: <sip:hall@192.0.2.20>;tag=1\r\n" +
			"TO: <sip:door@192.0.2.10>\r\n" +
			"call-id: ci@192.0.2.20\r\n" +
			"CSEQ: 1 OPTIONS\r\n" +
			"content-LENGTH: 0\r\n\r\n", `
			via[0].branch = "z9hG4bKci"
			h.from[0] = "<sip:hall@192.0.2.20>;tag=1"
			h.to[0] = "<sip:door@192.0.2.10>"
			callId = "ci@192.0.2.20"
			cseq.number = 1
			contentLength = 0
		`);
	});

	it("allows SP and HTAB before the colon and LWS after it (§7.3.1 HCOLON)", () => {
		expectTrace(OPTIONS_LINE + DIALOG + "Subject \t: \t Front door\r\nCSeq\t:1 OPTIONS\r\n\r\n", `
			h.subject[0] = "Front door"
			cseq.number = 1
		`);
	});

	it("trims LWS at both ends of a value (§7.3.1)", () => {
		expectTrace(OPTIONS_LINE + DIALOG + "Subject:   Front door \t \r\nCSeq: 1 OPTIONS\r\n\r\n", `h.subject[0] = "Front door"`);
	});

	it("keeps an empty value (§7.3.1, §20.36 Subject may be empty; RFC 4475 §3.1.1.1)", () => {
		expectTrace(OPTIONS_LINE + DIALOG + "Subject:\r\ns:   \r\nCSeq: 1 OPTIONS\r\n\r\n", `
			h.subject.length = 2
			h.subject[0] = ""
			h.subject[1] = ""
		`);
	});

	it("continues a value on lines that start with SP or HTAB, counting the field once (§7.3.1)", () => {
		expectTrace(
			OPTIONS_LINE + DIALOG +
			"Subject: the door\r\n   is\r\n\topen\r\n" +
			"CSeq:\r\n 2\r\n OPTIONS\r\n\r\n", `
			headerCount = 6
			h.subject[0] = "the door\\r\\n   is\\r\\n\\topen"
			cseq.number = 2
			cseq.method = "OPTIONS"
		`);
	});

	it("refuses a continuation line before the first header (§7.3.1)", () => {
		expectTrace(OPTIONS_LINE + "\tSubject: x\r\n" + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n", `
			verdict.status = 400
			verdict.reason = "Bad header line: folding before first header"
			verdict.errorAt = 37
		`);
	});

	it("splits a comma-separated list into values, in order (§7.3.1)", () => {
		expectTrace(
			OPTIONS_LINE +
			"Via: SIP/2.0/UDP 192.0.2.20;branch=z9hG4bKa ,SIP/2.0/UDP 192.0.2.21;branch=z9hG4bKb\r\n" +
			"Via: SIP/2.0/UDP 192.0.2.22;branch=z9hG4bKc\r\n" +
			FROM + TO + CALL_ID +
			"Allow: INVITE,ACK , BYE,\r\n CANCEL\r\n" +
			"Supported: timer, 100rel\r\n" +
			"CSeq: 1 OPTIONS\r\n\r\n", `
			via.length = 3
			via[0].branch = "z9hG4bKa"
			via[1].branch = "z9hG4bKb"
			via[2].branch = "z9hG4bKc"
			h.allow.length = 4
			h.allow[0] = "INVITE"
			h.allow[1] = "ACK"
			h.allow[2] = "BYE"
			h.allow[3] = "CANCEL"
			h.supported.length = 2
			h.supported[0] = "timer"
			h.supported[1] = "100rel"
			headerCount = 8
		`);
	});

	it("marks the values of one line with the same line index (§7.3.1: one field, several values)", () => {
		const { status, view } = scan(OPTIONS_LINE + DIALOG + "Allow: INVITE, ACK\r\nAllow: BYE\r\nCSeq: 1 OPTIONS\r\n\r\n");
		assert.equal(status, 0);
		const lines = [0, 1, 2].map((n) => view.lineOf(view.find(H_ALLOW, n)));
		assert.equal(lines[0], lines[1]);
		assert.equal(lines[2], lines[1] + 1);
	});

	it("does not split at commas inside quoted strings, escaped quotes included (§7.3.1, §25.1 quoted-pair)", () => {
		expectTrace(
			"REGISTER sip:192.0.2.1 SIP/2.0\r\n" + DIALOG +
			"Contact: \"Door, \\\"Front, left\\\"\" <sip:door@192.0.2.10>;q=0.5, \"A\\\\\" <sip:a@192.0.2.11>\r\n" +
			"CSeq: 1 REGISTER\r\n\r\n", `
			h.contact.length = 2
			h.contact[0] = "\\"Door, \\\\\\"Front, left\\\\\\"\\" <sip:door@192.0.2.10>;q=0.5"
			h.contact[1] = "\\"A\\\\\\\\\\" <sip:a@192.0.2.11>"
		`);
	});

	it("does not split at a comma after a quoted '<' in a parameter (§7.3.1; RFC 5626 +sip.instance)", () => {
		expectTrace(
			"REGISTER sip:192.0.2.1 SIP/2.0\r\n" + DIALOG +
			"Contact: <sip:door@192.0.2.10>;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-00a0c91e6bf6>\";reg-id=1, <sip:door@192.0.2.11>\r\n" +
			"CSeq: 1 REGISTER\r\n\r\n", `
			h.contact.length = 2
			h.contact[0] = "<sip:door@192.0.2.10>;+sip.instance=\\"<urn:uuid:00000000-0000-1000-8000-00a0c91e6bf6>\\";reg-id=1"
			h.contact[1] = "<sip:door@192.0.2.11>"
		`);
	});

	it("does not split headers whose grammar is not a list, commas and all: Date, Subject, User-Agent (§20.17, §20.36, §20.41)", () => {
		expectTrace(
			OPTIONS_LINE + DIALOG +
			"Date: Sat, 13 Nov 2010 23:29:00 GMT\r\nSubject: ding, dong\r\nUser-Agent: door/1.0 (esp32, xs)\r\nCSeq: 1 OPTIONS\r\n\r\n", `
			h.date.length = 1
			h.date[0] = "Sat, 13 Nov 2010 23:29:00 GMT"
			h.subject[0] = "ding, dong"
			h.user-agent[0] = "door/1.0 (esp32, xs)"
		`);
	});

	it("does not split at commas inside <> (§7.3.1, §20: a URI may hold ',')", () => {
		expectTrace(
			OPTIONS_LINE + DIALOG +
			"Route: <sip:p1.example.net;lr>,<sip:a,b@p2.example.net;lr>\r\n" +
			"CSeq: 1 OPTIONS\r\n\r\n", `
			h.route.length = 2
			h.route[0] = "<sip:p1.example.net;lr>"
			h.route[1] = "<sip:a,b@p2.example.net;lr>"
		`);
	});

	it("keeps an unknown header whole, under its own name (§7.3.1; RFC 4475 §3.1.1.1)", () => {
		const t = traceOf(OPTIONS_LINE + DIALOG + "X-Door-State: open, latched ;;,,;\r\nCSeq: 1 OPTIONS\r\n\r\n");
		assert.deepEqual([t.get("h.x-door-state.length"), t.get("h.x-door-state[0]")], [1, "open, latched ;;,,;"]);
	});

	it("does not split authentication headers, whose commas separate parameters (§20.44, §25.1 challenge)", () => {
		expectTrace(
			"SIP/2.0 401 Unauthorized\r\n" + DIALOG + "CSeq: 1 REGISTER\r\n" +
			"WWW-Authenticate: Digest realm=\"door, front\", nonce=\"84f1c1ae6cbe5ua9\", algorithm=MD5\r\n\r\n", `
			h.www-authenticate.length = 1
			h.www-authenticate[0] = "Digest realm=\\"door, front\\", nonce=\\"84f1c1ae6cbe5ua9\\", algorithm=MD5"
		`);
	});

	it("indexes every value by header id, in message order, with its name as written (§7.3.1, DESIGN.md §3)", () => {
		const { view, buf } = scan(OPTIONS_LINE + "v: SIP/2.0/UDP a.example.net;branch=z9hG4bKa, SIP/2.0/UDP b.example.net;branch=z9hG4bKb\r\n" + FROM + TO + CALL_ID + "Via: SIP/2.0/UDP c.example.net;branch=z9hG4bKc\r\nCSeq: 1 OPTIONS\r\n\r\n");
		assert.equal(view.count(H_VIA), 3);
		const names: string[] = [], values: string[] = [];
		for (let e = view.find(H_VIA); e >= 0; e = view.nextOf(e)) {
			assert.equal(view.idOf(e), H_VIA);
			names.push(String.fromCharCode(...buf.subarray(view.nameStart(e), view.nameEnd(e))));
			values.push(view.valueText(e));
		}
		assert.deepEqual(names, ["v", "v", "Via"]);
		assert.deepEqual(values, ["SIP/2.0/UDP a.example.net;branch=z9hG4bKa", "SIP/2.0/UDP b.example.net;branch=z9hG4bKb", "SIP/2.0/UDP c.example.net;branch=z9hG4bKc"]);
		assert.equal(view.valueText(view.find(H_VIA, 2)), values[2]);
		assert.deepEqual([view.find(H_VIA, 3), view.count(H_CONTACT), view.find(H_CONTACT), view.headerText(H_CONTACT)], [-1, 0, -1, ""]);
	});

	it("finds an unknown header by name, case-insensitively (§7.3.1)", () => {
		const { view } = scan(OPTIONS_LINE + DIALOG + "X-Door: one\r\nx-door: two\r\nCSeq: 1 OPTIONS\r\n\r\n");
		const name = ascii("x-door");
		assert.deepEqual([view.valueText(view.findByName(name)), view.valueText(view.findByName(name, 1)), view.findByName(name, 2)], ["one", "two", -1]);
		assert.equal(view.count(H_OTHER), 2);
	});

	it("refuses a header line without a colon (§7.3.1)", () => {
		expectTrace(OPTIONS_LINE + DIALOG + "Door is open\r\nCSeq: 1 OPTIONS\r\n\r\n", `
			verdict.status = 400
			verdict.reason = "Bad header line: Door is open"
		`);
	});

	it("refuses a header name with a non-token character (§7.3.1 field-name = token)", () => {
		for (const line of ["Door State: open", "Door/State: open", ": open", "Door\x00: x"]) {
			const t = traceOf(OPTIONS_LINE + DIALOG + line + "\r\nCSeq: 1 OPTIONS\r\n\r\n");
			assert.equal(t.get("verdict.status"), 400, line);
			assert.ok(String(t.get("verdict.reason")).startsWith("Bad header line: "), line);
		}
	});
});

describe("§7.3.3 Compact form", () => {
	it("maps compact forms to the same header id (§7.3.3)", () => {
		const pairs: [string, string, number][] = [
			["v", "Via", H_VIA], ["f", "From", H_FROM], ["t", "To", H_TO], ["i", "Call-ID", H_CALL_ID], ["m", "Contact", H_CONTACT],
			["l", "Content-Length", H_CONTENT_LENGTH], ["c", "Content-Type", H_CONTENT_TYPE], ["e", "Content-Encoding", H_CONTENT_ENCODING],
			["k", "Supported", H_SUPPORTED], ["s", "Subject", H_SUBJECT],
		];
		for (const [letter, long, id] of pairs) {
			for (const name of [letter, letter.toUpperCase(), long, long.toUpperCase(), long.toLowerCase()]) {
				const b = ascii(name);
				assert.equal(headerId(b, 0, b.length), id, name);
			}
		}
	});

	it("maps the compact forms registered after RFC 3261 (§27.3 registry: RFC 3265, 3515, 3841, 3892, 4028, 4474)", () => {
		const pairs: [string, number][] = [
			["u", H_ALLOW_EVENTS], ["o", H_EVENT], ["x", H_SESSION_EXPIRES], ["r", H_REFER_TO], ["b", H_REFERRED_BY],
			["a", H_ACCEPT_CONTACT], ["j", H_REJECT_CONTACT], ["d", H_REQUEST_DISPOSITION], ["y", H_IDENTITY],
		];
		for (const [letter, id] of pairs) assert.equal(headerId(ascii(letter), 0, 1), id, letter);
	});

	it("gives names it does not know, single letters included, H_OTHER (§7.3.3, §7.3.1)", () => {
		for (const name of ["g", "z", "X-Door", "Vias", "Via-", "WWW-Authenticat"]) {
			const b = ascii(name);
			assert.equal(headerId(b, 0, b.length), H_OTHER, name);
		}
		assert.equal(headerId(ascii("www-AUTHENTICATE"), 0, 16), H_WWW_AUTHENTICATE);
	});

	it("reads a message written wholly in compact form like its long form (§7.3.3)", () => {
		const compact =
			"INVITE sip:door@192.0.2.10 SIP/2.0\r\n" +
			"v: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK74bf9\r\n" +
			"f: <sip:hall@192.0.2.20>;tag=9fxced76sl\r\n" +
			"t: <sip:door@192.0.2.10>\r\n" +
			"i: 3848276298220188511@192.0.2.20\r\n" +
			"CSeq: 1 INVITE\r\n" +
			"m: <sip:hall@192.0.2.20>\r\n" +
			"c: text/plain\r\n" +
			"l: 4\r\n\r\nding";
		const long =
			"INVITE sip:door@192.0.2.10 SIP/2.0\r\n" +
			"Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK74bf9\r\n" +
			"From: <sip:hall@192.0.2.20>;tag=9fxced76sl\r\n" +
			"To: <sip:door@192.0.2.10>\r\n" +
			"Call-ID: 3848276298220188511@192.0.2.20\r\n" +
			"CSeq: 1 INVITE\r\n" +
			"Contact: <sip:hall@192.0.2.20>\r\n" +
			"Content-Type: text/plain\r\n" +
			"Content-Length: 4\r\n\r\nding";
		const a = traceOf(compact), b = traceOf(long);
		assert.equal(a.get("verdict.status"), undefined);
		assert.deepEqual([...a.entries()], [...b.entries()]);
	});
});

describe("§7.4, §18.3 Bodies in a datagram", () => {
	it("frames the body by Content-Length (§7.4.2, §18.3)", () => {
		expectTrace(OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nContent-Length: 4\r\n\r\nding", `
			contentLength = 4
			bodyLength = 4
			body = "ding"
		`);
	});

	it("ignores octets after Content-Length in a datagram (§18.3; RFC 4475 §3.1.1.8)", () => {
		expectTrace(OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nContent-Length: 4\r\n\r\ndingdong" + OPTIONS, `
			bodyLength = 4
			body = "ding"
		`);
		const { view, buf } = scan(OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nContent-Length: 4\r\n\r\ndingdong");
		assert.equal(view.end, buf.length - 4);
	});

	it("takes the rest of the datagram as the body when Content-Length is absent (§18.3; RFC 4475 §3.4.1)", () => {
		expectTrace(OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\n\r\nding\r\ndong", `
			contentLength = null
			body = "ding\\r\\ndong"
		`);
	});

	it("refuses a datagram that holds less body than Content-Length (§18.3; RFC 4475 §3.1.2.2)", () => {
		const wire = OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nContent-Length: 5\r\n\r\nding";
		expectTrace(wire, `
			verdict.status = 400
			verdict.reason = "Body shorter than Content-Length"
			verdict.errorAt = ${wire.length}
		`);
	});

	it("refuses a Content-Length that is negative, signed, spaced or not a number (§20.14 1*DIGIT; RFC 4475 §3.1.2.3)", () => {
		for (const value of ["-4", "+4", "4 4", "four", "0x4", ""]) {
			const t = traceOf(OPTIONS_LINE + DIALOG + `CSeq: 1 OPTIONS\r\nContent-Length: ${value}\r\n\r\nding`);
			assert.equal(t.get("verdict.reason"), `Bad Content-Length: ${value}`, value);
		}
	});

	it("refuses a Content-Length of 2^32 or more without wrapping it (§20.14; RFC 4475 §3.1.2.4)", () => {
		for (const value of ["4294967296", "4294967300", "36893488147419103232"]) {
			const t = traceOf(OPTIONS_LINE + DIALOG + `CSeq: 1 OPTIONS\r\nContent-Length: ${value}\r\n\r\nding`);
			assert.equal(t.get("verdict.reason"), `Bad Content-Length: ${value}`, value);
		}
	});

	it("refuses Content-Length values that disagree, whatever their spelling (§20.14; RFC 4475 §3.3.9)", () => {
		expectTrace(OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nl: 4\r\nContent-Length: 3\r\n\r\nding", `
			verdict.status = 400
			verdict.reason = "Conflicting Content-Length: 3"
		`);
	});

	it("accepts Content-Length repeated with one value (§20.14; RFC 4475 §3.3.9 refuses only conflicts)", () => {
		expectTrace(OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nl: 4\r\nContent-Length: 0004\r\n\r\nding", `
			contentLength = 4
			body = "ding"
		`);
	});

	it("carries a binary body untouched: NUL, bare CR and bare LF (§7.4; RFC 4475 §3.1.1.11)", () => {
		const body = "\x00\r\n\r\x00\n\xff\r";
		expectTrace(OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nContent-Type: application/octet-stream\r\nContent-Length: 8\r\n\r\n" + body, `
			bodyLength = 8
			body = ${JSON.stringify(body)}
		`);
	});
});

describe("§7.5 Line ends", () => {
	it("accepts LF alone as a line end (§7.5 silent; liberal receiving)", () => {
		expectTrace(OPTIONS.replace(/\r\n/g, "\n"), `
			method = "OPTIONS"
			headerCount = 6
			via[0].branch = "z9hG4bK74bf9"
		`);
	});

	it("refuses a bare CR in the header section, pointing at it (§7.5: CRLF)", () => {
		const wire = OPTIONS_LINE + VIA + "From: <sip:hall@192.0.2.20>;tag=1\rTo: <sip:door@192.0.2.10>\r\n" + CALL_ID + "CSeq: 1 OPTIONS\r\n\r\n";
		expectTrace(wire, `
			verdict.status = 400
			verdict.reason = "Bad line end: bare CR"
			verdict.errorAt = ${wire.indexOf("\r", OPTIONS_LINE.length + VIA.length)}
		`);
	});

	it("refuses a bare CR in the start line (§7.1, §7.5)", () => {
		expectTrace("OPTIONS sip:door@192.0.2.10\rSIP/2.0\r\n" + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n", `
			verdict.status = 400
			verdict.reason = "Bad line end: bare CR"
			verdict.errorAt = 27
		`);
	});

	it("refuses a header section without the empty line (§7.5; RFC 4475 §3.1.2.15's archive)", () => {
		expectTrace(OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n", `
			verdict.status = 400
			verdict.reason = "Header section not terminated"
		`);
	});

	it("refuses a datagram of nothing but CRLFs (§7.5)", () => {
		expectTrace("\r\n", `
			verdict.status = 400
			verdict.reason = "Empty message"
		`);
	});
});

describe("Limits: a message beyond the fixed sizes is a verdict, never a growth (DESIGN.md §3)", () => {
	it("answers 513 when the header section is longer than maxMessageBytes (§21.5.7)", () => {
		expectTrace(OPTIONS_LINE + DIALOG + "Subject: " + "ding dong ".repeat(30) + "\r\nCSeq: 1 OPTIONS\r\n\r\n", `
			verdict.status = 513
			verdict.reason = "Message Too Large"
		`, { limits: { maxMessageBytes: 256 } });
	});

	it("answers 513 when the body takes the message past maxMessageBytes (§21.5.7)", () => {
		expectTrace(OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nContent-Length: 100\r\n\r\n" + "x".repeat(100), `
			verdict.status = 513
			verdict.reason = "Message Too Large"
		`, { limits: { maxMessageBytes: 256 } });
	});

	it("accepts a message of exactly maxMessageBytes (§21.5.7)", () => {
		const head = OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nContent-Length: 100\r\n\r\n";
		const wire = head + "x".repeat(100);
		expectTrace(wire, `bodyLength = 100`, { limits: { maxMessageBytes: wire.length } });
		expectTrace(wire, `verdict.status = 513`, { limits: { maxMessageBytes: wire.length - 1 } });
	});

	it("measures the message, not the ignored octets after it (§18.3)", () => {
		expectTrace(OPTIONS + "y".repeat(500), `bodyLength = 0`, { limits: { maxMessageBytes: 256 } });
	});

	it("accepts exactly maxHeaders header lines and answers 400 Too Many Headers to one more (DESIGN.md §3)", () => {
		const six = OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
		expectTrace(six, `headerCount = 6`, { limits: { maxHeaders: 6 } });
		expectTrace(six.replace("CSeq", "Max-Forwards: 70\r\nCSeq"), `
			verdict.status = 400
			verdict.reason = "Too Many Headers"
		`, { limits: { maxHeaders: 6 } });
	});

	it("counts a folded line and a comma list as one header line (§7.3.1)", () => {
		expectTrace(OPTIONS_LINE + DIALOG + "Allow: INVITE,\r\n ACK, BYE\r\nCSeq: 1 OPTIONS\r\n\r\n", `headerCount = 6`, { limits: { maxHeaders: 6 } });
	});

	it("answers 400 Too Many Headers to more values in one line than maxValuesPerHeader, naming the header (DESIGN.md §3)", () => {
		expectTrace(OPTIONS_LINE + DIALOG + "Allow: INVITE, ACK, BYE\r\nk: a, b, c, d\r\nCSeq: 1 OPTIONS\r\n\r\n", `
			verdict.status = 400
			verdict.reason = "Too Many Headers: values in k"
		`, { limits: { maxValuesPerHeader: 3 } });
	});

	it("answers 400 Too Many Headers when the values overflow the view's table, maxHeaderValues (DESIGN.md §3)", () => {
		const wire = OPTIONS_LINE + DIALOG + "Allow: INVITE, ACK\r\nCSeq: 1 OPTIONS\r\n\r\n";
		expectTrace(wire, `h.allow.length = 2`, { limits: { maxHeaderValues: 7 } });
		expectTrace(wire, `verdict.reason = "Too Many Headers"`, { limits: { maxHeaderValues: 6 } });
	});
});

describe("Scanner discipline: offsets, reuse and hostile input (DESIGN.md §3)", () => {
	it("scans a message inside a larger buffer without reading past `end` (§18.3)", () => {
		const wire = OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r";
		const buf = new Uint8Array(100 + wire.length + 50).fill(0x0a); // LFs everywhere outside [100, end)
		buf.set(bytesOf(wire), 100);
		const view = new MessageView(DEFAULT_LIMITS);
		const scanner = new Scanner(DEFAULT_LIMITS);
		// The CR at end - 1 has its LF only beyond `end`: the header section is unterminated.
		assert.equal(scanner.scan(buf, 100, 100 + wire.length, view), 400);
		assert.equal(scanner.reason, "Header section not terminated");

		const whole = bytesOf(OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\n\r\nding");
		buf.fill(0x41);
		buf.set(whole, 30);
		assert.equal(scanner.scan(buf, 30, 30 + whole.length, view), 0);
		assert.deepEqual([view.start, view.methodStart, view.bodyEnd - view.bodyStart, view.end], [30, 30, 4, 30 + whole.length]);
	});

	it("forgets the previous message when it scans the next one into the same view (DESIGN.md §3: preallocated, reused)", () => {
		const scanner = new Scanner(DEFAULT_LIMITS);
		const view = new MessageView(DEFAULT_LIMITS);
		const first = bytesOf(OPTIONS_LINE + DIALOG + "Allow: INVITE, ACK\r\nCSeq: 1 OPTIONS\r\n\r\n");
		const second = bytesOf(RINGING);
		assert.equal(scanner.scan(first, 0, first.length, view), 0);
		assert.equal(view.count(H_ALLOW), 2);
		assert.equal(scanner.scan(second, 0, second.length, view), 0);
		assert.deepEqual([view.isRequest, view.status, view.count(H_ALLOW), view.find(H_ALLOW), view.buf === second], [false, 180, 0, -1, true]);
		assert.equal(scanner.reason, "");
		assert.equal(scanner.errorAt, -1);
	});

	it("never throws, whatever the bytes, and answers only 0, 400, 505 or 513 (RFC 4475 §3: must not crash)", () => {
		let seed = 0x5eed;
		const random = (): number => {
			seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
			return seed >>> 8;
		};
		const base = bytesOf(
			"INVITE sip:door@[2001:db8::10];transport=udp SIP/2.0\r\n" + DIALOG +
			"Contact: \"A, B\" <sip:a@b>, <sip:c@d>\r\nCSeq: 1 INVITE\r\nContent-Length: 4\r\n\r\nding",
		);
		const parser = new SipParser(limitsWith({ maxHeaders: 12, maxHeaderValues: 16 }));
		const noise = ":;,<>\"\\ \t\r\n@[]%0\x00\xff";
		const seen = new Set<number>();
		for (let round = 0; round < 3000; round++) {
			const buf = base.slice();
			const edits = 1 + (random() % 4);
			for (let k = 0; k < edits; k++) buf[random() % buf.length] = noise.charCodeAt(random() % noise.length);
			const end = random() % (buf.length + 1);
			seen.add(parser.parse(buf, 0, end));
		}
		for (const status of seen) assert.ok([0, 400, 505, 513].includes(status), String(status));
		assert.ok(seen.has(0) && seen.has(400));
	});
});
