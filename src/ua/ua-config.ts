// What the user agent is configured with — RFC 3261 §10 (registration), §8.1.2 (outbound proxy), RFC 4028.
// The intercom's JSON schema (src/intercom/config.ts) fills this; defaults are what a door station needs.
import { UDP } from "../transaction/transaction-table.js";

/** A server by address (the station resolves no names: DESIGN.md §1, installers give the PBX's address). */
export interface ServerAddress {
	readonly address: string;
	readonly port: number;
	/** UDP or TCP (transaction-table.ts constants). */
	readonly transport: number;
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

export function server(address: string, port = 5060, transport = UDP): ServerAddress {
	return Object.freeze({ address, port, transport });
}
