// The host-free digest vectors (test/vectors/digest-vectors.ts) on Node and on the real XS engine, and the work of
// answering a challenge measured there: no heap slot per call — DESIGN.md §3, §7; RFC 1321; FIPS 180-4; RFC 7616.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureOnXs, runOnNode, runOnXs } from './xsnap-host.js';
import type { DigestVectorsOutcome } from './digest-vectors-entry.js';
import { DIGEST_VECTOR_COUNT, DIGEST_VECTORS, runDigestVectors } from '../vectors/digest-vectors.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const entry = path.join(here, 'digest-vectors-entry.js');
const vectors = path.join(here, '..', 'vectors', 'digest-vectors.js');

describe('Digest vectors (test/vectors/digest-vectors.ts) on Node and on XS (RFC 1321, FIPS 180-4, RFC 7616)', function () {
  this.timeout(60_000);

  it('passes every vector on Node', () => {
    const { passed, failures } = runDigestVectors();
    assert.deepEqual(failures, []);
    assert.equal(passed, DIGEST_VECTOR_COUNT);
  });

  it('names a section or a standard in every vector, each name once', () => {
    const names = DIGEST_VECTORS.map((v) => v.name);
    assert.deepEqual(names.filter((n) => !/\((RFC |FIPS )/.test(n)), []);
    assert.equal(new Set(names).size, names.length);
  });

  it('passes every vector on XS, with the same outcome as on Node', async () => {
    const xs = await runOnXs<DigestVectorsOutcome>(entry, { name: 'xsnap (digest vectors)' });
    assert.deepEqual(xs.result.failures, [], 'vectors failing on XS');
    assert.equal(xs.result.count, DIGEST_VECTOR_COUNT);
    assert.equal(xs.result.passed, DIGEST_VECTOR_COUNT);
    const node = await runOnNode<DigestVectorsOutcome>(entry);
    assert.deepEqual(xs.result, node.result, 'XS and Node give the same outcome');
  });

  it('gives the same trace line by line on XS as on Node', async () => {
    const xs = await runOnXs<string[][]>(vectors, { exportName: 'digestVectorTraces', name: 'xsnap (digest traces)' });
    const node = await runOnNode<string[][]>(vectors, { exportName: 'digestVectorTraces' });
    assert.equal(xs.result.length, DIGEST_VECTOR_COUNT);
    assert.deepEqual(xs.result, node.result);
  });
});

describe('Answering a digest challenge on XS allocates nothing per call (DESIGN.md §3)', function () {
  this.timeout(60_000);

  const cases: [string, string, number][] = [
    ['MD5 of a 150-byte message in two pieces', 'md5Message', 500],
    ['SHA-256 of a 150-byte message in two pieces', 'sha256Message', 500],
    ['WWW-Authenticate value read into a Challenge', 'readChallenge', 2000],
    ['strongest challenge chosen from a parsed 401', 'choose', 2000],
    ['Authorization field written (SHA-256 response)', 'answer', 500],
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
