// The host-free timer-wheel vectors (test/vectors/timer-vectors.ts) on Node and on the real XS engine: the same
// expiries, in the same order, at the same times on both — DESIGN.md §4, §7; RFC 3261 §17.1.1.2, §17.1.2.2.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOnNode, runOnXs } from './xsnap-host.js';
import { runTimerVectors, TIMER_VECTOR_COUNT, TIMER_VECTORS } from '../vectors/timer-vectors.js';

const vectors = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'vectors', 'timer-vectors.js');

interface Outcome {
  passed: number;
  failures: string[];
}

describe('Timer wheel vectors (test/vectors/timer-vectors.ts) on Node and on XS (DESIGN.md §4)', function () {
  this.timeout(30_000);

  it('passes every vector on Node', () => {
    const { passed, failures } = runTimerVectors();
    assert.deepEqual(failures, []);
    assert.equal(passed, TIMER_VECTOR_COUNT);
  });

  it('names a section or DESIGN.md in every vector, each name once', () => {
    const names = TIMER_VECTORS.map((v) => v.name);
    assert.deepEqual(names.filter((n) => !/\((RFC |DESIGN)/.test(n)), []);
    assert.equal(new Set(names).size, names.length);
  });

  it('passes every vector on XS, with the same outcome as on Node', async () => {
    const xs = await runOnXs<Outcome>(vectors, { exportName: 'runTimerVectors', name: 'xsnap (timer vectors)' });
    assert.deepEqual(xs.result.failures, [], 'vectors failing on XS');
    assert.equal(xs.result.passed, TIMER_VECTOR_COUNT);
    const node = await runOnNode<Outcome>(vectors, { exportName: 'runTimerVectors' });
    assert.deepEqual(xs.result, node.result, 'XS and Node give the same outcome');
  });

  it('gives the same trace line by line on XS as on Node', async () => {
    const xs = await runOnXs<string[][]>(vectors, { exportName: 'timerVectorTraces', name: 'xsnap (timer traces)' });
    const node = await runOnNode<string[][]>(vectors, { exportName: 'timerVectorTraces' });
    assert.equal(xs.result.length, TIMER_VECTOR_COUNT);
    assert.deepEqual(xs.result, node.result);
  });
});
