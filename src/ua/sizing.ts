// How big the station's pools and its one timer wheel are, counted per owner — DESIGN.md §3 (sized once, from the
// configuration), §4 (the wheel counts the timers each owner can hold; a full wheel is an error, never a lost timer).
import { TRANSACTION_TIMERS } from "../transaction/context.js";
import { KEEPALIVE_TIMERS } from "../transaction/keepalive.js";
import { CONNECTION_TIMERS } from "../transaction/connections.js";
import { DNS_QUERY_TIMERS } from "../dns/dns-client.js";
import { CALL_TIMERS } from "./call-context.js";
import { REGISTRATION_TIMERS } from "./registration.js";
import type { UaConfig } from "./ua-config.js";

/** Transactions a call can hold at once: its INVITE, a CANCEL or a re-INVITE, its BYE, an INFO or UPDATE. */
export const TRANSACTIONS_PER_CALL = 4;
/** Transactions beside the calls': REGISTER, a keep-alive OPTIONS, and room for strangers' OPTIONS and INVITEs. */
export const TRANSACTIONS_BESIDE_CALLS = 8;
/** Slots strangers never take: what a call's dialog may need at once (its BYE, a re-INVITE or INFO) and REGISTER, keep-alive. */
export const RESERVED_PER_CALL = 2, RESERVED_BESIDE_CALLS = 2;
/** TCP connections (accepted and the station's own) when the configuration names no number. */
export const DEFAULT_CONNECTIONS = 4;

export interface SizingOptions {
	/** Transactions in the pool (default: from `maxCalls`); never fewer than the calls need. */
	readonly transactions?: number;
	/** TCP connections at once (default 4). */
	readonly connections?: number;
	/**
	 * Timers the application holds at once, on top of the stack's (button debounce, ring timeouts, relay pulse, LED
	 * blinking, call limits, inter-digit timeout ...): the application counts its own.
	 */
	readonly applicationTimers?: number;
	/** DNS lookups in flight at once (the host's DnsClient `maxQueries`): each holds a retransmission timer. */
	readonly dnsQueries?: number;
}

/** The sizes a host builds the station with (transactionConfig, Transport, TimerWheel). */
export interface StationSizes {
	readonly transactions: number;
	/** Of those, kept for requests inside dialogs and the station's own (admission.ts). */
	readonly reservedTransactions: number;
	/** Unanswered requests outside dialogs one source may hold at once: half of what strangers may take, at least 2. */
	readonly maxPerSource: number;
	readonly connections: number;
	/** The timer wheel's capacity: `timerCapacity` of all of the above. */
	readonly timers: number;
}

/** What holds timers, as counts of owners. */
export interface TimerOwners {
	readonly transactions: number;
	readonly connections: number;
	readonly calls: number;
	/** A registration and a keep-alive (the UA has one of each; a bare transaction layer none). */
	readonly registration: boolean;
	readonly application?: number;
	/** DNS lookups in flight at once: one retransmission timer each (src/dns/dns-client.ts). */
	readonly dnsQueries?: number;
}

/**
 * The timers all owners can hold at once: 3 per transaction (retransmission, timeout, wait), 2 per connection (idle
 * check, pong), 5 per call (session refresh and expiry, glare, CANCEL and BYE give-up), 1 for the registration, 1 for
 * the keep-alive, 1 per DNS lookup in flight, and what the application says it needs.
 */
export function timerCapacity(o: TimerOwners): number {
	return o.transactions * TRANSACTION_TIMERS + o.connections * CONNECTION_TIMERS + o.calls * CALL_TIMERS +
		(o.registration ? REGISTRATION_TIMERS + KEEPALIVE_TIMERS : 0) + (o.dnsQueries ?? 0) * DNS_QUERY_TIMERS + (o.application ?? 0);
}

/** Size the station from its UA configuration: a pool for `maxCalls` calls at once (a parallel call list), and the wheel. */
export function stationSizes(ua: Pick<UaConfig, "maxCalls">, options: SizingOptions = {}): StationSizes {
	const calls = ua.maxCalls;
	const needed = TRANSACTIONS_PER_CALL * calls + TRANSACTIONS_BESIDE_CALLS;
	const transactions = Math.max(options.transactions ?? needed, needed);
	const reservedTransactions = RESERVED_PER_CALL * calls + RESERVED_BESIDE_CALLS;
	const maxPerSource = Math.max(2, Math.floor((transactions - reservedTransactions) / 2));
	const connections = options.connections ?? DEFAULT_CONNECTIONS;
	const timers = timerCapacity({ transactions, connections, calls, registration: true, application: options.applicationTimers, dnsQueries: options.dnsQueries });
	return Object.freeze({ transactions, reservedTransactions, maxPerSource, connections, timers });
}
