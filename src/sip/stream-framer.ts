// Frame SIP messages on a byte stream (TCP) — RFC 3261 §7.5, §18.3; RFC 5626 §3.5.1 CRLF keep-alives.
import type { Limits } from "./limits.js";
import type { MessageView } from "./message-view.js";
import { CR, LF } from "./chars.js";
import { NEED_MORE, Scanner } from "./scanner.js";
import { type Reason, R_BAD_LINE_END, R_TOO_LARGE } from "./verdict.js";

/** `next()` results. */
export const FRAME_NEED_MORE = 0, FRAME_MESSAGE = 1, FRAME_PING = 2, FRAME_PONG = 3, FRAME_ERROR = 4;

/**
 * Collects a stream's bytes in a fixed buffer of `maxMessageBytes` and hands out whole messages: split across
 * reads or several in one read. Content-Length is mandatory (§18.3). A CRLFCRLF between messages is a
 * keep-alive ping (answer with CRLF), a lone CRLF its pong. After FRAME_ERROR the framer stays failed
 * (the transport closes the connection: a stream cannot be resynchronised) until `reset()`.
 */
export class StreamFramer {
	readonly scanner: Scanner;
	readonly buffer: Uint8Array;
	#length = 0;
	/** Bytes before this index belong to messages already handed out. */
	#consumed = 0;
	/** Where the search for the end of the header section resumes. */
	#searchFrom = 0;
	/** Once the headers are known: the buffer length the message needs, else -1. */
	#needed = -1;
	failed = false;

	constructor(limits: Limits) {
		this.scanner = new Scanner(limits);
		this.buffer = new Uint8Array(limits.maxMessageBytes);
	}

	reset(): void {
		this.#length = this.#consumed = this.#searchFrom = 0;
		this.#needed = -1;
		this.failed = false;
		this.scanner.verdict.clear();
	}

	/** Bytes held and not yet handed out. */
	get pending(): number {
		return this.#length - this.#consumed;
	}

	/** Copy src[start, end) in; returns how many bytes fitted (call `next()` until FRAME_NEED_MORE, then push the rest). */
	push(src: Uint8Array, start: number, end: number): number {
		this.#compact();
		const n = Math.min(end - start, this.buffer.length - this.#length);
		const buf = this.buffer, at = this.#length;
		for (let i = 0; i < n; i++) buf[at + i] = src[start + i];
		this.#length += n;
		return n;
	}

	/** The next message into `view` (valid until the next call), a keep-alive, or FRAME_NEED_MORE / FRAME_ERROR. */
	next(view: MessageView): number {
		if (this.failed) return FRAME_ERROR;
		this.#compact();
		const buf = this.buffer, len = this.#length;
		if (len === 0) return FRAME_NEED_MORE;
		if (buf[0] === CR || buf[0] === LF) return this.#keepAlive();
		if (this.#needed < 0) {
			// Find the empty line before calling the scanner, resuming where the last search stopped.
			let i = this.#searchFrom, found = false;
			for (; i < len; i++) {
				if (buf[i] !== LF) continue;
				if (i + 1 >= len) break;
				if (buf[i + 1] === LF || (buf[i + 1] === CR && i + 2 < len && buf[i + 2] === LF)) {
					found = true;
					break;
				}
				if (buf[i + 1] === CR && i + 2 >= len) break;
			}
			if (!found) {
				this.#searchFrom = i;
				if (len >= buf.length) return this.#fail(len, R_TOO_LARGE);
				return FRAME_NEED_MORE;
			}
		} else if (len < this.#needed) {
			return FRAME_NEED_MORE;
		}
		const status = this.scanner.scan(buf, 0, len, view, true);
		if (status === NEED_MORE) {
			this.#needed = view.end;
			if (len >= buf.length) return this.#fail(len, R_TOO_LARGE);
			return FRAME_NEED_MORE;
		}
		if (status !== 0) {
			this.failed = true;
			return FRAME_ERROR;
		}
		this.#consumed = view.end;
		this.#needed = -1;
		this.#searchFrom = view.end;
		return FRAME_MESSAGE;
	}

	#keepAlive(): number {
		const buf = this.buffer, len = this.#length;
		// RFC 5626 §3.5.1: CRLF CRLF is a ping, a single CRLF the pong; other CRLFs before a start-line are ignored (§7.5).
		if (len >= 4 && buf[0] === CR && buf[1] === LF && buf[2] === CR && buf[3] === LF) {
			this.#consumed = 4;
			this.#searchFrom = 4;
			return FRAME_PING;
		}
		if (len >= 2 && buf[0] === CR && buf[1] === LF && (len === 2 || buf[2] !== CR)) {
			this.#consumed = 2;
			this.#searchFrom = 2;
			return FRAME_PONG;
		}
		if (buf[0] === LF) {
			// A bare LF before a start-line: liberal receiving treats it like the CRLF of §7.5.
			this.#consumed = 1;
			this.#searchFrom = 1;
			return FRAME_PONG;
		}
		if (buf[0] === CR && len >= 2 && buf[1] !== LF) return this.#fail(0, R_BAD_LINE_END);
		// "\r\n\r" then anything but LF: a bare CR that no more bytes can complete (waiting would stall the stream).
		if (len >= 4 && buf[2] === CR) return this.#fail(2, R_BAD_LINE_END);
		return FRAME_NEED_MORE; // "\r" or "\r\n\r": wait for the rest
	}

	#fail(at: number, reason: Reason): number {
		this.scanner.verdict.fail(reason, at);
		this.failed = true;
		return FRAME_ERROR;
	}

	#compact(): void {
		const c = this.#consumed;
		if (c === 0) return;
		this.buffer.copyWithin(0, c, this.#length);
		this.#length -= c;
		this.#searchFrom = Math.max(0, this.#searchFrom - c);
		if (this.#needed >= 0) this.#needed -= c;
		this.#consumed = 0;
	}
}
