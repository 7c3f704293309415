// One call's media: capture → echo suppressor → G.711 → RTP out; RTP in → RFC 4733 digits / jitter buffer →
// G.711 decode or concealment → speaker; RTCP reports on port + 1 — DESIGN.md §5 (data flow), §3 (nothing allocated
// per frame). RFC 3550 §5–§6, §11 (RTCP on the next port); RFC 3551 §4.1 (marker), §4.5.14 (G.711, 20 ms frames);
// RFC 4733 §2.5 (events); RFC 3264 §5.1, §8.4 (direction, hold); RFC 4961 (symmetric RTP); RFC 6263 (keep-alive).
//
// Everything is preallocated at construction: one jitter buffer for either law (the codec is known only per call), the
// packet and frame buffers, the RTCP state. `tick` is called every 20 ms by the host with the captured frame (or
// null for silence) and fills the speaker frame; `onRtp` / `onRtcp` take the datagrams of the call slot's ports.
import type { Clock, DatagramSocket, Peer, Random } from "../host.js";
import { Dtmf4733Receiver, Dtmf4733Sender, type DigitSink } from "./dtmf-4733.js";
import { EchoSuppressor, type EchoSuppressorOptions, frameEnergy, ramp } from "./echo-suppressor.js";
import { ALAW_SILENCE, FRAME_SAMPLES, type G711Tables, PCMA, PCMU, tablesOf, ULAW_SILENCE } from "./g711.js";
import { FrameViews } from "./frame-views.js";
import { encodeFrameFrom } from "./g711-frame-encode.js";
import { JitterBuffer, JB_SILENT } from "./jitter-buffer.js";
import { RtcpSession } from "./rtcp.js";
import { ReceptionStats } from "./rtcp-stats.js";
import { RTP_HEADER_BYTES, RTP_MAX_PACKET_BYTES, RTP_OK, RtpReceiver, RtpSender } from "./rtp.js";

/** Direction bits as in src/sip/offer-answer.ts (RFC 3264 §5.1, §6.1): we send RTP / we expect RTP. */
export const MEDIA_SEND = 1;
export const MEDIA_RECV = 2;

/** What the session needs of a negotiation (src/sip/offer-answer.ts `Negotiated` has all of it). */
export interface MediaParameters {
	readonly remoteAddress: string;
	readonly remotePort: number;
	/** Audio payload type as numbered in the SDP (RFC 3264 §6.1). */
	readonly payloadType: number;
	/** 0 PCMU or 8 PCMA (RFC 3551 Table 4; g711.ts law ids). */
	readonly codec: number;
	/** The peer's telephone-event/8000 payload type, -1 when none (RFC 4733 §7.1.1). */
	readonly telephoneEventPt: number;
	/** DIR_SEND = 1, DIR_RECV = 2. */
	readonly direction: number;
	/** The peer put us on hold (RFC 3264 §8.4). */
	readonly held: boolean;
}

/** What the session uses of the host's socket of the call slot (RTP port, and RTCP port = RTP + 1, RFC 3550 §11). */
export type DatagramSender = Pick<DatagramSocket, "send">;

export interface MediaSessionOptions {
	/** Monotonic milliseconds (the host clock's `now`). */
	readonly clock: Pick<Clock, "now">;
	/** SSRC, initial sequence number and timestamp (RFC 3550 §5.1), RTCP interval randomization (§6.3.1). */
	readonly random: Random;
	/** Sends from the RTP port. */
	readonly rtp: DatagramSender;
	/** Sends from the RTCP port; null or absent: no RTCP. */
	readonly rtcp?: DatagramSender | null;
	/**
	 * Our RTP socket's address and port as peers see them (RTCP on port + 1); read at every start and update, so a
	 * host may change it when its address changes. What comes from there, or carries our SSRC, is our own stream looped
	 * back (RFC 3550 §8.2: an SDP naming our own port), not media: it neither counts as received nor keeps the call's
	 * RTP timeout from firing. Absent: only our SSRC tells.
	 */
	readonly local?: Peer | null;
	/** Received RFC 4733 digits go here (DIGIT_SOURCE_RFC4733). */
	readonly digits: DigitSink;
	/** Our CNAME (RFC 3550 §6.5.1), ASCII; default "door@intercom". */
	readonly cname?: Uint8Array;
	/** The echo suppressor's options; `{ enabled: false }` to switch it off (default: on, its defaults). */
	readonly echo?: EchoSuppressorOptions;
	/** Jitter buffer bounds (ms); defaults 20 and 200. */
	readonly jitterMinMs?: number;
	readonly jitterMaxMs?: number;
	/** `rtpTimedOut` after this long without RTP (default 30 000 ms; 0 = never). */
	readonly rtpTimeoutMs?: number;
	/** Silence frame sent this often while muted, to keep NAT bindings open (RFC 6263 §4.6; default 15 000; 0 = never). */
	readonly keepAliveMs?: number;
	/** Duration of each sent DTMF digit (ms, default 100) and the audio gap after it (ms, default 60). */
	readonly digitMs?: number;
	readonly digitGapMs?: number;
}

/** Frame period (RFC 3551 §4.5.14: 20 ms by default; a=ptime is not followed yet: we always send 20 ms). */
const FRAME_MS = 20;
const DEFAULT_CNAME = new Uint8Array([0x64, 0x6f, 0x6f, 0x72, 0x40, 0x69, 0x6e, 0x74, 0x65, 0x72, 0x63, 0x6f, 0x6d]); // door@intercom
/** Digits that may wait to be sent. */
const DIGIT_QUEUE = 32;
/** Meter floor, dBFS (a frame of digital silence). */
export const METER_FLOOR_DB = -96;

/** The media of one call slot; reused call after call. */
export class MediaSession {
	readonly #clock: Pick<Clock, "now">;
	readonly #rtpOut: DatagramSender;
	readonly #rtcpOut: DatagramSender | null;
	readonly #local: Peer | null;
	readonly #sender: RtpSender;
	readonly #receiver: RtpReceiver;
	readonly #stats = new ReceptionStats();
	readonly #rtcp: RtcpSession | null;
	readonly #dtmfIn: Dtmf4733Receiver;
	readonly #dtmfOut = new Dtmf4733Sender({ interval: FRAME_SAMPLES });
	readonly #echo: EchoSuppressor;
	/** One jitter buffer, told the law the call negotiated (preallocated once, whichever law). */
	readonly #jb: JitterBuffer;
	/** Our RTP packets (audio, RFC 4733 events): header + one 20 ms G.711 frame at most. */
	readonly #packet = new Uint8Array(RTP_HEADER_BYTES + FRAME_SAMPLES);
	/** Our RTCP compounds, apart from the RTP packet (a host may still hold the one sent this frame). */
	readonly #control: Uint8Array;
	/** Where an audio frame is encoded: in place in #packet, after the header (RFC 3551 §4.5.14: 160 octets). */
	readonly #audioPayload = this.#packet.subarray(RTP_HEADER_BYTES, RTP_HEADER_BYTES + FRAME_SAMPLES);
	readonly #audioPayload32 = new Int32Array(this.#packet.buffer, RTP_HEADER_BYTES, FRAME_SAMPLES / 4);
	/** The host's mic frame as the encoder reads it (views made when the host hands another array). */
	readonly #micViews = new FrameViews();
	/** The host's speaker frame, for its level (the span frameEnergy reads, made once). */
	readonly #speakerViews = new FrameViews();
	readonly #event = new Uint8Array(4);
	readonly #digitQueue = new Uint8Array(DIGIT_QUEUE);
	#digitHead = 0;
	#digitCount = 0;
	readonly #digitUnits: number;
	readonly #gapFrames: number;
	#gapLeft = 0;
	/** Timestamp units since the current outgoing event began (RFC 4733 §2.5.1.2: durations count from its start). */
	#eventElapsed = 0;

	// The negotiation in use (copied: the UA's Negotiated is overwritten by the next offer/answer).
	#active = false;
	#remoteAddress = "";
	#remotePort = 0;
	#payloadType = 0;
	#law = PCMU;
	#tables: G711Tables = tablesOf(PCMU);
	#silenceCode = ULAW_SILENCE;
	#eventPt = -1;
	#direction = 0;
	#held = false;
	#muted = false;
	#marker = true;
	#lastSsrc = -1;
	#rtcpAddress = "";
	#rtcpPort = 0;

	// Counters and meters.
	#framesSent = 0;
	#keepAlives = 0;
	#eventsSent = 0;
	#packetsIn = 0;
	#inSquares = 0;
	#inSamples = 0;
	#outSquares = 0;
	#outSamples = 0;
	/** dBFS of the received (speaker) and sent (mic) audio over the span closed by the last `readMeters()`. */
	meterInDb = METER_FLOOR_DB;
	meterOutDb = METER_FLOOR_DB;

	constructor(options: MediaSessionOptions) {
		this.#clock = options.clock;
		this.#rtpOut = options.rtp;
		this.#rtcpOut = options.rtcp ?? null;
		this.#local = options.local ?? null;
		this.#sender = new RtpSender({ random: options.random, payloadType: PCMU, keepAliveMs: options.keepAliveMs ?? 15_000 });
		this.#receiver = new RtpReceiver({ payloadTypes: [], timeoutMs: options.rtpTimeoutMs });
		this.#rtcp = this.#rtcpOut === null ? null :
			new RtcpSession({ random: options.random, cname: options.cname ?? DEFAULT_CNAME, sender: this.#sender, stats: this.#stats });
		this.#control = new Uint8Array(this.#rtcp === null ? 0 : RTP_MAX_PACKET_BYTES);
		this.#dtmfIn = new Dtmf4733Receiver(options.digits);
		this.#echo = new EchoSuppressor(options.echo ?? {});
		const min = options.jitterMinMs ?? 20, max = options.jitterMaxMs ?? 200;
		const capacity = Math.floor(max / FRAME_MS) + 4;
		this.#jb = new JitterBuffer({ law: PCMU, minMs: min, maxMs: max, capacity });
		this.#digitUnits = Math.max(FRAME_SAMPLES, Math.round(((options.digitMs ?? 100) * 8000) / 1000));
		this.#gapFrames = Math.ceil((options.digitGapMs ?? 60) / FRAME_MS);
	}

	/** True between `start` and `stop`. */
	get active(): boolean {
		return this.#active;
	}
	/** Our SSRC (RFC 3550 §8.1: random, new for every call). */
	get ssrc(): number {
		return this.#sender.ssrc;
	}
	get receiver(): RtpReceiver {
		return this.#receiver;
	}
	get sender(): RtpSender {
		return this.#sender;
	}
	get jitterBuffer(): JitterBuffer {
		return this.#jb;
	}
	get echoSuppressor(): EchoSuppressor {
		return this.#echo;
	}
	get rtcp(): RtcpSession | null {
		return this.#rtcp;
	}
	get dtmfReceiver(): Dtmf4733Receiver {
		return this.#dtmfIn;
	}
	/** Audio frames sent (keep-alives included). */
	get framesSent(): number {
		return this.#framesSent;
	}
	get keepAlives(): number {
		return this.#keepAlives;
	}
	/** RFC 4733 packets sent. */
	get eventPacketsSent(): number {
		return this.#eventsSent;
	}
	/** RTP packets accepted for this call. */
	get packetsIn(): number {
		return this.#packetsIn;
	}
	/** Application mute: the mic is not sent; a silence frame keeps the path open every keepAliveMs (RFC 6263). */
	/**
	 * The peer should be sending (we receive, it has not put us on hold) yet nothing came for the receiver's timeout
	 * (RFC 3550 §6.3.5 uses the same idea for members): the application may end the call — a phone that crashed or
	 * lost its network never sends BYE.
	 */
	rtpTimedOut(nowMs: number): boolean {
		return this.active && (this.#direction & MEDIA_RECV) !== 0 && !this.#held && this.#receiver.timedOut(nowMs);
	}

	get muted(): boolean {
		return this.#muted;
	}
	set muted(on: boolean) {
		this.#muted = on;
	}

	/** Begin a call's media with a negotiation: a fresh stream (new SSRC, sequence, timestamp; RFC 3550 §5.1, §8.1). */
	start(media: MediaParameters): void {
		const now = this.#clock.now();
		this.#sender.restart();
		this.#stats.reset();
		this.#dtmfIn.reset();
		this.#dtmfOut.cancel();
		this.#echo.reset();
		this.#jb.reset();
		this.#digitCount = this.#digitHead = this.#gapLeft = 0;
		this.#marker = true;
		this.#lastSsrc = -1;
		this.#muted = false;
		this.#active = true;
		this.#apply(media, now, true);
		if (this.#rtcp !== null) this.#rtcp.start(now);
	}

	/** A re-INVITE or UPDATE changed the media (RFC 3264 §8): new address, codec, direction or hold. */
	update(media: MediaParameters): void {
		if (!this.#active) {
			this.start(media);
			return;
		}
		this.#apply(media, this.#clock.now(), false);
	}

	/** End the call's media: an RTCP BYE (RFC 3550 §6.6) when RTCP runs; then nothing more is sent. */
	stop(): void {
		if (!this.#active) return;
		this.#active = false;
		this.#dtmfOut.cancel();
		if (this.#rtcp !== null && this.#rtcpOut !== null && this.#rtcpAllowed()) {
			const end = this.#rtcp.writeBye(this.#control, 0, this.#clock.now());
			if (end > 0) this.#rtcpOut.send(this.#control, 0, end, this.#rtcpAddress, this.#rtcpPort);
		}
	}

	#apply(media: MediaParameters, now: number, fresh: boolean): void {
		const moved = media.remoteAddress !== this.#remoteAddress || media.remotePort !== this.#remotePort;
		// Payload types: the old ones out, the negotiated ones in (RFC 3550 A.1: "payload type must be known").
		this.#receiver.acceptPayloadType(this.#payloadType, false);
		if (this.#eventPt >= 0) this.#receiver.acceptPayloadType(this.#eventPt, false);
		this.#payloadType = media.payloadType & 0x7f;
		this.#eventPt = media.telephoneEventPt;
		this.#receiver.acceptPayloadType(this.#payloadType, true);
		if (this.#eventPt >= 0) this.#receiver.acceptPayloadType(this.#eventPt, true);
		const law = media.codec === PCMA ? PCMA : PCMU;
		if (law !== this.#law || fresh) {
			this.#law = law;
			this.#tables = tablesOf(law);
			this.#silenceCode = law === PCMA ? ALAW_SILENCE : ULAW_SILENCE;
			this.#jb.setLaw(law);
		}
		this.#direction = media.direction & (MEDIA_SEND | MEDIA_RECV);
		this.#held = media.held;
		const local = this.#local;
		this.#receiver.ownStream(this.#sender.ssrc, local === null ? "" : local.address, local === null ? -1 : local.port);
		if (fresh || moved) {
			// A new target: send there, and lock on whatever stream comes from the peer next (RFC 4961 latching anew).
			this.#remoteAddress = media.remoteAddress;
			this.#remotePort = media.remotePort;
			this.#receiver.start(now, media.remoteAddress, media.remotePort);
			this.#rtcpAddress = media.remoteAddress;
			this.#rtcpPort = media.remotePort + 1; // RFC 3550 §11: RTCP on the next higher (odd) port
			this.#marker = true;
		}
	}

	/** Queue an ASCII DTMF digit to send as an RFC 4733 event; false when the queue is full or no event PT was agreed. */
	sendDigit(digit: number): boolean {
		if (!this.#active || this.#eventPt < 0 || this.#digitCount >= DIGIT_QUEUE) return false;
		this.#digitQueue[(this.#digitHead + this.#digitCount) % DIGIT_QUEUE] = digit;
		this.#digitCount++;
		return true;
	}

	/** A datagram on the RTP port. Returns RTP_OK or the RtpReceiver reason it was dropped; -1 when no call is active. */
	onRtp(bytes: Uint8Array, start: number, end: number, address: string, port: number): number {
		if (!this.#active) return -1;
		const now = this.#clock.now();
		const r = this.#receiver.receive(bytes, start, end, address, port, now);
		if (r !== RTP_OK) return r;
		this.#packetsIn++;
		const v = this.#receiver.view;
		this.#stats.onPacket(v.ssrc, v.sequence, v.timestamp, now);
		if (v.ssrc !== this.#lastSsrc) {
			// A new source (RFC 3550 §8.2, a relock after silence): its sequence numbers start elsewhere.
			if (this.#lastSsrc >= 0) this.#jb.reset();
			this.#lastSsrc = v.ssrc;
		}
		if (v.payloadType === this.#eventPt) {
			this.#dtmfIn.receive(bytes, v.payloadStart, v.payloadEnd, v.ssrc, v.timestamp, v.marker);
			// The event took the audio's place in the stream (RFC 4733 §2.6): its frame plays as silence, not as a loss.
			if ((this.#direction & MEDIA_RECV) !== 0) this.#jb.putSilence(v.sequence, now);
		} else if ((this.#direction & MEDIA_RECV) !== 0) {
			this.#jb.put(v.sequence, v.timestamp, bytes, v.payloadStart, v.payloadEnd, now);
		}
		return RTP_OK;
	}

	/** A datagram on the RTCP port (RFC 3550 §6): the peer's reports; its source becomes our RTCP target (symmetric). */
	onRtcp(bytes: Uint8Array, start: number, end: number, address: string, port: number): number {
		if (!this.#active || this.#rtcp === null) return -1;
		const local = this.#local;
		const fromUs = local !== null && port === local.port + 1 && address === local.address;
		const r = this.#rtcp.receive(bytes, start, end, this.#clock.now(), fromUs);
		if (r === 0 && this.#receiver.symmetric) {
			this.#rtcpAddress = address;
			this.#rtcpPort = port;
		}
		return r;
	}

	/**
	 * Every 20 ms: play one frame out of the jitter buffer into `speaker` (decoded, concealed or silence), run the
	 * echo suppressor over it and the captured `mic` (null: silence; `mic` itself is never written), and send one
	 * packet — audio, an RFC 4733 event packet, a keep-alive, or nothing when we may not send (RFC 3264 §6.1 recvonly /
	 * inactive, §8.4 hold). Then an RTCP report when one is due. Allocates nothing.
	 */
	tick(mic: Int16Array | null, speaker: Int16Array): void {
		if (!this.#active) {
			speaker.fill(0);
			return;
		}
		const now = this.#clock.now();
		// Receive side: RFC 3550 §5.1 order restored by the jitter buffer; losses concealed (G.711 App. I).
		let heard = false;
		if ((this.#direction & MEDIA_RECV) !== 0 && this.#jb.take(speaker, now) !== JB_SILENT) heard = true;
		else speaker.fill(0);
		const talking = mic !== null && !this.#muted;
		// Both frames' energies, once: the suppressor's levels and the meters.
		let farEnergy = heard ? frameEnergy(speaker, 0, this.#speakerViews) : 0;
		const nearEnergy = talking ? frameEnergy(mic, 0, this.#micViews) : 0;
		let micFrom = 1, micTo = 1;
		const echo = this.#echo;
		if (echo.enabled) {
			echo.decide(farEnergy, nearEnergy);
			micFrom = echo.micGainFrom;
			micTo = echo.micGainNow;
			const from = echo.speakerGainFrom, to = echo.speakerGainNow;
			if (from !== 1 || to !== 1) {
				ramp(speaker, 0, from, to);
				if (heard) farEnergy = frameEnergy(speaker, 0, this.#speakerViews);
			}
		}
		this.#inSquares += farEnergy;
		// What the mic sent: its energy through the ramp's mean squared gain (exact at unity, near enough for a meter).
		this.#outSquares += micFrom === 1 && micTo === 1 ? nearEnergy : (nearEnergy * (micFrom * micFrom + micFrom * micTo + micTo * micTo)) / 3;
		this.#inSamples += FRAME_SAMPLES;
		this.#outSamples += FRAME_SAMPLES;
		this.#send(talking ? mic : null, micFrom, micTo, now);
		if (this.#rtcp !== null && this.#rtcpOut !== null && this.#rtcp.due(now)) {
			if (this.#rtcpAllowed()) {
				const end = this.#rtcp.writeReport(this.#control, 0, now);
				if (end > 0) this.#rtcpOut.send(this.#control, 0, end, this.#rtcpAddress, this.#rtcpPort);
			}
		}
	}

	/** RFC 3264 §8.4: with c=0.0.0.0 "neither RTP nor RTCP should be sent"; nor to port 0 (a rejected stream). */
	#rtcpAllowed(): boolean {
		return this.#remotePort > 0 && this.#remoteAddress !== "0.0.0.0" && this.#remoteAddress !== "";
	}

	/** One frame's packet: `mic` (null: silence) through the suppressor's gain ramp micFrom → micTo, encoded in place. */
	#send(mic: Int16Array | null, micFrom: number, micTo: number, now: number): void {
		const sender = this.#sender;
		const address = this.#receiver.remoteAddress, port = this.#receiver.remotePort;
		if ((this.#direction & MEDIA_SEND) === 0 || !this.#rtcpAllowed()) {
			// recvonly / inactive (RFC 3264 §6.1) or held: no RTP; the sampling clock runs on (RFC 3550 §5.1).
			sender.skip();
			this.#dtmfOut.cancel();
			this.#digitCount = 0;
			return;
		}
		const dtmf = this.#dtmfOut;
		if (!dtmf.active && this.#gapLeft > 0) this.#gapLeft--;
		else if (!dtmf.active && this.#digitCount > 0) {
			const digit = this.#digitQueue[this.#digitHead];
			this.#digitHead = (this.#digitHead + 1) % DIGIT_QUEUE;
			this.#digitCount--;
			// RFC 4733 §2.5.1.2: the event's timestamp is the sampling instant where it begins.
			if (dtmf.begin(digit, this.#digitUnits, sender.timestamp)) this.#eventElapsed = 0;
		}
		if (dtmf.active) {
			// While the event plays, its packets replace the audio (RFC 4733 §2.5.1.1, §2.6); one per frame period.
			this.#eventElapsed += FRAME_SAMPLES;
			let sent = false;
			while (dtmf.active && dtmf.nextDue <= this.#eventElapsed && !sent) {
				const n = dtmf.next(this.#event, 0);
				if (n === 0) break;
				const end = sender.writePacket(this.#packet, 0, dtmf.marker, this.#eventPt, dtmf.timestamp, this.#event, 0, n, now);
				if (end > 0) {
					this.#rtpOut.send(this.#packet, 0, end, address, port);
					this.#eventsSent++;
				}
				sent = true;
			}
			sender.skip();
			this.#marker = true; // the audio after the event starts a talk spurt (RFC 3551 §4.1)
			if (!dtmf.active) this.#gapLeft = this.#gapFrames;
			return;
		}
		if (this.#muted) {
			// RFC 6263 §4.6: an occasional silence packet keeps the NAT binding while nothing else is sent.
			if (!sender.keepAliveDue(now)) {
				sender.skip();
				this.#marker = true;
				return;
			}
			this.#keepAlives++;
		}
		const payload = this.#audioPayload;
		if (mic === null) payload.fill(this.#silenceCode);
		else encodeFrameFrom(this.#tables, mic, payload, this.#audioPayload32, this.#micViews, micFrom, micTo);
		// Our own marker (RFC 3551 §4.1: first packet of a talk spurt), the negotiated payload type, then the clock on.
		const end = sender.writeHeader(this.#packet, 0, this.#marker, this.#payloadType, sender.timestamp, FRAME_SAMPLES, now);
		sender.skip();
		if (end < 0) return;
		this.#marker = false;
		this.#framesSent++;
		this.#rtpOut.send(this.#packet, 0, end, address, port);
	}

	/** Close a meter span: `meterInDb` / `meterOutDb` become the RMS level (dBFS) of the frames since the last call. */
	readMeters(): void {
		this.meterInDb = toDb(this.#inSquares, this.#inSamples);
		this.meterOutDb = toDb(this.#outSquares, this.#outSamples);
		this.#inSquares = this.#outSquares = this.#inSamples = this.#outSamples = 0;
	}
}

/** RMS of `samples` with sum of squares `squares`, in dB relative to a full-scale 16-bit square wave. */
function toDb(squares: number, samples: number): number {
	if (samples === 0 || squares === 0) return METER_FLOOR_DB;
	const db = 10 * Math.log10(squares / samples / (32768 * 32768));
	return db < METER_FLOOR_DB ? METER_FLOOR_DB : db;
}
