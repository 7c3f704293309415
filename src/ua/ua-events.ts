// What the user agent tells the application (the intercom, the simulator's command line) — one small interface.

/** Why a call ended (the `why` of `ended`). */
export const END_LOCAL = 1, END_REMOTE = 2, END_REJECTED = 3, END_CANCELLED = 4, END_TIMEOUT = 5, END_NO_ACK = 6,
	END_SESSION_EXPIRED = 7, END_NO_COMMON_CODEC = 8, END_TRANSPORT = 9, END_AUTH = 10, END_NO_SERVER = 11;
export const END_NAMES: readonly string[] = Object.freeze(["", "local hangup", "remote hangup", "rejected",
	"cancelled", "timeout", "no ACK", "session expired", "no common codec", "transport error", "authentication failed", "server not found"]);

export interface UaEvents {
	/** The registrar accepted the binding for `expires` seconds (§10.2.4). */
	registered(expires: number): void;
	/** The binding was removed (un-REGISTER done, §10.2.2). */
	unregistered(): void;
	/**
	 * Registration failed with `status` (a wrong password is reported once, then registration stops); status 0: no
	 * response at all, `reason` says why (the registrar's name did not resolve, no target answered).
	 */
	registrationFailed(status: number, reason: string): void;
	/** A new call; answer with `ua.answer(call)` / `ua.reject(call, status)`; the UA sends 180 meanwhile. */
	incomingCall(call: number, from: string, to: string): void;
	/** 1xx of our INVITE: 180 ringing, 183 with early media (`ua.media(call)` has it when `early`). */
	progress(call: number, status: number, early: boolean): void;
	/** The call is up; `ua.media(call)` holds the negotiated media. */
	answered(call: number): void;
	/** A re-INVITE or UPDATE changed the media (hold, resume, new address, codec). */
	mediaChanged(call: number): void;
	/** A DTMF digit from SIP INFO (`application/dtmf-relay`, `application/dtmf`), as its ASCII code (0-9 * # A-D):
	 * the same type RFC 4733 events arrive as (src/media/dtmf-4733.ts `DigitSink`). */
	digit(call: number, digit: number): void;
	/**
	 * The call ended: `why` is an END_* constant, `status` the SIP status when one caused it (else 0), `detail` what
	 * could not be reached when that ended it ("pbx.example.com NAPTR: no such domain (NXDOMAIN)"), else "".
	 */
	ended(call: number, why: number, status: number, detail?: string): void;
}
