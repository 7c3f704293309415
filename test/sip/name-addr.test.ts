// name-addr and addr-spec with display names and header parameters (From, To, Contact, Route) — RFC 3261 §20.10, §25.1.
import assert from "node:assert/strict";
import { expectFields } from "./trace.js";
import { hasTag, NameAddr, parseNameAddr } from "../../src/sip/name-addr.js";
import { H_CONTACT, H_FROM, H_TO } from "../../src/sip/header-ids.js";
import { DEFAULT_LIMITS } from "../../src/sip/limits.js";
import { SipParser } from "../../src/sip/parser.js";
import { ascii, text } from "../../src/sip/bytes.js";
import { findParam } from "../../src/sip/params.js";
import { Span } from "../../src/sip/bytes.js";

function nameAddr(s: string, requireBrackets = false): NameAddr | null {
	const b = ascii(s);
	const n = new NameAddr();
	return parseNameAddr(b, 0, b.length, n, requireBrackets) ? n : null;
}

/** Parse and check the listed fields, one `name = JSON value` per line. */
function expectNameAddr(s: string, expected: string): void {
	const n = nameAddr(s);
	assert.ok(n !== null, `${s} does not parse`);
	const buf = n.uri.buf;
	const fields: Record<string, unknown> = {
		display: n.displayText(),
		displayRaw: n.displayStart < 0 ? null : text(buf, n.displayStart, n.displayEnd),
		bracketed: n.bracketed,
		uri: n.uri.toString(),
		user: n.uri.userStart < 0 ? null : n.uri.userText(),
		host: n.uri.hostText(),
		uriParams: text(buf, n.uri.paramsStart, n.uri.paramsEnd),
		params: text(buf, n.paramsStart, n.paramsEnd).trim(),
		tag: n.tag.present ? text(buf, n.tag.start, n.tag.end) : null,
	};
	expectFields(fields, expected, s);
}

describe("§20.10, §25.1 name-addr: display names", () => {
	it("reads a quoted display name, unquoted and unescaped on request (§25.1 quoted-string, quoted-pair)", () => {
		expectNameAddr("\"Front \\\"Door\\\" \\\\ 1\" <sip:door@192.0.2.10>;tag=a1", `
			display = "Front \\"Door\\" \\\\ 1"
			displayRaw = "\\"Front \\\\\\"Door\\\\\\" \\\\\\\\ 1\\""
			bracketed = true
			uri = "sip:door@192.0.2.10"
			tag = "a1"
		`);
	});

	it("reads a token display name of several words (§25.1 display-name = *(token LWS))", () => {
		expectNameAddr("Front Door <sip:door@192.0.2.10>", `
			display = "Front Door"
			uri = "sip:door@192.0.2.10"
		`);
	});

	it("accepts a token display name directly followed by '<' (RFC 4475 §3.1.1.6: the RFC 3261 grammar bug)", () => {
		expectNameAddr("door<sip:door@192.0.2.10>;tag=323", `
			display = "door"
			uri = "sip:door@192.0.2.10"
			tag = "323"
		`);
	});

	it("accepts an empty quoted display name and none at all (§25.1)", () => {
		expectNameAddr("\"\" <sip:door@192.0.2.10>", `
			display = ""
			displayRaw = "\\"\\""
		`);
		expectNameAddr("<sip:door@192.0.2.10>", `
			displayRaw = null
			bracketed = true
		`);
	});

	it("accepts NUL, BEL and DEL as quoted-pairs in a display name (§25.1 quoted-pair; RFC 4475 §3.1.1.2)", () => {
		expectNameAddr("\"bell \\\x07 \\\x00 \\\x7f\" <sip:door@192.0.2.10>", `display = "bell \\u0007 \\u0000 \\u007f"`);
	});

	it("refuses an unterminated quoted display name without reading past the value (§25.1; RFC 4475 §3.1.2.6)", () => {
		assert.equal(nameAddr("\"Front Door <sip:door@192.0.2.10>"), null);
		assert.equal(nameAddr("\"Front Door\\\" <sip:door@192.0.2.10>"), null);
	});

	it("refuses an unquoted display name with non-token characters (§25.1; RFC 4475 §3.1.2.15)", () => {
		assert.equal(nameAddr("Door, Front <sip:door@192.0.2.10>"), null);
		assert.equal(nameAddr("Front@Door <sip:door@192.0.2.10>"), null);
	});

	it("refuses a quoted display name not followed by <URI> (§25.1 name-addr)", () => {
		assert.equal(nameAddr("\"Front Door\" sip:door@192.0.2.10"), null);
	});
});

describe("§20.10, §25.1 name-addr: the URI in <>", () => {
	it("reads URI parameters inside <> and header parameters after it (§20.10; RFC 4475 §3.3.13)", () => {
		expectNameAddr("<sip:door@192.0.2.10;transport=tcp;x-ring>;expires=60;q=0.5", `
			uriParams = ";transport=tcp;x-ring"
			params = ";expires=60;q=0.5"
		`);
	});

	it("accepts URI headers inside <> (§20.10; RFC 4475 §3.3.14)", () => {
		expectNameAddr("<sip:door@192.0.2.10?Subject=%22ring%22>", `uri = "sip:door@192.0.2.10?Subject=%22ring%22"`);
	});

	it("accepts other schemes inside <> (§20.10; RFC 4475 §3.3.4)", () => {
		expectNameAddr("\"web\" <https://door.example.org/front>;tag=5", `
			uri = "https://door.example.org/front"
			tag = "5"
		`);
	});

	it("refuses white space inside <> (§25.1 name-addr; RFC 4475 §3.1.2.14)", () => {
		assert.equal(nameAddr("\"Front\" < sip:door@192.0.2.10 >"), null);
	});

	it("refuses a '<' without its '>' and text after the URI that is not a parameter (§25.1)", () => {
		assert.equal(nameAddr("<sip:door@192.0.2.10"), null);
		assert.equal(nameAddr("<sip:door@192.0.2.10> extra"), null);
		assert.equal(nameAddr("<sip:door@192.0.2.10>;tag=1,<sip:x@y>"), null);
	});

	it("refuses a malformed URI inside <> (§19.1.1)", () => {
		assert.equal(nameAddr("<sip:door@192.0.2.256>"), null);
		assert.equal(nameAddr("<door>"), null);
	});
});

describe("§20.10 addr-spec without <>", () => {
	it("takes the parameters after an addr-spec as header parameters (§20.10; RFC 4475 §3.3.12)", () => {
		expectNameAddr("sip:+4930555@gw1.example.net;unknownparam;tag=x1", `
			bracketed = false
			uri = "sip:+4930555@gw1.example.net"
			uriParams = ""
			params = ";unknownparam;tag=x1"
			tag = "x1"
		`);
	});

	it("allows LWS between an addr-spec and its parameters (§25.1 SEMI)", () => {
		expectNameAddr("sip:door@192.0.2.10 ; tag = t9", `
			uri = "sip:door@192.0.2.10"
			tag = "t9"
		`);
	});

	it("refuses URI headers in an addr-spec, which need <> (§20.10; RFC 4475 §3.1.2.13)", () => {
		assert.equal(nameAddr("sip:door@192.0.2.10?Subject=ring"), null);
	});

	it("accepts an addr-spec of another scheme (§20.10; RFC 4475 §3.3.4)", () => {
		expectNameAddr("tel:+49-30-5550100;tag=9", `
			uri = "tel:+49-30-5550100"
			tag = "9"
		`);
	});

	it("refuses an addr-spec where a name-addr is required: Route, Record-Route (§20.30, §20.34)", () => {
		const b = ascii("sip:proxy.example.net;lr");
		assert.equal(parseNameAddr(b, 0, b.length, new NameAddr(), true), false);
		const c = ascii("<sip:proxy.example.net;lr>");
		assert.equal(parseNameAddr(c, 0, c.length, new NameAddr(), true), true);
	});

	it("refuses an empty value (§25.1)", () => {
		assert.equal(nameAddr(""), null);
		assert.equal(nameAddr("   "), null);
	});
});

describe("§19.3, §7.3.1 Header parameters and the tag", () => {
	it("reads the tag among other parameters, its name case-insensitively (§19.3, §7.3.1)", () => {
		expectNameAddr("<sip:door@192.0.2.10>;x=1;TAG=9fxced76sl;y", `tag = "9fxced76sl"`);
	});

	it("does not read a ';tag=' inside a quoted display name or inside <> as the tag (§20.10, §19.3)", () => {
		expectNameAddr("\"door;tag=no\" <sip:door@192.0.2.10;tag=neither>", `
			display = "door;tag=no"
			uriParams = ";tag=neither"
			tag = null
		`);
	});

	it("reports no tag when there is none (§8.2.6.2: the UAS adds one)", () => {
		expectNameAddr("<sip:door@192.0.2.10>;x-tagged=1", `tag = null`);
	});

	it("says whether From or To of a message carries a tag, with its span (§19.3, §8.2.6.2)", () => {
		const parser = new SipParser(DEFAULT_LIMITS);
		const wire = ascii("BYE sip:door@192.0.2.10 SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.20;branch=z9hG4bK1\r\n" +
			"From: <sip:alice@192.0.2.20>;tag=a1\r\nTo: \"door;tag=no\" <sip:door@192.0.2.10>\r\nCall-ID: c1\r\nCSeq: 2 BYE\r\n\r\n");
		assert.equal(parser.parse(wire, 0, wire.length), 0);
		const na = new NameAddr();
		assert.equal(hasTag(parser.view, H_FROM, na), true);
		assert.equal(text(wire, na.tag.start, na.tag.end), "a1");
		assert.equal(hasTag(parser.view, H_TO, na), false);
		assert.equal(hasTag(parser.view, H_CONTACT, na), false);
	});

	it("keeps a quoted parameter value with ';' and ',' in it (§25.1 gen-value)", () => {
		expectNameAddr("<sip:door@192.0.2.10>;x-note=\"a;b,c\";tag=q", `tag = "q"`);
	});

	it("refuses empty parameters (§25.1 generic-param; RFC 4475 §3.1.2.1)", () => {
		assert.equal(nameAddr("<sip:door@192.0.2.10>;;;;"), null);
		assert.equal(nameAddr("<sip:door@192.0.2.10>;tag="), null);
		assert.equal(nameAddr("<sip:door@192.0.2.10>;=1"), null);
	});

	it("finds a parameter's value with findParam, or an empty span for a flag (§7.3.1)", () => {
		const b = ascii(";lr ; expires = 60");
		const v = new Span();
		assert.equal(findParam(b, 0, b.length, ascii("expires"), v), true);
		assert.equal(text(b, v.start, v.end), "60");
		assert.equal(findParam(b, 0, b.length, ascii("lr"), v), true);
		assert.deepEqual([v.start, v.length], [3, 0]);
		assert.equal(findParam(b, 0, b.length, ascii("q"), v), false);
		assert.equal(v.present, false);
	});
});
