// The simulator's audio for the station's calls: one MediaSession (src/media/media-session.ts) per call slot on the
// slot's RTP and RTCP sockets (RFC 3550 §11: RTCP on RTP + 1), a 20 ms frame clock scheduled from the monotonic clock
// (RFC 3551 §4.5.14 framing; no setInterval drift), a source per call (a WAV file looped, a tone, or silence), a
// recorder of what the station hears (8 kHz mono 16-bit WAV) and level meters. A call slot without a session can
// play a call-progress tone (src/media/tones.ts: ringback while an outgoing call rings, busy after 486/600) into the
// speaker mix; the frame clock runs while any session or tone is active.
import { DIGIT_SOURCE_RFC4733, type DigitSink } from "../../src/media/dtmf-4733.js";
import type { EchoSuppressorOptions } from "../../src/media/echo-suppressor.js";
import { FRAME_SAMPLES } from "../../src/media/g711.js";
import { MediaSession, type MediaParameters } from "../../src/media/media-session.js";
import { TonePlayer, type Tone } from "../../src/media/tones.js";
import type { NodeDatagramSocket, NodeRandom } from "./node-host.js";
import { SoundDevice } from "./sound-device.js";
import { WavWriter } from "./wav.js";

/** What the station sends on every call. */
export type AudioSource = { kind: "silence" } | { kind: "tone"; hz: number } | { kind: "samples"; samples: Int16Array; name: string }
	| { kind: "device" };

export interface StationAudioOptions {
	readonly source: AudioSource;
	/** Record what the station receives (all calls mixed) into this WAV file; null: no recording. */
	readonly recordTo: string | null;
	/** Log each active call's levels once a second. */
	readonly meters: boolean;
	/** Run the echo suppressor (off by default in the simulator: files and tones have no acoustic echo). */
	readonly echoSuppressor: boolean;
}

const FRAME_MS = 20;
/** Peak amplitude of the generated tone: −12 dBFS RMS-ish, far from clipping in G.711. */
const TONE_AMPLITUDE = 8000;
/** When the timer fell this many frames behind (a stalled event loop), it skips ahead instead of bursting. */
const MAX_CATCH_UP = 5;

/** One call slot's media: the session, its source position, its frame buffers. */
class Slot implements DigitSink {
	readonly session: MediaSession;
	readonly mic = new Int16Array(FRAME_SAMPLES);
	readonly speaker = new Int16Array(FRAME_SAMPLES);
	/** Source position: sample index into a file, or the tone's phase (radians). */
	position = 0;
	secondFrames = 0;
	/** The RTP timeout was reported for this call (once: the hang-up follows). */
	timedOut = false;
	/** The call-progress tone played to the speaker while the slot has no session (ringback, busy). */
	readonly tones = new TonePlayer();
	/** The tone playing (null: none), and the frames it has left (-1: until stopped). */
	tone: Tone | null = null;
	toneFrames = -1;

	constructor(readonly index: number, readonly media: StationMedia, rtp: NodeDatagramSocket, rtcp: NodeDatagramSocket, clock: { now(): number },
		random: NodeRandom, echo: EchoSuppressorOptions) {
		this.session = new MediaSession({ clock, random, rtp, rtcp, digits: this, echo });
		rtp.setUser({ onDatagram: (b, s, e, a, p) => void this.session.onRtp(b, s, e, a, p) });
		rtcp.setUser({ onDatagram: (b, s, e, a, p) => void this.session.onRtcp(b, s, e, a, p) });
	}

	onDigit(digit: number, source: number): void {
		this.media.digit(this.index, String.fromCharCode(digit), source === DIGIT_SOURCE_RFC4733 ? "RFC 4733" : "SIP INFO");
	}
}

/** The station's media: sessions per slot, the frame clock, the source, the recorder, the meters. */
export class StationMedia {
	readonly #slots: Slot[] = [];
	readonly #options: StationAudioOptions;
	readonly #clock: { now(): number };
	readonly #log: (line: string) => void;
	readonly #onDigit: (call: number, digit: string, via: string) => void;
	readonly #recorder: WavWriter | null;
	/** The sound card (`--audio-device`): the microphone of every call, and the speaker. */
	readonly #device: SoundDevice | null;
	readonly #mix = new Int32Array(FRAME_SAMPLES);
	readonly #mixOut = new Int16Array(FRAME_SAMPLES);
	#timer: NodeJS.Timeout | null = null;
	/** Monotonic time of the next frame. */
	#nextMs = 0;
	#closed = false;
	/** Called once when a call's RTP stopped coming (the station hangs it up). */
	onRtpTimeout: (call: number) => void = () => {};

	constructor(options: StationAudioOptions, sockets: readonly NodeDatagramSocket[], clock: { now(): number }, random: NodeRandom,
		log: (line: string) => void, onDigit: (call: number, digit: string, via: string) => void) {
		this.#options = options;
		this.#clock = clock;
		this.#log = log;
		this.#onDigit = onDigit;
		const echo: EchoSuppressorOptions = { enabled: options.echoSuppressor };
		for (let i = 0; 2 * i + 1 < sockets.length; i++) this.#slots.push(new Slot(i, this, sockets[2 * i], sockets[2 * i + 1], clock, random, echo));
		try {
			this.#recorder = options.recordTo === null ? null : new WavWriter(options.recordTo);
		} catch (err) {
			throw new Error(`--audio-out: cannot write ${options.recordTo}: ${(err as Error).message}`);
		}
		this.#device = options.source.kind === "device" ? new SoundDevice(log) : null;
	}

	/** The session of call slot `call`. */
	session(call: number): MediaSession | null {
		return this.#slots[call]?.session ?? null;
	}

	digit(call: number, digit: string, via: string): void {
		this.#onDigit(call, digit, via);
	}

	/** True while the frame clock is scheduled (a session or a tone is active). */
	get running(): boolean {
		return this.#timer !== null;
	}

	/** The tone playing on call slot `call`, or null. */
	tone(call: number): Tone | null {
		return this.#slots[call]?.tone ?? null;
	}

	/**
	 * Play `tone` into the speaker for call slot `call` (which has no session), for `ms` milliseconds or until
	 * stopped (ms < 0); logs "call N: playing NAME". A tone already playing there is not restarted.
	 */
	playTone(call: number, tone: Tone, name: string, ms = -1): void {
		const slot = this.#slots[call];
		if (slot === undefined || this.#closed || slot.session.active || slot.tone === tone) return;
		slot.tone = tone;
		slot.toneFrames = ms < 0 ? -1 : Math.max(1, Math.round(ms / FRAME_MS));
		slot.tones.start(tone);
		this.#log(`call ${call}: playing ${name}`);
		this.#run();
	}

	/** Stop call slot `call`'s tone; the frame clock stops when nothing is left to play. */
	stopTone(call: number): void {
		const slot = this.#slots[call];
		if (slot === undefined || slot.tone === null) return;
		slot.tone = null;
		slot.tones.stop();
		if (!this.#busy()) this.#halt();
	}

	/** The call's media began (answered, or early media): start or update its session and the frame clock. */
	start(call: number, media: MediaParameters): void {
		const slot = this.#slots[call];
		if (slot === undefined || this.#closed) return;
		// The far end's audio (early media or the answered call) replaces any tone.
		slot.tone = null;
		slot.tones.stop();
		if (slot.session.active) slot.session.update(media);
		else {
			slot.position = 0;
			slot.secondFrames = 0;
			slot.timedOut = false;
			slot.session.start(media);
		}
		this.#run();
	}

	update(call: number, media: MediaParameters): void {
		this.start(call, media);
	}

	/** The call ended: its session (RTCP BYE) and its tone stop; the frame clock stops when nothing is left. */
	stop(call: number): void {
		const slot = this.#slots[call];
		if (slot === undefined) return;
		this.stopTone(call);
		if (!slot.session.active) return;
		const s = slot.session;
		s.stop();
		const jb = s.jitterBuffer;
		this.#log(`call ${call}: media stopped: ${s.framesSent} frames sent, ${s.packetsIn} packets received ` +
			`(${jb.played} played, ${jb.concealed} concealed, ${jb.late} late), ${s.dtmfReceiver.digits} RFC 4733 digits`);
		if (!this.#busy()) this.#halt();
	}

	/** Send DTMF digits on a call as RFC 4733 events; false when the call has no media or no telephone-event. */
	sendDigits(call: number, digits: string): boolean {
		const s = this.session(call);
		if (s === null || !s.active) return false;
		for (const d of digits) if (!s.sendDigit(d.charCodeAt(0))) return false;
		return true;
	}

	close(): void {
		for (let i = 0; i < this.#slots.length; i++) this.stop(i);
		this.#closed = true;
		this.#halt();
		this.#recorder?.close();
		this.#device?.close();
	}

	#run(): void {
		if (this.#timer !== null || this.#closed) return;
		this.#nextMs = this.#clock.now();
		this.#schedule();
	}

	/** Is any session or tone active (the frame clock has work)? */
	#busy(): boolean {
		for (const slot of this.#slots) if (slot.session.active || slot.tone !== null) return true;
		return false;
	}

	#halt(): void {
		if (this.#timer !== null) clearTimeout(this.#timer);
		this.#timer = null;
	}

	/** Wake at the next frame's monotonic time; frames are counted from the clock, so timer lateness never accumulates. */
	#schedule(): void {
		const delay = this.#nextMs - this.#clock.now();
		this.#timer = setTimeout(() => this.#due(), delay > 0 ? Math.floor(delay) : 0);
	}

	#due(): void {
		this.#timer = null;
		const now = this.#clock.now();
		let frames = 0;
		while (this.#nextMs <= now && frames < MAX_CATCH_UP) {
			this.#frame();
			this.#nextMs += FRAME_MS;
			frames++;
		}
		if (this.#nextMs <= now) this.#nextMs = now + FRAME_MS; // stalled: resynchronize rather than burst
		if (this.#busy()) this.#schedule();
	}

	/** One 20 ms frame for every active call and every tone. */
	#frame(): void {
		const mix = this.#mix;
		let any = false;
		mix.fill(0);
		for (const slot of this.#slots) {
			const s = slot.session;
			if (!s.active) {
				if (slot.tone !== null) {
					any = true;
					this.#toneFrame(slot);
					for (let i = 0; i < FRAME_SAMPLES; i++) mix[i] += slot.speaker[i];
				}
				continue;
			}
			any = true;
			const mic = this.#fill(slot);
			s.tick(mic, slot.speaker);
			if (!slot.timedOut && s.rtpTimedOut(this.#clock.now())) {
				slot.timedOut = true;
				this.#log(`call ${slot.index}: no RTP for ${s.receiver.timeoutMs / 1000} s: hanging up`);
				this.onRtpTimeout(slot.index);
			}
			for (let i = 0; i < FRAME_SAMPLES; i++) mix[i] += slot.speaker[i];
			if (this.#options.meters && ++slot.secondFrames >= 1000 / FRAME_MS) {
				slot.secondFrames = 0;
				s.readMeters();
				this.#log(`call ${slot.index}: level in ${db(s.meterInDb)} out ${db(s.meterOutDb)}`);
			}
		}
		if (any && (this.#recorder !== null || this.#device !== null)) {
			const out = this.#mixOut;
			for (let i = 0; i < FRAME_SAMPLES; i++) out[i] = mix[i] > 32767 ? 32767 : mix[i] < -32768 ? -32768 : mix[i];
			this.#recorder?.write(out);
			this.#device?.write(out);
		}
	}

	/** The slot's tone into its speaker frame (no allocation); the tone ends when its frames are used up. */
	#toneFrame(slot: Slot): void {
		const playing = slot.tones.fill(slot.speaker, 0, FRAME_SAMPLES);
		if (!playing || (slot.toneFrames > 0 && --slot.toneFrames === 0)) {
			slot.tone = null;
			slot.tones.stop();
		}
	}

	/** The call's next source frame, or null for silence. */
	#fill(slot: Slot): Int16Array | null {
		const src = this.#options.source, mic = slot.mic;
		if (src.kind === "silence") return null;
		if (src.kind === "device") return this.#device !== null && this.#device.read(mic) ? mic : null;
		if (src.kind === "tone") {
			const step = (2 * Math.PI * src.hz) / 8000;
			let phase = slot.position;
			for (let i = 0; i < FRAME_SAMPLES; i++) {
				mic[i] = Math.round(TONE_AMPLITUDE * Math.sin(phase));
				phase += step;
			}
			slot.position = phase % (2 * Math.PI);
			return mic;
		}
		const samples = src.samples;
		if (samples.length === 0) return null;
		let at = slot.position;
		for (let i = 0; i < FRAME_SAMPLES; i++) {
			mic[i] = samples[at];
			if (++at >= samples.length) at = 0; // looped
		}
		slot.position = at;
		return mic;
	}
}

function db(value: number): string {
	return `${Math.round(value)} dBFS`;
}
