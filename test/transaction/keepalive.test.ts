// NAT keep-alives on UDP towards the registrar — RFC 5626 §3.5, §4.4.1; RFC 3261 §11 (OPTIONS).
import assert from "node:assert/strict";
import { Keepalive, KEEPALIVE_CRLF, KEEPALIVE_OPTIONS } from "../../src/transaction/keepalive.js";
import { CountingRandom, VirtualHost, responseTo } from "./virtual-host.js";

function keepalive(host: VirtualHost, failures: string[]): Keepalive {
	return new Keepalive({
		layer: host.layer, transport: host.transport, wheel: host.wheel, random: new CountingRandom(),
		user: { onKeepaliveFailed: () => failures.push(`failed at ${host.clock.now()}`) },
	});
}

describe("RFC 5626 §4.4.1 CRLFCRLF keep-alive on UDP", () => {
	it("sends CRLFCRLF to the target every interval, and nothing once stopped", () => {
		const host = new VirtualHost();
		const k = keepalive(host, []);
		k.start(KEEPALIVE_CRLF, 25000, "192.0.2.30", 5060);
		host.advance(80000);
		const pings = host.sent.filter((s) => s.text === "\r\n\r\n");
		assert.deepEqual(pings.map((s) => s.at), [25000, 50000, 75000]);
		assert.ok(pings.every((s) => s.address === "192.0.2.30" && s.port === 5060 && s.transport === "UDP"));
		k.stop();
		host.advance(80000);
		assert.equal(host.sent.length, 3);
		assert.equal(host.wheel.size, 0, "no timer left behind");
	});
});

describe("RFC 3261 §11 OPTIONS keep-alive", () => {
	it("sends an OPTIONS through a client transaction every interval; any response proves the path", () => {
		const host = new VirtualHost();
		const failures: string[] = [];
		const k = keepalive(host, failures);
		k.start(KEEPALIVE_OPTIONS, 30000, "192.0.2.30", 5060, "sip:192.0.2.30", "sip:door@192.0.2.10");
		host.advance(30000);
		const options = host.last()!;
		assert.match(options.text, /^OPTIONS sip:192\.0\.2\.30 SIP\/2\.0\r\n/);
		assert.match(options.text, /\r\nFrom: <sip:door@192\.0\.2\.10>;tag=[0-9a-f]{16}\r\n/);
		assert.match(options.text, /\r\nTo: <sip:192\.0\.2\.30>\r\n/);
		assert.match(options.text, /\r\nCSeq: 1 OPTIONS\r\n/);
		host.receive(responseTo(options.text, 405, "Method Not Allowed"), "192.0.2.30", 5060);
		host.advance(30000);
		assert.match(host.last()!.text, /\r\nCSeq: 2 OPTIONS\r\n/);
		assert.deepEqual(failures, []);
		k.stop();
	});

	it("reports a failure when the OPTIONS gets no answer (Timer F, §17.1.2.2)", () => {
		const host = new VirtualHost();
		const failures: string[] = [];
		const k = keepalive(host, failures);
		k.start(KEEPALIVE_OPTIONS, 60000, "192.0.2.30", 5060, "sip:192.0.2.30", "sip:door@192.0.2.10");
		host.advance(60000 + 32000);
		assert.deepEqual(failures, ["failed at 92000"]);
		k.stop();
		host.advance(60000);
		assert.equal(host.layer.active, 0);
	});
});
