// Server INVITE transaction — RFC 3261 §17.2.1, RFC 6026 §7.1 (Accepted state, Timer L), §13.3.1.4 (2xx until ACK).
import { RETRANSMIT, TIMEOUT, TRYING_DELAY, WAIT, reliable, restartRetransmit, startOrEnd, type TransactionContext } from "./context.js";
import { ACCEPTED, COMPLETED, CONFIRMED, PROCEEDING } from "./transaction-table.js";

/** A new INVITE (Proceeding): 100 Trying unless the TU answers within 200 ms (§17.2.1). */
export function serverInviteReceived(ctx: TransactionContext, slot: number): void {
	// No room on the wheel for the delay: the 100 goes at once (§17.2.1 allows it sooner).
	if (!ctx.startTimer(slot, TRYING_DELAY, ctx.config.tryingDelay)) ctx.sendTrying(slot);
}

/** A retransmitted INVITE: resend the last provisional (Proceeding) or final (Completed) response (§17.2.1). */
export function serverInviteRetransmission(ctx: TransactionContext, slot: number): void {
	const state = ctx.table.state[slot];
	if ((state === PROCEEDING || state === COMPLETED) && ctx.table.status[slot] !== 0) ctx.transmit(slot);
	// RFC 6026 §7.1: in Accepted the retransmitted INVITE is absorbed (the 2xx is resent on its own schedule).
}

/** The TU's response went out (the layer already sent it): move the state machine. */
export function serverInviteResponded(ctx: TransactionContext, slot: number, status: number): void {
	const table = ctx.table;
	ctx.cancelTimer(slot, TRYING_DELAY);
	if (status < 200) return;
	const t1 = ctx.config.t1;
	if (status < 300) {
		// RFC 6026 §7.1: Accepted, Timer L; §13.3.1.4: the 2xx is retransmitted (T1 doubling to T2) until the ACK,
		// "independent of whatever transport protocols are used": there may be UDP hops between the UAs.
		table.state[slot] = ACCEPTED;
		table.interval[slot] = t1;
		restartRetransmit(ctx, slot);
		startOrEnd(ctx, slot, TIMEOUT, 64 * t1); // Timer L
		return;
	}
	table.state[slot] = COMPLETED;
	if (!reliable(ctx, slot)) {
		table.interval[slot] = t1;
		restartRetransmit(ctx, slot); // Timer G
	}
	startOrEnd(ctx, slot, TIMEOUT, 64 * t1); // Timer H
}

/** The ACK for a non-2xx final response (§17.2.1): Confirmed, Timer I absorbs further ACKs. */
export function serverInviteAck(ctx: TransactionContext, slot: number): void {
	if (ctx.table.state[slot] !== COMPLETED) return;
	ctx.cancelTimer(slot, RETRANSMIT);
	ctx.cancelTimer(slot, TIMEOUT);
	ctx.table.state[slot] = CONFIRMED;
	if (reliable(ctx, slot)) ctx.terminate(slot);
	else startOrEnd(ctx, slot, WAIT, ctx.config.t4); // Timer I
}

/** The ACK for the 2xx arrived (§13.3.1.4): stop retransmitting; the transaction stays until Timer L. */
export function serverInviteAckFor2xx(ctx: TransactionContext, slot: number): void {
	ctx.table.acked[slot] = 1;
	ctx.cancelTimer(slot, RETRANSMIT);
}

export function serverInviteTimer(ctx: TransactionContext, slot: number, kind: number): void {
	const table = ctx.table;
	const state = table.state[slot];
	if (kind === TRYING_DELAY) {
		if (state === PROCEEDING && table.status[slot] === 0) ctx.sendTrying(slot);
	} else if (kind === RETRANSMIT && (state === COMPLETED || (state === ACCEPTED && table.acked[slot] === 0))) {
		// Timer G (non-2xx) and the 2xx retransmission both double up to T2.
		if (!ctx.transmit(slot)) {
			ctx.reportTransportError(slot);
			ctx.terminate(slot);
			return;
		}
		table.interval[slot] = Math.min(2 * table.interval[slot], ctx.config.t2);
		restartRetransmit(ctx, slot);
	} else if (kind === TIMEOUT) {
		// Timer H (no ACK for a non-2xx) or Timer L (Accepted over; no ACK for the 2xx → the UA sends BYE).
		if (state === COMPLETED || (state === ACCEPTED && table.acked[slot] === 0)) ctx.reportAckTimeout(slot);
		ctx.terminate(slot);
	} else if (kind === WAIT) {
		ctx.terminate(slot); // Timer I
	}
}
