// The transaction layer: fixed pool, matching, dispatch to the four state machines — RFC 3261 §17, RFC 6026.
import type { Random } from "../host.js";
import type { MessageView } from "../sip/message-view.js";
import type { Validator } from "../sip/validate.js";
import type { Writer } from "../sip/writer.js";
import { ascii, randomHex } from "../sip/bytes.js";
import { H_RETRY_AFTER } from "../sip/header-ids.js";
import { METHOD_BYTES, METHOD_NAMES, M_INVITE } from "../sip/methods.js";
import { BranchMaker } from "../sip/via.js";
import type { TransactionConfig } from "./config.js";
import { Admission, OWN, type AdmissionOwner } from "./admission.js";
import { AckCancel } from "./ack-cancel.js";
import { REQUEST_TIMERS, RETRANSMIT, TIMEOUT, WAIT, type TransactionContext } from "./context.js";
import { FNV_START, hashBytes } from "./key.js";
import { clientInviteSent, clientInviteTimer } from "./client-invite.js";
import { clientNonInviteSent, clientNonInviteTimer } from "./client-non-invite.js";
import { serverInviteResponded, serverInviteTimer } from "./server-invite.js";
import { serverNonInviteResponded, serverNonInviteTimer } from "./server-non-invite.js";
import { finishResponse, finishTooLarge, startResponse } from "./server-response.js";
import { Matching, type ServerTransactionUser } from "./matching.js";
import {
	CLIENT_INVITE, CLIENT_NON_INVITE, FREE, SERVER_INVITE, SERVER_NON_INVITE, TCP, TransactionTable, UDP, type ClientTransactionUser,
} from "./transaction-table.js";
import type { TimerOwner, TimerWheel } from "./timer-wheel.js";
import type { Source, Transport, TransportUser } from "./transport.js";

export type { ServerTransactionUser };

const TRYING = ascii("Trying"), R_SERVICE_UNAVAILABLE = ascii("Service Unavailable");

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
	/**
	 * The last `send` failed because the transport could not send the request (§18.1.1: a refused connection, a full
	 * socket): RFC 3263 §4.3 then tries the next target. False after a failure for want of a timer or a slot.
	 */
	transportFailed = false;
	readonly #transport: Transport;
	readonly #wheel: TimerWheel;
	readonly #random: Random;
	readonly #user: ServerTransactionUser;
	readonly #owner: number;
	readonly #branch = new BranchMaker();
	readonly #admission: Admission;
	readonly #tagRandom = new Uint8Array(8);
	readonly #tag = new Uint8Array(16);
	readonly #cancel: AckCancel;
	readonly #matching: Matching;

	constructor(options: TransactionLayerOptions) {
		this.config = options.config;
		this.table = new TransactionTable(options.config);
		this.#admission = new Admission(this.table, options.config, this);
		this.#transport = options.transport;
		this.#wheel = options.wheel;
		this.#random = options.random;
		this.#user = options.user;
		this.#owner = options.wheel.register(this);
		this.#cancel = new AckCancel(this, this.#admission, options.wheel, options.config.limits, options.config.maxSendBytes);
		this.#matching = new Matching({ ctx: this, admission: this.#admission, transport: options.transport, user: options.user });
		options.transport.setUser(this);
	}

	// ---- client side (§17.1) ----

	/**
	 * Open a client transaction and write its Request-Line and top Via (§8.1.1, §18.1.1). The UA writes the
	 * other headers and the body with `writer(tx)`, then calls `send(tx)`. Returns -1 when the pool is full.
	 */
	request(user: ClientTransactionUser, method: number, uri: Uint8Array, uriStart: number, uriEnd: number,
		transport: number, address: string, port: number, serverName = ""): number {
		const t = this.table;
		const slot = this.#admission.allocate(method === M_INVITE ? CLIENT_INVITE : CLIENT_NON_INVITE, method, OWN);
		if (slot < 0) return -1;
		t.user[slot] = user;
		t.transport[slot] = transport;
		t.address[slot] = address;
		t.port[slot] = port;
		t.serverName[slot] = serverName;
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
		this.transportFailed = false;
		if (slot < 0 || t.length[slot] !== 0) return false;
		const w = t.writer[slot];
		const length = w.finish();
		// A request whose Timer B / F cannot run could never end (DESIGN.md §4): it fails before it goes out.
		if (length < 0 || this.#wheel.capacity - this.#wheel.size < REQUEST_TIMERS) {
			// Never sent, so the transport's last failure is this one (the sender reports it).
			if (w.overflow) this.#transport.lastFailure = `${METHOD_NAMES[t.method[slot]]} larger than the ${w.buf.length}-byte send buffer (maxSendBytes)`;
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
			this.transportFailed = true;
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
		return this.#cancel.cancel(this.table.slotOf(inviteTx));
	}

	/**
	 * §9.1: "If there is no final response for the original request in 64*T1 seconds ... the client SHOULD then
	 * consider the original transaction cancelled and SHOULD destroy the client transaction handling the original
	 * request." A Proceeding INVITE has no timer of its own that would end it.
	 */
	destroyCancelled(inviteTx: number): void {
		this.#cancel.destroyCancelled(this.table.slotOf(inviteTx));
	}

	// ---- server side (§17.2) ----

	/**
	 * Start a response for server transaction `tx`: Status-Line and the request's Via, From, To (with `toTag`
	 * added when the To has none, §8.2.6.2), Call-ID and CSeq; a 100 also the Timestamp (§8.2.6.1). The UA adds
	 * headers and the body, then calls `sendResponse(tx)`. Null when the transaction can no longer respond.
	 */
	respond(tx: number, status: number, reason: Uint8Array, toTag?: Uint8Array): Writer | null {
		const slot = this.table.slotOf(tx);
		return slot < 0 ? null : startResponse(this, slot, status, reason, toTag);
	}

	/**
	 * Send the response written for `tx` and move its state machine (§17.2.1, §17.2.2). False when it was not sent: the
	 * transaction ended on a transport error, or the response outgrew `maxSendBytes` and a 500 went instead (§21.5.1:
	 * the transaction completes as after any final response).
	 */
	sendResponse(tx: number): boolean {
		const slot = this.table.slotOf(tx);
		if (slot < 0) return false;
		let status = finishResponse(this, slot);
		const tooLarge = status < 0 && this.table.writer[slot].overflow;
		if (tooLarge) status = finishTooLarge(this, slot);
		if (status < 0) return false;
		if (!this.transmit(slot)) {
			this.reportTransportError(slot);
			this.terminate(slot);
			return false;
		}
		if (this.table.kind[slot] === SERVER_INVITE) serverInviteResponded(this, slot, status);
		else serverNonInviteResponded(this, slot, status);
		return !tooLarge;
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
		this.#matching.response(msg, validator, source);
	}

	onRequest(msg: MessageView, validator: Validator, source: Source): void {
		this.#matching.request(msg, validator, source);
	}

	onConnectionClosed(index: number): void {
		const t = this.table;
		for (let slot = 0; slot < t.capacity; slot++) {
			if (t.state[slot] === FREE || t.transport[slot] === UDP || t.connection[slot] !== index) continue;
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

	/** The stream connection transaction `tx` runs over, or -1 (UDP, or none yet): the UA notes which carries a dialog. */
	connectionOf(tx: number): number {
		const slot = this.table.slotOf(tx);
		return slot < 0 || this.table.transport[slot] === UDP ? -1 : this.table.connection[slot];
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
		const c = this.#transport.send(t.transport[slot], t.address[slot], t.port[slot], t.connection[slot], t.writer[slot].buf, 0, t.length[slot], t.serverName[slot]);
		if (c < 0) return false;
		if (t.transport[slot] !== UDP) t.connection[slot] = c;
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
		this.#cancel.sendAck(slot, response);
	}

	sendPendingCancel(slot: number): void {
		this.#cancel.send(slot);
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
}

export { UDP, TCP };
