// Changing a session — RFC 3261 §14 (re-INVITE both ways, glare §14.1), RFC 3311 (UPDATE), RFC 3264 §8 (new offers).
import { ascii } from "../sip/bytes.js";
import { H_CONTENT_TYPE } from "../sip/header-ids.js";
import type { MessageView } from "../sip/message-view.js";
import { M_INVITE, M_UPDATE } from "../sip/methods.js";
import { answerOffer, writeAnswer, writeOffer } from "../sip/offer-answer.js";
import { parseSdp } from "../sip/sdp.js";
import type { Call } from "./call.js";
import {
	CALL_ACTIVE, CALL_RINGING_IN, R_BAD_SDP, R_NOT_ACCEPTABLE, R_OK, R_TOO_SMALL, R_UNSUPPORTED_MEDIA, SDP, T_GLARE, UAC,
	type CallContext,
} from "./call-context.js";
import { contentTypeIs, hasBody } from "./content-type.js";
import { AUTH_RETRY } from "./credentials.js";
import { listsTimer } from "./session-timer.js";
import { WITH_ACCEPT } from "./ua-context.js";
import { END_LOCAL, END_TIMEOUT } from "./ua-events.js";
import { COMPLETED } from "../transaction/transaction-table.js";

const R_PENDING = ascii("Request Pending");

/** Offers inside a dialog: the peer's re-INVITE or UPDATE answered here, and our own re-INVITE (the session refresh). */
export class Modify {
	readonly #call: Call;
	readonly #ctx: CallContext;
	readonly #scratch = new Uint8Array(8);
	/** Our re-INVITE in flight (one at a time: §14.1) and its CSeq. */
	#reinviteTx = -1;
	#reinviteCSeq = 0;
	/** The re-INVITE whose 2xx we ACKed: its retransmissions are ACKed again (§13.2.2.4). */
	#reinviteAckTx = -1;
	/** The media before an offer or answer was applied (`rememberMedia` / `mediaChanged`). */
	#wasAddress = "";
	#wasPort = 0;
	#wasPt = -1;
	#wasDirection = 0;
	#wasTe = -1;

	constructor(call: Call, ctx: CallContext) {
		this.#call = call;
		this.#ctx = ctx;
	}

	clear(): void {
		this.#reinviteTx = -1;
		this.#reinviteAckTx = -1;
	}

	/** A re-INVITE or UPDATE (§14.2, RFC 3311 §5.2): answer the offer, refresh the target and the session timer. */
	onOffer(tx: number, msg: MessageView, method: number): void {
		const call = this.#call, ctx = this.#ctx;
		if (call.state !== CALL_ACTIVE && !(method === M_UPDATE && call.state === CALL_RINGING_IN)) {
			return ctx.respondSimple(tx, 491, R_PENDING, 0);
		}
		// §14.2: our own offer is out: glare, 491; RFC 3311 §5.2 the same for UPDATE.
		if (this.#reinviteTx >= 0 || call.accept.offerInOk) return ctx.respondSimple(tx, 491, R_PENDING, 0);
		if (hasBody(msg) && !contentTypeIs(msg, SDP)) return ctx.respondSimple(tx, 415, R_UNSUPPORTED_MEDIA, WITH_ACCEPT);
		const timer = call.sessionTimer;
		if (!timer.fromRefresh(msg)) return call.accept.refuse(tx, 422, R_TOO_SMALL, 0, false);
		let changed = false, offerInAnswer = false;
		if (hasBody(msg)) {
			if (!parseSdp(msg.buf, msg.bodyStart, msg.bodyEnd, ctx.sdp)) return ctx.respondSimple(tx, 400, R_BAD_SDP, 0);
			// §14.2: a refused offer leaves the session as it was (488, the old media stays).
			this.rememberMedia();
			if (!answerOffer(ctx.sdp, call.local, call.media)) return ctx.respondSimple(tx, 488, R_NOT_ACCEPTABLE, WITH_ACCEPT);
			changed = this.mediaChanged();
			call.hasMedia = true;
		} else if (method === M_INVITE) {
			offerInAnswer = true; // §14.2: an INVITE without offer: our 2xx carries one, the ACK the answer
		}
		call.dialog.refreshTarget(msg);
		timer.agreeRefresh(msg);
		const w = ctx.layer.respond(tx, 200, R_OK); // the To of an in-dialog request has our tag already
		if (w === null) return;
		call.writeContact(w);
		ctx.writeCapabilities(w, false, true);
		timer.write(w, false, listsTimer(msg));
		if (hasBody(msg)) {
			w.header(H_CONTENT_TYPE, SDP).endHeaders();
			writeAnswer(w, ctx.sdp, call.local, call.media);
		} else if (offerInAnswer) {
			w.header(H_CONTENT_TYPE, SDP).endHeaders();
			writeOffer(w, call.local);
		} else {
			w.endHeaders();
		}
		if (!ctx.layer.sendResponse(tx)) {
			// The 200 outgrew the send buffer and a 500 went instead (transaction-layer.ts): the peer keeps the old
			// session (§14.1) while ours has taken the offer, so the call cannot go on as both sides think: it ends.
			if (ctx.layer.stateOf(tx) === COMPLETED) call.close.hangupActive(END_LOCAL, 500);
			return;
		}
		if (method === M_INVITE) call.accept.awaitAck(tx, offerInAnswer);
		timer.restart();
		if (changed) ctx.events.mediaChanged(call.index);
	}

	// ---- our re-INVITE: session refresh (RFC 4028 §7.4 / §9) ----

	sendRefresh(): void {
		const call = this.#call;
		if (call.state !== CALL_ACTIVE || this.#reinviteTx >= 0) return;
		const tx = call.sendInDialog(call.dialog, M_INVITE, true);
		if (tx < 0) return;
		this.#reinviteTx = tx;
		this.#reinviteCSeq = call.dialog.localCSeq;
	}

	/** A response to our re-INVITE (or a retransmitted 2xx of one we ACKed): false when `tx` is not ours. */
	onResponse(tx: number, msg: MessageView): boolean {
		if (tx === this.#reinviteTx) {
			this.#reinviteResponse(msg);
			return true;
		}
		// §13.2.2.4: a retransmission of our re-INVITE's 2xx (its ACK was lost) is ACKed again.
		if (tx === this.#reinviteAckTx && msg.status >= 200 && msg.status < 300) {
			this.#call.sendAck(this.#call.dialog, msg.cseq);
			return true;
		}
		return false;
	}

	/** Our re-INVITE timed out or could not be sent: false when `tx` is not ours. */
	onFailed(tx: number, status: number): boolean {
		if (tx !== this.#reinviteTx) return false;
		this.#reinviteTx = -1;
		// §12.2.1.2: 408 or 481 to a request inside the dialog ends it.
		if (this.#call.state === CALL_ACTIVE) this.#call.close.hangupActive(END_TIMEOUT, status);
		return true;
	}

	#reinviteResponse(msg: MessageView): void {
		const call = this.#call, status = msg.status;
		if (status < 200) return;
		if (status < 300) {
			// ACK the 2xx of the re-INVITE with its CSeq (§13.2.2.4); retransmissions are routed to it by `onResponse`.
			call.sendAck(call.dialog, this.#reinviteCSeq);
			this.#reinviteAckTx = this.#reinviteTx;
			this.#reinviteTx = -1;
			call.dialog.refreshTarget(msg);
			// RFC 3264 §8: an answer that repeats the session (a refresh) changes nothing the application must hear of.
			this.rememberMedia();
			if (hasBody(msg) && contentTypeIs(msg, SDP) && call.readAnswer(msg) && this.mediaChanged()) this.#ctx.events.mediaChanged(call.index);
			call.sessionTimer.fromRefreshAnswer(msg);
			return;
		}
		this.#reinviteTx = -1;
		if (status === 401 || status === 407) {
			if (call.credentials.onChallenge(msg) === AUTH_RETRY) return this.sendRefresh();
		} else if (status === 491) {
			// §14.1: retry after 2.1–4 s if we own the Call-ID (we sent the first INVITE), else 0–2 s, in 10 ms units.
			this.#ctx.random.fill(this.#scratch);
			const r = ((this.#scratch[0] << 8) | this.#scratch[1]) / 65536;
			// With no timer free the refresh is not retried: the session timer decides the session's end (§14.1).
			call.startTimer(T_GLARE, call.role === UAC ? 2100 + Math.floor(r * 190) * 10 : Math.floor(r * 200) * 10);
			return;
		} else if (status === 408 || status === 481) {
			return call.close.hangupActive(END_TIMEOUT, status); // §12.2.1.2
		} else if (status === 422) {
			// RFC 4028 §7.4: again with the larger interval — only if it is larger (a 422 naming less is not retried).
			if (call.sessionTimer.raiseInterval(msg)) return this.sendRefresh();
		}
		// Any other failure leaves the session as it was (§14.1); the session timer decides its end.
	}

	/** Keep what the media is now (no allocation: the address string is shared, not copied). */
	rememberMedia(): void {
		const m = this.#call.media;
		this.#wasAddress = m.remoteAddress;
		this.#wasPort = m.remotePort;
		this.#wasPt = m.payloadType;
		this.#wasDirection = m.direction;
		this.#wasTe = m.telephoneEventPt;
	}

	/** Did the last offer or answer change where or how we send or receive since `rememberMedia`? */
	mediaChanged(): boolean {
		const m = this.#call.media;
		return this.#wasAddress !== m.remoteAddress || this.#wasPort !== m.remotePort || this.#wasPt !== m.payloadType ||
			this.#wasDirection !== m.direction || this.#wasTe !== m.telephoneEventPt;
	}
}
