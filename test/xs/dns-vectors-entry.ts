// Entry module (contract in xsnap-host.ts): the DNS answer vectors, and the work of reading answers measured on XS by
// test/xs/dns-vectors.test.ts — DESIGN.md §3 (answers parsed without allocation beyond what is kept); RFC 1035 §4.1;
// RFC 2782; RFC 3263 §4. Host-free: relative project imports only. Everything below is allocated once, at import.
import type { Clock, DatagramSocket, Peer } from '../../src/host.js';
import { AnswerParser } from '../../src/dns/answer-parser.js';
import { DnsClient, type DnsUser } from '../../src/dns/dns-client.js';
import type { DnsAnswer } from '../../src/dns/dns-answer.js';
import { SipLocator, LOCATE_NOW } from '../../src/dns/sip-locator.js';
import { TargetList } from '../../src/dns/target-list.js';
import { TimerWheel } from '../../src/transaction/timer-wheel.js';
import { ascii } from '../../src/sip/bytes.js';
import { FixedRandom } from '../media/fixed-random.js';
import { hex, nameBytes, RECORDED } from '../vectors/dns-messages.js';
import { DNS_VECTOR_COUNT, runDnsVectors } from '../vectors/dns-vectors.js';

export interface DnsVectorsOutcome {
  passed: number;
  failures: string[];
  /** DNS_VECTOR_COUNT as this engine computed it */
  count: number;
}

export function main(): DnsVectorsOutcome {
  const { passed, failures } = runDnsVectors();
  return { passed, failures, count: DNS_VECTOR_COUNT };
}

const parser = new AnswerParser(24);
const srvAnswer = hex(RECORDED.srvUdp), naptrAnswer = hex(RECORDED.naptr);
const srvName = nameBytes('_sip._udp.example.test'), naptrName = nameBytes('example.test');

/** The recorded SRV answer (two SRV records, three address records as glue, compressed names) read. */
export function parseSrv(_i: number): number {
  if (!parser.parse(srvAnswer, 0, srvAnswer.length, srvName, 0, 33, false)) throw new Error(`parseSrv: ${parser.reason}`);
  let answers = 0;
  for (let k = 0; k < parser.count; k++) if (parser.isAnswer(k)) answers += parser.srvPort(k);
  return answers;
}

/** The recorded NAPTR answer read, each record's service found. */
export function parseNaptr(_i: number): number {
  if (!parser.parse(naptrAnswer, 0, naptrAnswer.length, naptrName, 0, 35, false)) throw new Error(`parseNaptr: ${parser.reason}`);
  let services = 0;
  for (let k = 0; k < parser.count; k++) if (parser.isAnswer(k)) services += parser.naptrService(k);
  return services;
}

// A client on a socket that keeps the last query, a clock that stands still, and a wheel that is never advanced.
let now = 0;
const clock: Clock = { now: () => now, arm: () => {}, disarm: () => {} };
const sent = new Uint8Array(512);
let sentLength = 0;
const socket: DatagramSocket = {
  send(bytes: Uint8Array, start: number, end: number): boolean {
    for (let k = start; k < end; k++) sent[k - start] = bytes[k];
    sentLength = end - start;
    return true;
  },
  close(): void {},
};
const SERVER: Peer = { address: '127.0.0.1', port: 53 };
const wheel = new TimerWheel({ capacity: 16, clock });
const random = new FixedRandom();
const client = new DnsClient({ clock, wheel, random, socket, servers: [SERVER] });
let answered = 0;
const user: DnsUser = {
  onDnsAnswer(_query: number, _arg: number, answer: DnsAnswer): void {
    answered += answer.count;
  },
};
const owner = client.register(user);
const reply = srvAnswer.slice();

/** A lookup sent and its answer received, checked, stored in the cache with its glue, and delivered. */
export function lookupAndAnswer(i: number): number {
  client.cache.flush();
  now += 1;
  if (client.lookup(owner, i, srvName, 0, 33) < 0) throw new Error('lookupAndAnswer: not sent');
  reply[0] = sent[0]; // the query's ID
  reply[1] = sent[1];
  client.onDatagram(reply, 0, reply.length, SERVER.address, SERVER.port);
  return answered + sentLength;
}

const locator = new SipLocator({ client, random });
const located = locator.register({ onLocated(): void {} });
const list = new TargetList(8);
const uri = ascii('sip:example.test;transport=udp');

/** What the measured exports did: answers delivered, refusals, lookups in flight, the last list (checked on Node). */
export function exercised(): { answered: number; refused: number; pending: number; targets: string[] } {
  const targets: string[] = [];
  for (let k = 0; k < list.count; k++) targets.push(`${list.address[k]}:${list.port[k]}/${list.transport[k]}`);
  return { answered, refused: client.refused, pending: client.pending, targets };
}

/** Targets of a SIP URI from cached SRV and glue records: RFC 2782 order drawn again, the list refilled. */
export function locateCached(i: number): number {
  if (client.cache.live(now) < 2) lookupAndAnswer(i);
  if (locator.locateUri(located, i, uri, 0, uri.length, list) !== LOCATE_NOW || list.count !== 2) throw new Error(`locateCached: ${list.error}`);
  return list.port[0];
}
