// Registration with the building's registrar — RFC 3261 §10.2 (add, refresh, remove bindings), §10.2.8 (423),
// §22 (401/407), RFC 3581 (learning the public address), with back-off and jitter after failures; the registrar's name
// located by RFC 3263 (§4.3: a transport error or timeout moves to the next server; each refresh starts from the best).
import { ascii, randomHex } from "../sip/bytes.js";
import { H_CALL_ID, H_CONTACT, H_CSEQ, H_EXPIRES, H_FROM, H_MAX_FORWARDS, H_MIN_EXPIRES, H_TO } from "../sip/header-ids.js";
import type { MessageView } from "../sip/message-view.js";
import { M_REGISTER, METHOD_BYTES } from "../sip/methods.js";
import { NameAddr, parseNameAddr } from "../sip/name-addr.js";
import { parseUri, uriEquals, UriView } from "../sip/uri.js";
import type { TimerOwner } from "../transaction/timer-wheel.js";
import { FREE, UDP, type ClientTransactionUser } from "../transaction/transaction-table.js";
import { ByteField } from "./byte-field.js";
import { AUTH_REJECTED, AUTH_RETRY, Credentials } from "./credentials.js";
import { HOP_FAILED, HOP_WAIT, NextHop, type NextHopUser } from "./next-hop.js";
import { numericHeader, numericParam, type UaContext } from "./ua-context.js";

export const REG_IDLE = 0, REG_REGISTERING = 1, REG_REGISTERED = 2, REG_UNREGISTERING = 3, REG_STOPPED = 4;
const REFRESH = 1;
/** Timers the registration holds at once: its refresh or its retry. */
export const REGISTRATION_TIMERS = 1;
const EXPIRES = ascii("expires"), LT = ascii("<"), GT = ascii(">"),
	TAG = ascii(";tag="), REGISTER_SP = ascii(" REGISTER"), EXPIRES_0 = ascii(";expires=0");

export class Registration implements ClientTransactionUser, TimerOwner, NextHopUser {
	state = REG_IDLE;
	/** The lifetime the registrar granted (s), 0 when not registered. */
	expires = 0;
	readonly credentials: Credentials;
	readonly #ctx: UaContext;
	readonly #owner: number;
	readonly #aor: Uint8Array;
	readonly #requestUri: Uint8Array;
	/** The registrar as the locator takes it (its URI), and where REGISTER goes now. */
	readonly #registrar: Uint8Array;
	readonly #hop: NextHop;
	readonly #callId = new ByteField(48);
	readonly #fromTag = new ByteField(16);
	readonly #scratch = new Uint8Array(8);
	readonly #nameAddr = new NameAddr();
	readonly #ours = new UriView();
	#cseq = 0;
	#tx = -1;
	#timer = -1;
	#asked = 0;
	#failures = 0;
	#natRetries = 0;

	constructor(ctx: UaContext) {
		this.#ctx = ctx;
		this.credentials = new Credentials(ctx.account);
		this.#owner = ctx.wheel.register(this);
		const c = ctx.config;
		this.#aor = ascii("sip:" + c.user + "@" + c.domain);
		// §10.2: the Request-URI names the domain of the registrar; sips: when the registrar is one (§26.2.2).
		this.#requestUri = ascii((c.registrar?.secure === true ? "sips:" : "sip:") + c.domain);
		this.#registrar = ascii(c.registrar?.uri ?? "");
		this.#hop = new NextHop(ctx.reach, this);
		// §10.2: one Call-ID for all registrations of this UA to this registrar, CSeq increasing.
		const id = new Uint8Array(32);
		randomHex(ctx.random, new Uint8Array(16), id);
		this.#callId.set(id);
		const tag = new Uint8Array(16);
		randomHex(ctx.random, this.#scratch, tag);
		this.#fromTag.set(tag);
	}

	/**
	 * Register now (start, a network change, or after a stop for a wrong password once the user fixed it): the
	 * registrar's name is located again and its best server tried first.
	 */
	register(): void {
		if (this.#ctx.config.registrar === null) return;
		this.#failures = 0;
		this.#natRetries = 0;
		this.credentials.reset();
		this.#asked = this.#ctx.config.registerExpires;
		this.state = REG_REGISTERING;
		this.#cancelTimer();
		this.#hop.invalidate();
		this.#send();
	}

	/** Remove the binding (§10.2.2: Expires 0), e.g. at shutdown; `unregistered` follows the response. */
	unregister(): void {
		this.#cancelTimer();
		if (this.#ctx.config.registrar === null || this.state === REG_IDLE || this.state === REG_STOPPED) {
			this.state = REG_IDLE;
			return;
		}
		if (!this.#hop.ready) {
			// Nothing was registered where the name has not resolved yet: nothing to remove.
			this.#hop.cancel();
			return this.#unregistered();
		}
		this.state = REG_UNREGISTERING;
		this.#asked = 0;
		this.credentials.reset();
		this.#send();
	}

	onTimer(): void {
		this.#timer = -1;
		if (this.state === REG_REGISTERED || this.state === REG_REGISTERING) {
			this.state = REG_REGISTERING;
			this.credentials.reset();
			this.#asked = this.#ctx.config.registerExpires;
			// A refresh or a retry starts again from the best server (RFC 3263 order): registration comes back to it
			// once it answers again. Records whose TTL ran out are located anew first (`#send`).
			this.#hop.best();
			this.#send();
		}
	}

	/** The registrar's name resolved (or did not). */
	onHopResolved(hop: NextHop): void {
		if (this.#tx >= 0 || (this.state !== REG_REGISTERING && this.state !== REG_UNREGISTERING)) return;
		if (!hop.ready) return this.#noServer();
		this.#send();
	}

	onResponse(tx: number, msg: MessageView): void {
		if (tx !== this.#tx) return;
		const status = msg.status;
		this.#hop.answered();
		if (status < 200) return;
		this.#tx = -1;
		const unregistering = this.state === REG_UNREGISTERING;
		if (status === 401 || status === 407) {
			const verdict = this.credentials.onChallenge(msg);
			if (verdict === AUTH_RETRY) return void this.#send();
			if (unregistering) return this.#unregistered();
			// A refused password is reported once and not retried (it would only lock the account).
			return verdict === AUTH_REJECTED ? this.#stop(status, "credentials refused") : this.#fail(status, "no usable challenge");
		}
		this.credentials.accepted();
		if (unregistering) return this.#unregistered();
		if (status >= 200 && status < 300) return this.#registered(msg);
		if (status === 423) {
			// §10.2.8: ask again with at least Min-Expires.
			const min = numericHeader(msg, H_MIN_EXPIRES);
			if (min > this.#asked) {
				this.#asked = min;
				return void this.#send();
			}
		}
		if (status === 403 || status === 404) return this.#stop(status, msg.reasonText());
		this.#fail(status, msg.reasonText());
	}

	onTimeout(tx: number): void {
		if (tx !== this.#tx) return;
		this.#tx = -1;
		if (this.state === REG_UNREGISTERING) return this.#unregistered();
		if (this.#failover()) return;
		this.#fail(408, this.#unreached("no response from the registrar", ""));
	}

	onTransportError(tx: number): void {
		if (tx !== this.#tx) return;
		this.#tx = -1;
		if (this.state === REG_UNREGISTERING) return this.#unregistered();
		if (this.#failover()) return;
		this.#fail(503, this.#unreached("registrar unreachable", this.#ctx.transport.lastFailure));
	}

	/** RFC 3263 §4.3: the server did not answer: REGISTER goes to the next one at once (a new server challenges anew). */
	#failover(): boolean {
		if (!this.#hop.next()) return false;
		this.credentials.reset();
		this.#send();
		return true;
	}

	/** What failed: the registrar's name and how many of its servers were tried, and the transport's reason when it gave one. */
	#unreached(what: string, transportFailure: string): string {
		return `${what}${this.#hop.error !== "" ? ` (${this.#hop.error})` : ""}${transportFailure !== "" ? `: ${transportFailure}` : ""}`;
	}

	/** The registrar's name did not resolve: a failure that may pass (the DNS comes back), named as the locator says. */
	#noServer(): void {
		if (this.state === REG_UNREGISTERING) return this.#unregistered();
		this.#fail(0, this.#hop.error);
	}

	/** No REGISTER is in flight, no name is resolving and nothing is scheduled (tests' leak check). */
	get idle(): boolean {
		return this.#ctx.layer.stateOf(this.#tx) === FREE && this.#timer < 0 && !this.#hop.waiting;
	}

	/** Where REGISTER goes now, `address:port` (IPv6 in brackets), or "" before the registrar's name resolved: for status lines. */
	get server(): string {
		const hop = this.#hop;
		return hop.ready ? `${hop.address.includes(":") ? `[${hop.address}]` : hop.address}:${hop.port}` : "";
	}

	#registered(msg: MessageView): void {
		// RFC 3581 §6 / RFC 5626 §4.4: if the registrar saw another address than our Contact, register that one. Over
		// UDP only: on TCP and TLS the port it saw is the connection's, gone with it (RFC 5923's alias reaches us there).
		if (this.#hop.transport === UDP && this.#ctx.learnPublicAddress(msg) && this.#natRetries++ < 2) {
			this.credentials.reset();
			return void this.#send();
		}
		const granted = this.#grantedExpires(msg);
		// §10.2.4: the 200 lists the bindings the registrar keeps; ours with expires 0 (or none at all) is no
		// registration — and refreshing "at half of 0 s" would be a tight loop. Back off as after a failure.
		if (granted <= 0) return this.#fail(msg.status, "the registrar kept no binding");
		this.expires = granted;
		this.state = REG_REGISTERED;
		this.#failures = 0;
		// Refresh before the binding lapses, leaving time for a challenge round trip and retransmissions.
		const refresh = granted <= 60 ? granted / 2 : granted - Math.min(60, granted / 4);
		// A binding that cannot be refreshed lapses unseen: say so now rather than be registered until it does.
		if (!this.#startTimer(refresh * 1000)) return this.#stop(503, "no timer free for the refresh");
		this.#ctx.events.registered(granted);
	}

	#unregistered(): void {
		this.state = REG_IDLE;
		this.expires = 0;
		this.#ctx.events.unregistered();
	}

	#stop(status: number, reason: string): void {
		this.state = REG_STOPPED;
		this.expires = 0;
		this.#cancelTimer();
		this.#ctx.events.registrationFailed(status, reason);
	}

	/** A failure that may pass: try again after min(retryMin·2^n, retryMax) s, times a jitter of 0.5–1 (never a tight loop). */
	#fail(status: number, reason: string): void {
		const c = this.#ctx.config;
		this.state = REG_REGISTERING;
		this.expires = 0;
		const base = Math.min(c.registerRetryMin * 2 ** Math.min(this.#failures++, 16), c.registerRetryMax);
		this.#ctx.random.fill(this.#scratch);
		// With no timer free for the retry, registration stops (as after a refused password) until asked again.
		if (!this.#startTimer(base * 1000 * (0.5 + this.#scratch[0] / 510))) return this.#stop(status, reason);
		this.#ctx.events.registrationFailed(status, reason);
	}

	/** §10.2.4: the expires parameter of our Contact in the 200, else its Expires header, else what we asked for. */
	#grantedExpires(msg: MessageView): number {
		const c = this.#ctx.contact;
		if (parseUri(c.buf, 0, c.length, this.#ours)) {
			for (let e = msg.find(H_CONTACT); e >= 0; e = msg.nextOf(e)) {
				const na = this.#nameAddr;
				if (!parseNameAddr(msg.buf, msg.valueStart(e), msg.valueEnd(e), na) || !uriEquals(na.uri, this.#ours)) continue;
				const v = numericParam(msg.buf, na.paramsStart, na.paramsEnd, EXPIRES);
				if (v >= 0) return v;
			}
		}
		const header = numericHeader(msg, H_EXPIRES);
		return header >= 0 ? header : this.#asked;
	}

	#send(): void {
		const ctx = this.#ctx, hop = this.#hop;
		// The registrar's targets: located before the first REGISTER, and again once their records' TTL ran out.
		const located = hop.ready ? hop.refresh() : hop.waiting ? HOP_WAIT : hop.resolve(this.#registrar, 0, this.#registrar.length);
		if (located === HOP_WAIT) return;
		if (located === HOP_FAILED) return this.#noServer();
		ctx.useContactTransport(hop.transport);
		const uri = this.#requestUri;
		const tx = ctx.layer.request(this, M_REGISTER, uri, 0, uri.length, hop.transport, hop.address, hop.port, hop.serverName);
		if (tx < 0) return this.#fail(503, "no transaction free");
		this.#tx = tx;
		const w = ctx.layer.writer(tx)!;
		w.headerUint(H_MAX_FORWARDS, 70);
		w.name(H_FROM).bytes(LT).bytes(this.#aor).bytes(GT).bytes(TAG);
		this.#fromTag.writeTo(w).crlf();
		w.name(H_TO).bytes(LT).bytes(this.#aor).bytes(GT).crlf();
		w.name(H_CALL_ID);
		this.#callId.writeTo(w).crlf();
		w.name(H_CSEQ).uint(++this.#cseq).bytes(REGISTER_SP).crlf();
		w.name(H_CONTACT).bytes(LT);
		ctx.contact.writeTo(w).bytes(GT);
		if (this.#asked === 0) w.bytes(EXPIRES_0);
		w.crlf().headerUint(H_EXPIRES, this.#asked);
		ctx.writeCapabilities(w, false);
		this.credentials.write(w, METHOD_BYTES[M_REGISTER], uri, 0, uri.length);
		w.endHeaders();
		if (!ctx.layer.send(tx)) {
			this.#tx = -1;
			if (this.state === REG_UNREGISTERING) return this.#unregistered();
			// §4.3: a server that cannot be reached at all (a refused connection) is a transport error too.
			if (ctx.layer.transportFailed && this.#failover()) return;
			this.#fail(503, this.#unreached("registrar unreachable", ctx.transport.lastFailure));
		}
	}

	/** False when the timer wheel is full. */
	#startTimer(ms: number): boolean {
		this.#cancelTimer();
		this.#timer = this.#ctx.wheel.start(Math.max(1, Math.round(ms)), this.#owner, REFRESH, 0);
		return this.#timer >= 0;
	}

	#cancelTimer(): void {
		if (this.#timer >= 0) this.#ctx.wheel.cancel(this.#timer);
		this.#timer = -1;
	}
}

