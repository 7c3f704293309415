// Our parser as a benchmark adapter: full framing (§18.3) and validation (§8.2), then the fields a transaction
// layer matches on, read as offsets — no string is made. Host-free, so the same code runs on XS.
import { SipParser } from '../src/sip/parser.js';
import { DEFAULT_LIMITS } from '../src/sip/limits.js';
import { H_CALL_ID, H_CSEQ, H_VIA } from '../src/sip/header-ids.js';
import { CSeqView, parseCSeq } from '../src/sip/cseq.js';
import { parseVia, ViaView } from '../src/sip/via.js';

const parser = new SipParser(DEFAULT_LIMITS);
const cseq = new CSeqView();
const via = new ViaView();

/**
 * Parse one datagram and return the corpus checksum (method length or status + Call-ID length + CSeq number
 * + CSeq method length + top-Via branch length), or -1 if the message was refused.
 */
export function parseOurs(bytes: Uint8Array): number {
  if (parser.parse(bytes, 0, bytes.length) !== 0) return -1;
  const m = parser.view;
  const buf = m.buf;
  let sum = m.isRequest ? m.methodEnd - m.methodStart : m.status;
  const callId = m.find(H_CALL_ID);
  sum += m.valueEnd(callId) - m.valueStart(callId);
  const c = m.find(H_CSEQ);
  if (!parseCSeq(buf, m.valueStart(c), m.valueEnd(c), cseq)) return -1;
  sum += cseq.number + cseq.methodEnd - cseq.methodStart;
  const v = m.find(H_VIA);
  if (!parseVia(buf, m.valueStart(v), m.valueEnd(v), via) || via.branch.start < 0) return -1;
  return sum + via.branch.end - via.branch.start;
}
