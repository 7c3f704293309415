// Entry module (contract in xsnap-host.ts): the door station on the virtual host, for the XS measurements of
// test/xs/intercom.test.ts — a call's per-frame path, and whole door calls one after the other (DESIGN.md §3: nothing
// allocated in a call; fixed pools that never grow). Host-free: relative project imports only.
import { FRAME_SAMPLES } from '../../src/media/g711.js';
import { PEER, peerSdp } from '../ua/ua-host.js';
import { FLAT_RTP_PORT, StationHost } from '../intercom/station-host.js';

const FLAT = '192.0.2.21';
const CONFIG = {
  callList: { targets: [{ uri: `sip:flat@${FLAT}`, ringSeconds: 20 }] },
  doorCodes: { codes: ['1234#'] },
  relays: [{ pulseMs: 1000 }],
  callLimits: { maxCallSeconds: 0, hangupAfterDoorOpenSeconds: 1 },
};

// ---- a call in progress, one frame at a time ----

const inCall = new StationHost(CONFIG, true);
const rtp = new Uint8Array(12 + FRAME_SAMPLES);
let rtpSeq = 1, rtpTs = 0;
let callSlot = -1;

/** Press, the flat answers; returns the slot of the call (set up once, before the measurement). */
function setUpCall(): number {
  inCall.press();
  const inv = inCall.invites()[0];
  inCall.answerCall(inv, 'f1');
  inCall.host.sent.length = 0;
  inCall.host.ladder.length = 0;
  const s = inCall.station.status().slots.findIndex((x) => x.state === 'active');
  if (s < 0) throw new Error('the call did not come up');
  rtp[0] = 0x80;
  rtp[8] = 0x11; rtp[9] = 0x22; rtp[10] = 0x33; rtp[11] = 0x44;
  for (let i = 12; i < rtp.length; i++) rtp[i] = 0xff; // μ-law silence-ish
  return s;
}

/**
 * One 20 ms frame of the call: the flat's RTP packet for it arrives (PCMU, the next sequence number and timestamp),
 * and the station's audio clock ticks (mic in, speaker out, its RTP and RTCP out, the jitter buffer, the tones).
 */
export function stationFrame(_i: number): number {
  if (callSlot < 0) callSlot = setUpCall();
  rtpSeq = (rtpSeq + 1) & 0xffff;
  rtpTs = (rtpTs + FRAME_SAMPLES) >>> 0;
  rtp[2] = rtpSeq >> 8; rtp[3] = rtpSeq & 0xff;
  rtp[4] = rtpTs >>> 24; rtp[5] = (rtpTs >>> 16) & 0xff; rtp[6] = (rtpTs >>> 8) & 0xff; rtp[7] = rtpTs & 0xff;
  inCall.station.audio.rtpUser(callSlot).onDatagram(rtp, 0, rtp.length, PEER, FLAT_RTP_PORT);
  inCall.advance(20);
  return inCall.frames;
}

/** What the in-call station did (checked by the test: the frames ran and the call stayed up). */
export function inCallCounters(): Record<string, number> {
  const s = callSlot < 0 ? null : inCall.station.audio.session(callSlot);
  return {
    frames: inCall.frames,
    slot: callSlot,
    active: inCall.station.status().slots.filter((x) => x.state === 'active').length,
    packetsIn: s === null ? 0 : s.packetsIn,
    framesSent: s === null ? 0 : s.framesSent,
    played: s === null ? 0 : s.jitterBuffer.played,
  };
}

// ---- whole door calls ----

const calls = new StationHost(CONFIG, true);
let opened = 0, failures = 0;

/**
 * One door call: a press, the flat rings and answers, keys 1234# by RFC 4733, the relay pulses, the station hangs up
 * 1 s after the door opened, the flat answers the BYE; then the transactions run out. What the virtual host keeps of
 * the wire (its sent log) is emptied, so only the station's own state can grow.
 */
export function doorCall(_i: number): number {
  const h = calls.host;
  calls.press();
  const inv = calls.invites()[0];
  if (inv === undefined) return ++failures;
  calls.answerCall(inv, 'flat');
  const slot = calls.station.status().slots.findIndex((x) => x.state === 'active');
  const before = calls.station.relays[0].open;
  calls.keyRfc4733(slot, '1234#', 60);
  if (!before && calls.station.relays[0].open) opened++;
  calls.advance(1000);
  const bye = h.all('BYE').at(-1);
  if (bye === undefined) return ++failures;
  h.answer(bye, 200, 'OK', { toTag: 'flat' });
  if (!h.settle()) failures++;
  if (!calls.station.idle) failures++;
  h.sent.length = 0;
  h.ladder.length = 0;
  return opened;
}

export function doorCallCounters(): Record<string, number> {
  return { opened, failures, events: calls.eventCount, wheelTimers: calls.host.wheel.size };
}

export { peerSdp };
