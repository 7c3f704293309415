// `npm run bench`: the message layer's figures. On Node: our parser (full framing + validation) against the npm
// peers and a CRLF-scanning baseline, all in the same run: msg/s and ratios, GC events per million messages,
// bytes allocated per message. On XS (xsnap): metered compute and heap growth per message, ours and kirm `sip`.
// Then the timers (bench/timers.ts) and the media path (bench/media.ts).
//
//   npm run bench                    (= node --expose-gc build/bench/run.js)
//   node build/bench/run.js [--per-message] [--quick] [--no-xs] [--cross-check] [--media]
//   --media: the media section only

import { corpus } from './corpus.js';
import {
  ALLOCATION_METHOD,
  countGc,
  fmtFixed,
  fmtInt,
  getGc,
  hasNativeGcFlag,
  measureAllocation,
  measureAllocationForcedGc,
  measureThroughput,
  printTable,
  sink,
} from './harness.js';
import { baselineAdapter, peerAdapters, selfCheck, type ParserAdapter } from './peers.js';
import { parseOurs } from './ours.js';
import { runXsSection } from './xs-run.js';
import { runTimerSection } from './timers.js';
import { runMediaSection } from './media.js';

const oursAdapter: ParserAdapter = {
  name: 'sip-intercom (ours)',
  entry: 'SipParser.parse(bytes) = scan + validate; CSeq and top Via read as offsets',
  parse: (bytes) => parseOurs(bytes),
};

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');
const perMessage = args.has('--per-message');
const timing = quick
  ? { warmupMs: 150, runMs: 500, gcMs: 300, allocMs: 200 }
  : { warmupMs: 1000, runMs: 2000, gcMs: 1000, allocMs: 500 };

const adapters: readonly ParserAdapter[] = [oursAdapter, baselineAdapter, ...peerAdapters];

async function main(): Promise<void> {
  const started = performance.now();
  if (args.has('--media')) {
    console.log(['node', process.version, ...process.execArgv].join(' '));
    await runMediaSection(quick);
    console.log(`\n(total ${fmtFixed((performance.now() - started) / 1000, 1)} s)`);
    return;
  }
  const corpusBytes = corpus.reduce((n, m) => n + m.bytes.length, 0);
  console.log(
    `${['node', process.version, ...process.execArgv].join(' ')}\ncorpus: ${corpus.length} messages, ${corpusBytes} bytes ` +
      `(mean ${fmtInt(corpusBytes / corpus.length)} B/message)`,
  );

  selfCheck(adapters, corpus);
  console.log(`self-check: ${adapters.length} adapters x ${corpus.length} messages OK`);

  const gc = getGc();
  const crossCheck = hasNativeGcFlag() || args.has('--cross-check');
  const rows: string[][] = [];
  const rates: number[] = [];
  for (const a of adapters) {
    a.prepare?.();
    const fn = a.parse.bind(a);
    gc?.();
    const msgPerSec = measureThroughput(fn, corpus, { warmupMs: timing.warmupMs, runMs: timing.runMs });
    gc?.();
    const g = await countGc(fn, corpus, { runMs: timing.gcMs });
    gc?.();
    const alloc = measureAllocation(fn, corpus, { runMs: timing.allocMs });
    rates.push(msgPerSec);
    const row = [
      a.name,
      fmtInt(msgPerSec),
      fmtFixed(1e6 / msgPerSec, 2),
      fmtFixed(g.perMillion, 1),
      `${g.minor}/${g.major + g.incremental}`,
      fmtFixed(g.youngGenBytes / 1048576, 0),
      fmtInt(alloc.bytesPerMessage),
    ];
    if (crossCheck) {
      gc?.();
      const forced = measureAllocationForcedGc(fn, corpus);
      row.push(forced === undefined ? 'n/a' : fmtInt(forced.bytesPerMessage));
    }
    rows.push(row);
  }

  console.log('');
  const header = ['adapter', 'msg/s', 'µs/msg', 'GC/1M msgs', 'minor/major', 'young MB', 'bytes/msg'];
  if (crossCheck) header.push('bytes/msg (forced gc)');
  // Ratio of our msg/s to each row's, from this same run (the machine's speed cancels out).
  rows.forEach((row, i) => row.splice(3, 0, i === 0 ? '1.00' : fmtFixed(rates[0] / rates[i], 2)));
  header.splice(3, 0, 'ours ÷ this');
  printTable(header, rows);
  const kirm = adapters.findIndex((a) => a.name.startsWith('sip (kirm)'));
  console.log(`target: >= 3x kirm sip msg/s -> ${fmtFixed(rates[0] / rates[kirm], 2)}x; 0 GC events/1M msgs after warm-up -> ${rows[0][4]}`);
  console.log('');
  console.log(`bytes/msg: ${ALLOCATION_METHOD}`);
  if (crossCheck) console.log("bytes/msg (forced gc): forced scavenge gc({type:'minor'}) + process.memoryUsage().heapUsed delta over GC-free batches");
  console.log('GC/1M msgs: PerformanceObserver gc entries over a fixed message count, after warm-up and after growing');
  console.log('  the young generation to its full size (young MB = one semi-space then; scavenges scale with 1/size)');

  if (perMessage) {
    console.log('');
    const pm: string[][] = [];
    for (const m of corpus) {
      const row = [m.name, fmtInt(m.bytes.length)];
      for (const a of adapters) {
        gc?.();
        row.push(fmtInt(measureAllocation(a.parse.bind(a), [m], { runMs: quick ? 50 : 100, warmupMs: 50 }).bytesPerMessage));
      }
      pm.push(row);
    }
    printTable(['message', 'wire B', ...adapters.map((a) => a.name.replace(/[: ].*$/, ''))], pm);
    console.log('(bytes allocated per message, by message)');
  }

  if (!args.has('--no-xs')) await runXsSection(quick);
  await runTimerSection(quick);
  await runMediaSection(quick);

  console.log(`\n(sink ${sink}; total ${fmtFixed((performance.now() - started) / 1000, 1)} s)`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
