// The soak: thousands of calls through the simulated station on 127.0.0.1 with SIPp — answered (SIPp calls, the
// station answers, SIPp hangs up), refused busy (a caller the station does not let in: 486), cancelled (the station
// calls SIPp, which rings, and hangs up before the answer: CANCEL, 487) and all three at once — then the station must be
// idle: no busy call slot, no transaction, no timer, and the heap after GC where it was (DESIGN.md §3: fixed pools).
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { SimStation } from "../../hosts/sim/station.js";
import { parseStationConfig } from "../../src/intercom/config.js";
import { freePort, freeRtpPorts, sleep } from "../interop/peers.js";
import { heapAfterGc, type HeapFigures } from "./heap.js";
import { counted, SippLoad, type LoadResult } from "./sipp-load.js";

const SCENARIOS = fileURLToPath(new URL("../../../test/torture/scenarios/", import.meta.url));

export interface SoakOptions {
	/** Calls in all (a quarter of each kind, a quarter mixed). */
	readonly calls: number;
	/** Calls of each kind before the heap is first measured (then the station is left to go idle). */
	readonly warmup?: number;
	/** How long to wait for idle after the warm-up and after the run (ms). */
	readonly idleWithinMs?: number;
	readonly onProgress?: (line: string) => void;
}

/** One kind of call: how many were placed and how they ended. */
export interface KindResult {
	readonly placed: number;
	/** Ended as the kind says (answered and hung up, refused 486, cancelled with 487). */
	readonly asMeant: number;
	/** Ended otherwise but cleanly (the mixed part: refused 486 because another call was up). */
	readonly busyInstead: number;
	readonly failed: number;
}

export interface SoakResult {
	readonly calls: number;
	readonly ms: number;
	readonly answered: KindResult;
	readonly busy: KindResult;
	readonly cancelled: KindResult;
	readonly mixed: { answered: KindResult; busy: KindResult; cancelled: KindResult };
	/** Afterwards. */
	readonly idle: { reached: boolean; afterMs: number; busySlots: number; transactions: number; timers: number };
	/** Heap after GC: after the warm-up and once idle after the run. */
	readonly heap: { before: HeapFigures | null; after: HeapFigures };
}

/** Run the soak; the station and every SIPp are stopped before it returns. */
export async function soak(sipp: string, o: SoakOptions): Promise<SoakResult> {
	const stationPort = await freePort();
	// Callers named "caller" are let in and answered at once; anyone else is refused with 486 (RFC 3261 §21.4.24).
	const config = parseStationConfig({
		sip: { port: stationPort, rtpPort: await freeRtpPorts(6) },
		incoming: { allow: ["caller@*"], answerDelayMs: 0, refuseStatus: 486 },
	});
	if (!config.ok) throw new Error(config.errors.join("; "));
	const station = await SimStation.start({ address: "127.0.0.1", config: config.config, trace: false, log: () => {} });
	const progress = o.onProgress ?? (() => {});
	try {
		const run = new SoakRun(sipp, station);
		const warmup = o.warmup ?? 0;
		let heapBefore: HeapFigures | null = null;
		if (warmup > 0) {
			await run.answered(warmup);
			await run.busy(warmup);
			await run.cancelled(warmup);
			await untilIdle(station, o.idleWithinMs ?? 70_000);
			heapBefore = await heapAfterGc();
			progress(`warm-up: ${3 * warmup} calls, heap ${mb(heapBefore.total)} (data ${mb(heapBefore.data)})`);
		}
		const started = performance.now();
		const quarter = Math.floor(o.calls / 4), third = Math.floor((o.calls - 3 * quarter) / 3);
		const answered = await run.answered(quarter);
		progress(`answered: ${JSON.stringify(answered)}`);
		const busy = await run.busy(quarter);
		progress(`busy: ${JSON.stringify(busy)}`);
		const cancelled = await run.cancelled(quarter);
		progress(`cancelled: ${JSON.stringify(cancelled)}`);
		const rest = o.calls - 3 * quarter - 2 * third;
		const [ma, mb_, mc] = await Promise.all([run.answered(third, true), run.busy(third), run.cancelled(rest, true)]);
		progress(`mixed: ${JSON.stringify({ answered: ma, busy: mb_, cancelled: mc })}`);
		const ms = performance.now() - started;
		const idle = await untilIdle(station, o.idleWithinMs ?? 70_000);
		const heapAfter = await heapAfterGc();
		return { calls: o.calls, ms, answered, busy, cancelled, mixed: { answered: ma, busy: mb_, cancelled: mc }, idle, heap: { before: heapBefore, after: heapAfter } };
	} finally {
		await station.stop(300);
	}
}

class SoakRun {
	constructor(readonly sipp: string, readonly station: SimStation) {}

	/** SIPp calls the station `n` times in a row; the station answers, SIPp hangs up (or, `mixed`, gets 486). */
	async answered(n: number, mixed = false): Promise<KindResult> {
		if (n <= 0) return none();
		const r = await this.#sipp("soak-answer.xml", n);
		const busy = counted(r.counts, "486", "Recv");
		return { placed: n, asMeant: r.successful - busy, busyInstead: mixed ? busy : 0, failed: r.failed + (mixed ? 0 : busy) };
	}

	/** SIPp (a stranger) calls `n` times in a row; each is refused 486 and ACKed. */
	async busy(n: number): Promise<KindResult> {
		if (n <= 0) return none();
		const r = await this.#sipp("soak-busy.xml", n);
		return { placed: n, asMeant: r.successful, busyInstead: 0, failed: r.failed };
	}

	/** The station calls SIPp `n` times; SIPp rings and the station hangs up each before an answer (CANCEL, 487). */
	async cancelled(n: number, mixed = false): Promise<KindResult> {
		if (n <= 0) return none();
		const port = await freePort([1]);
		const flat = new SippLoad(this.sipp, {
			name: "soak-ring", scenario: SCENARIOS + "soak-ring.xml", remote: "", address: "127.0.0.1", port,
			args: ["-m", String(n)], hardTimeoutMs: n * 2000 + 60_000,
		});
		const station = this.station;
		let asMeant = 0, busyInstead = 0, failed = 0;
		try {
			await sleep(300); // SIPp binds its port
			for (let k = 0; k < n; k++) {
				const first = station.waitFor((l) => /^call \d+: (ringing|ended)|^call: /.test(l), 10_000).catch(() => "");
				station.command(`call sip:flat@127.0.0.1:${port}`);
				const line = await first;
				const slot = /^call (\d+): ringing/.exec(line)?.[1];
				if (slot === undefined) {
					if (mixed && /^call: a call is in progress/.test(line)) busyInstead++;
					else failed++;
					if (mixed) await sleep(5); // another call holds the station: try again shortly
					continue;
				}
				const ended = station.waitFor((l) => l.startsWith(`call ${slot}: ended`), 10_000).catch(() => "");
				station.command(`hangup ${slot}`);
				if (/cancelled/.test(await ended)) asMeant++;
				else failed++;
			}
		} finally {
			await flat.stop();
		}
		return { placed: n, asMeant, busyInstead, failed };
	}

	async #sipp(scenario: string, n: number): Promise<LoadResult> {
		const port = await freePort([1, 2, 4]);
		const load = new SippLoad(this.sipp, {
			name: scenario.replace(".xml", ""), scenario: SCENARIOS + scenario, remote: `127.0.0.1:${this.station.net.port}`, address: "127.0.0.1", port,
			args: ["-m", String(n), "-l", "1", "-r", "1000", "-recv_timeout", "10000"], hardTimeoutMs: n * 2000 + 60_000,
		});
		const r = await load.done;
		await load.stop();
		return r;
	}
}

function none(): KindResult {
	return { placed: 0, asMeant: 0, busyInstead: 0, failed: 0 };
}

/** Wait until the station has no call, no transaction and no timer; then what is left. */
async function untilIdle(station: SimStation, withinMs: number): Promise<SoakResult["idle"]> {
	const started = performance.now(), ua = station.station.ua;
	const state = () => ({
		busySlots: station.station.status().slots.filter((s) => s.state !== "idle").length, transactions: ua.layer.active, timers: station.net.wheel.size,
	});
	let s = state();
	while (!(station.station.idle && s.busySlots === 0 && s.transactions === 0 && s.timers === 0) && performance.now() - started < withinMs) {
		await sleep(250);
		s = state();
	}
	return { reached: station.station.idle && s.busySlots === 0 && s.transactions === 0 && s.timers === 0, afterMs: Math.round(performance.now() - started), ...s };
}

function mb(bytes: number): string {
	return `${(bytes / 1048576).toFixed(2)} MB`;
}
