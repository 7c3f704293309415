// NAT keep-alive towards the registrar / outbound proxy: CRLFCRLF pings or OPTIONS on UDP — RFC 5626 §3.5, RFC 3261 §11.
import type { Random } from "../host.js";
import { ascii, randomHex } from "../sip/bytes.js";
import { H_CALL_ID, H_CSEQ, H_FROM, H_MAX_FORWARDS, H_TO } from "../sip/header-ids.js";
import { M_OPTIONS } from "../sip/methods.js";
import type { TimerOwner, TimerWheel } from "./timer-wheel.js";
import type { TransactionLayer } from "./transaction-layer.js";
import type { ClientTransactionUser } from "./transaction-table.js";
import { UDP } from "./transaction-table.js";
import type { Transport } from "./transport.js";

/** Keep-alive modes: nothing, a CRLFCRLF datagram (RFC 5626 §4.4.1 style on UDP), or an OPTIONS request (§11). */
export const KEEPALIVE_OFF = 0, KEEPALIVE_CRLF = 1, KEEPALIVE_OPTIONS = 2;

/** What the keep-alive tells its owner (the registration, which re-registers when the path broke). */
export interface KeepaliveUser {
	/** An OPTIONS ping got no answer (Timer F) or could not be sent: the NAT binding or the server is gone. */
	onKeepaliveFailed(): void;
}

export interface KeepaliveOptions {
	readonly layer: TransactionLayer;
	readonly transport: Transport;
	readonly wheel: TimerWheel;
	readonly random: Random;
	readonly user: KeepaliveUser;
}

const CRLFCRLF = ascii("\r\n\r\n"), TAG = ascii(";tag="), OPTIONS = ascii(" OPTIONS"), AT = ascii("@"), LT = ascii("<"), GT = ascii(">");
const PING = 1;
/** Timers a keep-alive holds at once: the next ping. */
export const KEEPALIVE_TIMERS = 1;

/**
 * Sends a ping every `interval` ms to one target while started. The OPTIONS form is a real request (any
 * response, even 404 or 405, proves the path), sent through the transaction layer like any other.
 */
export class Keepalive implements TimerOwner, ClientTransactionUser {
	readonly #layer: TransactionLayer;
	readonly #transport: Transport;
	readonly #wheel: TimerWheel;
	readonly #random: Random;
	readonly #user: KeepaliveUser;
	readonly #owner: number;
	readonly #random8 = new Uint8Array(8);
	/** The From tag and Call-ID of a ping: 8 random bytes as hex, new for each. */
	readonly #id = new Uint8Array(16);
	#mode = KEEPALIVE_OFF;
	#interval = 0;
	#address = "";
	#port = 0;
	#uri: Uint8Array = new Uint8Array(0);
	#from: Uint8Array = new Uint8Array(0);
	#timer = -1;
	#cseq = 0;
	#tx = -1;

	constructor(options: KeepaliveOptions) {
		this.#layer = options.layer;
		this.#transport = options.transport;
		this.#wheel = options.wheel;
		this.#random = options.random;
		this.#user = options.user;
		this.#owner = options.wheel.register(this);
	}

	/**
	 * Ping address:port every `interval` ms. For OPTIONS, `targetUri` is its Request-URI and To, `fromUri` the
	 * station's AOR (configuration time: the byte copies made here are the only allocation).
	 */
	start(mode: number, interval: number, address: string, port: number, targetUri = "", fromUri = ""): void {
		this.stop();
		if (mode === KEEPALIVE_OFF || interval <= 0) return;
		this.#mode = mode;
		this.#interval = interval;
		this.#address = address;
		this.#port = port;
		this.#uri = ascii(targetUri);
		this.#from = ascii(fromUri);
		this.#schedule();
	}

	stop(): void {
		if (this.#timer >= 0) this.#wheel.cancel(this.#timer);
		this.#timer = -1;
		this.#mode = KEEPALIVE_OFF;
	}

	onTimer(): void {
		this.#timer = -1;
		if (!this.#schedule()) return;
		if (this.#mode === KEEPALIVE_CRLF) {
			this.#transport.send(UDP, this.#address, this.#port, -1, CRLFCRLF, 0, CRLFCRLF.length);
		} else if (this.#mode === KEEPALIVE_OPTIONS && this.#layer.stateOf(this.#tx) === 0) {
			this.#sendOptions();
		}
	}

	/** The next ping. With no timer free the keep-alive stops and says so: its owner registers again (or gives up). */
	#schedule(): boolean {
		this.#timer = this.#wheel.start(this.#interval, this.#owner, PING, 0);
		if (this.#timer >= 0) return true;
		this.#mode = KEEPALIVE_OFF;
		this.#user.onKeepaliveFailed();
		return false;
	}

	onResponse(): void {
		// Any response proves the binding (§11: even 404 / 405 come from the far end).
	}
	onTimeout(): void {
		this.#user.onKeepaliveFailed();
	}
	onTransportError(): void {
		this.#user.onKeepaliveFailed();
	}

	#sendOptions(): void {
		const uri = this.#uri;
		const tx = this.#layer.request(this, M_OPTIONS, uri, 0, uri.length, UDP, this.#address, this.#port);
		if (tx < 0) return; // pool full: try again next interval
		this.#tx = tx;
		randomHex(this.#random, this.#random8, this.#id);
		const w = this.#layer.writer(tx)!;
		w.headerUint(H_MAX_FORWARDS, 70);
		w.name(H_FROM).bytes(LT).bytes(this.#from).bytes(GT).bytes(TAG).bytes(this.#id).crlf();
		w.name(H_TO).bytes(LT).bytes(uri).bytes(GT).crlf();
		w.name(H_CALL_ID).bytes(this.#id).bytes(AT).bytes(this.#transportHost()).crlf();
		w.name(H_CSEQ).uint(++this.#cseq).bytes(OPTIONS).crlf();
		w.endHeaders();
		if (!this.#layer.send(tx)) this.#user.onKeepaliveFailed();
	}

	#host: Uint8Array | null = null;
	#transportHost(): Uint8Array {
		return (this.#host ??= ascii(this.#transport.localAddress));
	}
}
