// What the four transaction state machines need from the layer that runs them (RFC 3261 §17).
import type { MessageView } from "../sip/message-view.js";
import type { TransactionConfig } from "./config.js";
import { type TransactionTable, UDP } from "./transaction-table.js";

/** Timer kinds of a transaction slot (the timer wheel's `kind`; `arg` is the slot). */
export const RETRANSMIT = 1, TIMEOUT = 2, WAIT = 3, TRYING_DELAY = 4;
/** Timers one transaction holds at once, at most: a retransmission, a timeout and a wait (WAIT and TRYING_DELAY share one). */
export const TRANSACTION_TIMERS = 3;
/** Timers a client request needs when it goes out: A or E, and B or F (§17.1.1.2, §17.1.2.2). */
export const REQUEST_TIMERS = 2;

/** The layer's services, as the state machines see them. */
export interface TransactionContext {
	readonly table: TransactionTable;
	readonly config: TransactionConfig;
	/** Start timer `kind` of `slot` (replacing a running one of that kind); false when the timer wheel is full. */
	startTimer(slot: number, kind: number, ms: number): boolean;
	cancelTimer(slot: number, kind: number): void;
	/** Send the slot's stored message again; false on a transport error. */
	transmit(slot: number): boolean;
	/** Cancel the slot's timers and free it. */
	terminate(slot: number): void;
	/** §17.1.1.3: build and send the ACK for a non-2xx final response. */
	sendAck(slot: number, response: MessageView): void;
	/** §9.1: a CANCEL asked for before any provisional response goes out now. */
	sendPendingCancel(slot: number): void;
	/** §17.2.1: the 100 Trying a server INVITE transaction sends on its own. */
	sendTrying(slot: number): void;
	/** Tell the transaction's user (client) or the UA core (server) what happened. */
	reportResponse(slot: number, msg: MessageView): void;
	reportTimeout(slot: number): void;
	reportTransportError(slot: number): void;
	reportAckTimeout(slot: number): void;
}

/** Is the slot's transport reliable (TCP, TLS)? Retransmission timers are not used then (§17.1.1.2, §17.1.2.2), save for the 2xx (§13.3.1.4). */
export function reliable(ctx: TransactionContext, slot: number): boolean {
	return ctx.table.transport[slot] !== UDP;
}

/**
 * A client request went out: the retransmission timer (A or E) from T1 on UDP, the timeout (B or F) at 64·T1 always.
 * False when the wheel had no room: a request without its timeout could never end, so the caller fails it.
 */
export function startRequestTimers(ctx: TransactionContext, slot: number): boolean {
	const t1 = ctx.config.t1;
	if (!reliable(ctx, slot)) {
		ctx.table.interval[slot] = t1;
		if (!ctx.startTimer(slot, RETRANSMIT, t1)) return false;
	}
	return ctx.startTimer(slot, TIMEOUT, 64 * t1);
}

/**
 * Start the timer that ends the transaction (Timer D, H, I, J, K, L, M). With the wheel full the transaction ends at
 * once: what it still waited for (absorbing retransmissions, an ACK the UA also gets without it) is not worth a slot
 * that is never freed. The caller touches the slot no more.
 */
export function startOrEnd(ctx: TransactionContext, slot: number, kind: number, ms: number): void {
	if (!ctx.startTimer(slot, kind, ms)) ctx.terminate(slot);
}

/**
 * Start a retransmission timer again (A, E, G, the 2xx). With the wheel full there is no retransmission; the
 * transaction's timeout (B, F, H, L) still ends it.
 */
export function restartRetransmit(ctx: TransactionContext, slot: number): void {
	ctx.startTimer(slot, RETRANSMIT, ctx.table.interval[slot]);
}
