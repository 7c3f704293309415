// DTMF carried in SIP INFO (RFC 6086 framework; the de-facto bodies PBXes and phones send):
//   application/dtmf-relay: "Signal=5\r\nDuration=160" (Cisco/Asterisk style, what baresip and SIPp send)
//   application/dtmf:       the digit alone ("5")
// Both give the same digit stream as RFC 4733 events (DESIGN.md §5).
import { ascii, equalsIgnoreCase } from "../sip/bytes.js";
import type { MessageView } from "../sip/message-view.js";
import { contentTypeIs } from "./content-type.js";

const DTMF_RELAY = ascii("application/dtmf-relay"), DTMF = ascii("application/dtmf"), SIGNAL = ascii("signal");
export const INFO_NO_DTMF = -1, INFO_BAD_TYPE = -2;

/** RFC 4733 §3.2 event codes 0-15 as characters: 0-9 * # A-D. */
const EVENT_CHARS = ascii("0123456789*#ABCD");

/**
 * The DTMF digit of an INFO request as a character code (0-9 * # A-D), INFO_NO_DTMF for a DTMF body without a
 * usable digit (or no body: an INFO used as a keep-alive), INFO_BAD_TYPE for another body type (415, §21.4.13).
 */
export function infoDigit(msg: MessageView): number {
	const buf = msg.buf, s = msg.bodyStart, e = msg.bodyEnd;
	if (e <= s) return INFO_NO_DTMF;
	if (contentTypeIs(msg, DTMF_RELAY)) {
		// Lines of name=value; the Signal line names the digit (or an event number 0-16).
		let i = s;
		while (i < e) {
			let end = i;
			while (end < e && buf[end] !== 0x0a && buf[end] !== 0x0d) end++;
			let eq = i;
			while (eq < end && buf[eq] !== 0x3d) eq++;
			let ne = eq;
			while (ne > i && (buf[ne - 1] === 0x20 || buf[ne - 1] === 0x09)) ne--;
			let ns = i;
			while (ns < ne && (buf[ns] === 0x20 || buf[ns] === 0x09)) ns++;
			if (eq < end && equalsIgnoreCase(buf, ns, ne, SIGNAL)) return digitOf(buf, eq + 1, end);
			i = end + 1;
		}
		return INFO_NO_DTMF;
	}
	if (contentTypeIs(msg, DTMF)) return digitOf(buf, s, e);
	return INFO_BAD_TYPE;
}

function digitOf(buf: Uint8Array, s: number, e: number): number {
	while (s < e && (buf[s] === 0x20 || buf[s] === 0x09)) s++;
	while (e > s && (buf[e - 1] === 0x20 || buf[e - 1] === 0x09 || buf[e - 1] === 0x0d || buf[e - 1] === 0x0a)) e--;
	if (e - s === 1) {
		let b = buf[s];
		if (b >= 0x61 && b <= 0x64) b -= 0x20; // a-d
		for (let i = 0; i < EVENT_CHARS.length; i++) if (EVENT_CHARS[i] === b) return b;
		return INFO_NO_DTMF;
	}
	// An event number ("10" = '*', "11" = '#', RFC 4733 §3.2).
	let n = 0;
	for (let i = s; i < e; i++) {
		const d = buf[i] - 0x30;
		if (d < 0 || d > 9 || i - s > 1) return INFO_NO_DTMF;
		n = n * 10 + d;
	}
	return e > s && n < 16 ? EVENT_CHARS[n] : INFO_NO_DTMF;
}
