// The parameter list of a Digest challenge or credentials: "Digest" LWS auth-param *(COMMA auth-param) — RFC 3261
// §25.1 (challenge, credentials), RFC 7235 §2.1 (auth-param = token BWS "=" BWS ( token / quoted-string )),
// RFC 7616 §3.3, §3.4. One cursor for both sides: the client reads challenges (digest.ts), the HTTP server reads
// credentials (src/http/digest-server.ts). Offsets only; nothing is allocated.
import { equalsIgnoreCase, skipLws, trimLwsEnd } from "./bytes.js";
import { BACKSLASH, COMMA, DQUOTE, EQUAL, isLws, isToken } from "./chars.js";
import { quotedStringEnd } from "./params.js";

const DIGEST = new Uint8Array([0x64, 0x69, 0x67, 0x65, 0x73, 0x74]); // "digest"

/** A value byte outside quotes. Lenient beyond `token`: servers send unquoted base64 nonces ('/', '+', '='). */
function isBareValue(b: number): boolean {
	return b > 0x20 && b < 0x7f && b !== COMMA && b !== DQUOTE;
}

/**
 * Walks the auth-params of one Digest value. `begin(buf, start, end)` checks the scheme, then `next()` until it
 * returns 0 (done) or -1 (malformed). After each 1, `nameStart..nameEnd` is the name and `valueStart..valueEnd` the
 * value without its quotes (`quoted` says whether it had them; quoted-pairs are still escaped: see `copyValue`).
 */
export class AuthParams {
	buf: Uint8Array = DIGEST;
	pos = 0;
	end = 0;
	nameStart = 0;
	nameEnd = 0;
	valueStart = 0;
	valueEnd = 0;
	quoted = false;

	/** Start on the value buf[start, end); false unless it is the Digest scheme (case-insensitive, RFC 7235 §2.1) and LWS. */
	begin(buf: Uint8Array, start: number, end: number): boolean {
		let i = skipLws(buf, start, end);
		end = trimLwsEnd(buf, i, end);
		this.buf = buf;
		this.end = end;
		this.pos = end;
		if (end - i < DIGEST.length || !equalsIgnoreCase(buf, i, i + DIGEST.length, DIGEST)) return false;
		i += DIGEST.length;
		if (i >= end || !isLws(buf[i])) return false;
		this.pos = i;
		return true;
	}

	/** The next parameter: 1 (fields set), 0 (no more), -1 (a syntax error: stop reading). */
	next(): number {
		const buf = this.buf, end = this.end;
		let i = this.pos;
		for (;;) {
			i = skipLws(buf, i, end);
			if (i >= end) {
				this.pos = end;
				return 0;
			}
			if (buf[i] !== COMMA) break;
			i++; // an empty list element (RFC 7230 §7: recipients ignore them)
		}
		const nameStart = i;
		while (i < end && isToken(buf[i])) i++;
		if (i === nameStart) return this.#fail();
		this.nameStart = nameStart;
		this.nameEnd = i;
		i = skipLws(buf, i, end);
		if (i >= end || buf[i] !== EQUAL) return this.#fail();
		i = skipLws(buf, i + 1, end);
		if (i >= end) return this.#fail();
		this.quoted = buf[i] === DQUOTE;
		if (this.quoted) {
			const close = quotedStringEnd(buf, i, end);
			if (close < 0) return this.#fail();
			this.valueStart = i + 1;
			this.valueEnd = close - 1;
			i = close;
		} else {
			this.valueStart = i;
			while (i < end && isBareValue(buf[i])) i++;
			this.valueEnd = i;
			if (i === this.valueStart) return this.#fail();
		}
		i = skipLws(buf, i, end);
		if (i < end && buf[i] !== COMMA) return this.#fail(); // parameters are separated by commas
		this.pos = i;
		return 1;
	}

	/** Is the current parameter's name `lowerName` (case-insensitive)? */
	nameIs(lowerName: Uint8Array): boolean {
		return equalsIgnoreCase(this.buf, this.nameStart, this.nameEnd, lowerName);
	}

	/** Copy the current value into `dst` with quoted-pair backslashes removed (`unq()`, RFC 7616 §3.4); -1 if it does not fit. */
	copyValue(dst: Uint8Array): number {
		const buf = this.buf, quoted = this.quoted;
		let n = 0;
		for (let i = this.valueStart; i < this.valueEnd; i++) {
			if (quoted && buf[i] === BACKSLASH) i++;
			if (n >= dst.length) return -1;
			dst[n++] = buf[i];
		}
		return n;
	}

	#fail(): number {
		this.pos = this.end;
		return -1;
	}
}
