// The transport layer — RFC 3261 §18 (UDP, TCP framing, sent-by check, stateless errors), RFC 3581 (rport),
// RFC 5626 §3.5.1 / §4.4.1 (CRLF keep-alives on streams), §17.1.4 / §17.2.4 (transport errors).
import assert from "node:assert/strict";
import { DEFAULT_LIMITS } from "../../src/sip/limits.js";
import { M_INVITE, M_OPTIONS } from "../../src/sip/methods.js";
import { FREE, TCP } from "../../src/transaction/transaction-table.js";
import { type FakeStream, VirtualHost, headerOf, headersOf, inbound, responseTo } from "./virtual-host.js";

const OPTIONS = "OPTIONS sip:bob@192.0.2.20 SIP/2.0\r\n";

/** An OPTIONS with a body of `n` bytes, sent by a fresh station; returns the host. */
function optionsWithBody(n: number, tcpUp = true): VirtualHost {
	const host = new VirtualHost();
	host.tcpUp = tcpUp;
	host.sendRequest(M_OPTIONS, "OPTIONS", { extra: "Content-Type: text/plain\r\n", body: "x".repeat(n) });
	return host;
}

/** Deliver `wire` on `stream` in two pieces, cut at `at`. */
function splitAt(stream: FakeStream, wire: string, at: number): void {
	stream.receive(wire.slice(0, at));
	stream.receive(wire.slice(at));
}

describe("§18.1.1 Sending requests", () => {
	it("writes one top Via: transport, the station's sent-by, a branch with the magic cookie, and rport (§18.1.1, §8.1.1.7, RFC 3581 §3)", () => {
		const host = new VirtualHost();
		host.sendRequest(M_OPTIONS, "OPTIONS");
		const vias = headersOf(host.sent[0].text, "Via");
		assert.equal(vias.length, 1);
		assert.match(vias[0], /^SIP\/2\.0\/UDP 192\.0\.2\.10:5070;branch=z9hG4bK[0-9a-f]{16};rport$/);
	});

	it("gives every transaction a branch of its own (§8.1.1.7: unique across space and time)", () => {
		const host = new VirtualHost();
		for (let i = 0; i < 10; i++) host.sendRequest(M_OPTIONS, "OPTIONS");
		const branches = host.sent.map((s) => /;branch=([^;]+)/.exec(headerOf(s.text, "Via"))![1]);
		assert.equal(new Set(branches).size, 10);
	});

	it("says TCP in the Via of a request sent over TCP (§18.1.1)", () => {
		const host = new VirtualHost();
		host.sendRequest(M_OPTIONS, "OPTIONS", { transport: TCP });
		assert.equal(host.sent[0].transport, "TCP");
		assert.match(headerOf(host.sent[0].text, "Via"), /^SIP\/2\.0\/TCP 192\.0\.2\.10:5070;branch=z9hG4bK/);
	});

	it("falls back to UDP, with its Via saying UDP again, when the TCP connection for a large request cannot be had (§18.1.1)", () => {
		const host = new VirtualHost();
		host.tcpUp = false;
		const w = 1400;
		const tx = host.sendRequest(M_OPTIONS, "OPTIONS", { body: "x".repeat(w), extra: "Content-Type: text/plain\r\n" });
		assert.ok(tx > 0);
		const sent = host.sent[0];
		assert.equal(sent.transport, "UDP");
		assert.match(headerOf(sent.text, "Via"), /^SIP\/2\.0\/UDP 192\.0\.2\.10:5070;/);
		host.advance(500);
		assert.deepEqual(host.sentTimes(OPTIONS), [0, 500], "unreliable again: Timer E runs (§17.1.2.2)");
		host.receive(responseTo(sent.text, 200, "OK"));
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("sends a UDP request of 1300 bytes over UDP, one of 1301 bytes over TCP with its Via saying TCP (§18.1.1)", () => {
		const probe = optionsWithBody(1000).sent[0].text.length;
		const fits = 1000 + (1300 - probe);
		const small = optionsWithBody(fits);
		assert.equal(small.sent[0].text.length, 1300);
		assert.equal(small.sent[0].transport, "UDP");
		assert.match(headerOf(small.sent[0].text, "Via"), /^SIP\/2\.0\/UDP /);

		const large = optionsWithBody(fits + 1);
		const sent = large.sent[0];
		assert.equal(sent.text.length, 1301);
		assert.deepEqual([sent.transport, sent.address, sent.port], ["TCP", "192.0.2.20", 5060]);
		assert.match(headerOf(sent.text, "Via"), /^SIP\/2\.0\/TCP 192\.0\.2\.10:5070;branch=z9hG4bK[0-9a-f]{16};rport$/);
		large.advance(31_999);
		assert.deepEqual(large.sentTimes(OPTIONS), [0], "reliable now: no Timer E (§17.1.2.2)");
		large.streams[0].receive(responseTo(sent.text, 200, "OK"));
		assert.equal(large.heard.length, 1);
		assert.equal(large.settle(), "active=0 timers=0");
	});

	it("fails the send when no TCP connection can be had: send() is false and nothing is kept (§18.1.1, §17.1.4)", () => {
		const host = new VirtualHost();
		host.tcpUp = false;
		assert.equal(host.sendRequest(M_OPTIONS, "OPTIONS", { transport: TCP }), -1);
		assert.equal(host.sent.length, 0);
		assert.equal(host.layer.active, 0);
		assert.equal(host.wheel.size, 0);
	});

	it("fails the send when the UDP socket refuses it: send() is false and nothing is kept (§18.1.1, §17.1.4)", () => {
		const host = new VirtualHost();
		host.udpUp = false;
		assert.equal(host.sendRequest(M_INVITE, "INVITE"), -1);
		assert.equal(host.layer.active, 0);
		assert.equal(host.wheel.size, 0);
	});
});

describe("§18.1.2 Receiving responses", () => {
	it("drops a response whose top Via sent-by is not the station's: another host or another port (§18.1.2)", () => {
		const host = new VirtualHost();
		const tx = host.sendRequest(M_OPTIONS, "OPTIONS");
		const ok = responseTo(host.sent[0].text, 200, "OK");
		host.receive(ok.replace("192.0.2.10:5070", "192.0.2.99:5070"));
		host.receive(ok.replace("192.0.2.10:5070", "192.0.2.10:5071"));
		assert.deepEqual(host.heard, [], "neither passed up nor stray");
		host.advance(500);
		assert.deepEqual(host.sentTimes(OPTIONS), [0, 500], "the transaction still waits");
		host.receive(ok);
		assert.deepEqual(host.heard, [`response 200 tx=${tx}`]);
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("drops a malformed response silently (§18.1.2)", () => {
		const host = new VirtualHost();
		host.sendRequest(M_OPTIONS, "OPTIONS");
		const ok = responseTo(host.sent[0].text, 200, "OK");
		host.receive(ok.replace(/Call-ID: [^\r]*\r\n/, ""));
		host.receive(ok.replace("CSeq: 1 OPTIONS", "CSeq: one OPTIONS"));
		host.receive("SIP/2.0 2000 OK\r\n" + ok.slice(ok.indexOf("\r\n") + 2));
		assert.deepEqual(host.heard, []);
		assert.equal(host.sent.length, 1, "no answer to a response");
	});

	it("ignores a CRLFCRLF keep-alive datagram (RFC 5626 §3.5.1)", () => {
		const host = new VirtualHost();
		host.receive("\r\n\r\n");
		host.receive("\r\n");
		assert.deepEqual(host.heard, []);
		assert.equal(host.sent.length, 0);
	});
});

describe("§18.2.1, §8.2 Receiving malformed requests", () => {
	it("answers statelessly with 400 and a reason phrase naming the fault; nothing is passed up (§8.2, §21.4.1)", () => {
		const host = new VirtualHost();
		host.receive(inbound("OPTIONS", { cseqMethod: "INFO" }));
		host.receive(inbound("OPTIONS", { callId: "a b" }));
		assert.deepEqual(host.sent.map((s) => s.text.split("\r\n")[0]), [
			"SIP/2.0 400 Bad CSeq: method INFO != OPTIONS",
			"SIP/2.0 400 Bad Call-ID: a b",
		]);
		assert.deepEqual(host.heard, []);
		assert.equal(host.layer.active, 0);
		assert.equal(host.wheel.size, 0);
	});

	it("answers a request whose scan stopped at a bad line: the headers read up to it carry the 400 (§8.2, §7.3.1)", () => {
		const host = new VirtualHost();
		const wire = inbound("OPTIONS");
		const cut = wire.indexOf("\r\n\r\n");
		const bad = (line: string) => wire.slice(0, cut) + "\r\n" + line + wire.slice(cut);
		host.receive(bad("This header has no colon"));
		host.receive(bad("Content-Length: -5").replace(/Content-Length: 0\r\n/, ""));
		host.receive(bad("Content-Length: 7"));
		assert.deepEqual(host.sent.map((s) => s.text.split("\r\n")[0]), [
			"SIP/2.0 400 Bad header line: This header has no colon",
			"SIP/2.0 400 Bad Content-Length: -5",
			"SIP/2.0 400 Conflicting Content-Length: 7",
		]);
		for (const r of host.sent) assert.match(r.text, /\r\nCSeq: 1 OPTIONS\r\n/);
		assert.deepEqual(host.heard, []);
		assert.equal(host.layer.active, 0);
	});

	it("answers another SIP version with 505 (§8.2, §21.5.6)", () => {
		const host = new VirtualHost();
		host.receive(inbound("OPTIONS").replace(" SIP/2.0\r\n", " SIP/3.0\r\n"));
		assert.equal(host.sent[0].text.split("\r\n")[0], "SIP/2.0 505 Version Not Supported: SIP/3.0");
	});

	it("sends the 400 to the source address and rport, with rport and received filled in (§18.2.2, RFC 3581 §4)", () => {
		const host = new VirtualHost();
		const wire = inbound("OPTIONS", { sentBy: "10.0.0.5:5060", cseqMethod: "INFO" });
		host.receive(wire, "198.51.100.7", 40123);
		const r = host.sent[0];
		assert.deepEqual([r.address, r.port], ["198.51.100.7", 40123]);
		assert.equal(headerOf(r.text, "Via"), "SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKpeer1;rport=40123;received=198.51.100.7");
		for (const name of ["From", "Call-ID", "CSeq"]) assert.equal(headerOf(r.text, name), headerOf(wire, name), name);
		assert.match(headerOf(r.text, "To"), /^<sip:door@192\.0\.2\.10>;tag=[0-9a-f]{8}$/, "§8.2.7: a stateless response has a To tag too");
	});

	it("sends the 400 to the sent-by port when the request did not ask for rport (§18.2.2)", () => {
		const host = new VirtualHost();
		host.receive(inbound("OPTIONS", { sentBy: "10.0.0.5:5070", rport: false, cseqMethod: "INFO" }), "198.51.100.7", 40123);
		assert.deepEqual([host.sent[0].address, host.sent[0].port], ["198.51.100.7", 5070]);
		assert.equal(headerOf(host.sent[0].text, "Via"), "SIP/2.0/UDP 10.0.0.5:5070;branch=z9hG4bKpeer1;received=198.51.100.7");
	});

	it("answers a bad Via as it came, to the source (its sent-by cannot be read) (§18.2.2)", () => {
		const host = new VirtualHost();
		host.receive(inbound("OPTIONS").replace("Via: SIP/2.0/UDP 192.0.2.20:5060", "Via: SIP/2.0/UDP 192.0.2.20:99999"), "192.0.2.20", 5062);
		const r = host.sent[0];
		assert.match(r.text, /^SIP\/2\.0 400 Bad Via: /);
		assert.deepEqual([r.address, r.port], ["192.0.2.20", 5062]);
	});

	it("answers 513 when the Via stack does not fit the space a transaction keeps for responses; nothing is kept (DESIGN.md §3, §21.4.12)", () => {
		const host = new VirtualHost({ config: { maxHeadBytes: 400 } });
		const vias = Array.from({ length: 8 }, (_, i) => `SIP/2.0/UDP proxy${i}.example.com:5060;branch=z9hG4bKhop${i}`);
		host.receive(inbound("OPTIONS", { lowerVias: vias }));
		assert.equal(host.sent.length, 1);
		assert.equal(host.sent[0].text.split("\r\n")[0], "SIP/2.0 513 Message Too Large: Via stack");
		assert.equal(headersOf(host.sent[0].text, "Via").length, 9);
		assert.deepEqual(host.heard, []);
		assert.equal(host.layer.active, 0);
		host.receive(inbound("OPTIONS", { branch: "z9hG4bKsmall", callId: "small@192.0.2.20" }));
		assert.equal(host.heard.length, 1, "the slot is free for the next request");
	});

	it("answers a request that repeats its From with the first From only, so the answer fits: 400 Multiple From, 513 when too large to read (§8.2.6.2, §20.20)", () => {
		// A message limit of 1,024 bytes; 18 From lines fill the request to just under it, so an answer echoing all
		// of them (plus the status line, received, rport and the To tag) would not fit and would not be sent.
		const limits = { ...DEFAULT_LIMITS, maxMessageBytes: 1024 };
		const from = `"Lobby" <sip:alice@192.0.2.20>;tag=a1`;
		const repeating = (extra: string) => inbound("OPTIONS", { extra }).replace(/\r\nFrom: [^\r]*\r\n/, () => "\r\n" + `From: ${from}\r\n`.repeat(18));
		// Its CSeq ends before the limit, an unterminated header crosses it: read up to there, then 513.
		const cases = [
			{ wire: repeating(""), status: "SIP/2.0 400 Multiple From" },
			{ wire: repeating(`Subject: x\r\nX-Pad: ${"x".repeat(200)}\r\n`), status: "SIP/2.0 513 Message Too Large" },
		];
		for (const { wire, status } of cases) {
			const host = new VirtualHost({ limits, config: { maxHeadBytes: 512 } }); // a head fits beside a 500 in 1,024 bytes
			host.receive(wire, "198.51.100.200", 40123);
			assert.equal(host.sent.length, 1, `answered ${status}`);
			const answer = host.sent[0].text;
			assert.equal(answer.split("\r\n")[0], status);
			assert.deepEqual(headersOf(answer, "From"), [from]);
			assert.ok(answer.length + 17 * `From: ${from}\r\n`.length > limits.maxMessageBytes, "echoing every From would not have fit");
			for (const name of ["Call-ID", "CSeq"]) assert.deepEqual(headersOf(answer, name), headersOf(wire, name), name);
			assert.deepEqual(host.heard, []);
		}
		assert.ok(cases[0].wire.length <= 1024 && cases[1].wire.indexOf("X-Pad") < 1024 && cases[1].wire.length > 1024);
	});

	it("never answers a malformed ACK, and drops a request without the headers a response needs (§17.1.1.3, §8.2)", () => {
		const host = new VirtualHost();
		host.receive(inbound("ACK", { cseqMethod: "INVITE" }));
		host.receive(inbound("OPTIONS").replace(/Call-ID: [^\r]*\r\n/, ""));
		assert.equal(host.sent.length, 0);
		assert.deepEqual(host.heard, []);
	});
});

describe("§18.3 TCP: framing a stream", () => {
	it("frames several messages arriving in one segment (§18.3)", () => {
		const host = new VirtualHost();
		const stream = host.accept()!;
		stream.receive(
			inbound("OPTIONS", { transport: "TCP", branch: "z9hG4bKseg1" }) +
			inbound("INFO", { transport: "TCP", branch: "z9hG4bKseg2", cseq: 2, extra: "Content-Type: text/plain\r\n", body: "hello" }) +
			inbound("OPTIONS", { transport: "TCP", branch: "z9hG4bKseg3", cseq: 3 }),
		);
		assert.deepEqual(host.heard.map((h) => h.split(" ")[1]), ["OPTIONS", "INFO", "OPTIONS"]);
	});

	it("frames a request cut at every byte, and one delivered a byte at a time (§18.3)", () => {
		const host = new VirtualHost();
		const stream = host.accept()!;
		const template = inbound("INFO", { transport: "TCP", branch: "z9hG4bKcut0000", extra: "Content-Type: text/plain\r\n", body: "1234567890" });
		for (let at = 1; at < template.length; at++) {
			const wire = template.replace("z9hG4bKcut0000", `z9hG4bKcut${String(at).padStart(4, "0")}`);
			splitAt(stream, wire, at);
			assert.equal(host.heard.length, at, `cut at ${at}`);
			host.answer(host.serverTxs[at - 1], 200, "OK");
		}
		const wire = template.replace("z9hG4bKcut0000", "z9hG4bKbytes");
		for (let i = 0; i < wire.length; i++) stream.receive(wire.slice(i, i + 1));
		assert.equal(host.heard.length, template.length);
		assert.equal(host.heard[host.heard.length - 1].split(" ")[1], "INFO");
		assert.equal(stream.closed, false);
		host.answer(host.serverTxs[host.serverTxs.length - 1], 200, "OK");
		assert.equal(host.settle(), "active=0 timers=0");
		assert.equal(stream.closed, true, "closed once idle (no transaction uses it)");
	});

	it("frames a response cut at every byte: each passed up once to its transaction (§18.3)", () => {
		const host = new VirtualHost();
		let cuts = 0;
		for (let at = 1; ; at++) {
			const tx = host.sendRequest(M_OPTIONS, "OPTIONS", { transport: TCP });
			const sent = host.sent[host.sent.length - 1];
			const ok = responseTo(sent.text, 200, "OK");
			if (at >= ok.length) break;
			splitAt(sent.stream!, ok, at);
			assert.equal(host.heard[host.heard.length - 1], `response 200 tx=${tx}`, `cut at ${at}`);
			assert.equal(host.layer.stateOf(tx), FREE);
			cuts++;
		}
		assert.equal(host.heard.length, cuts);
		assert.equal(host.streams.length, 1, "all over one connection");
	});
});

describe("§18.2.2, §18.1.1 TCP: connections", () => {
	it("sends responses back on the connection the request came on (§18.2.2)", () => {
		const host = new VirtualHost();
		const a = host.accept("192.0.2.20", 40001)!;
		const b = host.accept("192.0.2.20", 40002)!;
		b.receive(inbound("OPTIONS", { transport: "TCP", branch: "z9hG4bKonb" }));
		a.receive(inbound("OPTIONS", { transport: "TCP", branch: "z9hG4bKona", callId: "a@192.0.2.20" }));
		host.answer(host.serverTxs[0], 200, "OK");
		host.answer(host.serverTxs[1], 200, "OK");
		assert.deepEqual(host.sent.map((s) => s.stream), [b, a]);
		assert.equal(host.streams.length, 2, "no new connection was opened");
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("reuses one connection per destination address and port (§18.1.1, §18.3)", () => {
		const host = new VirtualHost();
		host.sendRequest(M_OPTIONS, "OPTIONS", { transport: TCP });
		host.sendRequest(M_INVITE, "INVITE", { transport: TCP });
		assert.equal(host.streams.length, 1);
		host.sendRequest(M_OPTIONS, "OPTIONS", { transport: TCP, port: 5062 });
		host.sendRequest(M_OPTIONS, "OPTIONS", { transport: TCP, address: "192.0.2.21" });
		assert.deepEqual(host.streams.map((s) => `${s.address}:${s.port}`), ["192.0.2.20:5060", "192.0.2.20:5062", "192.0.2.21:5060"]);
		assert.deepEqual(host.sent.map((s) => s.stream), [host.streams[0], host.streams[0], host.streams[1], host.streams[2]]);
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("a peer closing the connection ends the client transactions on it with onTransportError, and only those (§17.1.4)", () => {
		const host = new VirtualHost();
		const options = host.sendRequest(M_OPTIONS, "OPTIONS", { transport: TCP });
		const invite = host.sendRequest(M_INVITE, "INVITE", { transport: TCP });
		const elsewhere = host.sendRequest(M_OPTIONS, "OPTIONS", { transport: TCP, port: 5062 });
		const udp = host.sendRequest(M_OPTIONS, "OPTIONS");
		host.advance(1000);
		host.streams[0].peerClose();
		assert.deepEqual(host.heard, [`transport-error tx=${options}`, `transport-error tx=${invite}`]);
		assert.equal(host.layer.stateOf(options), FREE);
		assert.equal(host.layer.stateOf(invite), FREE);
		assert.notEqual(host.layer.stateOf(elsewhere), FREE);
		assert.notEqual(host.layer.stateOf(udp), FREE);
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("a peer closing the connection leaves the server transaction; its next response opens a new connection to the source address and the sent-by port (§18.2.2)", () => {
		const host = new VirtualHost();
		const stream = host.accept()!; // from 192.0.2.20:40000; the Via says sent-by 192.0.2.20:5060
		stream.receive(inbound("INVITE", { transport: "TCP" }));
		const tx = host.serverTxs[0];
		host.answer(tx, 180, "Ringing");
		stream.peerClose();
		assert.deepEqual(host.heard, [`request INVITE tx=${tx}`], "no error: the transaction can still respond");
		assert.equal(host.answer(tx, 486, "Busy Here"), true);
		assert.equal(host.streams.length, 2, "a new connection");
		assert.deepEqual([host.streams[1].address, host.streams[1].port], ["192.0.2.20", 5060]);
		const last = host.last()!;
		assert.equal(last.transport, "TCP");
		assert.match(last.text, /^SIP\/2\.0 486 Busy Here\r\n/);
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("a server transaction whose connection closed and cannot be reopened fails with onServerTransportError (§17.2.4)", () => {
		const host = new VirtualHost();
		const stream = host.accept()!;
		stream.receive(inbound("INVITE", { transport: "TCP" }));
		const tx = host.serverTxs[0];
		stream.peerClose();
		host.tcpUp = false;
		assert.equal(host.answer(tx, 486, "Busy Here"), false);
		assert.deepEqual(host.heard, [`request INVITE tx=${tx}`, `server-transport-error tx=${tx}`]);
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("closes a connection idle for idleTimeout, but never one a transaction still uses (§18: connections are the transport's to manage)", () => {
		const host = new VirtualHost({ idleTimeout: 60_000 });
		host.sendRequest(M_OPTIONS, "OPTIONS", { transport: TCP });
		host.streams[0].receive(responseTo(host.sent[0].text, 200, "OK"));
		host.advance(59_999);
		assert.equal(host.streams[0].closed, false);
		host.advance(1);
		assert.equal(host.streams[0].closed, true);
		const invite = host.sendRequest(M_INVITE, "INVITE", { transport: TCP });
		const stream = host.streams[1];
		stream.receive(responseTo(host.sent[host.sent.length - 1].text, 180, "Ringing"));
		host.advance(300_000);
		assert.equal(stream.closed, false, "the INVITE is still ringing on it");
		stream.receive(responseTo(host.sent[host.sent.length - 1].text, 486, "Busy Here"));
		assert.equal(host.layer.stateOf(invite), FREE);
		assert.equal(host.settle(), "active=0 timers=0");
		assert.equal(stream.closed, true);
		assert.deepEqual(host.heard.filter((h) => h.startsWith("transport-error")), [], "an idle close is no error");
	});

	it("a second connection to the same destination is opened once the first closed (§18.1.1)", () => {
		const host = new VirtualHost();
		host.sendRequest(M_OPTIONS, "OPTIONS", { transport: TCP });
		host.streams[0].peerClose();
		host.sendRequest(M_OPTIONS, "OPTIONS", { transport: TCP });
		assert.equal(host.streams.length, 2);
		assert.equal(host.sent[1].stream, host.streams[1]);
		assert.equal(host.settle(), "active=0 timers=0");
	});
});

describe("§18 TCP: connections a peer cannot hog (DESIGN.md §3)", () => {
	it("closes a connection a peer opened that delivers no complete message within messageTimeout (10 s by default)", () => {
		const host = new VirtualHost();
		const stream = host.accept()!;
		host.advance(9_999);
		assert.equal(stream.closed, false);
		host.advance(1);
		assert.equal(stream.closed, true);
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("closes one that trickles a message it never completes: bytes are not messages (§18.3)", () => {
		const host = new VirtualHost({ messageTimeout: 5_000 });
		const stream = host.accept()!;
		const wire = inbound("OPTIONS", { transport: "TCP" });
		for (let i = 0; i < 6 && !stream.closed; i++) {
			stream.receive(wire.slice(i, i + 1));
			host.advance(1_000);
		}
		assert.equal(stream.closed, true);
		assert.deepEqual(host.heard, []);
	});

	it("counts from the last complete message: a peer that sends keeps its connection", () => {
		const host = new VirtualHost({ messageTimeout: 5_000, onRequest: (h, tx) => void h.answer(tx, 200, "OK") });
		const stream = host.accept()!;
		for (let i = 1; i <= 3; i++) {
			host.advance(4_000);
			stream.receive(inbound("OPTIONS", { transport: "TCP", branch: `z9hG4bKo${i}`, cseq: i }));
		}
		host.advance(4_999);
		assert.equal(stream.closed, false);
		host.advance(1);
		assert.equal(stream.closed, true);
	});

	it("keeps a silent connection a transaction or a dialog uses (§18: they still need it)", () => {
		const host = new VirtualHost({ messageTimeout: 5_000, carriesDialog: (index) => index === 1 });
		const ringing = host.accept()!;
		ringing.receive(inbound("INVITE", { transport: "TCP" }));
		const call = host.accept("192.0.2.21", 40001)!;
		host.advance(60_000);
		assert.deepEqual([ringing.closed, call.closed], [false, false]);
	});

	it("with every slot taken, the connection a peer opened that has been silent longest gives way to a new one", () => {
		const host = new VirtualHost({ onRequest: (h, tx) => void h.answer(tx, 200, "OK") });
		const peers = [1, 2, 3, 4].map((n) => host.accept(`192.0.2.${20 + n}`, 40000 + n)!);
		host.advance(1_000);
		peers[0].receive(inbound("OPTIONS", { transport: "TCP" })); // the first is silent no longer
		host.advance(1_000);
		const fifth = host.accept("198.51.100.7", 40005);
		assert.ok(fifth !== null);
		assert.deepEqual(peers.map((p) => p.closed), [false, true, false, false], "the second: silent since it opened, the oldest such");
		fifth.receive(inbound("OPTIONS", { transport: "TCP", branch: "z9hG4bKfifth" }));
		assert.equal(host.sent.at(-1)!.stream, fifth);
		assert.ok(host.sent.at(-1)!.text.startsWith("SIP/2.0 200 OK"));
	});

	it("none gives way while each carries a transaction or a dialog: the new one is refused", () => {
		const host = new VirtualHost({ carriesDialog: (index) => index >= 2 });
		const peers = [1, 2, 3, 4].map((n) => host.accept(`192.0.2.${20 + n}`, 40000 + n)!);
		peers[0].receive(inbound("INVITE", { transport: "TCP" }));
		peers[1].receive(inbound("INVITE", { transport: "TCP", branch: "z9hG4bKi2", callId: "i2@192.0.2.22" }));
		assert.equal(host.accept("198.51.100.7", 40005), null);
		assert.deepEqual(peers.map((p) => p.closed), [false, false, false, false]);
	});

	it("the station's own connection (to its registrar) never gives way; its request takes the slot of a silent one a peer opened (§18.1.1)", () => {
		const host = new VirtualHost({ idleTimeout: 120_000 });
		const peers = [1, 2, 3, 4].map((n) => host.accept(`192.0.2.${20 + n}`, 40000 + n)!);
		host.advance(1_000);
		const register = host.sendRequest(M_OPTIONS, "OPTIONS", { transport: TCP, address: "192.0.2.1", port: 5060 });
		assert.ok(register >= 0);
		const own = host.streams.find((s) => s.address === "192.0.2.1")!;
		assert.deepEqual(peers.map((p) => p.closed), [true, false, false, false]);
		own.user.onConnected();
		own.receive(responseTo(host.sent[0].text, 200, "OK"));
		host.advance(500);
		for (let n = 5; n < 12; n++) host.accept(`192.0.2.${20 + n}`, 40000 + n);
		assert.equal(own.closed, false, "new peers push out each other, never the station's own");
		host.advance(60_000);
		assert.equal(own.closed, false, "nor does its quiet close it before idleTimeout");
	});
});

describe("RFC 5626 §3.5.1, §4.4.1 CRLF keep-alive on TCP", () => {
	it("answers a CRLFCRLF ping from the peer with CRLF, between and before messages (RFC 5626 §3.5.1)", () => {
		const host = new VirtualHost();
		const stream = host.accept()!;
		stream.receive("\r\n\r\n");
		assert.deepEqual(host.sent.map((s) => [s.text, s.stream]), [["\r\n", stream]]);
		stream.receive(inbound("OPTIONS", { transport: "TCP" }) + "\r\n\r\n");
		assert.equal(host.heard.length, 1);
		assert.equal(host.sent.length, 2);
		assert.equal(host.sent[1].text, "\r\n");
		assert.deepEqual(host.heard, [`request OPTIONS tx=${host.serverTxs[0]}`]);
	});

	it("with streamKeepalive, pings every interval and keeps a connection whose pong comes in time (RFC 5626 §4.4.1)", () => {
		const host = new VirtualHost({ streamKeepalive: 30_000, messageTimeout: 120_000 });
		const stream = host.accept()!;
		host.advance(30_000);
		assert.deepEqual(host.sent.map((s) => [s.at, s.text]), [[30_000, "\r\n\r\n"]]);
		host.advance(5000);
		stream.receive("\r\n");
		host.advance(25_000);
		assert.equal(stream.closed, false);
		assert.deepEqual(host.sent.map((s) => s.at), [30_000, 60_000]);
		host.transport.close();
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("closes a connection whose pong does not come within 10 s; its server transaction answers over a new one (RFC 5626 §4.4.1, §18.2.2)", () => {
		const host = new VirtualHost({ streamKeepalive: 30_000, messageTimeout: 120_000 });
		const stream = host.accept()!;
		host.advance(25_000);
		stream.receive(inbound("INVITE", { transport: "TCP" }));
		const tx = host.serverTxs[0];
		host.answer(tx, 180, "Ringing");
		host.advance(5000); // ping at 30 s
		assert.equal(host.sent[host.sent.length - 1].text, "\r\n\r\n");
		host.advance(9999);
		assert.equal(stream.closed, false);
		host.advance(1);
		assert.equal(stream.closed, true);
		assert.deepEqual(host.heard, [`request INVITE tx=${tx}`]);
		assert.equal(host.answer(tx, 486, "Busy Here"), true);
		assert.deepEqual([host.streams[1].address, host.streams[1].port], ["192.0.2.20", 5060]);
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("pings connections the station opened once they are up, and ends their client transactions when no pong comes (RFC 5626 §4.4.1, §17.1.4)", () => {
		const host = new VirtualHost({ streamKeepalive: 10_000 });
		const tx = host.sendRequest(M_INVITE, "INVITE", { transport: TCP });
		const stream = host.streams[0];
		stream.user.onConnected();
		stream.receive(responseTo(host.sent[0].text, 180, "Ringing"));
		host.advance(10_000);
		assert.equal(host.sent[host.sent.length - 1].text, "\r\n\r\n");
		host.advance(10_000);
		assert.equal(stream.closed, true);
		assert.deepEqual(host.heard, [`response 180 tx=${tx}`, `transport-error tx=${tx}`]);
		assert.equal(host.settle(), "active=0 timers=0");
	});
});

describe("§17.1.4 Transport errors during a transaction", () => {
	it("a UDP retransmission that cannot be sent ends the client transaction with onTransportError (§17.1.4)", () => {
		const host = new VirtualHost();
		const tx = host.sendRequest(M_OPTIONS, "OPTIONS");
		host.udpUp = false;
		host.advance(500);
		assert.deepEqual(host.heard, [`transport-error tx=${tx}`]);
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("a response that cannot be sent ends the server transaction with onServerTransportError (§17.2.4)", () => {
		const host = new VirtualHost();
		host.receive(inbound("OPTIONS"));
		const tx = host.serverTxs[0];
		host.udpUp = false;
		assert.equal(host.answer(tx, 200, "OK"), false);
		assert.deepEqual(host.heard, [`request OPTIONS tx=${tx}`, `server-transport-error tx=${tx}`]);
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("a 2xx retransmission that cannot be sent ends the server INVITE transaction (§17.2.4)", () => {
		const host = new VirtualHost();
		host.receive(inbound("INVITE"));
		const tx = host.serverTxs[0];
		host.answer(tx, 200, "OK");
		host.udpUp = false;
		host.advance(500);
		assert.deepEqual(host.heard, [`request INVITE tx=${tx}`, `server-transport-error tx=${tx}`]);
		assert.equal(host.settle(), "active=0 timers=0");
	});
});
