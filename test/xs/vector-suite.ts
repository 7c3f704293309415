// The standard tests of a host-free vector module (test/vectors/*-vectors.ts), declared once: the vectors pass on Node,
// every vector names what it checks, they pass on the real XS engine with the same outcome, and each vector gives the
// same trace line by line on both — DESIGN.md §7. And the hot paths of an entry module measured on XS: no heap slot
// per call (DESIGN.md §3).
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureOnXs, runOnNode, runOnXs } from './xsnap-host.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** A compiled module, relative to build/test/xs/, and the export an engine calls there ('main' when absent). */
export interface ModuleExport {
  module: string;
  exportName?: string;
}

/** What a vector module's runner returns; from an entry module's main(), with the vector count that engine computed. */
interface VectorsOutcome {
  passed: number;
  failures: string[];
  count?: number;
}

export interface VectorModule {
  /** The describe() title: the vector module, and the standards it checks. */
  title: string;
  /** Names the xsnap runs: `xsnap (<what> vectors)`, `xsnap (<what> traces)`. */
  what: string;
  vectors: readonly { name: string }[];
  /** The module's *_VECTOR_COUNT. */
  count: number;
  /** The module's runner, run here on Node. */
  run(): { passed: number; failures: string[] };
  /** What every vector's name must cite: in words, and as a pattern (an opening parenthesis, then the citation). */
  cites: { says: string; pattern: RegExp };
  /** Where each engine computes the outcome; `counted`: it reports the vector count it computed, too. */
  outcome: ModuleExport & { counted: boolean };
  /** Where each engine computes every vector's trace; `word`: what a trace is called in the test's title. */
  traces: ModuleExport & { exportName: string; word: 'trace' | 'timeline' };
  timeout: number;
}

/** Declares the vector module's suite: on Node, on XS, the same outcome and the same traces on both. */
export function describeVectorModule(m: VectorModule): void {
  const outcome = path.join(here, m.outcome.module), traces = path.join(here, m.traces.module);

  describe(m.title, function () {
    this.timeout(m.timeout);

    it('passes every vector on Node', () => {
      const { passed, failures } = m.run();
      assert.deepEqual(failures, []);
      assert.equal(passed, m.count);
    });

    it(`names ${m.cites.says} in every vector, each name once`, () => {
      const names = m.vectors.map((v) => v.name);
      assert.deepEqual(names.filter((n) => !m.cites.pattern.test(n)), []);
      assert.equal(new Set(names).size, names.length);
    });

    it('passes every vector on XS, with the same outcome as on Node', async () => {
      const xs = await runOnXs<VectorsOutcome>(outcome, { exportName: m.outcome.exportName, name: `xsnap (${m.what} vectors)` });
      assert.deepEqual(xs.result.failures, [], 'vectors failing on XS');
      if (m.outcome.counted) assert.equal(xs.result.count, m.count);
      assert.equal(xs.result.passed, m.count);
      const node = await runOnNode<VectorsOutcome>(outcome, { exportName: m.outcome.exportName });
      assert.deepEqual(xs.result, node.result, 'XS and Node give the same outcome');
      assert.deepEqual({ passed: node.result.passed, failures: node.result.failures }, m.run());
    });

    it(`gives the same ${m.traces.word} line by line on XS as on Node`, async () => {
      const xs = await runOnXs<string[][]>(traces, { exportName: m.traces.exportName, name: `xsnap (${m.what} traces)` });
      const node = await runOnNode<string[][]>(traces, { exportName: m.traces.exportName });
      assert.equal(xs.result.length, m.count);
      assert.deepEqual(xs.result, node.result);
    });
  });
}

/**
 * Declares, inside the caller's describe(), one test per case: the entry module's export, called `iterations` times
 * on XS after `warmup` calls, takes no heap slot and no memory per call, and no GC runs (DESIGN.md §3).
 * A case is [what it does, export name, iterations].
 */
export function itAllocatesNothingOnXs(entryModule: string, cases: readonly [string, string, number][], warmup: number): void {
  const entry = path.join(here, entryModule);
  for (const [what, exportName, iterations] of cases) {
    it(`${what}: 0 heap slots per call`, async () => {
      const m = await measureOnXs(entry, { exportName, iterations, warmup, name: `xsnap (${exportName})` });
      console.log(`      XS ${exportName}: ${m.perIteration.compute.toFixed(0)} compute/call, ${m.perIteration.heapSlots} slots/call`);
      assert.equal(m.organicGc, false, 'no GC during the measured crank');
      assert.equal(m.perIteration.heapSlots, 0, `${exportName} allocates on XS`);
      assert.equal(m.perIteration.allocateBytes, 0);
    });
  }
}
