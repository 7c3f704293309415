// The JSON envelopes of the HTTP API, in 2N's form: {"success":true[,"result":{...}]} and
// {"success":false,"error":{"code":N,"param":"…","description":"…"}} with 2N's error codes (2N IP intercom HTTP API
// manual §2.3, "Replies to Requests"). Written into a preallocated Writer.
import { ascii } from "../sip/bytes.js";
import type { Writer } from "../sip/writer.js";
import { jsonString } from "./json.js";

/** 2N's error codes. */
export const E_NOT_SUPPORTED = 1, E_PATH = 2, E_METHOD = 3, E_DISABLED = 4, E_AUTH = 9, E_MISSING = 11, E_INVALID = 12,
	E_TOO_BIG = 13, E_PROCESSING = 14;

const OK = ascii('{"success":true}'), RESULT = ascii('{"success":true,"result":'), ERROR = ascii('{"success":false,"error":{"code":'),
	PARAM = ascii(',"param":'), DESCRIPTION = ascii(',"description":');

/** `{"success":true}`. */
export function writeOk(w: Writer): void {
	w.reset().bytes(OK);
}

/** `{"success":true,"result":` — the caller writes the result object, then `endResult`. */
export function beginResult(w: Writer): Writer {
	return w.reset().bytes(RESULT);
}

export function endResult(w: Writer): void {
	w.byte(0x7d);
}

/** `{"success":false,"error":{"code":…,["param":…,]"description":…}}`. */
export function writeError(w: Writer, code: number, description: string, param = ""): void {
	w.reset().bytes(ERROR).uint(code);
	if (param !== "") jsonString(w.bytes(PARAM), param);
	jsonString(w.bytes(DESCRIPTION), description).byte(0x7d).byte(0x7d);
}

/** The 2N code for a status the server answers by itself. */
export function codeForStatus(status: number): number {
	return status === 401 ? E_AUTH : status === 404 ? E_PATH : status === 405 ? E_METHOD : status === 413 || status === 414 || status === 431 ? E_TOO_BIG
		: status === 403 ? E_DISABLED : status === 501 || status === 505 ? E_NOT_SUPPORTED : E_PROCESSING;
}
