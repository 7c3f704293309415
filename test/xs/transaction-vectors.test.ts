// The host-free transaction vectors (test/vectors/transaction-vectors.ts) on Node and on the real XS engine: the
// same call flows give the same timelines on both — RFC 3261 §17, §18; RFC 6026; RFC 3581; DESIGN.md §4, §7.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOnNode, runOnXs } from './xsnap-host.js';
import type { TransactionVectorsOutcome } from './transaction-vectors-entry.js';
import { runTransactionVectors, TRANSACTION_VECTOR_COUNT, TRANSACTION_VECTORS } from '../vectors/transaction-vectors.js';

const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'transaction-vectors-entry.js');

describe('Transaction vectors (test/vectors/transaction-vectors.ts) on Node and on XS (RFC 3261 §17, §18)', function () {
  this.timeout(60_000);

  it('passes every vector on Node', () => {
    const { passed, failures } = runTransactionVectors();
    assert.deepEqual(failures, []);
    assert.equal(passed, TRANSACTION_VECTOR_COUNT);
  });

  it('names a section or DESIGN.md in every vector, each name once', () => {
    const names = TRANSACTION_VECTORS.map((v) => v.name);
    assert.deepEqual(names.filter((n) => !/\((RFC |DESIGN)/.test(n)), []);
    assert.equal(new Set(names).size, names.length);
  });

  it('passes every vector on XS, with the same outcome as on Node', async () => {
    const xs = await runOnXs<TransactionVectorsOutcome>(entry, { name: 'xsnap (transaction vectors)' });
    assert.deepEqual(xs.result.failures, [], 'vectors failing on XS');
    assert.equal(xs.result.count, TRANSACTION_VECTOR_COUNT);
    assert.equal(xs.result.passed, TRANSACTION_VECTOR_COUNT);
    const node = await runOnNode<TransactionVectorsOutcome>(entry);
    assert.deepEqual(xs.result, node.result, 'XS and Node give the same outcome');
    assert.deepEqual({ passed: node.result.passed, failures: node.result.failures }, runTransactionVectors());
  });

  it('gives the same timeline line by line on XS as on Node', async () => {
    const xs = await runOnXs<string[][]>(entry, { exportName: 'traces', name: 'xsnap (transaction traces)' });
    const node = await runOnNode<string[][]>(entry, { exportName: 'traces' });
    assert.equal(xs.result.length, TRANSACTION_VECTOR_COUNT);
    assert.deepEqual(xs.result, node.result);
  });
});
