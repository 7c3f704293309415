// Entry module (contract in xsnap-host.ts): the MQTT client and the Home Assistant publisher (src/home) on a virtual
// host, measured on XS by test/xs/home.test.ts — DESIGN.md §3: after start-up, publishing a state allocates nothing.
// Host-free: relative project imports only. Everything below is made once, at import.
import { parseStationConfig } from '../../src/intercom/config.js';
import type { StationStatus } from '../../src/intercom/door-station.js';
import type { IntercomEvent, IntercomEvents, OpenedBy } from '../../src/intercom/events.js';
import { HomeLink } from '../../src/home/home-link.js';
import type { StationControl } from '../../src/home/station-events.js';
import { FixedRandom } from '../media/fixed-random.js';
import { connack, publish, suback } from '../mqtt/broker-bytes.js';
import { FakeConnector } from '../mqtt/mqtt-host.js';
import { VirtualClock } from '../virtual-clock.js';
import { TimerWheel } from '../../src/transaction/timer-wheel.js';

const parsed = parseStationConfig({
  relays: [{ name: 'door', pulseMs: 3000 }, { name: 'gate' }],
  callList: { targets: ['sip:flat@192.0.2.21'] },
  mqtt: { enabled: true, broker: '192.0.2.5', allowOpen: true, allowCalls: true },
});
if (!parsed.ok) throw new Error(parsed.errors.join('\n'));
const config = parsed.config;

/** The station's side, reduced to what the home link asks of it (counts the commands). */
class Station implements StationControl {
  readonly config = config;
  opened = 0;
  openDoor(_relay: number, _from: string, _by: OpenedBy): boolean {
    this.opened++;
    return true;
  }
  startCallList(): boolean {
    return true;
  }
  call(): number {
    return -1;
  }
  hangup(): void {}
  status(): StationStatus {
    return { registration: 'registering', slots: [], callList: 'idle', relays: [{ name: 'door', open: false }, { name: 'gate', open: false }],
      leds: { idle: 'on', notRegistered: 'off', calling: 'off', inCall: 'off', doorOpen: 'off' }, lockedOut: false, audio: false };
  }
}

const clock = new VirtualClock(0);
const wheel = new TimerWheel({ capacity: 16, clock });
const connector = new FakeConnector();
const station = new Station();
const logged: string[] = [];
const log: IntercomEvents = { event: (e) => logged.push(e.type) };
export const home = new HomeLink({ station, slots: 3, log, wheel, clock, random: new FixedRandom(null, 7), connector, version: '1.0.0' });
home.start();
const peer = connector.users[0];
peer.onConnected();
const handshake = [connack(0), suback(1, [1, 1, 1, 1])];
for (const b of handshake) peer.onBytes(b, 0, b.length);
const socket = connector.sockets[0];

// The events a station emits, made once (the station's own objects are not what is measured here).
const relayOn: IntercomEvent = { type: 'relay', relay: 0, name: 'door', open: true, ms: 3000 };
const relayOff: IntercomEvent = { type: 'relay', relay: 0, name: 'door', open: false, ms: 0 };
const calling: IntercomEvent = { type: 'calling', call: 0, target: 'sip:flat@192.0.2.21', name: '' };
const ringing: IntercomEvent = { type: 'progress', call: 0, status: 180, early: false };
const ended: IntercomEvent = { type: 'ended', call: 0, why: 'cancelled', status: 0 };
const registered: IntercomEvent = { type: 'registration', state: 'registered', detail: '' };
const failed: IntercomEvent = { type: 'registration', state: 'failed', detail: '' };
const press: IntercomEvent = { type: 'button', action: 'press' };
const opened: IntercomEvent = { type: 'door-opened', relay: 1, name: 'gate', by: 'mqtt', from: '' };
const wrong: IntercomEvent = { type: 'wrong-code', call: 0, count: 2, max: 3, from: '' };
const pubackBytes = new Uint8Array(4);
const openCommand = publish('sip-intercom/door/relay/1/open', 'PRESS', 1, 77);

/** The broker acknowledges the QoS 1 message just written: its packet identifier follows the topic (MQTT §3.3.2). */
function acknowledgeLast(): void {
  const b = socket.bytes, at = socket.lastStart;
  const topicLength = (b[at + 2] << 8) | b[at + 3];
  pubackBytes[0] = 0x40;
  pubackBytes[1] = 2;
  pubackBytes[2] = b[at + 4 + topicLength];
  pubackBytes[3] = b[at + 5 + topicLength];
  peer.onBytes(pubackBytes, 0, 4);
}

/** A relay's binary sensor, ON then OFF (retained QoS 0 state). */
export function relayState(i: number): number {
  home.event((i & 1) === 0 ? relayOn : relayOff);
  return socket.lastLength;
}

/** The call state sensor: calling, ringing, idle (retained QoS 0 states). */
export function callState(i: number): number {
  const k = i % 3;
  home.event(k === 0 ? calling : k === 1 ? ringing : ended);
  return socket.lastLength;
}

/** The registration sensor: registered, failed. */
export function registrationState(i: number): number {
  home.event((i & 1) === 0 ? registered : failed);
  return socket.lastLength;
}

/** A ring (QoS 1 event), and the broker's PUBACK for it. */
export function ringEvent(_i: number): number {
  home.event(press);
  acknowledgeLast();
  return socket.lastLength;
}

/** The door events: opened by MQTT, a wrong code (QoS 1), each acknowledged. */
export function doorEvent(i: number): number {
  home.event((i & 1) === 0 ? opened : wrong);
  acknowledgeLast();
  return socket.lastLength;
}

/** Home Assistant's "open door" (a QoS 1 PUBLISH from the broker): acknowledged, the relay asked to open. */
export function openCommandIn(_i: number): number {
  peer.onBytes(openCommand, 0, openCommand.length);
  return station.opened;
}

/** A keep-alive period: PINGREQ out, PINGRESP in. */
const pingresp = Uint8Array.of(0xd0, 0);
export function keepAlive(_i: number): number {
  clock.advance(60_000);
  peer.onBytes(pingresp, 0, 2);
  return socket.lastLength;
}

/** A scripted session's bytes, as hex, to compare the engines (and what the client logged). */
export function main(): { hex: string; logged: string[]; connected: boolean; unacknowledged: number } {
  socket.length = 0;
  for (let i = 0; i < 6; i++) {
    relayState(i);
    callState(i);
    registrationState(i);
    ringEvent(i);
    doorEvent(i);
  }
  openCommandIn(0);
  let hex = '';
  for (let i = 0; i < socket.length; i++) hex += (socket.bytes[i] < 16 ? '0' : '') + socket.bytes[i].toString(16);
  return { hex, logged: logged.slice(), connected: home.mqtt?.client.connected ?? false, unacknowledged: home.mqtt?.client.unacknowledged ?? -1 };
}
