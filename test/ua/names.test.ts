// The station reaching servers and call targets by name — RFC 3263 §4 (NAPTR → SRV → A through the locator, while
// the station goes on), §4.3 (a transport error or a timeout moves the request to the next target; registration comes
// back to the best server at its refresh), names resolved again when their TTL ran out and after a network change,
// and failures that name the name. A virtual DNS (test/dns/virtual-dns.ts) answers from a zone on the UA's own clock.
import assert from "node:assert/strict";
import { SipLocator } from "../../src/dns/sip-locator.js";
import { CALL_CALLING } from "../../src/ua/call.js";
import { server, type UaConfig } from "../../src/ua/ua-config.js";
import { DOWN_FOR_MS } from "../../src/ua/next-hop.js";
import { VirtualDns, type Zone, zoneOf } from "../dns/virtual-dns.js";
import { a, naptr, srv } from "../vectors/dns-messages.js";
import { PEER, UaHost, type Msg } from "./ua-host.js";

const TYPES: Record<number, string> = { 1: "A", 28: "AAAA", 33: "SRV", 35: "NAPTR" };

/** example.com's SIP service over UDP on two servers: pbx1 (priority 10, port 5062) before pbx2 (priority 20, port 5064). */
function twoServers(ttl = 300, transport: "udp" | "tcp" = "udp") {
	return [
		naptr("example.com", 10, 50, "s", transport === "udp" ? "SIP+D2U" : "SIP+D2T", "", `_sip._${transport}.example.com`, ttl),
		srv(`_sip._${transport}.example.com`, 20, 0, 5064, "pbx2.example.com", ttl),
		srv(`_sip._${transport}.example.com`, 10, 0, 5062, "pbx1.example.com", ttl),
		a("pbx1.example.com", "192.0.2.1", ttl),
		a("pbx2.example.com", "192.0.2.2", ttl),
	];
}

class Rig {
	readonly host: UaHost;
	dns!: VirtualDns;

	constructor(zone: Zone, config: Partial<UaConfig>) {
		this.host = new UaHost({
			config, dnsQueries: 4,
			locator: (h) => {
				this.dns = new VirtualDns({ clock: h.clock, wheel: h.wheel, zone });
				return new SipLocator({ client: this.dns.client, random: this.dns.random, maxRequests: 4 });
			},
		});
	}

	/** Let the zone answer what was asked (1 ms a round). */
	settle(): void {
		this.dns.settle();
	}

	/** The DNS questions asked since `from`, "TYPE name". */
	lookups(from = 0): string[] {
		return this.dns.sent.slice(from).map((q) => `${TYPES[q.type]} ${q.name}`);
	}

	/** Where each request `method` went: "address:port". */
	destinations(method: string): string[] {
		return this.host.requests(method).map((m) => `${m.address}:${m.port}`);
	}

	/** 200 OK to a REGISTER, granting `expires` on its Contact. */
	registered(req: Msg, expires = 600): void {
		this.host.answer(req, 200, "OK", { extra: `Contact: ${req.header("Contact")};expires=${expires}\r\n` });
	}
}

const sdp = "v=0\r\no=alice 1 1 IN IP4 192.0.2.20\r\ns=-\r\nc=IN IP4 192.0.2.20\r\nt=0 0\r\nm=audio 49170 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

describe("RFC 3263 §4: the registrar by name", () => {
	it("REGISTER waits for NAPTR → SRV → A, then goes to the SRV target with the better priority", () => {
		const rig = new Rig(zoneOf(twoServers()), { registrar: server("example.com") });
		rig.host.ua.register();
		assert.deepEqual(rig.host.sent, [], "nothing goes out before the name resolved");
		assert.deepEqual(rig.lookups(), ["NAPTR example.com"]);
		rig.settle();
		// The SRV targets' addresses are asked in priority order (RFC 2782).
		assert.deepEqual(rig.lookups(), ["NAPTR example.com", "SRV _sip._udp.example.com", "A pbx1.example.com", "A pbx2.example.com"]);
		const register = rig.host.last();
		assert.equal(register.method, "REGISTER");
		assert.equal(`${register.address}:${register.port}`, "192.0.2.1:5062");
		assert.equal(register.uri, "sip:example.com", "§10.2: the Request-URI is the registrar's domain, as configured");
		assert.match(register.header("Via"), /^SIP\/2\.0\/UDP /);
		rig.registered(register);
		assert.deepEqual(rig.host.events, ["registered 600"]);
	});

	it("records with TTL 0 (a home router's dnsmasq): REGISTER goes out once located, not after endless lookups (RFC 1035 §3.2.1)", () => {
		const rig = new Rig(zoneOf(twoServers(0)), { registrar: server("example.com") });
		rig.host.ua.register();
		rig.settle();
		assert.deepEqual(rig.lookups(), ["NAPTR example.com", "SRV _sip._udp.example.com", "A pbx1.example.com", "A pbx2.example.com"]);
		const register = rig.host.last();
		assert.equal(`${register.method} ${register.address}:${register.port}`, "REGISTER 192.0.2.1:5062");
		rig.host.answer(register, 401, "Unauthorized", { extra: 'WWW-Authenticate: Digest realm="example.com", nonce="n1", qop="auth"\r\n' });
		rig.settle();
		const again = rig.host.last();
		assert.notEqual(again, register, "the authenticated REGISTER went");
		rig.registered(again);
		assert.deepEqual(rig.host.events, ["registered 600"]);
	});

	it("§4.3: no answer (Timer F) moves REGISTER to the next server at once; the refresh comes back to the best one", () => {
		const rig = new Rig(zoneOf(twoServers()), { registrar: server("example.com") });
		rig.host.ua.register();
		rig.settle();
		const first = rig.host.last();
		rig.host.advance(64 * rig.host.t1);
		const second = rig.host.last();
		assert.notEqual(second, first);
		assert.equal(`${second.address}:${second.port}`, "192.0.2.2:5064");
		assert.equal(second.header("Call-ID"), first.header("Call-ID"), "§10.2: one Call-ID towards the registrar");
		assert.equal(second.cseq, first.cseq + 1);
		assert.equal(second.at - first.at, 64 * rig.host.t1, "at once after Timer F, not after a back-off");
		rig.registered(second);
		assert.deepEqual(rig.host.events, ["registered 600"]);
		// The refresh (60 s before the binding lapses): the records' TTL (300 s) ran out, so DNS is asked again, and
		// REGISTER goes to the best server first.
		const asked = rig.dns.sent.length;
		rig.host.advance(540_000);
		assert.deepEqual(rig.lookups(asked), ["NAPTR example.com"]);
		rig.settle();
		const refresh = rig.host.last();
		assert.equal(`${refresh.address}:${refresh.port}`, "192.0.2.1:5062");
		rig.registered(refresh);
		assert.deepEqual(rig.host.events, ["registered 600", "registered 600"]);
		assert.deepEqual(rig.destinations("REGISTER"), ["192.0.2.1:5062", "192.0.2.2:5064", "192.0.2.1:5062"]);
	});

	it("records whose TTL has not run out are used again without asking DNS (RFC 1035 §7.4)", () => {
		const rig = new Rig(zoneOf(twoServers(3600)), { registrar: server("example.com") });
		rig.host.ua.register();
		rig.settle();
		rig.registered(rig.host.last());
		const asked = rig.dns.sent.length;
		rig.host.advance(540_000);
		assert.deepEqual(rig.lookups(asked), []);
		assert.equal(`${rig.host.last().address}:${rig.host.last().port}`, "192.0.2.1:5062");
		assert.equal(rig.host.requests("REGISTER").length, 2);
	});

	it("§4.3: a target that cannot be reached at all (no TCP) is a transport error: the next target at once", () => {
		const zone = zoneOf([...twoServers(300, "tcp"), naptr("example.com", 20, 50, "s", "SIP+D2U", "", "_sip._udp.example.com"),
			srv("_sip._udp.example.com", 10, 0, 5062, "pbx1.example.com")]);
		const rig = new Rig(zone, { registrar: server("example.com") });
		rig.host.ua.register();
		rig.settle();
		// NAPTR puts TCP first (order 10); this host opens no TCP connections, so both TCP targets fail on the spot.
		const register = rig.host.last();
		assert.deepEqual([rig.host.requests("REGISTER").length, `${register.address}:${register.port}`, register.cseq], [1, "192.0.2.1:5062", 3]);
		assert.match(register.header("Via"), /^SIP\/2\.0\/UDP /);
		rig.registered(register);
		assert.deepEqual(rig.host.events, ["registered 600"]);
	});

	it("a network change flushes what was resolved: DNS is asked again before the next REGISTER", () => {
		const rig = new Rig(zoneOf(twoServers(3600)), { registrar: server("example.com") });
		rig.host.ua.register();
		rig.settle();
		rig.registered(rig.host.last());
		const asked = rig.dns.sent.length;
		rig.host.ua.networkChanged();
		assert.deepEqual(rig.lookups(asked), ["NAPTR example.com"]);
		rig.settle();
		assert.equal(rig.host.requests("REGISTER").length, 2);
	});

	it("a name that does not exist: registration fails naming it (RFC 2308), and is tried again after the back-off", () => {
		const rig = new Rig(zoneOf(twoServers()), { registrar: server("nope.example.com") });
		rig.host.ua.register();
		rig.settle();
		assert.deepEqual(rig.host.events, ["registrationFailed 0 nope.example.com NAPTR: no such domain (NXDOMAIN)"]);
		assert.deepEqual(rig.host.sent, []);
		const asked = rig.dns.sent.length;
		rig.host.advance(30_000); // the back-off: 30 s times a jitter of 0.5-1
		assert.equal(rig.lookups(asked)[0], "NAPTR nope.example.com");
	});

	it("a resolver that never answers: registration fails with a timeout after the DNS client's tries (2 s, then 4 s), not a hang", () => {
		const rig = new Rig(() => null, { registrar: server("example.com") });
		const start = rig.host.clock.now();
		rig.host.ua.register();
		rig.host.advance(5_999);
		assert.deepEqual(rig.host.events, []);
		rig.host.advance(1);
		assert.deepEqual(rig.host.events, ["registrationFailed 0 example.com NAPTR: no answer from the DNS servers (timeout)"]);
		assert.equal(rig.host.clock.now() - start, 6000);
		assert.equal(rig.lookups().length, 2);
	});

	it("a station without a resolver refuses a named registrar with a reason", () => {
		const host = new UaHost({ config: { registrar: server("example.com") } });
		host.ua.register();
		assert.deepEqual(host.events, ["registrationFailed 0 example.com: a host name, and the station has no DNS resolver"]);
	});
});

describe("RFC 3263 §4: calls by name", () => {
	it("a call placed while its target's name resolves waits, calling; the station answers others meanwhile", () => {
		const rig = new Rig(zoneOf(twoServers()), {});
		const host = rig.host;
		const call = host.ua.call("sip:alice@example.com");
		assert.equal(call, 0);
		assert.equal(host.ua.calls[0].state, CALL_CALLING, "the application sees it calling");
		assert.deepEqual(host.requests("INVITE"), []);
		// Meanwhile a peer asks what the station can do: the answer does not wait for DNS.
		host.receive(host.request("OPTIONS", { toTag: null }));
		assert.equal(host.last().status, 200);
		rig.settle();
		const invite = host.lastOf("INVITE");
		assert.equal(`${invite.address}:${invite.port}`, "192.0.2.1:5062");
		assert.equal(invite.uri, "sip:alice@example.com", "the Request-URI is the target as given (§8.1.1.1)");
		host.answer(invite, 180, "Ringing");
		host.answer(invite, 200, "OK", { extra: `Contact: <sip:alice@${PEER}>\r\n`, body: sdp });
		assert.deepEqual(host.events, ["progress 0 180", "answered 0"]);
		assert.equal(host.lastOf("ACK").address, PEER, "the ACK goes to the remote target (§13.2.2.4)");
	});

	it("hanging up while the name resolves ends the call (cancelled) and sends nothing", () => {
		const rig = new Rig(zoneOf(twoServers()), {});
		rig.host.ua.call("sip:alice@example.com");
		rig.host.ua.hangup(0);
		assert.deepEqual(rig.host.events, ["ended 0 cancelled 0"]);
		rig.settle();
		assert.deepEqual(rig.host.sent, []);
		assert.ok(rig.host.settle());
	});

	it("a name that does not exist ends the call naming it; asked again at once, the cached answer refuses it (RFC 2308)", () => {
		const rig = new Rig(zoneOf(twoServers()), {});
		assert.equal(rig.host.ua.call("sip:alice@nope.example.com"), 0);
		rig.settle();
		assert.deepEqual(rig.host.events, ["ended 0 server not found 0: nope.example.com NAPTR: no such domain (NXDOMAIN)"]);
		assert.equal(rig.host.ua.call("sip:alice@nope.example.com"), -1);
		assert.equal(rig.host.ua.callError, "nope.example.com NAPTR: no such domain (NXDOMAIN)");
		assert.deepEqual(rig.host.sent, []);
		assert.ok(rig.host.settle());
	});

	it("a resolver that never answers ends the call with a timeout after 6 s", () => {
		const rig = new Rig(() => null, {});
		rig.host.ua.call("sip:alice@example.com");
		rig.host.advance(6000);
		assert.deepEqual(rig.host.events, ["ended 0 server not found 0: example.com NAPTR: no answer from the DNS servers (timeout)"]);
		assert.ok(rig.host.settle());
	});

	it("§4.3: an INVITE unanswered until Timer B goes to the next target; one that got a response stays", () => {
		const rig = new Rig(zoneOf(twoServers()), { outboundProxy: server("example.com") });
		const host = rig.host;
		host.ua.call("sip:alice@example.com");
		rig.settle();
		const first = host.lastOf("INVITE");
		host.advance(64 * host.t1);
		const second = host.lastOf("INVITE");
		assert.equal(`${second.address}:${second.port}`, "192.0.2.2:5064");
		assert.deepEqual([second.header("Call-ID"), second.cseq, second.branch === first.branch], [first.header("Call-ID"), first.cseq + 1, false]);
		assert.deepEqual(host.events, []);
		host.answer(second, 180, "Ringing");
		host.advance(64 * host.t1);
		assert.equal(host.requests("INVITE").length, 2, "after a response the INVITE is the server's to answer: no third INVITE");
		host.ua.hangup(0);
	});

	it("every target failing ends the call naming the name and how many were tried", () => {
		const rig = new Rig(zoneOf(twoServers()), { outboundProxy: server("example.com") });
		rig.host.ua.call("sip:alice@example.com");
		rig.settle();
		rig.host.advance(2 * 64 * rig.host.t1);
		assert.deepEqual(rig.host.events, ["ended 0 timeout 408: example.com: no target answered (2 tried)"]);
		assert.deepEqual(rig.destinations("INVITE"), ["192.0.2.1:5062", "192.0.2.2:5064"]);
	});

	it("after the registration found the best server dead, a call goes straight to the next (no Timer B of its own)", () => {
		const rig = new Rig(zoneOf(twoServers()), { registrar: server("example.com"), outboundProxy: server("example.com") });
		const host = rig.host;
		host.ua.register();
		rig.settle();
		host.advance(64 * host.t1);
		rig.registered(host.last());
		host.ua.call("sip:alice@example.com");
		const invite = host.lastOf("INVITE");
		assert.equal(`${invite.address}:${invite.port}`, "192.0.2.2:5064");
		host.ua.hangup(0);
		// A server found dead is passed over for DOWN_FOR_MS, then tried first again.
		host.advance(DOWN_FOR_MS);
		const again = host.ua.call("sip:bob@example.com");
		assert.ok(again >= 0);
		rig.settle(); // the records' TTL (300 s) ran out too: located again
		assert.equal(`${host.lastOf("INVITE").address}:${host.lastOf("INVITE").port}`, "192.0.2.1:5062");
	});

	it("a station without a resolver refuses a call to a name at once, with the reason", () => {
		const host = new UaHost();
		assert.equal(host.ua.call("sip:alice@example.com"), -1);
		assert.equal(host.ua.callError, "example.com: a host name, and the station has no DNS resolver");
		assert.deepEqual(host.events, []);
	});

	it("a target's transport parameter is kept: sip:alice@example.com;transport=tcp asks only _sip._tcp (§4.2)", () => {
		const rig = new Rig(zoneOf(twoServers(300, "tcp")), {});
		rig.host.ua.call("sip:alice@example.com;transport=tcp");
		rig.settle();
		assert.deepEqual(rig.lookups(), ["SRV _sip._tcp.example.com", "A pbx1.example.com", "A pbx2.example.com"]);
		// No TCP on this host: both targets fail on the spot, and the call ends saying so.
		assert.deepEqual(rig.host.events, ["ended 0 transport error 503: example.com: no target answered (2 tried): TCP 192.0.2.2:5064: no connection could be opened"]);
	});
});
