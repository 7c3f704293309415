// Benchmark baseline for the timer wheel (bench/timers.ts): a binary min-heap of timers with index tracking, the
// textbook alternative (O(log n) start and cancel). Host-free and allocation-free like the wheel, with the same
// API and the same tickless arming, so the two differ only in the data structure. Not used by the station.
import type { Clock } from '../src/host.js';
import type { TimerOwner } from '../src/transaction/timer-wheel.js';

const NIL = -1;
const HANDLE_BITS = 30;

/** Timers ordered by (due ms, start sequence) in an implicit binary heap; `#pos` makes cancel O(log n). */
export class TimerHeap {
  readonly capacity: number;
  readonly #clock: Clock;
  readonly #onDue: () => void;
  readonly #owners: TimerOwner[] = [];
  readonly #due: Float64Array;
  /** Start sequence number: breaks ties in start order. */
  readonly #seq: Float64Array;
  readonly #owner: Int32Array;
  readonly #kind: Int32Array;
  readonly #arg: Int32Array;
  readonly #gen: Int32Array;
  /** Heap position of each node; NIL when free. */
  readonly #pos: Int32Array;
  /** Node at each heap position. */
  readonly #heap: Int32Array;
  /** Free list links. */
  readonly #nextFree: Int32Array;
  readonly #indexBits: number;
  readonly #indexMask: number;
  readonly #genLimit: number;
  #free = 0;
  #size = 0;
  #sequence = 0;
  #armedAt = NIL;
  #advancing = false;

  constructor(options: { capacity: number; clock: Clock }) {
    const n = options.capacity;
    this.capacity = n;
    this.#clock = options.clock;
    this.#due = new Float64Array(n);
    this.#seq = new Float64Array(n);
    this.#owner = new Int32Array(n);
    this.#kind = new Int32Array(n);
    this.#arg = new Int32Array(n);
    this.#gen = new Int32Array(n).fill(1);
    this.#pos = new Int32Array(n).fill(NIL);
    this.#heap = new Int32Array(n);
    this.#nextFree = new Int32Array(n);
    for (let i = 0; i < n; i++) this.#nextFree[i] = i + 1 < n ? i + 1 : NIL;
    let bits = 1;
    while (1 << bits < n) bits++;
    this.#indexBits = bits;
    this.#indexMask = (1 << bits) - 1;
    this.#genLimit = 2 ** (HANDLE_BITS - bits);
    this.#onDue = () => {
      this.#armedAt = NIL;
      this.advance(this.#clock.now());
    };
  }

  register(owner: TimerOwner): number {
    this.#owners.push(owner);
    return this.#owners.length - 1;
  }

  get size(): number {
    return this.#size;
  }

  start(delayMs: number, ownerId: number, kind: number, arg: number): number {
    const i = this.#free;
    if (i === NIL) return -1;
    this.#free = this.#nextFree[i];
    this.#due[i] = this.#clock.now() + (delayMs > 0 ? delayMs : 0);
    this.#seq[i] = this.#sequence++;
    this.#owner[i] = ownerId;
    this.#kind[i] = kind;
    this.#arg[i] = arg;
    const at = this.#size++;
    this.#heap[at] = i;
    this.#pos[i] = at;
    this.#up(at);
    if (!this.#advancing) this.#sync();
    return (this.#gen[i] << this.#indexBits) | i;
  }

  cancel(handle: number): boolean {
    if ((handle | 0) !== handle || handle < 0) return false;
    const i = handle & this.#indexMask;
    if (i >= this.capacity || this.#pos[i] === NIL || this.#gen[i] !== handle >>> this.#indexBits) return false;
    this.#remove(this.#pos[i]);
    if (!this.#advancing) this.#sync();
    return true;
  }

  nextDue(): number {
    return this.#size === 0 ? -1 : this.#due[this.#heap[0]];
  }

  /** Fire every timer due at or before `nowMs`, in (due, start) order; timers started from callbacks wait. */
  advance(nowMs: number): void {
    if (this.#advancing) return;
    this.#advancing = true;
    const limit = this.#sequence;
    try {
      while (this.#size > 0) {
        const i = this.#heap[0];
        if (this.#due[i] > nowMs || this.#seq[i] >= limit) break;
        const owner = this.#owner[i], kind = this.#kind[i], arg = this.#arg[i];
        this.#remove(0);
        this.#owners[owner].onTimer(kind, arg);
      }
    } finally {
      this.#advancing = false;
      this.#sync();
    }
  }

  #remove(at: number): void {
    const heap = this.#heap, i = heap[at];
    const last = --this.#size;
    if (at !== last) {
      const moved = heap[last];
      heap[at] = moved;
      this.#pos[moved] = at;
      this.#up(at);
      this.#down(this.#pos[moved]);
    }
    this.#pos[i] = NIL;
    const g = this.#gen[i] + 1;
    this.#gen[i] = g < this.#genLimit ? g : 1;
    this.#nextFree[i] = this.#free;
    this.#free = i;
  }

  #less(a: number, b: number): boolean {
    const da = this.#due[a], db = this.#due[b];
    return da < db || (da === db && this.#seq[a] < this.#seq[b]);
  }

  #up(at: number): void {
    const heap = this.#heap, pos = this.#pos, i = heap[at];
    while (at > 0) {
      const parent = (at - 1) >> 1, p = heap[parent];
      if (!this.#less(i, p)) break;
      heap[at] = p;
      pos[p] = at;
      at = parent;
    }
    heap[at] = i;
    pos[i] = at;
  }

  #down(at: number): void {
    const heap = this.#heap, pos = this.#pos, size = this.#size, i = heap[at];
    for (;;) {
      let child = 2 * at + 1;
      if (child >= size) break;
      if (child + 1 < size && this.#less(heap[child + 1], heap[child])) child++;
      const c = heap[child];
      if (!this.#less(c, i)) break;
      heap[at] = c;
      pos[c] = at;
      at = child;
    }
    heap[at] = i;
    pos[i] = at;
  }

  #sync(): void {
    const t = this.#size === 0 ? NIL : this.#due[this.#heap[0]];
    if (t === this.#armedAt) return;
    this.#armedAt = t;
    if (t === NIL) this.#clock.disarm();
    else this.#clock.arm(t, this.#onDue);
  }
}
