// The door relay: a pulse of the configured length on its pin (active-high or active-low), timed on the wheel.
import type { Pin } from "../host.js";
import type { TimerOwner, TimerWheel } from "../transaction/timer-wheel.js";
import type { RelayConfig } from "./config.js";

/** What a relay tells the station when it opens or closes. */
export interface RelayUser {
	onRelay(relay: number, open: boolean, ms: number): void;
}

export class Relay implements TimerOwner {
	readonly index: number;
	readonly config: RelayConfig;
	readonly #pin: Pin;
	readonly #wheel: TimerWheel;
	readonly #user: RelayUser;
	readonly #owner: number;
	#timer = -1;
	#open = false;

	constructor(options: { index: number; config: RelayConfig; pin: Pin; wheel: TimerWheel; user: RelayUser }) {
		this.index = options.index;
		this.config = options.config;
		this.#pin = options.pin;
		this.#wheel = options.wheel;
		this.#user = options.user;
		this.#owner = options.wheel.register(this);
		this.#drive(false); // a known level at boot: closed
	}

	get open(): boolean {
		return this.#open;
	}

	/**
	 * Open for the pulse length; a pulse while open starts the length again. False when the wheel had no timer for
	 * the release: then the relay is not opened at all (a door left open is worse than a refused opening).
	 */
	pulse(): boolean {
		if (this.#timer >= 0) this.#wheel.cancel(this.#timer);
		this.#timer = this.#wheel.start(this.config.pulseMs, this.#owner, 0, 0);
		if (this.#timer < 0) {
			this.#close();
			return false;
		}
		const was = this.#open;
		this.#drive(true);
		if (!was) this.#user.onRelay(this.index, true, this.config.pulseMs);
		return true;
	}

	onTimer(): void {
		this.#timer = -1;
		this.#close();
	}

	/** Close now (shutdown). */
	stop(): void {
		if (this.#timer >= 0) this.#wheel.cancel(this.#timer);
		this.#timer = -1;
		this.#close();
	}

	#close(): void {
		if (!this.#open) return;
		this.#drive(false);
		this.#user.onRelay(this.index, false, 0);
	}

	#drive(open: boolean): void {
		this.#open = open;
		this.#pin.write(open !== this.config.activeLow ? 1 : 0);
	}
}
