// SIP, SIPS and other URIs: parsing, parameters and comparison — RFC 3261 §19.1, §25.1; RFC 5118.
import assert from "node:assert/strict";
import { expectFields } from "./trace.js";
import {
	findUriParam, HOST_IPV4, HOST_IPV6, HOST_NAME, parseUri, SCHEME_OTHER, SCHEME_SIP, SCHEME_SIPS, SCHEME_TEL, uriEquals, UriView,
} from "../../src/sip/uri.js";
import { ascii, Span, text } from "../../src/sip/bytes.js";

function parse(s: string): UriView | null {
	const b = ascii(s);
	const u = new UriView();
	return parseUri(b, 0, b.length, u) ? u : null;
}

function part(u: UriView, start: number, end: number): string | null {
	return start < 0 ? null : text(u.buf, start, end);
}

/** Parse `s` and check the listed parts, one `name = JSON value` per line. */
function expectUri(s: string, expected: string): void {
	const u = parse(s);
	assert.ok(u !== null, `${s} does not parse`);
	const kinds = ["", "name", "ipv4", "ipv6"];
	const schemes = ["", "sip", "sips", "tel", "other"];
	const fields: Record<string, unknown> = {
		scheme: schemes[u.scheme],
		user: part(u, u.userStart, u.userEnd),
		password: part(u, u.passwordStart, u.passwordEnd),
		host: part(u, u.hostStart, u.hostEnd),
		hostKind: kinds[u.hostKind],
		port: u.port,
		params: text(u.buf, u.paramsStart, u.paramsEnd),
		headers: text(u.buf, u.headersStart, u.headersEnd),
	};
	expectFields(fields, expected, s);
}

function refuses(list: string[]): void {
	for (const s of list) assert.equal(parse(s), null, `${s} should not parse`);
}

function equal(a: string, b: string): boolean {
	const x = parse(a), y = parse(b);
	assert.ok(x !== null && y !== null, `${a} | ${b}`);
	const forward = uriEquals(x, y), backward = uriEquals(y, x);
	assert.equal(forward, backward, `comparison is not symmetric for ${a} | ${b}`);
	return forward;
}
function assertEqual(a: string, b: string): void {
	assert.equal(equal(a, b), true, `${a} should equal ${b}`);
}
function assertNotEqual(a: string, b: string): void {
	assert.equal(equal(a, b), false, `${a} should differ from ${b}`);
}

describe("§19.1.1 SIP and SIPS URI components", () => {
	it("reads user, password, host, port, uri-parameters and headers (§19.1.1)", () => {
		expectUri("sip:door:s3cr%65t@gate.example.org:5070;transport=tcp;lr?subject=ring&priority=urgent", `
			scheme = "sip"
			user = "door"
			password = "s3cr%65t"
			host = "gate.example.org"
			hostKind = "name"
			port = 5070
			params = ";transport=tcp;lr"
			headers = "subject=ring&priority=urgent"
		`);
	});

	it("leaves absent parts absent: no user, no port (-1), empty params and headers (§19.1.1)", () => {
		expectUri("sip:gate.example.org", `
			user = null
			password = null
			host = "gate.example.org"
			port = -1
			params = ""
			headers = ""
		`);
	});

	it("reads the scheme case-insensitively and tells SIPS from SIP (§19.1.1, §19.1.4)", () => {
		expectUri("SIP:door@gate.example.org", `scheme = "sip"`);
		expectUri("sIpS:door@gate.example.org", `scheme = "sips"`);
		assert.equal(parse("sips:door@gate.example.org")?.isSip, true);
	});

	it("reads a port from 0 to 65535 and refuses larger, longer or empty ones (§25.1 port)", () => {
		expectUri("sip:192.0.2.10:0", `port = 0`);
		expectUri("sip:192.0.2.10:65535", `port = 65535`);
		expectUri("sip:192.0.2.10:05060", `port = 5060`);
		refuses(["sip:192.0.2.10:65536", "sip:192.0.2.10:000005060", "sip:192.0.2.10:", "sip:192.0.2.10:50a"]);
	});

	it("lets the user part hold ';', '?', '/' and escapes before the '@' (§25.1 user-unreserved; RFC 4475 §3.1.1.9)", () => {
		expectUri("sip:front;door=a%40b?x/y@gate.example.org;lr", `
			user = "front;door=a%40b?x/y"
			host = "gate.example.org"
			params = ";lr"
		`);
	});

	it("accepts an empty password after the ':' (§25.1 password = *( ... ))", () => {
		expectUri("sip:door:@gate.example.org", `
			user = "door"
			password = ""
		`);
	});

	it("reads flag and valued uri-parameters with escapes (§19.1.1, §25.1 uri-parameter)", () => {
		expectUri("sip:gate.example.org;lr;maddr=239.255.255.1;x-%72ing=a%20b;ttl=15", `params = ";lr;maddr=239.255.255.1;x-%72ing=a%20b;ttl=15"`);
	});

	it("refuses empty parameter names or values (§25.1 pname = 1*paramchar, pvalue = 1*paramchar)", () => {
		refuses(["sip:gate.example.org;", "sip:gate.example.org;;lr", "sip:gate.example.org;=tcp", "sip:gate.example.org;transport="]);
	});

	it("reads headers with empty values and refuses a '?' without a header (§25.1 headers)", () => {
		expectUri("sip:gate.example.org?subject=&body=ding%0D%0A", `headers = "subject=&body=ding%0D%0A"`);
		refuses(["sip:gate.example.org?", "sip:gate.example.org?subject", "sip:gate.example.org?=ring", "sip:gate.example.org?a=1&"]);
	});

	it("refuses white space, a second '@' and an empty user (§25.1)", () => {
		refuses(["sip:front door@gate.example.org", "sip:door@gate.example.org@other.example.org", "sip:@gate.example.org", "sip:", "sip:door@", "sip:gate.example.org x"]);
	});
});

describe("§19.1.2 Escaping", () => {
	it("accepts %HH escapes in user, password, parameters and headers (§19.1.2)", () => {
		expectUri("sip:%46ront%2Fdoor:p%61ss@gate.example.org;n%61me=v%41lue?s%75bject=%22hi%22", `
			user = "%46ront%2Fdoor"
			password = "p%61ss"
			params = ";n%61me=v%41lue"
			headers = "s%75bject=%22hi%22"
		`);
	});

	it("accepts %00 in a user part without treating it as an end (RFC 4475 §3.1.1.4)", () => {
		expectUri("sip:null-%00-null@gate.example.org", `user = "null-%00-null"`);
	});

	it("refuses a truncated or non-hex escape (§25.1 escaped = \"%\" HEXDIG HEXDIG)", () => {
		refuses(["sip:door%4@gate.example.org", "sip:door%zz@gate.example.org", "sip:door%@gate.example.org", "sip:gate.example.org;lr%2", "sip:gate.example.org?s=%4"]);
	});

	it("refuses escapes in the host, which the grammar does not allow (§19.1.2 table: host)", () => {
		refuses(["sip:door@g%61te.example.org", "sip:%67ate.example.org"]);
	});
});

describe("§25.1 Hosts: hostname, IPv4address", () => {
	it("reads four decimal octets as an IPv4 address (§25.1 IPv4address)", () => {
		expectUri("sip:door@192.0.2.255", `
			host = "192.0.2.255"
			hostKind = "ipv4"
		`);
		assert.equal(parse("sip:0.0.0.0")?.hostKind, HOST_IPV4);
	});

	it("refuses an octet above 255 and a dotted number that is neither address nor hostname (§25.1)", () => {
		refuses(["sip:192.0.2.256", "sip:1.2.3", "sip:1.2.3.4.5", "sip:1.2.3.4."]);
	});

	it("reads a hostname whose labels may start with a digit but whose top label starts with a letter (§25.1 toplabel)", () => {
		expectUri("sip:door@3com.example.org", `hostKind = "name"`);
		expectUri("sip:door@gate-1.example.org.", `host = "gate-1.example.org."`);
		expectUri("sip:localhost", `host = "localhost"`);
		assert.equal(parse("sip:gate.example.org")?.hostKind, HOST_NAME);
		refuses(["sip:door@gate.example.123", "sip:door@gate..example.org", "sip:door@.example.org", "sip:door@gate_1.example.org"]);
	});
});

describe("RFC 5118 IPv6 references", () => {
	it("reads an IPv6 reference with its brackets and the port after ']' (RFC 5118 §4.1, §4.4)", () => {
		expectUri("sip:door@[2001:db8::10]:5070", `
			host = "[2001:db8::10]"
			hostKind = "ipv6"
			port = 5070
		`);
	});

	it("reads the digits after the last ':' inside the brackets as part of the address, not a port (RFC 5118 §4.3)", () => {
		expectUri("sip:[2001:db8::10:5070]", `
			host = "[2001:db8::10:5070]"
			port = -1
		`);
	});

	it("reads IPv4-mapped IPv6 addresses (RFC 5118 §4.9)", () => {
		expectUri("sip:door@[::ffff:192.0.2.10]", `
			host = "[::ffff:192.0.2.10]"
			hostKind = "ipv6"
		`);
	});

	it("tolerates the three-colon form RFC 3261's ABNF allows (RFC 5118 §4.10)", () => {
		expectUri("sip:door@[2001:db8:::192.0.2.1]", `hostKind = "ipv6"`);
		assert.equal(parse("sip:door@[2001:db8::192.0.2.1]")?.hostKind, HOST_IPV6);
	});

	it("refuses an IPv6 address without brackets, unterminated, or with non-hex digits (RFC 5118 §4.2, §25.1)", () => {
		refuses(["sip:2001:db8::10", "sip:door@[2001:db8::10", "sip:door@[2001:dg8::10]", "sip:door@[]", "sip:door@[10]"]);
	});
});

describe("§25.1 absoluteURI: other schemes", () => {
	it("accepts any scheme with opaque content so the UA can answer 416 (§8.2.2.1; RFC 4475 §3.3.2, §3.3.3)", () => {
		expectUri("doorbell-x.v2+y:front/ring?long=1", `scheme = "other"`);
		expectUri("ring.ring://192.0.2.103:3002", `scheme = "other"`);
		expectUri("urn:x-door:front", `scheme = "other"`);
	});

	it("recognises tel: (RFC 3966) by name, case-insensitively", () => {
		assert.equal(parse("tel:+49-30-5550100")?.scheme, SCHEME_TEL);
		assert.equal(parse("TEL:+49-30-5550100")?.scheme, SCHEME_TEL);
		assert.equal(parse("sip:door@gate.example.org")?.scheme, SCHEME_SIP);
		assert.equal(parse("sips:door@gate.example.org")?.scheme, SCHEME_SIPS);
		assert.equal(parse("telx:1")?.scheme, SCHEME_OTHER);
	});

	it("refuses a scheme that does not start with a letter, an empty body, and white space or control octets (§25.1 scheme)", () => {
		refuses(["1door:front", ":front", "door:", "door", "do or:front", "door:fr ont", "door:front\x7f", "do_or:front"]);
	});
});

describe("§19.1.1 URI parameters (findUriParam)", () => {
	function param(s: string, name: string): string | null {
		const u = parse(s);
		assert.ok(u !== null, s);
		const value = new Span();
		const found = findUriParam(u, ascii(name), value);
		assert.equal(found, value.present);
		return found ? text(u.buf, value.start, value.end) : null;
	}

	it("finds a parameter by name case-insensitively and returns its value (§19.1.4: names compare case-insensitively)", () => {
		assert.equal(param("sip:gate.example.org;Transport=TCP;lr", "transport"), "TCP");
	});

	it("returns an empty value for a flag parameter such as lr (§19.1.1)", () => {
		assert.equal(param("sip:gate.example.org;transport=tcp;lr", "lr"), "");
	});

	it("matches an escaped parameter name after unescaping (RFC 4475 §3.1.1.3: %6C%72 is lr)", () => {
		assert.equal(param("sip:gate.example.org;%6C%72", "lr"), "");
		assert.equal(param("sip:gate.example.org;n%61me=v%61lue", "name"), "v%61lue");
	});

	it("reports an absent parameter, and never mistakes a ';' in the user part for one (RFC 4475 §3.1.1.9)", () => {
		assert.equal(param("sip:front;lr=1@gate.example.org;maddr=239.0.0.1", "lr"), null);
		assert.equal(param("sip:gate.example.org", "lr"), null);
		assert.equal(param("sip:gate.example.org;lrx", "lr"), null);
	});
});

describe("§19.1.4 URI comparison", () => {
	it("unescapes unreserved characters in userinfo and compares it case-sensitively (§19.1.4)", () => {
		// After the RFC's %61lice / alice example.
		assertEqual("sip:%64oor@gate.example.org;transport=TCP", "sip:door@GaTe.Example.ORG;Transport=tcp");
		// After the RFC's ALICE / alice example: different usernames.
		assertNotEqual("SIP:DOOR@gate.example.org;transport=udp", "sip:door@GATE.example.org;transport=UDP");
		assertNotEqual("sip:door:Pin@gate.example.org", "sip:door:pin@gate.example.org");
	});

	it("compares scheme, host and parameter names and values case-insensitively (§19.1.4)", () => {
		assertEqual("SIP:door@GATE.EXAMPLE.ORG;TRANSPORT=UDP;X-Ring=Long", "sip:door@gate.example.org;transport=udp;x-ring=long");
		assertEqual("sip:door@[2001:DB8::A]", "sip:door@[2001:db8::a]");
	});

	it("never equates a SIP and a SIPS URI (§19.1.4)", () => {
		assertNotEqual("sip:door@gate.example.org", "sips:door@gate.example.org");
	});

	it("does not equate an escaped reserved character with the character itself (§19.1.4)", () => {
		assertNotEqual("sip:front%3Bdoor@gate.example.org", "sip:front;door@gate.example.org");
		assertNotEqual("sip:a%2cb@gate.example.org", "sip:a,b@gate.example.org");
		assertEqual("sip:a%2cb@gate.example.org", "sip:a%2Cb@gate.example.org");
	});

	it("requires the user, password, host and port parts to match, present or absent alike (§19.1.4)", () => {
		assertNotEqual("sip:gate.example.org", "sip:door@gate.example.org");
		assertNotEqual("sip:door@gate.example.org", "sip:door:pin@gate.example.org");
		assertNotEqual("sip:door@gate.example.org", "sip:hall@gate.example.org");
	});

	it("treats an omitted port as different from an explicit 5060 (§19.1.4)", () => {
		// After the RFC's bob@biloxi.com / bob@biloxi.com:5060 example.
		assertNotEqual("sip:door@gate.example.org", "sip:door@gate.example.org:5060");
		assertEqual("sip:door@gate.example.org:5060", "sip:door@gate.example.org:05060");
	});

	it("does not equate a host name with an address it may resolve to (§19.1.4)", () => {
		assertNotEqual("sip:door@gate.example.org", "sip:door@192.0.2.10");
	});

	it("ignores a parameter present in only one URI (§19.1.4)", () => {
		// After the RFC's carol@chicago.com / ;newparam=5 / ;security=on examples.
		assertEqual("sip:porch@house.example.net", "sip:porch@house.example.net;chime=2");
		assertEqual("sip:porch@house.example.net", "sip:porch@house.example.net;volume=low");
	});

	it("requires equal values for a parameter present in both, which makes equality non-transitive (§19.1.4)", () => {
		assertEqual("sip:porch@house.example.net", "sip:porch@house.example.net;volume=low");
		assertEqual("sip:porch@house.example.net", "sip:porch@house.example.net;volume=high");
		assertNotEqual("sip:porch@house.example.net;volume=low", "sip:porch@house.example.net;volume=high");
		assertNotEqual("sip:porch@house.example.net;lr", "sip:porch@house.example.net;lr=on");
	});

	it("requires transport, user, ttl, method and maddr in both or neither (§19.1.4)", () => {
		// After the RFC's bob@biloxi.com / ;transport=udp example.
		for (const p of [";transport=udp", ";user=phone", ";ttl=1", ";method=REGISTER", ";maddr=239.255.255.1"]) {
			assertNotEqual("sip:door@gate.example.org", `sip:door@gate.example.org${p}`);
		}
		// After bob@biloxi.com / bob@biloxi.com:6000;transport=tcp: port and transport both differ.
		assertNotEqual("sip:door@gate.example.org", "sip:door@gate.example.org:6000;transport=tcp");
	});

	it("compares parameters and headers regardless of order (§19.1.4)", () => {
		// After the RFC's biloxi.com;transport=tcp;method=REGISTER?to=... example.
		assertEqual(
			"sip:pbx.example.net;transport=tcp;method=REGISTER?to=sip:door%40pbx.example.net",
			"sip:pbx.example.net;method=REGISTER;transport=tcp?to=sip:door%40pbx.example.net",
		);
		// After the RFC's ?subject=project%20x&priority=urgent example.
		assertEqual("sip:door@gate.example.org?subject=parcel%20here&priority=urgent", "sip:door@gate.example.org?priority=urgent&subject=parcel%20here");
	});

	it("requires every header component in both URIs (§19.1.4: headers are never ignored)", () => {
		// After the RFC's carol@chicago.com / ?Subject=next%20meeting example.
		assertNotEqual("sip:door@gate.example.org", "sip:door@gate.example.org?subject=parcel");
		assertNotEqual("sip:door@gate.example.org?subject=parcel", "sip:door@gate.example.org?subject=parcel&priority=urgent");
		assertNotEqual("sip:door@gate.example.org?subject=parcel", "sip:door@gate.example.org?subject=letter");
		assertEqual("sip:door@gate.example.org?Subject=parcel", "sip:door@gate.example.org?subject=parcel");
	});
});
