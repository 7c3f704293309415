// Who may call the station (monitoring) and open the door from such a call: `user@host` patterns with `*` wildcards
// matched against the caller's From URI (RFC 3261 §19.1: user and host; the host case-insensitively, §19.1.4).
import type { AllowedCaller } from "./config.js";

/** The allow-list entry matching `from` (a From header value or URI), or null. */
export function allowedCaller(allow: readonly AllowedCaller[], from: string): AllowedCaller | null {
	const who = userAtHost(from);
	for (const a of allow) {
		if (a.caller === "*" || glob(a.caller.toLowerCase(), who.toLowerCase())) return a;
	}
	return null;
}

/** `user@host` of a URI inside a From value (`"Alice" <sip:alice@192.0.2.20:5060>;tag=1` → `alice@192.0.2.20`). */
export function userAtHost(from: string): string {
	let s = from;
	const lt = s.indexOf("<");
	if (lt >= 0) s = s.slice(lt + 1, s.indexOf(">", lt) < 0 ? undefined : s.indexOf(">", lt));
	s = s.replace(/^sips?:/i, "");
	const semi = s.search(/[;?]/);
	if (semi >= 0) s = s.slice(0, semi);
	// The host without its port (an IPv6 reference keeps its brackets).
	const at = s.lastIndexOf("@");
	const host = s.slice(at + 1).replace(/^(\[[^\]]*\]|[^:]*):\d+$/, "$1");
	return at >= 0 ? `${s.slice(0, at)}@${host}` : host;
}

/** `*` matches any run of characters (none included). */
function glob(pattern: string, value: string): boolean {
	let p = 0, v = 0, star = -1, mark = 0;
	while (v < value.length) {
		if (p < pattern.length && pattern[p] === "*") {
			star = p++;
			mark = v;
		} else if (p < pattern.length && pattern[p] === value[v]) {
			p++;
			v++;
		} else if (star >= 0) {
			p = star + 1;
			v = ++mark;
		} else return false;
	}
	while (p < pattern.length && pattern[p] === "*") p++;
	return p === pattern.length;
}
