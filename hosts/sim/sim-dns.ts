// The simulator's resolver, built once at start: the DNS servers from resolv.conf (or given), a node:dgram socket
// per query, and the host-free client and RFC 3263 locator on the station's timer wheel — DESIGN.md §2, §6a.
// A composition root only: what is asked and what is accepted is decided in src/dns.
import type { Clock, Peer, Random } from "../../src/host.js";
import { DnsClient } from "../../src/dns/dns-client.js";
import { dnsConfig, type DnsConfig } from "../../src/dns/dns-config.js";
import { type LocatorOptions, SipLocator } from "../../src/dns/sip-locator.js";
import type { TimerWheel } from "../../src/transaction/timer-wheel.js";
import { NodeDatagramOpener } from "./dns-sockets.js";
import { readResolvConf, type ResolverConfiguration } from "./resolv-conf.js";

export interface SimDnsOptions {
	readonly clock: Clock;
	readonly wheel: TimerWheel;
	readonly random: Random;
	/** The station's address: query sockets bind to it, mDNS queries leave by it. */
	readonly localAddress?: string;
	/** Servers to ask; default: the nameservers of `resolvConf`. */
	readonly servers?: readonly Peer[];
	/** Where the system's resolver configuration is (default /etc/resolv.conf). */
	readonly resolvConf?: string;
	readonly config?: Partial<DnsConfig>;
	readonly locator?: Partial<Omit<LocatorOptions, "client" | "random">>;
	readonly onRefused?: (reason: string, address: string, port: number) => void;
}

export interface SimDns {
	readonly client: DnsClient;
	readonly locator: SipLocator;
	/** The servers asked, and resolv.conf lines that could not be used (for a warning at start). */
	readonly servers: readonly Peer[];
	readonly ignored: readonly string[];
	/** Close the sockets of lookups still in flight (shutdown). */
	close(): void;
}

/** Build the resolver. resolv.conf's `options timeout:/attempts:` apply unless `config` says otherwise. */
export function createSimDns(options: SimDnsOptions): SimDns {
	const system: ResolverConfiguration = options.servers === undefined ? readResolvConf(options.resolvConf) : { servers: [...options.servers], ignored: [] };
	const fromFile: { timeoutMs?: number; attempts?: number } = {};
	if (system.timeoutMs !== undefined) fromFile.timeoutMs = system.timeoutMs;
	if (system.attempts !== undefined) fromFile.attempts = system.attempts;
	const opener = new NodeDatagramOpener({ localAddress: options.localAddress, multicastInterface: options.localAddress });
	const client = new DnsClient({
		config: dnsConfig({ ...fromFile, ...options.config }), clock: options.clock, wheel: options.wheel, random: options.random,
		opener, servers: system.servers, onRefused: options.onRefused,
	});
	const locator = new SipLocator({ ...options.locator, client, random: options.random });
	return { client, locator, servers: system.servers, ignored: system.ignored, close: () => opener.closeAll() };
}
