// RFC 3263 §4 on a virtual network: which lookups are made for which URI, and the targets that come out, in order —
// NAPTR → SRV → A/AAAA (§4.1, §4.2), SRV priority and weight (RFC 2782), failures that name the name, and the list's
// lifetime. The zone answers as a server would; the order expected comes from the RFCs' rules, not from the code.
import assert from "node:assert/strict";
import { LOCATE_NOW, MIN_LIST_LIFETIME_MS, R_BAD_HOST, R_LOCATOR_BUSY, R_NO_TARGET, R_TRANSPORT, SipLocator, type LocatorOptions } from "../../src/dns/sip-locator.js";
import { TargetList, TCP, TLS, UDP } from "../../src/dns/target-list.js";
import { R_NXDOMAIN, R_TIMEOUT } from "../../src/dns/dns-answer.js";
import { ascii } from "../../src/sip/bytes.js";
import { FixedRandom } from "../media/fixed-random.js";
import { a, aaaa, naptr, type Rr, srv } from "../vectors/dns-messages.js";
import { VirtualDns, type VirtualDnsOptions, type Zone, zoneOf } from "./virtual-dns.js";

const NAMES = ["", "udp", "tcp", "tls"];

/** The zone of RFC 3263 §4.1's example, with two servers and failover by priority. */
const EXAMPLE: Rr[] = [
	naptr("example.test", 50, 50, "s", "SIPS+D2T", "", "_sips._tcp.example.test"),
	naptr("example.test", 90, 50, "s", "SIP+D2T", "", "_sip._tcp.example.test"),
	naptr("example.test", 100, 50, "s", "SIP+D2U", "", "_sip._udp.example.test"),
	srv("_sips._tcp.example.test", 0, 0, 5061, "pbx1.example.test"),
	srv("_sip._tcp.example.test", 0, 0, 5060, "pbx1.example.test"),
	srv("_sip._udp.example.test", 20, 0, 5064, "pbx2.example.test"),
	srv("_sip._udp.example.test", 10, 0, 5062, "pbx1.example.test"),
	a("pbx1.example.test", "192.0.2.1", 600),
	a("pbx2.example.test", "192.0.2.2", 120),
	aaaa("pbx2.example.test", "2001:db8::2"),
];

class Rig {
	readonly net: VirtualDns;
	readonly locator: SipLocator;
	readonly owner: number;
	readonly located: { request: number; arg: number; targets: string[]; error: string }[] = [];

	constructor(zone: Zone, options: VirtualDnsOptions = {}, locator: Partial<LocatorOptions> = {}) {
		this.net = new VirtualDns({ zone, ...options });
		this.locator = new SipLocator({ client: this.net.client, random: this.net.random, ...locator });
		this.owner = this.locator.register({
			onLocated: (request, arg, list) => this.located.push({ request, arg, targets: targets(list), error: list.error }),
		});
	}

	/** Locate a URI and let the zone answer everything: the targets, or the error. */
	locate(uri: string, list = new TargetList(8)): { now: boolean; targets: string[]; error: string; list: TargetList } {
		const b = ascii(uri);
		const r = this.locator.locateUri(this.owner, 0, b, 0, b.length, list);
		if (r === LOCATE_NOW) return { now: true, targets: targets(list), error: list.error, list };
		this.net.settle();
		assert.equal(this.located.length > 0 && this.located[this.located.length - 1].request, r, "the request's callback came");
		return { now: false, targets: targets(list), error: list.error, list };
	}

	/** The lookups made, "TYPE name". */
	lookups(): string[] {
		return this.net.sent.map((s) => `${({ 1: "A", 28: "AAAA", 33: "SRV", 35: "NAPTR" } as Record<number, string>)[s.type]} ${s.name}`);
	}
}

function targets(list: TargetList): string[] {
	const out: string[] = [];
	for (let i = 0; i < list.count; i++) out.push(`${list.address[i]}:${list.port[i]}/${NAMES[list.transport[i]]}`);
	return out;
}

describe("RFC 3263 §4.1: transport and target from NAPTR, then SRV, then A", () => {
	it("NAPTR records by order: TCP (order 90) before UDP (order 100); SIPS+D2T skipped without TLS; SRV by priority", () => {
		const rig = new Rig(zoneOf(EXAMPLE));
		const r = rig.locate("sip:example.test");
		assert.deepEqual(rig.lookups(), [
			"NAPTR example.test", "SRV _sip._tcp.example.test", "SRV _sip._udp.example.test", "A pbx1.example.test", "A pbx2.example.test",
		]);
		assert.deepEqual(r.targets, ["192.0.2.1:5060/tcp", "192.0.2.1:5062/udp", "192.0.2.2:5064/udp"]);
		assert.equal(r.error, "");
	});

	it("with TLS spoken, SIPS+D2T (order 50) comes first, on _sips._tcp's port", () => {
		const rig = new Rig(zoneOf(EXAMPLE), {}, { transports: (1 << UDP) | (1 << TCP) | (1 << TLS) });
		assert.deepEqual(rig.locate("sip:example.test").targets, ["192.0.2.1:5061/tls", "192.0.2.1:5060/tcp", "192.0.2.1:5062/udp", "192.0.2.2:5064/udp"]);
	});

	it("a SIPS URI uses only SIPS+D2T records (§4.1)", () => {
		const rig = new Rig(zoneOf(EXAMPLE), {}, { transports: (1 << UDP) | (1 << TCP) | (1 << TLS) });
		assert.deepEqual(rig.locate("sips:example.test").targets, ["192.0.2.1:5061/tls"]);
	});

	it("NAPTR order before preference: a lower order wins whatever the preference (RFC 3403 §4.1)", () => {
		const rig = new Rig(zoneOf([
			naptr("example.test", 10, 90, "s", "SIP+D2U", "", "_sip._udp.example.test"),
			naptr("example.test", 10, 10, "s", "SIP+D2T", "", "_sip._tcp.example.test"),
			naptr("example.test", 5, 99, "s", "SIP+D2U", "", "_sip._udp.backup.test"),
			srv("_sip._udp.example.test", 0, 0, 5060, "pbx1.example.test"),
			srv("_sip._tcp.example.test", 0, 0, 5060, "pbx1.example.test"),
			srv("_sip._udp.backup.test", 0, 0, 5070, "pbx2.example.test"),
			a("pbx1.example.test", "192.0.2.1"), a("pbx2.example.test", "192.0.2.2"),
		]));
		assert.deepEqual(rig.locate("sip:example.test").targets, ["192.0.2.2:5070/udp", "192.0.2.1:5060/tcp", "192.0.2.1:5060/udp"]);
	});

	it("NAPTR records for other services, with a regexp, or without flag s are not used (§4.1)", () => {
		const rig = new Rig(zoneOf([
			naptr("example.test", 10, 10, "s", "SIP+D2S", "", "_sip._sctp.example.test"),
			naptr("example.test", 20, 10, "u", "E2U+sip", "!^.*$!sip:info@example.test!", "."),
			naptr("example.test", 30, 10, "s", "SIP+D2T", "", "_sip._tcp.example.test"),
			srv("_sip._tcp.example.test", 0, 0, 5060, "pbx1.example.test"),
			a("pbx1.example.test", "192.0.2.1"),
		]));
		assert.deepEqual(rig.locate("sip:example.test").targets, ["192.0.2.1:5060/tcp"]);
		assert.deepEqual(rig.lookups(), ["NAPTR example.test", "SRV _sip._tcp.example.test", "A pbx1.example.test"]);
	});

	it("no NAPTR: SRV for each transport spoken, UDP then TCP (§4.1)", () => {
		const rig = new Rig(zoneOf(EXAMPLE.filter((r) => r.type !== 35)));
		const r = rig.locate("sip:example.test");
		assert.deepEqual(rig.lookups().slice(0, 3), ["NAPTR example.test", "SRV _sip._udp.example.test", "SRV _sip._tcp.example.test"]);
		assert.deepEqual(r.targets, ["192.0.2.1:5062/udp", "192.0.2.2:5064/udp", "192.0.2.1:5060/tcp"]);
	});

	it("no NAPTR, no SRV: the domain's own address, port 5060, UDP (§4.2)", () => {
		const rig = new Rig(zoneOf([a("example.test", "192.0.2.9")]));
		assert.deepEqual(rig.locate("sip:example.test").targets, ["192.0.2.9:5060/udp"]);
		assert.deepEqual(rig.lookups(), ["NAPTR example.test", "SRV _sip._udp.example.test", "SRV _sip._tcp.example.test", "A example.test"]);
	});

	it("an SRV target of \".\": the service is not offered there (RFC 2782)", () => {
		const rig = new Rig(zoneOf([srv("_sip._udp.example.test", 0, 0, 0, "."), srv("_sip._tcp.example.test", 0, 0, 5060, "pbx1.example.test"), a("pbx1.example.test", "192.0.2.1")]));
		assert.deepEqual(rig.locate("sip:example.test").targets, ["192.0.2.1:5060/tcp"]);
	});
});

describe("RFC 3263 §4.2: a port, a transport or an address in the URI", () => {
	it("with a port: an address lookup only", () => {
		const rig = new Rig(zoneOf(EXAMPLE));
		assert.deepEqual(rig.locate("sip:pbx2.example.test:5080").targets, ["192.0.2.2:5080/udp"]);
		assert.deepEqual(rig.lookups(), ["A pbx2.example.test"]);
	});

	it("with a transport and no port: the SRV records of that transport only", () => {
		const rig = new Rig(zoneOf(EXAMPLE));
		assert.deepEqual(rig.locate("sip:example.test;transport=TCP").targets, ["192.0.2.1:5060/tcp"]);
		assert.deepEqual(rig.lookups(), ["SRV _sip._tcp.example.test", "A pbx1.example.test"]);
	});

	it("a numeric address needs no lookup: UDP on 5060 unless the URI says (§4.1)", () => {
		const rig = new Rig(zoneOf([]));
		assert.deepEqual(rig.locate("sip:192.0.2.7").targets, ["192.0.2.7:5060/udp"]);
		assert.deepEqual(rig.locate("sip:[2001:db8::7]:5070;transport=tcp").targets, ["2001:db8::7:5070/tcp"]);
		const r = rig.locate("sip:192.0.2.7");
		assert.equal(r.now, true);
		assert.equal(r.list.expiresAt, Infinity);
		assert.deepEqual(rig.lookups(), []);
	});

	it("maddr overrides the host (§4)", () => {
		const rig = new Rig(zoneOf(EXAMPLE));
		assert.deepEqual(rig.locate("sip:door@example.test;maddr=192.0.2.44").targets, ["192.0.2.44:5060/udp"]);
	});

	it("AAAA after A when the station speaks IPv6", () => {
		const rig = new Rig(zoneOf(EXAMPLE), {}, { ipv6: true });
		assert.deepEqual(rig.locate("sip:pbx2.example.test:5080").targets, ["192.0.2.2:5080/udp", "2001:db8::2:5080/udp"]);
	});

	it("refuses what cannot be located, at once and saying why", () => {
		const rig = new Rig(zoneOf([]));
		assert.deepEqual(rig.locate("tel:+4930123").error, "not a SIP or SIPS URI: tel:+4930123");
		assert.equal(rig.locate("sip:example.test;transport=sctp").list.reason, R_TRANSPORT);
		assert.equal(rig.locate("sips:example.test").error, "example.test: transport not supported (sips needs TLS)");
		const bad = ascii("pbx..example.test"), list = new TargetList(2);
		assert.equal(rig.locator.locate(rig.owner, 0, bad, 0, bad.length, -1, 0, false, list), LOCATE_NOW);
		assert.deepEqual([list.reason, list.error], [R_BAD_HOST, `${R_BAD_HOST}: pbx..example.test`]);
		assert.deepEqual(rig.lookups(), []);
	});
});

describe("RFC 2782: SRV priority and weight", () => {
	/** First target over many locations: weights 60, 30, 10 and 0 at one priority, a backup at priority 20. */
	function firstTargets(runs: number): Map<string, number> {
		const rig = new Rig(zoneOf([
			srv("_sip._udp.example.test", 10, 60, 5060, "a.example.test"),
			srv("_sip._udp.example.test", 10, 30, 5060, "b.example.test"),
			srv("_sip._udp.example.test", 10, 10, 5060, "c.example.test"),
			srv("_sip._udp.example.test", 10, 0, 5060, "d.example.test"),
			srv("_sip._udp.example.test", 20, 100, 5060, "backup.example.test"),
			a("a.example.test", "192.0.2.1"), a("b.example.test", "192.0.2.2"), a("c.example.test", "192.0.2.3"),
			a("d.example.test", "192.0.2.4"), a("backup.example.test", "192.0.2.99"),
		]), {}, { maxCandidates: 8 });
		const counts = new Map<string, number>();
		for (let i = 0; i < runs; i++) {
			const r = rig.locate("sip:example.test;transport=udp");
			assert.equal(r.targets.length, 5);
			assert.equal(r.targets[4], "192.0.2.99:5060/udp", "the priority-20 record always comes last");
			counts.set(r.targets[0], (counts.get(r.targets[0]) ?? 0) + 1);
		}
		return counts;
	}

	it("within a priority, the first target is drawn in proportion to its weight; weight 0 is rarely first", () => {
		const runs = 4000, counts = firstTargets(runs);
		// RFC 2782's draw: a uniform number in [0, 100] picks a (running sums 0 (d), 60, 90, 100): d only on 0.
		const expected: Record<string, number> = { "192.0.2.1:5060/udp": 60 / 101, "192.0.2.2:5060/udp": 30 / 101, "192.0.2.3:5060/udp": 10 / 101 };
		for (const [target, p] of Object.entries(expected)) {
			const share = (counts.get(target) ?? 0) / runs;
			assert.ok(Math.abs(share - p) < 0.03, `${target}: ${share.toFixed(3)} first, expected ${p.toFixed(3)}`);
		}
		assert.ok((counts.get("192.0.2.4:5060/udp") ?? 0) / runs < 0.03);
	});
});

describe("RFC 3263: failures name the name, and the list's lifetime", () => {
	it("a name that does not exist: the error says so, naming it", () => {
		const rig = new Rig(zoneOf(EXAMPLE));
		const r = rig.locate("sip:nope.example.test");
		assert.deepEqual(r.targets, []);
		assert.equal(r.list.reason, R_NXDOMAIN);
		assert.equal(r.error, "nope.example.test NAPTR: no such domain (NXDOMAIN)");
		assert.deepEqual(rig.lookups(), ["NAPTR nope.example.test"]);
	});

	it("SRV targets that do not resolve: the last error names the target", () => {
		const rig = new Rig(zoneOf([srv("_sip._udp.example.test", 0, 0, 5060, "ghost.example.test")]));
		assert.equal(rig.locate("sip:example.test;transport=udp").error, "ghost.example.test A: no such domain (NXDOMAIN)");
	});

	it("a domain with nothing for SIP: no target, saying so", () => {
		const rig = new Rig(zoneOf([{ name: "example.test", type: 16, ttl: 60, data: [0] }]));
		const r = rig.locate("sip:example.test");
		assert.equal(r.list.reason, R_NO_TARGET);
		assert.equal(r.error, `example.test: ${R_NO_TARGET}`);
	});

	it("a resolver that never answers: a timeout after the retransmissions, not a hang", () => {
		const rig = new Rig(zoneOf(EXAMPLE, { silent: ["example.test"] }), { config: { timeoutMs: 500, attempts: 2 } });
		const b = ascii("sip:example.test");
		const list = new TargetList(4);
		const r = rig.locator.locateUri(rig.owner, 9, b, 0, b.length, list);
		assert.ok(r >= 0);
		rig.net.clock.advance(1499);
		assert.equal(rig.located.length, 0);
		rig.net.clock.advance(1);
		assert.deepEqual(rig.located.map((l) => [l.arg, l.error]), [[9, "example.test NAPTR: no answer from the DNS servers (timeout)"]]);
		assert.equal(list.reason, R_TIMEOUT);
	});

	it("the list expires with the shortest TTL used; then it is located again (TTL 120 of pbx2)", () => {
		const rig = new Rig(zoneOf(EXAMPLE));
		const r = rig.locate("sip:example.test;transport=udp");
		assert.equal(r.list.expiresAt - rig.net.clock.now(), 120_000, "pbx2's A record, answered last");
		assert.equal(r.list.stale(rig.net.clock.now()), false);
		const again = rig.locate("sip:example.test;transport=udp", r.list);
		assert.equal(again.now, true, "from the cache, at once");
		rig.net.clock.advance(120_000);
		assert.equal(r.list.stale(rig.net.clock.now()), true);
		const sent = rig.net.sent.length;
		assert.equal(rig.locate("sip:example.test;transport=udp", r.list).now, false);
		assert.ok(rig.net.sent.length > sent, "asked again");
	});

	it("records with TTL 0 (RFC 1035 §3.2.1): the list serves the request at hand, not stale at once; nothing is cached", () => {
		const zone = [
			naptr("example.test", 100, 50, "s", "SIP+D2U", "", "_sip._udp.example.test", 0),
			srv("_sip._udp.example.test", 10, 0, 5062, "pbx1.example.test", 0),
			a("pbx1.example.test", "192.0.2.1", 0),
		];
		const rig = new Rig(zoneOf(zone));
		const r = rig.locate("sip:example.test");
		assert.deepEqual(r.targets, ["192.0.2.1:5062/udp"]);
		assert.equal(r.list.stale(rig.net.clock.now()), false, "usable by the request that asked");
		assert.equal(r.list.expiresAt - rig.net.clock.now(), MIN_LIST_LIFETIME_MS);
		rig.net.clock.advance(MIN_LIST_LIFETIME_MS);
		assert.equal(r.list.stale(rig.net.clock.now()), true);
		const sent = rig.net.sent.length;
		assert.equal(rig.locate("sip:example.test", r.list).now, false, "not from a cache");
		assert.ok(rig.net.sent.length > sent, "asked again");
	});

	it("a name being located does not hold up another: both requests run at once", () => {
		const rig = new Rig(zoneOf(EXAMPLE, { silent: ["slow.example.test"] }), { config: { timeoutMs: 500, attempts: 1 } });
		const slow = ascii("sip:slow.example.test"), fast = ascii("sip:pbx1.example.test:5060");
		const l1 = new TargetList(4), l2 = new TargetList(4);
		const r1 = rig.locator.locateUri(rig.owner, 1, slow, 0, slow.length, l1);
		const r2 = rig.locator.locateUri(rig.owner, 2, fast, 0, fast.length, l2);
		rig.net.settle();
		assert.deepEqual(rig.located.map((l) => [l.request, l.arg, l.targets]), [[r2, 2, ["192.0.2.1:5060/udp"]]]);
		rig.net.clock.advance(500);
		assert.deepEqual(rig.located.map((l) => l.request), [r2, r1]);
	});

	it("every request slot busy: refused at once; a cancelled request says nothing", () => {
		const rig = new Rig(zoneOf(EXAMPLE), {}, { maxRequests: 1 });
		const b = ascii("sip:example.test"), l = new TargetList(4);
		const r = rig.locator.locateUri(rig.owner, 0, b, 0, b.length, l);
		assert.equal(rig.locator.locateUri(rig.owner, 1, b, 0, b.length, new TargetList(4)), LOCATE_NOW);
		assert.equal(rig.locate("sip:example.test").list.reason, R_LOCATOR_BUSY);
		assert.equal(rig.locator.cancel(r), true);
		rig.net.settle();
		assert.equal(rig.located.length, 0);
		assert.equal(rig.net.client.pending, 0);
	});

	it("a .local name is asked by mDNS for its address only, on port 5060 (RFC 6762 §3)", () => {
		const rig = new Rig((name, type) => (name === "pbx.local" && type === 1 ? { answers: [a("pbx.local", "192.168.1.5")] } : null));
		assert.deepEqual(rig.locate("sip:pbx.local").targets, ["192.168.1.5:5060/udp"]);
		assert.deepEqual(rig.net.sent.map((s) => `${s.address}:${s.port} ${s.name}`), ["224.0.0.251:5353 pbx.local"]);
	});
});

describe("TargetList and the draw", () => {
	it("makes an address string only when a target's address changes", () => {
		const list = new TargetList(2), b = ascii("192.0.2.1192.0.2.2");
		list.clear();
		list.add(b, 0, 9, 5060, UDP);
		const first = list.address[0];
		list.clear();
		list.add(b, 0, 9, 5062, TCP);
		assert.equal(list.address[0], first);
		list.clear();
		list.add(b, 9, 18, 5060, UDP);
		assert.equal(list.address[0], "192.0.2.2");
		assert.equal(list.add(b, 9, 18, 5060, UDP), true, "a duplicate is not added twice");
		assert.equal(list.count, 1);
	});

	it("draws from the random source it is given: equal weights put each target first at times, the same bytes give the same order", () => {
		const zone = zoneOf([srv("_sip._udp.example.test", 0, 50, 5060, "a.example.test"), srv("_sip._udp.example.test", 0, 50, 5060, "b.example.test"), a("a.example.test", "192.0.2.1"), a("b.example.test", "192.0.2.2")]);
		const order = (seed: number) => {
			const rig = new Rig(zone, {}, { random: new FixedRandom(null, seed) });
			return Array.from({ length: 64 }, () => rig.locate("sip:example.test;transport=udp").targets[0]);
		};
		const firsts = order(7);
		assert.deepEqual(new Set(firsts), new Set(["192.0.2.1:5060/udp", "192.0.2.2:5060/udp"]));
		assert.deepEqual(order(7), firsts);
	});
});
