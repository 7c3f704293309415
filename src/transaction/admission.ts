// Admission to the transaction pool: who gets a slot when it is full, and what is given up first — DESIGN.md §3;
// RFC 3261 §17.1.1.2, §17.2.1, §17.2.2 (what a done transaction still waits for), RFC 6026 §7 (Accepted), §21.5.4 (503).
import type { TransactionConfig } from "./config.js";
import {
	ACCEPTED, CLIENT_INVITE, COMPLETED, CONFIRMED, FREE, PROCEEDING, SERVER_INVITE, SERVER_NON_INVITE, TRYING, type TransactionTable,
} from "./transaction-table.js";

/** Who asks for a slot: a stranger (a request outside any dialog), a request of a live dialog, the station itself. */
export const STRANGER = 0, IN_DIALOG = 1, OWN = 2;

/**
 * What may be given up, from the most expendable (DESIGN.md §3: a fixed pool must not become a lock):
 * 1. a transaction that only absorbs retransmissions (Timer J, K, D, I: §17.1.1.2, §17.1.2.2, §17.2.1, §17.2.2);
 * 2. an INVITE whose dialog is confirmed or was never made: ours in Accepted (we ACKed; Timer M only catches forks,
 *    RFC 6026 §7.2), theirs in Accepted after the ACK, theirs in Completed (an error answer waiting for its ACK);
 * 3. a stranger's request not answered yet, from the source holding the most of them (it gets 503 first).
 * A request of a live dialog and the station's own are never given up.
 */
const ABSORBING = 1, DONE_INVITE = 2, UNANSWERED = 3;

/** What the admission needs from the layer. */
export interface AdmissionOwner {
	/** Free a slot whose transaction is done (tiers 1 and 2): nobody is told. */
	terminate(slot: number): void;
	/** Give up an unanswered request (tier 3): answer it 503 with Retry-After, free the slot, tell the user. */
	giveUp(slot: number): void;
}

export class Admission {
	readonly #t: TransactionTable;
	readonly #owner: AdmissionOwner;
	readonly #reserved: number;
	readonly #perSource: number;

	constructor(table: TransactionTable, config: TransactionConfig, owner: AdmissionOwner) {
		this.#t = table;
		this.#owner = owner;
		this.#reserved = Math.min(config.reservedTransactions, table.capacity);
		this.#perSource = config.maxPerSource;
	}

	/**
	 * A slot for a new transaction of `kind` asked for by `who`, or -1. A stranger takes a free slot only while more
	 * than the reserved ones are free, else the slot of a done transaction (tiers 1–2); a live dialog's request and the
	 * station's own take any free slot, else give up what is most expendable, down to tier 3.
	 */
	allocate(kind: number, method: number, who: number): number {
		const t = this.#t;
		let slot = who === STRANGER && this.#freeCount() <= this.#reserved ? -1 : t.allocate(kind, method);
		if (slot < 0) slot = this.#evict(kind, method, who === STRANGER ? DONE_INVITE : UNANSWERED);
		if (slot >= 0) t.guarded[slot] = who === STRANGER ? 0 : 1;
		return slot;
	}

	/**
	 * Does the source at address:port hold its share of unanswered requests already (`maxPerSource`)? Its next
	 * request outside a dialog is answered statelessly, without a slot: one sender cannot take the pool.
	 */
	overShare(address: string, port: number): boolean {
		const limit = this.#perSource;
		if (limit <= 0) return false;
		const t = this.#t;
		let n = 0;
		for (let s = 0; s < t.capacity; s++) {
			if (this.#unanswered(s) && t.port[s] === port && t.address[s] === address && ++n >= limit) return true;
		}
		return false;
	}

	#freeCount(): number {
		const t = this.#t;
		let n = 0;
		for (let s = 0; s < t.capacity; s++) if (t.state[s] === FREE) n++;
		return n;
	}

	#evict(kind: number, method: number, deepest: number): number {
		for (let tier = ABSORBING; tier <= deepest;) {
			const victim = tier === UNANSWERED ? this.#busiestSourcesOldest() : this.#oldest(tier);
			if (victim < 0) {
				tier++;
				continue;
			}
			if (tier === UNANSWERED) this.#owner.giveUp(victim);
			else this.#owner.terminate(victim);
			const slot = this.#t.allocate(kind, method);
			if (slot >= 0) return slot;
			// Whoever heard of the given-up request took the slot meanwhile: give up the next one.
		}
		return -1;
	}

	/** The oldest slot of `tier` (1 or 2), or -1. */
	#oldest(tier: number): number {
		const t = this.#t;
		let best = -1;
		for (let s = 0; s < t.capacity; s++) {
			if (t.pinned[s] !== 0 || !(tier === ABSORBING ? this.#absorbing(s) : this.#doneInvite(s))) continue;
			if (best < 0 || t.age[s] < t.age[best]) best = s;
		}
		return best;
	}

	/** Tier 3: the oldest unanswered request of the source that holds the most of them, or -1. */
	#busiestSourcesOldest(): number {
		const t = this.#t;
		let best = -1, bestCount = 0;
		for (let s = 0; s < t.capacity; s++) {
			if (t.pinned[s] !== 0 || !this.#unanswered(s)) continue;
			let count = 0;
			for (let o = 0; o < t.capacity; o++) {
				if (this.#unanswered(o) && t.port[o] === t.port[s] && t.address[o] === t.address[s]) count++;
			}
			if (count > bestCount || (count === bestCount && t.age[s] < t.age[best])) {
				best = s;
				bestCount = count;
			}
		}
		return best;
	}

	/** Tier 1: a transaction done but for absorbing retransmissions (server non-INVITE, client, or ACKed error INVITE). */
	#absorbing(s: number): boolean {
		const t = this.#t, k = t.kind[s], state = t.state[s];
		return (state === COMPLETED && k !== SERVER_INVITE) || (state === CONFIRMED && k === SERVER_INVITE);
	}

	/** Tier 2: an INVITE whose dialog is confirmed, or was never made. */
	#doneInvite(s: number): boolean {
		const t = this.#t, k = t.kind[s], state = t.state[s];
		if (k === CLIENT_INVITE) return state === ACCEPTED;
		return k === SERVER_INVITE && (state === COMPLETED || (state === ACCEPTED && t.acked[s] === 1));
	}

	/** Tier 3 (and the per-source share): a stranger's request with no final answer yet. */
	#unanswered(s: number): boolean {
		const t = this.#t, k = t.kind[s], state = t.state[s];
		if (t.guarded[s] !== 0) return false;
		return (k === SERVER_INVITE && state === PROCEEDING) || (k === SERVER_NON_INVITE && (state === TRYING || state === PROCEEDING));
	}
}
