// CSeq = 1*DIGIT LWS Method — RFC 3261 §20.16, §8.1.1.5.
import { CLASS, DIGIT, isLws, TOKEN } from "./chars.js";
import { parseDecimal, skipLws, trimLwsEnd } from "./bytes.js";
import { methodId } from "./methods.js";

/** §8.1.1.5: the sequence number MUST be less than 2^31. */
export const MAX_CSEQ = 0x7fffffff;

export class CSeqView {
	/** The sequence number, or -1 when malformed or out of range. */
	number = -1;
	methodStart = 0;
	methodEnd = 0;
	methodId = 0;
}

/** Parse a CSeq value; false if it is not `number LWS method` with number < 2^31 (RFC 4475 §3.1.2.4). */
export function parseCSeq(buf: Uint8Array, s: number, e: number, out: CSeqView): boolean {
	out.number = -1;
	let i = skipLws(buf, s, e);
	e = trimLwsEnd(buf, i, e);
	const numberStart = i;
	while (i < e && (CLASS[buf[i]] & DIGIT) !== 0) i++;
	const n = parseDecimal(buf, numberStart, i, MAX_CSEQ);
	if (n < 0 || i >= e || !isLws(buf[i])) return false;
	i = skipLws(buf, i, e);
	const methodStart = i;
	while (i < e && (CLASS[buf[i]] & TOKEN) !== 0) i++;
	if (i === methodStart || i !== e) return false;
	out.number = n;
	out.methodStart = methodStart;
	out.methodEnd = i;
	out.methodId = methodId(buf, methodStart, i);
	return true;
}
