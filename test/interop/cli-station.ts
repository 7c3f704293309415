// The simulator's command line as a user runs it (`npm start -- --config door.json`): a child process whose standard
// input takes the station's commands (press, release, status ...) and whose log lines the test reads.
import { fileURLToPath } from "node:url";
import { PeerProcess } from "./child.js";

const MAIN = fileURLToPath(new URL("../../hosts/sim/main.js", import.meta.url));

export class CliStation {
	readonly #process: PeerProcess;

	constructor(args: readonly string[], env: NodeJS.ProcessEnv = process.env) {
		this.#process = new PeerProcess("sip-intercom station", process.execPath, [MAIN, ...args], { env, stdin: true });
	}

	/** Everything printed so far (UTF-8: the process keeps its output as Latin-1), the timestamps cut off (`12:00:00.000 `). */
	get lines(): string[] {
		return Buffer.from(this.#process.output, "latin1").toString("utf8").split("\n").filter((l) => l !== "").map((l) => l.replace(/^\d\d:\d\d:\d\d\.\d\d\d /, ""));
	}

	get text(): string {
		return this.lines.join("\n");
	}

	/** Type a command on the station's standard input. */
	command(line: string): void {
		this.#process.write(line + "\n");
	}

	/** The first log line (already printed or to come) matching `re` (ASCII patterns: the output is matched as Latin-1). */
	async waitFor(re: RegExp, timeoutMs: number): Promise<string> {
		const line = new RegExp(`^(?:\\d\\d:\\d\\d:\\d\\d\\.\\d\\d\\d )?((?:${re.source.replace(/^\^/, "")}).*)$`, `m${re.flags.replace("m", "")}`);
		return (await this.#process.waitForOutput(line, timeoutMs))[1];
	}

	/** `quit`, then wait for the process (the group is killed if it lingers). */
	async stop(): Promise<void> {
		if (!this.#process.exited) this.command("quit");
		await this.#process.waitExit(5000);
		await this.#process.stop([{ signal: "SIGTERM", waitMs: 2000 }]);
	}
}
