// Entry module (contract in xsnap-host.ts): the media vectors, and the per-frame work measured on XS by
// test/xs/media-vectors.test.ts — DESIGN.md §3 (hot paths allocate nothing), §5 (media data flow).
// Host-free: relative project imports only. Everything below is allocated once, at import.
import { decodeFrame, encodeFrame, FRAME_SAMPLES, PCMA, PCMU } from '../../src/media/g711.js';
import { RTP_OK, RtpReceiver, RtpSender } from '../../src/media/rtp.js';
import { ReceptionStats } from '../../src/media/rtcp-stats.js';
import { RtcpSession } from '../../src/media/rtcp.js';
import { type DigitSink, Dtmf4733Receiver, writeEvent } from '../../src/media/dtmf-4733.js';
import { JitterBuffer } from '../../src/media/jitter-buffer.js';
import { Plc } from '../../src/media/plc.js';
import {
  BUSY_425, CALL_END_WARNING, DOOR_OPENED, INVALID_CODE, RINGBACK_425, RINGBACK_440_480, type Tone, TonePlayer,
} from '../../src/media/tones.js';
import { EchoSuppressor } from '../../src/media/echo-suppressor.js';
import { FixedRandom } from '../media/fixed-random.js';
import { BackToBackCall } from '../media/session-call.js';
import { MEDIA_VECTOR_COUNT, runMediaVectors } from '../vectors/media-vectors.js';

export interface MediaVectorsOutcome {
  passed: number;
  failures: string[];
  /** MEDIA_VECTOR_COUNT as this engine computed it */
  count: number;
}

export function main(): MediaVectorsOutcome {
  const { passed, failures } = runMediaVectors();
  return { passed, failures, count: MEDIA_VECTOR_COUNT };
}

// One 20 ms frame of a 440 Hz tone plus some noise-like detail: every segment of both laws is visited.
const pcm = new Int16Array(FRAME_SAMPLES);
for (let i = 0; i < FRAME_SAMPLES; i++) pcm[i] = Math.round(24000 * Math.sin((2 * Math.PI * 440 * i) / 8000)) + ((i * 7919) % 61) - 30;
const codes = new Uint8Array(FRAME_SAMPLES);
const speaker = new Int16Array(FRAME_SAMPLES);

/** Capture side + playout side of one frame: G.711 μ-law encode, then decode. */
export function ulawFrame(_i: number): number {
  encodeFrame(PCMU, pcm, 0, codes, 0);
  decodeFrame(PCMU, codes, 0, speaker, 0);
  return speaker[17];
}

/** The same with A-law. */
export function alawFrame(_i: number): number {
  encodeFrame(PCMA, pcm, 0, codes, 0);
  decodeFrame(PCMA, codes, 0, speaker, 0);
  return speaker[17];
}

const PEER = '192.0.2.20';
const sender = new RtpSender({ random: new FixedRandom(null, 42), payloadType: PCMU });
const receiver = new RtpReceiver({ payloadTypes: [PCMU, 101] });
receiver.start(0, PEER, 5004);
const datagram = new Uint8Array(12 + FRAME_SAMPLES);

/** One RTP packet: the sender writes a frame's packet, the receiver's filter reads it back in place. */
export function rtpPacket(i: number): number {
  const now = i * 20;
  const end = sender.writeAudio(datagram, 0, codes, 0, FRAME_SAMPLES, now);
  if (receiver.receive(datagram, 0, end, PEER, 5004, now) !== RTP_OK) throw new Error('rtpPacket: not accepted');
  return receiver.view.payloadEnd;
}

const stats = new ReceptionStats();
/** One RTP packet as on the receive path: filter, then the RTCP statistics (A.1 sequence, A.8 jitter). */
export function rtpReceive(i: number): number {
  const now = i * 20;
  const end = sender.writeAudio(datagram, 0, codes, 0, FRAME_SAMPLES, now);
  receiver.receive(datagram, 0, end, PEER, 5004, now);
  const view = receiver.view;
  stats.onPacket(view.ssrc, view.sequence, view.timestamp, now + (i % 7));
  return view.sequence;
}

const rtcp = new RtcpSession({ random: new FixedRandom(null, 7), cname: new Uint8Array(24).fill(0x61), sender, stats });
const peerSender = new RtpSender({ random: new FixedRandom(null, 8), payloadType: PCMU });
const peerStats = new ReceptionStats();
const peerRtcp = new RtcpSession({ random: new FixedRandom(null, 9), cname: new Uint8Array(24).fill(0x62), sender: peerSender, stats: peerStats });
const report = new Uint8Array(200);

/** One RTCP exchange: our compound report written, read by the peer, its report written and read by us. */
export function rtcpExchange(i: number): number {
  const now = 1_000_000 + i * 5000;
  let n = rtcp.writeReport(report, 0, now);
  peerRtcp.receive(report, 0, n, now + 20);
  n = peerRtcp.writeReport(report, 0, now + 40);
  rtcp.receive(report, 0, n, now + 60);
  return n;
}

class CountingSink implements DigitSink {
  digits = 0;
  onDigit(_digit: number, _source: number): void {
    this.digits++;
  }
}
const sink = new CountingSink();
const events = new Dtmf4733Receiver(sink);
const eventPayload = new Uint8Array(4);

/** One telephone-event packet received: a new digit every 8th packet, updates and end packets between. */
export function dtmfPacket(i: number): number {
  const k = i & 7;
  writeEvent(eventPayload, 0, i % 16, k >= 5, 10, (k + 1) * 160);
  return events.receive(eventPayload, 0, 4, 0x1234, (i >>> 3) * 8000, k === 0);
}

// The rest of the per-frame path: jitter buffer, concealment, tones, echo suppressor. Each keeps its own frame counter
// (the harness restarts i at 0 for each crank; a stream must not jump back).

const talkCodes = new Uint8Array(FRAME_SAMPLES);
encodeFrame(PCMU, pcm, 0, talkCodes, 0);
const quietCodes = new Uint8Array(FRAME_SAMPLES).fill(0xff);
const jb = new JitterBuffer({ law: PCMU });
const jbOut = new Int16Array(FRAME_SAMPLES);
let jbCount = 0;

function jbPut(k: number): void {
  // 1.5 s of talk, 1 s of silence (the drift corrections act in silence); arrival 0–10 ms late.
  const payload = k % 125 < 75 ? talkCodes : quietCodes;
  jb.put((60_000 + k) & 0xffff, (k * FRAME_SAMPLES) >>> 0, payload, 0, FRAME_SAMPLES, k * 20 + ((k * 7) % 11));
}

/**
 * One 20 ms period of the receive side (RFC 3550 §5.1, A.8; G.711 App. I): packet k in — every 29th lost, every 13th
 * after its successor (reordered), the successor then arriving twice (duplicate) — and one frame out.
 */
export function jitterFrame(_i: number): number {
  const k = jbCount++;
  if (k % 13 === 0) {
    jbPut(k + 1);
    jbPut(k);
  } else if (k % 29 !== 5) {
    jbPut(k);
  }
  return jb.take(jbOut, k * 20 + 40);
}

const plc = new Plc();
const plcIn = new Int16Array(FRAME_SAMPLES);
const plcOut = new Int16Array(FRAME_SAMPLES);
let plcCount = 0;

/** One frame of G.711 App. I concealment: 5 frames received (the last after a loss is cross-faded), 3 concealed. */
export function plcFrame(_i: number): number {
  const k = plcCount++;
  if (k % 8 < 5) {
    for (let j = 0; j < FRAME_SAMPLES; j++) plcIn[j] = pcm[j];
    plc.good(plcIn, 0, FRAME_SAMPLES);
    return plcIn[0];
  }
  plc.conceal(plcOut, 0, FRAME_SAMPLES);
  return plcOut[0];
}

const TONES: readonly Tone[] = [RINGBACK_425, RINGBACK_440_480, BUSY_425, DOOR_OPENED, CALL_END_WARNING, INVALID_CODE];
const player = new TonePlayer();
const toneOut = new Int16Array(FRAME_SAMPLES);
let toneCount = 0;

/** One frame of a call-progress or door tone (E.180 §2); a new tone every 6 s (after the short ones end: silence). */
export function toneFrame(_i: number): number {
  const k = toneCount++;
  if (k % 300 === 0) player.start(TONES[(k / 300) % TONES.length] as Tone);
  player.fill(toneOut, 0, FRAME_SAMPLES);
  return toneOut[0];
}

const suppressor = new EchoSuppressor({ speakerAttenuationDb: 6 });
const farFrame = new Int16Array(FRAME_SAMPLES);
const micFrame = new Int16Array(FRAME_SAMPLES);
let echoCount = 0;

/**
 * One frame pair through the echo suppressor, cycling every 2 s through: far end talking (its echo in the mic at
 * −10 dB), near end talking, double talk, silence — every floor change and gain ramp.
 */
export function echoFrame(_i: number): number {
  const phase = echoCount++ % 100;
  const far = phase < 30 || (phase >= 60 && phase < 80) ? 1 : 0;
  const near = phase >= 30 && phase < 80 ? 0.8 : 0;
  for (let j = 0; j < FRAME_SAMPLES; j++) {
    const x = pcm[j];
    farFrame[j] = x * far;
    micFrame[j] = x * (near + 0.316 * far);
  }
  return suppressor.process(farFrame, 0, micFrame, 0);
}

// The whole call through the MediaSession class (src/media/media-session.ts): two sessions back to back, sendrecv PCMU
// + telephone-event 101 (test/media/session-call.ts).
export const call = new BackToBackCall();

/**
 * One 20 ms period of a call, both directions, through MediaSession: last period's RTP and RTCP delivered
 * (onRtp / onRtcp), both sessions tick with a tone (jitter buffer, decode, echo suppressor, encode, RTP and RTCP
 * send); every 50th frame one side queues an RFC 4733 digit (sendDigit; event packets sent and received).
 */
export function sessionFrame(_i: number): number {
  call.frame();
  return call.bSpeaker[3];
}

/** Faults of the call so far (empty: both sides sent, received, reported and got their digits). */
export function sessionFaults(): string[] {
  return call.faults();
}

/** The call's counters (the same on every engine: the call is deterministic). */
export function sessionCounters(): Record<string, number> {
  return call.counters();
}

/** What the per-frame exports above have exercised so far (for the test that they cover the paths they name). */
export function exercised(): Record<string, number> {
  return {
    jbPlayed: jb.played, jbLost: jb.lost, jbDuplicated: jb.duplicated, jbConcealed: jb.concealed,
    plcConcealed: plc.concealedFrames, tonePlaying: player.playing ? 1 : 0,
    echoFloorChanges: suppressor.floorChanges, echoMicDucked: suppressor.micDucked, echoSpeakerDucked: suppressor.speakerDucked,
    echoDoubleTalk: suppressor.doubleTalk,
  };
}
