// The door button: raw edges from the host (an interrupt on the ESP32, a command in the simulator), debounced on the
// timer wheel, turned into press, release and long press — DESIGN.md §4 (debounce is a wheel timer, never a host's).
import type { TimerOwner, TimerWheel } from "../transaction/timer-wheel.js";
import type { ButtonConfig } from "./config.js";

/** What the button tells the station. */
export interface ButtonUser {
	/** The button went down (debounced). */
	onPress(): void;
	/** It came up after `heldMs`; `long` when the long press was already reported. */
	onRelease(heldMs: number, long: boolean): void;
	/** It has been held for the configured long-press time. */
	onLongPress(): void;
}

const T_DEBOUNCE = 1, T_LONG = 2;

export class Button implements TimerOwner {
	readonly #wheel: TimerWheel;
	readonly #config: ButtonConfig;
	readonly #user: ButtonUser;
	readonly #now: () => number;
	readonly #owner: number;
	/** The level the host reported last (bouncing), and the debounced state. */
	#raw = false;
	#down = false;
	#downAt = 0;
	#long = false;
	#debounce = -1;
	#longTimer = -1;

	constructor(options: { wheel: TimerWheel; config: ButtonConfig; user: ButtonUser; now: () => number }) {
		this.#wheel = options.wheel;
		this.#config = options.config;
		this.#user = options.user;
		this.#now = options.now;
		this.#owner = options.wheel.register(this);
	}

	/** Debounced state: held down. */
	get down(): boolean {
		return this.#down;
	}

	/** An edge from the pin: `pressed` is the level now (the host has inverted an active-low button already). */
	edge(pressed: boolean): void {
		this.#raw = pressed;
		// Each edge restarts the wait: the level counts once it has been stable for debounceMs.
		if (this.#debounce >= 0) this.#wheel.cancel(this.#debounce);
		this.#debounce = this.#wheel.start(this.#config.debounceMs, this.#owner, T_DEBOUNCE, 0);
		// A full wheel cannot leave the button dead: take the level as it is.
		if (this.#debounce < 0) this.#settle();
	}

	onTimer(kind: number): void {
		if (kind === T_DEBOUNCE) {
			this.#debounce = -1;
			this.#settle();
		} else if (kind === T_LONG) {
			this.#longTimer = -1;
			if (this.#down && !this.#long) {
				this.#long = true;
				this.#user.onLongPress();
			}
		}
	}

	/** Cancel the timers (shutdown). */
	stop(): void {
		if (this.#debounce >= 0) this.#wheel.cancel(this.#debounce);
		if (this.#longTimer >= 0) this.#wheel.cancel(this.#longTimer);
		this.#debounce = this.#longTimer = -1;
	}

	#settle(): void {
		if (this.#raw === this.#down) return; // it bounced back: nothing happened
		this.#down = this.#raw;
		if (this.#down) {
			this.#downAt = this.#now();
			this.#long = false;
			this.#longTimer = this.#wheel.start(this.#config.longPressMs, this.#owner, T_LONG, 0);
			this.#user.onPress();
		} else {
			if (this.#longTimer >= 0) this.#wheel.cancel(this.#longTimer);
			this.#longTimer = -1;
			this.#user.onRelease(this.#now() - this.#downAt, this.#long);
		}
	}
}
