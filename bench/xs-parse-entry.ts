// XS entry module for the benchmark (bench/xs-run.ts): our parser (bench/ours.ts) over the corpus, on the XS
// engine. Host-free: relative project imports only; see test/xs/xsnap-host.ts for the entry contract.
//   check()  once, before measuring: every message's checksum against expectedChecksum (faults listed)
//   step(i)  one measured iteration: parse corpus message i mod N; the result is folded into `sink`
import { corpus, expectedChecksum } from './corpus.js';
import { parseOurs } from './ours.js';

const messages: readonly Uint8Array[] = corpus.map((m) => m.bytes);
const count = messages.length;
let sink = 0;

/** One line per message whose checksum is wrong on this engine; empty when all are right. */
export function check(): string[] {
  const faults: string[] = [];
  for (const m of corpus) {
    const got = parseOurs(m.bytes);
    const want = expectedChecksum(m.expect);
    if (got !== want) faults.push(`${m.name}: parseOurs returned ${got}, expected ${want}`);
  }
  return faults;
}

/** Number of corpus messages (a measured run is a whole number of rounds through them). */
export function messageCount(): number {
  return count;
}

export function step(i: number): void {
  sink = (sink + parseOurs(messages[i % count] as Uint8Array)) | 0;
}

/** The folded results, so the work is observably used. */
export function result(): number {
  return sink;
}
