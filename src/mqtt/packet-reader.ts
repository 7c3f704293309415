// Framing and checking the packets a broker sends, MQTT 3.1.1 — OASIS MQTT 3.1.1 §2.2 (fixed header), §3.2-§3.13,
// §1.5.3 (UTF-8 strings), §4.7 (topic names), §4.8 (a malformed packet closes the connection). Incremental over a
// TCP stream: bytes go into one preallocated buffer; a packet is read field by field in place, never copied out.
import { CONNACK, PACKET_NAMES, PINGRESP, PUBACK, PUBCOMP, PUBLISH, PUBREC, PUBREL, SUBACK, SUBACK_FAILURE, UNSUBACK } from "./packet.js";

/** What `read()` left: nothing complete yet, a packet to handle, or a stream that must be closed (`reason`). */
export const READ_MORE = 0, READ_PACKET = 1, READ_ERROR = 2;

const HEADER = 0, LENGTH = 1, BODY = 2;

/** The smallest receive buffer: room for a SUBACK of a few filters and a PUBLISH's topic. */
export const MIN_RECEIVE_BYTES = 64;

/** Types a server may send (§2.2.1: "Server to Client" or "both"). */
const FROM_SERVER = new Uint8Array(16);
for (const t of [CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK, UNSUBACK, PINGRESP]) FROM_SERVER[t] = 1;

// Reasons are made once (module time), so refusing a packet allocates nothing.
const R_DIRECTION: readonly string[] = Object.freeze(PACKET_NAMES.map((n, t) => t === 0 || t === 15
	? `${n} (reserved, §2.2.1)` : `${n} from the broker (client to server only, §2.2.1)`));
const R_FLAGS: readonly string[] = Object.freeze(PACKET_NAMES.map((n) => `${n} with reserved flags set (§2.2.2)`));
const R_LENGTH_2: readonly string[] = Object.freeze(PACKET_NAMES.map((n) => `${n} Remaining Length is not 2`));
const R_ID_ZERO: readonly string[] = Object.freeze(PACKET_NAMES.map((n) => `${n} with packet identifier 0 (§2.3.1)`));
const R_LENGTH_BYTES = "Remaining Length longer than four bytes (§2.2.3)";
const R_PINGRESP_LENGTH = "PINGRESP Remaining Length is not 0 (§3.13)";
const R_SUBACK_SHORT = "SUBACK without a return code (§3.9)";
const R_SUBACK_LONG = "SUBACK longer than the receive buffer";
const R_SUBACK_CODE = "SUBACK return code other than 0, 1, 2 or 0x80 (§3.9.3)";
const R_CONNACK_FLAGS = "CONNACK reserved bits set (§3.2.2.1)";
const R_CONNACK_CODE = "CONNACK return code above 5 (§3.2.2.3)";
const R_QOS3 = "PUBLISH with QoS 3 (§3.3.1.2)";
const R_DUP_QOS0 = "PUBLISH QoS 0 with DUP set (§3.3.1.1)";
const R_PUBLISH_SHORT = "PUBLISH too short for a topic (§3.3.2)";
const R_TOPIC_EMPTY = "PUBLISH with an empty topic (§4.7.3)";
const R_TOPIC_BEYOND = "PUBLISH topic length beyond the packet (§3.3.2.1)";
const R_TOPIC_TOO_LONG = "PUBLISH topic longer than the receive buffer";
const R_TOPIC_WILDCARD = "PUBLISH topic with a wildcard (§3.3.2.1)";
const R_TOPIC_NUL = "PUBLISH topic with U+0000 (§1.5.3)";
const R_TOPIC_UTF8 = "PUBLISH topic is not well-formed UTF-8 (§1.5.3)";

/**
 * Reads the broker's byte stream one packet at a time. `read(bytes, start, end)` consumes bytes up to the end of one
 * packet and returns where it stopped; `status` then says READ_PACKET (the fields below describe it, valid until the
 * next `read`), READ_MORE (all bytes consumed, the packet is not complete) or READ_ERROR (`reason` says why: the
 * caller closes the connection, §4.8; the reader stays failed until `reset()`). Never throws, never allocates.
 *
 * A PUBLISH larger than the buffer is still framed: its first `buf.length` bytes are kept (topic and packet identifier,
 * so it can be acknowledged) and `truncated` is set; every other packet type must fit.
 */
export class PacketReader {
	readonly buf: Uint8Array;
	status = READ_MORE;
	/** Why the stream is unusable (READ_ERROR), a constant string. */
	reason = "";
	type = 0;
	flags = 0;
	/** The packet's Remaining Length (§2.2.3). */
	remaining = 0;
	/** Bytes of the variable header and payload held in `buf[0, held)`: `remaining`, or less when `truncated`. */
	held = 0;
	truncated = false;
	/** PUBACK, SUBACK, PUBLISH at QoS 1-2: the packet identifier. */
	packetId = 0;
	// PUBLISH (§3.3): offsets into `buf`.
	qos = 0;
	retain = false;
	dup = false;
	topicStart = 0;
	topicEnd = 0;
	payloadStart = 0;
	payloadEnd = 0;
	#state = HEADER;
	#multiplier = 1;
	#lengthBytes = 0;
	#got = 0;

	constructor(capacity: number) {
		this.buf = new Uint8Array(Math.max(capacity, MIN_RECEIVE_BYTES));
	}

	/** A new connection: forget any partial packet and a failure. */
	reset(): void {
		this.status = READ_MORE;
		this.reason = "";
		this.#state = HEADER;
	}

	/** Consume bytes[start, end) up to the end of one packet; returns the index after the last byte consumed. */
	read(bytes: Uint8Array, start: number, end: number): number {
		if (this.status === READ_ERROR) return end;
		if (this.status === READ_PACKET) {
			this.status = READ_MORE;
			this.#state = HEADER;
		}
		let i = start;
		while (i < end) {
			if (this.#state === HEADER) {
				const b = bytes[i++];
				if (!this.#header(b >> 4, b & 0x0f)) return end;
				this.#state = LENGTH;
				this.remaining = 0;
				this.#multiplier = 1;
				this.#lengthBytes = 0;
			} else if (this.#state === LENGTH) {
				const b = bytes[i++];
				this.remaining += (b & 0x7f) * this.#multiplier;
				this.#multiplier *= 128;
				if ((b & 0x80) !== 0) {
					if (++this.#lengthBytes === 4) return this.#fail(R_LENGTH_BYTES, end);
					continue;
				}
				if (!this.#lengthFits()) return end;
				this.held = 0;
				this.#got = 0;
				if (this.remaining === 0) {
					this.#complete();
					return i;
				}
				this.#state = BODY;
			} else {
				const want = this.remaining - this.#got;
				const n = end - i < want ? end - i : want;
				const room = this.buf.length - this.held;
				const keep = n < room ? n : room;
				const buf = this.buf;
				for (let k = 0; k < keep; k++) buf[this.held + k] = bytes[i + k];
				this.held += keep;
				this.#got += n;
				i += n;
				if (this.#got === this.remaining) {
					this.#complete();
					return i;
				}
			}
		}
		return i;
	}

	/** The first byte: a type the server may send, with the flags §2.2.2 fixes for it. */
	#header(type: number, flags: number): boolean {
		this.type = type;
		this.flags = flags;
		if (FROM_SERVER[type] === 0) return this.#failed(R_DIRECTION[type]);
		if (type === PUBLISH) {
			this.qos = (flags >> 1) & 3;
			this.dup = (flags & 8) !== 0;
			this.retain = (flags & 1) !== 0;
			if (this.qos === 3) return this.#failed(R_QOS3);
			if (this.dup && this.qos === 0) return this.#failed(R_DUP_QOS0);
			return true;
		}
		if (flags !== (type === PUBREL ? 2 : 0)) return this.#failed(R_FLAGS[type]);
		return true;
	}

	/** The Remaining Length is known: is it one this type can have (and, but for PUBLISH, one the buffer holds)? */
	#lengthFits(): boolean {
		const t = this.type, n = this.remaining;
		if (t === PUBLISH) return n >= 3 + (this.qos > 0 ? 2 : 0) || this.#failed(R_PUBLISH_SHORT);
		if (t === PINGRESP) return n === 0 || this.#failed(R_PINGRESP_LENGTH);
		if (t === SUBACK) return n < 3 ? this.#failed(R_SUBACK_SHORT) : n <= this.buf.length || this.#failed(R_SUBACK_LONG);
		return n === 2 || this.#failed(R_LENGTH_2[t]);
	}

	/** The whole packet is read: check its fields. */
	#complete(): void {
		const buf = this.buf, t = this.type;
		this.truncated = this.held < this.remaining;
		this.status = READ_PACKET;
		if (t === PINGRESP) return;
		this.packetId = (buf[0] << 8) | buf[1];
		if (t === CONNACK) {
			if ((buf[0] & 0xfe) !== 0) this.#failed(R_CONNACK_FLAGS);
			else if (buf[1] > 5) this.#failed(R_CONNACK_CODE);
			return;
		}
		if (t === PUBLISH) {
			this.#publish();
			return;
		}
		if (this.packetId === 0) {
			this.#failed(R_ID_ZERO[t]);
			return;
		}
		if (t === SUBACK) {
			for (let i = 2; i < this.held; i++) {
				const c = buf[i];
				if (c > 2 && c !== SUBACK_FAILURE) {
					this.#failed(R_SUBACK_CODE);
					return;
				}
			}
		}
	}

	/** PUBLISH variable header (§3.3.2): topic name, then the packet identifier at QoS 1 and 2. */
	#publish(): void {
		const buf = this.buf;
		const topicLength = (buf[0] << 8) | buf[1];
		if (topicLength === 0) {
			this.#failed(R_TOPIC_EMPTY);
			return;
		}
		const headerEnd = 2 + topicLength + (this.qos > 0 ? 2 : 0);
		if (headerEnd > this.remaining) {
			this.#failed(R_TOPIC_BEYOND);
			return;
		}
		if (headerEnd > this.held) {
			this.#failed(R_TOPIC_TOO_LONG);
			return;
		}
		this.topicStart = 2;
		this.topicEnd = 2 + topicLength;
		const problem = topicProblem(buf, 2, this.topicEnd);
		if (problem !== "") {
			this.#failed(problem);
			return;
		}
		if (this.qos > 0) {
			this.packetId = (buf[this.topicEnd] << 8) | buf[this.topicEnd + 1];
			if (this.packetId === 0) {
				this.#failed(R_ID_ZERO[PUBLISH]);
				return;
			}
		} else this.packetId = 0;
		this.payloadStart = headerEnd;
		this.payloadEnd = this.held;
	}

	#failed(reason: string): false {
		this.status = READ_ERROR;
		this.reason = reason;
		return false;
	}

	#fail(reason: string, end: number): number {
		this.#failed(reason);
		return end;
	}
}

/**
 * Why buf[start, end) is not a Topic Name a broker may send, or "": well-formed UTF-8 (RFC 3629, §1.5.3: no overlong
 * form, no surrogate, nothing above U+10FFFF), no U+0000 (§1.5.3), no wildcard (§3.3.2.1).
 */
export function topicProblem(buf: Uint8Array, start: number, end: number): string {
	let i = start;
	while (i < end) {
		const b = buf[i];
		if (b < 0x80) {
			if (b === 0) return R_TOPIC_NUL;
			if (b === 0x2b || b === 0x23) return R_TOPIC_WILDCARD;
			i++;
			continue;
		}
		let n: number, min: number, cp: number;
		if (b >= 0xc2 && b <= 0xdf) {
			n = 1;
			min = 0x80;
			cp = b & 0x1f;
		} else if (b >= 0xe0 && b <= 0xef) {
			n = 2;
			min = 0x800;
			cp = b & 0x0f;
		} else if (b >= 0xf0 && b <= 0xf4) {
			n = 3;
			min = 0x10000;
			cp = b & 0x07;
		} else return R_TOPIC_UTF8;
		if (i + n >= end) return R_TOPIC_UTF8;
		for (let k = 1; k <= n; k++) {
			const c = buf[i + k];
			if ((c & 0xc0) !== 0x80) return R_TOPIC_UTF8;
			cp = (cp << 6) | (c & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return R_TOPIC_UTF8;
		i += n + 1;
	}
	return "";
}
