// The media benchmark's workload (bench/media.ts), host-free so the same module runs on Node and as an XS entry
// (contract in test/xs/xsnap-host.ts) — DESIGN.md §3 (nothing allocated per frame), §5 (the media data flow):
//   capture (a synthetic 160-sample mic frame) → echo suppressor → G.711 μ-law encode → RTP write → (loopback) RTP
//   read → jitter buffer put → take (decode; concealment of the lost) → playout buffer, done as MediaSession.tick does
//   it (the levels from the frames' energies, the mic's gain folded into the encoder, the frame encoded into the packet).
// The far end is our own stream looped back: the frame taken from the jitter buffer is the speaker frame of the next
// period, so the echo suppressor sees both sides talk, pause and overlap. Every 50th packet is lost on the way (2 %):
// a frame of the playout is then concealed (G.711 App. I), the dearest path. Everything is allocated at import.
//   step(i)    one 20 ms period of the whole path       stage exports: the same stages, each on its own state
//   check()    faults of the path after a run of frames (empty: it works)
//   callFrame(i)  one 20 ms period of a call through the MediaSession class, both directions (test/media/session-call.ts:
//                 two sessions back to back, sendrecv PCMU + telephone-event 101, RTCP, a digit every 50 frames)
//   callCheck()   faults of that call after a run of frames
import { EchoSuppressor, frameEnergy, ramp } from '../src/media/echo-suppressor.js';
import { encodeFrame, FRAME_SAMPLES, PCMU, ULAW_TABLES } from '../src/media/g711.js';
import { decodeFrameTo } from '../src/media/g711-frame-decode.js';
import { encodeFrameFrom, encodeFrameQuads160 } from '../src/media/g711-frame-encode.js';
import { FrameViews } from '../src/media/frame-views.js';
import { JitterBuffer } from '../src/media/jitter-buffer.js';
import { Plc } from '../src/media/plc.js';
import { RTP_OK, RtpReceiver, RtpSender } from '../src/media/rtp.js';
import { FixedRandom } from '../test/media/fixed-random.js';
import { BackToBackCall } from '../test/media/session-call.js';
import { MediaSession } from '../src/media/media-session.js';

/** Frames of synthetic capture, cycled: 4 s. */
const CAPTURE_FRAMES = 200;
/** One packet in LOSS_EVERY is lost in the loopback. */
const LOSS_EVERY = 50;
/** Frames of playout buffer (the I2S DMA ring the speaker reads). */
const PLAYOUT_FRAMES = 4;
const PEER = '192.0.2.30';
const PORT = 40_000;

/**
 * The capture signal: a 120 Hz voice with five harmonics in syllables of 250 ms at 2 Hz (2 s of talk, 1 s of pause,
 * 1 s of talk at half level), plus a low noise floor — speech-like levels and pauses for the suppressor and the
 * jitter buffer's silence detection.
 */
const capture = new Int16Array(CAPTURE_FRAMES * FRAME_SAMPLES);
{
  let seed = 0x2545f491;
  for (let i = 0; i < capture.length; i++) {
    const t = i / 8000;
    const level = t < 2 ? 9000 : t < 3 ? 0 : 4500;
    const syllable = Math.max(0, Math.sin(2 * Math.PI * 2 * t));
    let v = 0;
    for (let h = 1; h <= 5; h++) v += Math.sin(2 * Math.PI * 120 * h * t) / h;
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    capture[i] = Math.round(level * syllable * v * 0.45 + ((seed >>> 0) % 41) - 20);
  }
}

/** One view per captured frame (made once: the "driver" fills the mic frame with one native copy). */
const captureFrames: Int16Array[] = [];
for (let k = 0; k < CAPTURE_FRAMES; k++) captureFrames.push(capture.subarray(k * FRAME_SAMPLES, (k + 1) * FRAME_SAMPLES));
/**
 * The same frames as 8-byte words, for the stand-in of the I2S driver: on the device its DMA fills the mic frame and
 * drains the speaker's ring with no bytecode at all; here a native copy of 40 words stands in for it, the least a copy
 * costs on XS (two units per element moved, whatever its size).
 */
const captureWide: Float64Array[] = [];
for (let k = 0; k < CAPTURE_FRAMES; k++) captureWide.push(new Float64Array(capture.buffer, k * 2 * FRAME_SAMPLES, FRAME_SAMPLES / 4));

/**
 * The whole path's state; a packet in `lossEvery` lost (0: none). The far end is our own stream looped back: the frame
 * taken from the jitter buffer is the speaker frame of the next period.
 */
class Path {
  readonly mic = new Int16Array(FRAME_SAMPLES);
  readonly micViews = new FrameViews();
  readonly speakerViews = new FrameViews();
  readonly speaker = new Int16Array(FRAME_SAMPLES);
  readonly datagram = new Uint8Array(12 + FRAME_SAMPLES);
  /** The datagram's payload, where the frame is encoded in place (as MediaSession does). */
  readonly payload = this.datagram.subarray(12);
  readonly payload32 = new Int32Array(this.datagram.buffer, 12, FRAME_SAMPLES / 4);
  readonly micWide = new Float64Array(this.mic.buffer);
  readonly speakerWide = new Float64Array(this.speaker.buffer);
  /** The I2S ring the speaker plays from, as 8-byte words (the driver's stand-in copies a frame into it). */
  readonly playout = new Float64Array(PLAYOUT_FRAMES * FRAME_SAMPLES / 4);
  readonly suppressor = new EchoSuppressor();
  readonly sender = new RtpSender({ random: new FixedRandom(null, 0x6d656469), payloadType: PCMU });
  readonly receiver = new RtpReceiver({ payloadTypes: [PCMU, 101] });
  readonly jb = new JitterBuffer({ law: PCMU });
  frames = 0;
  rtpRefused = 0;
  sink = 0;
  marker = true;

  constructor(readonly lossEvery: number) {
    this.receiver.start(0, PEER, PORT);
  }

  /** One 20 ms period of the whole per-frame path (both directions). */
  step(): void {
    const k = this.frames++;
    const now = k * 20;
    const { mic, speaker, suppressor, sender, datagram, payload } = this;
    // Capture: the I2S driver has filled the mic frame (its stand-in: a native copy of 8-byte words).
    this.micWide.set(captureWide[k % CAPTURE_FRAMES] as Float64Array);
    // Echo suppressor: the levels of the speaker frame playing now and the mic frame captured now; the speaker's gain
    // (none by default) ramped in place, the mic's folded into the encoder — as MediaSession.tick does.
    suppressor.decide(frameEnergy(speaker, 0, this.speakerViews), frameEnergy(mic, 0, this.micViews));
    ramp(speaker, 0, suppressor.speakerGainFrom, suppressor.speakerGainNow);
    // Send: G.711 encode into the packet, then its header.
    encodeFrameFrom(ULAW_TABLES, mic, payload, this.payload32, this.micViews, suppressor.micGainFrom, suppressor.micGainNow);
    const end = sender.writeHeader(datagram, 0, this.marker, PCMU, sender.timestamp, FRAME_SAMPLES, now);
    sender.skip();
    this.marker = false;
    // Loopback: the datagram is received (unless lost), filtered, stored by sequence number.
    if (this.lossEvery === 0 || k % this.lossEvery !== this.lossEvery - 1) {
      if (this.receiver.receive(datagram, 0, end, PEER, PORT, now) === RTP_OK) {
        const view = this.receiver.view;
        this.jb.put(view.sequence, view.timestamp, datagram, view.payloadStart, view.payloadEnd, now);
      } else {
        this.rtpRefused++;
      }
    }
    // Playout: the next frame (decoded or concealed) into the speaker frame and the I2S ring.
    this.jb.take(speaker, now);
    this.playout.set(this.speakerWide, (k % PLAYOUT_FRAMES) * (FRAME_SAMPLES / 4));
    this.sink = (this.sink + speaker[k & 127]) | 0;
  }

  /** Faults of the path after the frames run so far; empty when it works as the workload says. */
  check(): string[] {
    const { frames, jb, receiver, suppressor } = this;
    const faults: string[] = [];
    const expectLost = this.lossEvery === 0 ? 0 : Math.floor(frames / this.lossEvery);
    if (frames < 1000) faults.push(`only ${frames} frames run (run at least 1,000 before check)`);
    if (this.rtpRefused !== 0) faults.push(`${this.rtpRefused} looped-back packets refused by the RTP receiver`);
    if (receiver.accepted !== frames - expectLost) faults.push(`RTP accepted ${receiver.accepted}, expected ${frames - expectLost}`);
    if (jb.played < (frames - expectLost) * 0.95) faults.push(`jitter buffer played only ${jb.played} of ${frames} frames`);
    if (jb.lost < expectLost * 0.9 || jb.lost > expectLost) faults.push(`jitter buffer lost ${jb.lost}, expected about ${expectLost}`);
    if (jb.resyncs !== 0 || jb.late !== 0) faults.push(`jitter buffer resyncs ${jb.resyncs}, late ${jb.late}`);
    if (suppressor.micDucked === 0 || suppressor.floorChanges < 2) faults.push('the echo suppressor never switched');
    return faults;
  }

  /** Counters of the path (for the benchmark's notes). */
  counters(): Record<string, number> {
    const { jb, suppressor } = this;
    return {
      frames: this.frames, played: jb.played, concealed: jb.concealed, lost: jb.lost, inserted: jb.inserted, dropped: jb.dropped,
      depth: jb.depth, micDucked: suppressor.micDucked, speakerDucked: suppressor.speakerDucked,
      doubleTalk: suppressor.doubleTalk, floorChanges: suppressor.floorChanges, sink: this.sink,
    };
  }
}

/** The path with a packet in LOSS_EVERY lost, and the same path with none lost (a steady call). */
const lossy = new Path(LOSS_EVERY);
const steady = new Path(0);

/** One 20 ms period of the whole per-frame path (both directions), 2 % of the packets lost. */
export function step(_i: number): void {
  lossy.step();
}

/** The same with no packet lost: a steady call (no concealment runs). */
export function stepSteady(_i: number): void {
  steady.step();
}

/** Faults of the path after the frames run so far; empty when it works as the workload says. */
export function check(): string[] {
  return lossy.check();
}

/** Faults of the steady path. */
export function checkSteady(): string[] {
  return steady.check();
}

/** Counters of the whole path (for the benchmark's notes). */
export function counters(): Record<string, number> {
  return lossy.counters();
}

// Stages, each on its own state, each one job of the path (bench/media.ts prints them beside the figures measured before
// the compute work: the same jobs, as the code of that commit did them).

/** Far and mic frames for the echo suppressor: the far end's voice (the capture two seconds on), its echo at −10 dB in
 * the mic two frames later, over the visitor's own voice — talk, pauses and overlap, so every floor and ramp comes. */
const echoFar = new Int16Array(CAPTURE_FRAMES * FRAME_SAMPLES);
const echoMic = new Int16Array(CAPTURE_FRAMES * FRAME_SAMPLES);
for (let i = 0; i < echoFar.length; i++) {
  const far = capture[(i + echoFar.length / 2) % echoFar.length];
  const echoAt = (i - 2 * FRAME_SAMPLES + echoFar.length) % echoFar.length;
  const echo = Math.round(capture[(echoAt + echoFar.length / 2) % echoFar.length] * 0.316);
  echoFar[i] = far;
  echoMic[i] = Math.max(-32768, Math.min(32767, capture[i] + echo));
}
/** One view per frame of the signals above (made once: a frame is refilled with one native copy). */
const echoFarFrames: Int16Array[] = [];
const echoMicFrames: Int16Array[] = [];
for (let k = 0; k < CAPTURE_FRAMES; k++) {
  echoFarFrames.push(echoFar.subarray(k * FRAME_SAMPLES, (k + 1) * FRAME_SAMPLES));
  echoMicFrames.push(echoMic.subarray(k * FRAME_SAMPLES, (k + 1) * FRAME_SAMPLES));
}
const stageMic = new Int16Array(FRAME_SAMPLES);
const stageFar = new Int16Array(FRAME_SAMPLES);
const stageSuppressor = new EchoSuppressor();
let echoK = 0;

/** Echo suppressor: one far + mic frame pair (levels, floor, gains, ramps), after refilling both (two native copies). */
export function stageEcho(_i: number): void {
  const k = echoK++ % CAPTURE_FRAMES;
  stageFar.set(echoFarFrames[k] as Int16Array);
  stageMic.set(echoMicFrames[k] as Int16Array);
  stageSuppressor.process(stageFar, 0, stageMic, 0);
}

const stageCodes = new Uint8Array(CAPTURE_FRAMES * FRAME_SAMPLES);
encodeFrame(PCMU, capture, 0, stageCodes, 0, capture.length);
const g711Codes = new Uint8Array(FRAME_SAMPLES);
const g711Words = new Int32Array(g711Codes.buffer);
const g711Pairs = new Uint16Array(g711Codes.buffer);
const g711Out = new Int16Array(FRAME_SAMPLES);
const g711OutViews = new FrameViews();
/** Each captured frame's 16-bit patterns (views made once, as a frame's owner makes them). */
const capturePatterns: Uint16Array[] = [];
for (let k = 0; k < CAPTURE_FRAMES; k++) capturePatterns.push(new Uint16Array(capture.buffer, k * 2 * FRAME_SAMPLES, FRAME_SAMPLES));
let g711K = 0;

/** G.711 μ-law: one captured frame encoded, the codes decoded again (the whole-frame kernels, as the path uses them). */
export function stageG711(_i: number): void {
  const k = g711K++ % CAPTURE_FRAMES;
  encodeFrameQuads160(ULAW_TABLES.encode, capturePatterns[k] as Uint16Array, g711Words);
  decodeFrameTo(ULAW_TABLES, g711Codes, 0, g711Pairs, g711Out, g711OutViews);
}

const stageSender = new RtpSender({ random: new FixedRandom(null, 0x72747021), payloadType: PCMU });
const stageReceiver = new RtpReceiver({ payloadTypes: [PCMU, 101] });
stageReceiver.start(0, PEER, PORT);
const stageDatagram = new Uint8Array(12 + FRAME_SAMPLES);
const stagePayload = new Uint8Array(FRAME_SAMPLES);
let rtpK = 0;

/** RTP: one packet written from a frame's codes, and read back through the receiver's filter. */
export function stageRtp(_i: number): void {
  const now = rtpK++ * 20;
  const end = stageSender.writeAudio(stageDatagram, 0, stagePayload, 0, FRAME_SAMPLES, now);
  stageReceiver.receive(stageDatagram, 0, end, PEER, PORT, now);
}

/** Each frame's codes as a packet payload would carry them (one view per frame, made once). */
const codeFrames: Uint8Array[] = [];
for (let k = 0; k < CAPTURE_FRAMES; k++) codeFrames.push(stageCodes.subarray(k * FRAME_SAMPLES, (k + 1) * FRAME_SAMPLES));
const stageJb = new JitterBuffer({ law: PCMU });
const stageOut = new Int16Array(FRAME_SAMPLES);
let jbK = 0;

/**
 * Jitter buffer: one packet put (arriving 0–10 ms late, none lost) and one frame taken 40 ms after its time (decoded
 * and played: no concealment).
 */
export function stageJitter(_i: number): void {
  const k = jbK++;
  const codes = codeFrames[k % CAPTURE_FRAMES] as Uint8Array;
  stageJb.put(k & 0xffff, (k * FRAME_SAMPLES) >>> 0, codes, 0, FRAME_SAMPLES, k * 20 + ((k * 7) % 11));
  stageJb.take(stageOut, k * 20 + 40);
}

const stagePlc = new Plc();
const plcFrame = new Int16Array(FRAME_SAMPLES);
let plcK = 0;

/**
 * Concealment (G.711 App. I), per lost frame: a frame received (the cross-fade back after the last loss, then into the
 * history), then one lost (pitch search over the history, one frame synthesized).
 */
export function stageConceal(_i: number): void {
  const k = plcK++ % CAPTURE_FRAMES;
  plcFrame.set(captureFrames[k] as Int16Array);
  stagePlc.good(plcFrame, 0, FRAME_SAMPLES);
  stagePlc.conceal(plcFrame, 0, FRAME_SAMPLES);
}

/**
 * The exports measured as stages: label, export, frames per measured crank on XS (a crank stays under the worker's
 * meter limit of 2e9), in the order of the table.
 */
export const STAGES: readonly (readonly [string, string, number])[] = [
  ['jitter buffer: put + take of a frame, no loss (decode included)', 'stageJitter', 10_000],
  ['concealment: per lost frame (received one, lost one)', 'stageConceal', 2_000],
  ['echo suppressor: one far + mic frame pair', 'stageEcho', 10_000],
  ['G.711 μ-law: encode + decode of one frame', 'stageG711', 10_000],
  ['RTP: write + loopback read of one packet', 'stageRtp', 10_000],
];

// The whole call through the MediaSession class: what the application runs every 20 ms (src/media/media-session.ts).
const call = new BackToBackCall();

/** One 20 ms period of a call, both directions, through two MediaSessions back to back. */
export function callFrame(_i: number): void {
  call.frame();
}

/** Faults of the call after the frames run so far; empty when both sides sent, received and got their digits. */
export function callCheck(): string[] {
  return call.faults();
}

/** The call's counters (for the benchmark's notes). */
export function callCounters(): Record<string, number> {
  return call.counters();
}

// What a MediaSession holds: sessions made and kept, for the benchmark's memory line (heap slots per session on XS).
const kept: MediaSession[] = [];
const keptClock = { now: (): number => 0 };
const keptSocket = { send: (): boolean => true };
const keptDigits = { onDigit: (): void => {} };

/** One more MediaSession (RTP + RTCP, echo suppressor on, a jitter buffer for either law), kept alive. */
export function makeSession(_i: number): void {
  kept.push(new MediaSession({ clock: keptClock, random: new FixedRandom(null, 9), rtp: keptSocket, rtcp: keptSocket, digits: keptDigits }));
}
