// Entry module of the XS self-test (see xsnap-host.ts for the protocol). Host-free: it imports
// only relative .js modules and uses only ECMAScript, so it runs unchanged on Node and on XS.
import { crc32, putAscii } from './selftest-lib.js';

type Report = (value: unknown) => void;
const report = (globalThis as { report?: Report }).report;

// Top level: runs once, at import.
const buffer = new Uint8Array(64);
const checkLength = putAscii(buffer, 0, '123456789');
report?.({ stage: 'imported', bytes: buffer.length });

export interface SelftestResult {
  crc: number;
  sum: number;
  engine: string;
}

export function main(mode = 'ok'): SelftestResult | Promise<SelftestResult> {
  if (mode === 'throw') throw new Error('selftest: deliberate failure');
  if (mode === 'spin') {
    let n = 0;
    for (;;) n = (n + 1) | 0;
  }
  let sum = 0;
  for (let i = 0; i < checkLength; i++) sum += buffer[i]!;
  // XS has no `process`; Node does. Only a label for the report, not used for behaviour.
  const engine = typeof (globalThis as { process?: unknown }).process === 'object' ? 'node' : 'xs';
  const result: SelftestResult = { crc: crc32(buffer, 0, checkLength), sum, engine };
  report?.({ stage: 'main', crc: result.crc });
  return mode === 'async' ? Promise.resolve().then(() => result) : result;
}

// For the measurement helper: one call of each does the same work.
/** Allocates nothing: CRC of the preallocated buffer. */
export function step(_i: number): number {
  return crc32(buffer, 0, checkLength);
}

let keep: object | null = null;
/** Allocates one small object per call (garbage by the next call). */
export function allocate(i: number): void {
  keep = { i };
}
export function kept(): boolean {
  return keep !== null;
}
