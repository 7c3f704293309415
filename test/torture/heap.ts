// The Node heap after a full garbage collection, for the memory figures of the flood and the soak. `node --expose-gc`
// gives `gc`; without the flag (mocha) it is enabled at run time (v8.setFlagsFromString) and taken from a fresh
// context, which is where V8 then puts it. A heap snapshot splits what is left into the program's data (objects,
// arrays, strings, closures ...) and what V8 keeps for compiled code (machine code, its deopt and relocation data,
// feedback vectors, the weak lists that hold them): the second grows while V8 optimizes the functions a long run
// makes hot, and is not the program's memory.
import { getHeapSnapshot, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

export interface HeapFigures {
	/** process.memoryUsage().heapUsed after GC (bytes). */
	readonly total: number;
	/** Of the snapshot: V8's compiled code and its bookkeeping (node types "code" and "hidden"). */
	readonly code: number;
	/** Of the snapshot: everything else — what the program keeps. */
	readonly data: number;
}

let collect: (() => void) | null = null;

function gcFunction(): () => void {
	if (collect !== null) return collect;
	const global = (globalThis as { gc?: () => void }).gc;
	if (typeof global === "function") return (collect = global);
	setFlagsFromString("--expose-gc");
	return (collect = runInNewContext("gc") as () => void);
}

/** Collect everything that can be collected (a few passes: weak references, finalizers), then measure. */
export async function heapAfterGc(): Promise<HeapFigures> {
	const gc = gcFunction();
	for (let k = 0; k < 3; k++) {
		gc();
		await new Promise((r) => setImmediate(r));
	}
	const total = process.memoryUsage().heapUsed;
	const { code, data } = await snapshotSizes();
	return { total, code, data };
}

interface Snapshot {
	snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
	nodes: number[];
}

/** Self sizes of the heap snapshot's nodes, summed into compiled code and data. */
async function snapshotSizes(): Promise<{ code: number; data: number }> {
	const chunks: string[] = [];
	for await (const chunk of getHeapSnapshot()) chunks.push(typeof chunk === "string" ? chunk : (chunk as Buffer).toString("utf8"));
	const s = JSON.parse(chunks.join("")) as Snapshot;
	const fields = s.snapshot.meta.node_fields, types = s.snapshot.meta.node_types[0];
	const width = fields.length, typeAt = fields.indexOf("type"), sizeAt = fields.indexOf("self_size");
	const codeType = types.indexOf("code"), hiddenType = types.indexOf("hidden");
	let code = 0, data = 0;
	for (let i = 0; i < s.nodes.length; i += width) {
		const t = s.nodes[i + typeAt], size = s.nodes[i + sizeAt];
		if (t === codeType || t === hiddenType) code += size;
		else data += size;
	}
	return { code, data };
}
