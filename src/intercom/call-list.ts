// The call list: who the station rings when the button is pressed. Sequential: one target at a time, CANCELled at
// its ring time (RFC 3261 §9.1), the next one at once after a failure (4xx-6xx, timeout, transport error), the whole
// list `cycles` times. Parallel: every target at once, each in its own call slot; the first 2xx wins and every other
// branch is CANCELled (the UA ACKs and BYEs a 2xx that crosses the CANCEL, §9.1 / §15). Ring times on the wheel.
import type { TimerOwner, TimerWheel } from "../transaction/timer-wheel.js";
import type { CallListConfig, CallTarget } from "./config.js";

/** What the call list needs of the user agent. */
export interface CallPlacer {
	/** INVITE `uri`: the call slot, or -1 (no free slot, an unreachable URI). */
	call(uri: string): number;
	/** CANCEL a ringing call (or BYE an answered one). */
	hangup(call: number): void;
}

/** What the call list tells the station. */
export interface CallListUser {
	onListStarted(list: number, cycle: number): void;
	onCalling(call: number, target: CallTarget): void;
	/** The list ended: `answered` is the slot of the call that won, or -1 when nobody answered (or it was cancelled). */
	onListEnded(answered: number, cancelled: boolean): void;
}

const NONE = -1;

export class CallList implements TimerOwner {
	readonly #wheel: TimerWheel;
	readonly #ua: CallPlacer;
	readonly #user: CallListUser;
	readonly #owner: number;
	/** Per call slot: the target index it rings for this list, or NONE. */
	readonly #targetOf: Int8Array;
	/** Per call slot: its ring timer. */
	readonly #ringTimer: Int32Array;
	#list: CallListConfig | null = null;
	#which = 0;
	#cycle = 0;
	/** Sequential: the target being rung now. */
	#next = 0;

	constructor(options: { wheel: TimerWheel; ua: CallPlacer; user: CallListUser; slots: number }) {
		this.#wheel = options.wheel;
		this.#ua = options.ua;
		this.#user = options.user;
		this.#owner = options.wheel.register(this);
		this.#targetOf = new Int8Array(options.slots).fill(NONE);
		this.#ringTimer = new Int32Array(options.slots).fill(-1);
	}

	get running(): boolean {
		return this.#list !== null;
	}

	/** The list running (0 main, 1 alternate). */
	get which(): number {
		return this.#which;
	}

	/** The target call slot `call` rings for the running list, or null. */
	target(call: number): CallTarget | null {
		const t = this.#targetOf[call];
		return this.#list === null || t === undefined || t < 0 ? null : this.#list.targets[t];
	}

	/** Ring `list` (0 main, 1 alternate). False when it has no targets. */
	start(list: CallListConfig, which: number): boolean {
		if (list.targets.length === 0) return false;
		this.#list = list;
		this.#which = which;
		this.#cycle = 0;
		this.#nextCycle();
		return true;
	}

	/** Stop ringing: every branch is CANCELled. */
	cancel(): void {
		if (this.#list === null) return;
		this.#list = null;
		this.#dropAll(NONE);
		this.#user.onListEnded(NONE, true);
	}

	/** Call slot `call` was answered: true when it was one of the list's (the list is over: the others are CANCELled). */
	onAnswered(call: number): boolean {
		if (this.#list === null || this.#targetOf[call] < 0) return false;
		this.#list = null;
		this.#dropAll(call);
		this.#targetOf[call] = NONE;
		this.#user.onListEnded(call, false);
		return true;
	}

	/** Call slot `call` ended without an answer (rejected, timed out, cancelled at its ring time ...): go on. */
	onEnded(call: number): void {
		if (this.#targetOf[call] < 0) return;
		this.#release(call);
		if (this.#list === null) return;
		if (this.#list.mode === "sequential") this.#ringNext();
		else if (!this.#anyRinging()) this.#nextCycle();
	}

	/**
	 * The ring time of a target ran out: CANCEL it. Sequential lists go on at once (the 487 may take a while; the slot
	 * is not needed); a parallel list's next cycle waits for every branch's end, so it finds its slots free again.
	 */
	onTimer(_kind: number, call: number): void {
		this.#ringTimer[call] = -1;
		if (this.#targetOf[call] < 0 || this.#list === null) return;
		if (this.#list.mode === "parallel") {
			this.#ua.hangup(call);
			return;
		}
		this.#release(call); // first: the CANCEL's own `ended` must not move the list on a second time
		this.#ua.hangup(call);
		if (this.#list !== null) this.#ringNext();
	}

	#nextCycle(): void {
		const list = this.#list!;
		if (++this.#cycle > list.cycles) {
			this.#list = null;
			this.#user.onListEnded(NONE, false);
			return;
		}
		this.#user.onListStarted(this.#which, this.#cycle);
		if (list.mode === "sequential") {
			this.#next = -1;
			this.#ringNext();
			return;
		}
		let placed = 0;
		for (let i = 0; i < list.targets.length; i++) if (this.#place(i)) placed++;
		if (placed === 0) this.#nextCycle(); // nobody could even be called: the next cycle (or the end)
	}

	/** Sequential: the next target that can be called, or the next cycle. */
	#ringNext(): void {
		const list = this.#list!;
		while (++this.#next < list.targets.length) {
			if (this.#place(this.#next)) return;
		}
		this.#nextCycle();
	}

	#place(target: number): boolean {
		const list = this.#list!, t = list.targets[target];
		const call = this.#ua.call(t.uri);
		if (call < 0 || call >= this.#targetOf.length) return false;
		this.#targetOf[call] = target;
		this.#ringTimer[call] = this.#wheel.start(t.ringSeconds * 1000, this.#owner, 0, call);
		if (this.#ringTimer[call] < 0) {
			// No timer for its ring time: a call that could ring forever is not placed.
			this.#targetOf[call] = NONE;
			this.#ua.hangup(call);
			return false;
		}
		this.#user.onCalling(call, t);
		return true;
	}

	#anyRinging(): boolean {
		for (let i = 0; i < this.#targetOf.length; i++) if (this.#targetOf[i] >= 0) return true;
		return false;
	}

	/** CANCEL every branch but `keep`. */
	#dropAll(keep: number): void {
		for (let i = 0; i < this.#targetOf.length; i++) {
			if (i === keep || this.#targetOf[i] < 0) continue;
			this.#release(i);
			this.#ua.hangup(i);
		}
		if (keep >= 0) this.#stopRing(keep);
	}

	#release(call: number): void {
		this.#targetOf[call] = NONE;
		this.#stopRing(call);
	}

	#stopRing(call: number): void {
		if (this.#ringTimer[call] >= 0) this.#wheel.cancel(this.#ringTimer[call]);
		this.#ringTimer[call] = -1;
	}
}
