// The fuzz oracle for the message layer and the transport's answers — RFC 3261 §7, §8.2 (a malformed request is
// answered 400/505/513 with the verdict), §18.1.2 (a malformed response is dropped), §18.3 (stream framing).
// Each mutant is parsed as a datagram and framed as a stream split at seeded points, then handed to a real Transport
// on fake sockets as a datagram and as a TCP stream: what the transport delivers, answers or closes must be what the
// parser says of the same bytes. Host-free and allocation-free per mutant (strings only for a failure), so the same
// loop runs 10 million times on Node and 100,000 times on XS (test/torture/fuzz-xs-entry.ts).
import type { DatagramSocket, StreamSocket } from "../../src/host.js";
import { ascii } from "../../src/sip/bytes.js";
import { DEFAULT_LIMITS } from "../../src/sip/limits.js";
import { H_CALL_ID, H_CSEQ, H_FROM, H_TO, H_VIA } from "../../src/sip/header-ids.js";
import type { MessageView } from "../../src/sip/message-view.js";
import { MessageView as View } from "../../src/sip/message-view.js";
import { M_ACK } from "../../src/sip/methods.js";
import { SipParser } from "../../src/sip/parser.js";
import { FRAME_ERROR, FRAME_MESSAGE, FRAME_NEED_MORE, FRAME_PING, FRAME_PONG, StreamFramer } from "../../src/sip/stream-framer.js";
import type { Validator } from "../../src/sip/validate.js";
import { Validator as RequestValidator } from "../../src/sip/validate.js";
import { Writer } from "../../src/sip/writer.js";
import { TimerWheel } from "../../src/transaction/timer-wheel.js";
import { Transport, type Source, type TransportUser } from "../../src/transaction/transport.js";
import { VirtualClock } from "../virtual-clock.js";
import { Mutator, OP_COUNT } from "./mutator.js";

/** Indexes of `ParserFuzz.counts`. */
export const C = Object.freeze({
	mutants: 0, exceptions: 1, failures: 2, bytes: 3,
	/** Datagram verdicts. */
	accepted: 4, status400: 5, status505: 6, status513: 7, statusOther: 8,
	/** What the transport did with the datagram. */
	requestsDelivered: 9, responsesDelivered: 10, answered: 11, unanswerable: 12, dropped: 13,
	/** Stream framing of the same bytes (split at seeded points). */
	streamMessages: 14, streamBad: 15, streamErrors: 16, streamWaiting: 17, streamPings: 18,
	streamAnswered: 19, streamClosed: 20,
	/** Datagram and stream framed the same message (same end): they agreed on its verdict. */
	agreements: 21,
	keepalives: 22,
});
export const COUNT_NAMES: readonly string[] = Object.freeze(Object.keys(C));
const N_COUNTS = COUNT_NAMES.length;

/** The address mutants "come from" (RFC 5737). */
const PEER = "192.0.2.99", PEER_PORT = 5099, LOCAL = "192.0.2.10", LOCAL_PORT = 5060;
/** Most loop turns one stream may take: every turn consumes bytes or stops, so more is a hang. */
const MAX_TURNS_PER_BYTE = 2;
const ANSWER_END = ascii("\r\nContent-Length: 0\r\n\r\n");
/** Failures kept as text (the first ones: the rest are counted). */
const MAX_FAILURE_TEXTS = 20;

/** Captures what the transport sends, one message at a time, into a fixed buffer. */
class Capture implements DatagramSocket, StreamSocket {
	readonly buf = new Uint8Array(2 * DEFAULT_LIMITS.maxMessageBytes);
	/** Messages written since `reset()`; only the first is kept in `buf[0, length)`. */
	count = 0;
	length = 0;
	pongs = 0;
	closed = false;

	reset(): void {
		this.count = this.length = this.pongs = 0;
		this.closed = false;
	}
	send(bytes: Uint8Array, start: number, end: number): boolean {
		return this.write(bytes, start, end);
	}
	write(bytes: Uint8Array, start: number, end: number): boolean {
		if (end - start === 2 && bytes[start] === 0x0d && bytes[start + 1] === 0x0a) {
			this.pongs++; // RFC 5626 §3.5.1: the pong of a CRLFCRLF ping
			return true;
		}
		if (this.count++ === 0) {
			const n = Math.min(end - start, this.buf.length);
			for (let i = 0; i < n; i++) this.buf[i] = bytes[start + i];
			this.length = n;
		}
		return true;
	}
	close(): void {
		this.closed = true;
	}
}

/** The transport's user: counts what reaches it. */
class CountingUser implements TransportUser {
	requests = 0;
	responses = 0;
	onRequest(_msg: MessageView, _validator: Validator, _source: Source): void {
		this.requests++;
	}
	onResponse(_msg: MessageView, _validator: Validator, _source: Source): void {
		this.responses++;
	}
	onConnectionClosed(): void {}
	isConnectionInUse(): boolean {
		return false;
	}
}

export class ParserFuzz {
	readonly mutator: Mutator;
	/** Tallies, indexed by `C`. */
	readonly counts = new Float64Array(N_COUNTS);
	/** Mutants each operator took part in. */
	readonly opCounts = new Float64Array(OP_COUNT);
	/** The first failures, as text ("mutant 123 (seed 4): ..."). */
	readonly failures: string[] = [];
	/** The mutant numbers of every failure kept. */
	readonly failedMutants: number[] = [];
	readonly #parser = new SipParser(DEFAULT_LIMITS);
	readonly #framer = new StreamFramer(DEFAULT_LIMITS);
	readonly #streamView = new View(DEFAULT_LIMITS);
	readonly #streamValidator = new RequestValidator();
	readonly #expected = new Writer(DEFAULT_LIMITS.maxMessageBytes);
	readonly #udp = new Capture();
	readonly #tcp = new Capture();
	readonly #user = new CountingUser();
	readonly #transport: Transport;
	/** Split points of the current stream (chunk k is [splits[k], splits[k + 1])). */
	readonly #splits = new Int32Array(5);
	#splitCount = 0;
	/** Expected stream outcome, filled by the model run. */
	#streamRequests = 0;
	#streamAnswers = 0;
	#streamAnswerable = 0;
	#streamError = false;
	#streamPings = 0;
	#datagramEnd = -1;
	#datagramStatus = 0;

	constructor(seeds: readonly Uint8Array[], seed = 0x5eed) {
		this.mutator = new Mutator(seeds, seed);
		const clock = new VirtualClock(0, false);
		const wheel = new TimerWheel({ capacity: 64, clock });
		this.#transport = new Transport({
			limits: DEFAULT_LIMITS, udp: this.#udp, clock, wheel, localAddress: LOCAL, localPort: LOCAL_PORT, maxConnections: 1,
		});
		this.#transport.setUser(this.#user);
	}

	/** Mutants from..from+n-1; returns the number of failures so far. */
	run(from: number, n: number): number {
		for (let i = from; i < from + n; i++) this.step(i);
		return this.counts[C.failures];
	}

	/** One mutant through every check. An exception from the code under test is counted and kept, never rethrown. */
	step(i: number): void {
		const counts = this.counts;
		counts[C.mutants]++;
		let length = 0;
		try {
			length = this.mutator.mutant(i);
		} catch (e) {
			this.#fail(i, "the mutator threw", e);
			return;
		}
		counts[C.bytes] += length;
		const ops = this.mutator.ops;
		for (let k = 0; k < OP_COUNT; k++) if ((ops & (1 << k)) !== 0) this.opCounts[k]++;
		try {
			this.#datagram(i, length);
			this.#stream(i, length);
		} catch (e) {
			counts[C.exceptions]++;
			this.#fail(i, "exception", e);
		}
	}

	// ---- as a datagram (§18.3: one datagram, one message) ----

	#datagram(i: number, n: number): void {
		const bytes = this.mutator.out, parser = this.#parser, counts = this.counts;
		const status = parser.parse(bytes, 0, n);
		const view = parser.view;
		this.#datagramStatus = status;
		this.#datagramEnd = status === 0 ? view.end : -1;
		const keepalive = isOnlyLineEnds(bytes, n);
		if (keepalive) counts[C.keepalives]++;
		if (status === 0) {
			counts[C.accepted]++;
			if (view.start < 0 || view.end > n || view.start > view.end || view.bodyStart > view.bodyEnd || view.bodyEnd > n) {
				return this.#fail(i, "accepted with offsets outside the datagram");
			}
			for (let e = 0; e < view.entryCount; e++) {
				if (view.valueStart(e) > view.valueEnd(e) || view.valueEnd(e) > n || view.nameStart(e) > view.nameEnd(e)) {
					return this.#fail(i, "accepted with a header span outside the datagram");
				}
			}
		} else {
			if (status === 400) counts[C.status400]++;
			else if (status === 505) counts[C.status505]++;
			else if (status === 513) counts[C.status513]++;
			else {
				counts[C.statusOther]++;
				return this.#fail(i, "a datagram verdict that is neither 400, 505 nor 513");
			}
			const v = parser.verdict;
			if (v.status !== status || v.reasonBytes.length === 0) return this.#fail(i, "a verdict without its status or reason");
			if (v.errorAt < -1 || v.errorAt > n || v.detailEnd > n || v.otherEnd > n) return this.#fail(i, "a verdict pointing outside the datagram");
		}

		// The transport, given the same datagram: delivers exactly what the parser accepts, answers a bad request
		// with the verdict's status line, and drops a bad response (§18.1.2) or what cannot be answered (an ACK, §17.1.1.3).
		const udp = this.#udp, user = this.#user;
		udp.reset();
		user.requests = user.responses = 0;
		this.#transport.onDatagram(bytes, 0, n, PEER, PEER_PORT);
		if (keepalive) {
			if (udp.count + user.requests + user.responses !== 0) return this.#fail(i, "a CRLF keep-alive datagram was acted on");
			return;
		}
		if (status === 0) {
			if (udp.count !== 0) return this.#fail(i, "a valid message was answered by the transport itself");
			if (view.isRequest) {
				if (user.requests !== 1) return this.#fail(i, "a valid request did not reach the transaction layer");
				counts[C.requestsDelivered]++;
			} else {
				if (user.requests !== 0) return this.#fail(i, "a response reached the user as a request");
				counts[user.responses === 1 ? C.responsesDelivered : C.dropped]++;
			}
			return;
		}
		if (user.requests + user.responses !== 0) return this.#fail(i, "a message the parser refuses reached the transaction layer");
		if (!view.isRequest && udp.count !== 0) return this.#fail(i, "a bad response was answered");
		if (!view.isRequest || udp.count === 0) {
			if (view.isRequest && answerable(view, this.#expected.reset().statusLineFor(this.#parser.verdict, bytes).pos)) {
				return this.#fail(i, "a bad request that can be answered got no answer");
			}
			counts[view.isRequest ? C.unanswerable : C.dropped]++;
			return;
		}
		if (udp.count !== 1) return this.#fail(i, "a bad request got more than one answer");
		if (!this.#answerIsVerdict(bytes)) return this.#fail(i, "the answer to a bad request is not the verdict's status line, or is not framed");
		counts[C.answered]++;
	}

	/**
	 * The captured answer starts with the status line the verdict makes (§21.4 + the reason naming the fault) and is
	 * framed (it ends with Content-Length 0 and the empty line). Its other headers are the request's own, copied as
	 * §8.2.6.2 says: they may be as broken as the request was.
	 */
	#answerIsVerdict(request: Uint8Array): boolean {
		const w = this.#expected.reset().statusLineFor(this.#parser.verdict, request);
		const a = this.#udp.count > 0 ? this.#udp : this.#tcp;
		if (a.length < w.pos + ANSWER_END.length) return false;
		for (let k = 0; k < w.pos; k++) if (a.buf[k] !== w.buf[k]) return false;
		for (let k = 0; k < ANSWER_END.length; k++) if (a.buf[a.length - ANSWER_END.length + k] !== ANSWER_END[k]) return false;
		return true;
	}

	// ---- as a stream (§18.3: Content-Length frames it; a bad frame closes the connection) ----

	#stream(i: number, n: number): void {
		this.#chooseSplits(i, n);
		if (!this.#modelStream(i, n)) return;
		// The transport, given the same chunks on an accepted connection.
		const tcp = this.#tcp, user = this.#user, counts = this.counts;
		tcp.reset();
		user.requests = user.responses = 0;
		const conn = this.#transport.accept(tcp, PEER, PEER_PORT);
		if (conn === null) return this.#fail(i, "the transport refused a connection with its only slot free");
		const bytes = this.mutator.out;
		for (let k = 0; k < this.#splitCount && !tcp.closed; k++) conn.onBytes(bytes, this.#splits[k], this.#splits[k + 1]);
		const closedByStation = tcp.closed;
		if (!closedByStation) conn.onClosed(false); // the peer hangs up: the slot is free for the next mutant
		if (closedByStation !== this.#streamError) {
			return this.#fail(i, closedByStation ? "the station closed a stream that frames without error" : "the station kept a stream that cannot be framed");
		}
		if (user.requests !== this.#streamRequests) return this.#fail(i, "the valid requests of the stream did not all reach the transaction layer (or more did)");
		if (tcp.count < this.#streamAnswerable || tcp.count > this.#streamAnswers) return this.#fail(i, "the bad requests of the stream were not answered one each");
		if (tcp.pongs !== this.#streamPings) return this.#fail(i, "a CRLFCRLF ping was not answered by one CRLF");
		counts[C.streamAnswered] += tcp.count;
		if (closedByStation) counts[C.streamClosed]++;
	}

	/** 1–3 cuts at seeded points: the stream arrives in up to four reads. */
	#chooseSplits(i: number, n: number): void {
		let h = (Math.imul(i + 7, 0x2545f491) ^ 0x9e3779b9) >>> 0;
		const cuts = 1 + (h % 3);
		const s = this.#splits;
		s[0] = 0;
		let count = 1;
		for (let k = 0; k < cuts; k++) {
			h = (Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) + k) >>> 0;
			const at = n === 0 ? 0 : h % (n + 1);
			// keep them in order
			let j = count;
			while (j > 1 && s[j - 1] > at) {
				s[j] = s[j - 1];
				j--;
			}
			s[j] = at;
			count++;
		}
		s[count] = n;
		this.#splitCount = count;
	}

	/**
	 * What a connection must do with these chunks, from a framer of our own run the way a connection runs it
	 * (connection.ts): messages handed out, bad ones to be answered, pings, whether the stream fails.
	 */
	#modelStream(i: number, n: number): boolean {
		const framer = this.#framer, view = this.#streamView, bytes = this.mutator.out, counts = this.counts;
		framer.reset();
		this.#streamRequests = this.#streamAnswers = this.#streamAnswerable = this.#streamPings = 0;
		this.#streamError = false;
		let turns = 0;
		const maxTurns = MAX_TURNS_PER_BYTE * n + 16;
		let firstMessage = true;
		for (let k = 0; k < this.#splitCount; k++) {
			let at = this.#splits[k];
			const end = this.#splits[k + 1];
			// As connection.ts: push what fits, take every frame, push the rest.
			while (at < end) {
				at += framer.push(bytes, at, end);
				for (;;) {
					if (++turns > maxTurns) {
						this.#fail(i, "the stream framer does not make progress (a hang)");
						return false;
					}
					const r = framer.next(view);
					if (r === FRAME_NEED_MORE) break;
					if (r === FRAME_MESSAGE) {
						counts[C.streamMessages]++;
						if (view.end > framer.buffer.length || view.start > view.end) {
							this.#fail(i, "a framed message outside the framer's buffer");
							return false;
						}
						const status = this.#streamValidator.check(view, framer.scanner.verdict);
						if (view.isRequest) {
							if (status === 0) this.#streamRequests++;
							else {
								counts[C.streamBad]++;
								this.#streamAnswers++;
								if (answerable(view, this.#expected.reset().statusLineFor(framer.scanner.verdict, view.buf).pos)) this.#streamAnswerable++;
							}
						}
						// The first message framed whole in both: datagram and stream must agree on it.
						if (firstMessage && k === 0 && view.start === 0 && view.end === this.#datagramEnd) {
							if ((status === 0) !== (this.#datagramStatus === 0)) {
								this.#fail(i, "the same message is valid as a datagram and not on a stream (or the reverse)");
								return false;
							}
							counts[C.agreements]++;
						}
						firstMessage = false;
					} else if (r === FRAME_PING) {
						counts[C.streamPings]++;
						this.#streamPings++;
					} else if (r === FRAME_PONG) {
						// nothing to do: the pong of a ping the station sent
					} else if (r === FRAME_ERROR) {
						counts[C.streamErrors]++;
						this.#streamError = true;
						return true;
					}
				}
			}
		}
		if (framer.pending > 0) counts[C.streamWaiting]++;
		return true;
	}

	#fail(i: number, what: string, e?: unknown): void {
		this.counts[C.failures]++;
		if (this.failures.length >= MAX_FAILURE_TEXTS) return;
		const detail = e === undefined ? "" : `: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
		this.failures.push(`mutant ${i} (seed ${this.mutator.seedIndex}, ${this.mutator.length} bytes): ${what}${detail}`);
		this.failedMutants.push(i);
	}
}

/** The single-valued headers a response copies from its request (§8.2.6.2), beside the Via stack. */
const COPIED_ONCE = Object.freeze([H_FROM, H_TO, H_CALL_ID, H_CSEQ]);
/** What the transport adds: ";rport=65535;received=<address>" on the top Via, ";tag=<8 hex>" on To, and CRLFs. */
const ANSWER_SLACK = 64;
const ANSWER_TAIL = "Content-Length: 0000\r\n\r\n".length;

/**
 * Can a response be built for this request: §8.2.6.1, it copies the Via stack, From, To, Call-ID and CSeq (an ACK
 * gets none, §17.1.1.3), and that copy with a status line of `statusLineBytes` must fit a message of `limit` bytes —
 * a Via stack near the size limit cannot be echoed, and then silence is all there is.
 */
export function answerable(view: MessageView, statusLineBytes = 0, limit = DEFAULT_LIMITS.maxMessageBytes): boolean {
	if (view.methodId === M_ACK || view.count(H_VIA) === 0 || view.count(H_CSEQ) === 0 || view.count(H_CALL_ID) === 0 ||
		view.count(H_FROM) === 0 || view.count(H_TO) === 0) return false;
	let bytes = statusLineBytes + ANSWER_SLACK + ANSWER_TAIL;
	for (let e = view.find(H_VIA); e >= 0; e = view.nextOf(e)) bytes += 7 + view.valueEnd(e) - view.valueStart(e);
	for (let k = 0; k < COPIED_ONCE.length; k++) {
		const e = view.find(COPIED_ONCE[k]);
		bytes += 12 + view.valueEnd(e) - view.valueStart(e);
	}
	return bytes <= limit;
}

/** A datagram of line ends only: a keep-alive (RFC 5626 §3.5.1), not a message. */
export function isOnlyLineEnds(bytes: Uint8Array, n: number): boolean {
	for (let k = 0; k < n; k++) if (bytes[k] !== 0x0d && bytes[k] !== 0x0a) return false;
	return true;
}

