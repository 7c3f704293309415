// Reading a JSON configuration document field by field — DESIGN.md §6: every error names the field path, the value
// and what is allowed, and all errors are collected at once (an installer fixes the whole file in one go).
// Configuration time only: allocates freely, never runs in a call.
import type { Peer } from "../host.js";

/** A JSON object as parsed (nothing else is known of it). */
export type JsonObject = { readonly [key: string]: unknown };

/** Secrets (passwords, door codes) are never shown: an error or a dump says "***" instead. */
export const REDACTED = "***";

/** Collects errors while fields are read; each reader returns the value or the default, so reading always goes on. */
export class ConfigReader {
	readonly errors: string[] = [];

	/** `path: expected ALLOWED, got VALUE`. */
	fail(path: string, allowed: string, value: unknown, secret = false): void {
		this.errors.push(`${path === "" ? "the configuration" : path}: expected ${allowed}, got ${secret ? REDACTED : show(value)}`);
	}

	/** A free-form error on a field (a rule across fields). */
	error(path: string, message: string): void {
		this.errors.push(`${path}: ${message}`);
	}

	/** An object (or absent: `{}`); reports fields it does not know, so a typo is found rather than ignored. */
	object(path: string, value: unknown, known: readonly string[]): JsonObject {
		if (value === undefined) return {};
		if (!isObject(value)) {
			this.fail(path, "an object", value);
			return {};
		}
		for (const key of Object.keys(value)) {
			if (!known.includes(key)) this.error(join(path, key), `unknown field (allowed here: ${known.join(", ")})`);
		}
		return value;
	}

	/** A whole number in [min, max]. */
	int(path: string, value: unknown, fallback: number, min: number, max: number): number {
		if (value === undefined) return fallback;
		if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
			this.fail(path, `a whole number ${min}-${max}`, value);
			return fallback;
		}
		return value;
	}

	/** A number (fractions allowed) in [min, max]. */
	number(path: string, value: unknown, fallback: number, min: number, max: number): number {
		if (value === undefined) return fallback;
		if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
			this.fail(path, `a number ${min} to ${max}`, value);
			return fallback;
		}
		return value;
	}

	bool(path: string, value: unknown, fallback: boolean): boolean {
		if (value === undefined) return fallback;
		if (typeof value !== "boolean") {
			this.fail(path, "true or false", value);
			return fallback;
		}
		return value;
	}

	/** A string matching `pattern` (described by `allowed`), at most `maxLength` characters. */
	string(path: string, value: unknown, fallback: string, maxLength: number, pattern: RegExp | null = null, allowed = "", secret = false): string {
		if (value === undefined) return fallback;
		if (typeof value !== "string" || value.length > maxLength || (pattern !== null && !pattern.test(value))) {
			this.fail(path, allowed !== "" ? `${allowed} (at most ${maxLength} characters)` : `a string of at most ${maxLength} characters`, value, secret);
			return fallback;
		}
		return value;
	}

	/** One of `choices`. */
	choice<T extends string | number>(path: string, value: unknown, fallback: T, choices: readonly T[]): T {
		if (value === undefined) return fallback;
		if (!choices.includes(value as T)) {
			this.fail(path, `one of ${choices.map((c) => (typeof c === "string" ? `"${c}"` : String(c))).join(", ")}`, value);
			return fallback;
		}
		return value as T;
	}

	/** An array of at most `max` items (at least `min`), each read by `item`. */
	array<T>(path: string, value: unknown, fallback: readonly T[], min: number, max: number, item: (path: string, value: unknown) => T): readonly T[] {
		if (value === undefined) return fallback;
		if (!Array.isArray(value) || value.length < min || value.length > max) {
			this.fail(path, `a list of ${min === max ? min : `${min}-${max}`} item${max === 1 ? "" : "s"}`, value);
			return fallback;
		}
		return Object.freeze(value.map((v, i) => item(`${path}[${i}]`, v)));
	}
}

/**
 * `over` deep-merged onto `base` (objects field by field; anything else, lists included, replaced): how a host lays
 * its own settings over a document (the simulator's options over its file, the ESP32's key-value store over its
 * manifest's `config`) before `parseStationConfig` reads the result.
 */
export function mergeConfig(base: JsonObject, over: JsonObject): JsonObject {
	const out: Record<string, unknown> = { ...base };
	for (const key of Object.keys(over)) {
		const b = out[key], v = over[key];
		out[key] = isObject(b) && isObject(v) ? mergeConfig(b, v) : v;
	}
	return out;
}

export function isObject(value: unknown): value is JsonObject {
	return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function join(path: string, key: string): string {
	return path === "" ? key : `${path}.${key}`;
}

/** A value as an error shows it: strings quoted, long values cut. */
function show(value: unknown): string {
	if (typeof value === "string") return JSON.stringify(value.length > 80 ? value.slice(0, 77) + "..." : value);
	if (value === undefined) return "nothing";
	if (typeof value === "object" && value !== null) return Array.isArray(value) ? `a list of ${value.length}` : "an object";
	return String(value);
}

/** `IP[:port]`: an IPv4 address or a bracketed IPv6 one; the port defaults to `defaultPort`. Null for anything else. */
export function parseAddress(text: string, defaultPort: number): Peer | null {
	const m = /^(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\])(?::(\d{1,5}))?$/.exec(text);
	if (m === null) return null;
	if (!m[1].startsWith("[") && m[1].split(".").some((o) => Number(o) > 255)) return null;
	const port = m[2] === undefined ? defaultPort : Number(m[2]);
	if (port < 1 || port > 65535) return null;
	return Object.freeze({ address: m[1].replace(/^\[|\]$/g, ""), port });
}
