// Where a SIP request may go, in the order RFC 3263 §4 gives: (address, port, transport) targets the caller walks
// on a transport error or timeout (§4.3). Storage owned by the caller (one list per registration or call slot), filled
// by the locator; an address string is made only when a target's address changed.
import { TCP, TLS, UDP } from "../transaction/transaction-table.js";
import { MAX_ADDRESS_TEXT } from "./address-text.js";

/** The transport layer's transports. */
export { UDP, TCP, TLS };

export class TargetList {
	readonly capacity: number;
	/** Targets filled, in the order to try them; 0 when the name could not be resolved (see `error`). */
	count = 0;
	/** IP address text of each target (as a host's socket takes it). */
	readonly address: string[] = [];
	readonly port: Int32Array;
	/** UDP, TCP or TLS. */
	readonly transport: Uint8Array;
	/** When the shortest TTL among the records used runs out (clock ms): re-resolve before using the list after it. */
	expiresAt = 0;
	/** Why there is no target (a constant; "" when count > 0). */
	reason = "";
	/** The failure in words, naming the name ("pbx.example.com NAPTR: no such domain (NXDOMAIN)"); "" on success. */
	error = "";
	readonly #text: Uint8Array;
	readonly #textLength: Uint8Array;

	constructor(capacity: number) {
		if (!Number.isInteger(capacity) || capacity < 1 || capacity > 256) throw new RangeError("target list capacity: 1 to 256");
		this.capacity = capacity;
		this.port = new Int32Array(capacity);
		this.transport = new Uint8Array(capacity);
		this.#text = new Uint8Array(capacity * MAX_ADDRESS_TEXT);
		this.#textLength = new Uint8Array(capacity);
		for (let i = 0; i < capacity; i++) this.address.push("");
	}

	/** Has the list outlived its records at `nowMs` (or never been filled)? Then locate again (cheap while cached). */
	stale(nowMs: number): boolean {
		return this.count === 0 || nowMs >= this.expiresAt;
	}

	/** Empty the list before a resolution fills it. */
	clear(): void {
		this.count = 0;
		this.expiresAt = Infinity;
		this.reason = "";
		this.error = "";
	}

	/**
	 * Append a target whose address is the text buf[s, e) (at most 39 bytes); a target already in the list (same
	 * address, port and transport) is not repeated. False when the list is full.
	 */
	add(buf: Uint8Array, s: number, e: number, port: number, transport: number): boolean {
		for (let i = 0; i < this.count; i++) {
			if (this.port[i] === port && this.transport[i] === transport && this.#sameText(i, buf, s, e)) return true;
		}
		const i = this.count;
		if (i >= this.capacity || e - s > MAX_ADDRESS_TEXT) return false;
		if (!this.#sameText(i, buf, s, e)) {
			const at = i * MAX_ADDRESS_TEXT;
			let text = "";
			for (let k = s; k < e; k++) {
				this.#text[at + k - s] = buf[k];
				text += String.fromCharCode(buf[k]);
			}
			this.#textLength[i] = e - s;
			this.address[i] = text;
		}
		this.port[i] = port;
		this.transport[i] = transport;
		this.count = i + 1;
		return true;
	}

	/** Take `other`'s targets, lifetime and error (a dialog copied for a fork): no string is made. */
	copyFrom(other: TargetList): void {
		const n = other.count < this.capacity ? other.count : this.capacity;
		for (let i = 0; i < n; i++) {
			this.address[i] = other.address[i];
			this.port[i] = other.port[i];
			this.transport[i] = other.transport[i];
			const at = i * MAX_ADDRESS_TEXT, from = i * MAX_ADDRESS_TEXT, length = other.#textLength[i];
			for (let k = 0; k < length; k++) this.#text[at + k] = other.#text[from + k];
			this.#textLength[i] = length;
		}
		this.count = n;
		this.expiresAt = other.expiresAt;
		this.reason = other.reason;
		this.error = other.error;
	}

	/** Mark the resolution failed (no target): `reason` a constant, `error` the sentence naming the name. */
	fail(reason: string, error: string): void {
		this.count = 0;
		this.reason = reason;
		this.error = error;
	}

	#sameText(i: number, buf: Uint8Array, s: number, e: number): boolean {
		if (this.#textLength[i] !== e - s) return false;
		const at = i * MAX_ADDRESS_TEXT;
		for (let k = s; k < e; k++) if (this.#text[at + k - s] !== buf[k]) return false;
		return true;
	}
}
