// Benchmark corpus: SIP messages as exact wire bytes.
//
// The messages imitate what a door station sees on the wire in a small, realistic deployment:
//   door station (baresip-like UA)  192.168.1.50:5060, behind NAT as 198.51.100.23
//   Asterisk PBX (PJSIP)            pbx.example.net  203.0.113.5:5060
//   Kamailio edge proxy             sip.example.net  203.0.113.10 (public) / 10.0.0.2 (private), double Record-Route
//   Kamailio core proxy             10.0.0.10
//   desk phone 201 (baresip)        10.0.0.21:5060
// Values follow what those programs actually write (PJSIP branch/tag/Call-ID UUIDs and its
// "Content-Length:  0" with two spaces, Kamailio's tm branches "z9hG4bK<hash>.<md5>.0", its sl
// to-tags and its "100 trying -- your call is important to us", baresip's 64-bit hex ids).
// Display names carry UTF-8 ("Haustür", "Empfang Büro"), as real PBX traffic does, so byte
// length and string length differ for those messages.
//
// Host-free on purpose (no Node APIs): the same corpus can be fed to the XS engine.
// Every message is built once, at module load, from a start line, header lines and a body; the
// builder appends Content-Length computed from the body's UTF-8 byte length, and checkCorpus()
// (run at load) validates each message against RFC 3261 framing rules and against the expected
// values declared beside it.

/** Values every adapter must extract from a message (the self-check compares against these). */
export interface ExpectedFields {
  /** Request method, or `undefined` for a response. */
  readonly method: string | undefined;
  /** Response status code, or `undefined` for a request. */
  readonly status: number | undefined;
  readonly callId: string;
  readonly cseq: number;
  readonly cseqMethod: string;
  /** `branch` parameter of the topmost Via. */
  readonly branch: string;
}

export interface CorpusMessage {
  readonly name: string;
  /** The message as a JS string (what `new TextDecoder().decode(bytes)` yields). */
  readonly text: string;
  /** The exact wire bytes (UTF-8, CRLF line ends). Built once at load; never mutate. */
  readonly bytes: Uint8Array;
  readonly expect: ExpectedFields;
  /** Byte length of the body (equals the Content-Length value). */
  readonly bodyBytes: number;
}

/**
 * The checksum every adapter's parse() returns for a message, from the fields it read:
 * (request: method length | response: status code) + Call-ID length + CSeq number
 * + CSeq method length + top-Via branch length. Lengths are in characters; every value in this
 * corpus that enters the checksum is ASCII, so byte offsets give the same figure.
 */
export function expectedChecksum(e: ExpectedFields): number {
  const first = e.method !== undefined ? e.method.length : (e.status as number);
  return first + e.callId.length + e.cseq + e.cseqMethod.length + e.branch.length;
}

// ---------------------------------------------------------------------------------------------
// UTF-8 encoding (host-free; TextEncoder is not assumed).

function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function utf8Encode(s: string): Uint8Array {
  const out = new Uint8Array(utf8Length(s));
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out[o++] = c;
    } else if (c < 0x800) {
      out[o++] = 0xc0 | (c >> 6);
      out[o++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const lo = s.charCodeAt(++i);
      c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
      out[o++] = 0xf0 | (c >> 18);
      out[o++] = 0x80 | ((c >> 12) & 0x3f);
      out[o++] = 0x80 | ((c >> 6) & 0x3f);
      out[o++] = 0x80 | (c & 0x3f);
    } else {
      out[o++] = 0xe0 | (c >> 12);
      out[o++] = 0x80 | ((c >> 6) & 0x3f);
      out[o++] = 0x80 | (c & 0x3f);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Builder.

const CRLF = '\r\n';

interface Spec {
  readonly name: string;
  readonly startLine: string;
  /** Header lines without line ends and without Content-Length (appended by the builder). */
  readonly headers: readonly string[];
  /** Body lines joined by the builder with CRLF; each line gets a CRLF (as SDP requires). */
  readonly bodyLines?: readonly string[];
  /** Exactly how the Content-Length header starts (PJSIP writes two spaces after the colon). */
  readonly contentLengthPrefix?: string;
  readonly expect: ExpectedFields;
}

function build(spec: Spec): CorpusMessage {
  const body = spec.bodyLines === undefined ? '' : spec.bodyLines.map((l) => l + CRLF).join('');
  const bodyBytes = utf8Length(body);
  const clPrefix = spec.contentLengthPrefix ?? 'Content-Length: ';
  const head = [spec.startLine, ...spec.headers, clPrefix + String(bodyBytes)].map((l) => l + CRLF).join('');
  const text = head + CRLF + body;
  return { name: spec.name, text, bytes: utf8Encode(text), expect: spec.expect, bodyBytes };
}

// ---------------------------------------------------------------------------------------------
// Identifiers shared between messages of the same dialog / transaction.

const ASTERISK_UA = 'User-Agent: Asterisk PBX 20.5.2';
const ASTERISK_ALLOW =
  'Allow: OPTIONS, REGISTER, SUBSCRIBE, NOTIFY, PUBLISH, INVITE, ACK, BYE, CANCEL, UPDATE, PRACK, INFO, MESSAGE, REFER';
const BARESIP_UA = 'User-Agent: baresip v3.10.1 (x86_64/Linux)';
const BARESIP_ALLOW = 'Allow: INVITE,ACK,BYE,CANCEL,OPTIONS,NOTIFY,SUBSCRIBE,INFO,MESSAGE,UPDATE,REFER';
const KAMAILIO_SERVER = 'Server: kamailio (5.7.4 (x86_64/linux))';

// Registration of the door at Asterisk (CSeq 1 challenged by 401, CSeq 2 carries the credentials).
const REG_CALL_ID = '9a3c5e7f1b2d4068';
const REG_FROM_TAG = '4c1b9e0a57f2d863';
const REG1_BRANCH = 'z9hG4bK1d9c3a5e7b0f2468';
const REG2_BRANCH = 'z9hG4bK6e1f04d2a97c3b58';
const AST_NONCE = '1718031234/6a1a3c8e2f4b9d0e7c5a1b3d8f6e4a2c';
const AST_OPAQUE = '5d3c2b1a0f9e8d7c';

// Asterisk calls the door (monitoring call); later cancelled.
const AST_INV_BRANCH = 'z9hG4bKPj0b9a6b7e-6c5d-4e3f-a2b1-c0d9e8f7a6b5';
const AST_INV_CALL_ID = '7d2e9c1a-3b4f-4a6e-8d0c-5f1e2a3b4c5d';
const AST_INV_FROM_TAG = '4f1c2a0e-7b6d-4c5a-9e8f-1a2b3c4d5e6f';
const AST_INV_CSEQ = 6721;

// The door calls 201 through Kamailio (edge + core): 407, then INVITE with credentials.
const CALL_ID = 'c5b1e9d3a7f24860';
const DOOR_TAG = '9e7d5c3b1a2f4068';
const PHONE_TAG = '6b2a9c4e1f7d3058';
const INV1_BRANCH = 'z9hG4bK7a6b5c4d3e2f1098';
const INV2_BRANCH = 'z9hG4bK0f3e2d1c4b5a6978';
const INV1_CSEQ = 22842;
const INV2_CSEQ = 22843;
const CORE_BRANCH = 'z9hG4bK3c1e.9a2f0b4c7d6e5f8a1b2c3d4e5f607182.0';
const EDGE_BRANCH = 'z9hG4bK8d4f.2b3c4d5e6f708192a3b4c5d6e7f80912.0';
const FROM_DOOR = `From: "Haustür" <sip:door@sip.example.net>;tag=${DOOR_TAG}`;
const TO_201 = '<sip:201@sip.example.net>';
const DOOR_VIA_INV2 = `Via: SIP/2.0/UDP 192.168.1.50:5060;received=198.51.100.23;branch=${INV2_BRANCH};rport=5060`;
const RR_CORE = `<sip:10.0.0.10;lr;ftag=${DOOR_TAG}>`;
const RR_EDGE_IN = `<sip:10.0.0.2;r2=on;lr;ftag=${DOOR_TAG}>`;
const RR_EDGE_OUT = `<sip:203.0.113.10;r2=on;lr;ftag=${DOOR_TAG}>`;

// ---------------------------------------------------------------------------------------------
// The messages.

const specs: readonly Spec[] = [
  {
    name: 'REGISTER (digest Authorization)',
    startLine: 'REGISTER sip:pbx.example.net SIP/2.0',
    headers: [
      `Via: SIP/2.0/UDP 192.168.1.50:5060;branch=${REG2_BRANCH};rport`,
      'Contact: <sip:door@192.168.1.50:5060;transport=udp>;expires=3600',
      'Max-Forwards: 70',
      'To: <sip:door@pbx.example.net>',
      `From: <sip:door@pbx.example.net>;tag=${REG_FROM_TAG}`,
      `Call-ID: ${REG_CALL_ID}`,
      'CSeq: 2 REGISTER',
      BARESIP_UA,
      `Authorization: Digest username="door",realm="asterisk",nonce="${AST_NONCE}",uri="sip:pbx.example.net",` +
        `response="5f2a8c7e1d3b9a0c4e6f8a2b1c3d5e7f",cnonce="2b8e1f0a6c4d9e37",qop=auth,nc=00000001,` +
        `opaque="${AST_OPAQUE}",algorithm=MD5`,
      BARESIP_ALLOW,
      'Supported: replaces,norefersub,gruu',
    ],
    expect: { method: 'REGISTER', status: undefined, callId: REG_CALL_ID, cseq: 2, cseqMethod: 'REGISTER', branch: REG2_BRANCH },
  },
  {
    name: 'INVITE (SDP)',
    startLine: 'INVITE sip:door@198.51.100.23:5060 SIP/2.0',
    headers: [
      `Via: SIP/2.0/UDP 203.0.113.5:5060;rport;branch=${AST_INV_BRANCH}`,
      `From: "Empfang Büro" <sip:201@pbx.example.net>;tag=${AST_INV_FROM_TAG}`,
      'To: <sip:door@198.51.100.23>',
      'Contact: <sip:asterisk@203.0.113.5:5060>',
      `Call-ID: ${AST_INV_CALL_ID}`,
      `CSeq: ${AST_INV_CSEQ} INVITE`,
      ASTERISK_ALLOW,
      'Supported: 100rel, timer, replaces, norefersub, histinfo',
      'Session-Expires: 1800',
      'Min-SE: 90',
      'P-Asserted-Identity: "Empfang Büro" <sip:201@pbx.example.net>',
      'Max-Forwards: 70',
      ASTERISK_UA,
      'Content-Type: application/sdp',
    ],
    contentLengthPrefix: 'Content-Length:  ',
    bodyLines: [
      'v=0',
      'o=- 1718031500 1718031500 IN IP4 203.0.113.5',
      's=Asterisk',
      'c=IN IP4 203.0.113.5',
      't=0 0',
      'm=audio 14562 RTP/AVP 0 8 101',
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:8 PCMA/8000',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 0-16',
      'a=ptime:20',
      'a=maxptime:150',
      'a=sendrecv',
    ],
    expect: {
      method: 'INVITE', status: undefined, callId: AST_INV_CALL_ID, cseq: AST_INV_CSEQ, cseqMethod: 'INVITE',
      branch: AST_INV_BRANCH,
    },
  },
  {
    name: '100 Trying',
    startLine: 'SIP/2.0 100 trying -- your call is important to us',
    headers: [
      `Via: SIP/2.0/UDP 192.168.1.50:5060;branch=${INV2_BRANCH};rport=5060;received=198.51.100.23`,
      FROM_DOOR,
      `To: ${TO_201}`,
      `Call-ID: ${CALL_ID}`,
      `CSeq: ${INV2_CSEQ} INVITE`,
      KAMAILIO_SERVER,
    ],
    expect: { method: undefined, status: 100, callId: CALL_ID, cseq: INV2_CSEQ, cseqMethod: 'INVITE', branch: INV2_BRANCH },
  },
  {
    // As the callee sends it back to the core proxy: three Vias, three Record-Routes.
    name: '180 Ringing (3 Via, 3 Record-Route)',
    startLine: 'SIP/2.0 180 Ringing',
    headers: [
      `Via: SIP/2.0/UDP 10.0.0.10;branch=${CORE_BRANCH}`,
      `Via: SIP/2.0/UDP 10.0.0.2;branch=${EDGE_BRANCH}`,
      DOOR_VIA_INV2,
      `Record-Route: ${RR_CORE}`,
      `Record-Route: ${RR_EDGE_IN}`,
      `Record-Route: ${RR_EDGE_OUT}`,
      'Contact: <sip:201@10.0.0.21:5060;transport=udp>',
      `To: ${TO_201};tag=${PHONE_TAG}`,
      FROM_DOOR,
      `Call-ID: ${CALL_ID}`,
      `CSeq: ${INV2_CSEQ} INVITE`,
      BARESIP_UA,
      BARESIP_ALLOW,
    ],
    expect: { method: undefined, status: 180, callId: CALL_ID, cseq: INV2_CSEQ, cseqMethod: 'INVITE', branch: CORE_BRANCH },
  },
  {
    // Same path; the callee writes the lower Vias and the Record-Routes comma-joined.
    name: '200 OK INVITE (SDP, 3 Via, 3 RR)',
    startLine: 'SIP/2.0 200 OK',
    headers: [
      `Via: SIP/2.0/UDP 10.0.0.10;branch=${CORE_BRANCH}`,
      `Via: SIP/2.0/UDP 10.0.0.2;branch=${EDGE_BRANCH}, ` +
        `SIP/2.0/UDP 192.168.1.50:5060;received=198.51.100.23;branch=${INV2_BRANCH};rport=5060`,
      `Record-Route: ${RR_CORE}, ${RR_EDGE_IN}, ${RR_EDGE_OUT}`,
      'Contact: <sip:201@10.0.0.21:5060;transport=udp>',
      `To: ${TO_201};tag=${PHONE_TAG}`,
      FROM_DOOR,
      `Call-ID: ${CALL_ID}`,
      `CSeq: ${INV2_CSEQ} INVITE`,
      BARESIP_UA,
      BARESIP_ALLOW,
      'Supported: replaces,norefersub',
      'Content-Type: application/sdp',
    ],
    bodyLines: [
      'v=0',
      'o=- 2890844526 2890844527 IN IP4 10.0.0.21',
      's=-',
      'c=IN IP4 10.0.0.21',
      't=0 0',
      'm=audio 10432 RTP/AVP 0 8 101',
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:8 PCMA/8000',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 0-15',
      'a=ptime:20',
      'a=sendrecv',
      'a=rtcp:10433 IN IP4 10.0.0.21',
      'a=ssrc:2309573402 cname:4f0e6a1c@10.0.0.21',
    ],
    expect: { method: undefined, status: 200, callId: CALL_ID, cseq: INV2_CSEQ, cseqMethod: 'INVITE', branch: CORE_BRANCH },
  },
  {
    name: '401 Unauthorized (WWW-Authenticate)',
    startLine: 'SIP/2.0 401 Unauthorized',
    headers: [
      `Via: SIP/2.0/UDP 192.168.1.50:5060;rport=5060;received=198.51.100.23;branch=${REG1_BRANCH}`,
      `Call-ID: ${REG_CALL_ID}`,
      `From: <sip:door@pbx.example.net>;tag=${REG_FROM_TAG}`,
      `To: <sip:door@pbx.example.net>;tag=${REG1_BRANCH}`,
      'CSeq: 1 REGISTER',
      `WWW-Authenticate: Digest realm="asterisk",nonce="${AST_NONCE}",opaque="${AST_OPAQUE}",algorithm=md5,qop="auth"`,
      'Server: Asterisk PBX 20.5.2',
    ],
    contentLengthPrefix: 'Content-Length:  ',
    expect: { method: undefined, status: 401, callId: REG_CALL_ID, cseq: 1, cseqMethod: 'REGISTER', branch: REG1_BRANCH },
  },
  {
    name: '407 Proxy Auth (Proxy-Authenticate)',
    startLine: 'SIP/2.0 407 Proxy Authentication Required',
    headers: [
      `Via: SIP/2.0/UDP 192.168.1.50:5060;branch=${INV1_BRANCH};rport=5060;received=198.51.100.23`,
      FROM_DOOR,
      `To: ${TO_201};tag=b27e1a1d33761e85846fc98f5f3a7e58.4b7f`,
      `Call-ID: ${CALL_ID}`,
      `CSeq: ${INV1_CSEQ} INVITE`,
      'Proxy-Authenticate: Digest realm="sip.example.net", nonce="Zmh0a2Z2ZWZlZjY3ODFhZjM4ZDRiZjM1NzAyYmY3ODE=", qop="auth"',
      KAMAILIO_SERVER,
    ],
    expect: { method: undefined, status: 407, callId: CALL_ID, cseq: INV1_CSEQ, cseqMethod: 'INVITE', branch: INV1_BRANCH },
  },
  {
    // ACK for the 2xx: new branch, route set from the reversed Record-Route.
    name: 'ACK (route set)',
    startLine: 'ACK sip:201@10.0.0.21:5060;transport=udp SIP/2.0',
    headers: [
      'Via: SIP/2.0/UDP 192.168.1.50:5060;branch=z9hG4bK5e4d3c2b1a0f9e8d;rport',
      'Max-Forwards: 70',
      `Route: ${RR_EDGE_OUT}`,
      `Route: ${RR_EDGE_IN}`,
      `Route: ${RR_CORE}`,
      `To: ${TO_201};tag=${PHONE_TAG}`,
      FROM_DOOR,
      `Call-ID: ${CALL_ID}`,
      `CSeq: ${INV2_CSEQ} ACK`,
      BARESIP_UA,
    ],
    expect: {
      method: 'ACK', status: undefined, callId: CALL_ID, cseq: INV2_CSEQ, cseqMethod: 'ACK',
      branch: 'z9hG4bK5e4d3c2b1a0f9e8d',
    },
  },
  {
    // The callee hangs up; as received by the door after both proxies.
    name: 'BYE (3 Via)',
    startLine: 'BYE sip:door@192.168.1.50:5060;transport=udp SIP/2.0',
    headers: [
      'Via: SIP/2.0/UDP 203.0.113.10;branch=z9hG4bK9b8a.5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f.0',
      'Via: SIP/2.0/UDP 10.0.0.10;branch=z9hG4bK2e7f.1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d.0',
      'Via: SIP/2.0/UDP 10.0.0.21:5060;received=10.0.0.21;branch=z9hG4bK4a1c7e3f9b2d5068;rport=5060',
      'Max-Forwards: 68',
      `To: "Haustür" <sip:door@sip.example.net>;tag=${DOOR_TAG}`,
      `From: ${TO_201};tag=${PHONE_TAG}`,
      `Call-ID: ${CALL_ID}`,
      'CSeq: 5198 BYE',
      BARESIP_UA,
    ],
    expect: {
      method: 'BYE', status: undefined, callId: CALL_ID, cseq: 5198, cseqMethod: 'BYE',
      branch: 'z9hG4bK9b8a.5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f.0',
    },
  },
  {
    // Asterisk gives up on the monitoring INVITE: same branch, Call-ID and CSeq number.
    name: 'CANCEL',
    startLine: 'CANCEL sip:door@198.51.100.23:5060 SIP/2.0',
    headers: [
      `Via: SIP/2.0/UDP 203.0.113.5:5060;rport;branch=${AST_INV_BRANCH}`,
      `From: "Empfang Büro" <sip:201@pbx.example.net>;tag=${AST_INV_FROM_TAG}`,
      'To: <sip:door@198.51.100.23>',
      `Call-ID: ${AST_INV_CALL_ID}`,
      `CSeq: ${AST_INV_CSEQ} CANCEL`,
      'Max-Forwards: 70',
      ASTERISK_UA,
    ],
    contentLengthPrefix: 'Content-Length:  ',
    expect: {
      method: 'CANCEL', status: undefined, callId: AST_INV_CALL_ID, cseq: AST_INV_CSEQ, cseqMethod: 'CANCEL',
      branch: AST_INV_BRANCH,
    },
  },
  {
    // Asterisk "qualify" keepalive.
    name: 'OPTIONS (qualify)',
    startLine: 'OPTIONS sip:door@198.51.100.23:5060 SIP/2.0',
    headers: [
      'Via: SIP/2.0/UDP 203.0.113.5:5060;rport;branch=z9hG4bKPj3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7',
      'From: <sip:door@pbx.example.net>;tag=8a7b6c5d-4e3f-4a2b-9c1d-0e9f8a7b6c5d',
      'To: <sip:door@198.51.100.23>',
      'Contact: <sip:door@203.0.113.5:5060>',
      'Call-ID: 1e2d3c4b-5a69-4788-9c0b-a1b2c3d4e5f6',
      'CSeq: 41530 OPTIONS',
      'Max-Forwards: 70',
      ASTERISK_UA,
    ],
    contentLengthPrefix: 'Content-Length:  ',
    expect: {
      method: 'OPTIONS', status: undefined, callId: '1e2d3c4b-5a69-4788-9c0b-a1b2c3d4e5f6', cseq: 41530,
      cseqMethod: 'OPTIONS', branch: 'z9hG4bKPj3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7',
    },
  },
  {
    // The callee keys a door-code digit, Asterisk relays it as SIP INFO (dtmf_mode=info).
    name: 'INFO (dtmf-relay)',
    startLine: 'INFO sip:door@192.168.1.50:5060 SIP/2.0',
    headers: [
      'Via: SIP/2.0/UDP 203.0.113.5:5060;rport;branch=z9hG4bKPj6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f',
      'From: <sip:201@pbx.example.net>;tag=2f3e4d5c-6b7a-4980-a1b2-c3d4e5f6a7b8',
      'To: "Haustür" <sip:door@pbx.example.net>;tag=3a9f1c7e5b2d4068',
      'Contact: <sip:asterisk@203.0.113.5:5060>',
      'Call-ID: 0a1b2c3d4e5f6789',
      'CSeq: 24551 INFO',
      'Max-Forwards: 70',
      ASTERISK_UA,
      'Content-Type: application/dtmf-relay',
    ],
    contentLengthPrefix: 'Content-Length:  ',
    bodyLines: ['Signal=5', 'Duration=160'],
    expect: {
      method: 'INFO', status: undefined, callId: '0a1b2c3d4e5f6789', cseq: 24551, cseqMethod: 'INFO',
      branch: 'z9hG4bKPj6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f',
    },
  },
  {
    // Unsolicited MWI from Asterisk.
    name: 'NOTIFY (message-summary)',
    startLine: 'NOTIFY sip:door@192.168.1.50:5060 SIP/2.0',
    headers: [
      'Via: SIP/2.0/UDP 203.0.113.5:5060;rport;branch=z9hG4bKPj9d8c7b6a-5f4e-4d3c-b2a1-09f8e7d6c5b4',
      'From: <sip:door@pbx.example.net>;tag=5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9',
      'To: <sip:door@pbx.example.net>',
      'Contact: <sip:door@203.0.113.5:5060>',
      'Call-ID: 6f5e4d3c-2b1a-4098-8f7e-6d5c4b3a2918',
      'CSeq: 31210 NOTIFY',
      'Subscription-State: active',
      'Event: message-summary',
      'Allow-Events: presence, dialog, message-summary, refer',
      'Max-Forwards: 70',
      ASTERISK_UA,
      'Content-Type: application/simple-message-summary',
    ],
    contentLengthPrefix: 'Content-Length:  ',
    bodyLines: ['Messages-Waiting: yes', 'Message-Account: sip:door@pbx.example.net', 'Voice-Message: 2/8 (0/2)'],
    expect: {
      method: 'NOTIFY', status: undefined, callId: '6f5e4d3c-2b1a-4098-8f7e-6d5c4b3a2918', cseq: 31210,
      cseqMethod: 'NOTIFY', branch: 'z9hG4bKPj9d8c7b6a-5f4e-4d3c-b2a1-09f8e7d6c5b4',
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Validation (runs once at load; throws with the message name on the first fault).

const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
const COMPACT: Readonly<Record<string, string>> = {
  v: 'via', i: 'call-id', m: 'contact', f: 'from', t: 'to', l: 'content-length', c: 'content-type',
  k: 'supported', s: 'subject', e: 'content-encoding',
};

/** Checks one message's framing and mandatory headers (RFC 3261 §7, §8.1.1, §18.3, §20.14). */
export function checkMessage(m: CorpusMessage): void {
  const fail = (why: string): never => {
    throw new Error(`corpus message "${m.name}": ${why}`);
  };
  const t = m.text;
  const end = t.indexOf('\r\n\r\n');
  if (end < 0) fail('no empty line after the headers');
  const head = t.slice(0, end);
  const body = t.slice(end + 4);
  if (/\r(?!\n)|(?<!\r)\n/.test(head)) fail('bare CR or LF in the header section');
  const lines = head.split('\r\n');
  const start = lines[0] as string;
  const e = m.expect;
  if (e.method !== undefined) {
    const r = /^([A-Za-z0-9\-.!%*_+`'~]+) (sips?:[^ ]+) SIP\/2\.0$/.exec(start);
    if (r === null || r[1] !== e.method) fail(`bad request line "${start}"`);
  } else {
    const r = /^SIP\/2\.0 ([1-6][0-9][0-9]) [^\r\n]*$/.exec(start);
    if (r === null || Number(r[1]) !== e.status) fail(`bad status line "${start}"`);
  }
  const values = new Map<string, string[]>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.startsWith(' ') || line.startsWith('\t')) fail('unexpected folded line');
    const colon = line.indexOf(':');
    if (colon <= 0) fail(`header line without a name: "${line}"`);
    const rawName = line.slice(0, colon).trim();
    if (!TOKEN.test(rawName)) fail(`bad header name "${rawName}"`);
    const lower = rawName.toLowerCase();
    const name = COMPACT[lower] ?? lower;
    const list = values.get(name) ?? [];
    list.push(line.slice(colon + 1).trim());
    values.set(name, list);
  }
  const one = (name: string): string => {
    const v = values.get(name);
    if (v === undefined || v.length !== 1) return fail(`needs exactly one ${name} header`);
    return v[0] as string;
  };
  for (const name of ['to', 'from', 'call-id', 'cseq']) one(name);
  if (e.method !== undefined) one('max-forwards');
  const vias = values.get('via');
  if (vias === undefined) return fail('no Via');
  // Top Via: first value of the first Via header.
  const topVia = (vias[0] as string).split(',')[0] as string;
  const branch = /;\s*branch=([^;,\s]+)/i.exec(topVia);
  if (branch === null || branch[1] !== e.branch) fail(`top Via branch is not ${e.branch}`);
  if (!e.branch.startsWith('z9hG4bK')) fail('branch lacks the RFC 3261 magic cookie');
  if (one('call-id') !== e.callId) fail('Call-ID differs from the expected value');
  const cseq = /^([0-9]{1,10})\s+([A-Za-z0-9\-.!%*_+`'~]+)$/.exec(one('cseq'));
  if (cseq === null || Number(cseq[1]) !== e.cseq || cseq[2] !== e.cseqMethod) fail('CSeq differs from the expected value');
  if (e.method !== undefined && e.cseqMethod !== e.method) fail('CSeq method differs from the request method');
  const cl = one('content-length');
  if (!/^[0-9]+$/.test(cl) || Number(cl) !== utf8Length(body) || Number(cl) !== m.bodyBytes) fail('Content-Length is wrong');
  if ((body.length > 0) !== values.has('content-type')) fail('Content-Type must be present exactly when there is a body');
  if (m.bytes.length !== utf8Length(t)) fail('byte array length differs from the UTF-8 length');
}

function checkCorpus(list: readonly CorpusMessage[]): void {
  const names = new Set<string>();
  for (const m of list) {
    if (names.has(m.name)) throw new Error(`corpus: duplicate name "${m.name}"`);
    names.add(m.name);
    checkMessage(m);
  }
}

/** The corpus, in a fixed order. Each entry's bytes and text are built once, here. */
export const corpus: readonly CorpusMessage[] = Object.freeze(specs.map(build));
checkCorpus(corpus);

/** Names, wire bytes and strings as parallel arrays (same order as `corpus`). */
export const corpusNames: readonly string[] = corpus.map((m) => m.name);
export const corpusBytes: readonly Uint8Array[] = corpus.map((m) => m.bytes);
export const corpusStrings: readonly string[] = corpus.map((m) => m.text);

export function messageByName(name: string): CorpusMessage {
  const m = corpus.find((x) => x.name === name);
  if (m === undefined) throw new Error(`corpus: no message named "${name}"`);
  return m;
}
