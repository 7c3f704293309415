// The RFC 4475 and RFC 5118 torture messages, byte-exact from test/fixtures/torture — RFC 4475 §3, RFC 5118 §4.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { SipParser } from "../../src/sip/parser.js";
import { DEFAULT_LIMITS } from "../../src/sip/limits.js";
import { summarize, type MessageSummary } from "../../src/sip/summary.js";
import { FRAME_ERROR, FRAME_MESSAGE, FRAME_NEED_MORE, StreamFramer } from "../../src/sip/stream-framer.js";
import { MessageView } from "../../src/sip/message-view.js";
import { Validator } from "../../src/sip/validate.js";
import { ViaView, parseVia } from "../../src/sip/via.js";
import { NameAddr, parseNameAddr } from "../../src/sip/name-addr.js";
import { parseUri, UriView } from "../../src/sip/uri.js";
import {
	H_ACCEPT, H_AUTHORIZATION, H_CONTACT, H_CONTENT_TYPE, H_FROM, H_MAX_FORWARDS, H_PROXY_REQUIRE, H_REQUIRE, H_ROUTE, H_SUBJECT, H_TO, H_VIA,
} from "../../src/sip/header-ids.js";
import { ParamCursor } from "../../src/sip/params.js";
import { parseDecimal, text } from "../../src/sip/bytes.js";

// The compiled file is build/test/sip/torture.test.js: the corpus stays in the source tree (README.md there: provenance).
const TORTURE = fileURLToPath(new URL("../../../test/fixtures/torture/", import.meta.url));

interface ViaFacts {
	transport?: string;
	sent_by?: string;
	branch?: string | null;
	received?: string;
	rport?: string | null;
}
interface KeyFacts {
	type?: "request" | "response";
	method?: string;
	status?: number;
	reason_phrase?: string;
	reason_phrase_utf8?: string;
	request_uri?: string | null;
	request_uri_host?: string;
	request_uri_port?: number | null;
	call_id?: string | null;
	cseq_seq?: number;
	cseq_method?: string;
	via_count?: number | null;
	top_via?: ViaFacts;
	vias?: ViaFacts[];
	via_transports?: string[];
	second_via?: ViaFacts;
	content_length?: number | number[] | null;
	bytes_after_empty_line?: number;
	body_bytes_if_datagram?: number;
	header_fields_after_unfolding?: number;
	max_forwards?: number | null;
	contact_count?: number;
	from_tag?: string | null;
	to_tag?: string | null;
	content_length_note?: string;
	content_type?: string | null;
	subject?: string;
	route?: string[];
	contacts?: string[];
	accept?: string;
	accept_values?: number;
	require?: string[];
	proxy_require?: string[];
	authorization_scheme?: string;
	contact_uri?: string;
	to_uri?: string;
	from_uri?: string;
	from_display_name?: string;
	from_display_name_raw?: string;
	contact_display_name_raw?: string;
	request_uri_user?: string;
	contact_params?: Record<string, string | null>;
	contact_header_params?: Record<string, string | null>;
	contact_uri_params?: Record<string, string | null>;
}
interface Entry {
	rfc: string;
	section: string;
	title: string;
	valid: boolean | null;
	what_a_parser_must_do: string;
	key_facts: KeyFacts;
}

/**
 * Messages the RFCs call invalid, and the verdict this project gives each. Where the RFC leaves the choice to
 * the element (RFC 4475 "acceptable"/"reasonable"/"may"), the line says which choice and why.
 */
const INVALID: Record<string, { status: number; reason: string; why: string }> = {
	"badinv01.dat": { status: 400, reason: "Bad Via: SIP/2.0/UDP 192.0.2.15;;", why: "§3.1.2.1: empty Via parameters are an error (400)" },
	"clerr.dat": { status: 400, reason: "Body shorter than Content-Length", why: "§3.1.2.2: over UDP a Content-Length beyond the datagram is a 400" },
	"ncl.dat": { status: 400, reason: "Bad Content-Length: -999", why: "§3.1.2.3: a negative Content-Length is a framing error" },
	"scalar02.dat": { status: 400, reason: "Bad CSeq: 36893488147419103232 REGISTER", why: "§3.1.2.4: CSeq beyond 2^32-1 is a 400, never wrapped" },
	"scalarlg.dat": { status: 400, reason: "Bad CSeq: 9292394834772304023312 OPTIONS", why: "§3.1.2.5: a response is discarded (a verdict on a response means drop)" },
	"quotbal.dat": { status: 400, reason: "Bad To: \"Mr. J. User <sip:j.user@example.com>", why: "§3.1.2.6: unterminated quote is a 400" },
	"ltgtruri.dat": { status: 400, reason: "Bad Request-Line: Request-URI", why: "§3.1.2.7: Request-URI in <> is a 400" },
	"lwsruri.dat": { status: 400, reason: "Bad SIP-Version: lr SIP/2.0", why: "§3.1.2.8: LWS in the Request-URI leaves 'lr SIP/2.0' where the version belongs: 400" },
	"badvers.dat": { status: 505, reason: "Version Not Supported: SIP/7.0", why: "§3.1.2.16: 505 Version Not Supported" },
	"mismatch01.dat": { status: 400, reason: "Bad CSeq: method INVITE != OPTIONS", why: "§3.1.2.17: CSeq method differs from the request's: 400" },
	"bigcode.dat": { status: 400, reason: "Bad Status-Line", why: "§3.1.2.19: status above 699 (not wrapped to 5): the response is dropped" },
	"insuf.dat": { status: 400, reason: "Missing ", why: "§3.3.1: Call-ID, From and To are missing: 400 (the reason names the first one checked)" },
	"multi01.dat": { status: 400, reason: "Multiple ", why: "§3.3.8: repeated single-value headers: 400" },
	"mcl01.dat": { status: 400, reason: "Conflicting Content-Length: 5", why: "§3.3.9: conflicting Content-Length values are a framing error" },
	"rfc5118/wire/ipv6-bad.dat": { status: 400, reason: "Bad Request-URI: sip:2001:db8::10", why: "RFC 5118 §4.2: IPv6 without [] in a Request-URI: 400" },
	// Not an RFC case (test.dat is in the RFC 4475 archive but no section refers to it): as bytes it is malformed.
	"test.dat": { status: 400, reason: "Bad Request-Line", why: "no SIP-Version in the Request-Line" },
};

/** Where RFC 4475 lets the element choose, the project's choice (asserted exactly), with its reason. */
const CHOICES: Record<string, { status: number; reason: string; why: string }> = {
	"lwsstart.dat": { status: 400, reason: "Bad Request-Line", why: "§3.1.2.9 'acceptable to reject': a strict Request-Line keeps SP counting simple and never forwards the extra SPs" },
	"trws.dat": { status: 400, reason: "Bad SIP-Version: SIP/2.0  ", why: "§3.1.2.10 'acceptable to reject': the version must end the line; a station has nothing to gain from guessing" },
	"escruri.dat": { status: 400, reason: "Bad Request-URI: sip:user@example.com?Route=%3Csip:exampl", why: "§3.1.2.11 'acceptable to reject with 400': a UA never needs URI headers in a Request-URI" },
	"baddate.dat": { status: 0, reason: "", why: "§3.1.2.12 'shouldn't reject unless Date is important': the UA never reads Date, so it is not parsed" },
	"regbadct.dat": { status: 400, reason: "Bad Contact: sip:user@example.com?Route=%3Csip:sip.ex", why: "§3.1.2.13 'reasonable to reject with 400': inferring <> is not possible in general" },
	"badaspec.dat": { status: 400, reason: "Bad To: \"Watson, Thomas\" < sip:t.watson@example.", why: "§3.1.2.14 'reasonable to reject with 400': spaces inside <> are not a URI" },
	"baddn.dat": { status: 400, reason: "Header section not terminated", why: "§3.1.2.15 'reasonable always to reject': the archive's bytes lack the empty line, which fails first" },
	"mismatch02.dat": { status: 400, reason: "Bad CSeq: method INVITE != NEWMETHOD", why: "§3.1.2.18 '400 also acceptable': the CSeq check runs before the UA's 501 for unknown methods" },
};

/**
 * RFC 5118's own Content-Length arithmetic is wrong in three messages (expected.json content_length_note): the
 * declared length matches neither the LF archive nor the CRLF wire copy. Strict §18.3 datagram framing applies.
 */
const CONTENT_LENGTH_ERRATA: Record<string, { status: number; reason?: string; bodyLength?: number; why: string }> = {
	// Declares 268 octets, carries 251: like RFC 4475 §3.1.2.2 (clerr) a datagram short of its body is refused.
	"rfc5118/wire/ipv6-in-sdp.dat": { status: 400, reason: "Body shorter than Content-Length", why: "declared 268 > 251 carried" },
	// Declares 181 of 189 octets: §18.3 ignores the 8 octets beyond Content-Length.
	"rfc5118/wire/mult-ip-in-sdp.dat": { status: 0, bodyLength: 181, why: "declared 181 < 189 carried" },
	// Declares 236 of 245 octets: §18.3 ignores the 9 octets beyond Content-Length.
	"rfc5118/wire/ipv4-mapped-ipv6.dat": { status: 0, bodyLength: 236, why: "declared 236 < 245 carried" },
};

function loadCorpus(): Record<string, Entry> {
	const all = JSON.parse(readFileSync(TORTURE + "expected.json", "utf8")) as Record<string, Entry | unknown>;
	const out: Record<string, Entry> = {};
	for (const [name, entry] of Object.entries(all)) {
		if (name === "_meta") continue;
		// RFC 5118: the wire/ copies with CRLF, never the LF archive files.
		if (name.startsWith("rfc5118/") && !name.startsWith("rfc5118/wire/")) continue;
		out[name] = entry as Entry;
	}
	return out;
}

function read(name: string): Uint8Array {
	return new Uint8Array(readFileSync(TORTURE + name));
}

function parse(buf: Uint8Array): { status: number; parser: SipParser } {
	const parser = new SipParser(DEFAULT_LIMITS);
	return { status: parser.parse(buf, 0, buf.length), parser };
}

function viaFacts(view: MessageView, nth: number, facts: ViaFacts): ViaFacts {
	const v = new ViaView();
	const e = view.find(H_VIA, nth);
	assert.ok(e >= 0 && parseVia(view.buf, view.valueStart(e), view.valueEnd(e), v), `Via #${nth}`);
	const out: ViaFacts = {};
	if ("transport" in facts) out.transport = v.transportText();
	if ("sent_by" in facts) out.sent_by = v.sentByText();
	if ("branch" in facts) out.branch = v.branch.present ? v.branchText() : null;
	if ("received" in facts) out.received = v.received.present ? text(v.buf, v.received.start, v.received.end) : undefined;
	// expected.json writes a bare ;rport as null.
	if ("rport" in facts) out.rport = !v.rport.present ? undefined : v.rport.length === 0 ? null : text(v.buf, v.rport.start, v.rport.end);
	return out;
}

function nameAddrOf(view: MessageView, id: number): NameAddr {
	const e = view.find(id);
	const n = new NameAddr();
	assert.ok(e >= 0 && parseNameAddr(view.buf, view.valueStart(e), view.valueEnd(e), n), `header ${id}`);
	return n;
}

function tagOf(view: MessageView, id: number): string | null {
	const n = nameAddrOf(view, id);
	return n.tag.present ? text(n.uri.buf, n.tag.start, n.tag.end) : null;
}

/** Header parameters (after the URI) as name -> raw value, null for a flag. */
function headerParams(n: NameAddr): Record<string, string | null> {
	const out: Record<string, string | null> = {};
	const cursor = new ParamCursor().reset(n.uri.buf, n.paramsStart, n.paramsEnd);
	while (cursor.next() === 1) {
		out[text(cursor.buf, cursor.nameStart, cursor.nameEnd)] = cursor.valueStart < 0 ? null : text(cursor.buf, cursor.valueStart, cursor.valueEnd);
	}
	return out;
}

/** uri-parameters as name -> raw value, null for a flag. */
function uriParams(u: UriView): Record<string, string | null> {
	const out: Record<string, string | null> = {};
	const all = text(u.buf, u.paramsStart, u.paramsEnd);
	for (const p of all.split(";").slice(1)) {
		const eq = p.indexOf("=");
		out[eq < 0 ? p : p.slice(0, eq)] = eq < 0 ? null : p.slice(eq + 1);
	}
	return out;
}

function valuesOf(view: MessageView, id: number): string[] {
	const out: string[] = [];
	for (let e = view.find(id); e >= 0; e = view.nextOf(e)) out.push(view.valueText(e));
	return out;
}

/** The key facts expected.json lists for `kf`, as this parser reads them (only the keys that are there). */
function factsOf(view: MessageView, kf: KeyFacts, bodyLength: number): Record<string, unknown> {
	const s: MessageSummary = summarize(view);
	const got: Record<string, unknown> = {};
	const want: Record<string, unknown> = {};
	const check = (key: keyof KeyFacts, value: unknown): void => {
		if (!(key in kf)) return;
		want[key] = kf[key];
		got[key] = value;
	};
	check("type", s.kind);
	check("method", s.method);
	check("status", s.status);
	check("reason_phrase", s.reason);
	check("reason_phrase_utf8", s.reason);
	check("request_uri", s.requestUri);
	check("call_id", s.callId);
	check("cseq_seq", s.cseq?.number);
	check("cseq_method", s.cseq?.method);
	check("via_count", s.via.length);
	check("header_fields_after_unfolding", view.headerCount);
	check("contact_count", view.count(H_CONTACT));
	check("via_transports", s.via.map((v) => v.transport));
	if ("max_forwards" in kf) {
		const e = view.find(H_MAX_FORWARDS);
		check("max_forwards", e < 0 ? null : parseDecimal(view.buf, view.valueStart(e), view.valueEnd(e), 255));
	}
	check("content_type", view.count(H_CONTENT_TYPE) === 0 ? null : view.headerText(H_CONTENT_TYPE));
	check("subject", view.headerText(H_SUBJECT));
	check("accept", view.headerText(H_ACCEPT));
	check("accept_values", view.count(H_ACCEPT));
	check("route", valuesOf(view, H_ROUTE));
	check("contacts", valuesOf(view, H_CONTACT));
	check("require", valuesOf(view, H_REQUIRE));
	check("proxy_require", valuesOf(view, H_PROXY_REQUIRE));
	if ("authorization_scheme" in kf) check("authorization_scheme", view.headerText(H_AUTHORIZATION).split(" ")[0]);
	if ("to_uri" in kf) check("to_uri", nameAddrOf(view, H_TO).uri.toString());
	if ("from_uri" in kf) check("from_uri", nameAddrOf(view, H_FROM).uri.toString());
	if ("from_display_name" in kf) check("from_display_name", nameAddrOf(view, H_FROM).displayText());
	if ("from_display_name_raw" in kf) {
		const n = nameAddrOf(view, H_FROM);
		check("from_display_name_raw", text(n.uri.buf, n.displayStart, n.displayEnd));
	}
	if ("contact_display_name_raw" in kf) {
		const n = nameAddrOf(view, H_CONTACT);
		check("contact_display_name_raw", text(n.uri.buf, n.displayStart, n.displayEnd));
	}
	if ("contact_uri" in kf) check("contact_uri", nameAddrOf(view, H_CONTACT).uri.toString());
	if ("contact_params" in kf) check("contact_params", headerParams(nameAddrOf(view, H_CONTACT)));
	if ("contact_header_params" in kf) check("contact_header_params", headerParams(nameAddrOf(view, H_CONTACT)));
	if ("contact_uri_params" in kf) check("contact_uri_params", uriParams(nameAddrOf(view, H_CONTACT).uri));
	if ("request_uri_user" in kf) {
		const u = new UriView();
		assert.ok(parseUri(view.buf, view.uriStart, view.uriEnd, u));
		check("request_uri_user", u.userText());
	}
	if ("from_tag" in kf) check("from_tag", tagOf(view, H_FROM));
	if ("to_tag" in kf) check("to_tag", tagOf(view, H_TO));
	if ("top_via" in kf && kf.top_via !== undefined) check("top_via", viaFacts(view, 0, kf.top_via));
	if ("second_via" in kf && kf.second_via !== undefined) check("second_via", viaFacts(view, 1, kf.second_via));
	if ("vias" in kf && kf.vias !== undefined) check("vias", kf.vias.map((f, i) => viaFacts(view, i, f)));
	if ("request_uri_host" in kf || "request_uri_port" in kf) {
		const u = new UriView();
		assert.ok(parseUri(view.buf, view.uriStart, view.uriEnd, u));
		check("request_uri_host", u.hostText());
		check("request_uri_port", u.port < 0 ? null : u.port);
	}
	want.body_length = bodyLength;
	got.body_length = s.bodyLength;
	return { got, want };
}

/** The body a datagram parser must find: Content-Length when declared, else the rest of the datagram (§18.3). */
function expectedBody(kf: KeyFacts): number {
	if (typeof kf.content_length === "number") return kf.content_length;
	return kf.body_bytes_if_datagram ?? kf.bytes_after_empty_line ?? 0;
}

/** The first message a stream framer hands out when the bytes arrive split after `k` octets (or whole when k = 0). */
function frameOnStream(buf: Uint8Array, chunks: Uint8Array[]): { result: number; summary?: MessageSummary; valid?: number } {
	const framer = new StreamFramer(DEFAULT_LIMITS);
	const view = new MessageView(DEFAULT_LIMITS);
	for (const chunk of chunks) {
		let at = 0;
		while (at < chunk.length) {
			at += framer.push(chunk, at, chunk.length);
			const r = framer.next(view);
			if (r === FRAME_MESSAGE) {
				const valid = new Validator().check(view, framer.scanner.verdict);
				return { result: r, summary: summarize(view), valid };
			}
			if (r === FRAME_ERROR) return { result: r };
		}
	}
	return { result: FRAME_NEED_MORE };
}

const corpus = loadCorpus();

describe("RFC 4475 / RFC 5118 torture messages (test/fixtures/torture)", function () {
	const entries = Object.entries(corpus);

	it("knows what to expect of every invalid message in expected.json (RFC 4475 §3.1.2, §3.3; RFC 5118 §4.2)", () => {
		const invalid = entries.filter(([, e]) => e.valid !== true).map(([n]) => n).sort();
		assert.deepEqual(invalid, Object.keys({ ...INVALID, ...CHOICES }).sort());
	});

	it("lists every message whose Content-Length arithmetic the RFC got wrong (expected.json content_length_note)", () => {
		const noted = entries.filter(([, e]) => e.key_facts.content_length_note !== undefined).map(([n]) => n).sort();
		assert.deepEqual(noted, Object.keys(CONTENT_LENGTH_ERRATA).sort());
	});

	describe("valid messages parse as one UDP datagram with the facts the RFC gives", () => {
		for (const [name, entry] of entries) {
			if (entry.valid !== true) continue;
			it(`${name}: ${entry.title} (${entry.rfc} §${entry.section})`, () => {
				const buf = read(name);
				const { status, parser } = parse(buf);
				const erratum = CONTENT_LENGTH_ERRATA[name];
				if (erratum !== undefined && erratum.status !== 0) {
					assert.equal(status, erratum.status, erratum.why);
					assert.equal(parser.verdict.describe(buf), erratum.reason, erratum.why);
					return;
				}
				assert.equal(status, 0, `${parser.verdict.describe(buf)} at ${parser.verdict.errorAt}`);
				const body = erratum?.bodyLength ?? expectedBody(entry.key_facts);
				const { got, want } = factsOf(parser.view, entry.key_facts, body) as { got: unknown; want: unknown };
				assert.deepEqual(got, want);
			});
		}
	});

	describe("invalid messages get the verdict the RFC expects", () => {
		for (const [name, entry] of entries) {
			if (entry.valid === true) continue;
			const expected = INVALID[name] ?? CHOICES[name];
			const label = CHOICES[name] !== undefined ? "project's choice" : "as the RFC says";
			it(`${name}: ${expected?.status ?? "?"} ${label} (${entry.rfc} §${entry.section ?? "-"})`, () => {
				assert.ok(expected !== undefined, `no expectation for ${name}`);
				const buf = read(name);
				const { status, parser } = parse(buf);
				assert.equal(status, expected.status, expected.why);
				if (CHOICES[name] !== undefined) assert.equal(parser.verdict.describe(buf), expected.reason, expected.why);
				else assert.ok(parser.verdict.describe(buf).startsWith(expected.reason), `${parser.verdict.describe(buf)} (${expected.why})`);
			});
		}

		it("baddn.dat with its empty line supplied: 400 for the unquoted display name (RFC 4475 §3.1.2.15)", () => {
			const archive = read("baddn.dat");
			const completed = new Uint8Array(archive.length + 2);
			completed.set(archive);
			completed.set([0x0d, 0x0a], archive.length);
			const { status, parser } = parse(completed);
			assert.equal(status, 400);
			assert.ok(parser.verdict.describe(completed).startsWith("Bad "), parser.verdict.describe(completed));
			assert.match(parser.verdict.describe(completed), /^Bad (From|To): /);
		});
	});

	describe("valid messages framed on a stream, split at every byte, read the same (§18.3)", () => {
		for (const [name, entry] of entries) {
			if (entry.valid !== true || entry.key_facts.content_length === null || entry.key_facts.content_length === undefined) continue;
			it(`${name} (${entry.rfc} §${entry.section})`, () => {
				const buf = read(name);
				const erratum = CONTENT_LENGTH_ERRATA[name];
				if (erratum !== undefined && erratum.status !== 0) {
					// The stream has not delivered the 268 declared octets: the framer waits for them (§18.3).
					for (let k = 1; k < buf.length; k++) assert.equal(frameOnStream(buf, [buf.subarray(0, k), buf.subarray(k)]).result, FRAME_NEED_MORE, `split at ${k}`);
					return;
				}
				const { status, parser } = parse(buf);
				assert.equal(status, 0);
				// On a stream the octets after Content-Length belong to the next message; the first is the same.
				const datagram = summarize(parser.view);
				const whole = frameOnStream(buf, [buf]);
				assert.deepEqual([whole.result, whole.valid, whole.summary], [FRAME_MESSAGE, 0, datagram]);
				for (let k = 1; k < buf.length; k++) {
					const split = frameOnStream(buf, [buf.subarray(0, k), buf.subarray(k)]);
					assert.deepEqual([split.result, split.valid, split.summary], [FRAME_MESSAGE, 0, datagram], `split at ${k}`);
				}
				const bytes: Uint8Array[] = [];
				for (let i = 0; i < buf.length; i++) bytes.push(buf.subarray(i, i + 1));
				const bytewise = frameOnStream(buf, bytes);
				assert.deepEqual([bytewise.result, bytewise.valid, bytewise.summary], [FRAME_MESSAGE, 0, datagram], "one byte at a time");
			});
		}
	});
});
