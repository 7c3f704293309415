// What the user agent's parts (registration, calls) share from the UA core: the layers below, the account,
// the station's Contact, and small helpers for building requests — RFC 3261 §8.1.1.
import type { Random } from "../host.js";
import { ascii, equalsIgnoreCase, parseDecimal } from "../sip/bytes.js";
import { H_ACCEPT, H_ALLOW, H_SERVER, H_SUPPORTED, H_USER_AGENT } from "../sip/header-ids.js";
import type { MessageView } from "../sip/message-view.js";
import { ParamCursor } from "../sip/params.js";
import type { Writer } from "../sip/writer.js";
import type { TimerWheel } from "../transaction/timer-wheel.js";
import type { TransactionLayer } from "../transaction/transaction-layer.js";
import type { Transport } from "../transaction/transport.js";
import type { ByteField } from "./byte-field.js";
import type { Account } from "./credentials.js";
import type { Reachability } from "./next-hop.js";
import type { UaConfig } from "./ua-config.js";
import type { UaEvents } from "./ua-events.js";

/** §20.5: the methods the station handles (405 answers carry this too). */
export const ALLOW = ascii("INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, UPDATE");
/** §20.1: bodies the station reads (SDP; DTMF in INFO). */
export const ACCEPT = ascii("application/sdp, application/dtmf-relay, application/dtmf");
/** §20.37: option tags the station supports (RFC 4028 session timers). */
export const SUPPORTED = ascii("timer");

/** `respondSimple` extras: the response also carries Accept (§20.1) / Allow (§20.5). */
export const WITH_ACCEPT = 1, WITH_ALLOW = 2;

export interface UaContext {
	readonly config: UaConfig;
	readonly layer: TransactionLayer;
	readonly transport: Transport;
	readonly wheel: TimerWheel;
	readonly random: Random;
	readonly events: UaEvents;
	readonly account: Account;
	/** The station's Contact URI (addr-spec): the local address, or the public one learned from responses. */
	readonly contact: ByteField;
	/** The locator and the targets that failed lately, shared by every next hop (RFC 3263). */
	readonly reach: Reachability;
	/** Why the last call could not be placed (a name that did not resolve, a URI too long ...). */
	callError: string;
	/**
	 * The transport the registration uses (UDP, TCP, TLS): the Contact says it (`;transport=tcp`, `;transport=tls`), so
	 * that requests reach the station the same way (RFC 3261 §10.2.1, RFC 5630 §3.1.1); sips: for a SIPS registrar.
	 */
	useContactTransport(transport: number): void;
	/** User-Agent, Allow and Supported: every request and response that may open or refresh a dialog carries them. */
	writeCapabilities(w: Writer, accept: boolean, response?: boolean): void;
	/** The address and port the registrar saw (received / rport): true when the Contact changed (RFC 3581 §6). */
	learnPublicAddress(msg: MessageView): boolean;
}

export function writeCapabilities(w: Writer, userAgent: Uint8Array, accept: boolean, response = false): void {
	// §20.41 User-Agent names the software in requests, §20.35 Server in responses.
	w.header(response ? H_SERVER : H_USER_AGENT, userAgent);
	w.header(H_ALLOW, ALLOW);
	if (accept) w.header(H_ACCEPT, ACCEPT);
	w.header(H_SUPPORTED, SUPPORTED);
}

const cursor = new ParamCursor();
/**
 * The numeric value of header parameter `lowerName` in buf[paramsStart, paramsEnd) (e.g. Contact `;expires=`),
 * or -1 when absent or not a number.
 */
export function numericParam(buf: Uint8Array, paramsStart: number, paramsEnd: number, lowerName: Uint8Array): number {
	const c = cursor.reset(buf, paramsStart, paramsEnd);
	while (c.next() === 1) {
		if (!equalsIgnoreCase(buf, c.nameStart, c.nameEnd, lowerName)) continue;
		return c.valueStart < 0 ? -1 : parseDecimal(buf, c.valueStart, c.valueEnd, 0x7fffffff);
	}
	return -1;
}

/** The value of header `id` as a number (Expires, Min-Expires, Min-SE), or -1. Leading digits only: `90;x=y` → 90. */
export function numericHeader(msg: MessageView, id: number): number {
	const e = msg.find(id);
	if (e < 0) return -1;
	const buf = msg.buf, s = msg.valueStart(e), end = msg.valueEnd(e);
	let i = s;
	while (i < end && buf[i] >= 0x30 && buf[i] <= 0x39) i++;
	return parseDecimal(buf, s, i, 0x7fffffff);
}
