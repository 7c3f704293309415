// Requests derived from a sent INVITE: the ACK for a non-2xx response (§17.1.1.3) and CANCEL (§9.1).
import type { Limits } from "../sip/limits.js";
import { MessageView } from "../sip/message-view.js";
import { Scanner } from "../sip/scanner.js";
import { Writer } from "../sip/writer.js";
import { ascii } from "../sip/bytes.js";
import { CSeqView, parseCSeq } from "../sip/cseq.js";
import { H_CALL_ID, H_CSEQ, H_FROM, H_MAX_FORWARDS, H_ROUTE, H_TO, H_VIA } from "../sip/header-ids.js";

const ACK = ascii("ACK"), CANCEL = ascii("CANCEL"), SP = ascii(" ");

/**
 * Reads the INVITE a client transaction stored and writes the request the RFC derives from it. The INVITE
 * is scanned again from the transaction's own bytes (it was written by us, so it scans), with preallocated
 * readers: nothing is allocated.
 */
export class InviteDerived {
	readonly #scanner: Scanner;
	readonly #view: MessageView;
	readonly #cseq = new CSeqView();

	constructor(limits: Limits) {
		this.#scanner = new Scanner(limits);
		this.#view = new MessageView(limits);
	}

	/**
	 * §17.1.1.3: Request-URI, Call-ID, From, CSeq number and Route of the INVITE; the top Via of the INVITE only;
	 * To from the response (it carries the tag); CSeq method ACK; no body. Returns the length, or -1.
	 */
	ack(w: Writer, invite: Uint8Array, length: number, response: MessageView): number {
		const m = this.#read(invite, length);
		if (m === null) return -1;
		this.#start(w, ACK, m);
		const to = response.find(H_TO);
		w.copyField(response, to);
		return this.#finish(w, ACK, m);
	}

	/** §9.1: like the INVITE (Request-URI, top Via, To, From, Call-ID, CSeq number, Route), method CANCEL. */
	cancel(w: Writer, invite: Uint8Array, length: number): number {
		const m = this.#read(invite, length);
		if (m === null) return -1;
		this.#start(w, CANCEL, m);
		w.copyHeader(m, H_TO);
		return this.#finish(w, CANCEL, m);
	}

	#read(invite: Uint8Array, length: number): MessageView | null {
		const m = this.#view;
		if (this.#scanner.scan(invite, 0, length, m) !== 0) return null;
		const e = m.find(H_CSEQ);
		if (e < 0 || !parseCSeq(m.buf, m.valueStart(e), m.valueEnd(e), this.#cseq)) return null;
		return m;
	}

	#start(w: Writer, method: Uint8Array, m: MessageView): void {
		w.requestLine(method, m.buf, m.uriStart, m.uriEnd);
		w.copyField(m, m.find(H_VIA));
		w.copyHeader(m, H_MAX_FORWARDS);
		w.copyHeader(m, H_FROM);
	}

	#finish(w: Writer, method: Uint8Array, m: MessageView): number {
		w.copyHeader(m, H_CALL_ID);
		w.name(H_CSEQ).uint(this.#cseq.number).bytes(SP).bytes(method).crlf();
		w.copyHeader(m, H_ROUTE);
		return w.endHeaders().finish();
	}
}
