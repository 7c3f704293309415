// Transactions against SIPp on 127.0.0.1: retransmissions absorbed and answered, Timers A/E/G, the ACK of a
// non-2xx, TCP framing and connection reuse — RFC 3261 §17, §18. The station is the simulator's real stack
// (hosts/sim/node-host.ts: node:dgram, node:net, one setTimeout) with a small test TU (station.ts); SIPp runs the
// project's own scenarios (test/interop/scenarios/*.xml), which check on their side what the comments say.
// Timing windows are ±150 ms around 500 / 1000 / 2000 / 4000 ms, measured twice (SIPp's receive clock and the
// station's trace): wide enough for a loaded 2-core CI machine, narrow enough that no interval passes for another.
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { M_INVITE, M_OPTIONS } from "../../src/sip/methods.js";
import { CONFIRMED } from "../../src/transaction/transaction-table.js";
import { describeSipp, freePort, loggedValues, requirePeer, startSipp, stopAllSipp, type SippResult } from "./peers.js";
import { RawTcpClient, streamRequest } from "./raw-tcp-client.js";
import { TestStation, gaps, headerOf } from "./station.js";

// Compiled to build/test/interop/: the scenarios stay in the source tree.
const SCENARIOS = fileURLToPath(new URL("../../../test/interop/scenarios/", import.meta.url));
const scenario = (name: string) => join(SCENARIOS, name);
/** ± ms around each expected retransmission interval (the scenarios use the same windows). */
const TOLERANCE = 150;
/** SIPp takes port p (SIP), p+1 (control), p+2 and p+4 (media): all must be free. */
const SIPP_PORTS = [1, 2, 4] as const;

let sipp = "";
let station: TestStation | null = null;

/** The assertion message: SIPp's side (exit code, errors, logs, messages) and the station's (events, wire). */
function explain(r: SippResult, s: TestStation | null): string {
	return `${describeSipp(r)}\n--- station heard ${JSON.stringify(s?.heard ?? [])}\n--- station wire\n${s?.ladder() ?? ""}`;
}

/** Each gap within ±TOLERANCE of the expected interval. */
function assertWindows(actual: readonly number[], expected: readonly number[], what: string): void {
	assert.equal(actual.length, expected.length, `${what}: ${actual.length} gaps (${actual.join(", ")}), expected ${expected.length}`);
	expected.forEach((e, i) => {
		assert.ok(Math.abs(actual[i] - e) <= TOLERANCE, `${what}: gap ${i + 1} was ${actual[i]} ms, expected ${e} ± ${TOLERANCE} (all: ${actual.join(", ")})`);
	});
}

/** One line under the test's name with what was measured. */
function report(line: string): void {
	process.stdout.write(`        ${line}\n`);
}

async function cleanUp(ctx: Mocha.Context): Promise<void> {
	const kept = await stopAllSipp(ctx.currentTest?.state === "failed");
	if (kept.length > 0) process.stderr.write(`        sipp logs kept in ${kept.join(", ")}\n`);
	await station?.close();
	station = null;
}

describe("Interop with SIPp (RFC 3261 §17 transactions over UDP and TCP, 127.0.0.1)", function () {
	this.timeout(30000);

	before(function () {
		sipp = requirePeer(this);
	});
	afterEach(async function () {
		await cleanUp(this);
	});

	describe("§17.2.2 server non-INVITE transaction: a retransmitted request (SIPp UAC, UDP)", () => {
		it("passes the OPTIONS to the TU once, absorbs the copy that arrives in Trying, and answers each later copy with the byte-identical stored 200", async () => {
			station = await TestStation.start({ port: 0, replies: { OPTIONS: [{ status: 200, reason: "OK", afterMs: 600 }] } });
			const port = await freePort(SIPP_PORTS);
			const run = startSipp(sipp, {
				scenario: scenario("uac-options-retransmit.xml"), port, remote: `127.0.0.1:${station.port}`, service: "door",
				noRetransmissions: true, timeoutMs: 15000,
			});
			const r = await run.done;
			assert.equal(r.code, 0, explain(r, station));
			assert.deepEqual(station.heard, ["request OPTIONS UDP"], `the TU hears the request once\n${explain(r, station)}`);
			const requests = station.receivedMessages("OPTIONS ");
			assert.equal(requests.length, 4, explain(r, station));
			const oks = station.sentMessages("SIP/2.0 200 ");
			assert.equal(oks.length, 3, `one 200 from the TU, then one per later copy, none for the copy in Trying\n${explain(r, station)}`);
			assert.ok(oks.every((m) => m.text === oks[0].text), "every 200 is the stored response, byte for byte");
			const firstAnswer = Math.round(oks[0].at - requests[0].at);
			assert.ok(firstAnswer >= 550, `nothing before the TU answered (at 600 ms); the first 200 went at ${firstAnswer} ms`);
			assert.equal(loggedValues(r, "tag1")[0], /;tag=([^;>\s]+)/.exec(headerOf(oks[0].text, "To"))?.[1], "SIPp saw the station's To tag");
			assert.ok(r.logs.includes("QUIET no further 200"), explain(r, station));
		});
	});

	describe("§17.1.1.2 client INVITE transaction over UDP (SIPp UAS holds back its answer)", () => {
		it("retransmits the INVITE after T1, 2·T1, 4·T1 with the same branch and CSeq, then ACKs the 486 with that branch (§17.1.1.3)", async () => {
			station = await TestStation.start({ port: 0 });
			const port = await freePort(SIPP_PORTS);
			const run = startSipp(sipp, { scenario: scenario("uas-invite-timer-a.xml"), port, noRetransmissions: true, timeoutMs: 20000 });
			await run.ready();
			station.request(M_INVITE, "sipp", "127.0.0.1", port);
			const r = await run.done;
			assert.equal(r.code, 0, explain(r, station));
			await station.waitFor(() => station!.heard.includes("response 486"), 2000, "486 reported to the TU");
			assert.deepEqual(station.heard, ["response 100", "response 486"], explain(r, station));
			const invites = station.sentMessages("INVITE ");
			assert.equal(invites.length, 4, explain(r, station));
			assert.ok(invites.every((m) => m.text === invites[0].text), "a retransmission is the same bytes");
			const ours = gaps(invites.map((m) => m.at));
			const theirs = loggedValues(r, "d[123]").map(Number);
			assertWindows(ours, [500, 1000, 2000], "Timer A (station's send times)");
			assertWindows(theirs, [500, 1000, 2000], "Timer A (SIPp's receive times)");
			const acks = station.sentMessages("ACK ");
			assert.equal(acks.length, 1, explain(r, station));
			assert.equal(headerOf(acks[0].text, "Via"), headerOf(invites[0].text, "Via"), "the ACK's Via is the INVITE's (same branch)");
			assert.equal(headerOf(acks[0].text, "CSeq"), headerOf(invites[0].text, "CSeq").replace("INVITE", "ACK"));
			report(`Timer A gaps: station ${ours.join("/")} ms, SIPp ${theirs.map((d) => Math.round(d)).join("/")} ms`);
		});
	});

	describe("§17.1.2.2 client non-INVITE transaction over UDP (SIPp UAS holds back its answer)", () => {
		it("retransmits the OPTIONS after 500, 1000, 2000, 4000, 4000 ms (Timer E doubles, capped at T2) with the same branch and CSeq", async () => {
			station = await TestStation.start({ port: 0 });
			const port = await freePort(SIPP_PORTS);
			const run = startSipp(sipp, { scenario: scenario("uas-options-timer-e.xml"), port, noRetransmissions: true, timeoutMs: 25000 });
			await run.ready();
			station.request(M_OPTIONS, "sipp", "127.0.0.1", port);
			const r = await run.done;
			assert.equal(r.code, 0, explain(r, station));
			await station.waitFor(() => station!.heard.includes("response 200"), 2000, "200 reported to the TU");
			assert.deepEqual(station.heard, ["response 200"], explain(r, station));
			const sent = station.sentMessages("OPTIONS ");
			assert.equal(sent.length, 6, explain(r, station));
			assert.ok(sent.every((m) => m.text === sent[0].text), "a retransmission is the same bytes");
			const ours = gaps(sent.map((m) => m.at));
			const theirs = loggedValues(r, "d[1-5]").map(Number);
			assertWindows(ours, [500, 1000, 2000, 4000, 4000], "Timer E (station's send times)");
			assertWindows(theirs, [500, 1000, 2000, 4000, 4000], "Timer E (SIPp's receive times)");
			report(`Timer E gaps: station ${ours.join("/")} ms, SIPp ${theirs.map((d) => Math.round(d)).join("/")} ms`);
		});
	});

	describe("§17.2.1 server INVITE transaction: a non-2xx final response over UDP (SIPp UAC)", () => {
		it("retransmits the 486 on Timer G until the ACK, absorbs the ACK and its copy (Confirmed, not passed to the TU), and sends nothing more", async () => {
			station = await TestStation.start({ port: 0, replies: { INVITE: [{ status: 486, reason: "Busy Here" }] } });
			const s = station;
			let stateAfterAck = -1;
			void s.waitFor(() => s.receivedMessages("ACK ").length > 0, 10000, "ACK").then(
				() => setImmediate(() => (stateAfterAck = s.net.layer.stateOf(s.serverTx.get("INVITE")?.[0] ?? -1))),
				() => {},
			);
			const port = await freePort(SIPP_PORTS);
			const run = startSipp(sipp, {
				scenario: scenario("uac-invite-486-ack.xml"), port, remote: `127.0.0.1:${s.port}`, service: "door",
				noRetransmissions: true, timeoutMs: 15000,
			});
			const r = await run.done;
			assert.equal(r.code, 0, explain(r, s));
			assert.deepEqual(s.heard, ["request INVITE UDP"], `the ACK of a non-2xx ends in the transaction\n${explain(r, s)}`);
			const busy = s.sentMessages("SIP/2.0 486 ");
			assert.equal(busy.length, 2, `the 486, one Timer G retransmission before the ACK, none after\n${explain(r, s)}`);
			assert.equal(busy[1].text, busy[0].text, "the retransmitted 486 is the stored one");
			assert.equal(s.receivedMessages("ACK ").length, 2);
			assert.equal(stateAfterAck, CONFIRMED, "Confirmed after the ACK (Timer I running)");
			const ours = gaps(busy.map((m) => m.at));
			const theirs = loggedValues(r, "d1").map(Number);
			assertWindows(ours, [500], "Timer G (station's send times)");
			assertWindows(theirs, [500], "Timer G (SIPp's receive times)");
			assert.ok(r.logs.includes("QUIET no 486 after the ACK"), explain(r, s));
			report(`Timer G gap: station ${ours[0]} ms, SIPp ${Math.round(theirs[0])} ms; then 3 s without a 486`);
		});
	});

	describe("§18.3 TCP with SIPp (-t t1): responses on the request's connection, no retransmissions", () => {
		it("answers an INVITE with 100 on its own at 200 ms (§17.2.1), the TU's 180 and 486, absorbs the ACK, then answers an OPTIONS, all on SIPp's connection", async () => {
			station = await TestStation.start({
				port: 0,
				replies: {
					INVITE: [{ status: 180, reason: "Ringing", afterMs: 250 }, { status: 486, reason: "Busy Here", afterMs: 400 }],
					OPTIONS: [{ status: 200, reason: "OK" }],
				},
			});
			const port = await freePort(SIPP_PORTS);
			const run = startSipp(sipp, {
				scenario: scenario("uac-tcp-invite-options.xml"), port, remote: `127.0.0.1:${station.port}`, service: "door",
				transport: "tcp", timeoutMs: 15000,
			});
			const r = await run.done;
			assert.equal(r.code, 0, explain(r, station));
			await station.waitFor(() => station!.net.transport.connectionState(0) === 0, 3000, "the connection closed once SIPp left");
			assert.deepEqual(station.heard, ["request INVITE TCP", "request OPTIONS TCP"], explain(r, station));
			const flow = station.wire.map((m) => `${m.transport} ${m.sent ? "->" : "<-"} ${m.text.split(" ", 2).join(" ")}`);
			assert.deepEqual(flow, [
				"TCP <- INVITE sip:door@127.0.0.1:" + station.port + ";transport=tcp",
				"TCP -> SIP/2.0 100", "TCP -> SIP/2.0 180", "TCP -> SIP/2.0 486",
				"TCP <- ACK sip:door@127.0.0.1:" + station.port + ";transport=tcp",
				"TCP <- OPTIONS sip:door@127.0.0.1:" + station.port + ";transport=tcp",
				"TCP -> SIP/2.0 200",
			], explain(r, station));
			const peers = new Set(station.wire.map((m) => `${m.address}:${m.port}`));
			assert.equal(peers.size, 1, `one connection carries everything: ${[...peers].join(", ")}`);
		});

		it("sends its INVITE over a connection it opens, never retransmits it (no Timer A on TCP), and ACKs the 486 on that connection", async () => {
			station = await TestStation.start({ port: 0 });
			const port = await freePort(SIPP_PORTS);
			const run = startSipp(sipp, { scenario: scenario("uas-tcp-invite-486.xml"), port, transport: "tcp", timeoutMs: 15000 });
			await run.ready();
			station.request(M_INVITE, "sipp", "127.0.0.1", port, "TCP");
			const r = await run.done;
			assert.equal(r.code, 0, explain(r, station));
			await station.waitFor(() => station!.heard.includes("response 486"), 2000, "486 reported to the TU");
			assert.deepEqual(station.heard, ["response 100", "response 486"], explain(r, station));
			assert.equal(station.sentMessages("INVITE ").length, 1, explain(r, station));
			assert.equal(station.sentMessages("ACK ").length, 1, explain(r, station));
			assert.ok(station.wire.every((m) => m.transport === "TCP" && m.address === "127.0.0.1" && m.port === port), explain(r, station));
		});
	});
});

describe("§18.3 stream framing from a raw node:net client (no peer program needed)", function () {
	this.timeout(10000);

	afterEach(async function () {
		await cleanUp(this);
	});

	it("answers three requests written in one write, a request written 7 bytes at a time, and a CRLFCRLF ping, each on that connection", async () => {
		station = await TestStation.start({
			port: 0, replies: { OPTIONS: [{ status: 200, reason: "OK" }], MESSAGE: [{ status: 202, reason: "Accepted" }] },
		});
		const client = await RawTcpClient.connect(station.port);
		try {
			client.write([1, 2, 3].map((n) => streamRequest("OPTIONS", `z9hG4bK-batch-${n}`, n, client.localPort)).join(""));
			const batch = await client.responses(3, 3000);
			assert.deepEqual(batch.map((a) => [a.status, /branch=([^;\s]+)/.exec(headerOf(a.text, "Via"))?.[1], headerOf(a.text, "CSeq")]), [
				[200, "z9hG4bK-batch-1", "1 OPTIONS"], [200, "z9hG4bK-batch-2", "2 OPTIONS"], [200, "z9hG4bK-batch-3", "3 OPTIONS"],
			]);

			const split = streamRequest("MESSAGE", "z9hG4bK-split", 4, client.localPort, "Door: open?\r\n");
			for (let i = 0; i < split.length; i += 7) {
				client.write(split.slice(i, i + 7));
				await new Promise((resolve) => setImmediate(resolve));
			}
			const [accepted] = await client.responses(1, 3000);
			assert.equal(accepted.status, 202);
			assert.match(headerOf(accepted.text, "Via"), /branch=z9hG4bK-split/);
			assert.equal(headerOf(accepted.text, "CSeq"), "4 MESSAGE");

			client.write("\r\n\r\n"); // RFC 5626 §3.5.1: a CRLFCRLF ping is answered with one CRLF
			assert.equal(await client.rawBytes(2, 3000), "\r\n");
			assert.deepEqual(station.heard, ["request OPTIONS TCP", "request OPTIONS TCP", "request OPTIONS TCP", "request MESSAGE TCP"]);
			const peers = new Set(station.wire.map((m) => `${m.transport} ${m.address}:${m.port}`));
			assert.deepEqual([...peers], [`TCP 127.0.0.1:${client.localPort}`], "every answer on the client's own connection");
			assert.equal(client.pending, "", "nothing else was sent");
		} finally {
			client.destroy();
		}
	});
});
