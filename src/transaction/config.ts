// Timer values and pool sizes of the transaction layer — RFC 3261 §17.1.1.1, Table 4 (Appendix A).
import type { Limits } from "../sip/limits.js";

export interface TransactionConfig {
	/** RTT estimate (T1, default 500 ms): Timer A, E and G start here; B, F, H, J, L, M are 64·T1. */
	readonly t1: number;
	/** Maximum retransmit interval for non-INVITE requests and INVITE responses (T2, default 4 s). */
	readonly t2: number;
	/** Maximum time a message stays in the network (T4, default 5 s): Timers I and K. */
	readonly t4: number;
	/** A server INVITE transaction sends 100 Trying if the TU has not answered within this (§17.2.1: 200 ms). */
	readonly tryingDelay: number;
	/** Timer D on an unreliable transport (§17.1.1.2: at least 32 s). */
	readonly timerD: number;
	/** Transactions in the pool (client and server together). */
	readonly maxTransactions: number;
	/**
	 * Slots of the pool a stranger's request (outside any dialog) never takes: they stay for requests inside dialogs
	 * and the station's own (admission.ts). 0: none kept.
	 */
	readonly reservedTransactions: number;
	/** Unanswered requests outside dialogs one source (address and port) may hold at once; more get a stateless 503. 0: no limit. */
	readonly maxPerSource: number;
	/** Retry-After (seconds) in the 503 a full pool answers with (§21.5.4). */
	readonly retryAfter: number;
	/** Bytes a server transaction keeps of its request to build responses later (Via stack, From, To, Call-ID, CSeq). */
	readonly maxHeadBytes: number;
	/**
	 * Largest message the station writes and keeps for retransmission: its own requests and its responses (a
	 * transaction keeps what it sends, not what it receives). Default: `limits.maxMessageBytes`. A request beyond it is
	 * not sent (the sender hears why); a response beyond it goes out as a 500 built from the head, so it must hold a
	 * whole head and that 500: at least `maxHeadBytes` + RESPONSE_MARGIN.
	 */
	readonly maxSendBytes: number;
	readonly limits: Limits;
}

/** RFC 3261 Table 4 values. */
export const T1 = 500, T2 = 4000, T4 = 5000;
/** What a response adds to the head it copies when all else fails: the 500's Status-Line, a To tag, Content-Length. */
export const RESPONSE_MARGIN = 256;

/** The transaction layer's configuration (configuration time only: allocates; a send size too small for a head throws). */
export function transactionConfig(limits: Limits, changes: Partial<Omit<TransactionConfig, "limits">> = {}): TransactionConfig {
	const c: TransactionConfig = Object.freeze({
		t1: T1,
		t2: T2,
		t4: T4,
		tryingDelay: 200,
		timerD: 32000,
		maxTransactions: 16,
		reservedTransactions: 0,
		maxPerSource: 0,
		retryAfter: 5,
		maxHeadBytes: 2048,
		maxSendBytes: limits.maxMessageBytes,
		...changes,
		limits,
	});
	if (c.maxSendBytes < c.maxHeadBytes + RESPONSE_MARGIN) {
		throw new RangeError(`maxSendBytes: at least maxHeadBytes + ${RESPONSE_MARGIN} (${c.maxHeadBytes + RESPONSE_MARGIN}), got ${c.maxSendBytes}`);
	}
	return c;
}
