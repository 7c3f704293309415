// name-addr / addr-spec with display names and header parameters (From, To, Contact, Route ...) — RFC 3261 §20.10, §25.1.
import { BACKSLASH, CLASS, DQUOTE, isLws, LAQUOT, QUESTION, RAQUOT, SEMI, TOKEN } from "./chars.js";
import { ascii, indexOf, skipLws, Span, text, trimLwsEnd } from "./bytes.js";
import { ParamCursor, quotedStringEnd } from "./params.js";
import { parseUri, UriView } from "./uri.js";

const TAG = ascii("tag");

/** A parsed name-addr or addr-spec: offsets into `uri.buf`. */
export class NameAddr {
	/** Display name span (quotes included when quoted), or -1. */
	displayStart = -1;
	displayEnd = -1;
	/** The URI was written inside `<>`. */
	bracketed = false;
	/** Header parameters after the URI (`;tag=...`), leading ';' included. */
	paramsStart = 0;
	paramsEnd = 0;
	readonly uri = new UriView();
	/** The `tag` parameter's value (§19.3), absent when start < 0. */
	readonly tag = new Span();

	/** The display name, unquoted and unescaped (allocates). */
	displayText(): string {
		const buf = this.uri.buf;
		let s = this.displayStart, e = this.displayEnd;
		if (s < 0) return "";
		if (buf[s] !== DQUOTE) return text(buf, s, e);
		s++;
		e--;
		let out = "", run = s;
		for (let i = s; i < e; i++) {
			if (buf[i] === BACKSLASH) {
				out += text(buf, run, i);
				run = ++i; // the escaped byte starts the next run
			}
		}
		return out + text(buf, run, e);
	}
}

/**
 * Parse `( name-addr / addr-spec ) *( SEMI param )` in buf[s, e). `requireBrackets` for Route and
 * Record-Route (§20.30, §20.34: name-addr only). Returns false if malformed.
 *
 * RFC 4475 §3.1.1.6: a token display name directly followed by `<` is accepted (the RFC 3261 grammar bug).
 * §20.10: an addr-spec ends at the first ';' (those are header parameters) and may not carry `?` headers.
 */
export function parseNameAddr(buf: Uint8Array, s: number, e: number, out: NameAddr, requireBrackets = false): boolean {
	out.displayStart = out.displayEnd = -1;
	out.bracketed = false;
	out.tag.clear();
	let i = skipLws(buf, s, e);
	if (i >= e) return false;
	let uriStart: number, uriEnd: number;
	if (buf[i] === DQUOTE) {
		const q = quotedStringEnd(buf, i, e);
		if (q < 0) return false; // RFC 4475 §3.1.2.6: unterminated quote
		out.displayStart = i;
		out.displayEnd = q;
		i = skipLws(buf, q, e);
		if (i >= e || buf[i] !== LAQUOT) return false;
	} else {
		let j = i;
		while (j < e && ((CLASS[buf[j]] & TOKEN) !== 0 || isLws(buf[j]))) j++;
		if (j < e && buf[j] === LAQUOT) {
			if (j > i) {
				out.displayStart = i;
				out.displayEnd = trimLwsEnd(buf, i, j);
			}
			i = j;
		}
	}
	if (buf[i] === LAQUOT) {
		const close = indexOf(buf, i + 1, e, RAQUOT);
		if (close < 0) return false;
		out.bracketed = true;
		uriStart = i + 1;
		uriEnd = close;
		i = close + 1;
	} else {
		if (requireBrackets) return false;
		uriStart = i;
		while (i < e && buf[i] !== SEMI && !isLws(buf[i])) i++;
		uriEnd = i;
		if (indexOf(buf, uriStart, uriEnd, QUESTION) >= 0) return false; // RFC 4475 §3.1.2.13
	}
	if (!parseUri(buf, uriStart, uriEnd, out.uri)) return false;
	out.paramsStart = i;
	out.paramsEnd = e;
	// One walk checks the parameters and finds the tag.
	const params = cursor.reset(buf, i, e);
	let r: number;
	while ((r = params.next()) === 1) {
		if (params.nameEnd - params.nameStart === TAG.length && params.nameIs(TAG)) params.valueInto(out.tag);
	}
	return r === 0;
}
const cursor = new ParamCursor();
