// Debian's mosquitto as the MQTT broker of interop tests: its own config in a fresh temporary directory (a listener on
// 127.0.0.1 and an unprivileged port, no persistence, a password file when credentials are given), run as a child in
// its own process group, ready once it accepts a TCP connection; restartable on the same port.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PeerHelper, PeerProcess, tail } from "./child.js";
import { findProgram, LOOPBACK, type Peer, sleep } from "./peers.js";

export const MOSQUITTO: Peer = Object.freeze({ program: "mosquitto", debianPackage: "mosquitto", alsoIn: Object.freeze(["/usr/sbin"]) });

export interface MosquittoOptions {
	readonly port: number;
	/** Require these credentials (a mosquitto_passwd file); none: anonymous clients allowed. */
	readonly user?: { readonly name: string; readonly password: string };
}

export class Mosquitto extends PeerHelper {
	readonly port: number;
	readonly #conf: string;
	/** The running broker (a restart starts a new process). */
	#proc: PeerProcess;

	private constructor(dir: string, peer: PeerProcess, port: number, conf: string) {
		super(dir, peer);
		this.port = port;
		this.#conf = conf;
		this.#proc = peer;
	}

	override get running(): boolean {
		return !this.#proc.exited;
	}
	override get log(): string {
		return this.#proc.output;
	}

	static async start(o: MosquittoOptions): Promise<Mosquitto> {
		const dir = mkdtempSync(join(tmpdir(), "mosquitto-"));
		// Started as root, mosquitto drops to its own user: the directory and files must be readable to it.
		chmodSync(dir, 0o755);
		const conf = join(dir, "mosquitto.conf");
		const lines = [`listener ${o.port} ${LOOPBACK}`, "persistence false", "log_dest stdout", "log_type all", "connection_messages true"];
		if (o.user !== undefined) {
			const file = join(dir, "passwd");
			execFileSync(findProgram("mosquitto_passwd", ["/usr/bin"]) ?? "mosquitto_passwd", ["-b", "-c", file, o.user.name, o.user.password]);
			chmodSync(file, 0o644);
			lines.push("allow_anonymous false", `password_file ${file}`);
		} else lines.push("allow_anonymous true");
		writeFileSync(conf, lines.join("\n") + "\n");
		const m = new Mosquitto(dir, Mosquitto.#spawn(dir, conf), o.port, conf);
		return m.ready(m.#listening());
	}

	static #spawn(dir: string, conf: string): PeerProcess {
		const binary = findProgram(MOSQUITTO.program, MOSQUITTO.alsoIn) ?? MOSQUITTO.program;
		return new PeerProcess("mosquitto", binary, ["-c", conf], { logFile: join(dir, "mosquitto.log") });
	}

	/** Stop the broker and start it again on the same port and config (retained messages are gone: no persistence). */
	async restart(downMs = 0): Promise<void> {
		await this.#proc.stop([{ signal: "SIGTERM", waitMs: 3000 }]);
		if (downMs > 0) await sleep(downMs);
		this.#proc = Mosquitto.#spawn(this.dir, this.#conf);
		await this.#listening();
	}

	async stop(keepFiles = false): Promise<string> {
		const how = await this.#proc.stop([{ signal: "SIGTERM", waitMs: 3000 }]);
		this.removeFiles(keepFiles);
		return how;
	}

	/** Until a TCP connection to the port succeeds (5 s). */
	async #listening(): Promise<void> {
		const until = Date.now() + 5000;
		while (Date.now() < until) {
			if (this.#proc.exited) throw new Error(`${this.#proc.exitedAtStart()}\n${tail(this.#proc.output, 20)}`);
			const ok = await new Promise<boolean>((resolve) => {
				const s = connect({ host: LOOPBACK, port: this.port });
				s.once("connect", () => {
					s.destroy();
					resolve(true);
				});
				s.once("error", () => resolve(false));
			});
			if (ok) return;
			await sleep(50);
		}
		throw new Error(`mosquitto does not listen on ${LOOPBACK}:${this.port}\n${tail(this.#proc.output, 20)}`);
	}
}
