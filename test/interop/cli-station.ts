// The simulator's command line as a user runs it (`npm start -- --config door.json`): a child process whose standard
// input takes the station's commands (press, release, status ...) and whose log lines the test reads.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const MAIN = fileURLToPath(new URL("../../hosts/sim/main.js", import.meta.url));

export class CliStation {
	readonly #child: ChildProcess;
	#output = "";
	#watchers: (() => void)[] = [];
	readonly exited: Promise<number | null>;

	constructor(args: readonly string[], env: NodeJS.ProcessEnv = process.env) {
		this.#child = spawn(process.execPath, [MAIN, ...args], { stdio: ["pipe", "pipe", "pipe"], env });
		const take = (d: Buffer) => {
			this.#output += d.toString("utf8");
			for (const w of [...this.#watchers]) w();
		};
		this.#child.stdout!.on("data", take);
		this.#child.stderr!.on("data", take);
		this.exited = new Promise((resolve) => this.#child.once("exit", (code) => {
			for (const w of [...this.#watchers]) w();
			resolve(code);
		}));
	}

	/** Everything printed so far, the timestamps cut off (`12:00:00.000 `). */
	get lines(): string[] {
		return this.#output.split("\n").filter((l) => l !== "").map((l) => l.replace(/^\d\d:\d\d:\d\d\.\d\d\d /, ""));
	}

	get text(): string {
		return this.lines.join("\n");
	}

	/** Type a command on the station's standard input. */
	command(line: string): void {
		this.#child.stdin!.write(line + "\n");
	}

	/** The first line (already printed or to come) matching `re`. */
	waitFor(re: RegExp, timeoutMs: number): Promise<string> {
		return new Promise((resolve, reject) => {
			const check = () => {
				const hit = this.lines.find((l) => re.test(l));
				if (hit !== undefined) {
					done();
					resolve(hit);
				} else if (this.#child.exitCode !== null) {
					done();
					reject(new Error(`the station exited before printing ${re}:\n${this.text}`));
				}
			};
			const timer = setTimeout(() => {
				done();
				reject(new Error(`the station printed no ${re} within ${timeoutMs} ms:\n${this.text}`));
			}, timeoutMs);
			const done = () => {
				clearTimeout(timer);
				this.#watchers = this.#watchers.filter((w) => w !== check);
			};
			this.#watchers.push(check);
			check();
		});
	}

	/** `quit`, then wait for the process (killed if it lingers). */
	async stop(): Promise<number | null> {
		if (this.#child.exitCode === null) this.command("quit");
		const timer = setTimeout(() => this.#child.kill("SIGKILL"), 5000);
		const code = await this.exited;
		clearTimeout(timer);
		return code;
	}
}
