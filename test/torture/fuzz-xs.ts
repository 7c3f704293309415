// The message-layer fuzz on the XS engine (xsnap): the same mutants as on Node, in cranks, with the live heap
// measured before and after (DESIGN.md §3: fixed pools; nothing a malformed message does may grow the heap).
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { XsSession, XS_SLOT_BYTES_ESP32 } from "../xs/xsnap-host.js";
import { COUNT_NAMES } from "./parser-fuzz.js";
import { fuzzSeeds, seedsAsLatin1 } from "./seeds.js";

const ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), "fuzz-xs-entry.js");

export interface XsFuzzResult {
	readonly mutants: number;
	readonly ms: number;
	readonly counts: Readonly<Record<string, number>>;
	readonly failureTexts: readonly string[];
	/** Live heap (slots, after gc) after the warm-up and after the run. */
	readonly heapBefore: number;
	readonly heapAfter: number;
	readonly growthSlots: number;
	readonly growthBytesEsp32: number;
	/** Slots allocated per mutant in one crank without a GC (0: the whole check allocates nothing). */
	readonly slotsPerMutant: number;
	/** XS compute per mutant (deterministic meter). */
	readonly computePerMutant: number;
}

/** Mutants 0..count-1 on XS (the first `warmup` of them before the heap is measured). */
export async function fuzzOnXs(count: number, options: { seed?: number; crank?: number; warmup?: number } = {}): Promise<XsFuzzResult> {
	const crank = options.crank ?? 1000, warmup = Math.min(options.warmup ?? 500, count);
	const session = await XsSession.open({ name: "xsnap (fuzz)", timeoutMs: 300_000 });
	try {
		const started = performance.now();
		await session.load(ENTRY);
		await session.call(ENTRY, "setup", [seedsAsLatin1(fuzzSeeds()), options.seed ?? 0x5eed]);
		// The warm-up: mutants 0..warmup-1 (every lazily made thing takes its size); then the live heap.
		await runRange(session, 0, warmup, crank);
		const before = await session.loop(ENTRY, null, 0);
		// One crank measured on its own: slots and compute per mutant (no GC may run in it to count slots).
		const probe = Math.min(crank, count - warmup);
		const base = await session.loop(ENTRY, null, 0);
		const measured = probe > 0 ? await loopFrom(session, warmup, probe) : base;
		const slotsPerMutant = probe > 0 && !measured.organicGc ? (measured.meter.currentHeapCount - base.meter.currentHeapCount) / probe : NaN;
		const computePerMutant = probe > 0 ? measured.meter.compute / probe : NaN;
		await runRange(session, warmup + probe, count, crank);
		const after = await session.loop(ENTRY, null, 0);
		const { value } = await session.call<{ counts: number[]; failures: string[] }>(ENTRY, "counters");
		const counts: Record<string, number> = {};
		COUNT_NAMES.forEach((name, i) => (counts[name] = value.counts[i]));
		const growth = after.meter.currentHeapCount - before.meter.currentHeapCount;
		return {
			mutants: counts.mutants, ms: performance.now() - started, counts, failureTexts: value.failures,
			heapBefore: before.meter.currentHeapCount, heapAfter: after.meter.currentHeapCount, growthSlots: growth,
			growthBytesEsp32: growth * XS_SLOT_BYTES_ESP32, slotsPerMutant, computePerMutant,
		};
	} finally {
		await session.close();
	}
}

/** Mutants [from, to) in cranks of `crank`. */
async function runRange(session: XsSession, from: number, to: number, crank: number): Promise<void> {
	for (let at = from; at < to; at += crank) await loopFrom(session, at, Math.min(crank, to - at));
}

/** One crank: mutants from..from+n-1 (the entry's `step` is called with the loop index, offset by `seek`). */
async function loopFrom(session: XsSession, from: number, n: number) {
	await session.call(ENTRY, "seek", [from]);
	return session.loop(ENTRY, "next", n);
}
