// One stream connection (TCP, or TLS over TCP): stream framing, reuse per destination, keep-alive, closing — RFC 3261
// §18.3, §18.2.2, §26.2; RFC 5626 §3.5.1.
import type { StreamSocket, StreamUser } from "../host.js";
import type { Limits } from "../sip/limits.js";
import { MessageView } from "../sip/message-view.js";
import { FRAME_ERROR, FRAME_MESSAGE, FRAME_NEED_MORE, FRAME_PING, FRAME_PONG, StreamFramer } from "../sip/stream-framer.js";
import { TCP } from "./transaction-table.js";

export const CLOSED = 0, CONNECTING = 1, OPEN = 2;

/** What a connection tells the transport. */
export interface ConnectionOwner {
	onStreamMessage(connection: number, msg: MessageView): void;
	/** The stream broke (framing error, peer closed, socket error): the transport tells the transactions using it. */
	onStreamClosed(connection: number, error: boolean): void;
	onStreamActivity(connection: number): void;
}

const CRLF = new Uint8Array([0x0d, 0x0a]);
const R_FRAMING = "a message could not be framed (§18.3)", R_NO_PONG = "no answer to a keep-alive ping (RFC 5626 §4.4.1)";

/**
 * A connection slot. It is the socket's `StreamUser` (one object per slot, made at start: no closure per
 * connection). Messages are framed by a StreamFramer and handed up with a view valid during the call.
 */
export class Connection implements StreamUser {
	state = CLOSED;
	socket: StreamSocket | null = null;
	address = "";
	port = 0;
	/** TCP or TLS. */
	transport = TCP;
	/** For TLS: the name the server's certificate had to prove (connection reuse is per destination and name). */
	serverName = "";
	/** Why it broke, when it did ("" otherwise): the host's reason, or ours (framing, keep-alive). */
	failure = "";
	/** Last time bytes arrived or were sent (for idle closing). */
	lastActivity = 0;
	/** Accepted from a peer (true), or opened by the station (false: its own, never given up for another). */
	inbound = false;
	/** When the connection opened or last delivered a complete message (an accepted one that delivers none is closed). */
	lastMessage = 0;
	/** A CRLFCRLF ping went out and no pong came back yet (RFC 5626 §4.4.1). */
	pingOutstanding = false;
	readonly framer: StreamFramer;
	readonly view: MessageView;

	constructor(readonly index: number, limits: Limits, private readonly owner: ConnectionOwner) {
		this.framer = new StreamFramer(limits);
		this.view = new MessageView(limits);
	}

	/** An accepted connection (the host's listener took it). */
	open(socket: StreamSocket, address: string, port: number, transport = TCP): void {
		this.socket = socket;
		this.address = address;
		this.port = port;
		this.transport = transport;
		this.serverName = "";
		this.failure = "";
		this.inbound = true;
		this.state = OPEN;
		this.pingOutstanding = false;
		this.framer.reset();
	}

	/** Claim the slot for an outgoing connection before the host's connect() (events may come from inside it). */
	reserve(address: string, port: number, transport: number, serverName: string): void {
		this.address = address;
		this.port = port;
		this.transport = transport;
		this.serverName = serverName;
		this.failure = "";
		this.socket = null;
		this.inbound = false;
		this.state = CONNECTING;
		this.pingOutstanding = false;
		this.framer.reset();
	}

	/** The host's socket for a reserved slot; false when the connection already failed during connect(). */
	attach(socket: StreamSocket): boolean {
		if (this.state === CLOSED) return false;
		this.socket = socket;
		return true;
	}

	/** Give a reserved slot back without telling the owner (the connect failed synchronously). */
	release(): void {
		this.state = CLOSED;
		this.socket = null;
	}

	write(bytes: Uint8Array, start: number, end: number): boolean {
		if (this.state === CLOSED || this.socket === null) return false;
		this.owner.onStreamActivity(this.index);
		return this.socket.write(bytes, start, end);
	}

	/** Close from our side (idle, no pong, framing error); the owner hears onStreamClosed. */
	close(error: boolean, why = ""): void {
		if (this.state === CLOSED) return;
		if (error) this.failure = why;
		const socket = this.socket;
		this.state = CLOSED;
		this.socket = null;
		socket?.close();
		this.owner.onStreamClosed(this.index, error);
	}

	/** Why a keep-alive closes it (connections.ts). */
	static readonly NO_PONG = R_NO_PONG;

	onConnected(): void {
		if (this.state === CONNECTING) this.state = OPEN;
	}

	onBytes(bytes: Uint8Array, start: number, end: number): void {
		this.owner.onStreamActivity(this.index);
		const framer = this.framer;
		while (start < end && this.state !== CLOSED) {
			start += framer.push(bytes, start, end);
			for (;;) {
				const r = framer.next(this.view);
				if (r === FRAME_NEED_MORE) break;
				if (r === FRAME_MESSAGE) this.owner.onStreamMessage(this.index, this.view);
				else if (r === FRAME_PING) this.write(CRLF, 0, 2); // RFC 5626 §3.5.1: answer CRLFCRLF with CRLF
				else if (r === FRAME_PONG) this.pingOutstanding = false;
				else if (r === FRAME_ERROR) {
					// §18.3: a stream that cannot be framed cannot be resynchronised.
					this.close(true, R_FRAMING);
					return;
				}
				if (this.state === CLOSED) return;
			}
		}
	}

	onClosed(error: boolean, reason = ""): void {
		if (this.state === CLOSED) return;
		if (error) this.failure = reason;
		this.state = CLOSED;
		this.socket = null;
		this.owner.onStreamClosed(this.index, error);
	}
}
