// A small HTTP/1.1 server over host StreamSockets for the station's API: fixed connection slots, one request buffer
// each, a deadline for every request head, Digest authentication before any handler runs, and Server-Sent Events
// streams — RFC 9112 (framing, persistence §9.3), RFC 9110 (status codes), RFC 7616 (Digest), WHATWG HTML §9.2 (SSE).
// A client that is slow, sends too much or opens too many connections is answered (408, 413/414/431, 503) and closed;
// it cannot hold more than its slot.
import type { StreamSocket, StreamUser } from "../host.js";
import { ascii, equalsBytes, text } from "../sip/bytes.js";
import { hexValue } from "../sip/chars.js";
import { Writer } from "../sip/writer.js";
import type { TimerOwner, TimerWheel } from "../transaction/timer-wheel.js";
import { AUTH_MISSING, AUTH_OK, AUTH_STALE, type DigestServer } from "./digest-server.js";
import { codeForStatus, writeError } from "./envelope.js";
import { HEAD_DONE, HEAD_MORE, RequestHead } from "./request-head.js";

/** What the server asks of the API: answer an authenticated GET with `ex.send()` or `ex.stream()` before returning. */
export interface HttpHandler {
	onRequest(ex: HttpServer): void;
}

export interface HttpServerOptions {
	readonly wheel: TimerWheel;
	/** null: no authentication (tests of the framing only; the station always sets one). */
	readonly auth: DigestServer | null;
	readonly handler: HttpHandler;
	/** A refusal worth a log line (authentication failed, a limit reached). */
	readonly log: (detail: string) => void;
	readonly maxConnections: number;
	/** Event streams at once (fewer than maxConnections). */
	readonly maxStreams: number;
	/** Request head buffer per connection (default 2048). */
	readonly requestBytes?: number;
	/** The whole request head must arrive within this (default 10 s); an idle persistent connection closes after it too. */
	readonly requestTimeoutMs?: number;
	/** A comment line on every event stream this often (default 25 s), so a dead client is noticed. */
	readonly streamPingMs?: number;
	/** Server header (RFC 9110 §10.2.4). */
	readonly product?: string;
}

const FREE = 0, READING = 1, STREAMING = 2;
const T_REQUEST = 1, T_PING = 2;
const REASONS: Readonly<Record<number, string>> = Object.freeze({
	200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed", 408: "Request Timeout", 409: "Conflict",
	413: "Content Too Large", 414: "URI Too Long", 431: "Request Header Fields Too Large", 500: "Internal Server Error", 501: "Not Implemented",
	503: "Service Unavailable", 505: "HTTP Version Not Supported",
});
const HTTP_11 = ascii("HTTP/1.1 "), CRLF = ascii("\r\n"), JSON_TYPE = ascii("Content-Type: application/json\r\nCache-Control: no-store\r\n"),
	CLOSE = ascii("Connection: close\r\n"), ALLOW = ascii("Allow: GET\r\n"), RETRY = ascii("Retry-After: 5\r\n"), SERVER = ascii("Server: "),
	SSE_HEAD = ascii("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nX-Accel-Buffering: no\r\n\r\n: events\nretry: 2000\n\n"),
	SSE_PING = ascii(": keep-alive\n\n"), EVENT = ascii("event: "), DATA = ascii("\ndata: "), END_EVENT = ascii("\n\n"), GET = ascii("GET");

/** One slot's StreamUser: forwards to the server with its index (no closure per connection). */
class Connection implements StreamUser {
	constructor(readonly server: HttpServer, readonly index: number) {}
	onConnected(): void {}
	onBytes(bytes: Uint8Array, start: number, end: number): void {
		this.server.connectionBytes(this.index, bytes, start, end);
	}
	onClosed(): void {
		this.server.connectionClosed(this.index);
	}
}

/**
 * The server. The host hands it accepted sockets (`accept`); it answers each request on its connection in order. During
 * `handler.onRequest(ex)` the exchange's request is readable (`path`, `param`, `buf` + head offsets) and `body` takes
 * the JSON answer for `send(status)`.
 */
export class HttpServer implements TimerOwner {
	/** The response body of the request being handled (the handler writes it). */
	readonly body = new Writer(3072);
	/** Requests answered, refusals, connections accepted and turned away (figures for tests and the status line). */
	requests = 0;
	refused = 0;
	accepted = 0;
	turnedAway = 0;
	readonly #o: HttpServerOptions;
	readonly #wheel: TimerWheel;
	readonly #owner: number;
	readonly #users: Connection[];
	readonly #sockets: (StreamSocket | null)[];
	readonly #bufs: Uint8Array[];
	readonly #fill: Int32Array;
	readonly #state: Uint8Array;
	readonly #timer: Int32Array;
	readonly #heads: RequestHead[];
	readonly #peers: string[];
	readonly #out = new Writer(4096);
	readonly #event = new Writer(640);
	readonly #server: Uint8Array;
	readonly #timeoutMs: number;
	readonly #pingMs: number;
	#current = -1;
	#answered = false;

	constructor(options: HttpServerOptions) {
		this.#o = options;
		this.#wheel = options.wheel;
		this.#owner = options.wheel.register(this);
		const n = options.maxConnections, bytes = options.requestBytes ?? 2048;
		this.#users = Array.from({ length: n }, (_v, i) => new Connection(this, i));
		this.#sockets = new Array<StreamSocket | null>(n).fill(null);
		this.#bufs = Array.from({ length: n }, () => new Uint8Array(bytes));
		this.#fill = new Int32Array(n);
		this.#state = new Uint8Array(n);
		this.#timer = new Int32Array(n).fill(-1);
		this.#heads = Array.from({ length: n }, () => new RequestHead());
		this.#peers = new Array<string>(n).fill("");
		this.#server = ascii(`${options.product ?? "sip-intercom"}\r\n`);
		this.#timeoutMs = options.requestTimeoutMs ?? 10_000;
		this.#pingMs = options.streamPingMs ?? 25_000;
	}

	/** Connections open now, and how many of them are event streams. */
	get open(): number {
		let n = 0;
		for (let i = 0; i < this.#state.length; i++) if (this.#state[i] !== FREE) n++;
		return n;
	}

	get streams(): number {
		let n = 0;
		for (let i = 0; i < this.#state.length; i++) if (this.#state[i] === STREAMING) n++;
		return n;
	}

	/** A connection the host accepted: its StreamUser, or null when every slot is taken (it was answered 503 and closed). */
	accept(socket: StreamSocket, address: string, port: number): StreamUser | null {
		const i = this.#state.indexOf(FREE);
		if (i < 0) {
			this.turnedAway++;
			this.#writeError(socket, 503, "too many connections", true);
			socket.close();
			this.#o.log(`${address}:${port}: 503, every connection slot is taken`);
			return null;
		}
		this.accepted++;
		this.#sockets[i] = socket;
		this.#state[i] = READING;
		this.#fill[i] = 0;
		this.#heads[i].reset();
		this.#peers[i] = `${address}:${port}`;
		this.#startTimer(i, T_REQUEST, this.#timeoutMs);
		return this.#users[i];
	}

	/** Close every connection (shutdown). */
	close(): void {
		for (let i = 0; i < this.#state.length; i++) if (this.#state[i] !== FREE) this.#close(i);
	}

	/** Send one event to every stream: `event: <name>` and `data: <json>` (WHATWG HTML §9.2.6). */
	broadcast(name: Uint8Array, json: Uint8Array, length: number): void {
		if (this.streams === 0) return;
		const w = this.#event.reset().bytes(EVENT).bytes(name).bytes(DATA).bytes(json, 0, length).bytes(END_EVENT);
		if (w.overflow) return;
		for (let i = 0; i < this.#state.length; i++) if (this.#state[i] === STREAMING) this.#write(i, w.buf, w.pos);
	}

	// ---- the exchange, during handler.onRequest ----

	/** The connection's request buffer and the current head (offsets into it). */
	get buf(): Uint8Array {
		return this.#bufs[this.#current];
	}
	get head(): RequestHead {
		return this.#heads[this.#current];
	}
	/** Who asked (address:port), for log lines. */
	get peer(): string {
		return this.#peers[this.#current];
	}

	/** Is the request's path exactly `path`? */
	path(path: Uint8Array): boolean {
		const h = this.head;
		return equalsBytes(this.buf, h.pathStart, h.pathEnd, path);
	}

	/**
	 * The query parameter `name`, percent-decoded as UTF-8 (RFC 3986 §2.1; '+' stays '+'), or null when absent or not
	 * decodable. Allocates (a request, not a hot path).
	 */
	param(name: string): string | null {
		const h = this.head, buf = this.buf;
		if (h.queryStart < 0) return null;
		let i = h.queryStart;
		while (i <= h.targetEnd) {
			let j = i;
			while (j < h.targetEnd && buf[j] !== 0x26) j++;
			let eq = i;
			while (eq < j && buf[eq] !== 0x3d) eq++;
			if (decode(buf, i, eq) === name) return decode(buf, eq < j ? eq + 1 : j, j);
			i = j + 1;
		}
		return null;
	}

	/** Answer with `body` as JSON. */
	send(status: number): void {
		const i = this.#current;
		this.#answered = true;
		const s = this.#sockets[i];
		if (s === null) return;
		this.#writeResponse(s, status, this.body, this.#heads[i].close, false, false);
	}

	/** Turn this connection into an event stream; false (nothing sent) when `maxStreams` are open already. */
	stream(): boolean {
		if (this.streams >= this.#o.maxStreams) return false;
		const i = this.#current;
		this.#answered = true;
		this.#state[i] = STREAMING;
		this.#write(i, SSE_HEAD, SSE_HEAD.length);
		this.#startTimer(i, T_PING, this.#pingMs);
		return true;
	}

	// ---- the connections' StreamUsers and timers ----

	/** Bytes on connection `i` (its Connection calls this). */
	connectionBytes(i: number, bytes: Uint8Array, start: number, end: number): void {
		const buf = this.#bufs[i], head = this.#heads[i];
		while (start < end && this.#state[i] === READING) {
			const n = Math.min(end - start, buf.length - this.#fill[i]);
			for (let k = 0; k < n; k++) buf[this.#fill[i] + k] = bytes[start + k];
			this.#fill[i] += n;
			start += n;
			for (;;) {
				const r = head.parse(buf, this.#fill[i], buf.length);
				if (r === HEAD_MORE) break;
				if (r !== HEAD_DONE) {
					this.refused++;
					this.#fail(i, r, head.reason);
					return;
				}
				this.#request(i);
				if (this.#state[i] !== READING) return;
				// A persistent connection (RFC 9112 §9.3): what follows the head is the next request.
				const used = head.end, left = this.#fill[i] - used;
				buf.copyWithin(0, used, this.#fill[i]);
				this.#fill[i] = left;
				head.reset();
				this.#startTimer(i, T_REQUEST, this.#timeoutMs);
				if (left === 0) break;
			}
		}
	}

	/** Connection `i` was closed by the peer or the host. */
	connectionClosed(i: number): void {
		if (this.#state[i] === FREE) return;
		this.#sockets[i] = null;
		this.#release(i);
	}

	onTimer(kind: number, i: number): void {
		this.#timer[i] = -1;
		if (this.#state[i] === FREE) return;
		if (kind === T_PING && this.#state[i] === STREAMING) {
			if (this.#write(i, SSE_PING, SSE_PING.length)) this.#startTimer(i, T_PING, this.#pingMs);
		} else if (kind === T_REQUEST && this.#state[i] === READING) {
			// A head begun and not finished in time is a slow client (408); a quiet persistent connection just closes.
			if (this.#fill[i] > 0) this.#fail(i, 408, "request head not complete in time");
			else this.#close(i);
		}
	}

	// ---- internals ----

	#request(i: number): void {
		const head = this.#heads[i], buf = this.#bufs[i], s = this.#sockets[i];
		if (s === null) return;
		this.#cancelTimer(i);
		this.requests++;
		if (!equalsBytes(buf, head.methodStart, head.methodEnd, GET)) {
			this.refused++;
			this.#writeResponse(s, 405, this.#errorBody(405, "only GET is served"), head.close, false, true);
			return;
		}
		const auth = this.#o.auth;
		if (auth !== null) {
			const a = auth.check(buf, head.authStart, head.authEnd, buf, head.targetStart, head.targetEnd);
			if (a !== AUTH_OK) {
				this.refused++;
				if (a !== AUTH_MISSING && a !== AUTH_STALE) this.#o.log(`${this.#peers[i]}: 401, ${auth.reason}`);
				this.#writeResponse(s, 401, this.#errorBody(401, "authorisation required"), head.close, a === AUTH_STALE, false);
				return;
			}
		}
		this.#current = i;
		this.#answered = false;
		this.body.reset();
		this.#o.handler.onRequest(this);
		this.#current = -1;
		if (!this.#answered) {
			const s2 = this.#sockets[i];
			if (s2 !== null) this.#writeResponse(s2, 500, this.#errorBody(500, "no answer"), true, false, false);
		}
	}

	#errorBody(status: number, description: string): Writer {
		writeError(this.body, codeForStatus(status), description);
		return this.body;
	}

	/** Answer an error and close (the framing of what follows cannot be trusted). */
	#fail(i: number, status: number, reason: string): void {
		const s = this.#sockets[i];
		if (s !== null) this.#writeError(s, status, reason, false);
		this.#o.log(`${this.#peers[i]}: ${status}, ${reason}`);
		this.#close(i);
	}

	#writeError(s: StreamSocket, status: number, reason: string, retry: boolean): void {
		this.#writeResponse(s, status, this.#errorBody(status, reason), true, false, false, retry);
	}

	/** Status line, headers (challenges after a 401), Content-Length, body; closes the connection after it when `close`. */
	#writeResponse(s: StreamSocket, status: number, body: Writer, close: boolean, stale: boolean, allow: boolean, retry = false): void {
		const w = this.#out.reset();
		w.bytes(HTTP_11).uint(status).byte(0x20).ascii(REASONS[status] ?? "Error").bytes(CRLF).bytes(SERVER).bytes(this.#server).bytes(JSON_TYPE);
		if (status === 401 && this.#o.auth !== null) this.#o.auth.writeChallenges(w, stale);
		if (allow) w.bytes(ALLOW);
		if (retry) w.bytes(RETRY);
		if (close) w.bytes(CLOSE);
		w.endHeaders().bytes(body.buf, 0, body.pos);
		const n = w.finish();
		const i = this.#sockets.indexOf(s);
		if (n < 0 || !s.write(w.buf, 0, n)) {
			if (i >= 0) this.#close(i);
			return;
		}
		if (close && i >= 0) this.#close(i);
	}

	#write(i: number, bytes: Uint8Array, length: number): boolean {
		const s = this.#sockets[i];
		if (s === null) return false;
		if (s.write(bytes, 0, length)) return true;
		this.#close(i); // a client that does not read cannot make the station queue for it
		return false;
	}

	#close(i: number): void {
		const s = this.#sockets[i];
		this.#sockets[i] = null;
		this.#release(i);
		if (s !== null) s.close();
	}

	#release(i: number): void {
		this.#cancelTimer(i);
		this.#state[i] = FREE;
		this.#fill[i] = 0;
	}

	#startTimer(i: number, kind: number, ms: number): void {
		this.#cancelTimer(i);
		this.#timer[i] = this.#wheel.start(ms, this.#owner, kind, i);
	}

	#cancelTimer(i: number): void {
		if (this.#timer[i] >= 0) this.#wheel.cancel(this.#timer[i]);
		this.#timer[i] = -1;
	}
}

/** buf[start, end) percent-decoded (RFC 3986 §2.1) and read as UTF-8, or null when a %XX is malformed. */
function decode(buf: Uint8Array, start: number, end: number): string | null {
	const bytes = new Uint8Array(end - start);
	let n = 0;
	for (let i = start; i < end; i++) {
		if (buf[i] !== 0x25) {
			bytes[n++] = buf[i];
			continue;
		}
		if (i + 2 >= end) return null;
		const h = hexValue(buf[i + 1]), l = hexValue(buf[i + 2]);
		if (h < 0 || l < 0) return null;
		bytes[n++] = h * 16 + l;
		i += 2;
	}
	return text(bytes, 0, n);
}
