// Answering 401 / 407 challenges on any request — RFC 3261 §22.2, §22.3; RFC 7616 (qop=auth, nonce-count,
// cnonce, SHA-256); RFC 8760. One per request chain (a registration, a call, an in-dialog request).
import type { Random } from "../host.js";
import { randomHex } from "../sip/bytes.js";
import { Challenge, chooseChallenge, type DigestClient } from "../sip/digest.js";
import { H_AUTHORIZATION, H_PROXY_AUTHENTICATE, H_PROXY_AUTHORIZATION, H_WWW_AUTHENTICATE } from "../sip/header-ids.js";
import type { MessageView } from "../sip/message-view.js";
import type { Writer } from "../sip/writer.js";

/** What to do with a 401/407 (`Credentials.onChallenge`). */
export const AUTH_RETRY = 1, AUTH_REJECTED = 2, AUTH_UNUSABLE = 3;
/** `stale=true` retries allowed in a row (RFC 7616 §3.3: a stale nonce is not a wrong password). */
const MAX_STALE = 3;

/** Shared by all chains: the digest engine, the account and the randomness. */
export interface Account {
	readonly digest: DigestClient;
	readonly username: Uint8Array;
	readonly password: Uint8Array;
	readonly random: Random;
}

export class Credentials {
	readonly challenge = new Challenge();
	/** A challenge is held: the next request of the chain carries credentials. */
	active = false;
	/** 407 (Proxy-Authorization) rather than 401 (Authorization), §22.3. */
	proxy = false;
	/** The last request sent carried credentials (a new challenge then means they were refused). */
	#sent = false;
	/** ... and they were the first answer to a challenge just received (nc = 1). */
	#sentFresh = false;
	#nc = 0;
	#stale = 0;
	readonly #cnonceBytes = new Uint8Array(8);
	readonly #cnonce = new Uint8Array(16);

	constructor(readonly account: Account) {}

	/** Start a new chain: no credentials until challenged. */
	reset(): void {
		this.active = false;
		this.#sent = false;
		this.#nc = 0;
		this.#stale = 0;
	}

	/**
	 * A 401 or 407 arrived for the chain's last request. AUTH_RETRY: send the request again (new CSeq) with
	 * credentials; AUTH_REJECTED: our credentials were refused (wrong password: report it, do not loop);
	 * AUTH_UNUSABLE: no challenge we can answer (no Digest, unknown algorithm).
	 */
	onChallenge(msg: MessageView): number {
		const proxy = msg.status === 407;
		if (!chooseChallenge(msg, proxy ? H_PROXY_AUTHENTICATE : H_WWW_AUTHENTICATE, this.challenge)) return AUTH_UNUSABLE;
		// §22.2: credentials answering the challenge just received were refused, unless the server says only the nonce
		// was stale (RFC 7616 §3.3). Credentials reused from an earlier challenge (a refresh or a BYE after the
		// INVITE's, nc > 1) may simply meet a server that wants a new nonce: that is a new challenge, not a refusal.
		if (this.#sent && this.#sentFresh) {
			if (!this.challenge.stale || ++this.#stale > MAX_STALE) return AUTH_REJECTED;
		}
		this.active = true;
		this.proxy = proxy;
		this.#nc = 0;
		randomHex(this.account.random, this.#cnonceBytes, this.#cnonce);
		return AUTH_RETRY;
	}

	/** A response other than 401/407 came: the credentials sent (if any) were accepted; a later challenge is a new one. */
	accepted(): void {
		this.#sent = false;
		this.#stale = 0;
	}

	/** Write the Authorization / Proxy-Authorization line for the request being built (nothing if not challenged). */
	write(w: Writer, method: Uint8Array, uri: Uint8Array, uriStart: number, uriEnd: number): void {
		this.#sent = this.active;
		this.#sentFresh = this.#nc === 0;
		if (!this.active) return;
		const a = this.account;
		a.digest.writeCredentials(w, this.proxy ? H_PROXY_AUTHORIZATION : H_AUTHORIZATION, this.challenge, a.username, a.password,
			method, uri, uriStart, uriEnd, ++this.#nc, this.#cnonce);
	}
}
