// Client non-INVITE transaction — RFC 3261 §17.1.2.
import type { MessageView } from "../sip/message-view.js";
import { RETRANSMIT, TIMEOUT, WAIT, reliable, restartRetransmit, startOrEnd, startRequestTimers, type TransactionContext } from "./context.js";
import { COMPLETED, PROCEEDING, TRYING } from "./transaction-table.js";

/** The request went out (Trying): Timer E on UDP, Timer F always (§17.1.2.2). False: no room on the wheel. */
export function clientNonInviteSent(ctx: TransactionContext, slot: number): boolean {
	return startRequestTimers(ctx, slot);
}

export function clientNonInviteResponse(ctx: TransactionContext, slot: number, msg: MessageView): void {
	const table = ctx.table;
	const state = table.state[slot];
	if (state !== TRYING && state !== PROCEEDING) return; // Completed absorbs retransmitted finals
	table.status[slot] = msg.status;
	if (msg.status < 200) {
		table.state[slot] = PROCEEDING;
		ctx.reportResponse(slot, msg);
		return;
	}
	ctx.cancelTimer(slot, RETRANSMIT);
	ctx.cancelTimer(slot, TIMEOUT);
	table.state[slot] = COMPLETED;
	ctx.reportResponse(slot, msg);
	if (reliable(ctx, slot)) ctx.terminate(slot); // Timer K = 0 on TCP
	else startOrEnd(ctx, slot, WAIT, ctx.config.t4); // Timer K
}

/** Timer E (retransmit: doubling to T2 in Trying, T2 in Proceeding), Timer F (timeout), Timer K (wait). */
export function clientNonInviteTimer(ctx: TransactionContext, slot: number, kind: number): void {
	const table = ctx.table;
	const state = table.state[slot];
	if (kind === RETRANSMIT && (state === TRYING || state === PROCEEDING)) {
		if (!ctx.transmit(slot)) {
			ctx.reportTransportError(slot);
			ctx.terminate(slot);
			return;
		}
		const t2 = ctx.config.t2;
		table.interval[slot] = state === TRYING ? Math.min(2 * table.interval[slot], t2) : t2;
		restartRetransmit(ctx, slot);
	} else if (kind === TIMEOUT && (state === TRYING || state === PROCEEDING)) {
		ctx.reportTimeout(slot);
		ctx.terminate(slot);
	} else if (kind === WAIT) {
		ctx.terminate(slot);
	}
}
