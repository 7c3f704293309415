// How installers write the servers the station reaches — RFC 3261 §19.1.1 (hostport), §26.2.2 (sips), RFC 3263 §4
// (a name, perhaps a port and a transport, located when a request goes there): the registrar and the proxy as
// `[sip:|sips:]host[:port][;transport=udp|tcp|tls]`, a DNS server as `IP[:port]`. Configuration time only.
import type { Peer } from "../host.js";
import { TCP, TLS, UDP } from "../transaction/transaction-table.js";
import { server, type ServerAddress } from "../ua/ua-config.js";
import { parseAddress } from "./config-reader.js";

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const HOST_NAME = /^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.?$/;
const TRANSPORTS: Readonly<Record<string, number>> = Object.freeze({ udp: UDP, tcp: TCP, tls: TLS });

/**
 * `[sip:|sips:]host[:port][;transport=udp|tcp|tls]`: a host name, an IPv4 address or a bracketed IPv6 one (RFC 3261
 * §19.1.1 hostport). Without a port or a transport, RFC 3263 decides (NAPTR, SRV); `sips:` means TLS (§26.2.2).
 */
export function parseServerAddress(text: string): ServerAddress | null {
	const m = /^(?:(sips?):)?(\[[0-9a-fA-F:.]+\]|[^:;\[\]]+)(?::(\d{1,5}))?(?:;transport=(udp|tcp|tls))?$/i.exec(text);
	if (m === null) return null;
	const secure = m[1]?.toLowerCase() === "sips", host = m[2];
	if (IPV4.test(host) ? host.split(".").some((o) => Number(o) > 255) : !host.startsWith("[") && (!HOST_NAME.test(host) || /^[\d.]+$/.test(host))) return null;
	const port = m[3] === undefined ? 0 : Number(m[3]);
	if (m[3] !== undefined && (port < 1 || port > 65535)) return null;
	let transport = m[4] === undefined ? 0 : TRANSPORTS[m[4].toLowerCase()];
	if (secure && transport === UDP) return null; // §26.2.2: SIPS is never sent over UDP
	if (secure && transport === TCP) transport = TLS; // RFC 5630 §3.1.3: TLS over TCP
	return server(host, port, transport, secure);
}

/** The allowed form of a server, for error messages. */
export const SERVER_FORM = "a host name or IP address with an optional :port and ;transport=udp|tcp|tls, or sips:host[:port] (e.g. pbx.example.com, 192.168.1.10:5060;transport=tcp)";

/** `IP[:port]`: a DNS server (port 53 by default). */
export function parseDnsServer(text: string): Peer | null {
	return parseAddress(text, 53);
}

export const DNS_SERVER_FORM = "an IP address with an optional :port (e.g. 192.168.1.1, 127.0.0.1:5353)";
