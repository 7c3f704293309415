// XS entry module for the benchmark (bench/xs-run.ts): kirm's `sip` 0.0.6 parser over the corpus, on the XS
// engine, reading the same fields as its Node adapter (bench/peers.ts): method or status, Call-ID, CSeq number
// and method, top Via branch. `./xs-kirm-sip.js` is the ES-module wrapper bench/xs-run.ts generates under
// build/bench/ before loading this module (types: xs-kirm-sip.d.ts).
//
// kirm's transports hand parse() `buffer.toString('binary')`. XS has no Buffer or TextDecoder, so the latin1
// string is made here from the wire bytes, inside the measured step, as the Node adapter's work includes it.
import { corpus, expectedChecksum } from './corpus.js';
import { parse } from './xs-kirm-sip.js';

const messages: readonly Uint8Array[] = corpus.map((m) => m.bytes);
const count = messages.length;
let sink = 0;

/** One char per byte (latin1), what Node's `buffer.toString('binary')` gives; one native call. */
export function latin1(bytes: Uint8Array): string {
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/** The Node adapter's parse(), on a latin1 string made from the bytes. -1 if kirm returned nothing. */
export function parseKirm(bytes: Uint8Array): number {
  const m = parse(latin1(bytes));
  if (m === undefined) return -1;
  const h = m.headers;
  const first = m.status !== undefined ? m.status : (m.method as string).length;
  const via = h.via as NonNullable<typeof h.via>;
  const cseq = h.cseq as { seq: number; method: string };
  return first + (h['call-id'] as string).length + cseq.seq + cseq.method.length + (via[0]?.params['branch'] as string).length;
}

/** One line per message whose checksum is wrong on this engine; empty when all are right. */
export function check(): string[] {
  const faults: string[] = [];
  for (const m of corpus) {
    let got: number | string;
    try {
      got = parseKirm(m.bytes);
    } catch (e) {
      got = `an exception: ${String(e)}`;
    }
    const want = expectedChecksum(m.expect);
    if (got !== want) faults.push(`${m.name}: parseKirm returned ${got}, expected ${want}`);
  }
  return faults;
}

export function messageCount(): number {
  return count;
}

/** One measured iteration: latin1 decode + kirm parse + field reads of corpus message i mod N. */
export function step(i: number): void {
  sink = (sink + parseKirm(messages[i % count] as Uint8Array)) | 0;
}

/** The latin1 decode alone (it is part of `step`), to show its share. */
export function decodeStep(i: number): void {
  sink = (sink + latin1(messages[i % count] as Uint8Array).length) | 0;
}

export function result(): number {
  return sink;
}
