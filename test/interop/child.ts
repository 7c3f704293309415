// A peer program run as a child of the test: its own process group (so it and every process it forks can be
// signalled at once), its output kept in memory and in a log file, and a stop that leaves nothing behind.
// Used by kamailio.ts, baresip.ts and capture.ts.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, existsSync, readdirSync, readFileSync, rmSync, type WriteStream } from "node:fs";
import { sleep } from "./peers.js";

/** One step of a stop: send `signal` to the whole process group, then wait up to `waitMs` for it to be gone. */
export interface StopStep {
	readonly signal: NodeJS.Signals;
	readonly waitMs: number;
}

export interface ChildOptions {
	readonly cwd?: string;
	readonly env?: NodeJS.ProcessEnv;
	/** Every byte of stdout and stderr is also appended here. */
	readonly logFile?: string;
	/** Keep standard input open for `write` (default: none). */
	readonly stdin?: boolean;
}

export interface ChildExit {
	readonly code: number | null;
	readonly signal: NodeJS.Signals | null;
}

/** Output kept in memory (the log file has all of it). */
const OUTPUT_CAP = 8 * 1024 * 1024;
const live = new Set<PeerProcess>();

/** A program started with `spawn(..., { detached: true })`: the leader of a new process group. */
export class PeerProcess {
	readonly name: string;
	readonly pid: number;
	readonly args: readonly string[];
	/** Resolves when the direct child has exited (never rejects; a spawn failure is code null + `spawnError`). */
	readonly exit: Promise<ChildExit>;
	spawnError: Error | null = null;
	#output = "";
	#stderr = "";
	#exited = false;
	#exitInfo: ChildExit | null = null;
	readonly #child: ChildProcess;
	readonly #log: WriteStream | null;
	#watchers: (() => void)[] = [];

	constructor(name: string, binary: string, args: readonly string[], options: ChildOptions = {}) {
		this.name = name;
		this.args = args;
		this.#log = options.logFile === undefined ? null : createWriteStream(options.logFile, { flags: "a" });
		const child = spawn(binary, args, {
			cwd: options.cwd, env: options.env ?? process.env, detached: true, stdio: [options.stdin === true ? "pipe" : "ignore", "pipe", "pipe"],
		});
		this.#child = child;
		this.pid = child.pid ?? -1;
		live.add(this);
		const take = (text: string, isErr: boolean) => {
			this.#output = (this.#output + text).slice(-OUTPUT_CAP);
			if (isErr) this.#stderr = (this.#stderr + text).slice(-OUTPUT_CAP);
			this.#log?.write(text);
			for (const w of [...this.#watchers]) w();
		};
		child.stdout!.setEncoding("latin1").on("data", (d: string) => take(d, false));
		child.stderr!.setEncoding("latin1").on("data", (d: string) => take(d, true));
		// A peer a test forgot to stop must not keep the test process alive: unreferenced, it lets mocha end, and
		// the exit handler below then kills its group. (Every wait in these helpers runs a timer of its own.)
		child.unref();
		(child.stdout as unknown as { unref?: () => void }).unref?.();
		(child.stderr as unknown as { unref?: () => void }).unref?.();
		this.exit = new Promise<ChildExit>((resolve) => {
			const done = (code: number | null, signal: NodeJS.Signals | null) => {
				if (this.#exited) return;
				this.#exited = true;
				this.#exitInfo = { code, signal };
				for (const w of [...this.#watchers]) w();
				resolve(this.#exitInfo);
			};
			child.once("error", (err) => {
				this.spawnError = err;
				done(null, null);
			});
			// "exit", not "close": a grandchild that inherited the pipes must not keep us waiting.
			child.once("exit", (code, signal) => done(code, signal));
		});
	}

	get exited(): boolean {
		return this.#exited;
	}
	get exitInfo(): ChildExit | null {
		return this.#exitInfo;
	}
	/** stdout and stderr interleaved as they arrived. */
	get output(): string {
		return this.#output;
	}
	get stderr(): string {
		return this.#stderr;
	}

	/**
	 * Resolve with the match once `pattern` appears in the output (searched from `fromOffset`); reject when the
	 * process exits first or after `timeoutMs`.
	 */
	waitForOutput(pattern: RegExp, timeoutMs: number, fromOffset = 0): Promise<RegExpExecArray> {
		return new Promise((resolve, reject) => {
			const check = () => {
				const m = pattern.exec(this.#output.slice(fromOffset));
				if (m !== null) {
					finish();
					resolve(m);
				} else if (this.#exited) {
					finish();
					reject(new Error(`${this.name} exited (${describeExit(this.#exitInfo)}) before printing ${pattern}\n${tail(this.#output, 30)}`));
				}
			};
			const timer = setTimeout(() => {
				finish();
				reject(new Error(`${this.name}: no ${pattern} within ${timeoutMs} ms\n${tail(this.#output, 30)}`));
			}, timeoutMs);
			const finish = () => {
				clearTimeout(timer);
				this.#watchers = this.#watchers.filter((w) => w !== check);
			};
			this.#watchers.push(check);
			check();
		});
	}

	/** Write `text` to the program's standard input (opened with `stdin: true`). */
	write(text: string): void {
		this.#child.stdin?.write(text);
	}

	/** For a peer that ended before it was ready: "<name> exited at start (<how>)", and the spawn error if there was one. */
	exitedAtStart(): string {
		const spawnError = this.spawnError !== null ? `: ${this.spawnError.message}` : "";
		return `${this.name} exited at start (${describeExit(this.#exitInfo)})${spawnError}`;
	}

	/** Wait up to `ms` for the direct child to exit; true if it has. */
	async waitExit(ms: number): Promise<boolean> {
		if (this.#exited) return true;
		let timer: NodeJS.Timeout | undefined;
		const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
		await Promise.race([this.exit, timeout]);
		clearTimeout(timer);
		return this.#exited;
	}

	/** Send `signal` to every process of the group (ESRCH ignored). */
	signalGroup(signal: NodeJS.Signals): void {
		if (this.pid <= 0) return;
		try {
			process.kill(-this.pid, signal);
		} catch {
			// the group is gone
		}
	}

	/** Live (non-zombie) processes of the group, from /proc; null when /proc is not there. */
	groupMembers(): number[] | null {
		return processGroupMembers(this.pid);
	}

	/**
	 * Stop: each step signals the whole group and waits until the child and every other member of the group are
	 * gone; a final SIGKILL of the group covers whatever survived the steps. Resolves when nothing is left
	 * (or after the SIGKILL, which cannot be refused). Returns which step ended it ("exited" if it had already).
	 */
	async stop(steps: readonly StopStep[]): Promise<string> {
		let how = "exited";
		for (const step of steps) {
			if (this.#gone()) break;
			how = step.signal;
			this.signalGroup(step.signal);
			const until = performance.now() + step.waitMs;
			while (!this.#gone() && performance.now() < until) await sleep(25);
		}
		if (!this.#gone()) {
			how = "SIGKILL";
			this.signalGroup("SIGKILL");
			const until = performance.now() + 2000;
			while (!this.#gone() && performance.now() < until) await sleep(25);
		}
		await this.waitExit(1000);
		await this.#closeLog();
		live.delete(this);
		return how;
	}

	/** Synchronous last resort (the test process is exiting). */
	killNow(): void {
		this.signalGroup("SIGKILL");
	}

	#gone(): boolean {
		if (!this.#exited) return false;
		const members = this.groupMembers();
		return members === null || members.length === 0;
	}

	#closeLog(): Promise<void> {
		const log = this.#log;
		if (log === null || log.closed) return Promise.resolve();
		return new Promise((resolve) => log.end(resolve));
	}
}

/**
 * What a helper class around one peer program (Kamailio, Baresip) shares: the program's process and the temporary
 * directory it runs in, its pid, whether it runs and its output; its start() ends with `ready()`, its stop() with
 * `removeFiles()`.
 */
export abstract class PeerHelper {
	/** The temporary directory the peer's config, files and log are in. */
	readonly dir: string;
	protected readonly peer: PeerProcess;

	protected constructor(dir: string, peer: PeerProcess) {
		this.dir = dir;
		this.peer = peer;
	}

	get pid(): number {
		return this.peer.pid;
	}
	get running(): boolean {
		return !this.peer.exited;
	}
	/** Everything the program wrote so far, stdout and stderr interleaved. */
	get log(): string {
		return this.peer.output;
	}

	/** Stop the program and whatever it forked; the directory is deleted unless `keepFiles`. */
	abstract stop(keepFiles?: boolean): Promise<unknown>;

	/**
	 * The end of start(): resolve with this helper once `ready` resolves; if it rejects, stop the peer keeping its
	 * files (its log says why it did not come up) and rethrow.
	 */
	protected async ready(ready: Promise<void>): Promise<this> {
		try {
			await ready;
		} catch (err) {
			await this.stop(true);
			throw err;
		}
		return this;
	}

	/** The end of stop(): delete the directory, or keep it (for a failed test) and say where it is. */
	protected removeFiles(keepFiles: boolean): void {
		if (keepFiles) process.stderr.write(`        ${this.peer.name} files kept in ${this.dir}\n`);
		else rmSync(this.dir, { recursive: true, force: true });
	}
}

/**
 * Stop every peer process still running (SIGTERM to each group, SIGKILL a second later), for after() hooks: the
 * safety net behind each helper's own stop(). Resolves with the names of what it had to stop.
 */
export async function stopLeftoverPeers(): Promise<string[]> {
	const left = [...live];
	await Promise.all(left.map((p) => p.stop([{ signal: "SIGTERM", waitMs: 1000 }])));
	return left.map((p) => `${p.name} (pid ${p.pid})`);
}

/** Pids whose process group is `pgid` and which are not zombies (Linux /proc); null without /proc. */
export function processGroupMembers(pgid: number): number[] | null {
	if (!existsSync("/proc/self/stat")) return null;
	const out: number[] = [];
	for (const entry of readdirSync("/proc")) {
		if (!/^\d+$/.test(entry)) continue;
		let stat: string;
		try {
			stat = readFileSync(`/proc/${entry}/stat`, "latin1");
		} catch {
			continue; // gone meanwhile
		}
		// pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so split after the last ')'.
		const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
		if (Number(rest[2]) === pgid && rest[0] !== "Z" && rest[0] !== "X") out.push(Number(entry));
	}
	return out;
}

export function describeExit(e: ChildExit | null): string {
	if (e === null) return "running";
	return e.signal !== null ? `signal ${e.signal}` : `exit code ${e.code}`;
}

export function tail(text: string, lines: number): string {
	const all = text.trimEnd().split("\n");
	return (all.length > lines ? [`... (${all.length - lines} lines before)`, ...all.slice(-lines)] : all).join("\n");
}

/** Replace every {{NAME}} in `template`; a name without a value, or a placeholder left over, is an error. */
export function renderTemplate(template: string, values: Readonly<Record<string, string | number>>, what: string): string {
	const text = template.replace(/\{\{([A-Z_]+)\}\}/g, (_all, name: string) => {
		const v = values[name];
		if (v === undefined) throw new Error(`${what}: no value for {{${name}}}`);
		return String(v);
	});
	if (text.includes("{{")) throw new Error(`${what}: a placeholder is left: ${/\{\{[^}]*\}\}/.exec(text)?.[0]}`);
	return text;
}

process.once("exit", () => {
	for (const p of live) p.killNow();
});
