// SIP message-layer vectors: wire bytes in, summary or verdict out — RFC 3261 §7, §8, §18.3, §20; RFC 4475; RFC 5118.
// Host-free: imports only src/, so the same vectors run on Node (test/sip/vectors.test.ts) and on the XS engine.
import { DEFAULT_LIMITS, limitsWith, type Limits } from "../../src/sip/limits.js";
import type { MessageView } from "../../src/sip/message-view.js";
import { SipParser } from "../../src/sip/parser.js";
import { summarize, type MessageSummary, type ViaSummary } from "../../src/sip/summary.js";
import { Writer } from "../../src/sip/writer.js";
import { ascii } from "../../src/sip/bytes.js";
import { H_CALL_ID, H_CSEQ, H_FROM, H_MAX_FORWARDS, H_VIA } from "../../src/sip/header-ids.js";
import { METHOD_BYTES, M_INVITE, M_OPTIONS } from "../../src/sip/methods.js";

/** What a parse vector expects: some fields of the summary (arrays must match in length), or a verdict. */
export type SummaryExpect = Omit<Partial<MessageSummary>, "via" | "cseq"> & {
	via?: Partial<ViaSummary>[];
	cseq?: Partial<{ number: number; method: string }> | null;
};
export interface VerdictExpect {
	verdict: { status: number; reasonStartsWith: string };
}
/** Stream framing only: the bytes are a message that has not fully arrived. */
export interface NeedMoreExpect {
	needMore: true;
}

export interface ParseVector {
	/** The rule, with its section. */
	name: string;
	/** One character per byte (Latin-1 escapes for UTF-8 octets), CRLFs written out. */
	wire: string;
	/** Frame as on a stream (TCP: Content-Length mandatory) instead of as one UDP datagram. */
	stream?: boolean;
	/** Sizes to parse with (DEFAULT_LIMITS otherwise). */
	limits?: Partial<Limits>;
	expect: SummaryExpect | VerdictExpect | NeedMoreExpect;
}

export interface WriterVector {
	name: string;
	/** Writer buffer size (1500 otherwise: Content-Length is reserved as 4 digits). */
	capacity?: number;
	/** Writes one message and returns `finish()` (or, for a lone line, the writer's position). */
	build(w: Writer): number;
	/** The exact bytes, or -1 when the writer must refuse (overflow). */
	expect: string | -1;
}

/** The bytes of a vector's wire string (one char per byte). */
export function bytesOf(wire: string): Uint8Array {
	const out = new Uint8Array(wire.length);
	for (let i = 0; i < wire.length; i++) out[i] = wire.charCodeAt(i) & 0xff;
	return out;
}

/** The bytes as a string of one char per byte (for comparing writer output). */
export function wireOf(buf: Uint8Array, start: number, end: number): string {
	let out = "";
	for (let i = start; i < end; i++) out += String.fromCharCode(buf[i]);
	return out;
}

// A door station at 192.0.2.10 called from a hall phone at 192.0.2.20 (RFC 5737 documentation addresses).
const VIA = "Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK74bf9\r\n";
const FROM = "From: \"Hall\" <sip:hall@192.0.2.20>;tag=9fxced76sl\r\n";
const TO = "To: <sip:door@192.0.2.10>\r\n";
const CALL_ID = "Call-ID: 3848276298220188511@192.0.2.20\r\n";
const DIALOG = VIA + FROM + TO + CALL_ID;
const OPTIONS_LINE = "OPTIONS sip:door@192.0.2.10 SIP/2.0\r\n";
/** A well-formed OPTIONS, for vectors that change one thing in it. */
const OPTIONS = OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
/** 94 octets of SDP. */
const SDP =
	"v=0\r\n" +
	"o=door 1 1 IN IP4 192.0.2.10\r\n" +
	"s=-\r\n" +
	"c=IN IP4 192.0.2.10\r\n" +
	"t=0 0\r\n" +
	"m=audio 4000 RTP/AVP 0 8\r\n";

function bad(status: number, reasonStartsWith: string): VerdictExpect {
	return { verdict: { status, reasonStartsWith } };
}

export const PARSE_VECTORS: readonly ParseVector[] = [
	// §7.1 Requests
	{
		name: "reads method, Request-URI, headers and a body framed by Content-Length (§7.1)",
		wire:
			"INVITE sip:door@192.0.2.10 SIP/2.0\r\n" +
			DIALOG +
			"CSeq: 314159 INVITE\r\n" +
			"Max-Forwards: 70\r\n" +
			"Contact: <sip:hall@192.0.2.20>\r\n" +
			"Content-Type: application/sdp\r\n" +
			"Content-Length: 94\r\n" +
			"\r\n" +
			SDP,
		expect: {
			kind: "request", method: "INVITE", requestUri: "sip:door@192.0.2.10",
			callId: "3848276298220188511@192.0.2.20", cseq: { number: 314159, method: "INVITE" },
			via: [{ transport: "UDP", sentBy: "192.0.2.20:5060", branch: "z9hG4bK74bf9" }],
			headerCount: 9, contentLength: 94, bodyLength: 94,
		},
	},
	{
		name: "ignores CRLFs before the start line (§7.5)",
		wire: "\r\n\r\n" + OPTIONS,
		expect: { kind: "request", method: "OPTIONS" },
	},
	{
		name: "accepts an extension method and keeps its case (§7.1, §8.2.1: the UA answers 501)",
		wire: "DOORBELL sip:door@192.0.2.10 SIP/2.0\r\n" + DIALOG + "CSeq: 7 DOORBELL\r\n\r\n",
		expect: { method: "DOORBELL", cseq: { number: 7, method: "DOORBELL" } },
	},
	{
		name: "treats method names as case-sensitive: `options` is an extension method (§7.1)",
		wire: "options sip:door@192.0.2.10 SIP/2.0\r\n" + DIALOG + "CSeq: 1 options\r\n\r\n",
		expect: { method: "options" },
	},
	{
		name: "refuses a method with a non-token character (§7.1, §25.1 Method = token)",
		wire: "OPT@IONS sip:door@192.0.2.10 SIP/2.0\r\n" + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n",
		expect: bad(400, "Bad Request-Line: method"),
	},
	{
		name: "refuses two SPs between start-line elements (§7.1; RFC 4475 §3.1.2.9 allows rejecting)",
		wire: "OPTIONS  sip:door@192.0.2.10 SIP/2.0\r\n" + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n",
		expect: bad(400, "Bad Request-Line"),
	},
	{
		name: "refuses white space after the SIP-Version (§7.1; RFC 4475 §3.1.2.10 allows rejecting)",
		wire: "OPTIONS sip:door@192.0.2.10 SIP/2.0 \r\n" + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n",
		expect: bad(400, "Bad SIP-Version: SIP/2.0 "),
	},
	{
		name: "refuses a Request-URI in angle brackets (§7.1; RFC 4475 §3.1.2.7)",
		wire: "OPTIONS <sip:door@192.0.2.10> SIP/2.0\r\n" + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n",
		expect: bad(400, "Bad Request-Line: Request-URI"),
	},
	{
		name: "refuses a Request-URI without a SIP-Version after it (§7.1)",
		wire: "OPTIONS sip:door@192.0.2.10\r\n" + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n",
		expect: bad(400, "Bad Request-Line"),
	},
	{
		name: "refuses white space inside the Request-URI (§7.1; RFC 4475 §3.1.2.8)",
		wire: "OPTIONS sip:door@192.0.2.10; lr SIP/2.0\r\n" + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n",
		expect: bad(400, "Bad SIP-Version: lr SIP/2.0"),
	},
	{
		name: "answers 505 to a request in SIP/2.1 (§8.2: SIP-Version other than 2.0)",
		wire: "OPTIONS sip:door@192.0.2.10 SIP/2.1\r\n" + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n",
		expect: bad(505, "Version Not Supported: SIP/2.1"),
	},
	{
		name: "refuses a SIP-Version without a minor number (§25.1 SIP-Version = \"SIP\" \"/\" 1*DIGIT \".\" 1*DIGIT)",
		wire: "OPTIONS sip:door@192.0.2.10 SIP/3\r\n" + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n",
		expect: bad(400, "Bad SIP-Version: SIP/3"),
	},
	{
		name: "reads the SIP-Version case-insensitively (§7.1)",
		wire: "OPTIONS sip:door@192.0.2.10 sip/2.0\r\n" + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n",
		expect: { method: "OPTIONS" },
	},

	// §7.2 Responses
	{
		name: "reads status code and reason phrase (§7.2)",
		wire: "SIP/2.0 180 Ringing\r\n" + VIA + FROM + "To: <sip:door@192.0.2.10>;tag=d00r\r\n" + CALL_ID + "CSeq: 314159 INVITE\r\nContent-Length: 0\r\n\r\n",
		expect: { kind: "response", status: 180, reason: "Ringing", cseq: { number: 314159, method: "INVITE" }, bodyLength: 0 },
	},
	{
		name: "accepts an empty reason phrase after the SP (§7.2; RFC 4475 §3.1.1.13)",
		wire: "SIP/2.0 100 \r\n" + DIALOG + "CSeq: 2 INVITE\r\nContent-Length: 0\r\n\r\n",
		expect: { status: 100, reason: "" },
	},
	{
		name: "accepts a status line that ends after the code (§7.2, liberal receiving)",
		wire: "SIP/2.0 183\r\n" + DIALOG + "CSeq: 2 INVITE\r\nContent-Length: 0\r\n\r\n",
		expect: { status: 183, reason: "" },
	},
	{
		name: "keeps a UTF-8 reason phrase with '=' and '*' as text (§7.2, §25.1 Reason-Phrase; RFC 4475 §3.1.1.12)",
		wire: "SIP/2.0 200 T\xC3\xBCr = 2*3 offen\r\n" + DIALOG + "CSeq: 2 INVITE\r\nContent-Length: 0\r\n\r\n",
		expect: { status: 200, reason: "T\u00fcr = 2*3 offen" },
	},
	{
		name: "refuses a status code of more than three digits without wrapping it (§7.2; RFC 4475 §3.1.2.19)",
		wire: "SIP/2.0 4294967301 Door open\r\n" + DIALOG + "CSeq: 2 INVITE\r\nContent-Length: 0\r\n\r\n",
		expect: bad(400, "Bad Status-Line"),
	},
	{
		name: "refuses a status code above 699 (§7.2, §21)",
		wire: "SIP/2.0 700 Beyond\r\n" + DIALOG + "CSeq: 2 INVITE\r\nContent-Length: 0\r\n\r\n",
		expect: bad(400, "Bad Status-Line"),
	},
	{
		name: "refuses a status code below 100 (§7.2, §21)",
		wire: "SIP/2.0 099 Early\r\n" + DIALOG + "CSeq: 2 INVITE\r\nContent-Length: 0\r\n\r\n",
		expect: bad(400, "Bad Status-Line"),
	},

	// §7.3.1 Header field format
	{
		name: "matches header names case-insensitively (§7.3.1)",
		wire:
			"OPTIONS sip:door@192.0.2.10 SIP/2.0\r\n" +
			"vIa: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK74bf9\r\n" +
			"FROM: <sip:hall@192.0.2.20>;tag=9fxced76sl\r\n" +
			"to: <sip:door@192.0.2.10>\r\n" +
			"CALL-id: case@192.0.2.20\r\n" +
			"cseq: 2 OPTIONS\r\n" +
			"CONTENT-LENGTH: 0\r\n\r\n",
		expect: { callId: "case@192.0.2.20", cseq: { number: 2, method: "OPTIONS" }, via: [{ branch: "z9hG4bK74bf9" }], contentLength: 0 },
	},
	{
		name: "allows white space before and after the colon (§7.3.1 HCOLON)",
		wire:
			OPTIONS_LINE + VIA + FROM + TO +
			"Call-ID \t:\t  spaced@192.0.2.20\r\n" +
			"CSeq :3 OPTIONS\r\n" +
			"Content-Length:\t0\r\n\r\n",
		expect: { callId: "spaced@192.0.2.20", cseq: { number: 3 }, contentLength: 0 },
	},
	{
		name: "unfolds a value continued on lines that start with white space (§7.3.1)",
		wire:
			OPTIONS_LINE +
			"Via: SIP/2.0/UDP\r\n" +
			"   192.0.2.20:5060\r\n" +
			"\t;branch=z9hG4bK74bf9\r\n" +
			FROM + TO + CALL_ID +
			"Subject: the door\r\n  is open\r\n" +
			"CSeq:\r\n 0009\r\n  OPTIONS\r\n" +
			"Content-Length: 0\r\n\r\n",
		expect: { cseq: { number: 9, method: "OPTIONS" }, via: [{ sentBy: "192.0.2.20:5060", branch: "z9hG4bK74bf9" }], headerCount: 7 },
	},
	{
		name: "splits a comma-separated Via into values, in order, after separate lines (§7.3.1)",
		wire:
			OPTIONS_LINE +
			"Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK74bf9\r\n" +
			"Via: SIP/2.0/TCP proxy1.example.net;branch=z9hG4bKp1 , SIP/2.0/TLS proxy2.example.net:5061;branch=z9hG4bKp2\r\n" +
			FROM + TO + CALL_ID + "CSeq: 1 OPTIONS\r\n\r\n",
		expect: {
			via: [
				{ transport: "UDP", sentBy: "192.0.2.20:5060", branch: "z9hG4bK74bf9" },
				{ transport: "TCP", sentBy: "proxy1.example.net", branch: "z9hG4bKp1" },
				{ transport: "TLS", sentBy: "proxy2.example.net:5061", branch: "z9hG4bKp2" },
			],
			headerCount: 6,
		},
	},
	{
		name: "does not split at a comma inside a quoted string (§7.3.1, §25.1 quoted-string)",
		wire:
			OPTIONS_LINE +
			"Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK74bf9;note=\"left, right\", SIP/2.0/UDP 192.0.2.30;branch=z9hG4bKb2\r\n" +
			FROM + TO + CALL_ID +
			// A comma split here would leave `"Door` (an unterminated quote) and the message would be refused.
			"Contact: \"Door, Front \\\"A\\\"\" <sip:door@192.0.2.10>\r\n" +
			"CSeq: 1 OPTIONS\r\n\r\n",
		expect: { via: [{ sentBy: "192.0.2.20:5060" }, { sentBy: "192.0.2.30" }] },
	},
	{
		name: "does not split at a comma inside <> (§7.3.1, §20.10: the user part may hold ',')",
		wire:
			"REGISTER sip:192.0.2.1 SIP/2.0\r\n" + VIA + FROM + TO + CALL_ID +
			// A comma split inside <> would leave `<sip:front` (no '>') and the message would be refused.
			"Contact: <sip:front,door@192.0.2.10;transport=udp>;expires=60, <sip:door@192.0.2.11>\r\n" +
			"CSeq: 8 REGISTER\r\n\r\n",
		expect: { method: "REGISTER", headerCount: 6 },
	},
	{
		name: "keeps an unknown header whole, commas and semicolons included (§7.3.1; RFC 4475 §3.1.1.1)",
		wire: OPTIONS_LINE + DIALOG + "X-Door-State: open, ;;,,;; latched\r\nX-Empty:\r\nCSeq: 1 OPTIONS\r\n\r\n",
		expect: { method: "OPTIONS", headerCount: 7 },
	},
	{
		name: "refuses a header line without a colon (§7.3.1)",
		wire: OPTIONS_LINE + DIALOG + "Door open\r\nCSeq: 1 OPTIONS\r\n\r\n",
		expect: bad(400, "Bad header line: Door open"),
	},
	{
		name: "refuses white space inside a header name (§7.3.1 field-name = token)",
		wire: OPTIONS_LINE + VIA + FROM + TO + "Call ID: 1@192.0.2.20\r\nCSeq: 1 OPTIONS\r\n\r\n",
		expect: bad(400, "Bad header line: Call ID: 1@192.0.2.20"),
	},
	{
		name: "refuses a continuation line before any header (§7.3.1)",
		wire: OPTIONS_LINE + " folded\r\n" + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n",
		expect: bad(400, "Bad header line: folding before first header"),
	},

	// §7.3.3 Compact form
	{
		name: "maps compact forms to the same headers as the long names (§7.3.3)",
		wire:
			"INVITE sip:door@192.0.2.10 SIP/2.0\r\n" +
			"v: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK74bf9\r\n" +
			"f: \"Hall\" <sip:hall@192.0.2.20>;tag=9fxced76sl\r\n" +
			"t: <sip:door@192.0.2.10>\r\n" +
			"i: compact@192.0.2.20\r\n" +
			"CSeq: 5 INVITE\r\n" +
			"m: <sip:hall@192.0.2.20>\r\n" +
			"k: timer\r\n" +
			"s: Front door\r\n" +
			"c: application/sdp\r\n" +
			"e: identity\r\n" +
			"L: 94\r\n" +
			"\r\n" +
			SDP,
		expect: { callId: "compact@192.0.2.20", via: [{ branch: "z9hG4bK74bf9" }], cseq: { number: 5, method: "INVITE" }, contentLength: 94, bodyLength: 94 },
	},
	{
		name: "counts compact and long forms of one header together (§7.3.3: Multiple From)",
		wire: OPTIONS_LINE + DIALOG + "f: <sip:other@192.0.2.21>;tag=2\r\nCSeq: 1 OPTIONS\r\n\r\n",
		expect: bad(400, "Multiple From"),
	},

	// §7.5 and line ends
	{
		name: "accepts bare LF line ends (§7.5 silent; liberal receiving)",
		wire:
			"OPTIONS sip:door@192.0.2.10 SIP/2.0\n" +
			"Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK74bf9\n" +
			"From: <sip:hall@192.0.2.20>;tag=9fxced76sl\n" +
			"To: <sip:door@192.0.2.10>\n" +
			"Call-ID: lf@192.0.2.20\n" +
			"CSeq: 1 OPTIONS\n" +
			"Content-Length: 4\n" +
			"\n" +
			"ding",
		expect: { callId: "lf@192.0.2.20", bodyLength: 4 },
	},
	{
		name: "refuses a bare CR in the header section (§7.5: lines end in CRLF)",
		wire: OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\rContent-Length: 0\r\n\r\n",
		expect: bad(400, "Bad line end: bare CR"),
	},
	{
		name: "refuses a header section without its empty line (§7.5; RFC 4475 §3.1.2.15's archive)",
		wire: OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n",
		expect: bad(400, "Header section not terminated"),
	},
	{
		name: "refuses a datagram of nothing but CRLFs (§7.5)",
		wire: "\r\n\r\n",
		expect: bad(400, "Empty message"),
	},

	// §18.3 Framing a datagram, §20.14 Content-Length
	{
		name: "ignores octets after Content-Length in a datagram (§18.3; RFC 4475 §3.1.1.8)",
		wire: OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nContent-Length: 4\r\n\r\nding" + "dong\r\nINVITE sip:x SIP/2.0\r\n\r\n",
		expect: { contentLength: 4, bodyLength: 4 },
	},
	{
		name: "takes the rest of the datagram as the body when Content-Length is absent (§18.3; RFC 4475 §3.4.1)",
		wire: "INVITE sip:door@192.0.2.10 SIP/2.0\r\n" + DIALOG + "CSeq: 1 INVITE\r\nContent-Type: application/sdp\r\n\r\n" + SDP,
		expect: { contentLength: null, bodyLength: 94 },
	},
	{
		name: "refuses a datagram shorter than its Content-Length (§18.3; RFC 4475 §3.1.2.2)",
		wire: OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nContent-Length: 5\r\n\r\nding",
		expect: bad(400, "Body shorter than Content-Length"),
	},
	{
		name: "refuses a negative Content-Length (§20.14 1*DIGIT; RFC 4475 §3.1.2.3)",
		wire: OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nContent-Length: -4\r\n\r\nding",
		expect: bad(400, "Bad Content-Length: -4"),
	},
	{
		name: "refuses a Content-Length that is not a number (§20.14)",
		wire: OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nContent-Length: four\r\n\r\nding",
		expect: bad(400, "Bad Content-Length: four"),
	},
	{
		name: "refuses a Content-Length of 2^32 without wrapping it to 0 (§20.14; RFC 4475 §3.1.2.4)",
		wire: OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nContent-Length: 4294967296\r\n\r\n",
		expect: bad(400, "Bad Content-Length: 4294967296"),
	},
	{
		name: "refuses conflicting Content-Length values (§20.14; RFC 4475 §3.3.9)",
		wire: OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nContent-Length: 4\r\nl: 2\r\n\r\nding",
		expect: bad(400, "Conflicting Content-Length: 2"),
	},
	{
		name: "accepts a repeated Content-Length with the same value (§20.14; RFC 4475 §3.3.9 refuses only conflicts)",
		wire: OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nContent-Length: 4\r\nl: 004\r\n\r\nding",
		expect: { contentLength: 4, bodyLength: 4 },
	},
	{
		name: "frames by a folded Content-Length (§7.3.1, §20.14)",
		wire: OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nContent-Length:\r\n  4\r\n\r\ndingdong",
		expect: { contentLength: 4, bodyLength: 4 },
	},
	{
		name: "keeps a body holding NUL, bare CR and bare LF octets (§7.4; RFC 4475 §3.1.1.11)",
		wire: OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nContent-Type: application/octet-stream\r\nContent-Length: 8\r\n\r\n\x00\r\x01\n\r\n\r\n",
		expect: { contentLength: 8, bodyLength: 8 },
	},

	// §18.3 Framing on a stream
	{
		name: "frames a stream message by Content-Length (§18.3)",
		wire: OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nContent-Length: 4\r\n\r\nding",
		stream: true,
		expect: { contentLength: 4, bodyLength: 4 },
	},
	{
		name: "ends a stream message at Content-Length: the next octets start the next message (§18.3)",
		wire: OPTIONS + OPTIONS,
		stream: true,
		expect: { bodyLength: 0, cseq: { number: 1 } },
	},
	{
		name: "refuses a stream message without Content-Length (§18.3, §20.14: MUST on stream transports)",
		wire: OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n",
		stream: true,
		expect: bad(400, "Missing Content-Length on a stream"),
	},
	{
		name: "waits for the rest of a stream message whose body has not arrived (§18.3; RFC 4475 §3.1.2.2)",
		wire: OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nContent-Length: 40\r\n\r\nding",
		stream: true,
		expect: { needMore: true },
	},
	{
		name: "answers 513 at once to a stream Content-Length beyond maxMessageBytes instead of waiting (§18.3, DESIGN.md §3)",
		wire: OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nContent-Length: 9999\r\n\r\nding",
		stream: true,
		expect: bad(513, "Message Too Large"),
	},

	// Limits (DESIGN.md §3): a message beyond the fixed sizes is a verdict, never a growth.
	{
		name: "answers 513 to a header section longer than maxMessageBytes (§21.5.7)",
		wire: OPTIONS_LINE + DIALOG + "Subject: " + "door ".repeat(80) + "\r\nCSeq: 1 OPTIONS\r\n\r\n",
		limits: { maxMessageBytes: 300 },
		expect: bad(513, "Message Too Large"),
	},
	{
		name: "answers 513 to a body that takes the message past maxMessageBytes (§21.5.7)",
		wire: "INVITE sip:door@192.0.2.10 SIP/2.0\r\n" + DIALOG + "CSeq: 1 INVITE\r\nContent-Length: 94\r\n\r\n" + SDP,
		limits: { maxMessageBytes: 300 },
		expect: bad(513, "Message Too Large"),
	},
	{
		name: "applies maxMessageBytes to the message, not to ignored octets after it (§18.3)",
		wire: OPTIONS + "x".repeat(300),
		limits: { maxMessageBytes: 300 },
		expect: { bodyLength: 0 },
	},
	{
		name: "accepts exactly maxHeaders header lines (DESIGN.md §3)",
		wire: OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n",
		limits: { maxHeaders: 6 },
		expect: { headerCount: 6 },
	},
	{
		name: "answers 400 Too Many Headers to one header line more than maxHeaders (DESIGN.md §3)",
		wire: OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
		limits: { maxHeaders: 6 },
		expect: bad(400, "Too Many Headers"),
	},
	{
		name: "answers 400 Too Many Headers to more values in one line than maxValuesPerHeader (DESIGN.md §3)",
		wire: OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nAllow: INVITE, ACK, BYE, CANCEL\r\n\r\n",
		limits: { maxValuesPerHeader: 3 },
		expect: bad(400, "Too Many Headers: values in Allow"),
	},
	{
		name: "answers 400 Too Many Headers when the values overflow the view's table (DESIGN.md §3)",
		wire: OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nAllow: INVITE, ACK, BYE, CANCEL\r\n\r\n",
		limits: { maxHeaderValues: 7 },
		expect: bad(400, "Too Many Headers"),
	},

	// §8.1.1 Mandatory headers, §8.2 request checks
	{ name: "refuses a request without Via (§8.1.1)", wire: OPTIONS_LINE + FROM + TO + CALL_ID + "CSeq: 1 OPTIONS\r\n\r\n", expect: bad(400, "Missing Via") },
	{ name: "refuses a request without From (§8.1.1)", wire: OPTIONS_LINE + VIA + TO + CALL_ID + "CSeq: 1 OPTIONS\r\n\r\n", expect: bad(400, "Missing From") },
	{ name: "refuses a request without To (§8.1.1)", wire: OPTIONS_LINE + VIA + FROM + CALL_ID + "CSeq: 1 OPTIONS\r\n\r\n", expect: bad(400, "Missing To") },
	{ name: "refuses a request without Call-ID (§8.1.1)", wire: OPTIONS_LINE + VIA + FROM + TO + "CSeq: 1 OPTIONS\r\n\r\n", expect: bad(400, "Missing Call-ID") },
	{ name: "refuses a request without CSeq (§8.1.1)", wire: OPTIONS_LINE + DIALOG + "\r\n", expect: bad(400, "Missing CSeq") },
	{ name: "drops a response without Via (§8.1.1, §18.1.2)", wire: "SIP/2.0 200 OK\r\n" + FROM + TO + CALL_ID + "CSeq: 1 OPTIONS\r\n\r\n", expect: bad(400, "Missing Via") },
	{
		name: "accepts a request without Max-Forwards (§8.1.1.6; RFC 4475 §3.4.1: RFC 2543 peers omit it)",
		wire: OPTIONS,
		expect: { method: "OPTIONS" },
	},
	{ name: "refuses two Call-IDs (RFC 4475 §3.3.8)", wire: OPTIONS_LINE + DIALOG + "Call-ID: second@192.0.2.20\r\nCSeq: 1 OPTIONS\r\n\r\n", expect: bad(400, "Multiple Call-ID") },
	{ name: "refuses two CSeqs (RFC 4475 §3.3.8)", wire: OPTIONS_LINE + DIALOG + "CSeq: 1 OPTIONS\r\nCSeq: 2 OPTIONS\r\n\r\n", expect: bad(400, "Multiple CSeq") },
	{ name: "refuses two To headers (RFC 4475 §3.3.8)", wire: OPTIONS_LINE + DIALOG + "t: <sip:gate@192.0.2.10>\r\nCSeq: 1 OPTIONS\r\n\r\n", expect: bad(400, "Multiple To") },
	{ name: "refuses two Max-Forwards (RFC 4475 §3.3.8)", wire: OPTIONS_LINE + DIALOG + "Max-Forwards: 70\r\nMax-Forwards: 5\r\nCSeq: 1 OPTIONS\r\n\r\n", expect: bad(400, "Multiple Max-Forwards") },
	{ name: "refuses two Content-Types (§7.3.1: not a list)", wire: OPTIONS_LINE + DIALOG + "c: text/plain\r\nContent-Type: text/plain\r\nCSeq: 1 OPTIONS\r\n\r\n", expect: bad(400, "Multiple Content-Type") },
	{ name: "refuses two Expires (§7.3.1: not a list)", wire: OPTIONS_LINE + DIALOG + "Expires: 60\r\nExpires: 70\r\nCSeq: 1 OPTIONS\r\n\r\n", expect: bad(400, "Multiple Expires") },

	// §8.1.1.5 CSeq
	{
		name: "names both methods when CSeq disagrees with the request (§8.1.1.5; RFC 4475 §3.1.2.17)",
		wire: "ACK sip:door@192.0.2.10 SIP/2.0\r\n" + DIALOG + "CSeq: 314159 INVITE\r\n\r\n",
		expect: bad(400, "Bad CSeq: method INVITE != ACK"),
	},
	{
		name: "compares the CSeq method case-sensitively (§8.1.1.5, §7.1)",
		wire: OPTIONS_LINE + DIALOG + "CSeq: 1 options\r\n\r\n",
		expect: bad(400, "Bad CSeq: method options != OPTIONS"),
	},
	{ name: "accepts CSeq 2^31 - 1 (§8.1.1.5: less than 2^31)", wire: OPTIONS_LINE + DIALOG + "CSeq: 2147483647 OPTIONS\r\n\r\n", expect: { cseq: { number: 2147483647, method: "OPTIONS" } } },
	{ name: "refuses CSeq 2^31 (§8.1.1.5: MUST be less than 2^31)", wire: OPTIONS_LINE + DIALOG + "CSeq: 2147483648 OPTIONS\r\n\r\n", expect: bad(400, "Bad CSeq: 2147483648 OPTIONS") },
	{
		name: "refuses a CSeq beyond 2^64 without wrapping it (§8.1.1.5; RFC 4475 §3.1.2.4)",
		wire: OPTIONS_LINE + DIALOG + "CSeq: 18446744073709551617 OPTIONS\r\n\r\n",
		expect: bad(400, "Bad CSeq: 18446744073709551617 OPTIONS"),
	},
	{
		name: "drops a response whose CSeq is out of range (§8.1.1.5; RFC 4475 §3.1.2.5)",
		wire: "SIP/2.0 200 OK\r\n" + DIALOG + "CSeq: 9292394834772304023312 OPTIONS\r\n\r\n",
		expect: bad(400, "Bad CSeq: 9292394834772304023312"),
	},
	{ name: "refuses a CSeq without a method (§20.16)", wire: OPTIONS_LINE + DIALOG + "CSeq: 1\r\n\r\n", expect: bad(400, "Bad CSeq: 1") },
	{ name: "reads a CSeq with leading zeros (§20.16 1*DIGIT; RFC 4475 §3.1.1.1)", wire: OPTIONS_LINE + DIALOG + "CSeq: 0000000012 OPTIONS\r\n\r\n", expect: { cseq: { number: 12 } } },

	// §8.1.1.4 Call-ID, §8.1.1.6 Max-Forwards
	{ name: "refuses a Call-ID with white space (§20.8, §25.1 callid = word [\"@\" word])", wire: OPTIONS_LINE + VIA + FROM + TO + "Call-ID: two words\r\nCSeq: 1 OPTIONS\r\n\r\n", expect: bad(400, "Bad Call-ID: two words") },
	{ name: "refuses a Call-ID with two '@' (§25.1 callid)", wire: OPTIONS_LINE + VIA + FROM + TO + "Call-ID: a@b@c\r\nCSeq: 1 OPTIONS\r\n\r\n", expect: bad(400, "Bad Call-ID: a@b@c") },
	{
		name: "accepts a Call-ID of word characters (§25.1 word; RFC 4475 §3.1.1.2)",
		wire: OPTIONS_LINE + VIA + FROM + TO + "Call-ID: door.!%*_+`'~()<>:\\\"/[]?{}-@192.0.2.20\r\nCSeq: 1 OPTIONS\r\n\r\n",
		expect: { callId: "door.!%*_+`'~()<>:\\\"/[]?{}-@192.0.2.20" },
	},
	{ name: "accepts Max-Forwards 0 (§8.1.1.6: a UAS processes it; RFC 4475 §3.3.11)", wire: OPTIONS_LINE + DIALOG + "Max-Forwards: 0\r\nCSeq: 1 OPTIONS\r\n\r\n", expect: { method: "OPTIONS" } },
	{ name: "refuses Max-Forwards above 255 (§20.22)", wire: OPTIONS_LINE + DIALOG + "Max-Forwards: 256\r\nCSeq: 1 OPTIONS\r\n\r\n", expect: bad(400, "Bad Max-Forwards: 256") },
	{
		name: "refuses Max-Forwards 2^32 + 70 without wrapping it to 70 (§20.22; RFC 4475 §3.1.2.4)",
		wire: OPTIONS_LINE + DIALOG + "Max-Forwards: 4294967366\r\nCSeq: 1 OPTIONS\r\n\r\n",
		expect: bad(400, "Bad Max-Forwards: 4294967366"),
	},

	// §19.1 Request-URI, RFC 5118 IPv6
	{
		name: "accepts escaped characters in the Request-URI user part (§19.1.2; RFC 4475 §3.1.1.3)",
		wire: "OPTIONS sip:%66ront%20door@192.0.2.10;x-ring=%31%32 SIP/2.0\r\n" + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n",
		expect: { requestUri: "sip:%66ront%20door@192.0.2.10;x-ring=%31%32" },
	},
	{
		name: "refuses a truncated escape in the Request-URI (§19.1.2 escaped = \"%\" HEXDIG HEXDIG)",
		wire: "OPTIONS sip:door%2@192.0.2.10 SIP/2.0\r\n" + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n",
		expect: bad(400, "Bad Request-URI: sip:door%2@192.0.2.10"),
	},
	{
		name: "refuses escaped headers in a SIP Request-URI (§19.1.1; RFC 4475 §3.1.2.11)",
		wire: "OPTIONS sip:door@192.0.2.10?Subject=%22open%22 SIP/2.0\r\n" + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n",
		expect: bad(400, "Bad Request-URI: sip:door@192.0.2.10?Subject=%22open%22"),
	},
	{
		name: "accepts a Request-URI of an unknown scheme (§8.2.2.1: the UA answers 416; RFC 4475 §3.3.2)",
		wire: "OPTIONS doorbell-x:front/ring?long=1 SIP/2.0\r\n" + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n",
		expect: { requestUri: "doorbell-x:front/ring?long=1" },
	},
	{
		name: "accepts From, To and Contact of other schemes (§20.10; RFC 4475 §3.3.4)",
		wire:
			"REGISTER sip:192.0.2.1 SIP/2.0\r\n" + VIA +
			"From: <https://door.example.org/front>;tag=5\r\n" +
			"To: tel:+49-30-5550100\r\n" +
			CALL_ID +
			"Contact: <urn:x-door:front>\r\n" +
			"CSeq: 2 REGISTER\r\n\r\n",
		expect: { method: "REGISTER" },
	},
	{
		name: "reads IPv6 references in the Request-URI, Via sent-by and received (RFC 5118 §4.1, §4.5)",
		wire:
			"OPTIONS sip:door@[2001:db8::10]:5070 SIP/2.0\r\n" +
			"Via: SIP/2.0/UDP [2001:db8::20]:5062;received=[2001:db8::21];branch=z9hG4bKv6\r\n" +
			"Via: SIP/2.0/TCP [::ffff:192.0.2.20];branch=z9hG4bKv4m\r\n" +
			FROM + "To: <sip:door@[2001:db8::10]>\r\n" + CALL_ID + "CSeq: 1 OPTIONS\r\n\r\n",
		expect: {
			requestUri: "sip:door@[2001:db8::10]:5070",
			via: [
				{ transport: "UDP", sentBy: "[2001:db8::20]:5062", branch: "z9hG4bKv6" },
				{ transport: "TCP", sentBy: "[::ffff:192.0.2.20]", branch: "z9hG4bKv4m" },
			],
		},
	},
	{
		name: "refuses an IPv6 address without brackets in the Request-URI (RFC 5118 §4.2)",
		wire: "OPTIONS sip:2001:db8::10 SIP/2.0\r\n" + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n",
		expect: bad(400, "Bad Request-URI: sip:2001:db8::10"),
	},

	// §20.42 Via, §20.10 name-addr headers
	{
		name: "accepts LWS around the '/' of the sent-protocol and an extension transport (§20.42; RFC 4475 §3.1.1.1, §3.1.1.10)",
		wire: OPTIONS_LINE + "Via: SIP / 2.0 / DOORNET gate.example.org ; branch = z9hG4bKdn\r\n" + FROM + TO + CALL_ID + "CSeq: 1 OPTIONS\r\n\r\n",
		expect: { via: [{ transport: "DOORNET", sentBy: "gate.example.org", branch: "z9hG4bKdn" }] },
	},
	{
		name: "refuses a Via with empty parameters (§20.42; RFC 4475 §3.1.2.1)",
		wire: OPTIONS_LINE + "Via: SIP/2.0/UDP 192.0.2.20;;branch=z9hG4bK1\r\n" + FROM + TO + CALL_ID + "CSeq: 1 OPTIONS\r\n\r\n",
		expect: bad(400, "Bad Via: SIP/2.0/UDP 192.0.2.20;;branch=z9hG4bK1"),
	},
	{
		name: "refuses a Via port above 65535 (§25.1 port)",
		wire: OPTIONS_LINE + "Via: SIP/2.0/UDP 192.0.2.20:65536;branch=z9hG4bK1\r\n" + FROM + TO + CALL_ID + "CSeq: 1 OPTIONS\r\n\r\n",
		expect: bad(400, "Bad Via: "),
	},
	{
		name: "refuses a display name with an unterminated quote (§25.1 quoted-string; RFC 4475 §3.1.2.6)",
		wire: OPTIONS_LINE + VIA + "From: \"Hall <sip:hall@192.0.2.20>;tag=1\r\n" + TO + CALL_ID + "CSeq: 1 OPTIONS\r\n\r\n",
		expect: bad(400, "Bad From: "),
	},
	{
		name: "refuses an unquoted display name with a comma (§25.1 display-name; RFC 4475 §3.1.2.15)",
		wire: OPTIONS_LINE + VIA + FROM + "To: Door, Front <sip:door@192.0.2.10>\r\n" + CALL_ID + "CSeq: 1 OPTIONS\r\n\r\n",
		expect: bad(400, "Bad To: Door, Front <sip:door@192.0.2.10>"),
	},
	{
		name: "refuses white space inside <> (§25.1 name-addr; RFC 4475 §3.1.2.14)",
		wire: OPTIONS_LINE + VIA + FROM + "To: < sip:door@192.0.2.10 >\r\n" + CALL_ID + "CSeq: 1 OPTIONS\r\n\r\n",
		expect: bad(400, "Bad To: < sip:door@192.0.2.10 >"),
	},
	{
		name: "refuses a Contact addr-spec with URI headers (§20.10; RFC 4475 §3.1.2.13)",
		wire: "REGISTER sip:192.0.2.1 SIP/2.0\r\n" + DIALOG + "Contact: sip:door@192.0.2.10?Subject=x\r\nCSeq: 1 REGISTER\r\n\r\n",
		expect: bad(400, "Bad Contact: sip:door@192.0.2.10?Subject=x"),
	},
	{
		name: "accepts URI headers in a Contact inside <> (§20.10; RFC 4475 §3.3.14)",
		wire: "REGISTER sip:192.0.2.1 SIP/2.0\r\n" + DIALOG + "m: <sip:door@192.0.2.10?Subject=%22x%22>\r\nCSeq: 1 REGISTER\r\n\r\n",
		expect: { method: "REGISTER" },
	},
	{
		name: "accepts a lone Contact * (§10.2.2, §20.10)",
		wire: "REGISTER sip:192.0.2.1 SIP/2.0\r\n" + DIALOG + "Contact: *\r\nExpires: 0\r\nCSeq: 1 REGISTER\r\n\r\n",
		expect: { method: "REGISTER" },
	},
	{
		name: "refuses Contact * beside other Contact values (§10.2.2)",
		wire: "REGISTER sip:192.0.2.1 SIP/2.0\r\n" + DIALOG + "Contact: *, <sip:door@192.0.2.10>\r\nExpires: 0\r\nCSeq: 1 REGISTER\r\n\r\n",
		expect: bad(400, "Bad Contact: *"),
	},
	{
		name: "refuses a Route that is not a name-addr (§20.34)",
		wire: OPTIONS_LINE + DIALOG + "Route: sip:proxy.example.net;lr\r\nCSeq: 1 OPTIONS\r\n\r\n",
		expect: bad(400, "Bad Route: sip:proxy.example.net;lr"),
	},
	{
		name: "drops a response with a Record-Route that is not a name-addr (§20.30, §18.1.2)",
		wire: "SIP/2.0 200 OK\r\n" + DIALOG + "Record-Route: sip:proxy.example.net;lr\r\nCSeq: 1 INVITE\r\n\r\n",
		expect: bad(400, "Bad Record-Route: sip:proxy.example.net;lr"),
	},
];

/** Parse `wire` as a datagram with the default limits; throws if it does not parse (writer vectors need a request). */
function parsedRequest(parser: SipParser, buf: Uint8Array): MessageView {
	const status = parser.parse(buf, 0, buf.length);
	if (status !== 0) throw new Error("the request does not parse: " + parser.verdict.describe(buf));
	return parser.view;
}

const REQUEST_FOR_RESPONSES = bytesOf(
	"INVITE sip:door@192.0.2.10 SIP/2.0\r\n" +
	"v: SIP/2.0/UDP proxy.example.net;branch=z9hG4bKpx1, SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK74bf9\r\n" +
	"f: \"Hall\" <sip:hall@192.0.2.20>;tag=9fxced76sl\r\n" +
	"t: <sip:door@192.0.2.10>\r\n" +
	"i: 3848276298220188511@192.0.2.20\r\n" +
	"CSeq: 314159 INVITE\r\n" +
	"Max-Forwards: 69\r\n" +
	"l: 0\r\n\r\n",
);
const RESPONSE_HEADERS =
	"Via: SIP/2.0/UDP proxy.example.net;branch=z9hG4bKpx1\r\n" +
	"Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK74bf9\r\n" +
	"From: \"Hall\" <sip:hall@192.0.2.20>;tag=9fxced76sl\r\n";
const RESPONSE_TAIL = "Call-ID: 3848276298220188511@192.0.2.20\r\nCSeq: 314159 INVITE\r\nContent-Length: 0\r\n\r\n";

const DOOR_URI = ascii("sip:door@192.0.2.10");
const REQUEST_HEAD =
	"INVITE sip:door@192.0.2.10 SIP/2.0\r\n" +
	"Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKd00r1\r\n" +
	"Max-Forwards: 70\r\n";

/** An INVITE from the door with a body of `n` octets: Content-Length is filled in and the reserved digits closed up. */
function inviteWithBody(w: Writer, n: number): number {
	w.requestLine(METHOD_BYTES[M_INVITE], DOOR_URI)
		.header(H_VIA, ascii("SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKd00r1"))
		.headerUint(H_MAX_FORWARDS, 70)
		.endHeaders();
	for (let i = 0; i < n; i++) w.byte(0x61 + (i % 26));
	return w.finish();
}
function alphabet(n: number): string {
	let out = "";
	for (let i = 0; i < n; i++) out += String.fromCharCode(0x61 + (i % 26));
	return out;
}

export const WRITER_VECTORS: readonly WriterVector[] = [
	{
		name: "writes Content-Length: 0 for an empty body, closing up the reserved digits (§20.14)",
		build: (w) => inviteWithBody(w, 0),
		expect: REQUEST_HEAD + "Content-Length: 0\r\n\r\n",
	},
	{
		name: "writes Content-Length: 9 for a 9-octet body (§20.14)",
		build: (w) => inviteWithBody(w, 9),
		expect: REQUEST_HEAD + "Content-Length: 9\r\n\r\n" + alphabet(9),
	},
	{
		name: "writes Content-Length: 10 for a 10-octet body (§20.14)",
		build: (w) => inviteWithBody(w, 10),
		expect: REQUEST_HEAD + "Content-Length: 10\r\n\r\n" + alphabet(10),
	},
	{
		name: "writes Content-Length: 150 for a 150-octet body (§20.14)",
		build: (w) => inviteWithBody(w, 150),
		expect: REQUEST_HEAD + "Content-Length: 150\r\n\r\n" + alphabet(150),
	},
	{
		name: "fills the whole reserved width when the body needs it (§20.14)",
		capacity: 200,
		build: (w) => {
			w.requestLine(METHOD_BYTES[M_OPTIONS], DOOR_URI).endHeaders();
			for (let i = 0; i < 100; i++) w.byte(0x78);
			return w.finish();
		},
		expect: "OPTIONS sip:door@192.0.2.10 SIP/2.0\r\nContent-Length: 100\r\n\r\n" + "x".repeat(100),
	},
	{
		name: "copies Via (all, in order), From, To, Call-ID and CSeq and adds the To tag (§8.2.6.2)",
		build: (w) => {
			const m = parsedRequest(new SipParser(DEFAULT_LIMITS), REQUEST_FOR_RESPONSES);
			return w.statusLine(180, ascii("Ringing")).responseHeaders(m, ascii("d00r")).endHeaders().finish();
		},
		expect: "SIP/2.0 180 Ringing\r\n" + RESPONSE_HEADERS + "To: <sip:door@192.0.2.10>;tag=d00r\r\n" + RESPONSE_TAIL,
	},
	{
		name: "copies To unchanged when no tag is given (§8.2.6.2: a 100 Trying needs none)",
		build: (w) => {
			const m = parsedRequest(new SipParser(DEFAULT_LIMITS), REQUEST_FOR_RESPONSES);
			return w.statusLine(100, ascii("Trying")).responseHeaders(m).endHeaders().finish();
		},
		expect: "SIP/2.0 100 Trying\r\n" + RESPONSE_HEADERS + "To: <sip:door@192.0.2.10>\r\n" + RESPONSE_TAIL,
	},
	{
		name: "keeps the request's To tag instead of adding one (§8.2.6.2, §12.2.1.1: in-dialog requests)",
		build: (w) => {
			const req = bytesOf(
				"BYE sip:door@192.0.2.10 SIP/2.0\r\n" + VIA + FROM +
				"To: <sip:door@192.0.2.10>;tag=first\r\n" + CALL_ID + "CSeq: 2 BYE\r\n\r\n",
			);
			const m = parsedRequest(new SipParser(DEFAULT_LIMITS), req);
			return w.statusLine(200, ascii("OK")).responseHeaders(m, ascii("second")).endHeaders().finish();
		},
		expect:
			"SIP/2.0 200 OK\r\n" + VIA + FROM + "To: <sip:door@192.0.2.10>;tag=first\r\n" + CALL_ID +
			"CSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n",
	},
	{
		name: "writes the canonical name for a header received in compact form (§7.3.3)",
		build: (w) => {
			const m = parsedRequest(new SipParser(DEFAULT_LIMITS), REQUEST_FOR_RESPONSES);
			return w.statusLine(200, ascii("OK")).copyHeader(m, H_CALL_ID).copyHeader(m, H_VIA).endHeaders().finish();
		},
		expect:
			"SIP/2.0 200 OK\r\nCall-ID: 3848276298220188511@192.0.2.20\r\n" +
			"Via: SIP/2.0/UDP proxy.example.net;branch=z9hG4bKpx1\r\nVia: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK74bf9\r\n" +
			"Content-Length: 0\r\n\r\n",
	},
	{
		name: "writes numbers digit by digit, 0 and 2^31 - 1 included (§20.16, §20.22)",
		build: (w) => w.requestLine(METHOD_BYTES[M_OPTIONS], DOOR_URI).headerUint(H_MAX_FORWARDS, 0).name(H_CSEQ).uint(2147483647).byte(0x20).bytes(METHOD_BYTES[M_OPTIONS]).crlf().endHeaders().finish(),
		expect: "OPTIONS sip:door@192.0.2.10 SIP/2.0\r\nMax-Forwards: 0\r\nCSeq: 2147483647 OPTIONS\r\nContent-Length: 0\r\n\r\n",
	},
	{
		name: "refuses to finish a message that overflowed the buffer: finish() === -1 (DESIGN.md §3)",
		capacity: 48,
		build: (w) => w.requestLine(METHOD_BYTES[M_INVITE], DOOR_URI).header(H_FROM, ascii("<sip:hall@192.0.2.20>;tag=1")).endHeaders().finish(),
		expect: -1,
	},
	{
		name: "refuses to finish when the body overflows after the headers fitted (DESIGN.md §3)",
		capacity: 64,
		build: (w) => {
			w.requestLine(METHOD_BYTES[M_OPTIONS], DOOR_URI).endHeaders();
			return w.bytes(ascii(SDP)).finish();
		},
		expect: -1,
	},
	{
		name: "writes a verdict's Status-Line naming the fault: 400 Bad CSeq: method INVITE != ACK (§8.2, §21.4)",
		build: (w) => {
			const p = new SipParser(DEFAULT_LIMITS);
			const req = bytesOf("ACK sip:door@192.0.2.10 SIP/2.0\r\n" + DIALOG + "CSeq: 314159 INVITE\r\n\r\n");
			if (p.parse(req, 0, req.length) !== 400) return -2;
			return w.statusLineFor(p.verdict, req).pos;
		},
		expect: "SIP/2.0 400 Bad CSeq: method INVITE != ACK\r\n",
	},
	{
		name: "writes a verdict without detail as code and reason: 513 Message Too Large (§21.5.7)",
		build: (w) => {
			const p = new SipParser(limitsWith({ maxMessageBytes: 64 }));
			const req = bytesOf(OPTIONS);
			if (p.parse(req, 0, req.length) !== 513) return -2;
			return w.statusLineFor(p.verdict, req).pos;
		},
		expect: "SIP/2.0 513 Message Too Large\r\n",
	},
	{
		name: "replaces control and non-ASCII octets of the fault with '?' and cuts it at 40 octets (§25.1 Reason-Phrase)",
		build: (w) => {
			const p = new SipParser(DEFAULT_LIMITS);
			const req = bytesOf(OPTIONS_LINE + VIA + FROM + TO + "Call-ID: caf\xC3\xA9 \x7Fbar 0123456789012345678901234567890123456789\r\nCSeq: 1 OPTIONS\r\n\r\n");
			if (p.parse(req, 0, req.length) !== 400) return -2;
			return w.statusLineFor(p.verdict, req).pos;
		},
		// 40 octets of the value: "caf" + 2 UTF-8 octets + " " + DEL + "bar " + 29 digits.
		expect: "SIP/2.0 400 Bad Call-ID: caf?? ?bar 01234567890123456789012345678\r\n",
	},
];

/** How many vectors `runSipVectors` runs. */
export const SIP_VECTOR_COUNT = PARSE_VECTORS.length + WRITER_VECTORS.length;

function show(value: unknown): string {
	return value === undefined ? "undefined" : JSON.stringify(value);
}

/** "" when `got` has every field of `want` (arrays of the same length), else what differs. */
function mismatch(path: string, want: unknown, got: unknown): string {
	if (Array.isArray(want)) {
		if (!Array.isArray(got)) return `${path} = ${show(got)}, expected an array`;
		if (got.length !== want.length) return `${path}.length = ${got.length}, expected ${want.length} (${show(got)})`;
		for (let i = 0; i < want.length; i++) {
			const m = mismatch(`${path}[${i}]`, want[i], got[i]);
			if (m !== "") return m;
		}
		return "";
	}
	if (want !== null && typeof want === "object") {
		if (got === null || typeof got !== "object") return `${path} = ${show(got)}, expected ${show(want)}`;
		const keys = Object.keys(want);
		for (let i = 0; i < keys.length; i++) {
			const key = keys[i];
			const m = mismatch(path === "" ? key : `${path}.${key}`, (want as Record<string, unknown>)[key], (got as Record<string, unknown>)[key]);
			if (m !== "") return m;
		}
		return "";
	}
	return want === got ? "" : `${path} = ${show(got)}, expected ${show(want)}`;
}

/** Run one parse vector: "" when it passes, else why not. */
export function runParseVector(v: ParseVector): string {
	const parser = new SipParser(v.limits === undefined ? DEFAULT_LIMITS : limitsWith(v.limits));
	const buf = bytesOf(v.wire);
	const status = parser.parse(buf, 0, buf.length, v.stream === true);
	const e = v.expect;
	if ("needMore" in e) return status === -1 ? "" : `parse returned ${status} (${parser.verdict.describe(buf)}), expected NEED_MORE`;
	if ("verdict" in e) {
		if (status === 0) return `accepted, expected ${e.verdict.status} ${e.verdict.reasonStartsWith}`;
		const reason = parser.verdict.describe(buf);
		if (status !== e.verdict.status || !reason.startsWith(e.verdict.reasonStartsWith)) {
			return `verdict ${status} "${reason}", expected ${e.verdict.status} "${e.verdict.reasonStartsWith}..."`;
		}
		return "";
	}
	if (status !== 0) return `verdict ${status} "${parser.verdict.describe(buf)}", expected a message`;
	return mismatch("", e, summarize(parser.view));
}

/** Run one writer vector: "" when it passes, else why not. */
export function runWriterVector(v: WriterVector): string {
	const w = new Writer(v.capacity === undefined ? 1500 : v.capacity);
	const length = v.build(w);
	if (v.expect === -1) return length === -1 ? "" : `wrote ${length} bytes ${show(wireOf(w.buf, 0, w.pos))}, expected -1`;
	if (length < 0) return `returned ${length}, expected ${show(v.expect)}`;
	const got = wireOf(w.buf, 0, length);
	return got === v.expect ? "" : `wrote ${show(got)}, expected ${show(v.expect)}`;
}

/** Run every vector; never throws. Failures read "name: what differs". */
export function runSipVectors(): { passed: number; failures: string[] } {
	const failures: string[] = [];
	let passed = 0;
	for (let i = 0; i < PARSE_VECTORS.length; i++) {
		const v = PARSE_VECTORS[i];
		let m: string;
		try {
			m = runParseVector(v);
		} catch (err) {
			m = "threw " + String(err);
		}
		if (m === "") passed++;
		else failures.push(`${v.name}: ${m}`);
	}
	for (let i = 0; i < WRITER_VECTORS.length; i++) {
		const v = WRITER_VECTORS[i];
		let m: string;
		try {
			m = runWriterVector(v);
		} catch (err) {
			m = "threw " + String(err);
		}
		if (m === "") passed++;
		else failures.push(`${v.name}: ${m}`);
	}
	return { passed, failures };
}
