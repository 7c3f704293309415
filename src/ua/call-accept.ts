// An incoming call — RFC 3261 §13.3 (INVITE, ringing, answer or refusal, the ACK of our 2xx §13.3.1.4), §9.2 (CANCEL).
import { ascii } from "../sip/bytes.js";
import { H_CONTENT_TYPE, H_MIN_SE, H_RECORD_ROUTE } from "../sip/header-ids.js";
import type { MessageView } from "../sip/message-view.js";
import { answerOffer, writeAnswer, writeOffer } from "../sip/offer-answer.js";
import { parseSdp } from "../sip/sdp.js";
import type { Call } from "./call.js";
import {
	CALL_ACTIVE, CALL_RINGING_IN, R_BAD_SDP, R_NOT_ACCEPTABLE, R_OK, R_TERMINATED, R_TOO_SMALL,
	R_UNSUPPORTED_MEDIA, SDP, UAS, type CallContext,
} from "./call-context.js";
import { ByteField } from "./byte-field.js";
import { contentTypeIs, hasBody } from "./content-type.js";
import { DIALOG_CONFIRMED, DIALOG_EARLY } from "./dialog.js";
import { MIN_SE_FLOOR } from "./session-timer.js";
import { WITH_ACCEPT } from "./ua-context.js";
import { END_CANCELLED, END_LOCAL, END_NO_ACK, END_NO_COMMON_CODEC, END_REJECTED } from "./ua-events.js";
import { COMPLETED } from "../transaction/transaction-table.js";

/** Room for our answer (head ~130 bytes, our audio stream ~150, each rejected m= line ~45; MAX_MEDIA lines at most). */
const ANSWER_BYTES = 1024;
const R_RINGING = ascii("Ringing"), R_BAD_DIALOG = ascii("Bad Request: dialog headers too long"),
	R_ANSWER_TOO_LONG = ascii("Server Internal Error: answer too long");

/** The UAS side of a call slot: the INVITE rings until answered or refused; the ACK of each 2xx we send is awaited here. */
export class Accept {
	readonly #call: Call;
	readonly #ctx: CallContext;
	/**
	 * Our answer to the INVITE's offer, written when the offer arrives: the application answers seconds later, when
	 * the offer's bytes (the host's receive buffer) and the shared SdpView hold other messages (RFC 3264 §6: the
	 * answer mirrors every m= line of the offer, so it cannot be written from the negotiated media alone).
	 */
	readonly #answerSdp = new ByteField(ANSWER_BYTES);
	/** The 2xx we sent carried an offer (the INVITE had none): the answer comes in the ACK (§13.2.1). */
	#offerInOk = false;
	#ackWanted = false;

	constructor(call: Call, ctx: CallContext) {
		this.#call = call;
		this.#ctx = ctx;
	}

	clear(): void {
		this.#ackWanted = false;
		this.#offerInOk = false;
	}

	/** A 2xx of ours waits for its ACK (§13.3.1.4). */
	get ackWanted(): boolean {
		return this.#ackWanted;
	}

	/** Our 2xx carried an offer whose answer comes in the ACK: a new offer now would be glare (§14.2). */
	get offerInOk(): boolean {
		return this.#offerInOk;
	}

	/** The 2xx of (re-)INVITE transaction `tx` went out: wait for its ACK, which carries the answer when the 2xx had the offer. */
	awaitAck(tx: number, offerInOk: boolean): void {
		this.#ackWanted = true;
		this.#offerInOk = offerInOk;
		this.#call.ackTx = tx;
	}

	/**
	 * A new INVITE for this free slot. Checks the offer; answers 415 / 422 / 488 itself when it cannot go on,
	 * else tells the application and rings (180) until `answer` or `reject`.
	 */
	start(tx: number, msg: MessageView): void {
		const call = this.#call, ctx = this.#ctx;
		call.begin(UAS);
		call.inviteTx = tx;
		// Our To tag, made before any answer: a refusal (415 / 422 / 488) carries it too (§8.2.6.2).
		call.newLocalTag();
		if (hasBody(msg) && !contentTypeIs(msg, SDP)) return this.refuse(tx, 415, R_UNSUPPORTED_MEDIA, WITH_ACCEPT);
		if (!call.sessionTimer.fromInvite(msg)) return this.refuse(tx, 422, R_TOO_SMALL, 0);
		call.prepareMedia();
		if (hasBody(msg)) {
			if (!parseSdp(msg.buf, msg.bodyStart, msg.bodyEnd, ctx.sdp)) return this.refuse(tx, 400, R_BAD_SDP, 0);
			if (!answerOffer(ctx.sdp, call.local, call.media)) return this.refuse(tx, 488, R_NOT_ACCEPTABLE, WITH_ACCEPT);
			const w = ctx.ackWriter.reset(); // scratch: nothing else is being written now
			writeAnswer(w, ctx.sdp, call.local, call.media);
			if (w.overflow || !this.#answerSdp.set(w.buf, 0, w.pos)) return this.refuse(tx, 500, R_ANSWER_TOO_LONG, 0);
			call.hasMedia = true;
			this.#offerInOk = false;
		} else {
			this.#offerInOk = true; // §13.2.1: no offer in the INVITE: ours goes in the 2xx, the answer in the ACK
		}
		const d = call.dialog;
		if (!d.fromRequest(msg, call.localTag)) return this.refuse(tx, 400, R_BAD_DIALOG, 0);
		d.remoteCSeq = msg.cseq;
		d.connection = ctx.layer.connectionOf(tx);
		d.state = DIALOG_EARLY;
		call.state = CALL_RINGING_IN;
		call.peer = d.remoteUri.toString();
		ctx.events.incomingCall(call.index, call.peer, d.localUri.toString());
		if (call.state === CALL_RINGING_IN && ctx.layer.stateOf(tx) !== 0) this.respondInvite(180, R_RINGING, false);
	}

	/** Answer the ringing call: 200 with the SDP answer (or offer) and the session timer (RFC 4028 §9). */
	answer(): boolean {
		const call = this.#call;
		if (call.state !== CALL_RINGING_IN) return false;
		call.sessionTimer.agreeAnswer();
		if (!this.respondInvite(200, R_OK, true)) {
			// The 200 outgrew the send buffer and a 500 went instead (transaction-layer.ts): the INVITE is answered, the call over.
			const ctx = this.#ctx, tx = call.inviteTx;
			if (ctx.layer.stateOf(tx) === COMPLETED) call.close.end(END_LOCAL, 500, `the 200 OK did not fit the ${ctx.layer.config.maxSendBytes}-byte send buffer`);
			return false;
		}
		call.dialog.state = DIALOG_CONFIRMED;
		call.state = CALL_ACTIVE;
		this.#ackWanted = true;
		call.ackTx = call.inviteTx;
		call.sessionTimer.restart();
		if (call.hasMedia) this.#ctx.events.answered(call.index);
		return true;
	}

	/** Refuse the ringing call (486 Busy Here, 603 Decline, 403 Forbidden ...). */
	reject(status: number, reason: Uint8Array): void {
		if (this.#call.state !== CALL_RINGING_IN) return;
		this.respondInvite(status, reason, false);
		this.#call.close.end(END_REJECTED, status);
	}

	/** CANCEL of our ringing INVITE (§9.2): the core answered the CANCEL 200; the INVITE gets 487. */
	onCancel(): void {
		if (this.#call.state !== CALL_RINGING_IN) return; // already answered: the CANCEL has no effect
		this.respondInvite(487, R_TERMINATED, false);
		this.#call.close.end(END_CANCELLED, 487);
	}

	/** The ACK for our 2xx (§13.3.1.4); it carries the answer when our 2xx carried the offer. */
	onAck(msg: MessageView): void {
		if (!this.#ackWanted) return;
		this.#ackWanted = false;
		const call = this.#call;
		if (call.close.sendHeldBye()) return; // §15: we hung up meanwhile; now the BYE may go
		if (this.#offerInOk) {
			this.#offerInOk = false;
			// The first answer of the call is `answered`; one to the offer in our 2xx of a re-INVITE is a change (§14.2).
			const first = !call.hasMedia;
			call.modify.rememberMedia();
			if (!hasBody(msg) || !contentTypeIs(msg, SDP) || !call.readAnswer(msg)) return call.close.hangupActive(END_NO_COMMON_CODEC, 0);
			if (call.state !== CALL_ACTIVE) return;
			if (first) this.#ctx.events.answered(call.index);
			else if (call.modify.mediaChanged()) this.#ctx.events.mediaChanged(call.index);
		}
	}

	/** No ACK for our 2xx within 64·T1 (§13.3.1.4): "the UAS core ... SHOULD terminate the dialog" with BYE. */
	onAckTimeout(): void {
		if (!this.#ackWanted) return;
		this.#ackWanted = false;
		// §15: the server transaction timed out, so a BYE held back for the ACK goes now.
		if (this.#call.close.sendHeldBye()) return;
		if (this.#call.state === CALL_ACTIVE) this.#call.close.hangupActive(END_NO_ACK, 0);
	}

	/** A response to the INVITE we are ringing for: To tag, Contact, Record-Route (§12.1.1), the SDP in a 2xx. */
	respondInvite(status: number, reason: Uint8Array, withBody: boolean): boolean {
		const call = this.#call, ctx = this.#ctx, d = call.dialog;
		const w = ctx.layer.respond(call.inviteTx, status, reason, call.localTag);
		if (w === null) return false;
		if (status < 300) {
			if (d.routeCount > 0) w.name(H_RECORD_ROUTE).bytes(d.routeSet.buf, 0, d.routeSet.length).crlf();
			call.writeContact(w);
			ctx.writeCapabilities(w, false, true);
		}
		if (withBody) {
			call.sessionTimer.write(w, false, call.sessionTimer.peerSupports);
			w.header(H_CONTENT_TYPE, SDP).endHeaders();
			if (this.#offerInOk) writeOffer(w, call.local);
			else this.#answerSdp.writeTo(w);
		} else {
			w.endHeaders();
		}
		return ctx.layer.sendResponse(call.inviteTx);
	}

	/** Refuse an INVITE (415 / 422 / 488 ...); a new call's slot is freed (`end`), a re-INVITE's call goes on. */
	refuse(tx: number, status: number, reason: Uint8Array, extra: number, end = true): void {
		const ctx = this.#ctx;
		if (status === 422) {
			// RFC 4028 §6: the 422 names the smallest interval we accept.
			const w = ctx.layer.respond(tx, 422, reason, this.#call.localTag);
			if (w !== null) {
				w.headerUint(H_MIN_SE, Math.max(ctx.config.minSE, MIN_SE_FLOOR)).endHeaders();
				ctx.layer.sendResponse(tx);
			}
		} else {
			ctx.respondSimple(tx, status, reason, extra);
		}
		if (end) this.#call.close.release();
	}
}
