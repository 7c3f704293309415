// What the web panel's tests drive: the simulator as `npm start` runs it (build/hosts/sim/main.js, a child process
// with its own process group), Debian's Chromium through playwright-core (never a downloaded browser), and a second
// WebSocket client that reads everything the server would ever show a page.
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import WebSocket from "ws";
import type { ServerMessage } from "../../hosts/sim/panel/protocol.js";
import { PeerProcess, describeExit, tail } from "../interop/child.js";
import { findProgram, type Peer } from "../interop/peers.js";

/** The browser of the panel's tests (Debian's package; the tests never download one). */
export const CHROMIUM: Peer = Object.freeze({ program: "chromium", debianPackage: "chromium" });

const MAIN = fileURLToPath(new URL("../../hosts/sim/main.js", import.meta.url));
/** Screenshots and other files a run leaves for people to look at (build/ is not committed). */
export const ARTIFACTS = fileURLToPath(new URL("../../artifacts/panel/", import.meta.url));

/** The simulator started as `npm start -- <args>` does, with the panel on a free port. */
export class PanelProcess {
	private constructor(readonly process: PeerProcess, readonly url: string, readonly dir: string) {}

	static async start(args: readonly string[], timeoutMs = 15000): Promise<PanelProcess> {
		const dir = mkdtempSync(join(tmpdir(), "panel-"));
		const proc = new PeerProcess("sip-intercom", process.execPath, [MAIN, "--http-port", "0", ...args], { logFile: join(dir, "station.log") });
		try {
			const m = await proc.waitForOutput(/panel: (http:\/\/\S+)/, timeoutMs);
			return new PanelProcess(proc, m[1], dir);
		} catch (err) {
			await proc.stop([{ signal: "SIGKILL", waitMs: 1000 }]);
			throw new Error(`${(err as Error).message}\n${tail(proc.output, 30)}`);
		}
	}

	get log(): string {
		return this.process.output;
	}

	/** SIGINT (the station hangs up and un-registers), then harder; the directory goes unless `keep`. */
	async stop(keep = false): Promise<void> {
		await this.process.stop([{ signal: "SIGINT", waitMs: 5000 }, { signal: "SIGKILL", waitMs: 1000 }]);
		if (keep) process.stderr.write(`        station log kept in ${this.dir} (${describeExit(this.process.exitInfo)})\n`);
		else rmSync(this.dir, { recursive: true, force: true });
	}
}

/** Chromium, headless, in a fresh profile, with a fake microphone (a beep) that needs no permission prompt. */
export class PanelBrowser {
	private constructor(readonly context: BrowserContext, readonly profile: string) {}

	static async launch(binary: string): Promise<PanelBrowser> {
		const profile = mkdtempSync(join(tmpdir(), "panel-chromium-"));
		const context = await chromium.launchPersistentContext(profile, {
			executablePath: binary, headless: true, acceptDownloads: true, viewport: { width: 1600, height: 1000 },
			args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
				"--disable-component-update", "--disable-sync", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
				"--autoplay-policy=no-user-gesture-required"],
		});
		return new PanelBrowser(context, profile);
	}

	async page(url: string): Promise<Page> {
		const page = this.context.pages()[0] ?? await this.context.newPage();
		await page.goto(url);
		return page;
	}

	async close(): Promise<void> {
		await this.context.close();
		rmSync(this.profile, { recursive: true, force: true });
	}
}

export function chromiumPath(): string | null {
	return findProgram(CHROMIUM.program);
}

/** The first message the server sends a page (everything it shows: status, ladder with whole messages, log). */
export function hello(url: string, timeoutMs = 5000): Promise<ServerMessage & { type: "hello" }> {
	const origin = new URL(url).origin;
	return new Promise((resolve, reject) => {
		const ws = new WebSocket(`${origin.replace(/^http/, "ws")}/ws`, { origin });
		const timer = setTimeout(() => {
			ws.terminate();
			reject(new Error("no hello from the panel"));
		}, timeoutMs);
		ws.once("message", (data) => {
			clearTimeout(timer);
			ws.close();
			const m = JSON.parse(String(data)) as ServerMessage;
			if (m.type === "hello") resolve(m);
			else reject(new Error(`the first message was ${m.type}`));
		});
		ws.once("error", (err) => {
			clearTimeout(timer);
			reject(err);
		});
	});
}

/** A screenshot into build/artifacts/panel/ (the path, for the test's output). */
export async function screenshot(page: Page, name: string): Promise<string> {
	mkdirSync(ARTIFACTS, { recursive: true });
	const file = join(ARTIFACTS, name);
	await page.screenshot({ path: file, fullPage: true });
	return file;
}

/** The ladder rows the page shows, as "label from → to (cseq)". */
export async function ladderRows(page: Page): Promise<string[]> {
	// (Runs in the page; the tests compile without the DOM's types.)
	return page.locator('[data-testid="ladder-row"]').evaluateAll((rows) => rows.map((r) => {
		const d = (r as unknown as { dataset: Record<string, string> }).dataset;
		return `${d.label} ${d.from} → ${d.to} (${d.cseq})`;
	}));
}

/** A row of the ladder: `label` (a method or a status code) from `from` to `to`. */
export function row(page: Page, label: string, from: string, to: string, cseq?: string) {
	return page.locator(`[data-testid="ladder-row"][data-label="${label}"][data-from="${from}"][data-to="${to}"]${cseq === undefined ? "" : `[data-cseq="${cseq}"]`}`);
}
