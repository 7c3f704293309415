// Trace tables for message-layer tests, in llhttp's manner: a message, then one `path = value` line per expected field.
import assert from "node:assert/strict";
import { text } from "../../src/sip/bytes.js";
import { HEADER_NAMES, H_OTHER } from "../../src/sip/header-ids.js";
import { DEFAULT_LIMITS, limitsWith, type Limits } from "../../src/sip/limits.js";
import type { MessageView } from "../../src/sip/message-view.js";
import { SipParser } from "../../src/sip/parser.js";
import { summarize } from "../../src/sip/summary.js";
import { bytesOf, wireOf } from "../vectors/sip-vectors.js";

export { bytesOf, wireOf };

export interface TraceOptions {
	limits?: Partial<Limits>;
	stream?: boolean;
}

function flatten(prefix: string, value: unknown, out: Map<string, unknown>): void {
	if (Array.isArray(value)) {
		out.set(prefix + ".length", value.length);
		value.forEach((v, i) => flatten(`${prefix}[${i}]`, v, out));
	} else if (value !== null && typeof value === "object") {
		for (const [k, v] of Object.entries(value)) flatten(prefix === "" ? k : `${prefix}.${k}`, v, out);
	} else {
		out.set(prefix, value);
	}
}

/**
 * Every field a trace line can name: the summary (`method`, `cseq.number`, `via[0].branch` ...), each header value
 * as `h.<name>[i]` (canonical lower-case name, so compact forms land on the long name; unknown headers under their
 * own lower-cased name), `body` (one char per octet), `contentLength`; or, for a refused message,
 * `verdict.status`, `verdict.reason` (details included) and `verdict.errorAt`.
 */
export function traceOf(wire: string, options: TraceOptions = {}): Map<string, unknown> {
	const parser = new SipParser(options.limits === undefined ? DEFAULT_LIMITS : limitsWith(options.limits));
	const buf = bytesOf(wire);
	const status = parser.parse(buf, 0, buf.length, options.stream === true);
	const out = new Map<string, unknown>();
	if (status !== 0) {
		flatten("verdict", { status, reason: parser.verdict.describe(buf), errorAt: parser.verdict.errorAt }, out);
		return out;
	}
	const view: MessageView = parser.view;
	flatten("", summarize(view), out);
	const headers: Record<string, string[]> = {};
	for (let e = 0; e < view.entryCount; e++) {
		const id = view.idOf(e);
		const name = id === H_OTHER ? text(buf, view.nameStart(e), view.nameEnd(e)).toLowerCase() : HEADER_NAMES[id].toLowerCase();
		(headers[name] ??= []).push(view.valueText(e));
	}
	flatten("h", headers, out);
	out.set("body", wireOf(buf, view.bodyStart, view.bodyEnd));
	return out;
}

/**
 * Parse `wire` and check the fields listed in `expected`, one `path = JSON value` per line (blank lines ignored).
 * The failure shows the listed paths with the values found, so the diff reads as a trace.
 */
export function expectTrace(wire: string, expected: string, options: TraceOptions = {}): void {
	const trace = traceOf(wire, options);
	const want: string[] = [];
	const got: string[] = [];
	for (const raw of expected.split("\n")) {
		const line = raw.trim();
		if (line === "") continue;
		const eq = line.indexOf(" = ");
		if (eq < 0) throw new Error(`trace line without " = ": ${line}`);
		const path = line.slice(0, eq);
		want.push(`${path} = ${JSON.stringify(JSON.parse(line.slice(eq + 3)))}`);
		got.push(trace.has(path) ? `${path} = ${JSON.stringify(trace.get(path))}` : `${path} = <absent>`);
	}
	if (trace.has("verdict.status") && !want.some((l) => l.startsWith("verdict."))) {
		got.unshift(`verdict = ${trace.get("verdict.status")} ${trace.get("verdict.reason")}`);
	}
	assert.deepEqual(got, want);
}

/**
 * Compare the listed fields of a reader's result, one `name = JSON value` per line of `expected` (the llhttp-style
 * trace of STYLE.md): fields not listed are not checked.
 */
export function expectFields(fields: Record<string, unknown>, expected: string, label: string): void {
	const want: string[] = [], got: string[] = [];
	for (const raw of expected.split("\n")) {
		const line = raw.trim();
		if (line === "") continue;
		const eq = line.indexOf(" = ");
		const name = line.slice(0, eq);
		want.push(`${name} = ${JSON.stringify(JSON.parse(line.slice(eq + 3)))}`);
		got.push(`${name} = ${JSON.stringify(fields[name])}`);
	}
	assert.deepEqual(got, want, label);
}
