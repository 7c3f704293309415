// The station's one timer wheel, on a virtual clock — DESIGN.md §4; RFC 3261 §17 timers A–K, §10.2.4, RFC 4028.
import assert from "node:assert/strict";
import { TimerWheel, type TimerOwner } from "../../src/transaction/timer-wheel.js";
import { VirtualClock } from "../virtual-clock.js";

const SECOND = 1000, MINUTE = 60 * SECOND, HOUR = 60 * MINUTE, DAY = 24 * HOUR;
const T1 = 500, T2 = 4000;

/** An owner that logs "<time> <name> <kind>/<arg>" and then runs `then`, if set. */
class Recorder implements TimerOwner {
	then: ((kind: number, arg: number) => void) | null = null;
	constructor(readonly name: string, readonly clock: VirtualClock, readonly log: string[]) {}
	onTimer(kind: number, arg: number): void {
		this.log.push(`${this.clock.now()} ${this.name} ${kind}/${arg}`);
		if (this.then !== null) this.then(kind, arg);
	}
}

function station(capacity = 64, resolutionMs?: number, startMs = 0) {
	const clock = new VirtualClock(startMs);
	const wheel = new TimerWheel({ capacity, clock, resolutionMs });
	const log: string[] = [];
	const tx = new Recorder("tx", clock, log);
	const id = wheel.register(tx);
	return { clock, wheel, log, tx, id };
}

/** Deterministic 32-bit PRNG (mulberry32), so the randomised tests replay exactly. */
function prng(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

describe("Timer wheel: expiry (DESIGN.md §4)", () => {
	it("fires a timer at its due time and not a millisecond before", () => {
		const { clock, wheel, log, id } = station();
		wheel.start(T1, id, 1, 7);
		clock.advance(T1 - 1);
		assert.deepEqual(log, []);
		clock.advance(1);
		assert.deepEqual(log, ["500 tx 1/7"]);
	});

	it("fires timers in due-time order, whatever order they were started in", () => {
		const { clock, wheel, log, id } = station();
		wheel.start(32 * SECOND, id, 2, 0); // Timer B
		wheel.start(T1, id, 1, 0); // Timer A
		wheel.start(5 * SECOND, id, 3, 0); // Timer K (T4)
		clock.advance(HOUR);
		assert.deepEqual(log, ["500 tx 1/0", "5000 tx 3/0", "32000 tx 2/0"]);
	});

	it("fires timers due at the same time in the order they were started", () => {
		const { clock, wheel, log, id } = station();
		clock.advance(10);
		wheel.start(990, id, 1, 1);
		clock.advance(500);
		wheel.start(490, id, 1, 2); // due at 1000 too, started later
		wheel.start(HOUR, id, 1, 9);
		clock.jump(HOUR); // crosses every level boundary before they fire
		wheel.start(1, id, 1, 3);
		clock.advance(0);
		assert.deepEqual(log.slice(0, 2), [`${HOUR + 510} tx 1/1`, `${HOUR + 510} tx 1/2`]);
	});

	it("dispatches each expiry to its owner with the (kind, arg) it was started with", () => {
		const { clock, wheel, log, id } = station();
		const relay = new Recorder("relay", clock, log);
		const relayId = wheel.register(relay);
		assert.notEqual(relayId, id);
		wheel.start(300, relayId, 4, 12);
		wheel.start(200, id, 1, 3);
		clock.advance(SECOND);
		assert.deepEqual(log, ["200 tx 1/3", "300 relay 4/12"]);
	});

	it("rounds a due time up to the resolution, never early, and fires one tick's timers in one wake-up", () => {
		const { clock, wheel, log, id } = station(8, 10);
		clock.advance(3);
		wheel.start(500, id, 1, 1); // due 503 -> tick 510
		clock.advance(4);
		wheel.start(497, id, 1, 2); // due 504 -> tick 510
		assert.equal(wheel.nextDue(), 510);
		clock.advance(SECOND);
		assert.deepEqual(log, ["510 tx 1/1", "510 tx 1/2"]);
		assert.deepEqual(clock.wakes, [510]);
	});

	it("treats a negative delay as 0 and refuses a delay that is not finite or an unregistered owner", () => {
		const { clock, wheel, log, id } = station();
		clock.advance(50);
		wheel.start(-20, id, 1, 1);
		assert.equal(wheel.nextDue(), 50);
		clock.advance(0);
		assert.deepEqual(log, ["50 tx 1/1"]);
		assert.throws(() => wheel.start(NaN, id, 1, 1), RangeError);
		assert.throws(() => wheel.start(Infinity, id, 1, 1), RangeError);
		assert.throws(() => wheel.start(10, id + 5, 1, 1), RangeError);
		assert.throws(() => new TimerWheel({ capacity: 0, clock }), RangeError);
		assert.throws(() => new TimerWheel({ capacity: 4, clock, resolutionMs: 0 }), RangeError);
	});

	it("fires a delay of 0 started outside a callback on the next wake-up, at the current time", () => {
		const { clock, wheel, log, id } = station();
		clock.advance(50);
		wheel.start(0, id, 1, 1);
		assert.equal(clock.armedAt, 50);
		clock.advance(0);
		assert.deepEqual(log, ["50 tx 1/1"]);
	});
});

describe("Timer wheel: handles", () => {
	it("returns small non-negative integer handles that are active until the timer fires", () => {
		const { clock, wheel, id } = station();
		const h = wheel.start(T1, id, 1, 0);
		assert.ok(Number.isInteger(h) && h >= 0 && h < 2 ** 30);
		assert.equal(wheel.isActive(h), true);
		assert.equal(wheel.size, 1);
		clock.advance(T1);
		assert.equal(wheel.isActive(h), false);
		assert.equal(wheel.size, 0);
	});

	it("cancel prevents the expiry and is true once, false after", () => {
		const { clock, wheel, log, id } = station();
		const h = wheel.start(T1, id, 1, 0);
		assert.equal(wheel.cancel(h), true);
		assert.equal(wheel.cancel(h), false);
		assert.equal(wheel.isActive(h), false);
		clock.advance(HOUR);
		assert.deepEqual(log, []);
	});

	it("a stale handle (its timer fired or was cancelled and the slot reused) cancels nothing", () => {
		const { clock, wheel, log, id } = station(1);
		const old = wheel.start(T1, id, 1, 1);
		clock.advance(T1);
		const fresh = wheel.start(T1, id, 1, 2); // same node, new generation
		assert.notEqual(fresh, old);
		assert.equal(wheel.cancel(old), false);
		assert.equal(wheel.isActive(old), false);
		assert.equal(wheel.isActive(fresh), true);
		assert.equal(wheel.remaining(old), -1);
		clock.advance(T1);
		assert.deepEqual(log, ["500 tx 1/1", "1000 tx 1/2"]);
	});

	it("ignores handles that were never issued (negative, fractional, out of range)", () => {
		const { wheel, id } = station(4);
		wheel.start(T1, id, 1, 0);
		for (const h of [-1, 0.5, 3, 2 ** 30, 2 ** 31 - 1, NaN]) {
			assert.equal(wheel.cancel(h), false, `cancel(${h})`);
			assert.equal(wheel.isActive(h), false, `isActive(${h})`);
		}
		assert.equal(wheel.size, 1);
	});

	it("remaining() counts down to the due time and is -1 once the timer is gone", () => {
		const { clock, wheel, id } = station();
		const h = wheel.start(5 * SECOND, id, 1, 0);
		assert.equal(wheel.remaining(h), 5000);
		clock.advance(1200);
		assert.equal(wheel.remaining(h), 3800);
		clock.jump(10 * SECOND); // overdue, not yet fired
		assert.equal(wheel.remaining(h), 0);
		clock.advance(0);
		assert.equal(wheel.remaining(h), -1);
	});

	it("a full wheel returns -1 from start (and never grows); a freed timer makes room again", () => {
		const { clock, wheel, id } = station(3);
		const handles = [wheel.start(T1, id, 1, 0), wheel.start(T1, id, 1, 1), wheel.start(HOUR, id, 1, 2)];
		assert.ok(handles.every((h) => h >= 0));
		assert.equal(wheel.start(T1, id, 1, 3), -1);
		assert.equal(wheel.size, 3);
		assert.equal(wheel.capacity, 3);
		wheel.cancel(handles[0]);
		assert.ok(wheel.start(T1, id, 1, 4) >= 0);
		assert.equal(wheel.start(T1, id, 1, 5), -1);
		clock.advance(T1);
		assert.ok(wheel.start(T1, id, 1, 6) >= 0);
	});
});

describe("Timer wheel: long timers (§10.2.4 registration refresh, RFC 4028 session timers)", () => {
	it("fires a 1 h registration refresh at exactly 3,600,000 ms while Timer A retransmissions run", () => {
		const { clock, wheel, log, id, tx } = station();
		let interval = T1;
		tx.then = (kind) => {
			if (kind !== 1 || clock.now() > 30 * SECOND) return;
			interval = Math.min(2 * interval, T2); // §17.1.2.2: Timer E doubles up to T2
			wheel.start(interval, id, 1, 0);
		};
		wheel.start(HOUR, id, 9, 0);
		wheel.start(T1, id, 1, 0);
		clock.advance(2 * HOUR);
		assert.equal(log[log.length - 1], "3600000 tx 9/0");
		assert.deepEqual(log.slice(0, 4), ["500 tx 1/0", "1500 tx 1/0", "3500 tx 1/0", "7500 tx 1/0"]);
	});

	it("fires a 25 h timer on time when the host advances minute by minute, without waking in between", () => {
		const { clock, wheel, log, id } = station();
		wheel.start(25 * HOUR, id, 9, 1);
		for (let m = 0; m < 25 * 60 + 1; m++) clock.advance(MINUTE);
		assert.deepEqual(log, [`${25 * HOUR} tx 9/1`]);
		assert.deepEqual(clock.wakes, [25 * HOUR]);
	});

	it("fires a 25 h timer on time after an idle start far from the clock's origin", () => {
		const { clock, wheel, log, id } = station(8, undefined, 1.7e12); // a wall-clock-like origin
		clock.advance(3 * DAY);
		wheel.start(25 * HOUR, id, 9, 1);
		assert.equal(wheel.nextDue(), 1.7e12 + 3 * DAY + 25 * HOUR);
		clock.advance(2 * DAY);
		assert.deepEqual(log, [`${1.7e12 + 3 * DAY + 25 * HOUR} tx 9/1`]);
	});

	it("fires a timer beyond the wheel's 2^30-tick horizon (40 days at 1 ms) on time", () => {
		const { clock, wheel, log, id } = station();
		wheel.start(40 * DAY, id, 9, 1);
		wheel.start(13 * DAY, id, 9, 2);
		wheel.start(40 * DAY + 1, id, 9, 3);
		assert.equal(wheel.nextDue(), 13 * DAY);
		clock.advance(50 * DAY);
		assert.deepEqual(log, [`${13 * DAY} tx 9/2`, `${40 * DAY} tx 9/1`, `${40 * DAY + 1} tx 9/3`]);
		assert.deepEqual(clock.wakes, [13 * DAY, 40 * DAY, 40 * DAY + 1]);
	});

	it("keeps due order and start order for thousands of random timers from 1 ms to 60 days (punctual host)", () => {
		const rnd = prng(0x5eed);
		const { clock, wheel, log, id } = station(4096);
		const due = new Map<number, number>(); // arg -> due
		const handleOf = new Map<number, number>();
		const cancelled = new Set<number>();
		let next = 0;
		const spans = [100, 64 * T1, HOUR, 30 * HOUR, 60 * DAY];
		for (let step = 0; step < 6000; step++) {
			const r = rnd();
			if (r < 0.6 && wheel.size < 4000) {
				const delay = 1 + Math.floor(rnd() * spans[Math.floor(rnd() * spans.length)]);
				const arg = next++;
				const h = wheel.start(delay, id, 0, arg);
				assert.ok(h >= 0);
				due.set(arg, clock.now() + delay);
				handleOf.set(arg, h);
			} else if (r < 0.75 && next > 0) {
				const arg = Math.floor(rnd() * next);
				const h = handleOf.get(arg) as number;
				const expected = wheel.isActive(h);
				assert.equal(wheel.cancel(h), expected);
				if (expected) cancelled.add(arg);
			} else {
				clock.advance(Math.floor(rnd() * (rnd() < 0.9 ? 2 * SECOND : 3 * DAY)));
			}
		}
		clock.advance(61 * DAY);
		assert.equal(wheel.size, 0);
		const fired = log.map((line) => {
			const [at, , ka] = line.split(" ");
			return { at: Number(at), arg: Number(ka.split("/")[1]) };
		});
		const want = [...due.keys()].filter((a) => !cancelled.has(a)).sort((a, b) => (due.get(a) as number) - (due.get(b) as number) || a - b);
		assert.deepEqual(fired.map((f) => f.arg), want);
		for (const f of fired) assert.equal(f.at, due.get(f.arg), `timer ${f.arg} fired at its due time`);
	});
});

describe("Timer wheel: tickless arming of the host's one-shot", () => {
	it("never arms and never wakes while no timer runs (an idle station sleeps)", () => {
		const { clock } = station();
		clock.advance(DAY);
		assert.deepEqual(clock.armings, []);
		assert.deepEqual(clock.wakes, []);
	});

	it("wakes only when a timer is due: three timers over 25 h are three wake-ups", () => {
		const { clock, wheel, id } = station();
		wheel.start(25 * HOUR, id, 1, 0);
		wheel.start(HOUR, id, 1, 0);
		wheel.start(SECOND, id, 1, 0);
		clock.advance(26 * HOUR);
		assert.deepEqual(clock.wakes, [SECOND, HOUR, 25 * HOUR]);
		assert.deepEqual(clock.armings, [25 * HOUR, HOUR, SECOND, HOUR, 25 * HOUR]);
		assert.deepEqual(clock.disarms, []); // the spent one-shot needs no disarming
		assert.equal(clock.armed, false);
	});

	it("re-arms only when the earliest due time changes, and disarms when the last timer goes", () => {
		const { clock, wheel, id } = station();
		const a = wheel.start(5000, id, 1, 0);
		assert.deepEqual(clock.armings, [5000]);
		const b = wheel.start(6000, id, 1, 0); // later: no re-arm
		const c = wheel.start(5000, id, 1, 0); // same time: no re-arm
		assert.deepEqual(clock.armings, [5000]);
		const d = wheel.start(4000, id, 1, 0); // earlier: re-arm
		assert.deepEqual(clock.armings, [5000, 4000]);
		wheel.cancel(b); // not the earliest: no re-arm
		assert.deepEqual(clock.armings, [5000, 4000]);
		wheel.cancel(d); // the earliest: re-arm for the next
		assert.deepEqual(clock.armings, [5000, 4000, 5000]);
		wheel.cancel(a); // another timer is due at the same time: no re-arm
		assert.deepEqual(clock.armings, [5000, 4000, 5000]);
		assert.deepEqual(clock.disarms, []);
		wheel.cancel(c);
		assert.deepEqual(clock.disarms, [0]);
		assert.equal(clock.armed, false);
		clock.advance(HOUR);
		assert.deepEqual(clock.wakes, []);
	});

	it("reports the next due time as absolute ms on the clock, -1 when none runs", () => {
		const { clock, wheel, id } = station(8, undefined, 12_345);
		assert.equal(wheel.nextDue(), -1);
		wheel.start(HOUR, id, 1, 0);
		const h = wheel.start(T1, id, 1, 0);
		assert.equal(wheel.nextDue(), 12_345 + T1);
		wheel.cancel(h);
		assert.equal(wheel.nextDue(), 12_345 + HOUR);
		clock.advance(HOUR);
		assert.equal(wheel.nextDue(), -1);
	});

	it("an early wake-up fires nothing and keeps the one-shot armed for the due time", () => {
		const { clock, wheel, log, id } = station();
		wheel.start(T1, id, 1, 0);
		clock.advance(100);
		wheel.advance(clock.now()); // a host calling in early
		wheel.advance(clock.now());
		assert.deepEqual(log, []);
		assert.equal(clock.armedAt, T1);
		clock.advance(T1);
		assert.deepEqual(log, ["500 tx 1/0"]);
	});
});

describe("Timer wheel: late wake-ups and clock jumps", () => {
	it("a late wake-up fires every overdue timer once, in due order, in one wake-up", () => {
		const { clock, wheel, log, id } = station();
		wheel.start(300, id, 1, 3);
		wheel.start(100, id, 1, 1);
		wheel.start(200, id, 1, 2);
		wheel.start(SECOND, id, 1, 4);
		clock.jump(650); // the host slept through 100, 200 and 300
		assert.deepEqual(log, []);
		clock.advance(0);
		assert.deepEqual(log, ["650 tx 1/1", "650 tx 1/2", "650 tx 1/3"]);
		assert.deepEqual(clock.wakes, [650]);
		assert.equal(clock.armedAt, SECOND);
		clock.advance(SECOND);
		assert.deepEqual(log.slice(3), ["1000 tx 1/4"]);
	});

	it("a clock jump of hours fires the timers it skipped once each, in order, and leaves later ones due on time", () => {
		const { clock, wheel, log, id } = station();
		for (let k = 0; k < 10; k++) wheel.start((k + 1) * 30 * MINUTE, id, 1, k); // 30 min .. 5 h
		clock.jump(3 * HOUR + 1);
		clock.advance(0);
		assert.deepEqual(log, [0, 1, 2, 3, 4, 5].map((k) => `${3 * HOUR + 1} tx 1/${k}`));
		clock.advance(3 * HOUR);
		assert.deepEqual(log.slice(6), [6, 7, 8, 9].map((k) => `${(k + 1) * 30 * MINUTE} tx 1/${k}`));
	});

	it("advancing twice to the same time, or back in time, fires nothing twice", () => {
		const { clock, wheel, log, id } = station();
		wheel.start(100, id, 1, 1);
		wheel.start(200, id, 1, 2);
		clock.advance(150);
		wheel.advance(150);
		wheel.advance(120);
		wheel.advance(0);
		assert.deepEqual(log, ["100 tx 1/1"]);
		clock.advance(100);
		assert.deepEqual(log, ["100 tx 1/1", "200 tx 1/2"]);
	});

	it("a periodic timer restarted from its callback fires once after a jump, then keeps its period from then", () => {
		const { clock, wheel, log, id, tx } = station();
		tx.then = () => wheel.start(HOUR, id, 9, 0);
		wheel.start(HOUR, id, 9, 0);
		clock.jump(5 * HOUR + 10);
		clock.advance(0);
		assert.deepEqual(log, [`${5 * HOUR + 10} tx 9/0`]);
		clock.advance(HOUR);
		assert.deepEqual(log.slice(1), [`${6 * HOUR + 10} tx 9/0`]);
	});

	it("keeps due order for random timers when the host wakes late by random amounts", () => {
		const rnd = prng(42);
		const { clock, wheel, log, id } = station(2048);
		const due = new Map<number, number>();
		let next = 0;
		for (let step = 0; step < 3000; step++) {
			if (rnd() < 0.7 && wheel.size < 2000) {
				const delay = 1 + Math.floor(rnd() * (rnd() < 0.5 ? 10 * SECOND : 10 * DAY));
				wheel.start(delay, id, 0, next);
				due.set(next++, clock.now() + delay);
			} else {
				clock.jump(Math.floor(rnd() * (rnd() < 0.8 ? 5 * SECOND : 2 * DAY)));
				clock.advance(0);
			}
		}
		clock.jump(11 * DAY);
		clock.advance(0);
		const fired = log.map((line) => {
			const [at, , ka] = line.split(" ");
			return { at: Number(at), arg: Number(ka.split("/")[1]) };
		});
		const want = [...due.keys()].sort((a, b) => (due.get(a) as number) - (due.get(b) as number) || a - b);
		assert.deepEqual(fired.map((f) => f.arg), want);
		for (const f of fired) assert.ok(f.at >= (due.get(f.arg) as number), `timer ${f.arg} never fires early`);
	});
});

describe("Timer wheel: callbacks that start and cancel timers", () => {
	it("cancelling from a callback a timer due in the same wake-up prevents it (same tick and a later tick)", () => {
		const { clock, wheel, log, id, tx } = station();
		const sameTick = wheel.start(100, id, 1, 2);
		const laterTick = wheel.start(200, id, 1, 3);
		wheel.start(100, id, 1, 1);
		wheel.start(300, id, 1, 4);
		// The first one due cancels the others before they fire (e.g. a final response stops Timer A and B).
		tx.then = (_kind, arg) => {
			if (arg === 2) {
				assert.equal(wheel.cancel(laterTick), true);
				assert.equal(wheel.cancel(sameTick), false); // itself: already inactive
			}
		};
		clock.jump(400);
		clock.advance(0);
		assert.deepEqual(log, ["400 tx 1/2", "400 tx 1/1", "400 tx 1/4"]);
	});

	it("a timer's own handle is inactive inside its callback, and its capacity is free to restart it", () => {
		const { clock, wheel, log, id, tx } = station(1);
		let h = wheel.start(T1, id, 1, 0);
		let restarts = 0;
		tx.then = () => {
			assert.equal(wheel.isActive(h), false);
			assert.equal(wheel.cancel(h), false);
			if (restarts++ < 2) h = wheel.start(T1, id, 1, restarts);
			assert.ok(h >= 0);
		};
		clock.advance(10 * SECOND);
		assert.deepEqual(log, ["500 tx 1/0", "1000 tx 1/1", "1500 tx 1/2"]);
	});

	it("a delay of 0 started from a callback fires on the next tick, never in the same advance (no livelock)", () => {
		const { clock, wheel, log, id, tx } = station();
		let left = 3;
		tx.then = () => {
			if (left-- > 0) wheel.start(0, id, 1, 3 - left);
		};
		wheel.start(100, id, 1, 0);
		clock.jump(500);
		assert.equal(clock.advance(0), 1);
		assert.deepEqual(log, ["500 tx 1/0"]);
		assert.equal(clock.armedAt, 501);
		clock.advance(10);
		assert.deepEqual(log, ["500 tx 1/0", "501 tx 1/1", "502 tx 1/2", "503 tx 1/3"]);
	});

	it("timers a callback starts fire in order with those already running", () => {
		const { clock, wheel, log, id, tx } = station();
		tx.then = (kind) => {
			if (kind === 1) wheel.start(150, id, 2, 0); // due 250, between the two below
		};
		wheel.start(100, id, 1, 0);
		wheel.start(200, id, 3, 0);
		wheel.start(300, id, 3, 1);
		clock.advance(SECOND);
		assert.deepEqual(log, ["100 tx 1/0", "200 tx 3/0", "250 tx 2/0", "300 tx 3/1"]);
	});

	it("nextDue() asked from a callback names the next timer still running", () => {
		const { clock, wheel, id, tx } = station();
		const seen: number[] = [];
		tx.then = () => seen.push(wheel.nextDue());
		wheel.start(100, id, 1, 0);
		wheel.start(100, id, 1, 1);
		wheel.start(700, id, 1, 2);
		clock.jump(800);
		clock.advance(0);
		assert.deepEqual(seen, [100, 700, -1]);
	});

	it("an exception from a callback propagates; timers not yet fired stay due and fire on the next wake-up", () => {
		const { clock, wheel, log, id, tx } = station();
		let thrown = false;
		tx.then = () => {
			if (!thrown) {
				thrown = true;
				throw new Error("owner failed");
			}
		};
		wheel.start(100, id, 1, 1);
		wheel.start(100, id, 1, 2);
		wheel.start(200, id, 1, 3);
		clock.jump(300);
		assert.throws(() => clock.advance(0), /owner failed/);
		assert.deepEqual(log, ["300 tx 1/1"]);
		assert.equal(clock.armedAt, 100);
		clock.advance(0);
		assert.deepEqual(log, ["300 tx 1/1", "300 tx 1/2", "300 tx 1/3"]);
		assert.equal(wheel.size, 0);
	});

	it("ignores advance() called from inside a callback", () => {
		const { clock, wheel, log, id, tx } = station();
		tx.then = (_k, arg) => {
			if (arg === 1) wheel.advance(clock.now() + HOUR);
		};
		wheel.start(100, id, 1, 1);
		wheel.start(HOUR, id, 1, 2);
		clock.advance(200);
		assert.deepEqual(log, ["100 tx 1/1"]);
	});
});
