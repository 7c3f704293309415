// One call in a fixed slot: the INVITE session and its dialog — RFC 3261 §13 (INVITE, both sides), §14
// (re-INVITE, glare), §15 (BYE), §9 (CANCEL), §12 (dialogs); RFC 3264 (offer/answer); RFC 3311 (UPDATE);
// RFC 4028 (session timers); RFC 6026 (2xx retransmissions, forked 2xx).
import { ascii } from "../sip/bytes.js";
import {
	H_CONTACT, H_CONTENT_TYPE, H_CSEQ, H_MIN_SE, H_RECORD_ROUTE, H_REQUIRE, H_SESSION_EXPIRES, H_TO,
} from "../sip/header-ids.js";
import type { MessageView } from "../sip/message-view.js";
import { M_ACK, M_BYE, M_INFO, M_INVITE, M_OPTIONS, M_UPDATE, METHOD_BYTES } from "../sip/methods.js";
import { NameAddr, parseNameAddr } from "../sip/name-addr.js";
import { acceptAnswer, answerOffer, LocalMedia, Negotiated, writeAnswer, writeOffer } from "../sip/offer-answer.js";
import { parseSdp, type SdpView } from "../sip/sdp.js";
import { Writer } from "../sip/writer.js";
import type { TimerOwner } from "../transaction/timer-wheel.js";
import type { ClientTransactionUser } from "../transaction/transaction-table.js";
import { ByteField } from "./byte-field.js";
import { contentTypeIs, hasBody } from "./content-type.js";
import { AUTH_RETRY, Credentials } from "./credentials.js";
import { Dialog, DIALOG_CONFIRMED, DIALOG_EARLY } from "./dialog.js";
import { INFO_BAD_TYPE, INFO_NO_DTMF, infoDigit } from "./dtmf-info.js";
import { NextHop } from "./next-hop.js";
import { expiryWarning, listsTimer, MIN_SE_FLOOR, REFRESHER_NONE, REFRESHER_UAC, REFRESHER_UAS, SessionExpires } from "./session-timer.js";
import { numericHeader, randomHex, WITH_ACCEPT, WITH_ALLOW, type UaContext } from "./ua-context.js";
import {
	END_AUTH, END_CANCELLED, END_LOCAL, END_NO_ACK, END_NO_COMMON_CODEC, END_REJECTED, END_REMOTE, END_SESSION_EXPIRED,
	END_TIMEOUT, END_TRANSPORT,
} from "./ua-events.js";

/** Call states. */
export const CALL_IDLE = 0, CALL_CALLING = 1, CALL_RINGING_IN = 2, CALL_ACTIVE = 3, CALL_ENDING = 4;
/** Which side of the original INVITE we were (§14.1 glare delays depend on it). */
const UAC = 1, UAS = 2;
/** Room for our answer (head ~130 bytes, our audio stream ~150, each rejected m= line ~45; MAX_MEDIA lines at most). */
const ANSWER_BYTES = 1024;
// Timers of a call.
const T_SESSION_REFRESH = 1, T_SESSION_EXPIRY = 2, T_GLARE = 3, T_CANCEL_GIVE_UP = 4, T_BYE_GIVE_UP = 5;

const SDP = ascii("application/sdp"), LT = ascii("<"), GT = ascii(">"), AT = ascii("@"), REFRESHER_UAC_TEXT = ascii(";refresher=uac"), REFRESHER_UAS_TEXT = ascii(";refresher=uas"),
	TIMER = ascii("timer"), BRANCH_PREFIX = ascii("z9hG4bK");
const R_RINGING = ascii("Ringing"), R_OK = ascii("OK"), R_NOT_ACCEPTABLE = ascii("Not Acceptable Here"),
	R_UNSUPPORTED_MEDIA = ascii("Unsupported Media Type"), R_TERMINATED = ascii("Request Terminated"),
	R_PENDING = ascii("Request Pending"), R_TOO_SMALL = ascii("Session Interval Too Small"), R_BAD_SDP = ascii("Bad Request: malformed SDP"),
	R_BAD_DIALOG = ascii("Bad Request: dialog headers too long"), R_DECLINE = ascii("Decline"),
	R_NOT_ALLOWED = ascii("Method Not Allowed"), R_ANSWER_TOO_LONG = ascii("Server Internal Error: answer too long");

/** What a call needs beyond the UA context: shared scratch objects (one call is handled at a time). */
export interface CallContext extends UaContext {
	readonly sdp: SdpView;
	/** The address our SDP offers for RTP (the Contact's host: the public one once learned). */
	readonly mediaAddress: string;
	/** Our From name-addr (`"Door" <sip:door@domain>`, §8.1.1.3), made once from the configuration. */
	readonly localNameAddr: Uint8Array;
	/** The local address as bytes (Call-ID host part). */
	readonly localHost: Uint8Array;
	/** ACKs for 2xx are not transactions (§13.2.2.4, §17.1.1.3): written here and sent by the transport. */
	readonly ackWriter: Writer;
	/** A dialog to ACK and BYE a forked 2xx we do not keep (§13.2.2.4). */
	readonly forkDialog: Dialog;
	/** The slot is free again. */
	released(call: Call): void;
	/** 405 / 415 / 420 ... answers written by the core (Allow, Accept, Unsupported lines). */
	respondSimple(tx: number, status: number, reason: Uint8Array, extra: number): void;
}

export class Call implements ClientTransactionUser, TimerOwner {
	state = CALL_IDLE;
	role = 0;
	readonly dialog = new Dialog();
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
	readonly #ctx: CallContext;
	readonly #owner: number;
	readonly #requestUri = new ByteField(256);
	/**
	 * Our answer to the INVITE's offer, written when the offer arrives: the application answers seconds later, when
	 * the offer's bytes (the host's receive buffer) and the shared SdpView hold other messages (RFC 3264 §6: the
	 * answer mirrors every m= line of the offer, so it cannot be written from the negotiated media alone).
	 */
	readonly #answerSdp = new ByteField(ANSWER_BYTES);
	readonly #firstHop = new NextHop();
	readonly #se = new SessionExpires();
	readonly #nameAddr = new NameAddr();
	readonly #scratch = new Uint8Array(8);
	readonly #scratch16 = new Uint8Array(16);
	readonly #idBytes = new Uint8Array(32);
	readonly #localTagBytes = new Uint8Array(16);
	readonly #branch = new Uint8Array(BRANCH_PREFIX.length + 16);
	#redirects = 0;
	#cancelAsked = false;
	/** Session timer (RFC 4028): interval in s (0 = none), and whether we refresh. */
	#seInterval = 0;
	#weRefresh = false;
	#seAsk = 0;
	/** RFC 4028 §7.4: the Min-SE our requests carry — ours, raised to the largest one a 422 or a refresh named. */
	#minSE = 0;
	#peerSupportsTimer = false;
	/** Our re-INVITE / UPDATE in flight (one at a time: §14.1), its CSeq, and a 491 retry pending. */
	#reinviteTx = -1;
	#reinviteCSeq = 0;
	/** The re-INVITE whose 2xx we ACKed: its retransmissions are ACKed again (§13.2.2.4). */
	#reinviteAckTx = -1;
	#byeTx = -1;
	/** The 2xx we sent carried an offer (the INVITE had none): the answer comes in the ACK (§13.2.1). */
	#offerInOk = false;
	#ackWanted = false;
	/** We hung up before the ACK of our 2xx: the BYE waits for it (§15). */
	#byeAfterAck = false;
	/** The media before an offer or answer was applied (`#rememberMedia` / `#mediaChanged`). */
	#wasAddress = "";
	#wasPort = 0;
	#wasPt = -1;
	#wasDirection = 0;
	#wasTe = -1;
	#timers = new Int32Array(6).fill(-1);

	constructor(readonly index: number, ctx: CallContext) {
		this.#ctx = ctx;
		this.credentials = new Credentials(ctx.account);
		this.#owner = ctx.wheel.register(this);
		this.#branch.set(BRANCH_PREFIX);
	}

	get busy(): boolean {
		return this.state !== CALL_IDLE;
	}

	// ---- outgoing call (§13.2) ----

	/** INVITE `target` (a SIP URI). False when the URI cannot be reached (no numeric host, no proxy). */
	startOutgoing(target: Uint8Array): boolean {
		const ctx = this.#ctx, c = ctx.config, d = this.dialog;
		d.reset();
		if (!this.#requestUri.set(target)) return false;
		if (c.outboundProxy !== null) this.#firstHop.set(c.outboundProxy.address, c.outboundProxy.port, c.outboundProxy.transport);
		else if (!this.#firstHop.fromUri(target, 0, target.length)) return false;
		this.#newId(d.callId);
		d.callId.append(AT);
		d.callId.append(ctx.localHost);
		randomHex(ctx.random, this.#scratch, this.#localTagBytes);
		d.localTag.set(this.#localTagBytes);
		d.localUri.set(ctx.localNameAddr);
		d.remoteUri.clear();
		d.remoteUri.append(LT) && d.remoteUri.append(target) && d.remoteUri.append(GT);
		d.localCSeq = 0;
		this.#begin(UAC);
		this.#seAsk = c.sessionExpires;
		this.peer = d.remoteUri.toString();
		this.state = CALL_CALLING;
		this.credentials.reset();
		this.#prepareMedia();
		return this.#sendInvite();
	}

	#sendInvite(): boolean {
		const ctx = this.#ctx, d = this.dialog, uri = this.#requestUri, hop = this.#firstHop;
		const tx = ctx.layer.request(this, M_INVITE, uri.buf, 0, uri.length, hop.transport, hop.address, hop.port);
		if (tx < 0) {
			this.#end(END_TRANSPORT, 503);
			return false;
		}
		this.inviteTx = tx;
		const w = ctx.layer.writer(tx)!;
		d.writeHeaders(w, M_INVITE, ++d.localCSeq);
		this.#writeContact(w);
		ctx.writeCapabilities(w, false);
		if (this.#seAsk > 0) {
			// RFC 4028 §7.1: ask for a session timer; either side may refresh.
			w.name(H_SESSION_EXPIRES).uint(this.#seAsk).crlf();
			w.headerUint(H_MIN_SE, this.#minSE);
		}
		this.credentials.write(w, METHOD_BYTES[M_INVITE], uri.buf, 0, uri.length);
		w.header(H_CONTENT_TYPE, SDP).endHeaders();
		writeOffer(w, this.local);
		if (!ctx.layer.send(tx)) {
			this.#end(END_TRANSPORT, 503);
			return false;
		}
		return true;
	}

	/** Responses to our requests (ClientTransactionUser). */
	onResponse(tx: number, msg: MessageView): void {
		if (tx === this.inviteTx && this.role === UAC && this.state === CALL_CALLING) return this.#inviteResponse(msg);
		if (tx === this.inviteTx && this.role === UAC && msg.status >= 200 && msg.status < 300) return this.#late2xx(msg);
		if (tx === this.#reinviteTx) return this.#reinviteResponse(msg);
		// §13.2.2.4: a retransmission of our re-INVITE's 2xx (its ACK was lost) is ACKed again.
		if (tx === this.#reinviteAckTx && msg.status >= 200 && msg.status < 300) return this.#sendAck(this.dialog, numberOfCSeq(msg));
		if (tx === this.#byeTx) return this.#byeResponse(msg);
		// A BYE for a fork, an INFO ... : nothing to do.
	}

	onTimeout(tx: number): void {
		this.#failed(tx, 408);
	}

	onTransportError(tx: number): void {
		this.#failed(tx, 503);
	}

	#failed(tx: number, status: number): void {
		if (tx === this.inviteTx && this.state === CALL_CALLING) this.#end(status === 408 ? END_TIMEOUT : END_TRANSPORT, status);
		else if (tx === this.#reinviteTx) {
			this.#reinviteTx = -1;
			// §12.2.1.2: 408 or 481 to a request inside the dialog ends it.
			if (this.state === CALL_ACTIVE) this.#hangupActive(END_TIMEOUT, status);
		} else if (tx === this.#byeTx) this.#release();
	}

	#inviteResponse(msg: MessageView): void {
		const status = msg.status, d = this.dialog;
		if (status < 200) {
			if (status === 100) return;
			if (this.#toTagged(msg) && d.fromResponse(msg)) d.state = DIALOG_EARLY;
			let early = false;
			if (hasBody(msg) && contentTypeIs(msg, SDP) && this.#readAnswer(msg)) early = true;
			this.#ctx.events.progress(this.index, status, early);
			return;
		}
		if (status < 300) return this.#accepted(msg);
		// A final non-2xx: the transaction ACKed it (§17.1.1.3).
		this.inviteTx = -1;
		if (this.#cancelAsked) return this.#end(END_CANCELLED, status);
		if (status >= 300 && status < 400 && this.#redirect(msg)) return;
		if (status === 401 || status === 407) {
			if (this.credentials.onChallenge(msg) === AUTH_RETRY) {
				this.#sendInvite();
				return;
			}
			return this.#end(END_AUTH, status);
		}
		if (status === 422) {
			// RFC 4028 §7.4: ask again with at least the Min-SE the server wants, and carry that Min-SE ("the largest
			// value among all Min-SE header field values returned in all 422 responses").
			const min = numericHeader(msg, H_MIN_SE);
			if (min > this.#seAsk) {
				this.#seAsk = min;
				if (min > this.#minSE) this.#minSE = min;
				this.credentials.accepted();
				this.#sendInvite();
				return;
			}
		}
		this.#end(status === 488 || status === 606 ? END_NO_COMMON_CODEC : END_REJECTED, status);
	}

	/** The first 2xx (§13.2.2.4): confirm the dialog, take the answer, ACK; hang up at once if we asked to. */
	#accepted(msg: MessageView): void {
		const d = this.dialog;
		if (!this.#toTagged(msg) || !d.fromResponse(msg)) {
			// A 2xx we cannot form a dialog from: nothing can be ACKed to a proper target. Treat as failed.
			return this.#end(END_REJECTED, 500);
		}
		d.state = DIALOG_CONFIRMED;
		this.#sendAck(d, d.localCSeq);
		this.credentials.accepted();
		this.#stopTimer(T_CANCEL_GIVE_UP);
		if (this.#cancelAsked) return this.#hangupActive(END_LOCAL, 0); // §9.1 race: the 2xx won, so BYE
		const answered = hasBody(msg) ? contentTypeIs(msg, SDP) && this.#readAnswer(msg) : this.hasMedia;
		this.state = CALL_ACTIVE;
		if (!answered) return this.#hangupActive(END_NO_COMMON_CODEC, 0);
		this.#peerSupportsTimer = listsTimer(msg);
		this.#se.read(msg);
		this.#startSessionTimer(this.#se.interval, this.#se.refresher === REFRESHER_UAC);
		this.#ctx.events.answered(this.index);
	}

	/** A 2xx after the first (RFC 6026 §8.4): the same dialog's retransmission gets the ACK again; a fork's is ACKed and ended. */
	#late2xx(msg: MessageView): void {
		if (this.#sameRemoteTag(msg)) {
			this.#sendAck(this.dialog, numberOfCSeq(msg));
			return;
		}
		this.#ackAndByeFork(msg);
	}

	/** §13.2.2.4: "the UAC core MUST ACK ... and then MUST ... terminate the dialog with a BYE" for a fork we do not want. */
	#ackAndByeFork(msg: MessageView): void {
		const fork = this.#ctx.forkDialog;
		fork.copyFrom(this.dialog);
		if (!fork.fromResponse(msg)) return;
		const cseq = numberOfCSeq(msg);
		this.#sendAck(fork, cseq);
		fork.localCSeq = cseq;
		this.#sendInDialog(fork, M_BYE, false);
	}

	#redirect(msg: MessageView): boolean {
		// §8.1.3.4: try the first Contact (the station follows one, up to maxRedirects per call).
		if (this.#redirects >= this.#ctx.config.maxRedirects) return false;
		const e = msg.find(H_CONTACT);
		if (e < 0 || !parseNameAddr(msg.buf, msg.valueStart(e), msg.valueEnd(e), this.#nameAddr)) return false;
		const uri = this.#nameAddr.uri;
		if (!uri.isSip || !this.#requestUri.set(msg.buf, uri.start, uri.end)) return false;
		const c = this.#ctx.config;
		if (c.outboundProxy === null && !this.#firstHop.fromUri(msg.buf, uri.start, uri.end)) return false;
		this.#redirects++;
		this.credentials.reset();
		// §8.1.3.4: only the Request-URI changes; To still names the party first asked for.
		return this.#sendInvite();
	}

	// ---- incoming call (§13.3) ----

	/**
	 * A new INVITE for this free slot. Checks the offer; answers 415 / 422 / 488 itself when it cannot go on,
	 * else tells the application and rings (180) until `answer` or `reject`.
	 */
	startIncoming(tx: number, msg: MessageView): void {
		const ctx = this.#ctx, c = ctx.config;
		this.#begin(UAS);
		this.inviteTx = tx;
		// Our To tag, made before any answer: a refusal (415 / 422 / 488) carries it too (§8.2.6.2).
		randomHex(ctx.random, this.#scratch, this.#localTagBytes);
		if (hasBody(msg) && !contentTypeIs(msg, SDP)) return this.#refuse(tx, 415, R_UNSUPPORTED_MEDIA, WITH_ACCEPT);
		this.#se.read(msg);
		this.#peerSupportsTimer = listsTimer(msg);
		this.#raiseMinSE(msg);
		const minSE = Math.max(c.minSE, MIN_SE_FLOOR);
		if (this.#se.interval > 0 && this.#se.interval < minSE) return this.#refuse(tx, 422, R_TOO_SMALL, 0);
		this.#prepareMedia();
		if (hasBody(msg)) {
			if (!parseSdp(msg.buf, msg.bodyStart, msg.bodyEnd, ctx.sdp)) return this.#refuse(tx, 400, R_BAD_SDP, 0);
			if (!answerOffer(ctx.sdp, this.local, this.media)) return this.#refuse(tx, 488, R_NOT_ACCEPTABLE, WITH_ACCEPT);
			const w = ctx.ackWriter.reset(); // scratch: nothing else is being written now
			writeAnswer(w, ctx.sdp, this.local, this.media);
			if (w.overflow || !this.#answerSdp.set(w.buf, 0, w.pos)) return this.#refuse(tx, 500, R_ANSWER_TOO_LONG, 0);
			this.hasMedia = true;
			this.#offerInOk = false;
		} else {
			this.#offerInOk = true; // §13.2.1: no offer in the INVITE: ours goes in the 2xx, the answer in the ACK
		}
		const d = this.dialog;
		if (!d.fromRequest(msg, this.#localTagBytes)) return this.#refuse(tx, 400, R_BAD_DIALOG, 0);
		d.remoteCSeq = numberOfCSeq(msg);
		d.state = DIALOG_EARLY;
		this.state = CALL_RINGING_IN;
		this.peer = d.remoteUri.toString();
		ctx.events.incomingCall(this.index, this.peer, d.localUri.toString());
		if (this.state === CALL_RINGING_IN && ctx.layer.stateOf(tx) !== 0) this.#respondInvite(180, R_RINGING, false);
	}

	/** Answer the ringing call: 200 with the SDP answer (or offer) and the session timer (RFC 4028 §9). */
	answer(): boolean {
		if (this.state !== CALL_RINGING_IN) return false;
		const c = this.#ctx.config;
		let interval = this.#se.interval, weRefresh = false;
		if (interval > 0) {
			// §9: a refresher the UAC named stands; otherwise the UAC refreshes if it can, else we do.
			if (this.#se.refresher === REFRESHER_UAS) weRefresh = true;
			else if (this.#se.refresher === REFRESHER_NONE) weRefresh = !this.#peerSupportsTimer;
		} else if (c.sessionExpires > 0 && this.#peerSupportsTimer) {
			// §9: the UAS may add a session timer the request did not ask for.
			interval = c.sessionExpires;
		}
		this.#seInterval = interval;
		this.#weRefresh = weRefresh;
		if (!this.#respondInvite(200, R_OK, true)) return false;
		this.dialog.state = DIALOG_CONFIRMED;
		this.state = CALL_ACTIVE;
		this.#ackWanted = true;
		this.ackTx = this.inviteTx;
		this.#startSessionTimer(interval, weRefresh);
		if (this.hasMedia) this.#ctx.events.answered(this.index);
		return true;
	}

	/** Refuse the ringing call (486 Busy Here, 603 Decline, 403 Forbidden ...). */
	reject(status: number, reason: Uint8Array): void {
		if (this.state !== CALL_RINGING_IN) return;
		this.#respondInvite(status, reason, false);
		this.#end(END_REJECTED, status);
	}

	/** CANCEL of our ringing INVITE (§9.2): the core answered the CANCEL 200; the INVITE gets 487. */
	onCancel(): void {
		if (this.state !== CALL_RINGING_IN) return; // already answered: the CANCEL has no effect
		this.#respondInvite(487, R_TERMINATED, false);
		this.#end(END_CANCELLED, 487);
	}

	/** The ACK for our 2xx (§13.3.1.4); it carries the answer when our 2xx carried the offer. */
	onAck(msg: MessageView): void {
		if (!this.#ackWanted) return;
		this.#ackWanted = false;
		if (this.#byeAfterAck) return this.#sendBye(); // §15: we hung up meanwhile; now the BYE may go
		if (this.#offerInOk) {
			this.#offerInOk = false;
			// The first answer of the call is `answered`; one to the offer in our 2xx of a re-INVITE is a change (§14.2).
			const first = !this.hasMedia;
			this.#rememberMedia();
			if (!hasBody(msg) || !contentTypeIs(msg, SDP) || !this.#readAnswer(msg)) return this.#hangupActive(END_NO_COMMON_CODEC, 0);
			if (this.state !== CALL_ACTIVE) return;
			if (first) this.#ctx.events.answered(this.index);
			else if (this.#mediaChanged()) this.#ctx.events.mediaChanged(this.index);
		}
	}

	/** No ACK for our 2xx within 64·T1 (§13.3.1.4): "the UAS core ... SHOULD terminate the dialog" with BYE. */
	onAckTimeout(): void {
		if (!this.#ackWanted) return;
		this.#ackWanted = false;
		// §15: the server transaction timed out, so a BYE held back for the ACK goes now.
		if (this.#byeAfterAck) return this.#sendBye();
		if (this.state === CALL_ACTIVE) this.#hangupActive(END_NO_ACK, 0);
	}

	// ---- both sides ----

	/** End the call from our side: CANCEL while calling (§9.1), decline while ringing, BYE once up (§15.1.1). */
	hangup(): void {
		switch (this.state) {
			case CALL_CALLING:
				if (this.#cancelAsked) return;
				this.#cancelAsked = true;
				this.#ctx.layer.cancel(this.inviteTx);
				// §9.1: CANCEL now, or once a provisional response came; when nothing can be cancelled any more the final
				// response is on its way and ends the call (a 2xx is ACKed and BYEd). If no final response comes within
				// 64·T1, the call is over.
				this.#startTimer(T_CANCEL_GIVE_UP, 64 * this.#ctx.layer.config.t1);
				return;
			case CALL_RINGING_IN:
				this.reject(603, R_DECLINE);
				return;
			case CALL_ACTIVE:
				this.#hangupActive(END_LOCAL, 0);
				return;
		}
	}

	/** A request inside this call's dialog (the core checked the dialog and the CSeq order, §12.2.2). */
	onInDialogRequest(tx: number, msg: MessageView): void {
		const method = msg.methodId;
		if (method === M_BYE) {
			this.#simple(tx, 200, R_OK);
			// §15.1.2: a BYE before our 2xx was ACKed, or on an early dialog, ends the call all the same.
			if (this.state === CALL_RINGING_IN) this.#respondInvite(487, R_TERMINATED, false);
			if (this.state === CALL_CALLING) {
				this.#cancelAsked = true;
				this.#ctx.layer.cancel(this.inviteTx);
			}
			return this.#end(END_REMOTE, 0);
		}
		if (method === M_INVITE || method === M_UPDATE) return this.#offerInDialog(tx, msg, method);
		if (method === M_INFO) {
			const digit = infoDigit(msg);
			if (digit === INFO_BAD_TYPE) return this.#ctx.respondSimple(tx, 415, R_UNSUPPORTED_MEDIA, WITH_ACCEPT);
			this.#simple(tx, 200, R_OK);
			if (digit !== INFO_NO_DTMF) this.#ctx.events.digit(this.index, digit);
			return;
		}
		if (method === M_OPTIONS) return this.#ctx.respondSimple(tx, 200, R_OK, WITH_ACCEPT | WITH_ALLOW); // §11.2: as outside a dialog
		this.#ctx.respondSimple(tx, 405, R_NOT_ALLOWED, WITH_ALLOW);
	}

	/** A re-INVITE or UPDATE (§14.2, RFC 3311 §5.2): answer the offer, refresh the target and the session timer. */
	#offerInDialog(tx: number, msg: MessageView, method: number): void {
		const ctx = this.#ctx;
		if (this.state !== CALL_ACTIVE && !(method === M_UPDATE && this.state === CALL_RINGING_IN)) {
			return this.#simple(tx, 491, R_PENDING);
		}
		// §14.2: our own offer is out: glare, 491; RFC 3311 §5.2 the same for UPDATE.
		if (this.#reinviteTx >= 0 || this.#offerInOk) return this.#simple(tx, 491, R_PENDING);
		if (hasBody(msg) && !contentTypeIs(msg, SDP)) return ctx.respondSimple(tx, 415, R_UNSUPPORTED_MEDIA, WITH_ACCEPT);
		const se = this.#se;
		se.read(msg);
		this.#raiseMinSE(msg);
		const minSE = Math.max(ctx.config.minSE, MIN_SE_FLOOR);
		if (se.interval > 0 && se.interval < minSE) return this.#refuse(tx, 422, R_TOO_SMALL, 0, false);
		let changed = false, offerInAnswer = false;
		if (hasBody(msg)) {
			if (!parseSdp(msg.buf, msg.bodyStart, msg.bodyEnd, ctx.sdp)) return this.#simple(tx, 400, R_BAD_SDP);
			// §14.2: a refused offer leaves the session as it was (488, the old media stays).
			this.#rememberMedia();
			if (!answerOffer(ctx.sdp, this.local, this.media)) return ctx.respondSimple(tx, 488, R_NOT_ACCEPTABLE, WITH_ACCEPT);
			changed = this.#mediaChanged();
			this.hasMedia = true;
		} else if (method === M_INVITE) {
			offerInAnswer = true; // §14.2: an INVITE without offer: our 2xx carries one, the ACK the answer
		}
		this.dialog.refreshTarget(msg);
		// RFC 4028 §9: the refresh names the refresher relative to this transaction (we are its UAS).
		if (se.interval > 0) {
			const weRefresh = se.refresher === REFRESHER_UAS || (se.refresher === REFRESHER_NONE && !listsTimer(msg));
			this.#seInterval = se.interval;
			this.#weRefresh = weRefresh;
		} else {
			this.#seInterval = 0;
		}
		const w = ctx.layer.respond(tx, 200, R_OK); // the To of an in-dialog request has our tag already
		if (w === null) return;
		this.#writeContact(w);
		ctx.writeCapabilities(w, false, true);
		this.#writeSessionExpires(w, false, listsTimer(msg));
		if (hasBody(msg)) {
			w.header(H_CONTENT_TYPE, SDP).endHeaders();
			writeAnswer(w, ctx.sdp, this.local, this.media);
		} else if (offerInAnswer) {
			w.header(H_CONTENT_TYPE, SDP).endHeaders();
			writeOffer(w, this.local);
			this.#offerInOk = true;
		} else {
			w.endHeaders();
		}
		ctx.layer.sendResponse(tx);
		if (method === M_INVITE) {
			this.#ackWanted = true;
			this.ackTx = tx;
		}
		this.#startSessionTimer(this.#seInterval, this.#weRefresh);
		if (changed) ctx.events.mediaChanged(this.index);
	}

	/** A retransmitted 2xx arrived after the INVITE transaction ended (the core found the call by Call-ID). */
	onStray2xx(msg: MessageView): void {
		if (this.role === UAC && this.state !== CALL_IDLE) this.#late2xx(msg);
	}

	// ---- our re-INVITE: session refresh (RFC 4028 §7.4 / §9) ----

	#sendRefresh(): void {
		if (this.state !== CALL_ACTIVE || this.#reinviteTx >= 0) return;
		const tx = this.#sendInDialog(this.dialog, M_INVITE, true);
		if (tx < 0) return;
		this.#reinviteTx = tx;
		this.#reinviteCSeq = this.dialog.localCSeq;
	}

	#reinviteResponse(msg: MessageView): void {
		const status = msg.status;
		if (status < 200) return;
		if (status < 300) {
			// ACK the 2xx of the re-INVITE with its CSeq (§13.2.2.4); retransmissions are routed to it by `onResponse`.
			this.#sendAck(this.dialog, this.#reinviteCSeq);
			this.#reinviteAckTx = this.#reinviteTx;
			this.#reinviteTx = -1;
			this.dialog.refreshTarget(msg);
			// RFC 3264 §8: an answer that repeats the session (a refresh) changes nothing the application must hear of.
			this.#rememberMedia();
			if (hasBody(msg) && contentTypeIs(msg, SDP) && this.#readAnswer(msg) && this.#mediaChanged()) this.#ctx.events.mediaChanged(this.index);
			this.#se.read(msg);
			// RFC 4028 §7.2: a 2xx without Session-Expires turns the session timer off (interval 0 stops both timers).
			this.#startSessionTimer(this.#se.interval, this.#se.refresher !== REFRESHER_UAS);
			return;
		}
		this.#reinviteTx = -1;
		if (status === 401 || status === 407) {
			if (this.credentials.onChallenge(msg) === AUTH_RETRY) return this.#sendRefresh();
		} else if (status === 491) {
			// §14.1: retry after 2.1–4 s if we own the Call-ID (we sent the first INVITE), else 0–2 s, in 10 ms units.
			this.#ctx.random.fill(this.#scratch);
			const r = ((this.#scratch[0] << 8) | this.#scratch[1]) / 65536;
			this.#startTimer(T_GLARE, this.role === UAC ? 2100 + Math.floor(r * 190) * 10 : Math.floor(r * 200) * 10);
			return;
		} else if (status === 408 || status === 481) {
			return this.#hangupActive(END_TIMEOUT, status); // §12.2.1.2
		} else if (status === 422) {
			// RFC 4028 §7.4: again with the larger interval — only if it is larger (a 422 naming less is not retried).
			const min = numericHeader(msg, H_MIN_SE);
			if (min > this.#seInterval) {
				this.#seInterval = min;
				if (min > this.#minSE) this.#minSE = min;
				return this.#sendRefresh();
			}
		}
		// Any other failure leaves the session as it was (§14.1); the session timer decides its end.
	}

	// ---- timers ----

	onTimer(kind: number): void {
		this.#timers[kind] = -1;
		switch (kind) {
			case T_SESSION_REFRESH: // RFC 4028 §10: half the interval has run
			case T_GLARE: // RFC 3261 §14.1: the wait after a 491 is over: the same refresh again
				this.#sendRefresh();
				break;
			case T_SESSION_EXPIRY:
				// RFC 4028 §10: no refresh came: end the session with BYE.
				if (this.state === CALL_ACTIVE) this.#hangupActive(END_SESSION_EXPIRED, 0);
				break;
			case T_CANCEL_GIVE_UP:
				if (this.state === CALL_CALLING) this.#end(END_CANCELLED, 0);
				break;
			case T_BYE_GIVE_UP:
				if (this.state === CALL_ENDING && this.#byeAfterAck) this.#sendBye();
				else if (this.state === CALL_ENDING) this.#release();
				break;
		}
	}

	#startSessionTimer(interval: number, weRefresh: boolean): void {
		this.#stopTimer(T_SESSION_REFRESH);
		this.#stopTimer(T_SESSION_EXPIRY);
		this.#seInterval = interval;
		this.#weRefresh = weRefresh;
		if (interval <= 0 || this.state !== CALL_ACTIVE) return;
		// §10: the refresher refreshes at half the interval; the other side ends it shortly before expiry. The expiry
		// runs for the refresher too: a refresh that fails (500, an unanswerable 401 ...) leaves the session to expire
		// (§10: the session ends unless a refresh succeeds), and the peer tears it down then; so do we.
		if (weRefresh) this.#startTimer(T_SESSION_REFRESH, (interval * 1000) / 2);
		this.#startTimer(T_SESSION_EXPIRY, (interval - expiryWarning(interval)) * 1000);
	}

	#startTimer(kind: number, ms: number): void {
		this.#stopTimer(kind);
		this.#timers[kind] = this.#ctx.wheel.start(Math.max(1, Math.round(ms)), this.#owner, kind, 0);
	}

	#stopTimer(kind: number): void {
		if (this.#timers[kind] >= 0) this.#ctx.wheel.cancel(this.#timers[kind]);
		this.#timers[kind] = -1;
	}

	// ---- writing ----

	/** A request in `d` (BYE, re-INVITE refresh): Request-URI = remote target, next hop = first route (§12.2.1.1). */
	#sendInDialog(d: Dialog, method: number, withOffer: boolean): number {
		const ctx = this.#ctx, t = d.remoteTarget, hop = d.hop;
		const tx = ctx.layer.request(this, method, t.buf, 0, t.length, hop.transport, hop.address, hop.port);
		if (tx < 0) return -1;
		const w = ctx.layer.writer(tx)!;
		d.writeHeaders(w, method, ++d.localCSeq);
		if (method === M_INVITE || method === M_UPDATE) {
			this.#writeContact(w);
			ctx.writeCapabilities(w, false);
			this.#writeSessionExpires(w, true, true);
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

	/** RFC 4028 §7.4: the Min-SE of our refreshes is the largest one "received in session refresh requests" too. */
	#raiseMinSE(msg: MessageView): void {
		const min = numericHeader(msg, H_MIN_SE);
		if (min > this.#minSE) this.#minSE = min;
	}

	/** RFC 4028 §9 / §7.4: Session-Expires with the refresher, Require: timer when the peer supports it. */
	#writeSessionExpires(w: Writer, asUac: boolean, peerSupports: boolean): void {
		if (this.#seInterval <= 0) return;
		// refresher=uac / uas is relative to the transaction: as its UAC we refresh iff we are "uac".
		const refresherIsUac = asUac ? this.#weRefresh : !this.#weRefresh;
		w.name(H_SESSION_EXPIRES).uint(this.#seInterval).bytes(refresherIsUac ? REFRESHER_UAC_TEXT : REFRESHER_UAS_TEXT).crlf();
		// §7.4: a refresh request carries the largest Min-SE of the dialog.
		if (asUac) w.headerUint(H_MIN_SE, this.#minSE);
		if (!asUac && peerSupports) w.header(H_REQUIRE, TIMER);
	}

	/** The ACK of a 2xx (§13.2.2.4): its own transaction-less request with a new branch, over the route set. */
	#sendAck(d: Dialog, cseq: number): void {
		const ctx = this.#ctx, w = ctx.ackWriter.reset(), t = d.remoteTarget, hop = d.hop;
		randomHex(ctx.random, this.#scratch, this.#branch, BRANCH_PREFIX.length);
		w.requestLine(METHOD_BYTES[M_ACK], t.buf, 0, t.length);
		ctx.transport.writeVia(w, hop.transport, this.#branch, 0, this.#branch.length);
		d.writeHeaders(w, M_ACK, cseq);
		w.endHeaders();
		const length = w.finish();
		if (length > 0) ctx.transport.send(hop.transport, hop.address, hop.port, -1, w.buf, 0, length);
	}

	/** A response to the INVITE we are ringing for: To tag, Contact, Record-Route (§12.1.1), the SDP in a 2xx. */
	#respondInvite(status: number, reason: Uint8Array, withBody: boolean): boolean {
		const ctx = this.#ctx, d = this.dialog;
		const w = ctx.layer.respond(this.inviteTx, status, reason, this.#localTag());
		if (w === null) return false;
		if (status < 300) {
			if (d.routeCount > 0) w.name(H_RECORD_ROUTE).bytes(d.routeSet.buf, 0, d.routeSet.length).crlf();
			this.#writeContact(w);
			ctx.writeCapabilities(w, false, true);
		}
		if (withBody) {
			this.#writeSessionExpires(w, false, this.#peerSupportsTimer);
			w.header(H_CONTENT_TYPE, SDP).endHeaders();
			if (this.#offerInOk) writeOffer(w, this.local);
			else this.#answerSdp.writeTo(w);
		} else {
			w.endHeaders();
		}
		return ctx.layer.sendResponse(this.inviteTx);
	}

	#simple(tx: number, status: number, reason: Uint8Array): void {
		this.#ctx.respondSimple(tx, status, reason, 0);
	}

	/** Refuse a new INVITE before the call started (415 / 422 / 488 ...) and free the slot. */
	#refuse(tx: number, status: number, reason: Uint8Array, extra: number, end = true): void {
		const ctx = this.#ctx;
		if (status === 422) {
			const w = ctx.layer.respond(tx, 422, reason, this.#localTag());
			if (w !== null) {
				w.headerUint(H_MIN_SE, Math.max(ctx.config.minSE, MIN_SE_FLOOR)).endHeaders();
				ctx.layer.sendResponse(tx);
			}
		} else {
			ctx.respondSimple(tx, status, reason, extra);
		}
		if (end) this.#release();
	}

	#writeContact(w: Writer): void {
		w.name(H_CONTACT).bytes(LT);
		this.#ctx.contact.writeTo(w).bytes(GT).crlf();
	}

	// ---- SDP ----

	/** Keep what the media is now (no allocation: the address string is shared, not copied). */
	#rememberMedia(): void {
		const m = this.media;
		this.#wasAddress = m.remoteAddress;
		this.#wasPort = m.remotePort;
		this.#wasPt = m.payloadType;
		this.#wasDirection = m.direction;
		this.#wasTe = m.telephoneEventPt;
	}

	/** Did the last offer or answer change where or how we send or receive since `#rememberMedia`? */
	#mediaChanged(): boolean {
		const m = this.media;
		return this.#wasAddress !== m.remoteAddress || this.#wasPort !== m.remotePort || this.#wasPt !== m.payloadType ||
			this.#wasDirection !== m.direction || this.#wasTe !== m.telephoneEventPt;
	}

	/** An answer to our offer (or an offer in a 2xx/ACK after our offerless INVITE... not sent by us): into `media`. */
	#readAnswer(msg: MessageView): boolean {
		const ctx = this.#ctx;
		if (!parseSdp(msg.buf, msg.bodyStart, msg.bodyEnd, ctx.sdp)) return false;
		if (!acceptAnswer(ctx.sdp, this.local, this.media)) return false;
		this.hasMedia = true;
		return true;
	}

	// ---- ending ----

	/** BYE the active call (§15.1.1) and tell the application now; the slot is freed when the BYE completes. */
	#hangupActive(why: number, status: number): void {
		this.#stopAllTimers();
		this.credentials.reset();
		this.state = CALL_ENDING;
		this.#ctx.events.ended(this.index, why, status);
		if (this.#ackWanted) {
			// §15: "the callee's UA MUST NOT send a BYE on a confirmed dialog until it has received an ACK for its 2xx
			// response or until the server transaction times out" (Timer L, `onAckTimeout`).
			this.#byeAfterAck = true;
			this.#startTimer(T_BYE_GIVE_UP, 2 * (64 * this.#ctx.layer.config.t1 + 1000));
			return;
		}
		this.#sendBye();
	}

	#sendBye(): void {
		this.#byeAfterAck = false;
		this.#byeTx = this.#sendInDialog(this.dialog, M_BYE, false);
		if (this.#byeTx < 0) this.#release();
		else this.#startTimer(T_BYE_GIVE_UP, 64 * this.#ctx.layer.config.t1 + 1000);
	}

	#byeResponse(msg: MessageView): void {
		if (msg.status < 200) return;
		if ((msg.status === 401 || msg.status === 407) && this.credentials.onChallenge(msg) === AUTH_RETRY) {
			this.#byeTx = this.#sendInDialog(this.dialog, M_BYE, false);
			if (this.#byeTx >= 0) return;
		}
		this.#release();
	}

	#end(why: number, status: number): void {
		// A call that is ENDING was reported when it began to end (a BYE crossing ours must not report it twice).
		const wasActive = this.state !== CALL_IDLE && this.state !== CALL_ENDING;
		this.#release();
		if (wasActive) this.#ctx.events.ended(this.index, why, status);
	}

	#release(): void {
		this.#stopAllTimers();
		this.state = CALL_IDLE;
		this.role = 0;
		this.inviteTx = -1;
		this.ackTx = -1;
		this.#clearExchanges();
		this.dialog.state = 0;
		this.#ctx.released(this);
	}

	#begin(role: number): void {
		this.role = role;
		this.#redirects = 0;
		this.#cancelAsked = false;
		this.#seInterval = 0;
		this.#weRefresh = false;
		this.#peerSupportsTimer = false;
		this.#clearExchanges();
		this.#minSE = Math.max(this.#ctx.config.minSE, MIN_SE_FLOOR);
	}

	/**
	 * Forget what the slot's last call left: its transactions inside the dialog (re-INVITE, its ACK, BYE), its media,
	 * and the flags of its ACK / BYE / offer-in-2xx handshakes (§13.3.1.4, §15). Released and begun slots start clean.
	 */
	#clearExchanges(): void {
		this.#reinviteTx = -1;
		this.#reinviteAckTx = -1;
		this.#byeTx = -1;
		this.hasMedia = false;
		this.#ackWanted = false;
		this.#byeAfterAck = false;
		this.#offerInOk = false;
	}

	#stopAllTimers(): void {
		for (let k = 1; k < this.#timers.length; k++) this.#stopTimer(k);
	}

	/** Are this call's timers all stopped (the tests' leak check)? */
	get timersIdle(): boolean {
		for (let k = 1; k < this.#timers.length; k++) if (this.#timers[k] >= 0) return false;
		return true;
	}

	// ---- small helpers ----

	/** A new SDP session on this slot's RTP port (RFC 4566 §5.2: a new sess-id per session). */
	#prepareMedia(): void {
		const ctx = this.#ctx, l = this.local;
		if (l.address !== ctx.mediaAddress) l.setAddress(ctx.mediaAddress);
		l.rtpPort = ctx.config.rtpPort + 2 * this.index;
		ctx.random.fill(this.#scratch);
		l.newSession(((this.#scratch[0] << 24) | (this.#scratch[1] << 16) | (this.#scratch[2] << 8) | this.#scratch[3]) >>> 1);
	}

	/** 16 random bytes as 32 hex digits into `field` (Call-IDs: §8.1.1.4 wants them globally unique). */
	#newId(field: ByteField): void {
		randomHex(this.#ctx.random, this.#scratch16, this.#idBytes);
		field.set(this.#idBytes);
	}

	/** Our To tag as responses take it: always the 16 hex digits made in `startIncoming`. */
	#localTag(): Uint8Array {
		return this.#localTagBytes;
	}

	#toTagged(msg: MessageView): boolean {
		const e = msg.find(H_TO);
		return e >= 0 && parseNameAddr(msg.buf, msg.valueStart(e), msg.valueEnd(e), this.#nameAddr) && this.#nameAddr.tag.start >= 0;
	}

	#sameRemoteTag(msg: MessageView): boolean {
		if (!this.#toTagged(msg)) return false;
		const tag = this.#nameAddr.tag;
		return this.dialog.remoteTag.equals(msg.buf, tag.start, tag.end);
	}
}

/** The CSeq number of a message the validator accepted (so it parses). */
export function numberOfCSeq(msg: MessageView): number {
	const e = msg.find(H_CSEQ);
	const buf = msg.buf;
	let i = msg.valueStart(e), n = 0;
	while (i < msg.valueEnd(e) && (buf[i] === 0x20 || buf[i] === 0x09)) i++;
	while (i < msg.valueEnd(e) && buf[i] >= 0x30 && buf[i] <= 0x39) n = n * 10 + buf[i++] - 0x30;
	return n;
}

