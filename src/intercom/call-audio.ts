// The station's audio: one MediaSession per call slot on the slot's RTP and RTCP sockets (RFC 3550 §11), driven by the
// host's audio clock (one 20 ms frame of mic in, speaker out: RFC 3551 §4.5.14); the call-progress tones the visitor
// hears at the door (ringback while a call rings without early media, busy when nobody answered, E.180) and the
// confirmation tones both sides hear in a call (door opened, wrong code, call ending). Preallocated; `frame`
// allocates nothing (DESIGN.md §3).
import type { Clock, DatagramSocket, DatagramUser, Peer, Random } from "../host.js";
import { DIGIT_SOURCE_RFC4733, type DigitSink } from "../media/dtmf-4733.js";
import { FRAME_SAMPLES } from "../media/g711.js";
import { MediaSession, type MediaParameters } from "../media/media-session.js";
import { TonePlayer, type Tone } from "../media/tones.js";
import type { AudioConfig } from "./config.js";

/** A call slot's media ports, bound by the host: RTP on an even port, RTCP on the next (RFC 3550 §11). */
export interface MediaPorts {
	readonly rtp: DatagramSocket;
	readonly rtcp: DatagramSocket;
	/**
	 * The RTP socket's address and port as peers see them: what comes from there is the station's own stream looped
	 * back (an SDP naming its own port), not media (RFC 3550 §8.2). Absent: only the station's SSRC tells.
	 */
	readonly local?: Peer;
}

/** What the audio tells the station. */
export interface CallAudioUser {
	/** A DTMF digit (ASCII) from RFC 4733 events on call slot `call`. */
	onDigit(call: number, digit: number, source: number): void;
	/** No RTP for the configured time on an active call that expects it (a crashed phone never sends BYE). */
	onRtpTimeout(call: number, seconds: number): void;
	/** Once a second while a call's media runs: its levels (dBFS). */
	onLevels(call: number, inDb: number, outDb: number): void;
	/** The audio clock is needed (a session or a tone runs) or no longer. */
	onAudioWanted(wanted: boolean): void;
}

const FRAMES_PER_SECOND = 50;

/** One call slot: its session and the sinks the host's sockets and the DTMF receiver call. */
class Slot implements DigitSink {
	readonly session: MediaSession;
	readonly speaker = new Int16Array(FRAME_SAMPLES);
	readonly rtp: DatagramUser;
	readonly rtcp: DatagramUser;
	timedOut = false;
	meterFrames = 0;

	constructor(readonly index: number, readonly audio: CallAudio, ports: MediaPorts, clock: Clock, random: Random, config: AudioConfig) {
		this.session = new MediaSession({
			clock, random, rtp: ports.rtp, rtcp: ports.rtcp, digits: this, echo: config.echoSuppressor,
			jitterMinMs: config.jitterMinMs, jitterMaxMs: config.jitterMaxMs, rtpTimeoutMs: config.rtpTimeoutSeconds * 1000,
			local: ports.local ?? null,
		});
		const session = this.session;
		this.rtp = { onDatagram: (b, s, e, a, p) => void session.onRtp(b, s, e, a, p) };
		this.rtcp = { onDatagram: (b, s, e, a, p) => void session.onRtcp(b, s, e, a, p) };
	}

	onDigit(digit: number, source: number): void {
		this.audio.digit(this.index, digit, source);
	}
}

export class CallAudio {
	readonly #slots: Slot[] = [];
	readonly #clock: Clock;
	readonly #user: CallAudioUser;
	readonly #config: AudioConfig;
	/** Tones at the door only (ringback, busy), and confirmation tones into the call and the door speaker. */
	readonly #local = new TonePlayer();
	readonly #inCall = new TonePlayer();
	/** Frames the local tone has left (-1: until stopped). */
	#localFrames = -1;
	readonly #mic = new Int16Array(FRAME_SAMPLES);
	readonly #tone = new Int16Array(FRAME_SAMPLES);
	readonly #mix = new Int32Array(FRAME_SAMPLES);
	#wanted = false;

	constructor(options: { ports: readonly MediaPorts[]; clock: Clock; random: Random; config: AudioConfig; user: CallAudioUser }) {
		this.#clock = options.clock;
		this.#user = options.user;
		this.#config = options.config;
		for (let i = 0; i < options.ports.length; i++) {
			this.#slots.push(new Slot(i, this, options.ports[i], options.clock, options.random, options.config));
		}
	}

	/** Where the host delivers call slot `call`'s RTP and RTCP datagrams. */
	rtpUser(call: number): DatagramUser {
		return this.#slots[call].rtp;
	}
	rtcpUser(call: number): DatagramUser {
		return this.#slots[call].rtcp;
	}

	session(call: number): MediaSession {
		return this.#slots[call].session;
	}

	/** A session or a tone runs: the host keeps the audio clock going. */
	get wanted(): boolean {
		return this.#wanted;
	}

	/** The local tone playing at the door (ringback, busy), or null. */
	get localTone(): Tone | null {
		return this.#local.playing ? this.#localToneValue : null;
	}
	#localToneValue: Tone | null = null;

	digit(call: number, digit: number, source: number): void {
		this.#user.onDigit(call, digit, source);
	}

	/** The call's media began (answer or early media) or changed (re-INVITE, UPDATE: RFC 3264 §8). */
	start(call: number, media: MediaParameters): void {
		const slot = this.#slots[call];
		if (!slot.session.active) {
			slot.timedOut = false;
			slot.meterFrames = 0;
		}
		slot.session.update(media); // starts it when not active
		this.#refresh();
	}

	/** The call ended: its session stops (RTCP BYE). */
	stop(call: number): void {
		const s = this.#slots[call]?.session;
		if (s === undefined || !s.active) return;
		s.stop();
		this.#refresh();
	}

	/** Any session active? */
	get anyActive(): boolean {
		for (let k = 0; k < this.#slots.length; k++) if (this.#slots[k].session.active) return true;
		return false;
	}

	/** Play `tone` at the door for `ms` (or until stopped: -1); a tone already playing is not restarted. */
	playLocal(tone: Tone, ms = -1): void {
		if (this.#local.playing && this.#localToneValue === tone) return;
		this.#localToneValue = tone;
		this.#localFrames = ms < 0 ? -1 : Math.max(1, Math.round(ms / 20));
		this.#local.start(tone);
		this.#refresh();
	}

	stopLocal(): void {
		if (!this.#local.playing) return;
		this.#local.stop();
		this.#localToneValue = null;
		this.#refresh();
	}

	/** A confirmation tone for both sides of the call in progress (and the door speaker). */
	playInCall(tone: Tone): void {
		this.#inCall.start(tone);
		this.#refresh();
	}

	/**
	 * One 20 ms frame from the host's audio clock: `mic` (null: silence) goes to every active session (the in-call
	 * tone mixed in), and `speaker` gets what they received, the in-call tone and the local tone, mixed and clipped.
	 */
	frame(mic: Int16Array | null, speaker: Int16Array): void {
		const mix = this.#mix, tone = this.#tone, now = this.#clock.now();
		mix.fill(0);
		let sent: Int16Array | null = mic;
		if (this.#inCall.playing) {
			this.#inCall.fill(tone, 0, FRAME_SAMPLES);
			const m = this.#mic;
			for (let i = 0; i < FRAME_SAMPLES; i++) {
				const v = (mic === null ? 0 : mic[i]) + tone[i];
				m[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
				mix[i] += tone[i];
			}
			sent = m;
		}
		// Indexed loops on the frame path: a for-of makes an iterator object per loop on XS.
		for (let k = 0; k < this.#slots.length; k++) {
			const slot = this.#slots[k], s = slot.session;
			if (!s.active) continue;
			s.tick(sent, slot.speaker);
			const out = slot.speaker;
			for (let i = 0; i < FRAME_SAMPLES; i++) mix[i] += out[i];
			if (!slot.timedOut && s.rtpTimedOut(now)) {
				slot.timedOut = true;
				this.#user.onRtpTimeout(slot.index, this.#config.rtpTimeoutSeconds);
			}
			if (++slot.meterFrames >= FRAMES_PER_SECOND && s.active) {
				slot.meterFrames = 0;
				s.readMeters();
				this.#user.onLevels(slot.index, s.meterInDb, s.meterOutDb);
			}
		}
		if (this.#local.playing) {
			const playing = this.#local.fill(tone, 0, FRAME_SAMPLES);
			for (let i = 0; i < FRAME_SAMPLES; i++) mix[i] += tone[i];
			if (!playing || (this.#localFrames > 0 && --this.#localFrames === 0)) {
				this.#local.stop();
				this.#localToneValue = null;
			}
		}
		for (let i = 0; i < FRAME_SAMPLES; i++) speaker[i] = mix[i] > 32767 ? 32767 : mix[i] < -32768 ? -32768 : mix[i];
		if (!this.#local.playing || !this.#inCall.playing) this.#refresh();
	}

	/** Stop every session and tone (shutdown). */
	close(): void {
		for (const slot of this.#slots) if (slot.session.active) slot.session.stop();
		this.#local.stop();
		this.#inCall.stop();
		this.#localToneValue = null;
		this.#refresh();
	}

	/** Tell the host when the audio clock becomes needed or idle. */
	#refresh(): void {
		const wanted = this.#local.playing || this.#inCall.playing || this.anyActive;
		if (wanted === this.#wanted) return;
		this.#wanted = wanted;
		this.#user.onAudioWanted(wanted);
	}
}

export { DIGIT_SOURCE_RFC4733 };
