// The transaction layer: fixed pool, matching, dispatch to the four state machines — RFC 3261 §17, RFC 6026.
import type { Random } from "../host.js";
import type { MessageView } from "../sip/message-view.js";
import type { Validator } from "../sip/validate.js";
import { Writer } from "../sip/writer.js";
import { ascii, randomHex } from "../sip/bytes.js";
import { H_CALL_ID, H_CSEQ, H_FROM, H_RETRY_AFTER, H_TIMESTAMP, H_TO } from "../sip/header-ids.js";
import { METHOD_BYTES, M_ACK, M_CANCEL, M_INVITE } from "../sip/methods.js";
import { hasTag, NameAddr } from "../sip/name-addr.js";
import { Reason } from "../sip/verdict.js";
import { BranchMaker, type ViaView } from "../sip/via.js";
import type { TransactionConfig } from "./config.js";
import { Admission, IN_DIALOG, OWN, STRANGER, type AdmissionOwner } from "./admission.js";
import { REQUEST_TIMERS, RETRANSMIT, TIMEOUT, WAIT, type TransactionContext } from "./context.js";
import { FNV_START, hashBytes, hashBytesIgnoreCase, hashNumber } from "./key.js";
import { clientInviteResponse, clientInviteSent, clientInviteTimer } from "./client-invite.js";
import { clientNonInviteResponse, clientNonInviteSent, clientNonInviteTimer } from "./client-non-invite.js";
import {
	serverInviteAck, serverInviteAckFor2xx, serverInviteReceived, serverInviteResponded, serverInviteRetransmission,
	serverInviteTimer,
} from "./server-invite.js";
import { serverNonInviteOpen, serverNonInviteResponded, serverNonInviteRetransmission, serverNonInviteTimer } from "./server-non-invite.js";
import {
	ACCEPTED, CALLING, CLIENT_INVITE, CLIENT_NON_INVITE, FREE, PROCEEDING, SERVER_INVITE, SERVER_NON_INVITE, TCP,
	TransactionTable, UDP, type ClientTransactionUser,
} from "./transaction-table.js";
import type { TimerOwner, TimerWheel } from "./timer-wheel.js";
import type { Source, Transport, TransportUser } from "./transport.js";
import { InviteDerived } from "./ack-cancel.js";

/** What the server side tells the UA core (its transaction user). Views are valid only during the call. */
export interface ServerTransactionUser {
	/** A new request with its server transaction `tx` (retransmissions are absorbed below, §17.2). */
	onRequest(tx: number, msg: MessageView, source: Source): void;
	/** CANCEL matched INVITE transaction `inviteTx` (§9.2); `cancelTx` is the CANCEL's own (answer it 200). */
	onCancel(inviteTx: number, cancelTx: number, msg: MessageView): void;
	/** An ACK outside any transaction: for the 2xx of `inviteTx` (§13.3.1.4), or -1 when none matches. */
	onAck(inviteTx: number, msg: MessageView, source: Source): void;
	/** Timer H or L ran out with no ACK (§17.2.1; §13.3.1.4: for a 2xx the UA then ends the call with BYE). */
	onAckTimeout(tx: number): void;
	/** A response of transaction `tx` could not be sent (§17.2.4). */
	onServerTransportError(tx: number): void;
	/** A response that matches no client transaction (§17.1.3; e.g. a late 2xx after Timer M): the UA core decides. */
	onStrayResponse(msg: MessageView, source: Source): void;
	/**
	 * Is this new request (it has a To tag) part of a live dialog of the user's (§12.2.2)? Such a request always finds
	 * a slot (admission.ts). Unanswered: no.
	 */
	isInDialog?(msg: MessageView): boolean;
	/** Does a live dialog of the user's run over TCP connection `index`? The transport then neither closes nor gives it up. */
	carriesDialog?(index: number): boolean;
}

const TRYING = ascii("Trying"), TAG = ascii(";tag="), R_SERVICE_UNAVAILABLE = ascii("Service Unavailable");
/** `cancelPending` value once the CANCEL went out (1 = waiting for a provisional response). */
const CANCEL_SENT = 2;
const R_HEAD_TOO_LARGE = new Reason(513, "Message Too Large: Via stack");

export interface TransactionLayerOptions {
	readonly config: TransactionConfig;
	readonly transport: Transport;
	readonly wheel: TimerWheel;
	readonly random: Random;
	readonly user: ServerTransactionUser;
}

/**
 * Client and server transactions in one fixed pool. Handles are integers (`-1` = none); a full pool answers
 * a new request with `503 Service Unavailable` + Retry-After and refuses a new client transaction with -1.
 */
export class TransactionLayer implements TransportUser, TimerOwner, TransactionContext, AdmissionOwner {
	readonly table: TransactionTable;
	readonly config: TransactionConfig;
	readonly #transport: Transport;
	readonly #wheel: TimerWheel;
	readonly #random: Random;
	readonly #user: ServerTransactionUser;
	readonly #owner: number;
	readonly #branch = new BranchMaker();
	readonly #admission: Admission;
	readonly #tagRandom = new Uint8Array(8);
	readonly #tag = new Uint8Array(16);
	readonly #scratch: Writer;
	readonly #nameAddr = new NameAddr();
	readonly #derived: InviteDerived;

	constructor(options: TransactionLayerOptions) {
		this.config = options.config;
		this.table = new TransactionTable(options.config);
		this.#admission = new Admission(this.table, options.config, this);
		this.#transport = options.transport;
		this.#wheel = options.wheel;
		this.#random = options.random;
		this.#user = options.user;
		this.#owner = options.wheel.register(this);
		this.#scratch = new Writer(options.config.limits.maxMessageBytes);
		this.#derived = new InviteDerived(options.config.limits);
		options.transport.setUser(this);
	}

	// ---- client side (§17.1) ----

	/**
	 * Open a client transaction and write its Request-Line and top Via (§8.1.1, §18.1.1). The UA writes the
	 * other headers and the body with `writer(tx)`, then calls `send(tx)`. Returns -1 when the pool is full.
	 */
	request(user: ClientTransactionUser, method: number, uri: Uint8Array, uriStart: number, uriEnd: number,
		transport: number, address: string, port: number): number {
		const t = this.table;
		const slot = this.#admission.allocate(method === M_INVITE ? CLIENT_INVITE : CLIENT_NON_INVITE, method, OWN);
		if (slot < 0) return -1;
		t.user[slot] = user;
		t.transport[slot] = transport;
		t.address[slot] = address;
		t.port[slot] = port;
		const branch = this.#branch.next(this.#random);
		t.setBranch(slot, branch, 0, branch.length, hashBytes(FNV_START, branch, 0, branch.length));
		const w = t.writer[slot].reset();
		w.requestLine(METHOD_BYTES[method], uri, uriStart, uriEnd);
		this.#transport.writeVia(w, transport, branch, 0, branch.length);
		return t.handleOf(slot);
	}

	/** The writer holding transaction `tx`'s message (valid until `send` / `sendResponse`). */
	writer(tx: number): Writer | null {
		const slot = this.table.slotOf(tx);
		return slot < 0 ? null : this.table.writer[slot];
	}

	/** Send the request written for `tx` and start its state machine. False (and `tx` ended) on an error. */
	send(tx: number): boolean {
		const t = this.table;
		const slot = t.slotOf(tx);
		if (slot < 0 || t.length[slot] !== 0) return false;
		const w = t.writer[slot];
		const length = w.finish();
		// A request whose Timer B / F cannot run could never end (DESIGN.md §4): it fails before it goes out.
		if (length < 0 || this.#wheel.capacity - this.#wheel.size < REQUEST_TIMERS) {
			this.terminate(slot);
			return false;
		}
		t.length[slot] = length;
		let sent: boolean;
		if (this.#transport.mustUseTcp(t.transport[slot], length)) {
			// §18.1.1: too large for UDP; the top Via must say TCP. If TCP cannot be had, the RFC's fallback is UDP.
			this.#transport.switchVia(w.buf, 0, length, TCP);
			t.transport[slot] = TCP;
			sent = this.transmit(slot);
			if (!sent) {
				this.#transport.switchVia(w.buf, 0, length, UDP);
				t.transport[slot] = UDP;
				t.connection[slot] = -1;
				sent = this.transmit(slot);
			}
		} else {
			sent = this.transmit(slot);
		}
		if (!sent) {
			this.terminate(slot);
			return false;
		}
		if (!(t.kind[slot] === CLIENT_INVITE ? clientInviteSent(this, slot) : clientNonInviteSent(this, slot))) {
			this.terminate(slot); // the wheel filled up meanwhile (a TCP connection took a timer): fail as if not sent
			return false;
		}
		return true;
	}

	/**
	 * CANCEL the INVITE of client transaction `inviteTx` (§9.1), with the INVITE's user hearing the CANCEL's
	 * responses. Returns the CANCEL's transaction, 0 when it waits for a provisional response (§9.1: sent when
	 * one arrives), or -1 when there is nothing to cancel (a final response came) or no slot.
	 */
	cancel(inviteTx: number): number {
		const t = this.table;
		const slot = t.slotOf(inviteTx);
		if (slot < 0 || t.kind[slot] !== CLIENT_INVITE) return -1;
		const state = t.state[slot];
		if (state !== CALLING && state !== PROCEEDING) return -1; // a final response came: nothing to cancel
		if (t.cancelPending[slot] !== 0) return 0; // asked already: one CANCEL per INVITE
		if (state === CALLING) {
			t.cancelPending[slot] = 1;
			return 0;
		}
		t.cancelPending[slot] = CANCEL_SENT;
		return this.#sendCancel(slot);
	}

	/**
	 * §9.1: "If there is no final response for the original request in 64*T1 seconds ... the client SHOULD then
	 * consider the original transaction cancelled and SHOULD destroy the client transaction handling the original
	 * request." A Proceeding INVITE has no timer of its own that would end it.
	 */
	destroyCancelled(inviteTx: number): void {
		const slot = this.table.slotOf(inviteTx);
		if (slot >= 0 && this.table.kind[slot] === CLIENT_INVITE && (this.table.state[slot] === CALLING || this.table.state[slot] === PROCEEDING)) {
			this.terminate(slot);
		}
	}

	// ---- server side (§17.2) ----

	/**
	 * Start a response for server transaction `tx`: Status-Line and the request's Via, From, To (with `toTag`
	 * added when the To has none, §8.2.6.2), Call-ID and CSeq; a 100 also the Timestamp (§8.2.6.1). The UA adds
	 * headers and the body, then calls `sendResponse(tx)`. Null when the transaction can no longer respond.
	 */
	respond(tx: number, status: number, reason: Uint8Array, toTag?: Uint8Array): Writer | null {
		const t = this.table;
		const slot = t.slotOf(tx);
		if (slot < 0 || !this.#mayRespond(slot)) return null;
		const w = t.writer[slot].reset();
		const head = t.head[slot];
		w.statusLine(status, reason);
		w.bytes(head.buf, 0, t.toStart[slot]);
		w.name(H_TO).bytes(head.buf, t.toStart[slot], t.toEnd[slot]);
		if (toTag !== undefined && t.toTagged[slot] === 0 && status > 100) w.bytes(TAG).bytes(toTag);
		// §8.2.6.1: "any Timestamp header field present in the request MUST be copied into this 100 (Trying)".
		w.crlf().bytes(head.buf, t.toEnd[slot], status === 100 ? head.pos : t.timestampAt[slot]);
		t.length[slot] = -1; // being written
		return w;
	}

	/** Send the response written for `tx` and move its state machine (§17.2.1, §17.2.2). */
	sendResponse(tx: number): boolean {
		const t = this.table;
		const slot = t.slotOf(tx);
		if (slot < 0 || t.length[slot] !== -1) return false;
		const length = t.writer[slot].finish();
		if (length < 0) {
			t.length[slot] = 0;
			return false;
		}
		t.length[slot] = length;
		const status = parseStatus(t.writer[slot].buf);
		t.status[slot] = status;
		if (!this.transmit(slot)) {
			this.reportTransportError(slot);
			this.terminate(slot);
			return false;
		}
		if (t.kind[slot] === SERVER_INVITE) serverInviteResponded(this, slot, status);
		else serverNonInviteResponded(this, slot, status);
		return true;
	}

	/** §8.2.2.2: the request of `tx` merged with another transaction's (same From tag, Call-ID, CSeq): answer 482. */
	isMerged(tx: number): boolean {
		const slot = this.table.slotOf(tx);
		return slot >= 0 && this.table.merged[slot] === 1;
	}

	/** The state of `tx` (transaction-table.ts constants), FREE when it has ended. */
	stateOf(tx: number): number {
		const slot = this.table.slotOf(tx);
		return slot < 0 ? FREE : this.table.state[slot];
	}

	/** How many transactions are live (tests, the simulator's status line). */
	get active(): number {
		let n = 0;
		for (let i = 0; i < this.table.capacity; i++) if (this.table.state[i] !== FREE) n++;
		return n;
	}

	// ---- from the transport (§17.1.3, §17.2.3) ----

	onResponse(msg: MessageView, validator: Validator, source: Source): void {
		const via = validator.topVia;
		const t = this.table;
		const method = validator.cseq.methodId;
		if (via.branch.start >= 0) {
			const buf = msg.buf, bs = via.branch.start, be = via.branch.end;
			const hash = hashBytes(FNV_START, buf, bs, be);
			for (let slot = 0; slot < t.capacity; slot++) {
				const kind = t.kind[slot];
				if (t.state[slot] === FREE || (kind !== CLIENT_INVITE && kind !== CLIENT_NON_INVITE)) continue;
				if (t.method[slot] !== method || !t.sameBranch(slot, buf, bs, be, hash)) continue;
				if (kind === CLIENT_INVITE) clientInviteResponse(this, slot, msg);
				else clientNonInviteResponse(this, slot, msg);
				return;
			}
		}
		this.#user.onStrayResponse(msg, source);
	}

	onRequest(msg: MessageView, validator: Validator, source: Source): void {
		const t = this.table;
		const via = validator.topVia;
		const method = msg.methodId;
		const rfc3261 = via.branchIsRfc3261;
		const keyHash = rfc3261 ? hashBytes(FNV_START, msg.buf, via.branch.start, via.branch.end) : this.#legacyHash(msg, via, validator.cseq.number);
		const sentBy = hashSentBy(msg.buf, via);
		// A retransmission, or an ACK / CANCEL for an existing INVITE transaction (§17.2.3, §9.2).
		const lookFor = method === M_ACK ? M_INVITE : method;
		const slot = this.#findServer(msg.buf, via, rfc3261, keyHash, sentBy, lookFor);
		if (method === M_ACK) {
			if (slot >= 0 && t.state[slot] !== ACCEPTED) {
				serverInviteAck(this, slot);
				return;
			}
			this.#ackOutsideTransaction(msg, validator, source);
			return;
		}
		if (slot >= 0) {
			if (t.kind[slot] === SERVER_INVITE) serverInviteRetransmission(this, slot);
			else serverNonInviteRetransmission(this, slot);
			return;
		}
		// A new request. A CANCEL of an INVITE we hold and a request of a live dialog (the user knows its dialogs) keep
		// the call working and always find a slot; a stranger's takes one within its source's share (admission.ts).
		const invite = method === M_CANCEL ? this.#findServer(msg.buf, via, rfc3261, keyHash, sentBy, M_INVITE) : -1;
		const who = invite >= 0 || (this.#tagOf(msg, H_TO) >= 0 && this.#user.isInDialog?.(msg) === true) ? IN_DIALOG : STRANGER;
		let fresh = -1;
		if (who === IN_DIALOG || !this.#admission.overShare(source.address, this.#transport.responsePort(via, source))) {
			if (invite >= 0) t.pinned[invite]++;
			fresh = this.#admission.allocate(method === M_INVITE ? SERVER_INVITE : SERVER_NON_INVITE, method, who);
			if (invite >= 0) t.pinned[invite]--;
		}
		if (fresh < 0) {
			// Pool full, or the source has its share (DESIGN.md §3): answer statelessly, never grow.
			this.#transport.respondStateless(msg, via, source, null, null, this.config.retryAfter);
			return;
		}
		if (!this.#open(fresh, msg, validator, source, rfc3261, keyHash, sentBy)) return;
		const tx = t.handleOf(fresh);
		if (method === M_INVITE) serverInviteReceived(this, fresh);
		t.pinned[fresh]++;
		if (invite >= 0 && t.state[invite] !== FREE) {
			t.pinned[invite]++;
			this.#user.onCancel(t.handleOf(invite), tx, msg);
			t.pinned[invite]--;
		} else {
			this.#user.onRequest(tx, msg, source);
		}
		t.pinned[fresh]--;
	}

	onConnectionClosed(index: number): void {
		const t = this.table;
		for (let slot = 0; slot < t.capacity; slot++) {
			if (t.state[slot] === FREE || t.transport[slot] !== TCP || t.connection[slot] !== index) continue;
			t.connection[slot] = -1;
			const kind = t.kind[slot];
			// §18.2.2: a server transaction's later responses open a new connection (source address, sent-by port);
			// it fails only if that cannot be done (§17.2.4, reported when it sends).
			if (kind === SERVER_INVITE || kind === SERVER_NON_INVITE) continue;
			// §17.1.4: a client transaction whose connection broke has failed.
			this.reportTransportError(slot);
			this.terminate(slot);
		}
	}

	/** Is connection `index` still used by a transaction (the transport keeps it open then)? */
	isConnectionInUse(index: number): boolean {
		const t = this.table;
		for (let slot = 0; slot < t.capacity; slot++) if (t.state[slot] !== FREE && t.connection[slot] === index) return true;
		return this.#user.carriesDialog?.(index) === true;
	}

	/** The TCP connection transaction `tx` runs over, or -1 (UDP, or none yet): the UA notes which carries a dialog. */
	connectionOf(tx: number): number {
		const slot = this.table.slotOf(tx);
		return slot < 0 || this.table.transport[slot] !== TCP ? -1 : this.table.connection[slot];
	}

	onTimer(kind: number, slot: number): void {
		const t = this.table;
		if (t.state[slot] === FREE) return;
		if (kind === RETRANSMIT) t.retransmitTimer[slot] = -1;
		else if (kind === TIMEOUT) t.timeoutTimer[slot] = -1;
		else t.waitTimer[slot] = -1;
		switch (t.kind[slot]) {
			case CLIENT_INVITE: clientInviteTimer(this, slot, kind); break;
			case CLIENT_NON_INVITE: clientNonInviteTimer(this, slot, kind); break;
			case SERVER_INVITE: serverInviteTimer(this, slot, kind); break;
			default: serverNonInviteTimer(this, slot, kind);
		}
	}

	// ---- TransactionContext (for the state machines) ----

	startTimer(slot: number, kind: number, ms: number): boolean {
		this.cancelTimer(slot, kind);
		const handle = this.#wheel.start(ms, this.#owner, kind, slot);
		const t = this.table;
		if (kind === RETRANSMIT) t.retransmitTimer[slot] = handle;
		else if (kind === TIMEOUT) t.timeoutTimer[slot] = handle;
		else t.waitTimer[slot] = handle; // WAIT and TRYING_DELAY never run at once
		return handle >= 0;
	}

	cancelTimer(slot: number, kind: number): void {
		const t = this.table;
		const timers = kind === RETRANSMIT ? t.retransmitTimer : kind === TIMEOUT ? t.timeoutTimer : t.waitTimer;
		if (timers[slot] >= 0) this.#wheel.cancel(timers[slot]);
		timers[slot] = -1;
	}

	transmit(slot: number): boolean {
		const t = this.table;
		const c = this.#transport.send(t.transport[slot], t.address[slot], t.port[slot], t.connection[slot], t.writer[slot].buf, 0, t.length[slot]);
		if (c < 0) return false;
		if (t.transport[slot] === TCP) t.connection[slot] = c;
		return true;
	}

	terminate(slot: number): void {
		this.cancelTimer(slot, RETRANSMIT);
		this.cancelTimer(slot, TIMEOUT);
		this.cancelTimer(slot, WAIT);
		this.table.release(slot);
	}

	/**
	 * Give up an unanswered request to admit one that keeps a call working (admission.ts, tier 3): "503 Service
	 * Unavailable" with Retry-After to its sender (§21.5.4), the slot freed, and the user told the transaction is gone.
	 */
	giveUp(slot: number): void {
		const t = this.table, tx = t.handleOf(slot);
		randomHex(this.#random, this.#tagRandom, this.#tag);
		const w = this.respond(tx, 503, R_SERVICE_UNAVAILABLE, this.#tag);
		if (w !== null) {
			const length = w.headerUint(H_RETRY_AFTER, this.config.retryAfter).endHeaders().finish();
			if (length > 0) {
				t.length[slot] = length;
				this.transmit(slot);
			}
		}
		this.terminate(slot);
		this.#user.onServerTransportError(tx);
	}

	sendAck(slot: number, response: MessageView): void {
		const t = this.table;
		const w = this.#scratch.reset();
		const length = this.#derived.ack(w, t.writer[slot].buf, t.length[slot], response);
		if (length < 0) return;
		// The ACK replaces the INVITE as the message this transaction resends (§17.1.1.2, Completed).
		const own = t.writer[slot].reset();
		own.bytes(w.buf, 0, length);
		t.length[slot] = length;
		this.transmit(slot);
	}

	sendPendingCancel(slot: number): void {
		this.table.cancelPending[slot] = CANCEL_SENT;
		this.#sendCancel(slot);
	}

	sendTrying(slot: number): void {
		const tx = this.table.handleOf(slot);
		const w = this.respond(tx, 100, TRYING);
		if (w === null) return;
		w.endHeaders();
		this.sendResponse(tx);
	}

	// While the user hears of a slot, the slot is pinned: what the user does then (a new request ...) cannot take it.
	reportResponse(slot: number, msg: MessageView): void {
		const t = this.table;
		t.pinned[slot]++;
		t.user[slot]?.onResponse(t.handleOf(slot), msg);
		t.pinned[slot]--;
	}
	reportTimeout(slot: number): void {
		const t = this.table;
		t.pinned[slot]++;
		t.user[slot]?.onTimeout(t.handleOf(slot));
		t.pinned[slot]--;
	}
	reportTransportError(slot: number): void {
		const t = this.table;
		const kind = t.kind[slot];
		t.pinned[slot]++;
		if (kind === CLIENT_INVITE || kind === CLIENT_NON_INVITE) t.user[slot]?.onTransportError(t.handleOf(slot));
		else this.#user.onServerTransportError(t.handleOf(slot));
		t.pinned[slot]--;
	}
	reportAckTimeout(slot: number): void {
		const t = this.table;
		t.pinned[slot]++;
		this.#user.onAckTimeout(t.handleOf(slot));
		t.pinned[slot]--;
	}

	// ---- private ----

	#sendCancel(inviteSlot: number): number {
		const t = this.table;
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
		const at = inviteSlot * 64;
		t.setBranch(slot, t.branch, at, at + Math.min(t.branchLength[inviteSlot], 64), t.branchHash[inviteSlot]);
		t.branchLength[slot] = t.branchLength[inviteSlot];
		const length = this.#derived.cancel(t.writer[slot].reset(), t.writer[inviteSlot].buf, t.length[inviteSlot]);
		if (length < 0) {
			this.terminate(slot);
			return -1;
		}
		t.length[slot] = length;
		if (this.#wheel.capacity - this.#wheel.size < REQUEST_TIMERS || !this.transmit(slot) || !clientNonInviteSent(this, slot)) {
			this.terminate(slot);
			return -1;
		}
		return t.handleOf(slot);
	}

	#mayRespond(slot: number): boolean {
		const t = this.table;
		if (t.kind[slot] === SERVER_INVITE) return t.state[slot] === PROCEEDING;
		if (t.kind[slot] === SERVER_NON_INVITE) return serverNonInviteOpen(this, slot);
		return false;
	}

	#findServer(buf: Uint8Array, via: ViaView, rfc3261: boolean, keyHash: number, sentBy: number, method: number): number {
		const t = this.table;
		for (let slot = 0; slot < t.capacity; slot++) {
			const kind = t.kind[slot];
			if (t.state[slot] === FREE || (kind !== SERVER_INVITE && kind !== SERVER_NON_INVITE) || t.method[slot] !== method) continue;
			if (rfc3261) {
				if (t.legacy[slot] === 0 && t.sentByHash[slot] === sentBy && t.sameBranch(slot, buf, via.branch.start, via.branch.end, keyHash)) return slot;
			} else if (t.legacy[slot] === 1 && t.legacyHash[slot] === keyHash) {
				return slot;
			}
		}
		return -1;
	}

	/** Set up a new server transaction: keys, where responses go, and the head every response copies. */
	#open(slot: number, msg: MessageView, validator: Validator, source: Source, rfc3261: boolean, keyHash: number, sentBy: number): boolean {
		const t = this.table;
		const via = validator.topVia;
		if (rfc3261) t.setBranch(slot, msg.buf, via.branch.start, via.branch.end, keyHash);
		else {
			t.legacy[slot] = 1;
			t.legacyHash[slot] = keyHash;
		}
		t.sentByHash[slot] = sentBy;
		t.cseq[slot] = validator.cseq.number;
		t.transport[slot] = source.transport;
		t.address[slot] = source.address;
		t.port[slot] = this.#transport.responsePort(via, source);
		t.connection[slot] = source.connection;
		// §8.2.2.2 / §13.3.1.4 key: From tag, Call-ID, CSeq number.
		const fromTag = this.#tagOf(msg, H_FROM);
		let h = fromTag < 0 ? FNV_START : hashBytes(FNV_START, msg.buf, fromTag, this.#nameAddr.tag.end);
		const callId = msg.find(H_CALL_ID);
		h = hashNumber(hashBytes(h, msg.buf, msg.valueStart(callId), msg.valueEnd(callId)), validator.cseq.number);
		t.dialogHash[slot] = h;
		const toTag = this.#tagOf(msg, H_TO);
		t.toTagged[slot] = toTag >= 0 ? 1 : 0;
		if (toTag < 0) t.merged[slot] = this.#mergedWith(slot) ? 1 : 0;
		// The head: Via stack (top amended, §18.2.1), From line, then the To value, then Call-ID and CSeq lines.
		const head = t.head[slot].reset();
		this.#transport.writeVias(head, msg, via, source);
		head.copyHeader(msg, H_FROM);
		t.toStart[slot] = head.pos;
		const to = msg.find(H_TO);
		head.bytes(msg.buf, msg.valueStart(to), msg.valueEnd(to));
		t.toEnd[slot] = head.pos;
		head.copyHeader(msg, H_CALL_ID);
		head.copyField(msg, msg.find(H_CSEQ));
		t.timestampAt[slot] = head.pos;
		head.copyHeader(msg, H_TIMESTAMP);
		if (head.overflow) {
			this.#transport.respondStateless(msg, via, source, R_HEAD_TOO_LARGE, null);
			this.table.release(slot);
			return false;
		}
		return true;
	}

	/** The start of the `tag` value of From or To (in `#nameAddr`), or -1. */
	#tagOf(msg: MessageView, id: number): number {
		return hasTag(msg, id, this.#nameAddr) ? this.#nameAddr.tag.start : -1;
	}

	#mergedWith(slot: number): boolean {
		const t = this.table;
		for (let other = 0; other < t.capacity; other++) {
			if (other === slot || t.state[other] === FREE || t.kind[other] < SERVER_INVITE) continue;
			if (t.dialogHash[other] === t.dialogHash[slot] && t.method[other] === t.method[slot]) return true;
		}
		return false;
	}

	#ackOutsideTransaction(msg: MessageView, validator: Validator, source: Source): void {
		// §13.3.1.4 / §17.2.3: an ACK for a 2xx has its own branch; match it to the Accepted INVITE by dialog key.
		const t = this.table;
		const fromTag = this.#tagOf(msg, H_FROM);
		let h = fromTag < 0 ? FNV_START : hashBytes(FNV_START, msg.buf, fromTag, this.#nameAddr.tag.end);
		const callId = msg.find(H_CALL_ID);
		h = hashNumber(hashBytes(h, msg.buf, msg.valueStart(callId), msg.valueEnd(callId)), validator.cseq.number);
		for (let slot = 0; slot < t.capacity; slot++) {
			if (t.kind[slot] !== SERVER_INVITE || t.state[slot] !== ACCEPTED || t.dialogHash[slot] !== h) continue;
			serverInviteAckFor2xx(this, slot);
			this.#user.onAck(t.handleOf(slot), msg, source);
			return;
		}
		this.#user.onAck(-1, msg, source);
	}

	/** §17.2.3 RFC 2543 matching: Request-URI, From tag, Call-ID, CSeq number and the top Via, as one hash. */
	#legacyHash(msg: MessageView, via: ViaView, cseq: number): number {
		let h = hashBytes(FNV_START, msg.buf, msg.uriStart, msg.uriEnd);
		const fromTag = this.#tagOf(msg, H_FROM);
		if (fromTag >= 0) h = hashBytes(h, msg.buf, fromTag, this.#nameAddr.tag.end);
		const callId = msg.find(H_CALL_ID);
		h = hashBytes(h, msg.buf, msg.valueStart(callId), msg.valueEnd(callId));
		h = hashNumber(h, cseq);
		return hashBytes(h, msg.buf, via.protocolStart, via.paramsEnd);
	}
}

/** The sent-by of a Via (host case-insensitively, and port) as a hash. */
function hashSentBy(buf: Uint8Array, via: ViaView): number {
	return hashNumber(hashBytesIgnoreCase(FNV_START, buf, via.hostStart, via.hostEnd), via.port);
}

/** The status code of a Status-Line the writer produced ("SIP/2.0 NNN"). */
function parseStatus(buf: Uint8Array): number {
	return (buf[8] - 0x30) * 100 + (buf[9] - 0x30) * 10 + (buf[10] - 0x30);
}

export { UDP, TCP };
