// The XS harness itself: runs test/xs/selftest-entry.js (compiled) on the real XS engine through
// xsnap-worker, and checks results, reports, meter figures and failure handling.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureOnXs, runOnNode, runOnXs, XsSession, type XsMeter } from './xsnap-host.js';
import type { SelftestResult } from './selftest-entry.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const entry = path.join(here, 'selftest-entry.js');
const CRC_123456789 = 0xcbf43926; // CRC-32 check value

function assertMeter(meter: XsMeter | null): void {
  assert.ok(meter !== null, 'meter figures present');
  for (const key of ['compute', 'currentHeapCount', 'allocate'] as const) {
    assert.equal(typeof meter[key], 'number', key);
    assert.ok(Number.isInteger(meter[key]) && meter[key] > 0, `${key} = ${meter[key]}`);
  }
}

describe('XS harness (xsnap-worker)', function () {
  this.timeout(30_000);

  it('runs a multi-module entry and returns its result, reports and meter figures', async () => {
    const run = await runOnXs<SelftestResult>(entry);
    assert.deepEqual(run.result, { crc: CRC_123456789, sum: 477, engine: 'xs' });
    assert.deepEqual(run.reports, [
      { stage: 'imported', bytes: 64 },
      { stage: 'main', crc: CRC_123456789 },
    ]);
    assertMeter(run.meter.load);
    assertMeter(run.meter.main);
    assert.ok(run.timings.totalMs >= run.timings.startMs);
  });

  it('gives the same result as Node for the same module', async () => {
    const xs = await runOnXs<SelftestResult>(entry);
    const node = await runOnNode<SelftestResult>(entry);
    assert.deepEqual({ ...xs.result, engine: 'any' }, { ...node.result, engine: 'any' });
    assert.equal(node.result.engine, 'node');
  });

  it('meters compute deterministically across workers', async () => {
    const [a, b] = [await runOnXs(entry), await runOnXs(entry)];
    assert.equal(a.meter.load.compute, b.meter.load.compute);
    assert.equal(a.meter.main?.compute, b.meter.main?.compute);
    assert.equal(a.meter.main?.currentHeapCount, b.meter.main?.currentHeapCount);
  });

  it('waits for a promise returned by main()', async () => {
    const run = await runOnXs<SelftestResult>(entry, { args: ['async'] });
    assert.equal(run.result.crc, CRC_123456789);
  });

  it('rejects with the message and XS stack when the entry throws', async () => {
    await assert.rejects(runOnXs(entry, { args: ['throw'] }), (error: Error) => {
      assert.match(error.message, /^Error: selftest: deliberate failure \(on XS, while calling main\(\)/);
      assert.match(error.stack ?? '', /at main \(.*selftest-entry\.js:\d+\)/);
      return true;
    });
  });

  it('stops a runaway entry at the metering limit', async () => {
    await assert.rejects(runOnXs(entry, { args: ['spin'], meteringLimit: 1_000_000 }), /too much computation/);
  });

  it('stops a runaway entry at the time limit', async () => {
    await assert.rejects(runOnXs(entry, { args: ['spin'], meteringLimit: 0, timeoutMs: 300 }), /timed out after 300 ms/);
  });

  it('rejects a missing entry file', async () => {
    await assert.rejects(runOnXs(path.join(here, 'no-such-entry.js')), /entry module not found/);
  });

  describe('module loading errors', () => {
    let dir = '';
    before(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'xs-harness-'));
      const files: Record<string, string> = {
        'top-throw.js': 'export const x = 1;\nthrow new RangeError("at top level");\n',
        'missing.js': 'import { y } from "./nope.js";\nexport const x = y;\n',
        'bare.js': 'import { readFileSync } from "node:fs";\nexport const x = readFileSync;\n',
        'outside.js': 'import { z } from "../outside-root.js";\nexport const x = z;\n',
        'printer.js': 'print("hello from", "XS");\nexport function main() { return 42; }\n',
      };
      for (const [name, source] of Object.entries(files)) await writeFile(path.join(dir, name), source);
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('reports an exception at module top level', async () => {
      await assert.rejects(runOnXs(path.join(dir, 'top-throw.js')), /RangeError: at top level \(on XS, while importing/);
    });
    it('reports a missing imported module', async () => {
      await assert.rejects(runOnXs(path.join(dir, 'missing.js')), /cannot load .*nope\.js: ENOENT/);
    });
    it('refuses bare (host) imports', async () => {
      await assert.rejects(runOnXs(path.join(dir, 'bare.js')), /cannot import "node:fs" .* must be host-free/);
    });
    it('refuses modules outside the root', async () => {
      await assert.rejects(runOnXs(path.join(dir, 'outside.js')), /outside-root\.js: outside /);
    });
    it('captures print() output', async () => {
      const run = await runOnXs(path.join(dir, 'printer.js'));
      assert.equal(run.result, 42);
      assert.equal(run.stdout, 'hello from XS\n');
    });
  });

  describe('measurement', () => {
    it('measures compute and heap growth per call', async () => {
      const step = await measureOnXs(entry, { exportName: 'step', iterations: 1000, warmup: 100 });
      assert.equal(step.organicGc, false);
      assert.equal(step.perIteration.heapSlots, 0, 'step() allocates nothing');
      assert.ok(step.perIteration.compute > 0 && step.perIteration.computeGross > step.perIteration.compute);
      assertMeter(step.measured.meter);
      assertMeter(step.warmup.meter);

      const again = await measureOnXs(entry, { exportName: 'step', iterations: 1000, warmup: 100 });
      assert.equal(again.measured.meter.compute, step.measured.meter.compute, 'deterministic');

      const allocate = await measureOnXs(entry, { exportName: 'allocate', iterations: 1000 });
      assert.equal(allocate.organicGc, false);
      assert.equal(allocate.perIteration.heapSlots, 2, '{ i } = object slot + property slot');
    });

    it('flags a garbage collection during the measured crank', async () => {
      const many = await measureOnXs(entry, { exportName: 'allocate', iterations: 300_000, warmup: 0 });
      assert.equal(many.organicGc, true);
    });

    it('keeps one worker for several calls in a session', async () => {
      const session = await XsSession.open();
      try {
        await session.load(entry);
        const first = await session.call<SelftestResult>(entry, 'main');
        const second = await session.call<SelftestResult>(entry, 'main');
        assert.deepEqual(first.value, second.value);
        assert.equal(session.reports.length, 3, 'top level ran once, main twice');
        assert.equal((await session.call(entry, 'kept')).value, false);
      } finally {
        await session.close();
      }
    });
  });
});
