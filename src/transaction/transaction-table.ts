// The fixed pool of transactions: per-slot state in typed arrays, per-slot message storage — DESIGN.md §3.
import type { TransactionConfig } from "./config.js";
import { Writer } from "../sip/writer.js";
import type { MessageView } from "../sip/message-view.js";

/** Transaction kinds (RFC 3261 §17.1.1, §17.1.2, §17.2.1, §17.2.2). */
export const CLIENT_INVITE = 1, CLIENT_NON_INVITE = 2, SERVER_INVITE = 3, SERVER_NON_INVITE = 4;

/** States (§17 figures 5–8, RFC 6026 §7 Accepted). FREE = the slot holds no transaction. */
export const FREE = 0, CALLING = 1, TRYING = 2, PROCEEDING = 3, COMPLETED = 4, CONFIRMED = 5, ACCEPTED = 6, TERMINATED = 7;

/** Transports a transaction runs over (§18; TLS over TCP, §26, RFC 5630). TCP and TLS are the stream transports. */
export const UDP = 1, TCP = 2, TLS = 3;

/** How many branch bytes are kept for an exact compare; a longer branch is also compared by hash and length. */
export const BRANCH_BYTES = 64;

/** What a client transaction tells its user. RFC 3261 §17.1, RFC 6026 §8.4. */
export interface ClientTransactionUser {
	/** A response matched transaction `tx` (§17.1.3). `msg` is valid only during this call. */
	onResponse(tx: number, msg: MessageView): void;
	/** Timer B or F fired: act as if a 408 arrived (§8.1.3.1). */
	onTimeout(tx: number): void;
	/** The transport failed: act as if a 503 arrived (§8.1.3.1, §17.1.4). */
	onTransportError(tx: number): void;
}

/**
 * One row per transaction. Handles given out are `slot | generation << SLOT_BITS`, so a handle kept after its
 * transaction ended never reaches the slot's next occupant.
 */
export class TransactionTable {
	readonly capacity: number;
	readonly kind: Uint8Array;
	readonly state: Uint8Array;
	readonly generation: Uint32Array;
	/** The request's method id (methods.ts). */
	readonly method: Uint8Array;
	/** Retransmission timer (A, E, G, or the 2xx retransmission), timeout timer (B, F, H, L, M), wait timer (D, I, J, K, 100 Trying). */
	readonly retransmitTimer: Int32Array;
	readonly timeoutTimer: Int32Array;
	readonly waitTimer: Int32Array;
	/** Current retransmission interval (ms). */
	readonly interval: Int32Array;
	/** Transport, connection index (TCP, or -1) and destination of what the transaction sends. */
	readonly transport: Uint8Array;
	readonly connection: Int16Array;
	readonly port: Int32Array;
	readonly address: string[];
	/** For TLS: the name the server's certificate must prove (RFC 5922 §4.1); "" otherwise. */
	readonly serverName: string[];
	/** Matching keys: the branch (hash, length, first BRANCH_BYTES bytes), the sent-by hash (server side). */
	readonly branchHash: Uint32Array;
	readonly branchLength: Int32Array;
	readonly branch: Uint8Array;
	readonly sentByHash: Uint32Array;
	/** RFC 2543 matching (§17.2.3, no magic cookie): hash of Request-URI, From tag, Call-ID, CSeq number, top Via. */
	readonly legacyHash: Uint32Array;
	readonly legacy: Uint8Array;
	/** §8.2.2.2 merged requests and ACKs for 2xx: hash of From tag, Call-ID and CSeq number. */
	readonly dialogHash: Uint32Array;
	readonly cseq: Int32Array;
	/** Last status sent (server) or received (client); 0 when none. */
	readonly status: Int16Array;
	/** The request was merged with another (§8.2.2.2): the UA answers 482. */
	readonly merged: Uint8Array;
	/** The UA asked to CANCEL before a provisional response arrived (§9.1: sent when one does). */
	readonly cancelPending: Uint8Array;
	/** A server INVITE in Accepted state has seen the ACK for its 2xx (§13.3.1.4). */
	readonly acked: Uint8Array;
	readonly user: (ClientTransactionUser | null)[];
	/** The last message this transaction sent (kept for retransmission), written in place: `maxSendBytes` each. */
	readonly writer: Writer[];
	readonly length: Int32Array;
	/** Server transactions: what every response copies from the request (§8.2.6.2), rendered once. */
	readonly head: Writer[];
	/** Offset in `head` where the To value starts and ends, and whether it has a tag already. */
	readonly toStart: Int32Array;
	readonly toEnd: Int32Array;
	readonly toTagged: Uint8Array;
	/** Where the headers a response copied from the head end in `writer`: a 500 is made of them when it overflows. */
	readonly copiedEnd: Int32Array;
	/** Offset in `head` of the request's Timestamp lines, the last part: only a 100 (Trying) copies them (§8.2.6.1). */
	readonly timestampAt: Int32Array;
	/** Admission (admission.ts): the request keeps a live dialog working or is the station's own (1), or a stranger's (0). */
	readonly guarded: Uint8Array;
	/** When the slot was taken, as a count of allocations: the oldest is given up first. */
	readonly age: Uint32Array;
	/** While the layer reports on the slot to its user, the slot is not given up for another (nesting count). */
	readonly pinned: Uint8Array;

	#next = 0;
	#allocations = 0;

	constructor(config: TransactionConfig) {
		const n = (this.capacity = config.maxTransactions);
		if (n > SLOT_MASK + 1) throw new RangeError(`maxTransactions: at most ${SLOT_MASK + 1}, got ${n}`);
		this.kind = new Uint8Array(n);
		this.state = new Uint8Array(n);
		this.generation = new Uint32Array(n);
		this.method = new Uint8Array(n);
		this.retransmitTimer = new Int32Array(n).fill(-1);
		this.timeoutTimer = new Int32Array(n).fill(-1);
		this.waitTimer = new Int32Array(n).fill(-1);
		this.interval = new Int32Array(n);
		this.transport = new Uint8Array(n);
		this.connection = new Int16Array(n).fill(-1);
		this.port = new Int32Array(n);
		this.address = new Array<string>(n).fill("");
		this.serverName = new Array<string>(n).fill("");
		this.branchHash = new Uint32Array(n);
		this.branchLength = new Int32Array(n);
		this.branch = new Uint8Array(n * BRANCH_BYTES);
		this.sentByHash = new Uint32Array(n);
		this.legacyHash = new Uint32Array(n);
		this.legacy = new Uint8Array(n);
		this.dialogHash = new Uint32Array(n);
		this.cseq = new Int32Array(n);
		this.status = new Int16Array(n);
		this.merged = new Uint8Array(n);
		this.cancelPending = new Uint8Array(n);
		this.acked = new Uint8Array(n);
		this.user = new Array<ClientTransactionUser | null>(n).fill(null);
		this.writer = [];
		this.head = [];
		for (let i = 0; i < n; i++) {
			this.writer.push(new Writer(config.maxSendBytes));
			this.head.push(new Writer(config.maxHeadBytes));
		}
		this.length = new Int32Array(n);
		this.toStart = new Int32Array(n);
		this.toEnd = new Int32Array(n);
		this.toTagged = new Uint8Array(n);
		this.copiedEnd = new Int32Array(n);
		this.timestampAt = new Int32Array(n);
		this.guarded = new Uint8Array(n);
		this.age = new Uint32Array(n);
		this.pinned = new Uint8Array(n);
	}

	/** A free slot, set up for a transaction of `kind`, or -1 when the pool is full (the caller answers 503 or reports it). */
	allocate(kind: number, method: number): number {
		const n = this.capacity;
		for (let k = 0; k < n; k++) {
			const slot = (this.#next + k) % n;
			if (this.state[slot] !== FREE) continue;
			this.#next = (slot + 1) % n;
			this.kind[slot] = kind;
			this.method[slot] = method;
			// Generation 0 is skipped when the counter wraps: slot 0 would make handle 0, which `cancel()` means as "pending".
			this.generation[slot] = ((this.generation[slot] + 1) & GENERATION_MASK) || 1;
			this.state[slot] = kind === CLIENT_INVITE ? CALLING : kind === SERVER_INVITE ? PROCEEDING : TRYING;
			this.retransmitTimer[slot] = this.timeoutTimer[slot] = this.waitTimer[slot] = -1;
			this.connection[slot] = -1;
			this.status[slot] = 0;
			this.merged[slot] = this.cancelPending[slot] = this.acked[slot] = this.legacy[slot] = this.guarded[slot] = 0;
			this.age[slot] = ++this.#allocations;
			this.length[slot] = 0;
			this.user[slot] = null;
			this.address[slot] = "";
			this.serverName[slot] = "";
			return slot;
		}
		return -1;
	}

	/** Return a slot to the pool (timers must be cancelled by the caller). */
	release(slot: number): void {
		this.state[slot] = FREE;
		this.user[slot] = null;
		this.address[slot] = "";
	}

	handleOf(slot: number): number {
		return slot | (this.generation[slot] << SLOT_BITS);
	}
	/** The slot of a live handle, or -1 for a stale or foreign one. */
	slotOf(handle: number): number {
		if (handle < 0) return -1;
		const slot = handle & SLOT_MASK;
		if (slot >= this.capacity || this.state[slot] === FREE || this.generation[slot] !== handle >>> SLOT_BITS) return -1;
		return slot;
	}

	/** Remember the branch of a transaction for matching. */
	setBranch(slot: number, buf: Uint8Array, start: number, end: number, hash: number): void {
		const n = Math.min(end - start, BRANCH_BYTES);
		const at = slot * BRANCH_BYTES;
		for (let i = 0; i < n; i++) this.branch[at + i] = buf[start + i];
		this.branchLength[slot] = end - start;
		this.branchHash[slot] = hash;
	}
	/** Same branch as buf[start, end) (hash, length and the kept bytes)? */
	sameBranch(slot: number, buf: Uint8Array, start: number, end: number, hash: number): boolean {
		if (this.branchHash[slot] !== hash || this.branchLength[slot] !== end - start) return false;
		const n = Math.min(end - start, BRANCH_BYTES);
		const at = slot * BRANCH_BYTES;
		for (let i = 0; i < n; i++) if (this.branch[at + i] !== buf[start + i]) return false;
		return true;
	}
}

const SLOT_BITS = 10;
const SLOT_MASK = (1 << SLOT_BITS) - 1;
const GENERATION_MASK = (1 << (31 - SLOT_BITS)) - 1;
