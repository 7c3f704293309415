// The message layer under structured mutation (test/torture/mutator.ts) on Node and on XS: no exception, no hang,
// every verdict a status with a reason, and the transport delivering, answering, dropping or closing exactly as the
// parser says of the same bytes — RFC 3261 §7, §8.2, §18.1.2, §18.3; RFC 4475. `npm run torture:station` runs
// 10 million on Node and 100,000 on XS; here a smaller count of the same mutants.
import assert from "node:assert/strict";
import { fuzzOnNode } from "./fuzz-node.js";
import { fuzzOnXs } from "./fuzz-xs.js";
import { Mutator, OP_COUNT, OP_NAMES } from "./mutator.js";
import { C, ParserFuzz } from "./parser-fuzz.js";
import { fuzzSeeds } from "./seeds.js";

/** Mutants (default seed) that made the transport fail the oracle once; each fixed, each kept here. */
const FOUND_BUGS = Object.freeze([1982255]);

describe("Fuzz: structured mutants of the project's messages and RFC 4475/5118 (test/torture)", function () {
	this.timeout(180_000);
	const seeds = fuzzSeeds();

	it("seeds: the bench corpus, the parse vectors and the 62 torture messages", () => {
		assert.ok(seeds.length >= 62 + 20, `${seeds.length} seeds`);
	});

	it("mutant i is the same bytes every time; every operator is used", () => {
		const a = new Mutator(seeds), b = new Mutator(seeds);
		const used = new Array<number>(OP_COUNT).fill(0);
		for (let i = 0; i < 20_000; i++) {
			const n = a.mutant(i);
			for (let k = 0; k < OP_COUNT; k++) if ((a.ops & (1 << k)) !== 0) used[k]++;
			if (i % 97 === 0) {
				assert.equal(b.mutant(i), n);
				assert.deepEqual(b.out.subarray(0, n), a.out.subarray(0, n), `mutant ${i}`);
			}
		}
		const unused = OP_NAMES.filter((_, k) => used[k] === 0);
		assert.deepEqual(unused, [], "operators never applied");
	});

	it("the mutants that once found a bug pass: 1982255 (513 to a request repeating its From 88 times was too large to write)", () => {
		const fuzz = new ParserFuzz(seeds);
		for (const i of FOUND_BUGS) fuzz.step(i);
		assert.deepEqual(fuzz.failures, []);
		assert.equal(fuzz.counts[C.answered], FOUND_BUGS.length, "each was answered with its verdict");
	});

	it("200,000 mutants on Node: 0 exceptions, 0 hangs, the transport does what the parser says of every one", async () => {
		const r = await fuzzOnNode({ count: 200_000 });
		console.log(`      Node: ${r.mutants} mutants in ${(r.ms / 1000).toFixed(1)} s (${Math.round(r.mutants / (r.cpuMs / 1000))}/s per core), ` +
			`${r.counts.accepted} accepted, ${r.counts.status400} × 400, ${r.counts.status505} × 505, ${r.counts.status513} × 513, slowest ${r.slowest.ms.toFixed(1)} ms`);
		assert.deepEqual(r.failureTexts, []);
		assert.equal(r.mutants, 200_000);
		assert.equal(r.exceptions, 0);
		assert.deepEqual(r.hangs, []);
		// The mutants reach every outcome (a fuzz that only makes garbage proves little).
		for (const k of ["accepted", "status400", "status505", "status513", "requestsDelivered", "answered", "unanswerable", "streamMessages", "streamBad", "streamErrors", "streamPings", "agreements"]) {
			assert.ok(r.counts[k] > 0, `no mutant reached "${k}"`);
		}
	});

	it("3,000 mutants on XS: the same tallies as on Node, 0 heap slots per mutant, 0 slots of growth", async () => {
		const count = 3000;
		const xs = await fuzzOnXs(count, { crank: 1000, warmup: 500 });
		console.log(`      XS: ${xs.mutants} mutants in ${(xs.ms / 1000).toFixed(1)} s, ${Math.round(xs.computePerMutant)} compute/mutant, ` +
			`${xs.slotsPerMutant} slots/mutant, live heap ${xs.heapBefore} → ${xs.heapAfter} slots`);
		assert.deepEqual(xs.failureTexts, []);
		assert.equal(xs.counts.exceptions, 0);
		const node = new ParserFuzz(seeds);
		node.run(0, count);
		assert.deepEqual(Object.values(xs.counts), [...node.counts], "XS and Node found the same of the same mutants");
		assert.equal(node.counts[C.failures], 0);
		assert.equal(xs.slotsPerMutant, 0, "a mutant allocates on XS");
		assert.ok(xs.growthSlots <= 0, `the live heap grew by ${xs.growthSlots} slots`);
	});
});
