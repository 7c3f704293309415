// The station's Wi-Fi on ECMA-419 `embedded:network/interface/wifi` — DESIGN.md §6a: connect with the configured
// network, tell the firmware when an address is had (first, again after a drop, or a different one), and after a drop
// try again after 1 s, 2 s, 4 s ... up to a minute, on the station's timer wheel. Everything is a callback: nothing
// here waits, so the audio never does.
import type { TimerOwner, TimerWheel } from "../../src/transaction/timer-wheel.js";

/** ECMA-419 connection states (Moddable: 200 disconnected, 300 connecting, 400 associated, 500 with an address). */
export const DISCONNECTED = 200, CONNECTING = 300, ASSOCIATED = 400, CONNECTED = 500;

export interface WifiIO {
	connect(options: { SSID: string; password?: string }): void;
	disconnect(): void;
	close(): void;
	readonly connection: number;
	readonly address: string | undefined;
}

export interface WifiIOConstructor {
	new (options: { onChanged: (this: WifiIO, property: string) => void }): WifiIO;
}

/** What the link tells the firmware. */
export interface WifiLinkUser {
	/** An address is had: the first one, the same one back after a drop (`changed` false), or a new one. */
	onUp(address: string, changed: boolean): void;
	/** The association was lost; attempts go on. */
	onDown(): void;
}

export interface WifiLinkOptions {
	readonly io: WifiIOConstructor;
	readonly ssid: string;
	readonly password: string;
	readonly wheel: TimerWheel;
	readonly user: WifiLinkUser;
	readonly firstRetryMs?: number;
	readonly maxRetryMs?: number;
}

const T_RETRY = 1;

export class WifiLink implements TimerOwner {
	readonly #options: WifiLinkOptions;
	readonly #owner: number;
	#io: WifiIO | null = null;
	#address = "";
	#up = false;
	#retryMs: number;
	#timer = -1;
	/** Connection attempts made. */
	attempts = 0;

	constructor(options: WifiLinkOptions) {
		this.#options = options;
		this.#retryMs = options.firstRetryMs ?? 1000;
		this.#owner = options.wheel.register(this);
	}

	/** The address while up, else "". */
	get address(): string {
		return this.#up ? this.#address : "";
	}

	/** Open the interface; connect unless it is up already (Moddable's setup/network may have connected at boot). */
	start(): void {
		if (this.#io !== null) return;
		const self = this;
		this.#io = new this.#options.io({
			onChanged() {
				self.#changed();
			},
		});
		if (this.#io.connection >= CONNECTED) this.#changed();
		else this.#connect();
	}

	close(): void {
		if (this.#timer >= 0) this.#options.wheel.cancel(this.#timer);
		this.#timer = -1;
		this.#io?.close();
		this.#io = null;
		this.#up = false;
	}

	onTimer(): void {
		this.#timer = -1;
		const io = this.#io;
		if (io !== null && io.connection <= DISCONNECTED) this.#connect();
	}

	#connect(): void {
		const o = this.#options, io = this.#io;
		if (io === null || o.ssid === "") return;
		this.attempts++;
		try {
			io.connect(o.password === "" ? { SSID: o.ssid } : { SSID: o.ssid, password: o.password });
		} catch {
			this.#retry();
		}
	}

	#changed(): void {
		const io = this.#io;
		if (io === null) return;
		const connection = io.connection, address = io.address ?? "";
		if (connection >= CONNECTED && address !== "") {
			const changed = this.#address !== "" && address !== this.#address;
			if (this.#up && !changed) return;
			this.#up = true;
			this.#address = address;
			this.#retryMs = this.#options.firstRetryMs ?? 1000;
			this.#options.user.onUp(address, changed);
		} else if (connection <= DISCONNECTED) {
			const wasUp = this.#up;
			this.#up = false;
			if (wasUp) this.#options.user.onDown();
			this.#retry();
		}
	}

	#retry(): void {
		if (this.#timer >= 0) return;
		const o = this.#options;
		this.#timer = o.wheel.start(this.#retryMs, this.#owner, T_RETRY, 0);
		this.#retryMs = Math.min(this.#retryMs * 2, o.maxRetryMs ?? 60000);
	}
}
