// Client INVITE transaction — RFC 3261 §17.1.1, RFC 6026 §7.2 (Accepted state, Timer M).
import type { MessageView } from "../sip/message-view.js";
import { RETRANSMIT, TIMEOUT, WAIT, reliable, restartRetransmit, startOrEnd, startRequestTimers, type TransactionContext } from "./context.js";
import { ACCEPTED, CALLING, COMPLETED, PROCEEDING } from "./transaction-table.js";

/** The INVITE went out (Calling): Timer A on UDP, Timer B always (§17.1.1.2). False: no room on the wheel. */
export function clientInviteSent(ctx: TransactionContext, slot: number): boolean {
	return startRequestTimers(ctx, slot);
}

/** A response matched the transaction (§17.1.1.2, RFC 6026 §8.4). */
export function clientInviteResponse(ctx: TransactionContext, slot: number, msg: MessageView): void {
	const table = ctx.table;
	const status = msg.status;
	const state = table.state[slot];
	table.status[slot] = status;
	if (status < 200) {
		if (state !== CALLING && state !== PROCEEDING) return;
		if (state === CALLING) {
			// §17.1.1.2: no more retransmissions once a provisional response arrived; Timer B applies to Calling only.
			ctx.cancelTimer(slot, RETRANSMIT);
			ctx.cancelTimer(slot, TIMEOUT);
			table.state[slot] = PROCEEDING;
			if (table.cancelPending[slot] === 1) ctx.sendPendingCancel(slot); // §9.1: asked for while Calling
		}
		ctx.reportResponse(slot, msg);
		return;
	}
	if (status < 300) {
		// RFC 6026 §7.2: 2xx → Accepted; every 2xx (retransmissions, other forks) goes to the TU, which ACKs it.
		if (state === CALLING || state === PROCEEDING) {
			ctx.cancelTimer(slot, RETRANSMIT);
			ctx.cancelTimer(slot, TIMEOUT);
			table.state[slot] = ACCEPTED;
			const timerM = ctx.startTimer(slot, WAIT, 64 * ctx.config.t1);
			ctx.reportResponse(slot, msg);
			// No Timer M (the wheel is full): the transaction ends now; later 2xx reach the UA as stray responses.
			if (!timerM) ctx.terminate(slot);
			return;
		}
		if (state === ACCEPTED) ctx.reportResponse(slot, msg);
		return;
	}
	// 300-699: ACK it ourselves (§17.1.1.3); a retransmission in Completed is ACKed again, not passed up.
	if (state === CALLING || state === PROCEEDING) {
		ctx.cancelTimer(slot, RETRANSMIT);
		ctx.cancelTimer(slot, TIMEOUT);
		table.state[slot] = COMPLETED;
		ctx.sendAck(slot, msg);
		ctx.reportResponse(slot, msg);
		if (reliable(ctx, slot)) ctx.terminate(slot); // Timer D = 0 on TCP
		else startOrEnd(ctx, slot, WAIT, ctx.config.timerD);
	} else if (state === COMPLETED) {
		ctx.transmit(slot); // the stored message is the ACK now
	}
}

/** Timer A (retransmit, doubling, §17.1.1.2), Timer B (timeout), Timer D / M (wait, then terminate). */
export function clientInviteTimer(ctx: TransactionContext, slot: number, kind: number): void {
	const table = ctx.table;
	if (kind === RETRANSMIT && table.state[slot] === CALLING) {
		if (!ctx.transmit(slot)) {
			ctx.reportTransportError(slot);
			ctx.terminate(slot);
			return;
		}
		table.interval[slot] *= 2; // Timer A doubles with no upper bound; Timer B ends it
		restartRetransmit(ctx, slot);
	} else if (kind === TIMEOUT && table.state[slot] === CALLING) {
		ctx.reportTimeout(slot);
		ctx.terminate(slot);
	} else if (kind === WAIT) {
		ctx.terminate(slot);
	}
}
