// Digest authentication, client side: MD5 and SHA-256, challenges, credentials — RFC 1321, FIPS 180-4, RFC 2617 §3.5,
// RFC 3261 §22, RFC 7616 §3.3, §3.4, §3.9.1, RFC 8760 §2.4. node:crypto is the independent reference (tests only).
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { Md5 } from "../../src/sip/md5.js";
import { Sha256 } from "../../src/sip/sha256.js";
import {
	ALG_MD5, ALG_MD5_SESS, ALG_SHA256, ALG_SHA256_SESS, Challenge, CHALLENGE_FIELD_CAPACITY, chooseChallenge,
	DigestClient, parseChallenge,
} from "../../src/sip/digest.js";
import { ascii, text } from "../../src/sip/bytes.js";
import { Writer } from "../../src/sip/writer.js";
import { SipParser } from "../../src/sip/parser.js";
import { DEFAULT_LIMITS } from "../../src/sip/limits.js";
import { H_AUTHORIZATION, H_PROXY_AUTHENTICATE, H_PROXY_AUTHORIZATION, H_WWW_AUTHENTICATE } from "../../src/sip/header-ids.js";
import { bytesOf, wireOf } from "./trace.js";
import { Xorshift } from "../xorshift.js";

type Hash = Md5 | Sha256;

/** Hex of the whole input, fed in one update(). */
function hexOf(h: Hash, input: Uint8Array): string {
	const out = new Uint8Array(64);
	const end = h.update(input, 0, input.length).finishHex(out, 0);
	return wireOf(out, 0, end);
}

/** node:crypto's answer, the independent reference. */
function nodeHex(name: "md5" | "sha256", input: Uint8Array | string): string {
	return createHash(name).update(input).digest("hex");
}

/** A deterministic source of pieces (the same every run). */
function rng(seed: number): () => number {
	const r = new Xorshift(seed);
	return () => r.next();
}

// RFC 1321 appendix A.5, the test suite.
const MD5_SUITE: readonly (readonly [string, string])[] = [
	["", "d41d8cd98f00b204e9800998ecf8427e"],
	["a", "0cc175b9c0f1b6a831c399e269772661"],
	["abc", "900150983cd24fb0d6963f7d28e17f72"],
	["message digest", "f96b697d7cb7938d525a2f31aaf161d0"],
	["abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"],
	["ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"],
	["12345678901234567890123456789012345678901234567890123456789012345678901234567890", "57edf4a22be3c955ac49da2e2107b67a"],
];

// FIPS 180-2 appendix B.1-B.3 (the same examples as FIPS 180-4's published examples).
const SHA256_ONE_BLOCK = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
const SHA256_TWO_BLOCK_INPUT = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
const SHA256_TWO_BLOCK = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
const SHA256_MILLION_A = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

describe("RFC 1321 MD5", () => {
	it("gives the digests of the appendix A.5 test suite (RFC 1321 A.5)", () => {
		const md5 = new Md5();
		for (const [input, expected] of MD5_SUITE) {
			assert.equal(expected, nodeHex("md5", input), `reference disagrees on ${JSON.stringify(input)}`);
			assert.equal(hexOf(md5, ascii(input)), expected, JSON.stringify(input));
		}
	});

	it("gives the same digest whatever the pieces the input arrives in (RFC 1321 §3)", () => {
		const md5 = new Md5(), out = new Uint8Array(32);
		const input = ascii(MD5_SUITE[6][0]);
		for (let cut1 = 0; cut1 <= input.length; cut1 += 3) {
			for (let cut2 = cut1; cut2 <= input.length; cut2 += 7) {
				md5.update(input, 0, cut1).update(input, cut1, cut2).update(input, cut2, input.length);
				assert.equal(wireOf(out, 0, md5.finishHex(out, 0)), MD5_SUITE[6][1], `cuts at ${cut1}, ${cut2}`);
			}
		}
	});

	it("agrees with node:crypto on every length 0..300, in random pieces (RFC 1321 §3.1 padding edges)", () => {
		const md5 = new Md5(), out = new Uint8Array(32), next = rng(1321);
		for (let n = 0; n <= 300; n++) {
			const input = randomBytes(n);
			assert.equal(hexOf(md5, input), nodeHex("md5", input), `length ${n}`);
			for (let i = 0; i < n;) {
				const j = Math.min(n, i + (next() % 70));
				md5.update(input, i, j);
				i = j;
			}
			assert.equal(wireOf(out, 0, md5.finishHex(out, 0)), nodeHex("md5", input), `length ${n} in pieces`);
		}
	});

	it("writes at an offset, returns the end, and is ready for the next message after finishHex (RFC 1321 §3.5)", () => {
		const md5 = new Md5(), out = new Uint8Array(40).fill(0x2e);
		md5.update(ascii("abandoned"), 0, 9).reset();
		assert.equal(md5.update(ascii("abc"), 0, 3).finishHex(out, 5), 37);
		assert.equal(wireOf(out, 0, 40), "....." + MD5_SUITE[2][1] + "...");
		assert.equal(hexOf(md5, ascii("a")), MD5_SUITE[1][1]);
	});
});

describe("FIPS 180-4 SHA-256", () => {
	it("gives the digests of the one-block and two-block examples (FIPS 180-2 B.1, B.2)", () => {
		const sha = new Sha256();
		assert.equal(SHA256_ONE_BLOCK, nodeHex("sha256", "abc"));
		assert.equal(SHA256_TWO_BLOCK, nodeHex("sha256", SHA256_TWO_BLOCK_INPUT));
		assert.equal(hexOf(sha, ascii("abc")), SHA256_ONE_BLOCK);
		assert.equal(hexOf(sha, ascii(SHA256_TWO_BLOCK_INPUT)), SHA256_TWO_BLOCK);
	});

	it("gives the digest of one million 'a', whole and in odd pieces (FIPS 180-2 B.3)", () => {
		const sha = new Sha256(), out = new Uint8Array(64);
		const million = new Uint8Array(1_000_000).fill(0x61);
		assert.equal(SHA256_MILLION_A, nodeHex("sha256", million));
		assert.equal(hexOf(sha, million), SHA256_MILLION_A);
		for (let i = 0; i < million.length; i += 997) sha.update(million, i, Math.min(million.length, i + 997));
		assert.equal(wireOf(out, 0, sha.finishHex(out, 0)), SHA256_MILLION_A);
	});

	it("agrees with node:crypto on every length 0..300, in random pieces (FIPS 180-4 §5.1.1 padding edges)", () => {
		const sha = new Sha256(), out = new Uint8Array(64), next = rng(1804);
		for (let n = 0; n <= 300; n++) {
			const input = randomBytes(n);
			assert.equal(hexOf(sha, input), nodeHex("sha256", input), `length ${n}`);
			for (let i = 0; i < n;) {
				const j = Math.min(n, i + (next() % 70));
				sha.update(input, i, j);
				i = j;
			}
			assert.equal(wireOf(out, 0, sha.finishHex(out, 0)), nodeHex("sha256", input), `length ${n} in pieces`);
		}
	});

	it("writes at an offset, returns the end, and is ready for the next message after finishHex (FIPS 180-4 §6.2)", () => {
		const sha = new Sha256(), out = new Uint8Array(70).fill(0x2e);
		assert.equal(sha.update(ascii("abc"), 0, 3).finishHex(out, 3), 67);
		assert.equal(wireOf(out, 0, 70), "..." + SHA256_ONE_BLOCK + "...");
		assert.equal(hexOf(sha, ascii("abc")), SHA256_ONE_BLOCK);
	});
});

/** The response computed from the RFC 7616 §3.4 formulas with node:crypto: the independent reference. */
function referenceResponse(algorithm: string, user: string, realm: string, pass: string, method: string, uri: string,
	nonce: string, nc: number, cnonce: string, qopAuth: boolean): string {
	const name = algorithm.startsWith("SHA-256") ? "sha256" : "md5";
	const H = (s: string): string => nodeHex(name, Buffer.from(s, "latin1"));
	let ha1 = H(`${user}:${realm}:${pass}`);
	if (algorithm.endsWith("-sess")) ha1 = H(`${ha1}:${nonce}:${cnonce}`);
	const ha2 = H(`${method}:${uri}`);
	const ncHex = nc.toString(16).padStart(8, "0");
	return qopAuth ? H(`${ha1}:${nonce}:${ncHex}:${cnonce}:auth:${ha2}`) : H(`${ha1}:${nonce}:${ha2}`);
}

function challengeOf(value: string): Challenge {
	const ch = new Challenge();
	const b = bytesOf(value);
	assert.equal(parseChallenge(b, 0, b.length, ch), true, value);
	return ch;
}

function refused(value: string): void {
	const b = bytesOf(value);
	assert.equal(parseChallenge(b, 0, b.length, new Challenge()), false, value);
}

function responseOf(client: DigestClient, ch: Challenge, user: string, pass: string, method: string, uri: string,
	nc: number, cnonce: string): string {
	const out = new Uint8Array(70), u = ascii(uri);
	const end = client.response(ch, ascii(user), ascii(pass), ascii(method), u, 0, u.length, nc, ascii(cnonce), out, 2);
	return wireOf(out, 2, end);
}

// RFC 2617 §3.5 (the same exchange as RFC 3261 §22.4's example values).
const RFC2617_CHALLENGE =
	'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ' +
	'opaque="5ccc069c403ebaf9f0171e9517f40e41"';
const RFC2617_RESPONSE = "6629fae49393a05397450978507c4ef1";
// RFC 7616 §3.9.1, with erratum 4495: the password is "Circle of Life", lower-case "of".
const RFC7616_NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
const RFC7616_OPAQUE = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";
const RFC7616_CNONCE = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
function rfc7616Challenge(algorithm: string): string {
	return `Digest\r\n realm="http-auth@example.org",\r\n qop="auth, auth-int",\r\n algorithm=${algorithm},\r\n ` +
		`nonce="${RFC7616_NONCE}",\r\n opaque="${RFC7616_OPAQUE}"`;
}
const RFC7616_MD5_RESPONSE = "8ca523f5e9506fed4657c9700eebdbec";
const RFC7616_SHA256_RESPONSE = "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1";

describe("RFC 7616 §3.4 The response", () => {
	const client = new DigestClient();

	it("answers the RFC 2617 §3.5 example: Mufasa, \"Circle Of Life\", qop=auth (RFC 2617 §3.5)", () => {
		const ch = challengeOf(RFC2617_CHALLENGE);
		assert.equal(RFC2617_RESPONSE, referenceResponse("MD5", "Mufasa", "testrealm@host.com", "Circle Of Life", "GET",
			"/dir/index.html", "dcd98b7102dd2f0e8b11d0f600bfb0c093", 1, "0a4f113b", true));
		assert.equal(responseOf(client, ch, "Mufasa", "Circle Of Life", "GET", "/dir/index.html", 1, "0a4f113b"), RFC2617_RESPONSE);
	});

	it("answers the RFC 7616 §3.9.1 examples with MD5 and SHA-256 (RFC 7616 §3.9.1, erratum 4495)", () => {
		for (const [algorithm, expected] of [["MD5", RFC7616_MD5_RESPONSE], ["SHA-256", RFC7616_SHA256_RESPONSE]]) {
			const ch = challengeOf(rfc7616Challenge(algorithm));
			assert.equal(expected, referenceResponse(algorithm, "Mufasa", "http-auth@example.org", "Circle of Life", "GET",
				"/dir/index.html", RFC7616_NONCE, 1, RFC7616_CNONCE, true));
			assert.equal(responseOf(client, ch, "Mufasa", "Circle of Life", "GET", "/dir/index.html", 1, RFC7616_CNONCE), expected, algorithm);
		}
	});

	it("computes the -sess HA1 and the qop-less RFC 2069 form as the formulas say (RFC 7616 §3.4.2, RFC 3261 §22.4)", () => {
		const cases: [string, string, boolean][] = [
			["MD5", "", false], ["SHA-256", "", false], ["MD5", ', qop="auth"', true], ["SHA-256", ", qop=auth", true],
			["MD5-sess", ', qop="auth"', true], ["SHA-256-sess", ', qop="auth-int,auth"', true],
		];
		for (const [algorithm, qop, qopAuth] of cases) {
			const ch = challengeOf(`Digest realm="pbx.example.net", nonce="4e8f3a${algorithm}", algorithm=${algorithm}${qop}`);
			assert.equal(ch.qopAuth, qopAuth);
			for (const nc of [1, 2, 0x1a2b, 0xffffffff]) {
				const expected = referenceResponse(algorithm, "door", "pbx.example.net", "s3cret", "REGISTER", "sip:pbx.example.net",
					`4e8f3a${algorithm}`, nc, "c0ffee42", qopAuth);
				assert.equal(responseOf(client, ch, "door", "s3cret", "REGISTER", "sip:pbx.example.net", nc, "c0ffee42"), expected,
					`${algorithm}${qop} nc=${nc}`);
			}
		}
	});

	it("hashes the realm and nonce unescaped, and only the given span of the URI (RFC 7616 §3.4 unq())", () => {
		const ch = challengeOf('Digest realm="door \\"A\\" \\\\ hall", nonce="n\\x1", qop=auth');
		assert.equal(text(ch.realm, 0, ch.realmLength), 'door "A" \\ hall');
		const out = new Uint8Array(32), uri = ascii("INVITE sip:door@192.0.2.10 SIP/2.0");
		const end = client.response(ch, ascii("u"), ascii("p"), ascii("INVITE"), uri, 7, 26, 3, ascii("cn"), out, 0);
		assert.equal(wireOf(out, 0, end), referenceResponse("MD5", "u", 'door "A" \\ hall', "p", "INVITE", "sip:door@192.0.2.10", "nx1", 3, "cn", true));
	});
});

describe("RFC 7616 §3.3 Reading a challenge", () => {
	it("reads the RFC 7616 §3.9.1 challenge, folded over lines as printed (RFC 7616 §3.9.1, RFC 3261 §7.3.1)", () => {
		const ch = challengeOf(rfc7616Challenge("SHA-256"));
		assert.equal(text(ch.realm, 0, ch.realmLength), "http-auth@example.org");
		assert.equal(text(ch.nonce, 0, ch.nonceLength), RFC7616_NONCE);
		assert.equal(text(ch.opaque, 0, ch.opaqueLength), RFC7616_OPAQUE);
		assert.equal(ch.algorithm, ALG_SHA256);
		assert.equal(ch.qopAuth, true);
		assert.equal(ch.stale, false);
	});

	it("takes quoted and token values, in any order, and MD5 when no algorithm is named (RFC 3261 §25.1, RFC 7616 §3.3)", () => {
		const ch = challengeOf("Digest nonce=abc/def+==,algorithm=\"SHA-256-sess\",qop=auth,realm=door");
		assert.equal(text(ch.realm, 0, ch.realmLength), "door");
		assert.equal(text(ch.nonce, 0, ch.nonceLength), "abc/def+==");
		assert.equal(ch.algorithm, ALG_SHA256_SESS);
		assert.equal(ch.qopAuth, true);
		assert.equal(ch.opaqueLength, -1);
		const plain = challengeOf('Digest realm="r", nonce="n"');
		assert.equal(plain.algorithm, ALG_MD5);
		assert.equal(plain.qopAuth, false);
		assert.equal(plain.opaqueLength, -1);
		assert.equal(challengeOf('Digest realm="r", nonce="n", opaque=""').opaqueLength, 0);
	});

	it("compares the scheme, parameter names and algorithm, qop and stale values without case (RFC 7235 §2.1, RFC 7616 §3.3)", () => {
		const ch = challengeOf('DIGEST REALM="Door", Nonce="N", ALGORITHM=md5-SESS, QoP="AUTH", STALE=True');
		assert.equal(text(ch.realm, 0, ch.realmLength), "Door", "values keep their case");
		assert.equal(ch.algorithm, ALG_MD5_SESS);
		assert.equal(ch.qopAuth, true);
		assert.equal(ch.stale, true);
		for (const [stale, expected] of [["true", true], ["TRUE", true], ['"true"', true], ["false", false], ["FALSE", false], ["yes", false]] as const) {
			assert.equal(challengeOf(`Digest realm="r", nonce="n", stale=${stale}`).stale, expected, stale);
		}
	});

	it("finds auth in a qop list with LWS, and refuses a list without it (RFC 7616 §3.3, RFC 2617 §3.2.2)", () => {
		assert.equal(challengeOf('Digest realm="r", nonce="n", qop="auth-int , auth"').qopAuth, true);
		assert.equal(challengeOf('Digest realm="r", nonce="n", qop="auth-conf,auth"').qopAuth, true);
		refused('Digest realm="r", nonce="n", qop="auth-int"');
		refused('Digest realm="r", nonce="n", qop="authx"');
	});

	it("ignores parameters it does not use (RFC 7616 §3.3: unknown directives are ignored)", () => {
		const ch = challengeOf('Digest domain="sip:pbx.example.net", realm="r", charset=UTF-8, userhash=false, x-door="a,b", nonce="n"');
		assert.equal(text(ch.realm, 0, ch.realmLength), "r");
		assert.equal(text(ch.nonce, 0, ch.nonceLength), "n");
	});

	it("refuses an algorithm it does not implement, so another challenge can be chosen (RFC 8760 §2.4)", () => {
		for (const alg of ["SHA-512-256", "SHA-512-256-sess", "SHA-1", "MD5x", '""']) refused(`Digest realm="r", nonce="n", qop=auth, algorithm=${alg}`);
	});

	it("refuses another scheme, a missing realm or nonce, and -sess without qop (RFC 3261 §22.4, RFC 2617 §3.2.2)", () => {
		refused('Basic realm="door"');
		refused('Digestrealm="r", nonce="n"');
		refused("Digest");
		refused("");
		refused('Digest nonce="n", qop=auth');
		refused('Digest realm="r", qop=auth');
		refused('Digest realm="r", nonce="n", algorithm=MD5-sess');
		refused('Digest realm="r", nonce="n", algorithm=SHA-256-sess');
	});

	it("refuses malformed syntax without throwing: unterminated quote, no '=', no comma, empty value (RFC 3261 §25.1)", () => {
		refused('Digest realm="r, nonce="n"');
		refused('Digest realm="r", nonce="n\\"');
		refused('Digest realm="r", nonce="n\\');
		refused('Digest realm="r", nonce');
		refused('Digest realm="r" nonce="n"');
		refused('Digest realm="r", nonce=');
		refused('Digest realm="r", nonce=, qop=auth');
		refused('Digest realm="r", ="n"');
		refused('Digest realm="r", nonce="n" x');
	});

	it("refuses every truncation of a valid challenge, and never throws on mutated bytes (RFC 3261 §25.1)", () => {
		const full = bytesOf('Digest qop="auth", opaque="o", realm="door", nonce="n1"');
		assert.equal(parseChallenge(full, 0, full.length, new Challenge()), true);
		const ch = new Challenge();
		for (let n = 0; n < full.length; n++) {
			assert.equal(parseChallenge(full, 0, n, ch), false, wireOf(full, 0, n));
		}
		const next = rng(7616), copy = new Uint8Array(full.length);
		let accepted = 0;
		for (let k = 0; k < 5000; k++) {
			copy.set(full);
			copy[next() % copy.length] = next() & 0xff;
			const ok = parseChallenge(copy, 0, copy.length, ch);
			if (ok) {
				accepted++;
				assert.ok(ch.realmLength <= CHALLENGE_FIELD_CAPACITY && ch.nonceLength <= CHALLENGE_FIELD_CAPACITY);
			}
		}
		assert.ok(accepted > 0 && accepted < 5000, `${accepted} of 5000 mutations accepted`);
	});

	it("keeps fields up to CHALLENGE_FIELD_CAPACITY bytes and refuses a longer one (never truncates)", () => {
		const fits = "x".repeat(CHALLENGE_FIELD_CAPACITY);
		assert.equal(challengeOf(`Digest realm="r", nonce="${fits}"`).nonceLength, CHALLENGE_FIELD_CAPACITY);
		refused(`Digest realm="r", nonce="${fits}x"`);
		refused(`Digest realm="${fits}x", nonce="n"`);
		refused(`Digest realm="r", nonce="n", opaque=${fits}x`);
	});

	it("copies one challenge into another and compares nonces (RFC 7616 §3.4: nc restarts with a new nonce)", () => {
		const a = challengeOf('Digest realm="r", nonce="n1", qop=auth, opaque="o", algorithm=SHA-256, stale=true');
		const b = challengeOf('Digest realm="longer realm", nonce="n2"');
		assert.equal(a.sameNonce(b), false);
		b.copyFrom(a);
		assert.equal(text(b.realm, 0, b.realmLength), "r");
		assert.equal(text(b.opaque, 0, b.opaqueLength), "o");
		assert.deepEqual([b.algorithm, b.qopAuth, b.stale], [ALG_SHA256, true, true]);
		assert.equal(a.sameNonce(b), true);
		assert.equal(a.sameNonce(challengeOf('Digest realm="r", nonce="n10", qop=auth')), false);
	});
});

const DIALOG =
	"Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKreg1\r\n" +
	"From: <sip:door@pbx.example.net>;tag=d00r\r\n" +
	"To: <sip:door@pbx.example.net>;tag=pbx1\r\n" +
	"Call-ID: reg-42@192.0.2.10\r\n" +
	"CSeq: 1 REGISTER\r\n";

function response401(status: number, challenges: string[], name = status === 407 ? "Proxy-Authenticate" : "WWW-Authenticate"): SipParser {
	const p = new SipParser(DEFAULT_LIMITS);
	const wire = `SIP/2.0 ${status} ${status === 407 ? "Proxy Authentication Required" : "Unauthorized"}\r\n` + DIALOG +
		challenges.map((c) => `${name}: ${c}\r\n`).join("") + "Content-Length: 0\r\n\r\n";
	const buf = bytesOf(wire);
	assert.equal(p.parse(buf, 0, buf.length), 0, p.verdict.describe(buf));
	return p;
}

describe("RFC 8760 §2.4 Choosing among challenges", () => {
	it("takes SHA-256 over MD5 whatever their order, one header field per challenge (RFC 8760 §2.4, §3)", () => {
		const md5 = 'Digest realm="pbx", nonce="m", qop="auth", algorithm=MD5';
		const sha = 'Digest realm="pbx",\r\n nonce="s", qop="auth",\r\n\talgorithm=SHA-256'; // folded (§7.3.1)
		for (const order of [[md5, sha], [sha, md5]]) {
			const m = response401(401, order).view;
			assert.equal(m.count(H_WWW_AUTHENTICATE), 2, "the scanner keeps each challenge whole");
			const ch = new Challenge();
			assert.equal(chooseChallenge(m, H_WWW_AUTHENTICATE, ch), true);
			assert.equal(ch.algorithm, ALG_SHA256);
			assert.equal(text(ch.nonce, 0, ch.nonceLength), "s");
		}
	});

	it("skips what it cannot answer and takes the topmost among equals (RFC 8760 §2.4)", () => {
		const m = response401(401, [
			'Digest realm="pbx", nonce="a", algorithm=SHA-512-256, qop=auth',
			'Basic realm="pbx"',
			'Digest realm="pbx", nonce="b", qop="auth-int"',
			'Digest realm="pbx", nonce="c", qop=auth',
			'Digest realm="pbx", nonce="d", algorithm=MD5-sess, qop=auth',
		]).view;
		const ch = new Challenge();
		assert.equal(chooseChallenge(m, H_WWW_AUTHENTICATE, ch), true);
		assert.equal(text(ch.nonce, 0, ch.nonceLength), "c");
		assert.equal(ch.algorithm, ALG_MD5);
	});

	it("reads Proxy-Authenticate of a 407, and answers false when nothing is usable (RFC 3261 §22.3)", () => {
		const ch = new Challenge();
		const proxy = response401(407, ['Digest realm="proxy", nonce="p", algorithm=SHA-256-sess, qop=auth']).view;
		assert.equal(chooseChallenge(proxy, H_PROXY_AUTHENTICATE, ch), true);
		assert.equal(ch.algorithm, ALG_SHA256_SESS);
		assert.equal(chooseChallenge(proxy, H_WWW_AUTHENTICATE, ch), false, "no WWW-Authenticate in a 407");
		const none = response401(401, ['Basic realm="pbx"', 'Digest realm="pbx", nonce="x", algorithm=SHA-512-256']).view;
		assert.equal(chooseChallenge(none, H_WWW_AUTHENTICATE, ch), false);
	});
});

/** The parameters of a credentials value (test-side reading: quoted values unescaped). */
function credentialParams(value: string): Map<string, string> {
	const params = new Map<string, string>();
	assert.match(value, /^Digest /);
	const re = /\s*([A-Za-z-]+)=("((?:[^"\\]|\\.)*)"|[^\s,]+)\s*(,|$)/gy;
	re.lastIndex = 7;
	let m: RegExpExecArray | null;
	while (re.lastIndex < value.length && (m = re.exec(value)) !== null) {
		params.set(m[1], m[3] !== undefined ? m[3].replace(/\\(.)/g, "$1") : m[2]);
	}
	assert.equal(re.lastIndex, value.length, `credentials read to the end: ${value}`);
	return params;
}

describe("RFC 3261 §22.2, §22.3 Writing credentials", () => {
	const client = new DigestClient();

	it("writes the RFC 2617 §3.5 answer as one Authorization field, naming no algorithm the challenge did not name (RFC 2617 §3.5, RFC 7616 §3.4)", () => {
		const ch = challengeOf(RFC2617_CHALLENGE), w = new Writer(600), uri = ascii("/dir/index.html");
		client.writeCredentials(w, H_AUTHORIZATION, ch, ascii("Mufasa"), ascii("Circle Of Life"), ascii("GET"), uri, 0, uri.length, 1, ascii("0a4f113b"));
		// RFC 2617 §3.5's own answer has no algorithm parameter: its challenge had none.
		assert.equal(wireOf(w.buf, 0, w.pos),
			'Authorization: Digest username="Mufasa", realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ' +
			`uri="/dir/index.html", response="${RFC2617_RESPONSE}", cnonce="0a4f113b", ` +
			'opaque="5ccc069c403ebaf9f0171e9517f40e41", qop=auth, nc=00000001\r\n');
	});

	it("names the algorithm back when the challenge named it, MD5 included (RFC 7616 §3.4)", () => {
		const ch = challengeOf('Digest realm="pbx", nonce="abc", algorithm=MD5'), w = new Writer(400), uri = ascii("sip:pbx");
		client.writeCredentials(w, H_AUTHORIZATION, ch, ascii("door"), ascii("pw"), ascii("REGISTER"), uri, 0, uri.length, 1, ascii("unused"));
		const expected = referenceResponse("MD5", "door", "pbx", "pw", "REGISTER", "sip:pbx", "abc", 1, "", false);
		assert.equal(wireOf(w.buf, 0, w.pos),
			`Authorization: Digest username="door", realm="pbx", nonce="abc", uri="sip:pbx", response="${expected}", algorithm=MD5\r\n`);
	});

	it("writes a field a SIP parser reads back, with the challenge's values and the right response (RFC 3261 §22.4)", () => {
		const ch = challengeOf(rfc7616Challenge("SHA-256-sess"));
		const w = new Writer(2000), uri = ascii("sip:pbx.example.net");
		w.requestLine(ascii("REGISTER"), uri);
		w.ascii("Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKreg2\r\nFrom: <sip:door@pbx.example.net>;tag=d00r\r\n");
		w.ascii("To: <sip:door@pbx.example.net>\r\nCall-ID: reg-42@192.0.2.10\r\nCSeq: 2 REGISTER\r\nMax-Forwards: 70\r\n");
		client.writeCredentials(w, H_PROXY_AUTHORIZATION, ch, ascii('door "1"'), ascii("pw"), ascii("REGISTER"), uri, 0, uri.length, 0x2a, ascii(RFC7616_CNONCE));
		const length = w.endHeaders().finish();
		const p = new SipParser(DEFAULT_LIMITS);
		assert.equal(p.parse(w.buf, 0, length), 0, p.verdict.describe(w.buf));
		assert.equal(p.view.count(H_PROXY_AUTHORIZATION), 1);
		const params = credentialParams(p.view.headerText(H_PROXY_AUTHORIZATION));
		assert.deepEqual(Object.fromEntries(params), {
			username: 'door "1"', realm: "http-auth@example.org", nonce: RFC7616_NONCE, uri: "sip:pbx.example.net",
			response: referenceResponse("SHA-256-sess", 'door "1"', "http-auth@example.org", "pw", "REGISTER", "sip:pbx.example.net",
				RFC7616_NONCE, 0x2a, RFC7616_CNONCE, true),
			algorithm: "SHA-256-sess", cnonce: RFC7616_CNONCE, opaque: RFC7616_OPAQUE, qop: "auth", nc: "0000002a",
		});
		// The same grammar as a challenge: our own reader gets realm, nonce, opaque and algorithm back.
		const e = p.view.find(H_PROXY_AUTHORIZATION), back = new Challenge();
		assert.equal(parseChallenge(p.view.buf, p.view.valueStart(e), p.view.valueEnd(e), back), true);
		assert.equal(back.sameNonce(ch), true);
		assert.equal(text(back.opaque, 0, back.opaqueLength), RFC7616_OPAQUE);
		assert.equal(back.algorithm, ALG_SHA256_SESS);
	});

	it("omits cnonce, qop and nc without qop=auth, and opaque when there was none (RFC 7616 §3.4, RFC 2069)", () => {
		const ch = challengeOf('Digest realm="pbx", nonce="abc"'), w = new Writer(400), uri = ascii("sip:pbx");
		client.writeCredentials(w, H_AUTHORIZATION, ch, ascii("door"), ascii("pw"), ascii("REGISTER"), uri, 0, uri.length, 1, ascii("unused"));
		const expected = referenceResponse("MD5", "door", "pbx", "pw", "REGISTER", "sip:pbx", "abc", 1, "", false);
		assert.equal(wireOf(w.buf, 0, w.pos),
			`Authorization: Digest username="door", realm="pbx", nonce="abc", uri="sip:pbx", response="${expected}"\r\n`);
	});

	it("marks the writer overflowed, without throwing, when the field does not fit (DESIGN.md §3: never a growth)", () => {
		const ch = challengeOf(RFC2617_CHALLENGE), w = new Writer(100), uri = ascii("/dir/index.html");
		client.writeCredentials(w, H_AUTHORIZATION, ch, ascii("Mufasa"), ascii("Circle Of Life"), ascii("GET"), uri, 0, uri.length, 1, ascii("0a4f113b"));
		assert.equal(w.overflow, true);
		assert.ok(w.pos <= 100);
	});
});
