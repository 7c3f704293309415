// A call pointed back at the station itself ends at the RTP timeout — RFC 3550 §8.2 ("own traffic looped": not media),
// §6.3.5 (a silent member times out): SIPp calls the simulated station with an SDP naming the station's own RTP port on
// 127.0.0.1, so the station sends its RTP to itself and hears nothing else (test/interop/scenarios/media-self-loop.xml).
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SimStation } from "../../hosts/sim/station.js";
import { parseStationConfig } from "../../src/intercom/config.js";
import { describeSipp, freePort, freeRtpPorts, requirePeer, startSipp, stopAllSipp, type SippResult } from "./peers.js";

const SCENARIO = join(fileURLToPath(new URL("../../../test/interop/scenarios/", import.meta.url)), "media-self-loop.xml");

describe("A call whose media loops back to the station ends at the RTP timeout (RFC 3550 §8.2, SIPp, 127.0.0.1)", function () {
	this.timeout(30000);
	let sipp = "";
	let station: SimStation | null = null;
	let lines: string[] = [];

	before(function () {
		sipp = requirePeer(this);
	});
	afterEach(async function () {
		const kept = await stopAllSipp(this.currentTest?.state === "failed");
		if (kept.length > 0) process.stderr.write(`        sipp logs kept in ${kept.join(", ")}\n`);
		await station?.stop(500);
		station = null;
	});

	/** The station answering anybody at once, with an RTP timeout of `seconds`; SIPp's call loops its media back. */
	async function loopedCall(seconds: number): Promise<SippResult> {
		lines = [];
		const rtpPort = await freeRtpPorts(2);
		const config = parseStationConfig({
			sip: { port: await freePort(), rtpPort }, incoming: { allow: ["*"], answerDelayMs: 100 },
			audio: { echoSuppressor: { enabled: false }, rtpTimeoutSeconds: seconds },
		});
		assert.ok(config.ok);
		station = await SimStation.start({ address: "127.0.0.1", config: config.config, trace: false, log: (l) => lines.push(l) });
		const run = startSipp(sipp, {
			scenario: SCENARIO, port: await freePort([1, 2, 4]), remote: `127.0.0.1:${station.net.port}`, service: "door", timeoutMs: 15000,
			extra: ["-set", "stationrtp", String(rtpPort)],
		});
		return run.done;
	}

	it("the station sends to its own port, drops what comes back, and hangs up after the 2 s of RTP timeout", async () => {
		const r = await loopedCall(2);
		assert.equal(r.code, 0, `${describeSipp(r)}\n--- station log\n${lines.join("\n")}`);
		assert.ok(lines.some((l) => /^call 0: answered by .*media PCMU\/8000 pt 0 to 127\.0\.0\.1:/.test(l)), lines.join("\n"));
		assert.ok(lines.includes("call 0: no RTP for 2 s: hanging up"), lines.join("\n"));
		assert.ok(r.ms >= 2000, `the BYE came after ${r.ms} ms, before the timeout`);
	});

	it("control: with the RTP timeout off, no BYE comes, and the scenario fails on it (its wait for the BYE bites)", async () => {
		const r = await loopedCall(0);
		assert.notEqual(r.code, 0, describeSipp(r));
		assert.ok(r.ms >= 6000, `SIPp failed after ${r.ms} ms, not at its 6 s wait for the BYE:\n${describeSipp(r)}`);
		assert.ok(lines.some((l) => /^call 0: answered by /.test(l)), lines.join("\n"));
		assert.ok(!lines.some((l) => l.includes("no RTP")), lines.join("\n"));
	});
});
