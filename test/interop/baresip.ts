// baresip as a far-end user agent of interop tests: renders the project's own config and accounts
// (test/interop/baresip/) into a fresh temporary directory with a tone WAV this file writes, runs
// `baresip -f <dir>` as a child (its own process group) and drives it over ctrl_tcp (JSON in netstrings).
//
// baresip 1.0.0 (Debian 12), as met here:
//  - it also opens SIP over TLS on sip port + 1 (alice 5071 -> 5072, bob 5073 -> 5074);
//  - ctrl_tcp serves one client at a time (a new connection replaces the old one) and sends events only to it;
//    responses carry ANSI colour codes in "data";
//  - with answermode=auto an incoming call raises no CALL_INCOMING: only CALL_ESTABLISHED, direction "incoming";
//  - when the aufile source reaches the end of its WAV the call is closed, so the tone must outlast the call;
//  - `quit` un-REGISTERs first and hangs if the proxy is gone: stop UAs before kamailio (stop() copes either way).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PeerHelper, PeerProcess, describeExit, renderTemplate, tail } from "./child.js";
import { KAMAILIO_PORT, type SipUser } from "./kamailio.js";
import { LOOPBACK, freePort, isBound, sleep } from "./peers.js";

// Compiled to build/test/interop/: the templates stay in the source tree.
const TEMPLATES = fileURLToPath(new URL("../../../test/interop/baresip/", import.meta.url));

export const ALICE_SIP_PORT = 5071;
export const BOB_SIP_PORT = 5073;

export interface BaresipOptions {
	readonly user: SipUser;
	/** SIP on 127.0.0.1 (UDP; baresip also takes this + 1 for TLS). */
	readonly sipPort: number;
	/** ctrl_tcp on 127.0.0.1 (default: a free port the OS picks). */
	readonly ctrlPort?: number;
	/** The registrar/outbound proxy on 127.0.0.1 (default 5060). */
	readonly proxyPort?: number;
	/** REGISTER with the proxy (default true). */
	readonly register?: boolean;
	/** default "auto" (answers at once). */
	readonly answerMode?: "auto" | "manual";
	/** RTP (and RTCP: port + 1) range; default 50 ports from 16000 + 50·((sipPort − 5060) mod 20), inside capture.ts's 16000-16999. */
	readonly rtpPorts?: readonly [number, number];
	/** The tone the UA sends (default 1000 Hz, 20 s, written into the UA's directory). */
	readonly toneHz?: number;
	readonly toneSeconds?: number;
	/** baresip -s: every SIP message in the log (default true). */
	readonly sipTrace?: boolean;
	/** Until both ports are open and the control connection is up (default 10 s). */
	readonly startTimeoutMs?: number;
}

/** A ctrl_tcp event: `{"event":true,"type":"CALL_ESTABLISHED","class":"call","accountaor":...,"direction":...,"peeruri":...,"id":...,"param":...}`. */
export interface BaresipEvent {
	readonly type: string;
	readonly class?: string;
	readonly accountaor?: string;
	readonly direction?: string;
	readonly peeruri?: string;
	readonly id?: string;
	readonly param?: string;
	readonly [key: string]: unknown;
}

/** A ctrl_tcp response: `{"response":true,"ok":true,"data":"...","token":"3"}` (data without ANSI colours). */
export interface BaresipResponse {
	readonly ok: boolean;
	readonly data: string;
	readonly token: string;
}

export function stripAnsi(text: string): string {
	return text.replace(/\x1b\[[0-9;]*m/g, "");
}

/** Encode one netstring: `<length>:<bytes>,`. */
export function netstring(payload: string): Buffer {
	const body = Buffer.from(payload, "utf8");
	return Buffer.concat([Buffer.from(`${body.length}:`, "latin1"), body, Buffer.from(",", "latin1")]);
}

/** The client side of baresip's ctrl_tcp module: one TCP connection, commands by token, events kept in order. */
export class BaresipControl {
	/** Every event received, in order. */
	readonly events: BaresipEvent[] = [];
	readonly #socket: Socket;
	#buffer: Buffer = Buffer.alloc(0);
	#token = 0;
	readonly #pending = new Map<string, (r: BaresipResponse) => void>();
	readonly #consumed = new Set<BaresipEvent>();
	#waiters: (() => void)[] = [];
	#closed = false;
	#error: Error | null = null;

	private constructor(socket: Socket) {
		this.#socket = socket;
		socket.on("data", (chunk: Buffer) => this.#take(chunk));
		socket.on("error", (err) => (this.#error = err));
		socket.on("close", () => {
			this.#closed = true;
			this.#wake();
		});
	}

	static connect(port: number, timeoutMs = 3000): Promise<BaresipControl> {
		return new Promise((resolve, reject) => {
			const socket = connect({ host: LOOPBACK, port });
			const timer = setTimeout(() => {
				socket.destroy();
				reject(new Error(`ctrl_tcp 127.0.0.1:${port}: no connection within ${timeoutMs} ms`));
			}, timeoutMs);
			socket.once("error", (err) => {
				clearTimeout(timer);
				reject(err);
			});
			socket.once("connect", () => {
				clearTimeout(timer);
				socket.removeAllListeners("error");
				resolve(new BaresipControl(socket));
			});
		});
	}

	get closed(): boolean {
		return this.#closed;
	}

	/** Send a command (`{"command":..,"params":..,"token":..}`) and resolve with its response; reject after `timeoutMs`. */
	command(command: string, params?: string, timeoutMs = 5000): Promise<BaresipResponse> {
		if (this.#closed) return Promise.reject(new Error(`ctrl_tcp: connection closed (command ${command})`));
		const token = `t${++this.#token}`;
		const request: Record<string, string> = { command, token };
		if (params !== undefined && params !== "") request.params = params;
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.#pending.delete(token);
				reject(new Error(`ctrl_tcp: no response to ${command}${params !== undefined ? ` ${params}` : ""} within ${timeoutMs} ms`));
			}, timeoutMs);
			this.#pending.set(token, (r) => {
				clearTimeout(timer);
				resolve(r);
			});
			this.#socket.write(netstring(JSON.stringify(request)));
		});
	}

	/** Send a command without waiting for an answer (quit). */
	send(command: string, params?: string): void {
		if (this.#closed) return;
		const request: Record<string, string> = { command, token: `t${++this.#token}` };
		if (params !== undefined) request.params = params;
		this.#socket.write(netstring(JSON.stringify(request)));
	}

	/**
	 * The first event of `type` (and matching `match`) that no earlier waitEvent returned, whether it arrived
	 * before this call or arrives within `timeoutMs`. Each event is returned once, so two waits see two events.
	 */
	waitEvent(type: string, timeoutMs: number, match: (e: BaresipEvent) => boolean = () => true): Promise<BaresipEvent> {
		return new Promise((resolve, reject) => {
			const check = () => {
				const found = this.events.find((e) => e.type === type && !this.#consumed.has(e) && match(e));
				if (found !== undefined) {
					this.#consumed.add(found);
					finish();
					resolve(found);
				} else if (this.#closed) {
					finish();
					reject(new Error(`ctrl_tcp: connection closed while waiting for ${type}; events: ${this.eventTypes().join(" ")}`));
				}
			};
			const timer = setTimeout(() => {
				finish();
				reject(new Error(`ctrl_tcp: no ${type} within ${timeoutMs} ms; events: ${this.eventTypes().join(" ")}`));
			}, timeoutMs);
			const finish = () => {
				clearTimeout(timer);
				this.#waiters = this.#waiters.filter((w) => w !== check);
			};
			this.#waiters.push(check);
			check();
		});
	}

	/** The types of the events so far (for messages). */
	eventTypes(): string[] {
		return this.events.map((e) => e.type + (e.direction !== undefined ? `(${e.direction})` : ""));
	}

	close(): void {
		this.#socket.destroy();
		this.#closed = true;
		this.#wake();
	}

	#take(chunk: Buffer): void {
		this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
		for (;;) {
			const colon = this.#buffer.indexOf(0x3a);
			if (colon < 0) {
				if (this.#buffer.length > 10) this.#fail(`bad netstring length ${JSON.stringify(this.#buffer.subarray(0, 16).toString("latin1"))}`);
				return;
			}
			const digits = this.#buffer.subarray(0, colon).toString("latin1");
			if (!/^\d{1,9}$/.test(digits)) return this.#fail(`bad netstring length ${JSON.stringify(digits)}`);
			const length = Number(digits);
			const end = colon + 1 + length;
			if (this.#buffer.length < end + 1) return; // wait for the rest
			if (this.#buffer[end] !== 0x2c) return this.#fail("netstring without its closing comma");
			const payload = this.#buffer.subarray(colon + 1, end).toString("utf8");
			this.#buffer = this.#buffer.subarray(end + 1);
			let message: Record<string, unknown>;
			try {
				message = JSON.parse(payload) as Record<string, unknown>;
			} catch {
				this.#fail(`not JSON: ${payload.slice(0, 80)}`);
				return;
			}
			if (message.response === true) {
				const token = String(message.token ?? "");
				const resolve = this.#pending.get(token);
				this.#pending.delete(token);
				resolve?.({ ok: message.ok === true, data: stripAnsi(String(message.data ?? "")), token });
			} else if (message.event === true) {
				this.events.push(message as unknown as BaresipEvent);
				this.#wake();
			}
		}
	}

	#fail(reason: string): void {
		this.#error = new Error(`ctrl_tcp: ${reason}`);
		this.close();
	}

	#wake(): void {
		for (const w of [...this.#waiters]) w();
	}

	get error(): Error | null {
		return this.#error;
	}
}

/**
 * A running baresip UA. Start with `Baresip.start`, always `stop()` it (mocha after hook), before kamailio. Its
 * directory: config, accounts, tone.wav, baresip.log, recordings/. Its `log`: with -s, every SIP message it sent and
 * received.
 */
export class Baresip extends PeerHelper {
	readonly user: string;
	readonly aor: string;
	readonly sipPort: number;
	readonly ctrlPort: number;
	readonly rtpPorts: readonly [number, number];
	readonly recordDir: string;
	readonly toneFile: string;
	#control: BaresipControl | null = null;
	#stopped = false;

	private constructor(options: BaresipOptions, ctrlPort: number, rtpPorts: readonly [number, number], dir: string, proc: PeerProcess) {
		super(dir, proc);
		this.user = options.user.user;
		this.aor = `sip:${options.user.user}@${LOOPBACK}`;
		this.sipPort = options.sipPort;
		this.ctrlPort = ctrlPort;
		this.rtpPorts = rtpPorts;
		this.recordDir = join(dir, "recordings");
		this.toneFile = join(dir, "tone.wav");
	}

	/** Render config and accounts, write the tone, start baresip and connect to its control port. */
	static async start(binary: string, options: BaresipOptions): Promise<Baresip> {
		const { user, sipPort } = options;
		for (const port of [sipPort, sipPort + 1]) {
			if (isBound(port, "udp") === true || isBound(port, "tcp") === true) {
				throw new Error(`baresip ${user.user}: 127.0.0.1:${port} is already in use (another baresip still running?)`);
			}
		}
		const ctrlPort = options.ctrlPort ?? (await freePort());
		const rtpMin = options.rtpPorts?.[0] ?? 16000 + 50 * ((((sipPort - 5060) % 20) + 20) % 20);
		const rtpPorts = [rtpMin, options.rtpPorts?.[1] ?? rtpMin + 49] as const;
		const dir = mkdtempSync(join(tmpdir(), `baresip-${user.user}-`));
		const recordDir = join(dir, "recordings");
		mkdirSync(recordDir);
		const toneFile = join(dir, "tone.wav");
		writeToneWav(toneFile, { hz: options.toneHz ?? 1000, seconds: options.toneSeconds ?? 20 });
		const config = renderTemplate(readFileSync(join(TEMPLATES, "config"), "utf8"), {
			SIP_PORT: sipPort, CTRL_PORT: ctrlPort, RTP_MIN: rtpPorts[0], RTP_MAX: rtpPorts[1], AUDIO_FILE: toneFile, RECORD_DIR: recordDir,
		}, join(TEMPLATES, "config"));
		const accounts = renderTemplate(readFileSync(join(TEMPLATES, "accounts"), "utf8"), {
			USER: user.user, PASSWORD: user.password, PROXY_PORT: options.proxyPort ?? KAMAILIO_PORT,
			REGINT: options.register === false ? 0 : 600, ANSWER_MODE: options.answerMode ?? "auto",
		}, join(TEMPLATES, "accounts"));
		writeFileSync(join(dir, "config"), config);
		writeFileSync(join(dir, "accounts"), accounts);

		const args = ["-f", dir];
		if (options.sipTrace !== false) args.push("-s");
		const proc = new PeerProcess(`baresip ${user.user}`, binary, args, { cwd: dir, logFile: join(dir, "baresip.log") });
		const ua = new Baresip(options, ctrlPort, rtpPorts, dir, proc);
		return ua.ready(ua.#waitReady(options.startTimeoutMs ?? 10000));
	}

	get control(): BaresipControl {
		if (this.#control === null) throw new Error(`baresip ${this.user}: not connected`);
		return this.#control;
	}
	get events(): readonly BaresipEvent[] {
		return this.control.events;
	}

	command(command: string, params?: string, timeoutMs?: number): Promise<BaresipResponse> {
		return this.control.command(command, params, timeoutMs);
	}
	waitEvent(type: string, timeoutMs: number, match?: (e: BaresipEvent) => boolean): Promise<BaresipEvent> {
		return this.control.waitEvent(type, timeoutMs, match);
	}

	/** Call `uri` (through the proxy when registered). Throws if baresip refuses the command. */
	async dial(uri: string): Promise<BaresipResponse> {
		return this.#ok(await this.command("dial", uri), `dial ${uri}`);
	}
	/** Hang up the current call. */
	async hangup(): Promise<BaresipResponse> {
		return this.#ok(await this.command("hangup"), "hangup");
	}
	/** Answer the ringing call (answerMode "manual"). */
	async accept(): Promise<BaresipResponse> {
		return this.#ok(await this.command("accept"), "accept");
	}

	/** Poll `reginfo` until this UA's registration shows OK; resolves with that line. */
	async waitRegistered(timeoutMs = 10000): Promise<string> {
		const until = performance.now() + timeoutMs;
		let last = "";
		for (;;) {
			last = (await this.command("reginfo")).data;
			const line = last.split("\n").find((l) => l.includes(this.aor));
			if (line !== undefined && /\bOK\b/.test(line)) return line.trim();
			if (performance.now() > until) throw new Error(`baresip ${this.user}: not registered within ${timeoutMs} ms; reginfo:\n${last}\n${this.describe()}`);
			await sleep(100);
		}
	}

	/** The sndfile recordings so far: sent = what the UA encoded (*-enc.wav), received = what it decoded (*-dec.wav). */
	recordings(): { sent: string[]; received: string[] } {
		const files = existsSync(this.recordDir) ? readdirSync(this.recordDir).sort() : [];
		return {
			sent: files.filter((f) => f.endsWith("-enc.wav")).map((f) => join(this.recordDir, f)),
			received: files.filter((f) => f.endsWith("-dec.wav")).map((f) => join(this.recordDir, f)),
		};
	}

	/** Events, log tail and files, for assertion messages. */
	describe(lines = 30): string {
		const events = this.#control?.eventTypes().join(" ") ?? "(not connected)";
		return `baresip ${this.user} pid ${this.pid} (${describeExit(this.peer.exitInfo)}), files in ${this.dir}\n` +
			`--- events: ${events}\n--- baresip ${this.user} log (tail)\n${tail(this.log, lines)}`;
	}

	/**
	 * `quit` over ctrl_tcp (un-REGISTERs, then exits), then SIGTERM to the group twice (baresip exits at once on
	 * the second), then SIGKILL. Resolves when nothing of it is left. Deletes the directory unless `keepFiles`.
	 */
	async stop(keepFiles = false): Promise<string> {
		if (this.#stopped) return "stopped";
		this.#stopped = true;
		let how = "exited";
		if (this.running && this.#control !== null && !this.#control.closed) {
			this.#control.send("quit");
			how = (await this.peer.waitExit(2000)) ? "quit" : how;
		}
		this.#control?.close();
		const signalled = await this.peer.stop([{ signal: "SIGTERM", waitMs: 1000 }, { signal: "SIGTERM", waitMs: 1000 }]);
		if (signalled !== "exited") how = signalled;
		this.removeFiles(keepFiles);
		return how;
	}

	#ok(r: BaresipResponse, what: string): BaresipResponse {
		if (!r.ok) throw new Error(`baresip ${this.user}: ${what} refused: ${r.data}\n${this.describe()}`);
		return r;
	}

	async #waitReady(timeoutMs: number): Promise<void> {
		const until = performance.now() + timeoutMs;
		for (;;) {
			if (!this.running) {
				throw new Error(`${this.peer.exitedAtStart()}\n${this.describe()}`);
			}
			if (isBound(this.sipPort, "udp") !== false && isBound(this.ctrlPort, "tcp") !== false) break;
			if (performance.now() > until) throw new Error(`baresip ${this.user}: ports ${this.sipPort}/udp, ${this.ctrlPort}/tcp not open within ${timeoutMs} ms\n${this.describe()}`);
			await sleep(25);
		}
		this.#control = await BaresipControl.connect(this.ctrlPort, Math.max(500, until - performance.now()));
	}
}

// ---- audio files ----

export interface ToneOptions {
	readonly hz: number;
	readonly seconds: number;
	readonly sampleRate?: number;
	/** Peak amplitude, 0..1 of full scale (default 0.5, −6 dBFS). */
	readonly amplitude?: number;
}

/** Write a mono 16-bit PCM WAV holding a sine (8 kHz by default: what baresip's aufile needs for G.711). */
export function writeToneWav(path: string, options: ToneOptions): void {
	const rate = options.sampleRate ?? 8000;
	const amplitude = (options.amplitude ?? 0.5) * 32767;
	const count = Math.round(options.seconds * rate);
	const data = Buffer.alloc(count * 2);
	for (let i = 0; i < count; i++) data.writeInt16LE(Math.round(amplitude * Math.sin((2 * Math.PI * options.hz * i) / rate)), i * 2);
	const header = Buffer.alloc(44);
	header.write("RIFF", 0, "latin1");
	header.writeUInt32LE(36 + data.length, 4);
	header.write("WAVE", 8, "latin1");
	header.write("fmt ", 12, "latin1");
	header.writeUInt32LE(16, 16); // fmt chunk size
	header.writeUInt16LE(1, 20); // PCM
	header.writeUInt16LE(1, 22); // mono
	header.writeUInt32LE(rate, 24);
	header.writeUInt32LE(rate * 2, 28); // byte rate
	header.writeUInt16LE(2, 32); // block align
	header.writeUInt16LE(16, 34); // bits per sample
	header.write("data", 36, "latin1");
	header.writeUInt32LE(data.length, 40);
	writeFileSync(path, Buffer.concat([header, data]));
}

export interface Wav {
	readonly sampleRate: number;
	readonly channels: number;
	/** The first channel, as signed 16-bit samples. */
	readonly samples: Int16Array;
}

/**
 * Read a 16-bit PCM WAV (RIFF chunks walked; a data chunk whose size was never written, as in a recording that is
 * still open, runs to the end of the file).
 */
export function readWav(path: string): Wav {
	const b = readFileSync(path);
	if (b.length < 12 || b.toString("latin1", 0, 4) !== "RIFF" || b.toString("latin1", 8, 12) !== "WAVE") throw new Error(`${path}: not a WAV file`);
	let sampleRate = 0, channels = 0, bits = 0;
	for (let at = 12; at + 8 <= b.length;) {
		const id = b.toString("latin1", at, at + 4);
		let size = b.readUInt32LE(at + 4);
		if (id === "fmt ") {
			if (b.readUInt16LE(at + 8) !== 1) throw new Error(`${path}: not PCM`);
			channels = b.readUInt16LE(at + 10);
			sampleRate = b.readUInt32LE(at + 12);
			bits = b.readUInt16LE(at + 22);
		} else if (id === "data") {
			if (bits !== 16 || channels < 1) throw new Error(`${path}: ${bits}-bit, ${channels} channels (16-bit PCM expected)`);
			if (size === 0 || size === 0xffffffff || at + 8 + size > b.length) size = b.length - at - 8;
			const frames = Math.floor(size / (2 * channels));
			const samples = new Int16Array(frames);
			for (let i = 0; i < frames; i++) samples[i] = b.readInt16LE(at + 8 + i * 2 * channels);
			return { sampleRate, channels, samples };
		}
		at += 8 + size + (size & 1);
	}
	throw new Error(`${path}: no data chunk`);
}

export interface ToneCheck {
	readonly seconds: number;
	/** 20 ms frames. */
	readonly frames: number;
	/** Frames louder than −40 dBFS whose energy is mostly (≥ 80 %) at the frequency. */
	readonly toneFrames: number;
	readonly fraction: number;
}

/** How much of `wav` carries a sine at `hz` (Goertzel over 20 ms frames). */
export function checkTone(wav: Wav, hz: number): ToneCheck {
	const n = Math.max(1, Math.round(wav.sampleRate * 0.02));
	const coeff = 2 * Math.cos((2 * Math.PI * hz) / wav.sampleRate);
	const frames = Math.floor(wav.samples.length / n);
	let toneFrames = 0;
	for (let f = 0; f < frames; f++) {
		let s1 = 0, s2 = 0, energy = 0;
		for (let i = f * n; i < (f + 1) * n; i++) {
			const x = wav.samples[i] / 32768;
			energy += x * x;
			const s0 = x + coeff * s1 - s2;
			s2 = s1;
			s1 = s0;
		}
		const power = s1 * s1 + s2 * s2 - coeff * s1 * s2; // |X(hz)|²
		const rms = Math.sqrt(energy / n);
		// a full-frame sine of amplitude A gives |X|² = (A·n/2)² and energy A²·n/2: the ratio below is 1
		const purity = energy > 0 ? power / ((n / 2) * energy) : 0;
		if (rms > 0.01 && purity >= 0.8) toneFrames++;
	}
	return { seconds: wav.samples.length / wav.sampleRate, frames, toneFrames, fraction: frames === 0 ? 0 : toneFrames / frames };
}
