// What the digest, SDP and media vectors share: a vector is a scenario that returns its trace, one line per fact, and
// the lines it must give. Host-free (no node:, no assert), like the vectors themselves, so the same runner runs on
// Node and on the XS engine (test/xs/*-vectors.test.ts compare the two).

export interface TraceVector {
	/** The rule, with its section. */
	name: string;
	/** Runs the scenario; returns its trace, one line per fact. */
	run(): string[];
	expect: string[];
}

/** Every vector's trace (for comparing engines line by line). */
export function vectorTraces(vectors: readonly TraceVector[]): string[][] {
	const traces: string[][] = [];
	for (let i = 0; i < vectors.length; i++) traces.push(vectors[i].run());
	return traces;
}

/** Run every vector; a failure names the vector and the first line that differs. */
export function runVectors(vectors: readonly TraceVector[]): { passed: number; failures: string[] } {
	let passed = 0;
	const failures: string[] = [];
	for (let i = 0; i < vectors.length; i++) {
		const v = vectors[i];
		let trace: string[];
		try {
			trace = v.run();
		} catch (error) {
			failures.push(`${v.name}: threw ${String(error)}`);
			continue;
		}
		let diff = "";
		const n = trace.length > v.expect.length ? trace.length : v.expect.length;
		for (let k = 0; k < n && diff === ""; k++) {
			if (trace[k] !== v.expect[k]) diff = `line ${k}: got ${JSON.stringify(trace[k])}, expected ${JSON.stringify(v.expect[k])}`;
		}
		if (diff === "") passed++;
		else failures.push(`${v.name}: ${diff}`);
	}
	return { passed, failures };
}
