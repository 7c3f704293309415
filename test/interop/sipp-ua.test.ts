// The user agent against SIPp on 127.0.0.1 (RFC 3261 §9, §13-§15, §22; RFC 3264; RFC 3311; RFC 4028): the
// simulator's station (hosts/sim/station.ts, the real UA on node:dgram and real timers) answers and places calls;
// SIPp runs the project's scenarios (test/interop/scenarios/ua-*.xml), which check the station's messages on their
// side; the test checks what the station's application heard (its log lines) on ours.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { copyFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SimStation } from "../../hosts/sim/station.js";
import { parseStationConfig } from "../../src/intercom/config.js";
import { Capture, describeIssues, type CaptureReport } from "./capture.js";
import { writeDtmfPcap } from "./rtp-pcap.js";
import { describeSipp, freePort, freeRtpPorts, requirePeer, startSipp, stopAllSipp, TSHARK, type SippResult } from "./peers.js";

const SCENARIOS = fileURLToPath(new URL("../../../test/interop/scenarios/", import.meta.url));
const scenario = (name: string) => join(SCENARIOS, name);

let sipp = "";
let station: SimStation | null = null;
let lines: string[] = [];
/** Ports chosen once for the whole suite, so one capture (filtered on them) holds all of its traffic. */
let stationPort = 0, rtpPort = 0, sippSipPort = 0;
let capture: Capture | null = null;

type AnswerMode = "auto" | "manual";

/** The simulated station answering anybody, with door code 1234# (a call goes on after the door opened). */
async function startStation(answer: AnswerMode, password = "door-secret"): Promise<SimStation> {
	lines = [];
	const config = parseStationConfig({
		sip: { port: stationPort, rtpPort, password }, incoming: { allow: ["*"], answer, answerDelayMs: 100 },
		doorCodes: { codes: ["1234#"] }, callLimits: { hangupAfterDoorOpenSeconds: 0 }, audio: { echoSuppressor: { enabled: false } },
	});
	assert.ok(config.ok);
	station = await SimStation.start({ address: "127.0.0.1", config: config.config, trace: false, log: (l) => lines.push(l) });
	return station;
}

async function sippPort(): Promise<number> {
	return sippSipPort;
}

function explain(r: SippResult): string {
	return `${describeSipp(r)}\n--- station log\n${lines.join("\n")}`;
}

/** The application's log lines about calls (no SIP ladder lines, no media summaries). */
function events(): string[] {
	return lines.filter((l) => /^call \d+: /.test(l) && !/^call \d+: media (stopped|started)/.test(l));
}

describe("The user agent against SIPp (RFC 3261 calls, RFC 3264, RFC 3311, RFC 4028, 127.0.0.1)", function () {
	this.timeout(40000);

	before(async function () {
		sipp = requirePeer(this);
		const tshark = requirePeer(this, TSHARK);
		stationPort = await freePort();
		rtpPort = await freeRtpPorts(6);
		sippSipPort = await freePort([1, 2, 4]);
		// Signalling of the station and SIPp only (their RTP is not sent yet: the media issue's).
		capture = await Capture.start(tshark, { name: "sipp-ua", filter: `udp port ${stationPort} or udp port ${sippSipPort}` });
	});
	after(async function () {
		await capture?.discard(this.currentTest?.state === "failed");
		capture = null;
	});
	afterEach(async function () {
		const kept = await stopAllSipp(this.currentTest?.state === "failed");
		if (kept.length > 0) process.stderr.write(`        sipp logs kept in ${kept.join(", ")}\n`);
		await station?.stop(500);
		station = null;
	});

	describe("the station answers (SIPp is the caller)", () => {
		async function callStation(name: string, answer: AnswerMode = "auto", path = scenario(name)): Promise<SippResult> {
			const s = await startStation(answer);
			const run = startSipp(sipp, {
				scenario: path, port: await sippPort(), remote: `127.0.0.1:${s.net.port}`, service: "door", timeoutMs: 30000,
			});
			const r = await run.done;
			// The station's side of the last message (SIPp exits as soon as it sent or received it).
			await new Promise((resolve) => setTimeout(resolve, 200));
			return r;
		}

		it("rings, answers with an SDP answer, takes the ACK and the caller's BYE (§13.3, §15.1.2)", async () => {
			const r = await callStation("ua-uac-basic.xml");
			assert.equal(r.code, 0, explain(r));
			const ev = events();
			assert.match(ev[0], /^call 0: incoming from sipp <sip:sipp@127\.0\.0\.1:\d+>/);
			assert.match(ev[1], /^call 0: answered by sipp <sip:sipp@127\.0\.0\.1:\d+>; media PCMU\/8000 pt 0 to 127\.0\.0\.1:\d+, telephone-event pt 101, direction sendrecv$/);
			assert.equal(ev[2], "call 0: ended: remote hangup");
			const ua = station!.station.ua;
			assert.ok(ua.idle || ua.layer.active > 0, "no call left busy");
			assert.ok(ua.calls.every((c) => !c.busy), "the call slot is free again");
		});

		it("answers CANCEL before the answer with 200 and the INVITE with 487 (§9.2)", async () => {
			const r = await callStation("ua-uac-cancel.xml", "manual");
			assert.equal(r.code, 0, explain(r));
			assert.deepEqual(events().map((l) => l.replace(/from .*/, "from …")), ["call 0: incoming from …", "call 0: ended: cancelled (487)"]);
		});

		it("answers hold (sendonly) with recvonly and resume with sendrecv (§14.2, RFC 3264 §8.4)", async () => {
			const r = await callStation("ua-uac-hold.xml");
			assert.equal(r.code, 0, explain(r));
			const changed = events().filter((l) => l.includes("media changed"));
			assert.equal(changed.length, 2, events().join("\n"));
			assert.match(changed[0], /recvonly \(held\)$/);
			assert.match(changed[1], /sendrecv$/);
		});

		it("answers an UPDATE offer moving the peer's port (RFC 3311 §5.2)", async () => {
			const r = await callStation("ua-uac-update.xml");
			assert.equal(r.code, 0, explain(r));
			assert.ok(events().some((l) => /media changed: 127\.0\.0\.1:6010 sendrecv$/.test(l)), events().join("\n"));
		});

		it("agrees a session timer with the caller refreshing and accepts its refresh (RFC 4028 §9)", async () => {
			const r = await callStation("ua-uac-refresh.xml");
			assert.equal(r.code, 0, explain(r));
			assert.equal(events().at(-1), "call 0: ended: remote hangup");
		});

		/** SIPp calls, plays a pcap of `digits` as events with payload type `pt`: the DTMF lines and door openings logged. */
		async function rtpDigits(digits: string, pt: number): Promise<{ dtmf: number; opened: number }> {
			// play_pcap_audio reads the pcap next to the scenario: both go into a fresh folder.
			const dir = mkdtempSync(join(tmpdir(), "dtmf-pcap-"));
			try {
				copyFileSync(scenario("ua-uac-dtmf-rtp.xml"), join(dir, "ua-uac-dtmf-rtp.xml"));
				assert.ok(writeDtmfPcap(join(dir, "dtmf.pcap"), { digits, eventPt: pt }) > 50);
				const r = await callStation("ua-uac-dtmf-rtp.xml", "auto", join(dir, "ua-uac-dtmf-rtp.xml"));
				assert.equal(r.code, 0, explain(r));
				return { dtmf: events().filter((l) => l === "call 0: DTMF (RFC 4733)").length, opened: lines.filter((l) => l.startsWith("door opened")).length };
			} finally {
				rmSync(dir, { recursive: true, force: true });
			}
		}

		it("RFC 4733 events from SIPp's RTP (PT 101 pcap) reach the application once each: 1234# opens the door (RFC 4733 §2.5)", async () => {
			assert.deepEqual(await rtpDigits("1234#", 101), { dtmf: 5, opened: 1 }, lines.join("\n"));
			assert.match(lines.join("\n"), /^door opened: relay door by code from sipp <sip:sipp@127\.0\.0\.1:\d+>/m);
			assert.match(lines.join("\n"), /^call 0: media stopped: .* 5 RFC 4733 digits$/m);
		});

		it("negative control: the same events on payload type 96, which the SDP did not negotiate, give no digit (RFC 3550 §5.1)", async () => {
			assert.deepEqual(await rtpDigits("1234#", 96), { dtmf: 0, opened: 0 }, events().join("\n"));
		});

		it("DTMF from INFO application/dtmf-relay reaches the application: 1234# opens the door", async () => {
			const r = await callStation("ua-uac-info-dtmf.xml");
			assert.equal(r.code, 0, explain(r));
			assert.equal(events().filter((l) => l === "call 0: DTMF (SIP INFO)").length, 5, events().join("\n"));
			assert.equal(lines.filter((l) => l.startsWith("door opened: relay door by code")).length, 1, lines.join("\n"));
		});
	});

	describe("the station calls (SIPp is the callee)", () => {
		async function stationCalls(name: string, hangupAfterMs = 1000, password?: string): Promise<SippResult> {
			const s = await startStation("auto", password);
			const port = await sippPort();
			const run = startSipp(sipp, { scenario: scenario(name), port, timeoutMs: 30000 });
			await run.ready();
			s.waitFor((l) => {
				const m = /^call (\d+): answered/.exec(l);
				if (m !== null) setTimeout(() => s.command(`hangup ${m[1]}`), hangupAfterMs);
				return m !== null;
			}, 25000).catch(() => {});
			assert.ok(s.command(`call sip:sipp@127.0.0.1:${port}`));
			const r = await run.done;
			await new Promise((resolve) => setTimeout(resolve, 200));
			return r;
		}

		it("offers PCMU, PCMA and telephone-event, ACKs the 200 and hangs up with BYE (§13.2, §15.1.1)", async () => {
			const r = await stationCalls("ua-uas-basic.xml");
			assert.equal(r.code, 0, explain(r));
			const ev = events();
			assert.ok(ev.includes("call 0: ringing"), ev.join("\n"));
			assert.ok(ev.some((l) => /^call 0: answered by sip:sipp@127\.0\.0\.1:\d+; media PCMU\/8000 pt 0 /.test(l)), ev.join("\n"));
			assert.equal(ev.at(-1), "call 0: ended: local hangup");
		});

		it("ends the call with 486 when the callee is busy (the transaction ACKs it, §17.1.1.3)", async () => {
			const r = await stationCalls("ua-uas-busy.xml");
			assert.equal(r.code, 0, explain(r));
			assert.equal(events().at(-1), "call 0: ended: rejected (486)");
		});

		it("answers a 401 with Authorization that SIPp verifies (§22.2, RFC 7616 qop=auth)", async () => {
			const r = await stationCalls("ua-uas-auth-401.xml");
			assert.equal(r.code, 0, explain(r));
			assert.equal(events().at(-1), "call 0: ended: local hangup");
		});

		it("negative control: a wrong password fails SIPp's verifyauth (the scenario is not blind)", async () => {
			const r = await stationCalls("ua-uas-auth-401.xml", 1000, "not-the-secret");
			assert.notEqual(r.code, 0, explain(r));
			assert.ok(!events().some((l) => l.includes("answered")), events().join("\n"));
		});

		it("answers a 407 with Proxy-Authorization whose digest is right (§22.3)", async () => {
			const r = await stationCalls("ua-uas-auth-407.xml");
			assert.equal(r.code, 0, explain(r));
			const header = /Proxy-Authorization: (Digest .*)/.exec(r.messages)?.[1] ?? "";
			const field = (name: string) => new RegExp(`${name}="?([^",]+)"?`).exec(header)?.[1] ?? "";
			// RFC 7616 §3.4.1 with qop=auth: H(H(user:realm:pass):nonce:nc:cnonce:qop:H(method:uri)).
			const md5 = (s: string) => createHash("md5").update(s).digest("hex");
			const expected = md5(`${md5(`door:${field("realm")}:door-secret`)}:${field("nonce")}:${field("nc")}:${field("cnonce")}:auth:${md5(`INVITE:${field("uri")}`)}`);
			assert.equal(field("response"), expected, header);
		});

		it("ACKs and BYEs a second 200 from another fork, keeping the first dialog (§13.2.2.4)", async () => {
			const r = await stationCalls("ua-uas-fork.xml");
			assert.equal(r.code, 0, explain(r));
			assert.equal(events().filter((l) => l.includes("answered")).length, 1, events().join("\n"));
		});

		it("follows a 302 to the Contact it names (§8.1.3.4)", async () => {
			const r = await stationCalls("ua-uas-redirect.xml");
			assert.equal(r.code, 0, explain(r));
			assert.equal(events().at(-1), "call 0: ended: local hangup");
		});
	});

	// Mocha runs a suite's own tests before its child suites: the check sits in the last child suite.
	describe("the capture of all of the above", () => {
		it("tshark's SIP and SDP dissectors find nothing malformed in the suite's traffic (Wireshark expert info)", async function () {
			if (capture === null) this.skip();
			const report: CaptureReport = await capture!.analyse({ decodeAs: [`udp.port==${stationPort},sip`, `udp.port==${sippSipPort},sip`] });
			const sip = report.protocolFrames.sip ?? 0, sdp = report.protocolFrames.sdp ?? 0;
			// Not blind: the suite's calls put well over a hundred SIP messages and dozens of SDP bodies on the wire.
			assert.ok(sip >= 100 && sdp >= 20, `captured ${sip} SIP and ${sdp} SDP frames (${report.frames} in all): too few, the capture missed the calls`);
			assert.deepEqual(report.issues, [], describeIssues(report.issues));
		});
	});
});
