// The stub resolver on a virtual network: queries, retransmission over the servers, what is accepted and refused,
// the cache and negative answers, the fixed pools, mDNS one-shot queries — RFC 1035 §4.2.1, §7; RFC 5452 §9;
// RFC 2308; RFC 6762 §5.1.
import assert from "node:assert/strict";
import { DNS_FAILED, DNS_NODATA, DNS_NXDOMAIN, DNS_OK, DNS_TIMEOUT, R_BAD_NAME, R_BUSY, R_NO_TIMER, R_SERVFAIL, R_TIMEOUT } from "../../src/dns/dns-answer.js";
import { LOOKUP_NOW, R_WRONG_ID, R_WRONG_SOURCE, R_MDNS_EMPTY } from "../../src/dns/dns-client.js";
import { R_QUESTION, R_TRUNCATED } from "../../src/dns/answer-parser.js";
import { a, aaaa, hex, RECORDED, response, soa, srv } from "../vectors/dns-messages.js";
import { SERVER_1, SERVER_2, VirtualDns } from "./virtual-dns.js";

const A = 1, AAAA = 28, SRV = 33;
const PBX = "pbx.example.test";

describe("DNS client: the query (RFC 1035 §4.1.1, §4.1.2; RFC 5452 §9.2; RFC 6891 §6)", () => {
	it("asks one question with RD set, a random ID and an EDNS OPT record offering 1232 bytes", () => {
		const net = new VirtualDns();
		net.lookup(PBX, A);
		net.lookup(PBX, AAAA);
		assert.equal(net.sent.length, 2);
		const [q1, q2] = net.sent;
		assert.deepEqual([q1.name, q1.type, q1.rd, q1.edns], [PBX, A, true, 1232]);
		assert.deepEqual([q2.name, q2.type], [PBX, AAAA]);
		assert.notEqual(q1.id, q2.id, "each query draws its ID");
		assert.deepEqual([q1.address, q1.port], [SERVER_1.address, 53]);
	});

	it("sends each query from its own socket on a port drawn from 49152-65535, closed when the query ends (RFC 5452 §9.2)", () => {
		const net = new VirtualDns();
		net.lookup(PBX, A);
		net.lookup("sip.example.test", A);
		const ports = net.opened.map((s) => s.localPort);
		assert.equal(ports.length, 2);
		for (const p of ports) assert.ok(p >= 49152 && p <= 65535, `port ${p}`);
		assert.notEqual(ports[0], ports[1]);
		net.reply(0, { answers: [a(PBX, "192.0.2.10")] });
		assert.deepEqual(net.opened.map((s) => s.closed), [true, false]);
	});

	it("refuses a name that is not one at once, naming the fault", () => {
		const net = new VirtualDns();
		const empty = new Uint8Array([0x40, 0x61, 0]); // a reserved label type
		assert.equal(net.client.lookup(net.owner, 0, empty, 0, A), LOOKUP_NOW);
		assert.equal(net.client.answer.status, DNS_FAILED);
		assert.equal(net.client.answer.reason, R_BAD_NAME);
		assert.equal(net.sent.length, 0);
	});
});

describe("DNS client: retransmission over the servers (RFC 1035 §4.2.1)", () => {
	it("asks each server in turn, doubling the wait every round, then reports a timeout naming the name", () => {
		const net = new VirtualDns({ servers: [SERVER_1, SERVER_2], config: { timeoutMs: 2000, attempts: 2 } });
		net.lookup(PBX, A, 7);
		net.clock.advance(20_000);
		assert.deepEqual(net.sends(), [
			`0 ${SERVER_1.address}:53 ${PBX}`,
			`2000 ${SERVER_2.address}:53 ${PBX}`,
			`4000 ${SERVER_1.address}:53 ${PBX}`,
			`8000 ${SERVER_2.address}:53 ${PBX}`,
		]);
		assert.equal(net.heard.length, 1);
		const h = net.heard[0];
		assert.deepEqual([h.at - 1000, h.arg, h.status, h.reason], [12_000, 7, DNS_TIMEOUT, R_TIMEOUT]);
		assert.equal(h.describe, `${PBX} A: no answer from the DNS servers (timeout)`);
		assert.equal(net.client.pending, 0);
		assert.equal(net.wheel.size, 0, "no timer left behind");
	});

	it("an answer to a retransmission ends the lookup: nothing more is sent", () => {
		const net = new VirtualDns({ servers: [SERVER_1, SERVER_2], config: { timeoutMs: 1000, attempts: 2 } });
		net.lookup(PBX, A);
		net.clock.advance(1500);
		net.reply(1, { answers: [a(PBX, "192.0.2.10")] });
		net.clock.advance(10_000);
		assert.equal(net.sent.length, 2);
		assert.deepEqual(net.heard.map((h) => [h.status, h.records, h.server]), [[DNS_OK, ["192.0.2.10"], SERVER_2.address]]);
	});

	it("SERVFAIL: the next server is asked at once; when every try fails, the servers' reason is reported", () => {
		const net = new VirtualDns({ servers: [SERVER_1, SERVER_2], config: { attempts: 1 } });
		net.lookup(PBX, A);
		net.reply(0, { rcode: 2 });
		assert.equal(net.sent.length, 2, "second server asked without waiting");
		assert.equal(net.sent[1].at, net.sent[0].at);
		net.reply(1, { rcode: 2 });
		assert.deepEqual(net.heard.map((h) => [h.status, h.describe]), [[DNS_FAILED, `${PBX} A: ${R_SERVFAIL}`]]);
	});

	it("a truncated answer (TC) is not used: the next server is asked at once (RFC 2181 §9)", () => {
		const net = new VirtualDns({ servers: [SERVER_1, SERVER_2] });
		net.lookup(PBX, A);
		net.reply(0, { flags: 0x0380, answers: [a(PBX, "192.0.2.10")] });
		assert.deepEqual(net.refusals, [`${SERVER_1.address}:53 ${R_TRUNCATED}`]);
		assert.equal(net.sent.length, 2);
		net.reply(1, { answers: [a(PBX, "192.0.2.11")] });
		assert.deepEqual(net.heard.map((h) => h.records), [["192.0.2.11"]]);
	});
});

describe("DNS client: which answers are accepted (RFC 5452 §9.1, RFC 1035 §7.3)", () => {
	it("an answer from another address or port is refused, and the query waits on for the server's", () => {
		const net = new VirtualDns();
		net.lookup(PBX, A);
		net.reply(0, { answers: [a(PBX, "203.0.113.66")] }, { address: "203.0.113.1", port: 53 });
		net.reply(0, { answers: [a(PBX, "203.0.113.66")] }, { address: SERVER_1.address, port: 5353 });
		assert.equal(net.heard.length, 0);
		assert.deepEqual(net.refusals, [`203.0.113.1:53 ${R_WRONG_SOURCE}`, `${SERVER_1.address}:5353 ${R_WRONG_SOURCE}`]);
		net.reply(0, { answers: [a(PBX, "192.0.2.10")] });
		assert.deepEqual(net.heard.map((h) => h.records), [["192.0.2.10"]]);
	});

	it("an answer with another ID is refused (RFC 5452 §9.1)", () => {
		const net = new VirtualDns();
		net.lookup(PBX, A);
		net.reply(0, { id: net.sent[0].id ^ 1, answers: [a(PBX, "203.0.113.66")] });
		assert.deepEqual(net.refusals, [`${SERVER_1.address}:53 ${R_WRONG_ID}`]);
		assert.equal(net.heard.length, 0);
	});

	it("an answer to another question is refused, and the next server is asked (RFC 5452 §9.1)", () => {
		const net = new VirtualDns({ servers: [SERVER_1, SERVER_2] });
		net.lookup(PBX, A);
		net.reply(0, { name: "evil.example.test", answers: [a("evil.example.test", "203.0.113.66")] });
		assert.deepEqual(net.refusals, [`${SERVER_1.address}:53 ${R_QUESTION}`]);
		assert.equal(net.sent.length, 2);
	});

	it("on a shared socket, the query is found by its ID; a datagram for no query is refused", () => {
		const net = new VirtualDns({ shared: true });
		net.lookup(PBX, A);
		net.lookup("sip.example.test", A);
		assert.equal(net.opened.length, 0);
		net.reply(1, { answers: [a("sip.example.test", "192.0.2.20")] });
		net.reply(0, { answers: [a(PBX, "192.0.2.10")] });
		net.reply(0, { answers: [a(PBX, "192.0.2.10")] });
		assert.deepEqual(net.heard.map((h) => h.records), [["192.0.2.20"], ["192.0.2.10"]]);
		assert.deepEqual(net.refusals, [`${SERVER_1.address}:53 ${R_WRONG_ID}`]);
	});

	it("only the records owned by the name asked (or its CNAME target) are kept (RFC 1034 §3.6.2)", () => {
		const net = new VirtualDns();
		net.lookup(PBX, A);
		net.reply(0, { answers: [a("evil.example.org", "203.0.113.66"), a(PBX, "192.0.2.10")] });
		assert.deepEqual(net.heard.map((h) => h.records), [["192.0.2.10"]]);
	});
});

describe("DNS client: the cache (RFC 1035 §7.4, RFC 2181 §5.2)", () => {
	it("reuses an answer until its TTL runs out, then asks again", () => {
		const net = new VirtualDns();
		net.lookup(PBX, A);
		net.reply(0, { answers: [a(PBX, "192.0.2.10", 60)] });
		net.clock.advance(59_000);
		assert.equal(net.lookup(PBX, A), LOOKUP_NOW);
		assert.deepEqual(net.heard[1].records, ["192.0.2.10"]);
		net.clock.advance(1_000);
		assert.ok(net.lookup(PBX, A) >= 0, "asked again at 60 s");
		assert.equal(net.sent.length, 2);
	});

	it("keeps a set whose TTLs differ for the lowest of them", () => {
		const net = new VirtualDns();
		net.lookup(PBX, A);
		net.reply(0, { answers: [a(PBX, "192.0.2.10", 300), a(PBX, "192.0.2.11", 30)] });
		assert.equal(net.client.cache.expiresAt(0) - net.clock.now(), 30_000);
		assert.deepEqual(net.heard[0].records, ["192.0.2.10", "192.0.2.11"]);
	});

	it("a full cache gives up the entry that expires first", () => {
		const net = new VirtualDns({ config: { cacheEntries: 2 } });
		for (const [name, ttl] of [["one.example.test", 100], ["two.example.test", 50], ["three.example.test", 200]] as const) {
			net.lookup(name, A);
			net.reply(net.sent.length - 1, { answers: [a(name, "192.0.2.1", ttl)] });
		}
		assert.equal(net.lookup("one.example.test", A), LOOKUP_NOW);
		assert.equal(net.lookup("three.example.test", A), LOOKUP_NOW);
		assert.ok(net.lookup("two.example.test", A) >= 0, "two (expiring first) was evicted");
	});

	it("caches the SRV targets' addresses from the additional section, and nothing for other names (RFC 2782)", () => {
		const net = new VirtualDns();
		net.lookup("_sip._udp.example.test", SRV);
		net.deliver(0, response({ id: net.sent[0].id, name: "_sip._udp.example.test", type: SRV,
			answers: [srv("_sip._udp.example.test", 10, 60, 5062, "pbx1.example.test")],
			additional: [a("pbx1.example.test", "192.0.2.1"), aaaa("pbx1.example.test", "2001:db8::1"), a("victim.example.org", "203.0.113.66")] }));
		assert.deepEqual(net.heard[0].records, ["10 60 5062 pbx1.example.test"]);
		assert.equal(net.lookup("pbx1.example.test", A), LOOKUP_NOW);
		assert.deepEqual(net.heard[1].records, ["192.0.2.1"]);
		assert.equal(net.lookup("pbx1.example.test", AAAA), LOOKUP_NOW);
		assert.deepEqual(net.heard[2].records, ["16 bytes"]);
		assert.ok(net.lookup("victim.example.org", A) >= 0, "glue for a name that is no target is not trusted");
	});

	it("a recorded dnsmasq SRV answer leaves both targets' addresses cached", () => {
		const net = new VirtualDns();
		net.lookup("_sip._udp.example.test", SRV);
		const bytes = hex(RECORDED.srvUdp);
		bytes[0] = net.sent[0].id >> 8;
		bytes[1] = net.sent[0].id & 255;
		net.deliver(0, bytes);
		assert.deepEqual(net.heard[0].records, ["20 10 5064 pbx2.example.test", "10 60 5062 pbx1.example.test"]);
		assert.equal(net.lookup("pbx1.example.test", A), LOOKUP_NOW);
		assert.equal(net.lookup("pbx2.example.test", A), LOOKUP_NOW);
		assert.deepEqual([net.heard[1].records, net.heard[2].records], [["127.0.0.1"], ["127.0.0.2"]]);
	});

	it("forgets everything on a network change", () => {
		const net = new VirtualDns();
		net.lookup(PBX, A);
		net.reply(0, { answers: [a(PBX, "192.0.2.10")] });
		net.client.networkChanged();
		assert.ok(net.lookup(PBX, A) >= 0);
	});
});

describe("DNS client: negative answers (RFC 2308)", () => {
	it("NXDOMAIN is reported naming the name, and remembered for min(SOA TTL, MINIMUM) (§5)", () => {
		const net = new VirtualDns({ config: { maxNegativeTtl: 3600 } });
		net.lookup("nope.example.test", A);
		net.reply(0, { rcode: 3, authority: [soa("example.test", 900, 120)] });
		assert.deepEqual(net.heard.map((h) => [h.status, h.describe]), [[DNS_NXDOMAIN, "nope.example.test A: no such domain (NXDOMAIN)"]]);
		net.clock.advance(119_000);
		assert.equal(net.lookup("nope.example.test", A), LOOKUP_NOW);
		assert.equal(net.heard[1].status, DNS_NXDOMAIN);
		net.clock.advance(1_000);
		assert.ok(net.lookup("nope.example.test", A) >= 0);
	});

	it("is remembered briefly: at most maxNegativeTtl, and negativeTtlWithoutSoa without an SOA", () => {
		const net = new VirtualDns({ config: { maxNegativeTtl: 30, negativeTtlWithoutSoa: 5 } });
		net.lookup("nope.example.test", A);
		net.reply(0, { rcode: 3, authority: [soa("example.test", 86400, 86400)] });
		net.lookup("gone.example.test", A);
		net.reply(1, { rcode: 3 });
		const now = net.clock.now();
		assert.deepEqual([net.client.cache.expiresAt(0) - now, net.client.cache.expiresAt(1) - now], [30_000, 5_000]);
	});

	it("no record of the type (NODATA) is remembered as well (§2.2)", () => {
		const net = new VirtualDns();
		net.lookup(PBX, AAAA);
		net.reply(0, { answers: [] });
		assert.equal(net.heard[0].status, DNS_NODATA);
		assert.equal(net.lookup(PBX, AAAA), LOOKUP_NOW);
		assert.equal(net.heard[1].status, DNS_NODATA);
	});
});

describe("DNS client: fixed pools (DESIGN.md §3)", () => {
	it("every query slot in use: the next lookup fails at once, saying so", () => {
		const net = new VirtualDns({ config: { maxQueries: 2 } });
		net.lookup("one.example.test", A);
		net.lookup("two.example.test", A);
		assert.equal(net.lookup("three.example.test", A), LOOKUP_NOW);
		assert.deepEqual([net.heard[0].status, net.heard[0].reason], [DNS_FAILED, R_BUSY]);
	});

	it("a full timer wheel: the lookup fails at once and frees its slot", () => {
		const net = new VirtualDns({ wheelCapacity: 1 });
		net.wheel.start(60_000, net.wheel.register({ onTimer() {} }), 0, 0);
		assert.equal(net.lookup(PBX, A), LOOKUP_NOW);
		assert.deepEqual([net.heard[0].status, net.heard[0].reason], [DNS_FAILED, R_NO_TIMER]);
		assert.equal(net.client.pending, 0);
		assert.deepEqual(net.opened.map((s) => s.closed), [true]);
	});

	it("a cancelled lookup says nothing more, and its socket and timer are released", () => {
		const net = new VirtualDns();
		const q = net.lookup(PBX, A);
		assert.equal(net.client.cancel(q), true);
		assert.equal(net.client.cancel(q), false, "a stale handle");
		net.reply(0, { answers: [a(PBX, "192.0.2.10")] });
		net.clock.advance(60_000);
		assert.deepEqual([net.heard.length, net.wheel.size, net.opened[0].closed], [0, 0, true]);
	});
});

describe("DNS client: mDNS one-shot queries for .local names (RFC 6762 §5.1, §6, §18)", () => {
	const GROUP = { address: "224.0.0.251", port: 5353 };

	it("sends to 224.0.0.251:5353 without RD or OPT, and accepts the answer from any host on the link, from port 5353", () => {
		const net = new VirtualDns();
		net.lookup("door.local", A);
		assert.deepEqual(net.sent.map((s) => [s.address, s.port, s.rd, s.edns]), [[GROUP.address, 5353, false, 0]]);
		net.reply(0, { answers: [a("door.local", "192.168.1.20", 120)] }, { address: "192.168.1.20", port: 4000 });
		assert.deepEqual(net.refusals, [`192.168.1.20:4000 ${R_WRONG_SOURCE}`]);
		net.reply(0, { flags: 0x0400, answers: [{ ...a("door.local", "192.168.1.20", 120), cls: 0x8001 }] }, { address: "192.168.1.20", port: 5353 });
		assert.deepEqual(net.heard.map((h) => [h.status, h.records, h.server]), [[DNS_OK, ["192.168.1.20"], "192.168.1.20"]]);
	});

	it("a multicast-style response (ID 0, no question) answers too; one without the record asked is ignored", () => {
		const net = new VirtualDns();
		net.lookup("door.local", A);
		const from = { address: "192.168.1.7", port: 5353 };
		net.deliver(0, response({ id: 0, name: "printer.local", type: A, noQuestion: true, answers: [a("printer.local", "192.168.1.7")] }), from);
		assert.deepEqual(net.refusals, [`192.168.1.7:5353 ${R_MDNS_EMPTY}`]);
		net.deliver(0, response({ id: 0, name: "door.local", type: A, noQuestion: true, answers: [a("door.local", "192.168.1.20")] }), from);
		assert.deepEqual(net.heard.map((h) => h.records), [["192.168.1.20"]]);
	});

	it("nobody answers: mdnsAttempts sends, doubling, then a timeout naming the name", () => {
		const net = new VirtualDns({ config: { mdnsTimeoutMs: 1000, mdnsAttempts: 3 } });
		net.lookup("door.local", A);
		net.clock.advance(10_000);
		assert.deepEqual(net.sent.map((s) => s.at - 1000), [0, 1000, 3000]);
		assert.deepEqual(net.heard.map((h) => [h.at - 1000, h.describe]), [[7000, "door.local A: no answer from the DNS servers (timeout)"]]);
	});
});
