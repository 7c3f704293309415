// Measurement helpers for Node: throughput, GC events, bytes allocated per message, and an
// aligned text table. Nothing here asserts times; callers print figures and ratios.
//
// Loops: the measured loops run whole rounds through the corpus and read the clock only every
// `roundsPerCheck` rounds (calibrated to ~1 ms), so the harness itself allocates nothing that
// would show up as GC events of the parser under test. Results are folded into `sink` so the
// JIT cannot drop the work.

import { constants as perfConstants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import v8 from 'node:v8';
import vm from 'node:vm';

/** Parses one message; returns a number derived from what it read. */
export type ParseFn = (bytes: Uint8Array, text: string) => number;

/** What the harness needs of a corpus entry (corpus.ts's CorpusMessage has it). */
export interface Sample {
  readonly bytes: Uint8Array;
  readonly text: string;
}

/** Accumulates parse results so the optimizer must keep the calls. Read it once at the end. */
export let sink = 0;

function now(): number {
  return performance.now();
}

interface Prepared {
  readonly bytes: readonly Uint8Array[];
  readonly texts: readonly string[];
}

function prepare(corpus: readonly Sample[]): Prepared {
  if (corpus.length === 0) throw new Error('harness: empty corpus');
  return { bytes: corpus.map((s) => s.bytes), texts: corpus.map((s) => s.text) };
}

/** Runs `rounds` whole rounds through the corpus; no clock, no allocation of its own. */
function runRounds(fn: ParseFn, p: Prepared, rounds: number): void {
  const bytes = p.bytes;
  const texts = p.texts;
  const n = bytes.length;
  let acc = 0;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < n; i++) acc = (acc + fn(bytes[i] as Uint8Array, texts[i] as string)) | 0;
  }
  sink = (sink + acc) | 0;
}

interface Timed {
  readonly messages: number;
  readonly ms: number;
}

/** Runs for at least `ms`, reading the clock every `roundsPerCheck` rounds. */
function runFor(fn: ParseFn, p: Prepared, ms: number, roundsPerCheck: number): Timed {
  let rounds = 0;
  const t0 = now();
  let t = t0;
  do {
    runRounds(fn, p, roundsPerCheck);
    rounds += roundsPerCheck;
    t = now();
  } while (t - t0 < ms);
  return { messages: rounds * p.bytes.length, ms: t - t0 };
}

/** Warms up for `ms` and returns how many rounds take about 1 ms (at least 1). */
function warmUp(fn: ParseFn, p: Prepared, ms: number): number {
  // Start with single rounds, then grow the batch until one batch takes >= 1 ms.
  let roundsPerCheck = 1;
  const end = now() + ms;
  for (;;) {
    const t0 = now();
    runRounds(fn, p, roundsPerCheck);
    const dt = now() - t0;
    if (dt < 1 && roundsPerCheck < 1 << 20) roundsPerCheck *= 2;
    if (now() >= end) break;
  }
  return roundsPerCheck;
}

/** Rounds needed for about `ms` of work, from a short timed run (which doubles as warm-up). */
function roundsFor(fn: ParseFn, p: Prepared, ms: number, warmupMs: number): number {
  const perCheck = warmUp(fn, p, warmupMs);
  const probe = runFor(fn, p, Math.min(100, ms), perCheck);
  const perMs = probe.messages / probe.ms / p.bytes.length;
  return Math.max(1, Math.round(perMs * ms));
}

export interface ThroughputOptions {
  /** Warm-up time before measuring (JIT tiers up). Default 300 ms. */
  readonly warmupMs?: number;
  /** Measured time, in total. Default 1500 ms. */
  readonly runMs?: number;
  /**
   * The measured time is cut into this many equal samples and the best sample's rate is
   * returned: on a shared machine other processes only ever slow a sample down, so the fastest
   * one is the closest to the code's own speed. Default 5; 1 gives the plain mean rate.
   */
  readonly samples?: number;
}

/** Messages per second over many rounds through the corpus (time-based, best of `samples`). */
export function measureThroughput(fn: ParseFn, corpus: readonly Sample[], opts: ThroughputOptions = {}): number {
  const p = prepare(corpus);
  const perCheck = warmUp(fn, p, opts.warmupMs ?? 300);
  const samples = Math.max(1, Math.floor(opts.samples ?? 5));
  const sampleMs = (opts.runMs ?? 1500) / samples;
  let best = 0;
  for (let i = 0; i < samples; i++) {
    const r = runFor(fn, p, sampleMs, perCheck);
    best = Math.max(best, (r.messages * 1000) / r.ms);
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// GC events.

export interface GcOptions {
  /**
   * Warm-up before counting. Default 200 ms. Then growYoungGeneration() runs (the scavenge count
   * per message halves with each doubling of the young generation), a full GC clears what that
   * promoted, and 100 ms more of warm-up follow (re-compiling anything the full GC flushed).
   */
  readonly warmupMs?: number;
  /** Approximate length of the counted window (converted to a fixed message count). Default 1000 ms. */
  readonly runMs?: number;
  /** Exact number of messages to count over (rounded up to whole rounds); overrides runMs. */
  readonly messages?: number;
}

export interface GcResult {
  /** GC events per million parsed messages. */
  readonly perMillion: number;
  readonly events: number;
  readonly messages: number;
  /** Events by kind (Node's NODE_PERFORMANCE_GC_* flags). */
  readonly minor: number;
  readonly major: number;
  readonly incremental: number;
  readonly weakcb: number;
  /** Total GC pause time reported by the entries, ms. */
  readonly gcMs: number;
  /** Young generation size (new_space space_size) at the end of the window, bytes. */
  readonly youngGenBytes: number;
}

function macrotask(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Young generation capacity as V8 reports it (new_space space_size), bytes. */
function youngGenSize(): number {
  let n = 0;
  for (const sp of v8.getHeapSpaceStatistics()) if (sp.space_name === 'new_space') n += sp.space_size;
  return n;
}

/**
 * Grows the young generation to the size V8 will keep under sustained allocation (Node 20:
 * 1 MB at start, doubling up to 32 MB) before GC events are counted. V8 enlarges it only after
 * enough bytes survived scavenges and shrinks it after full GCs, so without this the same
 * parser shows 1,300 or 5,400 scavenges per million messages depending on what ran before.
 * Survivors are produced on purpose (a ring of small arrays) until the size has not changed for
 * 200 ms of allocation, or maxMs passed. Returns the resulting size in bytes.
 */
export function growYoungGeneration(maxMs = 3000): number {
  const t0 = now();
  const ring: unknown[] = new Array<unknown>(1 << 16);
  let i = 0;
  let size = youngGenSize();
  let changed = t0;
  for (;;) {
    for (let k = 0; k < 10000; k++, i++) ring[i & 0xffff] = [i, i, i, i];
    const s = youngGenSize();
    const t = now();
    if (s !== size) {
      size = s;
      changed = t;
    } else if (t - changed > 200 || t - t0 > maxMs) {
      break;
    }
  }
  ring.fill(undefined);
  return size;
}

/**
 * Counts GC events (PerformanceObserver, entryTypes ['gc']) while parsing a fixed number of
 * messages, after a warm-up. Node reports GC entries asynchronously (the native GC callback
 * queues them on the event loop, the observer is then called from a later macrotask), so the
 * count is read only after yielding to the event loop twice and draining takeRecords().
 */
export async function countGc(fn: ParseFn, messages: readonly Sample[], opts: GcOptions = {}): Promise<GcResult> {
  const p = prepare(messages);
  warmUp(fn, p, opts.warmupMs ?? 200);
  growYoungGeneration();
  // The growth promoted some garbage to the old generation; collect it now (this does not
  // shrink the young generation) so that a major GC it would cause is not charged to fn.
  getGc()?.();
  const perCheck = warmUp(fn, p, 100);
  let rounds: number;
  if (opts.messages !== undefined) {
    rounds = Math.max(1, Math.ceil(opts.messages / p.bytes.length));
  } else {
    const probe = runFor(fn, p, 100, perCheck);
    rounds = Math.max(1, Math.round((probe.messages / probe.ms / p.bytes.length) * (opts.runMs ?? 1000)));
  }
  // Let GC notifications from the warm-up drain before observing.
  await macrotask();
  const entries: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) entries.push(e);
  });
  observer.observe({ entryTypes: ['gc'] });
  runRounds(fn, p, rounds);
  await macrotask();
  await macrotask(10);
  for (const e of observer.takeRecords()) entries.push(e);
  observer.disconnect();

  let minor = 0;
  let major = 0;
  let incremental = 0;
  let weakcb = 0;
  let gcMs = 0;
  for (const e of entries) {
    gcMs += e.duration;
    const detail = (e as unknown as { detail?: { kind?: number } | null }).detail;
    const kind = detail?.kind ?? (e as unknown as { kind?: number }).kind ?? 0;
    if (kind === perfConstants.NODE_PERFORMANCE_GC_MINOR) minor++;
    else if (kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) major++;
    else if (kind === perfConstants.NODE_PERFORMANCE_GC_INCREMENTAL) incremental++;
    else if (kind === perfConstants.NODE_PERFORMANCE_GC_WEAKCB) weakcb++;
  }
  const total = rounds * p.bytes.length;
  const youngGenBytes = youngGenSize();
  return {
    perMillion: (entries.length * 1e6) / total,
    events: entries.length,
    messages: total,
    minor,
    major,
    incremental,
    weakcb,
    gcMs,
    youngGenBytes,
  };
}

// ---------------------------------------------------------------------------------------------
// Bytes allocated per message.
//
// Node 20 (V8 11.3) has no v8.getHeapStatistics().total_allocated_bytes (checked on 20.20:
// the field is absent), so there is no allocation counter to read directly. Two methods:
//
// 1. measureAllocation (the one reported): used_heap_size grows by exactly what is allocated
//    and drops only when a GC frees memory. v8.GCProfiler (Node >= 18.15) records the heap
//    statistics before and after every GC in the window, so
//        allocated = used_after_window - used_before_window + sum(used_before_gc - used_after_gc)
//    This needs no forced GC, spans windows of any length (thousands of scavenges), counts
//    old-space and large-object allocation too, and costs nothing on the JS heap while running
//    (the profiler keeps its records in C++ until stop()). Error: the few hundred bytes of the
//    getHeapStatistics() result object, divided by the window's message count.
//
// 2. measureAllocationForcedGc (cross-check, needs a gc function): a forced scavenge
//    (gc({ type: 'minor' })) empties the young generation, then process.memoryUsage().heapUsed
//    is read before and after a batch small enough to fit in it; a batch during which the
//    GCProfiler saw any GC is discarded and retried smaller. A forced *full* GC is avoided on
//    purpose: mark-compact flushes compiled RegExp code and aged bytecode, which the parser then
//    recompiles on the heap inside the batch (kirm's regex-based parser read ~25 % high that way).
//
// Both count the V8 heap only: ArrayBuffer backing stores above 64 bytes live outside it
// (a `new Uint8Array(1000)` counts as 184 bytes). The parsers measured here allocate strings,
// arrays and objects, all on the heap. Calibrated with a function allocating N two-field
// objects per message: both methods report exactly 40 * N bytes.

/** V8's gc(): no argument = full mark-compact; `{ type: 'minor' }` = one scavenge. */
export type GcFunction = (options?: { type?: 'major' | 'minor' }) => void;

let cachedGc: GcFunction | undefined;

/**
 * The engine's gc(), from --expose-gc, or else obtained at run time (V8 flag --expose-gc set via
 * v8.setFlagsFromString, the function taken from a fresh vm context); undefined if neither works.
 */
export function getGc(): GcFunction | undefined {
  if (cachedGc !== undefined) return cachedGc;
  const g = (globalThis as { gc?: GcFunction }).gc;
  if (typeof g === 'function') return (cachedGc = g);
  try {
    v8.setFlagsFromString('--expose-gc');
    const f: unknown = vm.runInNewContext('gc');
    if (typeof f === 'function') return (cachedGc = f as GcFunction);
  } catch {
    // not available
  }
  return undefined;
}

/** True if node was started with --expose-gc (not via the run-time fallback). */
export function hasNativeGcFlag(): boolean {
  return process.execArgv.some((a) => a === '--expose-gc' || a === '--expose_gc');
}

interface ProfiledHeap {
  readonly usedHeapSize: number;
}
interface ProfiledGc {
  readonly beforeGC: { readonly heapStatistics: ProfiledHeap };
  readonly afterGC: { readonly heapStatistics: ProfiledHeap };
}

function freedByGcs(result: v8.GCProfilerResult): { freed: number; gcs: number } {
  // @types/node types these as HeapStatistics (snake_case); the runtime objects are camelCase.
  const stats = result.statistics as unknown as readonly ProfiledGc[];
  let freed = 0;
  for (const s of stats) freed += s.beforeGC.heapStatistics.usedHeapSize - s.afterGC.heapStatistics.usedHeapSize;
  return { freed, gcs: stats.length };
}

export interface AllocationOptions {
  readonly warmupMs?: number;
  /** Approximate window length (converted to a fixed message count). Default 500 ms. */
  readonly runMs?: number;
  /** Exact number of messages (rounded up to whole rounds); overrides runMs. */
  readonly messages?: number;
}

export interface AllocationResult {
  readonly bytesPerMessage: number;
  readonly totalBytes: number;
  readonly messages: number;
  /** GCs that happened inside the window (bridged by the profiler). */
  readonly gcs: number;
  readonly method: string;
}

export const ALLOCATION_METHOD = 'used_heap_size delta + bytes freed by each GC (v8.GCProfiler)';

/** Bytes allocated on the V8 heap per parsed message (method 1 above). */
export function measureAllocation(fn: ParseFn, corpus: readonly Sample[], opts: AllocationOptions = {}): AllocationResult {
  const p = prepare(corpus);
  const rounds =
    opts.messages !== undefined
      ? Math.max(1, Math.ceil(opts.messages / p.bytes.length))
      : roundsFor(fn, p, opts.runMs ?? 500, opts.warmupMs ?? 200);
  const profiler = new v8.GCProfiler();
  profiler.start();
  const before = v8.getHeapStatistics().used_heap_size;
  runRounds(fn, p, rounds);
  const after = v8.getHeapStatistics().used_heap_size;
  const { freed, gcs } = freedByGcs(profiler.stop());
  const messages = rounds * p.bytes.length;
  const totalBytes = Math.max(0, after - before + freed);
  return { bytesPerMessage: totalBytes / messages, totalBytes, messages, gcs, method: ALLOCATION_METHOD };
}

/**
 * Cross-check of measureAllocation (method 2 above): forced scavenge + process.memoryUsage().heapUsed
 * deltas over small batches that trigger no GC, per message, averaged with equal weight.
 * Returns undefined if no gc function is available or some message never fitted between two GCs.
 */
export function measureAllocationForcedGc(
  fn: ParseFn,
  corpus: readonly Sample[],
  opts: { batchesPerMessage?: number; batchBytes?: number; warmupMs?: number } = {},
): AllocationResult | undefined {
  const gc = getGc();
  if (gc === undefined) return undefined;
  const all = prepare(corpus);
  warmUp(fn, all, opts.warmupMs ?? 100);
  const target = opts.batchBytes ?? 512 * 1024;
  const wanted = opts.batchesPerMessage ?? 5;
  // Overhead of the two readings themselves (process.memoryUsage() allocates its result).
  gc({ type: 'minor' });
  const o0 = process.memoryUsage().heapUsed;
  const o1 = process.memoryUsage().heapUsed;
  const overhead = o1 - o0;
  // Batches repeat one message, sized from a first estimate to stay well inside the young
  // generation; every message gets the same weight, as in a round through the corpus.
  let sumPerMessage = 0;
  let messages = 0;
  let total = 0;
  for (let i = 0; i < corpus.length; i++) {
    const one = prepare([corpus[i] as Sample]);
    const estimate = measureAllocation(fn, [corpus[i] as Sample], { messages: 16 }).bytesPerMessage;
    let repeats = Math.max(1, Math.floor(target / Math.max(1, estimate)));
    let bytes = 0;
    let count = 0;
    let clean = 0;
    for (let attempt = 0; clean < wanted && attempt < wanted * 4; attempt++) {
      gc({ type: 'minor' });
      const profiler = new v8.GCProfiler();
      profiler.start();
      const h0 = process.memoryUsage().heapUsed;
      runRounds(fn, one, repeats);
      const h1 = process.memoryUsage().heapUsed;
      const { gcs } = freedByGcs(profiler.stop());
      if (gcs > 0) {
        if (repeats > 1) repeats = Math.max(1, repeats >> 1);
        continue;
      }
      bytes += Math.max(0, h1 - h0 - overhead);
      count += repeats;
      clean++;
    }
    if (count === 0) return undefined; // this message never fitted between two GCs
    sumPerMessage += bytes / count;
    total += bytes;
    messages += count;
  }
  return {
    bytesPerMessage: sumPerMessage / corpus.length,
    totalBytes: total,
    messages,
    gcs: 0,
    method: "forced scavenge gc({type:'minor'}) + process.memoryUsage().heapUsed delta per GC-free batch",
  };
}

// ---------------------------------------------------------------------------------------------
// Text table.

export type Align = 'left' | 'right';

const NUMERIC = /^[-+]?[0-9][0-9,_. ]*(?:[eE][-+]?[0-9]+)?\s*(?:[%x×]|[kKMG]?B|µs|ms|s)?$/;

/**
 * Formats an aligned text table. Columns whose body cells all look numeric are right-aligned,
 * others left-aligned, unless `align` says otherwise.
 */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[], align?: readonly Align[]): string {
  const cols = Math.max(header.length, ...rows.map((r) => r.length));
  const cell = (r: readonly string[], c: number): string => r[c] ?? '';
  const widths: number[] = [];
  const aligns: Align[] = [];
  for (let c = 0; c < cols; c++) {
    widths.push(Math.max(cell(header, c).length, ...rows.map((r) => cell(r, c).length)));
    const body = rows.map((r) => cell(r, c)).filter((s) => s !== '' && s !== '-' && s !== 'n/a');
    aligns.push(align?.[c] ?? (body.length > 0 && body.every((s) => NUMERIC.test(s)) ? 'right' : 'left'));
  }
  const line = (r: readonly string[]): string =>
    widths
      .map((w, c) => (aligns[c] === 'right' ? cell(r, c).padStart(w) : cell(r, c).padEnd(w)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** Prints formatTable(...) to stdout. */
export function printTable(header: readonly string[], rows: readonly (readonly string[])[], align?: readonly Align[]): void {
  console.log(formatTable(header, rows, align));
}

/** 1234567.8 -> "1,234,568" (grouped integer). */
export function fmtInt(x: number): string {
  return Math.round(x).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Fixed decimals with grouping of the integer part. */
export function fmtFixed(x: number, digits: number): string {
  const [i, f] = x.toFixed(digits).split('.');
  const grouped = (i as string).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return f === undefined ? grouped : `${grouped}.${f}`;
}
