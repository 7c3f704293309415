// JSON text written into a preallocated Writer (RFC 8259): the payloads of MQTT events and the HTTP API's envelopes.
// Names and values known at start-up are encoded once (`jsonQuoted`); a string that arrives with an event (a peer's
// URI) is escaped as it is written. Numbers go out digit by digit (Writer.uint), so a state message allocates nothing.
import { HEX, utf8 } from "../sip/bytes.js";
import type { Writer } from "../sip/writer.js";

/** One byte of a JSON string's contents: '"', '\' and control characters escaped (RFC 8259 §7). UTF-8 passes as is. */
function escapedByte(w: Writer, b: number): void {
	if (b === 0x22 || b === 0x5c) w.byte(0x5c).byte(b);
	else if (b < 0x20) w.byte(0x5c).byte(0x75).byte(0x30).byte(0x30).byte(HEX[b >> 4]).byte(HEX[b & 15]);
	else w.byte(b);
}

/** `"text"` as UTF-8 bytes with its escapes, quotes included: made once (start-up), then copied with `w.bytes()`. */
export function jsonQuoted(text: string): Uint8Array {
	const raw = utf8(text);
	let n = 2;
	for (let i = 0; i < raw.length; i++) n += raw[i] === 0x22 || raw[i] === 0x5c ? 2 : raw[i] < 0x20 ? 6 : 1;
	const out = new Uint8Array(n);
	let o = 0;
	out[o++] = 0x22;
	for (let i = 0; i < raw.length; i++) {
		const b = raw[i];
		if (b === 0x22 || b === 0x5c) {
			out[o++] = 0x5c;
			out[o++] = b;
		} else if (b < 0x20) {
			out.set([0x5c, 0x75, 0x30, 0x30, HEX[b >> 4], HEX[b & 15]], o);
			o += 6;
		} else out[o++] = b;
	}
	out[o] = 0x22;
	return out;
}

/** A string that arrived at run time (a peer's URI), quoted and escaped. Allocates on XS (charCodeAt): events only. */
export function jsonString(w: Writer, s: string): Writer {
	w.byte(0x22);
	for (let i = 0; i < s.length; i++) {
		let c = s.charCodeAt(i);
		if (c < 0x80) escapedByte(w, c);
		else {
			if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
				const d = s.charCodeAt(i + 1);
				if (d >= 0xdc00 && d <= 0xdfff) {
					c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
					i++;
				}
			}
			if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
			if (c < 0x800) w.byte(0xc0 | (c >> 6)).byte(0x80 | (c & 0x3f));
			else if (c < 0x10000) w.byte(0xe0 | (c >> 12)).byte(0x80 | ((c >> 6) & 0x3f)).byte(0x80 | (c & 0x3f));
			else w.byte(0xf0 | (c >> 18)).byte(0x80 | ((c >> 12) & 0x3f)).byte(0x80 | ((c >> 6) & 0x3f)).byte(0x80 | (c & 0x3f));
		}
	}
	return w.byte(0x22);
}

/** A JSON boolean. */
export function jsonBool(w: Writer, v: boolean): Writer {
	return v ? w.byte(0x74).byte(0x72).byte(0x75).byte(0x65) : w.byte(0x66).byte(0x61).byte(0x6c).byte(0x73).byte(0x65);
}
