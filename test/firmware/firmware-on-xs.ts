// The ESP32 firmware, as compiled for the device (build/esp32: hosts/esp32 and src with the Moddable typings), run on
// the real XS engine (xsnap) with stand-ins for the Moddable modules it imports (test/firmware/moddable) — DESIGN.md §7.
// Its own main runs, as Moddable would run it; this side plays the world: the device clock, Wi-Fi, the button, the
// microphone and amplifier, and the network — datagrams bridged to real UDP sockets on 127.0.0.1 ("real"), or answered
// by a scripted peer in virtual time ("virtual", for measuring).
import { createSocket, type Socket } from "node:dgram";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isObject, mergeConfig, type JsonObject } from "../../src/intercom/config-reader.js";
import { XsSession, type XsMeter } from "../xs/xsnap-host.js";

const here = path.dirname(fileURLToPath(import.meta.url));
/** build/ (this file is build/test/firmware/firmware-on-xs.js). */
const BUILD = path.resolve(here, "../..");
export const FIRMWARE_MAIN = path.join(BUILD, "esp32/hosts/esp32/main.js");
export const FIRMWARE_ROOT = path.join(BUILD, "esp32");
export const ENTRY = path.join(here, "firmware-entry.js");
export const MANIFEST = path.resolve(BUILD, "../manifest.json");
/** The board the harness plays: the DevKit (hosts/esp32/board.ts), as `mcconfig -p esp32/nodemcu` builds it. */
export const PLATFORM = "esp32/nodemcu";

const STAND_INS: Readonly<Record<string, string>> = Object.freeze({
	"embedded:io/socket/udp": "udp", "embedded:io/socket/tcp": "tcp", "embedded:io/socket/tcp/tls": "tls", "embedded:io/socket/listener": "listener", net: "net",
	"embedded:io/digital": "digital", "embedded:io/audio/in": "audio-in", "embedded:io/audio/out": "audio-out",
	"embedded:network/interface/wifi": "wifi", "mc/config": "mc-config", preference: "preference", time: "time", timer: "timer",
});

/** The specifiers the firmware may import from Moddable, and the stand-in each loads. */
export function standInModules(): Record<string, string> {
	const out: Record<string, string> = {};
	for (const [specifier, file] of Object.entries(STAND_INS)) out[specifier] = path.join(here, "moddable", `${file}.js`);
	return out;
}

/** The manifest's `config` as mcconfig makes it for PLATFORM (its platform's `config` merged in), with `changes`. */
export function manifestConfig(changes: JsonObject = {}): JsonObject {
	const manifest = JSON.parse(readFileSync(MANIFEST, "utf8")) as { config?: unknown; platforms?: Record<string, { config?: unknown }> };
	const base = isObject(manifest.config) ? manifest.config : {};
	const platform = manifest.platforms?.[PLATFORM]?.config;
	return mergeConfig(mergeConfig(base, isObject(platform) ? platform : {}), changes);
}

/** A datagram the firmware sent. */
export interface Sent {
	readonly from: number;
	readonly address: string;
	readonly port: number;
	readonly bytes: Uint8Array;
	readonly at: number;
}

/** A datagram for the firmware (to its local `port`). */
export interface Delivery {
	readonly port: number;
	readonly bytes: number[];
	readonly address: string;
	readonly from: number;
}

/** A peer in virtual time: sees each datagram the firmware sends, answers with datagrams delivered at once. */
export interface VirtualPeer {
	onSent(d: Sent): Delivery[];
}

export interface FirmwareRunOptions {
	/** mc/config (default: `manifestConfig()`). */
	readonly config?: JsonObject;
	readonly mode: "real" | "virtual";
	/** The address Wi-Fi gives the station. */
	readonly address?: string;
	/** Time.ticks at start is tickOffset (as an Int32): default 2^31 − 3000, so it wraps 3 s in. */
	readonly tickOffset?: number;
	readonly toneHz?: number;
	readonly record?: boolean;
	readonly preferences?: Readonly<Record<string, string | number>>;
	/** The DNS servers DHCP gives the station (Moddable's Net.get("DNS")); default none. */
	readonly dhcpDns?: readonly string[];
	readonly peer?: VirtualPeer;
	/** xsnap-worker binary (the instrumented one to measure chunks). */
	readonly bin?: string;
	readonly log?: (line: string) => void;
	/** Milliseconds per call into XS before the worker is killed. */
	readonly timeoutMs?: number;
}

export interface PinWrite {
	readonly pin: number;
	readonly level: number;
	readonly at: number;
}

export class FirmwareOnXs {
	readonly session: XsSession;
	readonly options: FirmwareRunOptions;
	/** The firmware's console (Moddable `trace`), one entry per line. */
	readonly lines: string[] = [];
	readonly pinWrites: PinWrite[] = [];
	readonly sent: Sent[] = [];
	restarts = 0;
	/** The device clock: real ms since start, or virtual ms. */
	#virtualNow = 0;
	readonly #t0 = performance.now();
	#nextDue = Infinity;
	#timer: NodeJS.Timeout | null = null;
	#audio: NodeJS.Timeout | null = null;
	#audioFrames = 0;
	#audioStart = 0;
	readonly #sockets = new Map<number, Socket>();
	#waiters: { re: RegExp; resolve: (line: string) => void }[] = [];
	#stopped = false;
	#failure: Error | null = null;

	private constructor(session: XsSession, options: FirmwareRunOptions) {
		this.session = session;
		this.options = options;
	}

	/** Start the worker, load the stand-ins and the firmware, and run its main (Wi-Fi still down). */
	static async load(options: FirmwareRunOptions): Promise<FirmwareOnXs> {
		let self: FirmwareOnXs | null = null;
		const session = await XsSession.open({
			name: "firmware", root: BUILD, bin: options.bin, modules: standInModules(), timeoutMs: options.timeoutMs ?? 30_000,
			onReport: (value) => (self === null ? false : self.#report(value)),
			onQuery: (value) => self!.#query(value),
		});
		self = new FirmwareOnXs(session, options);
		try {
			await session.load(ENTRY);
			await session.call(ENTRY, "setup", [{
				config: options.config ?? manifestConfig(), now: 0, tickOffset: options.tickOffset ?? 2 ** 31 - 3000,
				toneHz: options.toneHz ?? 0, record: options.record === true, preferences: options.preferences, dhcpDns: options.dhcpDns,
			}]);
			await session.load(FIRMWARE_MAIN);
		} catch (e) {
			await session.close();
			throw e;
		}
		return self;
	}

	/** Run the firmware's main (`export default function main`), as Moddable does after its setup modules. */
	async main(): Promise<XsMeter> {
		const r = await this.session.call(FIRMWARE_MAIN, "default");
		return r.meter;
	}

	/** Milliseconds on the device clock. */
	now(): number {
		return this.options.mode === "virtual" ? this.#virtualNow : Math.floor(performance.now() - this.#t0);
	}

	// ---- the world's events ----

	async wifi(connection: number, address = this.options.address ?? "127.0.0.1"): Promise<void> {
		await this.#call("network", [connection, address]);
	}

	/** The button pressed (`pressed`) or released, on the DevKit's button pin. */
	async button(pressed: boolean, pin = this.#buttonPin()): Promise<void> {
		await this.#call("press", [pin, pressed ? 0 : 1]);
	}

	/** Real mode: the audio clock runs (the microphone captures and the amplifier plays every 20 ms). */
	startAudio(): void {
		if (this.options.mode !== "real" || this.#audio !== null) return;
		this.#audioStart = this.now();
		this.#audioFrames = 0;
		this.#audio = setInterval(() => {
			const due = Math.floor((this.now() - this.#audioStart) / 20) - this.#audioFrames;
			if (due <= 0) return;
			this.#audioFrames += due;
			void this.#call("audio", [due]).catch((e) => this.#fail(e));
		}, 20);
	}

	stopAudio(): void {
		if (this.#audio !== null) clearInterval(this.#audio);
		this.#audio = null;
	}

	/** Virtual mode: a datagram from the network, now. */
	async inject(d: Delivery): Promise<void> {
		await this.#call("receive", [d.port, d.bytes, d.address, d.from]);
	}

	/** Virtual mode: `ms` pass at once, as for a host that slept: every timer due by then fires, in order, in one go. */
	async jump(ms: number): Promise<void> {
		this.#virtualNow += ms;
		await this.#call("step", []);
	}

	/** Virtual mode: `frames` of audio at once (the microphone captures, the amplifier plays), time unchanged. */
	async frames(frames: number): Promise<void> {
		await this.#call("audio", [frames]);
	}

	/** Live heap after a full garbage collection: slots, and chunk bytes when the worker meters them. */
	async heap(): Promise<{ slots: number; chunks: number }> {
		const meter = await this.session.collect();
		return { slots: meter.currentHeapCount, chunks: meter.currentChunksSize ?? NaN };
	}

	/** Virtual mode: let `ms` pass, with the audio clock running (`audio`) or not, firing timers when they come. */
	async advance(ms: number, audio = false): Promise<void> {
		const end = this.#virtualNow + ms;
		let nextFrame = audio ? this.#virtualNow + 20 : Infinity;
		while (this.#virtualNow < end) {
			const at = Math.min(end, this.#nextDue, nextFrame);
			this.#virtualNow = Math.max(this.#virtualNow, at);
			if (at === nextFrame) {
				nextFrame += 20;
				await this.#call("audio", [1]);
			} else await this.#call("step", []);
		}
	}

	/** Samples the amplifier played since the last call (record: true). */
	async played(): Promise<Int16Array> {
		const r = await this.session.call<number[]>(ENTRY, "played");
		return Int16Array.from(r.value);
	}

	async devices(): Promise<DevicesState> {
		return (await this.session.call<DevicesState>(ENTRY, "devices")).value;
	}

	/** The first console line matching `re`: one already printed or the next within `timeoutMs`. */
	until(re: RegExp, timeoutMs: number): Promise<string> {
		const seen = this.lines.find((l) => re.test(l));
		if (seen !== undefined) return Promise.resolve(seen);
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.#waiters = this.#waiters.filter((w) => w.resolve !== done);
				reject(new Error(`firmware: no line matching ${re} within ${timeoutMs} ms${this.#failure === null ? "" : ` (${this.#failure.message})`}\n${this.lines.slice(-30).join("\n")}`));
			}, timeoutMs);
			const done = (line: string): void => {
				clearTimeout(timer);
				resolve(line);
			};
			this.#waiters.push({ re, resolve: done });
		});
	}

	/** Stop the clocks, close the sockets and the worker. */
	async stop(): Promise<void> {
		this.#stopped = true;
		this.stopAudio();
		if (this.#timer !== null) clearTimeout(this.#timer);
		for (const s of this.#sockets.values()) s.close();
		this.#sockets.clear();
		await this.session.close();
	}

	/** A failure inside a call made from a timer (it is rethrown by the next `until` or call). */
	get failure(): Error | null {
		return this.#failure;
	}

	// ---- internals ----

	#buttonPin(): number {
		const config = this.options.config ?? manifestConfig();
		const pins = config["pins"];
		return isObject(pins) && typeof pins["button"] === "number" ? pins["button"] : 4;
	}

	async #call(name: string, args: unknown[]): Promise<number> {
		if (this.#failure !== null) throw this.#failure;
		if (this.#stopped) return Infinity;
		const r = await this.session.call<number | null>(ENTRY, name, [this.now(), ...args]);
		this.#nextDue = r.value ?? Infinity;
		if (this.options.mode === "real") this.#arm();
		return this.#nextDue;
	}

	/** Real mode: one Node timer for the firmware's next due Moddable timer. */
	#arm(): void {
		if (this.#timer !== null) clearTimeout(this.#timer);
		this.#timer = null;
		if (this.#stopped || this.#nextDue === Infinity) return;
		this.#timer = setTimeout(() => {
			this.#timer = null;
			void this.#call("step", []).catch((e) => this.#fail(e));
		}, Math.max(0, this.#nextDue - this.now()));
	}

	#fail(e: unknown): void {
		if (this.#stopped) return;
		this.#failure ??= e instanceof Error ? e : new Error(String(e));
		this.options.log?.(`firmware: ${this.#failure.message}`);
	}

	#report(value: unknown): boolean {
		if (!isObject(value)) return false;
		if (typeof value["trace"] === "string") {
			for (const line of value["trace"].split("\n")) {
				if (line === "") continue;
				this.lines.push(line);
				this.options.log?.(line);
				for (const w of this.#waiters.slice()) {
					if (!w.re.test(line)) continue;
					this.#waiters = this.#waiters.filter((x) => x !== w);
					w.resolve(line);
				}
			}
			return true;
		}
		if (typeof value["pin"] === "number") {
			this.pinWrites.push({ pin: value["pin"], level: Number(value["level"]), at: Number(value["at"]) });
			return true;
		}
		if (value["restart"] === true) {
			this.restarts++;
			return true;
		}
		return false;
	}

	async #query(value: unknown): Promise<unknown> {
		if (!isObject(value)) throw new Error("unknown query");
		const op = value["udp"], port = Number(value["port"]);
		if (op === "bind") return { ok: await this.#bind(port) };
		if (op === "close") {
			this.#sockets.get(port)?.close();
			this.#sockets.delete(port);
			return { ok: true };
		}
		if (op === "send") {
			const bytes = Uint8Array.from(value["bytes"] as number[]);
			const d: Sent = { from: Number(value["from"]), address: String(value["address"]), port, bytes, at: Number(value["at"]) };
			this.sent.push(d);
			if (this.options.mode === "virtual") return { ok: true, deliver: this.options.peer?.onSent(d) ?? [] };
			const socket = this.#sockets.get(d.from);
			if (socket === undefined) return { ok: false };
			socket.send(bytes, d.port, d.address);
			return { ok: true };
		}
		throw new Error(`unknown query ${JSON.stringify(value).slice(0, 100)}`);
	}

	/** Bind the firmware's port on 127.0.0.1 (virtual mode: nothing to bind). */
	#bind(port: number): Promise<boolean> {
		if (this.options.mode === "virtual") return Promise.resolve(true);
		return new Promise((resolve) => {
			const s = createSocket("udp4");
			s.once("error", () => {
				s.close();
				resolve(false);
			});
			s.bind({ address: this.options.address ?? "127.0.0.1", port, exclusive: true }, () => {
				s.removeAllListeners("error");
				s.on("error", () => {});
				s.on("message", (msg, rinfo) => {
					void this.#call("receive", [port, [...msg], rinfo.address, rinfo.port]).catch((e) => this.#fail(e));
				});
				this.#sockets.set(port, s);
				resolve(true);
			});
		});
	}
}

export interface DevicesState {
	readonly pins: Record<string, number>;
	readonly ports: number[];
	readonly timers: number;
	readonly audioQueued: number;
	readonly framesPlayed: number;
	readonly overruns: number;
	readonly wifiConnects: number;
	readonly restarts: number;
	readonly preferenceWrites: number;
	readonly preferences: Record<string, string | number>;
}
