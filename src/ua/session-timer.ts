// Session timers — RFC 4028: Session-Expires with its refresher, Min-SE, who refreshes and when.
import { ascii, equalsIgnoreCase, parseDecimal } from "../sip/bytes.js";
import { H_MIN_SE, H_REQUIRE, H_SESSION_EXPIRES, H_SUPPORTED } from "../sip/header-ids.js";
import type { MessageView } from "../sip/message-view.js";
import { ParamCursor } from "../sip/params.js";
import type { Writer } from "../sip/writer.js";
import type { Call } from "./call.js";
import { CALL_ACTIVE, T_SESSION_EXPIRY, T_SESSION_REFRESH, type CallContext } from "./call-context.js";
import { numericHeader } from "./ua-context.js";
import { END_SESSION_EXPIRED } from "./ua-events.js";

export const REFRESHER_NONE = 0, REFRESHER_UAC = 1, REFRESHER_UAS = 2;
/** RFC 4028 §4: Min-SE is never below 90 s. */
export const MIN_SE_FLOOR = 90;
const REFRESHER = ascii("refresher"), UAC = ascii("uac"), UAS = ascii("uas"), TIMER = ascii("timer"),
	REFRESHER_UAC_TEXT = ascii(";refresher=uac"), REFRESHER_UAS_TEXT = ascii(";refresher=uas");

/** A Session-Expires value (§4): delta-seconds and the refresher parameter. */
export class SessionExpires {
	interval = 0;
	refresher = REFRESHER_NONE;
	readonly #cursor = new ParamCursor();

	/** Read the message's Session-Expires; false (interval 0) when absent or malformed. */
	read(msg: MessageView): boolean {
		this.interval = 0;
		this.refresher = REFRESHER_NONE;
		const e = msg.find(H_SESSION_EXPIRES);
		if (e < 0) return false;
		const buf = msg.buf, end = msg.valueEnd(e);
		let s = msg.valueStart(e), i = s;
		while (i < end && buf[i] >= 0x30 && buf[i] <= 0x39) i++;
		const v = parseDecimal(buf, s, i, 0x7fffffff);
		if (v <= 0) return false;
		s = i;
		while (s < end && (buf[s] === 0x20 || buf[s] === 0x09)) s++;
		const c = this.#cursor.reset(buf, s, end);
		while (c.next() === 1) {
			if (!equalsIgnoreCase(buf, c.nameStart, c.nameEnd, REFRESHER) || c.valueStart < 0) continue;
			if (equalsIgnoreCase(buf, c.valueStart, c.valueEnd, UAC)) this.refresher = REFRESHER_UAC;
			else if (equalsIgnoreCase(buf, c.valueStart, c.valueEnd, UAS)) this.refresher = REFRESHER_UAS;
		}
		this.interval = v;
		return true;
	}
}

/** Does header `id` (Supported or Require) list option tag `timer` (§7.1)? */
export function listsTimer(msg: MessageView, id: number = H_SUPPORTED): boolean {
	for (let e = msg.find(id); e >= 0; e = msg.nextOf(e)) {
		if (equalsIgnoreCase(msg.buf, msg.valueStart(e), msg.valueEnd(e), TIMER)) return true;
	}
	return false;
}

/** §10: the side that does not refresh sends BYE this long before the session would expire: min(32 s, interval/3). */
export function expiryWarning(interval: number): number {
	return Math.min(32, interval / 3);
}


/**
 * The session timer of one call (§7–§10): what we ask for, what was agreed, who refreshes, and the refresh and
 * expiry timers that follow from it. Refresh requests themselves are the call's re-INVITEs (call-modify.ts).
 */
export class SessionTimer {
	readonly #call: Call;
	readonly #ctx: CallContext;
	readonly #se = new SessionExpires();
	/** The agreed interval in s (0 = none), and whether we refresh. */
	#interval = 0;
	#weRefresh = false;
	/** The interval our INVITE asks for (raised by a 422, §7.4). */
	#ask = 0;
	/** §7.4: the Min-SE our requests carry — ours, raised to the largest one a 422 or a refresh named. */
	#minSE = 0;
	#peerSupports = false;

	constructor(call: Call, ctx: CallContext) {
		this.#call = call;
		this.#ctx = ctx;
	}

	reset(): void {
		this.#interval = 0;
		this.#weRefresh = false;
		this.#peerSupports = false;
		this.#minSE = Math.max(this.#ctx.config.minSE, MIN_SE_FLOOR);
	}

	/** The peer listed `timer` in Supported (§7.1). */
	get peerSupports(): boolean {
		return this.#peerSupports;
	}

	// ---- as the UAC of the INVITE (§7) ----

	/** Ask for `seconds` in our INVITE (0: none). */
	ask(seconds: number): void {
		this.#ask = seconds;
	}

	/** §7.1: Session-Expires and Min-SE in our INVITE; either side may refresh. */
	writeAsk(w: Writer): void {
		if (this.#ask <= 0) return;
		w.name(H_SESSION_EXPIRES).uint(this.#ask).crlf();
		w.headerUint(H_MIN_SE, this.#minSE);
	}

	/**
	 * §7.4: a 422 to our INVITE: ask again with at least the Min-SE the server wants, and carry that Min-SE ("the
	 * largest value among all Min-SE header field values returned in all 422 responses"). False: do not retry.
	 */
	raiseAsk(msg: MessageView): boolean {
		const min = this.#raisedBy422(msg, this.#ask);
		if (min < 0) return false;
		this.#ask = min;
		return true;
	}

	/** §7.2: the 2xx of our INVITE says what was agreed and who refreshes. */
	fromAnswer(msg: MessageView): void {
		this.#peerSupports = listsTimer(msg);
		this.#se.read(msg);
		this.start(this.#se.interval, this.#se.refresher === REFRESHER_UAC);
	}

	// ---- as the UAS (§9) ----

	/** The INVITE that starts an incoming call: false when its interval is below our Min-SE (answer 422). */
	fromInvite(msg: MessageView): boolean {
		this.#se.read(msg);
		this.#peerSupports = listsTimer(msg);
		return this.#acceptable(msg);
	}

	/** A re-INVITE or UPDATE (a refresh, §10): false when its interval is below our Min-SE (answer 422). */
	fromRefresh(msg: MessageView): boolean {
		this.#se.read(msg);
		return this.#acceptable(msg);
	}

	/** §9: what our 2xx to the INVITE agrees. */
	agreeAnswer(): void {
		let interval = this.#se.interval, weRefresh = false;
		if (interval > 0) {
			// A refresher the UAC named stands; otherwise the UAC refreshes if it can, else we do.
			if (this.#se.refresher === REFRESHER_UAS) weRefresh = true;
			else if (this.#se.refresher === REFRESHER_NONE) weRefresh = !this.#peerSupports;
		} else if (this.#ctx.config.sessionExpires > 0 && this.#peerSupports) {
			// The UAS may add a session timer the request did not ask for.
			interval = this.#ctx.config.sessionExpires;
		}
		this.#interval = interval;
		this.#weRefresh = weRefresh;
	}

	/** §9: the refresh names the refresher relative to this transaction (we are its UAS). */
	agreeRefresh(msg: MessageView): void {
		const se = this.#se;
		if (se.interval > 0) {
			this.#interval = se.interval;
			this.#weRefresh = se.refresher === REFRESHER_UAS || (se.refresher === REFRESHER_NONE && !listsTimer(msg));
		} else {
			this.#interval = 0;
		}
	}

	// ---- our refresh (re-INVITE) ----

	/** §7.2: a 2xx without Session-Expires turns the session timer off (interval 0 stops both timers). */
	fromRefreshAnswer(msg: MessageView): void {
		this.#se.read(msg);
		this.start(this.#se.interval, this.#se.refresher !== REFRESHER_UAS);
	}

	/** §7.4: a 422 to our refresh: again with the larger interval — only if it is larger. */
	raiseInterval(msg: MessageView): boolean {
		const min = this.#raisedBy422(msg, this.#interval);
		if (min < 0) return false;
		this.#interval = min;
		return true;
	}

	/** The Min-SE of a 422 when it is above `interval` (our Min-SE rises to it, §7.4), else -1: not worth a retry. */
	#raisedBy422(msg: MessageView, interval: number): number {
		const min = numericHeader(msg, H_MIN_SE);
		if (min <= interval) return -1;
		if (min > this.#minSE) this.#minSE = min;
		return min;
	}

	/** §9 / §7.4: Session-Expires with the refresher, Require: timer when the peer supports it. */
	write(w: Writer, asUac: boolean, peerSupports: boolean): void {
		if (this.#interval <= 0) return;
		// refresher=uac / uas is relative to the transaction: as its UAC we refresh iff we are "uac".
		const refresherIsUac = asUac ? this.#weRefresh : !this.#weRefresh;
		w.name(H_SESSION_EXPIRES).uint(this.#interval).bytes(refresherIsUac ? REFRESHER_UAC_TEXT : REFRESHER_UAS_TEXT).crlf();
		// §7.4: a refresh request carries the largest Min-SE of the dialog.
		if (asUac) w.headerUint(H_MIN_SE, this.#minSE);
		if (!asUac && peerSupports) w.header(H_REQUIRE, TIMER);
	}

	// ---- the timers (§10) ----

	/** Run the timers for what was agreed. */
	restart(): void {
		this.start(this.#interval, this.#weRefresh);
	}

	start(interval: number, weRefresh: boolean): void {
		const call = this.#call;
		call.stopTimer(T_SESSION_REFRESH);
		call.stopTimer(T_SESSION_EXPIRY);
		this.#interval = interval;
		this.#weRefresh = weRefresh;
		if (interval <= 0 || call.state !== CALL_ACTIVE) return;
		// The refresher refreshes at half the interval; the other side ends it shortly before expiry. The expiry
		// runs for the refresher too: a refresh that fails (500, an unanswerable 401 ...) leaves the session to expire
		// (the session ends unless a refresh succeeds), and the peer tears it down then; so do we.
		const refreshing = !weRefresh || call.startTimer(T_SESSION_REFRESH, (interval * 1000) / 2);
		if (refreshing && call.startTimer(T_SESSION_EXPIRY, (interval - expiryWarning(interval)) * 1000)) return;
		// No timer free (the wheel is sized for every call's, so this is a sizing fault): the session runs untimed, as
		// if none had been agreed. The peer's own timer (it refreshes, or ends it at expiry) still bounds it.
		call.stopTimer(T_SESSION_REFRESH);
		this.#interval = 0;
	}

	/** No refresh came: end the session with BYE. */
	onExpiry(): void {
		if (this.#call.state === CALL_ACTIVE) this.#call.close.hangupActive(END_SESSION_EXPIRED, 0);
	}

	/** Min-SE of a refresh request raises ours ("received in session refresh requests" too, §7.4); is its interval enough? */
	#acceptable(msg: MessageView): boolean {
		const min = numericHeader(msg, H_MIN_SE);
		if (min > this.#minSE) this.#minSE = min;
		const floor = Math.max(this.#ctx.config.minSE, MIN_SE_FLOOR);
		return !(this.#se.interval > 0 && this.#se.interval < floor);
	}
}
