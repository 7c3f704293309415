// The message-layer fuzz on Node: millions of mutants (ParserFuzz) over worker threads, one per core, with a
// watchdog: a worker that finishes no mutant for `hangMs` is stopped and its mutant reported as a hang.
import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import { COUNT_NAMES } from "./parser-fuzz.js";
import type { WorkerJob, WorkerReport } from "./fuzz-worker.js";

export interface NodeFuzzOptions {
	readonly count: number;
	readonly seed?: number;
	/** Worker threads (default: the machine's cores, at most 4). */
	readonly workers?: number;
	/** No progress for this long is a hang (default 20 s). */
	readonly hangMs?: number;
	/** Called about every few seconds with mutants done. */
	readonly onProgress?: (done: number) => void;
}

export interface NodeFuzzResult {
	readonly mutants: number;
	readonly ms: number;
	readonly cpuMs: number;
	/** Tallies by name (parser-fuzz.ts `C`). */
	readonly counts: Readonly<Record<string, number>>;
	readonly opCounts: readonly number[];
	readonly exceptions: number;
	readonly failures: number;
	readonly failureTexts: readonly string[];
	/** Mutants a worker was stuck on. */
	readonly hangs: readonly number[];
	readonly slowest: { mutant: number; ms: number };
	readonly workers: number;
}

const WORKER = new URL("./fuzz-worker.js", import.meta.url);

/** Run mutants 0..count-1 (split between the workers) and add up what they found. */
export async function fuzzOnNode(options: NodeFuzzOptions): Promise<NodeFuzzResult> {
	const workers = Math.max(1, Math.min(options.workers ?? Math.min(4, availableParallelism()), options.count));
	const hangMs = options.hangMs ?? 20_000;
	const started = performance.now();
	const per = Math.ceil(options.count / workers);
	const reports: WorkerReport[] = [];
	const hangs: number[] = [];
	const progress: Int32Array[] = [];
	const runs: Promise<void>[] = [];
	for (let w = 0; w < workers; w++) {
		const from = w * per, count = Math.max(0, Math.min(per, options.count - from));
		const shared = new SharedArrayBuffer(8);
		progress.push(new Int32Array(shared));
		const job: WorkerJob = { from, count, seed: options.seed ?? 0x5eed, batch: 20_000, progress: shared };
		runs.push(runWorker(job, hangMs, (r) => (reports[w] = r), (stuck) => hangs.push(stuck)));
	}
	const ticker = options.onProgress === undefined ? null : setInterval(() => {
		options.onProgress!(progress.reduce((n, p) => n + p[1], 0));
	}, 5000);
	await Promise.all(runs);
	if (ticker !== null) clearInterval(ticker);
	const counts: Record<string, number> = {};
	for (const name of COUNT_NAMES) counts[name] = 0;
	const opCounts: number[] = [];
	let slowest = { mutant: -1, ms: 0 }, cpuMs = 0;
	const failureTexts: string[] = [];
	for (const r of reports) {
		if (r === undefined) continue;
		COUNT_NAMES.forEach((name, i) => (counts[name] += r.counts[i]));
		r.opCounts.forEach((n, i) => (opCounts[i] = (opCounts[i] ?? 0) + n));
		if (r.slowest.ms > slowest.ms) slowest = r.slowest;
		cpuMs += r.cpuMs;
		failureTexts.push(...r.failures);
	}
	for (const h of hangs) failureTexts.push(`mutant ${h}: no progress for ${hangMs} ms (a hang): the worker was stopped`);
	return {
		mutants: counts.mutants, ms: performance.now() - started, cpuMs, counts, opCounts, exceptions: counts.exceptions,
		failures: counts.failures + hangs.length, failureTexts, hangs, slowest, workers,
	};
}

function runWorker(job: WorkerJob, hangMs: number, onReport: (r: WorkerReport) => void, onHang: (mutant: number) => void): Promise<void> {
	return new Promise((resolve) => {
		const worker = new Worker(WORKER, { workerData: job });
		const seen = new Int32Array(job.progress);
		let last = -1, lastChange = performance.now(), finished = false;
		const watchdog = setInterval(() => {
			if (seen[1] !== last) {
				last = seen[1];
				lastChange = performance.now();
			} else if (performance.now() - lastChange > hangMs) {
				onHang(seen[0]);
				finished = true;
				clearInterval(watchdog);
				void worker.terminate().then(() => resolve());
			}
		}, 500);
		worker.on("message", (r: WorkerReport) => {
			onReport(r);
			if (r.done) {
				finished = true;
				clearInterval(watchdog);
				void worker.terminate().then(() => resolve());
			}
		});
		worker.on("error", (err) => {
			onReport({ done: true, counts: [], opCounts: [], failures: [`worker from ${job.from} crashed: ${err.message}`], slowest: { mutant: -1, ms: 0 }, cpuMs: 0 });
			clearInterval(watchdog);
			resolve();
		});
		worker.on("exit", () => {
			clearInterval(watchdog);
			if (!finished) resolve();
		});
	});
}
