// `npm run bench`, media section — DESIGN.md §3, §5; issue 5 §8: the whole per-frame path (bench/xs-media-entry.ts:
// capture → echo suppressor → G.711 encode → RTP write → loopback RTP read → jitter buffer → decode → playout buffer,
// 2 % of the packets lost) on Node — frames per second, GC events over a simulated 10-minute call (30,000 frames),
// bytes allocated per frame — and on the real XS engine: metered compute and heap slots per 20 ms frame, for each
// stage on its own (jitter buffer, concealment, echo suppressor, G.711, RTP), the path, and a whole call through the
// MediaSession class (bench/xs-media-entry.ts callFrame: two sessions back to back, both directions, RTP + RTCP +
// RFC 4733 digits), each beside the figure the same job took with the media code before the compute work (BEFORE),
// and what that means for an ESP32 core at an assumed cycles-per-unit figure. Nothing here asserts a time.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { XS_SLOT_BYTES_ESP32, XsSession } from '../test/xs/xsnap-host.js';
import { ALAW_TABLES, ULAW_TABLES } from '../src/media/g711.js';
import { countGc, fmtFixed, fmtInt, getGc, measureAllocation, measureThroughput, printTable, type ParseFn, type Sample } from './harness.js';
import * as media from './xs-media-entry.js';

const here = path.dirname(fileURLToPath(import.meta.url)); // build/bench
const ENTRY = path.join(here, 'xs-media-entry.js');
/** A 10-minute call: 30,000 frames of 20 ms. */
const CALL_FRAMES = 30_000;
/** One frame's time budget, µs. */
const FRAME_US = 20_000;
/** The row of the call through MediaSession (bench/xs-media-entry.ts callFrame), in both tables. */
const CALL_ROW = 'MediaSession: both directions of a call, per 20 ms frame';
/** The rows of the whole per-frame path (bench/xs-media-entry.ts step, stepSteady). */
const PATH_ROW = 'whole path (step), 2 % lost';
const STEADY_ROW = 'whole path, steady call (none lost)';
/** Targets per 20 ms frame, XS compute units. */
const PATH_TARGET = 8000;
const CALL_TARGET = 16_000;
/** The ESP32's core clock (MHz), and the cycles per compute unit assumed for the estimate (what this host shows, rounded up). */
const ESP32_MHZ = 240;
const ASSUMED_CYCLES_PER_UNIT = 30;
/** The XS worker's CPU time per frame on this host with the media code of BEFORE_COMMIT, µs (measured as wallUs is now). */
const BEFORE_CPU_US = Object.freeze({ steady: 300, path: 328, call: 720 });
/** Bytes of G.711 tables with the media code of BEFORE_COMMIT (a segment table and a decode table per law). */
const BEFORE_TABLE_BYTES = 1288;
/** Heap slots of one MediaSession on XS with the media code of BEFORE_COMMIT. */
const BEFORE_SESSION_SLOTS = 525;
/** Cycles per unit of the path with the media code of BEFORE_COMMIT on this host (its CPU time × clock ÷ compute). */
const BEFORE_CYCLES_PER_UNIT = 14;
/** The commit whose media code the "before" column measured (src/media as it was before the compute work). */
const BEFORE_COMMIT = 'aea3bda';
/** XS compute per frame of each row, measured with the media code of BEFORE_COMMIT (the same jobs as now). */
const BEFORE: Readonly<Record<string, number>> = Object.freeze({
  [media.STAGES[0]![0]]: 22_431,
  [media.STAGES[1]![0]]: 208_218,
  [media.STAGES[2]![0]]: 15_912,
  [media.STAGES[3]![0]]: 17_810,
  [media.STAGES[4]![0]]: 1_345,
  [PATH_ROW]: 54_660,
  [STEADY_ROW]: 51_139,
  [CALL_ROW]: 121_091,
});

/** The harness measures functions of a corpus sample; a frame step ignores it. */
const ONE: readonly Sample[] = [{ bytes: new Uint8Array(0), text: '' }];

function frameFn(name: string): ParseFn {
  const fn = (media as unknown as Record<string, (i: number) => void>)[name];
  if (typeof fn !== 'function') throw new Error(`bench/xs-media-entry.ts has no export ${name}`);
  return () => {
    fn(0);
    return 0;
  };
}

interface NodeRow {
  what: string;
  framesPerSec: number;
  gcEvents: number | null;
  gcFrames: number;
  bytesPerFrame: number | null;
}

interface XsRow {
  what: string;
  compute: number;
  slots: number;
  growth: number;
  frames: number;
  organicGc: boolean;
  wallUs: number;
}

/**
 * One export on XS in its own worker: compute and slots per frame, heap growth, wall time on this host. The measured
 * run is `cranks` cranks of `frames` frames (a crank must stay under the worker's meter limit, ~2e9); each starts
 * with a full gc(), and its growth is taken against the live heap after gc() in a crank of no frames.
 */
async function measureXs(what: string, exportName: string, frames: number, cranks: number, checkExport: string | null): Promise<XsRow> {
  const session = await XsSession.open({ name: `xsnap (media ${exportName})`, timeoutMs: 120_000 });
  try {
    await session.load(ENTRY);
    const m = await session.measure(ENTRY, exportName, frames, 1000);
    let growth = m.measured.meter.currentHeapCount - m.baseline.meter.currentHeapCount;
    let organicGc = m.organicGc;
    for (let k = 1; k < cranks; k++) {
      const phase = await session.loop(ENTRY, exportName, frames);
      growth += phase.meter.currentHeapCount - m.baseline.meter.currentHeapCount;
      organicGc ||= phase.organicGc;
    }
    if (checkExport !== null) {
      const { value: faults } = await session.call<string[]>(ENTRY, checkExport);
      if (faults.length > 0) throw new Error(`${what} on XS:\n  ${faults.join('\n  ')}`);
    }
    // Time on this host: the worker's CPU time (user + system, /proc/<pid>/stat) over a crank of frames, minus the same
    // crank of a no-op — CPU time, not wall time, which a shared machine's other work inflates. Wall time where there is
    // no /proc.
    const n = Math.max(500, Math.min(10_000, Math.round(2e8 / m.perIteration.compute)));
    const cpu = (): number => cpuSeconds(session.pid) ?? performance.now() / 1000;
    let t = cpu();
    await session.loop(ENTRY, exportName, n);
    const used = cpu() - t;
    t = cpu();
    await session.loop(ENTRY, null, n);
    const idle = cpu() - t;
    return {
      what,
      compute: m.perIteration.compute,
      slots: growth / (frames * cranks),
      growth,
      frames: frames * cranks,
      organicGc,
      wallUs: ((used - idle) * 1e6) / n,
    };
  } finally {
    await session.close();
  }
}

/** Print the media tables. `quick` shortens the Node windows; `xs: false` (or `--no-xs`) skips the XS part. */
export async function runMediaSection(quick: boolean, options: { xs?: boolean } = {}): Promise<void> {
  const started = performance.now();
  const timing = quick ? { warmupMs: 150, runMs: 500 } : { warmupMs: 500, runMs: 1500 };
  console.log('');
  console.log(
    'Media (DESIGN.md §5): one 20 ms frame each way — capture → echo suppressor → G.711 μ-law → RTP write → loopback ' +
      `RTP read → jitter buffer (2 % lost: concealed) → decode → playout buffer`,
  );
  // The path works before it is timed: a few seconds of call, then its own check.
  const path1 = frameFn('step');
  for (let k = 0; k < 2000; k++) path1(ONE[0]!.bytes, '');
  const faults = media.check();
  if (faults.length > 0) throw new Error(`media path on Node:\n  ${faults.join('\n  ')}`);

  const gc = getGc();
  const rows: NodeRow[] = [];
  gc?.();
  const pathRate = measureThroughput(path1, ONE, timing);
  gc?.();
  const g = await countGc(path1, ONE, { messages: CALL_FRAMES });
  // No forced GC here: a full GC flushes compiled code, whose recompilation would be counted. A first short run takes
  // the measurement's own first-call costs (~9 KB) out of the figure.
  measureAllocation(path1, ONE, { messages: 1000 });
  const alloc = measureAllocation(path1, ONE, { messages: CALL_FRAMES });
  rows.push({ what: PATH_ROW, framesPerSec: pathRate, gcEvents: g.events, gcFrames: g.messages, bytesPerFrame: alloc.bytesPerMessage });
  for (const [label, name] of media.STAGES) {
    gc?.();
    rows.push({ what: `  ${label}`, framesPerSec: measureThroughput(frameFn(name), ONE, timing), gcEvents: null, gcFrames: 0, bytesPerFrame: null });
  }
  // The whole call through MediaSession: it works first (2,000 frames, its own check), then the same figures as the path.
  const callFn = frameFn('callFrame');
  for (let k = 0; k < 2000; k++) callFn(ONE[0]!.bytes, '');
  const callFaults = media.callCheck();
  if (callFaults.length > 0) throw new Error(`${CALL_ROW} on Node:\n  ${callFaults.join('\n  ')}`);
  gc?.();
  const callRate = measureThroughput(callFn, ONE, timing);
  gc?.();
  const callGc = await countGc(callFn, ONE, { messages: CALL_FRAMES });
  measureAllocation(callFn, ONE, { messages: 1000 });
  const callAlloc = measureAllocation(callFn, ONE, { messages: CALL_FRAMES });
  rows.push({ what: CALL_ROW, framesPerSec: callRate, gcEvents: callGc.events, gcFrames: callGc.messages, bytesPerFrame: callAlloc.bytesPerMessage });
  printTable(
    ['media path on Node', 'frames/s', 'µs/frame', 'share of 20 ms', 'GC events', 'frames', 'bytes/frame'],
    rows.map((r) => [
      r.what,
      fmtInt(r.framesPerSec),
      fmtFixed(1e6 / r.framesPerSec, 2),
      `${fmtFixed((100 * 1e6) / r.framesPerSec / FRAME_US, 3)} %`,
      r.gcEvents === null ? '-' : fmtInt(r.gcEvents),
      r.gcEvents === null ? '-' : fmtInt(r.gcFrames),
      r.bytesPerFrame === null ? '-' : fmtFixed(r.bytesPerFrame, 2),
    ]),
  );
  const c = media.counters();
  console.log(
    `frames/s: best of 5 windows after warm-up; GC events: PerformanceObserver 'gc' entries over ${fmtInt(CALL_FRAMES)} frames ` +
      `(a 10-minute call) after warm-up and after growing the young generation; bytes/frame: used_heap_size delta + bytes ` +
      `freed by each GC (v8.GCProfiler) over ${fmtInt(CALL_FRAMES)} frames (${fmtInt(alloc.totalBytes)} B in all, the ` +
      `heap-statistics objects of the reading included). Path so far: ${fmtInt(c['frames'] ?? 0)} frames, ` +
      `played ${fmtInt(c['played'] ?? 0)}, concealed ${fmtInt(c['concealed'] ?? 0)} (lost ${fmtInt(c['lost'] ?? 0)}, ` +
      `inserted ${fmtInt(c['inserted'] ?? 0)}), mic ducked ${fmtInt(c['micDucked'] ?? 0)}, floor changes ${fmtInt(c['floorChanges'] ?? 0)}`,
  );
  const cc = media.callCounters();
  console.log(
    `${CALL_ROW}: two MediaSessions back to back (sendrecv PCMU + telephone-event 101, echo suppressor on), each frame ` +
      `delivers last frame's RTP and RTCP both ways (onRtp/onRtcp) and ticks both with a tone; a sendDigit every 50 frames. ` +
      `Call so far: ${fmtInt(cc['frames'] ?? 0)} frames, A sent ${fmtInt(cc['aFramesSent'] ?? 0)} audio + ` +
      `${fmtInt(cc['aEventPackets'] ?? 0)} RFC 4733 packets, B received ${fmtInt(cc['bDigitsReceived'] ?? 0)} of ` +
      `${fmtInt(cc['aDigitsSent'] ?? 0)} digits, RTCP reports received A ${fmtInt(cc['aRtcpPeerReports'] ?? 0)} / B ${fmtInt(cc['bRtcpPeerReports'] ?? 0)}; ` +
      `bytes/frame over ${fmtInt(CALL_FRAMES)} frames: ${fmtInt(callAlloc.totalBytes)} B in all`,
  );
  console.log(`target: 0 GC events over a 10-minute call on Node -> path ${g.events}, MediaSession call ${callGc.events} (Node part ${fmtFixed((performance.now() - started) / 1000, 1)} s)`);

  if (!(options.xs ?? !process.argv.includes('--no-xs'))) return;
  const xsStarted = performance.now();
  // The whole path over a 10-minute call (3 cranks of 10,000 frames); each stage over 10,000 frames.
  const frames = quick ? 3000 : 10_000;
  const whole = await measureXs(PATH_ROW, 'step', frames, quick ? 1 : CALL_FRAMES / frames, 'check');
  const steady = await measureXs(STEADY_ROW, 'stepSteady', frames, 1, 'checkSteady');
  const stages: XsRow[] = [];
  for (const [label, name, most] of media.STAGES) stages.push(await measureXs(label, name, Math.min(frames, most), 1, null));
  // The call through MediaSession: a crank of 10,000 frames stays under the meter limit.
  const callXs = await measureXs(CALL_ROW, 'callFrame', frames, 1, 'callCheck');
  const xsRows = [...stages, whole, steady, callXs];
  console.log('');
  printTable(
    ['media on XS: compute per 20 ms frame', `before (${BEFORE_COMMIT})`, 'after', 'after ÷ before', 'slots/frame', 'heap growth', 'frames', 'organic GC', 'µs CPU/frame'],
    xsRows.map((r) => {
      const before = BEFORE[r.what];
      return [
        r.what,
        before === undefined ? '-' : fmtInt(before),
        fmtInt(r.compute),
        before === undefined ? '-' : fmtFixed(r.compute / before, 3),
        fmtFixed(r.slots, 2),
        fmtInt(r.growth),
        fmtInt(r.frames),
        r.organicGc ? 'yes' : 'no',
        fmtFixed(r.wallUs, 1),
      ];
    }),
  );
  const hostMhz = cpuMhz();
  console.log(
    `compute = XS meter count per frame (deterministic: the same on every run; harness loop removed; ~1 per bytecode, +1 per ` +
      `typed-array element read or written by bytecode, ~2 per byte a native copy moves). "before" = the same jobs measured ` +
      `with the media code of commit ${BEFORE_COMMIT} (constants in bench/media.ts); "after" = measured now. Stages run each ` +
      `on its own state (bench/xs-media-entry.ts); the path is one 20 ms period both ways (as MediaSession.tick does it) with ` +
      `2 % of packets lost, or none (a steady call: no concealment runs); the ` +
      `MediaSession row is one frame of two sessions back to back (both directions, RTCP, RFC 4733), its own check passed on XS. ` +
      `slots/frame = heap slots allocated per frame after a 1,000-frame warm-up; heap growth = slots at the end of each ` +
      `measured crank minus the live slots after gc() before it, summed; µs CPU/frame: the XS worker's CPU time on THIS host ` +
      `(user + system, one crank of up to 10,000 frames, a no-op crank's taken off; 10 ms ticks).`,
  );
  const cyclesPerUnit = hostMhz === null ? null : (steady.wallUs * hostMhz) / steady.compute;
  const share = (units: number, cycles: number): string => `${fmtFixed((100 * units * cycles) / (ESP32_MHZ * FRAME_US), 1)} %`;
  const shares = (cycles: number): string =>
    `steady path ${share(steady.compute, cycles)}, path with 2 % loss ${share(whole.compute, cycles)}, two-way MediaSession ` +
    `frame ${share(callXs.compute, cycles)}`;
  const sharesBefore = (cycles: number): string =>
    `${share(BEFORE[STEADY_ROW] as number, cycles)}, ${share(BEFORE[PATH_ROW] as number, cycles)}, ${share(BEFORE[CALL_ROW] as number, cycles)}`;
  const cpuRatio = (r: XsRow, before: number): string => `${fmtFixed(before, 0)} -> ${fmtFixed(r.wallUs, 0)} µs (${fmtFixed(before / r.wallUs, 1)}×)`;
  console.log(
    `CPU time on this host, before -> after: steady path ${cpuRatio(steady, BEFORE_CPU_US.steady)}, path with 2 % loss ` +
      `${cpuRatio(whole, BEFORE_CPU_US.path)}, MediaSession frame ${cpuRatio(callXs, BEFORE_CPU_US.call)} (before: measured once ` +
      `the same way at ${BEFORE_COMMIT}). It falls less than the compute: the meter charges native work (copies, Math.hypot ` +
      `over a frame) less than bytecode, so a unit now costs more cycles — ${cyclesPerUnit === null ? 'n/a' : fmtFixed(cyclesPerUnit, 1)} ` +
      `per unit for the steady path here (CPU time × ${hostMhz === null ? '?' : fmtInt(hostMhz)} MHz ÷ compute), against about ` +
      `${BEFORE_CYCLES_PER_UNIT} for the code before.`,
  );
  console.log(
    `ESP32 estimate (one 240 MHz core: ${fmtInt(ESP32_MHZ * FRAME_US)} cycles per 20 ms frame), assuming ${ASSUMED_CYCLES_PER_UNIT} ` +
      `cycles per unit (about what this host shows for the new code, ${cyclesPerUnit === null ? 'not measured' : fmtFixed(cyclesPerUnit, 1)} in this ` +
      `run; it varies from run to run with the machine's load and clock): ${shares(ASSUMED_CYCLES_PER_UNIT)} of the core (before, ` +
      `at the ${BEFORE_CYCLES_PER_UNIT} its code ran at here: ${sharesBefore(BEFORE_CYCLES_PER_UNIT)}). Not measured on the board: the ` +
      `in-order Xtensa running bytecode from flash likely needs more cycles per unit; at ${2 * ASSUMED_CYCLES_PER_UNIT}: ` +
      `${shares(2 * ASSUMED_CYCLES_PER_UNIT)}.`,
  );
  const sessionSlots = await slotsPerSession();
  const laws = [ULAW_TABLES, ALAW_TABLES];
  const lawBytes = (x: (typeof laws)[number]): number =>
    x.encode.byteLength + x.ducked.byteLength + x.pairs.byteLength + x.decode.byteLength + x.magnitude.byteLength;
  const typedBytes = laws.reduce((n, x) => n + lawBytes(x), 0) + 256;
  const u = ULAW_TABLES;
  console.log(
    `memory: the G.711 tables, built once at load (frozen: a preloaded ESP32 build keeps them in flash, not RAM; none is made per call), are ` +
      `${fmtInt(typedBytes)} bytes of typed arrays: per law encode ${fmtInt(u.encode.byteLength)}, encode at the ducked gain ` +
      `${fmtInt(u.ducked.byteLength)}, decode pairs ${fmtInt(u.pairs.byteLength)}, decode ${fmtInt(u.decode.byteLength)}, ` +
      `magnitude ${fmtInt(u.magnitude.byteLength)}; and 256 of segments (${fmtInt(BEFORE_TABLE_BYTES)} with the media code of ` +
      `${BEFORE_COMMIT}). A MediaSession holds ${fmtInt(sessionSlots)} heap slots on XS ` +
      `(${BEFORE_SESSION_SLOTS} with the media code of ${BEFORE_COMMIT}), besides its buffers.`,
  );
  console.log(
    `target: path <= ${fmtInt(PATH_TARGET)} in a steady call -> ${fmtInt(steady.compute)} (${fmtInt(whole.compute)} with 2 % loss); ` +
      `MediaSession frame <= ${fmtInt(CALL_TARGET)} -> ${fmtInt(callXs.compute)}; 0 heap slots per frame on XS -> path ` +
      `${fmtFixed(whole.slots, 2)} (${fmtInt(whole.growth)} slots over ${fmtInt(whole.frames)} frames, organic GC ${whole.organicGc ? 'yes' : 'no'}), ` +
      `steady path ${fmtFixed(steady.slots, 2)}, MediaSession ${fmtFixed(callXs.slots, 2)} (${fmtInt(callXs.growth)} slots over ` +
      `${fmtInt(callXs.frames)} frames, organic GC ${callXs.organicGc ? 'yes' : 'no'}) (XS part ${fmtFixed((performance.now() - xsStarted) / 1000, 1)} s)`,
  );
}

/** Heap slots one MediaSession holds on XS: ten made and kept, the live heap after gc() before and after, ÷ 10. */
async function slotsPerSession(): Promise<number> {
  const session = await XsSession.open({ name: 'xsnap (media makeSession)' });
  try {
    await session.load(ENTRY);
    await session.loop(ENTRY, 'makeSession', 1);
    const before = await session.loop(ENTRY, null, 0);
    await session.loop(ENTRY, 'makeSession', 10);
    const after = await session.loop(ENTRY, null, 0);
    return (after.meter.currentHeapCount - before.meter.currentHeapCount) / 10;
  } finally {
    await session.close();
  }
}

/** CPU seconds (user + system) process `pid` has used, from /proc/<pid>/stat; null where there is none. */
function cpuSeconds(pid: number | undefined): number | null {
  if (pid === undefined) return null;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

/** The host's CPU clock (MHz) from /proc/cpuinfo, or null where there is none. */
function cpuMhz(): number | null {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('cpu MHz'));
    const mhz = line === undefined ? NaN : Number(line.split(':')[1]);
    return Number.isFinite(mhz) && mhz > 0 ? mhz : null;
  } catch {
    return null;
  }
}
