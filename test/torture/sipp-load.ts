// SIPp as a load generator (flooders, the soak's callers): started with the options given, its per-message counts
// (-trace_counts) read back when it ends. A run of many calls has no -trace_msg (it would write every message).
import { existsSync, readdirSync, readFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PeerProcess } from "../interop/child.js";

export interface LoadOptions {
	readonly name: string;
	readonly scenario: string;
	/** "127.0.0.1:5070" ("" for a UAS scenario: it answers whoever calls). */
	readonly remote: string;
	/** Local address (a 127.0.0.x) and SIP port; the control port is port + 1. */
	readonly address: string;
	readonly port: number;
	readonly args: readonly string[];
	/** Stopped (SIGTERM) if it has not ended by then. */
	readonly hardTimeoutMs: number;
	/**
	 * Run it under `nice -n N`: a flooder stands for other machines, so on a small test machine it must not take the
	 * station's CPU (the station's timing is what is measured, not the test machine's).
	 */
	readonly nice?: number;
}

export interface LoadResult {
	readonly code: number | null;
	/** The last line of -trace_counts: column name → count ("3_486_Recv" ...). */
	readonly counts: Readonly<Record<string, number>>;
	/** Calls that ran to the scenario's end, and calls that failed (-trace_stat, cumulative). */
	readonly successful: number;
	readonly failed: number;
	/** The end of SIPp's output (its statistics screen). */
	readonly output: string;
}

/** A running SIPp; `done` resolves when it has exited. */
export class SippLoad {
	readonly done: Promise<LoadResult>;
	readonly #peer: PeerProcess;
	readonly #dir: string;

	constructor(binary: string, o: LoadOptions) {
		this.#dir = mkdtempSync(join(tmpdir(), `sipp-${o.name}-`));
		const args = [
			...(o.remote === "" ? [] : [o.remote]), "-sf", o.scenario, "-i", o.address, "-p", String(o.port), "-bind_local",
			"-ci", o.address, "-cp", String(o.port + 1), "-nostdin", "-trace_counts", "-trace_stat", "-stf", "stat.csv", "-fd", "1", ...o.args,
		];
		this.#peer = o.nice === undefined
			? new PeerProcess(`sipp ${o.name}`, binary, args, { cwd: this.#dir })
			: new PeerProcess(`sipp ${o.name}`, "nice", ["-n", String(o.nice), binary, ...args], { cwd: this.#dir });
		const hard = setTimeout(() => void this.stop(), o.hardTimeoutMs);
		this.done = this.#peer.exit.then((exit) => {
			clearTimeout(hard);
			const file = readdirSync(this.#dir).find((f) => f.endsWith("_counts.csv"));
			const counts: Record<string, number> = {};
			if (file !== undefined) {
				const lines = readFileSync(join(this.#dir, file), "latin1").trim().split("\n");
				const names = lines[0].split(";"), values = lines[lines.length - 1].split(";");
				names.forEach((n, i) => {
					if (n !== "" && i >= 2) counts[n] = Number(values[i]);
				});
			}
			const stat = lastRow(join(this.#dir, "stat.csv"));
			// A copy, not a slice: a sliced string would keep the whole output alive.
			const output = Buffer.from(this.#peer.output.slice(-4000), "latin1").toString("latin1");
			rmSync(this.#dir, { recursive: true, force: true });
			return { code: exit.code, counts, successful: stat["SuccessfulCall(C)"] ?? 0, failed: stat["FailedCall(C)"] ?? 0, output };
		});
	}

	/**
	 * Stop it now (SIGTERM to its group, SIGKILL if it lingers), or let go of it once it has ended: the helper keeps
	 * every peer and its output until then. It reads /proc to find the group's processes, synchronously: call it
	 * where a stall of the test's own process does not matter (not while the station's timing is measured).
	 */
	stop(): Promise<unknown> {
		return this.#peer.stop([{ signal: "SIGTERM", waitMs: 2000 }]);
	}
}

/** The last row of a SIPp CSV file (";"-separated, a header row first) as column → number. */
function lastRow(file: string): Record<string, number> {
	const out: Record<string, number> = {};
	if (!existsSync(file)) return out;
	const lines = readFileSync(file, "latin1").trim().split("\n");
	if (lines.length < 2) return out;
	const names = lines[0].split(";"), values = lines[lines.length - 1].split(";");
	names.forEach((n, i) => (out[n] = Number(values[i])));
	return out;
}

/** The sum of the columns whose name ends with `suffix` and contains `_<what>_` (e.g. ("486", "Recv")). */
export function counted(counts: Readonly<Record<string, number>>, what: string, suffix: string): number {
	let n = 0;
	for (const [k, v] of Object.entries(counts)) if (k.endsWith(`_${suffix}`) && k.includes(`_${what}_`)) n += v;
	return n;
}
