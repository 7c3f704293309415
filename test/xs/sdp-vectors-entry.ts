// Entry module (contract in xsnap-host.ts): the SDP vectors, and the per-message offer/answer work measured on XS by
// test/xs/sdp-vectors.test.ts — DESIGN.md §3 (parsing and writing allocate nothing); RFC 4566; RFC 3264 §5–§8.
// Host-free: relative project imports only. Everything below is allocated once, at import.
import { ascii } from '../../src/sip/bytes.js';
import { parseSdp, SdpView } from '../../src/sip/sdp.js';
import { acceptAnswer, answerOffer, Negotiated, writeAnswer, writeOffer } from '../../src/sip/offer-answer.js';
import { Writer } from '../../src/sip/writer.js';
import {
  ASTERISK_HOLD, ASTERISK_OFFER, BARESIP_OFFER, doorMedia, runSdpVectors, SDP_VECTOR_COUNT, SIPP_PCAP_OFFER,
} from '../vectors/sdp-vectors.js';

export interface SdpVectorsOutcome {
  passed: number;
  failures: string[];
  /** SDP_VECTOR_COUNT as this engine computed it */
  count: number;
}

export function main(): SdpVectorsOutcome {
  const { passed, failures } = runSdpVectors();
  return { passed, failures, count: SDP_VECTOR_COUNT };
}

const view = new SdpView();
const negotiated = new Negotiated();
const local = doorMedia();
const writer = new Writer(1500);
const baresip = ascii(BARESIP_OFFER);
const asterisk = ascii(ASTERISK_OFFER);
const hold = ascii(ASTERISK_HOLD);
const answer = ascii(SIPP_PCAP_OFFER);

/** An incoming INVITE's offer: parse it (audio + video), choose the codec, write the answer (video rejected). */
export function parseAndAnswer(_i: number): number {
  if (!parseSdp(baresip, 0, baresip.length, view)) throw new Error('parseAndAnswer: offer refused');
  if (!answerOffer(view, local, negotiated)) throw new Error('parseAndAnswer: no codec');
  writeAnswer(writer.reset(), view, local, negotiated);
  return writer.pos;
}

/** Re-INVITEs alternating hold (sendonly) and resume: each answer differs, so the o= version moves and it is written twice. */
export function holdAndResume(i: number): number {
  const offer = (i & 1) === 0 ? hold : asterisk;
  if (!parseSdp(offer, 0, offer.length, view)) throw new Error('holdAndResume: offer refused');
  if (!answerOffer(view, local, negotiated)) throw new Error('holdAndResume: no codec');
  writeAnswer(writer.reset(), view, local, negotiated);
  return negotiated.direction;
}

/** An outgoing call: our offer written, the 200 OK's answer parsed and accepted. */
export function offerAndAccept(_i: number): number {
  writeOffer(writer.reset(), local);
  if (!parseSdp(answer, 0, answer.length, view)) throw new Error('offerAndAccept: answer refused');
  if (!acceptAnswer(view, local, negotiated)) throw new Error('offerAndAccept: answer not accepted');
  return negotiated.payloadType;
}
