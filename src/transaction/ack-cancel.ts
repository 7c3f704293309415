// Requests derived from a sent INVITE — RFC 3261 §17.1.1.3 (the ACK of a non-2xx final response, kept for
// retransmission in the INVITE's place) and §9.1 (CANCEL: one per INVITE, held back until a provisional response
// arrives, sent with the INVITE's branch to where the INVITE went; the INVITE given up after 64·T1).
import type { Limits } from "../sip/limits.js";
import { MessageView } from "../sip/message-view.js";
import { Scanner } from "../sip/scanner.js";
import { Writer } from "../sip/writer.js";
import { ascii } from "../sip/bytes.js";
import { CSeqView, parseCSeq } from "../sip/cseq.js";
import { H_CALL_ID, H_CSEQ, H_FROM, H_MAX_FORWARDS, H_ROUTE, H_TO, H_VIA } from "../sip/header-ids.js";
import { M_CANCEL } from "../sip/methods.js";
import { type Admission, OWN } from "./admission.js";
import { clientNonInviteSent } from "./client-non-invite.js";
import { REQUEST_TIMERS, type TransactionContext } from "./context.js";
import { BRANCH_BYTES, CALLING, CLIENT_INVITE, CLIENT_NON_INVITE, PROCEEDING } from "./transaction-table.js";
import type { TimerWheel } from "./timer-wheel.js";

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

/** `cancelPending` once the CANCEL went out (1 = waiting for a provisional response). */
const CANCEL_SENT = 2;

/**
 * Sends what a client INVITE transaction derives from its INVITE: the ACK of a non-2xx final response and the CANCEL,
 * with one scratch writer and one reader of the stored INVITE for the whole layer.
 */
export class AckCancel {
	readonly #ctx: TransactionContext;
	readonly #admission: Admission;
	readonly #wheel: TimerWheel;
	readonly #derived: InviteDerived;
	readonly #scratch: Writer;

	constructor(ctx: TransactionContext, admission: Admission, wheel: TimerWheel, limits: Limits, maxSendBytes: number) {
		this.#ctx = ctx;
		this.#admission = admission;
		this.#wheel = wheel;
		this.#derived = new InviteDerived(limits);
		this.#scratch = new Writer(maxSendBytes);
	}

	/** §17.1.1.3: the ACK of `response` (non-2xx), sent, and kept as what the Completed transaction resends. */
	sendAck(slot: number, response: MessageView): void {
		const ctx = this.#ctx, t = ctx.table, w = this.#scratch.reset();
		const length = this.#derived.ack(w, t.writer[slot].buf, t.length[slot], response);
		if (length < 0) return;
		t.writer[slot].reset().bytes(w.buf, 0, length);
		t.length[slot] = length;
		ctx.transmit(slot);
	}

	/** See TransactionLayer.cancel: the CANCEL's handle, 0 when it waits for a provisional response, or -1. */
	cancel(slot: number): number {
		const t = this.#ctx.table;
		if (slot < 0 || t.kind[slot] !== CLIENT_INVITE) return -1;
		const state = t.state[slot];
		if (state !== CALLING && state !== PROCEEDING) return -1; // a final response came: nothing to cancel
		if (t.cancelPending[slot] !== 0) return 0; // asked already: one CANCEL per INVITE
		if (state === CALLING) {
			t.cancelPending[slot] = 1;
			return 0;
		}
		return this.send(slot);
	}

	/** §9.1: "If there is no final response ... in 64*T1 seconds ... the client SHOULD ... destroy the client transaction". */
	destroyCancelled(slot: number): void {
		const t = this.#ctx.table;
		if (slot >= 0 && t.kind[slot] === CLIENT_INVITE && (t.state[slot] === CALLING || t.state[slot] === PROCEEDING)) this.#ctx.terminate(slot);
	}

	/** Send the CANCEL of INVITE `inviteSlot` now (asked, and a provisional response came): its handle, or -1. */
	send(inviteSlot: number): number {
		const ctx = this.#ctx, t = ctx.table;
		t.cancelPending[inviteSlot] = CANCEL_SENT;
		t.pinned[inviteSlot]++;
		const slot = this.#admission.allocate(CLIENT_NON_INVITE, M_CANCEL, OWN);
		t.pinned[inviteSlot]--;
		if (slot < 0) return -1;
		t.user[slot] = t.user[inviteSlot];
		t.transport[slot] = t.transport[inviteSlot];
		t.address[slot] = t.address[inviteSlot];
		t.serverName[slot] = t.serverName[inviteSlot];
		t.port[slot] = t.port[inviteSlot];
		t.connection[slot] = t.connection[inviteSlot];
		// §9.1: the CANCEL's top Via (so its branch) is the INVITE's.
		const at = inviteSlot * BRANCH_BYTES;
		t.setBranch(slot, t.branch, at, at + Math.min(t.branchLength[inviteSlot], BRANCH_BYTES), t.branchHash[inviteSlot]);
		t.branchLength[slot] = t.branchLength[inviteSlot];
		const length = this.#derived.cancel(t.writer[slot].reset(), t.writer[inviteSlot].buf, t.length[inviteSlot]);
		if (length < 0) {
			ctx.terminate(slot);
			return -1;
		}
		t.length[slot] = length;
		if (this.#wheel.capacity - this.#wheel.size < REQUEST_TIMERS || !ctx.transmit(slot) || !clientNonInviteSent(ctx, slot)) {
			ctx.terminate(slot);
			return -1;
		}
		return t.handleOf(slot);
	}
}
