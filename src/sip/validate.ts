// Is a framed message one the UA can act on? The request checks of RFC 3261 §8.2 and §16.3 a UA needs.
import { MessageView } from "./message-view.js";
import {
	H_CALL_ID, H_CONTACT, H_CONTENT_TYPE, H_CSEQ, H_EXPIRES, H_FROM, H_MAX_FORWARDS, H_RECORD_ROUTE, H_ROUTE,
	H_TO, H_VIA, H_COUNT, HEADER_NAMES,
} from "./header-ids.js";
import { CLASS, STAR, WORD } from "./chars.js";
import { parseDecimal, spansEqual } from "./bytes.js";
import { CSeqView, parseCSeq } from "./cseq.js";
import { NameAddr, parseNameAddr } from "./name-addr.js";
import { parseUri, UriView } from "./uri.js";
import { parseVia, ViaView } from "./via.js";
import {
	Reason, Verdict, R_BAD_CALL_ID, R_BAD_CONTACT, R_BAD_CSEQ, R_BAD_FROM, R_BAD_MAX_FORWARDS, R_BAD_RECORD_ROUTE,
	R_BAD_REQUEST_URI, R_BAD_ROUTE, R_BAD_TO, R_BAD_VIA, R_CSEQ_METHOD, R_VERSION_NOT_SUPPORTED,
} from "./verdict.js";

/** 1 for a byte of a Call-ID word (§25.1). */
const WORD_TABLE = new Uint8Array(256);
for (let b = 0; b < 256; b++) WORD_TABLE[b] = (CLASS[b] & WORD) !== 0 ? 1 : 0;

/** Headers every request and response must carry (§8.1.1; Max-Forwards is left out: RFC 2543 peers omit it, RFC 4475 §3.4.1). */
const MANDATORY = [H_VIA, H_FROM, H_TO, H_CALL_ID, H_CSEQ];
/** Headers that may appear once only (RFC 4475 §3.3.8). */
const SINGLE = [H_FROM, H_TO, H_CALL_ID, H_CSEQ, H_MAX_FORWARDS, H_CONTENT_TYPE, H_EXPIRES];

// One constant reason per header, built at start: "Missing Call-ID", "Multiple To" ...
const MISSING: Reason[] = [], MULTIPLE: Reason[] = [];
for (let id = 0; id < H_COUNT; id++) {
	MISSING[id] = new Reason(400, "Missing " + HEADER_NAMES[id]);
	MULTIPLE[id] = new Reason(400, "Multiple " + HEADER_NAMES[id]);
}

/**
 * Checks a message the scanner framed. Scratch readers are preallocated here, so a check allocates
 * nothing. A request that fails gets `status` + reason (400, 505); a response that fails is dropped (§18.1.2).
 */
export class Validator {
	/** After a successful check: the CSeq and the top Via, already parsed (the transaction layer matches on them, §17.2.3). */
	readonly cseq = new CSeqView();
	readonly topVia = new ViaView();
	/** Scratch reader for the other Via values. */
	readonly via = new ViaView();
	readonly nameAddr = new NameAddr();
	readonly uri = new UriView();

	/** Returns 0, or the status code (details in `v`). */
	check(m: MessageView, v: Verdict): number {
		const buf = m.buf;
		// §8.2 (and RFC 4475 §3.1.2.16): 505 for a request; a response in another version is dropped the same way.
		if (!m.versionIs20) {
			return v.fail(R_VERSION_NOT_SUPPORTED, m.versionStart, m.versionStart, m.versionEnd);
		}
		// Indexed loops: for-of allocates an iterator on XS.
		for (let k = 0; k < MANDATORY.length; k++) if (m.count(MANDATORY[k]) === 0) return v.fail(MISSING[MANDATORY[k]], m.start);
		for (let k = 0; k < SINGLE.length; k++) {
			const id = SINGLE[k];
			if (m.count(id) > 1) return v.fail(MULTIPLE[id], m.valueStart(m.find(id, 1)));
		}

		// CSeq: number < 2^31 and, in a request, the request's own method (§8.1.1.5, RFC 4475 §3.1.2.17).
		let e = m.find(H_CSEQ);
		const cseq = this.cseq;
		if (!parseCSeq(buf, m.valueStart(e), m.valueEnd(e), cseq)) return v.fail(R_BAD_CSEQ, m.valueStart(e), m.valueStart(e), m.valueEnd(e));
		m.cseq = cseq.number;
		if (m.isRequest && !spansEqual(buf, cseq.methodStart, cseq.methodEnd, buf, m.methodStart, m.methodEnd)) {
			return v.fail(R_CSEQ_METHOD, cseq.methodStart, cseq.methodStart, cseq.methodEnd, m.methodStart, m.methodEnd);
		}
		if (!this.#checkCallId(m)) {
			e = m.find(H_CALL_ID);
			return v.fail(R_BAD_CALL_ID, m.valueStart(e), m.valueStart(e), m.valueEnd(e));
		}
		const top = m.find(H_VIA);
		for (e = top; e >= 0; e = m.nextOf(e)) {
			const s = m.valueStart(e), t = m.valueEnd(e);
			if (!parseVia(buf, s, t, e === top ? this.topVia : this.via)) return v.fail(R_BAD_VIA, s, s, t);
		}
		let status = this.#checkNameAddrs(m, H_FROM, R_BAD_FROM, v, false);
		if (status === 0) status = this.#checkNameAddrs(m, H_TO, R_BAD_TO, v, false);
		if (status === 0) status = this.#checkNameAddrs(m, H_CONTACT, R_BAD_CONTACT, v, false);
		if (status === 0) status = this.#checkNameAddrs(m, H_RECORD_ROUTE, R_BAD_RECORD_ROUTE, v, true);
		if (status !== 0 || !m.isRequest) return status;

		status = this.#checkNameAddrs(m, H_ROUTE, R_BAD_ROUTE, v, true);
		if (status !== 0) return status;
		e = m.find(H_MAX_FORWARDS);
		if (e >= 0 && parseDecimal(buf, m.valueStart(e), m.valueEnd(e), 255) < 0) {
			return v.fail(R_BAD_MAX_FORWARDS, m.valueStart(e), m.valueStart(e), m.valueEnd(e));
		}
		// Request-URI (§19.1.1): a SIP URI must parse and may not carry headers (RFC 4475 §3.1.2.11);
		// another scheme only needs the absoluteURI form (the UA answers 416, §8.2.2.1).
		const uri = this.uri;
		if (!parseUri(buf, m.uriStart, m.uriEnd, uri) || (uri.isSip && uri.headersEnd > uri.headersStart)) {
			return v.fail(R_BAD_REQUEST_URI, m.uriStart, m.uriStart, m.uriEnd);
		}
		return 0;
	}

	/** Call-ID = word [ "@" word ] (§25.1): non-empty, no white space. */
	#checkCallId(m: MessageView): boolean {
		const e = m.find(H_CALL_ID);
		const s = m.valueStart(e), t = m.valueEnd(e);
		if (s >= t) return false;
		const buf = m.buf, word = WORD_TABLE;
		let i = s;
		while (i < t && word[buf[i]] !== 0) i++;
		if (i === t) return true;
		// One '@', with a word on each side.
		if (buf[i] !== 0x40 || i === s || i === t - 1) return false;
		i++;
		while (i < t && word[buf[i]] !== 0) i++;
		return i === t;
	}

	#checkNameAddrs(m: MessageView, id: number, reason: Reason, v: Verdict, requireBrackets: boolean): number {
		const buf = m.buf;
		for (let e = m.find(id); e >= 0; e = m.nextOf(e)) {
			const s = m.valueStart(e), t = m.valueEnd(e);
			// §20.10: Contact "*" (REGISTER removing all bindings).
			if (id === H_CONTACT && t - s === 1 && buf[s] === STAR && m.count(H_CONTACT) === 1) continue;
			if (!parseNameAddr(buf, s, t, this.nameAddr, requireBrackets)) return v.fail(reason, s, s, t);
		}
		return 0;
	}
}
