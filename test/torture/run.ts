// `npm run torture:station`: the long runs of the suite that proves the station cannot be locked out — the fuzz (10
// million mutants on Node, 100,000 on XS, 20,000 datagrams and 2,000 streams against the running station), a 60 s
// flood during a call, calls and a registration through a 30 % lossy link, and a 10,000-call soak (and 10,000 on XS).
// Each part prints its figures as it ends; at the end one table, and the exit code says whether every check held.
//
//   node --expose-gc build/test/torture/run.js [--only fuzz,xs,station,flood,loss,soak] [--quick]
//   --quick: the same parts with small counts (a try of the runner, not a proof)
import { isBound, findProgram, KAMAILIO, SIPP, TSHARK, type Peer } from "../interop/peers.js";
import { floodDuringCall } from "./flood.js";
import { fuzzOnNode } from "./fuzz-node.js";
import { fuzzOnXs } from "./fuzz-xs.js";
import type { HeapFigures } from "./heap.js";
import { lossyCalls, lossyRegistration } from "./loss.js";
import { soak } from "./soak.js";
import { soakOnXs } from "./soak-xs.js";
import { fuzzStation } from "./station-fuzz.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const onlyArg = args.find((a) => a.startsWith("--only"));
const only = onlyArg === undefined ? null : new Set((onlyArg.includes("=") ? onlyArg.split("=")[1] : args[args.indexOf(onlyArg) + 1] ?? "").split(","));
const N = quick
	? { fuzz: 200_000, xs: 2_000, datagrams: 2_000, streams: 200, floodSeconds: 10, lossCalls: 2, registrationSeconds: 40, soak: 1_000, soakXs: 400 }
	: { fuzz: 10_000_000, xs: 100_000, datagrams: 20_000, streams: 2_000, floodSeconds: 60, lossCalls: 10, registrationSeconds: 120, soak: 10_000, soakXs: 10_000 };
/** "Within 1 MB of where it started": the heap the program keeps, after GC. */
const HEAP_TOLERANCE = 1 << 20;

interface Check {
	readonly what: string;
	readonly ok: boolean;
}
interface Row {
	readonly part: string;
	readonly figures: string;
	readonly checks: readonly Check[];
}

const rows: Row[] = [];
const t0 = performance.now();

function say(line: string): void {
	process.stdout.write(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(5)} s] ${line}\n`);
}

function n(x: number): string {
	return Math.round(x).toLocaleString("en-US");
}

function mb(bytes: number): string {
	return `${(bytes / 1048576).toFixed(2)} MB`;
}

function heapLine(before: HeapFigures | null, after: HeapFigures | null): string {
	if (before === null || after === null) return "heap not measured";
	return `heap after GC ${mb(before.data)} → ${mb(after.data)} of data (${after.data - before.data >= 0 ? "+" : ""}${n((after.data - before.data) / 1024)} KB); ` +
		`with V8's compiled code ${mb(before.total)} → ${mb(after.total)}`;
}

function peer(p: Peer): string | null {
	return findProgram(p.program, p.alsoIn);
}

async function part(name: string, key: string, run: () => Promise<Row>): Promise<void> {
	if (only !== null && !only.has(key)) return;
	say(`${name} ...`);
	let row: Row;
	try {
		row = await run();
	} catch (err) {
		row = { part: name, figures: `did not run to its end: ${(err as Error).message.split("\n")[0]}`, checks: [{ what: "ran", ok: false }] };
	}
	rows.push(row);
	say(`${name}: ${row.figures}`);
	for (const c of row.checks) say(`   ${c.ok ? "pass" : "FAIL"}  ${c.what}`);
}

function missing(name: string, p: Peer): Row {
	return { part: name, figures: `${p.program} not found (apt-get install ${p.debianPackage})`, checks: [{ what: `${p.program} installed`, ok: false }] };
}

async function main(): Promise<void> {
	say(`torture:station${quick ? " --quick" : ""} on node ${process.version}`);

	await part("Fuzz, Node", "fuzz", async () => {
		const r = await fuzzOnNode({ count: N.fuzz, onProgress: (done) => say(`   fuzz: ${n(done)} mutants`) });
		const c = r.counts;
		return {
			part: "Fuzz, Node",
			figures: `${n(r.mutants)} mutants in ${(r.ms / 1000).toFixed(0)} s: ${n(r.mutants / (r.ms / 1000))}/s on ${r.workers} threads ` +
				`(${n(r.mutants / (r.cpuMs / 1000))}/s per core); verdicts ${n(c.accepted)} accepted, ${n(c.status400)} × 400, ${n(c.status505)} × 505, ` +
				`${n(c.status513)} × 513; transport: ${n(c.answered)} bad requests answered with the verdict, ${n(c.requestsDelivered)} delivered, ` +
				`${n(c.streamErrors)} streams closed; ${r.exceptions} exceptions, ${r.hangs.length} hangs, slowest mutant ${r.slowest.ms.toFixed(1)} ms`,
			checks: [
				{ what: `${n(N.fuzz)} mutants run`, ok: r.mutants === N.fuzz },
				{ what: "0 exceptions", ok: r.exceptions === 0 },
				{ what: "0 hangs", ok: r.hangs.length === 0 },
				{ what: `0 mismatches between parser and transport${r.failureTexts.length > 0 ? ` (${r.failureTexts[0]})` : ""}`, ok: r.failures === 0 },
			],
		};
	});

	await part("Fuzz, XS", "xs", async () => {
		const r = await fuzzOnXs(N.xs, { crank: 1000, warmup: 1000 });
		return {
			part: "Fuzz, XS",
			figures: `${n(r.mutants)} mutants in ${(r.ms / 1000).toFixed(0)} s, ${n(r.computePerMutant)} compute/mutant, ${r.slotsPerMutant} heap slots/mutant, ` +
				`live heap ${n(r.heapBefore)} → ${n(r.heapAfter)} slots (growth ${r.growthSlots}); ${r.counts.exceptions} exceptions`,
			checks: [
				{ what: `${n(N.xs)} mutants run`, ok: r.mutants === N.xs },
				{ what: "0 exceptions, 0 mismatches", ok: r.counts.exceptions === 0 && r.counts.failures === 0 },
				{ what: "0 slots per mutant", ok: r.slotsPerMutant === 0 },
				{ what: "0 slots of growth", ok: r.growthSlots <= 0 },
			],
		};
	});

	await part("Fuzz, running station", "station", async () => {
		const r = await fuzzStation({ datagrams: N.datagrams, streams: N.streams, probeEvery: 500, idleWithinMs: 70_000 });
		return {
			part: "Fuzz, running station",
			figures: `${n(r.datagrams)} datagrams + ${n(r.streams)} TCP streams in ${(r.ms / 1000).toFixed(0)} s; verdicts ${JSON.stringify(r.verdicts)}; answered ` +
				`exactly as the parser says: ${n(r.answeredAsValidator.udp)} over UDP, ${n(r.answeredAsValidator.tcp)} over TCP; ${n(r.streamsClosed)} unframeable streams ` +
				`closed; OPTIONS probes ${JSON.stringify(r.probes.statuses)} (slowest ${r.probes.slowestMs} ms); idle ${r.idleAfterMs === null ? "not reached" : `${(r.idleAfterMs / 1000).toFixed(0)} s after`}`,
			checks: [
				{ what: `0 mismatches, no crash${r.failures.length > 0 ? ` (${r.failures[0]})` : ""}`, ok: r.failureCount === 0 },
				{ what: "every OPTIONS probe answered 200", ok: r.probes.answered === r.probes.sent && Object.keys(r.probes.statuses).every((s) => s === "200") },
				{ what: "idle afterwards", ok: r.idleAfterMs !== null },
			],
		};
	});

	await part("Flood during a call", "flood", async () => {
		const sipp = peer(SIPP);
		if (sipp === null) return missing("Flood during a call", SIPP);
		const r = await floodDuringCall(sipp, {
			seconds: N.floodSeconds, invitesPerSecond: 1000, optionsPerSecond: 1000, idleWithinMs: 70_000, heap: true, tshark: peer(TSHARK),
		});
		const audio = r.wire ?? r.audio;
		const gap = `${r.wire !== null ? "as sent (on the wire)" : "at the peer"}: largest gap ${audio.maxGapDuringFloodMs} ms during the flood ` +
			`(${audio.gapsOver60} over 60 ms; before it ${audio.maxGapBeforeFloodMs} ms)`;
		const dataGrowth = r.heap.before === null || r.heap.after === null ? Infinity : r.heap.after.data - r.heap.before.data;
		return {
			part: "Flood during a call",
			figures: `${r.seconds} s: ${n(r.invites.sent)} INVITEs → ${JSON.stringify(r.invites.answers)}, ${n(r.invites.noAnswer)} shed; ` +
				`${n(r.options.sent)} OPTIONS from junk sources → ${JSON.stringify(r.options.answers)}, ${n(r.options.noAnswer)} shed; ` +
				`the call: ${r.call.inDialog.map((t) => `${t.method} ${t.status} (${t.ms} ms)`).join(", ")}; audio ${gap}; ` +
				`OPTIONS probe ${r.probes.ok}/${r.probes.sent} answered 200 within 1 s (slowest ${r.probes.slowestMs} ms); station ${r.cpuCores} core, ` +
				`event loop held up ${r.loopStallMs} ms (before ${r.quietLoopStallMs} ms); ${r.kernelDropped >= 0 ? `${n(r.kernelDropped)} datagrams dropped by the kernel (receive queues full); ` : ""}` +
				`idle ${(r.idle.afterMs / 1000).toFixed(0)} s after; ${heapLine(r.heap.before, r.heap.after)}`,
			checks: [
				{ what: "the call's re-INVITEs, INFOs and BYE all answered 200", ok: r.call.code === 0 && r.call.inDialog.length > 0 && r.call.inDialog.every((t) => t.status === 200) },
				{ what: "no audio gap over 60 ms during the flood", ok: audio.gapsOver60 === 0 && audio.packetsDuringFlood > 0 },
				{ what: "a well-formed OPTIONS answered 200 within 1 s throughout", ok: r.probes.ok === r.probes.sent && r.probes.sent > 0 },
				{ what: "idle afterwards (0 transactions, 0 timers)", ok: r.idle.reached },
				{ what: "memory flat afterwards (heap data within 1 MB)", ok: Math.abs(dataGrowth) <= HEAP_TOLERANCE },
			],
		};
	});

	await part("Loss (30 % each way)", "loss", async () => {
		const sipp = peer(SIPP), kamailio = peer(KAMAILIO);
		if (sipp === null) return missing("Loss (30 % each way)", SIPP);
		if (kamailio === null) return missing("Loss (30 % each way)", KAMAILIO);
		const calls = await lossyCalls(sipp, { calls: N.lossCalls, loss: 0.3, idleWithinMs: 70_000 });
		if (isBound(5060, "udp") === true) throw new Error("port 5060 is taken: Kamailio cannot start");
		const reg = await lossyRegistration(kamailio, { seconds: N.registrationSeconds, loss: 0.3, expires: 20 });
		const done = calls.toStation.completed + calls.fromStation.completed, asked = calls.toStation.asked + calls.fromStation.asked;
		return {
			part: "Loss (30 % each way)",
			figures: `${done} of ${asked} calls set up and torn down (${calls.toStation.completed}/${calls.toStation.asked} SIPp → station in ` +
				`${(calls.toStation.ms / 1000).toFixed(0)} s, ${calls.fromStation.completed}/${calls.fromStation.asked} station → SIPp in ${(calls.fromStation.ms / 1000).toFixed(0)} s), ` +
				`the relays dropped ${(100 * calls.relay.lossRate).toFixed(1)} %; registration with Kamailio behind the relay for ${reg.seconds} s: ` +
				`${reg.registered} registrations (expires 20 s), ${reg.failed} failed, relay dropped ${(100 * reg.relay.lossRate).toFixed(1)} %, bound at the end: ${reg.bound}`,
			checks: [
				{ what: `${asked} of ${asked} calls set up and torn down`, ok: done === asked },
				{ what: "the registration survives (no failure, bound at the end)", ok: reg.failed === 0 && reg.bound && reg.registered >= 2 },
			],
		};
	});

	await part("Soak", "soak", async () => {
		const sipp = peer(SIPP);
		if (sipp === null) return missing("Soak", SIPP);
		const r = await soak(sipp, { calls: N.soak, warmup: 200, idleWithinMs: 70_000, onProgress: (l) => say(`   soak ${l}`) });
		const kinds = [r.answered, r.busy, r.cancelled, r.mixed.answered, r.mixed.busy, r.mixed.cancelled];
		const failed = kinds.reduce((a, k) => a + k.failed, 0), placed = kinds.reduce((a, k) => a + k.placed, 0);
		const xs = await soakOnXs(N.soakXs);
		const growth = r.heap.before === null ? Infinity : r.heap.after.data - r.heap.before.data;
		return {
			part: "Soak",
			figures: `${n(placed)} calls in ${(r.ms / 1000).toFixed(0)} s (answered ${n(r.answered.asMeant)}, refused busy ${n(r.busy.asMeant)}, cancelled ` +
				`${n(r.cancelled.asMeant)}, mixed ${n(r.mixed.answered.asMeant + r.mixed.busy.asMeant + r.mixed.cancelled.asMeant)} + ` +
				`${n(r.mixed.answered.busyInstead + r.mixed.cancelled.busyInstead)} busy while another call was up), ${failed} failed; then ` +
				`${r.idle.busySlots} busy slots, ${r.idle.transactions} transactions, ${r.idle.timers} timers (${(r.idle.afterMs / 1000).toFixed(0)} s after); ` +
				`${heapLine(r.heap.before, r.heap.after)}; XS: ${n(xs.calls)} calls in ${(xs.ms / 1000).toFixed(0)} s, live heap ${n(xs.heapBefore)} → ${n(xs.heapAfter)} slots ` +
				`(growth ${xs.growthSlots}), ${xs.counters.failures} failed`,
			checks: [
				{ what: `${n(N.soak)} calls, none failed`, ok: placed === N.soak && failed === 0 },
				{ what: "then 0 busy slots, 0 transactions, 0 timers", ok: r.idle.reached },
				{ what: "heap after GC within 1 MB of where it started (data)", ok: Math.abs(growth) <= HEAP_TOLERANCE },
				{ what: `XS: ${n(N.soakXs)} calls, 0 slots of growth`, ok: xs.counters.failures === 0 && xs.growthSlots <= 0 },
			],
		};
	});

	const failed = rows.flatMap((r) => r.checks.filter((c) => !c.ok).map((c) => `${r.part}: ${c.what}`));
	process.stdout.write(`\n| part | figures | checks |\n|---|---|---|\n`);
	for (const r of rows) {
		process.stdout.write(`| ${r.part} | ${r.figures} | ${r.checks.map((c) => `${c.ok ? "✓" : "✗"} ${c.what}`).join("<br>")} |\n`);
	}
	process.stdout.write(`\n${failed.length === 0 ? "every check held" : `${failed.length} check(s) failed:\n  ${failed.join("\n  ")}`} ` +
		`(${((performance.now() - t0) / 60000).toFixed(1)} min)\n`);
	process.exitCode = failed.length === 0 ? 0 : 1;
}

await main();
