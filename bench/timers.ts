// `npm run bench`, timer section — DESIGN.md §4: the cost of one start+cancel pair (a SIP timer started and
// stopped, the common fate of Timers A, B, E, F) with 10, 1,000 and 100,000 timers running, for the station's
// timer wheel, a binary-heap baseline (bench/timer-heap.ts) and one host timer per SIP timer (Node's
// setTimeout/clearTimeout, with a closure per timer as SIP.js does); GC events during each measured run. Then
// the wheel on the real XS engine: metered compute and heap growth per pair, and per expiry.
//
// The flatness ratio (ns/pair at 100,000 ÷ at 10) is the wheel's promise: O(1) start and cancel. Nothing here
// asserts a time; ratios come from this same run.

import { constants as perfConstants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureOnXs, XS_SLOT_BYTES_ESP32 } from '../test/xs/xsnap-host.js';
import { fmtFixed, fmtInt, getGc, printTable } from './harness.js';
import { BenchClock, liveDelay, makeTimers, PAIR_DELAYS, populate, type Timers, type TimersKind } from './xs-timer-entry.js';

const here = path.dirname(fileURLToPath(import.meta.url)); // build/bench
const LIVE_COUNTS = [10, 1_000, 100_000] as const;
const PAIR_MASK = PAIR_DELAYS.length - 1;
/** The wheel's target: ns/pair with 100,000 timers at most this many times its cost with 10. */
const FLATNESS_TARGET = 1.5;

/** `live` timers running; `run(n)` does n start+cancel pairs among them. */
interface Instance {
  run(n: number): void;
  teardown(): void;
}

interface Subject {
  readonly name: string;
  /**
   * Instances with different live counts can run side by side: their timed windows are then interleaved, so a
   * machine busy with something else slows every live count alike (the flatness ratio stays honest).
   */
  readonly concurrent: boolean;
  setup(live: number): Instance;
}

let sink = 0;

/** The wheel or the heap, populated through the workload shared with the XS entry. */
function structureSubject(name: string, kind: TimersKind): Subject {
  return {
    name,
    concurrent: true,
    setup(live) {
      const { timers, owner } = populate(kind, live, new BenchClock());
      const id = owner.id;
      let i = 0;
      return {
        run(n) {
          const t = timers;
          let acc = 0;
          for (let k = 0; k < n; k++, i++) {
            const h = t.start(PAIR_DELAYS[i & PAIR_MASK] as number, id, 1, i);
            acc = (acc + h) | 0;
            t.cancel(h);
          }
          sink = (sink + acc) | 0;
        },
        teardown() {},
      };
    },
  };
}

/** One Node timer per SIP timer: setTimeout with a closure naming (kind, arg), cleared by clearTimeout. */
function hostTimerSubject(): Subject {
  let fired = 0;
  const onTimer = (kind: number, arg: number): void => {
    fired += kind + arg;
  };
  return {
    name: 'setTimeout per timer (Node)',
    concurrent: false, // one timer list per process: the live counts cannot coexist
    setup(live) {
      const running: NodeJS.Timeout[] = [];
      for (let k = 0; k < live; k++) running.push(setTimeout(() => onTimer(0, k), liveDelay(k)).unref());
      let i = 0;
      return {
        run(n) {
          for (let k = 0; k < n; k++, i++) {
            const arg = i;
            const t = setTimeout(() => onTimer(1, arg), PAIR_DELAYS[i & PAIR_MASK]);
            clearTimeout(t);
          }
          sink = (sink + fired) | 0;
        },
        teardown() {
          for (const t of running) clearTimeout(t);
        },
      };
    },
  };
}

function macrotask(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface Figures {
  nsPerPair: number;
  pairs: number;
  gcEvents: number;
  gcMinor: number;
}

interface Timing {
  warmupMs: number;
  windowMs: number;
  windows: number;
}

/** Runs pairs for `ms`, doubling the batch until one batch takes >= 1 ms; returns that batch size. */
function warmUp(instance: Instance, ms: number): number {
  let batch = 64;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    const t0 = performance.now();
    instance.run(batch);
    if (performance.now() - t0 < 1 && batch < 1 << 22) batch *= 2;
  }
  return batch;
}

/**
 * Per live count: warm-up, then `windows` timed windows of `windowMs` (interleaved across live counts when the
 * subject allows); ns/pair is the best window's (other processes only ever slow a window down). GC events are
 * PerformanceObserver 'gc' entries that started inside that live count's windows.
 */
async function measureSubject(s: Subject, timing: Timing): Promise<Figures[]> {
  const groups = s.concurrent ? [LIVE_COUNTS.map((_, j) => j)] : LIVE_COUNTS.map((_, j) => [j]);
  const figures: Figures[] = [];
  for (const group of groups) {
    const instances = group.map((j) => s.setup(LIVE_COUNTS[j] as number));
    const batches = instances.map((instance) => warmUp(instance, timing.warmupMs));
    getGc()?.();
    await macrotask();
    const entries: PerformanceEntry[] = [];
    const observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) entries.push(e);
    });
    observer.observe({ entryTypes: ['gc'] });
    const best = group.map(() => Infinity);
    const pairs = group.map(() => 0);
    const spans: number[][] = group.map(() => []);
    for (let w = 0; w < timing.windows; w++) {
      for (let g = 0; g < group.length; g++) {
        const instance = instances[g] as Instance, batch = batches[g] as number;
        let n = 0;
        const t0 = performance.now();
        let t = t0;
        do {
          instance.run(batch);
          n += batch;
          t = performance.now();
        } while (t - t0 < timing.windowMs);
        (spans[g] as number[]).push(t0, t);
        pairs[g] = (pairs[g] as number) + n;
        best[g] = Math.min(best[g] as number, ((t - t0) * 1e6) / n);
      }
    }
    await macrotask();
    await macrotask(10);
    for (const e of observer.takeRecords()) entries.push(e);
    observer.disconnect();
    for (const instance of instances) instance.teardown();
    for (let g = 0; g < group.length; g++) {
      const span = spans[g] as number[];
      let events = 0, minor = 0;
      for (const e of entries) {
        let inside = false;
        for (let k = 0; k < span.length; k += 2) if (e.startTime >= (span[k] as number) && e.startTime <= (span[k + 1] as number)) inside = true;
        if (!inside) continue;
        events++;
        const detail = (e as unknown as { detail?: { kind?: number } | null }).detail;
        if ((detail?.kind ?? 0) === perfConstants.NODE_PERFORMANCE_GC_MINOR) minor++;
      }
      figures.push({ nsPerPair: best[g] as number, pairs: pairs[g] as number, gcEvents: events, gcMinor: minor });
    }
  }
  return figures;
}

/**
 * The baseline must be a correct timer too: random timers, cancels and time steps on the wheel and on the heap
 * must fire the same timers at the same times in the same order. Returns how many fired; throws otherwise.
 */
function selfCheck(): number {
  const logs: string[] = [];
  let count = 0;
  for (const kind of ['wheel', 'heap'] as const) {
    const clock = new BenchClock();
    const timers = makeTimers(kind, 4096, clock);
    const fired: number[] = [];
    const id = timers.register({ onTimer: (_kind, arg) => void fired.push(arg, clock.t) });
    let seed = 12345;
    const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
    const handles: number[] = [];
    for (let k = 0; k < 20_000; k++) {
      const r = rnd();
      if (r < 0.5 && timers.size < 4000) {
        handles.push(timers.start(1 + Math.floor(rnd() * (rnd() < 0.7 ? 40_000 : 4_000_000)), id, 0, handles.length));
      } else if (r < 0.6 && handles.length > 0) {
        timers.cancel(handles[Math.floor(rnd() * handles.length)] as number);
      } else {
        clock.t += Math.floor(rnd() * 3000);
        timers.advance(clock.t);
      }
    }
    clock.t += 10_000_000;
    timers.advance(clock.t);
    logs.push(fired.join(','));
    count = fired.length / 2;
  }
  if (logs[0] !== logs[1]) throw new Error('timer self-check: the heap baseline and the wheel fired differently');
  return count;
}

// ---------------------------------------------------------------------------------------------
// XS

interface XsRow {
  what: string;
  live: number;
  compute: number;
  slots: number;
  growth: number;
  organicGc: boolean;
  steps: number;
}

async function measureXs(impl: TimersKind, live: number, expiry: boolean, iterations: number): Promise<XsRow> {
  const m = await measureOnXs(path.join(here, 'xs-timer-entry.js'), {
    name: `xsnap (timers ${impl} ${live})`,
    timeoutMs: 60_000,
    setupExport: expiry ? 'setupExpiry' : 'setup',
    setupArgs: [impl, live],
    exportName: expiry ? 'expiryStep' : 'step',
    iterations,
    warmup: Math.min(iterations, 10_000),
  });
  return {
    what: `${impl === 'wheel' ? 'timer wheel' : 'binary heap'}: ${expiry ? 'expiry + restart' : 'start+cancel'}`,
    live,
    compute: m.perIteration.compute,
    slots: m.perIteration.heapSlots,
    growth: m.measured.meter.currentHeapCount - m.baseline.meter.currentHeapCount,
    organicGc: m.organicGc,
    steps: iterations,
  };
}

// ---------------------------------------------------------------------------------------------
// The section

/**
 * Print the timer tables. `quick` shortens every window (~15 s in all); the XS part is skipped when the command
 * line says `--no-xs` (as for the parser's XS section) or `options.xs` is false.
 */
export async function runTimerSection(quick: boolean, options: { xs?: boolean } = {}): Promise<void> {
  const started = performance.now();
  const timing: Timing = quick ? { warmupMs: 100, windowMs: 25, windows: 9 } : { warmupMs: 300, windowMs: 100, windows: 15 };
  console.log('');
  console.log(
    'Timers (DESIGN.md §4): ns per start+cancel pair with N timers running; pair delays T1..64·T1, running timers ' +
      '100 ms..1 h; time frozen during the pairs',
  );
  console.log(`self-check: the wheel and the heap baseline fire the same ${fmtInt(selfCheck())} random timers in the same order`);
  const subjects: Subject[] = [
    structureSubject('timer wheel (ours)', 'wheel'),
    structureSubject('binary heap (baseline)', 'heap'),
    hostTimerSubject(),
  ];
  const results: Figures[][] = [];
  for (const s of subjects) results.push(await measureSubject(s, timing));
  const wheel = results[0] as Figures[];
  const top = LIVE_COUNTS.length - 1;
  printTable(
    [
      'implementation',
      ...LIVE_COUNTS.map((n) => `ns/pair ${fmtInt(n)}`),
      `flatness ${fmtInt(LIVE_COUNTS[top])}÷${LIVE_COUNTS[0]}`,
      `÷ wheel @${fmtInt(LIVE_COUNTS[top])}`,
      'GC events (minor)',
      'pairs measured',
    ],
    subjects.map((s, k) => {
      const r = results[k] as Figures[];
      return [
        s.name,
        ...r.map((f) => fmtFixed(f.nsPerPair, 1)),
        fmtFixed((r[top] as Figures).nsPerPair / (r[0] as Figures).nsPerPair, 2),
        fmtFixed((r[top] as Figures).nsPerPair / (wheel[top] as Figures).nsPerPair, 2),
        r.map((f) => `${f.gcEvents}(${f.gcMinor})`).join(' / '),
        fmtInt(r.reduce((n, f) => n + f.pairs, 0)),
      ];
    }),
  );
  const flatness = (wheel[top] as Figures).nsPerPair / (wheel[0] as Figures).nsPerPair;
  const wheelGc = wheel.reduce((n, f) => n + f.gcEvents, 0);
  console.log(
    `ns/pair: best of ${timing.windows} windows of ${timing.windowMs} ms after warm-up (wheel and heap: windows of the three ` +
      `live counts interleaved); GC events (minor): PerformanceObserver 'gc' entries inside those windows, per live count`,
  );
  console.log(
    `target: wheel flatness <= ${FLATNESS_TARGET} -> ${fmtFixed(flatness, 2)}; 0 GC events -> ${wheelGc}` +
      ` (Node section ${fmtFixed((performance.now() - started) / 1000, 1)} s)`,
  );

  if (!(options.xs ?? !process.argv.includes('--no-xs'))) return;
  const xsStarted = performance.now();
  const iterations = quick ? 20_000 : 200_000;
  const rows: XsRow[] = [];
  for (const live of LIVE_COUNTS) rows.push(await measureXs('wheel', live, false, iterations));
  for (const live of LIVE_COUNTS) rows.push(await measureXs('heap', live, false, iterations));
  for (const live of [1_000, 100_000]) rows.push(await measureXs('wheel', live, true, iterations));
  console.log('');
  printTable(
    ['timers on XS', 'running', 'compute/op', 'slots/op', 'B/op ESP32', 'heap growth', 'ops', 'organic GC'],
    rows.map((r) => [
      r.what,
      fmtInt(r.live),
      fmtInt(r.compute),
      fmtFixed(r.slots, 2),
      fmtFixed(r.slots * XS_SLOT_BYTES_ESP32, 1),
      fmtInt(r.growth),
      fmtInt(r.steps),
      r.organicGc ? 'yes' : 'no',
    ]),
  );
  const wheelRows = rows.filter((r) => r.what.startsWith('timer wheel'));
  const growth = wheelRows.reduce((n, r) => n + r.growth, 0);
  console.log(
    'compute/op = XS meter count per operation (deterministic; harness loop removed); expiry + restart = 1 ms passes, ' +
      'advance() fires one periodic timer whose owner restarts it (period = running count in ms); heap growth = slots ' +
      'at the end of the measured run minus the live slots after gc() before it',
  );
  console.log(
    `target: 0 heap growth for the wheel on XS -> ${fmtInt(growth)} slots over ${fmtInt(iterations * wheelRows.length)} ops; ` +
      `XS flatness ${fmtFixed(((wheelRows[2] as XsRow).compute / (wheelRows[0] as XsRow).compute), 2)} ` +
      `(XS part ${fmtFixed((performance.now() - xsStarted) / 1000, 1)} s; sink ${sink})`,
  );
}
