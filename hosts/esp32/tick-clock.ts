// The station's clock on Moddable: `Time.ticks` unwrapped into a monotonic millisecond count, and one `Timer` as the
// timer wheel's one-shot — DESIGN.md §4 (tickless: the host keeps one timer, re-armed for the wheel's next due time).
import type { Clock } from "../../src/host.js";

/** What the clock uses of Moddable's `timer` module (`Timer` from "timer", injected). */
export interface TimerIO<T> {
	repeat(callback: (timer: T) => void, interval: number): T;
	/** With an interval: fire after it (then every `repeat` ms); without: stay parked, not cleared. */
	schedule(timer: T, interval?: number, repeat?: number): void;
	clear(timer: T): void;
}

export interface TickClockOptions<T> {
	readonly timer: TimerIO<T>;
	/** Moddable's `Time.ticks`: milliseconds, a 32-bit count on the ESP32 kept as an Int32 (negative after ~24.8 days). */
	readonly ticks: () => number;
}

/** The parked timer's repeat interval: longer than any arming (an arming further away is cut to it, see `arm`). */
const PARKED_MS = 0x40000000;

/**
 * `Clock` on Moddable. `now()` adds the ticks elapsed since its last call, taken modulo 2^32, so the count runs on
 * across the wrap of `Time.ticks` (~24.8 days as an Int32, ~49.7 days unsigned). It must be read at least once per
 * 2^32 ms: the wheel reads it at every timer it starts or fires, and the registration refresh is one every
 * `registerExpires` seconds at most. One repeating Timer is made once and re-scheduled for each arming (a one-shot
 * Moddable timer is freed when it fires; re-using one allocates nothing per arming).
 */
export class TickClock<T> implements Clock {
	readonly #io: TimerIO<T>;
	readonly #ticks: () => number;
	readonly #timer: T;
	#last: number;
	#now = 0;
	#onDue: (() => void) | null = null;

	constructor(options: TickClockOptions<T>) {
		this.#io = options.timer;
		this.#ticks = options.ticks;
		this.#last = options.ticks();
		this.#timer = options.timer.repeat(() => this.#fire(), PARKED_MS);
		options.timer.schedule(this.#timer);
	}

	now(): number {
		const raw = this.#ticks();
		this.#now += (raw - this.#last) >>> 0;
		this.#last = raw;
		return this.#now;
	}

	arm(atMs: number, onDue: () => void): void {
		this.#onDue = onDue;
		const delay = Math.ceil(atMs - this.now());
		// Due in the past: at once. Further than the parked interval: the early wake-up finds nothing due and re-arms.
		this.#io.schedule(this.#timer, delay <= 0 ? 0 : delay < PARKED_MS ? delay : PARKED_MS, PARKED_MS);
	}

	disarm(): void {
		this.#onDue = null;
		this.#io.schedule(this.#timer);
	}

	/** Stop for good (the Timer is cleared). */
	close(): void {
		this.#onDue = null;
		this.#io.clear(this.#timer);
	}

	#fire(): void {
		this.#io.schedule(this.#timer);
		const onDue = this.#onDue;
		this.#onDue = null;
		onDue?.();
	}
}
