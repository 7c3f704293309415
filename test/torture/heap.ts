// The Node heap after a full garbage collection, for the memory figures of the flood and the soak: `node
// --expose-gc` gives `gc`; without the flag (mocha) it is enabled at run time (v8.setFlagsFromString) and taken from a
// fresh context, which is where V8 then puts it.
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let collect: (() => void) | null = null;

function gcFunction(): () => void {
	if (collect !== null) return collect;
	const global = (globalThis as { gc?: () => void }).gc;
	if (typeof global === "function") return (collect = global);
	setFlagsFromString("--expose-gc");
	return (collect = runInNewContext("gc") as () => void);
}

/** Bytes of the JS heap in use after collecting everything that can be collected (a few passes: weak refs, finalizers). */
export async function heapAfterGc(): Promise<number> {
	const gc = gcFunction();
	for (let k = 0; k < 3; k++) {
		gc();
		await new Promise((r) => setImmediate(r));
	}
	if (process.env.HEAP_SPACES) console.log(getHeapSpaceStatistics().map((s) => `${s.space_name}=${Math.round(s.space_used_size / 1024)}K`).join(" "));
	return process.memoryUsage().heapUsed;
}
