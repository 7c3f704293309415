// The station reaching its PBX by name against real servers: dnsmasq on 127.0.0.1 serves intercom.test's NAPTR and SRV
// records pointing to two Kamailio instances (pbx-a on 5062 with the better priority, pbx-b on 5064) — RFC 3263 §4
// (NAPTR → SRV → A), §4.3 (with pbx-a stopped, REGISTER and calls go to pbx-b); a name that does not exist and a
// resolver that never answers end in errors that say so, never in a hang. baresip (alice, 5071) answers the calls.
import assert from "node:assert/strict";
import { createSocket, type Socket } from "node:dgram";
import type { SimStation } from "../../hosts/sim/station.js";
import { ALICE_SIP_PORT, Baresip } from "./baresip.js";
import { stopLeftoverPeers } from "./child.js";
import { Dnsmasq, DNSMASQ } from "./dnsmasq.js";
import { ALICE, DOOR, Kamailio } from "./kamailio.js";
import { BARESIP, KAMAILIO, LOOPBACK, freePort, isBound, requirePeer, sleep } from "./peers.js";
import { startSimStation, StationLog } from "./station-log.js";

const PBX_A = 5062, PBX_B = 5064, STATION_PORT = 5070, STATION_RTP = 16400;
const ZONE = [
	"local=/intercom.test/",
	"local-ttl=60",
	'naptr-record=intercom.test,10,50,"s","SIP+D2U","","_sip._udp.intercom.test"',
	`srv-host=_sip._udp.intercom.test,pbx-a.intercom.test,${PBX_A},10,0`,
	`srv-host=_sip._udp.intercom.test,pbx-b.intercom.test,${PBX_B},20,0`,
	"host-record=pbx-a.intercom.test,127.0.0.1",
	"host-record=pbx-b.intercom.test,127.0.0.1",
];

let dnsmasq: Dnsmasq | null = null;
let pbxA: Kamailio | null = null;
let pbxB: Kamailio | null = null;
let alice: Baresip | null = null;
let station: SimStation | null = null;
const journal = new StationLog();

/** The station with `registrar` (a name) asking `dns` (default: dnsmasq); the registrar is its outbound proxy too. */
async function startStation(registrar: string | null, dns?: string): Promise<SimStation> {
	station = await startSimStation({
		sip: { user: DOOR.user, password: DOOR.password, registrar, port: STATION_PORT, rtpPort: STATION_RTP, dnsServers: [dns ?? `${LOOPBACK}:${dnsmasq!.port}`] },
		incoming: { allow: [] }, audio: { echoSuppressor: { enabled: false } },
	}, journal);
	return station;
}

const until = (re: RegExp, timeoutMs: number): Promise<string> => journal.until(station!, re, timeoutMs);
const log = (): string => journal.text();
/** The lines of SIP requests `method` the station sent, "→ UDP 127.0.0.1:5062  REGISTER ...". */
const sent = (method: string): string[] => journal.lines.filter((l) => l.startsWith("→") && l.includes(`  ${method} `));

describe("RFC 3263 with real servers: dnsmasq's NAPTR/SRV records point to two Kamailio instances", function () {
	this.timeout(90_000);

	before(async function () {
		const kamailio = requirePeer(this, KAMAILIO);
		const baresip = requirePeer(this, BARESIP);
		const dnsmasqBin = requirePeer(this, DNSMASQ);
		for (const port of [PBX_A, PBX_B, STATION_PORT, ALICE_SIP_PORT]) {
			if (isBound(port, "udp") === true) throw new Error(`port ${port} is taken: stop what uses it (another test run, npm start, a rig)`);
		}
		dnsmasq = await Dnsmasq.start(dnsmasqBin, { zone: ZONE });
		pbxA = await Kamailio.start(kamailio, { port: PBX_A });
		pbxB = await Kamailio.start(kamailio, { port: PBX_B });
		// alice answers at once; she is reached directly (the proxies' loopback gateway), so she needs no registration.
		alice = await Baresip.start(baresip, { user: ALICE, sipPort: ALICE_SIP_PORT, proxyPort: PBX_B, register: false });
	});

	afterEach(async function () {
		if (this.currentTest?.state === "failed") {
			process.stderr.write(`        --- station log\n${log()}\n        --- pbx-a\n${pbxA?.describe(20) ?? ""}\n        --- pbx-b\n${pbxB?.describe(20) ?? ""}\n`);
		}
		await station?.stop(2000);
		station = null;
	});

	after(async () => {
		await alice?.stop();
		await pbxA?.stop();
		await pbxB?.stop();
		await dnsmasq?.stop();
		await stopLeftoverPeers();
	});

	it("registers through the SRV record with the better priority: pbx-a (§4.1, RFC 2782)", async () => {
		const mark = dnsmasq!.log.length;
		await startStation("intercom.test");
		assert.equal(await until(/^registered|^registration failed/, 10_000), "registered (expires 600 s)", log());
		assert.deepEqual(dnsmasq!.queries(mark).slice(0, 2), ["NAPTR intercom.test", "SRV _sip._udp.intercom.test"]);
		assert.match(sent("REGISTER")[0], new RegExp(`^→ UDP 127\\.0\\.0\\.1:${PBX_A} {2}REGISTER sip:intercom\\.test `));
		assert.ok((await pbxA!.registrations()).some((r) => r.aor === "door"), "pbx-a holds the binding");
		assert.ok(!(await pbxB!.registrations()).some((r) => r.aor === "door"), "pbx-b does not");
	});

	it("with pbx-a stopped, the next REGISTER goes to pbx-b after Timer F, and a call goes to pbx-b at once (§4.3)", async () => {
		await startStation("intercom.test");
		await until(/^registered/, 10_000);
		await pbxA!.stop();
		pbxA = null;
		const registering = journal.lines.length;
		station!.command("register");
		const line = await station!.waitFor((l) => l.startsWith("registered") || l.startsWith("registration failed"), 45_000);
		assert.equal(line, "registered (expires 600 s)", log());
		const tries = sent("REGISTER").filter((l) => journal.lines.indexOf(l) >= registering);
		assert.match(tries[0], new RegExp(`127\\.0\\.0\\.1:${PBX_A} {2}REGISTER`), "first the better server, once more");
		assert.match(tries[tries.length - 1], new RegExp(`127\\.0\\.0\\.1:${PBX_B} {2}REGISTER`));
		assert.ok((await pbxB!.registrations()).some((r) => r.aor === "door"), "pbx-b holds the binding now");
		// A call now: straight to pbx-b (pbx-a was found dead), answered by alice through it.
		const mark = pbxB!.mark();
		const before = sent("INVITE").length;
		station!.command(`call sip:alice@${LOOPBACK}:${ALICE_SIP_PORT}`);
		assert.match(await until(/^call 0: answered|^call 0: ended/, 15_000), /^call 0: answered by /, log());
		const invites = sent("INVITE").slice(before);
		assert.ok(invites.length > 0 && invites.every((l) => l.includes(`127.0.0.1:${PBX_B}  INVITE`)), invites.join("\n"));
		await pbxB!.waitForEvent("GATEWAY", (e) => e.fields.method === "INVITE", 5_000, mark);
		await alice!.waitEvent("CALL_ESTABLISHED", 5_000);
		const ended = station!.waitFor((l) => l.startsWith("call 0: ended"), 10_000);
		station!.command("hangup");
		assert.equal(await ended, "call 0: ended: local hangup");
		await alice!.waitEvent("CALL_CLOSED", 10_000);
	});

	it("a name that does not exist: registration fails naming it, and so does a call (RFC 2308)", async () => {
		await startStation("nope.intercom.test");
		assert.equal(await until(/^registered|^registration failed/, 10_000), "registration failed: nope.intercom.test NAPTR: no such domain (NXDOMAIN)");
		station!.command("call sip:alice@nope.intercom.test");
		assert.match(await until(/^call 0: ended|^call: /, 10_000), /^call 0: ended: server not found: nope\.intercom\.test NAPTR: no such domain \(NXDOMAIN\)$|^call: cannot call sip:alice@nope\.intercom\.test: nope\.intercom\.test NAPTR: no such domain \(NXDOMAIN\)$/);
		assert.deepEqual(journal.lines.filter((l) => l.startsWith("→")), [], "nothing was sent anywhere");
	});

	it("a resolver that never answers: registration and a call fail with a timeout after the DNS tries, not a hang", async () => {
		const port = await freePort();
		const silent: Socket = createSocket("udp4");
		let queries = 0;
		silent.on("message", () => queries++);
		await new Promise<void>((resolve) => silent.bind(port, LOOPBACK, resolve));
		try {
			const started = performance.now();
			await startStation("intercom.test", `${LOOPBACK}:${port}`);
			assert.equal(await until(/^registered|^registration failed/, 15_000), "registration failed: intercom.test NAPTR: no answer from the DNS servers (timeout)");
			const took = performance.now() - started;
			assert.ok(took > 5_000 && took < 12_000, `2 s, then 4 s: ${Math.round(took)} ms`);
			assert.ok(queries >= 2, `the query was sent ${queries} times`);
			// A call through the same proxy name: calling while it resolves, then ended with the reason.
			station!.command(`call sip:alice@${LOOPBACK}:${ALICE_SIP_PORT}`);
			assert.match(await until(/^call 0: calling/, 2_000), /^call 0: calling sip:alice@/);
			assert.equal(await until(/^call 0: ended/, 15_000), "call 0: ended: server not found: intercom.test NAPTR: no answer from the DNS servers (timeout)");
		} finally {
			silent.close();
		}
		await sleep(100);
	});
});
