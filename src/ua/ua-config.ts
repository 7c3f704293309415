// What the user agent is configured with — RFC 3261 §10 (registration), §8.1.2 (outbound proxy), RFC 4028.
// The intercom's JSON schema (src/intercom/config.ts) fills this; defaults are what a door station needs.
import { TLS } from "../transaction/transaction-table.js";

/**
 * A server as the installer names it: a host name or an address, perhaps a port and a transport, located by RFC 3263
 * (NAPTR, SRV, A/AAAA) when a request goes there.
 */
export interface ServerAddress {
	/** The server as a SIP or SIPS URI, which the locator takes ("sip:pbx.example.com;transport=tcp", "sips:192.0.2.1:5061"). */
	readonly uri: string;
	/** The host as a URI holds it: a name, an IPv4 address, a bracketed IPv6 reference. */
	readonly host: string;
	/** 0 when none was given (RFC 3263 §4.2: SRV decides, else 5060, or 5061 for TLS). */
	readonly port: number;
	/** 0 when none was given (§4.1: NAPTR decides), else UDP, TCP or TLS (transaction-table.ts constants). */
	readonly transport: number;
	/** A SIPS URI: TLS on every hop (RFC 3261 §26.2.2). */
	readonly secure: boolean;
}

export interface UaConfig {
	/** The AOR is sip:<user>@<domain> (§10.2: To and From of REGISTER). */
	readonly user: string;
	readonly domain: string;
	readonly displayName: string;
	/** Digest username (RFC 7616 §3.4) and password; the username defaults to `user`. */
	readonly authUser: string;
	readonly password: string;
	/** Where REGISTER goes; null: no registration (calls by IP, peer to peer). */
	readonly registrar: ServerAddress | null;
	/** Where requests outside a dialog go (§8.1.2); null: straight to the Request-URI's host. */
	readonly outboundProxy: ServerAddress | null;
	/** Requested registration lifetime (s, §10.2.1.1). */
	readonly registerExpires: number;
	/** Back-off after a failed registration: from `retryMin` s doubling to `retryMax` s, with jitter. */
	readonly registerRetryMin: number;
	readonly registerRetryMax: number;
	/** RFC 4028: Session-Expires we ask for (s, 0 = no session timer) and the smallest we accept (Min-SE ≥ 90). */
	readonly sessionExpires: number;
	readonly minSE: number;
	/** Calls at once (dialog slots). */
	readonly maxCalls: number;
	/** Local RTP port of call slot 0; slot i uses rtpPort + 2·i (RTCP one above, RFC 3550 §11). */
	readonly rtpPort: number;
	/** 3xx responses followed for one call (§8.1.3.4). */
	readonly maxRedirects: number;
	/** User-Agent / Server header value. */
	readonly userAgent: string;
}

export function uaConfig(changes: Partial<UaConfig> & Pick<UaConfig, "user" | "domain">): UaConfig {
	return Object.freeze({
		displayName: "",
		authUser: changes.user,
		password: "",
		registrar: null,
		outboundProxy: null,
		registerExpires: 600,
		registerRetryMin: 30,
		registerRetryMax: 600,
		sessionExpires: 1800,
		minSE: 90,
		maxCalls: 2,
		rtpPort: 16400,
		maxRedirects: 3,
		userAgent: "sip-intercom/0.1",
		...changes,
	});
}

const TRANSPORT_NAMES = Object.freeze(["", "udp", "tcp", "tls"]);

/** A server from its parts (`host` as a URI holds it; port and transport 0: not given). */
export function server(host: string, port = 0, transport = 0, secure = false): ServerAddress {
	const uri = `${secure ? "sips" : "sip"}:${host}${port > 0 ? `:${port}` : ""}${transport > 0 && !(secure && transport === TLS) ? `;transport=${TRANSPORT_NAMES[transport]}` : ""}`;
	return Object.freeze({ uri, host, port, transport, secure });
}

/** How an installer writes it: `host[:port][;transport=...]`, or the SIPS URI (`sips:host[:port]`). */
export function serverText(s: ServerAddress): string {
	return s.secure ? s.uri : s.uri.slice(4);
}
