// The web panel's SIP ladder: every message the door station and the indoor station send or receive (their
// transports' trace hooks), once each, as an arrow between two endpoints with its first line, CSeq and time, and the
// whole message for a click. A message between the two stations is taken from the door station's side only. The
// body of a DTMF INFO is hidden: its key may be part of a door code (DESIGN.md §6: no secret on show).
import { text } from "../../src/sip/bytes.js";
import { DEFAULT_LIMITS } from "../../src/sip/limits.js";
import { SipParser } from "../../src/sip/parser.js";
import { summarize } from "../../src/sip/summary.js";
import { TCP, TLS } from "../../src/transaction/transaction-table.js";
import type { LadderEntry } from "./panel/protocol.js";

/** Entries kept for a page that opens later. */
export const LADDER_KEPT = 500;

const DTMF_BODY = /^content-type[ \t]*:[ \t]*application\/dtmf(-relay)?/im;

export class SipLadder {
	readonly #parser = new SipParser(DEFAULT_LIMITS);
	readonly #entries: LadderEntry[] = [];
	readonly #listeners: ((e: LadderEntry) => void)[] = [];
	#id = 0;

	/**
	 * A tracer for the station at `local` ("127.0.0.1:5070"): its transport's `onTrace`. Messages whose far end is in
	 * `skip` are left out (the other station of this process traces them already).
	 */
	tracer(local: string, skip: readonly string[] = []): (sent: boolean, bytes: Uint8Array, start: number, end: number, transport: number, address: string, port: number) => void {
		return (sent, bytes, start, end, transport, address, port) => {
			if (end - start <= 4) return; // CRLF keep-alives
			const remote = `${address.includes(":") ? `[${address}]` : address}:${port}`;
			if (skip.includes(remote)) return;
			this.#add(sent ? local : remote, sent ? remote : local, transport === TLS ? "TLS" : transport === TCP ? "TCP" : "UDP", bytes, start, end);
		};
	}

	onEntry(listener: (e: LadderEntry) => void): void {
		this.#listeners.push(listener);
	}

	/** The last LADDER_KEPT entries, oldest first. */
	entries(): readonly LadderEntry[] {
		return this.#entries;
	}

	#add(from: string, to: string, transport: "UDP" | "TCP" | "TLS", bytes: Uint8Array, start: number, end: number): void {
		const copy = bytes.slice(start, end), p = this.#parser;
		let label = `(unparsable, ${end - start} bytes)`, cseq = "", callId = "", whole = text(copy, 0, copy.length);
		if (p.parse(copy, 0, copy.length) === 0) {
			const s = summarize(p.view);
			label = s.kind === "request" ? `${s.method}` : `${s.status} ${s.reason}`;
			cseq = s.cseq === null ? "" : `${s.cseq.number} ${s.cseq.method}`;
			callId = s.callId ?? "";
			if (s.kind === "request" && s.method === "INFO") whole = hideDtmf(whole);
		}
		const entry: LadderEntry = { id: ++this.#id, at: Date.now(), from, to, transport, label, cseq, callId, text: whole };
		this.#entries.push(entry);
		if (this.#entries.length > LADDER_KEPT) this.#entries.shift();
		for (const l of this.#listeners) l(entry);
	}
}

/** The message with the body of a DTMF INFO replaced (the headers stay). */
export function hideDtmf(message: string): string {
	const split = message.indexOf("\r\n\r\n");
	if (split < 0 || !DTMF_BODY.test(message.slice(0, split))) return message;
	return `${message.slice(0, split + 4)}(DTMF key hidden: it may be part of a door code)\r\n`;
}
