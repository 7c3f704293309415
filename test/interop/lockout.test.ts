// A station nobody can lock out, against real programs on 127.0.0.1 — DESIGN.md §3 (fixed pools that never become a
// lock): SIPp's short calls back to back and unacknowledged error answers (RFC 3261 §17.2.1, RFC 6026 §7.1), silent
// TCP connections next to a real client and the station's own TCP registration with Kamailio (§18, §10.2).
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SimStation } from "../../hosts/sim/station.js";
import { DOOR, Kamailio } from "./kamailio.js";
import { KAMAILIO, describeSipp, freePort, freeRtpPorts, isBound, requirePeer, startSipp, stopAllSipp, type SippResult } from "./peers.js";
import { RawTcpClient, streamRequest } from "./raw-tcp-client.js";
import { StationLog, startSimStation } from "./station-log.js";

const SCENARIOS = fileURLToPath(new URL("../../../test/interop/scenarios/", import.meta.url));
const journal = new StationLog();
let station: SimStation | null = null;

/** The simulated station answering anybody after `answerDelayMs`; registering with Kamailio over TCP when asked. */
async function startStation(o: { answerDelayMs?: number; registrarTcp?: boolean } = {}): Promise<SimStation> {
	station = await startSimStation({
		sip: {
			user: DOOR.user, domain: "127.0.0.1", password: DOOR.password, port: await freePort(), rtpPort: await freeRtpPorts(6),
			registrar: o.registrarTcp === true ? "127.0.0.1:5060;transport=tcp" : null,
		},
		incoming: { allow: ["*"], answerDelayMs: o.answerDelayMs ?? 200 }, audio: { echoSuppressor: { enabled: false } },
	}, journal);
	return station;
}

function explain(r: SippResult): string {
	return `${describeSipp(r)}\n--- station log\n${journal.text()}`;
}

describe("A station nobody can lock out (SIPp and Kamailio, 127.0.0.1)", function () {
	this.timeout(60000);

	afterEach(async function () {
		const kept = await stopAllSipp(this.currentTest?.state === "failed");
		if (kept.length > 0) process.stderr.write(`        sipp logs kept in ${kept.join(", ")}\n`);
		await station?.stop(500);
		station = null;
	});

	describe("the pool of transactions (RFC 3261 §17.2; RFC 6026 §7.1)", () => {
		let sipp = "";
		before(function () {
			sipp = requirePeer(this);
		});

		it("30 short calls in a row (-r 10 -l 1 -m 30) against a 200 ms answer: all complete, every BYE answered 200", async () => {
			const s = await startStation({ answerDelayMs: 200 });
			const r = await startSipp(sipp, {
				scenario: join(SCENARIOS, "lockout-short-call.xml"), port: await freePort([1, 2, 4]), remote: `127.0.0.1:${s.net.port}`,
				service: "door", timeoutMs: 30000, extra: ["-r", "10", "-l", "1", "-m", "30"],
			}).done;
			assert.equal(r.code, 0, explain(r));
			const ended = journal.lines.filter((l) => /^call \d+: ended: remote hangup$/.test(l));
			assert.equal(ended.length, 30, journal.text());
			assert.ok(!/ 503 Service Unavailable/.test(journal.text()), "no request was refused");
		});

		it("16 INVITEs with broken SDP, answered 400 and never ACKed, do not block an OPTIONS (Timer H: 32 s)", async () => {
			const s = await startStation();
			const port = await freePort([1, 2, 4]);
			const broken = await startSipp(sipp, {
				scenario: join(SCENARIOS, "lockout-broken-sdp.xml"), port, remote: `127.0.0.1:${s.net.port}`, service: "door", timeoutMs: 15000,
				extra: ["-r", "50", "-l", "16", "-m", "16"],
			}).done;
			assert.equal(broken.code, 0, explain(broken));
			assert.equal(journal.lines.filter((l) => /→ UDP .* 400 Bad Request: malformed SDP/.test(l)).length >= 16, true, journal.text());
			const options = await startSipp(sipp, {
				scenario: join(SCENARIOS, "lockout-options.xml"), port: await freePort([1, 2, 4]), remote: `127.0.0.1:${s.net.port}`,
				service: "door", timeoutMs: 10000,
			}).done;
			assert.equal(options.code, 0, explain(options));
			assert.ok(options.ms < 3000, `the OPTIONS was answered at once (${options.ms} ms)`);
		});
	});

	describe("TCP connections (§18)", () => {
		let kamailio: Kamailio | null = null;
		const silent: RawTcpClient[] = [];

		before(async function () {
			const bin = requirePeer(this, KAMAILIO);
			if (isBound(5060, "udp") === true) throw new Error("port 5060 is taken: stop what uses it (another test run, npm start, a rig)");
			kamailio = await Kamailio.start(bin);
		});
		afterEach(() => {
			for (const c of silent.splice(0)) c.destroy();
		});
		after(async () => {
			await kamailio?.stop();
		});

		it("4 silent TCP connections block neither a fifth client nor the station's own TCP registration with Kamailio", async () => {
			const s = await startStation({ registrarTcp: true });
			assert.match(await journal.until(s, /^registered|^registration failed/, 10000), /^registered/, journal.text());
			// The registrar's connection closes (as after a network change); four peers connect and say nothing.
			s.net.transport.close();
			for (let i = 0; i < 4; i++) silent.push(await RawTcpClient.connect(s.net.port));
			// The station registers again: its own connection takes the slot of the peer silent longest.
			const again = s.waitFor((l) => /^registered|^registration failed/.test(l), 10000);
			s.command("register");
			assert.match(await again, /^registered/, journal.text());
			await silent[0].waitClosed(2000);
			// A fifth client asks: the next silent one gives way, and it is answered at once.
			const fifth = await RawTcpClient.connect(s.net.port);
			fifth.write(streamRequest("OPTIONS", "z9hG4bKfifth", 1, fifth.localPort));
			const [answer] = await fifth.responses(1, 2000);
			fifth.destroy();
			assert.equal(answer.status, 200, answer.text);
			await silent[1].waitClosed(2000);
			assert.deepEqual(silent.map((c) => c.closed), [true, true, false, false]);
			const regs = await kamailio!.registrations();
			assert.ok(regs.some((r) => r.aor === "door" && r.transport.toLowerCase().includes("tcp")), JSON.stringify(regs));
		});
	});
});
