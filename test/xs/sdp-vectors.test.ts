// The host-free SDP vectors (test/vectors/sdp-vectors.ts) on Node and on the real XS engine, and the offer/answer work
// of one message measured there: no heap slot per message — DESIGN.md §3, §7; RFC 4566; RFC 3264.
import { describeVectorModule, itAllocatesNothingOnXs } from './vector-suite.js';
import { runSdpVectors, SDP_VECTOR_COUNT, SDP_VECTORS } from '../vectors/sdp-vectors.js';

describeVectorModule({
  title: 'SDP vectors (test/vectors/sdp-vectors.ts) on Node and on XS (RFC 4566, RFC 3264)',
  what: 'sdp',
  vectors: SDP_VECTORS,
  count: SDP_VECTOR_COUNT,
  run: runSdpVectors,
  cites: { says: 'a section or a standard', pattern: /\((§|RFC )/ },
  outcome: { module: 'sdp-vectors-entry.js', counted: true },
  traces: { module: '../vectors/sdp-vectors.js', exportName: 'sdpVectorTraces', word: 'trace' },
  timeout: 60_000,
});

describe('Offer/answer on XS allocates nothing per message after warm-up (DESIGN.md §3)', function () {
  this.timeout(60_000);

  itAllocatesNothingOnXs('sdp-vectors-entry.js', [
    ['offer parsed (audio + video), codec chosen, answer written', 'parseAndAnswer', 1000],
    ['hold / resume re-offers answered, o= version moving each time (RFC 3264 §8)', 'holdAndResume', 1000],
    ['our offer written, the answer parsed and accepted', 'offerAndAccept', 1000],
  ], 200);
});
