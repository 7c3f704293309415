// DNS answer vectors: a response in, the parser's reading out, one line per fact (llhttp-style trace tables) —
// RFC 1035 §4.1, §4.1.4; RFC 1034 §3.6.2; RFC 2181 §8; RFC 2308 §2; RFC 2782; RFC 3403 §4.1; RFC 3596; RFC 6762 §18.
// Recorded dnsmasq answers and hand-made hostile ones. Host-free (src/ and test helpers only, no node:, no assert),
// so the same vectors run on Node and on the XS engine (test/xs/dns-vectors.test.ts compares the two).
import { AnswerParser } from "../../src/dns/answer-parser.js";
import { formatAddress } from "../../src/dns/address-text.js";
import { copyName, nameText } from "../../src/dns/name.js";
import { runVectors, type TraceVector, vectorTraces } from "./vector-runner.js";
import { a, cname, hex, nameBytes, naptr, RECORDED, type Rr, response, soa, srv } from "./dns-messages.js";

const TYPE_NAMES: Record<number, string> = { 1: "A", 5: "CNAME", 6: "SOA", 28: "AAAA", 33: "SRV", 35: "NAPTR", 41: "OPT" };
const SERVICE_NAMES = ["other", "SIP+D2U", "SIP+D2T", "SIPS+D2T"];
const SECTIONS = ["", "answer", "authority", "additional"];

const parser = new AnswerParser(24);
const scratch = new Uint8Array(256);

function name(p: AnswerParser, at: number): string {
	return copyName(p.msg, p.base, at, scratch, 0, scratch.length) < 0 ? "(too long)" : nameText(scratch, 0);
}

function data(p: AnswerParser, i: number): string {
	switch (p.type[i]) {
		case 1:
		case 28: {
			const n = formatAddress(p.msg, p.dataAt[i], p.dataEnd[i] - p.dataAt[i], scratch, 0);
			return String.fromCharCode(...scratch.subarray(0, n));
		}
		case 5:
			return name(p, p.dataAt[i]);
		case 6:
			return `minimum ${p.soaMinimum(i)}`;
		case 33:
			return `priority ${p.srvPriority(i)} weight ${p.srvWeight(i)} port ${p.srvPort(i)} target ${name(p, p.srvTargetAt(i))}`;
		case 35:
			return `order ${p.naptrOrder(i)} preference ${p.naptrPreference(i)} flag-s ${p.naptrHasFlag(i, 0x73) ? 1 : 0} ` +
				`service ${SERVICE_NAMES[p.naptrService(i)]} regexp ${p.naptrRegexpEmpty(i) ? "empty" : "set"} replacement ${name(p, p.naptrReplacementAt(i))}`;
		default:
			return `${p.dataEnd[i] - p.dataAt[i]} bytes`;
	}
}

/** Parse msg as the answer to (qname, qtype): the verdict, then one line per record ("*": an answer to the question). */
export function parseTrace(msg: Uint8Array, qname: string, qtype: number, mdns = false): string[] {
	const p = parser, q = nameBytes(qname);
	if (!p.parse(msg, 0, msg.length, q, 0, qtype, mdns)) return [`refused at ${p.errorAt}: ${p.reason}`];
	const lines = [`rcode ${p.rcode} records ${p.count}${p.questionAt < 0 ? " no question" : ""}`];
	for (let i = 0; i < p.count; i++) {
		const mark = p.isAnswer(i) ? "*" : "";
		lines.push(`${SECTIONS[p.section[i]]}${mark} ${TYPE_NAMES[p.type[i]] ?? p.type[i]} ${name(p, p.nameAt[i])} ttl ${p.ttl[i]}: ${data(p, i)}`);
	}
	return lines;
}

/** A copy of msg with bytes changed: [offset, value] pairs. */
function patched(msg: Uint8Array, ...changes: [number, number][]): Uint8Array {
	const out = msg.slice();
	for (const [at, v] of changes) out[at] = v;
	return out;
}

/** A response for pbx.example.test A whose answer record's owner name is the raw bytes given. */
function withOwner(owner: number[]): Uint8Array {
	const head = response({ id: 1, name: "pbx.example.test", type: 1 });
	const rr = [...owner, 0, 1, 0, 1, 0, 0, 1, 44, 0, 4, 192, 0, 2, 1];
	const out = Uint8Array.from([...head, ...rr]);
	out[7] = 1; // ANCOUNT
	return out;
}

const ONE: Rr[] = [a("pbx.example.test", "192.0.2.10")];
/** pbx.example.test A with one answer, its owner a pointer to the question: the record header at 36, its data at 46. */
const COMPRESSED = response({ id: 1, name: "pbx.example.test", type: 1, answers: ONE, compress: true });

export const DNS_VECTORS: readonly TraceVector[] = Object.freeze([
	{
		name: "NAPTR answer from dnsmasq: order, preference, flag s, service, replacement (RFC 3403 §4.1, RFC 3263 §4.1)",
		run: () => parseTrace(hex(RECORDED.naptr), "example.test", 35),
		expect: [
			"rcode 0 records 2",
			"answer* NAPTR example.test ttl 300: order 20 preference 50 flag-s 1 service SIP+D2U regexp empty replacement _sip._udp.example.test",
			"answer* NAPTR example.test ttl 300: order 10 preference 50 flag-s 1 service SIP+D2T regexp empty replacement _sip._tcp.example.test",
		],
	},
	{
		name: "SRV answer from dnsmasq with its targets' addresses as additional records, names compressed (RFC 2782, RFC 1035 §4.1.4)",
		run: () => parseTrace(hex(RECORDED.srvUdp), "_sip._udp.example.test", 33),
		expect: [
			"rcode 0 records 5",
			"answer* SRV _sip._udp.example.test ttl 300: priority 20 weight 10 port 5064 target pbx2.example.test",
			"answer* SRV _sip._udp.example.test ttl 300: priority 10 weight 60 port 5062 target pbx1.example.test",
			"additional A pbx1.example.test ttl 300: 127.0.0.1",
			"additional A pbx2.example.test ttl 300: 127.0.0.2",
			"additional AAAA pbx2.example.test ttl 300: ::1",
		],
	},
	{
		name: "A answer from dnsmasq (RFC 1035 §3.4.1)",
		run: () => parseTrace(hex(RECORDED.a), "pbx1.example.test", 1),
		expect: ["rcode 0 records 1", "answer* A pbx1.example.test ttl 300: 127.0.0.1"],
	},
	{
		name: "AAAA answer from dnsmasq, written as RFC 5952 text (RFC 3596 §2.2)",
		run: () => parseTrace(hex(RECORDED.aaaa), "pbx2.example.test", 28),
		expect: ["rcode 0 records 1", "answer* AAAA pbx2.example.test ttl 0: ::1"],
	},
	{
		name: "NXDOMAIN from dnsmasq: the name does not exist (RFC 2308 §2.1)",
		run: () => parseTrace(hex(RECORDED.nxdomain), "nope.example.test", 1),
		expect: ["rcode 3 records 0"],
	},
	{
		name: "NOERROR without an answer: no data for the type (RFC 2308 §2.2)",
		run: () => parseTrace(hex(RECORDED.nodata), "pbx1.example.test", 28),
		expect: ["rcode 0 records 0"],
	},
	{
		name: "REFUSED is read, not refused: the caller decides (RFC 1035 §4.1.1)",
		run: () => parseTrace(hex(RECORDED.refused), "other.org", 1),
		expect: ["rcode 5 records 0"],
	},
	{
		name: "negative answer with an SOA in the authority section (RFC 2308 §3)",
		run: () => parseTrace(response({ id: 1, name: "nope.example.test", type: 1, rcode: 3, authority: [soa("example.test", 3600, 60)] }), "nope.example.test", 1),
		expect: ["rcode 3 records 1", "authority SOA example.test ttl 3600: minimum 60"],
	},
	{
		name: "a CNAME chain is followed: the answer is owned by its last target (RFC 1034 §3.6.2)",
		run: () => parseTrace(response({
			id: 1, name: "sip.example.test", type: 1,
			answers: [cname("sip.example.test", "edge.example.test"), cname("edge.example.test", "pbx.example.test"), a("pbx.example.test", "192.0.2.10"), a("other.example.test", "192.0.2.66")],
		}), "sip.example.test", 1),
		expect: [
			"rcode 0 records 4",
			"answer CNAME sip.example.test ttl 300: edge.example.test",
			"answer CNAME edge.example.test ttl 300: pbx.example.test",
			"answer* A pbx.example.test ttl 300: 192.0.2.10",
			"answer A other.example.test ttl 300: 192.0.2.66",
		],
	},
	{
		name: "names compare without regard to ASCII case (RFC 4343 §3)",
		run: () => parseTrace(response({ id: 1, name: "PBX.Example.TEST", type: 1, answers: [a("pbx.EXAMPLE.test", "192.0.2.10")] }), "pbx.example.test", 1),
		expect: ["rcode 0 records 1", "answer* A pbx.EXAMPLE.test ttl 300: 192.0.2.10"],
	},
	{
		name: "a TTL with the top bit set counts as 0 (RFC 2181 §8)",
		run: () => parseTrace(response({ id: 1, name: "pbx.example.test", type: 1, answers: [a("pbx.example.test", "192.0.2.10", 0x80000001)] }), "pbx.example.test", 1),
		expect: ["rcode 0 records 1", "answer* A pbx.example.test ttl 0: 192.0.2.10"],
	},
	{
		name: "records of other names or types are read but are no answer (RFC 1035 §7.3)",
		run: () => parseTrace(response({ id: 1, name: "pbx.example.test", type: 1, answers: [a("evil.example.org", "203.0.113.1"), srv("pbx.example.test", 1, 1, 5060, "x.example.test")] }), "pbx.example.test", 1),
		expect: ["rcode 0 records 2", "answer A evil.example.org ttl 300: 203.0.113.1", "answer SRV pbx.example.test ttl 300: priority 1 weight 1 port 5060 target x.example.test"],
	},
	{
		name: "mDNS response without a question, cache-flush bit set: accepted as an mDNS answer (RFC 6762 §18.1, §10.2)",
		run: () => parseTrace(response({ id: 0, name: "door.local", type: 1, noQuestion: true, flags: 0x0400, answers: [{ ...a("door.local", "192.168.1.20", 120), cls: 0x8001 }] }), "door.local", 1, true),
		expect: ["rcode 0 records 1 no question", "answer* A door.local ttl 120: 192.168.1.20"],
	},
	{
		name: "the same response over unicast DNS: the question is missing (RFC 1035 §4.1.2)",
		run: () => parseTrace(response({ id: 0, name: "door.local", type: 1, noQuestion: true, answers: [a("door.local", "192.168.1.20")] }), "door.local", 1),
		expect: ["refused at 4: question count is not 1"],
	},
	// Hostile and broken messages: each refused with its reason and where it was found.
	{
		name: "a compression pointer to itself is a loop (RFC 1035 §4.1.4)",
		run: () => parseTrace(withOwner([0xc0, 34]), "pbx.example.test", 1),
		expect: ["refused at 34: compression pointer does not point before the name (a loop or a forward pointer)"],
	},
	{
		name: "a pointer back into its own labels is a loop (RFC 1035 §4.1.4)",
		run: () => parseTrace(withOwner([1, 0x61, 0xc0, 34]), "pbx.example.test", 1),
		expect: ["refused at 34: compression pointer does not point before the name (a loop or a forward pointer)"],
	},
	{
		name: "two pointers aimed at each other: refused, not followed for ever (RFC 1035 §4.1.4)",
		run: () => parseTrace(withOwner([0xc0, 36, 0xc0, 34]), "pbx.example.test", 1),
		expect: ["refused at 34: compression pointer does not point before the name (a loop or a forward pointer)"],
	},
	{
		name: "a pointer beyond the end of the message (RFC 1035 §4.1.4)",
		run: () => parseTrace(withOwner([0xc0, 0xff]), "pbx.example.test", 1),
		expect: ["refused at 34: compression pointer does not point before the name (a loop or a forward pointer)"],
	},
	{
		name: "a pointer into the header (RFC 1035 §4.1.4)",
		run: () => parseTrace(withOwner([0xc0, 2]), "pbx.example.test", 1),
		expect: ["refused at 34: compression pointer into the message header"],
	},
	{
		name: "the label types 0x40 and 0x80 are reserved (RFC 1035 §4.1.4, RFC 6891 §5)",
		run: () => parseTrace(withOwner([0x41, 0x61, 0]), "pbx.example.test", 1),
		expect: ["refused at 34: reserved label type (0x40 or 0x80)"],
	},
	{
		name: "a name over 255 bytes: four 63-byte labels (RFC 1035 §3.1)",
		run: () => {
			const label = [63, ...Array(63).fill(0x61)];
			return parseTrace(withOwner([...label, ...label, ...label, ...label, 0]), "pbx.example.test", 1);
		},
		expect: ["refused at 34: name longer than 255 bytes"],
	},
	{
		name: "a record header cut short (RFC 1035 §4.1.3)",
		run: () => parseTrace(COMPRESSED.subarray(0, 40), "pbx.example.test", 1),
		expect: ["refused at 36: record header runs past the end of the message"],
	},
	{
		name: "record data longer than the message (RFC 1035 §4.1.3 RDLENGTH)",
		run: () => parseTrace(COMPRESSED.subarray(0, 48), "pbx.example.test", 1),
		expect: ["refused at 44: record data runs past the end of the message"],
	},
	{
		name: "the counts promise more records than the message holds (RFC 1035 §4.1.1)",
		run: () => parseTrace(patched(COMPRESSED, [7, 2]), "pbx.example.test", 1),
		expect: ["refused at 50: name runs past the end of the message"],
	},
	{
		name: "A record data of 5 bytes (RFC 1035 §3.4.1)",
		run: () => parseTrace(response({ id: 1, name: "pbx.example.test", type: 1, answers: [{ name: "pbx.example.test", type: 1, ttl: 1, data: [1, 2, 3, 4, 5] }], compress: true }), "pbx.example.test", 1),
		expect: ["refused at 46: A record data is not 4 bytes"],
	},
	{
		name: "AAAA record data of 4 bytes (RFC 3596 §2.2)",
		run: () => parseTrace(response({ id: 1, name: "pbx.example.test", type: 28, answers: [{ name: "pbx.example.test", type: 28, ttl: 1, data: [1, 2, 3, 4] }], compress: true }), "pbx.example.test", 28),
		expect: ["refused at 46: AAAA record data is not 16 bytes"],
	},
	{
		name: "SRV data with bytes after the target (RFC 2782)",
		run: () => {
			const r = srv("_sip._udp.example.test", 1, 1, 5060, "pbx.example.test");
			return parseTrace(response({ id: 1, name: "_sip._udp.example.test", type: 33, answers: [{ ...r, data: [...r.data, 0] }], compress: true }), "_sip._udp.example.test", 33);
		},
		expect: ["refused at 52: SRV record data malformed"],
	},
	{
		name: "SRV data too short for priority, weight, port and target (RFC 2782)",
		run: () => parseTrace(response({ id: 1, name: "_sip._udp.example.test", type: 33, answers: [{ name: "_sip._udp.example.test", type: 33, ttl: 1, data: [0, 1, 0, 1, 0x13] }], compress: true }), "_sip._udp.example.test", 33),
		expect: ["refused at 52: SRV record data malformed"],
	},
	{
		name: "a NAPTR character-string running past its record (RFC 3403 §4.1)",
		run: () => {
			const r = naptr("example.test", 10, 50, "s", "SIP+D2U", "", "_sip._udp.example.test");
			r.data[4] = 200; // FLAGS claims 200 bytes
			return parseTrace(response({ id: 1, name: "example.test", type: 35, answers: [r], compress: true }), "example.test", 35);
		},
		expect: ["refused at 42: NAPTR record data malformed"],
	},
	{
		name: "a CNAME whose target runs past its data (RFC 1035 §3.3.1)",
		run: () => {
			const r = cname("sip.example.test", "pbx.example.test");
			return parseTrace(response({ id: 1, name: "sip.example.test", type: 1, answers: [{ ...r, data: [...r.data, 7] }], compress: true }), "sip.example.test", 1);
		},
		expect: ["refused at 46: name in record data does not end where the data ends"],
	},
	{
		name: "a CNAME loop: refused after 8 CNAMEs (RFC 1034 §3.6.2)",
		run: () => parseTrace(response({ id: 1, name: "a.example.test", type: 1, answers: [cname("a.example.test", "b.example.test"), cname("b.example.test", "a.example.test")] }), "a.example.test", 1),
		expect: ["refused at 32: CNAME chain longer than 8 or looping"],
	},
	{
		name: "TC set: the answer is cut short and is not used (RFC 1035 §4.2.1, RFC 2181 §9)",
		run: () => parseTrace(response({ id: 1, name: "pbx.example.test", type: 1, flags: 0x0380, answers: ONE }), "pbx.example.test", 1),
		expect: ["refused at 2: TC bit set: the answer was truncated (DNS over TCP is not supported)"],
	},
	{
		name: "QR clear: a query is no answer (RFC 1035 §4.1.1)",
		run: () => parseTrace(patched(response({ id: 1, name: "pbx.example.test", type: 1, answers: ONE }), [2, 0x01]), "pbx.example.test", 1),
		expect: ["refused at 2: QR bit clear: a query, not a response"],
	},
	{
		name: "an opcode other than QUERY (RFC 1035 §4.1.1)",
		run: () => parseTrace(patched(response({ id: 1, name: "pbx.example.test", type: 1, answers: ONE }), [2, 0xa1]), "pbx.example.test", 1),
		expect: ["refused at 2: opcode is not QUERY"],
	},
	{
		name: "two questions (RFC 1035 §4.1.2: a resolver asks one)",
		run: () => parseTrace(patched(response({ id: 1, name: "pbx.example.test", type: 1, answers: ONE }), [5, 2]), "pbx.example.test", 1),
		expect: ["refused at 4: question count is not 1"],
	},
	{
		name: "the answer to another name (RFC 5452 §9.1: the question must match)",
		run: () => parseTrace(response({ id: 1, name: "evil.example.test", type: 1, answers: [a("evil.example.test", "203.0.113.1")] }), "pbx.example.test", 1),
		expect: ["refused at 12: answer to another question (name, type or class differ)"],
	},
	{
		name: "the answer to another type (RFC 5452 §9.1)",
		run: () => parseTrace(response({ id: 1, name: "pbx.example.test", type: 28 }), "pbx.example.test", 1),
		expect: ["refused at 12: answer to another question (name, type or class differ)"],
	},
	{
		name: "a message shorter than its header (RFC 1035 §4.1.1)",
		run: () => parseTrace(hex(RECORDED.a).subarray(0, 11), "pbx1.example.test", 1),
		expect: ["refused at 0: message shorter than the DNS header"],
	},
	{
		name: "the question cut short (RFC 1035 §4.1.2)",
		run: () => parseTrace(hex(RECORDED.a).subarray(0, 30), "pbx1.example.test", 1),
		expect: ["refused at 12: name runs past the end of the message"],
	},
	{
		name: "an additional record cut short (RFC 1035 §4.1.3)",
		run: () => parseTrace(hex(RECORDED.srvTcp).subarray(0, 91), "_sip._tcp.example.test", 33),
		expect: ["refused at 87: record data runs past the end of the message"],
	},
]);

export const DNS_VECTOR_COUNT = DNS_VECTORS.length;

export function runDnsVectors(): { passed: number; failures: string[] } {
	return runVectors(DNS_VECTORS);
}

export function dnsVectorTraces(): string[][] {
	return vectorTraces(DNS_VECTORS);
}
