// Reading Content-Type (RFC 3261 §20.15: media-type with parameters; type and subtype case-insensitive).
import { equalsIgnoreCase, skipLws, trimLwsEnd } from "../sip/bytes.js";
import { H_CONTENT_TYPE } from "../sip/header-ids.js";
import type { MessageView } from "../sip/message-view.js";

/** Is the body's type `lowerType` (e.g. `application/sdp`), parameters ignored? */
export function contentTypeIs(msg: MessageView, lowerType: Uint8Array): boolean {
	const e = msg.find(H_CONTENT_TYPE);
	if (e < 0) return false;
	const buf = msg.buf, s = skipLws(buf, msg.valueStart(e), msg.valueEnd(e));
	let end = s;
	while (end < msg.valueEnd(e) && buf[end] !== 0x3b) end++; // ';' starts the parameters
	return equalsIgnoreCase(buf, s, trimLwsEnd(buf, s, end), lowerType);
}

/** The message has a body (Content-Length > 0: §20.14). */
export function hasBody(msg: MessageView): boolean {
	return msg.bodyEnd > msg.bodyStart;
}
