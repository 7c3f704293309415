// Persistent settings (src/host.ts `Store`) in Moddable's `preference` module, which is ESP-IDF NVS on the ESP32:
// a key is at most 15 characters, a string at most 4000 bytes with its terminating NUL. Longer values are kept in parts
// under `key~0` ... `key~8`, `key` holding the number of parts. A value is written only when it changed: NVS lives in
// flash, and every write wears it.
import type { Store } from "../../src/host.js";

/** What the store uses of Moddable's `Preference`. */
export interface PreferenceIO {
	get(domain: string, key: string): unknown;
	set(domain: string, key: string, value: string | number): void;
	delete(domain: string, key: string): void;
}

/** NVS: keys and namespaces (our domains) of at most 15 characters (NVS_KEY_NAME_MAX_SIZE 16 with the NUL). */
export const MAX_KEY_LENGTH = 15;
/** NVS: a string of at most 4000 bytes, the NUL included. */
export const MAX_VALUE_BYTES = 3999;
/** Parts a long value may take (`~0` ... `~8`: one character of the key's 15 for the digit, one for `~`). */
export const MAX_PARTS = 9;

export class PreferenceStore implements Store {
	readonly domain: string;
	readonly #io: PreferenceIO;

	constructor(options: { readonly io: PreferenceIO; readonly domain: string }) {
		checkName("domain", options.domain, MAX_KEY_LENGTH);
		this.domain = options.domain;
		this.#io = options.io;
	}

	get(key: string): string | undefined {
		checkName("key", key, MAX_KEY_LENGTH);
		const head = this.#io.get(this.domain, key);
		if (typeof head === "string") return head;
		if (typeof head !== "number" || !(head >= 1 && head <= MAX_PARTS)) return undefined;
		let value = "";
		for (let i = 0; i < head; i++) {
			const part = this.#io.get(this.domain, `${key}~${i}`);
			if (typeof part !== "string") return undefined; // a write was cut short: the value is gone, not half of it
			value += part;
		}
		return value;
	}

	/** Keep `value` under `key`; nothing is written when it is already there. Throws a RangeError naming the limit. */
	set(key: string, value: string): void {
		checkName("key", key, MAX_KEY_LENGTH);
		if (this.get(key) === value) return;
		const parts = split(value);
		const io = this.#io, oldParts = io.get(this.domain, key);
		if (parts.length === 1) io.set(this.domain, key, value);
		else {
			checkName("key", key, MAX_KEY_LENGTH - 2);
			if (parts.length > MAX_PARTS) throw new RangeError(`preference ${this.domain}/${key}: ${utf8Length(value)} bytes, more than ${MAX_PARTS} × ${MAX_VALUE_BYTES}`);
			for (let i = 0; i < parts.length; i++) io.set(this.domain, `${key}~${i}`, parts[i]);
			io.set(this.domain, key, parts.length);
		}
		// Parts of a longer earlier value that the new one does not overwrite.
		if (typeof oldParts === "number") for (let i = parts.length === 1 ? 0 : parts.length; i < oldParts && i < MAX_PARTS; i++) io.delete(this.domain, `${key}~${i}`);
	}

	delete(key: string): void {
		checkName("key", key, MAX_KEY_LENGTH);
		const head = this.#io.get(this.domain, key);
		if (typeof head === "number") for (let i = 0; i < head && i < MAX_PARTS; i++) this.#io.delete(this.domain, `${key}~${i}`);
		if (head !== undefined) this.#io.delete(this.domain, key);
	}
}

function checkName(what: string, name: string, max: number): void {
	if (name.length === 0 || name.length > max) throw new RangeError(`preference ${what} "${name}": 1-${max} characters (NVS)`);
}

/** Bytes of `text` in UTF-8 (what NVS stores). Configuration time only: a loop over the characters. */
export function utf8Length(text: string): number {
	if (text.length * 3 <= MAX_VALUE_BYTES) return text.length; // short: fits whatever it holds (the exact count is not needed)
	let n = 0;
	for (let i = 0; i < text.length; i++) n += charBytes(text, i);
	return n;
}

function charBytes(text: string, i: number): number {
	const c = text.charCodeAt(i);
	return c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c < 0xdc00 ? 4 : c >= 0xdc00 && c < 0xe000 ? 0 : 3;
}

/** `text` in parts of at most MAX_VALUE_BYTES UTF-8 bytes, cut between characters. */
function split(text: string): string[] {
	if (text.length * 3 <= MAX_VALUE_BYTES) return [text];
	if (text.length > MAX_PARTS * MAX_VALUE_BYTES) return new Array<string>(MAX_PARTS + 1).fill(""); // too long at one byte a character
	const parts: string[] = [];
	let start = 0, bytes = 0;
	for (let i = 0; i < text.length; i++) {
		const size = charBytes(text, i);
		if (bytes + size > MAX_VALUE_BYTES) {
			parts.push(text.slice(start, i));
			start = i;
			bytes = 0;
		}
		bytes += size;
	}
	parts.push(text.slice(start));
	return parts;
}
