// Our parser as a benchmark adapter: full framing (§18.3) and validation (§8.2), then the fields a transaction
// layer matches on, read as offsets — no string is made. Host-free, so the same code runs on XS.
// Validation has already parsed CSeq and the top Via (every Via, From, To, Contact, Record-Route too); the
// fields are read from those readers, as the transaction layer does.
import { SipParser } from '../src/sip/parser.js';
import { DEFAULT_LIMITS } from '../src/sip/limits.js';
import { H_CALL_ID } from '../src/sip/header-ids.js';

const parser = new SipParser(DEFAULT_LIMITS);
const cseq = parser.validator.cseq;
const via = parser.validator.topVia;

/**
 * Parse one datagram and return the corpus checksum (method length or status + Call-ID length + CSeq number
 * + CSeq method length + top-Via branch length), or -1 if the message was refused.
 */
export function parseOurs(bytes: Uint8Array): number {
  if (parser.parse(bytes, 0, bytes.length) !== 0) return -1;
  const m = parser.view;
  let sum = m.isRequest ? m.methodEnd - m.methodStart : m.status;
  const callId = m.find(H_CALL_ID);
  sum += m.valueEnd(callId) - m.valueStart(callId);
  sum += cseq.number + cseq.methodEnd - cseq.methodStart;
  if (via.branch.start < 0) return -1;
  return sum + via.branch.end - via.branch.start;
}
