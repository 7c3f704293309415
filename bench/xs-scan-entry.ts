// XS entry module for bench/profile-parser.ts: the scanner alone (framing + header table, no validation) over
// the corpus, to split our parser's XS compute between scanning and validating. Host-free, like xs-parse-entry.
//   step(i)      scan corpus message i mod N
//   messageCount()
import { corpus } from './corpus.js';
import { DEFAULT_LIMITS } from '../src/sip/limits.js';
import { MessageView } from '../src/sip/message-view.js';
import { Scanner } from '../src/sip/scanner.js';

const messages: readonly Uint8Array[] = corpus.map((m) => m.bytes);
const count = messages.length;
const scanner = new Scanner(DEFAULT_LIMITS);
const view = new MessageView(DEFAULT_LIMITS);
let sink = 0;

export function messageCount(): number {
  return count;
}

export function step(i: number): void {
  const bytes = messages[i % count] as Uint8Array;
  sink = (sink + scanner.scan(bytes, 0, bytes.length, view) + view.entryCount) | 0;
}

export function result(): number {
  return sink;
}
