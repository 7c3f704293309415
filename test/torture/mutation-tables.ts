// The bytes the mutation operators put into messages (mutator.ts): what means something to a SIP parser and what
// breaks it — RFC 4475 §3 (the kinds of damage), RFC 3261 §7.3.3 (compact forms), §25 (the grammar's separators).
import { ascii } from "../../src/sip/bytes.js";

/** Bytes that mean something to a SIP parser (separators, line ends, quoting, escapes) or to none (NUL, DEL, 8-bit). */
export const INTERESTING = ascii("\0\r\n \t:;,\"<>=@%\\[]()/?&+*\x7f0aZ\x80\xff\xc3\xa9.-_~!'`{}|^#$");
/** Numbers beyond every field's range, and malformed ones. */
export const HUGE: readonly Uint8Array[] = Object.freeze([
	"4294967296", "4294967301", "2147483648", "2147483647", "99999999999999999999999999999999", "-1", "-0", "0",
	"00000000000000000000000000000000000070", "1e9", "0x10", "1.5", "18446744073709551616", "36893488147419103232",
	"65536", "65535", "9007199254740993",
].map(ascii));
/** Lengths of a repeated token: mostly around the 255/256 boundaries, sometimes past the UDP and the message limit. */
export const LONG_LENGTHS = Object.freeze([16, 64, 64, 255, 256, 256, 257, 512, 1024, 1300, 4096, 8200]);
/** Header names as written in full and in compact form (§7.3.3), both directions. */
export const NAMES: readonly Uint8Array[] = Object.freeze([
	"Via", "v", "From", "f", "To", "t", "Call-ID", "i", "Contact", "m", "Content-Length", "l", "Content-Type", "c",
	"Supported", "k", "Subject", "s", "CSeq", "Max-Forwards", "Route", "Record-Route", "Expires", "VIA", "call-id",
	"cseq", "CONTENT-LENGTH", "x", "Session-Expires", "Require", "Proxy-Require", "Authorization",
].map(ascii));
export const CONTENT_LENGTH_NAMES: readonly Uint8Array[] = Object.freeze(["Content-Length", "l"].map(ascii));
export const CONTENT_LENGTH_VALUES: readonly Uint8Array[] = Object.freeze(["0", "1", "-1", "9999", "4294967296", "", " 5 ", "1 2", "abc", "+3", "013"].map(ascii));
export const METHODS: readonly Uint8Array[] = Object.freeze([
	"INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "INFO", "UPDATE", "PRACK", "MESSAGE", "NOTIFY", "invite",
	"INV", "INVITEX", "I N", "", "SIP/2.0", "NEWMETHOD",
].map(ascii));
export const VERSIONS: readonly Uint8Array[] = Object.freeze(["SIP/3.0", "SIP/2.00", "sip/2.0", "SIP/2", "SIP/20", "SIP /2.0", "HTTP/1.1", "SIP/2.0 "].map(ascii));
export const LINE_ENDS: readonly Uint8Array[] = Object.freeze(["\n", "\r", "\r\r\n", "\n\r", "\r\n\r\n", "\r\n \r\n", ""].map(ascii));
export const FOLDS: readonly Uint8Array[] = Object.freeze(["\r\n ", "\r\n\t", "\r\n  \t ", "\n ", "\r\n\r\n "].map(ascii));
export const BRACKETS = ascii("<>[]()");
export const LEADING: readonly Uint8Array[] = Object.freeze(["\r\n", "\r\n\r\n", "\n", " ", "\t", "\r", "\0"].map(ascii));

/** The CSeq header's name, for the operator that changes its method. */
export const CSEQ_NAME: readonly Uint8Array[] = Object.freeze([ascii("CSeq")]);
