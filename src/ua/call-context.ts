// What a call slot needs from the UA core, the states it moves through and the words its parts share — RFC 3261 §12–§15.
import { ascii } from "../sip/bytes.js";
import type { SdpView } from "../sip/sdp.js";
import type { Writer } from "../sip/writer.js";
import type { Call } from "./call.js";
import type { Dialog } from "./dialog.js";
import type { UaContext } from "./ua-context.js";

/** Call states. */
export const CALL_IDLE = 0, CALL_CALLING = 1, CALL_RINGING_IN = 2, CALL_ACTIVE = 3, CALL_ENDING = 4;
/** Which side of the original INVITE we were (§14.1 glare delays depend on it). */
export const UAC = 1, UAS = 2;
/** Timers of a call (the wheel's `kind`). */
export const T_SESSION_REFRESH = 1, T_SESSION_EXPIRY = 2, T_GLARE = 3, T_CANCEL_GIVE_UP = 4, T_BYE_GIVE_UP = 5;
/** How many timers one call can hold at once, at most (one of each kind): the wheel is sized with it. */
export const CALL_TIMERS = 5;

export const SDP = ascii("application/sdp");
export const R_OK = ascii("OK"), R_NOT_ACCEPTABLE = ascii("Not Acceptable Here"), R_UNSUPPORTED_MEDIA = ascii("Unsupported Media Type"),
	R_TERMINATED = ascii("Request Terminated"), R_TOO_SMALL = ascii("Session Interval Too Small"),
	R_BAD_SDP = ascii("Bad Request: malformed SDP"), R_DECLINE = ascii("Decline");

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
