// The host-free DNS answer vectors (test/vectors/dns-vectors.ts) on Node and on the real XS engine, and the reading
// of answers measured there: no heap slot per answer — DESIGN.md §3, §7; RFC 1035 §4.1; RFC 2782; RFC 3263 §4.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describeVectorModule, itAllocatesNothingOnXs } from './vector-suite.js';
import { DNS_VECTOR_COUNT, DNS_VECTORS, runDnsVectors } from '../vectors/dns-vectors.js';

const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'dns-vectors-entry.js');

describeVectorModule({
  title: 'DNS answer vectors (test/vectors/dns-vectors.ts) on Node and on XS (RFC 1035, RFC 2782, RFC 3403)',
  what: 'dns',
  vectors: DNS_VECTORS,
  count: DNS_VECTOR_COUNT,
  run: runDnsVectors,
  cites: { says: 'an RFC section', pattern: /\(RFC / },
  outcome: { module: 'dns-vectors-entry.js', counted: true },
  traces: { module: '../vectors/dns-vectors.js', exportName: 'dnsVectorTraces', word: 'trace' },
  timeout: 60_000,
});

describe('Reading DNS answers on XS allocates nothing per answer after warm-up (DESIGN.md §3)', function () {
  this.timeout(60_000);

  it('the measured exports do what they name (run on Node: answers delivered, targets in SRV priority order)', async () => {
    const m = (await import(pathToFileURL(entry).href)) as typeof import('./dns-vectors-entry.js');
    for (let i = 0; i < 10; i++) m.lookupAndAnswer(i);
    m.locateCached(0);
    const seen = m.exercised();
    assert.equal(seen.answered, 20, 'two SRV records delivered per lookup');
    assert.equal(seen.refused, 0);
    assert.equal(seen.pending, 0);
    // _sip._udp.example.test: pbx1 (priority 10) before pbx2 (priority 20), addresses from the glue.
    assert.deepEqual(seen.targets, ['127.0.0.1:5062/1', '127.0.0.2:5064/1']);
  });

  itAllocatesNothingOnXs('dns-vectors-entry.js', [
    ['recorded SRV answer with glue checked and indexed (RFC 2782, RFC 1035 §4.1.4)', 'parseSrv', 2000],
    ['recorded NAPTR answer checked, services read (RFC 3403 §4.1)', 'parseNaptr', 2000],
    ['SRV lookup sent, its answer checked, cached with its glue and delivered (RFC 1035 §7)', 'lookupAndAnswer', 500],
    ['a SIP URI located from cached SRV and A records, RFC 2782 order drawn (RFC 3263 §4)', 'locateCached', 500],
  ], 200);
});
