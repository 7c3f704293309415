// One worker thread of the Node fuzz run (fuzz-node.ts): mutants [from, from + count) through ParserFuzz, in
// batches; before each mutant its number goes into shared memory, so the main thread can name the one a hang is stuck
// on. Posts its tallies after every batch and at the end.
import { parentPort, workerData } from "node:worker_threads";
import { performance } from "node:perf_hooks";
import { ParserFuzz } from "./parser-fuzz.js";
import { fuzzSeeds } from "./seeds.js";

export interface WorkerJob {
	readonly from: number;
	readonly count: number;
	readonly seed: number;
	readonly batch: number;
	/** Int32 slots: [0] the mutant being worked on, [1] mutants done. */
	readonly progress: SharedArrayBuffer;
}

export interface WorkerReport {
	readonly done: boolean;
	readonly counts: number[];
	readonly opCounts: number[];
	readonly failures: string[];
	/** The slowest mutant: its number and its time (ms). */
	readonly slowest: { mutant: number; ms: number };
	readonly cpuMs: number;
}

const job = workerData as WorkerJob;
const progress = new Int32Array(job.progress);
const fuzz = new ParserFuzz(fuzzSeeds(), job.seed);
let slowest = { mutant: -1, ms: 0 };
const cpuAtStart = process.cpuUsage();

function report(done: boolean): void {
	const cpu = process.cpuUsage(cpuAtStart);
	const r: WorkerReport = {
		done, counts: [...fuzz.counts], opCounts: [...fuzz.opCounts], failures: fuzz.failures.slice(), slowest,
		cpuMs: (cpu.user + cpu.system) / 1000,
	};
	parentPort!.postMessage(r);
}

const end = job.from + job.count;
for (let at = job.from; at < end; at += job.batch) {
	const stop = Math.min(end, at + job.batch);
	for (let i = at; i < stop; i++) {
		progress[0] = i;
		const t = performance.now();
		fuzz.step(i);
		const ms = performance.now() - t;
		if (ms > slowest.ms) slowest = { mutant: i, ms };
		progress[1]++;
	}
	report(false);
}
report(true);
