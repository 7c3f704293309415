// Dialog state (RFC 3261 §12): Call-ID, tags, URIs, CSeq numbers, route set and remote target, in fixed byte
// fields; built from the request or response that creates it and written into in-dialog requests.
import { ascii, skipLws, trimLwsEnd } from "../sip/bytes.js";
import { H_CALL_ID, H_CONTACT, H_CSEQ, H_FROM, H_MAX_FORWARDS, H_RECORD_ROUTE, H_ROUTE, H_TO } from "../sip/header-ids.js";
import type { MessageView } from "../sip/message-view.js";
import { METHOD_BYTES } from "../sip/methods.js";
import { hasTag, NameAddr, parseNameAddr } from "../sip/name-addr.js";
import type { Writer } from "../sip/writer.js";
import { ByteField } from "./byte-field.js";
import { HOP_FAILED, NextHop, type Reachability } from "./next-hop.js";

export const DIALOG_NONE = 0, DIALOG_EARLY = 1, DIALOG_CONFIRMED = 2;
/** Most Record-Route entries kept (more: the dialog cannot be formed, and the call is refused or ended). */
export const MAX_ROUTES = 8;

const TAG = ascii(";tag="), SP = ascii(" "), COMMA = ascii(", "), LT = ascii("<"), GT = ascii(">");

export class Dialog {
	state = DIALOG_NONE;
	readonly callId = new ByteField(128);
	readonly localTag = new ByteField(32);
	readonly remoteTag = new ByteField(64);
	/** Our name-addr (From of our requests, To of theirs), without tag. */
	readonly localUri = new ByteField(256);
	readonly remoteUri = new ByteField(256);
	/** The peer's Contact URI (§12.1.1): the Request-URI of in-dialog requests. */
	readonly remoteTarget = new ByteField(256);
	/** The route set as the Route header value: entries separated by ", ", their ends in `routeEnds`. */
	readonly routeSet = new ByteField(1024);
	readonly routeEnds = new Int32Array(MAX_ROUTES);
	routeCount = 0;
	localCSeq = 0;
	/** -1 until the peer sent a request in this dialog (§12.1.2: the remote sequence number is empty). */
	remoteCSeq = -1;
	/**
	 * Where in-dialog requests go: the first route (loose routing, §12.2.1.1) or the remote target. A name there is
	 * located in the background (RFC 3263 §4); a request before it resolved fails like a transport error.
	 */
	readonly hop: NextHop;
	/** The TCP connection the dialog's requests last came over or its INVITE went over (-1: none): kept open for it. */
	connection = -1;
	readonly #nameAddr = new NameAddr();

	constructor(reach: Reachability) {
		this.hop = new NextHop(reach, null);
	}

	reset(): void {
		this.state = DIALOG_NONE;
		this.callId.clear();
		this.localTag.clear();
		this.remoteTag.clear();
		this.localUri.clear();
		this.remoteUri.clear();
		this.remoteTarget.clear();
		this.routeSet.clear();
		this.routeCount = 0;
		this.localCSeq = 0;
		this.remoteCSeq = -1;
		this.connection = -1;
	}

	copyFrom(d: Dialog): void {
		this.state = d.state;
		this.callId.copyFrom(d.callId);
		this.localTag.copyFrom(d.localTag);
		this.remoteTag.copyFrom(d.remoteTag);
		this.localUri.copyFrom(d.localUri);
		this.remoteUri.copyFrom(d.remoteUri);
		this.remoteTarget.copyFrom(d.remoteTarget);
		this.routeSet.copyFrom(d.routeSet);
		this.routeEnds.set(d.routeEnds);
		this.routeCount = d.routeCount;
		this.localCSeq = d.localCSeq;
		this.remoteCSeq = d.remoteCSeq;
		this.connection = d.connection;
		this.hop.copyFrom(d.hop);
	}

	/**
	 * UAC side (§12.1.2): from a 1xx/2xx with a To tag. Route set = Record-Route in reverse order, remote target =
	 * Contact, remote URI and tag = To. Local Call-ID, URI, tag and CSeq were set when the request was built.
	 */
	fromResponse(msg: MessageView): boolean {
		const to = msg.find(H_TO);
		if (to < 0 || !this.#nameAddrInto(msg, to, this.remoteUri)) return false;
		const tag = this.#nameAddr.tag;
		if (tag.start < 0 || !this.remoteTag.set(msg.buf, tag.start, tag.end)) return false;
		this.routeSet.clear();
		this.routeCount = 0;
		const n = msg.count(H_RECORD_ROUTE);
		for (let i = n - 1; i >= 0; i--) if (!this.#addRoute(msg, msg.find(H_RECORD_ROUTE, i))) return false;
		return this.refreshTarget(msg);
	}

	/** UAS side (§12.1.1): from the dialog-creating request, with our new local tag. */
	fromRequest(msg: MessageView, localTag: Uint8Array): boolean {
		this.reset();
		const callId = msg.find(H_CALL_ID), from = msg.find(H_FROM), to = msg.find(H_TO), cseq = msg.find(H_CSEQ);
		if (callId < 0 || from < 0 || to < 0 || cseq < 0) return false;
		if (!this.callId.set(msg.buf, msg.valueStart(callId), msg.valueEnd(callId))) return false;
		if (!this.#nameAddrInto(msg, to, this.localUri)) return false;
		if (!this.#nameAddrInto(msg, from, this.remoteUri)) return false;
		const tag = this.#nameAddr.tag;
		if (tag.start >= 0 && !this.remoteTag.set(msg.buf, tag.start, tag.end)) return false;
		this.localTag.set(localTag);
		for (let i = 0, n = msg.count(H_RECORD_ROUTE); i < n; i++) if (!this.#addRoute(msg, msg.find(H_RECORD_ROUTE, i))) return false;
		return this.refreshTarget(msg);
	}

	/** A target refresh (§12.2: Contact of a re-INVITE / UPDATE or its 2xx) and the next hop from it. */
	refreshTarget(msg: MessageView): boolean {
		const contact = msg.find(H_CONTACT);
		if (contact >= 0) {
			if (!parseNameAddr(msg.buf, msg.valueStart(contact), msg.valueEnd(contact), this.#nameAddr)) return false;
			const uri = this.#nameAddr.uri;
			if (!this.remoteTarget.set(msg.buf, uri.start, uri.end)) return false;
		}
		return this.resolveHop();
	}

	/** §12.2.1.1 with loose routing: the first route if there is one, else the remote target. */
	resolveHop(): boolean {
		if (this.routeCount > 0) {
			const r = this.routeSet;
			if (!parseNameAddr(r.buf, 0, this.routeEnds[0], this.#nameAddr, true)) return false;
			const uri = this.#nameAddr.uri;
			return this.hop.resolve(r.buf, uri.start, uri.end) !== HOP_FAILED;
		}
		const t = this.remoteTarget;
		return t.length > 0 && this.hop.resolve(t.buf, 0, t.length) !== HOP_FAILED;
	}

	/**
	 * The headers of a request inside the dialog after its Request-Line and Via (§12.2.1.1): Max-Forwards, Route,
	 * From (local URI and tag), To (remote URI and tag), Call-ID, CSeq.
	 */
	writeHeaders(w: Writer, method: number, cseq: number): void {
		w.headerUint(H_MAX_FORWARDS, 70);
		if (this.routeCount > 0) w.name(H_ROUTE).bytes(this.routeSet.buf, 0, this.routeSet.length).crlf();
		w.name(H_FROM);
		this.localUri.writeTo(w).bytes(TAG);
		this.localTag.writeTo(w).crlf();
		w.name(H_TO);
		this.remoteUri.writeTo(w);
		if (this.remoteTag.length > 0) this.remoteTag.writeTo(w.bytes(TAG));
		w.crlf().name(H_CALL_ID);
		this.callId.writeTo(w).crlf();
		w.name(H_CSEQ).uint(cseq).bytes(SP).bytes(METHOD_BYTES[method]).crlf();
	}

	/** Is this message in this dialog (§12.2.2: Call-ID, and the tags from our side's view)? */
	matches(msg: MessageView, ourTagHeader: number, theirTagHeader: number): boolean {
		const callId = msg.find(H_CALL_ID);
		if (callId < 0 || !this.callId.equals(msg.buf, msg.valueStart(callId), msg.valueEnd(callId))) return false;
		if (!hasTag(msg, ourTagHeader, this.#nameAddr) || !this.localTag.equals(msg.buf, this.#nameAddr.tag.start, this.#nameAddr.tag.end)) return false;
		if (!hasTag(msg, theirTagHeader, this.#nameAddr)) return this.remoteTag.length === 0;
		return this.remoteTag.length === 0 || this.remoteTag.equals(msg.buf, this.#nameAddr.tag.start, this.#nameAddr.tag.end);
	}

	/** The name-addr of entry `e` without its header parameters (the tag is kept apart, §12.2.1.1). */
	#nameAddrInto(msg: MessageView, e: number, field: ByteField): boolean {
		const buf = msg.buf, na = this.#nameAddr;
		if (!parseNameAddr(buf, msg.valueStart(e), msg.valueEnd(e), na)) return false;
		const s = skipLws(buf, msg.valueStart(e), na.paramsStart);
		if (na.bracketed) return field.set(buf, s, trimLwsEnd(buf, s, na.paramsStart));
		// An addr-spec is written back inside <> so a later header parameter can never be read as a URI one (§20.10).
		field.clear();
		return field.append(LT) && field.append(buf, na.uri.start, na.uri.end) && field.append(GT);
	}

	#addRoute(msg: MessageView, e: number): boolean {
		if (this.routeCount >= MAX_ROUTES || e < 0) return false;
		const r = this.routeSet;
		if (this.routeCount > 0 && !r.append(COMMA)) return false;
		const buf = msg.buf, s = skipLws(buf, msg.valueStart(e), msg.valueEnd(e));
		if (!r.append(buf, s, trimLwsEnd(buf, s, msg.valueEnd(e)))) return false;
		this.routeEnds[this.routeCount++] = r.length;
		return true;
	}
}
