// A virtual host for door-station flows: the DoorStation on the UA virtual host (fake clock, captured datagrams),
// stand-in pins, media ports that record what they send, an audio clock on the wheel, and helpers that play the
// flats' side (180, 200 with SDP, RFC 4733 digits, INFO) — DESIGN.md §7. Host-free (no node:*), so it runs on XS too.
import type { DatagramSocket, Pin } from "../../src/host.js";
import { parseStationConfig, type StationConfig } from "../../src/intercom/config.js";
import { applicationTimers, callSlots, DoorStation } from "../../src/intercom/door-station.js";
import { describeEvent, INDICATOR_NAMES, type IndicatorName, type IntercomEvent } from "../../src/intercom/events.js";
import { FRAME_SAMPLES } from "../../src/media/g711.js";
import type { TimerOwner } from "../../src/transaction/timer-wheel.js";
import { CountingRandom, Msg, PEER, peerSdp, UaHost, type PeerRequest } from "../ua/ua-host.js";

/** A call the peer made to the station, as the peer sees it once answered (§12.1.2): the station's tag and Contact. */
export interface PeerDialog {
	readonly ok: Msg;
	readonly toTag: string;
	readonly target: string;
	cseq: number;
	readonly callId: string;
	readonly fromTag: string;
}

/** A pin that keeps its level and when each level was written. */
export class TestPin implements Pin {
	level = 0;
	/** Each change of level with its time (none kept when `record` is false). */
	readonly changes: { level: number; at: number }[] = [];
	constructor(readonly now: () => number, readonly record = true) {}
	read(): number {
		return this.level;
	}
	write(value: number): void {
		if (this.record && (value !== this.level || this.changes.length === 0)) this.changes.push({ level: value, at: this.now() });
		this.level = value;
	}
}

/** A media socket that counts what the station sends from it (allocating nothing: the XS measurements use it). */
export class TestSocket implements DatagramSocket {
	sent = 0;
	lastAddress = "";
	lastPort = 0;
	send(_bytes: Uint8Array, _start: number, _end: number, address: string, port: number): boolean {
		this.sent++;
		this.lastAddress = address;
		this.lastPort = port;
		return true;
	}
	close(): void {}
}

/** The port every flat's SDP names (peerSdp's default) and where their RTP comes from. */
export const FLAT_RTP_PORT = 49170;

export class StationHost implements TimerOwner {
	readonly host: UaHost;
	readonly station: DoorStation;
	readonly config: StationConfig;
	readonly events: IntercomEvent[] = [];
	/** The events as the log shows them. */
	readonly lines: string[] = [];
	readonly relays: TestPin[];
	readonly leds: Record<IndicatorName, TestPin>;
	readonly rtp: TestSocket[] = [];
	readonly mic = new Int16Array(FRAME_SAMPLES);
	readonly speaker = new Int16Array(FRAME_SAMPLES);
	/** Audio frames the station was given. */
	frames = 0;
	#frameTimer = -1;
	#frameOwner: number;
	#seq = 1000;
	#ts = 0;
	readonly #packet = new Uint8Array(16);

	/** `quiet`: keep no events, lines or clock records (allocation measurements on XS: only `eventCount` moves). */
	constructor(doc: unknown, readonly quiet = false) {
		const result = parseStationConfig(doc);
		if (!result.ok) throw new Error(`bad test configuration:\n${result.errors.join("\n")}`);
		const config = result.config;
		this.config = config;
		let station: DoorStation | null = null;
		const now = () => (this.host === undefined ? 0 : this.host.clock.now());
		this.relays = config.relays.map(() => new TestPin(now, !quiet));
		const leds = {} as Record<IndicatorName, TestPin>;
		for (const n of INDICATOR_NAMES) leds[n] = new TestPin(now, !quiet);
		this.leds = leds;
		this.host = new UaHost({
			recordClock: !quiet,
			// Sized as the station is (src/ua/sizing.ts): its call slots, the application's timers and the frame clock's.
			sized: { maxCalls: callSlots(config), applicationTimers: applicationTimers(config) + 1 },
			userAgent: (h) => {
				const ports = [];
				for (let i = 0; i < callSlots(config); i++) {
					const rtp = new TestSocket();
					this.rtp.push(rtp);
					ports.push({ rtp, rtcp: new TestSocket() });
				}
				station = new DoorStation({
					config, transport: h.transport, wheel: h.wheel, transactionConfig: h.txConfig, clock: h.clock, random: new CountingRandom(),
					ports, relays: this.relays, leds: this.leds, events: { event: (e) => this.#record(e) },
				});
				return station.ua;
			},
		});
		this.station = station!;
		this.#frameOwner = this.host.wheel.register(this);
		this.station.start();
	}

	// ---- the station's side ----

	/** A press of the door button held for `ms` (past the debounce), then released. */
	press(ms = 100): void {
		this.station.buttonEdge(true);
		this.advance(ms);
		this.station.buttonEdge(false);
		this.advance(this.config.button.debounceMs + 1);
	}

	advance(ms: number): void {
		this.host.advance(ms);
	}

	/** The audio clock: 20 ms frames while the station wants them (as a device's I2S clock would give). */
	onTimer(): void {
		this.#frameTimer = -1;
		this.station.frame(this.mic, this.speaker);
		this.frames++;
		if (this.station.audio.wanted) this.#frameTimer = this.host.wheel.start(20, this.#frameOwner, 0, 0);
	}

	/** Events the station reported (also when `quiet`). */
	eventCount = 0;
	/** Also hear every event (a HomeLink in the home flows), also when `quiet`. */
	readonly listeners: ((e: IntercomEvent) => void)[] = [];

	#record(e: IntercomEvent): void {
		this.eventCount++;
		for (let i = 0; i < this.listeners.length; i++) this.listeners[i](e); // (a for-of iterator would allocate on XS)
		if (e.type === "audio" && e.running && this.#frameTimer < 0) this.#frameTimer = this.host.wheel.start(20, this.#frameOwner, 0, 0);
		if (this.quiet) return;
		this.events.push(e);
		const line = describeEvent(e);
		this.lines.push(line);
		this.host.ladder.push(`${this.host.clock.now()} ! ${line}`);
	}

	/** Event lines of `type` (or all), in order. */
	said(type?: IntercomEvent["type"]): string[] {
		return this.events.flatMap((e, i) => (type === undefined || e.type === type ? [this.lines[i]] : []));
	}

	// ---- the flats' side ----

	/** INVITEs the station sent since `from` (first copies), in order. */
	invites(from = 0): Msg[] {
		return this.host.requests("INVITE", from).filter((m) => m.cseqMethod === "INVITE" && !m.header("To").includes("tag="));
	}

	/** The flat answers `inv` with 180, then 200 with SDP (its To tag `tag`), and the station's ACK is checked. */
	answerCall(inv: Msg, tag: string): void {
		this.host.answer(inv, 180, "Ringing", { toTag: tag });
		this.host.answer(inv, 200, "OK", { toTag: tag, body: peerSdp(), extra: "Contact: <sip:flat@192.0.2.20:5060>\r\n" });
	}

	/** The flat keys `digits` as RFC 4733 events (PT 101) on call slot `call`, one every `everyMs`. */
	keyRfc4733(call: number, digits: string, everyMs = 200): void {
		const user = this.station.audio.rtpUser(call);
		for (const d of digits) {
			const p = this.#packet, event = d === "*" ? 10 : d === "#" ? 11 : d >= "A" ? 12 + d.charCodeAt(0) - 65 : Number(d);
			this.#ts += 1600;
			const seq = this.#seq++;
			p[0] = 0x80; p[1] = 0x80 | 101; p[2] = seq >> 8; p[3] = seq & 0xff;
			p[4] = (this.#ts >>> 24) & 0xff; p[5] = (this.#ts >>> 16) & 0xff; p[6] = (this.#ts >>> 8) & 0xff; p[7] = this.#ts & 0xff;
			p[8] = 0x12; p[9] = 0x34; p[10] = 0x56; p[11] = 0x78;
			p[12] = event; p[13] = 0x80 | 10; p[14] = 0x03; p[15] = 0x20; // end bit, volume 10, 800 units
			user.onDatagram(p, 0, 16, PEER, FLAT_RTP_PORT);
			this.advance(everyMs);
		}
	}

	/** A caller's INVITE (with an offer) arrives: the station's last response to it. */
	ringIn(o: PeerRequest = {}): Msg {
		this.host.receive(this.host.request("INVITE", { body: peerSdp(), ...o }), o.sentBy?.split(":")[0] ?? PEER);
		return this.host.last();
	}

	/** A caller calls, the station answers after its delay, the caller ACKs: the dialog as the caller sees it. */
	callIn(o: PeerRequest = {}): PeerDialog {
		this.ringIn(o);
		this.advance(this.config.incoming.answerDelayMs);
		const ok = this.host.lastOf(200);
		if (ok.cseqMethod !== "INVITE") throw new Error(`not answered:\n${this.host.ladder.join("\n")}`);
		const d: PeerDialog = { ok, toTag: ok.tag("To"), target: /<([^>]*)>/.exec(ok.header("Contact"))![1], cseq: o.cseq ?? 1,
			callId: o.callId ?? "in-1@192.0.2.20", fromTag: o.fromTag ?? "a1" };
		this.host.receive(this.host.request("ACK", { ...o, uri: d.target, toTag: d.toTag, cseq: d.cseq, contact: null }), o.sentBy?.split(":")[0] ?? PEER);
		return d;
	}

	/** A request of the caller in its dialog `d` (the next CSeq). */
	inDialog(d: PeerDialog, method: string, o: PeerRequest = {}): void {
		d.cseq++;
		this.host.receive(this.host.request(method, { uri: d.target, toTag: d.toTag, cseq: d.cseq, callId: d.callId, fromTag: d.fromTag, contact: null, ...o }),
			o.sentBy?.split(":")[0] ?? PEER);
	}

	/** The caller keys `digit` by SIP INFO (application/dtmf-relay) in `d`. */
	infoIn(d: PeerDialog, digit: string, o: PeerRequest = {}): void {
		this.inDialog(d, "INFO", { contentType: "application/dtmf-relay", body: `Signal=${digit}\r\nDuration=160\r\n`, ...o });
	}

	/** The flat keys `digit` as SIP INFO (application/dtmf-relay) in the dialog of `ok` (the 200 it sent). */
	keyInfo(inv: Msg, tag: string, digit: string, cseq: number): void {
		const body = `Signal=${digit}\r\nDuration=160\r\n`;
		this.host.receive(this.host.request("INFO", {
			uri: "sip:door@192.0.2.10:5060", from: `<${inv.uri}>`, fromTag: tag, to: inv.header("From").replace(/;tag=.*/, ""),
			toTag: /;tag=([^;]+)/.exec(inv.header("From"))![1], callId: inv.header("Call-ID"), cseq, contentType: "application/dtmf-relay", body,
		}));
	}
}
