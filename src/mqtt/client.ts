// MQTT 3.1.1 client session over a host StreamSocket — OASIS MQTT 3.1.1 §3.1 (CONNECT, will, keep-alive), §3.2
// (CONNACK), §3.3-§3.4 (QoS 0 and 1), §3.8-§3.9 (SUBSCRIBE), §3.12-§3.13 (PINGREQ), §4.4 (redelivery), §4.8 (a
// protocol violation closes the connection). Every timer is on the wheel; buffers are sized once; a malformed packet
// from the broker closes the connection with its reason, and the client connects again after a back-off.
import type { Clock, Random, StreamConnector, StreamSocket, StreamUser } from "../host.js";
import { text } from "../sip/bytes.js";
import type { TimerOwner, TimerWheel } from "../transaction/timer-wheel.js";
import {
	CONNACK, CONNACK_BAD_CREDENTIALS, CONNACK_NOT_AUTHORIZED, CONNACK_REASONS, connectPacket, type ConnectFields, DISCONNECT_PACKET,
	MAX_REMAINING_LENGTH, PACKET_NAMES, PINGREQ_PACKET, PINGRESP, PUBACK, PUBLISH, publishRemaining, remainingLengthSize,
	SUBACK, SUBACK_FAILURE, subscribePacket, writePuback, writePublishHeader,
} from "./packet.js";
import { Inflight, SUBSCRIBE_ID } from "./inflight.js";
import { PacketReader, READ_ERROR, READ_PACKET } from "./packet-reader.js";

/** What the client tells its user (the Home Assistant bridge). */
export interface MqttUser {
	/** CONNACK accepted (§3.2.2.3) and the subscriptions requested: publish the birth message and the states. */
	onConnected(): void;
	/**
	 * An application message on a subscribed topic (§3.3). Offsets into `buf`, valid only during the call. `truncated`:
	 * the message was larger than the receive buffer, so the payload ends early (it was acknowledged all the same).
	 */
	onMessage(buf: Uint8Array, topicStart: number, topicEnd: number, payloadStart: number, payloadEnd: number, retained: boolean, truncated: boolean): void;
	/** The connection is gone or could not be made: why, and in how many ms the client tries again (-1: stopped). */
	onDisconnected(reason: string, retryMs: number): void;
	/** Worth a log line without ending the connection (a subscription the broker refused). */
	onWarning(reason: string): void;
}

export interface MqttClientOptions {
	readonly connector: StreamConnector;
	readonly wheel: TimerWheel;
	readonly clock: Clock;
	readonly random: Random;
	/** The broker (an IP address: the station resolves no names). */
	readonly address: string;
	readonly port: number;
	readonly connect: ConnectFields;
	/** Topic filters subscribed at QoS 1 after each CONNACK (§3.8). */
	readonly subscriptions: readonly Uint8Array[];
	readonly user: MqttUser;
	/** Receive buffer: the largest packet kept whole (default 1024; a longer PUBLISH is cut, `truncated`). */
	readonly receiveBytes?: number;
	/** Send buffer for QoS 0 messages (default 512; a longer payload is written straight from the caller's buffer). */
	readonly sendBytes?: number;
	/** QoS 1 messages awaiting their PUBACK (default 8), each up to `inflightBytes` (default 256) as sent. */
	readonly inflight?: number;
	readonly inflightBytes?: number;
	/** Reconnection back-off: from `reconnectMinMs` (default 1 s) doubling to `reconnectMaxMs` (default 60 s), ±25 % jitter. */
	readonly reconnectMinMs?: number;
	readonly reconnectMaxMs?: number;
	/** TCP connection and CONNACK must arrive within this (default 10 s). */
	readonly connectTimeoutMs?: number;
}

/** Session states. */
export const MQTT_STOPPED = 0, MQTT_WAITING = 1, MQTT_CONNECTING = 2, MQTT_CONNACK = 3, MQTT_CONNECTED = 4;
/** Timers the client holds at once (the host adds them when it sizes the wheel). */
export const MQTT_TIMERS = 2;

const T_RETRY = 1, T_CONNECT = 2, T_PING = 3;
/** A connection that stayed up this long resets the back-off (a broker that drops us at once must not be hammered). */
const STABLE_MS = 30_000;

const R_NO_SOCKET = "no socket for the broker connection";
const R_CANNOT_CONNECT = "cannot connect to the broker";
const R_CLOSED = "the broker closed the connection";
const R_CONNECT_TIMEOUT = "no CONNACK in time";
const R_FIRST = "the broker's first packet is not a CONNACK (§3.2)";
const R_SESSION_PRESENT = "CONNACK with Session Present on a clean session (§3.2.2.2)";
const R_SECOND_CONNACK = "a second CONNACK (§3.2)";
const R_QOS2 = "PUBLISH at QoS 2: the subscriptions are QoS 1 at most (§3.8.4)";
const R_SUBACK_UNASKED = "SUBACK for no SUBSCRIBE (§3.9)";
const R_SUBACK_COUNT = "SUBACK return codes do not match the SUBSCRIBE (§3.9.3)";
const R_SUBACK_QOS = "SUBACK grants a higher QoS than asked (§3.8.4)";
const R_NO_PINGRESP = "no PINGRESP within the keep-alive (§3.1.2.10)";
const R_SEND_FULL = "the connection refused a write (send buffer full)";
const R_STOPPED = "stopped";
const R_UNEXPECTED: readonly string[] = Object.freeze(PACKET_NAMES.map((n) => `unexpected ${n}: the station uses no QoS 2 and no UNSUBSCRIBE`));
const R_REFUSED: readonly string[] = Object.freeze(CONNACK_REASONS.map((r, code) => `the broker refused the connection: ${r} (CONNACK ${code})`));

/**
 * One MQTT connection to one broker, kept up for as long as the client runs: CONNECT with Clean Session and a last
 * will, SUBSCRIBE after each CONNACK, PINGREQ when nothing was sent for a keep-alive period, reconnection with back-off.
 * QoS 0 and QoS 1 out (a QoS 1 message is kept until its PUBACK and sent again, DUP set, after a reconnection, §4.4),
 * QoS 0 and 1 in (PUBACK sent before the message is handed on, §4.3.2). Nothing is allocated per message.
 */
export class MqttClient implements StreamUser, TimerOwner {
	readonly #o: MqttClientOptions;
	readonly #user: MqttUser;
	readonly #wheel: TimerWheel;
	readonly #clock: Clock;
	readonly #owner: number;
	readonly #reader: PacketReader;
	readonly #connect: Uint8Array;
	readonly #subscribe: Uint8Array | null;
	readonly #out: Uint8Array;
	readonly #ack = new Uint8Array(4);
	readonly #keepAliveMs: number;
	readonly #minMs: number;
	readonly #maxMs: number;
	readonly #connectTimeoutMs: number;
	readonly #rand = new Uint8Array(1);
	readonly #inflight: Inflight;
	#state = MQTT_STOPPED;
	#socket: StreamSocket | null = null;
	#timer = -1;
	#ping = -1;
	#awaitingPong = false;
	#subscribing = false;
	#lastSent = 0;
	#connectedAt = 0;
	#backoff: number;
	/** Messages handed to the user, QoS 1 messages acknowledged, and connections made (for tests and the status line). */
	received = 0;
	acked = 0;
	connections = 0;

	constructor(options: MqttClientOptions) {
		this.#o = options;
		this.#user = options.user;
		this.#wheel = options.wheel;
		this.#clock = options.clock;
		this.#owner = options.wheel.register(this);
		this.#reader = new PacketReader(options.receiveBytes ?? 1024);
		this.#connect = connectPacket(options.connect);
		this.#subscribe = options.subscriptions.length > 0 ? subscribePacket(SUBSCRIBE_ID, options.subscriptions) : null;
		this.#out = new Uint8Array(Math.max(options.sendBytes ?? 512, 64));
		this.#keepAliveMs = options.connect.keepAliveSeconds * 1000;
		this.#minMs = options.reconnectMinMs ?? 1000;
		this.#maxMs = Math.max(options.reconnectMaxMs ?? 60_000, this.#minMs);
		this.#connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
		this.#backoff = this.#minMs;
		this.#inflight = new Inflight(Math.max(1, options.inflight ?? 8), Math.max(options.inflightBytes ?? 256, 32));
	}

	get state(): number {
		return this.#state;
	}

	get connected(): boolean {
		return this.#state === MQTT_CONNECTED;
	}

	/** QoS 1 messages sent and not yet acknowledged. */
	get unacknowledged(): number {
		return this.#inflight.count;
	}

	/** Connect now (and keep connecting until `stop()`). */
	start(): void {
		if (this.#state !== MQTT_STOPPED) return;
		this.#open();
	}

	/** Leave cleanly: DISCONNECT (so the broker discards the will, §3.14.4), close, cancel every timer. */
	stop(): void {
		if (this.#state === MQTT_STOPPED) return;
		if (this.#state === MQTT_CONNECTED) this.#write(DISCONNECT_PACKET, 0, DISCONNECT_PACKET.length);
		this.#closeSocket();
		this.#cancelTimers();
		this.#state = MQTT_STOPPED;
		this.#user.onDisconnected(R_STOPPED, -1);
	}

	/**
	 * Publish `payload[start, end)` to `topic` at QoS 0 or 1 (§3.3). False when not connected, when every QoS 1 slot
	 * awaits its PUBACK, or when a QoS 1 message is longer than a slot: the caller decides (a state is published again
	 * after the next CONNACK anyway). Allocates nothing.
	 */
	publish(topic: Uint8Array, payload: Uint8Array, start: number, end: number, qos: number, retain: boolean): boolean {
		if (this.#state !== MQTT_CONNECTED) return false;
		const length = end - start, remaining = publishRemaining(topic.length, length, qos);
		if (length < 0 || remaining > MAX_REMAINING_LENGTH) return false;
		const total = 1 + remainingLengthSize(remaining) + remaining;
		if (qos > 0) {
			const at = this.#inflight.add(topic, payload, start, end, retain, total);
			return at >= 0 && this.#write(this.#inflight.bytes, at, at + total);
		}
		const out = this.#out;
		if (total <= out.length) {
			const at = writePublishHeader(out, 0, topic, length, 0, retain, 0);
			for (let i = 0; i < length; i++) out[at + i] = payload[start + i];
			return this.#write(out, 0, total);
		}
		// Longer than the send buffer: the header from here, the payload straight from the caller's bytes.
		if (7 + topic.length > out.length) return false;
		const at = writePublishHeader(out, 0, topic, length, 0, retain, 0);
		return this.#write(out, 0, at) && this.#write(payload, start, end);
	}

	// ---- StreamUser ----

	onConnected(): void {
		if (this.#state !== MQTT_CONNECTING) return;
		this.#state = MQTT_CONNACK;
		this.#write(this.#connect, 0, this.#connect.length);
	}

	onBytes(bytes: Uint8Array, start: number, end: number): void {
		const r = this.#reader;
		while (start < end && this.#socket !== null && this.#state >= MQTT_CONNACK) {
			start = r.read(bytes, start, end);
			if (r.status === READ_ERROR) {
				this.#drop(r.reason);
				return;
			}
			if (r.status === READ_PACKET) this.#packet();
		}
	}

	onClosed(_error: boolean): void {
		if (this.#socket === null) return;
		this.#socket = null; // the host has closed it
		this.#lost(this.#state === MQTT_CONNECTING ? R_CANNOT_CONNECT : R_CLOSED);
	}

	// ---- TimerOwner ----

	onTimer(kind: number): void {
		if (kind === T_RETRY) {
			this.#timer = -1;
			if (this.#state === MQTT_WAITING) this.#open();
		} else if (kind === T_CONNECT) {
			this.#timer = -1;
			if (this.#state === MQTT_CONNECTING || this.#state === MQTT_CONNACK) this.#drop(this.#state === MQTT_CONNECTING ? R_CANNOT_CONNECT : R_CONNECT_TIMEOUT);
		} else if (kind === T_PING) {
			this.#ping = -1;
			if (this.#state === MQTT_CONNECTED) this.#keepAlive();
		}
	}

	// ---- internals ----

	#open(): void {
		this.#reader.reset();
		this.#awaitingPong = this.#subscribing = false;
		this.#state = MQTT_CONNECTING;
		const socket = this.#o.connector.connect(this.#o.address, this.#o.port, this);
		if (socket === null) {
			this.#lost(R_NO_SOCKET);
			return;
		}
		this.#socket = socket;
		this.#timer = this.#wheel.start(this.#connectTimeoutMs, this.#owner, T_CONNECT, 0);
	}

	/** One complete packet from the reader. */
	#packet(): void {
		const r = this.#reader, type = r.type;
		if (this.#state === MQTT_CONNACK) {
			if (type !== CONNACK) this.#drop(R_FIRST);
			else if (r.buf[1] !== 0) {
				const code = r.buf[1];
				// Wrong credentials will not mend by retrying at once: wait the longest back-off.
				if (code === CONNACK_BAD_CREDENTIALS || code === CONNACK_NOT_AUTHORIZED) this.#backoff = this.#maxMs;
				this.#drop(R_REFUSED[code]);
			} else if ((r.buf[0] & 1) !== 0) this.#drop(R_SESSION_PRESENT);
			else this.#accepted();
			return;
		}
		if (type === PUBLISH) {
			if (r.qos === 2) {
				this.#drop(R_QOS2);
				return;
			}
			if (r.qos === 1) {
				writePuback(this.#ack, 0, r.packetId);
				if (!this.#write(this.#ack, 0, 4)) return;
				this.acked++;
			}
			this.received++;
			this.#user.onMessage(r.buf, r.topicStart, r.topicEnd, r.payloadStart, r.payloadEnd, r.retain, r.truncated);
		} else if (type === PUBACK) this.#inflight.acknowledge(r.packetId); else if (type === PINGRESP) this.#awaitingPong = false;
		else if (type === SUBACK) this.#suback();
		else if (type === CONNACK) this.#drop(R_SECOND_CONNACK);
		else this.#drop(R_UNEXPECTED[type]);
	}

	#accepted(): void {
		this.#state = MQTT_CONNECTED;
		this.#connectedAt = this.#clock.now();
		this.connections++;
		if (this.#timer >= 0) this.#wheel.cancel(this.#timer);
		this.#timer = -1;
		if (this.#keepAliveMs > 0) this.#ping = this.#wheel.start(this.#keepAliveMs, this.#owner, T_PING, 0);
		if (this.#subscribe !== null) {
			this.#subscribing = true;
			if (!this.#write(this.#subscribe, 0, this.#subscribe.length)) return;
		}
		// §4.4: QoS 1 messages not acknowledged on the last connection go again, in their order, with DUP set.
		const f = this.#inflight;
		for (let slot = f.nextToResend(0); slot >= 0; slot = f.nextToResend(f.sequence(slot))) {
			if (!this.#write(f.bytes, f.start(slot), f.start(slot) + f.length(slot))) return;
		}
		this.#user.onConnected();
	}

	#suback(): void {
		const r = this.#reader, filters = this.#o.subscriptions;
		if (!this.#subscribing || r.packetId !== SUBSCRIBE_ID) {
			this.#drop(R_SUBACK_UNASKED);
			return;
		}
		if (r.held - 2 !== filters.length) {
			this.#drop(R_SUBACK_COUNT);
			return;
		}
		this.#subscribing = false;
		for (let i = 0; i < filters.length; i++) {
			const code = r.buf[2 + i];
			if (code === SUBACK_FAILURE) this.#user.onWarning(`the broker refused the subscription to ${text(filters[i], 0, filters[i].length)}`);
			else if (code > 1) {
				this.#drop(R_SUBACK_QOS);
				return;
			}
		}
	}

	/** §3.1.2.10: a control packet at least every keep-alive period; a PINGREQ unanswered by the next one ends the connection. */
	#keepAlive(): void {
		if (this.#awaitingPong) {
			this.#drop(R_NO_PINGRESP);
			return;
		}
		const idle = this.#clock.now() - this.#lastSent;
		if (idle >= this.#keepAliveMs - 1) {
			if (!this.#write(PINGREQ_PACKET, 0, PINGREQ_PACKET.length)) return;
			this.#awaitingPong = true;
			this.#ping = this.#wheel.start(this.#keepAliveMs, this.#owner, T_PING, 0);
		} else this.#ping = this.#wheel.start(this.#keepAliveMs - idle, this.#owner, T_PING, 0);
		if (this.#ping < 0) this.#drop(R_NO_PINGRESP); // no timer: a connection without keep-alive could hang unnoticed
	}

	#write(bytes: Uint8Array, start: number, end: number): boolean {
		const s = this.#socket;
		if (s === null) return false;
		if (!s.write(bytes, start, end)) {
			this.#drop(R_SEND_FULL);
			return false;
		}
		this.#lastSent = this.#clock.now();
		return true;
	}

	/** Close the connection for `reason` (a violation, a timeout) and plan the next attempt. */
	#drop(reason: string): void {
		this.#closeSocket();
		this.#lost(reason);
	}

	#lost(reason: string): void {
		if (this.#state === MQTT_CONNECTED && this.#clock.now() - this.#connectedAt >= STABLE_MS) this.#backoff = this.#minMs;
		this.#cancelTimers();
		this.#socket = null;
		this.#state = MQTT_WAITING;
		// ±25 % jitter, so stations that lost the same broker do not all come back in the same millisecond.
		this.#o.random.fill(this.#rand);
		const delay = Math.round(this.#backoff * (0.75 + this.#rand[0] / 510));
		this.#backoff = Math.min(this.#backoff * 2, this.#maxMs);
		this.#timer = this.#wheel.start(delay, this.#owner, T_RETRY, 0);
		if (this.#timer < 0) this.#state = MQTT_STOPPED; // no timer left: stop rather than hang in WAITING
		this.#user.onDisconnected(reason, this.#timer < 0 ? -1 : delay);
	}

	#closeSocket(): void {
		const s = this.#socket;
		this.#socket = null;
		if (s !== null) s.close();
	}

	#cancelTimers(): void {
		if (this.#timer >= 0) this.#wheel.cancel(this.#timer);
		if (this.#ping >= 0) this.#wheel.cancel(this.#ping);
		this.#timer = this.#ping = -1;
	}
}
