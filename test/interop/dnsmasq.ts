// dnsmasq as the DNS server of interop tests: its own configuration (the zone as --naptr-record, --srv-host,
// --host-record ... lines) written into a fresh temporary directory, no system resolv.conf or hosts file, on
// 127.0.0.1 and an unprivileged port, run as a child (its own process group) until it answers a query.
import { createSocket } from "node:dgram";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PeerHelper, PeerProcess } from "./child.js";
import { freePort, LOOPBACK, type Peer, sleep } from "./peers.js";

/** The DNS server: Debian's dnsmasq-base has the program without the system daemon (in /usr/sbin). */
export const DNSMASQ: Peer = Object.freeze({ program: "dnsmasq", debianPackage: "dnsmasq-base", alsoIn: Object.freeze(["/usr/sbin", "/usr/local/sbin"]) });

export interface DnsmasqOptions {
	/** Configuration lines for the zone, in dnsmasq.conf syntax ("srv-host=...", "host-record=..."). */
	readonly zone: readonly string[];
	/** Port on 127.0.0.1 (default: a free one). */
	readonly port?: number;
	readonly startTimeoutMs?: number;
}

/** A running dnsmasq. Its `log` has a line per query ("query[SRV] _sip._udp.example.test from 127.0.0.1"). */
export class Dnsmasq extends PeerHelper {
	readonly port: number;
	#stopped = false;

	private constructor(port: number, dir: string, proc: PeerProcess) {
		super(dir, proc);
		this.port = port;
	}

	static async start(binary: string, options: DnsmasqOptions): Promise<Dnsmasq> {
		const port = options.port ?? (await freePort());
		const dir = mkdtempSync(join(tmpdir(), "dnsmasq-"));
		const config = join(dir, "dnsmasq.conf");
		// No upstream servers, no /etc/hosts, no system resolv.conf: only the zone below is known (--no-resolv,
		// --no-hosts); bound to 127.0.0.1 alone; every query logged to stderr for the tests to read.
		writeFileSync(config, [...options.zone, ""].join("\n"));
		const args = [
			"--keep-in-foreground", `--conf-file=${config}`, "--no-resolv", "--no-hosts", `--port=${port}`,
			`--listen-address=${LOOPBACK}`, "--bind-interfaces", "--log-queries", "--log-facility=-", "--pid-file=",
		];
		const proc = new PeerProcess("dnsmasq", binary, args, { cwd: dir, logFile: join(dir, "dnsmasq.log") });
		const d = new Dnsmasq(port, dir, proc);
		return d.ready(d.#waitReady(options.startTimeoutMs ?? 10_000));
	}

	/** Queries dnsmasq logged since `mark` (its log length at some earlier point): "SRV _sip._udp.example.test". */
	queries(mark = 0): string[] {
		const out: string[] = [];
		for (const m of this.log.slice(mark).matchAll(/query\[(\w+)\] (\S+) from/g)) out.push(`${m[1]} ${m[2]}`);
		return out;
	}

	async stop(keepFiles = false): Promise<void> {
		if (this.#stopped) return;
		this.#stopped = true;
		await this.peer.stop([{ signal: "SIGTERM", waitMs: 2000 }]);
		this.removeFiles(keepFiles);
	}

	/** Until a query for the root's SOA gets any answer. */
	async #waitReady(timeoutMs: number): Promise<void> {
		const until = performance.now() + timeoutMs;
		for (;;) {
			if (!this.running) throw new Error(`${this.peer.exitedAtStart()}\n${this.log}`);
			if (await probe(this.port, 200)) return;
			if (performance.now() > until) throw new Error(`dnsmasq did not answer on ${LOOPBACK}:${this.port} within ${timeoutMs} ms\n${this.log}`);
			await sleep(50);
		}
	}
}

/** Does something answer a DNS query (". SOA") on 127.0.0.1:port within `ms`? */
function probe(port: number, ms: number): Promise<boolean> {
	return new Promise((resolve) => {
		const s = createSocket("udp4");
		const done = (ok: boolean) => {
			clearTimeout(timer);
			s.close();
			resolve(ok);
		};
		const timer = setTimeout(() => done(false), ms);
		s.on("message", () => done(true));
		s.on("error", () => done(false));
		s.send(Buffer.from([0xbe, 0xef, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 6, 0, 1]), port, LOOPBACK);
	});
}
