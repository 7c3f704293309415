// RFC 3263 against a real DNS server: dnsmasq on 127.0.0.1 with its own zone (NAPTR, SRV, A, CNAME), asked by the
// station's own resolver over node:dgram — targets in the order NAPTR and SRV give, failures naming the name, a
// silent server timing out instead of hanging, failover to the next server, answers reused from the cache.
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import type { Peer } from "../../src/host.js";
import { LOCATE_NOW, type SipLocator } from "../../src/dns/sip-locator.js";
import { TargetList } from "../../src/dns/target-list.js";
import { ascii } from "../../src/sip/bytes.js";
import { TimerWheel } from "../../src/transaction/timer-wheel.js";
import { NodeClock, NodeRandom } from "../../hosts/sim/node-host.js";
import { createSimDns, type SimDns } from "../../hosts/sim/sim-dns.js";
import { Dnsmasq, DNSMASQ } from "./dnsmasq.js";
import { freePort, LOOPBACK, requirePeer } from "./peers.js";
import { stopLeftoverPeers } from "./child.js";

const ZONE = [
	"local=/intercom.test/",
	"local-ttl=60",
	'naptr-record=intercom.test,10,50,"s","SIP+D2T","","_sip._tcp.intercom.test"',
	'naptr-record=intercom.test,20,50,"s","SIP+D2U","","_sip._udp.intercom.test"',
	"srv-host=_sip._udp.intercom.test,pbx-b.intercom.test,5064,20,10",
	"srv-host=_sip._udp.intercom.test,pbx-a.intercom.test,5062,10,60",
	"srv-host=_sip._tcp.intercom.test,pbx-a.intercom.test,5062,10,60",
	"host-record=pbx-a.intercom.test,127.0.0.2",
	"host-record=pbx-b.intercom.test,127.0.0.3",
	"cname=sip.intercom.test,pbx-b.intercom.test",
];
const TRANSPORTS = ["", "udp", "tcp", "tls"];

/** The station's DNS stack as the simulator builds it (hosts/sim/sim-dns.ts), asking `servers`. */
class Station {
	readonly clock = new NodeClock();
	readonly dns: SimDns;
	readonly locator: SipLocator;
	readonly #owner: number;
	readonly #waiting = new Map<number, () => void>();

	constructor(servers: Peer[], timeoutMs = 1000, attempts = 2) {
		this.dns = createSimDns({
			clock: this.clock, wheel: new TimerWheel({ capacity: 32, clock: this.clock }), random: new NodeRandom(), localAddress: LOOPBACK,
			servers, config: { timeoutMs, attempts },
		});
		this.locator = this.dns.locator;
		this.#owner = this.locator.register({ onLocated: (request) => this.#waiting.get(request)?.() });
	}

	/** Locate a URI: [targets as "address:port/transport", error, answered at once]. */
	async locate(uri: string): Promise<{ targets: string[]; error: string; now: boolean }> {
		const b = ascii(uri), list = new TargetList(8);
		const r = this.locator.locateUri(this.#owner, 0, b, 0, b.length, list);
		if (r !== LOCATE_NOW) await new Promise<void>((resolve) => this.#waiting.set(r, resolve));
		const targets: string[] = [];
		for (let i = 0; i < list.count; i++) targets.push(`${list.address[i]}:${list.port[i]}/${TRANSPORTS[list.transport[i]]}`);
		return { targets, error: list.error, now: r === LOCATE_NOW };
	}

	close(): void {
		this.clock.close();
		this.dns.close();
	}
}

/** A UDP socket on 127.0.0.1 that takes queries and never answers. */
async function silentServer(): Promise<{ peer: Peer; received: () => number; close: () => void }> {
	const port = await freePort();
	const s: Socket = createSocket("udp4");
	let received = 0;
	s.on("message", () => received++);
	await new Promise<void>((resolve) => s.bind(port, LOOPBACK, resolve));
	return { peer: { address: LOOPBACK, port }, received: () => received, close: () => s.close() };
}

describe("RFC 3263 against dnsmasq on 127.0.0.1 (its own zone, no system resolver)", function () {
	this.timeout(30_000);
	let dnsmasq: Dnsmasq | null = null;
	let server: Peer;

	before(async function () {
		const binary = requirePeer(this, DNSMASQ);
		dnsmasq = await Dnsmasq.start(binary, { zone: ZONE });
		server = { address: LOOPBACK, port: dnsmasq.port };
	});

	after(async () => {
		await dnsmasq?.stop();
		await stopLeftoverPeers();
	});

	it("sip:intercom.test: NAPTR order puts TCP first, then UDP by SRV priority; the SRV glue spares the A queries (§4.1, RFC 2782)", async () => {
		const station = new Station([server]);
		try {
			const mark = dnsmasq!.log.length;
			const r = await station.locate("sip:intercom.test");
			assert.equal(r.error, "");
			assert.deepEqual(r.targets, ["127.0.0.2:5062/tcp", "127.0.0.2:5062/udp", "127.0.0.3:5064/udp"]);
			assert.deepEqual(dnsmasq!.queries(mark), ["NAPTR intercom.test", "SRV _sip._tcp.intercom.test", "SRV _sip._udp.intercom.test"]);
			// Again: from the cache, at once, nothing asked.
			const mark2 = dnsmasq!.log.length;
			const again = await station.locate("sip:intercom.test");
			assert.equal(again.now, true);
			assert.deepEqual(again.targets, r.targets);
			assert.deepEqual(dnsmasq!.queries(mark2), []);
		} finally {
			station.close();
		}
	});

	it("a name that does not exist: the error names it (RFC 2308 §2.1)", async () => {
		const station = new Station([server]);
		try {
			const r = await station.locate("sip:door@nope.intercom.test");
			assert.deepEqual(r.targets, []);
			assert.equal(r.error, "nope.intercom.test NAPTR: no such domain (NXDOMAIN)");
		} finally {
			station.close();
		}
	});

	it("with a port, an address lookup only, through a CNAME (§4.2, RFC 1034 §3.6.2)", async () => {
		const station = new Station([server]);
		try {
			const mark = dnsmasq!.log.length;
			const r = await station.locate("sip:sip.intercom.test:5070;transport=tcp");
			assert.deepEqual(r.targets, ["127.0.0.3:5070/tcp"]);
			assert.deepEqual(dnsmasq!.queries(mark), ["A sip.intercom.test"]);
		} finally {
			station.close();
		}
	});

	it("a resolver that never answers: a timeout naming the name after the retransmissions, not a hang (RFC 1035 §4.2.1)", async () => {
		const silent = await silentServer();
		const station = new Station([silent.peer], 200, 2);
		try {
			const started = performance.now();
			const r = await station.locate("sip:intercom.test");
			const ms = performance.now() - started;
			assert.equal(r.error, "intercom.test NAPTR: no answer from the DNS servers (timeout)");
			assert.equal(silent.received(), 2, "sent, then retransmitted once");
			assert.ok(ms >= 590 && ms < 3000, `gave up after ${ms.toFixed(0)} ms (200 + 400 expected)`);
			assert.equal(station.dns.client.pending, 0, "the query is over (its socket closed)");
		} finally {
			station.close();
			silent.close();
		}
	});

	it("the first server silent, the second answers: the lookup moves on to it (RFC 1035 §7.2)", async () => {
		const silent = await silentServer();
		const station = new Station([silent.peer, server], 200, 1);
		try {
			const r = await station.locate("sip:pbx-a.intercom.test:5060");
			assert.deepEqual(r.targets, ["127.0.0.2:5060/udp"]);
			assert.equal(silent.received(), 1);
		} finally {
			station.close();
			silent.close();
		}
	});
});
