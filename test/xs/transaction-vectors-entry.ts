// Entry module (see xsnap-host.ts for the contract): the transaction-layer vectors, run by
// test/xs/transaction-vectors.test.ts on XS and on Node. Host-free: relative project imports only.
import { runTransactionVectors, TRANSACTION_VECTOR_COUNT, transactionVectorTraces } from '../vectors/transaction-vectors.js';

export interface TransactionVectorsOutcome {
  /** vectors that passed */
  passed: number;
  /** "<vector name>: line <n>: got …, expected …", one per failing vector */
  failures: string[];
  /** TRANSACTION_VECTOR_COUNT as this engine computed it */
  count: number;
}

export function main(): TransactionVectorsOutcome {
  const { passed, failures } = runTransactionVectors();
  return { passed, failures, count: TRANSACTION_VECTOR_COUNT };
}

/** Every vector's timeline, to compare the engines line by line. */
export function traces(): string[][] {
  return transactionVectorTraces();
}
