// CANCEL of a client INVITE transaction — RFC 3261 §9.1: one CANCEL per INVITE, held back until a provisional
// response arrives, sent with the INVITE's branch to where the INVITE went, and the INVITE given up after 64·T1.
import { M_CANCEL } from "../sip/methods.js";
import type { InviteDerived } from "./ack-cancel.js";
import { type Admission, OWN } from "./admission.js";
import { clientNonInviteSent } from "./client-non-invite.js";
import { REQUEST_TIMERS, type TransactionContext } from "./context.js";
import { BRANCH_BYTES, CALLING, CLIENT_INVITE, CLIENT_NON_INVITE, PROCEEDING } from "./transaction-table.js";
import type { TimerWheel } from "./timer-wheel.js";

/** `cancelPending` once the CANCEL went out (1 = waiting for a provisional response). */
const CANCEL_SENT = 2;

export class ClientCancel {
	readonly #ctx: TransactionContext;
	readonly #admission: Admission;
	readonly #wheel: TimerWheel;
	readonly #derived: InviteDerived;

	constructor(ctx: TransactionContext, admission: Admission, wheel: TimerWheel, derived: InviteDerived) {
		this.#ctx = ctx;
		this.#admission = admission;
		this.#wheel = wheel;
		this.#derived = derived;
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
