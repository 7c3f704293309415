// Adapters that run the npm SIP parsers through the entry point a receiving stack calls.
//
// Every adapter gets the received bytes, does the conversion its library needs (that is part of
// the measured work: a real stack receives bytes), parses, and then reads the fields a
// transaction layer needs to match the message: method or status, Call-ID, CSeq number and
// method, and the topmost Via's branch. Lazy parsers are thereby made to do comparable work.
// parse() returns expectedChecksum() of what it read (see corpus.ts) so the JIT cannot drop
// the work and the self-check can verify the measured path itself.

import { createRequire } from 'node:module';
import { Core } from 'sip.js';
import { expectedChecksum, type CorpusMessage, type ExpectedFields } from './corpus.js';

/** What the benchmark needs from one parser. Our own parser is added later with this shape. */
export interface ParserAdapter {
  readonly name: string;
  /** One-line description of the entry point and input conversion, for the report. */
  readonly entry: string;
  /** Called once before any measurement (build caches, load modules ...). */
  prepare?(): void;
  /**
   * Parse one received message and read method-or-status, Call-ID, CSeq (number, method) and
   * the top Via's branch. `bytes` are the wire bytes; `text` is the same message already
   * decoded (adapters that are honest about a byte-receiving stack ignore it).
   * Returns expectedChecksum() of the fields read, or -1 if the message was not parsed.
   */
  parse(bytes: Uint8Array, text: string): number;
  /** The same fields as values, for the self-check only (not measured; may allocate). */
  fields?(bytes: Uint8Array, text: string): ExpectedFields | undefined;
  /** Overrides the checksum the self-check expects (the baseline counts line ends instead). */
  expectedChecksum?(message: CorpusMessage): number;
}

const require = createRequire(import.meta.url);

/** Shared UTF-8 decoder for the string-based peers (what jssip's own Transport does). */
const utf8 = new TextDecoder('utf-8');

function checksumOf(f: ExpectedFields): number {
  return expectedChecksum(f);
}

function methodOrStatus(method: string | undefined, status: number | undefined): { method: string | undefined; status: number | undefined } {
  return status !== undefined && status > 0 ? { method: undefined, status } : { method, status: undefined };
}

// ---------------------------------------------------------------------------------------------
// kirm `sip` 0.0.6: exports.parse = parseMessage(s), called by its own UDP/TCP/WS transports
// with the received Buffer; it does s.toString('binary') (latin1) itself, then regex-splits.

interface KirmMessage {
  method?: string;
  status?: number;
  headers: {
    'call-id'?: string;
    cseq?: { seq: number; method: string };
    via?: Array<{ params: Record<string, string | null | undefined> }>;
  };
}
interface KirmSip {
  parse(data: Buffer | string): KirmMessage | undefined;
}

function kirmRead(bytes: Uint8Array): ExpectedFields | undefined {
  const kirm = require('sip') as KirmSip;
  // A dgram socket hands the stack a Buffer; this is a zero-copy view of the same bytes.
  const m = kirm.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  if (m === undefined) return undefined;
  const h = m.headers;
  const via = h.via?.[0];
  const branch = via?.params['branch'];
  if (h['call-id'] === undefined || h.cseq === undefined || typeof branch !== 'string') return undefined;
  return { ...methodOrStatus(m.method, m.status), callId: h['call-id'], cseq: h.cseq.seq, cseqMethod: h.cseq.method, branch };
}

export const kirmAdapter: ParserAdapter = (() => {
  let kirm: KirmSip | undefined;
  return {
    name: 'sip (kirm) 0.0.6',
    entry: "require('sip').parse(Buffer) — Buffer view of the datagram; parse does toString('binary') itself",
    prepare(): void {
      kirm = require('sip') as KirmSip;
    },
    parse(bytes: Uint8Array): number {
      const m = (kirm as KirmSip).parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      if (m === undefined) return -1;
      const h = m.headers;
      const first = m.status !== undefined ? m.status : (m.method as string).length;
      const via = h.via as NonNullable<KirmMessage['headers']['via']>;
      const cseq = h.cseq as { seq: number; method: string };
      return first + (h['call-id'] as string).length + cseq.seq + cseq.method.length + (via[0]?.params['branch'] as string).length;
    },
    fields: kirmRead,
  };
})();

// ---------------------------------------------------------------------------------------------
// drachtio-sip 0.6.3: `new SipMessage(string)` (lazy: headers kept as strings), then the
// accessors an app uses: get('call-id'), getParsedHeader('cseq'), getParsedHeader('via').

interface DrachtioMessage {
  method?: string;
  status?: number;
  get(name: string): string | undefined;
  getParsedHeader(name: 'cseq'): { seq: number; method: string };
  getParsedHeader(name: 'via'): Array<{ params: Record<string, string | undefined> }>;
}
type DrachtioCtor = new (raw: string) => DrachtioMessage;

function drachtioRead(bytes: Uint8Array): ExpectedFields | undefined {
  const { SipMessage } = require('drachtio-sip') as { SipMessage: DrachtioCtor };
  let m: DrachtioMessage;
  try {
    m = new SipMessage(utf8.decode(bytes));
  } catch {
    return undefined;
  }
  const callId = m.get('call-id');
  const cseq = m.getParsedHeader('cseq');
  const branch = m.getParsedHeader('via')[0]?.params['branch'];
  if (callId === undefined || typeof branch !== 'string') return undefined;
  return { ...methodOrStatus(m.method, m.status), callId, cseq: cseq.seq, cseqMethod: cseq.method, branch };
}

export const drachtioAdapter: ParserAdapter = (() => {
  let SipMessage: DrachtioCtor | undefined;
  return {
    name: 'drachtio-sip 0.6.3',
    entry: "new (require('drachtio-sip').SipMessage)(string) + get()/getParsedHeader(); bytes decoded by TextDecoder",
    prepare(): void {
      SipMessage = (require('drachtio-sip') as { SipMessage: DrachtioCtor }).SipMessage;
    },
    parse(bytes: Uint8Array): number {
      const m = new (SipMessage as DrachtioCtor)(utf8.decode(bytes));
      const first = m.status !== undefined ? m.status : (m.method as string).length;
      const cseq = m.getParsedHeader('cseq');
      const via = m.getParsedHeader('via');
      return first + (m.get('call-id') as string).length + cseq.seq + cseq.method.length + (via[0]?.params['branch'] as string).length;
    },
    fields: drachtioRead,
  };
})();

// ---------------------------------------------------------------------------------------------
// JsSIP 3.13.8: lib/Parser.js parseMessage(data, ua), exactly as UA.js onTransportData calls it.
// It is not re-exported from JsSIP.js, so it is required by path (the package has no
// "exports" map). Only Parser and its dependencies load: no WebSocket/browser needed. The `ua`
// argument is only stored on IncomingRequest, so a stand-in object serves. Its Transport turns
// binary frames into a string with TextDecoder('utf8'), the same conversion used here.

interface JssipMessage {
  method?: string;
  status_code?: number;
  call_id?: string;
  cseq?: number;
  via_branch?: string;
  parseHeader(name: string): { value: number; method: string } | undefined;
}
interface JssipParser {
  parseMessage(data: string, ua: unknown): JssipMessage | undefined;
}
const jssipUa: object = {};

function jssipRead(bytes: Uint8Array): ExpectedFields | undefined {
  const P = require('jssip/lib/Parser.js') as JssipParser;
  const m = P.parseMessage(utf8.decode(bytes), jssipUa);
  if (m === undefined) return undefined;
  const cseq = m.parseHeader('cseq');
  if (m.call_id === undefined || m.cseq === undefined || cseq === undefined || m.via_branch === undefined) return undefined;
  const isResponse = m.status_code !== undefined;
  return {
    method: isResponse ? undefined : m.method,
    status: isResponse ? m.status_code : undefined,
    callId: m.call_id, cseq: m.cseq, cseqMethod: cseq.method, branch: m.via_branch,
  };
}

export const jssipAdapter: ParserAdapter = (() => {
  let P: JssipParser | undefined;
  return {
    name: 'jssip 3.13.8',
    entry: "require('jssip/lib/Parser.js').parseMessage(string, ua); bytes decoded by TextDecoder",
    prepare(): void {
      P = require('jssip/lib/Parser.js') as JssipParser;
    },
    parse(bytes: Uint8Array): number {
      const m = (P as JssipParser).parseMessage(utf8.decode(bytes), jssipUa);
      if (m === undefined) return -1;
      const first = m.status_code !== undefined ? m.status_code : (m.method as string).length;
      // CSeq was parsed during parseMessage; parseHeader returns the cached result.
      const cseqMethod = (m.parseHeader('cseq') as { method: string }).method;
      return first + (m.call_id as string).length + (m.cseq as number) + cseqMethod.length + (m.via_branch as string).length;
    },
    fields: jssipRead,
  };
})();

// ---------------------------------------------------------------------------------------------
// SIP.js 0.21.2: Core.Parser.parseMessage(data, logger) (what its UserAgentCore transport
// handler calls); Core is the package's core export. Its web transport decodes binary frames
// with TextDecoder, as here.

const sipjsLoggerFactory = new Core.LoggerFactory();
sipjsLoggerFactory.builtinEnabled = false; // a failed parse is reported by the self-check instead
const sipjsLogger = sipjsLoggerFactory.getLogger('sip.parser');

function sipjsRead(bytes: Uint8Array): ExpectedFields | undefined {
  const m = Core.Parser.parseMessage(utf8.decode(bytes), sipjsLogger);
  if (m === undefined) return undefined;
  const cseq = m.parseHeader('cseq') as { value: number; method: string } | undefined;
  if (cseq === undefined) return undefined;
  const isResponse = m instanceof Core.IncomingResponseMessage;
  return {
    method: isResponse ? undefined : m.method,
    status: isResponse ? m.statusCode : undefined,
    callId: m.callId, cseq: m.cseq, cseqMethod: cseq.method, branch: m.viaBranch,
  };
}

export const sipjsAdapter: ParserAdapter = {
  name: 'sip.js 0.21.2',
  entry: "import { Core } from 'sip.js'; Core.Parser.parseMessage(string, logger); bytes decoded by TextDecoder",
  parse(bytes: Uint8Array): number {
    const m = Core.Parser.parseMessage(utf8.decode(bytes), sipjsLogger);
    if (m === undefined) return -1;
    const first = m instanceof Core.IncomingResponseMessage ? (m.statusCode as number) : m.method.length;
    const cseqMethod = (m.parseHeader('cseq') as { method: string }).method;
    return first + m.callId.length + m.cseq + cseqMethod.length + m.viaBranch.length;
  },
  fields: sipjsRead,
};

// ---------------------------------------------------------------------------------------------
// Baseline: one pass over the bytes counting CRLF; a floor for "touch every byte once".

export function countCrlf(bytes: Uint8Array): number {
  let n = 0;
  const last = bytes.length - 1;
  for (let i = 0; i < last; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10) n++;
  }
  return n;
}

export const baselineAdapter: ParserAdapter = {
  name: 'baseline: count CRLF',
  entry: 'one loop over the Uint8Array counting CR LF pairs (no parsing)',
  parse: countCrlf,
  expectedChecksum(message: CorpusMessage): number {
    return message.text.split('\r\n').length - 1;
  },
};

/** All npm peers, in the order they are reported. */
export const peerAdapters: readonly ParserAdapter[] = [kirmAdapter, drachtioAdapter, jssipAdapter, sipjsAdapter];

// ---------------------------------------------------------------------------------------------
// Self-check.

function describe(f: ExpectedFields | undefined): string {
  if (f === undefined) return 'undefined';
  return JSON.stringify({ method: f.method, status: f.status, callId: f.callId, cseq: f.cseq, cseqMethod: f.cseqMethod, branch: f.branch });
}

/**
 * Checks one adapter on every message: parse() must not throw and must return the expected
 * checksum; fields(), when present, must return exactly the expected values.
 * Returns one line per fault ("<adapter> / <message>: <what>"), empty if all is well.
 */
export function checkAdapter(adapter: ParserAdapter, messages: readonly CorpusMessage[]): string[] {
  const faults: string[] = [];
  adapter.prepare?.();
  for (const m of messages) {
    const where = `${adapter.name} / ${m.name}`;
    const want = adapter.expectedChecksum !== undefined ? adapter.expectedChecksum(m) : checksumOf(m.expect);
    try {
      const got = adapter.parse(m.bytes, m.text);
      if (got !== want) faults.push(`${where}: parse() returned ${got}, expected ${want}`);
    } catch (err) {
      faults.push(`${where}: parse() threw ${err instanceof Error ? err.message : String(err)}`);
    }
    if (adapter.fields !== undefined) {
      try {
        const f = adapter.fields(m.bytes, m.text);
        const e = m.expect;
        if (
          f === undefined || f.method !== e.method || f.status !== e.status || f.callId !== e.callId ||
          f.cseq !== e.cseq || f.cseqMethod !== e.cseqMethod || f.branch !== e.branch
        ) {
          faults.push(`${where}: fields() gave ${describe(f)}, expected ${describe(e)}`);
        }
      } catch (err) {
        faults.push(`${where}: fields() threw ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  return faults;
}

/** Runs checkAdapter on every adapter; throws one Error listing every fault, if any. */
export function selfCheck(adapters: readonly ParserAdapter[], messages: readonly CorpusMessage[]): void {
  const faults = adapters.flatMap((a) => checkAdapter(a, messages));
  if (faults.length > 0) throw new Error(`self-check failed:\n  ${faults.join('\n  ')}`);
}
