// Request methods — RFC 3261 §7.1 (method names are case-sensitive), §27.4 and the extensions the station meets.
import { ascii } from "./bytes.js";

/** An extension method the table does not know (e.g. `NEWMETHOD`): the UA answers 501 (§8.2.1). */
export const M_OTHER = 0;
export const M_INVITE = 1, M_ACK = 2, M_BYE = 3, M_CANCEL = 4, M_REGISTER = 5, M_OPTIONS = 6, M_INFO = 7,
	M_UPDATE = 8, M_PRACK = 9, M_SUBSCRIBE = 10, M_NOTIFY = 11, M_MESSAGE = 12, M_REFER = 13, M_PUBLISH = 14;
export const M_COUNT = 15;

export const METHOD_NAMES: readonly string[] = Object.freeze(["", "INVITE", "ACK", "BYE", "CANCEL", "REGISTER",
	"OPTIONS", "INFO", "UPDATE", "PRACK", "SUBSCRIBE", "NOTIFY", "MESSAGE", "REFER", "PUBLISH"]);
export const METHOD_BYTES: readonly Uint8Array[] = Object.freeze(METHOD_NAMES.map((m) => ascii(m)));

// The known methods differ in (first byte, length): one table lookup finds the only candidate, one compare checks it.
const CANDIDATE = new Int8Array(256 * 16);
for (let id = 1; id < M_COUNT; id++) {
	const key = METHOD_BYTES[id][0] * 16 + METHOD_BYTES[id].length;
	if (CANDIDATE[key] !== M_OTHER) throw new Error("methods.ts: two methods share a first byte and length");
	CANDIDATE[key] = id;
}

/** The id of the method buf[start, end) (exact match: `invite` is an extension method), or M_OTHER. */
export function methodId(buf: Uint8Array, start: number, end: number): number {
	const length = end - start;
	if (length <= 0 || length > 15) return M_OTHER;
	const id = CANDIDATE[buf[start] * 16 + length];
	if (id === M_OTHER) return M_OTHER;
	const name = METHOD_BYTES[id];
	for (let i = 1; i < length; i++) if (buf[start + i] !== name[i]) return M_OTHER;
	return id;
}
