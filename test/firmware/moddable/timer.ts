// `timer` on XS for the firmware tests: Moddable's Timer (set, repeat, schedule, clear) on the harness's device clock.
// A one-shot is gone once it fired; a repeating one re-arms itself; `schedule(t)` parks a timer without clearing it
// (modules/base/timer/modTimer.c). Node asks for the next due time and calls `fire` when it comes.
import { clock } from "./bridge.js";

export class TimerRecord {
	due = 0;
	scheduled = true;
	constructor(readonly callback: (t: TimerRecord) => void, public interval: number, public repeat: number) {
		this.due = clock.now + interval;
	}
}

const timers = new Set<TimerRecord>();

const Timer = {
	set(callback: (t: TimerRecord) => void, interval = 0, repeat = 0): TimerRecord {
		const t = new TimerRecord(callback, interval, repeat);
		timers.add(t);
		return t;
	},
	repeat(callback: (t: TimerRecord) => void, interval: number): TimerRecord {
		return Timer.set(callback, interval, interval);
	},
	schedule(t: TimerRecord, interval?: number, repeat?: number): void {
		if (!timers.has(t)) throw new Error("timer: not a live timer");
		if (interval === undefined) {
			t.scheduled = false;
			return;
		}
		t.scheduled = true;
		t.due = clock.now + interval;
		t.repeat = repeat ?? 0;
	},
	clear(t: TimerRecord | null | undefined): void {
		if (t !== null && t !== undefined) timers.delete(t);
	},
	delay(_ms: number): void {},
};

export default Timer;

/** When the next timer is due (Infinity: none). */
export function nextDue(): number {
	let next = Infinity;
	for (const t of timers) if (t.scheduled && t.due < next) next = t.due;
	return next;
}

/** Fire every timer due by now, in due order. */
export function fire(): number {
	let fired = 0;
	for (;;) {
		let first: TimerRecord | null = null;
		for (const t of timers) if (t.scheduled && t.due <= clock.now && (first === null || t.due < first.due)) first = t;
		if (first === null) return fired;
		fired++;
		if (first.repeat > 0) first.due += first.repeat;
		else timers.delete(first);
		first.callback(first);
	}
}

/** Timers alive (a leak check). */
export function timerCount(): number {
	return timers.size;
}
