// Entry module (contract in test/xs/xsnap-host.ts): the soak's calls on the virtual host, for XS — answered door calls
// (the code opens the door, the station hangs up), cancelled ones (the flat rings past its ring time: CANCEL, 487),
// busy ones (486) and incoming calls the station answers and the caller hangs up, one after the other, each run to
// its end (transactions and timers out). Only the station's own state may remain. Host-free: relative imports only.
import { peerSdp } from '../ua/ua-host.js';
import { StationHost } from '../intercom/station-host.js';

const CONFIG = {
  callList: { targets: [{ uri: 'sip:flat@192.0.2.21', ringSeconds: 2 }] },
  doorCodes: { codes: ['1234#'] },
  relays: [{ pulseMs: 1000 }],
  callLimits: { maxCallSeconds: 0, hangupAfterDoorOpenSeconds: 1 },
  incoming: { allow: ['alice@*'], answerDelayMs: 100 },
};

const soak = new StationHost(CONFIG, true);
/** Calls of each kind that ended as meant, and those that did not. */
let answered = 0, opened = 0, cancelled = 0, busy = 0, incoming = 0, failures = 0;
let callId = 0;

/** Call `i`: its kind is i mod 4. */
export function call(i: number): number {
  const kind = i % 4;
  const h = soak.host, st = soak.station;
  if (kind === 3) {
    // A caller the station lets in: answered after 100 ms, the caller hangs up.
    const d = soak.callIn({ callId: `soak-${++callId}@192.0.2.20`, fromTag: `t${callId}` });
    soak.advance(500);
    soak.inDialog(d, 'BYE');
    if (h.last().status === 200) incoming++;
    else failures++;
  } else {
    soak.press();
    const inv = soak.invites().at(-1);
    if (inv === undefined) return ++failures;
    if (kind === 0) {
      // Answered; the flat keys the code by RFC 4733; the station hangs up 1 s after the door opened; 200 to its BYE.
      soak.answerCall(inv, 'flat');
      const slot = st.status().slots.findIndex((x) => x.state === 'active');
      const before = st.relays[0].open;
      soak.keyRfc4733(slot, '1234#', 60);
      if (!before && st.relays[0].open) opened++;
      soak.advance(1100);
      const bye = h.all('BYE').at(-1);
      if (bye === undefined) return ++failures;
      h.answer(bye, 200, 'OK', { toTag: 'flat' });
      answered++;
    } else if (kind === 1) {
      // The flat rings and nobody answers: at the ring time the station CANCELs (§9.1); 200 to it, 487 to the INVITE.
      h.answer(inv, 180, 'Ringing', { toTag: 'ring' });
      soak.advance(2100);
      const cancel = h.all('CANCEL').at(-1);
      if (cancel === undefined) return ++failures;
      h.answer(cancel, 200, 'OK', { toTag: 'ring' });
      h.answer(inv, 487, 'Request Terminated', { toTag: 'ring' });
      cancelled++;
    } else {
      // The flat is busy.
      h.answer(inv, 486, 'Busy Here', { toTag: 'busy' });
      busy++;
    }
  }
  // Every transaction and timer of the call runs out; what the virtual host kept of the wire is dropped.
  if (!h.settle()) failures++;
  if (!st.idle) failures++;
  h.sent.length = 0;
  h.ladder.length = 0;
  return failures;
}

let offset = 0;

/** Where the next crank starts (the harness's loop counts from 0 in every crank). */
export function seek(from: number): void {
  offset = from;
}

/** Call `offset + i`. */
export function next(i: number): number {
  return call(offset + i);
}

export function counters(): Record<string, number> {
  return { answered, opened, cancelled, busy, incoming, failures, events: soak.eventCount, wheelTimers: soak.host.wheel.size };
}

export { peerSdp };
