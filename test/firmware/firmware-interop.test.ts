// The ESP32 firmware's own code (hosts/esp32 and src as built for the device) on the real XS engine, against real SIP
// programs: its main runs with stand-ins for Moddable's modules (test/firmware/moddable), UDP bridged to real sockets
// on 127.0.0.1, the device clock's Time.ticks wrapping 3 s in. It finds its registrar by name through dnsmasq (RFC 3263:
// NAPTR, SRV, A) and registers with Kamailio (401 answered, RFC 3261 §22.2), a press on the button calls baresip "alice" (its call list), each side hears the other's tone in ≥ 98 % of
// 20 ms frames (the firmware's microphone 700 Hz through its I2S path, alice's 1 kHz through its speaker), alice keys
// 1234# (RFC 4733) and the relay pin pulses for the configured 1.5 s; the station hangs up 2 s after the door opened.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ALICE_SIP_PORT, Baresip, checkTone, readWav, type ToneCheck, type Wav } from "../interop/baresip.js";
import { stopLeftoverPeers } from "../interop/child.js";
import { Dnsmasq, DNSMASQ } from "../interop/dnsmasq.js";
import { ALICE, DOOR, Kamailio } from "../interop/kamailio.js";
import { BARESIP, KAMAILIO, isBound, requirePeer, sleep } from "../interop/peers.js";
import { FIRMWARE_ROOT, FirmwareOnXs, MANIFEST, PLATFORM, manifestConfig } from "./firmware-on-xs.js";

const STATION_PORT = 5070;
const STATION_RTP = 16400;
const CALL_MS = 4000;
const SKIP_S = 0.5;
const THRESHOLD = 0.98;
const RELAY_PIN = 23;
const PULSE_MS = 1500;
/**
 * The PBX's name: NAPTR to its UDP SRV, the SRV to Kamailio's port 5060 on 127.0.0.1. dnsmasq's own names have TTL 0
 * (no local-ttl), as in many home routers: usable for the request at hand only (RFC 1035 §3.2.1).
 */
const ZONE = [
	"local=/intercom.test/",
	'naptr-record=intercom.test,10,50,"s","SIP+D2U","","_sip._udp.intercom.test"',
	"srv-host=_sip._udp.intercom.test,pbx.intercom.test,5060,10,0",
	"host-record=pbx.intercom.test,127.0.0.1",
];

function window(samples: Int16Array, fromS: number, toS: number): Wav {
	return { sampleRate: 8000, channels: 1, samples: samples.subarray(Math.round(fromS * 8000), Math.round(toS * 8000)) };
}

function describeTone(what: string, t: ToneCheck): string {
	return `${what}: ${t.toneFrames}/${t.frames} frames (${(t.fraction * 100).toFixed(1)} %) over ${t.seconds.toFixed(2)} s`;
}

/** What the manifest lists for the DevKit build: module specifiers (top level and the platform's) and preloads. */
function manifestModules(): { modules: Set<string>; preload: Set<string> } {
	const m = JSON.parse(readFileSync(MANIFEST, "utf8")) as { modules: Record<string, string>; preload: string[]; platforms: Record<string, { modules?: Record<string, string>; preload?: string[] }> };
	const p = m.platforms[PLATFORM];
	return { modules: new Set([...Object.keys(m.modules), ...Object.keys(p.modules ?? {})]), preload: new Set([...m.preload, ...(p.preload ?? [])]) };
}

describe("The ESP32 firmware on XS with Kamailio and baresip (station 5070, alice 5071, RTP 16400)", function () {
	this.timeout(60000);
	let kamailio: Kamailio | null = null;
	let dnsmasq: Dnsmasq | null = null;
	let alice: Baresip | null = null;
	let firmware: FirmwareOnXs | null = null;
	let failed = false;

	before(async function () {
		const kamailioBin = requirePeer(this, KAMAILIO);
		const baresipBin = requirePeer(this, BARESIP);
		const dnsmasqBin = requirePeer(this, DNSMASQ);
		for (const port of [5060, STATION_PORT, ALICE_SIP_PORT]) {
			if (isBound(port, "udp") === true) throw new Error(`port ${port} is taken: stop what uses it (another test run, npm start, a rig)`);
		}
		dnsmasq = await Dnsmasq.start(dnsmasqBin, { zone: ZONE });
		kamailio = await Kamailio.start(kamailioBin);
		alice = await Baresip.start(baresipBin, { user: ALICE, sipPort: ALICE_SIP_PORT, toneHz: 1000 });
		await alice.waitRegistered();
	});

	afterEach(function () {
		if (this.currentTest?.state === "failed") {
			failed = true;
			process.stderr.write(`        --- firmware console\n${firmware?.lines.join("\n") ?? ""}\n        --- kamailio\n${kamailio?.describe(30) ?? ""}\n`);
		}
	});

	after(async function () {
		this.timeout(20000);
		await firmware?.stop();
		await alice?.stop(failed);
		await kamailio?.stop(failed);
		await dnsmasq?.stop();
		assert.deepEqual(await stopLeftoverPeers(), [], "every peer was stopped by its own helper");
	});

	it("boots from the manifest's config, finds its registrar by name and registers once Wi-Fi has an address, and every module it loaded is listed and preloaded in the manifest", async () => {
		const dnsMark = dnsmasq!.log.length; // after its readiness probe
		firmware = await FirmwareOnXs.load({
			mode: "real", address: "127.0.0.1", toneHz: 700, record: true,
			config: manifestConfig({
				station: {
					sip: { user: DOOR.user, domain: "127.0.0.1", password: DOOR.password, port: STATION_PORT, rtpPort: STATION_RTP, registrar: "intercom.test", dnsServers: [`127.0.0.1:${dnsmasq!.port}`] },
					callList: { targets: [{ uri: "sip:alice@127.0.0.1", name: "Flat 1" }] }, doorCodes: { codes: ["1234#"] },
					relays: [{ pulseMs: PULSE_MS }], callLimits: { hangupAfterDoorOpenSeconds: 2 }, audio: { echoSuppressor: { enabled: false } },
				},
				traceSip: true,
			}),
		});
		await firmware.main();
		assert.match(await firmware.until(/^network: no Wi-Fi configured/, 1000), /wifiSSID=NAME/);
		await firmware.wifi(500);
		assert.match(await firmware.until(/^sip-intercom on /, 2000), /127\.0\.0\.1:5070 as sip:door@127\.0\.0\.1, registrar intercom\.test, 3 call slots$/);
		assert.equal(await firmware.until(/^DNS: /, 1000), `DNS: 127.0.0.1:${dnsmasq!.port} (sip.dnsServers)`);
		assert.match(await firmware.until(/^registered/, 10000), /^registered \(expires \d+ s\)$/);
		assert.ok(firmware.lines.some((l) => /^← UDP 127\.0\.0\.1:5060 {2}SIP\/2\.0 401 /.test(l)), "the first REGISTER was challenged (digest answered)");
		assert.ok(firmware.lines.some((l) => l === "→ UDP 127.0.0.1:5060  REGISTER sip:127.0.0.1 SIP/2.0"), "REGISTER to the SRV's target and port");
		const asked = dnsmasq!.queries(dnsMark);
		assert.deepEqual(asked.slice(0, 2), ["NAPTR intercom.test", "SRV _sip._udp.intercom.test"], "RFC 3263 §4.1 (the SRV answer carries the target's address)");
		assert.ok(asked.length <= 4, `located once, not again and again: ${asked.join(", ")}`);
		const { modules, preload } = manifestModules();
		const loaded = firmware.session.loaded.filter((f) => f.startsWith(FIRMWARE_ROOT + path.sep)).map((f) => path.relative(FIRMWARE_ROOT, f).replace(/\.js$/, "").split(path.sep).join("/"));
		assert.ok(loaded.length > 60, `modules loaded: ${loaded.length}`);
		assert.deepEqual(loaded.filter((m) => !modules.has(m)), [], "loaded modules missing from the manifest's modules");
		assert.deepEqual(loaded.filter((m) => !preload.has(m)), [], "loaded modules missing from the manifest's preload");
	});

	it(`a press calls alice; ${CALL_MS / 1000} s of two-way audio: each hears the other's tone in ≥ 98 % of frames; 1234# pulses the relay pin ${PULSE_MS} ms; hang-up 2 s later`, async () => {
		const fw = firmware!;
		const before = alice!.recordings().received;
		fw.startAudio();
		await fw.button(true);
		await sleep(150);
		await fw.button(false);
		assert.equal(await fw.until(/^call \d+: calling/, 5000), "call 0: calling Flat 1 sip:alice@127.0.0.1");
		assert.match(await fw.until(/^call 0: answered/, 15000), /^call 0: answered by .*; media PCM[UA]\/8000$/);
		await alice!.waitEvent("CALL_ESTABLISHED", 5000);
		await fw.played(); // what played before the answer (ringback) is left out
		await sleep(CALL_MS);
		const heard = await fw.played();
		for (const digit of "1234#") {
			const r = await alice!.command("sndcode", digit);
			assert.ok(r.ok, `baresip sndcode ${digit}: ${r.data}`);
			await sleep(400);
		}
		assert.equal(await fw.until(/^door opened/, 3000), "door opened: relay door by code from sip:alice@127.0.0.1");
		await fw.until(/^relay door: closed/, 3000);
		assert.equal(await fw.until(/^call 0: ended/, 5000), "call 0: ended: local hangup");
		await alice!.waitEvent("CALL_CLOSED", 5000);
		fw.stopAudio();

		const writes = fw.pinWrites.filter((w) => w.pin === RELAY_PIN);
		assert.deepEqual(writes.map((w) => w.level), [1, 0], `relay pin ${RELAY_PIN} went high once and low again: ${JSON.stringify(writes)}`);
		const pulse = writes[1].at - writes[0].at;
		// The wheel never fires early; on a loaded machine the harness's timer may run late.
		assert.ok(pulse >= PULSE_MS && pulse <= PULSE_MS + 100, `the pulse lasted ${pulse} ms on the device clock`);
		assert.equal(fw.lines.filter((l) => l === "call 0: DTMF (RFC 4733)").length, 5);

		await sleep(300); // baresip closes its recording as the call's audio stops
		const files = alice!.recordings().received.filter((f) => !before.includes(f));
		assert.equal(files.length, 1, `alice recorded one new stream: ${files.join(", ")}`);
		const atAlice = checkTone(window(readWav(files[0]).samples, SKIP_S, CALL_MS / 1000), 700);
		const atStation = checkTone(window(heard, SKIP_S, heard.length / 8000), 1000);
		process.stdout.write(`        ${describeTone("alice hears the firmware's 700 Hz", atAlice)}\n        ${describeTone("the firmware's speaker plays alice's 1 kHz", atStation)}\n`);
		assert.ok(atAlice.seconds >= CALL_MS / 1000 - SKIP_S - 0.3, describeTone("alice's recording", atAlice));
		assert.ok(atStation.seconds >= CALL_MS / 1000 - SKIP_S - 0.3, describeTone("the firmware's speaker", atStation));
		assert.ok(atAlice.fraction >= THRESHOLD, describeTone("alice hears 700 Hz", atAlice));
		assert.ok(atStation.fraction >= THRESHOLD, describeTone("the firmware plays 1 kHz", atStation));
		const d = await fw.devices();
		assert.equal(d.overruns, 0, "the firmware never wrote beyond the amplifier's room");
		assert.ok(fw.now() > 3000, "Time.ticks wrapped during the run (it started 3 s before 2^31)");
	});
});
