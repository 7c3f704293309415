// Session timers — RFC 4028: Session-Expires with its refresher, Min-SE, who refreshes and when.
import { ascii, equalsIgnoreCase, parseDecimal } from "../sip/bytes.js";
import { H_SESSION_EXPIRES, H_SUPPORTED } from "../sip/header-ids.js";
import type { MessageView } from "../sip/message-view.js";
import { ParamCursor } from "../sip/params.js";

export const REFRESHER_NONE = 0, REFRESHER_UAC = 1, REFRESHER_UAS = 2;
/** RFC 4028 §4: Min-SE is never below 90 s. */
export const MIN_SE_FLOOR = 90;
const REFRESHER = ascii("refresher"), UAC = ascii("uac"), UAS = ascii("uas"), TIMER = ascii("timer");

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

