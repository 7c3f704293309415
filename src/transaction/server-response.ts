// A server transaction's responses, built from the head it kept of its request — RFC 3261 §8.2.6 (Via, From, To with
// our tag, Call-ID, CSeq; Timestamp in a 100), §17.2.1 / §17.2.2 (when a transaction may still respond).
import { ascii } from "../sip/bytes.js";
import { H_TO } from "../sip/header-ids.js";
import type { Writer } from "../sip/writer.js";
import type { TransactionContext } from "./context.js";
import { serverNonInviteOpen } from "./server-non-invite.js";
import { PROCEEDING, SERVER_INVITE, SERVER_NON_INVITE } from "./transaction-table.js";

const TAG = ascii(";tag=");
/** §21.5.1: what goes instead of a response that did not fit the transaction's writer (`maxSendBytes`). */
const TOO_LARGE_LINE = ascii("SIP/2.0 500 Server Internal Error: response too large\r\n");

/**
 * Start a response of server transaction `slot` in its writer: Status-Line and the request's Via, From, To (with
 * `toTag` added when the To has none, §8.2.6.2), Call-ID and CSeq; a 100 also the Timestamp (§8.2.6.1). Null when the
 * transaction can no longer respond.
 */
export function startResponse(ctx: TransactionContext, slot: number, status: number, reason: Uint8Array, toTag?: Uint8Array): Writer | null {
	const t = ctx.table;
	if (!mayRespond(ctx, slot)) return null;
	const w = t.writer[slot].reset();
	const head = t.head[slot];
	w.statusLine(status, reason);
	w.bytes(head.buf, 0, t.toStart[slot]);
	w.name(H_TO).bytes(head.buf, t.toStart[slot], t.toEnd[slot]);
	if (toTag !== undefined && t.toTagged[slot] === 0 && status > 100) w.bytes(TAG).bytes(toTag);
	// §8.2.6.1: "any Timestamp header field present in the request MUST be copied into this 100 (Trying)".
	w.crlf().bytes(head.buf, t.toEnd[slot], status === 100 ? head.pos : t.timestampAt[slot]);
	t.copiedEnd[slot] = w.pos;
	t.length[slot] = -1; // being written
	return w;
}

/** Finish the response written since `startResponse`: its status code, or -1 (nothing being written, or it overflowed). */
export function finishResponse(ctx: TransactionContext, slot: number): number {
	const t = ctx.table;
	if (t.length[slot] !== -1) return -1;
	const length = t.writer[slot].finish();
	if (length < 0) {
		t.length[slot] = 0;
		return -1;
	}
	t.length[slot] = length;
	const buf = t.writer[slot].buf; // "SIP/2.0 NNN", as the writer wrote it
	const status = (buf[8] - 0x30) * 100 + (buf[9] - 0x30) * 10 + (buf[10] - 0x30);
	t.status[slot] = status;
	return status;
}

/**
 * The response being written overflowed the writer: a "500 Server Internal Error" goes instead (§21.5.1), made of the
 * request's Via, From, To (with the tag the response gave it), Call-ID and CSeq, which the writer still holds at its
 * start (`maxSendBytes` holds a head and this 500: config.ts). The transaction then ends as after any final response,
 * never stuck in Proceeding. Its status (500), or -1 when nothing was being written.
 */
export function finishTooLarge(ctx: TransactionContext, slot: number): number {
	const t = ctx.table, w = t.writer[slot], buf = w.buf, copied = t.copiedEnd[slot];
	if (t.length[slot] !== 0 || !w.overflow) return -1;
	let from = 0; // after the Status-Line that was written
	while (from < copied && buf[from] !== 0x0a) from++;
	buf.copyWithin(TOO_LARGE_LINE.length, from + 1, copied);
	w.reset().bytes(TOO_LARGE_LINE);
	w.pos += copied - from - 1;
	t.length[slot] = -1;
	w.endHeaders();
	return finishResponse(ctx, slot);
}

/** §17.2.1: an INVITE responds while Proceeding; §17.2.2: a non-INVITE while Trying or Proceeding. */
function mayRespond(ctx: TransactionContext, slot: number): boolean {
	const t = ctx.table;
	if (t.kind[slot] === SERVER_INVITE) return t.state[slot] === PROCEEDING;
	if (t.kind[slot] === SERVER_NON_INVITE) return serverNonInviteOpen(ctx, slot);
	return false;
}
