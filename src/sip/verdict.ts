// The verdict on a malformed message: a status code and a reason naming the fault (RFC 3261 §8.2, §21.4).
import { ascii, text } from "./bytes.js";

/**
 * Why a message was refused. Reasons are constants built at start (bytes for the writer, text for logs);
 * a detail span points into the message (e.g. the CSeq method) so the reason phrase can name the fault
 * without building a string: `400 Bad CSeq: method INVITE != ACK`.
 */
export class Verdict {
	/** 0 = acceptable; else the status code to answer a request with (a bad response is dropped). */
	status = 0;
	/** The reason, a constant string. */
	reason = "";
	/** The reason's bytes (a constant). */
	reasonBytes: Uint8Array = EMPTY;
	/** Byte offset of the fault in the message, or -1. */
	errorAt = -1;
	/** Optional spans of the message that name the fault: "<reason><detail>[ != <other>]". */
	detailStart = -1;
	detailEnd = -1;
	otherStart = -1;
	otherEnd = -1;

	clear(): void {
		this.status = 0;
		this.reason = "";
		this.reasonBytes = EMPTY;
		this.errorAt = -1;
		this.detailStart = this.detailEnd = this.otherStart = this.otherEnd = -1;
	}

	/** Record a fault; returns the status so callers can `return v.fail(...)`. */
	fail(reason: Reason, errorAt: number, detailStart = -1, detailEnd = -1, otherStart = -1, otherEnd = -1): number {
		this.status = reason.status;
		this.reason = reason.text;
		this.reasonBytes = reason.bytes;
		this.errorAt = errorAt;
		this.detailStart = detailStart;
		this.detailEnd = detailEnd;
		this.otherStart = otherStart;
		this.otherEnd = otherEnd;
		return reason.status;
	}

	/** The whole reason phrase as a string, details included (allocates: for logs and the parse tool). */
	describe(buf: Uint8Array): string {
		let out = this.reason;
		if (this.detailStart >= 0) out += text(buf, this.detailStart, clip(this.detailStart, this.detailEnd));
		if (this.otherStart >= 0) out += " != " + text(buf, this.otherStart, clip(this.otherStart, this.otherEnd));
		return sanitize(out);
	}
}

/** The longest detail copied from a message into a reason phrase. */
export const MAX_DETAIL = 40;
function clip(start: number, end: number): number {
	return end - start > MAX_DETAIL ? start + MAX_DETAIL : end;
}
function sanitize(s: string): string {
	let out = "";
	for (let i = 0; i < s.length; i++) {
		const c = s.charCodeAt(i);
		out += c < 0x20 || c === 0x7f ? "?" : s[i];
	}
	return out;
}

const EMPTY = new Uint8Array(0);

/** A constant reason: its status, its text and its bytes. */
export class Reason {
	readonly bytes: Uint8Array;
	constructor(readonly status: number, readonly text: string) {
		this.bytes = ascii(text);
		Object.freeze(this);
	}
}

// The reasons the message layer gives. Text that ends in ": " is followed by the offending bytes.
export const R_EMPTY = new Reason(400, "Empty message");
export const R_TOO_LARGE = new Reason(513, "Message Too Large");
export const R_TOO_MANY_HEADERS = new Reason(400, "Too Many Headers");
export const R_TOO_MANY_VALUES = new Reason(400, "Too Many Headers: values in ");
export const R_BAD_LINE_END = new Reason(400, "Bad line end: bare CR");
export const R_BAD_REQUEST_LINE = new Reason(400, "Bad Request-Line");
export const R_BAD_METHOD = new Reason(400, "Bad Request-Line: method");
export const R_BAD_REQUEST_URI_CHARS = new Reason(400, "Bad Request-Line: Request-URI");
export const R_BAD_VERSION = new Reason(400, "Bad SIP-Version: ");
export const R_BAD_STATUS_LINE = new Reason(400, "Bad Status-Line");
export const R_VERSION_NOT_SUPPORTED = new Reason(505, "Version Not Supported: ");
export const R_UNTERMINATED = new Reason(400, "Header section not terminated");
export const R_BAD_HEADER_LINE = new Reason(400, "Bad header line: ");
export const R_BAD_FOLDING = new Reason(400, "Bad header line: folding before first header");
export const R_BAD_CONTENT_LENGTH = new Reason(400, "Bad Content-Length: ");
export const R_CONFLICTING_CONTENT_LENGTH = new Reason(400, "Conflicting Content-Length: ");
export const R_MISSING_CONTENT_LENGTH = new Reason(400, "Missing Content-Length on a stream");
export const R_SHORT_BODY = new Reason(400, "Body shorter than Content-Length");
export const R_BAD_CSEQ = new Reason(400, "Bad CSeq: ");
export const R_CSEQ_METHOD = new Reason(400, "Bad CSeq: method ");
export const R_BAD_MAX_FORWARDS = new Reason(400, "Bad Max-Forwards: ");
export const R_BAD_REQUEST_URI = new Reason(400, "Bad Request-URI: ");
export const R_BAD_CALL_ID = new Reason(400, "Bad Call-ID: ");
export const R_BAD_VIA = new Reason(400, "Bad Via: ");
export const R_BAD_FROM = new Reason(400, "Bad From: ");
export const R_BAD_TO = new Reason(400, "Bad To: ");
export const R_BAD_CONTACT = new Reason(400, "Bad Contact: ");
export const R_BAD_ROUTE = new Reason(400, "Bad Route: ");
export const R_BAD_RECORD_ROUTE = new Reason(400, "Bad Record-Route: ");
