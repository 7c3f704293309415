// The same panel driving a station registered with a real PBX (`npm start -- --config FILE`): Kamailio as registrar
// and proxy, baresip as the flat's phone. Registration through the 401 (RFC 3261 §10.2, §22.2) and the call through
// the 407 shown on the ladder between the door station and the PBX; alice keys the door code (RFC 4733) and the
// relay pulses; the panel's "Open door" and "Hang up" act as the command line's; the pcap export is clean; and no
// page is ever sent the password or the door code.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { ALICE_SIP_PORT, Baresip } from "../interop/baresip.js";
import { analysePcap, describeIssues } from "../interop/capture.js";
import { ALICE, DOOR, Kamailio } from "../interop/kamailio.js";
import { BARESIP, KAMAILIO, TSHARK, isBound, requirePeer, sleep } from "../interop/peers.js";
import { CHROMIUM, PanelBrowser, PanelProcess, hello, ladderRows, row, screenshot } from "./panel-harness.js";

// A code no random tag, branch, nonce or Call-ID can hold by chance (those are hex digits): the test looks for it in
// everything the page received.
const DOOR_CODE = "*794#";
const STATION = "door station", PBX = "PBX";

let kamailio: Kamailio | null = null;
let alice: Baresip | null = null;
let sim: PanelProcess | null = null;
let browser: PanelBrowser | null = null;
let page: Page;
let tshark = "";
let dir = "";

async function logText(): Promise<string> {
	return (await page.locator('[data-testid="log"] li').allInnerTexts()).join("\n");
}

async function waitForLog(pattern: RegExp, timeoutMs = 10000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!pattern.test(await logText())) {
		if (Date.now() > deadline) throw new Error(`the event log has no line matching ${pattern}:\n${await logText()}`);
		await sleep(100);
	}
}

describe("The web panel driving a station registered with Kamailio (--config), baresip as the flat's phone", function () {
	this.timeout(60000);

	before(async function () {
		const chromiumBin = requirePeer(this, CHROMIUM);
		const kamailioBin = requirePeer(this, KAMAILIO);
		const baresipBin = requirePeer(this, BARESIP);
		tshark = requirePeer(this, TSHARK);
		for (const port of [5060, 5070, ALICE_SIP_PORT]) {
			if (isBound(port, "udp") === true) throw new Error(`port ${port} is taken: stop what uses it (another test run, npm start, a rig)`);
		}
		kamailio = await Kamailio.start(kamailioBin);
		alice = await Baresip.start(baresipBin, { user: ALICE, sipPort: ALICE_SIP_PORT });
		await alice.waitRegistered();
		dir = mkdtempSync(join(tmpdir(), "panel-pbx-"));
		const config = join(dir, "station.json");
		writeFileSync(config, JSON.stringify({
			sip: { user: DOOR.user, domain: "127.0.0.1", password: DOOR.password, registrar: "127.0.0.1:5060" },
			callList: { targets: [{ uri: "sip:alice@127.0.0.1", name: "Flat 1 (alice)" }] },
			doorCodes: { codes: [DOOR_CODE] },
			callLimits: { hangupAfterDoorOpenSeconds: 0 },
		}));
		sim = await PanelProcess.start(["--config", config]);
		browser = await PanelBrowser.launch(chromiumBin);
		page = await browser.page(sim.url);
	});

	afterEach(async function () {
		if (this.currentTest?.state === "failed") {
			process.stderr.write(`        --- ladder\n${(await ladderRows(page).catch(() => [])).join("\n")}\n        --- station\n${sim?.log.slice(-6000) ?? ""}\n` +
				`        --- kamailio\n${kamailio?.describe(30) ?? ""}\n`);
		}
	});

	after(async function () {
		await browser?.close();
		await sim?.stop(this.currentTest?.state === "failed");
		await alice?.stop();
		await kamailio?.stop();
		if (dir !== "") rmSync(dir, { recursive: true, force: true });
	});

	it("shows the registration through the 401 challenge: REGISTER, 401, REGISTER, 200 between the door station and the PBX (§10.2, §22.2)", async () => {
		await page.locator('#registration[data-state="registered"]').waitFor({ timeout: 15000 });
		await row(page, "REGISTER", STATION, PBX, "1 REGISTER").waitFor();
		await row(page, "401", PBX, STATION, "1 REGISTER").waitFor();
		await row(page, "REGISTER", STATION, PBX, "2 REGISTER").waitFor();
		await row(page, "200", PBX, STATION, "2 REGISTER").waitFor();
		assert.equal(await page.getAttribute('[data-testid="led-notRegistered"]', "data-mode"), "off");
		assert.match(await page.innerText("#listen"), /PBX 127\.0\.0\.1:5060/);
		assert.match(await page.innerText('[data-testid="call-list"]'), /Flat 1 \(alice\) \(sip:alice@127\.0\.0\.1\)/);
	});

	it("a press rings alice through the proxy (INVITE, 407, ACK, INVITE with credentials, 200, ACK); the panel shows the call", async () => {
		await page.click('[data-testid="door-button"]', { delay: 150 });
		await row(page, "407", PBX, STATION, "1 INVITE").waitFor({ timeout: 10000 });
		await row(page, "INVITE", STATION, PBX, "2 INVITE").waitFor();
		await row(page, "200", PBX, STATION, "2 INVITE").waitFor({ timeout: 15000 });
		await row(page, "ACK", STATION, PBX, "2 ACK").waitFor();
		await page.locator('[data-testid="slot-0"][data-state="active"]').waitFor();
		await alice!.waitEvent("CALL_ESTABLISHED", 5000);
		await waitForLog(/call 0: calling Flat 1 \(alice\) sip:alice@127\.0\.0\.1/);
	});

	it("alice keys the door code (RFC 4733): the relay pulses on the page and the log says the door opened", async () => {
		await sleep(500);
		for (const digit of DOOR_CODE) {
			const r = await alice!.command("sndcode", digit);
			assert.ok(r.ok, `baresip sndcode ${digit}: ${r.data}`);
			await sleep(300);
		}
		await page.locator('[data-testid="relay-0"][data-open="true"]').waitFor({ timeout: 5000 });
		await waitForLog(/door opened: relay door by code from sip:alice@127\.0\.0\.1/);
		process.stderr.write(`        screenshot: ${await screenshot(page, "panel-pbx-in-call.png")}\n`);
		await page.locator('[data-testid="relay-0"][data-open="false"]').waitFor({ timeout: 5000 });
	});

	it("the panel's Open door and Hang up are the command line's open and hangup: a pulse by command, then BYE through the PBX", async () => {
		await page.click('[data-testid="door-open"]');
		await page.locator('[data-testid="relay-0"][data-open="true"]').waitFor({ timeout: 3000 });
		await waitForLog(/door opened: relay door by command/);
		await page.click('[data-testid="door-hangup"]');
		await row(page, "BYE", STATION, PBX).waitFor();
		await page.locator('[data-testid="slot-0"][data-state="idle"]').waitFor();
		await alice!.waitEvent("CALL_CLOSED", 10000);
		await waitForLog(/call 0: ended: local hangup/);
	});

	it("no page is ever sent the password or the door code; the pcap export is clean and holds the registration, the call and its RTP", async () => {
		const everything = JSON.stringify(await hello(sim!.url)) + await page.content();
		for (const secret of [DOOR.password, DOOR_CODE.slice(0, -1)]) assert.ok(!everything.includes(secret), `the page shows ${secret}`);
		assert.match(everything, /Proxy-Authorization: Digest/, "the ladder has the INVITE with credentials (the digest response, not the password)");
		const [download] = await Promise.all([page.waitForEvent("download"), page.click('[data-testid="pcap"]')]);
		const report = await analysePcap(tshark, await download.path());
		assert.deepEqual(report.issues, [], describeIssues(report.issues));
		assert.ok((report.protocolFrames.rtp ?? 0) > 50, JSON.stringify(report.protocolFrames));
		assert.ok((report.protocolFrames.rtpevent ?? 0) > 0, JSON.stringify(report.protocolFrames));
		const sip = report.packets.filter((k) => k.protocols.includes(":sip")).map((k) => k.summary);
		for (const first of ["Request: REGISTER sip:127.0.0.1", "Status: 401 Unauthorized", "Request: INVITE sip:alice@127.0.0.1", "Status: 407 Proxy Authentication Required", "Request: BYE"]) {
			assert.ok(sip.some((s) => s.startsWith(first)), `${first} in\n${sip.join("\n")}`);
		}
	});
});
