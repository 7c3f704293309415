// The host-free media vectors (test/vectors/media-vectors.ts) on Node and on the real XS engine, and the per-frame
// media work measured there: no heap slot per frame — DESIGN.md §3, §5, §7; ITU-T G.711; RFC 3550; RFC 4733.
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describeVectorModule, itAllocatesNothingOnXs } from './vector-suite.js';
import { XsSession } from './xsnap-host.js';
import { A_TONE_HZ, B_TONE_HZ, BackToBackCall, carriesTone, DIGIT_EVERY } from '../media/session-call.js';
import { MEDIA_VECTOR_COUNT, MEDIA_VECTORS, runMediaVectors } from '../vectors/media-vectors.js';

const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'media-vectors-entry.js');

describeVectorModule({
  title: 'Media vectors (test/vectors/media-vectors.ts) on Node and on XS (G.711, RFC 3550, RFC 4733)',
  what: 'media',
  vectors: MEDIA_VECTORS,
  count: MEDIA_VECTOR_COUNT,
  run: runMediaVectors,
  cites: { says: 'a section or a standard', pattern: /\((§|RFC |G\.711)/ },
  outcome: { module: 'media-vectors-entry.js', counted: true },
  traces: { module: '../vectors/media-vectors.js', exportName: 'mediaVectorTraces', word: 'trace' },
  timeout: 60_000,
});

describe('Media hot paths on XS allocate nothing per frame (DESIGN.md §3)', function () {
  this.timeout(60_000);

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

  it('sessionFrame moves a call both ways through MediaSession (run on Node: each side hears the other\'s tone, digits arrive)', async () => {
    const entryModule = (await import(pathToFileURL(entry).href)) as typeof import('./media-vectors-entry.js');
    const { call } = entryModule;
    const frames = 1500;
    let aHears = 0, bHears = 0, aHearsOwn = 0, bHearsOwn = 0, counted = 0;
    for (let i = 0; i < frames; i++) {
      entryModule.sessionFrame(i);
      if (call.frames <= 5) continue; // the jitter buffer fills
      counted++;
      if (carriesTone(call.bSpeaker, A_TONE_HZ)) bHears++;
      if (carriesTone(call.aSpeaker, B_TONE_HZ)) aHears++;
      if (carriesTone(call.bSpeaker, B_TONE_HZ)) bHearsOwn++;
      if (carriesTone(call.aSpeaker, A_TONE_HZ)) aHearsOwn++;
    }
    // A digit replaces a side's audio for 8 of every 2 × DIGIT_EVERY frames; the rest is the far side's tone.
    const expected = 1 - 8 / (2 * DIGIT_EVERY) - 0.02;
    assert.ok(bHears / counted >= expected, `B hears A's ${A_TONE_HZ} Hz in ${bHears} of ${counted} frames`);
    assert.ok(aHears / counted >= expected, `A hears B's ${B_TONE_HZ} Hz in ${aHears} of ${counted} frames`);
    assert.equal(aHearsOwn + bHearsOwn, 0, 'no side hears its own tone');
    assert.deepEqual(entryModule.sessionFaults(), []);
    const c = entryModule.sessionCounters();
    assert.ok((c['bDigitsReceived'] ?? 0) >= 10 && (c['aDigitsReceived'] ?? 0) >= 10, JSON.stringify(c));
    assert.ok((c['aRtcpPeerReports'] ?? 0) >= 3 && (c['bRtcpPeerReports'] ?? 0) >= 3, JSON.stringify(c));
  });

  it('sessionFrame runs the same call on XS as on Node (same counters and last speaker frames after 1,500 frames)', async () => {
    const session = await XsSession.open({ name: 'xsnap (sessionFrame call)' });
    try {
      await session.load(entry);
      await session.loop(entry, 'sessionFrame', 1500);
      const { value: faults } = await session.call<string[]>(entry, 'sessionFaults');
      assert.deepEqual(faults, [], 'faults on XS');
      const { value: xs } = await session.call<Record<string, number>>(entry, 'sessionCounters');
      // A call of its own on Node (the entry module's call may have run already in this process).
      const node = new BackToBackCall();
      for (let i = 0; i < 1500; i++) node.frame();
      assert.equal(xs['frames'], 1500);
      assert.deepEqual(xs, node.counters());
    } finally {
      await session.close();
    }
  });

  itAllocatesNothingOnXs('media-vectors-entry.js', [
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
    ['MediaSession call, both directions of one 20 ms frame: RTP + RTCP delivered, both ticked, an RFC 4733 digit every 50', 'sessionFrame', 2000],
  ], 500);
});
