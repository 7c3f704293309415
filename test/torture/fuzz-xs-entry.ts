// Entry module (contract in test/xs/xsnap-host.ts): the message-layer fuzz (parser-fuzz.ts) on the XS engine. Node
// hands the seed messages over once (`setup`, one char per byte); `fuzz(i)` is one mutant through every check;
// `counters()` says what was found. Host-free: relative project imports only.
import { ParserFuzz } from './parser-fuzz.js';

let fuzz: ParserFuzz | null = null;

/** Build the fuzzer over the seeds (strings of one char per byte); returns the number of seeds. */
export function setup(seeds: string[], seed: number): number {
  const bytes: Uint8Array[] = [];
  for (let k = 0; k < seeds.length; k++) {
    const s = seeds[k];
    const b = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) b[i] = s.charCodeAt(i) & 0xff;
    bytes.push(b);
  }
  fuzz = new ParserFuzz(bytes, seed);
  return bytes.length;
}

let offset = 0;

/** Where the next crank starts (the harness's loop counts from 0 in every crank). */
export function seek(from: number): void {
  offset = from;
}

/** Mutant `offset + i` through the parser, the framer and the transport. */
export function next(i: number): void {
  fuzz!.step(offset + i);
}

/** The tallies (parser-fuzz.ts `C` order), the operators' tallies and the first failures. */
export function counters(): { counts: number[]; opCounts: number[]; failures: string[] } {
  const f = fuzz!;
  const counts: number[] = [], opCounts: number[] = [];
  for (let k = 0; k < f.counts.length; k++) counts.push(f.counts[k]);
  for (let k = 0; k < f.opCounts.length; k++) opCounts.push(f.opCounts[k]);
  return { counts, opCounts, failures: f.failures.slice() };
}
