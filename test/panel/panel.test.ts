// The web panel as a newcomer meets it: `npm start` with no configuration, the printed URL opened in Chromium, and
// the door station's main job done by clicking — press the door button, the built-in indoor station rings (RFC 3261
// §13: INVITE / 180 / 200 / ACK on the ladder), answer it, key "open door" (RFC 4733 events, then SIP INFO: RFC 6086),
// the relay pulses and the event log says the door opened, hang up (BYE / 200), and the pcap export read back by
// tshark: SIP and RTP present, nothing malformed. The page's own audio is exercised with Chromium's fake microphone.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { analysePcap, describeIssues } from "../interop/capture.js";
import { TSHARK, requirePeer } from "../interop/peers.js";
import { CHROMIUM, PanelBrowser, PanelProcess, hello, ladderRows, row, screenshot } from "./panel-harness.js";

const DOOR = "door station", FLAT = "indoor station";

let sim: PanelProcess | null = null;
let browser: PanelBrowser | null = null;
let page: Page;
let tshark = "";

/** The page's event log, line by line. */
async function logLines(): Promise<string[]> {
	return page.locator('[data-testid="log"] li').allInnerTexts();
}

async function waitForLog(pattern: RegExp, timeoutMs = 10000): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const hit = (await logLines()).find((l) => pattern.test(l));
		if (hit !== undefined) return hit;
		if (Date.now() > deadline) throw new Error(`the event log has no line matching ${pattern}:\n${(await logLines()).join("\n")}`);
		await page.waitForTimeout(100);
	}
}

/** The value of a <meter> (a level in dBFS). */
async function level(selector: string): Promise<number> {
	return page.locator(selector).evaluate((m) => (m as unknown as { value: number }).value);
}

describe("The web panel (npm start, no configuration) in Chromium: door station, indoor station, SIP ladder, pcap", function () {
	this.timeout(60000);

	before(async function () {
		const chromiumBin = requirePeer(this, CHROMIUM);
		tshark = requirePeer(this, TSHARK);
		sim = await PanelProcess.start([]);
		browser = await PanelBrowser.launch(chromiumBin);
		page = await browser.page(sim.url);
	});

	afterEach(async function () {
		if (this.currentTest?.state === "failed") {
			process.stderr.write(`        --- ladder\n${(await ladderRows(page).catch(() => [])).join("\n")}\n        --- station\n${sim?.log.slice(-6000) ?? ""}\n`);
		}
	});

	after(async function () {
		await browser?.close();
		await sim?.stop(this.currentTest?.state === "failed");
	});

	it("prints one URL, and the page shows the idle door station with no PBX and the indoor station on its call list", async () => {
		assert.match(sim!.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
		assert.equal((sim!.log.match(/https?:\/\//g) ?? []).length, 1, sim!.log);
		await page.locator('[data-testid="door"] [id="registration"]').filter({ hasText: "no registrar" }).waitFor();
		await page.locator('#connection[data-state="connected"]').waitFor();
		assert.equal(await page.getAttribute('[data-testid="led-idle"]', "data-mode"), "on");
		assert.match(await page.innerText('[data-testid="call-list"]'), /indoor station \(sip:flat@127\.0\.0\.1:5090\)/);
		assert.equal(await page.getAttribute('[data-testid="indoor-state"]', "data-state"), "idle");
		assert.equal(await page.getAttribute('[data-testid="relay-0"]', "data-open"), "false");
	});

	it("press the door button: INVITE and 180 Ringing between the door station and the indoor station, which rings (§13.2.1, §13.3.1.1)", async () => {
		// A press as a finger makes it: down, 150 ms, up (the station debounces edges).
		await page.click('[data-testid="door-button"]', { delay: 150 });
		await row(page, "INVITE", DOOR, FLAT, "1 INVITE").waitFor();
		await row(page, "180", FLAT, DOOR, "1 INVITE").waitFor();
		await page.locator('[data-testid="indoor-state"][data-state="ringing"]').waitFor();
		assert.equal(await page.getAttribute('[data-testid="led-calling"]', "data-mode"), "blink");
		await waitForLog(/^\S+ button: press$/);
		await waitForLog(/call 0: calling indoor station sip:flat@127\.0\.0\.1:5090$/);
	});

	it("answer on the indoor station: 200 OK and ACK on the ladder, call 0 in conversation, levels both ways (§13.3.1.4, §13.2.2.4)", async () => {
		await page.click('[data-testid="indoor-answer"]');
		await row(page, "200", FLAT, DOOR, "1 INVITE").waitFor();
		await row(page, "ACK", DOOR, FLAT, "1 ACK").waitFor();
		await page.locator('[data-testid="slot-0"][data-state="active"]').waitFor();
		await page.locator('[data-testid="indoor-state"][data-state="in-call"]').waitFor();
		assert.equal(await page.getAttribute('[data-testid="led-inCall"]', "data-mode"), "on");
		const rows = await ladderRows(page);
		assert.deepEqual(rows.slice(0, 4), [`INVITE ${DOOR} → ${FLAT} (1 INVITE)`, `180 ${FLAT} → ${DOOR} (1 INVITE)`, `200 ${FLAT} → ${DOOR} (1 INVITE)`, `ACK ${DOOR} → ${FLAT} (1 ACK)`]);
		// A click shows the whole message.
		await row(page, "INVITE", DOOR, FLAT).first().click();
		assert.match(await page.innerText('[data-testid="message"]'), /^INVITE sip:flat@127\.0\.0\.1:5090 SIP\/2\.0$/m);
		assert.match(await page.innerText('[data-testid="message"]'), /^m=audio \d+ RTP\/AVP/m);
	});

	it("the browser's microphone as the flat's: the door station hears it (WebAudio, 8 kHz, RTP to the door)", async () => {
		await page.selectOption('[data-testid="audio-side"]', "flat");
		await page.locator("#audio-detail").filter({ hasText: "the flat's microphone" }).waitFor();
		// Chromium's fake microphone beeps; the door's meter of what it hears (once a second) rises above silence.
		const deadline = Date.now() + 8000;
		let heard = -96;
		while (Date.now() < deadline && heard <= -70) {
			await page.waitForTimeout(250);
			heard = await level('[data-testid="slot-0"] td:nth-child(4) meter');
		}
		assert.ok(heard > -70, `the door hears ${heard} dBFS`);
		assert.ok(await level("#indoor-out") > -70, "the indoor station sends the browser's audio");
		await page.selectOption('[data-testid="audio-side"]', "off");
	});

	it("key \"open door\" as RFC 4733 events: the relay pulses and the event log says the door opened (RFC 4733 §2.3)", async () => {
		await page.selectOption('[data-testid="dtmf-mode"]', "rfc4733");
		await page.click('[data-testid="indoor-open"]');
		await page.locator('[data-testid="relay-0"][data-open="true"]').waitFor({ timeout: 5000 });
		assert.equal(await page.getAttribute('[data-testid="led-doorOpen"]', "data-mode"), "on");
		assert.match(await waitForLog(/door opened/), /door opened: relay door by code from sip:flat@127\.0\.0\.1:5090$/);
		// The pulse is drawn as a bar emptying over the relay's pulse time.
		assert.match(await page.locator('[data-testid="relay-0"] .pulse-bar').getAttribute("style") ?? "", /transition: width 3000ms linear/);
		const file = await screenshot(page, "panel-in-call.png");
		process.stderr.write(`        screenshot: ${file}\n`);
	});

	it("key \"open door\" as SIP INFO: one INFO per key, each 200, the body hidden on the page (RFC 6086)", async () => {
		const opened = (await logLines()).filter((l) => l.includes("door opened")).length;
		await page.selectOption('[data-testid="dtmf-mode"]', "info");
		await page.click('[data-testid="indoor-open"]');
		const deadline = Date.now() + 5000;
		while ((await logLines()).filter((l) => l.includes("door opened")).length === opened && Date.now() < deadline) await page.waitForTimeout(100);
		assert.equal((await logLines()).filter((l) => l.includes("door opened")).length, opened + 1);
		const infos = await row(page, "INFO", FLAT, DOOR).count();
		assert.equal(infos, 7, "six digits and #");
		assert.equal(await row(page, "200", DOOR, FLAT).count() >= infos, true);
		await row(page, "INFO", FLAT, DOOR).first().click();
		const text = await page.innerText('[data-testid="message"]');
		assert.match(text, /Content-Type: application\/dtmf-relay/);
		assert.doesNotMatch(text, /Signal=/);
		// Nothing the server sends a page carries a key of the code.
		assert.doesNotMatch(JSON.stringify(await hello(sim!.url)), /Signal=/);
	});

	it("hang up on the indoor station: BYE and 200 on the ladder, both stations idle; the relay closes after its pulse (§15.1.1)", async () => {
		await page.click('[data-testid="indoor-hangup"]');
		await row(page, "BYE", FLAT, DOOR).waitFor();
		await row(page, "200", DOOR, FLAT).last().waitFor();
		await page.locator('[data-testid="slot-0"][data-state="idle"]').waitFor();
		await page.locator('[data-testid="indoor-state"][data-state="idle"]').waitFor();
		await page.locator('[data-testid="relay-0"][data-open="false"]').waitFor({ timeout: 5000 });
		await waitForLog(/call 0: ended: remote hangup/);
		await waitForLog(/relay door: closed/);
	});

	it("exports a pcap that tshark reads: SIP and RTP (with the RFC 4733 events) present, nothing malformed", async () => {
		const [download] = await Promise.all([page.waitForEvent("download"), page.click('[data-testid="pcap"]')]);
		assert.match(download.suggestedFilename(), /^sip-intercom-.*\.pcap$/);
		const file = await download.path();
		const report = await analysePcap(tshark, file);
		assert.deepEqual(report.issues, [], describeIssues(report.issues));
		const p = report.protocolFrames;
		assert.ok((p.sip ?? 0) >= 4 + 14 + 2, `SIP frames: ${JSON.stringify(p)}`);
		assert.ok((p.rtp ?? 0) > 100, `RTP frames: ${JSON.stringify(p)}`);
		assert.ok((p.rtpevent ?? 0) > 0, `RFC 4733 frames: ${JSON.stringify(p)}`);
		assert.ok((p.rtcp ?? 0) > 0, `RTCP frames: ${JSON.stringify(p)}`);
		const sip = report.packets.filter((k) => k.protocols.includes(":sip")).map((k) => k.summary.replace(/\s*\|.*$/, ""));
		for (const first of ["Request: INVITE sip:flat@127.0.0.1:5090", "Status: 180 Ringing", "Status: 200 OK", "Request: ACK sip:flat@127.0.0.1:5090", "Request: BYE sip:door@127.0.0.1:5070"]) {
			assert.ok(sip.some((s) => s.startsWith(first)), `${first} in\n${sip.join("\n")}`);
		}
	});
});
