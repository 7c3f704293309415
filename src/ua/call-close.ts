// Ending a call — RFC 3261 §15 (BYE: sending §15.1.1, receiving §15.1.2), and freeing its slot.
import type { MessageView } from "../sip/message-view.js";
import { M_BYE } from "../sip/methods.js";
import type { Call } from "./call.js";
import { CALL_CALLING, CALL_ENDING, CALL_IDLE, CALL_RINGING_IN, R_OK, R_TERMINATED, T_BYE_GIVE_UP, type CallContext } from "./call-context.js";
import { AUTH_RETRY } from "./credentials.js";
import { END_REMOTE } from "./ua-events.js";

/** The end of a call slot's call: our BYE (held back until our 2xx is ACKed), theirs, and the slot's release. */
export class Close {
	readonly #call: Call;
	readonly #ctx: CallContext;
	#byeTx = -1;
	/** We hung up before the ACK of our 2xx: the BYE waits for it (§15). */
	#byeAfterAck = false;

	constructor(call: Call, ctx: CallContext) {
		this.#call = call;
		this.#ctx = ctx;
	}

	clear(): void {
		this.#byeTx = -1;
		this.#byeAfterAck = false;
	}

	/** BYE the active call (§15.1.1) and tell the application now; the slot is freed when the BYE completes. */
	hangupActive(why: number, status: number): void {
		const call = this.#call;
		call.stopAllTimers();
		call.credentials.reset();
		call.state = CALL_ENDING;
		this.#ctx.events.ended(call.index, why, status);
		if (call.accept.ackWanted) {
			// §15: "the callee's UA MUST NOT send a BYE on a confirmed dialog until it has received an ACK for its 2xx
			// response or until the server transaction times out" (Timer L, `onAckTimeout`).
			this.#byeAfterAck = true;
			if (call.startTimer(T_BYE_GIVE_UP, 2 * (64 * this.#ctx.layer.config.t1 + 1000))) return;
			// No timer free to bound the wait: the BYE goes now rather than never.
		}
		this.#sendBye();
	}

	/** The ACK came or will not come (§15): a BYE held back for it goes now. False when none was held. */
	sendHeldBye(): boolean {
		if (!this.#byeAfterAck) return false;
		this.#sendBye();
		return true;
	}

	#sendBye(): void {
		const call = this.#call;
		this.#byeAfterAck = false;
		this.#byeTx = call.sendInDialog(call.dialog, M_BYE, false);
		if (this.#byeTx < 0) this.release();
		// The BYE's own Timer F ends the wait too (onFailed): without this timer the slot is still freed.
		else call.startTimer(T_BYE_GIVE_UP, 64 * this.#ctx.layer.config.t1 + 1000);
	}

	/** The peer's BYE (§15.1.2): 200, and the call ends — also before our 2xx was ACKed, or on an early dialog. */
	onBye(tx: number): void {
		const call = this.#call;
		this.#ctx.respondSimple(tx, 200, R_OK, 0);
		if (call.state === CALL_RINGING_IN) call.accept.respondInvite(487, R_TERMINATED, false);
		if (call.state === CALL_CALLING) call.connect.cancelInvite();
		this.end(END_REMOTE, 0);
	}

	/** A response to our BYE: false when `tx` is not our BYE. */
	onResponse(tx: number, msg: MessageView): boolean {
		if (tx !== this.#byeTx) return false;
		if (msg.status < 200) return true;
		if ((msg.status === 401 || msg.status === 407) && this.#call.credentials.onChallenge(msg) === AUTH_RETRY) {
			this.#byeTx = this.#call.sendInDialog(this.#call.dialog, M_BYE, false);
			if (this.#byeTx >= 0) return true;
		}
		this.release();
		return true;
	}

	/** Our BYE timed out or could not be sent: the slot is free all the same. */
	onFailed(tx: number): void {
		if (tx === this.#byeTx) this.release();
	}

	/** The wait for the ACK (then the BYE) or for the BYE's answer is over. */
	onGiveUp(): void {
		const call = this.#call;
		if (call.state === CALL_ENDING && this.#byeAfterAck) this.#sendBye();
		else if (call.state === CALL_ENDING) this.release();
	}

	/** End the call now and tell the application (with `detail`: what was not found), unless it was told when the call began to end. */
	end(why: number, status: number, detail = ""): void {
		// A call that is ENDING was reported when it began to end (a BYE crossing ours must not report it twice).
		const call = this.#call, wasActive = call.state !== CALL_IDLE && call.state !== CALL_ENDING;
		this.release();
		if (wasActive) this.#ctx.events.ended(call.index, why, status, detail);
	}

	/** Free the slot: timers stopped, exchanges forgotten. */
	release(): void {
		const call = this.#call;
		call.stopAllTimers();
		call.state = CALL_IDLE;
		call.role = 0;
		call.inviteTx = -1;
		call.ackTx = -1;
		call.clearExchanges();
		call.dialog.state = 0;
		this.#ctx.released(call);
	}
}
