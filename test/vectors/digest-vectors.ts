// Digest authentication vectors: MD5 and SHA-256 digests, challenges read, responses and credentials written — a
// scenario in, a trace out. RFC 1321 A.5; FIPS 180-2 B.1, B.2; RFC 2617 §3.5; RFC 3261 §22; RFC 7616 §3.3, §3.4,
// §3.9.1; RFC 8760 §2.4. Host-free (src/ only, no node:, no assert), so the same vectors run on Node and on the XS
// engine (test/xs/digest-vectors.test.ts compares). Expected digests are the standards' own values; the padding-edge
// digests and the responses without a published example were computed with node:crypto (the independent reference
// that test/sip/digest.test.ts also checks against), never with the code under test.
import { Md5 } from "../../src/sip/md5.js";
import { Sha256 } from "../../src/sip/sha256.js";
import { Challenge, chooseChallenge, DigestClient, parseChallenge } from "../../src/sip/digest.js";
import { ascii, text } from "../../src/sip/bytes.js";
import { Writer } from "../../src/sip/writer.js";
import { SipParser } from "../../src/sip/parser.js";
import { DEFAULT_LIMITS } from "../../src/sip/limits.js";
import { H_AUTHORIZATION, H_PROXY_AUTHENTICATE, H_PROXY_AUTHORIZATION, H_WWW_AUTHENTICATE } from "../../src/sip/header-ids.js";
import { runVectors, type TraceVector, vectorTraces } from "./vector-runner.js";

export type DigestVector = TraceVector;

/** One char per byte (the inputs here are ASCII). */
function wire(buf: Uint8Array, start: number, end: number): string {
	let s = "";
	for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]);
	return s;
}

/** Hex of input[0, n) fed whole, or "pieces differ" when feeding it in uneven pieces gives another digest. */
function digestLine(h: Md5 | Sha256, input: Uint8Array, n: number): string {
	const whole = new Uint8Array(64), parts = new Uint8Array(64);
	const end = h.update(input, 0, n).finishHex(whole, 0);
	for (let i = 0, step = 1; i < n; step = (step * 5 + 3) % 71) {
		const j = i + step < n ? i + step : n;
		h.update(input, i, j);
		i = j;
	}
	h.finishHex(parts, 0);
	const hex = wire(whole, 0, end);
	return hex === wire(parts, 0, end) ? hex : `${hex} pieces differ: ${wire(parts, 0, end)}`;
}

/** Bytes (i * 31 + 7) mod 256: every byte value, no repeating 64-byte block. */
function pattern(n: number): Uint8Array {
	const b = new Uint8Array(n);
	for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) & 255;
	return b;
}

const PADDING_LENGTHS = [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 1000];

function paddingTrace(h: Md5 | Sha256): string[] {
	const input = pattern(1000), lines: string[] = [];
	for (let k = 0; k < PADDING_LENGTHS.length; k++) lines.push(`${PADDING_LENGTHS[k]} ${digestLine(h, input, PADDING_LENGTHS[k])}`);
	return lines;
}

const ALGORITHM_NAMES = ["MD5", "MD5-sess", "SHA-256", "SHA-256-sess"];

/** A challenge as one line. */
function describe(ch: Challenge): string {
	return `${ALGORITHM_NAMES[ch.algorithm]} realm=${text(ch.realm, 0, ch.realmLength)} nonce=${text(ch.nonce, 0, ch.nonceLength)}` +
		` opaque=${ch.opaqueLength < 0 ? "-" : text(ch.opaque, 0, ch.opaqueLength)} qop=${ch.qopAuth ? "auth" : "-"} stale=${ch.stale ? 1 : 0}`;
}

function readTrace(values: string[]): string[] {
	const ch = new Challenge(), lines: string[] = [];
	for (let i = 0; i < values.length; i++) {
		const b = ascii(values[i]);
		lines.push(parseChallenge(b, 0, b.length, ch) ? describe(ch) : "refused");
	}
	return lines;
}

function challengeOf(value: string): Challenge {
	const ch = new Challenge(), b = ascii(value);
	if (!parseChallenge(b, 0, b.length, ch)) throw new Error(`challenge refused: ${value}`);
	return ch;
}

function responseLine(client: DigestClient, ch: Challenge, user: string, pass: string, method: string, uri: string, nc: number, cnonce: string): string {
	const out = new Uint8Array(64), u = ascii(uri);
	return wire(out, 0, client.response(ch, ascii(user), ascii(pass), ascii(method), u, 0, u.length, nc, ascii(cnonce), out, 0));
}

const RFC2617_CHALLENGE =
	'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ' +
	'opaque="5ccc069c403ebaf9f0171e9517f40e41"';
const RFC7616_REST =
	'realm="http-auth@example.org", qop="auth, auth-int", nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", ' +
	'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
const RFC7616_CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

const UNAUTHORIZED_HEAD =
	"SIP/2.0 401 Unauthorized\r\n" +
	"Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKreg1\r\n" +
	"From: <sip:door@pbx.example.net>;tag=d00r\r\n" +
	"To: <sip:door@pbx.example.net>;tag=pbx1\r\n" +
	"Call-ID: reg-42@192.0.2.10\r\n" +
	"CSeq: 1 REGISTER\r\n";

export const DIGEST_VECTORS: readonly DigestVector[] = [
	{
		name: "MD5 of the test suite, whole and in pieces (RFC 1321 A.5)",
		run: () => {
			const md5 = new Md5(), lines: string[] = [];
			const suite = ["", "a", "abc", "message digest", "abcdefghijklmnopqrstuvwxyz",
				"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
				"12345678901234567890123456789012345678901234567890123456789012345678901234567890"];
			for (let i = 0; i < suite.length; i++) {
				const b = ascii(suite[i]);
				lines.push(`MD5 ("${suite[i]}") = ${digestLine(md5, b, b.length)}`);
			}
			return lines;
		},
		expect: [
			'MD5 ("") = d41d8cd98f00b204e9800998ecf8427e',
			'MD5 ("a") = 0cc175b9c0f1b6a831c399e269772661',
			'MD5 ("abc") = 900150983cd24fb0d6963f7d28e17f72',
			'MD5 ("message digest") = f96b697d7cb7938d525a2f31aaf161d0',
			'MD5 ("abcdefghijklmnopqrstuvwxyz") = c3fcd3d76192e4007dfb496cca67e13b',
			'MD5 ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") = d174ab98d277d9f5a5611c2c9f419d9f',
			'MD5 ("12345678901234567890123456789012345678901234567890123456789012345678901234567890") = 57edf4a22be3c955ac49da2e2107b67a',
		],
	},
	{
		name: "MD5 at the padding edges: one or two final blocks (RFC 1321 §3.1, §3.2)",
		run: () => paddingTrace(new Md5()),
		expect: [
			"0 d41d8cd98f00b204e9800998ecf8427e",
			"1 89e74e640b8c46257a29de0616794d5d",
			"55 c9e512626618c9980ef21a96597af94c",
			"56 ecde7caa08e9f5657c863df107cac60a",
			"57 b17b1a018dd6a4d1edda8aca15f17846",
			"63 2f0301069e1c40af7f6c8f843b1b13f2",
			"64 b6bf87c24b1bc334e2541387a92b981b",
			"65 f168246f08b6134d66bd2a10343fa9f1",
			"119 d5dc3d8264de3aa24dee105910ee27fe",
			"120 bcc139b3848923904860d1eefd6e5923",
			"127 27670172396247fa5f68637f13f8933d",
			"128 3e85b70ffc8df5c735ecf2a8f14f1bee",
			"129 e45ecac9930fe93de302f98ba673ba36",
			"1000 2b1e78d5765de9e10495a01412a1cf22",
		],
	},
	{
		name: "SHA-256 of the one-block and two-block examples (FIPS 180-2 B.1, B.2)",
		run: () => {
			const sha = new Sha256(), abc = ascii("abc");
			const two = ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq");
			return [digestLine(sha, abc, abc.length), digestLine(sha, two, two.length)];
		},
		expect: [
			"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
			"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
		],
	},
	{
		// FIPS 180-2 B.3 (one million 'a') takes seconds on XS; test/sip/digest.test.ts runs it on Node. 70 000 bytes
		// still carry the bit length past 2^16 and 2^19 in both digests.
		name: "MD5 and SHA-256 of a 70 000-byte message, whole and in pieces (RFC 1321 §3.2, FIPS 180-4 §5.1.1)",
		run: () => {
			const input = pattern(70000);
			return [digestLine(new Md5(), input, input.length), digestLine(new Sha256(), input, input.length)];
		},
		expect: [
			"108bb843b8c91d35f8112a02fdc6c77f",
			"3500f58cfd1bd88e231edf56dca995542a702bd54525804e5a8604c8aa5cb52e",
		],
	},
	{
		name: "SHA-256 at the padding edges: one or two final blocks (FIPS 180-4 §5.1.1)",
		run: () => paddingTrace(new Sha256()),
		expect: [
			"0 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
			"1 ca358758f6d27e6cf45272937977a748fd88391db679ceda7dc7bf1f005ee879",
			"55 8aa994584139d128848eeebc4e815639ba5ab6e6e39574195a63ac4f14f7c43b",
			"56 ad574708f75c044c9b85de64cb568ee7711ff4f36448c6242f053ba8f6cc2b63",
			"57 5b46e502092be01b1100193e089fdda95638c12e19a1d24f308eb2c3d3ae849d",
			"63 280ed3e8ff1df845b2e7dfe6ac6cee817bef20e783cc65abc41b818b4d2fe076",
			"64 c6ab9724ade5b6a7a1edfffb12f3aa9181351355af8fd08c919952ad211339dd",
			"65 788367c73c7ddf4c53f65e68cc0d943e6227ab55b0e78ba63ace822b1c6301c0",
			"119 3d610547d68216dedf7435a4fb6260353911f6b3fd3f18805ddb8be285d726fe",
			"120 1f80156a804cb7862ad113e8200e9d74499723e7c7854d5f48776d3148e09656",
			"127 192409cd280e14b743642ad1343fbd3e82d9305de72c078117745a679210cc3d",
			"128 cc548ca2dec1f6fe4f58b2e27aa9c7521607df1130d140b55a4dad0665302356",
			"129 81e89a7b2911aaa7795f9e3d4910cb47d6cd2b00d83b8399481527261a1a7519",
			"1000 5097e7d587352f5097062ae679f37bda5802d9f875aba14c8cb4d1a188ada179",
		],
	},
	{
		name: "Digest responses of the published examples (RFC 2617 §3.5, RFC 7616 §3.9.1 with erratum 4495)",
		run: () => {
			const client = new DigestClient();
			return [
				responseLine(client, challengeOf(RFC2617_CHALLENGE), "Mufasa", "Circle Of Life", "GET", "/dir/index.html", 1, "0a4f113b"),
				responseLine(client, challengeOf(`Digest ${RFC7616_REST}, algorithm=MD5`), "Mufasa", "Circle of Life", "GET", "/dir/index.html", 1, RFC7616_CNONCE),
				responseLine(client, challengeOf(`Digest ${RFC7616_REST}, algorithm=SHA-256`), "Mufasa", "Circle of Life", "GET", "/dir/index.html", 1, RFC7616_CNONCE),
			];
		},
		expect: [
			"6629fae49393a05397450978507c4ef1",
			"8ca523f5e9506fed4657c9700eebdbec",
			"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
		],
	},
	{
		name: "Digest responses with and without qop, with -sess (RFC 7616 §3.4.1, §3.4.2, RFC 3261 §22.4)",
		run: () => {
			const client = new DigestClient(), lines: string[] = [];
			const cases = [["MD5", ""], ["SHA-256", ""], ["MD5-sess", ", qop=auth"], ["SHA-256-sess", ', qop="auth"'], ["MD5", ', qop="auth-int,auth"'], ["SHA-256", ", qop=auth"]];
			for (let i = 0; i < cases.length; i++) {
				const ch = challengeOf(`Digest realm="pbx.example.net", nonce="4e8f3a", algorithm=${cases[i][0]}${cases[i][1]}`);
				lines.push(`${cases[i][0]}${ch.qopAuth ? " qop=auth" : ""} ${responseLine(client, ch, "door", "s3cret", "REGISTER", "sip:pbx.example.net", 7, "c0ffee42")}`);
			}
			return lines;
		},
		expect: [
			"MD5 6b54abce62c304a524fb3c309463dc55",
			"SHA-256 cc624919c4a6b0b88445c5e5344d92f4db2939d15a77f4d043cee752c223f47f",
			"MD5-sess qop=auth 76ea34213c7d9db2872cbb55a98abb97",
			"SHA-256-sess qop=auth 3fe9e526aca2ea9ea8f813fbaf9c9835f0cf04439052ce92dcebac7b2a07c1cb",
			"MD5 qop=auth cdf6b5b4fb18f53546418ae62c461260",
			"SHA-256 qop=auth 9ce39a88d10ecc7a035d0fc8294ca0d46ca8c4b719ddcea6427927d75e0b4e11",
		],
	},
	{
		name: "Challenges read: quoting, case, order, defaults; unusable ones refused (RFC 7616 §3.3, RFC 3261 §25.1)",
		run: () => readTrace([
			`Digest ${RFC7616_REST}, algorithm=SHA-256`,
			'digest NONCE=abc/def+==,Realm=door,QOP=AUTH,algorithm="md5-SESS",stale=TRUE',
			'Digest realm="a \\"b\\"", nonce="n", opaque="", stale=false, domain="sip:pbx", x-new=1',
			'Digest realm="r", nonce="n", algorithm=SHA-512-256, qop=auth',
			'Digest realm="r", nonce="n", qop="auth-int"',
			'Digest realm="r", nonce="n", algorithm=MD5-sess',
			'Digest realm="r, nonce="n"',
			'Digest realm="r" nonce="n"',
			'Digest nonce="n"',
			'Basic realm="r"',
		]),
		expect: [
			"SHA-256 realm=http-auth@example.org nonce=7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v opaque=FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS qop=auth stale=0",
			"MD5-sess realm=door nonce=abc/def+== opaque=- qop=auth stale=1",
			'MD5 realm=a "b" nonce=n opaque= qop=- stale=0',
			"refused",
			"refused",
			"refused",
			"refused",
			"refused",
			"refused",
			"refused",
		],
	},
	{
		name: "The strongest usable challenge of a 401 or 407, the topmost among equals (RFC 8760 §2.4, RFC 3261 §22.3)",
		run: () => {
			const p = new SipParser(DEFAULT_LIMITS), ch = new Challenge(), lines: string[] = [];
			const messages = [
				UNAUTHORIZED_HEAD +
				'WWW-Authenticate: Digest realm="pbx", nonce="m1", qop="auth", algorithm=MD5\r\n' +
				'WWW-Authenticate: Digest realm="pbx", nonce="s1", qop="auth", algorithm=SHA-256\r\n' +
				'WWW-Authenticate: Digest realm="pbx", nonce="s2", qop="auth", algorithm=SHA-256\r\n\r\n',
				UNAUTHORIZED_HEAD +
				'WWW-Authenticate: Digest realm="pbx", nonce="x1", algorithm=SHA-512-256, qop=auth\r\n' +
				'WWW-Authenticate: Digest realm="pbx", nonce="m2", algorithm=MD5-sess, qop=auth\r\n\r\n',
				UNAUTHORIZED_HEAD.replace("401 Unauthorized", "407 Proxy Authentication Required") +
				'Proxy-Authenticate: Digest realm="proxy",\r\n nonce="p1", algorithm=SHA-256-sess, qop=auth\r\n\r\n',
				UNAUTHORIZED_HEAD + 'WWW-Authenticate: Basic realm="pbx"\r\n\r\n',
			];
			for (let i = 0; i < messages.length; i++) {
				const b = ascii(messages[i]);
				if (p.parse(b, 0, b.length) !== 0) {
					lines.push(`parse ${p.verdict.status}`);
					continue;
				}
				const id = p.view.status === 407 ? H_PROXY_AUTHENTICATE : H_WWW_AUTHENTICATE;
				lines.push(chooseChallenge(p.view, id, ch) ? describe(ch) : "none");
			}
			return lines;
		},
		expect: [
			"SHA-256 realm=pbx nonce=s1 opaque=- qop=auth stale=0",
			"MD5-sess realm=pbx nonce=m2 opaque=- qop=auth stale=0",
			"SHA-256-sess realm=proxy nonce=p1 opaque=- qop=auth stale=0",
			"none",
		],
	},
	{
		name: "Credentials written: every parameter, quoting, qop-less form, Proxy-Authorization (RFC 7616 §3.4, RFC 3261 §22.2, §22.3)",
		run: () => {
			const client = new DigestClient(), w = new Writer(1000), lines: string[] = [];
			const get = ascii("/dir/index.html"), invite = ascii("INVITE sip:hall@pbx.example.net SIP/2.0");
			client.writeCredentials(w.reset(), H_AUTHORIZATION, challengeOf(RFC2617_CHALLENGE), ascii("Mufasa"), ascii("Circle Of Life"),
				ascii("GET"), get, 0, get.length, 1, ascii("0a4f113b"));
			lines.push(wire(w.buf, 0, w.pos));
			const plain = ascii("sip:pbx");
			client.writeCredentials(w.reset(), H_AUTHORIZATION, challengeOf('Digest realm="pbx", nonce="abc"'), ascii("door"), ascii("pw"),
				ascii("REGISTER"), plain, 0, plain.length, 1, ascii("unused"));
			lines.push(wire(w.buf, 0, w.pos));
			client.writeCredentials(w.reset(), H_PROXY_AUTHORIZATION,
				challengeOf('Digest realm="pbx.example.net", nonce="n0nce", algorithm=SHA-256-sess, qop=auth, opaque="o\\"1"'),
				ascii("door"), ascii("s3cret"), ascii("INVITE"), invite, 7, 31, 0x2a, ascii("c0ffee42"));
			lines.push(wire(w.buf, 0, w.pos));
			return lines;
		},
		expect: [
			'Authorization: Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ' +
			'uri="/dir/index.html", response="6629fae49393a05397450978507c4ef1", cnonce="0a4f113b", ' +
			'opaque="5ccc069c403ebaf9f0171e9517f40e41", qop=auth, nc=00000001\r\n',
			'Authorization: Digest username="door", realm="pbx", nonce="abc", uri="sip:pbx", ' +
			'response="1be82c0953ac5de2d8e7ed39eb20dabd"\r\n',
			'Proxy-Authorization: Digest username="door", realm="pbx.example.net", nonce="n0nce", uri="sip:hall@pbx.example.net", ' +
			'response="30648f6ddca8cf119910d4041a6f1aff0e2e4725c3c060790bfaa20626f22b1f", algorithm=SHA-256-sess, ' +
			'cnonce="c0ffee42", opaque="o\\"1", qop=auth, nc=0000002a\r\n',
		],
	},
];

export const DIGEST_VECTOR_COUNT = DIGEST_VECTORS.length;

/** Every vector's trace (for comparing engines line by line). */
export function digestVectorTraces(): string[][] {
	return vectorTraces(DIGEST_VECTORS);
}

/** Run every vector; a failure names the vector and the first line that differs. */
export function runDigestVectors(): { passed: number; failures: string[] } {
	return runVectors(DIGEST_VECTORS);
}
