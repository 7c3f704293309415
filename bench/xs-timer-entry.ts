// The timer benchmark's workload, and its XS entry module (bench/timers.ts; contract in test/xs/xsnap-host.ts).
// Host-free: relative project imports only, so Node's table and the XS meter measure the same code on the same
// timers. Time is frozen during start+cancel pairs (a host clock's cost is the host's, not the structure's).
//   setup(impl, live)      build a wheel or heap holding `live` running timers (delays 100 ms .. 1 h)
//   step(i)                one measured pair: start a timer of PAIR_DELAYS[i mod 1024], cancel it
//   setupExpiry(impl, live) `live` periodic timers, one due every ms (period = live ms)
//   expiryStep(i)          1 ms passes: advance() fires one timer, whose owner restarts it
import type { Clock } from '../src/host.js';
import { TimerWheel, type TimerOwner } from '../src/transaction/timer-wheel.js';
import { TimerHeap } from './timer-heap.js';

/** RFC 3261 Table 4. */
const T1 = 500;
const PAIRS = 1024;
const PAIR_MASK = PAIRS - 1;
/** 1/φ: consecutive multiples spread evenly over [0, 1) (a low-discrepancy sequence, the same on every engine). */
const SPREAD = 0.6180339887498949;

/** Delays of the measured pairs: T1 .. 64·T1 (Timer A/E up to Timer B/F), log-spaced, in a fixed shuffled order. */
export const PAIR_DELAYS = new Int32Array(PAIRS);
for (let k = 0; k < PAIRS; k++) PAIR_DELAYS[k] = Math.round(T1 * 64 ** ((k * SPREAD) % 1));

/** Delay of live timer i: log-uniform from 100 ms (i = 0, so a live timer is always the earliest) to 1 h. */
export function liveDelay(i: number): number {
  return Math.round(100 * 36_000 ** ((i * SPREAD) % 1));
}

/** A host clock frozen at `t` that counts armings (the benchmark moves `t` itself). */
export class BenchClock implements Clock {
  t = 0;
  arms = 0;
  now(): number {
    return this.t;
  }
  arm(_atMs: number, _onDue: () => void): void {
    this.arms++;
  }
  disarm(): void {}
}

/** What the wheel and the heap baseline have in common. */
export interface Timers {
  register(owner: TimerOwner): number;
  start(delayMs: number, ownerId: number, kind: number, arg: number): number;
  cancel(handle: number): boolean;
  advance(nowMs: number): void;
  readonly size: number;
}

export type TimersKind = 'wheel' | 'heap';

export function makeTimers(kind: TimersKind, capacity: number, clock: Clock): Timers {
  return kind === 'wheel' ? new TimerWheel({ capacity, clock }) : new TimerHeap({ capacity, clock });
}

/** An owner that counts expiries and, in periodic mode, restarts each timer with the same period. */
export class BenchOwner implements TimerOwner {
  fired = 0;
  period = 0;
  id = 0;
  constructor(readonly timers: Timers) {
    this.id = timers.register(this);
  }
  onTimer(kind: number, arg: number): void {
    this.fired++;
    if (this.period > 0) this.timers.start(this.period, this.id, kind, arg);
  }
}

/** `live` running timers of liveDelay(i), plus room for the measured one. */
export function populate(kind: TimersKind, live: number, clock: Clock): { timers: Timers; owner: BenchOwner } {
  const timers = makeTimers(kind, live + 1, clock);
  const owner = new BenchOwner(timers);
  for (let i = 0; i < live; i++) timers.start(liveDelay(i), owner.id, 0, i);
  return { timers, owner };
}

let clock = new BenchClock();
let timers: Timers | null = null;
let ownerId = 0;
let sink = 0;

export function setup(kind: TimersKind, live: number): number {
  clock = new BenchClock();
  const built = populate(kind, live, clock);
  timers = built.timers;
  ownerId = built.owner.id;
  return timers.size;
}

/** One start+cancel pair (the measured step). */
export function step(i: number): void {
  const t = timers as Timers;
  const h = t.start(PAIR_DELAYS[i & PAIR_MASK], ownerId, 1, i);
  sink = (sink + h) | 0;
  t.cancel(h);
}

export function setupExpiry(kind: TimersKind, live: number): number {
  clock = new BenchClock();
  timers = makeTimers(kind, live, clock);
  const owner = new BenchOwner(timers);
  owner.period = live;
  ownerId = owner.id;
  for (let i = 0; i < live; i++) timers.start(i + 1, owner.id, 0, i);
  return timers.size;
}

/** One millisecond passes: exactly one periodic timer fires and restarts (the measured step). */
export function expiryStep(_i: number): void {
  clock.t += 1;
  (timers as Timers).advance(clock.t);
}

/** Folded handles and the live count, so the work is observably used. */
export function result(): number {
  return (sink + (timers === null ? 0 : timers.size)) | 0;
}
