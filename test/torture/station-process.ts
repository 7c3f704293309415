// The simulated station in a process of its own (fork + IPC), for measurements of its timing under load: nothing the
// test does (spawning SIPp, reading /proc, probing) can hold up the station's event loop, and what is measured there
// (event-loop stalls, CPU, heap, idleness) is the station's alone. The parent half is `StationProcess`; run as a
// script (with a configuration document sent over IPC) this file is the child half.
import { fork, type ChildProcess } from "node:child_process";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { SimStation } from "../../hosts/sim/station.js";
import { parseStationConfig } from "../../src/intercom/config.js";
import { heapAfterGc, type HeapFigures } from "./heap.js";

/** What the station is doing, as the soak and flood check it afterwards. */
export interface StationState {
	readonly idle: boolean;
	readonly busySlots: number;
	readonly transactions: number;
	readonly timers: number;
}

type Request =
	| { readonly id: number; readonly op: "start"; readonly doc: unknown }
	| { readonly id: number; readonly op: "state" }
	| { readonly id: number; readonly op: "heap" }
	| { readonly id: number; readonly op: "measure"; readonly on: boolean }
	| { readonly id: number; readonly op: "command"; readonly line: string }
	| { readonly id: number; readonly op: "stop" };

/** A request without its id (what `#ask` is given): the union kept apart, member by member. */
type Unnumbered<T> = T extends unknown ? Omit<T, "id"> : never;
type Reply = { readonly id: number; readonly ok: true; readonly value: unknown } | { readonly id: number; readonly ok: false; readonly error: string };
type Line = { readonly line: string };

/** Event-loop stall and CPU over a measured span of the station's process. */
export interface SpanFigures {
	/** The longest the event loop was held up (ms). */
	readonly loopStallMs: number;
	/** CPU of the station's process over the span, in cores. */
	readonly cpuCores: number;
}

const SELF = fileURLToPath(import.meta.url);

export class StationProcess {
	readonly #child: ChildProcess;
	readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
	readonly #lines: string[] = [];
	#watchers: ((line: string) => void)[] = [];
	#next = 0;
	port = 0;

	private constructor(child: ChildProcess) {
		this.#child = child;
		child.on("message", (m: Reply | Line) => {
			if ("line" in m) {
				if (this.#lines.length < 1000) this.#lines.push(m.line);
				for (const w of [...this.#watchers]) w(m.line);
				return;
			}
			const p = this.#pending.get(m.id);
			if (p === undefined) return;
			this.#pending.delete(m.id);
			if (m.ok) p.resolve(m.value);
			else p.reject(new Error(m.error));
		});
		child.on("exit", (code) => {
			for (const p of this.#pending.values()) p.reject(new Error(`the station process exited (${code})`));
			this.#pending.clear();
		});
	}

	/** Start a station with the configuration document `doc` in a new Node process (with --expose-gc). */
	static async start(doc: unknown): Promise<StationProcess> {
		const child = fork(SELF, ["child"], { execArgv: ["--expose-gc"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
		const s = new StationProcess(child);
		s.port = (await s.#ask({ op: "start", doc })) as number;
		return s;
	}

	/** The call lines the station has logged ("call 0: answered ..."). */
	get lines(): readonly string[] {
		return this.#lines;
	}

	/** The first call line from now on that passes `test`. */
	waitFor(test: (line: string) => boolean, timeoutMs: number): Promise<string> {
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.#watchers = this.#watchers.filter((w) => w !== watch);
				reject(new Error(`station: nothing matching within ${timeoutMs} ms`));
			}, timeoutMs);
			const watch = (line: string) => {
				if (!test(line)) return;
				clearTimeout(timer);
				this.#watchers = this.#watchers.filter((w) => w !== watch);
				resolve(line);
			};
			this.#watchers.push(watch);
		});
	}

	state(): Promise<StationState> {
		return this.#ask({ op: "state" }) as Promise<StationState>;
	}
	heap(): Promise<HeapFigures> {
		return this.#ask({ op: "heap" }) as Promise<HeapFigures>;
	}
	/** Start (on) or end (off) a measured span; ending it answers its figures. */
	measure(on: boolean): Promise<SpanFigures | null> {
		return this.#ask({ op: "measure", on }) as Promise<SpanFigures | null>;
	}
	command(line: string): Promise<unknown> {
		return this.#ask({ op: "command", line });
	}

	/** Stop the station and end its process. */
	async stop(): Promise<void> {
		if (this.#child.exitCode !== null) return;
		const exited = new Promise((r) => this.#child.once("exit", r));
		await this.#ask({ op: "stop" }).catch(() => undefined);
		const kill = setTimeout(() => this.#child.kill("SIGKILL"), 5000);
		await exited;
		clearTimeout(kill);
	}

	#ask(r: Unnumbered<Request>): Promise<unknown> {
		const id = ++this.#next;
		return new Promise((resolve, reject) => {
			this.#pending.set(id, { resolve, reject });
			this.#child.send({ ...r, id });
		});
	}
}

// ---- the child ----

async function child(): Promise<void> {
	let station: SimStation | null = null;
	const loop = monitorEventLoopDelay({ resolution: 10 });
	let spanStart = 0, cpuStart = process.cpuUsage();
	const send = (m: Reply | Line) => process.send!(m);
	process.on("message", async (r: Request) => {
		try {
			let value: unknown = null;
			if (r.op === "start") {
				const parsed = parseStationConfig(r.doc);
				if (!parsed.ok) throw new Error(parsed.errors.join("; "));
				station = await SimStation.start({
					address: "127.0.0.1", config: parsed.config, trace: false,
					log: (line) => {
						if (/^call \d+: /.test(line)) send({ line });
					},
				});
				value = station.net.port;
			} else if (station === null) {
				throw new Error("no station");
			} else if (r.op === "state") {
				const ua = station.station.ua;
				value = {
					idle: station.station.idle, busySlots: station.station.status().slots.filter((s) => s.state !== "idle").length,
					transactions: ua.layer.active, timers: station.net.wheel.size,
				} satisfies StationState;
			} else if (r.op === "heap") {
				value = await heapAfterGc();
			} else if (r.op === "measure") {
				if (r.on) {
					loop.reset();
					loop.enable();
					spanStart = performance.now();
					cpuStart = process.cpuUsage();
				} else {
					loop.disable();
					const cpu = process.cpuUsage(cpuStart), ms = performance.now() - spanStart;
					value = { loopStallMs: Math.round(loop.max / 1e6), cpuCores: Math.round(((cpu.user + cpu.system) / 1000 / ms) * 100) / 100 } satisfies SpanFigures;
				}
			} else if (r.op === "command") {
				station.command(r.line);
			} else if (r.op === "stop") {
				await station.stop(300);
				send({ id: r.id, ok: true, value: null });
				process.disconnect();
				return;
			}
			send({ id: r.id, ok: true, value });
		} catch (err) {
			send({ id: r.id, ok: false, error: (err as Error).message });
		}
	});
}

if (process.argv[2] === "child" && process.send !== undefined) void child();
