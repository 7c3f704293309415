// The UA core (RFC 3261 §8.2, §12.2.2): the transaction user that receives every request, checks it (method,
// Require, merged, dialog, CSeq order) and hands it to registration or to a call in a fixed slot; and the API the
// application uses (register, call, answer, reject, hang up).
import type { Random } from "../host.js";
import { SipLocator } from "../dns/sip-locator.js";
import { ascii, equalsIgnoreCase, randomHex, text } from "../sip/bytes.js";
import { DigestClient } from "../sip/digest.js";
import { H_ACCEPT, H_ALLOW, H_FROM, H_REQUIRE, H_SERVER, H_SUPPORTED, H_TO, H_UNSUPPORTED, H_VIA } from "../sip/header-ids.js";
import type { MessageView } from "../sip/message-view.js";
import { M_BYE, M_CANCEL, M_INFO, M_INVITE, M_OPTIONS, M_OTHER, M_UPDATE } from "../sip/methods.js";
import { hasTag, NameAddr } from "../sip/name-addr.js";
import type { Negotiated } from "../sip/offer-answer.js";
import { SdpView } from "../sip/sdp.js";
import { parseVia, ViaView } from "../sip/via.js";
import { Writer } from "../sip/writer.js";
import type { TransactionConfig } from "../transaction/config.js";
import type { TimerWheel } from "../transaction/timer-wheel.js";
import { TransactionLayer, type ServerTransactionUser } from "../transaction/transaction-layer.js";
import { TCP, TLS } from "../transaction/transaction-table.js";
import type { Source, Transport } from "../transaction/transport.js";
import { ByteField } from "./byte-field.js";
import { Call, CALL_RINGING_IN, type CallContext } from "./call.js";
import type { Account } from "./credentials.js";
import { Dialog } from "./dialog.js";
import { DtmfInfoSender } from "./dtmf-info-sender.js";
import { Reachability } from "./next-hop.js";
import { Registration } from "./registration.js";
import { writeCapabilities, ACCEPT, ALLOW, SUPPORTED, WITH_ACCEPT, WITH_ALLOW } from "./ua-context.js";
export { WITH_ACCEPT, WITH_ALLOW };
import type { UaConfig } from "./ua-config.js";
import type { UaEvents } from "./ua-events.js";

const R_OK = ascii("OK"), R_BUSY = ascii("Busy Here"), R_NO_DIALOG = ascii("Call/Transaction Does Not Exist"),
	R_NOT_ALLOWED = ascii("Method Not Allowed"), R_NOT_IMPLEMENTED = ascii("Not Implemented"), R_LOOP = ascii("Loop Detected"),
	R_BAD_EXTENSION = ascii("Bad Extension"), R_OUT_OF_ORDER = ascii("Server Internal Error: CSeq out of order"),
	R_DECLINE = ascii("Decline");
const TIMER = ascii("timer"), COMMA = ascii(", ");

export interface UserAgentOptions {
	readonly config: UaConfig;
	readonly transactionConfig: TransactionConfig;
	readonly transport: Transport;
	readonly wheel: TimerWheel;
	readonly random: Random;
	readonly events: UaEvents;
	/**
	 * Locates servers and call targets named by host names (RFC 3263), from the host's DNS client. Without it the
	 * station reaches numeric addresses only, and says so for a name.
	 */
	readonly locator?: SipLocator;
}

export class UserAgent implements ServerTransactionUser, CallContext {
	readonly config: UaConfig;
	readonly layer: TransactionLayer;
	readonly transport: Transport;
	readonly wheel: TimerWheel;
	readonly random: Random;
	readonly events: UaEvents;
	readonly account: Account;
	readonly contact = new ByteField(128);
	readonly sdp: SdpView;
	readonly ackWriter: Writer;
	readonly reach: Reachability;
	readonly forkDialog: Dialog;
	callError = "";
	readonly localNameAddr: Uint8Array;
	readonly localHost: Uint8Array;
	mediaAddress: string;
	readonly registration: Registration;
	readonly calls: Call[] = [];
	readonly #info: DtmfInfoSender[] = [];
	readonly #userAgent: Uint8Array;
	readonly #via = new ViaView();
	readonly #nameAddr = new NameAddr();
	readonly #tagScratch = new Uint8Array(8);
	readonly #tag = new Uint8Array(16);
	#contactAddress: string;
	#contactPort: number;
	/** The registration's transport, which the Contact names (0 until known: none named). */
	#contactTransport: number;

	constructor(options: UserAgentOptions) {
		const c = options.config;
		this.config = c;
		this.transport = options.transport;
		this.wheel = options.wheel;
		this.random = options.random;
		this.events = options.events;
		this.layer = new TransactionLayer({
			config: options.transactionConfig, transport: options.transport, wheel: options.wheel, random: options.random, user: this,
		});
		this.reach = new Reachability(options.locator ?? new SipLocator({ client: null, random: options.random }), options.transport.clock);
		this.forkDialog = new Dialog(this.reach);
		this.account = Object.freeze({ digest: new DigestClient(), username: ascii(c.authUser), password: ascii(c.password), random: options.random });
		this.sdp = new SdpView();
		this.ackWriter = new Writer(options.transactionConfig.maxSendBytes);
		this.#userAgent = ascii(c.userAgent);
		const display = c.displayName === "" ? "" : "\"" + c.displayName.replace(/["\\]/g, "\\$&") + "\" ";
		this.localNameAddr = ascii(display + "<sip:" + c.user + "@" + c.domain + ">");
		this.localHost = ascii(this.transport.localAddress);
		this.mediaAddress = this.transport.localAddress;
		this.#contactAddress = this.transport.localAddress;
		this.#contactPort = this.transport.localPort;
		this.#contactTransport = c.registrar?.transport ?? 0;
		this.#writeContactUri();
		this.registration = new Registration(this);
		for (let i = 0; i < c.maxCalls; i++) {
			this.calls.push(new Call(i, this));
			this.#info.push(new DtmfInfoSender(this.calls[i], this));
		}
	}

	// ---- the application's API ----

	/** Register with the configured registrar (nothing without one). */
	register(): void {
		this.registration.register();
	}

	/** Remove the registration (shutdown); `unregistered` follows. */
	unregister(): void {
		this.registration.unregister();
	}

	/** The host says the network changed (new address, Wi-Fi reconnect): names are located anew, and registration starts again. */
	networkChanged(): void {
		this.reach.locator.networkChanged();
		if (this.config.registrar !== null) this.registration.register();
	}

	/**
	 * Call `uri` (e.g. `sip:alice@192.0.2.1`, `sip:alice@pbx.example.com`): the call's number, or -1 with `callError`
	 * saying why (no free slot, a URI or first hop that cannot be reached). A first hop whose name is resolving leaves
	 * the call calling until it resolves (RFC 3263): then the INVITE goes, or the call ends naming what was not found.
	 */
	call(uri: string): number {
		const call = this.#freeCall();
		this.callError = "no free call slot";
		if (call === null) return -1;
		this.callError = "";
		return call.startOutgoing(ascii(uri)) ? call.index : -1;
	}

	answer(call: number): boolean {
		const c = this.calls[call];
		return c !== undefined && c.answer();
	}

	/** Refuse a ringing call: 486 Busy Here, 603 Decline (default), 403 Forbidden ... */
	reject(call: number, status = 603, reason?: string): void {
		const c = this.calls[call];
		if (c !== undefined) c.reject(status, reason === undefined ? (status === 486 ? R_BUSY : R_DECLINE) : ascii(reason));
	}

	hangup(call: number): void {
		this.calls[call]?.hangup();
	}

	/**
	 * Send DTMF key `digit` (ASCII 0-9 * # A-D) in SIP INFO (application/dtmf-relay, RFC 6086) in the call's dialog,
	 * after the INFOs queued before it. False when the call is not in conversation or the queue is full.
	 */
	sendInfoDigit(call: number, digit: number): boolean {
		const s = this.#info[call];
		return s !== undefined && s.send(digit);
	}

	/** Hang up every call and remove the registration. */
	shutdown(): void {
		for (const c of this.calls) c.hangup();
		this.registration.unregister();
	}

	/** The negotiated media of a call (answered, or early media), or null. */
	media(call: number): Negotiated | null {
		const c = this.calls[call];
		return c !== undefined && c.hasMedia ? c.media : null;
	}

	/** Nothing is left: no call, no transaction, no registration timer (the tests' leak check). */
	get idle(): boolean {
		for (const c of this.calls) if (c.busy || !c.timersIdle) return false;
		return this.layer.active === 0;
	}

	// ---- CallContext ----

	writeCapabilities(w: Writer, accept: boolean, response = false): void {
		writeCapabilities(w, this.#userAgent, accept, response);
	}

	released(call: Call): void {
		// Slots are found by scanning; INFO digits of the call that ended must not reach the slot's next call.
		this.#info[call.index]?.clear();
	}

	/** A response without SDP: status line, a To tag when the request had none, Allow / Accept / Supported / Server. */
	respondSimple(tx: number, status: number, reason: Uint8Array, extra: number): void {
		const w = this.layer.respond(tx, status, reason, this.#newTag());
		if (w === null) return;
		w.header(H_SERVER, this.#userAgent);
		this.#writeAllowAcceptSupported(w, extra, status);
		w.endHeaders();
		this.layer.sendResponse(tx);
	}

	/** RFC 3581 §6: the registrar saw us at received:rport; if that is not our Contact, change the Contact. */
	learnPublicAddress(msg: MessageView): boolean {
		const e = msg.find(H_VIA);
		if (e < 0 || !parseVia(msg.buf, msg.valueStart(e), msg.valueEnd(e), this.#via)) return false;
		const via = this.#via;
		let address = this.#contactAddress, port = this.#contactPort;
		if (via.received.start >= 0 && via.received.end > via.received.start) {
			if (!equalsText(msg.buf, via.received.start, via.received.end, address)) address = text(msg.buf, via.received.start, via.received.end);
		}
		if (via.rport.start >= 0 && via.rport.end > via.rport.start) {
			let p = 0;
			for (let i = via.rport.start; i < via.rport.end; i++) p = p * 10 + msg.buf[i] - 0x30;
			if (p > 0 && p < 65536) port = p;
		}
		if (address === this.#contactAddress && port === this.#contactPort) return false;
		this.#contactAddress = address;
		this.#contactPort = port;
		this.#writeContactUri();
		return true;
	}

	// ---- ServerTransactionUser ----

	onRequest(tx: number, msg: MessageView, _source: Source): void {
		const method = msg.methodId;
		// §8.2.1: an unknown method is 501; a known one we do not handle is 405, both with Allow.
		if (method === M_OTHER) return this.respondSimple(tx, 501, R_NOT_IMPLEMENTED, WITH_ALLOW);
		if (method !== M_INVITE && method !== M_BYE && method !== M_OPTIONS && method !== M_INFO && method !== M_UPDATE && method !== M_CANCEL) {
			return this.respondSimple(tx, 405, R_NOT_ALLOWED, WITH_ALLOW);
		}
		// §8.2.2.2: a merged request (same From tag, Call-ID and CSeq on another transaction) is 482.
		if (this.layer.isMerged(tx)) return this.respondSimple(tx, 482, R_LOOP, 0);
		// §8.2.2.3: an option tag in Require we do not support is 420 with Unsupported.
		if (method !== M_CANCEL && this.#unsupportedRequire(msg)) return this.#respond420(tx, msg);
		if (hasTag(msg, H_TO, this.#nameAddr)) {
			const call = this.#callOf(msg);
			if (call === null) return this.respondSimple(tx, 481, R_NO_DIALOG, 0); // §12.2.2
			const d = call.dialog, cseq = msg.cseq;
			// §12.2.2: a lower CSeq than the last request of the dialog is out of order: 500.
			if (d.remoteCSeq >= 0 && cseq < d.remoteCSeq) return this.respondSimple(tx, 500, R_OUT_OF_ORDER, 0);
			d.remoteCSeq = cseq;
			return call.onInDialogRequest(tx, msg);
		}
		switch (method) {
			case M_INVITE: {
				// The application decides whom it takes (`incomingCall`); the UA refuses only when it has no slot left
				// to report the call in (§21.4.24: 486, the user agent is busy).
				const call = this.#freeCall();
				if (call === null) return this.respondSimple(tx, 486, R_BUSY, 0);
				return call.startIncoming(tx, msg);
			}
			case M_OPTIONS:
				// §11.2: what we are able to do, the same answer in or out of a dialog.
				return this.respondSimple(tx, 200, R_OK, WITH_ACCEPT | WITH_ALLOW);
			default:
				// BYE, INFO, UPDATE without a To tag, or a CANCEL matching no INVITE (§9.2): 481.
				return this.respondSimple(tx, 481, R_NO_DIALOG, 0);
		}
	}

	onCancel(inviteTx: number, cancelTx: number, _msg: MessageView): void {
		// §9.2: the CANCEL itself gets 200; the INVITE, if still ringing, 487.
		this.respondSimple(cancelTx, 200, R_OK, 0);
		for (const c of this.calls) if (c.inviteTx === inviteTx && c.state === CALL_RINGING_IN) c.onCancel();
	}

	onAck(_inviteTx: number, msg: MessageView, _source: Source): void {
		// The dialog decides, not the transaction: an ACK for a re-INVITE's 2xx, or one arriving after Timer L ended
		// the INVITE transaction (inviteTx -1), still belongs to its call (§13.3.1.4, RFC 6026 §7.1).
		const call = this.#callOf(msg);
		if (call !== null) call.onAck(msg);
	}

	onAckTimeout(tx: number): void {
		for (const c of this.calls) if (c.ackTx === tx) c.onAckTimeout();
	}

	onServerTransportError(tx: number): void {
		for (const c of this.calls) if (c.inviteTx === tx && c.state === CALL_RINGING_IN) c.hangup();
	}

	isInDialog(msg: MessageView): boolean {
		// DESIGN.md §3: what keeps a live call working always finds a transaction slot (§12.2.2: a dialog of ours).
		return this.#callOf(msg) !== null;
	}

	carriesDialog(index: number): boolean {
		for (const c of this.calls) if (c.busy && c.dialog.connection === index) return true;
		return false;
	}

	onStrayResponse(msg: MessageView, _source: Source): void {
		// RFC 6026 §8.4: a 2xx to an INVITE whose transaction is gone (after Timer M): the dialog's call ACKs it.
		if (msg.status < 200 || msg.status >= 300 || !hasTag(msg, H_TO, this.#nameAddr)) return;
		for (const c of this.calls) {
			if (c.busy && c.dialog.matches(msg, H_FROM, H_TO)) return c.onStray2xx(msg);
		}
	}

	// ---- internals ----

	#freeCall(): Call | null {
		for (const c of this.calls) if (!c.busy) return c;
		return null;
	}

	/** The call whose dialog this request belongs to (§12.2.2: our tag in To, theirs in From). */
	#callOf(msg: MessageView): Call | null {
		for (const c of this.calls) if (c.busy && c.dialog.matches(msg, H_TO, H_FROM)) return c;
		return null;
	}

	#unsupportedRequire(msg: MessageView): boolean {
		for (let e = msg.find(H_REQUIRE); e >= 0; e = msg.nextOf(e)) {
			if (!equalsIgnoreCase(msg.buf, msg.valueStart(e), msg.valueEnd(e), TIMER)) return true;
		}
		return false;
	}

	/** §8.2.2.3: 420 Bad Extension listing the option tags we do not support. */
	#respond420(tx: number, msg: MessageView): void {
		const w = this.layer.respond(tx, 420, R_BAD_EXTENSION, this.#newTag());
		if (w === null) return;
		w.header(H_SERVER, this.#userAgent);
		w.name(H_UNSUPPORTED);
		let first = true;
		for (let e = msg.find(H_REQUIRE); e >= 0; e = msg.nextOf(e)) {
			if (equalsIgnoreCase(msg.buf, msg.valueStart(e), msg.valueEnd(e), TIMER)) continue;
			if (!first) w.bytes(COMMA);
			w.bytes(msg.buf, msg.valueStart(e), msg.valueEnd(e));
			first = false;
		}
		w.crlf();
		this.#writeAllowAcceptSupported(w, 0, 420);
		w.endHeaders();
		this.layer.sendResponse(tx);
	}

	#writeAllowAcceptSupported(w: Writer, extra: number, status: number): void {
		if ((extra & WITH_ALLOW) !== 0 || status === 405 || status === 501) w.header(H_ALLOW, ALLOW);
		if ((extra & WITH_ACCEPT) !== 0 || status === 415) w.header(H_ACCEPT, ACCEPT);
		w.header(H_SUPPORTED, SUPPORTED);
	}

	#newTag(): Uint8Array {
		randomHex(this.random, this.#tagScratch, this.#tag);
		return this.#tag;
	}

	useContactTransport(transport: number): void {
		if (transport === this.#contactTransport) return;
		this.#contactTransport = transport;
		this.#writeContactUri();
	}

	#writeContactUri(): void {
		const c = this.contact, t = this.#contactTransport, sips = this.config.registrar?.secure === true;
		// §8.1.1.8: a SIPS Request-URI asks for a SIPS Contact; otherwise the transport parameter says how to reach us.
		const param = sips ? "" : t === TCP ? ";transport=tcp" : t === TLS ? ";transport=tls" : "";
		c.set(ascii((sips ? "sips:" : "sip:") + this.config.user + "@" + this.#contactAddress + ":" + this.#contactPort + param));
	}
}

function equalsText(buf: Uint8Array, s: number, e: number, t: string): boolean {
	if (e - s !== t.length) return false;
	for (let i = 0; i < t.length; i++) if (buf[s + i] !== t.charCodeAt(i)) return false;
	return true;
}
