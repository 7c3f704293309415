// DTMF sent in SIP INFO inside a call's dialog: RFC 6086 (INFO; the legacy usage without Info-Package, §2 and
// §9.2, which is what PBXes and phones accept for DTMF) with the de-facto `application/dtmf-relay` body that
// src/ua/dtmf-info.ts reads. One INFO at a time per dialog, the digits queued behind it: INFOs sent together over
// UDP may arrive out of order, and the receiving UA answers a lower CSeq with 500 (RFC 3261 §12.2.2).
import { ascii } from "../sip/bytes.js";
import { H_CONTENT_TYPE } from "../sip/header-ids.js";
import type { MessageView } from "../sip/message-view.js";
import { M_INFO, METHOD_BYTES } from "../sip/methods.js";
import type { ClientTransactionUser } from "../transaction/transaction-table.js";
import type { Writer } from "../sip/writer.js";
import { CALL_ACTIVE, type Call } from "./call.js";
import { AUTH_RETRY } from "./credentials.js";
import type { UaContext } from "./ua-context.js";

const DTMF_RELAY = ascii("application/dtmf-relay"), SIGNAL = ascii("Signal="), DURATION = ascii("\r\nDuration=");
/** Digits that may wait behind the INFO in flight (a door code and its terminator fit). */
export const INFO_QUEUE = 32;
/** Duration reported for each digit (ms): what phones send for a key press. */
export const INFO_DIGIT_MS = 160;

/** `Signal=5\r\nDuration=160\r\n` for ASCII digit `digit` (0-9 * # A-D). */
export function writeDtmfRelay(w: Writer, digit: number, durationMs: number): void {
	w.bytes(SIGNAL).byte(digit).bytes(DURATION).uint(durationMs).crlf();
}

/** Is `digit` (ASCII) one a DTMF key sends: 0-9 * # A-D (RFC 4733 §3.2 events 0-15)? */
export function isDtmfKey(digit: number): boolean {
	return (digit >= 0x30 && digit <= 0x39) || digit === 0x2a || digit === 0x23 || (digit >= 0x41 && digit <= 0x44);
}

/** The INFO digits of one call slot: a fixed queue and the transaction in flight. */
export class DtmfInfoSender implements ClientTransactionUser {
	readonly #call: Call;
	readonly #ctx: UaContext;
	readonly #queue = new Uint8Array(INFO_QUEUE);
	#head = 0;
	#count = 0;
	#tx = -1;
	/** INFOs that got no 2xx (a 4xx-6xx, a timeout or a transport error): the digit was not delivered. */
	failures = 0;

	constructor(call: Call, ctx: UaContext) {
		this.#call = call;
		this.#ctx = ctx;
	}

	/** Queue `digit`; false when the call is not in conversation, the key is not DTMF or the queue is full. */
	send(digit: number): boolean {
		if (this.#call.state !== CALL_ACTIVE || !isDtmfKey(digit)) return false;
		if (this.#count === INFO_QUEUE) return false;
		this.#queue[(this.#head + this.#count) % INFO_QUEUE] = digit;
		this.#count++;
		if (this.#tx < 0) this.#next(false);
		return true;
	}

	/** The call slot was released: what waits is dropped, a response still to come is ignored. */
	clear(): void {
		this.#head = this.#count = 0;
		this.#tx = -1;
	}

	/** Digits waiting or in flight. */
	get pending(): number {
		return this.#count;
	}

	onResponse(tx: number, msg: MessageView): void {
		if (tx !== this.#tx || msg.status < 200) return;
		this.#tx = -1;
		if ((msg.status === 401 || msg.status === 407) && this.#call.credentials.onChallenge(msg) === AUTH_RETRY) return this.#next(false);
		if (msg.status >= 300) this.failures++;
		this.#next(true);
	}

	onTimeout(tx: number): void {
		this.#failed(tx);
	}

	onTransportError(tx: number): void {
		this.#failed(tx);
	}

	#failed(tx: number): void {
		if (tx !== this.#tx) return;
		this.#tx = -1;
		this.failures++;
		this.#next(true);
	}

	/** Send the digit at the head (after dropping the one just done); the queue empties when the call ended. */
	#next(done: boolean): void {
		if (done && this.#count > 0) {
			this.#head = (this.#head + 1) % INFO_QUEUE;
			this.#count--;
		}
		while (this.#count > 0) {
			if (this.#call.state === CALL_ACTIVE && this.#sendInfo(this.#queue[this.#head])) return;
			this.failures++;
			this.#head = (this.#head + 1) % INFO_QUEUE;
			this.#count--;
		}
	}

	/** INFO to the remote target over the route set (§12.2.1.1), with credentials when the dialog was challenged. */
	#sendInfo(digit: number): boolean {
		const ctx = this.#ctx, d = this.#call.dialog, t = d.remoteTarget, hop = d.hop;
		const tx = ctx.layer.request(this, M_INFO, t.buf, 0, t.length, hop.transport, hop.address, hop.port);
		if (tx < 0) return false;
		const w = ctx.layer.writer(tx)!;
		d.writeHeaders(w, M_INFO, ++d.localCSeq);
		this.#call.credentials.write(w, METHOD_BYTES[M_INFO], t.buf, 0, t.length);
		w.header(H_CONTENT_TYPE, DTMF_RELAY).endHeaders();
		writeDtmfRelay(w, digit, INFO_DIGIT_MS);
		if (!ctx.layer.send(tx)) return false;
		this.#tx = tx;
		return true;
	}
}
