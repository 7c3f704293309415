// An mDNS one-shot query (RFC 6762 §5.1) over real sockets: the station's resolver asks 224.0.0.251:5353 for a .local
// name, and a responder stand-in on the group answers by unicast to the query's port, repeating its ID and question
// (a legacy unicast response, §6.7) — as Avahi or mDNSResponder would. Where the test's network has no multicast on
// the loopback, the responder listens on 127.0.0.1 instead and the resolver is pointed there; the test says which.
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import type { Peer } from "../../src/host.js";
import { DnsClient, R_WRONG_SOURCE } from "../../src/dns/dns-client.js";
import type { DnsAnswer } from "../../src/dns/dns-answer.js";
import { dnsConfig } from "../../src/dns/dns-config.js";
import { LOCATE_NOW, SipLocator } from "../../src/dns/sip-locator.js";
import { TargetList } from "../../src/dns/target-list.js";
import { ascii } from "../../src/sip/bytes.js";
import { TimerWheel } from "../../src/transaction/timer-wheel.js";
import { NodeClock, NodeRandom } from "../../hosts/sim/node-host.js";
import { NodeDatagramOpener } from "../../hosts/sim/dns-sockets.js";
import { a, readQuery, response } from "../vectors/dns-messages.js";
import { LOOPBACK } from "./peers.js";

const GROUP = "224.0.0.251", MDNS_PORT = 5353;

/** A responder on the group (or on 127.0.0.1): answers A queries for the names it has, from port 5353. */
class Responder {
	readonly questions: string[] = [];
	private constructor(readonly socket: Socket, readonly multicast: boolean, readonly names: Record<string, string>) {
		socket.on("message", (msg, rinfo) => {
			if (msg.length < 12 || (msg[2] & 0x80) !== 0) return; // responses (our own, looped back) are not questions
			const q = readQuery(msg);
			this.questions.push(`${q.name} from port ${rinfo.port === MDNS_PORT ? 5353 : "other"}`);
			const ip = this.names[q.name.toLowerCase()];
			if (ip === undefined || q.type !== 1) return;
			// §6.7: a query from a port other than 5353 gets a conventional unicast response, ID and question repeated.
			socket.send(response({ id: q.id, name: q.name, type: 1, flags: 0x0400, answers: [a(q.name, ip, 120)] }), rinfo.port, rinfo.address);
		});
	}

	/** On the group over the loopback if the network allows it (a probe must come back), else on 127.0.0.1. */
	static async start(names: Record<string, string>): Promise<Responder> {
		const group = await bind(true);
		if (group !== null && (await loopsBack(group))) return new Responder(group, true, names);
		group?.close();
		const plain = await bind(false);
		if (plain === null) throw new Error(`no socket on ${LOOPBACK}:${MDNS_PORT} for the responder stand-in`);
		return new Responder(plain, false, names);
	}

	/** Where the station must send its queries. */
	get target(): Peer {
		return { address: this.multicast ? GROUP : LOOPBACK, port: MDNS_PORT };
	}

	close(): void {
		this.socket.close();
	}
}

/** A socket on port 5353, joined to the group on the loopback (multicast) or bound to 127.0.0.1; null if refused. */
function bind(multicast: boolean): Promise<Socket | null> {
	return new Promise((resolve) => {
		const s = createSocket({ type: "udp4", reuseAddr: true });
		s.once("error", () => {
			s.close();
			resolve(null);
		});
		s.bind(MDNS_PORT, multicast ? undefined : LOOPBACK, () => {
			try {
				if (multicast) s.addMembership(GROUP, LOOPBACK);
				resolve(s);
			} catch {
				s.close();
				resolve(null);
			}
		});
	});
}

/** Does a datagram sent to the group on the loopback reach `s`? */
function loopsBack(s: Socket): Promise<boolean> {
	return new Promise((resolve) => {
		const sender = createSocket("udp4");
		const probe = Buffer.from("mdns-probe");
		const done = (ok: boolean) => {
			clearTimeout(timer);
			s.off("message", onMessage);
			sender.close();
			resolve(ok);
		};
		const onMessage = (msg: Buffer) => {
			if (msg.equals(probe)) done(true);
		};
		const timer = setTimeout(() => done(false), 500);
		s.on("message", onMessage);
		sender.bind(0, LOOPBACK, () => {
			try {
				sender.setMulticastInterface(LOOPBACK);
				sender.send(probe, MDNS_PORT, GROUP, (err) => err && done(false));
			} catch {
				done(false);
			}
		});
	});
}

describe("mDNS one-shot query for a .local name over real sockets (RFC 6762 §5.1, §6.7)", function () {
	this.timeout(20_000);
	let responder: Responder;

	before(async () => {
		responder = await Responder.start({ "door-pbx.local": "127.0.0.9" });
		process.stderr.write(`      mDNS responder stand-in: ${responder.multicast ? `on ${GROUP}:${MDNS_PORT} (multicast over the loopback)` : `on ${LOOPBACK}:${MDNS_PORT} (no multicast in this network: loopback)`}\n`);
	});

	after(() => responder.close());

	it("sip:door-pbx.local is located through the responder's answer, on port 5060", async () => {
		const clock = new NodeClock(), random = new NodeRandom();
		const opener = new NodeDatagramOpener({ localAddress: LOOPBACK, multicastInterface: LOOPBACK });
		const client = new DnsClient({ config: dnsConfig({ mdnsTimeoutMs: 300 }), clock, wheel: new TimerWheel({ capacity: 8, clock }), random, opener, mdnsGroup: responder.target });
		const locator = new SipLocator({ client, random });
		try {
			const b = ascii("sip:door-pbx.local"), list = new TargetList(4);
			const done = new Promise<void>((resolve) => locator.register({ onLocated: () => resolve() }));
			assert.notEqual(locator.locateUri(0, 0, b, 0, b.length, list), LOCATE_NOW);
			await done;
			assert.equal(list.error, "");
			assert.deepEqual([list.count, list.address[0], list.port[0]], [1, "127.0.0.9", 5060]);
			assert.deepEqual(responder.questions, ["door-pbx.local from port other"], "a one-shot query comes from a port other than 5353");
		} finally {
			clock.close();
			opener.closeAll();
		}
	});

	it("a name nobody has: no answer, a timeout after the one-shot's retries, naming the name", async () => {
		const clock = new NodeClock(), random = new NodeRandom();
		const opener = new NodeDatagramOpener({ localAddress: LOOPBACK, multicastInterface: LOOPBACK });
		const refused: string[] = [];
		const client = new DnsClient({
			config: dnsConfig({ mdnsTimeoutMs: 100, mdnsAttempts: 2 }), clock, wheel: new TimerWheel({ capacity: 8, clock }), random, opener,
			mdnsGroup: responder.target, onRefused: (reason) => refused.push(reason),
		});
		try {
			const answer = await new Promise<string>((resolve) => {
				const owner = client.register({ onDnsAnswer: (_q: number, _arg: number, ans: DnsAnswer) => resolve(ans.describe()) });
				client.lookup(owner, 0, Uint8Array.from([6, ...ascii("nobody"), 5, ...ascii("local"), 0]), 0, 1);
			});
			assert.equal(answer, "nobody.local A: no answer from the DNS servers (timeout)");
			assert.equal(refused.includes(R_WRONG_SOURCE), false);
		} finally {
			clock.close();
			opener.closeAll();
		}
	});
});
