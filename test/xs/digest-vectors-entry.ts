// Entry module (contract in xsnap-host.ts): the digest vectors, and the work of answering a challenge measured on XS
// by test/xs/digest-vectors.test.ts — DESIGN.md §3 (hot paths allocate nothing); RFC 1321; FIPS 180-4; RFC 7616.
// Host-free: relative project imports only. Everything below is allocated once, at import.
import { Md5 } from '../../src/sip/md5.js';
import { Sha256 } from '../../src/sip/sha256.js';
import { Challenge, chooseChallenge, DigestClient, parseChallenge } from '../../src/sip/digest.js';
import { ascii } from '../../src/sip/bytes.js';
import { Writer } from '../../src/sip/writer.js';
import { SipParser } from '../../src/sip/parser.js';
import { DEFAULT_LIMITS } from '../../src/sip/limits.js';
import { H_AUTHORIZATION, H_WWW_AUTHENTICATE } from '../../src/sip/header-ids.js';
import { DIGEST_VECTOR_COUNT, runDigestVectors } from '../vectors/digest-vectors.js';

export interface DigestVectorsOutcome {
  passed: number;
  failures: string[];
  /** DIGEST_VECTOR_COUNT as this engine computed it */
  count: number;
}

export function main(): DigestVectorsOutcome {
  const { passed, failures } = runDigestVectors();
  return { passed, failures, count: DIGEST_VECTOR_COUNT };
}

// 150 bytes: two whole blocks and a partial one, so both the direct and the buffered paths run.
const message = new Uint8Array(150);
for (let i = 0; i < message.length; i++) message[i] = (i * 31 + 7) & 255;
const hex = new Uint8Array(64);
const md5 = new Md5();
const sha256 = new Sha256();

/** MD5 of a 150-byte message, fed in two pieces. */
export function md5Message(i: number): number {
  md5.update(message, 0, 70 + (i & 7)).update(message, 70 + (i & 7), message.length);
  md5.finishHex(hex, 0);
  return hex[i & 31];
}

/** SHA-256 of the same message, fed in two pieces. */
export function sha256Message(i: number): number {
  sha256.update(message, 0, 70 + (i & 7)).update(message, 70 + (i & 7), message.length);
  sha256.finishHex(hex, 0);
  return hex[i & 63];
}

const challengeBytes = ascii(
  'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, ' +
  'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", stale=FALSE',
);
const parsed = new Challenge();

/** One WWW-Authenticate value read into a preallocated Challenge. */
export function readChallenge(_i: number): number {
  if (!parseChallenge(challengeBytes, 0, challengeBytes.length, parsed)) throw new Error('readChallenge: refused');
  return parsed.nonceLength;
}

const response = ascii(
  'SIP/2.0 401 Unauthorized\r\n' +
  'Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKreg1\r\n' +
  'From: <sip:door@pbx.example.net>;tag=d00r\r\n' +
  'To: <sip:door@pbx.example.net>;tag=pbx1\r\n' +
  'Call-ID: reg-42@192.0.2.10\r\n' +
  'CSeq: 1 REGISTER\r\n' +
  'WWW-Authenticate: Digest realm="pbx.example.net", nonce="m1", qop="auth", algorithm=MD5\r\n' +
  'WWW-Authenticate: Digest realm="pbx.example.net", nonce="5e9a0c1f", qop="auth", algorithm=SHA-256\r\n' +
  'Content-Length: 0\r\n\r\n',
);
const parser = new SipParser(DEFAULT_LIMITS);
if (parser.parse(response, 0, response.length) !== 0) throw new Error('digest entry: the 401 does not parse');
const chosen = new Challenge();

/** The challenge to answer chosen from a parsed 401 with an MD5 and a SHA-256 challenge. */
export function choose(_i: number): number {
  if (!chooseChallenge(parser.view, H_WWW_AUTHENTICATE, chosen)) throw new Error('choose: none');
  return chosen.algorithm;
}

const client = new DigestClient();
const writer = new Writer(1024);
const username = ascii('door'), password = ascii('s3cret'), method = ascii('REGISTER'), uri = ascii('sip:pbx.example.net');
const cnonce = ascii('c0ffee42');

/** The Authorization field of the next REGISTER: SHA-256 response and the whole header written. */
export function answer(i: number): number {
  client.writeCredentials(writer.reset(), H_AUTHORIZATION, chosen, username, password, method, uri, 0, uri.length, i + 1, cnonce);
  return writer.pos;
}
