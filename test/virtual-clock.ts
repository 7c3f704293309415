// A host clock for tests: time moves only when the test says so, and the single one-shot fires as a host's
// would — DESIGN.md §4 (tickless wheel), §7 (virtual host). Host-free, so vectors use it on XS too.
import type { Clock } from "../src/host.js";

/** Wake-ups one `advance()` may run before it decides the one-shot is re-armed for "now" forever. */
const MAX_WAKES_PER_ADVANCE = 1_000_000;

/**
 * A `Clock` whose time changes only in `advance(ms)` and `jump(ms)`. `advance` behaves like a punctual host:
 * time stops at each armed time and the one-shot runs there. `jump` is a host that slept (or a clock that
 * stepped): time moves on and nothing runs until the next `advance`, which fires the overdue one-shot once, late.
 * Every arming, disarming and wake-up is recorded, so tests can prove an idle station is never woken.
 */
export class VirtualClock implements Clock {
	#now: number;
	#armedAt = 0;
	#onDue: (() => void) | null = null;
	/** `atMs` of every `arm()` call, in order. */
	readonly armings: number[] = [];
	/** The time each `arm()` call was made at (same order as `armings`). */
	readonly armedWhen: number[] = [];
	/** The time of every `disarm()` call. */
	readonly disarms: number[] = [];
	/** The time of every wake-up (the one-shot running). */
	readonly wakes: number[] = [];

	/** Keep the armings, disarms and wake-ups (false: a clock for allocation measurements, which records nothing). */
	readonly #record: boolean;

	constructor(startMs = 0, record = true) {
		this.#now = startMs;
		this.#record = record;
	}

	now(): number {
		return this.#now;
	}

	arm(atMs: number, onDue: () => void): void {
		if (this.#record) {
			this.armings.push(atMs);
			this.armedWhen.push(this.#now);
		}
		this.#armedAt = atMs;
		this.#onDue = onDue;
	}

	disarm(): void {
		if (this.#record) this.disarms.push(this.#now);
		this.#onDue = null;
	}

	/** True while a one-shot is armed. */
	get armed(): boolean {
		return this.#onDue !== null;
	}

	/** When the one-shot is armed for; -1 when it is not armed. */
	get armedAt(): number {
		return this.#onDue === null ? -1 : this.#armedAt;
	}

	/**
	 * Let `ms` pass. Each time the armed time falls inside, time stops there and the one-shot runs (a one-shot
	 * armed for a time already past runs at once, at the current time). Returns the number of wake-ups.
	 */
	advance(ms: number): number {
		const end = this.#now + ms;
		let wakes = 0;
		while (this.#onDue !== null && this.#armedAt <= end) {
			if (++wakes > MAX_WAKES_PER_ADVANCE) throw new Error("VirtualClock: the one-shot keeps re-arming without time passing");
			if (this.#armedAt > this.#now) this.#now = this.#armedAt;
			const onDue = this.#onDue;
			this.#onDue = null;
			if (this.#record) this.wakes.push(this.#now);
			onDue();
		}
		this.#now = end;
		return wakes;
	}

	/** Advance to the absolute time `atMs` (see `advance`). */
	advanceTo(atMs: number): number {
		return this.advance(atMs - this.#now);
	}

	/** Let `ms` pass with nothing running: a host that slept, or a clock that stepped. `advance(0)` then wakes late. */
	jump(ms: number): void {
		this.#now += ms;
	}
}
