// Server non-INVITE transaction — RFC 3261 §17.2.2.
import { WAIT, reliable, startOrEnd, type TransactionContext } from "./context.js";
import { COMPLETED, PROCEEDING, TRYING } from "./transaction-table.js";

/** A retransmitted request: absorbed in Trying, answered with the last response in Proceeding and Completed. */
export function serverNonInviteRetransmission(ctx: TransactionContext, slot: number): void {
	const state = ctx.table.state[slot];
	if (state === PROCEEDING || state === COMPLETED) ctx.transmit(slot);
}

/** The TU's response went out: Proceeding for 1xx; Completed with Timer J for a final one. */
export function serverNonInviteResponded(ctx: TransactionContext, slot: number, status: number): void {
	const table = ctx.table;
	if (status < 200) {
		table.state[slot] = PROCEEDING;
		return;
	}
	table.state[slot] = COMPLETED;
	if (reliable(ctx, slot)) ctx.terminate(slot); // Timer J = 0 on TCP
	else startOrEnd(ctx, slot, WAIT, 64 * ctx.config.t1); // Timer J
}

export function serverNonInviteTimer(ctx: TransactionContext, slot: number, kind: number): void {
	if (kind === WAIT) ctx.terminate(slot);
}

/** May the TU still respond (Trying or Proceeding)? */
export function serverNonInviteOpen(ctx: TransactionContext, slot: number): boolean {
	const state = ctx.table.state[slot];
	return state === TRYING || state === PROCEEDING;
}
