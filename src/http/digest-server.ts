// HTTP Digest authentication, server side — RFC 7616 §3.3 (challenge), §3.4 (response, §3.4.6 uri check), §3.5
// (nonce count), §5.4-§5.5 (replay). SHA-256 is offered before MD5 (§3.7: in order of preference), qop "auth" only.
// Nonces are random, live `nonceSeconds`, and sit in a fixed table with the highest nonce count each has been used
// with: a count not above it is a replay. The request-digest is the client's formula (src/sip/digest.ts).
import type { Clock, Random } from "../host.js";
import { AuthParams } from "../sip/auth-params.js";
import { ascii, equalsBytes, equalsIgnoreCase, randomHex, utf8 } from "../sip/bytes.js";
import { hexValue } from "../sip/chars.js";
import { ALG_MD5, algorithmOf, Challenge, DigestClient } from "../sip/digest.js";
import type { Writer } from "../sip/writer.js";

/** What `check` found. */
export const AUTH_OK = 0, AUTH_MISSING = 1, AUTH_STALE = 2, AUTH_REFUSED = 3;

export interface DigestServerOptions {
	readonly realm: string;
	readonly user: string;
	readonly password: string;
	readonly random: Random;
	readonly clock: Clock;
	readonly nonceSeconds: number;
	/** Nonces remembered at once (default 16): the oldest is forgotten for a new one (its user then gets `stale`). */
	readonly nonces?: number;
}

const NONCE_BYTES = 16, NONCE_HEX = 2 * NONCE_BYTES;
const USERNAME = ascii("username"), REALM = ascii("realm"), NONCE = ascii("nonce"), URI = ascii("uri"), RESPONSE = ascii("response"),
	ALGORITHM = ascii("algorithm"), QOP = ascii("qop"), NC = ascii("nc"), CNONCE = ascii("cnonce"), USERHASH = ascii("userhash"),
	AUTH = ascii("auth"), TRUE = ascii("true"), GET = ascii("GET");
const W_START = ascii("WWW-Authenticate: Digest realm=\""), W_QOP = ascii("\", qop=\"auth\", algorithm="), W_NONCE = ascii(", nonce=\""),
	W_STALE = ascii("\", stale=true\r\n"), W_END = ascii("\"\r\n"), W_SHA256 = ascii("SHA-256"), W_MD5 = ascii("MD5");

/**
 * Checks Authorization values and writes challenges. Made once; `check` and `writeChallenges` allocate nothing (values
 * are copied into fixed scratch buffers; a value longer than its buffer refuses the credentials).
 */
export class DigestServer {
	/** Why the last `check` refused (for the log; never the password or the response). */
	reason = "";
	readonly #o: DigestServerOptions;
	readonly #realm: Uint8Array;
	readonly #user: Uint8Array;
	readonly #password: Uint8Array;
	readonly #digest = new DigestClient();
	readonly #ch = new Challenge();
	readonly #params = new AuthParams();
	readonly #nonces: Uint8Array;
	readonly #issued: Float64Array;
	readonly #lastNc: Float64Array;
	readonly #lifetimeMs: number;
	readonly #randomBytes = new Uint8Array(NONCE_BYTES);
	readonly #fresh = new Uint8Array(NONCE_HEX);
	readonly #username = new Uint8Array(128);
	readonly #cnonce = new Uint8Array(128);
	readonly #scratch = new Uint8Array(128);
	readonly #response = new Uint8Array(64);
	readonly #expected = new Uint8Array(64);

	constructor(options: DigestServerOptions) {
		this.#o = options;
		this.#realm = utf8(options.realm);
		this.#user = utf8(options.user);
		this.#password = utf8(options.password);
		const n = Math.max(1, options.nonces ?? 16);
		this.#nonces = new Uint8Array(n * NONCE_HEX);
		this.#issued = new Float64Array(n).fill(-Infinity);
		this.#lastNc = new Float64Array(n);
		this.#lifetimeMs = options.nonceSeconds * 1000;
		this.#ch.realm.set(this.#realm);
		this.#ch.realmLength = this.#realm.length;
		this.#ch.qopAuth = true;
	}

	/**
	 * Check the Authorization value buf[start, end) (start < 0: there was none) of a GET for the request-target
	 * target[targetStart, targetEnd). AUTH_OK, AUTH_MISSING, AUTH_STALE (right password, nonce unknown or expired:
	 * RFC 7616 §3.3 `stale=true`), or AUTH_REFUSED with `reason`.
	 */
	check(buf: Uint8Array, start: number, end: number, target: Uint8Array, targetStart: number, targetEnd: number): number {
		if (start < 0) return this.#refuse(AUTH_MISSING, "no credentials");
		const p = this.#params, ch = this.#ch;
		if (!p.begin(buf, start, end)) return this.#refuse(AUTH_REFUSED, "not Digest credentials");
		let usernameLength = -1, realmOk = false, nonceLength = -1, uriOk = false, responseLength = -1, algorithm = ALG_MD5,
			qopOk = false, nc = -1, cnonceLength = -1;
		for (let r = p.next(); r !== 0; r = p.next()) {
			if (r < 0) return this.#refuse(AUTH_REFUSED, "malformed credentials");
			const vs = p.valueStart, ve = p.valueEnd;
			if (p.nameIs(USERNAME)) usernameLength = p.copyValue(this.#username);
			else if (p.nameIs(REALM)) realmOk = p.copyValue(this.#scratch) === this.#realm.length && equalsBytes(this.#scratch, 0, this.#realm.length, this.#realm);
			else if (p.nameIs(NONCE)) nonceLength = p.copyValue(ch.nonce);
			else if (p.nameIs(URI)) uriOk = !p.quoted || sameEscaped(buf, vs, ve, target, targetStart, targetEnd);
			else if (p.nameIs(RESPONSE)) responseLength = p.copyValue(this.#response);
			else if (p.nameIs(ALGORITHM)) algorithm = algorithmOf(buf, vs, ve);
			else if (p.nameIs(QOP)) qopOk = equalsIgnoreCase(buf, vs, ve, AUTH);
			else if (p.nameIs(NC)) nc = ncValue(buf, vs, ve);
			else if (p.nameIs(CNONCE)) cnonceLength = p.copyValue(this.#cnonce);
			else if (p.nameIs(USERHASH) && equalsIgnoreCase(buf, vs, ve, TRUE)) return this.#refuse(AUTH_REFUSED, "userhash is not supported (RFC 7616 §3.4.4)");
		}
		if (usernameLength < 0 || nonceLength < 0 || responseLength < 0 || cnonceLength < 0 || nc < 0) return this.#refuse(AUTH_REFUSED, "incomplete credentials (qop=auth needs nonce, nc, cnonce, response)");
		if (!qopOk) return this.#refuse(AUTH_REFUSED, "qop is not auth (RFC 7616 §3.4)");
		if (algorithm < 0) return this.#refuse(AUTH_REFUSED, "an algorithm other than MD5, SHA-256 and their -sess forms");
		if (!realmOk) return this.#refuse(AUTH_REFUSED, "wrong realm");
		if (!uriOk) return this.#refuse(AUTH_REFUSED, "uri is not the request-target (RFC 7616 §3.4.6)");
		if (usernameLength !== this.#user.length || !equalsBytes(this.#username, 0, usernameLength, this.#user)) return this.#refuse(AUTH_REFUSED, "unknown user");
		ch.nonceLength = nonceLength;
		ch.algorithm = algorithm;
		const n = this.#digest.response(ch, this.#user, this.#password, GET, target, targetStart, targetEnd, nc, this.#cnonce, this.#expected, 0, cnonceLength);
		if (!sameSecret(this.#expected, n, this.#response, responseLength)) return this.#refuse(AUTH_REFUSED, "wrong password");
		// The password is right: is the nonce ours, alive, and this count new?
		const slot = this.#find(ch.nonce, nonceLength);
		if (slot < 0 || this.#o.clock.now() - this.#issued[slot] > this.#lifetimeMs) return this.#refuse(AUTH_STALE, "nonce unknown or expired");
		if (nc <= this.#lastNc[slot]) return this.#refuse(AUTH_REFUSED, "nonce count not above the last one: a replay (RFC 7616 §5.5)");
		this.#lastNc[slot] = nc;
		this.reason = "";
		return AUTH_OK;
	}

	/** Two WWW-Authenticate lines, SHA-256 then MD5, sharing one new nonce (RFC 7616 §3.7); `stale=true` after AUTH_STALE. */
	writeChallenges(w: Writer, stale: boolean): void {
		const nonce = this.#issue();
		for (let a = 0; a < 2; a++) {
			w.bytes(W_START).bytes(this.#realm).bytes(W_QOP).bytes(a === 0 ? W_SHA256 : W_MD5).bytes(W_NONCE).bytes(nonce);
			w.bytes(stale ? W_STALE : W_END);
		}
	}

	/** A new nonce in the oldest slot. */
	#issue(): Uint8Array {
		let oldest = 0;
		for (let i = 1; i < this.#issued.length; i++) if (this.#issued[i] < this.#issued[oldest]) oldest = i;
		const out = this.#fresh;
		randomHex(this.#o.random, this.#randomBytes, out);
		this.#nonces.set(out, oldest * NONCE_HEX);
		this.#issued[oldest] = this.#o.clock.now();
		this.#lastNc[oldest] = 0;
		return out;
	}

	#find(nonce: Uint8Array, length: number): number {
		if (length !== NONCE_HEX) return -1;
		for (let s = 0; s < this.#issued.length; s++) {
			const base = s * NONCE_HEX;
			let same = true;
			for (let i = 0; i < NONCE_HEX && same; i++) same = this.#nonces[base + i] === nonce[i];
			if (same && this.#issued[s] !== -Infinity) return s;
		}
		return -1;
	}

	#refuse(result: number, reason: string): number {
		this.reason = reason;
		return result;
	}
}

/** nc-value = 8LHEX (RFC 7616 §3.4): the count, or -1. */
function ncValue(buf: Uint8Array, start: number, end: number): number {
	if (end - start !== 8) return -1;
	let n = 0;
	for (let i = start; i < end; i++) {
		const v = hexValue(buf[i]);
		if (v < 0) return -1;
		n = n * 16 + v;
	}
	return n;
}

/** Is the quoted value buf[start, end) (quoted-pairs unescaped) the same bytes as t[ts, te)? */
function sameEscaped(buf: Uint8Array, start: number, end: number, t: Uint8Array, ts: number, te: number): boolean {
	let j = ts;
	for (let i = start; i < end; i++, j++) {
		if (buf[i] === 0x5c) i++;
		if (j >= te || buf[i] !== t[j]) return false;
	}
	return j === te;
}

/** Compare a computed hex digest with the one sent in time independent of where they differ. */
function sameSecret(a: Uint8Array, aLength: number, b: Uint8Array, bLength: number): boolean {
	let diff = aLength ^ bLength;
	for (let i = 0; i < aLength; i++) diff |= a[i] ^ (i < bLength ? b[i] | 0x20 : 0); // hex compared lower-case
	return diff === 0;
}
