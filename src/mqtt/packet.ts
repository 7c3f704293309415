// MQTT 3.1.1 control packets the station sends, and the fixed header both sides share — OASIS MQTT 3.1.1 §2, §3.
// Packets that never change during a connection's life (CONNECT, SUBSCRIBE) are built once, at configuration time;
// PUBLISH headers and PUBACKs are written into the caller's preallocated buffer, with no allocation.
import { ascii } from "../sip/bytes.js";

/** Control packet types (§2.2.1). */
export const CONNECT = 1, CONNACK = 2, PUBLISH = 3, PUBACK = 4, PUBREC = 5, PUBREL = 6, PUBCOMP = 7, SUBSCRIBE = 8,
	SUBACK = 9, UNSUBSCRIBE = 10, UNSUBACK = 11, PINGREQ = 12, PINGRESP = 13, DISCONNECT = 14;

/** Names for log lines, by type (0 and 15 are reserved, §2.2.1). */
export const PACKET_NAMES: readonly string[] = Object.freeze([
	"reserved type 0", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL", "PUBCOMP", "SUBSCRIBE", "SUBACK",
	"UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT", "reserved type 15",
]);

/** The largest Remaining Length four bytes can carry (§2.2.3). */
export const MAX_REMAINING_LENGTH = 268_435_455;
/** Largest topic or string: a two-byte length prefix (§1.5.3). */
export const MAX_STRING_BYTES = 65_535;

/** CONNACK return codes (§3.2.2.3, Table 3.1): 0 accepted, 1-5 refused. */
export const CONNACK_ACCEPTED = 0, CONNACK_BAD_CREDENTIALS = 4, CONNACK_NOT_AUTHORIZED = 5;
export const CONNACK_REASONS: readonly string[] = Object.freeze([
	"accepted", "unacceptable protocol version", "client identifier rejected", "server unavailable",
	"bad user name or password", "not authorized",
]);
/** SUBACK return code for a refused subscription (§3.9.3). */
export const SUBACK_FAILURE = 0x80;

/** PINGREQ and DISCONNECT are two constant bytes (§3.12, §3.14). */
export const PINGREQ_PACKET = Uint8Array.of(PINGREQ << 4, 0);
export const DISCONNECT_PACKET = Uint8Array.of(DISCONNECT << 4, 0);

const PROTOCOL_NAME = ascii("MQTT");
/** Protocol Level 4 is MQTT 3.1.1 (§3.1.2.2). */
const PROTOCOL_LEVEL = 4;
const F_USERNAME = 0x80, F_PASSWORD = 0x40, F_WILL_RETAIN = 0x20, F_WILL = 0x04, F_CLEAN_SESSION = 0x02;
/** PUBLISH fixed-header flags (§3.3.1). */
export const FLAG_DUP = 0x08, FLAG_RETAIN = 0x01;

/** Bytes the Remaining Length `n` takes (§2.2.3: 7 bits per byte, at most four). */
export function remainingLengthSize(n: number): number {
	return n < 128 ? 1 : n < 16_384 ? 2 : n < 2_097_152 ? 3 : 4;
}

/** Write the fixed header — type and flags, then the Remaining Length (§2.2) — at buf[at]; returns the index after it. */
export function writeFixedHeader(buf: Uint8Array, at: number, typeAndFlags: number, remaining: number): number {
	buf[at++] = typeAndFlags;
	do {
		let b = remaining & 0x7f;
		remaining = Math.floor(remaining / 128);
		if (remaining > 0) b |= 0x80;
		buf[at++] = b;
	} while (remaining > 0);
	return at;
}

/** Write a two-byte big-endian integer (§1.5.2). */
function writeUint16(buf: Uint8Array, at: number, n: number): number {
	buf[at] = (n >> 8) & 0xff;
	buf[at + 1] = n & 0xff;
	return at + 2;
}

/** Write a length-prefixed string or binary field (§1.5.3). */
function writeField(buf: Uint8Array, at: number, bytes: Uint8Array): number {
	at = writeUint16(buf, at, bytes.length);
	buf.set(bytes, at);
	return at + bytes.length;
}

/** The last will: published by the broker, retained, at QoS 1, when the connection is lost without a DISCONNECT (§3.1.2.5). */
export interface Will {
	readonly topic: Uint8Array;
	readonly payload: Uint8Array;
}

export interface ConnectFields {
	readonly clientId: Uint8Array;
	readonly keepAliveSeconds: number;
	readonly will: Will | null;
	/** Empty: no User Name (and then no Password, §3.1.2.9). */
	readonly username: Uint8Array;
	readonly password: Uint8Array;
}

/**
 * The CONNECT packet (§3.1), always with Clean Session (§3.1.2.4): the station keeps no session state at the broker,
 * so after a reconnection it subscribes again and re-announces what it publishes. Configuration time: allocates.
 */
export function connectPacket(f: ConnectFields): Uint8Array {
	let flags = F_CLEAN_SESSION;
	let remaining = 2 + PROTOCOL_NAME.length + 1 + 1 + 2 + 2 + f.clientId.length;
	if (f.will !== null) {
		flags |= F_WILL | F_WILL_RETAIN | (1 << 3); // Will QoS 1 (§3.1.2.6)
		remaining += 4 + f.will.topic.length + f.will.payload.length;
	}
	if (f.username.length > 0) {
		flags |= F_USERNAME;
		remaining += 2 + f.username.length;
		if (f.password.length > 0) {
			flags |= F_PASSWORD;
			remaining += 2 + f.password.length;
		}
	}
	const out = new Uint8Array(1 + remainingLengthSize(remaining) + remaining);
	let at = writeFixedHeader(out, 0, CONNECT << 4, remaining);
	at = writeField(out, at, PROTOCOL_NAME);
	out[at++] = PROTOCOL_LEVEL;
	out[at++] = flags;
	at = writeUint16(out, at, f.keepAliveSeconds);
	// Payload order (§3.1.3): Client Identifier, Will Topic, Will Message, User Name, Password.
	at = writeField(out, at, f.clientId);
	if (f.will !== null) {
		at = writeField(out, at, f.will.topic);
		at = writeField(out, at, f.will.payload);
	}
	if ((flags & F_USERNAME) !== 0) at = writeField(out, at, f.username);
	if ((flags & F_PASSWORD) !== 0) writeField(out, at, f.password);
	return out;
}

/** A SUBSCRIBE for `filters`, each at QoS 1 (§3.8; fixed-header flags 0b0010, §3.8.1). Configuration time: allocates. */
export function subscribePacket(packetId: number, filters: readonly Uint8Array[]): Uint8Array {
	let remaining = 2;
	for (const f of filters) remaining += 2 + f.length + 1;
	const out = new Uint8Array(1 + remainingLengthSize(remaining) + remaining);
	let at = writeFixedHeader(out, 0, (SUBSCRIBE << 4) | 0x02, remaining);
	at = writeUint16(out, at, packetId);
	for (const f of filters) {
		at = writeField(out, at, f);
		out[at++] = 1; // Requested QoS
	}
	return out;
}

/** Remaining Length of a PUBLISH (§3.3.2, §3.3.3): topic with its prefix, packet identifier for QoS 1, payload. */
export function publishRemaining(topicLength: number, payloadLength: number, qos: number): number {
	return 2 + topicLength + (qos > 0 ? 2 : 0) + payloadLength;
}

/**
 * Write a PUBLISH's fixed header and variable header (topic, packet identifier for QoS 1) at buf[at]; the payload
 * follows. Returns the index after the header. The caller has checked the room (1 + 4 + 2 + topic + 2 bytes at most).
 */
export function writePublishHeader(buf: Uint8Array, at: number, topic: Uint8Array, payloadLength: number, qos: number,
	retain: boolean, packetId: number): number {
	at = writeFixedHeader(buf, at, (PUBLISH << 4) | (qos << 1) | (retain ? FLAG_RETAIN : 0), publishRemaining(topic.length, payloadLength, qos));
	at = writeUint16(buf, at, topic.length);
	for (let i = 0; i < topic.length; i++) buf[at + i] = topic[i];
	at += topic.length;
	return qos > 0 ? writeUint16(buf, at, packetId) : at;
}

/** A PUBACK for `packetId` (§3.4) at buf[at]; returns the index after it (4 bytes). */
export function writePuback(buf: Uint8Array, at: number, packetId: number): number {
	buf[at] = PUBACK << 4;
	buf[at + 1] = 2;
	return writeUint16(buf, at + 2, packetId);
}

/**
 * Is `topic` a valid Topic Name to publish to (§4.7): 1-65535 bytes, no wildcard '+' or '#' (§4.7.1), no U+0000
 * (§1.5.3)? Configuration time (the bytes are well-formed UTF-8 from `utf8()`).
 */
export function isTopicName(topic: Uint8Array): boolean {
	if (topic.length === 0 || topic.length > MAX_STRING_BYTES) return false;
	for (let i = 0; i < topic.length; i++) {
		const b = topic[i];
		if (b === 0x2b || b === 0x23 || b === 0) return false;
	}
	return true;
}
