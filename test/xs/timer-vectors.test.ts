// The host-free timer-wheel vectors (test/vectors/timer-vectors.ts) on Node and on the real XS engine: the same
// expiries, in the same order, at the same times on both — DESIGN.md §4, §7; RFC 3261 §17.1.1.2, §17.1.2.2.
import { describeVectorModule } from './vector-suite.js';
import { runTimerVectors, TIMER_VECTOR_COUNT, TIMER_VECTORS } from '../vectors/timer-vectors.js';

describeVectorModule({
  title: 'Timer wheel vectors (test/vectors/timer-vectors.ts) on Node and on XS (DESIGN.md §4)',
  what: 'timer',
  vectors: TIMER_VECTORS,
  count: TIMER_VECTOR_COUNT,
  run: runTimerVectors,
  cites: { says: 'a section or DESIGN.md', pattern: /\((RFC |DESIGN)/ },
  // No entry module: the vector module's own runner, which does not report the count.
  outcome: { module: '../vectors/timer-vectors.js', exportName: 'runTimerVectors', counted: false },
  traces: { module: '../vectors/timer-vectors.js', exportName: 'timerVectorTraces', word: 'trace' },
  timeout: 30_000,
});
