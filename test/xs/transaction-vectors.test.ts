// The host-free transaction vectors (test/vectors/transaction-vectors.ts) on Node and on the real XS engine: the
// same call flows give the same timelines on both — RFC 3261 §17, §18; RFC 6026; RFC 3581; DESIGN.md §4, §7.
import { describeVectorModule } from './vector-suite.js';
import { runTransactionVectors, TRANSACTION_VECTOR_COUNT, TRANSACTION_VECTORS } from '../vectors/transaction-vectors.js';

describeVectorModule({
  title: 'Transaction vectors (test/vectors/transaction-vectors.ts) on Node and on XS (RFC 3261 §17, §18)',
  what: 'transaction',
  vectors: TRANSACTION_VECTORS,
  count: TRANSACTION_VECTOR_COUNT,
  run: runTransactionVectors,
  cites: { says: 'a section or DESIGN.md', pattern: /\((RFC |DESIGN)/ },
  outcome: { module: 'transaction-vectors-entry.js', counted: true },
  traces: { module: 'transaction-vectors-entry.js', exportName: 'traces', word: 'timeline' },
  timeout: 60_000,
});
