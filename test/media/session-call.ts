// One call's media through the MediaSession class, both directions, as a per-frame step: two sessions back to back
// (A, the door, 10.0.0.1:16400; B, the phone, 10.0.0.2:20000) over preallocated links, both sending sendrecv PCMU with
// telephone-event 101 — RFC 3550 §5, §6 (RTP, RTCP), RFC 3551 §4.5.14, RFC 4733 §2.5, DESIGN.md §3, §5.
// Host-free (no node:* imports): the same class runs on Node and as part of an XS entry module (test/xs/media-vectors-
// entry.ts, bench/xs-media-entry.ts). Everything is allocated at construction or, for the links' views of a datagram
// length, the first time that length is seen; after that `frame()` allocates nothing of its own and the links copy
// nothing (a host's socket copies natively), so what the XS meter sees per frame is MediaSession's work.
import type { DigitSink } from '../../src/media/dtmf-4733.js';
import { FRAME_SAMPLES, PCMU } from '../../src/media/g711.js';
import { MEDIA_RECV, MEDIA_SEND, MediaSession, type DatagramSender, type MediaParameters } from '../../src/media/media-session.js';
import { FixedRandom } from './fixed-random.js';

/** Fraction of a frame's energy at `hz` (Goertzel, one bin): 1 for a pure tone on the bin, ~0 for silence or another tone. */
export function toneShare(frame: Int16Array, hz: number, rate = 8000): number {
	const n = frame.length;
	const w = (2 * Math.PI * hz) / rate, c = 2 * Math.cos(w);
	let s1 = 0, s2 = 0, energy = 0;
	for (let i = 0; i < n; i++) {
		const x = frame[i];
		energy += x * x;
		const s0 = x + c * s1 - s2;
		s2 = s1;
		s1 = s0;
	}
	if (energy === 0) return 0;
	const power = s1 * s1 + s2 * s2 - c * s1 * s2; // |X(k)|²
	return (2 * power) / (n * energy);
}

/** Datagrams a link holds between two frames (one frame sends at most one RTP and one RTCP packet per side). */
const LINK_SLOTS = 4;

/** Monotonic milliseconds, advanced by the caller. */
class FrameClock {
	ms = 0;
	now(): number {
		return this.ms;
	}
}

/**
 * A view of `bytes[0, length)`, made once per array and length and then reused (the lengths a session sends are few:
 * an audio packet, an event packet, an RTCP compound or two).
 */
class Views {
	readonly #byArray = new WeakMap<Uint8Array, Map<number, Uint8Array>>();
	of(bytes: Uint8Array, length: number): Uint8Array {
		let lengths = this.#byArray.get(bytes);
		if (lengths === undefined) {
			lengths = new Map();
			this.#byArray.set(bytes, lengths);
		}
		let view = lengths.get(length);
		if (view === undefined) {
			view = bytes.subarray(0, length);
			lengths.set(length, view);
		}
		return view;
	}
}

/**
 * One direction of one port pair's traffic: what a session sends is delivered next frame, in a datagram of its own
 * length (as a host hands one over). It is not copied: a host's socket copies natively, which XS would not meter, and
 * a MediaSession writes each of its packet buffers at most once per frame, after the link has delivered the last
 * (RTP and RTCP have buffers of their own), so the view handed over still holds what was sent.
 */
class PacketLink implements DatagramSender {
	readonly #queue: Uint8Array[] = [];
	readonly #views = new Views();
	#head = 0;
	#count = 0;
	sent = 0;
	dropped = 0;
	constructor(readonly from: string, readonly fromPort: number) {
		for (let i = 0; i < LINK_SLOTS; i++) this.#queue.push(new Uint8Array(0));
	}

	send(bytes: Uint8Array, start: number, end: number, _address: string, _port: number): boolean {
		if (this.#count >= LINK_SLOTS || start !== 0 || end > bytes.length) {
			this.dropped++;
			return false;
		}
		this.#queue[(this.#head + this.#count) % LINK_SLOTS] = this.#views.of(bytes, end);
		this.#count++;
		this.sent++;
		return true;
	}

	/** The oldest datagram held; it leaves the link. */
	#next(): Uint8Array {
		const datagram = this.#queue[this.#head] as Uint8Array;
		this.#head = (this.#head + 1) % LINK_SLOTS;
		this.#count--;
		return datagram;
	}

	/** Every datagram held, in order, into `to`'s RTP port; returns how many. */
	deliverRtp(to: MediaSession): number {
		let n = 0;
		for (; this.#count > 0; n++) {
			const datagram = this.#next();
			to.onRtp(datagram, 0, datagram.length, this.from, this.fromPort);
		}
		return n;
	}

	/** The same into `to`'s RTCP port. */
	deliverRtcp(to: MediaSession): number {
		let n = 0;
		for (; this.#count > 0; n++) {
			const datagram = this.#next();
			to.onRtcp(datagram, 0, datagram.length, this.from, this.fromPort);
		}
		return n;
	}
}

class CountingDigits implements DigitSink {
	count = 0;
	last = -1;
	onDigit(digit: number, _source: number): void {
		this.count++;
		this.last = digit;
	}
}

/** One frame of a continuous sine whose period divides 160 samples (1000 Hz: 20 periods, 700 Hz: 14): it repeats as is. */
function toneFrame(hz: number, amplitude: number): Int16Array {
	const out = new Int16Array(FRAME_SAMPLES);
	for (let i = 0; i < FRAME_SAMPLES; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / 8000));
	return out;
}

/** A checksum of a frame that a tone of whole periods does not cancel out (a plain sum would be 0). */
function checksum(frame: Int16Array): number {
	let n = 0;
	for (let i = 0; i < frame.length; i++) n = (n * 31 + frame[i]) | 0;
	return n;
}

/** RMS level of a frame, dBFS (-120 for digital silence). */
export function levelDb(frame: Int16Array): number {
	let e = 0;
	for (let i = 0; i < frame.length; i++) e += frame[i] * frame[i];
	return e === 0 ? -120 : 10 * Math.log10(e / frame.length / (32768 * 32768));
}

/** True when the frame carries `hz`: most of its energy on that bin, and audible (above −50 dBFS). */
export function carriesTone(frame: Int16Array, hz: number): boolean {
	return toneShare(frame, hz) >= 0.5 && levelDb(frame) > -50;
}

/** The tone A (the door) sends, and the one B (the phone) sends. */
export const A_TONE_HZ = 1000;
export const B_TONE_HZ = 700;
/** A digit is queued every DIGIT_EVERY frames, alternately by A and by B. */
export const DIGIT_EVERY = 50;
/** The digits sent, cycled: ASCII 0-9, *, #. */
const DIGITS = new Uint8Array([0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x30, 0x2a, 0x23]);

const A_ADDRESS = '10.0.0.1', A_PORT = 16400;
const B_ADDRESS = '10.0.0.2', B_PORT = 20000;

function sendrecv(remoteAddress: string, remotePort: number): MediaParameters {
	return { remoteAddress, remotePort, payloadType: 0, codec: PCMU, telephoneEventPt: 101, direction: MEDIA_SEND | MEDIA_RECV, held: false };
}

/** Two MediaSessions in a call with each other; `frame()` is one 20 ms period of both directions. */
export class BackToBackCall {
	readonly clock = new FrameClock();
	readonly aRtp = new PacketLink(A_ADDRESS, A_PORT);
	readonly aRtcp = new PacketLink(A_ADDRESS, A_PORT + 1);
	readonly bRtp = new PacketLink(B_ADDRESS, B_PORT);
	readonly bRtcp = new PacketLink(B_ADDRESS, B_PORT + 1);
	readonly aDigits = new CountingDigits();
	readonly bDigits = new CountingDigits();
	readonly a: MediaSession;
	readonly b: MediaSession;
	/** What each side's speaker played in the last frame. */
	readonly aSpeaker = new Int16Array(FRAME_SAMPLES);
	readonly bSpeaker = new Int16Array(FRAME_SAMPLES);
	readonly aMic = toneFrame(A_TONE_HZ, 8000);
	readonly bMic = toneFrame(B_TONE_HZ, 8000);
	frames = 0;
	/** Digits queued by A (for B to receive) and by B. */
	aDigitsSent = 0;
	bDigitsSent = 0;
	/** Datagrams delivered, all four links. */
	delivered = 0;

	constructor() {
		const clock = this.clock;
		this.a = new MediaSession({ clock, random: new FixedRandom(null, 1), rtp: this.aRtp, rtcp: this.aRtcp, digits: this.aDigits });
		this.b = new MediaSession({ clock, random: new FixedRandom(null, 2), rtp: this.bRtp, rtcp: this.bRtcp, digits: this.bDigits });
		this.a.start(sendrecv(B_ADDRESS, B_PORT));
		this.b.start(sendrecv(A_ADDRESS, A_PORT));
	}

	/**
	 * One 20 ms period: the datagrams sent last period arrive (RTP and RTCP, both ways), both sessions tick with their
	 * tone as the mic frame; every DIGIT_EVERY frames one side queues an RFC 4733 digit first.
	 */
	frame(): void {
		const k = this.frames++;
		this.delivered += this.aRtp.deliverRtp(this.b) + this.aRtcp.deliverRtcp(this.b) + this.bRtp.deliverRtp(this.a) + this.bRtcp.deliverRtcp(this.a);
		if (k % DIGIT_EVERY === DIGIT_EVERY / 2) {
			const n = (k / DIGIT_EVERY) | 0, digit = DIGITS[n % DIGITS.length];
			if ((n & 1) === 0) {
				if (this.a.sendDigit(digit)) this.aDigitsSent++;
			} else if (this.b.sendDigit(digit)) this.bDigitsSent++;
		}
		this.a.tick(this.aMic, this.aSpeaker);
		this.b.tick(this.bMic, this.bSpeaker);
		this.clock.ms += 20;
	}

	/** The call's counters and checksums of the last speaker frames. */
	counters(): Record<string, number> {
		const { a, b } = this;
		return {
			frames: this.frames, delivered: this.delivered,
			aFramesSent: a.framesSent, aEventPackets: a.eventPacketsSent, aPacketsIn: a.packetsIn, aRtcpPeerReports: a.rtcp?.peerReports ?? 0,
			bFramesSent: b.framesSent, bEventPackets: b.eventPacketsSent, bPacketsIn: b.packetsIn, bRtcpPeerReports: b.rtcp?.peerReports ?? 0,
			aDigitsSent: this.aDigitsSent, bDigitsReceived: this.bDigits.count, bDigitsSent: this.bDigitsSent, aDigitsReceived: this.aDigits.count,
			aPlayed: a.jitterBuffer.played, aConcealed: a.jitterBuffer.concealed, bPlayed: b.jitterBuffer.played, bConcealed: b.jitterBuffer.concealed,
			aSpeakerChecksum: checksum(this.aSpeaker), bSpeakerChecksum: checksum(this.bSpeaker),
		};
	}

	/** Faults of the call after the frames so far (at least 1,000); empty when it works as `frame()` says. */
	faults(): string[] {
		const faults: string[] = [];
		const k = this.frames;
		if (k < 1000) faults.push(`only ${k} frames run (run at least 1,000 before checking)`);
		const links = [this.aRtp, this.aRtcp, this.bRtp, this.bRtcp];
		for (const link of links) if (link.dropped !== 0) faults.push(`link from ${link.from}:${link.fromPort} dropped ${link.dropped}`);
		// A digit's frames (100 ms event + 60 ms gap = 8) replace the audio: about 8 in DIGIT_EVERY frames per side.
		for (const [side, s] of [['A', this.a], ['B', this.b]] as const) {
			const audio = s.framesSent, events = s.eventPacketsSent;
			if (audio < k * 0.7) faults.push(`${side} sent ${audio} audio frames in ${k} frames`);
			if (audio + events > k) faults.push(`${side} sent ${audio} audio + ${events} event packets in ${k} frames`);
			if (s.packetsIn < k * 0.8) faults.push(`${side} accepted ${s.packetsIn} RTP packets in ${k} frames`);
			if ((s.rtcp?.peerReports ?? 0) < 1) faults.push(`${side} received no RTCP report`);
		}
		// Every digit queued is received once, but the one still playing.
		if (this.bDigits.count < this.aDigitsSent - 1 || this.bDigits.count > this.aDigitsSent) {
			faults.push(`B received ${this.bDigits.count} of the ${this.aDigitsSent} digits A sent`);
		}
		if (this.aDigits.count < this.bDigitsSent - 1 || this.aDigits.count > this.bDigitsSent) {
			faults.push(`A received ${this.aDigits.count} of the ${this.bDigitsSent} digits B sent`);
		}
		if (this.aDigitsSent < 1 || this.bDigitsSent < 1) faults.push('no digits queued');
		return faults;
	}
}
