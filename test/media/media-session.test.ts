// One call's media end to end: two MediaSessions wired back to back over a simulated network exchange tones and
// RFC 4733 digits — RFC 3550 §5 (RTP), §6 (RTCP), RFC 3551 §4.1, §4.5.14 (G.711 20 ms), RFC 4733 §2.5, RFC 3264 §6.1.
import assert from "node:assert/strict";
import { DIGIT_SOURCE_RFC4733, type DigitSink } from "../../src/media/dtmf-4733.js";
import { FRAME_SAMPLES, PCMA, PCMU } from "../../src/media/g711.js";
import { MEDIA_RECV, MEDIA_SEND, MediaSession, type MediaParameters } from "../../src/media/media-session.js";
import { readRtp, RtpView } from "../../src/media/rtp.js";
import { FixedRandom } from "./fixed-random.js";
import { carriesTone as hasTone } from "./session-call.js";

class Clock {
	ms = 0;
	now(): number {
		return this.ms;
	}
}

/** A continuous sine, phase carried over from frame to frame. */
class Sine {
	#phase = 0;
	constructor(readonly hz: number, readonly amplitude = 8000) {}
	fill(out: Int16Array): Int16Array {
		const step = (2 * Math.PI * this.hz) / 8000;
		for (let i = 0; i < out.length; i++) {
			out[i] = Math.round(this.amplitude * Math.sin(this.#phase));
			this.#phase += step;
		}
		return out;
	}
}

interface Datagram {
	at: number;
	bytes: Uint8Array;
	from: string;
	port: number;
}

/** One direction of the network: datagrams delivered after `delay()` ms, in arrival order. */
class Link {
	queue: Datagram[] = [];
	sent: Datagram[] = [];
	constructor(readonly clock: Clock, readonly from: string, readonly fromPort: number, readonly delay: () => number = () => 0) {}
	send(bytes: Uint8Array, start: number, end: number, _address: string, _port: number): boolean {
		const d = { at: this.clock.ms + this.delay(), bytes: bytes.slice(start, end), from: this.from, port: this.fromPort };
		this.sent.push(d);
		this.queue.push(d);
		return true;
	}
	deliver(to: (bytes: Uint8Array, start: number, end: number, address: string, port: number) => void): void {
		const due = this.queue.filter((d) => d.at <= this.clock.ms).sort((a, b) => a.at - b.at);
		this.queue = this.queue.filter((d) => d.at > this.clock.ms);
		for (const d of due) to(d.bytes, 0, d.bytes.length, d.from, d.port);
	}
}

class Digits implements DigitSink {
	got: string[] = [];
	sources: number[] = [];
	onDigit(digit: number, source: number): void {
		this.got.push(String.fromCharCode(digit));
		this.sources.push(source);
	}
}

function params(remoteAddress: string, remotePort: number, over: Partial<MediaParameters> = {}): MediaParameters {
	return { remoteAddress, remotePort, payloadType: 0, codec: PCMU, telephoneEventPt: 101, direction: MEDIA_SEND | MEDIA_RECV, held: false, ...over };
}

/** Two stations, A (10.0.0.1:16400) and B (10.0.0.2:20000), each with RTP and RTCP links toward the other. */
function pair(options: { delayAtoB?: () => number; delayBtoA?: () => number; echo?: boolean } = {}) {
	const clock = new Clock();
	const aRtp = new Link(clock, "10.0.0.1", 16400, options.delayAtoB), aRtcp = new Link(clock, "10.0.0.1", 16401);
	const bRtp = new Link(clock, "10.0.0.2", 20000, options.delayBtoA), bRtcp = new Link(clock, "10.0.0.2", 20001);
	const aDigits = new Digits(), bDigits = new Digits();
	const echo = options.echo === false ? { enabled: false } : undefined;
	const a = new MediaSession({ clock, random: new FixedRandom(null, 1), rtp: aRtp, rtcp: aRtcp, digits: aDigits, echo });
	const b = new MediaSession({ clock, random: new FixedRandom(null, 2), rtp: bRtp, rtcp: bRtcp, digits: bDigits, echo });
	const aIn: Int16Array[] = [], bIn: Int16Array[] = [];
	const aSpeaker = new Int16Array(FRAME_SAMPLES), bSpeaker = new Int16Array(FRAME_SAMPLES);
	/** Run `ms` of call: both tick every 20 ms with their sources; what each speaker plays is kept. */
	function run(ms: number, aSource: Sine | null, bSource: Sine | null): void {
		const mic = new Int16Array(FRAME_SAMPLES);
		for (let t = 0; t < ms; t += 20) {
			aRtp.deliver((...x) => b.onRtp(...x));
			aRtcp.deliver((...x) => b.onRtcp(...x));
			bRtp.deliver((...x) => a.onRtp(...x));
			bRtcp.deliver((...x) => a.onRtcp(...x));
			a.tick(aSource === null ? null : aSource.fill(mic), aSpeaker);
			aIn.push(aSpeaker.slice());
			b.tick(bSource === null ? null : bSource.fill(mic), bSpeaker);
			bIn.push(bSpeaker.slice());
			clock.ms += 20;
		}
	}
	return { clock, a, b, aRtp, aRtcp, bRtp, bRtcp, aDigits, bDigits, aIn, bIn, run };
}

/** Fraction of frames after the first `skip` that carry `hz`. */
function fraction(frames: Int16Array[], hz: number, skip = 5): number {
	const tail = frames.slice(skip);
	return tail.filter((f) => hasTone(f, hz)).length / tail.length;
}

describe("MediaSession: two-way G.711 audio (RFC 3550 §5, RFC 3551 §4.5.14)", () => {
	it("the Goertzel check sees a tone on its bin and nothing in silence or another tone (the check is not blind)", () => {
		const f = new Int16Array(FRAME_SAMPLES);
		assert.ok(hasTone(new Sine(1000).fill(f), 1000));
		assert.ok(!hasTone(new Sine(1000).fill(f), 700));
		assert.ok(hasTone(new Sine(700).fill(f), 700));
		assert.ok(!hasTone(new Int16Array(FRAME_SAMPLES), 700));
		assert.ok(!hasTone(new Sine(700, 30).fill(f), 700), "below −50 dBFS is not audible");
	});

	for (const [name, codec] of [["PCMU", PCMU], ["PCMA", PCMA]] as const) {
		it(`A sends 1 kHz, B 700 Hz (${name}, 20 ms ± 15 ms network jitter): each hears the other's tone in ≥ 98 % of frames`, () => {
			let seed = 7;
			const jitter = () => {
				seed = (seed * 1103515245 + 12345) & 0x7fffffff;
				return 5 + (seed % 31);
			};
			const p = pair({ delayAtoB: jitter, delayBtoA: jitter });
			p.a.start(params("10.0.0.2", 20000, { codec, payloadType: codec }));
			p.b.start(params("10.0.0.1", 16400, { codec, payloadType: codec }));
			p.run(5000, new Sine(1000), new Sine(700));
			const bHears1k = fraction(p.bIn, 1000), aHears700 = fraction(p.aIn, 700);
			assert.ok(bHears1k >= 0.98, `B hears 1 kHz in ${(bHears1k * 100).toFixed(1)} % of frames`);
			assert.ok(aHears700 >= 0.98, `A hears 700 Hz in ${(aHears700 * 100).toFixed(1)} % of frames`);
			// And not its own tone: what A plays is B's audio, not a loopback.
			assert.ok(fraction(p.aIn, 1000) < 0.02);
			assert.ok(fraction(p.bIn, 700) < 0.02);
			// 250 frames each way; the first packet starts a talk spurt, the others do not (RFC 3551 §4.1).
			assert.equal(p.a.framesSent, 250);
			const v = new RtpView();
			const markers = p.aRtp.sent.map((d) => (readRtp(d.bytes, 0, d.bytes.length, v), v.marker));
			assert.deepEqual([markers[0], markers.slice(1).some((m) => m)], [true, false]);
			assert.equal(readRtp(p.aRtp.sent[0].bytes, 0, p.aRtp.sent[0].bytes.length, v), 0);
			assert.equal(v.payloadType, codec);
			assert.equal(v.payloadLength, FRAME_SAMPLES);
			// RTCP (RFC 3550 §6.2): a few reports each way in 5 s, read without complaint by the other side.
			assert.ok(p.aRtcp.sent.length >= 1 && p.bRtcp.sent.length >= 1, "RTCP reports were sent");
			assert.ok((p.b.rtcp?.peerReports ?? 0) >= 1);
		});
	}

	it("with the echo suppressor on and both talking at once, each side still hears the other's tone", () => {
		const p = pair();
		p.a.start(params("10.0.0.2", 20000));
		p.b.start(params("10.0.0.1", 16400));
		p.run(3000, new Sine(1000), new Sine(700));
		assert.ok(fraction(p.bIn, 1000) >= 0.98, `${fraction(p.bIn, 1000)}`);
		assert.ok(fraction(p.aIn, 700) >= 0.98, `${fraction(p.aIn, 700)}`);
	});
});

describe("MediaSession: RFC 4733 digits", () => {
	it("1234# sent by A arrive at B exactly once each, in order, as RFC 4733 digits", () => {
		const p = pair({ echo: false });
		p.a.start(params("10.0.0.2", 20000));
		p.b.start(params("10.0.0.1", 16400));
		p.run(200, new Sine(1000), new Sine(700));
		for (const d of "1234#") assert.ok(p.a.sendDigit(d.charCodeAt(0)));
		p.run(3000, new Sine(1000), new Sine(700));
		assert.deepEqual(p.bDigits.got, ["1", "2", "3", "4", "#"]);
		assert.ok(p.bDigits.sources.every((s) => s === DIGIT_SOURCE_RFC4733));
		assert.deepEqual(p.aDigits.got, []);
		// Each 100 ms event (RFC 4733 §2.5.1): the first packet with the marker, updates every 20 ms with the duration so
		// far, three end packets with E and the whole duration — all with the event's timestamp.
		assert.equal(p.a.eventPacketsSent, 5 * 7);
		const v = new RtpView();
		const eventPackets = p.aRtp.sent.filter((d) => readRtp(d.bytes, 0, d.bytes.length, v) === 0 && v.payloadType === 101).slice(0, 7);
		let first = -1;
		const events = eventPackets.map((d) => {
			readRtp(d.bytes, 0, d.bytes.length, v);
			if (first < 0) first = v.timestamp;
			const e = v.payloadStart, b = d.bytes;
			return `${v.marker ? "M " : ""}${b[e]} ${b[e + 1] >> 7} ${(b[e + 2] << 8) | b[e + 3]} ts+${(v.timestamp - first) >>> 0}`;
		});
		assert.deepEqual(events, ["M 1 0 160 ts+0", "1 0 320 ts+0", "1 0 480 ts+0", "1 0 640 ts+0", "1 1 800 ts+0", "1 1 800 ts+0", "1 1 800 ts+0"]);
		// Audio resumed between and after the digits.
		assert.ok(fraction(p.bIn.slice(-50), 1000, 0) >= 0.98);
	});

	it("the frames an event replaced play at B as silence, not as concealed losses (RFC 4733 §2.6)", () => {
		const p = pair({ echo: false });
		p.a.start(params("10.0.0.2", 20000));
		p.b.start(params("10.0.0.1", 16400));
		p.run(200, new Sine(1000), new Sine(700));
		assert.ok(p.a.sendDigit(0x35));
		p.run(1000, new Sine(1000), new Sine(700));
		assert.deepEqual(p.bDigits.got, ["5"]);
		// Seven event packets (RFC 4733 §2.5.1: five updates, the end sent three times) took seven frames of audio.
		assert.equal(p.a.eventPacketsSent, 7);
		const silent = p.bIn.slice(5).filter((f) => f.every((x) => x === 0)).length;
		assert.equal(silent, 7);
		assert.equal(p.b.jitterBuffer.concealed, 0);
		assert.equal(p.b.jitterBuffer.lost, 0);
	});

	it("digits are refused without a negotiated telephone-event payload type", () => {
		const p = pair();
		p.a.start(params("10.0.0.2", 20000, { telephoneEventPt: -1 }));
		assert.equal(p.a.sendDigit(0x31), false);
	});
});

describe("MediaSession: direction, hold, mute, re-INVITE (RFC 3264 §6.1, §8; RFC 6263)", () => {
	it("recvonly: A sends no RTP at all (20 s, longer than the keep-alive period), yet hears B", () => {
		const p = pair();
		p.a.start(params("10.0.0.2", 20000, { direction: MEDIA_RECV }));
		p.b.start(params("10.0.0.1", 16400, { direction: MEDIA_SEND }));
		assert.equal(p.a.sendDigit(0x35), true);
		p.run(20000, new Sine(1000), new Sine(700));
		assert.equal(p.aRtp.sent.length, 0);
		assert.equal(p.a.framesSent, 0);
		assert.ok(fraction(p.aIn, 700) >= 0.98);
		assert.deepEqual(p.bDigits.got, []);
		// RTCP still flows (RFC 3264 §5.1: RTCP is sent whatever the direction): A's receiver reports.
		assert.ok(p.aRtcp.sent.length >= 2);
	});

	it("RTP timeout: a peer that stops sending is noticed after the receiver's timeout (30 s), not while it sends or holds us", () => {
		const p = pair({ echo: false });
		p.a.start(params("10.0.0.2", 20000));
		p.b.start(params("10.0.0.1", 16400));
		p.run(5000, new Sine(1000), new Sine(700));
		assert.equal(p.a.rtpTimedOut(p.clock.ms), false, "B is sending");
		p.b.stop(); // B's phone is gone: no BYE, no RTP
		p.run(29000, new Sine(1000), null);
		assert.equal(p.a.rtpTimedOut(p.clock.ms), false, "29 s of silence is not yet the 30 s timeout");
		p.run(2000, new Sine(1000), null);
		assert.equal(p.a.rtpTimedOut(p.clock.ms), true);
		// On hold (the peer sends nothing on purpose, RFC 3264 §8.4) the same silence is no timeout.
		p.a.update(params("10.0.0.2", 20000, { direction: MEDIA_SEND, held: true }));
		assert.equal(p.a.rtpTimedOut(p.clock.ms), false);
	});

	it("inactive on hold with c=0.0.0.0 sends neither RTP nor RTCP (RFC 3264 §8.4)", () => {
		const p = pair();
		p.a.start(params("0.0.0.0", 20000, { direction: 0, held: true }));
		p.run(12000, new Sine(1000), null);
		assert.equal(p.aRtp.sent.length + p.aRtcp.sent.length, 0);
	});

	it("muted: one silence keep-alive per 15 s instead of the mic (RFC 6263 §4.6)", () => {
		const p = pair({ echo: false });
		p.a.start(params("10.0.0.2", 20000));
		p.a.muted = true;
		p.run(31000, new Sine(1000), null);
		assert.equal(p.a.keepAlives, 3); // at 0, 15 and 30 s
		assert.equal(p.aRtp.sent.length, 3);
		assert.ok(fraction(p.bIn, 1000, 0) === 0);
	});

	it("update() with a new address sends there from the next frame; stop() sends RTCP BYE and then nothing", () => {
		const p = pair();
		p.a.start(params("10.0.0.2", 20000));
		p.run(100, new Sine(1000), null);
		const sent: string[] = [];
		const orig = p.aRtp.send.bind(p.aRtp);
		p.aRtp.send = (bytes, start, end, address, port) => (sent.push(`${address}:${port}`), orig(bytes, start, end, address, port));
		p.a.update(params("10.0.0.9", 30000));
		p.run(100, new Sine(1000), null);
		assert.deepEqual([...new Set(sent)], ["10.0.0.9:30000"]);
		const rtcpBefore = p.aRtcp.sent.length;
		p.a.stop();
		assert.equal(p.aRtcp.sent.length, rtcpBefore + 1);
		const bye = p.aRtcp.sent[p.aRtcp.sent.length - 1].bytes;
		assert.ok([...bye].some((_, i) => i % 4 === 1 && bye[i] === 203), "the compound carries a BYE (PT 203)");
		const rtpBefore = p.aRtp.sent.length;
		p.run(100, new Sine(1000), null);
		assert.equal(p.aRtp.sent.length, rtpBefore);
	});
});
