// The station's one timer mechanism — DESIGN.md §4; RFC 3261 §17 timers A–K, §10.2.4 refresh, RFC 4028.
// Varghese & Lauck, "Hashed and Hierarchical Timing Wheels" (1987), scheme 7, run tickless from `Clock`.
import type { Clock } from "../host.js";

/** Who a timer belongs to. Registered once; every timer names its owner by id, so no closure is made per timer. */
export interface TimerOwner {
	/**
	 * A timer of `kind` started with `arg` expired. Called from inside `TimerWheel.advance()`, in due order; it may
	 * start and cancel timers (its own handle is already inactive here). An exception propagates out of `advance()`.
	 */
	onTimer(kind: number, arg: number): void;
}

export interface TimerWheelOptions {
	/** Most timers alive at once (1 .. 2^20). Sized once: a full wheel refuses, it never grows (DESIGN.md §3). */
	readonly capacity: number;
	readonly clock: Clock;
	/** Length of a tick in ms (default 1). Due times round up to a tick; timers due in one tick fire in one wake-up. */
	readonly resolutionMs?: number;
}

/** Default tick: the millisecond the hosts' one-shots (Node's setTimeout, Moddable's Timer) are set in. */
export const DEFAULT_RESOLUTION_MS = 1;
/** Largest capacity: the node index must leave a generation of at least 10 bits in a handle. */
export const MAX_TIMER_CAPACITY = 1 << 20;

/** Bits of slot index per level: 64 slots, so a level's occupancy is two 32-bit words. */
const SLOT_BITS = 6;
const SLOTS = 1 << SLOT_BITS;
const SLOT_MASK = SLOTS - 1;
/** Level L has 64 slots of 64^L ticks each; five levels reach 2^30 ticks ahead (12.4 days at 1 ms). */
const LEVELS = 5;
const WORDS_PER_LEVEL = SLOTS >> 5;
/** Ticks spanned by the top level's page. Timers due beyond the cursor's top page wait in the overflow list. */
const HORIZON_TICKS = 2 ** (SLOT_BITS * LEVELS);
/** Ticks below this (2^30: 12.4 days after the wheel was made, at 1 ms) are placed with 32-bit integer arithmetic. */
const SMALL_TICKS = HORIZON_TICKS;
/** List head of the overflow list, after the LEVELS × SLOTS slot heads. */
const OVERFLOW = LEVELS * SLOTS;
/** Handles stay below 2^30: small integers on V8 (Smi) and XS (int32), so handing them out allocates nothing. */
const HANDLE_BITS = 30;
/** No node / empty list / nothing due. */
const NIL = -1;

/**
 * One hierarchical hashed timer wheel for every timer of the station. Capacity, slot heads, occupancy bitmaps
 * and the per-timer fields (intrusive circular lists) are typed arrays made once; `start`, `cancel` and
 * `advance` allocate nothing.
 *
 * Placement: a timer due at tick D lives on the lowest level whose page (64^(L+1) ticks, aligned) holds both D
 * and the cursor, in slot ⌊D / 64^L⌋ mod 64; beyond the top page it waits in an overflow list. So the first
 * occupied slot after the cursor, searched level by level in the bitmaps, holds the earliest timer, and all
 * timers of one tick share one list, in start order. As the cursor enters a page, that page's slot one level
 * up is spilled into the levels below (a timer moves down at most once per level; one in the overflow list is
 * looked at again each time the cursor enters a new top page, every 2^30 ticks).
 *
 * Costs: `start` and `cancel` O(1) (a level from the highest bit where due and cursor differ; list append or
 * unlink). `advance` O(timers fired + timers spilled), however far time jumped: it steps from one occupied slot
 * to the next, never tick by tick. `nextDue` O(1) while cached; after the earliest timer fired or was cancelled,
 * a search of the occupancy bitmaps (at most LEVELS × 2 words) plus, when the earliest timer lies beyond the
 * cursor's 64-tick page, a walk of the one slot list that holds it. Memory: 32 bytes per timer plus 1.3 KB.
 *
 * Tickless: the wheel keeps the host's one-shot armed for the earliest due time (`clock.arm`), re-arming only
 * when that time changes and disarming when no timer is left. An idle station is never woken.
 */
export class TimerWheel {
	readonly capacity: number;
	readonly resolutionMs: number;
	readonly #clock: Clock;
	/** `clock.now()` at construction: ticks count from here, so they stay small integers for weeks. */
	readonly #originMs: number;
	/** The one callback handed to `clock.arm`, made in the constructor. */
	readonly #onDue: () => void;
	readonly #owners: TimerOwner[] = [];

	// Per timer node.
	readonly #next: Int32Array;
	readonly #prev: Int32Array;
	/** List the node is on (slot head index, or OVERFLOW); NIL when free. */
	readonly #list: Int16Array;
	/** Due tick. */
	readonly #due: Float64Array;
	readonly #owner: Uint16Array;
	readonly #kind: Int32Array;
	readonly #arg: Int32Array;
	/** Generation of the node, 1 .. 2^genBits - 1: a handle carries it, so a stale handle finds a mismatch. */
	readonly #gen: Int32Array;
	readonly #indexBits: number;
	readonly #indexMask: number;
	readonly #genLimit: number;

	/** First node of each slot list (LEVELS × SLOTS) and of the overflow list; NIL when empty. */
	readonly #heads = new Int32Array(OVERFLOW + 1).fill(NIL);
	/** One bit per slot: set while its list is not empty. */
	readonly #occupied = new Int32Array(LEVELS * WORDS_PER_LEVEL);
	#free = 0;
	#count = 0;
	/** First tick not yet processed: every timer due before it has fired. */
	#cursor = 0;
	#advancing = false;
	/** While advancing to tick T: T + 1, the earliest tick a timer started from a callback may be due. */
	#limit = 0;
	/** Earliest due tick (NIL when empty), valid while `#nextKnown`. */
	#nextTick = NIL;
	#nextKnown = true;
	/** Tick the host's one-shot is armed for; NIL when disarmed. */
	#armedTick = NIL;

	constructor(options: TimerWheelOptions) {
		const capacity = options.capacity;
		if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_TIMER_CAPACITY) {
			throw new RangeError(`timer capacity must be an integer from 1 to ${MAX_TIMER_CAPACITY}`);
		}
		const resolution = options.resolutionMs ?? DEFAULT_RESOLUTION_MS;
		if (!(resolution > 0 && resolution < Infinity)) throw new RangeError("timer resolution must be a positive number of ms");
		this.capacity = capacity;
		this.resolutionMs = resolution;
		this.#clock = options.clock;
		this.#originMs = options.clock.now();
		this.#next = new Int32Array(capacity);
		this.#prev = new Int32Array(capacity);
		this.#list = new Int16Array(capacity).fill(NIL);
		this.#due = new Float64Array(capacity);
		this.#owner = new Uint16Array(capacity);
		this.#kind = new Int32Array(capacity);
		this.#arg = new Int32Array(capacity);
		this.#gen = new Int32Array(capacity).fill(1);
		let bits = 1;
		while (1 << bits < capacity) bits++;
		this.#indexBits = bits;
		this.#indexMask = (1 << bits) - 1;
		this.#genLimit = 2 ** (HANDLE_BITS - bits);
		for (let i = 0; i < capacity; i++) this.#next[i] = i + 1 < capacity ? i + 1 : NIL;
		this.#onDue = () => {
			this.#armedTick = NIL; // the host's one-shot is spent
			this.advance(this.#clock.now());
		};
	}

	/** Register an owner once (configuration time); returns the id its timers are started with. */
	register(owner: TimerOwner): number {
		if (this.#owners.length > 0xffff) throw new RangeError("too many timer owners");
		this.#owners.push(owner);
		return this.#owners.length - 1;
	}

	/** Timers started and not yet fired or cancelled. */
	get size(): number {
		return this.#count;
	}

	/**
	 * Start a timer: `owner.onTimer(kind, arg)` runs once, `delayMs` from now (rounded up to a tick, never earlier;
	 * never on a tick already processed, and never inside the `advance()` that started it: a delay of 0 from a
	 * callback fires on the next tick). `kind` and `arg` are 32-bit integers. Returns the handle, or -1 when
	 * all `capacity` timers are running (the caller reports it; the wheel does not grow). A negative delay is 0.
	 */
	start(delayMs: number, ownerId: number, kind: number, arg: number): number {
		if (!(delayMs < Infinity)) throw new RangeError("timer delay must be a finite number of ms");
		if (!((ownerId >>> 0) === ownerId && ownerId < this.#owners.length)) throw new RangeError("timer owner is not registered");
		const i = this.#free;
		if (i === NIL) return -1;
		this.#free = this.#next[i];
		const elapsedMs = this.#clock.now() - this.#originMs;
		if (this.#count === 0 && !this.#advancing) {
			// Idle wheel: bring the cursor up to now, so new timers sit on low levels (nothing is due before it).
			const nowTick = Math.ceil(elapsedMs / this.resolutionMs);
			if (nowTick > this.#cursor) this.#cursor = nowTick;
		}
		let due = Math.ceil((delayMs > 0 ? elapsedMs + delayMs : elapsedMs) / this.resolutionMs);
		const earliest = this.#advancing ? this.#limit : this.#cursor;
		if (due < earliest) due = earliest;
		this.#due[i] = due;
		this.#owner[i] = ownerId;
		this.#kind[i] = kind;
		this.#arg[i] = arg;
		this.#count++;
		this.#place(i, due);
		// Outside advance() the one-shot is armed for #nextTick whenever that is known: re-arm only if it moved.
		if (!this.#nextKnown) {
			if (!this.#advancing) this.#sync();
		} else if (this.#nextTick === NIL || due < this.#nextTick) {
			this.#nextTick = due;
			if (!this.#advancing) this.#sync();
		}
		return (this.#gen[i] << this.#indexBits) | i;
	}

	/** Stop a timer before it fires. True if it was running; a stale or unknown handle is a harmless no-op (false). */
	cancel(handle: number): boolean {
		const i = this.#live(handle);
		if (i === NIL) return false;
		const due = this.#due[i];
		this.#unlink(i);
		this.#release(i);
		if (!this.#nextKnown || due === this.#nextTick) {
			this.#nextKnown = false;
			if (!this.#advancing) this.#sync();
		}
		return true;
	}

	/** True while the timer `handle` names is running (started, not yet fired or cancelled). */
	isActive(handle: number): boolean {
		return this.#live(handle) !== NIL;
	}

	/** Milliseconds until the timer fires (0 when overdue), or -1 when `handle` names no running timer. */
	remaining(handle: number): number {
		const i = this.#live(handle);
		if (i === NIL) return -1;
		const ms = this.#originMs + this.#due[i] * this.resolutionMs - this.#clock.now();
		return ms > 0 ? ms : 0;
	}

	/**
	 * When the earliest timer is due (absolute ms on the clock), or -1 when none runs. O(1) while cached; after
	 * the earliest timer fired or was cancelled, a search of the occupancy bitmaps (LEVELS × 2 words), plus a walk
	 * of the one slot that holds the earliest timer when that lies beyond the cursor's 64-tick page.
	 */
	nextDue(): number {
		const t = this.#earliest();
		return t === NIL ? -1 : this.#originMs + t * this.resolutionMs;
	}

	/**
	 * Fire every timer due at or before `nowMs`, each once, in due order (ties in start order) — however far time
	 * jumped since the last call — then re-arm the clock. The clock's one-shot calls this with `clock.now()`.
	 * A call from inside a callback is ignored. Time going backwards fires nothing.
	 */
	advance(nowMs: number): void {
		if (this.#advancing) return;
		const target = Math.floor((nowMs - this.#originMs) / this.resolutionMs);
		if (target < this.#cursor) {
			this.#sync();
			return;
		}
		this.#advancing = true;
		this.#limit = target + 1;
		const heads = this.#heads;
		try {
			while (this.#count > 0) {
				const c = this.#cursor;
				const s = this.#firstOccupied(0, c & SLOT_MASK);
				if (s !== NIL) {
					const due = c - (c & SLOT_MASK) + s;
					if (due > target) break;
					this.#moveCursor(due);
					// Timers started from callbacks are due after `target`, so never land in this slot.
					for (let i = heads[s]; i !== NIL; i = heads[s]) {
						this.#unlink(i);
						const owner = this.#owner[i], kind = this.#kind[i], arg = this.#arg[i];
						this.#release(i);
						this.#nextKnown = false; // for nextDue() asked from a callback
						this.#owners[owner].onTimer(kind, arg);
					}
					this.#moveCursor(due + 1);
					continue;
				}
				// Nothing more in the cursor's 64-tick page: step to the start of the next occupied page.
				const page = this.#nextPageStart();
				if (page === NIL || page > target) break;
				this.#moveCursor(page);
			}
			if (this.#cursor <= target) this.#moveCursor(target + 1);
		} finally {
			this.#advancing = false;
			this.#nextKnown = false;
			this.#sync();
		}
	}

	/** Node index of a running timer's handle, else NIL. */
	#live(handle: number): number {
		if ((handle | 0) !== handle || handle < 0) return NIL;
		const i = handle & this.#indexMask;
		if (i >= this.capacity || this.#list[i] === NIL || this.#gen[i] !== handle >>> this.#indexBits) return NIL;
		return i;
	}

	/** Put node i (due at `due` >= cursor) on the list its level and slot say. */
	#place(i: number, due: number): void {
		if (due < SMALL_TICKS) {
			// The cursor is <= due, so both fit in 30 bits: the highest bit where they differ picks the level.
			const level = ((31 - Math.clz32(due ^ this.#cursor)) / SLOT_BITS) | 0;
			this.#append(level * SLOTS + ((due >>> (level * SLOT_BITS)) & SLOT_MASK), i);
			return;
		}
		const c = this.#cursor;
		let low = 1, page = SLOTS;
		for (let level = 0; level < LEVELS; level++) {
			if (Math.floor(due / page) === Math.floor(c / page)) {
				this.#append(level * SLOTS + ((due / low) & SLOT_MASK), i);
				return;
			}
			low = page;
			page *= SLOTS;
		}
		this.#append(OVERFLOW, i);
	}

	#append(list: number, i: number): void {
		const heads = this.#heads, next = this.#next, prev = this.#prev;
		const head = heads[list];
		if (head === NIL) {
			heads[list] = i;
			next[i] = prev[i] = i;
			if (list !== OVERFLOW) this.#occupied[list >> 5] |= 1 << (list & 31);
		} else {
			const tail = prev[head];
			next[tail] = i;
			prev[i] = tail;
			next[i] = head;
			prev[head] = i;
		}
		this.#list[i] = list;
	}

	#unlink(i: number): void {
		const list = this.#list[i], n = this.#next[i];
		if (n === i) {
			this.#heads[list] = NIL;
			if (list !== OVERFLOW) this.#occupied[list >> 5] &= ~(1 << (list & 31));
		} else {
			const p = this.#prev[i];
			this.#next[p] = n;
			this.#prev[n] = p;
			if (this.#heads[list] === i) this.#heads[list] = n;
		}
	}

	/** Back to the free list, with a new generation (handles to it go stale). */
	#release(i: number): void {
		this.#list[i] = NIL;
		const g = this.#gen[i] + 1;
		this.#gen[i] = g < this.#genLimit ? g : 1;
		this.#next[i] = this.#free;
		this.#free = i;
		this.#count--;
	}

	/** First occupied slot of `level` at index >= `from`, or NIL. */
	#firstOccupied(level: number, from: number): number {
		if (from >= SLOTS) return NIL;
		const bits = this.#occupied, first = level * WORDS_PER_LEVEL, end = first + WORDS_PER_LEVEL;
		let word = first + (from >> 5);
		let w = bits[word] & (-1 << (from & 31));
		for (;;) {
			if (w !== 0) return ((word - first) << 5) + 31 - Math.clz32(w & -w);
			if (++word === end) return NIL;
			w = bits[word];
		}
	}

	/** Start tick of the first occupied page above level 0 (an upper-level slot or the overflow list), or NIL. */
	#nextPageStart(): number {
		const c = this.#cursor;
		let low = SLOTS, page = SLOTS * SLOTS;
		for (let level = 1; level < LEVELS; level++) {
			const s = this.#firstOccupied(level, ((c / low) & SLOT_MASK) + 1);
			if (s !== NIL) return Math.floor(c / page) * page + s * low;
			low = page;
			page *= SLOTS;
		}
		const t = this.#earliestOn(OVERFLOW);
		return t === NIL ? NIL : Math.floor(t / HORIZON_TICKS) * HORIZON_TICKS;
	}

	/**
	 * Move the cursor to tick n; no timer may be due before n. Each level's slot for n's page holds the timers
	 * that now belong lower: spill them, top level first (and the overflow list when n enters a new top page).
	 */
	#moveCursor(n: number): void {
		const old = this.#cursor;
		this.#cursor = n;
		let level = LEVELS - 1, low = HORIZON_TICKS / SLOTS;
		if (n < SMALL_TICKS) {
			// Only levels whose page n left can hold timers to spill: up to the highest bit where n and old differ.
			const top = ((31 - Math.clz32(n ^ old)) / SLOT_BITS) | 0;
			if (top === 0) return;
			level = top;
			low = 1 << (top * SLOT_BITS);
		} else if (this.#heads[OVERFLOW] !== NIL && Math.floor(n / HORIZON_TICKS) !== Math.floor(old / HORIZON_TICKS)) {
			this.#spill(OVERFLOW);
		}
		for (; level >= 1; level--) {
			const list = level * SLOTS + ((n / low) & SLOT_MASK);
			if (this.#heads[list] !== NIL) this.#spill(list);
			low /= SLOTS;
		}
	}

	/** Re-place every node of a list relative to the cursor, in list order (so ties keep their start order). */
	#spill(list: number): void {
		const heads = this.#heads, next = this.#next, head = heads[list];
		heads[list] = NIL;
		if (list !== OVERFLOW) this.#occupied[list >> 5] &= ~(1 << (list & 31));
		let i = head, n: number;
		do {
			n = next[i];
			this.#place(i, this.#due[i]);
			i = n;
		} while (i !== head);
	}

	/** Earliest due tick on one list (a walk of that list only), or NIL when it is empty. */
	#earliestOn(list: number): number {
		const head = this.#heads[list];
		if (head === NIL) return NIL;
		const next = this.#next, due = this.#due;
		let best = due[head];
		for (let i = next[head]; i !== head; i = next[i]) if (due[i] < best) best = due[i];
		return best;
	}

	/** Earliest due tick (NIL when empty), recomputed only when the cached one fired or was cancelled. */
	#earliest(): number {
		if (this.#nextKnown) return this.#nextTick;
		let t = NIL;
		if (this.#count > 0) {
			const c = this.#cursor;
			const s = this.#firstOccupied(0, c & SLOT_MASK);
			if (s !== NIL) t = c - (c & SLOT_MASK) + s;
			else {
				let low = SLOTS;
				for (let level = 1; level < LEVELS && t === NIL; level++) {
					const u = this.#firstOccupied(level, ((c / low) & SLOT_MASK) + 1);
					if (u !== NIL) t = this.#earliestOn(level * SLOTS + u);
					low *= SLOTS;
				}
				if (t === NIL) t = this.#earliestOn(OVERFLOW);
			}
		}
		this.#nextTick = t;
		this.#nextKnown = true;
		return t;
	}

	/** Keep the host's one-shot armed for the earliest due tick: arm when it changed, disarm when none is left. */
	#sync(): void {
		const t = this.#earliest();
		if (t === this.#armedTick) return;
		this.#armedTick = t;
		if (t === NIL) this.#clock.disarm();
		else this.#clock.arm(this.#originMs + t * this.resolutionMs, this.#onDue);
	}
}
