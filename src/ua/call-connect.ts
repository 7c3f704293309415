// An outgoing call — RFC 3261 §13.2 (INVITE, its responses, redirects §8.1.3.4, forks), §9.1 (CANCEL), RFC 6026 §8.4.
import { ascii, randomHex } from "../sip/bytes.js";
import { H_CONTACT, H_CONTENT_TYPE, H_TO } from "../sip/header-ids.js";
import type { MessageView } from "../sip/message-view.js";
import { M_BYE, M_INVITE, METHOD_BYTES } from "../sip/methods.js";
import { hasTag, NameAddr, parseNameAddr } from "../sip/name-addr.js";
import { writeOffer } from "../sip/offer-answer.js";
import type { Call } from "./call.js";
import { CALL_ACTIVE, CALL_CALLING, SDP, T_CANCEL_GIVE_UP, UAC, type CallContext } from "./call-context.js";
import { ByteField } from "./byte-field.js";
import { contentTypeIs, hasBody } from "./content-type.js";
import { AUTH_RETRY } from "./credentials.js";
import { DIALOG_CONFIRMED, DIALOG_EARLY } from "./dialog.js";
import { HOP_FAILED, HOP_WAIT, NextHop, type NextHopUser } from "./next-hop.js";
import { END_AUTH, END_CANCELLED, END_LOCAL, END_NO_COMMON_CODEC, END_NO_SERVER, END_REJECTED, END_TRANSPORT } from "./ua-events.js";

const LT = ascii("<"), GT = ascii(">"), AT = ascii("@");

/**
 * The UAC side of a call slot: from `start` to the 2xx that confirms the dialog, or the final answer that ends it. The
 * first hop (the outbound proxy, else the Request-URI's host) is located first (RFC 3263 §4): while a name resolves the
 * slot is calling with no INVITE yet; a transport error or timeout before any response moves to the next target (§4.3).
 */
export class Connect implements NextHopUser {
	readonly #call: Call;
	readonly #ctx: CallContext;
	readonly #requestUri = new ByteField(256);
	readonly #firstHop: NextHop;
	readonly #proxy: Uint8Array | null;
	readonly #nameAddr = new NameAddr();
	readonly #scratch16 = new Uint8Array(16);
	readonly #idBytes = new Uint8Array(32);
	#redirects = 0;
	#cancelAsked = false;
	/** A response came to the INVITE in flight: from then on its failure ends the call (§4.3 is for unanswered requests). */
	#heard = false;

	constructor(call: Call, ctx: CallContext) {
		this.#call = call;
		this.#ctx = ctx;
		this.#firstHop = new NextHop(ctx.reach, this);
		const proxy = ctx.config.outboundProxy;
		this.#proxy = proxy === null ? null : ascii(proxy.uri);
	}

	reset(): void {
		this.#redirects = 0;
		this.#cancelAsked = false;
		this.#heard = false;
	}

	/**
	 * INVITE `target` (a SIP URI): true when it went out or waits for its first hop's name to resolve. False (nothing
	 * started; `ctx.callError` says why) when the URI or its first hop cannot be reached at all.
	 */
	start(target: Uint8Array): boolean {
		const call = this.#call, ctx = this.#ctx, c = ctx.config, d = call.dialog;
		d.reset();
		if (!this.#requestUri.set(target)) return this.#refuse("the URI is too long");
		const proxy = this.#proxy, hop = this.#firstHop;
		const located = proxy !== null ? hop.resolve(proxy, 0, proxy.length) : hop.resolve(target, 0, target.length);
		if (located === HOP_FAILED) return this.#refuse(hop.error);
		// §8.1.1.4: Call-IDs globally unique: 16 random bytes as hex, then our host.
		randomHex(ctx.random, this.#scratch16, this.#idBytes);
		d.callId.set(this.#idBytes);
		d.callId.append(AT);
		d.callId.append(ctx.localHost);
		call.newLocalTag();
		d.localTag.set(call.localTag);
		d.localUri.set(ctx.localNameAddr);
		d.remoteUri.clear();
		d.remoteUri.append(LT) && d.remoteUri.append(target) && d.remoteUri.append(GT);
		d.localCSeq = 0;
		call.begin(UAC);
		call.sessionTimer.ask(c.sessionExpires);
		call.peer = d.remoteUri.toString();
		call.state = CALL_CALLING;
		call.credentials.reset();
		call.prepareMedia();
		return located === HOP_WAIT || this.#sendInvite();
	}

	/** The first hop's name resolved (or did not): the INVITE goes, or the call ends naming what was not found. */
	onHopResolved(hop: NextHop): void {
		const call = this.#call;
		if (call.state !== CALL_CALLING || call.inviteTx >= 0) return;
		if (!hop.ready) return call.close.end(END_NO_SERVER, 0, hop.error);
		this.#sendInvite();
	}

	/**
	 * RFC 3263 §4.3: our INVITE met a transport error or a timeout before any response: a new INVITE to the next target
	 * (true), unless none is left or the call is being given up (false: the call ends).
	 */
	failover(): boolean {
		if (this.#heard || this.#cancelAsked || !this.#firstHop.next()) return false;
		this.#call.inviteTx = -1;
		return this.#sendInvite();
	}

	/**
	 * Why the call could not be placed, for the application's log: the name whose targets all failed, and for a
	 * transport error (`status` 503) the transport's reason ("TLS 192.0.2.1:5061: certificate has expired"); or "".
	 */
	failure(status: number): string {
		const named = this.#firstHop.ready ? "" : this.#firstHop.error, transport = status === 503 ? this.#ctx.transport.lastFailure : "";
		return named !== "" && transport !== "" ? `${named}: ${transport}` : named + transport;
	}

	#refuse(why: string): false {
		this.#ctx.callError = why;
		return false;
	}

	#sendInvite(): boolean {
		const call = this.#call, ctx = this.#ctx, d = call.dialog, uri = this.#requestUri, hop = this.#firstHop;
		this.#heard = false;
		const tx = ctx.layer.request(call, M_INVITE, uri.buf, 0, uri.length, hop.transport, hop.address, hop.port, hop.serverName);
		if (tx < 0) {
			call.close.end(END_TRANSPORT, 503);
			return false;
		}
		call.inviteTx = tx;
		const w = ctx.layer.writer(tx)!;
		d.writeHeaders(w, M_INVITE, ++d.localCSeq);
		call.writeContact(w);
		ctx.writeCapabilities(w, false);
		call.sessionTimer.writeAsk(w);
		call.credentials.write(w, METHOD_BYTES[M_INVITE], uri.buf, 0, uri.length);
		w.header(H_CONTENT_TYPE, SDP).endHeaders();
		writeOffer(w, call.local);
		if (!ctx.layer.send(tx)) {
			// §4.3: a target that cannot be reached at all (a refused connection) is a transport error too.
			if (ctx.layer.transportFailed && this.failover()) return true;
			call.close.end(END_TRANSPORT, 503, this.failure(503));
			return false;
		}
		return true;
	}

	/** A response to our INVITE while it is calling. */
	onResponse(msg: MessageView): void {
		const call = this.#call, status = msg.status, d = call.dialog;
		if (!this.#heard) {
			this.#heard = true;
			this.#firstHop.answered();
		}
		if (status < 200) {
			if (status === 100) return;
			if (hasTag(msg, H_TO, this.#nameAddr) && d.fromResponse(msg)) {
				d.state = DIALOG_EARLY;
				d.connection = this.#ctx.layer.connectionOf(call.inviteTx);
			}
			let early = false;
			if (hasBody(msg) && contentTypeIs(msg, SDP) && call.readAnswer(msg)) early = true;
			this.#ctx.events.progress(call.index, status, early);
			return;
		}
		if (status < 300) return this.#accepted(msg);
		// A final non-2xx: the transaction ACKed it (§17.1.1.3).
		call.inviteTx = -1;
		if (this.#cancelAsked) return call.close.end(END_CANCELLED, status);
		if (status >= 300 && status < 400 && this.#redirect(msg)) return;
		if (status === 401 || status === 407) {
			if (call.credentials.onChallenge(msg) === AUTH_RETRY) {
				this.#sendInvite();
				return;
			}
			return call.close.end(END_AUTH, status);
		}
		if (status === 422 && call.sessionTimer.raiseAsk(msg)) {
			call.credentials.accepted();
			this.#sendInvite();
			return;
		}
		call.close.end(status === 488 || status === 606 ? END_NO_COMMON_CODEC : END_REJECTED, status);
	}

	/** The first 2xx (§13.2.2.4): confirm the dialog, take the answer, ACK; hang up at once if we asked to. */
	#accepted(msg: MessageView): void {
		const call = this.#call, d = call.dialog;
		if (!hasTag(msg, H_TO, this.#nameAddr) || !d.fromResponse(msg)) {
			// A 2xx we cannot form a dialog from: nothing can be ACKed to a proper target. Treat as failed.
			return call.close.end(END_REJECTED, 500);
		}
		d.state = DIALOG_CONFIRMED;
		d.connection = this.#ctx.layer.connectionOf(call.inviteTx);
		call.sendAck(d, d.localCSeq);
		call.credentials.accepted();
		call.stopTimer(T_CANCEL_GIVE_UP);
		if (this.#cancelAsked) return call.close.hangupActive(END_LOCAL, 0); // §9.1 race: the 2xx won, so BYE
		const answered = hasBody(msg) ? contentTypeIs(msg, SDP) && call.readAnswer(msg) : call.hasMedia;
		call.state = CALL_ACTIVE;
		if (!answered) return call.close.hangupActive(END_NO_COMMON_CODEC, 0);
		call.sessionTimer.fromAnswer(msg);
		this.#ctx.events.answered(call.index);
	}

	/** A 2xx after the first (RFC 6026 §8.4): the same dialog's retransmission gets the ACK again; a fork's is ACKed and ended. */
	late2xx(msg: MessageView): void {
		if (this.#sameRemoteTag(msg)) {
			this.#call.sendAck(this.#call.dialog, msg.cseq);
			return;
		}
		this.#ackAndByeFork(msg);
	}

	/** A retransmitted 2xx after the INVITE transaction ended. */
	onStray2xx(msg: MessageView): void {
		if (this.#call.role === UAC && this.#call.busy) this.late2xx(msg);
	}

	/** §13.2.2.4: "the UAC core MUST ACK ... and then MUST ... terminate the dialog with a BYE" for a fork we do not want. */
	#ackAndByeFork(msg: MessageView): void {
		const fork = this.#ctx.forkDialog;
		fork.copyFrom(this.#call.dialog);
		if (!fork.fromResponse(msg)) return;
		const cseq = msg.cseq;
		this.#call.sendAck(fork, cseq);
		fork.localCSeq = cseq;
		this.#call.sendInDialog(fork, M_BYE, false);
	}

	#redirect(msg: MessageView): boolean {
		// §8.1.3.4: try the first Contact (the station follows one, up to maxRedirects per call).
		if (this.#redirects >= this.#ctx.config.maxRedirects) return false;
		const e = msg.find(H_CONTACT);
		if (e < 0 || !parseNameAddr(msg.buf, msg.valueStart(e), msg.valueEnd(e), this.#nameAddr)) return false;
		const uri = this.#nameAddr.uri;
		if (!uri.isSip || !this.#requestUri.set(msg.buf, uri.start, uri.end)) return false;
		let located = 0;
		if (this.#proxy === null) {
			located = this.#firstHop.resolve(msg.buf, uri.start, uri.end);
			if (located === HOP_FAILED) return false;
		}
		this.#redirects++;
		this.#call.credentials.reset();
		// §8.1.3.4: only the Request-URI changes; To still names the party first asked for.
		return located === HOP_WAIT || this.#sendInvite();
	}

	/** Hang up while calling (§9.1): CANCEL now, or once a provisional response came; while resolving, just stop. */
	hangup(): void {
		if (this.#cancelAsked) return;
		if (this.#call.inviteTx < 0) {
			this.#firstHop.cancel();
			return this.#call.close.end(END_CANCELLED, 0);
		}
		this.cancelInvite();
		// When nothing can be cancelled any more the final response is on its way and ends the call (a 2xx is ACKed
		// and BYEd). If no final response comes within 64·T1, the call is over; with no timer free to wait, it is now.
		if (!this.#call.startTimer(T_CANCEL_GIVE_UP, 64 * this.#ctx.layer.config.t1)) this.onCancelGiveUp();
	}

	/** Ask the transaction layer to CANCEL our INVITE (a BYE on the early dialog, or our hang-up). */
	cancelInvite(): void {
		this.#cancelAsked = true;
		this.#ctx.layer.cancel(this.#call.inviteTx);
	}

	/** No final response within 64·T1 of our CANCEL: the call is over, and its INVITE transaction with it (§9.1). */
	onCancelGiveUp(): void {
		const call = this.#call;
		if (call.state !== CALL_CALLING) return;
		this.#ctx.layer.destroyCancelled(call.inviteTx);
		call.close.end(END_CANCELLED, 0);
	}

	#sameRemoteTag(msg: MessageView): boolean {
		if (!hasTag(msg, H_TO, this.#nameAddr)) return false;
		const tag = this.#nameAddr.tag;
		return this.#call.dialog.remoteTag.equals(msg.buf, tag.start, tag.end);
	}
}
