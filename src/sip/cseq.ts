// CSeq = 1*DIGIT LWS Method — RFC 3261 §20.16, §8.1.1.5.
import { CLASS, TOKEN } from "./chars.js";
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
	// LWS is SP, HTAB and a folded line's CR LF: 32, 9, 13, 10.
	let i = s, b = 0;
	while (i < e && ((b = buf[i]) === 32 || b === 9 || b === 13 || b === 10)) i++;
	while (e > i && ((b = buf[e - 1]) === 32 || b === 9 || b === 13 || b === 10)) e--;
	// 1*DIGIT, below 2^31 (a longer run is out of range, however it continues: RFC 4475 §3.1.2.4).
	const numberStart = i;
	let n = 0, d = 0;
	while (i < e && (d = buf[i] - 0x30) >= 0 && d <= 9) {
		if (n <= MAX_CSEQ) n = n * 10 + d;
		i++;
	}
	if (i === numberStart || n > MAX_CSEQ || i >= e || !((b = buf[i]) === 32 || b === 9 || b === 13 || b === 10)) return false;
	while (i < e && ((b = buf[i]) === 32 || b === 9 || b === 13 || b === 10)) i++;
	const methodStart = i;
	while (i < e && TOKEN_TABLE[buf[i]] !== 0) i++;
	if (i === methodStart || i !== e) return false;
	out.number = n;
	out.methodStart = methodStart;
	out.methodEnd = i;
	out.methodId = methodId(buf, methodStart, i);
	return true;
}

/** 1 for a token byte (§25.1). */
const TOKEN_TABLE = new Uint8Array(256);
for (let b = 0; b < 256; b++) TOKEN_TABLE[b] = (CLASS[b] & TOKEN) !== 0 ? 1 : 0;
