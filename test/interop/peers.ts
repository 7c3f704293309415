// Real SIP peers for interop tests: find the program, pick ports, run SIPp with a hard timeout and its logs — DESIGN.md §7.
// Everything binds to 127.0.0.1. A missing peer skips the tests on a developer machine and fails them in CI.
import { spawn, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

export const LOOPBACK = "127.0.0.1";

/** A program the interop tests drive, and the Debian package that brings it. */
export interface Peer {
	readonly program: string;
	readonly debianPackage: string;
	/** Also looked for here when it is not on PATH (Debian puts daemons in /usr/sbin, outside a user's PATH). */
	readonly alsoIn?: readonly string[];
}
export const SIPP: Peer = Object.freeze({ program: "sipp", debianPackage: "sip-tester" });
/** Registrar + proxy (test/interop/kamailio.ts); the package also brings kamcmd. */
export const KAMAILIO: Peer = Object.freeze({ program: "kamailio", debianPackage: "kamailio", alsoIn: Object.freeze(["/usr/sbin", "/usr/local/sbin"]) });
/** A SIP user agent with a control socket (test/interop/baresip.ts); Debian's baresip pulls in baresip-core. */
export const BARESIP: Peer = Object.freeze({ program: "baresip", debianPackage: "baresip" });
/** Capture and dissection (test/interop/capture.ts). */
export const TSHARK: Peer = Object.freeze({ program: "tshark", debianPackage: "tshark" });

/** The absolute path of `program` on PATH (then in `alsoIn`), or null. */
export function findProgram(program: string, alsoIn: readonly string[] = []): string | null {
	for (const dir of [...(process.env.PATH ?? "").split(delimiter), ...alsoIn]) {
		if (dir === "") continue;
		const path = join(dir, program);
		try {
			accessSync(path, constants.X_OK);
			return path;
		} catch {
			// not here
		}
	}
	return null;
}

const warned = new Set<string>();

/**
 * The peer's path. When it is missing: with CI=true the test fails (CI installs it, see .ci/run); otherwise the
 * test (or, from a hook, the suite) is skipped with a note saying how to install it.
 */
export function requirePeer(ctx: Mocha.Context, peer: Peer = SIPP): string {
	const path = findProgram(peer.program, peer.alsoIn);
	if (path !== null) return path;
	return missingPeer(ctx, peer, `${peer.program} not found on PATH: apt-get install ${peer.debianPackage}`);
}

/** A plug-in of a peer (Kamailio's tls.so): its path, found under `dirs`, or — missing — as for a missing program. */
export function requirePlugin(ctx: Mocha.Context, peer: Peer, file: string, dirs: readonly string[]): string {
	for (const dir of dirs) if (existsSync(join(dir, file))) return join(dir, file);
	return missingPeer(ctx, peer, `${file} not found in ${dirs.join(", ")}: apt-get install ${peer.debianPackage}`);
}

function missingPeer(ctx: Mocha.Context, peer: Peer, message: string): never {
	if (process.env.CI === "true") throw new Error(`${message} (CI=true: a missing interop peer is a failure)`);
	if (!warned.has(peer.program)) {
		warned.add(peer.program);
		process.stderr.write(`      skipped: ${message}\n`);
	}
	ctx.skip();
}

// ---- ports ----

function bindUdp(port: number): Promise<number | null> {
	return new Promise((resolve) => {
		const s = createSocket("udp4");
		s.once("error", () => {
			s.close();
			resolve(null);
		});
		s.bind({ address: LOOPBACK, port, exclusive: true }, () => {
			const bound = s.address().port;
			s.close(() => resolve(bound));
		});
	});
}
function listenTcp(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const server = createServer();
		server.once("error", () => resolve(false));
		server.listen({ host: LOOPBACK, port, exclusive: true }, () => server.close(() => resolve(true)));
	});
}

/**
 * A port free on 127.0.0.1 for UDP and TCP (the OS's pick, checked on both). `alsoFree` offsets must be free
 * too (SIPp's media ports: p and p+2). Another process may take it before it is used; tests then fail loudly.
 */
export async function freePort(alsoFree: readonly number[] = []): Promise<number> {
	for (let attempt = 0; attempt < 50; attempt++) {
		const port = await bindUdp(0);
		if (port === null || port + 2 > 65535) continue;
		if (!(await listenTcp(port))) continue;
		let ok = true;
		for (const offset of alsoFree) if ((await bindUdp(port + offset)) === null) ok = false;
		if (ok) return port;
	}
	throw new Error("no free port on 127.0.0.1");
}

/** An even UDP port with the `count` ports from it free (a station's RTP/RTCP pairs: RFC 3550 §11). */
export async function freeRtpPorts(count: number): Promise<number> {
	for (let attempt = 0; attempt < 50; attempt++) {
		const port = await bindUdp(0);
		if (port === null) continue;
		const first = port + (port % 2);
		if (first + count > 65535) continue;
		let ok = true;
		for (let i = 0; i < count && ok; i++) if ((await bindUdp(first + i)) === null) ok = false;
		if (ok) return first;
	}
	throw new Error("no free run of RTP ports on 127.0.0.1");
}

/** Is something bound to 127.0.0.1:port (UDP) or listening on it (TCP)? Read from /proc/net (Linux). */
export function isBound(port: number, protocol: "udp" | "tcp"): boolean | null {
	const file = `/proc/net/${protocol}`;
	if (!existsSync(file)) return null;
	const lines = readFileSync(file, "latin1").split("\n").slice(1);
	for (const line of lines) {
		const cols = line.trim().split(/\s+/);
		if (cols.length < 4) continue;
		const [ip, hexPort] = cols[1].split(":");
		if (parseInt(hexPort, 16) !== port) continue;
		if (ip !== "0100007F" && ip !== "00000000") continue;
		if (protocol === "tcp" && cols[3] !== "0A") continue; // LISTEN
		return true;
	}
	return false;
}

// ---- SIPp ----

export interface SippOptions {
	/** The scenario file (the project's own, test/interop/scenarios). */
	readonly scenario: string;
	/** SIPp's SIP port on 127.0.0.1. */
	readonly port: number;
	/** UAC scenarios: where to send ("127.0.0.1:5070"). */
	readonly remote?: string;
	/** The Request-URI user (-s). */
	readonly service?: string;
	readonly transport?: "udp" | "tcp";
	/** -nr: no UDP retransmissions by SIPp, and no swallowing of retransmissions it receives. */
	readonly noRetransmissions?: boolean;
	/** Hard limit for the run (ms): SIPp's own -timeout is set a little under it; the process is killed at it. */
	readonly timeoutMs: number;
	readonly extra?: readonly string[];
}

export interface SippResult {
	readonly args: readonly string[];
	/** Exit code (0: every call passed its checks; 1: a call failed; 97/99/255: see sipp -h); null when killed at the hard timeout. */
	readonly code: number | null;
	readonly signal: NodeJS.Signals | null;
	readonly timedOut: boolean;
	readonly ms: number;
	readonly stdout: string;
	readonly stderr: string;
	/** -trace_msg, -trace_err, -trace_logs (the scenario's <log> lines), -trace_screen. */
	readonly messages: string;
	readonly errors: string;
	readonly logs: string;
	readonly screen: string;
	readonly dir: string;
}

const OUTPUT_CAP = 64 * 1024;
const live = new Set<SippProcess>();
const dirs: string[] = [];

/** One SIPp run. `done` resolves when the process is gone (never rejects). */
export class SippProcess {
	readonly args: string[];
	readonly dir: string;
	readonly done: Promise<SippResult>;
	readonly #child: ChildProcess;
	readonly #options: SippOptions;
	#exited = false;
	#killTimer: NodeJS.Timeout | null = null;

	constructor(binary: string, options: SippOptions) {
		this.#options = options;
		this.dir = mkdtempSync(join(tmpdir(), "sipp-"));
		dirs.push(this.dir);
		const seconds = Math.max(1, Math.floor(options.timeoutMs / 1000) - 1);
		const args: string[] = [];
		if (options.remote !== undefined) args.push(options.remote);
		args.push(
			"-sf", options.scenario,
			"-i", LOOPBACK, "-p", String(options.port), "-bind_local",
			"-mi", LOOPBACK, "-mp", String(options.port + 2), "-ci", LOOPBACK, "-cp", String(options.port + 1),
			// -nd: no default behaviour (no BYE/CANCEL sent to the station when a call fails, no automatic 200s).
			"-m", "1", "-l", "1", "-nostdin", "-nd",
			"-timeout", `${seconds}s`, "-timeout_error",
			"-trace_msg", "-message_file", join(this.dir, "messages.log"),
			"-trace_err", "-error_file", join(this.dir, "errors.log"),
			"-trace_logs", "-log_file", join(this.dir, "logs.log"),
			"-trace_screen", "-screen_file", join(this.dir, "screen.log"),
		);
		if (options.service !== undefined) args.push("-s", options.service);
		if (options.transport === "tcp") args.push("-t", "t1");
		if (options.noRetransmissions === true) args.push("-nr");
		if (options.extra !== undefined) args.push(...options.extra);
		this.args = args;

		const started = performance.now();
		const child = spawn(binary, args, { cwd: this.dir, stdio: ["ignore", "pipe", "pipe"] });
		this.#child = child;
		live.add(this);
		let stdout = "", stderr = "";
		child.stdout!.setEncoding("latin1").on("data", (d: string) => (stdout = (stdout + d).slice(-OUTPUT_CAP)));
		child.stderr!.setEncoding("latin1").on("data", (d: string) => (stderr = (stderr + d).slice(-OUTPUT_CAP)));
		let timedOut = false;
		this.#killTimer = setTimeout(() => {
			timedOut = true;
			this.kill();
		}, options.timeoutMs);
		this.done = new Promise<SippResult>((resolve) => {
			const finish = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
				if (this.#exited) return;
				this.#exited = true;
				live.delete(this);
				if (this.#killTimer !== null) clearTimeout(this.#killTimer);
				const read = (name: string) => (existsSync(join(this.dir, name)) ? readFileSync(join(this.dir, name), "latin1") : "");
				resolve({
					// SIPp exits 0 on SIGTERM: a run the hard timeout ended never counts as passed.
					args, code: timedOut ? null : code, signal, timedOut, ms: Math.round(performance.now() - started), stdout,
					stderr: spawnError === undefined ? stderr : `${stderr}\nspawn failed: ${spawnError.message}`,
					messages: read("messages.log"), errors: read("errors.log"), logs: read("logs.log"), screen: read("screen.log"),
					dir: this.dir,
				});
			};
			child.once("error", (err) => finish(null, null, err));
			child.once("close", (code, signal) => finish(code, signal));
		});
	}

	get exited(): boolean {
		return this.#exited;
	}

	/**
	 * Resolve once SIPp has bound its SIP port (UDP) or listens on it (TCP), so the station's first message is
	 * not lost. Rejects if SIPp exits first or does not bind within `withinMs`.
	 */
	async ready(withinMs = 5000): Promise<void> {
		const protocol = this.#options.transport === "tcp" ? "tcp" : "udp";
		const until = performance.now() + withinMs;
		for (;;) {
			if (this.#exited) throw new Error(`sipp exited before binding port ${this.#options.port}\n${describeSipp(await this.done)}`);
			const bound = isBound(this.#options.port, protocol);
			if (bound === null) {
				await sleep(500); // no /proc: give it time
				return;
			}
			if (bound) return;
			if (performance.now() > until) throw new Error(`sipp did not bind ${protocol} port ${this.#options.port} within ${withinMs} ms`);
			await sleep(20);
		}
	}

	/** SIGTERM, then SIGKILL a second later if it is still there. */
	kill(): void {
		if (this.#exited) return;
		this.#child.kill("SIGTERM");
		const hard = setTimeout(() => {
			if (!this.#exited) this.#child.kill("SIGKILL");
		}, 1000);
		hard.unref();
	}

	/** Synchronous last resort (process exit). */
	killNow(): void {
		if (!this.#exited) this.#child.kill("SIGKILL");
	}
}

/** Start SIPp. Kill it with `stopAllSipp()` (mocha afterEach) if the test does not wait for it. */
export function startSipp(binary: string, options: SippOptions): SippProcess {
	return new SippProcess(binary, options);
}

/** Kill every SIPp still running and wait until each is gone; then delete the log folders (kept when `keepLogs`). */
export async function stopAllSipp(keepLogs = false): Promise<string[]> {
	const running = [...live];
	for (const p of running) p.kill();
	await Promise.all(running.map((p) => p.done));
	const kept = dirs.splice(0);
	if (!keepLogs) for (const d of kept) rmSync(d, { recursive: true, force: true });
	return keepLogs ? kept : [];
}

process.once("exit", () => {
	for (const p of live) p.killNow();
});

function tail(text: string, lines: number): string {
	const all = text.trimEnd().split("\n");
	return (all.length > lines ? [`... (${all.length - lines} lines before)`, ...all.slice(-lines)] : all).join("\n");
}

/** Everything a failing assertion should show about a SIPp run. */
export function describeSipp(r: SippResult): string {
	return [
		`sipp ${r.args.join(" ")}`,
		`exit code ${r.code}${r.signal !== null ? ` signal ${r.signal}` : ""}${r.timedOut ? " (killed: hard timeout)" : ""} after ${r.ms} ms; logs in ${r.dir}`,
		r.stderr.trim() !== "" ? `--- stderr\n${tail(r.stderr, 20)}` : "",
		r.errors.trim() !== "" ? `--- errors.log\n${tail(r.errors, 20)}` : "",
		r.logs.trim() !== "" ? `--- logs.log\n${tail(r.logs, 20)}` : "",
		r.messages.trim() !== "" ? `--- messages.log (tail)\n${tail(r.messages, 60)}` : "",
	].filter((s) => s !== "").join("\n");
}

/** Values a scenario logged as `NAME=[value]` (or NAME=value) in its <log> lines (-trace_logs). */
export function loggedValues(r: SippResult, name: string): string[] {
	const out: string[] = [];
	const re = new RegExp(`\\b${name}=\\[?([^\\]\\s]*)\\]?`, "g");
	for (const m of r.logs.matchAll(re)) out.push(m[1]);
	return out;
}

export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A wait a data handler can cut short: wait(ms) resolves after `ms`, or as soon as wake() is called meanwhile (for
 * clients that wait for input with a deadline: take what has arrived, else wait until more comes or time is up).
 */
export class Wakeup {
	#wake: (() => void) | null = null;

	/** End the wait in progress, if any. */
	wake(): void {
		this.#wake?.();
	}

	async wait(ms: number): Promise<void> {
		await new Promise<void>((resolve) => {
			const t = setTimeout(resolve, ms);
			this.#wake = () => {
				clearTimeout(t);
				resolve();
			};
		});
		this.#wake = null;
	}
}
