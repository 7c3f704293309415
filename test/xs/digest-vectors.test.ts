// The host-free digest vectors (test/vectors/digest-vectors.ts) on Node and on the real XS engine, and the work of
// answering a challenge measured there: no heap slot per call — DESIGN.md §3, §7; RFC 1321; FIPS 180-4; RFC 7616.
import { describeVectorModule, itAllocatesNothingOnXs } from './vector-suite.js';
import { DIGEST_VECTOR_COUNT, DIGEST_VECTORS, runDigestVectors } from '../vectors/digest-vectors.js';

describeVectorModule({
  title: 'Digest vectors (test/vectors/digest-vectors.ts) on Node and on XS (RFC 1321, FIPS 180-4, RFC 7616)',
  what: 'digest',
  vectors: DIGEST_VECTORS,
  count: DIGEST_VECTOR_COUNT,
  run: runDigestVectors,
  cites: { says: 'a section or a standard', pattern: /\((RFC |FIPS )/ },
  outcome: { module: 'digest-vectors-entry.js', counted: true },
  traces: { module: '../vectors/digest-vectors.js', exportName: 'digestVectorTraces', word: 'trace' },
  timeout: 60_000,
});

describe('Answering a digest challenge on XS allocates nothing per call (DESIGN.md §3)', function () {
  this.timeout(60_000);

  itAllocatesNothingOnXs('digest-vectors-entry.js', [
    ['MD5 of a 150-byte message in two pieces', 'md5Message', 500],
    ['SHA-256 of a 150-byte message in two pieces', 'sha256Message', 500],
    ['WWW-Authenticate value read into a Challenge', 'readChallenge', 2000],
    ['strongest challenge chosen from a parsed 401', 'choose', 2000],
    ['Authorization field written (SHA-256 response)', 'answer', 500],
  ], 200);
});
