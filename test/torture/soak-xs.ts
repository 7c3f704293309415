// The soak's calls on the XS engine (xsnap): answered door calls, cancelled ones, busy ones and incoming ones, one
// after the other on the virtual host (soak-xs-entry.ts), in cranks; the live heap after GC is measured before and
// after (DESIGN.md §3: fixed pools; a call leaves nothing behind).
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { XsSession, XS_SLOT_BYTES_ESP32 } from "../xs/xsnap-host.js";

const ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), "soak-xs-entry.js");

export interface XsSoakResult {
	readonly calls: number;
	readonly ms: number;
	readonly counters: Readonly<Record<string, number>>;
	readonly heapBefore: number;
	readonly heapAfter: number;
	readonly growthSlots: number;
	readonly growthBytesEsp32: number;
}

/** `calls` calls (after `warmup` more, before the first measurement) in cranks of `crank`. */
export async function soakOnXs(calls: number, options: { warmup?: number; crank?: number } = {}): Promise<XsSoakResult> {
	const crank = options.crank ?? 100, warmup = options.warmup ?? 40;
	const session = await XsSession.open({ name: "xsnap (soak)", timeoutMs: 300_000 });
	try {
		await session.load(ENTRY);
		await session.loop(ENTRY, "call", warmup); // the pools, the wheel and the caches take their size
		const before = await session.loop(ENTRY, null, 0); // gc(): the live heap
		const started = performance.now();
		for (let done = 0; done < calls; done += crank) {
			await session.call(ENTRY, "seek", [warmup + done]);
			await session.loop(ENTRY, "next", Math.min(crank, calls - done));
		}
		const ms = performance.now() - started;
		const after = await session.loop(ENTRY, null, 0);
		const { value: counters } = await session.call<Record<string, number>>(ENTRY, "counters");
		const growth = after.meter.currentHeapCount - before.meter.currentHeapCount;
		return {
			calls, ms, counters, heapBefore: before.meter.currentHeapCount, heapAfter: after.meter.currentHeapCount,
			growthSlots: growth, growthBytesEsp32: growth * XS_SLOT_BYTES_ESP32,
		};
	} finally {
		await session.close();
	}
}
