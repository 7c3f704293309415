// The simulator's DNS servers: the system resolver configuration, resolv.conf(5) — `nameserver` lines (at most
// three are used, MAXNS) and `options timeout:n attempts:n`. The ESP32 host gets its servers from DHCP instead.
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import type { Peer } from "../../src/host.js";

export interface ResolverConfiguration {
	/** The servers, in the file's order, on port 53. */
	readonly servers: Peer[];
	/** `options timeout:n` in ms, when given. */
	readonly timeoutMs?: number;
	/** `options attempts:n`, when given. */
	readonly attempts?: number;
	/** Lines that were not understood (`nameserver` with no IP address ...), with their number: for a warning. */
	readonly ignored: string[];
}

/** resolv.conf's MAXNS. */
const MAX_SERVERS = 3;
const DNS_PORT = 53;

/** Read resolv.conf text. Unknown keywords (search, domain, sortlist ...) are not errors: glibc ignores them too. */
export function parseResolvConf(text: string): ResolverConfiguration {
	const servers: Peer[] = [], ignored: string[] = [];
	let timeoutMs: number | undefined, attempts: number | undefined;
	const lines = text.split(/\r?\n/);
	for (let n = 0; n < lines.length; n++) {
		const line = lines[n].replace(/[#;].*$/, "").trim();
		if (line === "") continue;
		const [keyword, ...args] = line.split(/\s+/);
		if (keyword === "nameserver") {
			// An IPv6 server may carry a zone ("fe80::1%eth0"): the socket wants the address as the host gave it.
			const address = args[0] ?? "";
			if (args.length !== 1 || isIP(address.replace(/%.*$/, "")) === 0) ignored.push(`line ${n + 1}: ${lines[n].trim()}`);
			else if (servers.length < MAX_SERVERS) servers.push({ address, port: DNS_PORT });
		} else if (keyword === "options") {
			for (const option of args) {
				const m = /^(timeout|attempts):(\d+)$/.exec(option);
				if (m === null) continue;
				const v = Number(m[2]);
				if (m[1] === "timeout" && v >= 1) timeoutMs = Math.min(v, 30) * 1000; // glibc caps timeout at 30 s
				if (m[1] === "attempts" && v >= 1) attempts = Math.min(v, 5); // and attempts at 5
			}
		}
	}
	return { servers, timeoutMs, attempts, ignored };
}

/** Read the resolver configuration file (default /etc/resolv.conf); a missing file gives no servers. */
export function readResolvConf(path = "/etc/resolv.conf"): ResolverConfiguration {
	let text: string;
	try {
		text = readFileSync(path, "utf8");
	} catch {
		return { servers: [], ignored: [] };
	}
	return parseResolvConf(text);
}
