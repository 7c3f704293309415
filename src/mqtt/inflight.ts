// QoS 1 messages the station sent and the broker has not yet acknowledged — OASIS MQTT 3.1.1 §4.3.2 (the sender keeps
// a QoS 1 PUBLISH until its PUBACK), §4.4 (after a reconnection it sends them again, DUP set, in their order), §2.3.1
// (a packet identifier is not reused while in use). Fixed slots, each holding the packet as sent.
import { FLAG_DUP, writePublishHeader } from "./packet.js";

/** The SUBSCRIBE's packet identifier; PUBLISHes use 2 .. 65535. */
export const SUBSCRIBE_ID = 1;

export class Inflight {
	readonly slotBytes: number;
	readonly bytes: Uint8Array;
	readonly #length: Int32Array;
	readonly #id: Int32Array;
	readonly #seq: Float64Array;
	#counter = 0;
	#nextId = SUBSCRIBE_ID;

	constructor(slots: number, slotBytes: number) {
		this.slotBytes = slotBytes;
		this.bytes = new Uint8Array(slots * slotBytes);
		this.#length = new Int32Array(slots);
		this.#id = new Int32Array(slots);
		this.#seq = new Float64Array(slots);
	}

	/** Messages awaiting their PUBACK. */
	get count(): number {
		let n = 0;
		for (let i = 0; i < this.#length.length; i++) if (this.#length[i] > 0) n++;
		return n;
	}

	/**
	 * Write a QoS 1 PUBLISH (with a new packet identifier) into a free slot; its start in `bytes`, or -1 when every slot
	 * is taken or the packet (`total` bytes) is longer than a slot. The caller sends bytes[start, start + total).
	 */
	add(topic: Uint8Array, payload: Uint8Array, start: number, end: number, retain: boolean, total: number): number {
		if (total > this.slotBytes) return -1;
		let slot = -1;
		for (let i = 0; i < this.#length.length && slot < 0; i++) if (this.#length[i] === 0) slot = i;
		if (slot < 0) return -1;
		const id = this.#packetId(), base = slot * this.slotBytes, length = end - start, out = this.bytes;
		const at = writePublishHeader(out, base, topic, length, 1, retain, id);
		for (let i = 0; i < length; i++) out[at + i] = payload[start + i];
		this.#length[slot] = total;
		this.#id[slot] = id;
		this.#seq[slot] = ++this.#counter;
		return base;
	}

	/** PUBACK `id` arrived: its slot is free. An identifier not in use changes nothing. */
	acknowledge(id: number): void {
		for (let i = 0; i < this.#id.length; i++) if (this.#length[i] > 0 && this.#id[i] === id) this.#length[i] = 0;
	}

	/**
	 * The next message to send again after the one sent `after` (0: the oldest), DUP set (§3.3.1.1): its slot, or -1.
	 * `sequence(slot)` is what to pass as `after` next time.
	 */
	nextToResend(after: number): number {
		let next = -1;
		for (let i = 0; i < this.#seq.length; i++) {
			if (this.#length[i] > 0 && this.#seq[i] > after && (next < 0 || this.#seq[i] < this.#seq[next])) next = i;
		}
		if (next >= 0) this.bytes[next * this.slotBytes] |= FLAG_DUP;
		return next;
	}

	sequence(slot: number): number {
		return this.#seq[slot];
	}

	/** The packet in `slot`: bytes[start(slot), start(slot) + length(slot)). */
	start(slot: number): number {
		return slot * this.slotBytes;
	}

	length(slot: number): number {
		return this.#length[slot];
	}

	/** The next identifier not held by a message awaiting its PUBACK (§2.3.1). */
	#packetId(): number {
		for (;;) {
			this.#nextId = this.#nextId >= 0xffff ? SUBSCRIBE_ID + 1 : this.#nextId + 1;
			let used = false;
			for (let i = 0; i < this.#id.length; i++) if (this.#length[i] > 0 && this.#id[i] === this.#nextId) used = true;
			if (!used) return this.#nextId;
		}
	}
}
