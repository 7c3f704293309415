// Entry module (see xsnap-host.ts for the contract): the message layer's parse and writer vectors, run by
// test/xs/sip-vectors.test.ts on XS and on Node. Host-free: relative project imports only.
import { runSipVectors, SIP_VECTOR_COUNT } from '../vectors/sip-vectors.js';

export interface SipVectorsOutcome {
  /** vectors that passed */
  passed: number;
  /** "<vector name>: <what differed>", one per failing vector */
  failures: string[];
  /** SIP_VECTOR_COUNT as this engine computed it */
  count: number;
}

export function main(): SipVectorsOutcome {
  const { passed, failures } = runSipVectors();
  return { passed, failures, count: SIP_VECTOR_COUNT };
}
