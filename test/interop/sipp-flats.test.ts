// The door station rings its call list, the flats played by SIPp (the project's scenarios flat-*.xml): the simulator
// runs from a configuration file as an installer would run it (`npm start -- --config door.json`), a press on its
// standard input rings the list, and its log says what happened. RFC 3261 §9 (CANCEL), §13 (INVITE), §15 (BYE),
// RFC 4733 (the door code keyed by the flat).
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CliStation } from "./cli-station.js";
import { writeDtmfPcap } from "./rtp-pcap.js";
import { describeSipp, freePort, freeRtpPorts, requirePeer, startSipp, stopAllSipp, type SippProcess, type SippResult } from "./peers.js";

const SCENARIOS = fileURLToPath(new URL("../../../test/interop/scenarios/", import.meta.url));

describe("The call list against SIPp flats (the simulator with a configuration file)", function () {
	this.timeout(60000);
	let sipp = "", dir = "";
	let station: CliStation | null = null;

	before(function () {
		sipp = requirePeer(this);
	});
	beforeEach(() => {
		dir = mkdtempSync(join(tmpdir(), "flats-"));
	});
	afterEach(async function () {
		await station?.stop();
		station = null;
		const kept = await stopAllSipp(this.currentTest?.state === "failed");
		if (kept.length > 0) process.stderr.write(`        sipp logs kept in ${kept.join(", ")}\n`);
		rmSync(dir, { recursive: true, force: true });
	});

	/** A SIPp flat on a free port running `scenario` (copied next to the DTMF pcap it may play). */
	async function flat(scenario: string): Promise<{ run: SippProcess; port: number }> {
		const port = await freePort([1, 2, 4]);
		const folder = mkdtempSync(join(dir, "flat-"));
		copyFileSync(join(SCENARIOS, scenario), join(folder, scenario));
		writeDtmfPcap(join(folder, "dtmf.pcap"), { digits: "1234#", eventPt: 101 });
		const run = startSipp(sipp, { scenario: join(folder, scenario), port, timeoutMs: 50000 });
		await run.ready();
		return { run, port };
	}

	/** The simulator with `config` written to door.json, started with `--config`. */
	async function startStation(config: object): Promise<CliStation> {
		const file = join(dir, "door.json");
		writeFileSync(file, JSON.stringify(config, null, 2));
		station = new CliStation(["--config", file]);
		await station.waitFor(/^listening on/, 10000);
		return station;
	}

	function ok(r: SippResult, s: CliStation): void {
		assert.equal(r.code, 0, `${describeSipp(r)}\n--- station\n${s.text}`);
	}

	it("sequential: flat 1 rings out (CANCEL), flat 2 is busy, flat 3 answers and keys 1234# (RFC 4733): the relay pulse is logged, BYE 2 s after", async () => {
		const [f1, f2, f3] = [await flat("flat-no-answer.xml"), await flat("flat-busy.xml"), await flat("flat-answer.xml")];
		const s = await startStation({
			sip: { port: await freePort(), rtpPort: await freeRtpPorts(6) },
			callList: { mode: "sequential", targets: [
				{ uri: `sip:flat1@127.0.0.1:${f1.port}`, name: "Flat 1", ringSeconds: 2 },
				{ uri: `sip:flat2@127.0.0.1:${f2.port}`, name: "Flat 2" },
				{ uri: `sip:flat3@127.0.0.1:${f3.port}`, name: "Flat 3" },
			] },
			doorCodes: { codes: ["1234#"] }, relays: [{ name: "door", pulseMs: 1000 }], callLimits: { hangupAfterDoorOpenSeconds: 2 },
		});
		s.command("press");
		await new Promise((r) => setTimeout(r, 200));
		s.command("release");
		await s.waitFor(/^door opened/, 20000);
		await s.waitFor(/^relay door: closed/, 3000);
		const [r1, r2, r3] = await Promise.all([f1.run.done, f2.run.done, f3.run.done]);
		for (const r of [r1, r2, r3]) ok(r, s);
		const events = s.lines.filter((l) => !/^[→←]/.test(l) && !/^led /.test(l));
		// In order (the 487 of flat 1's CANCEL may come at any point after flat 2 was called).
		const expected = [
			/^button: press$/, /^call list main: started \(cycle 1\)$/, /^call \d: calling Flat 1 /, /^call \d: ringing$/, /^tone: ringback$/,
			/^call \d: calling Flat 2 /, /^call \d: ended: rejected \(486\)$/, /^call \d: calling Flat 3 /,
			/^call list main: answered$/, /^call \d: answered by sip:flat3@127\.0\.0\.1:\d+; media PCMU\/8000/,
			/^door opened: relay door by code from sip:flat3@/, /^relay door: closed$/,
			/^call \d: hanging up 2 s after the door opened$/, /^call \d: ended: local hangup$/,
		];
		assert.ok(events.includes("relay door: open 1000 ms"), events.join("\n"));
		assert.equal(events.filter((l) => /^call \d: ended: cancelled \(487\)$/.test(l)).length, 1, events.join("\n"));
		let at = 0;
		for (const re of expected) {
			const i = events.findIndex((l, k) => k >= at && re.test(l));
			assert.ok(i >= 0, `${re} after line ${at}:\n${events.join("\n")}`);
			at = i + 1;
		}
		assert.ok(!/1234/.test(events.join("\n")), "no digit of the code in the log");
		assert.equal(events.filter((l) => / DTMF \(RFC 4733\)$/.test(l)).length, 5);
	});

	it("parallel: all three ring at once, flat 2 answers first, flats 1 and 3 get CANCEL (487); the call is up until hung up", async () => {
		const [f1, f2, f3] = [await flat("flat-no-answer.xml"), await flat("flat-answer.xml"), await flat("flat-no-answer.xml")];
		const s = await startStation({
			sip: { port: await freePort(), rtpPort: await freeRtpPorts(8) },
			callList: { mode: "parallel", targets: [f1, f2, f3].map((f, i) => ({ uri: `sip:flat${i + 1}@127.0.0.1:${f.port}`, name: `Flat ${i + 1}` })) },
		});
		s.command("press");
		await new Promise((r) => setTimeout(r, 200));
		s.command("release");
		await s.waitFor(/^call \d: answered by sip:flat2@/, 10000);
		const [r1, r3] = await Promise.all([f1.run.done, f3.run.done]);
		ok(r1, s);
		ok(r3, s);
		assert.equal(s.lines.filter((l) => /^call \d: calling Flat \d/.test(l)).length, 3);
		// SIPp may be gone a moment before the station's log says so.
		await s.waitFor(/^call 0: ended: cancelled \(487\)$/, 2000);
		await s.waitFor(/^call 2: ended: cancelled \(487\)$/, 2000);
		assert.equal(s.lines.filter((l) => /^→ UDP .* CANCEL sip:flat[13]@/.test(l)).length, 2, s.text);
		assert.ok(!s.lines.some((l) => /^→ UDP .* CANCEL sip:flat2@/.test(l)), "the winner is not cancelled");
		s.command("status");
		assert.match(await s.waitFor(/^registration: /, 2000), /calls: .*active/);
		s.command("hangup");
		ok(await f2.run.done, s);
		await s.waitFor(/^call 1: ended: local hangup$/, 3000);
	});
});
