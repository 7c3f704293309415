// The door station on the real XS engine (xsnap): a call's per-frame path allocates nothing, and a thousand door
// calls one after the other leave the heap as they found it — DESIGN.md §3 (fixed pools, nothing allocated in a
// call), §7 (the core proven on XS).
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { measureOnXs, XsSession, XS_SLOT_BYTES_ESP32 } from './xsnap-host.js';

const entry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'intercom-entry.js');

describe('The door station on XS (src/intercom)', function () {
  this.timeout(120_000);

  it('the call\'s frames run on Node as meant: the flat\'s RTP is received and played, the station sends a packet per frame', async () => {
    const m = (await import(pathToFileURL(entry).href)) as typeof import('./intercom-entry.js');
    for (let i = 0; i < 500; i++) m.stationFrame(i);
    const c = m.inCallCounters();
    assert.equal(c.active, 1);
    assert.ok(c.packetsIn >= 500 && c.played >= 450, JSON.stringify(c));
    assert.ok(c.framesSent >= 495, JSON.stringify(c));
    for (let i = 0; i < 5; i++) m.doorCall(i);
    assert.deepEqual(m.doorCallCounters().opened, 5);
    assert.equal(m.doorCallCounters().failures, 0);
  });

  it('a call\'s per-frame path (RTP in, audio clock tick: jitter buffer, decode, mic, encode, RTP and RTCP out): 0 heap slots per frame', async () => {
    const r = await measureOnXs(entry, { exportName: 'stationFrame', iterations: 3000, warmup: 500, name: 'xsnap (stationFrame)' });
    console.log(`      XS stationFrame: ${r.perIteration.compute.toFixed(0)} compute/frame, ${r.perIteration.heapSlots} slots/frame`);
    assert.equal(r.organicGc, false, 'no GC during the measured crank');
    assert.equal(r.perIteration.heapSlots, 0, 'the in-call frame allocates on XS');
    assert.equal(r.perIteration.allocateBytes, 0);
  });

  it('1,000 door calls (press, answer, 1234# by RFC 4733, relay, hang-up) leave 0 slots of growth on the live heap', async () => {
    const session = await XsSession.open({ name: 'xsnap (1,000 door calls)', timeoutMs: 60_000 });
    try {
      await session.load(entry);
      await session.loop(entry, 'doorCall', 20); // the pools, the wheel and the caches take their size
      const before = await session.loop(entry, null, 0); // gc(): the live heap
      const t = Date.now();
      for (let k = 0; k < 10; k++) await session.loop(entry, 'doorCall', 100); // cranks of 100: each within the meter's limit
      console.log(`      XS: 1,000 door calls in ${((Date.now() - t) / 1000).toFixed(1)} s`);
      const after = await session.loop(entry, null, 0);
      const { value: c } = await session.call<Record<string, number>>(entry, 'doorCallCounters');
      assert.equal(c.failures, 0, JSON.stringify(c));
      assert.equal(c.opened, 1020, 'every call opened the door');
      assert.equal(c.wheelTimers, 0, 'no timer left');
      const growth = after.meter.currentHeapCount - before.meter.currentHeapCount;
      console.log(`      XS 1,000 door calls: live heap ${before.meter.currentHeapCount} → ${after.meter.currentHeapCount} slots (growth ${growth}, ${growth * XS_SLOT_BYTES_ESP32} B on a 32-bit MCU)`);
      // A slot or two may come free (what the harness held of the last call); none may be added.
      assert.ok(growth <= 0, `the live heap grew by ${growth} slots over 1,000 door calls`);
    } finally {
      await session.close();
    }
  });
});
