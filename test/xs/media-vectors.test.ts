// The host-free media vectors (test/vectors/media-vectors.ts) on Node and on the real XS engine, and the per-frame
// media work measured there: no heap slot per frame — DESIGN.md §3, §5, §7; ITU-T G.711; RFC 3550; RFC 4733.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { measureOnXs, runOnNode, runOnXs } from './xsnap-host.js';
import type { MediaVectorsOutcome } from './media-vectors-entry.js';
import { MEDIA_VECTOR_COUNT, MEDIA_VECTORS, runMediaVectors } from '../vectors/media-vectors.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const entry = path.join(here, 'media-vectors-entry.js');
const vectors = path.join(here, '..', 'vectors', 'media-vectors.js');

describe('Media vectors (test/vectors/media-vectors.ts) on Node and on XS (G.711, RFC 3550, RFC 4733)', function () {
  this.timeout(60_000);

  it('passes every vector on Node', () => {
    const { passed, failures } = runMediaVectors();
    assert.deepEqual(failures, []);
    assert.equal(passed, MEDIA_VECTOR_COUNT);
  });

  it('names a section or a standard in every vector, each name once', () => {
    const names = MEDIA_VECTORS.map((v) => v.name);
    assert.deepEqual(names.filter((n) => !/\((§|RFC |G\.711)/.test(n)), []);
    assert.equal(new Set(names).size, names.length);
  });

  it('passes every vector on XS, with the same outcome as on Node', async () => {
    const xs = await runOnXs<MediaVectorsOutcome>(entry, { name: 'xsnap (media vectors)' });
    assert.deepEqual(xs.result.failures, [], 'vectors failing on XS');
    assert.equal(xs.result.count, MEDIA_VECTOR_COUNT);
    assert.equal(xs.result.passed, MEDIA_VECTOR_COUNT);
    const node = await runOnNode<MediaVectorsOutcome>(entry);
    assert.deepEqual(xs.result, node.result, 'XS and Node give the same outcome');
  });

  it('gives the same trace line by line on XS as on Node', async () => {
    const xs = await runOnXs<string[][]>(vectors, { exportName: 'mediaVectorTraces', name: 'xsnap (media traces)' });
    const node = await runOnNode<string[][]>(vectors, { exportName: 'mediaVectorTraces' });
    assert.equal(xs.result.length, MEDIA_VECTOR_COUNT);
    assert.deepEqual(xs.result, node.result);
  });
});

describe('Media hot paths on XS allocate nothing per frame (DESIGN.md §3)', function () {
  this.timeout(60_000);

  const cases: [string, string, number][] = [
    ['G.711 μ-law encode + decode of one 160-sample frame', 'ulawFrame', 2000],
    ['G.711 A-law encode + decode of one 160-sample frame', 'alawFrame', 2000],
    ['RTP write + read (sender + receiver filter) of one packet', 'rtpPacket', 5000],
    ['RTP receive + RTCP statistics (A.1, A.8) of one packet', 'rtpReceive', 5000],
    ['RFC 4733 event packet received', 'dtmfPacket', 5000],
    ['RTCP exchange: SR/RR + SDES written and read both ways', 'rtcpExchange', 2000],
    ['jitter buffer: one packet put (reordered, lost, duplicated) + one frame taken (RFC 3550 A.8)', 'jitterFrame', 5000],
    ['G.711 App. I concealment: a frame received (cross-faded after a loss) or concealed', 'plcFrame', 5000],
    ['tones: one frame of ringback, busy, door opened, call-end warning, invalid code (E.180 §2)', 'toneFrame', 5000],
    ['echo suppressor: one far + mic frame pair through every floor and gain ramp', 'echoFrame', 5000],
  ];
  it('the per-frame exports exercise what they name (run on Node: losses, duplicates, concealment, every floor)', async () => {
    const entryModule = (await import(pathToFileURL(entry).href)) as typeof import('./media-vectors-entry.js');
    for (let i = 0; i < 1000; i++) {
      entryModule.jitterFrame(i);
      entryModule.plcFrame(i);
      entryModule.echoFrame(i);
    }
    const seen = entryModule.exercised();
    for (const key of ['jbPlayed', 'jbLost', 'jbDuplicated', 'jbConcealed', 'plcConcealed', 'echoMicDucked', 'echoSpeakerDucked', 'echoDoubleTalk']) {
      assert.ok((seen[key] ?? 0) > 0, `${key} ${seen[key]}`);
    }
    assert.ok((seen['echoFloorChanges'] ?? 0) >= 30, `floor changes ${seen['echoFloorChanges']}`);
  });

  for (const [what, exportName, iterations] of cases) {
    it(`${what}: 0 heap slots per call`, async () => {
      const m = await measureOnXs(entry, { exportName, iterations, warmup: 500, name: `xsnap (${exportName})` });
      console.log(`      XS ${exportName}: ${m.perIteration.compute.toFixed(0)} compute/call, ${m.perIteration.heapSlots} slots/call`);
      assert.equal(m.organicGc, false, 'no GC during the measured crank');
      assert.equal(m.perIteration.heapSlots, 0, `${exportName} allocates on XS`);
      assert.equal(m.perIteration.allocateBytes, 0);
    });
  }
});
