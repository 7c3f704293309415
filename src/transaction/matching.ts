// Matching what arrives to transactions — RFC 3261 §17.1.3 (responses), §17.2.3 (requests, with the RFC 2543
// fallback), CANCEL to its INVITE (§9.2), ACKs for a 2xx (§13.3.1.4), merged requests (§8.2.2.2); and for a new
// request, admission to the fixed pool (admission.ts; DESIGN.md §3: a stateless 503 rather than growth) and the head
// every response of its server transaction copies (§8.2.6.2).
import type { MessageView } from "../sip/message-view.js";
import type { Validator } from "../sip/validate.js";
import { H_CALL_ID, H_CSEQ, H_FROM, H_TIMESTAMP, H_TO } from "../sip/header-ids.js";
import { M_ACK, M_CANCEL, M_INVITE } from "../sip/methods.js";
import { hasTag, NameAddr } from "../sip/name-addr.js";
import { Reason } from "../sip/verdict.js";
import type { ViaView } from "../sip/via.js";
import { type Admission, IN_DIALOG, STRANGER } from "./admission.js";
import type { TransactionContext } from "./context.js";
import { FNV_START, hashBytes, hashBytesIgnoreCase, hashNumber } from "./key.js";
import { clientInviteResponse } from "./client-invite.js";
import { clientNonInviteResponse } from "./client-non-invite.js";
import { serverInviteAck, serverInviteAckFor2xx, serverInviteReceived, serverInviteRetransmission } from "./server-invite.js";
import { serverNonInviteRetransmission } from "./server-non-invite.js";
import { ACCEPTED, CLIENT_INVITE, CLIENT_NON_INVITE, FREE, SERVER_INVITE, SERVER_NON_INVITE } from "./transaction-table.js";
import type { Source, Transport } from "./transport.js";

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

const R_HEAD_TOO_LARGE = new Reason(513, "Message Too Large: Via stack");

export interface MatchingOptions {
	readonly ctx: TransactionContext;
	readonly admission: Admission;
	readonly transport: Transport;
	readonly user: ServerTransactionUser;
}

/** What arrives, to its transaction: one instance per layer, preallocated readers, nothing allocated per message. */
export class Matching {
	readonly #ctx: TransactionContext;
	readonly #admission: Admission;
	readonly #transport: Transport;
	readonly #user: ServerTransactionUser;
	readonly #nameAddr = new NameAddr();

	constructor(options: MatchingOptions) {
		this.#ctx = options.ctx;
		this.#admission = options.admission;
		this.#transport = options.transport;
		this.#user = options.user;
	}

	/** §17.1.3: a response goes to the client transaction of its top Via branch and CSeq method, else to the user. */
	response(msg: MessageView, validator: Validator, source: Source): void {
		const via = validator.topVia, t = this.#ctx.table, method = validator.cseq.methodId;
		if (via.branch.start >= 0) {
			const buf = msg.buf, bs = via.branch.start, be = via.branch.end;
			const hash = hashBytes(FNV_START, buf, bs, be);
			for (let slot = 0; slot < t.capacity; slot++) {
				const kind = t.kind[slot];
				if (t.state[slot] === FREE || (kind !== CLIENT_INVITE && kind !== CLIENT_NON_INVITE)) continue;
				if (t.method[slot] !== method || !t.sameBranch(slot, buf, bs, be, hash)) continue;
				if (kind === CLIENT_INVITE) clientInviteResponse(this.#ctx, slot, msg);
				else clientNonInviteResponse(this.#ctx, slot, msg);
				return;
			}
		}
		this.#user.onStrayResponse(msg, source);
	}

	/** §17.2.3: a request is a retransmission, an ACK, a CANCEL, or a new request for the user. */
	request(msg: MessageView, validator: Validator, source: Source): void {
		const t = this.#ctx.table;
		const via = validator.topVia;
		const method = msg.methodId;
		const rfc3261 = via.branchIsRfc3261;
		const keyHash = rfc3261 ? hashBytes(FNV_START, msg.buf, via.branch.start, via.branch.end) : this.#legacyHash(msg, via, validator.cseq.number);
		const sentBy = hashSentBy(msg.buf, via);
		// A retransmission, or an ACK / CANCEL for an existing INVITE transaction (§17.2.3, §9.2).
		const lookFor = method === M_ACK ? M_INVITE : method;
		const slot = this.#find(msg.buf, via, rfc3261, keyHash, sentBy, lookFor);
		if (method === M_ACK) {
			if (slot >= 0 && t.state[slot] !== ACCEPTED) {
				serverInviteAck(this.#ctx, slot);
				return;
			}
			this.#ackOutsideTransaction(msg, validator, source);
			return;
		}
		if (slot >= 0) {
			if (t.kind[slot] === SERVER_INVITE) serverInviteRetransmission(this.#ctx, slot);
			else serverNonInviteRetransmission(this.#ctx, slot);
			return;
		}
		// A new request. A CANCEL of an INVITE we hold and a request of a live dialog (the user knows its dialogs) keep
		// the call working and always find a slot; a stranger's takes one within its source's share (admission.ts).
		const invite = method === M_CANCEL ? this.#find(msg.buf, via, rfc3261, keyHash, sentBy, M_INVITE) : -1;
		const who = invite >= 0 || (this.#tagOf(msg, H_TO) >= 0 && this.#user.isInDialog?.(msg) === true) ? IN_DIALOG : STRANGER;
		let fresh = -1;
		if (who === IN_DIALOG || !this.#admission.overShare(source.address, this.#transport.responsePort(via, source))) {
			if (invite >= 0) t.pinned[invite]++;
			fresh = this.#admission.allocate(method === M_INVITE ? SERVER_INVITE : SERVER_NON_INVITE, method, who);
			if (invite >= 0) t.pinned[invite]--;
		}
		if (fresh < 0) {
			// Pool full, or the source has its share (DESIGN.md §3): answer statelessly, never grow.
			this.#transport.respondStateless(msg, via, source, null, null, this.#ctx.config.retryAfter);
			return;
		}
		if (!this.#open(fresh, msg, validator, source, rfc3261, keyHash, sentBy)) return;
		const tx = t.handleOf(fresh);
		if (method === M_INVITE) serverInviteReceived(this.#ctx, fresh);
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

	#find(buf: Uint8Array, via: ViaView, rfc3261: boolean, keyHash: number, sentBy: number, method: number): number {
		const t = this.#ctx.table;
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
		const t = this.#ctx.table;
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
		t.dialogHash[slot] = this.#dialogHash(msg, validator.cseq.number);
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
			t.release(slot);
			return false;
		}
		return true;
	}

	/** The start of the `tag` value of From or To (in `#nameAddr`), or -1. */
	#tagOf(msg: MessageView, id: number): number {
		return hasTag(msg, id, this.#nameAddr) ? this.#nameAddr.tag.start : -1;
	}

	/** From tag, Call-ID and CSeq number as one hash: §8.2.2.2 merged requests, §13.3.1.4 the ACK of a 2xx. */
	#dialogHash(msg: MessageView, cseq: number): number {
		const fromTag = this.#tagOf(msg, H_FROM);
		const h = fromTag < 0 ? FNV_START : hashBytes(FNV_START, msg.buf, fromTag, this.#nameAddr.tag.end);
		const callId = msg.find(H_CALL_ID);
		return hashNumber(hashBytes(h, msg.buf, msg.valueStart(callId), msg.valueEnd(callId)), cseq);
	}

	#mergedWith(slot: number): boolean {
		const t = this.#ctx.table;
		for (let other = 0; other < t.capacity; other++) {
			if (other === slot || t.state[other] === FREE || t.kind[other] < SERVER_INVITE) continue;
			if (t.dialogHash[other] === t.dialogHash[slot] && t.method[other] === t.method[slot]) return true;
		}
		return false;
	}

	#ackOutsideTransaction(msg: MessageView, validator: Validator, source: Source): void {
		// §13.3.1.4 / §17.2.3: an ACK for a 2xx has its own branch; match it to the Accepted INVITE by dialog key.
		const t = this.#ctx.table;
		const h = this.#dialogHash(msg, validator.cseq.number);
		for (let slot = 0; slot < t.capacity; slot++) {
			if (t.kind[slot] !== SERVER_INVITE || t.state[slot] !== ACCEPTED || t.dialogHash[slot] !== h) continue;
			serverInviteAckFor2xx(this.#ctx, slot);
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
