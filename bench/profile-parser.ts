// A focused A/B profile of our parser (not part of `npm run bench`): msg/s for scan only and for scan + validate
// (bench/ours.ts) over the corpus, for one or more compiled variants of the parser in the same process, with
// kirm's `sip` and the CRLF baseline as yardsticks; rounds are interleaved (A B A B ...) and the best round
// counts, so a busy shared machine slows every variant alike. Optionally the XS compute per message.
//
//   node build/bench/profile-parser.js [--rounds N] [--ms M] [--cpu] [--xs] [--only-xs] [variantDir ...]
//   --cpu: time rounds by the process's CPU time instead of the wall clock (steadier on a busy machine)
//
// A variant directory holds the compiled layout `src/sip/*.js` and `bench/{ours,corpus,xs-parse-entry,
// xs-scan-entry}.js` (a copy of build/ made at some point); without any, the current build/ is measured.

import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { corpus } from './corpus.js';
import { baselineAdapter, kirmAdapter } from './peers.js';
import { fmtFixed, fmtInt, printTable } from './harness.js';
import { XsSession } from '../test/xs/xsnap-host.js';

const here = path.dirname(fileURLToPath(import.meta.url)); // build/bench
type Fn = (bytes: Uint8Array) => number;

interface Subject {
  name: string;
  fn: Fn;
}

const argv = process.argv.slice(2);
let rounds = 7;
let roundMs = 400;
let xs = false;
let onlyXs = false;
let useCpu = false;
const dirs: string[] = [];
for (let k = 0; k < argv.length; k++) {
  const a = argv[k] as string;
  if (a === '--rounds') rounds = Number(argv[++k]);
  else if (a === '--ms') roundMs = Number(argv[++k]);
  else if (a === '--xs') xs = true;
  else if (a === '--only-xs') xs = onlyXs = true;
  else if (a === '--cpu') useCpu = true;
  else dirs.push(path.resolve(a));
}
if (dirs.length === 0) dirs.push(path.dirname(here));

async function load(dir: string): Promise<Subject[]> {
  const name = path.basename(dir);
  const url = (p: string): string => pathToFileURL(path.join(dir, p)).href;
  const ours = (await import(url('bench/ours.js'))) as { parseOurs: Fn };
  const { Scanner } = (await import(url('src/sip/scanner.js'))) as typeof import('../src/sip/scanner.js');
  const { MessageView } = (await import(url('src/sip/message-view.js'))) as typeof import('../src/sip/message-view.js');
  const { DEFAULT_LIMITS } = (await import(url('src/sip/limits.js'))) as typeof import('../src/sip/limits.js');
  const scanner = new Scanner(DEFAULT_LIMITS);
  const view = new MessageView(DEFAULT_LIMITS);
  const scan: Fn = (bytes) => scanner.scan(bytes, 0, bytes.length, view) + view.entryCount;
  return [
    { name: `${name}: scan`, fn: scan },
    { name: `${name}: scan+validate`, fn: ours.parseOurs },
  ];
}

const messages = corpus.map((m) => m.bytes);
let sink = 0;

/** This process's CPU time in ms (user + system): steadier than wall time on a shared machine. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Messages per second over `ms` of whole rounds through the corpus (wall clock, or CPU time with --cpu). */
function run(fn: Fn, ms: number): number {
  let n = 0;
  const clock = useCpu ? cpuMs : () => performance.now();
  const t0 = clock();
  let t = t0;
  do {
    for (let r = 0; r < 20; r++) for (let i = 0; i < messages.length; i++) sink = (sink + fn(messages[i] as Uint8Array)) | 0;
    n += 20 * messages.length;
    t = clock();
  } while (t - t0 < ms);
  return (n * 1000) / (t - t0);
}

async function node(): Promise<void> {
  const subjects: Subject[] = [];
  for (const d of dirs) subjects.push(...(await load(d)));
  kirmAdapter.prepare?.();
  subjects.push({ name: 'sip (kirm)', fn: (b) => kirmAdapter.parse(b, '') });
  subjects.push({ name: 'baseline: count CRLF', fn: (b) => baselineAdapter.parse(b, '') });
  for (const s of subjects) run(s.fn, 300); // warm-up
  const best = subjects.map(() => 0);
  for (let r = 0; r < rounds; r++) {
    subjects.forEach((s, k) => {
      best[k] = Math.max(best[k] as number, run(s.fn, roundMs));
    });
  }
  const kirm = best[best.length - 2] as number;
  const crlf = best[best.length - 1] as number;
  printTable(
    ['subject', 'msg/s (best)', 'µs/msg', '÷ kirm', 'time ÷ CRLF scan'],
    subjects.map((s, k) => {
      const v = best[k] as number;
      return [s.name, fmtInt(v), fmtFixed(1e6 / v, 2), fmtFixed(v / kirm, 2), fmtFixed(crlf / v, 2)];
    }),
  );
  console.log(`(best of ${rounds} interleaved rounds of ${roundMs} ms ${useCpu ? 'CPU time' : 'wall clock'}; sink ${sink})`);
}

async function xsCompute(dir: string, entry: string, roundsOnXs: number): Promise<{ compute: number; growth: number; gc: boolean }> {
  const session = await XsSession.open({ name: 'xsnap (profile)', root: dir, timeoutMs: 60_000 });
  try {
    const file = path.join(dir, 'bench', entry);
    await session.load(file);
    const { value: perRound } = await session.call<number>(file, 'messageCount');
    const m = await session.measure(file, 'step', perRound * roundsOnXs, perRound);
    return {
      compute: m.perIteration.compute,
      growth: m.measured.meter.currentHeapCount - m.baseline.meter.currentHeapCount,
      gc: m.organicGc,
    };
  } finally {
    await session.close();
  }
}

async function onXs(): Promise<void> {
  const rows: string[][] = [];
  for (const d of dirs) {
    const scan = await xsCompute(d, 'xs-scan-entry.js', 20);
    const full = await xsCompute(d, 'xs-parse-entry.js', 20);
    rows.push([
      path.basename(d),
      fmtInt(scan.compute),
      fmtInt(full.compute),
      fmtInt(full.compute - scan.compute),
      `${fmtInt(scan.growth)} / ${fmtInt(full.growth)}`,
      scan.gc || full.gc ? 'yes' : 'no',
    ]);
  }
  printTable(['variant', 'XS scan compute/msg', 'XS scan+validate', 'of which validate', 'heap growth scan / full', 'organic GC'], rows);
}

async function main(): Promise<void> {
  if (!onlyXs) await node();
  if (xs) await onXs();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
