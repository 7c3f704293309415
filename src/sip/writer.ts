// Build outgoing messages into a preallocated byte buffer — RFC 3261 §7, §8.1.1, §8.2.6.2, §20.14.
import type { MessageView } from "./message-view.js";
import { H_CALL_ID, H_CONTENT_LENGTH, H_CSEQ, H_FROM, H_OTHER, H_TO, H_VIA, HEADER_NAME_BYTES } from "./header-ids.js";
import { ascii } from "./bytes.js";
import { NameAddr, parseNameAddr } from "./name-addr.js";
import { MAX_DETAIL, type Verdict } from "./verdict.js";

const SIP_2_0 = ascii("SIP/2.0"), COLON_SP = ascii(": "), TAG = ascii(";tag="), NOT_EQUAL = ascii(" != ");

/**
 * Appends ASCII to a fixed buffer: start line, headers, then `endHeaders()`, the body, and `finish()`,
 * which fills in Content-Length (§20.14) and returns the message length. Numbers are written digit by digit
 * (no `toString`). Writing past the end sets `overflow` and `finish()` returns -1: never a throw, never a growth.
 */
export class Writer {
	readonly buf: Uint8Array;
	pos = 0;
	overflow = false;
	#lengthAt = -1;
	#lengthDigits: number;
	#bodyStart = -1;
	/** Made on first use: most writers never add a To tag (a transaction pool holds dozens of them, DESIGN.md §3). */
	#to: NameAddr | null = null;

	constructor(capacity: number) {
		this.buf = new Uint8Array(capacity);
		this.#lengthDigits = digits(capacity);
	}

	reset(): this {
		this.pos = 0;
		this.overflow = false;
		this.#lengthAt = this.#bodyStart = -1;
		return this;
	}

	byte(b: number): this {
		if (this.pos < this.buf.length) this.buf[this.pos++] = b;
		else this.overflow = true;
		return this;
	}
	/** Copy src[start, end). */
	bytes(src: Uint8Array, start = 0, end = src.length): this {
		const n = end - start;
		if (this.pos + n > this.buf.length) {
			this.overflow = true;
			return this;
		}
		for (let i = 0; i < n; i++) this.buf[this.pos + i] = src[start + i];
		this.pos += n;
		return this;
	}
	/** A string of ASCII characters (configuration and error paths; hot paths write constant bytes). */
	ascii(s: string): this {
		for (let i = 0; i < s.length; i++) this.byte(s.charCodeAt(i) & 0x7f);
		return this;
	}
	/** A non-negative integer in decimal, without `toString`. */
	uint(n: number): this {
		n = Math.floor(n);
		if (n < 0) n = 0;
		const d = digits(n);
		if (this.pos + d > this.buf.length) {
			this.overflow = true;
			return this;
		}
		for (let i = d - 1; i >= 0; i--) {
			this.buf[this.pos + i] = 0x30 + (n % 10);
			n = Math.floor(n / 10);
		}
		this.pos += d;
		return this;
	}
	crlf(): this {
		return this.byte(0x0d).byte(0x0a);
	}

	/** Request-Line: Method SP Request-URI SP SIP/2.0 CRLF (§7.1). */
	requestLine(method: Uint8Array, uri: Uint8Array, uriStart = 0, uriEnd = uri.length): this {
		return this.bytes(method).byte(0x20).bytes(uri, uriStart, uriEnd).byte(0x20).bytes(SIP_2_0).crlf();
	}
	/** Status-Line: SIP/2.0 SP code SP reason CRLF (§7.2). */
	statusLine(status: number, reason: Uint8Array): this {
		return this.bytes(SIP_2_0).byte(0x20).uint(status).byte(0x20).bytes(reason).crlf();
	}
	/** The Status-Line for a verdict: its reason, and the message bytes that name the fault, made safe for a Reason-Phrase. */
	statusLineFor(v: Verdict, msg: Uint8Array): this {
		this.bytes(SIP_2_0).byte(0x20).uint(v.status).byte(0x20).bytes(v.reasonBytes);
		if (v.detailStart >= 0) this.#safe(msg, v.detailStart, v.detailEnd);
		if (v.otherStart >= 0) this.bytes(NOT_EQUAL).#safe(msg, v.otherStart, v.otherEnd);
		return this.crlf();
	}
	#safe(src: Uint8Array, start: number, end: number): this {
		if (end - start > MAX_DETAIL) end = start + MAX_DETAIL;
		for (let i = start; i < end; i++) {
			const b = src[i];
			this.byte(b < 0x20 || b >= 0x7f ? 0x3f : b); // Reason-Phrase is TEXT: no CTLs, and no cut UTF-8
		}
		return this;
	}

	/** "Name: " for a known header id. */
	name(id: number): this {
		return this.bytes(HEADER_NAME_BYTES[id]).bytes(COLON_SP);
	}
	/** A whole header field: Name: value CRLF. */
	header(id: number, value: Uint8Array, start = 0, end = value.length): this {
		return this.name(id).bytes(value, start, end).crlf();
	}
	/** A header whose value is a number (Max-Forwards, Expires ...). */
	headerUint(id: number, n: number): this {
		return this.name(id).uint(n).crlf();
	}
	/** One value of a received message as its own field line, under the canonical name (an unknown header keeps its own). */
	copyField(m: MessageView, entry: number): this {
		const id = m.idOf(entry);
		if (id === H_OTHER) this.bytes(m.buf, m.nameStart(entry), m.nameEnd(entry)).bytes(COLON_SP);
		else this.name(id);
		return this.bytes(m.buf, m.valueStart(entry), m.valueEnd(entry)).crlf();
	}
	/** Every value of header `id` of a received message, in order, one field line each (§7.3.1 equivalence). */
	copyHeader(m: MessageView, id: number): this {
		for (let e = m.find(id); e >= 0; e = m.nextOf(e)) this.copyField(m, e);
		return this;
	}

	/**
	 * The headers a response copies from its request (§8.2.6.2): Via (all, in order), From, To, Call-ID, CSeq.
	 * A To without a tag gets `toTag` when one is given (any response but 100, §8.2.6.2).
	 */
	responseHeaders(m: MessageView, toTag?: Uint8Array): this {
		this.copyHeader(m, H_VIA).copyHeader(m, H_FROM);
		const to = m.find(H_TO);
		if (to >= 0) {
			this.copyField(m, to);
			if (toTag !== undefined) {
				const nameAddr = (this.#to ??= new NameAddr());
				if (parseNameAddr(m.buf, m.valueStart(to), m.valueEnd(to), nameAddr) && nameAddr.tag.start < 0) {
					this.pos -= 2; // reopen the To line before its CRLF
					this.bytes(TAG).bytes(toTag).crlf();
				}
			}
		}
		return this.copyHeader(m, H_CALL_ID).copyHeader(m, H_CSEQ);
	}

	/** Close the header section; Content-Length is written here and filled in by `finish()`. */
	endHeaders(): this {
		this.name(H_CONTENT_LENGTH);
		this.#lengthAt = this.pos;
		for (let i = 0; i < this.#lengthDigits; i++) this.byte(0x30);
		this.crlf().crlf();
		this.#bodyStart = this.pos;
		return this;
	}

	/** Fill in Content-Length with the body written since `endHeaders()`; returns the message length, or -1 on overflow. */
	finish(): number {
		if (this.overflow || this.#lengthAt < 0) return -1;
		const buf = this.buf;
		let n = this.pos - this.#bodyStart;
		const d = digits(n), reserved = this.#lengthDigits;
		for (let i = d - 1; i >= 0; i--) {
			buf[this.#lengthAt + i] = 0x30 + (n % 10);
			n = Math.floor(n / 10);
		}
		if (d < reserved) {
			buf.copyWithin(this.#lengthAt + d, this.#lengthAt + reserved, this.pos);
			this.pos -= reserved - d;
		}
		this.#lengthAt = -1;
		return this.pos;
	}
}

/** How many decimal digits `n` (a non-negative integer) takes. */
export function digits(n: number): number {
	let d = 1;
	while (n >= 10) {
		n = Math.floor(n / 10);
		d++;
	}
	return d;
}
