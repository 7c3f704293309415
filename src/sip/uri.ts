// SIP, SIPS and other URIs: parse into offsets, read parameters, compare — RFC 3261 §19.1, §25.1; RFC 5118.
import { ALPHA, AMP, AT, CLASS, COLON, DIGIT, DOT, EQUAL, HEX, hexValue, LBRACKET, LOWER, PERCENT, QUESTION, RBRACKET, SEMI, UNRESERVED } from "./chars.js";
import { ascii, parseDecimal, Span, spansEqualIgnoreCase, startsWithIgnoreCase, text } from "./bytes.js";

export const SCHEME_SIP = 1, SCHEME_SIPS = 2, SCHEME_TEL = 3, SCHEME_OTHER = 4;
export const HOST_NAME = 1, HOST_IPV4 = 2, HOST_IPV6 = 3;

// Character sets of §25.1 beyond `unreserved`, one bit each.
const USER = 1, PASSWORD = 2, PARAM = 4, HNV = 8, SCHEME = 16, RESERVED = 32;
const SET = new Uint8Array(256);
function mark(chars: string, bit: number): void {
	for (let i = 0; i < chars.length; i++) SET[chars.charCodeAt(i)] |= bit;
}
for (let b = 0; b < 256; b++) if ((CLASS[b] & UNRESERVED) !== 0) SET[b] |= USER | PASSWORD | PARAM | HNV;
mark("&=+$,;?/", USER); // user-unreserved
mark("&=+$,", PASSWORD);
mark("[]/:&+$", PARAM); // param-unreserved
mark("[]/?:+$", HNV); // hnv-unreserved
for (let b = 0; b < 256; b++) if ((CLASS[b] & (ALPHA | DIGIT)) !== 0) SET[b] |= SCHEME;
mark("+-.", SCHEME);
mark(";/?:@&=+$,", RESERVED); // RFC 2396 reserved: §19.1.4 makes only the other characters equal to their %HH escape

const TEL = ascii("tel:");

/** A URI's parts as offsets into `buf`; absent parts have start -1 (params/headers: start === end). */
export class UriView {
	buf: Uint8Array = new Uint8Array(0);
	start = 0;
	end = 0;
	scheme = 0;
	/** Index of the ':' after the scheme. */
	schemeEnd = 0;
	userStart = -1;
	userEnd = -1;
	passwordStart = -1;
	passwordEnd = -1;
	/** Host; an IPv6 reference keeps its brackets (RFC 5118 §4.1). */
	hostStart = -1;
	hostEnd = -1;
	hostKind = 0;
	/** Port, or -1 when absent (absent is not the same as 5060 in comparisons, §19.1.4). */
	port = -1;
	/** The `;uri-parameters` part, leading ';' included. */
	paramsStart = 0;
	paramsEnd = 0;
	/** The `headers` part after '?'. */
	headersStart = 0;
	headersEnd = 0;

	get isSip(): boolean {
		return this.scheme === SCHEME_SIP || this.scheme === SCHEME_SIPS;
	}
	hostText(): string {
		return this.hostStart < 0 ? "" : text(this.buf, this.hostStart, this.hostEnd);
	}
	userText(): string {
		return this.userStart < 0 ? "" : text(this.buf, this.userStart, this.userEnd);
	}
	toString(): string {
		return text(this.buf, this.start, this.end);
	}
}

/** Runs of `set` characters and %HH escapes; returns the index of the first other byte, or -1 for a bad escape. */
function scanChars(buf: Uint8Array, i: number, e: number, set: number): number {
	const t = SET, c = CLASS;
	for (;;) {
		// '%' is in no set: the fast loop stops at it.
		while (i < e && (t[buf[i]] & set) !== 0) i++;
		if (i >= e || buf[i] !== 0x25) return i;
		if (i + 2 >= e || (c[buf[i + 1]] & HEX) === 0 || (c[buf[i + 2]] & HEX) === 0) return -1;
		i += 3;
	}
}

// Host characters, one code each: the hostname/IPv4 loop's single table lookup.
const H_DIGIT = 1, H_ALPHA = 2, H_HYPHEN = 3, H_DOT = 4;
const HOST_CHAR = new Uint8Array(256);
for (let b = 0; b < 256; b++) HOST_CHAR[b] = (CLASS[b] & DIGIT) !== 0 ? H_DIGIT : (CLASS[b] & ALPHA) !== 0 ? H_ALPHA : 0;
HOST_CHAR[0x2d] = H_HYPHEN;
HOST_CHAR[DOT] = H_DOT;

/**
 * host = hostname / IPv4address / IPv6reference (§25.1) in buf[i, e): returns the end of the host, or -1.
 * Sets out.hostKind. RFC 5118 §4.10: an IPv6 reference with three colons is tolerated.
 */
export function scanHost(buf: Uint8Array, i: number, e: number, out: { hostKind: number }): number {
	if (i >= e) return -1;
	if (buf[i] === LBRACKET) {
		let j = i + 1, colons = 0;
		for (; j < e && buf[j] !== RBRACKET; j++) {
			const b = buf[j];
			if (b === COLON) colons++;
			else if ((CLASS[b] & HEX) === 0 && b !== DOT) return -1;
		}
		if (j === e || colons < 2) return -1;
		out.hostKind = HOST_IPV6;
		return j + 1;
	}
	const start = i, t = HOST_CHAR;
	// One pass: labels, and for a dotted-quad the octets (at most three digits, <= 255).
	let dots = 0, allDigits = true, labelStart = i, lastLabelStart = i, octet = 0, badOctet = false;
	for (; i < e; i++) {
		const b = buf[i], c = t[b];
		if (c === H_DIGIT) {
			octet = octet * 10 + b - 0x30;
			continue;
		}
		if (c === 0) break;
		if (c === H_DOT) {
			if (i === labelStart) return -1; // empty label
			if (octet > 255 || i - labelStart > 3) badOctet = true;
			octet = 0;
			dots++;
			lastLabelStart = labelStart;
			labelStart = i + 1;
		} else allDigits = false;
	}
	if (i === start) return -1;
	const trailingDot = labelStart === i;
	if (allDigits && dots === 3 && !trailingDot) {
		// IPv4address: four decimal octets.
		if (badOctet || octet > 255 || i - labelStart > 3) return -1;
		out.hostKind = HOST_IPV4;
		return i;
	}
	// hostname: the top label starts with a letter (§25.1 toplabel).
	if (t[buf[trailingDot ? lastLabelStart : labelStart]] !== H_ALPHA) return -1;
	out.hostKind = HOST_NAME;
	return i;
}

/** `;name[=value]` uri-parameters in buf[i, e) (i at the first ';'); returns where they stop, or -1. */
function scanUriParams(buf: Uint8Array, i: number, e: number): number {
	while (i < e && buf[i] === SEMI) {
		const nameStart = i + 1;
		i = scanChars(buf, nameStart, e, PARAM);
		if (i <= nameStart) return -1;
		if (i < e && buf[i] === EQUAL) {
			const valueStart = i + 1;
			i = scanChars(buf, valueStart, e, PARAM);
			if (i <= valueStart) return -1;
		}
	}
	return i;
}

/**
 * `hname=hvalue *(& hname=hvalue)` in buf[i, e) (i after '?'): returns where the pairs stop (e when they fill the
 * span), or -1 if one is malformed.
 */
function uriHeadersEnd(buf: Uint8Array, i: number, e: number): number {
	for (;;) {
		const nameStart = i;
		i = scanChars(buf, i, e, HNV);
		if (i <= nameStart || i === e || buf[i] !== EQUAL) return -1;
		i = scanChars(buf, i + 1, e, HNV);
		if (i < 0 || i === e || buf[i] !== AMP) return i;
		i++;
	}
}

/** The parts of `out` a parse sets, reset: a URI spanning buf[s, e). */
function resetUri(buf: Uint8Array, s: number, e: number, out: UriView): void {
	out.buf = buf;
	out.start = s;
	out.end = e;
	out.userStart = out.userEnd = out.passwordStart = out.passwordEnd = out.hostStart = out.hostEnd = -1;
	out.hostKind = 0;
	out.port = -1;
	out.paramsStart = out.paramsEnd = out.headersStart = out.headersEnd = e;
}

/** 4 or 5 when buf[s, e) starts with "sip:" or "sips:" (case-insensitive), else 0. */
function sipSchemeLength(buf: Uint8Array, s: number, e: number): number {
	// b | 0x20 folds exactly the two cases of a letter; ':' is 0x3a.
	if (e - s < 4 || (buf[s] | 0x20) !== 0x73 || (buf[s + 1] | 0x20) !== 0x69 || (buf[s + 2] | 0x20) !== 0x70) return 0;
	if (buf[s + 3] === 0x3a) return 4;
	return e - s >= 5 && (buf[s + 3] | 0x20) === 0x73 && buf[s + 4] === 0x3a ? 5 : 0;
}

/**
 * Parse the URI in buf[s, e) into `out` (§19.1.1 for sip/sips; any other scheme only as
 * `scheme ":" 1*char`, §25.1 absoluteURI, so the UA can answer 416). Returns false if malformed.
 */
export function parseUri(buf: Uint8Array, s: number, e: number, out: UriView): boolean {
	resetUri(buf, s, e, out);
	const sip = sipSchemeLength(buf, s, e);
	if (sip !== 0) {
		out.scheme = sip === 4 ? SCHEME_SIP : SCHEME_SIPS;
		out.schemeEnd = s + sip - 1;
		return parseSipUriRest(buf, s + sip, e, out, -1) === e;
	}
	// scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then opaque content (no white space).
	if (s >= e || (CLASS[buf[s]] & ALPHA) === 0) return false;
	let i = s + 1;
	while (i < e && (SET[buf[i]] & SCHEME) !== 0) i++;
	if (i >= e - 1 || buf[i] !== COLON) return false;
	out.scheme = startsWithIgnoreCase(buf, s, e, TEL) ? SCHEME_TEL : SCHEME_OTHER;
	out.schemeEnd = i;
	for (let k = i + 1; k < e; k++) if (buf[k] <= 0x20 || buf[k] >= 0x7f) return false;
	return true;
}

/**
 * For name-addr.ts: a sip/sips URI starting at buf[s] and closed by the first '>' before e, parsed in the same
 * pass that finds the '>' (no scanner of a SIP URI's parts accepts '>', nor '@' after the userinfo). Returns
 * the index of that '>' with `out` as parseUri(buf, s, thatIndex) would set it, or -1 when this reading does
 * not apply (another scheme, no '>', a malformed URI or an '@' that is not the end of a plain user part): the
 * caller then finds the '>' and calls parseUri, which gives the exact answer.
 */
export function parseSipUriToAngle(buf: Uint8Array, s: number, e: number, out: UriView): number {
	const sip = sipSchemeLength(buf, s, e);
	if (sip === 0) return -1;
	resetUri(buf, s, e, out);
	out.scheme = sip === 4 ? SCHEME_SIP : SCHEME_SIPS;
	out.schemeEnd = s + sip - 1;
	const close = parseSipUriRest(buf, s + sip, e, out, 0x3e);
	if (close < 0 || close >= e || buf[close] !== 0x3e) return -1;
	out.end = close;
	return close;
}

/**
 * The part of a sip/sips URI after the scheme, from buf[i]: returns the index where it stops, or -1.
 * parseUri needs it to stop at e; with `closer` 0x3e the caller needs it to stop at a '>' (see
 * parseSipUriToAngle), and the full userinfo rule below is left to parseUri.
 */
function parseSipUriRest(buf: Uint8Array, i: number, e: number, out: UriView, closer: number): number {
	// userinfo = ( user / telephone-subscriber ) [ ":" password ] "@"; the first '@' in the URI ends it.
	// Host characters are user characters: a run of them ending at '@' is the user (the common "sip:door@host").
	const t = HOST_CHAR;
	let k = i;
	while (k < e && t[buf[k]] !== 0) k++;
	if (k < e && buf[k] === AT) {
		if (k === i) return -1;
		out.userStart = i;
		out.userEnd = k;
		return parseHostPart(buf, k + 1, e, out);
	}
	// No userinfo is the other common case ("sip:10.0.0.2;lr"): host, port, parameters and headers accept no '@',
	// so if they parse to the end there is no '@' and this is the rule's own reading.
	const stop = parseHostPart(buf, i, e, out);
	if (closer < 0 ? stop === e : stop >= 0 && stop < e && buf[stop] === closer) return stop;
	if (closer >= 0) return -1;
	// Else an '@' further on may make the start a userinfo: the rule in full.
	let at = -1;
	for (; k < e; k++) {
		if (buf[k] === AT) {
			at = k;
			break;
		}
	}
	if (at < 0) return -1; // the reading above was the rule's, and it failed
	out.hostStart = out.hostEnd = -1;
	out.hostKind = 0;
	out.port = -1;
	out.paramsStart = out.paramsEnd = out.headersStart = out.headersEnd = e;
	const userEnd = scanChars(buf, i, at, USER);
	if (userEnd <= i) return -1;
	out.userStart = i;
	out.userEnd = userEnd;
	if (userEnd < at) {
		if (buf[userEnd] !== COLON) return -1;
		const pwEnd = scanChars(buf, userEnd + 1, at, PASSWORD);
		if (pwEnd !== at) return -1;
		out.passwordStart = userEnd + 1;
		out.passwordEnd = at;
	}
	return parseHostPart(buf, at + 1, e, out);
}

/**
 * hostport [ uri-parameters ] [ "?" headers ] (§25.1) from buf[i], into `out`: returns the index where the
 * parts stop (the caller decides whether that is the end), or -1 if one is malformed.
 */
function parseHostPart(buf: Uint8Array, i: number, e: number, out: UriView): number {
	const hostEnd = scanHost(buf, i, e, out);
	if (hostEnd < 0) return -1;
	out.hostStart = i;
	out.hostEnd = hostEnd;
	i = hostEnd;
	if (i < e && buf[i] === COLON) {
		// port = 1*DIGIT, at most five digits and <= 65535.
		const portStart = ++i;
		let port = 0, d = 0;
		while (i < e && (d = buf[i] - 0x30) >= 0 && d <= 9) {
			port = port * 10 + d;
			i++;
		}
		if (i === portStart || i - portStart > 5 || port > 65535) return -1;
		out.port = port;
	}
	if (i < e && buf[i] === SEMI) {
		const paramsEnd = scanUriParams(buf, i, e);
		if (paramsEnd < 0) return -1;
		out.paramsStart = i;
		out.paramsEnd = paramsEnd;
		i = paramsEnd;
	} else {
		out.paramsStart = out.paramsEnd = i;
	}
	if (i < e && buf[i] === QUESTION) {
		const headersEnd = uriHeadersEnd(buf, i + 1, e);
		if (headersEnd < 0) return -1;
		out.headersStart = i + 1;
		out.headersEnd = headersEnd;
		return headersEnd;
	}
	out.headersStart = out.headersEnd = i;
	return i;
}

/**
 * Find uri-parameter `lowerName` (case-insensitive, compared unescaped) in a parsed URI. Sets `value` to its
 * value, or to an empty span at the name's end for a parameter without value (`;lr`). False when absent.
 */
export function findUriParam(uri: UriView, lowerName: Uint8Array, value: Span): boolean {
	const buf = uri.buf;
	let i = uri.paramsStart;
	const e = uri.paramsEnd;
	while (i < e) {
		const nameStart = i + 1;
		let nameEnd = nameStart;
		while (nameEnd < e && buf[nameEnd] !== EQUAL && buf[nameEnd] !== SEMI) nameEnd++;
		let valueEnd = nameEnd;
		if (nameEnd < e && buf[nameEnd] === EQUAL) {
			valueEnd = nameEnd + 1;
			while (valueEnd < e && buf[valueEnd] !== SEMI) valueEnd++;
		}
		if (escapedEqual(buf, nameStart, nameEnd, lowerName, 0, lowerName.length, true)) {
			if (valueEnd === nameEnd) value.set(nameEnd, nameEnd);
			else value.set(nameEnd + 1, valueEnd);
			return true;
		}
		i = valueEnd;
	}
	value.clear();
	return false;
}

/** An escaped reserved character decodes to 0x100 + byte: it never equals the literal character (§19.1.4). */
const ESCAPED_RESERVED = 0x100;

/** Next decoded byte of a span that may hold %HH escapes: returns the byte and advances `pos.start`. */
function decodedAt(buf: Uint8Array, pos: Span): number {
	const i = pos.start;
	if (buf[i] === PERCENT && i + 2 < pos.end && hexValue(buf[i + 1]) >= 0 && hexValue(buf[i + 2]) >= 0) {
		pos.start = i + 3;
		const b = hexValue(buf[i + 1]) * 16 + hexValue(buf[i + 2]);
		return (SET[b] & RESERVED) !== 0 ? ESCAPED_RESERVED + b : b;
	}
	pos.start = i + 1;
	return buf[i];
}
const cursorA = new Span(), cursorB = new Span();

/** Compare two spans after %HH decoding of unreserved characters (§19.1.4), optionally ignoring ASCII case. */
export function escapedEqual(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number, ignoreCase: boolean): boolean {
	cursorA.set(as, ae);
	cursorB.set(bs, be);
	while (cursorA.start < ae && cursorB.start < be) {
		let x = decodedAt(a, cursorA), y = decodedAt(b, cursorB);
		if (ignoreCase && x < ESCAPED_RESERVED && y < ESCAPED_RESERVED) {
			x = LOWER[x];
			y = LOWER[y];
		}
		if (x !== y) return false;
	}
	return cursorA.start >= ae && cursorB.start >= be;
}

// uri-parameters that must match when either URI has them (§19.1.4).
const STRICT_PARAMS = [ascii("transport"), ascii("user"), ascii("ttl"), ascii("method"), ascii("maddr")];
const valueA = new Span(), valueB = new Span();

function paramsAgree(a: UriView, b: UriView): boolean {
	// Every parameter of `a` that `b` also has must match; the §19.1.4 list must be in both or neither.
	const buf = a.buf;
	let i = a.paramsStart;
	while (i < a.paramsEnd) {
		const nameStart = i + 1;
		let nameEnd = nameStart;
		while (nameEnd < a.paramsEnd && buf[nameEnd] !== EQUAL && buf[nameEnd] !== SEMI) nameEnd++;
		let valueEnd = nameEnd;
		while (valueEnd < a.paramsEnd && buf[valueEnd] !== SEMI) valueEnd++;
		const valueStart = nameEnd < valueEnd ? nameEnd + 1 : nameEnd;
		// Look the same name up in b by walking its parameters.
		let j = b.paramsStart, found = false;
		while (j < b.paramsEnd) {
			const ns = j + 1;
			let ne = ns;
			while (ne < b.paramsEnd && b.buf[ne] !== EQUAL && b.buf[ne] !== SEMI) ne++;
			let ve = ne;
			while (ve < b.paramsEnd && b.buf[ve] !== SEMI) ve++;
			if (escapedEqual(buf, nameStart, nameEnd, b.buf, ns, ne, true)) {
				found = true;
				if (!escapedEqual(buf, valueStart, valueEnd, b.buf, ne < ve ? ne + 1 : ne, ve, true)) return false;
				break;
			}
			j = ve;
		}
		if (!found) {
			for (let k = 0; k < STRICT_PARAMS.length; k++) {
				const strict = STRICT_PARAMS[k];
				if (escapedEqual(buf, nameStart, nameEnd, strict, 0, strict.length, true)) return false;
			}
		}
		i = valueEnd;
	}
	return true;
}

function headersAgree(a: UriView, b: UriView): boolean {
	// §19.1.4: header components are never ignored; each in one must be in the other with the same value.
	const buf = a.buf;
	let count = 0;
	let i = a.headersStart;
	while (i < a.headersEnd) {
		let nameEnd = i;
		while (nameEnd < a.headersEnd && buf[nameEnd] !== EQUAL) nameEnd++;
		let valueEnd = nameEnd;
		while (valueEnd < a.headersEnd && buf[valueEnd] !== AMP) valueEnd++;
		let j = b.headersStart, found = false;
		while (j < b.headersEnd) {
			let ne = j;
			while (ne < b.headersEnd && b.buf[ne] !== EQUAL) ne++;
			let ve = ne;
			while (ve < b.headersEnd && b.buf[ve] !== AMP) ve++;
			if (escapedEqual(buf, i, nameEnd, b.buf, j, ne, true) && escapedEqual(buf, nameEnd + 1, valueEnd, b.buf, ne + 1, ve, false)) {
				found = true;
				break;
			}
			j = ve + 1;
		}
		if (!found) return false;
		count++;
		i = valueEnd + 1;
	}
	let countB = 0;
	for (let j = b.headersStart; j < b.headersEnd; j++) if (b.buf[j] === AMP) countB++;
	if (b.headersEnd > b.headersStart) countB++;
	return count === countB;
}

/**
 * URI equality, RFC 3261 §19.1.4: same scheme; userinfo case-sensitive and host case-insensitive after
 * unescaping; ports equal (an omitted port differs from an explicit 5060); uri-parameters in both must
 * match, and transport/user/ttl/method/maddr must be in both or neither; headers must all match.
 * Other schemes compare as case-insensitive bytes (RFC silent for them here).
 */
export function uriEquals(a: UriView, b: UriView): boolean {
	if (a.scheme !== b.scheme) return false;
	if (!a.isSip) return spansEqualIgnoreCase(a.buf, a.start, a.end, b.buf, b.start, b.end);
	if ((a.userStart < 0) !== (b.userStart < 0)) return false;
	if (a.userStart >= 0 && !escapedEqual(a.buf, a.userStart, a.userEnd, b.buf, b.userStart, b.userEnd, false)) return false;
	if ((a.passwordStart < 0) !== (b.passwordStart < 0)) return false;
	if (a.passwordStart >= 0 && !escapedEqual(a.buf, a.passwordStart, a.passwordEnd, b.buf, b.passwordStart, b.passwordEnd, false)) return false;
	if (!escapedEqual(a.buf, a.hostStart, a.hostEnd, b.buf, b.hostStart, b.hostEnd, true)) return false;
	if (a.port !== b.port) return false;
	return paramsAgree(a, b) && paramsAgree(b, a) && headersAgree(a, b);
}
