// Call limits: a call lasts at most maxCallSeconds (a warning tone W seconds before, a key that extends it), and ends
// N seconds after the door opened — a door station must not stay off the hook for a forgotten phone.
import type { TimerOwner, TimerWheel } from "../transaction/timer-wheel.js";
import type { CallLimitsConfig } from "./config.js";

/** What the limits tell the station. */
export interface CallLimitsUser {
	onLimitWarning(call: number, secondsLeft: number): void;
	onLimitReached(call: number, seconds: number): void;
	onDoorHangup(call: number, seconds: number): void;
}

const T_WARNING = 1, T_LIMIT = 2, T_AFTER_DOOR = 3;

/** The limits of the call in progress (one at a time: a door station carries one conversation). */
export class CallLimits implements TimerOwner {
	readonly #config: CallLimitsConfig;
	readonly #wheel: TimerWheel;
	readonly #user: CallLimitsUser;
	readonly #now: () => number;
	readonly #owner: number;
	readonly #timers = new Int32Array(4).fill(-1);
	#call = -1;
	/** When the call must end (ms, the clock's time). */
	#endsAt = 0;
	#startedAt = 0;

	constructor(options: { config: CallLimitsConfig; wheel: TimerWheel; user: CallLimitsUser; now: () => number }) {
		this.#config = options.config;
		this.#wheel = options.wheel;
		this.#user = options.user;
		this.#now = options.now;
		this.#owner = options.wheel.register(this);
	}

	/** The call timed (or -1). */
	get call(): number {
		return this.#call;
	}

	/** Seconds left before the limit (Infinity without one). */
	get secondsLeft(): number {
		return this.#call < 0 || this.#config.maxCallSeconds === 0 ? Infinity : Math.max(0, Math.ceil((this.#endsAt - this.#now()) / 1000));
	}

	/** Time `call` from its answer. False when the wheel had no room for the limit (the caller ends the call). */
	start(call: number): boolean {
		this.stop();
		this.#call = call;
		this.#startedAt = this.#now();
		const max = this.#config.maxCallSeconds;
		if (max === 0) return true;
		this.#endsAt = this.#startedAt + max * 1000;
		return this.#arm();
	}

	/** The extend key: the end moves `extendSeconds` later. True when there was a limit to extend. */
	extend(): boolean {
		if (this.#call < 0 || this.#config.maxCallSeconds === 0) return false;
		this.#endsAt += this.#config.extendSeconds * 1000;
		if (!this.#arm()) this.#user.onLimitReached(this.#call, this.#seconds());
		return true;
	}

	/** The door opened during the call: it ends `hangupAfterDoorOpenSeconds` later (0: it goes on). */
	doorOpened(): void {
		const after = this.#config.hangupAfterDoorOpenSeconds;
		if (this.#call < 0 || after === 0) return;
		this.#set(T_AFTER_DOOR, after * 1000);
		if (this.#timers[T_AFTER_DOOR] < 0) this.#user.onDoorHangup(this.#call, after);
	}

	stop(): void {
		for (let k = 1; k < this.#timers.length; k++) this.#cancel(k);
		this.#call = -1;
	}

	onTimer(kind: number): void {
		this.#timers[kind] = -1;
		const call = this.#call;
		if (call < 0) return;
		if (kind === T_WARNING) this.#user.onLimitWarning(call, this.secondsLeft);
		else if (kind === T_LIMIT) this.#user.onLimitReached(call, this.#seconds());
		else if (kind === T_AFTER_DOOR) this.#user.onDoorHangup(call, this.#config.hangupAfterDoorOpenSeconds);
	}

	/** The limit and its warning from `#endsAt`; false when the wheel is full. */
	#arm(): boolean {
		const left = this.#endsAt - this.#now(), warning = this.#config.warningSeconds * 1000;
		this.#cancel(T_WARNING);
		if (warning > 0 && left > warning) this.#set(T_WARNING, left - warning);
		this.#set(T_LIMIT, left);
		return this.#timers[T_LIMIT] >= 0;
	}

	#seconds(): number {
		return Math.round((this.#endsAt - this.#startedAt) / 1000);
	}

	#set(kind: number, ms: number): void {
		this.#cancel(kind);
		this.#timers[kind] = this.#wheel.start(Math.max(1, ms), this.#owner, kind, 0);
	}

	#cancel(kind: number): void {
		if (this.#timers[kind] >= 0) this.#wheel.cancel(this.#timers[kind]);
		this.#timers[kind] = -1;
	}
}
