// The host-free SIP vectors (test/vectors/sip-vectors.ts) on the real XS engine: the core must use nothing
// XS lacks, and must give the same verdicts there as on Node — RFC 3261 §7, §8, §18.3, §20; RFC 4475; RFC 5118.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOnNode, runOnXs } from './xsnap-host.js';
import type { SipVectorsOutcome } from './sip-vectors-entry.js';
import { runSipVectors, SIP_VECTOR_COUNT } from '../vectors/sip-vectors.js';

const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sip-vectors-entry.js');

describe("XS engine (xsnap): the message layer's parse/write vectors pass on XS", function () {
  this.timeout(30_000);

  it('passes every parse and writer vector on XS, as many as on Node', async () => {
    const xs = await runOnXs<SipVectorsOutcome>(entry);
    assert.deepEqual(xs.result.failures, [], 'vectors failing on XS');
    assert.equal(xs.result.count, SIP_VECTOR_COUNT);
    assert.equal(xs.result.passed, SIP_VECTOR_COUNT);

    const node = await runOnNode<SipVectorsOutcome>(entry);
    assert.deepEqual(xs.result, node.result, 'XS and Node give the same outcome');
    assert.deepEqual({ passed: node.result.passed, failures: node.result.failures }, runSipVectors());
  });
});
