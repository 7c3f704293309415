// Two-way audio and DTMF with a real phone: the station (in-process SimStation, 127.0.0.1:5070, RTP 16400/RTCP 16401)
// and baresip "alice" (5071, sending its 1 kHz tone) through Kamailio (5060). Each side's recording of what it
// received must carry the other's tone in ≥ 98 % of its 20 ms frames (Goertzel, checkTone); RFC 4733 digits sent by
// alice reach the station's digit stream in order; tshark finds nothing malformed in the RTP, RTCP and SIP. A negative
// control (the station sends silence) must fail the threshold, so the check is not blind.
// RFC 3550 §5, §6; RFC 3551 §4.5.14; RFC 4733 §2.5; G.711.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AudioSource } from "../../hosts/sim/audio-device.js";
import { merge } from "../../hosts/sim/station-args.js";
import { SimStation } from "../../hosts/sim/station.js";
import { parseStationConfig } from "../../src/intercom/config.js";
import { ALICE_SIP_PORT, Baresip, checkTone, readWav, type ToneCheck, type Wav } from "./baresip.js";
import { Capture, describeIssues } from "./capture.js";
import { StationLog } from "./station-log.js";
import { stopLeftoverPeers } from "./child.js";
import { ALICE, DOOR, Kamailio } from "./kamailio.js";
import { BARESIP, KAMAILIO, TSHARK, isBound, requirePeer, sleep } from "./peers.js";

const STATION_PORT = 5070;
const STATION_RTP = 16400;
const CALL_MS = 4000;
/** The start of a recording is left out of the tone check: the call's first packets, the jitter buffers filling. */
const SKIP_S = 0.5;
const THRESHOLD = 0.98;

let kamailio: Kamailio | null = null;
let alice: Baresip | null = null;
let capture: Capture | null = null;
let station: SimStation | null = null;
const journal = new StationLog();
const lines = journal.lines;
let dir = "";
let stationRecording = "";
let failed = false;
const measured: string[] = [];

/** The station registered with Kamailio, its microphone hearing `source`, recording what it plays; `extra` config on top. */
async function startStation(source: AudioSource, name: string, extra: Record<string, unknown> = {}): Promise<SimStation> {
	journal.reset();
	stationRecording = join(dir, `${name}.wav`);
	const config = parseStationConfig(merge({
		sip: { user: DOOR.user, domain: "127.0.0.1", password: DOOR.password, port: STATION_PORT, rtpPort: STATION_RTP, registrar: "127.0.0.1:5060" },
		incoming: { allow: ["*"], answerDelayMs: 300 }, audio: { echoSuppressor: { enabled: false } },
	}, extra));
	assert.ok(config.ok, JSON.stringify(config));
	station = await SimStation.start({
		address: "127.0.0.1", config: config.config, trace: false, meters: true, log: (l) => lines.push(l), audio: { source, recordTo: stationRecording },
	});
	await until(/^registered/, 10000);
	return station;
}

const until = (re: RegExp, timeoutMs: number): Promise<string> => journal.until(station!, re, timeoutMs);
const log = (): string => journal.text();

/** The recording without its first SKIP_S seconds. */
function afterStart(wav: Wav): Wav {
	return { ...wav, samples: wav.samples.subarray(Math.round(SKIP_S * wav.sampleRate)) };
}

function describe_(what: string, t: ToneCheck): string {
	return `${what}: ${t.toneFrames}/${t.frames} frames (${(t.fraction * 100).toFixed(1)} %) over ${t.seconds.toFixed(2)} s`;
}

/** alice's recording of what she received on the call that just ended (baresip writes one file per call). */
async function aliceReceived(before: readonly string[]): Promise<Wav> {
	await sleep(300); // sndfile closes its files as the call's audio stops
	const files = alice!.recordings().received.filter((f) => !before.includes(f));
	assert.equal(files.length, 1, `alice recorded one new received stream: ${files.join(", ")}`);
	return readWav(files[0]);
}

/** Stop the station (closing its recording) and read what it received. */
async function stationReceived(): Promise<Wav> {
	await station!.stop(2000);
	station = null;
	return readWav(stationRecording);
}

describe("Two-way audio and DTMF with baresip through Kamailio (station 5070, alice 5071, RTP 16400)", function () {
	this.timeout(60000);

	before(async function () {
		const kamailioBin = requirePeer(this, KAMAILIO);
		const baresipBin = requirePeer(this, BARESIP);
		const tshark = requirePeer(this, TSHARK);
		for (const port of [5060, STATION_PORT, ALICE_SIP_PORT]) {
			if (isBound(port, "udp") === true) throw new Error(`port ${port} is taken: stop what uses it (another test run, npm start, a rig)`);
		}
		dir = mkdtempSync(join(tmpdir(), "audio-ua-"));
		capture = await Capture.start(tshark, { name: "audio-ua" });
		kamailio = await Kamailio.start(kamailioBin);
		alice = await Baresip.start(baresipBin, { user: ALICE, sipPort: ALICE_SIP_PORT, toneHz: 1000 });
		await alice.waitRegistered();
	});

	afterEach(async function () {
		if (this.currentTest?.state === "failed") {
			failed = true;
			process.stderr.write(`        --- station log\n${log()}\n        --- kamailio\n${kamailio?.describe(30) ?? ""}\n`);
		}
		await station?.stop(2000);
		station = null;
	});

	after(async function () {
		this.timeout(20000);
		await alice?.stop(failed);
		await kamailio?.stop(failed);
		await capture?.discard(failed);
		if (!failed && dir !== "") rmSync(dir, { recursive: true, force: true });
		if (measured.length > 0) process.stdout.write(measured.map((m) => `        ${m}\n`).join(""));
		assert.deepEqual(await stopLeftoverPeers(), [], "every peer was stopped by its own helper");
	});

	it(`(a) the station calls alice, ${CALL_MS / 1000} s of 700 Hz one way and 1 kHz the other, hangs up: each hears the other in ≥ 98 % of frames`, async () => {
		const s = await startStation({ kind: "tone", hz: 700 }, "a-station-calls");
		const before = alice!.recordings().received;
		s.command("call sip:alice@127.0.0.1");
		const answered = await until(/^call 0: answered/, 15000);
		assert.match(answered, /media PCM[UA]\/8000 pt \d+ to 127\.0\.0\.1:\d+, telephone-event pt \d+, direction sendrecv/);
		await alice!.waitEvent("CALL_ESTABLISHED", 5000);
		await sleep(CALL_MS);
		s.command("hangup 0");
		assert.equal(await until(/^call 0: ended/, 5000), "call 0: ended: local hangup");
		await alice!.waitEvent("CALL_CLOSED", 10000);
		assert.match(log(), /^call 0: level in -\d+ dBFS out -\d+ dBFS$/m, "meters once a second");
		const atAlice = checkTone(afterStart(await aliceReceived(before)), 700);
		const atStation = checkTone(afterStart(await stationReceived()), 1000);
		measured.push(describe_("(a) alice hears 700 Hz", atAlice), describe_("(a) station hears 1 kHz", atStation));
		assert.ok(atAlice.seconds >= CALL_MS / 1000 - SKIP_S - 0.3, describe_("alice's recording", atAlice));
		assert.ok(atStation.seconds >= CALL_MS / 1000 - SKIP_S - 0.3, describe_("the station's recording", atStation));
		assert.ok(atAlice.fraction >= THRESHOLD, describe_("alice hears the station's 700 Hz", atAlice));
		assert.ok(atStation.fraction >= THRESHOLD, describe_("the station hears alice's 1 kHz", atStation));
	});

	it(`(b) alice calls the station (door), ${CALL_MS / 1000} s, alice hangs up: each hears the other in ≥ 98 % of frames`, async () => {
		await startStation({ kind: "tone", hz: 700 }, "b-alice-calls");
		const before = alice!.recordings().received;
		await alice!.dial("sip:door@127.0.0.1");
		await until(/^call 0: answered/, 10000);
		await alice!.waitEvent("CALL_ESTABLISHED", 5000);
		await sleep(CALL_MS);
		await alice!.hangup();
		assert.equal(await until(/^call 0: ended/, 10000), "call 0: ended: remote hangup");
		await alice!.waitEvent("CALL_CLOSED", 5000);
		const atAlice = checkTone(afterStart(await aliceReceived(before)), 700);
		const atStation = checkTone(afterStart(await stationReceived()), 1000);
		measured.push(describe_("(b) alice hears 700 Hz", atAlice), describe_("(b) station hears 1 kHz", atStation));
		assert.ok(atAlice.seconds >= CALL_MS / 1000 - SKIP_S - 0.3, describe_("alice's recording", atAlice));
		assert.ok(atAlice.fraction >= THRESHOLD, describe_("alice hears the station's 700 Hz", atAlice));
		assert.ok(atStation.fraction >= THRESHOLD, describe_("the station hears alice's 1 kHz", atStation));
	});

	it("(c) a press rings alice (the call list), she keys 1234# (baresip sndcode, RFC 4733): the relay pulse is logged, the station hangs up 2 s later", async () => {
		const s = await startStation({ kind: "tone", hz: 700 }, "c-door", {
			callList: { targets: [{ uri: "sip:alice@127.0.0.1", name: "Flat 1" }] }, doorCodes: { codes: ["1234#"] },
			relays: [{ pulseMs: 1500 }], callLimits: { hangupAfterDoorOpenSeconds: 2 },
		});
		s.command("press");
		await sleep(150);
		s.command("release");
		assert.match(await until(/^call \d+: calling/, 5000), /^call 0: calling Flat 1 sip:alice@127\.0\.0\.1$/);
		await until(/^call 0: answered/, 15000);
		await alice!.waitEvent("CALL_ESTABLISHED", 5000);
		await sleep(1000);
		for (const digit of "1234#") {
			const r = await alice!.command("sndcode", digit);
			assert.ok(r.ok, `baresip sndcode ${digit}: ${r.data}`);
			await sleep(400);
		}
		assert.match(await until(/^door opened/, 3000), /^door opened: relay door by code from sip:alice@127\.0\.0\.1$/);
		assert.ok(lines.includes("relay door: open 1500 ms"), log());
		await until(/^relay door: closed/, 3000);
		assert.equal(s.relays[0].read(), 0, "the relay pin is low again");
		const high = s.relays[0].writes.find((w) => w.level === 1)!, low = s.relays[0].writes.at(-1)!;
		assert.ok(Math.abs(low.at - high.at - 1500) < 50, `the pulse lasted ${low.at - high.at} ms`);
		assert.equal(await until(/^call 0: ended/, 5000), "call 0: ended: local hangup");
		assert.ok(lines.includes("call 0: hanging up 2 s after the door opened"), log());
		await alice!.waitEvent("CALL_CLOSED", 5000);
		assert.equal(lines.filter((l) => l === "call 0: DTMF (RFC 4733)").length, 5, log());
		assert.match(log(), /^call 0: media stopped: .* 5 RFC 4733 digits$/m);
		assert.ok(!/1234/.test(lines.filter((l) => !l.startsWith("→") && !l.startsWith("←")).join("\n")), "no digit of the code in the station's events");
	});

	it("(e) negative control: with the station sending silence, alice's recording fails the 700 Hz threshold", async () => {
		const s = await startStation({ kind: "silence" }, "e-muted");
		const before = alice!.recordings().received;
		s.command("call sip:alice@127.0.0.1");
		await until(/^call 0: answered/, 15000);
		await alice!.waitEvent("CALL_ESTABLISHED", 5000);
		await sleep(CALL_MS / 2);
		s.command("hangup 0");
		await until(/^call 0: ended/, 5000);
		await alice!.waitEvent("CALL_CLOSED", 10000);
		const wav = afterStart(await aliceReceived(before));
		const silent = checkTone(wav, 700);
		measured.push(describe_("(e) negative control: alice hears 700 Hz from a silent station", silent));
		assert.ok(silent.frames >= 50, describe_("alice's recording", silent));
		assert.ok(silent.fraction < THRESHOLD, describe_("a silent station must fail the threshold", silent));
		// The same frames do carry audio from the same pipeline when there is a tone: the station did hear alice.
		const atStation = checkTone(afterStart(await stationReceived()), 1000);
		assert.ok(atStation.fraction >= THRESHOLD, describe_("the station hears alice's 1 kHz", atStation));
	});

	it("(d) tshark finds no malformed SIP, RTP or RTCP in the capture of these calls, and sees the station's RTP, RTCP and RFC 4733 events", async function () {
		if (capture === null) this.skip();
		const report = await capture.analyse({
			decodeAs: [`udp.port==${STATION_PORT},sip`, `udp.port==${STATION_RTP},rtp`, `udp.port==${STATION_RTP + 1},rtcp`],
		});
		const p = report.protocolFrames;
		measured.push(`(d) capture: ${report.frames} frames, sip ${p.sip ?? 0}, rtp ${p.rtp ?? 0}, rtcp ${p.rtcp ?? 0}, rtpevent ${p.rtpevent ?? 0}`);
		const stationRtp = report.packets.filter((x) => x.source === `127.0.0.1:${STATION_RTP}/udp` && /:rtp(:|$)/.test(x.protocols)).length;
		const stationRtcp = report.packets.filter((x) => x.source === `127.0.0.1:${STATION_RTP + 1}/udp` && /:rtcp(:|$)/.test(x.protocols)).length;
		measured.push(`(d) from the station: rtp ${stationRtp}, rtcp ${stationRtcp}`);
		assert.ok(stationRtp >= 40 * ((3 * CALL_MS + CALL_MS / 2) / 1000), `the station's RTP frames: ${stationRtp}`);
		assert.ok(stationRtcp >= 4, `the station's RTCP frames (a report every ~5 s, a BYE per call): ${stationRtcp}`);
		assert.ok((p.rtp ?? 0) >= 2 * 40 * ((3 * CALL_MS + CALL_MS / 2) / 1000), `RTP frames (50/s each way): ${p.rtp}`);
		assert.ok((p.rtcp ?? 0) >= 4, `RTCP frames: ${p.rtcp}`);
		assert.ok((p.rtpevent ?? 0) >= 5, `RFC 4733 event frames: ${p.rtpevent}`);
		assert.deepEqual(report.issues, [], `${report.file}:\n${describeIssues(report.issues)}`);
	});
});
