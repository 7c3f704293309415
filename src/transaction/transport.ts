// The transport layer — RFC 3261 §18 (UDP and TCP), §26.2 and RFC 5630 (TLS: Via TLS, port 5061), RFC 3581 (rport),
// RFC 5626 §3.5.1 (CRLF keep-alives), RFC 5923 (the alias a TLS connection of ours is reused by).
import type { Clock, DatagramSocket, DatagramUser, StreamConnector, StreamSocket, StreamUser } from "../host.js";
import type { Limits } from "../sip/limits.js";
import { MessageView } from "../sip/message-view.js";
import { Scanner } from "../sip/scanner.js";
import { Validator } from "../sip/validate.js";
import { Verdict, Reason } from "../sip/verdict.js";
import { digits, Writer } from "../sip/writer.js";
import { ascii, equalsBytes, hex32Into, spansEqualIgnoreCase } from "../sip/bytes.js";
import { H_VIA, H_RETRY_AFTER, H_TO, H_CALL_ID, H_CSEQ, H_FROM } from "../sip/header-ids.js";
import { M_ACK } from "../sip/methods.js";
import { NameAddr, parseNameAddr } from "../sip/name-addr.js";
import { T_TCP, T_TLS, T_UDP, parseVia, ViaView } from "../sip/via.js";
import { Connections, type ConnectionsUser } from "./connections.js";
import { FNV_START, hashBytes } from "./key.js";
import { TCP, TLS, UDP } from "./transaction-table.js";
import type { TimerWheel } from "./timer-wheel.js";

/** Where a received message came from; one object, refilled per message, valid during the call. */
export class Source {
	transport = UDP;
	address = "";
	port = 0;
	/** The stream connection (TCP or TLS) it arrived on, or -1. */
	connection = -1;
}

/** What the transport tells the transaction layer. `validator` holds the parsed CSeq and top Via. */
export interface TransportUser {
	onRequest(msg: MessageView, validator: Validator, source: Source): void;
	onResponse(msg: MessageView, validator: Validator, source: Source): void;
	/** Connection `index` closed: transactions sending over it fail (§17.1.4, §17.2.4). */
	onConnectionClosed(index: number): void;
	/** Does a transaction or a dialog still use connection `index` (then it is neither closed for quiet nor given up)? */
	isConnectionInUse(index: number): boolean;
}

export interface TransportOptions {
	readonly limits: Limits;
	readonly udp: DatagramSocket;
	readonly tcp?: StreamConnector;
	/** TLS connections (RFC 3261 §26.2; the host verifies the server's certificate). None: TLS targets are transport errors. */
	readonly tls?: StreamConnector;
	readonly clock: Clock;
	readonly wheel: TimerWheel;
	/** The address and port this station is reached at: its Via sent-by (§18.1.1). */
	readonly localAddress: string;
	readonly localPort: number;
	/** TCP connections kept at once (client and accepted). */
	readonly maxConnections?: number;
	/** A TCP connection the station opened is closed after no traffic for this long (ms; default 120 s). */
	readonly idleTimeout?: number;
	/**
	 * A TCP connection a peer opened is closed when it has delivered no complete message for this long (ms; default
	 * 10 s): a silent or trickling connection cannot hold a slot. One a transaction or a dialog uses stays open.
	 */
	readonly messageTimeout?: number;
	/** CRLFCRLF keep-alive interval on TCP connections (ms, 0 = off); no pong within 10 s closes it (RFC 5626 §4.4.1). */
	readonly streamKeepalive?: number;
	/** Trace hook: every message sent or received (the simulator's ladder, pcap export, the ESP32 log). */
	readonly onTrace?: (sent: boolean, bytes: Uint8Array, start: number, end: number, transport: number, address: string, port: number) => void;
}

/** §18.1.1: a request larger than this over UDP goes over TCP (the path MTU being unknown). */
export const UDP_MAX_REQUEST = 1300;

const VIA_UDP = ascii("Via: SIP/2.0/UDP "), VIA_TCP = ascii("Via: SIP/2.0/TCP "), VIA_TLS = ascii("Via: SIP/2.0/TLS "), BRANCH = ascii(";branch="),
	RPORT = ascii(";rport"), ALIAS = ascii(";alias"), RECEIVED = ascii(";received="), EQUALS = ascii("="),
	VIA_NAME = ascii("Via: "), TCP_TOKEN = ascii("TCP"), UDP_TOKEN = ascii("UDP"), SERVICE_UNAVAILABLE = ascii("Service Unavailable"),
	TAG = ascii(";tag=");
const TRANSPORT_NAMES = Object.freeze(["", "UDP", "TCP", "TLS"]);
/** Headers a stateless To tag is derived from: the same request gets the same tag (§8.2.7). */
const TAG_SOURCES = Object.freeze([H_VIA, H_FROM, H_CALL_ID, H_CSEQ]);

/**
 * Sends and receives SIP messages for the transaction layer. Received datagrams and stream messages are
 * scanned and validated here (a malformed request gets a stateless 400/505/513 naming the fault; a malformed
 * response is dropped, §18.1.2); responses whose top Via is not ours are dropped (§18.1.2).
 */
export class Transport implements DatagramUser, ConnectionsUser {
	readonly localAddress: string;
	readonly localPort: number;
	/** The host's clock (the UA times what failed lately by it). */
	readonly clock: Clock;
	/**
	 * The last transport failure in words ("TLS 192.0.2.1:5061: certificate verify failed ..."), for the user who hears
	 * of it as a transport error (§17.1.4); "" when the host gave no reason.
	 */
	lastFailure = "";
	readonly #local: Uint8Array;
	readonly #udp: DatagramSocket;
	readonly #scanner: Scanner;
	readonly #view: MessageView;
	readonly #validator = new Validator();
	/** The top Via of a request that failed validation, parsed on its own to answer it (§18.2.2). */
	readonly #badVia = new ViaView();
	readonly #nameAddr = new NameAddr();
	readonly #tag = new Uint8Array(8);
	readonly #source = new Source();
	readonly #writer: Writer;
	readonly #connections: Connections;
	readonly #trace: TransportOptions["onTrace"];
	#user: TransportUser | null = null;
	// The last source address as bytes, for `received` (§18.2.1): converted only when the peer changes.
	#addressText = "";
	readonly #addressBytes = new Uint8Array(64);
	#addressLength = 0;

	constructor(options: TransportOptions) {
		this.localAddress = options.localAddress;
		this.localPort = options.localPort;
		this.clock = options.clock;
		this.#local = ascii(options.localAddress + ":" + options.localPort);
		this.#udp = options.udp;
		this.#scanner = new Scanner(options.limits);
		this.#view = new MessageView(options.limits);
		this.#writer = new Writer(options.limits.maxMessageBytes);
		this.#connections = new Connections({
			limits: options.limits, tcp: options.tcp, tls: options.tls, clock: options.clock, wheel: options.wheel, user: this,
			maxConnections: options.maxConnections, idleTimeout: options.idleTimeout, messageTimeout: options.messageTimeout,
			streamKeepalive: options.streamKeepalive,
		});
		this.#trace = options.onTrace;
	}

	setUser(user: TransportUser): void {
		this.#user = user;
	}

	// ---- sending (§18.1.1, §18.2.2) ----

	/**
	 * Write the top Via of a new request: `Via: SIP/2.0/<transport> <sent-by>;branch=<branch>;rport` (§18.1.1,
	 * RFC 3581 §3). A UDP request that turns out larger than 1300 bytes is switched to TCP by `send`. Over TLS also
	 * `;alias` (RFC 5923 §5): the station accepts no TLS connections (it has no certificate), so requests to it come
	 * back over the connection it opened.
	 */
	writeVia(w: Writer, transport: number, branch: Uint8Array, branchStart: number, branchEnd: number): void {
		w.bytes(transport === TLS ? VIA_TLS : transport === TCP ? VIA_TCP : VIA_UDP).bytes(this.#local).bytes(BRANCH).bytes(branch, branchStart, branchEnd).bytes(RPORT);
		if (transport === TLS) w.bytes(ALIAS);
		w.crlf();
	}

	/**
	 * Send buf[start, end) to address:port. For TCP and TLS, reuse an open connection to that destination or open
	 * one (§18.1.1, §18.2.2: responses prefer `connection`; TLS: one whose certificate proves `serverName`, RFC 5922
	 * §4.1). Returns the connection index for TCP and TLS, 0 for UDP, or -1 on a transport error (§18.1.1, §18.2.4),
	 * whose reason `lastFailure` gives when one is known.
	 */
	send(transport: number, address: string, port: number, connection: number, buf: Uint8Array, start: number, end: number, serverName = ""): number {
		this.lastFailure = "";
		if (transport === UDP) {
			this.#trace?.(true, buf, start, end, UDP, address, port);
			return this.#udp.send(buf, start, end, address, port) ? 0 : -1;
		}
		const c = this.#connections.toDestination(address, port, connection, transport, serverName);
		if (c < 0) {
			this.lastFailure = `${TRANSPORT_NAMES[transport] ?? "?"} ${address}:${port}: no connection could be opened`;
			return -1;
		}
		const conn = this.#connections.at(c);
		this.#trace?.(true, buf, start, end, conn.transport, conn.address, conn.port);
		if (conn.write(buf, start, end)) return c;
		this.lastFailure = `${TRANSPORT_NAMES[conn.transport]} ${conn.address}:${conn.port}: ${conn.failure !== "" ? conn.failure : "the connection could not take the message"}`;
		return -1;
	}

	/** §18.1.1: a UDP request above 1300 bytes must go over TCP; the top Via says so (patched in place: same length). */
	mustUseTcp(transport: number, length: number): boolean {
		return transport === UDP && length > UDP_MAX_REQUEST && this.#connections.canConnect;
	}
	/** Patch the transport token of the Via written by `writeVia` (UDP ⇄ TCP: the same length, so in place). */
	switchVia(buf: Uint8Array, start: number, end: number, transport: number): void {
		const from = transport === TCP ? VIA_UDP : VIA_TCP;
		const to = transport === TCP ? TCP_TOKEN : UDP_TOKEN;
		for (let i = start; i + from.length <= end; i++) {
			if (equalsBytes(buf, i, i + from.length, from)) {
				const at = i + from.length - 4;
				for (let k = 0; k < 3; k++) buf[at + k] = to[k];
				return;
			}
		}
	}

	/**
	 * Where the responses to a request go (§18.2.2, RFC 3581 §4): on UDP the source address (it is what
	 * `received` says) and the source port when `rport` was asked, the sent-by port (default 5060) when not. On
	 * TCP the same connection while it is open (the caller keeps its index); should it close, a new one to the
	 * source address and the sent-by port (§18.2.2) — which is the port this returns.
	 */
	responsePort(via: ViaView, source: Source): number {
		if (source.transport === UDP && via.rport.start >= 0) return source.port;
		return via.port >= 0 ? via.port : via.transport === T_TLS ? 5061 : 5060; // §18.2.2, §19.1.2: 5061 for TLS
	}

	/**
	 * Write a Via value received in a request, amended per §18.2.1 and RFC 3581 §4 when it is the top one:
	 * `received=<source address>` when the sent-by host differs from it (or rport was asked), and the rport
	 * value filled in.
	 */
	writeReceivedVia(w: Writer, msg: MessageView, via: ViaView, entry: number, source: Source): void {
		const buf = msg.buf, start = msg.valueStart(entry), end = msg.valueEnd(entry);
		w.bytes(VIA_NAME);
		const rport = via.rport;
		const fillRport = rport.start >= 0 && rport.end === rport.start;
		if (fillRport) {
			w.bytes(buf, start, rport.end).bytes(EQUALS).uint(source.port).bytes(buf, rport.end, end);
		} else {
			w.bytes(buf, start, end);
		}
		const address = this.#bytesOf(source.address);
		const sameHost = spansEqualIgnoreCase(buf, via.hostStart, via.hostEnd, address, 0, this.#addressLength);
		if (via.received.start < 0 && (!sameHost || fillRport)) w.bytes(RECEIVED).bytes(address, 0, this.#addressLength);
		w.crlf();
	}

	/** The Via stack of a request for a response: top Via amended (§18.2.1), the rest as received (§8.2.6.2). */
	writeVias(w: Writer, msg: MessageView, topVia: ViaView, source: Source): void {
		const top = msg.find(H_VIA);
		this.writeReceivedVia(w, msg, topVia, top, source);
		for (let e = msg.nextOf(top); e >= 0; e = msg.nextOf(e)) w.copyField(msg, e);
	}

	/**
	 * Answer a request without a transaction (§8.2.6: malformed requests, a full pool): status line, the
	 * request's Via stack (amended), From, To, Call-ID, CSeq, and Retry-After for 503. An ACK is never answered.
	 */
	respondStateless(msg: MessageView, topVia: ViaView | null, source: Source, reason: Reason | null, verdict: Verdict | null, retryAfter = 0): void {
		if (msg.methodId === M_ACK || msg.count(H_VIA) === 0 || msg.count(H_CSEQ) === 0 || msg.count(H_CALL_ID) === 0 ||
			msg.count(H_FROM) === 0 || msg.count(H_TO) === 0) return; // no response can be built: dropped
		const w = this.#writer.reset();
		if (verdict !== null) w.statusLineFor(verdict, msg.buf);
		else if (reason !== null) w.statusLine(reason.status, reason.bytes);
		else w.statusLine(503, SERVICE_UNAVAILABLE);
		let port = source.port;
		if (topVia !== null) {
			this.writeVias(w, msg, topVia, source);
			port = this.responsePort(topVia, source);
		} else {
			w.copyHeader(msg, H_VIA);
		}
		// §20: From, Call-ID and CSeq appear once; a request repeating them is malformed already, and echoing every
		// copy could make the answer too large to write (then it would go unanswered). The first of each, as To.
		w.copyField(msg, msg.find(H_FROM));
		this.#writeStatelessTo(w, msg);
		w.copyField(msg, msg.find(H_CALL_ID)).copyField(msg, msg.find(H_CSEQ));
		if (retryAfter > 0) w.headerUint(H_RETRY_AFTER, retryAfter);
		const length = w.endHeaders().finish();
		if (length > 0) this.send(source.transport, source.address, port, source.connection, w.buf, 0, length);
	}

	/**
	 * The To of a stateless response. §8.2.6.2: every response but 100 carries a To tag; §8.2.7: a stateless UAS
	 * makes it "in a manner that will generate the same tag for the same request consistently" — a hash of the
	 * request's Via, From, Call-ID and CSeq.
	 */
	#writeStatelessTo(w: Writer, msg: MessageView): void {
		const to = msg.find(H_TO), buf = msg.buf;
		const start = msg.valueStart(to), end = msg.valueEnd(to);
		w.name(H_TO).bytes(buf, start, end);
		if (parseNameAddr(buf, start, end, this.#nameAddr) && this.#nameAddr.tag.start < 0) {
			let h = FNV_START;
			for (let k = 0; k < TAG_SOURCES.length; k++) {
				for (let e = msg.find(TAG_SOURCES[k]); e >= 0; e = msg.nextOf(e)) h = hashBytes(h, buf, msg.valueStart(e), msg.valueEnd(e));
			}
			hex32Into(h, this.#tag, 0);
			w.bytes(TAG).bytes(this.#tag);
		}
		w.crlf();
	}

	// ---- receiving (§18.1.2, §18.2.1) ----

	/** A datagram from the host's UDP socket. */
	onDatagram(bytes: Uint8Array, start: number, end: number, address: string, port: number): void {
		// RFC 5626 §3.5.1 on UDP: a CRLFCRLF keep-alive is not a message.
		if (isKeepalive(bytes, start, end)) return;
		this.#trace?.(false, bytes, start, end, UDP, address, port);
		const source = this.#source;
		source.transport = UDP;
		source.address = address;
		source.port = port;
		source.connection = -1;
		const status = this.#scanner.scan(bytes, start, end, this.#view);
		this.#deliver(this.#view, status);
	}

	/**
	 * A connection accepted by the host's TCP listener. When every slot is taken, the accepted connection that has
	 * gone longest without a message and carries no transaction or dialog is closed for it; null when there is none
	 * (the host closes the new one).
	 */
	accept(socket: StreamSocket, address: string, port: number, transport = TCP): StreamUser | null {
		return this.#connections.accept(socket, address, port, transport);
	}

	onConnectionMessage(index: number, msg: MessageView): void {
		const conn = this.#connections.at(index);
		this.#trace?.(false, msg.buf, msg.start, msg.end, conn.transport, conn.address, conn.port);
		const source = this.#source;
		source.transport = conn.transport;
		source.address = conn.address;
		source.port = conn.port;
		source.connection = index;
		this.#deliver(msg, 0);
	}

	onConnectionClosed(index: number): void {
		const conn = this.#connections.at(index);
		if (conn.failure !== "") this.lastFailure = `${TRANSPORT_NAMES[conn.transport]} ${conn.address}:${conn.port}: ${conn.failure}`;
		this.#user?.onConnectionClosed(index);
	}

	isConnectionInUse(index: number): boolean {
		return this.#user !== null && this.#user.isConnectionInUse(index);
	}

	/** Close every connection (shutdown). */
	close(): void {
		this.#connections.close();
	}

	/** Is a TCP connection open (for tests and the simulator's status)? */
	connectionState(index: number): number {
		return this.#connections.state(index);
	}

	#deliver(msg: MessageView, status: number): void {
		const source = this.#source;
		const validator = this.#validator;
		if (status === 0) status = validator.check(msg, this.#scanner.verdict);
		if (status !== 0) {
			// §18.1.2 / §8.2: a bad response is dropped; a bad request answered when it carries enough to answer,
			// sent like any response (§18.2.2, RFC 3581 §4: received/rport) when its top Via parses.
			// A scan that stopped at a bad line leaves `end` unset: the header table up to that line is what counts.
			if (msg.isRequest) this.respondStateless(msg, this.#topViaOf(msg), source, null, this.#scanner.verdict);
			return;
		}
		const user = this.#user;
		if (user === null) return;
		if (msg.isRequest) {
			user.onRequest(msg, validator, source);
			return;
		}
		// §18.1.2: a response whose top Via sent-by is not ours is discarded.
		const via = validator.topVia;
		if (!this.#isOurSentBy(msg.buf, via)) return;
		user.onResponse(msg, validator, source);
	}

	#topViaOf(msg: MessageView): ViaView | null {
		const e = msg.find(H_VIA);
		return e >= 0 && parseVia(msg.buf, msg.valueStart(e), msg.valueEnd(e), this.#badVia) ? this.#badVia : null;
	}

	#isOurSentBy(buf: Uint8Array, via: ViaView): boolean {
		const local = this.#local;
		const hostLength = local.length - digits(this.localPort) - 1;
		if (!spansEqualIgnoreCase(buf, via.hostStart, via.hostEnd, local, 0, hostLength)) return false;
		return via.port === this.localPort || (via.port < 0 && this.localPort === (via.transport === T_TCP || via.transport === T_UDP ? 5060 : 5061));
	}

	#bytesOf(address: string): Uint8Array {
		if (address !== this.#addressText) {
			const n = Math.min(address.length, this.#addressBytes.length);
			for (let i = 0; i < n; i++) this.#addressBytes[i] = address.charCodeAt(i) & 0x7f;
			this.#addressLength = n;
			this.#addressText = address;
		}
		return this.#addressBytes;
	}
}

/** A datagram of only CR and LF (a CRLFCRLF keep-alive ping or a CRLF pong). */
export function isKeepalive(bytes: Uint8Array, start: number, end: number): boolean {
	if (end <= start) return true;
	for (let i = start; i < end; i++) if (bytes[i] !== 0x0d && bytes[i] !== 0x0a) return false;
	return true;
}
