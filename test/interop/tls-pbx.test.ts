// SIP over TLS against Kamailio's tls module — RFC 3261 §26.2, RFC 5630, RFC 5922: the station finds sips:intercom.test
// through dnsmasq (NAPTR SIPS+D2T → SRV _sips._tcp → A), checks the server's certificate (made by the test with
// openssl, signed by the test's CA, naming intercom.test) for the SIP domain, registers and calls alice (baresip,
// registered over UDP) through Kamailio; alice's BYE reaches the station over its own connection (RFC 5923 alias). A
// wrong CA fails with an error that says so; turning the check off is logged. tshark reads the capture with the
// session keys the station wrote and finds the handshake and the SIP inside clean.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SimStation } from "../../hosts/sim/station.js";
import { ALICE_SIP_PORT, Baresip } from "./baresip.js";
import { Capture, describeIssues } from "./capture.js";
import { makeCertificates, OPENSSL, type TestCertificates } from "./certificates.js";
import { stopLeftoverPeers } from "./child.js";
import { Dnsmasq, DNSMASQ } from "./dnsmasq.js";
import { ALICE, DOOR, Kamailio, KAMAILIO_TLS, kamailioModuleDirs } from "./kamailio.js";
import { BARESIP, KAMAILIO, LOOPBACK, TSHARK, isBound, requirePeer, requirePlugin, sleep } from "./peers.js";
import { startSimStation, StationLog } from "./station-log.js";

const STATION_PORT = 5070, STATION_RTP = 16400, TLS_PORT = 5061;
const ZONE = [
	"local=/intercom.test/",
	"local-ttl=60",
	'naptr-record=intercom.test,10,50,"s","SIPS+D2T","","_sips._tcp.intercom.test"',
	`srv-host=_sips._tcp.intercom.test,pbx.intercom.test,${TLS_PORT},0,0`,
	"host-record=pbx.intercom.test,127.0.0.1",
];

let certificates: TestCertificates | null = null;
let dnsmasq: Dnsmasq | null = null;
let kamailio: Kamailio | null = null;
let alice: Baresip | null = null;
let capture: Capture | null = null;
let station: SimStation | null = null;
let keyDir = "";
const journal = new StationLog();

async function startStation(sip: Record<string, unknown>): Promise<SimStation> {
	station = await startSimStation({
		sip: { user: DOOR.user, password: DOOR.password, registrar: "sips:intercom.test", port: STATION_PORT, rtpPort: STATION_RTP,
			dnsServers: [`${LOOPBACK}:${dnsmasq!.port}`], tlsCaFile: certificates!.caFile, ...sip },
		incoming: { allow: [] }, audio: { echoSuppressor: { enabled: false } },
	}, journal, false, { tlsKeyLogFile: join(keyDir, "keys.log") });
	return station;
}

const until = (re: RegExp, timeoutMs: number): Promise<string> => journal.until(station!, re, timeoutMs);
const log = (): string => journal.text();

describe("SIP over TLS with Kamailio's tls module (RFC 3261 §26.2, RFC 5630, RFC 5922)", function () {
	this.timeout(60_000);

	before(async function () {
		const openssl = requirePeer(this, OPENSSL);
		const kamailioBin = requirePeer(this, KAMAILIO);
		requirePlugin(this, KAMAILIO_TLS, "tls.so", kamailioModuleDirs());
		const baresip = requirePeer(this, BARESIP);
		const dnsmasqBin = requirePeer(this, DNSMASQ);
		const tshark = requirePeer(this, TSHARK);
		for (const port of [5060, TLS_PORT, STATION_PORT, ALICE_SIP_PORT]) {
			if (isBound(port, "tcp") === true) throw new Error(`port ${port} is taken: stop what uses it (another test run, npm start, a rig)`);
		}
		keyDir = mkdtempSync(join(tmpdir(), "tls-keys-"));
		certificates = await makeCertificates(openssl, ["intercom.test", "pbx.intercom.test"], [LOOPBACK]);
		capture = await Capture.start(tshark, { name: "tls-pbx" });
		dnsmasq = await Dnsmasq.start(dnsmasqBin, { zone: ZONE });
		kamailio = await Kamailio.start(kamailioBin, { tls: { certificateFile: certificates.certificateFile, keyFile: certificates.keyFile, port: TLS_PORT } });
		alice = await Baresip.start(baresip, { user: ALICE, sipPort: ALICE_SIP_PORT });
		await alice.waitRegistered();
	});

	afterEach(async function () {
		if (this.currentTest?.state === "failed") process.stderr.write(`        --- station log\n${log()}\n        --- kamailio\n${kamailio?.describe(30) ?? ""}\n`);
		await station?.stop(2000);
		station = null;
	});

	after(async () => {
		await alice?.stop();
		await kamailio?.stop();
		await dnsmasq?.stop();
		await capture?.discard(false);
		await stopLeftoverPeers();
		certificates?.remove();
		if (keyDir !== "") rmSync(keyDir, { recursive: true, force: true });
	});

	it("registers with sips:intercom.test over TLS: NAPTR SIPS+D2T → SRV → A, the certificate checked for intercom.test", async () => {
		const mark = dnsmasq!.log.length;
		await startStation({});
		assert.equal(await until(/^registered|^registration failed/, 10_000), "registered (expires 600 s)", log());
		assert.deepEqual(dnsmasq!.queries(mark).slice(0, 2), ["NAPTR intercom.test", "SRV _sips._tcp.intercom.test"]);
		assert.match(log(), new RegExp(`→ TLS 127\\.0\\.0\\.1:${TLS_PORT} {2}REGISTER sips:intercom\\.test `));
		assert.match(log(), /TLS: servers' certificates are checked against /);
		const regs = await kamailio!.registrations();
		const door = regs.find((r) => r.aor === "door");
		assert.ok(door !== undefined, JSON.stringify(regs));
		assert.match(door.contact, /^sips:door@127\.0\.0\.1:5070/, "§8.1.1.8: a SIPS Contact for a SIPS registrar, on the station's port");
		assert.equal(regs.filter((r) => r.aor === "door").length, 1, "one binding: the connection's port is not learned as a Contact (RFC 3581 is UDP's)");
		assert.equal(door.transport, "tls");
	});

	it("calls alice over TLS through Kamailio; alice hangs up and her BYE comes back over the station's connection (RFC 5923)", async () => {
		await startStation({});
		await until(/^registered/, 10_000);
		// alice is registered at the PBX as sip:alice@127.0.0.1 (its own address: the test's Kamailio knows no other domain).
		station!.command("call sip:alice@127.0.0.1");
		assert.match(await until(/^call 0: answered|^call 0: ended/, 15_000), /^call 0: answered by sip:alice@127\.0\.0\.1; media PCM[UA]\/8000/, log());
		assert.match(log(), new RegExp(`→ TLS 127\\.0\\.0\\.1:${TLS_PORT} {2}INVITE sip:alice@127\\.0\\.0\\.1 `));
		await alice!.waitEvent("CALL_ESTABLISHED", 5_000);
		await sleep(1_000);
		await alice!.hangup();
		assert.equal(await until(/^call 0: ended/, 10_000), "call 0: ended: remote hangup");
		assert.match(log(), new RegExp(`← TLS 127\\.0\\.0\\.1:${TLS_PORT} {2}BYE `), "the BYE came over TLS");
	});

	it("a wrong CA: the connection is refused and registration fails saying the certificate was not accepted", async () => {
		await startStation({ tlsCaFile: certificates!.otherCaFile });
		const line = await until(/^registered|^registration failed/, 10_000);
		assert.match(line, /^registration failed: 503 registrar unreachable \(intercom\.test: no target answered \(1 tried\)\): TLS 127\.0\.0\.1:5061: certificate not accepted: /, log());
		assert.ok(!(await kamailio!.registrations()).some((r) => r.aor === "door"), "nothing registered");
		// A call to the same PBX fails the same way, and says why.
		station!.command("call sip:alice@127.0.0.1");
		assert.match(await until(/^call 0: ended/, 10_000), /^call 0: ended: transport error \(503\): intercom\.test: no target answered \(1 tried\): TLS 127\.0\.0\.1:5061: certificate not accepted: /);
	});

	it("sip.tlsVerify false: the same wrong CA is accepted, and the log says the check is off", async () => {
		await startStation({ tlsCaFile: certificates!.otherCaFile, tlsVerify: false });
		assert.equal(await until(/^registered|^registration failed/, 10_000), "registered (expires 600 s)", log());
		assert.match(log(), /TLS: certificate verification is OFF \(sip\.tlsVerify false\)/);
	});

	describe("the capture of all of the above", () => {
		it("tshark decodes the TLS handshakes and, with the station's session keys, the SIP inside: no warning, nothing malformed", async function () {
			if (capture === null) this.skip();
			await station?.stop(2000);
			station = null;
			const keys = join(keyDir, "keys.log");
			assert.ok(existsSync(keys), "the station wrote its session keys");
			const report = await capture!.analyse({ preferences: [`tls.keylog_file:${keys}`], decodeAs: [`udp.port==${STATION_PORT},sip`] });
			const handshakes = report.packets.filter((p) => /Client Hello|Server Hello/.test(p.summary)).length;
			assert.ok(handshakes >= 6, `TLS handshakes seen: ${handshakes}\n${report.packets.slice(0, 20).map((p) => p.summary).join("\n")}`);
			const sipOverTls = report.packets.filter((p) => /:tls:.*sip/.test(p.protocols)).length;
			assert.ok(sipOverTls >= 10, `SIP frames decrypted from TLS: ${sipOverTls}`);
			// TCP's own bookkeeping on the loopback (the kernel probing a FIN again after a few ms at a close, and the D-SACK
			// answering it) is not the station's TLS or SIP: it is allowed, and nothing else is.
			const tcpBookkeeping = report.issues.filter((i) => i.group === "sequence" && i.protocols.endsWith(":tcp"));
			assert.deepEqual(report.issues.filter((i) => !tcpBookkeeping.includes(i)), [], describeIssues(report.issues));
		});
	});
});
