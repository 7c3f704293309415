// Digest authentication, client side: read a challenge, answer it — RFC 3261 §22.2-§22.4, RFC 2617 §3, RFC 7616 §3,
// RFC 8760 §2. Challenges are copied into fixed per-field storage; hashing and writing allocate nothing.
import type { MessageView } from "./message-view.js";
import type { Writer } from "./writer.js";
import { AuthParams } from "./auth-params.js";
import { ascii, equalsIgnoreCase, hex32Into, skipLws, trimLwsEnd } from "./bytes.js";
import { BACKSLASH, COMMA, DQUOTE } from "./chars.js";
import { Md5 } from "./md5.js";
import { Sha256 } from "./sha256.js";

/** RFC 7616 §3.3 `algorithm` values the station answers (odd = the "-sess" variant of the one below it). */
export const ALG_MD5 = 0, ALG_MD5_SESS = 1, ALG_SHA256 = 2, ALG_SHA256_SESS = 3;

/** Bytes kept per challenge field (realm, nonce, opaque); a longer one makes the challenge unusable, not truncated. */
export const CHALLENGE_FIELD_CAPACITY = 128;

/** What an MD5 or SHA-256 instance offers (md5.ts, sha256.ts). */
interface HexHash {
	readonly hexLength: number;
	update(buf: Uint8Array, start: number, end: number): unknown;
	finishHex(out: Uint8Array, outStart: number): number;
	reset(): unknown;
}

const REALM = ascii("realm"), NONCE = ascii("nonce"), OPAQUE = ascii("opaque"),
	ALGORITHM = ascii("algorithm"), QOP = ascii("qop"), STALE = ascii("stale"), AUTH = ascii("auth"), TRUE = ascii("true");
/** Lower-case algorithm names, indexed by ALG_*, for case-insensitive matching (ABNF strings, RFC 5234 §2.3). */
const ALGORITHM_LOWER: readonly Uint8Array[] = [ascii("md5"), ascii("md5-sess"), ascii("sha-256"), ascii("sha-256-sess")];
/** Canonical spellings, indexed by ALG_*, for writing (RFC 7616 §6.1 registry). */
const ALGORITHM_NAMES: readonly Uint8Array[] = [ascii("MD5"), ascii("MD5-sess"), ascii("SHA-256"), ascii("SHA-256-sess")];

const SCHEME = ascii("Digest username=\""), P_REALM = ascii("\", realm=\""), P_NONCE = ascii("\", nonce=\""),
	P_URI = ascii("\", uri=\""), P_RESPONSE = ascii("\", response=\""), P_ALGORITHM = ascii("\", algorithm="),
	P_CNONCE = ascii(", cnonce=\""), P_OPAQUE = ascii(", opaque=\""), P_QOP = ascii(", qop=auth, nc="),
	QUOTE_END = ascii("\"");
const COLON_BYTE = ascii(":");

/** A Digest challenge as received (RFC 7616 §3.3): values stored unquoted and unescaped (`unq()` of §3.4). */
export class Challenge {
	readonly realm = new Uint8Array(CHALLENGE_FIELD_CAPACITY);
	realmLength = 0;
	readonly nonce = new Uint8Array(CHALLENGE_FIELD_CAPACITY);
	nonceLength = 0;
	readonly opaque = new Uint8Array(CHALLENGE_FIELD_CAPACITY);
	/** -1 when the challenge had no opaque (then the answer carries none, RFC 7616 §3.4). */
	opaqueLength = -1;
	/** One of ALG_*; MD5 when the challenge names none (RFC 7616 §3.3). */
	algorithm = ALG_MD5;
	/** The challenge named its algorithm: the answer names it back, else says nothing of it (RFC 7616 §3.4; some
	 * embedded servers refuse an `algorithm=MD5` they did not send). */
	algorithmNamed = false;
	/** The server offered qop "auth": the answer then carries qop, nc and cnonce (RFC 7616 §3.4.1). */
	qopAuth = false;
	/** The previous answer failed only because its nonce had expired: retry without asking the user (RFC 7616 §3.3). */
	stale = false;

	clear(): void {
		this.realmLength = this.nonceLength = 0;
		this.opaqueLength = -1;
		this.algorithm = ALG_MD5;
		this.algorithmNamed = this.qopAuth = this.stale = false;
	}

	copyFrom(other: Challenge): this {
		this.realm.set(other.realm);
		this.nonce.set(other.nonce);
		this.opaque.set(other.opaque);
		this.realmLength = other.realmLength;
		this.nonceLength = other.nonceLength;
		this.opaqueLength = other.opaqueLength;
		this.algorithm = other.algorithm;
		this.algorithmNamed = other.algorithmNamed;
		this.qopAuth = other.qopAuth;
		this.stale = other.stale;
		return this;
	}

	/** Same nonce as `other`? The nonce count restarts at 1 with each new nonce (RFC 7616 §3.4). */
	sameNonce(other: Challenge): boolean {
		if (this.nonceLength !== other.nonceLength) return false;
		for (let i = 0; i < this.nonceLength; i++) if (this.nonce[i] !== other.nonce[i]) return false;
		return true;
	}
}

/** Does the qop-options value buf[start, end) list "auth" (RFC 7616 §3.3: one or more tokens, comma-separated)? */
function listsAuth(buf: Uint8Array, start: number, end: number): boolean {
	let i = start;
	while (i < end) {
		let j = i;
		while (j < end && buf[j] !== COMMA) j++;
		const s = skipLws(buf, i, j);
		if (equalsIgnoreCase(buf, s, trimLwsEnd(buf, s, j), AUTH)) return true;
		i = j + 1;
	}
	return false;
}

const params = new AuthParams();

/**
 * Parse one WWW-Authenticate / Proxy-Authenticate value (RFC 3261 §25.1 `challenge`, RFC 7616 §3.3) into `out`.
 * The scanner does not split these headers at commas (header-ids.ts IS_LIST), so the value is the whole challenge.
 * False — `out` then unusable — for another scheme, a syntax error, a field over CHALLENGE_FIELD_CAPACITY, no realm
 * or no nonce, an algorithm the station does not implement (SHA-512-256 ...: the caller may pick another challenge),
 * a qop list without "auth" (auth-int needs the body hashed), or a "-sess" algorithm without qop (its cnonce is only
 * sent with qop, RFC 2617 §3.2.2). Unknown parameters are ignored (RFC 7616 §3.3); never throws.
 */
export function parseChallenge(buf: Uint8Array, start: number, end: number, out: Challenge): boolean {
	out.clear();
	const p = params;
	if (!p.begin(buf, start, end)) return false;
	let haveRealm = false, haveNonce = false, qopOffered = false;
	for (let r = p.next(); r !== 0; r = p.next()) {
		if (r < 0) return false;
		if (p.nameIs(REALM)) {
			const n = p.copyValue(out.realm);
			if (n < 0) return false;
			out.realmLength = n;
			haveRealm = true;
		} else if (p.nameIs(NONCE)) {
			const n = p.copyValue(out.nonce);
			if (n < 0) return false;
			out.nonceLength = n;
			haveNonce = true;
		} else if (p.nameIs(OPAQUE)) {
			const n = p.copyValue(out.opaque);
			if (n < 0) return false;
			out.opaqueLength = n;
		} else if (p.nameIs(ALGORITHM)) {
			const alg = algorithmOf(buf, p.valueStart, p.valueEnd);
			if (alg < 0) return false;
			out.algorithm = alg;
			out.algorithmNamed = true;
		} else if (p.nameIs(QOP)) {
			qopOffered = true;
			out.qopAuth = listsAuth(buf, p.valueStart, p.valueEnd);
		} else if (p.nameIs(STALE)) {
			out.stale = equalsIgnoreCase(buf, p.valueStart, p.valueEnd, TRUE); // case-insensitive (RFC 7616 §3.3)
		}
	}
	if (!haveRealm || !haveNonce) return false;
	// RFC 2617 §3.2.2: qop MUST be one of the server's alternatives, so an offer without "auth" cannot be answered.
	if (qopOffered && !out.qopAuth) return false;
	if ((out.algorithm & 1) !== 0 && !out.qopAuth) return false;
	return true;
}

/** The ALG_* an algorithm name buf[start, end) names (case-insensitive, RFC 5234 §2.3), or -1 for one not implemented. */
export function algorithmOf(buf: Uint8Array, start: number, end: number): number {
	for (let a = 0; a < ALGORITHM_LOWER.length; a++) if (equalsIgnoreCase(buf, start, end, ALGORITHM_LOWER[a])) return a;
	return -1;
}

/**
 * The challenge being read, made on first use: on the ESP32 a module's top level runs at build time (Moddable's
 * preload) and its objects live in flash, where the bytes of a typed array cannot be written.
 */
let candidate: Challenge | null = null;
const STRONGEST = 2;

/** SHA-256 above MD5; the "-sess" form ranks with its base algorithm. */
function strength(algorithm: number): number {
	return algorithm >= ALG_SHA256 ? STRONGEST : 1;
}

/**
 * Choose among the challenges of header `headerId` (H_WWW_AUTHENTICATE or H_PROXY_AUTHENTICATE) of a 401/407: the
 * strongest one that parses, the topmost among equals; false when none does. RFC 8760 §2.4 has the UAC use the topmost
 * field it supports "unless a local policy dictates otherwise"; ranking by strength is that policy, because a challenge
 * is not integrity-protected and an on-path attacker could reorder fields to put MD5 on top (RFC 8760 §3).
 */
export function chooseChallenge(msg: MessageView, headerId: number, out: Challenge): boolean {
	let best = 0;
	for (let e = msg.find(headerId); e >= 0; e = msg.nextOf(e)) {
		candidate ??= new Challenge();
		if (!parseChallenge(msg.buf, msg.valueStart(e), msg.valueEnd(e), candidate)) continue;
		const rank = strength(candidate.algorithm);
		if (rank > best) {
			out.copyFrom(candidate);
			best = rank;
			if (rank === STRONGEST) break; // nothing below can beat it: the topmost wins among equals
		}
	}
	return best > 0;
}

/**
 * Computes Digest responses and writes Authorization / Proxy-Authorization fields. Constructed once: owns the hash
 * instances and the scratch buffers, so answering a challenge allocates nothing.
 */
export class DigestClient {
	readonly #md5 = new Md5();
	readonly #sha256 = new Sha256();
	readonly #ha1 = new Uint8Array(64);
	readonly #ha2 = new Uint8Array(64);
	readonly #nc = new Uint8Array(8);
	readonly #response = new Uint8Array(64);

	/**
	 * The request-digest (RFC 7616 §3.4.1) as lower-case hex at out[outStart..]; returns the index after it (32 hex
	 * digits for MD5, 64 for SHA-256). With qop=auth: H(HA1:nonce:nc:cnonce:auth:HA2); without (RFC 2069 form, kept by
	 * RFC 3261 §22.4 for old servers): H(HA1:nonce:HA2). HA1 = H(user:realm:pass), for "-sess" H(that:nonce:cnonce)
	 * (§3.4.2); HA2 = H(method:uri) (§3.4.3). `nc` is the nonce count (1 for the first request with this nonce);
	 * `nc` and `cnonce` (its first `cnonceLength` bytes) are unused without qop. `out` needs 64 bytes from outStart.
	 * The server side (src/http/digest-server.ts) computes the same value to check an answer.
	 */
	response(ch: Challenge, username: Uint8Array, password: Uint8Array, method: Uint8Array, uri: Uint8Array,
		uriStart: number, uriEnd: number, nc: number, cnonce: Uint8Array, out: Uint8Array, outStart: number,
		cnonceLength = cnonce.length): number {
		const h: HexHash = ch.algorithm >= ALG_SHA256 ? this.#sha256 : this.#md5;
		const ha1 = this.#ha1, ha2 = this.#ha2, colon = COLON_BYTE;
		h.reset();
		h.update(username, 0, username.length);
		h.update(colon, 0, 1);
		h.update(ch.realm, 0, ch.realmLength);
		h.update(colon, 0, 1);
		h.update(password, 0, password.length);
		const n = h.hexLength;
		h.finishHex(ha1, 0);
		if ((ch.algorithm & 1) !== 0) {
			h.update(ha1, 0, n); // finishHex reset h; update consumes ha1 before finishHex overwrites it
			h.update(colon, 0, 1);
			h.update(ch.nonce, 0, ch.nonceLength);
			h.update(colon, 0, 1);
			h.update(cnonce, 0, cnonceLength);
			h.finishHex(ha1, 0);
		}
		h.update(method, 0, method.length);
		h.update(colon, 0, 1);
		h.update(uri, uriStart, uriEnd);
		h.finishHex(ha2, 0);

		h.update(ha1, 0, n);
		h.update(colon, 0, 1);
		h.update(ch.nonce, 0, ch.nonceLength);
		h.update(colon, 0, 1);
		if (ch.qopAuth) {
			h.update(this.#ncHex(nc), 0, 8);
			h.update(colon, 0, 1);
			h.update(cnonce, 0, cnonceLength);
			h.update(colon, 0, 1);
			h.update(AUTH, 0, AUTH.length);
			h.update(colon, 0, 1);
		}
		h.update(ha2, 0, n);
		return h.finishHex(out, outStart);
	}

	/**
	 * The whole credentials field, `Authorization: Digest username="…", realm="…", nonce="…", uri="…",
	 * response="…", algorithm=…[, cnonce="…"][, opaque="…"][, qop=auth, nc=…]` CRLF (RFC 3261 §22.2, §22.3;
	 * RFC 7616 §3.4: algorithm, qop and nc unquoted). `headerId` is H_AUTHORIZATION or H_PROXY_AUTHORIZATION. realm,
	 * nonce and opaque are echoed from the challenge; cnonce, qop and nc only when it offered qop=auth.
	 */
	writeCredentials(w: Writer, headerId: number, ch: Challenge, username: Uint8Array, password: Uint8Array,
		method: Uint8Array, uri: Uint8Array, uriStart: number, uriEnd: number, nc: number, cnonce: Uint8Array): void {
		const response = this.#response;
		const responseEnd = this.response(ch, username, password, method, uri, uriStart, uriEnd, nc, cnonce, response, 0);
		w.name(headerId).bytes(SCHEME);
		quoted(w, username, 0, username.length);
		w.bytes(P_REALM);
		quoted(w, ch.realm, 0, ch.realmLength);
		w.bytes(P_NONCE);
		quoted(w, ch.nonce, 0, ch.nonceLength);
		w.bytes(P_URI);
		quoted(w, uri, uriStart, uriEnd);
		w.bytes(P_RESPONSE).bytes(response, 0, responseEnd);
		if (ch.algorithmNamed) w.bytes(P_ALGORITHM).bytes(ALGORITHM_NAMES[ch.algorithm]);
		else w.byte(0x22); // the closing quote of response="…" that P_ALGORITHM otherwise carries
		if (ch.qopAuth) {
			w.bytes(P_CNONCE);
			quoted(w, cnonce, 0, cnonce.length);
			w.bytes(QUOTE_END);
		}
		if (ch.opaqueLength >= 0) {
			w.bytes(P_OPAQUE);
			quoted(w, ch.opaque, 0, ch.opaqueLength);
			w.bytes(QUOTE_END);
		}
		if (ch.qopAuth) w.bytes(P_QOP).bytes(this.#ncHex(nc), 0, 8);
		w.crlf();
	}

	/** nc-value = 8LHEX (RFC 7616 §3.4): the count as eight lower-case hex digits. */
	#ncHex(nc: number): Uint8Array {
		hex32Into(nc, this.#nc, 0);
		return this.#nc;
	}
}

/** The content of a quoted-string: '"' and '\' escaped as quoted-pairs (RFC 3261 §25.1), the inverse of unq(). */
function quoted(w: Writer, src: Uint8Array, start: number, end: number): void {
	for (let i = start; i < end; i++) {
		const b = src[i];
		if (b === DQUOTE || b === BACKSLASH) w.byte(BACKSLASH);
		w.byte(b);
	}
}
