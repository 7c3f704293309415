// Capture what crosses the loopback during an interop test and let Wireshark's dissectors judge it: tshark
// writes a pcap while the test runs, then reads it back and reports every malformed packet and every expert item
// of severity warning or worse, frame by frame, so a test can assert the list is empty. A small lint adds the one
// defect tshark 4.0 does not flag: a SIP-over-UDP Content-Length that disagrees with the body.
//
// tshark 4.0.17 (Debian 12), as met here: as root it warns "Running as user "root"..." on stderr; the capture is
// live only once it prints "Capturing on 'Loopback: lo'"; a SIP request cut inside its headers, a non-numeric
// Content-Length, a bad Via port or a truncated RTP packet (on a port an SDP announced) are malformed, but a
// Content-Length larger or smaller than the body is not flagged at all, and an unknown header is only a note.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PeerProcess, describeExit, tail } from "./child.js";
import { sleep } from "./peers.js";

/** SIP ports of the interop tests: kamailio 5060, the station 5070, baresip 5071-5074, SIPp 5080 ... */
export const SIP_PORT_RANGE: readonly [number, number] = [5060, 5090];
/**
 * RTP/RTCP ports of the peers (baresip.ts gives each UA 50 ports from 16000). Deliberately below Linux's
 * ephemeral range (32768-60999), so traffic of unrelated programs on the loopback stays out of the capture.
 */
export const RTP_PORT_RANGE: readonly [number, number] = [16000, 16999];

export type Severity = "comment" | "chat" | "note" | "warning" | "error";
const SEVERITIES: readonly Severity[] = ["comment", "chat", "note", "warning", "error"];
const SEVERITY_BY_VALUE: Readonly<Record<number, Severity>> = {
	0x00100000: "comment", 0x00200000: "chat", 0x00400000: "note", 0x00600000: "warning", 0x00800000: "error",
};
const GROUP_BY_VALUE: Readonly<Record<number, string>> = {
	0x01000000: "checksum", 0x02000000: "sequence", 0x03000000: "response-code", 0x04000000: "request-code",
	0x05000000: "undecoded", 0x06000000: "reassemble", 0x07000000: "malformed", 0x08000000: "debug",
	0x09000000: "protocol", 0x0a000000: "security", 0x0b000000: "comment", 0x0c000000: "decryption",
	0x0d000000: "assumption", 0x0e000000: "deprecated",
};

/** One frame, as tshark sums it up. */
export interface CapturePacket {
	readonly frame: number;
	/** Seconds since the first frame. */
	readonly time: number;
	/** "127.0.0.1:5073/udp" */
	readonly source: string;
	readonly destination: string;
	/** The protocol column (SIP, RTP, SIP/SDP ...) and the whole stack (eth:ethertype:ip:udp:sip:sdp). */
	readonly protocol: string;
	readonly protocols: string;
	/** The info column: the frame's one-line summary. */
	readonly summary: string;
}

/** One finding about one frame. */
export interface CaptureIssue extends CapturePacket {
	readonly severity: Severity;
	/** tshark's expert group (malformed, protocol, sequence ...) or "lint". */
	readonly group: string;
	readonly message: string;
	/** Who found it: Wireshark's dissectors, or this file's lint. */
	readonly origin: "tshark" | "lint";
}

export interface CaptureReport {
	readonly file: string;
	readonly frames: number;
	/** Every frame, in order. */
	readonly packets: readonly CapturePacket[];
	/** Frames per protocol found in their stacks (sip, sdp, rtp, rtcp, rtpevent, udp, tcp ...). */
	readonly protocolFrames: Readonly<Record<string, number>>;
	/** Malformed packets, expert items at or above the threshold, lint findings: a clean capture has none. */
	readonly issues: readonly CaptureIssue[];
	/** Expert items below the threshold (e.g. "Unrecognised SIP header"), for information. */
	readonly notes: readonly CaptureIssue[];
}

export interface AnalyseOptions {
	/** Expert items from this severity up are issues (default "warning"); malformed packets always are. */
	readonly failOn?: Severity;
	/** tshark -d rules, e.g. "udp.port==16998,rtp". */
	readonly decodeAs?: readonly string[];
	/** tshark -o preferences, e.g. "tls.keylog_file:/tmp/keys" (TLS decrypted with the session keys the station logged). */
	readonly preferences?: readonly string[];
	readonly timeoutMs?: number;
}

/** Read a pcap with tshark and list what is wrong in it. */
export async function analysePcap(tshark: string, file: string, options: AnalyseOptions = {}): Promise<CaptureReport> {
	const fields = [
		"frame.number", "frame.time_relative", "frame.protocols", "_ws.col.Protocol", "_ws.col.Info",
		"ip.src", "ip.dst", "udp.srcport", "udp.dstport", "tcp.srcport", "tcp.dstport",
		"_ws.expert.severity", "_ws.expert.group", "_ws.expert.message", "_ws.malformed", "udp.payload",
	];
	const args = ["-n", "-r", file, "-T", "json"];
	for (const rule of options.decodeAs ?? []) args.push("-d", rule);
	for (const preference of options.preferences ?? []) args.push("-o", preference);
	for (const f of fields) args.push("-e", f);
	const json = await run(tshark, args, options.timeoutMs ?? 30000);
	const packets = JSON.parse(json.trim() === "" ? "[]" : json) as { _source: { layers: Record<string, string[] | undefined> } }[];
	const threshold = SEVERITIES.indexOf(options.failOn ?? "warning");
	const issues: CaptureIssue[] = [];
	const notes: CaptureIssue[] = [];
	const protocolFrames: Record<string, number> = {};
	const summaries: CapturePacket[] = [];
	for (const p of packets) {
		const l = p._source.layers;
		const one = (name: string) => l[name]?.[0] ?? "";
		const all = (name: string) => l[name] ?? [];
		const protocols = one("frame.protocols");
		for (const proto of new Set(protocols.split(":"))) if (proto !== "") protocolFrames[proto] = (protocolFrames[proto] ?? 0) + 1;
		const udp = one("udp.srcport") !== "";
		const transport = udp ? "udp" : one("tcp.srcport") !== "" ? "tcp" : "";
		const base: CapturePacket = {
			frame: Number(one("frame.number")),
			time: Number(one("frame.time_relative")),
			source: `${one("ip.src")}:${one("udp.srcport") || one("tcp.srcport")}/${transport}`,
			destination: `${one("ip.dst")}:${one("udp.dstport") || one("tcp.dstport")}/${transport}`,
			protocol: one("_ws.col.Protocol"),
			protocols,
			summary: one("_ws.col.Info"),
		};
		summaries.push(base);
		const severities = all("_ws.expert.severity");
		const groups = all("_ws.expert.group");
		const messages = all("_ws.expert.message");
		let flaggedMalformed = false;
		for (let i = 0; i < Math.max(severities.length, messages.length); i++) {
			const severity = SEVERITY_BY_VALUE[Number(severities[i])] ?? "error";
			const group = GROUP_BY_VALUE[Number(groups[i])] ?? `group ${groups[i] ?? "?"}`;
			const issue: CaptureIssue = { ...base, severity, group, message: messages[i] ?? "", origin: "tshark" };
			const malformed = group === "malformed";
			flaggedMalformed ||= malformed;
			(malformed || SEVERITIES.indexOf(severity) >= threshold ? issues : notes).push(issue);
		}
		if (all("_ws.malformed").length > 0 && !flaggedMalformed) {
			issues.push({ ...base, severity: "error", group: "malformed", message: "Malformed packet", origin: "tshark" });
		}
		if (udp && /:sip(:|$)/.test(protocols)) {
			const finding = lintSipDatagram(Buffer.from(one("udp.payload").replace(/:/g, ""), "hex"));
			if (finding !== null) issues.push({ ...base, severity: "error", group: "lint", message: finding, origin: "lint" });
		}
	}
	return { file, frames: packets.length, packets: summaries, protocolFrames, issues, notes };
}

/** What the lint finds wrong with one SIP datagram, or null (RFC 3261 §18.3, §20.14: Content-Length is the body's size). */
export function lintSipDatagram(datagram: Buffer): string | null {
	const text = datagram.toString("latin1");
	const end = text.indexOf("\r\n\r\n");
	if (end < 0) return null; // no end of headers: tshark reports that one itself
	const headers = text.slice(0, end).split("\r\n");
	const lengths = headers.filter((h) => /^(content-length|l)[ \t]*:/i.test(h)).map((h) => h.slice(h.indexOf(":") + 1).trim());
	if (lengths.length === 0) return null; // optional over UDP: the body is the rest of the datagram
	if (lengths.length > 1) return `${lengths.length} Content-Length headers`;
	if (!/^\d+$/.test(lengths[0])) return null; // tshark flags a non-numeric value itself
	const declared = Number(lengths[0]);
	const body = datagram.length - (end + 4);
	if (declared > body) return `Content-Length ${declared} but the datagram carries only ${body} body bytes`;
	if (declared < body) return `Content-Length ${declared} but the datagram carries ${body} body bytes (${body - declared} after the body)`;
	return null;
}

/** One line per issue: "#12 0.532s 127.0.0.1:5073/udp -> 127.0.0.1:5060/udp SIP [error/malformed] message (summary)". */
export function describeIssues(issues: readonly CaptureIssue[]): string {
	if (issues.length === 0) return "(none)";
	return issues.map((i) =>
		`#${i.frame} ${i.time.toFixed(3)}s ${i.source} -> ${i.destination} ${i.protocol} [${i.severity}/${i.group}${i.origin === "lint" ? ", lint" : ""}] ${i.message} (${i.summary.slice(0, 100)})`,
	).join("\n");
}

export interface CaptureOptions {
	/** Names the temporary directory and the pcap (default "capture"). */
	readonly name?: string;
	/** Default "lo". */
	readonly interface?: string;
	readonly sipPorts?: readonly [number, number];
	readonly rtpPorts?: readonly [number, number];
	/** A whole capture filter instead of the one built from the two ranges. */
	readonly filter?: string;
	readonly startTimeoutMs?: number;
}

/** tshark writing a pcap of the loopback while a test runs. */
export class Capture {
	readonly tshark: string;
	readonly filter: string;
	readonly dir: string;
	readonly file: string;
	readonly #process: PeerProcess;
	#stopped = false;

	private constructor(tshark: string, filter: string, dir: string, file: string, proc: PeerProcess) {
		this.tshark = tshark;
		this.filter = filter;
		this.dir = dir;
		this.file = file;
		this.#process = proc;
	}

	/** Start tshark and resolve once it is capturing (its "Capturing on" line, then a short settle). */
	static async start(tshark: string, options: CaptureOptions = {}): Promise<Capture> {
		const [sipLo, sipHi] = options.sipPorts ?? SIP_PORT_RANGE;
		const [rtpLo, rtpHi] = options.rtpPorts ?? RTP_PORT_RANGE;
		// pcap filter syntax: "and" and "or" bind equally, left to right, hence the parentheses
		const filter = options.filter ?? `((tcp or udp) and portrange ${sipLo}-${sipHi}) or (udp and portrange ${rtpLo}-${rtpHi})`;
		const name = options.name ?? "capture";
		const dir = mkdtempSync(join(tmpdir(), `capture-${name.replace(/[^A-Za-z0-9_-]/g, "_")}-`));
		const file = join(dir, `${name.replace(/[^A-Za-z0-9_-]/g, "_")}.pcap`);
		// -n: no name resolution; -q: no per-packet lines; -F pcap: classic pcap that every tool reads
		const args = ["-n", "-q", "-i", options.interface ?? "lo", "-f", filter, "-F", "pcap", "-w", file];
		const proc = new PeerProcess("tshark", tshark, args, { cwd: dir, logFile: join(dir, "tshark.log") });
		const c = new Capture(tshark, filter, dir, file, proc);
		try {
			await proc.waitForOutput(/Capturing on/, options.startTimeoutMs ?? 10000);
		} catch (err) {
			await c.discard(true);
			const hint = /permission|not permitted/i.test(proc.output)
				? "\ncapturing on lo needs root, or membership of the group wireshark (dpkg-reconfigure wireshark-common)"
				: "";
			throw new Error(`${(err as Error).message}${hint}`);
		}
		// "Capturing on" is printed as dumpcap opens the interface; give the kernel filter a moment to be in place
		await sleep(200);
		return c;
	}

	/** tshark's stderr (the root warning, "Capturing on ...", "N packets captured"). */
	get log(): string {
		return this.#process.output;
	}

	/** Packets tshark said it captured, once stopped (null before or if it did not say). */
	get captured(): number | null {
		const m = /(\d+) packets? captured/.exec(this.#process.output);
		return m === null ? null : Number(m[1]);
	}

	/**
	 * Stop capturing: a short wait for the last packets, then SIGINT to tshark and its dumpcap (they close the file
	 * properly), SIGTERM after 3 s, SIGKILL after 1 s more. Idempotent.
	 */
	async stop(settleMs = 300): Promise<void> {
		if (this.#stopped) return;
		this.#stopped = true;
		if (!this.#process.exited) await sleep(settleMs);
		await this.#process.stop([{ signal: "SIGINT", waitMs: 3000 }, { signal: "SIGTERM", waitMs: 1000 }]);
		if (!existsSync(this.file) || statSync(this.file).size < 24) {
			throw new Error(`tshark wrote no capture (${describeExit(this.#process.exitInfo)})\n${tail(this.log, 20)}`);
		}
	}

	/** Stop (if still running) and analyse the pcap. */
	async analyse(options: AnalyseOptions = {}): Promise<CaptureReport> {
		await this.stop();
		return analysePcap(this.tshark, this.file, options);
	}

	/** Stop and delete the directory, or keep it (and say where) when `keep`. */
	async discard(keep = false): Promise<void> {
		try {
			await this.stop(0);
		} catch {
			// nothing was captured: nothing to keep either
		}
		if (keep) process.stderr.write(`        capture kept in ${this.dir}\n`);
		else rmSync(this.dir, { recursive: true, force: true });
	}
}

function run(binary: string, args: readonly string[], timeoutMs: number): Promise<string> {
	return new Promise((resolve, reject) => {
		execFile(binary, args, { timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024, encoding: "utf8" }, (err, stdout, stderr) => {
			if (err !== null) reject(new Error(`${binary} ${args.join(" ")}: ${err.message}\n${stderr.replace(/^Running as user.*\n?/m, "")}`));
			else resolve(stdout);
		});
	});
}
