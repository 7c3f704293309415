// Where a request goes: the host and port of a SIP URI (a Route's or the remote target's) — RFC 3261 §8.1.2,
// §12.2.1.1, RFC 3263 §4 (numeric hosts only: the station resolves no names; a PBX is configured by address).
import { ascii, Span, spansEqual, text } from "../sip/bytes.js";
import { findUriParam, HOST_IPV4, HOST_IPV6, parseUri, UriView } from "../sip/uri.js";
import { TCP, UDP } from "../transaction/transaction-table.js";

const TRANSPORT = ascii("transport"), TCP_NAME = ascii("tcp"), LR = ascii("lr");
const MAX_HOST = 64;

/** One destination: address, port, transport. The address string is made again only when the host changes. */
export class NextHop {
	address = "";
	port = 5060;
	transport = UDP;
	/** The URI had `;lr` (a loose router, RFC 3261 §16.12.1.1 / §19.1.1). */
	looseRouter = false;
	readonly #host = new Uint8Array(MAX_HOST);
	#hostLength = 0;
	readonly #uri = new UriView();
	readonly #param = new Span();

	/** Take the destination from the SIP URI buf[s, e); false when it has no numeric host (no DNS here). */
	fromUri(buf: Uint8Array, s: number, e: number): boolean {
		const uri = this.#uri;
		if (!parseUri(buf, s, e, uri) || !uri.isSip) return false;
		if (uri.hostKind !== HOST_IPV4 && uri.hostKind !== HOST_IPV6) return false;
		let hs = uri.hostStart, he = uri.hostEnd;
		if (uri.hostKind === HOST_IPV6) {
			hs++; // the brackets are URI syntax, not part of the address (RFC 5118 §4.1)
			he--;
		}
		if (he - hs > MAX_HOST) return false;
		if (!spansEqual(this.#host, 0, this.#hostLength, buf, hs, he)) {
			for (let i = hs; i < he; i++) this.#host[i - hs] = buf[i];
			this.#hostLength = he - hs;
			this.address = text(buf, hs, he);
		}
		this.port = uri.port > 0 ? uri.port : 5060;
		const p = this.#param;
		this.transport = findUriParam(uri, TRANSPORT, p) && spansEqualLower(buf, p.start, p.end, TCP_NAME) ? TCP : UDP;
		this.looseRouter = findUriParam(uri, LR, p);
		return true;
	}

	set(address: string, port: number, transport: number): void {
		if (address !== this.address) {
			this.address = address;
			this.#hostLength = 0;
			for (let i = 0; i < address.length && i < MAX_HOST; i++) this.#host[this.#hostLength++] = address.charCodeAt(i);
		}
		this.port = port;
		this.transport = transport;
		this.looseRouter = true;
	}

	copyFrom(other: NextHop): void {
		this.set(other.address, other.port, other.transport);
		this.looseRouter = other.looseRouter;
	}
}

function spansEqualLower(buf: Uint8Array, s: number, e: number, lower: Uint8Array): boolean {
	if (e - s !== lower.length) return false;
	for (let i = 0; i < lower.length; i++) if ((buf[s + i] | 0x20) !== lower[i]) return false;
	return true;
}
