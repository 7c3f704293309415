// A flood during a call, against the simulated station on 127.0.0.1: SIPp calls the station (media at an RTP peer of
// its own process, two-way), and while the call is up SIPp floods INVITEs from one source and OPTIONS from junk
// sources (a new port per request, on four 127.0.0.x addresses). What must hold (DESIGN.md §3: a fixed pool is never a
// lock): the call's re-INVITEs, INFOs and BYE get their 200s, its audio has no gap over 60 ms, a well-formed OPTIONS
// from a fresh source is answered 200 within 1 s throughout, and afterwards the station is idle with the heap it had.
import { execFile, fork, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { Capture } from "../interop/capture.js";
import { describeSipp, freePort, freeRtpPorts, sleep, startSipp, type SippResult } from "../interop/peers.js";
import type { HeapFigures } from "./heap.js";
import { OptionsProbe, type ProbeAnswer } from "./options-probe.js";
import type { RtpPeerMessage } from "./rtp-peer.js";
import { counted, SippLoad } from "./sipp-load.js";
import { StationProcess } from "./station-process.js";

const SCENARIOS = fileURLToPath(new URL("../../../test/torture/scenarios/", import.meta.url));
const RTP_PEER = fileURLToPath(new URL("./rtp-peer.js", import.meta.url));
/** The junk sources of the OPTIONS flood (all on the loopback: Linux answers the whole 127.0.0.0/8 on lo). */
const JUNK_ADDRESSES = Object.freeze(["127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"]);

export interface FloodOptions {
	/** How long each flooder runs. */
	readonly seconds: number;
	readonly invitesPerSecond: number;
	readonly optionsPerSecond: number;
	/** Probe interval (ms). */
	readonly probeEveryMs?: number;
	/** How long to wait afterwards for the station to be idle (ms). */
	readonly idleWithinMs?: number;
	/** tshark: the station's RTP is also timed on the wire (kernel timestamps of its sends), not only at the peer. */
	readonly tshark?: string | null;
}

export interface FloodResult {
	readonly seconds: number;
	/** What the flooders sent and got back. */
	readonly invites: { sent: number; answers: Readonly<Record<string, number>>; noAnswer: number };
	readonly options: { sent: number; answers: Readonly<Record<string, number>>; noAnswer: number };
	/** The call: SIPp's verdict (0: every in-dialog request got its 200) and each request's answer time. */
	readonly call: { code: number | null; inDialog: { method: string; status: number; ms: number }[]; explain: string };
	/** The station's RTP as the peer received it: packets, the largest gap, gaps over 60 ms (during the flood / the whole call). */
	readonly audio: {
		packets: number; packetsDuringFlood: number; maxGapMs: number; maxGapDuringFloodMs: number; maxGapBeforeFloodMs: number;
		gapsOver60: number; peerSent: number; stationReceived: string;
	};
	/** The same gaps timed on the wire (tshark's kernel timestamps of the station's sends), when tshark was given. */
	readonly wire: FloodResult["audio"] | null;
	/** The well-formed OPTIONS from a fresh source, throughout. */
	readonly probes: { sent: number; ok: number; slowestMs: number; notOk: ProbeAnswer[] };
	/** Heap after GC after a warm-up round and once the station was idle again after the measured one (with `heap`). */
	readonly heap: { before: HeapFigures | null; after: HeapFigures | null };
	readonly idle: { reached: boolean; afterMs: number; transactions: number; timers: number };
	/**
	 * Datagrams the kernel dropped during the flood because a socket's receive queue was full (Linux /proc/net/snmp
	 * Udp RcvbufErrors of this network namespace: the station's and the flooders' sockets), or -1 without /proc.
	 */
	readonly kernelDropped: number;
	/** CPU of the station's process during the flood, in cores. */
	readonly cpuCores: number;
	/** The longest the station's event loop was held up during the flood (ms): a stall there is a gap in its RTP. */
	readonly loopStallMs: number;
	/** The same before the flood, the call alone (what the loaded machine does to the station by itself). */
	readonly quietLoopStallMs: number;
}

/**
 * Run the whole flood with the SIPp binary `sipp`; every program started here is stopped before it returns. With
 * `heap`, a short round of the same (call and flood) runs first and the station is left to go idle: the heap is then
 * measured with every code path already compiled, and again once the station is idle after the measured round.
 */
export async function floodDuringCall(sipp: string, o: FloodOptions & { readonly heap?: boolean }): Promise<FloodResult> {
	// Only the call's caller is let in: a flood INVITE is refused (603), or answered busy (486) while the call is up.
	const station = await StationProcess.start({
		sip: { port: await freePort(), rtpPort: await freeRtpPorts(6) },
		incoming: { allow: ["caller@*"], answerDelayMs: 100, refuseStatus: 603 },
	});
	const probe = await OptionsProbe.open(station.port, "127.0.0.6");
	try {
		let heapBefore: HeapFigures | null = null;
		if (o.heap === true) {
			await round(sipp, station, probe, { ...o, seconds: Math.min(3, o.seconds) });
			await untilIdle(station, o.idleWithinMs ?? 70_000);
			heapBefore = await station.heap();
		}
		const r = await round(sipp, station, probe, o);
		// Afterwards: the flood's transactions run out (Timer J/H/I: 32 s at most), then the station must be idle.
		const idle = await untilIdle(station, o.idleWithinMs ?? 70_000);
		const heapAfter = o.heap === true ? await station.heap() : null;
		return { ...r, idle, heap: { before: heapBefore, after: heapAfter } };
	} finally {
		await probe.close();
		await station.stop();
	}
}

/** Wait until the station has no call, no transaction and no timer; then what is left. */
async function untilIdle(station: StationProcess, withinMs: number): Promise<FloodResult["idle"]> {
	const started = performance.now();
	let s = await station.state();
	const idle = () => s.idle && s.transactions === 0 && s.timers === 0;
	while (!idle() && performance.now() - started < withinMs) {
		await sleep(250);
		s = await station.state();
	}
	return { reached: idle(), afterMs: Math.round(performance.now() - started), transactions: s.transactions, timers: s.timers };
}

/** One call with a flood in its middle. */
async function round(sipp: string, station: StationProcess, probe: OptionsProbe, o: FloodOptions): Promise<Omit<FloodResult, "idle" | "heap">> {
	const stationPort = station.port, firstLine = station.lines.length;
	const peer = await RtpPeer.start();
	const capture = o.tshark === undefined || o.tshark === null ? null
		: await Capture.start(o.tshark, { name: "flood-rtp", filter: `udp and dst port ${peer.port}` });
	const loads: SippLoad[] = [];
	try {
		const rounds = Math.max(1, Math.round(o.seconds / 10));
		const callSeconds = o.seconds + 8;
		const gap = Math.floor((callSeconds * 1000) / (2 * rounds + 1));
		const callPort = await freePort([1, 2, 4]);
		const answered = station.waitFor((l) => /^call \d+: answered/.test(l), 10_000);
		const call = startSipp(sipp, {
			scenario: SCENARIOS + "flood-call.xml", port: callPort, remote: `127.0.0.1:${stationPort}`, service: "door",
			timeoutMs: (callSeconds + 30) * 1000,
			extra: ["-key", "rtp_port", String(peer.port), "-set", "rounds", String(rounds), "-d", String(gap)],
		});
		await answered;
		// The media runs both ways before the flood starts: the gaps and stalls of this quiet time are the machine's own.
		const quietStart = epochNow();
		await station.measure(true);
		await sleep(2000);
		const quiet = (await station.measure(false))!;

		const probes: { at: number; answer: ProbeAnswer }[] = [];
		let probing = true;
		const prober = (async () => {
			while (probing) {
				const at = performance.now();
				probes.push({ at, answer: await probe.ask(4000) }); // a UAC goes on retransmitting (T1, 2·T1, 4·T1): 4 s, not Timer F
				await sleep(Math.max(0, (o.probeEveryMs ?? 250) - (performance.now() - at)));
			}
		})();

		const kernelBefore = udpReceiveErrors();
		const floodStart = epochNow(), tStart = performance.now();
		await station.measure(true);
		const invitePort = await freePort([1]);
		loads.push(new SippLoad(sipp, {
			name: "invite-flood", scenario: SCENARIOS + "flood-invite.xml", remote: `127.0.0.1:${stationPort}`, address: "127.0.0.1",
			port: invitePort, args: ["-nr", "-r", String(o.invitesPerSecond), "-m", String(o.invitesPerSecond * o.seconds), "-l", "20000", "-recv_timeout", "4000"],
			hardTimeoutMs: (o.seconds + 30) * 1000, nice: 19,
		}));
		const perSource = Math.max(1, Math.round(o.optionsPerSecond / JUNK_ADDRESSES.length));
		for (const address of JUNK_ADDRESSES) {
			loads.push(new SippLoad(sipp, {
				name: `options-flood-${address}`, scenario: SCENARIOS + "flood-options.xml", remote: `127.0.0.1:${stationPort}`, address,
				port: 5090, args: ["-t", "un", "-max_socket", "4000", "-nr", "-r", String(perSource), "-m", String(perSource * o.seconds), "-l", "20000", "-recv_timeout", "4000"],
				hardTimeoutMs: (o.seconds + 30) * 1000, nice: 19,
			}));
		}
		const results = await Promise.all(loads.map((l) => l.done));
		const floodEnd = epochNow(), floodMs = performance.now() - tStart;
		const kernelDropped = udpReceiveErrors() - kernelBefore;
		const flood = (await station.measure(false))!;

		const callResult = await call.done;
		probing = false;
		await prober;
		const rtp = await peer.stop();
		// The measurements are done: now the helpers may read /proc (a stall of this process) and let go of the flooders.
		await Promise.all(loads.splice(0).map((l) => l.stop()));
		const wire = capture === null ? null : await sendTimes(capture);

		const lines = station.lines.slice(firstLine);
		const inv = results[0], opts = results.slice(1);
		const sumOptions = (what: string, suffix: string) => opts.reduce((n, r) => n + counted(r.counts, what, suffix), 0);
		const okProbes = probes.filter((p) => p.answer.status === 200 && p.answer.ms < 1000);
		return {
			seconds: Math.round(floodMs / 100) / 10,
			invites: {
				sent: counted(inv.counts, "INVITE", "Sent"),
				answers: Object.fromEntries(["100", "180", "486", "503", "603", "480"].map((s) => [s, counted(inv.counts, s, "Recv")]).filter(([, n]) => (n as number) > 0)),
				noAnswer: counted(inv.counts, "INVITE", "Sent") - ["486", "503", "603", "480"].reduce((n, s) => n + counted(inv.counts, s, "Recv"), 0),
			},
			options: {
				sent: sumOptions("OPTIONS", "Sent"),
				answers: Object.fromEntries(["200", "503"].map((s) => [s, sumOptions(s, "Recv")]).filter(([, n]) => (n as number) > 0)),
				noAnswer: sumOptions("OPTIONS", "Sent") - sumOptions("200", "Recv") - sumOptions("503", "Recv"),
			},
			call: { code: callResult.code, inDialog: inDialogTimes(callResult), explain: callResult.code === 0 ? "" : `${describeSipp(callResult)}\n--- station\n${lines.join("\n")}` },
			audio: gapsOf(rtp.arrivals, rtp.sent, quietStart, floodStart, floodEnd, lines),
			wire: wire === null ? null : gapsOf(wire, 0, quietStart, floodStart, floodEnd, lines),
			probes: {
				sent: probes.length, ok: okProbes.length, slowestMs: Math.round(Math.max(0, ...probes.map((p) => p.answer.ms))),
				notOk: probes.filter((p) => !okProbes.includes(p)).map((p) => ({ status: p.answer.status, ms: Math.round(p.answer.ms) })),
			},
			cpuCores: flood.cpuCores,
			kernelDropped,
			loopStallMs: flood.loopStallMs,
			quietLoopStallMs: quiet.loopStallMs,
		};
	} finally {
		await Promise.all(loads.map((l) => l.stop()));
		await peer.stop().catch(() => undefined);
		await capture?.discard();
	}
}

/** Each in-dialog request of the call (re-INVITE, INFO, BYE) with its final answer and the time it took, from SIPp's trace. */
function inDialogTimes(r: SippResult): { method: string; status: number; ms: number }[] {
	const out: { method: string; status: number; ms: number }[] = [];
	const pending = new Map<string, { method: string; at: number }>();
	let seenInvite = false;
	for (const block of r.messages.split(/\n(?=-{20,} )/)) {
		const stamp = /^-{20,} (\d{4}-\d\d-\d\d)\s+(\d\d:\d\d:\d\d\.\d+)/.exec(block);
		if (stamp === null) continue;
		const at = Date.parse(`${stamp[1]}T${stamp[2].slice(0, 12)}`);
		const sent = /message sent/.test(block), body = block.slice(block.indexOf("\n\n") + 2);
		const cseq = /\r?\nCSeq:\s*(\d+) (\w+)/i.exec(body);
		if (cseq === null) continue;
		const key = `${cseq[1]} ${cseq[2]}`;
		if (sent && /^[A-Z]+ /.test(body) && !body.startsWith("ACK")) {
			if (cseq[2] === "INVITE" && !seenInvite) {
				seenInvite = true; // the initial INVITE: not in-dialog
				continue;
			}
			if (!pending.has(key)) pending.set(key, { method: cseq[2], at });
		} else if (!sent && body.startsWith("SIP/2.0 ")) {
			const status = Number(body.slice(8, 11)), p = pending.get(key);
			if (p !== undefined && status >= 200) {
				out.push({ method: p.method, status, ms: at - p.at });
				pending.delete(key);
			}
		}
	}
	for (const p of pending.values()) out.push({ method: p.method, status: 0, ms: -1 });
	return out;
}

/** The times (epoch ms) tshark saw the station's RTP on the loopback: when the station handed each packet to the kernel. */
async function sendTimes(capture: Capture): Promise<number[]> {
	await capture.stop();
	const out = await new Promise<string>((resolve, reject) => {
		execFile(capture.tshark, ["-n", "-r", capture.file, "-T", "fields", "-e", "frame.time_epoch"], { maxBuffer: 64 << 20 }, (err, stdout) => {
			if (err !== null) reject(err);
			else resolve(stdout);
		});
	});
	return out.split("\n").filter((l) => l.trim() !== "").map((l) => Number(l) * 1000);
}

/** Gaps between consecutive packets: over the whole call, before the flood (quiet) and during it. */
function gapsOf(a: readonly number[], peerSent: number, quietStart: number, floodStart: number, floodEnd: number, lines: readonly string[]): FloodResult["audio"] {
	let maxGap = 0, maxFlood = 0, maxQuiet = 0, over = 0, during = 0;
	for (let i = 1; i < a.length; i++) {
		const gap = a[i] - a[i - 1];
		if (gap > maxGap) maxGap = gap;
		if (a[i - 1] >= quietStart && a[i] <= floodStart && gap > maxQuiet) maxQuiet = gap;
		if (a[i] >= floodStart && a[i - 1] <= floodEnd) {
			if (gap > maxFlood) maxFlood = gap;
			if (gap > 60) over++;
		}
	}
	for (const t of a) if (t >= floodStart && t <= floodEnd) during++;
	const stopped = lines.find((l) => /media stopped/.test(l)) ?? "";
	return {
		packets: a.length, packetsDuringFlood: during, maxGapMs: Math.round(maxGap), maxGapDuringFloodMs: Math.round(maxFlood),
		maxGapBeforeFloodMs: Math.round(maxQuiet), gapsOver60: over,
		peerSent, stationReceived: /(\d+ packets received \([^)]*\))/.exec(stopped)?.[1] ?? "",
	};
}

interface RtpReport {
	readonly arrivals: number[];
	readonly sent: number;
}

/** The RTP peer child process (rtp-peer.ts). */
class RtpPeer {
	#report: Promise<RtpReport> | null = null;
	private constructor(readonly child: ChildProcess, readonly port: number) {}

	static start(): Promise<RtpPeer> {
		const child = fork(RTP_PEER, ["0"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
		return new Promise((resolve, reject) => {
			child.once("error", reject);
			child.once("exit", (code) => reject(new Error(`the RTP peer exited (${code})`)));
			child.once("message", (m: RtpPeerMessage) => {
				if (m.type === "ready") resolve(new RtpPeer(child, m.port));
			});
		});
	}

	/** Stop it and take its report (once). */
	stop(): Promise<RtpReport> {
		this.#report ??= new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.child.kill("SIGKILL");
				resolve({ arrivals: [], sent: 0 });
			}, 5000);
			this.child.on("message", (m: RtpPeerMessage) => {
				if (m.type !== "report") return;
				clearTimeout(timer);
				resolve({ arrivals: m.arrivals, sent: m.sent });
			});
			this.child.send({ stop: true });
		});
		return this.#report;
	}
}

/** Linux's count of UDP datagrams dropped for a full receive queue, in this network namespace (-1 without /proc). */
function udpReceiveErrors(): number {
	if (!existsSync("/proc/net/snmp")) return -1;
	const lines = readFileSync("/proc/net/snmp", "latin1").split("\n").filter((l) => l.startsWith("Udp:"));
	if (lines.length < 2) return -1;
	const names = lines[0].split(/\s+/), values = lines[1].split(/\s+/);
	const at = names.indexOf("RcvbufErrors");
	return at < 0 ? -1 : Number(values[at]);
}

function epochNow(): number {
	return performance.timeOrigin + performance.now();
}
