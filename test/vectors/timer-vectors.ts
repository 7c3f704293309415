// Timer-wheel vectors: a scenario on a virtual clock in, a trace of expiries and armings out — DESIGN.md §4;
// RFC 3261 §17.1.1.2, §17.1.2.2 (Timers A, B, E, F), §10.2.4. Host-free (src/ and test/virtual-clock.ts only),
// so the same vectors run on Node (test/xs/timer-vectors.test.ts compares) and on the XS engine.
import { TimerWheel, type TimerOwner } from "../../src/transaction/timer-wheel.js";
import { VirtualClock } from "../virtual-clock.js";

const SECOND = 1000, MINUTE = 60 * SECOND, HOUR = 60 * MINUTE, DAY = 24 * HOUR;
/** RFC 3261 Table 4. */
const T1 = 500, T2 = 4000;
const TIMER_A = 1, TIMER_B = 2, TIMER_E = 3, TIMER_F = 4, REFRESH = 5, PLAIN = 0;

/** A wheel on a virtual clock with one owner that writes "<time> <kind>/<arg>" lines and then runs `then`. */
class Scene implements TimerOwner {
	readonly clock: VirtualClock;
	readonly wheel: TimerWheel;
	readonly owner: number;
	readonly trace: string[] = [];
	then: ((kind: number, arg: number) => void) | null = null;

	constructor(capacity = 64, resolutionMs?: number, startMs = 0) {
		this.clock = new VirtualClock(startMs);
		this.wheel = new TimerWheel({ capacity, clock: this.clock, resolutionMs });
		this.owner = this.wheel.register(this);
	}

	onTimer(kind: number, arg: number): void {
		this.trace.push(`${this.clock.now()} ${kind}/${arg}`);
		if (this.then !== null) this.then(kind, arg);
	}

	start(delayMs: number, kind: number, arg: number): number {
		return this.wheel.start(delayMs, this.owner, kind, arg);
	}
}

export interface TimerVector {
	/** The rule, with its section. */
	name: string;
	/** Runs the scenario; returns its trace. */
	run(): string[];
	expect: string[];
}

/** Deterministic 32-bit PRNG (mulberry32). */
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

/**
 * `count` random timers (1 ms .. 60 days), random cancels and host wake-ups (punctual or late); the trace says
 * whether every timer fired once, in (due, start) order, never early, and — with a punctual host — exactly on time.
 */
function randomScenario(seed: number, count: number, lateHost: boolean): string[] {
	const rnd = prng(seed);
	const s = new Scene(count);
	const due: number[] = [], handles: number[] = [], cancelled: boolean[] = [];
	const spans = [100, 64 * T1, HOUR, 30 * HOUR, 60 * DAY];
	while (due.length < count) {
		const r = rnd();
		if (r < 0.6) {
			const delay = 1 + Math.floor(rnd() * spans[Math.floor(rnd() * spans.length)]);
			handles.push(s.start(delay, PLAIN, due.length));
			due.push(s.clock.now() + delay);
			cancelled.push(false);
		} else if (r < 0.7 && due.length > 0) {
			const k = Math.floor(rnd() * due.length);
			if (s.wheel.cancel(handles[k])) cancelled[k] = true;
		} else if (lateHost) {
			s.clock.jump(Math.floor(rnd() * (rnd() < 0.9 ? 5 * SECOND : 3 * DAY)));
			s.clock.advance(0);
		} else {
			s.clock.advance(Math.floor(rnd() * (rnd() < 0.9 ? 2 * SECOND : 3 * DAY)));
		}
	}
	s.clock.advance(61 * DAY);
	const want: number[] = [];
	for (let k = 0; k < count; k++) if (!cancelled[k]) want.push(k);
	want.sort((a, b) => due[a] - due[b] || a - b);
	let inOrder = s.trace.length === want.length, early = 0, late = 0;
	for (let k = 0; k < s.trace.length; k++) {
		const line = s.trace[k];
		const at = Number(line.slice(0, line.indexOf(" ")));
		const arg = Number(line.slice(line.indexOf("/") + 1));
		if (arg !== want[k]) inOrder = false;
		if (at < due[arg]) early++;
		if (at > due[arg]) late++;
	}
	return [`fired ${s.trace.length} of ${want.length}`, `in due order: ${inOrder}`, `early: ${early}`, `late: ${lateHost ? "allowed" : late}`, `left: ${s.wheel.size}`];
}

export const TIMER_VECTORS: readonly TimerVector[] = [
	{
		name: "fires in due-time order, ties in start order (DESIGN.md §4)",
		run() {
			const s = new Scene();
			s.start(300, PLAIN, 1);
			s.start(100, PLAIN, 2);
			s.start(300, PLAIN, 3);
			s.start(100, PLAIN, 4);
			s.start(200, PLAIN, 5);
			s.clock.advance(SECOND);
			return s.trace;
		},
		expect: ["100 0/2", "100 0/4", "200 0/5", "300 0/1", "300 0/3"],
	},
	{
		name: "Timer E doubles from T1 up to T2 until Timer F fires at 64·T1 (RFC 3261 §17.1.2.2)",
		run() {
			const s = new Scene();
			let interval = T1, e = -1;
			s.then = (kind) => {
				if (kind === TIMER_E) {
					interval = Math.min(2 * interval, T2);
					e = s.start(interval, TIMER_E, 0);
				} else if (kind === TIMER_F) s.wheel.cancel(e);
			};
			e = s.start(T1, TIMER_E, 0);
			s.start(64 * T1, TIMER_F, 0);
			s.clock.advance(MINUTE);
			return s.trace;
		},
		expect: ["500 3/0", "1500 3/0", "3500 3/0", "7500 3/0", "11500 3/0", "15500 3/0", "19500 3/0", "23500 3/0", "27500 3/0", "31500 3/0", "32000 4/0"],
	},
	{
		name: "Timer A doubles without a cap until Timer B fires at 64·T1 (RFC 3261 §17.1.1.2)",
		run() {
			const s = new Scene();
			let interval = T1, a = -1;
			s.then = (kind) => {
				if (kind === TIMER_A) {
					interval *= 2;
					a = s.start(interval, TIMER_A, 0);
				} else if (kind === TIMER_B) s.wheel.cancel(a);
			};
			a = s.start(T1, TIMER_A, 0);
			s.start(64 * T1, TIMER_B, 0);
			s.clock.advance(2 * MINUTE);
			return s.trace;
		},
		expect: ["500 1/0", "1500 1/0", "3500 1/0", "7500 1/0", "15500 1/0", "31500 1/0", "32000 2/0"],
	},
	{
		name: "an hourly registration refresh wakes the station once an hour and never in between (RFC 3261 §10.2.4)",
		run() {
			const s = new Scene();
			s.then = () => {
				if (s.clock.now() < 3 * HOUR) s.start(HOUR, REFRESH, 0);
			};
			s.start(HOUR, REFRESH, 0);
			s.clock.advance(5 * HOUR);
			return [...s.trace, `wakes ${s.clock.wakes.join(" ")}`];
		},
		expect: ["3600000 5/0", "7200000 5/0", "10800000 5/0", "wakes 3600000 7200000 10800000"],
	},
	{
		name: "a 25 h timer fires on time while the host advances minute by minute (DESIGN.md §4 long timers)",
		run() {
			const s = new Scene();
			s.start(25 * HOUR, REFRESH, 1);
			for (let m = 0; m <= 25 * 60; m++) s.clock.advance(MINUTE);
			return [...s.trace, `wakes ${s.clock.wakes.length}`];
		},
		expect: ["90000000 5/1", "wakes 1"],
	},
	{
		name: "timers beyond the wheel's horizon (40 days at 1 ms) fire on time (DESIGN.md §4 long timers)",
		run() {
			const s = new Scene();
			s.start(40 * DAY + 1, PLAIN, 3);
			s.start(40 * DAY, PLAIN, 1);
			s.start(13 * DAY, PLAIN, 2);
			s.clock.advance(50 * DAY);
			return s.trace;
		},
		expect: ["1123200000 0/2", "3456000000 0/1", "3456000001 0/3"],
	},
	{
		name: "works from a wall-clock-like origin (1.7e12 ms) with 25 h timers (DESIGN.md §4)",
		run() {
			const s = new Scene(8, undefined, 1.7e12);
			s.clock.advance(3 * DAY);
			s.start(25 * HOUR, PLAIN, 1);
			s.start(T1, PLAIN, 2);
			const next = s.wheel.nextDue();
			s.clock.advance(2 * DAY);
			return [`next ${next}`, ...s.trace];
		},
		expect: ["next 1700259200500", "1700259200500 0/2", "1700349200000 0/1"],
	},
	{
		name: "a late wake-up fires every overdue timer once, in order (DESIGN.md §4)",
		run() {
			const s = new Scene();
			s.start(300, PLAIN, 3);
			s.start(100, PLAIN, 1);
			s.start(200, PLAIN, 2);
			s.start(SECOND, PLAIN, 4);
			s.clock.jump(650);
			s.clock.advance(0);
			s.trace.push(`armed ${s.clock.armedAt}`);
			s.clock.advance(SECOND);
			return [...s.trace, `wakes ${s.clock.wakes.join(" ")}`];
		},
		expect: ["650 0/1", "650 0/2", "650 0/3", "armed 1000", "1000 0/4", "wakes 650 1000"],
	},
	{
		name: "a clock jump of hours fires the skipped timers once each, in order; later ones stay on time (DESIGN.md §4)",
		run() {
			const s = new Scene();
			for (let k = 0; k < 6; k++) s.start((k + 1) * HOUR, PLAIN, k);
			s.clock.jump(3 * HOUR + 7);
			s.clock.advance(0);
			s.clock.advance(4 * HOUR);
			return s.trace;
		},
		expect: ["10800007 0/0", "10800007 0/1", "10800007 0/2", "14400000 0/3", "18000000 0/4", "21600000 0/5"],
	},
	{
		name: "a stale handle cancels nothing; cancel and isActive say so (DESIGN.md §4 handles)",
		run() {
			const s = new Scene(1);
			const old = s.start(T1, PLAIN, 1);
			const first = s.wheel.cancel(old);
			const fresh = s.start(T1, PLAIN, 2);
			const out = [`cancel ${first}`, `same handle ${fresh === old}`, `stale cancel ${s.wheel.cancel(old)}`, `stale active ${s.wheel.isActive(old)}`, `fresh active ${s.wheel.isActive(fresh)}`];
			s.clock.advance(SECOND);
			return [...out, ...s.trace];
		},
		expect: ["cancel true", "same handle false", "stale cancel false", "stale active false", "fresh active true", "500 0/2"],
	},
	{
		name: "a full wheel answers -1 and never grows; a fired timer makes room (DESIGN.md §3)",
		run() {
			const s = new Scene(2);
			const out = [s.start(T1, PLAIN, 1) >= 0, s.start(HOUR, PLAIN, 2) >= 0, s.start(T1, PLAIN, 3)].map(String);
			s.clock.advance(T1);
			out.push(String(s.start(T1, PLAIN, 4) >= 0), String(s.start(T1, PLAIN, 5)), `size ${s.wheel.size}`);
			return out;
		},
		expect: ["true", "true", "-1", "true", "-1", "size 2"],
	},
	{
		name: "re-arms the host's one-shot only when the earliest due time changes; disarms when empty (DESIGN.md §4 tickless)",
		run() {
			const s = new Scene();
			const a = s.start(5000, PLAIN, 0);
			const b = s.start(6000, PLAIN, 0);
			const c = s.start(5000, PLAIN, 0);
			const d = s.start(4000, PLAIN, 0);
			s.wheel.cancel(b);
			s.wheel.cancel(d);
			s.wheel.cancel(a);
			s.wheel.cancel(c);
			return [`armings ${s.clock.armings.join(" ")}`, `disarms ${s.clock.disarms.length}`, `armed ${s.clock.armed}`];
		},
		expect: ["armings 5000 4000 5000", "disarms 1", "armed false"],
	},
	{
		name: "an idle station is never woken (DESIGN.md §4 tickless)",
		run() {
			const s = new Scene();
			s.clock.advance(DAY);
			const h = s.start(HOUR, PLAIN, 0);
			s.wheel.cancel(h);
			s.clock.advance(DAY);
			return [`armings ${s.clock.armings.length}`, `wakes ${s.clock.wakes.length}`];
		},
		expect: ["armings 1", "wakes 0"],
	},
	{
		name: "a delay of 0 from a callback fires on the next tick, not in the same advance (DESIGN.md §4)",
		run() {
			const s = new Scene();
			let left = 2;
			s.then = (_kind, arg) => {
				if (left-- > 0) s.start(0, PLAIN, arg + 1);
			};
			s.start(100, PLAIN, 0);
			s.clock.jump(500);
			const wakes = s.clock.advance(0);
			s.trace.push(`one advance fired ${s.trace.length} (wakes ${wakes})`);
			s.clock.advance(10);
			return s.trace;
		},
		expect: ["500 0/0", "one advance fired 1 (wakes 1)", "501 0/1", "502 0/2"],
	},
	{
		name: "a callback's cancel of a timer due in the same wake-up prevents it (RFC 3261 §17.1.1.2: a response stops Timer A)",
		run() {
			const s = new Scene();
			let b = -1, a2 = -1;
			s.then = (kind) => {
				if (kind === TIMER_A) {
					s.wheel.cancel(b);
					s.wheel.cancel(a2);
				}
			};
			s.start(T1, TIMER_A, 1);
			a2 = s.start(T1, TIMER_A, 2);
			b = s.start(2 * T1, TIMER_B, 0);
			s.start(3 * T1, PLAIN, 9);
			s.clock.jump(5 * T1);
			s.clock.advance(0);
			return s.trace;
		},
		expect: ["2500 1/1", "2500 0/9"],
	},
	{
		name: "a 10 ms resolution rounds due times up and fires one tick's timers in one wake-up (DESIGN.md §4)",
		run() {
			const s = new Scene(8, 10);
			s.clock.advance(3);
			s.start(500, PLAIN, 1);
			s.clock.advance(4);
			s.start(497, PLAIN, 2);
			s.start(504, PLAIN, 3);
			s.clock.advance(SECOND);
			return [...s.trace, `wakes ${s.clock.wakes.join(" ")}`];
		},
		expect: ["510 0/1", "510 0/2", "520 0/3", "wakes 510 520"],
	},
	{
		name: "2,000 random timers with cancels and a punctual host: each fires once, on time, in order (DESIGN.md §4)",
		run: () => randomScenario(0x5eed, 2000, false),
		expect: ["fired 1956 of 1956", "in due order: true", "early: 0", "late: 0", "left: 0"],
	},
	{
		name: "2,000 random timers with cancels and a host waking late: each fires once, in order, never early (DESIGN.md §4)",
		run: () => randomScenario(42, 2000, true),
		expect: ["fired 1941 of 1941", "in due order: true", "early: 0", "late: allowed", "left: 0"],
	},
];

export const TIMER_VECTOR_COUNT = TIMER_VECTORS.length;

/** Each vector's trace (or "threw ..."), for comparing engines line by line. */
export function timerVectorTraces(): string[][] {
	const out: string[][] = [];
	for (let i = 0; i < TIMER_VECTORS.length; i++) {
		try {
			out.push(TIMER_VECTORS[i].run());
		} catch (err) {
			out.push(["threw " + String(err)]);
		}
	}
	return out;
}

/** Run every vector; never throws. Failures read "name: got [...], expected [...]". */
export function runTimerVectors(): { passed: number; failures: string[] } {
	const traces = timerVectorTraces();
	const failures: string[] = [];
	let passed = 0;
	for (let i = 0; i < TIMER_VECTORS.length; i++) {
		const got = traces[i].join(" | "), want = TIMER_VECTORS[i].expect.join(" | ");
		if (got === want) passed++;
		else failures.push(`${TIMER_VECTORS[i].name}: got [${got}], expected [${want}]`);
	}
	return { passed, failures };
}
