// The ESP32 host's device adapters (hosts/esp32) on XS, each with a fake of the ECMA-419 class it is given (their
// documented behaviour: write throws, read returns a new buffer, onWritable counts free bytes ...). One export per
// adapter; each returns what it observed for test/firmware/adapters.test.ts to check. Host-free.
import type { DatagramUser, StreamUser } from "../../src/host.js";
import { FRAME_SAMPLES } from "../../src/media/g711.js";
import { TimerWheel } from "../../src/transaction/timer-wheel.js";
import { ButtonInput, OutputPin } from "../../hosts/esp32/digital-pins.js";
import { I2sAudio } from "../../hosts/esp32/i2s-audio.js";
import { PixelIndicators } from "../../hosts/esp32/pixel-indicators.js";
import { MAX_PARTS, MAX_VALUE_BYTES, PreferenceStore } from "../../hosts/esp32/preference-store.js";
import { StationSettings } from "../../hosts/esp32/station-settings.js";
import { MAX_QUEUED_BYTES } from "../../hosts/esp32/send-queue.js";
import { TcpStream, type TcpIO } from "../../hosts/esp32/tcp-stream.js";
import { TickClock } from "../../hosts/esp32/tick-clock.js";
import { UdpSocket, type UdpPacket } from "../../hosts/esp32/udp-socket.js";
import { WifiLink } from "../../hosts/esp32/wifi-link.js";
import { goertzelAmplitude } from "../goertzel.js";
import { VirtualClock } from "../virtual-clock.js";

/** Time.ticks as the ESP32 keeps it (an Int32) from a start near 2^31: the clock must run on across the wrap. */
export function clockAcrossTheWrap(): object {
	let ms = 2 ** 31 - 50;
	const scheduled: (number | null)[] = [];
	let callback: (() => void) | null = null;
	const timer = {
		repeat(cb: (t: object) => void, _interval: number): object {
			callback = () => cb(timer);
			return timer;
		},
		schedule(_t: object, interval?: number): void {
			scheduled.push(interval ?? null);
		},
		clear(): void {},
	};
	const clock = new TickClock({ timer, ticks: () => ms | 0 });
	const readings: number[] = [];
	for (let i = 0; i < 6; i++) {
		readings.push(clock.now());
		ms += 30;
	}
	let fired = 0;
	clock.arm(clock.now() + 25, () => fired++);
	callback!();
	clock.arm(clock.now() - 5, () => fired++);
	clock.disarm();
	return { readings, rawLast: ms | 0, scheduled, fired };
}

class FakeUdp {
	static made: FakeUdp[] = [];
	readonly sent: { bytes: number[]; same: Uint8Array; address: string; port: number }[] = [];
	readonly queue: UdpPacket[] = [];
	closed = false;
	failNext = false;
	readonly onReadable: (this: FakeUdp, packets: number) => void;
	constructor(readonly options: { port: number; onReadable: (this: FakeUdp, packets: number) => void }) {
		this.onReadable = options.onReadable;
		FakeUdp.made.push(this);
	}
	write(buffer: Uint8Array, address: string, port: number): void {
		if (this.failNext) {
			this.failNext = false;
			throw new Error("UDP send failed");
		}
		this.sent.push({ bytes: Array.from(buffer), same: buffer, address, port });
	}
	read(): UdpPacket | undefined {
		return this.queue.shift();
	}
	close(): void {
		this.closed = true;
	}
	arrive(bytes: number[], address: string, port: number): void {
		const p = new ArrayBuffer(bytes.length) as ArrayBuffer & { address: string; port: number };
		new Uint8Array(p).set(bytes);
		p.address = address;
		p.port = port;
		this.queue.push(p);
		this.onReadable.call(this, this.queue.length);
	}
}

export function udpSocket(): object {
	const heard: string[] = [];
	const user: DatagramUser = { onDatagram: (b, s, e, a, p) => heard.push(`${Array.from(b.subarray(s, e)).join(",")} from ${a}:${p}`) };
	const socket = new UdpSocket({ io: FakeUdp, port: 5060, user });
	const io = FakeUdp.made[FakeUdp.made.length - 1];
	const buf = new Uint8Array([1, 2, 3, 4, 5, 6]);
	const ok1 = socket.send(buf, 1, 4, "192.0.2.1", 5060);
	const ok2 = socket.send(buf, 1, 4, "192.0.2.1", 5060);
	io.failNext = true;
	const failed = socket.send(buf, 0, 6, "192.0.2.1", 5060);
	const whole = socket.send(buf, 0, 6, "192.0.2.2", 5062);
	io.arrive([9, 8, 7], "192.0.2.3", 4000);
	io.arrive([6], "192.0.2.4", 4001);
	socket.close();
	const afterClose = socket.send(buf, 0, 6, "192.0.2.1", 5060);
	return {
		bound: io.options.port, ok1, ok2, failed, whole, afterClose, sendErrors: socket.sendErrors, closed: io.closed,
		sent: io.sent.map((s) => `${s.bytes.join(",")} to ${s.address}:${s.port}`), sameView: io.sent[0].same === io.sent[1].same,
		wholeIsBuffer: io.sent[2].same === buf, heard,
	};
}

class FakeTcp implements TcpIO {
	static made: FakeTcp[] = [];
	readonly written: number[] = [];
	/** Free bytes in the send buffer; a write beyond them throws "would block". */
	space = 0;
	closed = false;
	readonly inbox: number[] = [];
	constructor(readonly options: { onReadable: (this: FakeTcp, n: number) => void; onWritable: (this: FakeTcp, n: number) => void; onError: (this: FakeTcp) => void; address?: string; from?: FakeTcp }) {
		FakeTcp.made.push(this);
	}
	write(buffer: Uint8Array): number {
		if (buffer.length > this.space) throw new Error("would block");
		this.space -= buffer.length;
		for (const b of buffer) this.written.push(b);
		return this.space;
	}
	read(n: number): ArrayBuffer {
		const out = new Uint8Array(this.inbox.splice(0, n));
		return out.buffer;
	}
	close(): void {
		this.closed = true;
	}
	writable(n: number): void {
		this.space = n;
		this.options.onWritable.call(this, n);
	}
}

export function tcpStream(): object {
	const events: string[] = [];
	const user: StreamUser = {
		onConnected: () => events.push("connected"),
		onBytes: (b, s, e) => events.push(`bytes ${e - s}`),
		onClosed: (error) => events.push(`closed ${error}`),
	};
	const stream = new TcpStream({ io: FakeTcp, to: { address: "192.0.2.1", port: 5060 }, user });
	const io = FakeTcp.made[FakeTcp.made.length - 1];
	const message = new Uint8Array(3000).map((_, i) => i & 0xff);
	const beforeUp = stream.write(message, 0, 1000);
	const queuedBeforeUp = stream.queued;
	io.writable(600); // connected: 600 bytes of room
	const afterUp = { written: io.written.length, queued: stream.queued };
	stream.write(message, 1000, 3000);
	const afterWrite = { written: io.written.length, queued: stream.queued };
	io.writable(5000);
	const drained = { written: io.written.length, queued: stream.queued, inOrder: io.written.every((b, i) => b === (i & 0xff)) };
	io.writable(0); // the send buffer is full again
	const tooMuch = stream.write(new Uint8Array(MAX_QUEUED_BYTES + 1), 0, MAX_QUEUED_BYTES + 1);
	io.inbox.push(1, 2, 3);
	io.options.onReadable.call(io, 3);
	io.options.onError.call(io);
	const afterError = stream.write(message, 0, 10);
	return { beforeUp, queuedBeforeUp, afterUp, afterWrite, drained, tooMuch, events, closedIo: io.closed, afterError };
}

class FakePreference {
	readonly data = new Map<string, unknown>();
	writes = 0;
	deletes = 0;
	get(domain: string, key: string): unknown {
		return this.data.get(`${domain}/${key}`);
	}
	set(domain: string, key: string, value: string | number): void {
		if (key.length > 15 || domain.length > 15) throw new Error("nvs set fail");
		if (typeof value === "string" && value.length > MAX_VALUE_BYTES) throw new Error("nvs set fail");
		this.writes++;
		this.data.set(`${domain}/${key}`, value);
	}
	delete(domain: string, key: string): void {
		this.deletes++;
		this.data.delete(`${domain}/${key}`);
	}
}

export function preferenceStore(): object {
	const io = new FakePreference();
	const store = new PreferenceStore({ io, domain: "intercom" });
	store.set("a", "one");
	store.set("a", "one");
	const writesAfterSame = io.writes;
	const long = "x".repeat(MAX_VALUE_BYTES * 2 + 10) + "é";
	store.set("long", long);
	const longBack = store.get("long") === long;
	const partsAfterLong = [...io.data.keys()].filter((k) => k.startsWith("intercom/long~")).length;
	store.set("long", "short");
	const partsAfterShort = [...io.data.keys()].filter((k) => k.startsWith("intercom/long~")).length;
	let keyError = "";
	try {
		store.set("a-key-of-16-char", "v");
	} catch (e) {
		keyError = (e as Error).message;
	}
	let tooLong = "";
	try {
		store.set("huge", "y".repeat(MAX_VALUE_BYTES * MAX_PARTS + 1));
	} catch (e) {
		tooLong = (e as Error).message;
	}
	return { a: store.get("a"), writesAfterSame, longBack, partsAfterLong, partsAfterShort, shortBack: store.get("long"), keyError, tooLong, missing: store.get("nothing") ?? null };
}

export function stationSettings(): object {
	const io = new FakePreference();
	const store = new PreferenceStore({ io, domain: "intercom" });
	const builtIn = { station: { sip: { user: "door", registrar: "192.0.2.1" } }, wifiSSID: "Home", wifiPassword: "pw" };
	const settings = new StationSettings({ builtIn, store });
	const plain = settings.load();
	const refused = settings.save({ sip: { rtpPort: 3 } });
	const saved = settings.save({ sip: { user: "gate" }, callList: { targets: ["sip:flat1@192.0.2.5"] } });
	const merged = settings.load();
	const writes = io.writes;
	settings.save({ sip: { user: "gate" }, callList: { targets: ["sip:flat1@192.0.2.5"] } });
	const writesAgain = io.writes;
	io.data.set("intercom/station", JSON.stringify({ sip: { port: "five" } }));
	const broken = settings.load();
	io.data.set("intercom/station", "{not json");
	const notJson = settings.load();
	const wifiBuiltIn = settings.wifi();
	settings.saveWifi({ ssid: "Shed", password: "pw2" });
	return {
		plain: plain.ok ? { source: plain.source, user: plain.config.sip.user, registrar: plain.config.sip.registrar?.host } : plain,
		refused, saved,
		merged: merged.ok ? { source: merged.source, user: merged.config.sip.user, registrar: merged.config.sip.registrar?.host, targets: merged.config.callList.targets.length } : merged,
		rewroteSame: writesAgain !== writes,
		broken: broken.ok ? { source: broken.source, user: broken.config.sip.user, problems: broken.problems } : broken,
		notJson: notJson.ok ? { source: notJson.source, problems: notJson.problems } : notJson,
		wifiBuiltIn, wifiSaved: settings.wifi(),
	};
}

class FakeAudioIn {
	static last: FakeAudioIn | null = null;
	available = 0;
	running = false;
	phase = 0;
	hz = 1000;
	readonly rate: number;
	readonly onReadable: (this: FakeAudioIn, bytes: number) => void;
	constructor(o: { sampleRate: number; onReadable: (this: FakeAudioIn, bytes: number) => void }) {
		this.rate = o.sampleRate;
		this.onReadable = o.onReadable;
		FakeAudioIn.last = this;
	}
	start(): void {
		this.running = true;
	}
	stop(): void {
		this.running = false;
	}
	close(): void {}
	read(buffer: Uint8Array): number {
		if (buffer.byteLength > this.available) throw new Error("invalid size");
		this.available -= buffer.byteLength;
		const s = new Int16Array(buffer.buffer, buffer.byteOffset, buffer.byteLength >> 1);
		for (let i = 0; i < s.length; i++) {
			s[i] = Math.round(8000 * Math.sin(this.phase));
			this.phase += (2 * Math.PI * this.hz) / this.rate;
		}
		return buffer.byteLength;
	}
	/** The ESP32 driver hands over up to 2048 bytes per read: 64 ms at 8 kHz, 32 ms at 16 kHz. */
	capture(ms: number): void {
		if (!this.running) return;
		this.available += (this.rate * ms * 2) / 1000;
		this.onReadable.call(this, this.available);
	}
}

class FakeAudioOut {
	static last: FakeAudioOut | null = null;
	queued = 0;
	maxQueued = 0;
	readonly onWritable: (this: FakeAudioOut, bytes: number) => void;
	constructor(o: { onWritable: (this: FakeAudioOut, bytes: number) => void }) {
		this.onWritable = o.onWritable;
		FakeAudioOut.last = this;
	}
	start(): void {
		this.onWritable.call(this, 1600 - this.queued);
	}
	stop(): void {}
	close(): void {}
	write(b: Uint8Array): void {
		if (b.byteLength > 1600 - this.queued) throw new Error("insufficient space");
		this.queued += b.byteLength;
		this.maxQueued = Math.max(this.maxQueued, this.queued);
	}
	play(ms: number): void {
		this.queued = Math.max(0, this.queued - 16 * ms);
		this.onWritable.call(this, 1600 - this.queued);
	}
}

/** The frame clock from a 16 kHz microphone in 32 ms bursts, the 2:1 decimation, and the speaker queue's bound. */
export function i2sAudio(hz: number, stall: boolean): object {
	const mics: number[] = [];
	let frames = 0;
	const sink = {
		frame(mic: Int16Array | null, speaker: Int16Array): void {
			frames++;
			if (frames > 10 && mic !== null) mics.push(goertzelAmplitude(mic, 0, FRAME_SAMPLES, hz));
			speaker.fill(1000);
		},
	};
	const audio = new I2sAudio({ input: FakeAudioIn, inputRate: 16000, output: FakeAudioOut, sink });
	const mic = FakeAudioIn.last!, out = FakeAudioOut.last!;
	mic.hz = hz;
	const beforeStart = (mic.capture(32), frames);
	audio.setRunning(true);
	for (let t = 0; t < 2048; t += 32) {
		mic.capture(32);
		if (!stall) out.play(32);
	}
	audio.setRunning(false);
	const after = frames;
	mic.capture(32);
	return {
		beforeStart, frames: after, framesAfterStop: frames - after, dropped: audio.dropped, maxQueuedMs: out.maxQueued / 16,
		meanAmplitude: mics.reduce((a, b) => a + b, 0) / mics.length,
	};
}

export function wifiLink(): object {
	const clock = new VirtualClock(0);
	const wheel = new TimerWheel({ capacity: 8, clock });
	const log: string[] = [];
	let connects: number[] = [];
	let onChanged: ((property: string) => void) | null = null;
	const state = { connection: 200, address: undefined as string | undefined };
	class FakeWifi {
		constructor(o: { onChanged: (property: string) => void }) {
			onChanged = o.onChanged;
		}
		get connection(): number {
			return state.connection;
		}
		get address(): string | undefined {
			return state.address;
		}
		connect(): void {
			connects.push(clock.now());
			state.connection = 300;
		}
		disconnect(): void {}
		close(): void {}
	}
	const set = (connection: number, address?: string): void => {
		state.connection = connection;
		state.address = address;
		onChanged!("connection");
	};
	const link = new WifiLink({
		io: FakeWifi, ssid: "Home", password: "pw", wheel,
		user: { onUp: (a, changed) => log.push(`up ${a}${changed ? " (new)" : ""} at ${clock.now()}`), onDown: () => log.push(`down at ${clock.now()}`) },
	});
	link.start();
	for (let i = 0; i < 8; i++) {
		set(200); // the attempt failed
		clock.advance(70_000);
	}
	const backoff = connects.slice();
	connects = [];
	set(500, "192.0.2.10");
	set(200);
	clock.advance(1000);
	set(500, "192.0.2.10");
	set(200);
	clock.advance(1000);
	set(500, "192.0.2.11");
	return { backoff, log, connectsAfterDrop: connects, address: link.address };
}

export function pins(): object {
	const made: { pin: number; mode: unknown; writes: number[]; onReadable?: () => void; level: number }[] = [];
	class FakeDigital {
		static readonly Input = 0;
		static readonly InputPullUp = 1;
		static readonly InputPullDown = 2;
		static readonly Output = 8;
		static readonly Rising = 1;
		static readonly Falling = 2;
		readonly rec: (typeof made)[number];
		constructor(o: { pin: number; mode: unknown; onReadable?: () => void }) {
			this.rec = { pin: o.pin, mode: o.mode, writes: [], onReadable: o.onReadable, level: o.mode === 1 ? 1 : 0 };
			made.push(this.rec);
		}
		read(): number {
			return this.rec.level;
		}
		write(v: 0 | 1): void {
			this.rec.writes.push(v);
			this.rec.level = v;
		}
		close(): void {}
	}
	const relay = new OutputPin({ io: FakeDigital, pin: 23 });
	relay.write(1);
	relay.write(1);
	relay.write(0);
	const led = new OutputPin({ io: FakeDigital, pin: 2, invert: true });
	led.write(1);
	const edges: boolean[] = [];
	const button = new ButtonInput({ io: FakeDigital, pin: 4, pull: "up", activeLow: true, onEdge: (p) => edges.push(p) });
	const b = made[2];
	const drive = (level: number): void => {
		b.level = level;
		b.onReadable?.();
	};
	drive(0);
	drive(0); // a second interrupt on the same level: no edge
	drive(1);
	drive(0);
	const pixels: string[] = [];
	const pixel = { makeRGB: (r: number, g: number, bl: number) => (r << 16) | (g << 8) | bl, setPixel: (_i: number, c: number) => pixels.push(c.toString(16)), update: () => {} };
	const ind = new PixelIndicators({ pixel });
	ind.pins.idle.write(1);
	ind.pins.calling.write(1);
	ind.pins.idle.write(0);
	ind.pins.calling.write(0);
	return { relay: made[0].writes, relayMode: made[0].mode, led: made[1].writes, buttonMode: b.mode, edges, pressed: button.pressed, pixels };
}
