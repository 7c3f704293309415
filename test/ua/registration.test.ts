// Registration call flows — RFC 3665 §2 (successful new registration, update, request for current contacts,
// cancellation, unsuccessful registration), RFC 3261 §10.2, §22, RFC 7616, RFC 8760, RFC 3581.
import assert from "node:assert/strict";
import { server } from "../../src/ua/ua-config.js";
import { checkCredentials } from "./digest-check.js";
import { REGISTRAR, STATION, UaHost, type Msg } from "./ua-host.js";

const CHALLENGE_MD5 = `WWW-Authenticate: Digest realm="example.com", nonce="ea9c8e88df84f1cec4341ae6cbe5a359", qop="auth", algorithm=MD5, opaque="5ccc069c403ebaf9f0171e9517f40e41"\r\n`;
const OUR_CONTACT = `<sip:door@${STATION}:5060>`;

function station(changes: ConstructorParameters<typeof UaHost>[0] = {}): UaHost {
	return new UaHost({ ...changes, config: { registrar: server(REGISTRAR), registerExpires: 600, ...changes.config } });
}

/** The station registers and the registrar challenges it once (RFC 3665 §2.1, F1–F2). */
function challenged(host: UaHost, challenge = CHALLENGE_MD5, status = 401): Msg {
	host.ua.register();
	const first = host.last();
	host.answer(first, status, status === 401 ? "Unauthorized" : "Proxy Authentication Required", { extra: challenge });
	return first;
}

/** 200 OK to `req` granting `expires` on our Contact (§10.3 step 8: every binding with its expires). */
function ok(host: UaHost, req: Msg, expires: number, extraVia = ""): void {
	const text = host.reply(req, 200, "OK", { extra: `Contact: ${req.header("Contact").replace(/;expires=\d+/, "")};expires=${expires}\r\n` });
	host.receive(extraVia === "" ? text : text.replace(/^(Via: [^\r]*)/m, `$1${extraVia}`), req.address, req.port);
}

describe("RFC 3665 §2.1 Successful new registration (RFC 3261 §10.2, §22.2)", () => {
	it("REGISTER → 401 (Digest MD5, qop=auth) → REGISTER with Authorization → 200 → registered", () => {
		const host = station();
		const first = challenged(host);
		// F1: the first REGISTER (§10.2.1): Request-URI the domain, To = From = AOR, Contact, Expires, CSeq 1.
		assert.equal(first.method, "REGISTER");
		assert.equal(first.uri, "sip:example.com");
		assert.equal(first.address, REGISTRAR);
		assert.equal(first.port, 5060);
		assert.match(first.header("From"), /^<sip:door@example.com>;tag=\S+$/);
		assert.equal(first.header("To"), "<sip:door@example.com>");
		assert.equal(first.header("Contact"), OUR_CONTACT);
		assert.equal(first.header("Expires"), "600");
		assert.equal(first.cseq, 1);
		assert.equal(first.header("Authorization"), "");
		// F3: the same Call-ID, CSeq + 1 (§10.2.4 / §8.1.3.5), a new branch, credentials.
		const second = host.last();
		assert.notEqual(second, first);
		assert.equal(second.method, "REGISTER");
		assert.equal(second.header("Call-ID"), first.header("Call-ID"));
		assert.equal(second.cseq, 2);
		assert.equal(second.tag("From"), first.tag("From"));
		assert.notEqual(second.branch, first.branch);
		checkCredentials(second, "Authorization", {
			username: "door", realm: "example.com", nonce: "ea9c8e88df84f1cec4341ae6cbe5a359", password: "secret",
			algorithm: "MD5", nc: "00000001", opaque: "5ccc069c403ebaf9f0171e9517f40e41",
		});
		ok(host, second, 120);
		assert.deepEqual(host.events, ["registered 120"]);
		assert.ok(host.settle());
	});

	it("prefers SHA-256 when the registrar offers SHA-256 and MD5 (RFC 8760 §2.4, RFC 7616 §3.7)", () => {
		const host = station();
		challenged(host, `WWW-Authenticate: Digest realm="example.com", nonce="n256", qop="auth", algorithm=SHA-256\r\n` +
			`WWW-Authenticate: Digest realm="example.com", nonce="n5", qop="auth", algorithm=MD5\r\n`);
		const second = host.last();
		checkCredentials(second, "Authorization", { username: "door", realm: "example.com", nonce: "n256", password: "secret", algorithm: "SHA-256" });
		// The same choice with MD5 listed first.
		const other = station();
		challenged(other, `WWW-Authenticate: Digest realm="example.com", nonce="n5", qop="auth", algorithm=MD5\r\n` +
			`WWW-Authenticate: Digest realm="example.com", nonce="n256", qop="auth", algorithm=SHA-256\r\n`);
		checkCredentials(other.last(), "Authorization", { username: "door", realm: "example.com", nonce: "n256", password: "secret", algorithm: "SHA-256" });
	});

	it("answers a challenge without qop in the RFC 2069 form (RFC 3261 §22.4)", () => {
		const host = station();
		challenged(host, `WWW-Authenticate: Digest realm="example.com", nonce="old"\r\n`);
		checkCredentials(host.last(), "Authorization", { username: "door", realm: "example.com", nonce: "old", password: "secret", qop: false });
	});

	it("a 407 on REGISTER is answered with Proxy-Authorization (§22.3)", () => {
		const host = station();
		challenged(host, `Proxy-Authenticate: Digest realm="proxy.example.com", nonce="p1", qop="auth"\r\n`, 407);
		const second = host.last();
		assert.equal(second.header("Authorization"), "");
		checkCredentials(second, "Proxy-Authorization", { username: "door", realm: "proxy.example.com", nonce: "p1", password: "secret" });
		ok(host, second, 300);
		assert.deepEqual(host.events, ["registered 300"]);
	});
});

describe("RFC 3665 §2.2 Update of contact list: refresh (RFC 3261 §10.2.1, §10.2.4)", () => {
	it("refreshes before the granted 120 s run out, with the same Call-ID and a higher CSeq", () => {
		const host = station();
		challenged(host);
		const second = host.last();
		ok(host, second, 120);
		const before = host.sent.length;
		host.advance(119_000);
		const refreshes = host.requests("REGISTER", before);
		assert.equal(refreshes.length, 1, host.ladder.join("\n"));
		const refresh = refreshes[0];
		assert.ok(refresh.at > 0 && refresh.at < 120_000, `refresh at ${refresh.at}`);
		assert.equal(refresh.header("Call-ID"), second.header("Call-ID"));
		assert.ok(refresh.cseq > second.cseq);
		assert.equal(refresh.tag("From"), second.tag("From"));
		assert.equal(refresh.header("Contact"), OUR_CONTACT);
		// The registrar takes it (with or without a new challenge) and the binding lives on.
		ok(host, refresh, 120);
		assert.deepEqual(host.events, ["registered 120", "registered 120"]);
		// The next refresh also comes before the new expiry, counted from the last 200.
		const at = host.clock.now(), n = host.sent.length;
		host.advance(119_000);
		const next = host.requests("REGISTER", n);
		assert.equal(next.length, 1);
		assert.ok(next[0].at - at < 120_000);
		assert.ok(next[0].cseq > refresh.cseq);
	});

	it("uses the expires the registrar granted, not the one asked for (§10.2.4: Expires header when the Contact has none)", () => {
		const host = station();
		host.ua.register();
		const req = host.last();
		host.answer(req, 200, "OK", { extra: `Contact: ${OUR_CONTACT}\r\nExpires: 60\r\n` });
		assert.deepEqual(host.events, ["registered 60"]);
		const n = host.sent.length;
		host.advance(59_000);
		assert.equal(host.requests("REGISTER", n).length, 1);
	});
});

describe("§10.2.8 423 Interval Too Brief", () => {
	it("asks again with the Min-Expires of the 423", () => {
		const host = station({ config: { registerExpires: 60 } });
		host.ua.register();
		const first = host.last();
		assert.equal(first.header("Expires"), "60");
		host.answer(first, 423, "Interval Too Brief", { extra: "Min-Expires: 300\r\n" });
		const second = host.last();
		assert.equal(second.method, "REGISTER");
		assert.equal(second.cseq, first.cseq + 1);
		assert.equal(second.header("Expires"), "300");
		assert.ok(!/expires=60/.test(second.header("Contact")));
		ok(host, second, 300);
		assert.deepEqual(host.events, ["registered 300"]);
	});
});

describe("RFC 7616 §3.3 stale nonce", () => {
	it("stale=true: retried with the new nonce, not counted as a refused password", () => {
		const host = station();
		challenged(host);
		const second = host.last();
		host.answer(second, 401, "Unauthorized", { extra: `WWW-Authenticate: Digest realm="example.com", nonce="fresh", qop="auth", stale=true\r\n` });
		const third = host.last();
		assert.equal(third.method, "REGISTER");
		assert.equal(third.cseq, second.cseq + 1);
		checkCredentials(third, "Authorization", { username: "door", realm: "example.com", nonce: "fresh", password: "secret", nc: "00000001" });
		ok(host, third, 600);
		assert.deepEqual(host.events, ["registered 600"]);
	});
});

describe("RFC 3665 §2.5 Unsuccessful registration", () => {
	it("a wrong password (401 again after credentials) is reported once, and the station stops asking", () => {
		const host = station({ config: { password: "wrong" } });
		challenged(host);
		const second = host.last();
		assert.ok(second.has("Authorization"));
		host.answer(second, 401, "Unauthorized", { extra: CHALLENGE_MD5 });
		assert.equal(host.events.length, 1);
		assert.match(host.events[0], /^registrationFailed 401 /);
		const n = host.sent.length;
		host.advance(24 * 3600_000);
		assert.deepEqual(host.summaries(n), [], "no REGISTER after a refused password");
		assert.equal(host.events.length, 1);
		assert.ok(host.ua.idle);
	});

	it("503: retried with growing spacing (back-off with jitter, never a tight loop)", () => {
		const host = station({ config: { registerRetryMin: 30, registerRetryMax: 600 } });
		host.ua.register();
		for (let i = 0; i < 7; i++) {
			host.answer(host.last(), 503, "Service Unavailable");
			untilSent(host);
		}
		const times = host.times("REGISTER");
		assert.ok(times.length >= 7, host.ladder.join("\n"));
		const gaps = times.slice(1).map((t, i) => t - times[i]);
		// From retryMin (30 s, jitter 0.5–1) doubling up to retryMax (600 s).
		assert.ok(gaps[0] >= 15_000 && gaps[0] <= 30_000, `first gap ${gaps[0]}`);
		for (let i = 1; i < gaps.length; i++) {
			const base = Math.min(30_000 * 2 ** i, 600_000);
			assert.ok(gaps[i] >= base / 2 && gaps[i] <= base, `gap ${i} = ${gaps[i]} (base ${base}); ${gaps}`);
		}
		assert.ok(gaps[gaps.length - 1] >= 300_000, "capped at retryMax, not below it");
		assert.ok(host.events.every((e) => e.startsWith("registrationFailed 503")));
	});

	it("no answer at all (Timer F, 64·T1): the same back-off", () => {
		const host = station();
		host.ua.register();
		host.advance(3600_000);
		const times = host.times("REGISTER");
		// Each REGISTER is retransmitted by its transaction (Timer E); count the distinct CSeqs.
		const firsts = host.requests("REGISTER").map((m) => m.at);
		assert.ok(firsts.length >= 3 && firsts.length < 20, `${firsts.length} registrations in an hour: ${firsts}`);
		const gaps = firsts.slice(1).map((t, i) => t - firsts[i]);
		for (let i = 1; i < gaps.length; i++) assert.ok(gaps[i] >= gaps[i - 1] || gaps[i] >= 32_000 + 300_000, `gaps ${gaps}`);
		assert.ok(gaps.every((g) => g >= 32_000 + 15_000), `gaps ${gaps}`);
		assert.ok(times.length > firsts.length, "the transaction retransmits (Timer E)");
		assert.match(host.events[0], /^registrationFailed 408 /);
	});
});

/** Let time pass (in 100 ms steps, up to an hour) until the station sends something. */
function untilSent(host: UaHost): void {
	const before = host.sent.length;
	for (let t = 0; t < 36_000 && host.sent.length === before; t++) host.advance(100);
}

describe("RFC 3581 §6 the registrar saw another address (NAT)", () => {
	it("re-registers with Contact sip:door@received:rport", () => {
		const host = station();
		host.ua.register();
		const first = host.last();
		ok(host, first, 600, ";received=203.0.113.5;rport=40000");
		const second = host.last();
		assert.equal(second.method, "REGISTER", host.ladder.join("\n"));
		assert.notEqual(second, first);
		assert.equal(second.header("Contact"), "<sip:door@203.0.113.5:40000>");
		assert.equal(second.header("Call-ID"), first.header("Call-ID"));
		assert.equal(second.cseq, first.cseq + 1);
		ok(host, second, 600, ";received=203.0.113.5;rport=40000");
		assert.deepEqual(host.events, ["registered 600"]);
		assert.equal(host.sent.length, 2);
	});
});

describe("RFC 3665 §2.4 Cancellation of registration (§10.2.2)", () => {
	it("unregister: REGISTER with Expires 0 → 200 → unregistered, no refresh after", () => {
		const host = station();
		host.ua.register();
		ok(host, host.last(), 600);
		host.ua.unregister();
		const off = host.last();
		assert.equal(off.method, "REGISTER");
		assert.equal(off.header("Expires"), "0");
		assert.ok(off.header("Contact") === `${OUR_CONTACT};expires=0` || off.header("Contact") === "*");
		host.answer(off, 200, "OK");
		assert.deepEqual(host.events, ["registered 600", "unregistered"]);
		const n = host.sent.length;
		host.advance(3600_000);
		assert.deepEqual(host.summaries(n), []);
		assert.ok(host.ua.idle);
	});

	it("a challenged un-REGISTER is answered with credentials, then unregistered", () => {
		const host = station();
		host.ua.register();
		ok(host, host.last(), 600);
		host.ua.unregister();
		const off = host.last();
		host.answer(off, 401, "Unauthorized", { extra: CHALLENGE_MD5 });
		const again = host.last();
		assert.equal(again.header("Expires"), "0");
		assert.equal(again.cseq, off.cseq + 1);
		checkCredentials(again, "Authorization", { username: "door", realm: "example.com", nonce: "ea9c8e88df84f1cec4341ae6cbe5a359", password: "secret" });
		host.answer(again, 200, "OK");
		assert.deepEqual(host.events, ["registered 600", "unregistered"]);
	});
});

describe("a registrar that keeps no binding", () => {
	it("200 with our Contact;expires=0: not registered, and no tight REGISTER loop", () => {
		const host = station();
		host.ua.register();
		// The registrar answers every REGISTER at once, always without keeping the binding.
		for (let i = 0; i < 100 && host.clock.now() < 600_000; i++) {
			ok(host, host.last(), 0);
			untilSent(host);
		}
		const times = host.requests("REGISTER").map((m) => m.at);
		assert.ok(times.length <= 6, `${times.length} REGISTERs in 10 min: ${times}`);
		assert.ok(times[1] - times[0] >= 15_000, `retried after ${times[1] - times[0]} ms`);
		assert.ok(!host.events.includes("registered 0"), host.events.join("\n"));
		assert.match(host.events[0], /^registrationFailed 200 /);
	});
});

describe("A network change (the host reports a new Wi-Fi association or address)", () => {
	it("registers again at once, even after a refused password stopped registration, and with a fresh challenge round", () => {
		const host = station({ config: { password: "wrong" } });
		challenged(host);
		host.answer(host.last(), 401, "Unauthorized", { extra: CHALLENGE_MD5 });
		assert.match(host.events[0], /^registrationFailed 401 /);
		const n = host.sent.length;
		host.ua.networkChanged();
		// A new REGISTER goes out now (no waiting for a back-off), without stale credentials: the chain starts over.
		assert.deepEqual(host.summaries(n), ["REGISTER"]);
		assert.equal(host.last().header("Authorization"), "");
		assert.equal(host.last().cseq, 3);
	});

	it("a registered station refreshes at once instead of at the refresh time", () => {
		const host = station();
		const first = challenged(host);
		ok(host, host.last(), 600);
		assert.deepEqual(host.events, ["registered 600"]);
		const n = host.sent.length;
		host.advance(10_000);
		assert.deepEqual(host.summaries(n), [], "nothing before the refresh time");
		host.ua.networkChanged();
		assert.deepEqual(host.summaries(n), ["REGISTER"]);
		assert.equal(host.last().header("Call-ID"), first.header("Call-ID"));
	});
});
