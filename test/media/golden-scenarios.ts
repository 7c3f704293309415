// Recorded-output scenarios of the media path: fixed inputs in, a hash of every output sample and byte out, so a faster
// implementation can prove it plays, sends and decides exactly as the recorded one did — ITU-T G.711 (and App. I),
// RFC 3550 §5–§6, A.8, RFC 4733 §2.5, DESIGN.md §5 (the media data flow).
// Host-free (src/ and test/media only, no node:*, no Math.sin in the inputs: integer signals, the same on every engine),
// so the same scenarios run on Node and on XS (test/media/golden.test.ts compares both with test/vectors/media-golden.json,
// which test/media/record-golden.ts writes).
import { alawDecode, alawEncode, decodeFrame, encodeFrame, FRAME_SAMPLES, PCMA, PCMU, ulawDecode, ulawEncode } from "../../src/media/g711.js";
import { JitterBuffer } from "../../src/media/jitter-buffer.js";
import { Plc } from "../../src/media/plc.js";
import { EchoSuppressor, type EchoSuppressorOptions } from "../../src/media/echo-suppressor.js";
import { MEDIA_RECV, MEDIA_SEND, MediaSession, type MediaParameters } from "../../src/media/media-session.js";
import type { DigitSink } from "../../src/media/dtmf-4733.js";
import { FixedRandom } from "./fixed-random.js";
import { Xorshift } from "../xorshift.js";

/** One scenario's outputs: a hash per chunk of frames (50 frames: one second of audio), and its counters at the end. */
export interface GoldenRecord {
	frames: number;
	hashes: string[];
	counters: Record<string, number>;
}

const FNV_OFFSET = 0x811c9dc5;
const CHUNK = 50;

/** FNV-1a over the 16-bit words / bytes / numbers fed to it, cut into chunks of CHUNK frames. */
class Digest {
	readonly hashes: string[] = [];
	#hash = FNV_OFFSET;
	#frames = 0;
	byte(b: number): void {
		this.#hash = Math.imul(this.#hash ^ (b & 0xff), 0x01000193) >>> 0;
	}
	word(w: number): void {
		this.byte(w);
		this.byte(w >> 8);
	}
	int(n: number): void {
		this.word(n);
		this.word(n >> 16);
	}
	pcm(frame: Int16Array, start = 0, length = frame.length): void {
		for (let i = 0; i < length; i++) this.word(frame[start + i]);
	}
	bytes(buf: Uint8Array, start: number, end: number): void {
		this.int(end - start);
		for (let i = start; i < end; i++) this.byte(buf[i]);
	}
	/** A frame ends; every CHUNK frames the hash is recorded and starts again. */
	frame(): void {
		if (++this.#frames % CHUNK === 0) this.#flush();
	}
	done(counters: Record<string, number>): GoldenRecord {
		if (this.#frames % CHUNK !== 0) this.#flush();
		return { frames: this.#frames, hashes: this.hashes, counters };
	}
	#flush(): void {
		const digits = "0123456789abcdef";
		let s = "";
		for (let k = 28; k >= 0; k -= 4) s += digits[(this.#hash >>> k) & 15];
		this.hashes.push(s);
		this.#hash = FNV_OFFSET;
	}
}


/** A triangle wave of `period` samples and peak `amplitude` at sample i (integer arithmetic). */
function triangle(i: number, period: number, amplitude: number): number {
	const p = i % period, half = period >> 1;
	const ramp = p < half ? p : period - p; // 0 .. half .. 0
	return (((4 * ramp - period) * amplitude) / period) | 0;
}

/**
 * A voice-like signal: a pitched mix of triangles (periods `pitch`, pitch/2, pitch/3), in syllables of `syllable`
 * samples separated by pauses, at `level`, over a noise floor of ±`noise`. Integer math only.
 */
function voice(samples: number, pitch: number, level: number, syllable: number, pause: number, noise: number, seed: number): Int16Array {
	const out = new Int16Array(samples);
	const rnd = new Xorshift(seed);
	const cycle = syllable + pause;
	for (let i = 0; i < samples; i++) {
		const c = i % cycle;
		// A syllable rises over its first quarter and falls over its last quarter.
		const q = syllable >> 2;
		const env = c >= syllable ? 0 : c < q ? (c * 256) / q : c > syllable - q ? ((syllable - c) * 256) / q : 256;
		const tone = triangle(i, pitch, 1000) + (triangle(i, pitch >> 1, 1000) >> 1) + (triangle(i, (pitch / 3) | 0, 1000) >> 2);
		let v = ((tone * level) / 1750) * (env / 256);
		v += (rnd.below(2 * noise + 1) - noise);
		out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v | 0;
	}
	return out;
}

/** G.711 (§2, §3, Tables 1a, 2a): every 16-bit input encoded (frame and scalar functions), every code decoded. */
function g711(law: number): GoldenRecord {
	const d = new Digest();
	const all = new Int16Array(65536);
	for (let i = 0; i < 65536; i++) all[i] = i - 32768;
	const codes = new Uint8Array(65536);
	// Frames of 160 at every offset of the range; then the scalar encoder over the same inputs.
	for (let at = 0; at + FRAME_SAMPLES <= 65536; at += FRAME_SAMPLES) {
		encodeFrame(law, all, at, codes, at);
		d.bytes(codes, at, at + FRAME_SAMPLES);
		d.frame();
	}
	encodeFrame(law, all, 65536 - 96, codes, 65536 - 96, 96);
	d.bytes(codes, 65536 - 96, 65536);
	const encode = law === PCMA ? alawEncode : ulawEncode, decode = law === PCMA ? alawDecode : ulawDecode;
	for (let i = 0; i < 65536; i++) d.byte(encode(i - 32768));
	const byteCodes = new Uint8Array(256);
	for (let c = 0; c < 256; c++) byteCodes[c] = c;
	const pcm = new Int16Array(256);
	decodeFrame(law, byteCodes, 0, pcm, 0, 256);
	d.pcm(pcm);
	for (let c = 0; c < 256; c++) d.word(decode(c));
	d.frame();
	return d.done({});
}

/** The network between a sender and a jitter buffer: each packet's arrival, loss, reordering and duplication. */
interface Arrival {
	seq: number;
	at: number;
}

/**
 * A jitter buffer (RFC 3550 A.8, G.711 App. I) fed a voice as G.711 packets over a network that delays them by 20–60 ms
 * with jitter, loses 3 % and a burst of five, reorders, duplicates, pauses the sender for 300 ms once, jumps the
 * sequence once (a restarted stream), and runs 0.1 % slow for a stretch; one frame taken every 20 ms.
 */
function jitter(law: number, frames: number, seed: number): GoldenRecord {
	const d = new Digest();
	const jb = new JitterBuffer({ law });
	const signal = voice(frames * FRAME_SAMPLES, 57, 9000, 2400, 1600, 30, seed);
	const payloads = new Uint8Array(frames * FRAME_SAMPLES);
	encodeFrame(law, signal, 0, payloads, 0, signal.length);
	const rnd = new Xorshift(seed ^ 0x5bd1e995);
	const arrivals: Arrival[] = [];
	let send = 0;
	for (let k = 0; k < frames; k++) {
		// The sender: 20 ms per packet; a 300 ms stall at k = 700; 0.1 % slow from 1200 to 2200.
		send += k === 700 ? 320 : k > 1200 && k < 2200 ? 20.02 : 20;
		if (rnd.below(100) < 3 || (k >= 900 && k < 905)) continue;
		const at = send + 20 + rnd.below(41);
		arrivals.push({ seq: k, at });
		if (rnd.below(100) < 2) arrivals.push({ seq: k, at: at + rnd.below(30) });
	}
	arrivals.sort((a, b) => a.at - b.at);
	const out = new Int16Array(FRAME_SAMPLES);
	let next = 0;
	for (let f = 0; f < frames + 10; f++) {
		const now = f * 20;
		while (next < arrivals.length && arrivals[next].at <= now) {
			const a = arrivals[next++];
			// The stream restarts at k = 1500 with a sequence number far ahead (a resync).
			const seq = (a.seq >= 1500 ? a.seq + 20_000 : a.seq + 65_000) & 0xffff;
			const r = jb.put(seq, (a.seq * FRAME_SAMPLES) >>> 0, payloads, a.seq * FRAME_SAMPLES, (a.seq + 1) * FRAME_SAMPLES, a.at);
			d.byte(r);
		}
		d.byte(jb.take(out, now));
		d.pcm(out);
		d.int(jb.depth);
		d.int(jb.target);
		d.frame();
	}
	return d.done({
		played: jb.played, concealed: jb.concealed, late: jb.late, lost: jb.lost, duplicated: jb.duplicated, dropped: jb.dropped,
		inserted: jb.inserted, resyncs: jb.resyncs, underruns: jb.underruns, maxDepth: jb.maxDepth,
	});
}

/** Packet-loss concealment (G.711 App. I): a voice with single, double, 5-, 8- and 20-frame losses, and frames of 80 samples. */
function plc(): GoldenRecord {
	const d = new Digest();
	const p = new Plc();
	const frames = 1200;
	const signal = voice(frames * FRAME_SAMPLES, 64, 12000, 3200, 800, 20, 0x1234567);
	const frame = new Int16Array(FRAME_SAMPLES);
	const losses = [30, 31, 60, 61, 62, 63, 64, 100, 101, 102, 103, 104, 105, 106, 107, 200, 250, 251];
	for (let k = 300; k < 320; k++) losses.push(k);
	for (let k = 0; k < frames; k++) {
		const lost = losses.indexOf(k) >= 0 || (k > 400 && k % 37 === 0) || (k > 800 && k % 53 < 2);
		if (lost) {
			p.conceal(frame, 0, FRAME_SAMPLES);
		} else if (k > 1000 && k % 3 === 0) {
			// Two half frames (80 samples each): the history and the cross-fade at another length.
			for (let i = 0; i < FRAME_SAMPLES; i++) frame[i] = signal[k * FRAME_SAMPLES + i];
			p.good(frame, 0, 80);
			p.good(frame, 80, 80);
		} else {
			for (let i = 0; i < FRAME_SAMPLES; i++) frame[i] = signal[k * FRAME_SAMPLES + i];
			p.good(frame, 0, FRAME_SAMPLES);
		}
		d.pcm(frame);
		d.int(p.pitch);
		d.frame();
	}
	return d.done({ concealed: p.concealedFrames });
}

/**
 * The echo suppressor (G.164-style switched loss): the far end's voice on the speaker, its echo in the mic at −10 dB two
 * frames later, the visitor's voice in bursts (alone, over the far end, louder than it), silences, and mic noise.
 */
function echo(options: EchoSuppressorOptions, seed: number): GoldenRecord {
	const d = new Digest();
	const es = new EchoSuppressor(options);
	const frames = 1500;
	const far = voice(frames * FRAME_SAMPLES, 71, 8000, 6000, 10_000, 0, seed);
	const visitor = voice(frames * FRAME_SAMPLES, 49, 6000, 3000, 5000, 0, seed + 1);
	const rnd = new Xorshift(seed + 2);
	const speaker = new Int16Array(FRAME_SAMPLES), mic = new Int16Array(FRAME_SAMPLES);
	for (let k = 0; k < frames; k++) {
		const phase = ((k / 250) | 0) % 4; // 5 s each: far only, both, visitor only (louder), visitor quieter
		const nearGain = phase === 0 ? 0 : phase === 1 ? 0.7 : phase === 2 ? 1.5 : 0.25;
		for (let i = 0; i < FRAME_SAMPLES; i++) {
			const at = k * FRAME_SAMPLES + i, echoAt = at - 2 * FRAME_SAMPLES;
			speaker[i] = far[at];
			const e = echoAt >= 0 ? (far[echoAt] * 10) / 32 : 0; // −10 dB
			const v = e + visitor[at] * nearGain + (rnd.below(41) - 20);
			mic[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v | 0;
		}
		d.byte(es.process(speaker, 0, mic, 0));
		d.pcm(speaker);
		d.pcm(mic);
		d.frame();
	}
	return d.done({ micDucked: es.micDucked, speakerDucked: es.speakerDucked, doubleTalk: es.doubleTalk, floorChanges: es.floorChanges });
}

class Clock {
	ms = 0;
	now(): number {
		return this.ms;
	}
}

/** One direction of a link: a datagram is copied at send and delivered after its delay, unless lost. */
class Link {
	readonly #queue: { at: number; bytes: Uint8Array }[] = [];
	sent = 0;
	constructor(readonly clock: Clock, readonly from: string, readonly fromPort: number, readonly digest: Digest, readonly rnd: Xorshift,
		readonly lossPercent: number) {}
	send(bytes: Uint8Array, start: number, end: number, address: string, port: number): boolean {
		this.sent++;
		this.digest.bytes(bytes, start, end);
		this.digest.int(port);
		this.digest.int(address.length);
		if (this.rnd.below(100) < this.lossPercent) return true;
		this.#queue.push({ at: this.clock.ms + 10 + this.rnd.below(31), bytes: bytes.slice(start, end) });
		return true;
	}
	deliver(to: (bytes: Uint8Array, start: number, end: number, address: string, port: number) => number): void {
		this.#queue.sort((a, b) => a.at - b.at);
		while (this.#queue.length > 0 && this.#queue[0].at <= this.clock.ms) {
			const q = this.#queue.shift() as { at: number; bytes: Uint8Array };
			this.digest.byte(to(q.bytes, 0, q.bytes.length, this.from, this.fromPort));
		}
	}
}

class Digits implements DigitSink {
	constructor(readonly digest: Digest) {}
	count = 0;
	onDigit(digit: number, source: number): void {
		this.count++;
		this.digest.byte(digit);
		this.digest.byte(source);
	}
}

function params(remoteAddress: string, remotePort: number, codec: number, over: Partial<MediaParameters> = {}): MediaParameters {
	return { remoteAddress, remotePort, payloadType: codec, codec, telephoneEventPt: 101, direction: MEDIA_SEND | MEDIA_RECV, held: false, ...over };
}

/**
 * A call through two MediaSessions (RFC 3550 §5–§6, RFC 4733 §2.5, RFC 3264 §8) over links with 10–40 ms of delay and
 * 2 % loss: voices both ways, digits both ways, a hold and resume, a codec change to PCMA, a muted stretch. Every
 * datagram sent, every speaker frame played and every RTP/RTCP verdict goes into the hash.
 */
function session(echoOn: boolean): GoldenRecord {
	const d = new Digest();
	const clock = new Clock();
	const rnd = new Xorshift(echoOn ? 0xa11ce : 0xb0b);
	const aRtp = new Link(clock, "10.0.0.1", 16400, d, rnd, 2), aRtcp = new Link(clock, "10.0.0.1", 16401, d, rnd, 0);
	const bRtp = new Link(clock, "10.0.0.2", 20000, d, rnd, 2), bRtcp = new Link(clock, "10.0.0.2", 20001, d, rnd, 0);
	const aDigits = new Digits(d), bDigits = new Digits(d);
	const echo = echoOn ? {} : { enabled: false };
	const a = new MediaSession({ clock, random: new FixedRandom(null, 11), rtp: aRtp, rtcp: aRtcp, digits: aDigits, echo });
	const b = new MediaSession({ clock, random: new FixedRandom(null, 12), rtp: bRtp, rtcp: bRtcp, digits: bDigits, echo });
	const frames = 1500;
	const aVoice = voice(frames * FRAME_SAMPLES, 67, 7000, 4000, 4000, 15, 21);
	const bVoice = voice(frames * FRAME_SAMPLES, 53, 9000, 2400, 5600, 15, 22);
	const aMic = new Int16Array(FRAME_SAMPLES), bMic = new Int16Array(FRAME_SAMPLES);
	const aSpeaker = new Int16Array(FRAME_SAMPLES), bSpeaker = new Int16Array(FRAME_SAMPLES);
	a.start(params("10.0.0.2", 20000, PCMU));
	b.start(params("10.0.0.1", 16400, PCMU));
	const digits = [0x31, 0x32, 0x33, 0x23, 0x2a, 0x39];
	for (let k = 0; k < frames; k++) {
		if (k === 400) a.update(params("10.0.0.2", 20000, PCMU, { direction: MEDIA_SEND, held: false })); // B put on hold by A: A sendonly
		if (k === 400) b.update(params("10.0.0.1", 16400, PCMU, { direction: MEDIA_RECV, held: true }));
		if (k === 500) a.update(params("10.0.0.2", 20000, PCMU));
		if (k === 500) b.update(params("10.0.0.1", 16400, PCMU));
		if (k === 800) a.update(params("10.0.0.2", 20000, PCMA));
		if (k === 800) b.update(params("10.0.0.1", 16400, PCMA));
		if (k === 1000) a.muted = true;
		if (k === 1100) a.muted = false;
		if (k % 90 === 30) a.sendDigit(digits[(k / 90) % digits.length | 0]);
		if (k % 130 === 70) b.sendDigit(digits[(k / 130) % digits.length | 0]);
		aRtp.deliver((x, s, e, ad, p) => b.onRtp(x, s, e, ad, p));
		aRtcp.deliver((x, s, e, ad, p) => b.onRtcp(x, s, e, ad, p));
		bRtp.deliver((x, s, e, ad, p) => a.onRtp(x, s, e, ad, p));
		bRtcp.deliver((x, s, e, ad, p) => a.onRtcp(x, s, e, ad, p));
		for (let i = 0; i < FRAME_SAMPLES; i++) {
			aMic[i] = aVoice[k * FRAME_SAMPLES + i];
			bMic[i] = bVoice[k * FRAME_SAMPLES + i];
		}
		a.tick(k % 200 === 199 ? null : aMic, aSpeaker);
		b.tick(bMic, bSpeaker);
		d.pcm(aSpeaker);
		d.pcm(bSpeaker);
		d.byte(a.rtpTimedOut(clock.ms) ? 1 : 0);
		d.frame();
		clock.ms += 20;
	}
	a.stop();
	b.stop();
	aRtcp.deliver((x, s, e, ad, p) => b.onRtcp(x, s, e, ad, p));
	return d.done({
		aFramesSent: a.framesSent, aEvents: a.eventPacketsSent, aPacketsIn: a.packetsIn, aDigits: aDigits.count, aKeepAlives: a.keepAlives,
		bFramesSent: b.framesSent, bEvents: b.eventPacketsSent, bPacketsIn: b.packetsIn, bDigits: bDigits.count,
		aPlayed: a.jitterBuffer.played, aConcealed: a.jitterBuffer.concealed, bPlayed: b.jitterBuffer.played, bConcealed: b.jitterBuffer.concealed,
		aReports: a.rtcp?.peerReports ?? 0, bReports: b.rtcp?.peerReports ?? 0,
	});
}

/** The scenarios by name (the keys of test/vectors/media-golden.json). */
export const GOLDEN_SCENARIOS: readonly (readonly [string, () => GoldenRecord])[] = [
	["g711 μ-law: every input encoded, every code decoded", () => g711(PCMU)],
	["g711 A-law: every input encoded, every code decoded", () => g711(PCMA)],
	["jitter buffer μ-law: 60 s of voice over a jittery, lossy, reordering network", () => jitter(PCMU, 3000, 0x51f15e)],
	["jitter buffer A-law: the same network, 20 s", () => jitter(PCMA, 1000, 0x2545f491)],
	["concealment: single, double, burst and long losses, half frames", () => plc()],
	["echo suppressor, defaults: far talk, double talk, break-in, silence", () => echo({}, 31)],
	["echo suppressor, 6 dB speaker loss, 60 ms hangover, 200 ms tail", () => echo({ speakerAttenuationDb: 6, hangoverMs: 60, echoTailMs: 200 }, 41)],
	["MediaSession call, echo suppressor off: voices, digits, hold, PCMA, mute, 2 % loss", () => session(false)],
	["MediaSession call, echo suppressor on: the same call", () => session(true)],
];

/** Every scenario's record, by name; `only` restricts to names containing it. */
export function runGolden(only = ""): Record<string, GoldenRecord> {
	const out: Record<string, GoldenRecord> = {};
	for (const [name, run] of GOLDEN_SCENARIOS) if (name.indexOf(only) >= 0) out[name] = run();
	return out;
}
