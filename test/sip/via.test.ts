// The Via header value: sent-protocol, sent-by and parameters — RFC 3261 §20.42, §18.2.1, §8.1.1.7; RFC 3581; RFC 5118 §4.5.
import assert from "node:assert/strict";
import { expectFields } from "./trace.js";
import { MAGIC_COOKIE, parseVia, T_OTHER, T_SCTP, T_TCP, T_TLS, T_UDP, T_WS, T_WSS, ViaView } from "../../src/sip/via.js";
import { HOST_IPV4, HOST_IPV6, HOST_NAME } from "../../src/sip/uri.js";
import { ascii, text } from "../../src/sip/bytes.js";

function via(s: string): ViaView | null {
	const b = ascii(s);
	const v = new ViaView();
	return parseVia(b, 0, b.length, v) ? v : null;
}

function span(v: ViaView, start: number, end: number): string | null {
	return start < 0 ? null : text(v.buf, start, end);
}

/** Parse one Via value and check the listed fields, one `name = JSON value` per line. */
function expectVia(s: string, expected: string): void {
	const v = via(s);
	assert.ok(v !== null, `${s} does not parse`);
	const fields: Record<string, unknown> = {
		protocol: text(v.buf, v.protocolStart, v.protocolEnd),
		version: text(v.buf, v.versionStart, v.versionEnd),
		transport: v.transportText(),
		transportId: v.transport,
		host: text(v.buf, v.hostStart, v.hostEnd),
		hostKind: v.hostKind,
		port: v.port,
		sentBy: v.sentByText(),
		branch: span(v, v.branch.start, v.branch.end),
		received: span(v, v.received.start, v.received.end),
		rport: span(v, v.rport.start, v.rport.end),
		branchIsRfc3261: v.branchIsRfc3261,
	};
	expectFields(fields, expected, s);
}

describe("§20.42 Via: sent-protocol", () => {
	it("reads protocol name, version and transport (§20.42)", () => {
		expectVia("SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK74bf9", `
			protocol = "SIP"
			version = "2.0"
			transport = "UDP"
			transportId = ${T_UDP}
		`);
	});

	it("allows LWS around each '/' (§25.1 SLASH = SWS \"/\" SWS; RFC 4475 §3.1.1.1)", () => {
		expectVia("SIP /\t2.0\r\n / TCP gate.example.org", `
			version = "2.0"
			transport = "TCP"
			host = "gate.example.org"
		`);
	});

	it("maps the transports it knows case-insensitively (§18, RFC 4168, RFC 7118)", () => {
		const ids = ["udp", "TCP", "Tls", "SCTP", "ws", "WSS"].map((t) => via(`SIP/2.0/${t} gate.example.org`)?.transport);
		assert.deepEqual(ids, [T_UDP, T_TCP, T_TLS, T_SCTP, T_WS, T_WSS]);
	});

	it("accepts an extension transport (§25.1 other-transport; RFC 4475 §3.1.1.10)", () => {
		expectVia("SIP/2.0/DOORNET gate.example.org", `
			transport = "DOORNET"
			transportId = ${T_OTHER}
		`);
	});

	it("keeps the protocol version it is given for the transaction layer to judge (RFC 4475 §3.1.2.16)", () => {
		expectVia("SIP/7.0/UDP gate.example.org", `version = "7.0"`);
	});

	it("refuses a sent-protocol without three '/'-separated tokens or without LWS before sent-by (§20.42)", () => {
		for (const s of ["SIP/2.0 gate.example.org", "SIP/2.0/ gate.example.org", "SIP//UDP gate.example.org", "SIP/2.0/UDPgate.example.org", "SIP/2.0/UDP", "SIP/2.0/UDP ", ""]) {
			assert.equal(via(s), null, JSON.stringify(s));
		}
	});
});

describe("§18.2.1, §20.42 Via: sent-by", () => {
	it("reads host and port (§20.42 sent-by = host [ COLON port ])", () => {
		expectVia("SIP/2.0/UDP 192.0.2.20:5062", `
			host = "192.0.2.20"
			hostKind = ${HOST_IPV4}
			port = 5062
			sentBy = "192.0.2.20:5062"
		`);
	});

	it("leaves the port absent (-1) when not given: the default depends on the transport (§18.2.2)", () => {
		expectVia("SIP/2.0/TLS gate.example.org", `
			hostKind = ${HOST_NAME}
			port = -1
			sentBy = "gate.example.org"
		`);
	});

	it("allows LWS around the ':' before the port (§25.1 COLON = SWS \":\" SWS)", () => {
		expectVia("SIP/2.0/UDP gate.example.org : 5080 ;branch=z9hG4bKsp", `
			port = 5080
			branch = "z9hG4bKsp"
		`);
	});

	it("reads an IPv6 reference with or without a port (RFC 5118 §4.1, §4.7)", () => {
		expectVia("SIP/2.0/UDP [2001:db8::9:1]:6050;branch=z9hG4bKv6", `
			host = "[2001:db8::9:1]"
			hostKind = ${HOST_IPV6}
			port = 6050
			sentBy = "[2001:db8::9:1]:6050"
		`);
		expectVia("SIP/2.0/TCP [::ffff:192.0.2.20]", `
			hostKind = ${HOST_IPV6}
			port = -1
		`);
	});

	it("refuses a missing host, a bad port and text after the sent-by (§20.42)", () => {
		for (const s of ["SIP/2.0/UDP :5060", "SIP/2.0/UDP gate.example.org:", "SIP/2.0/UDP gate.example.org:65536", "SIP/2.0/UDP gate.example.org:123456", "SIP/2.0/UDP gate.example.org junk", "SIP/2.0/UDP 2001:db8::1"]) {
			assert.equal(via(s), null, s);
		}
	});
});

describe("§20.42 Via: parameters", () => {
	it("reads branch, received and rport among other parameters, names case-insensitively (§20.42, RFC 3581 §4)", () => {
		expectVia("SIP/2.0/UDP 192.0.2.20;TTL=16;Branch=z9hG4bK74bf9;RECEIVED=192.0.2.99;rport=4321;x-door=front", `
			branch = "z9hG4bK74bf9"
			received = "192.0.2.99"
			rport = "4321"
		`);
	});

	it("reads a bare rport as present and empty: the client asks for the port (RFC 3581 §3)", () => {
		expectVia("SIP/2.0/UDP 192.0.2.20:5060;rport;branch=z9hG4bK74bf9", `
			rport = ""
			branch = "z9hG4bK74bf9"
		`);
		expectVia("SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK74bf9", `rport = null`);
	});

	it("allows LWS around ';' and '=' (§25.1 SEMI, EQUAL; RFC 4475 §3.1.1.1)", () => {
		expectVia("SIP/2.0/UDP gate.example.org \r\n ; branch = z9hG4bKws ;\treceived=192.0.2.1", `
			branch = "z9hG4bKws"
			received = "192.0.2.1"
		`);
	});

	it("reads received as an IPv6 address with or without brackets (RFC 5118 §4.5)", () => {
		expectVia("SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bKa", `received = "[2001:db8::9:255]"`);
		expectVia("SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bKa", `received = "2001:db8::9:255"`);
	});

	it("accepts a quoted parameter value (§25.1 gen-value = token / host / quoted-string)", () => {
		expectVia("SIP/2.0/UDP gate.example.org;x-note=\"a;b, c\";branch=z9hG4bKq", `branch = "z9hG4bKq"`);
	});

	it("refuses empty parameters, an '=' without a value and an unterminated quote (§25.1; RFC 4475 §3.1.2.1)", () => {
		for (const s of [
			"SIP/2.0/UDP 192.0.2.15;;,;,,", "SIP/2.0/UDP 192.0.2.15;", "SIP/2.0/UDP 192.0.2.15;branch=", "SIP/2.0/UDP 192.0.2.15;=z9hG4bK1",
			"SIP/2.0/UDP 192.0.2.15;x=\"open", "SIP/2.0/UDP 192.0.2.15;branch=z9hG4bK1 x",
		]) {
			assert.equal(via(s), null, s);
		}
	});

	it("reads a Via without branch as an RFC 2543 one (§17.2.3; RFC 4475 §3.4.1)", () => {
		expectVia("SIP/2.0/UDP iftgw.example.org", `
			branch = null
			branchIsRfc3261 = false
		`);
	});
});

describe("§8.1.1.7 The branch magic cookie", () => {
	it("recognises an RFC 3261 branch by the case-sensitive prefix z9hG4bK (§8.1.1.7)", () => {
		assert.equal(text(MAGIC_COOKIE, 0, MAGIC_COOKIE.length), "z9hG4bK");
		expectVia("SIP/2.0/UDP 192.0.2.20;branch=z9hG4bK74bf9", `branchIsRfc3261 = true`);
		expectVia("SIP/2.0/UDP 192.0.2.20;branch=Z9HG4BK74bf9", `branchIsRfc3261 = false`);
		expectVia("SIP/2.0/UDP 192.0.2.20;branch=74bf9z9hG4bK", `branchIsRfc3261 = false`);
	});

	it("does not take a branch that is only the cookie for an RFC 3261 identifier (RFC 4475 §3.2.1: fall back to RFC 2543)", () => {
		expectVia("SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK", `
			branch = "z9hG4bK"
			branchIsRfc3261 = false
		`);
		expectVia("SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1", `branchIsRfc3261 = true`);
	});
});
