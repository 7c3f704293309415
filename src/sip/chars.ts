// Character classes of the SIP grammar — RFC 3261 §25.1, as one 256-entry table (no regular expressions, DESIGN.md §3).

/** alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" (§25.1 token). */
export const TOKEN = 1;
/** SP / HTAB. */
export const WSP = 2;
export const DIGIT = 4;
export const ALPHA = 8;
export const HEX = 16;
/** unreserved = alphanum / mark (§25.1). */
export const UNRESERVED = 32;
/** word (§25.1): the characters of a Call-ID. */
export const WORD = 64;
/** Characters allowed in a Request-URI or a URI inside `<>`: visible ASCII but `<>"\{}|^` and backquote. */
export const URIC = 128;

export const SP = 0x20, HTAB = 0x09, CR = 0x0d, LF = 0x0a, COLON = 0x3a, SEMI = 0x3b, COMMA = 0x2c,
	DQUOTE = 0x22, BACKSLASH = 0x5c, LAQUOT = 0x3c, RAQUOT = 0x3e, SLASH = 0x2f, EQUAL = 0x3d,
	PERCENT = 0x25, AT = 0x40, QUESTION = 0x3f, LBRACKET = 0x5b, RBRACKET = 0x5d, DOT = 0x2e,
	AMP = 0x26, STAR = 0x2a;

/** Class bits per byte. */
export const CLASS = new Uint8Array(256);
/** ASCII lower-case of each byte (other bytes unchanged): for case-insensitive compares without strings. */
export const LOWER = new Uint8Array(256);

function mark(chars: string, bit: number): void {
	for (let i = 0; i < chars.length; i++) CLASS[chars.charCodeAt(i)] |= bit;
}
for (let b = 0; b < 256; b++) LOWER[b] = b >= 0x41 && b <= 0x5a ? b + 32 : b;
for (let b = 0x30; b <= 0x39; b++) CLASS[b] |= DIGIT | HEX | TOKEN | UNRESERVED | WORD;
for (let b = 0x41; b <= 0x5a; b++) CLASS[b] |= ALPHA | TOKEN | UNRESERVED | WORD;
for (let b = 0x61; b <= 0x7a; b++) CLASS[b] |= ALPHA | TOKEN | UNRESERVED | WORD;
mark("abcdefABCDEF", HEX);
mark("-.!%*_+`'~", TOKEN);
mark("-_.!~*'()", UNRESERVED);
mark("-.!%*_+`'~()<>:\\\"/[]?{}", WORD);
mark(" \t", WSP);
for (let b = 0x21; b < 0x7f; b++) CLASS[b] |= URIC;
for (const c of "<>\"\\{}|^`") CLASS[c.charCodeAt(0)] &= ~URIC;

export function isToken(b: number): boolean {
	return (CLASS[b] & TOKEN) !== 0;
}
/** Linear white space inside a header value: SP, HTAB, and the CR LF of a folded line (§7.3.1). */
export function isLws(b: number): boolean {
	return b === SP || b === HTAB || b === CR || b === LF;
}
export function hexValue(b: number): number {
	if (b >= 0x30 && b <= 0x39) return b - 0x30;
	const l = LOWER[b];
	return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
}
