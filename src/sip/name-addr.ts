// name-addr / addr-spec with display names and header parameters (From, To, Contact, Route ...) — RFC 3261 §20.10, §25.1.
import { BACKSLASH, CLASS, DQUOTE, isLws, TOKEN } from "./chars.js";
import { Span, text, trimLwsEnd } from "./bytes.js";
import type { MessageView } from "./message-view.js";
import { ParamCursor, quotedStringEnd } from "./params.js";
import { parseSipUriToAngle, parseUri, UriView } from "./uri.js";


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
 * Does header `id` (From, To) carry a tag (§19.3)? Its first value is parsed into `out`, whose `tag` then holds the
 * span; false when the header is absent, does not parse, or has no tag.
 */
export function hasTag(msg: MessageView, id: number, out: NameAddr): boolean {
	const e = msg.find(id);
	return e >= 0 && parseNameAddr(msg.buf, msg.valueStart(e), msg.valueEnd(e), out) && out.tag.start >= 0;
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
	// LWS is SP, HTAB and a folded line's CR LF: 32, 9, 13, 10.
	let i = s, b = 0;
	while (i < e && ((b = buf[i]) === 32 || b === 9 || b === 13 || b === 10)) i++;
	if (i >= e) return false;
	let uriStart: number;
	if (b === 0x22) {
		const q = quotedStringEnd(buf, i, e);
		if (q < 0) return false; // RFC 4475 §3.1.2.6: unterminated quote
		out.displayStart = i;
		out.displayEnd = q;
		i = q;
		while (i < e && ((b = buf[i]) === 32 || b === 9 || b === 13 || b === 10)) i++;
		if (i >= e || b !== 0x3c) return false;
	} else if (b !== 0x3c) {
		// A token display name (with LWS between words) before '<', or the addr-spec itself.
		const nameChar = NAME_CHAR;
		let j = i;
		while (j < e && nameChar[buf[j]] !== 0) j++;
		if (j < e && buf[j] === 0x3c) {
			if (j > i) {
				out.displayStart = i;
				out.displayEnd = trimLwsEnd(buf, i, j);
			}
			i = j;
		}
	}
	if (buf[i] === 0x3c) {
		// A sip/sips URI parses in the same pass that finds the '>'; anything else: find it, then parse.
		uriStart = i + 1;
		let close = parseSipUriToAngle(buf, uriStart, e, out.uri);
		if (close < 0) {
			close = uriStart;
			while (close < e && buf[close] !== 0x3e) close++;
			if (close >= e) return false;
			if (!parseUri(buf, uriStart, close, out.uri)) return false;
		}
		out.bracketed = true;
		i = close + 1;
	} else {
		if (requireBrackets) return false;
		uriStart = i;
		let question = false;
		while (i < e && (b = buf[i]) !== 0x3b && !(b === 32 || b === 9 || b === 13 || b === 10)) {
			if (b === 0x3f) question = true;
			i++;
		}
		if (question) return false; // RFC 4475 §3.1.2.13
		if (!parseUri(buf, uriStart, i, out.uri)) return false;
	}
	out.paramsStart = i;
	out.paramsEnd = e;
	if (i >= e) return true; // no parameters
	// One walk checks the parameters and finds the tag.
	const params = cursor.reset(buf, i, e);
	let r: number;
	while ((r = params.next()) === 1) {
		// "tag", case-insensitively: on token bytes b | 0x20 folds a letter's two cases exactly.
		const n = params.nameStart;
		if (params.nameEnd - n === 3 && (buf[n] | 0x20) === 0x74 && (buf[n + 1] | 0x20) === 0x61 && (buf[n + 2] | 0x20) === 0x67) {
			params.valueInto(out.tag);
		}
	}
	return r === 0;
}
const cursor = new ParamCursor();

/** 1 for the bytes of a token display name and the LWS between its words: token, SP, HTAB, CR, LF. */
const NAME_CHAR = new Uint8Array(256);
for (let b = 0; b < 256; b++) NAME_CHAR[b] = (CLASS[b] & TOKEN) !== 0 || isLws(b) ? 1 : 0;
