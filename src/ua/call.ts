// One call in a fixed slot: its dialog and media, and the parts that move it — RFC 3261 §12–§15 (split as libre's sipsess).
import { ascii, randomHex } from "../sip/bytes.js";
import { H_CONTACT, H_CONTENT_TYPE } from "../sip/header-ids.js";
import type { MessageView } from "../sip/message-view.js";
import { M_ACK, M_BYE, M_INFO, M_INVITE, M_OPTIONS, M_UPDATE, METHOD_BYTES } from "../sip/methods.js";
import { acceptAnswer, LocalMedia, Negotiated, writeOffer } from "../sip/offer-answer.js";
import { parseSdp } from "../sip/sdp.js";
import { BranchMaker } from "../sip/via.js";
import type { Writer } from "../sip/writer.js";
import type { TimerOwner } from "../transaction/timer-wheel.js";
import type { ClientTransactionUser } from "../transaction/transaction-table.js";
import { Accept } from "./call-accept.js";
import { Close } from "./call-close.js";
import { Connect } from "./call-connect.js";
import {
	CALL_ACTIVE, CALL_CALLING, CALL_IDLE, CALL_RINGING_IN, CALL_TIMERS, R_DECLINE, R_OK, R_UNSUPPORTED_MEDIA, SDP,
	T_BYE_GIVE_UP, T_CANCEL_GIVE_UP, T_GLARE, T_SESSION_EXPIRY, T_SESSION_REFRESH, UAC, type CallContext,
} from "./call-context.js";
import { Modify } from "./call-modify.js";
import { Credentials } from "./credentials.js";
import { Dialog } from "./dialog.js";
import { INFO_BAD_TYPE, INFO_NO_DTMF, infoDigit } from "./dtmf-info.js";
import { SessionTimer } from "./session-timer.js";
import { WITH_ACCEPT, WITH_ALLOW } from "./ua-context.js";
import { END_LOCAL, END_TIMEOUT, END_TRANSPORT } from "./ua-events.js";

export { CALL_ACTIVE, CALL_CALLING, CALL_ENDING, CALL_IDLE, CALL_RINGING_IN, type CallContext } from "./call-context.js";

const LT = ascii("<"), GT = ascii(">");
const R_NOT_ALLOWED = ascii("Method Not Allowed");

/**
 * A call slot. What the UA core and the application use is here; the work is done by its parts, one per RFC seam:
 * `connect` (§13.2 outgoing INVITE, §9.1 CANCEL), `accept` (§13.3 incoming INVITE, the ACK), `modify` (§14
 * re-INVITE, RFC 3311 UPDATE), `sessionTimer` (RFC 4028) and `close` (§15 BYE, the end of the slot's call). The
 * parts keep their own state; what they share (dialog, media, state, the transactions the core asks about) is here.
 */
export class Call implements ClientTransactionUser, TimerOwner {
	state = CALL_IDLE;
	role = 0;
	readonly dialog: Dialog;
	readonly local = new LocalMedia({ address: "0.0.0.0", rtpPort: 0 });
	/** The media agreed (valid once `answered`, or with early media). */
	readonly media = new Negotiated();
	hasMedia = false;
	readonly credentials: Credentials;
	/** The INVITE's transaction: ours (client) or theirs (server). */
	inviteTx = -1;
	/** The server INVITE transaction whose 2xx waits for its ACK (initial or re-INVITE). */
	ackTx = -1;
	/** What the caller or callee is called, for the application (set when the call starts). */
	peer = "";
	/** Our tag (16 hex digits), made when the call starts: From of our requests, To of our responses. */
	readonly localTag = new Uint8Array(16);
	readonly connect: Connect;
	readonly accept: Accept;
	readonly modify: Modify;
	readonly sessionTimer: SessionTimer;
	readonly close: Close;
	readonly #ctx: CallContext;
	readonly #owner: number;
	readonly #scratch = new Uint8Array(8);
	readonly #branch = new BranchMaker();
	readonly #timers = new Int32Array(CALL_TIMERS + 1).fill(-1);

	constructor(readonly index: number, ctx: CallContext) {
		this.#ctx = ctx;
		this.credentials = new Credentials(ctx.account);
		this.dialog = new Dialog(ctx.reach);
		this.#owner = ctx.wheel.register(this);
		this.connect = new Connect(this, ctx);
		this.accept = new Accept(this, ctx);
		this.modify = new Modify(this, ctx);
		this.sessionTimer = new SessionTimer(this, ctx);
		this.close = new Close(this, ctx);
	}

	get busy(): boolean {
		return this.state !== CALL_IDLE;
	}

	// ---- what the UA core calls ----

	/** INVITE `target` (a SIP URI), perhaps once its first hop's name resolved. False (`ctx.callError` says why) when it cannot. */
	startOutgoing(target: Uint8Array): boolean {
		return this.connect.start(target);
	}

	/** A new INVITE for this free slot (§13.3): checked, then rung (180) until `answer` or `reject`. */
	startIncoming(tx: number, msg: MessageView): void {
		this.accept.start(tx, msg);
	}

	/** Answer the ringing call: 200 with the SDP answer (or offer) and the session timer (RFC 4028 §9). */
	answer(): boolean {
		return this.accept.answer();
	}

	/** Refuse the ringing call (486 Busy Here, 603 Decline, 403 Forbidden ...). */
	reject(status: number, reason: Uint8Array): void {
		this.accept.reject(status, reason);
	}

	/** CANCEL of our ringing INVITE (§9.2): the core answered the CANCEL 200; the INVITE gets 487. */
	onCancel(): void {
		this.accept.onCancel();
	}

	/** The ACK for our 2xx (§13.3.1.4). */
	onAck(msg: MessageView): void {
		this.accept.onAck(msg);
	}

	/** No ACK for our 2xx within 64·T1 (§13.3.1.4). */
	onAckTimeout(): void {
		this.accept.onAckTimeout();
	}

	/** A retransmitted 2xx arrived after the INVITE transaction ended (the core found the call by its dialog). */
	onStray2xx(msg: MessageView): void {
		this.connect.onStray2xx(msg);
	}

	/** End the call from our side: CANCEL while calling (§9.1), decline while ringing, BYE once up (§15.1.1). */
	hangup(): void {
		switch (this.state) {
			case CALL_CALLING:
				this.connect.hangup();
				return;
			case CALL_RINGING_IN:
				this.accept.reject(603, R_DECLINE);
				return;
			case CALL_ACTIVE:
				this.close.hangupActive(END_LOCAL, 0);
				return;
		}
	}

	/** A request inside this call's dialog (the core checked the dialog and the CSeq order, §12.2.2). */
	onInDialogRequest(tx: number, msg: MessageView): void {
		const method = msg.methodId, ctx = this.#ctx, connection = ctx.layer.connectionOf(tx);
		if (connection >= 0) this.dialog.connection = connection; // the peer's connection for this dialog now
		if (method === M_BYE) return this.close.onBye(tx);
		if (method === M_INVITE || method === M_UPDATE) return this.modify.onOffer(tx, msg, method);
		if (method === M_INFO) {
			const digit = infoDigit(msg);
			if (digit === INFO_BAD_TYPE) return ctx.respondSimple(tx, 415, R_UNSUPPORTED_MEDIA, WITH_ACCEPT);
			ctx.respondSimple(tx, 200, R_OK, 0);
			if (digit !== INFO_NO_DTMF) ctx.events.digit(this.index, digit);
			return;
		}
		if (method === M_OPTIONS) return ctx.respondSimple(tx, 200, R_OK, WITH_ACCEPT | WITH_ALLOW); // §11.2: as outside a dialog
		ctx.respondSimple(tx, 405, R_NOT_ALLOWED, WITH_ALLOW);
	}

	// ---- ClientTransactionUser: responses to our requests, each to the part that sent it ----

	onResponse(tx: number, msg: MessageView): void {
		if (tx === this.inviteTx && this.role === UAC && this.state === CALL_CALLING) return this.connect.onResponse(msg);
		if (tx === this.inviteTx && this.role === UAC && msg.status >= 200 && msg.status < 300) return this.connect.late2xx(msg);
		if (this.modify.onResponse(tx, msg)) return;
		this.close.onResponse(tx, msg);
		// A BYE for a fork, an INFO ... : nothing to do.
	}

	onTimeout(tx: number): void {
		this.#failed(tx, 408);
	}

	onTransportError(tx: number): void {
		this.#failed(tx, 503);
	}

	#failed(tx: number, status: number): void {
		if (tx === this.inviteTx && this.state === CALL_CALLING) {
			// RFC 3263 §4.3: the next target first; the call ends only when none is left.
			if (!this.connect.failover()) this.close.end(status === 408 ? END_TIMEOUT : END_TRANSPORT, status, this.connect.failure(status));
		} else if (!this.modify.onFailed(tx, status)) this.close.onFailed(tx);
	}

	// ---- timers ----

	onTimer(kind: number): void {
		this.#timers[kind] = -1;
		switch (kind) {
			case T_SESSION_REFRESH: // RFC 4028 §10: half the interval has run
			case T_GLARE: // RFC 3261 §14.1: the wait after a 491 is over: the same refresh again
				this.modify.sendRefresh();
				break;
			case T_SESSION_EXPIRY:
				this.sessionTimer.onExpiry();
				break;
			case T_CANCEL_GIVE_UP:
				this.connect.onCancelGiveUp();
				break;
			case T_BYE_GIVE_UP:
				this.close.onGiveUp();
				break;
		}
	}

	/** Start timer `kind` (replacing a running one); false when the timer wheel is full (the caller decides what then). */
	startTimer(kind: number, ms: number): boolean {
		this.stopTimer(kind);
		this.#timers[kind] = this.#ctx.wheel.start(Math.max(1, Math.round(ms)), this.#owner, kind, 0);
		return this.#timers[kind] >= 0;
	}

	stopTimer(kind: number): void {
		if (this.#timers[kind] >= 0) this.#ctx.wheel.cancel(this.#timers[kind]);
		this.#timers[kind] = -1;
	}

	stopAllTimers(): void {
		for (let k = 1; k < this.#timers.length; k++) this.stopTimer(k);
	}

	/** Are this call's timers all stopped (the tests' leak check)? */
	get timersIdle(): boolean {
		for (let k = 1; k < this.#timers.length; k++) if (this.#timers[k] >= 0) return false;
		return true;
	}

	// ---- what the parts share ----

	/** A new call on this slot, as `role` (UAC or UAS): every part starts clean. */
	begin(role: number): void {
		this.role = role;
		this.connect.reset();
		this.sessionTimer.reset();
		this.clearExchanges();
	}

	/**
	 * Forget what the slot's last call left: its transactions inside the dialog (re-INVITE, its ACK, BYE), its media,
	 * and the flags of its ACK / BYE / offer-in-2xx handshakes (§13.3.1.4, §15). Released and begun slots start clean.
	 */
	clearExchanges(): void {
		this.modify.clear();
		this.close.clear();
		this.accept.clear();
		this.hasMedia = false;
	}

	/** A new local tag (§19.3: at least 32 random bits) into `localTag`. */
	newLocalTag(): void {
		randomHex(this.#ctx.random, this.#scratch, this.localTag);
	}

	/** A new SDP session on this slot's RTP port (RFC 4566 §5.2: a new sess-id per session). */
	prepareMedia(): void {
		const ctx = this.#ctx, l = this.local;
		if (l.address !== ctx.mediaAddress) l.setAddress(ctx.mediaAddress);
		l.rtpPort = ctx.config.rtpPort + 2 * this.index;
		ctx.random.fill(this.#scratch);
		l.newSession(((this.#scratch[0] << 24) | (this.#scratch[1] << 16) | (this.#scratch[2] << 8) | this.#scratch[3]) >>> 1);
	}

	/** An answer to our offer: into `media`. */
	readAnswer(msg: MessageView): boolean {
		const ctx = this.#ctx;
		if (!parseSdp(msg.buf, msg.bodyStart, msg.bodyEnd, ctx.sdp)) return false;
		if (!acceptAnswer(ctx.sdp, this.local, this.media)) return false;
		this.hasMedia = true;
		return true;
	}

	writeContact(w: Writer): void {
		w.name(H_CONTACT).bytes(LT);
		this.#ctx.contact.writeTo(w).bytes(GT).crlf();
	}

	/** A request in `d` (BYE, re-INVITE refresh): Request-URI = remote target, next hop = first route (§12.2.1.1). */
	sendInDialog(d: Dialog, method: number, withOffer: boolean): number {
		const ctx = this.#ctx, t = d.remoteTarget, hop = d.hop;
		if (!hop.ready) return -1; // its name is still resolving, or did not resolve: as a transport error
		const tx = ctx.layer.request(this, method, t.buf, 0, t.length, hop.transport, hop.address, hop.port, hop.serverName);
		if (tx < 0) return -1;
		const w = ctx.layer.writer(tx)!;
		d.writeHeaders(w, method, ++d.localCSeq);
		if (method === M_INVITE || method === M_UPDATE) {
			this.writeContact(w);
			ctx.writeCapabilities(w, false);
			this.sessionTimer.write(w, true, true);
		}
		if (d === this.dialog) this.credentials.write(w, METHOD_BYTES[method], t.buf, 0, t.length);
		if (withOffer) {
			w.header(H_CONTENT_TYPE, SDP).endHeaders();
			writeOffer(w, this.local);
		} else {
			w.endHeaders();
		}
		return ctx.layer.send(tx) ? tx : -1;
	}

	/** The ACK of a 2xx (§13.2.2.4): its own transaction-less request with a new branch, over the route set. */
	sendAck(d: Dialog, cseq: number): void {
		const ctx = this.#ctx, w = ctx.ackWriter.reset(), t = d.remoteTarget, hop = d.hop;
		if (!hop.ready) return; // a name still resolving: the 2xx is retransmitted (§13.3.1.4) and ACKed then
		const branch = this.#branch.next(ctx.random);
		w.requestLine(METHOD_BYTES[M_ACK], t.buf, 0, t.length);
		ctx.transport.writeVia(w, hop.transport, branch, 0, branch.length);
		d.writeHeaders(w, M_ACK, cseq);
		w.endHeaders();
		const length = w.finish();
		if (length > 0) ctx.transport.send(hop.transport, hop.address, hop.port, -1, w.buf, 0, length, hop.serverName);
	}
}
