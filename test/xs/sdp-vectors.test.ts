// The host-free SDP vectors (test/vectors/sdp-vectors.ts) on Node and on the real XS engine, and the offer/answer work
// of one message measured there: no heap slot per message — DESIGN.md §3, §7; RFC 4566; RFC 3264.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureOnXs, runOnNode, runOnXs } from './xsnap-host.js';
import type { SdpVectorsOutcome } from './sdp-vectors-entry.js';
import { runSdpVectors, SDP_VECTOR_COUNT, SDP_VECTORS } from '../vectors/sdp-vectors.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const entry = path.join(here, 'sdp-vectors-entry.js');
const vectors = path.join(here, '..', 'vectors', 'sdp-vectors.js');

describe('SDP vectors (test/vectors/sdp-vectors.ts) on Node and on XS (RFC 4566, RFC 3264)', function () {
  this.timeout(60_000);

  it('passes every vector on Node', () => {
    const { passed, failures } = runSdpVectors();
    assert.deepEqual(failures, []);
    assert.equal(passed, SDP_VECTOR_COUNT);
  });

  it('names a section or a standard in every vector, each name once', () => {
    const names = SDP_VECTORS.map((v) => v.name);
    assert.deepEqual(names.filter((n) => !/\((§|RFC )/.test(n)), []);
    assert.equal(new Set(names).size, names.length);
  });

  it('passes every vector on XS, with the same outcome as on Node', async () => {
    const xs = await runOnXs<SdpVectorsOutcome>(entry, { name: 'xsnap (sdp vectors)' });
    assert.deepEqual(xs.result.failures, [], 'vectors failing on XS');
    assert.equal(xs.result.count, SDP_VECTOR_COUNT);
    assert.equal(xs.result.passed, SDP_VECTOR_COUNT);
    const node = await runOnNode<SdpVectorsOutcome>(entry);
    assert.deepEqual(xs.result, node.result, 'XS and Node give the same outcome');
  });

  it('gives the same trace line by line on XS as on Node', async () => {
    const xs = await runOnXs<string[][]>(vectors, { exportName: 'sdpVectorTraces', name: 'xsnap (sdp traces)' });
    const node = await runOnNode<string[][]>(vectors, { exportName: 'sdpVectorTraces' });
    assert.equal(xs.result.length, SDP_VECTOR_COUNT);
    assert.deepEqual(xs.result, node.result);
  });
});

describe('Offer/answer on XS allocates nothing per message after warm-up (DESIGN.md §3)', function () {
  this.timeout(60_000);

  const cases: [string, string, number][] = [
    ['offer parsed (audio + video), codec chosen, answer written', 'parseAndAnswer', 1000],
    ['hold / resume re-offers answered, o= version moving each time (RFC 3264 §8)', 'holdAndResume', 1000],
    ['our offer written, the answer parsed and accepted', 'offerAndAccept', 1000],
  ];
  for (const [what, exportName, iterations] of cases) {
    it(`${what}: 0 heap slots per call`, async () => {
      const m = await measureOnXs(entry, { exportName, iterations, warmup: 200, name: `xsnap (${exportName})` });
      console.log(`      XS ${exportName}: ${m.perIteration.compute.toFixed(0)} compute/call, ${m.perIteration.heapSlots} slots/call`);
      assert.equal(m.organicGc, false, 'no GC during the measured crank');
      assert.equal(m.perIteration.heapSlots, 0, `${exportName} allocates on XS`);
      assert.equal(m.perIteration.allocateBytes, 0);
    });
  }
});
