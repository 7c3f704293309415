// Server non-INVITE transaction — RFC 3261 §17.2.2 (Figure 8); where responses go (§18.2.2, RFC 3581 §4); To tag (§8.2.6.2).
import assert from "node:assert/strict";
import { COMPLETED, FREE, PROCEEDING, TRYING } from "../../src/transaction/transaction-table.js";
import { VirtualHost, headerOf, headersOf, inbound } from "./virtual-host.js";

const OPTIONS = inbound("OPTIONS");

/** The peer's OPTIONS arrives at time 0; returns its server transaction. */
function optionsArrive(host: VirtualHost, wire = OPTIONS, address?: string, port?: number): number {
	host.receive(wire, address, port);
	assert.equal(host.serverTxs.length, 1);
	return host.serverTxs[0];
}

describe("§17.2.2 Server non-INVITE transaction: Trying", () => {
	it("passes a new request up once and absorbs its retransmissions while the TU has not answered (§17.2.2)", () => {
		const host = new VirtualHost();
		const tx = optionsArrive(host);
		assert.equal(host.layer.stateOf(tx), TRYING);
		host.advance(500);
		host.receive(OPTIONS);
		host.advance(1000);
		host.receive(OPTIONS);
		assert.deepEqual(host.heard, [`request OPTIONS tx=${tx}`]);
		assert.equal(host.sent.length, 0, "nothing is sent in Trying");
		host.answer(tx, 200, "OK");
		assert.equal(host.settle(), "active=0 timers=0");
	});
});

describe("§17.2.2 Server non-INVITE transaction: Proceeding", () => {
	it("a provisional response moves to Proceeding; a retransmission gets that response again, byte for byte (§17.2.2)", () => {
		const host = new VirtualHost();
		const tx = optionsArrive(host);
		assert.ok(host.answer(tx, 100, "Trying", null));
		assert.equal(host.layer.stateOf(tx), PROCEEDING);
		host.advance(500);
		host.receive(OPTIONS);
		assert.equal(host.sent.length, 2);
		assert.equal(host.sent[1].text, host.sent[0].text);
		assert.deepEqual([host.sent[1].address, host.sent[1].port], ["192.0.2.20", 5060]);
		assert.deepEqual(host.heard, [`request OPTIONS tx=${tx}`]);
		host.answer(tx, 200, "OK");
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("answers a retransmission with the latest provisional response (§17.2.2; RFC 4320 §4.1: only 100 to a non-INVITE)", () => {
		const host = new VirtualHost();
		const tx = optionsArrive(host);
		host.answer(tx, 100, "Trying", null);
		host.answer(tx, 100, "Still Trying", null);
		host.receive(OPTIONS);
		assert.deepEqual(host.sent.map((s) => s.text.split("\r\n")[0]), ["SIP/2.0 100 Trying", "SIP/2.0 100 Still Trying", "SIP/2.0 100 Still Trying"]);
		host.answer(tx, 200, "OK");
		assert.equal(host.settle(), "active=0 timers=0");
	});
});

describe("§17.2.2 Server non-INVITE transaction: Completed", () => {
	it("a final response moves to Completed; each retransmission gets the stored final, byte for byte, and the TU hears nothing (§17.2.2)", () => {
		const host = new VirtualHost();
		const tx = optionsArrive(host);
		host.advance(100);
		assert.ok(host.answer(tx, 200, "OK"));
		assert.equal(host.layer.stateOf(tx), COMPLETED);
		host.advance(400);
		host.receive(OPTIONS);
		host.advance(1000);
		host.receive(OPTIONS);
		assert.deepEqual(host.sent.map((s) => s.at), [100, 500, 1500]);
		assert.equal(new Set(host.sent.map((s) => s.text)).size, 1);
		assert.deepEqual(host.heard, [`request OPTIONS tx=${tx}`]);
	});

	it("discards any further final response from the TU (§17.2.2)", () => {
		const host = new VirtualHost();
		const tx = optionsArrive(host);
		host.answer(tx, 200, "OK");
		assert.equal(host.layer.respond(tx, 500, new Uint8Array(0)), null);
		assert.equal(host.answer(tx, 486, "Busy Here"), false);
		host.receive(OPTIONS);
		assert.deepEqual(host.sent.map((s) => s.text.split("\r\n")[0]), ["SIP/2.0 200 OK", "SIP/2.0 200 OK"]);
	});

	it("Timer J = 64·T1 = 32 s over UDP, then the slot is freed and the same request is new again (§17.2.2)", () => {
		const host = new VirtualHost();
		const tx = optionsArrive(host);
		host.advance(1000);
		host.answer(tx, 200, "OK");
		host.advance(31_999);
		assert.equal(host.layer.stateOf(tx), COMPLETED);
		host.advance(1);
		assert.equal(host.layer.stateOf(tx), FREE);
		assert.equal(host.layer.active, 0);
		assert.equal(host.wheel.size, 0);
		host.receive(OPTIONS);
		assert.equal(host.serverTxs.length, 2, "passed up as a new request");
		assert.notEqual(host.serverTxs[1], tx);
		host.answer(host.serverTxs[1], 200, "OK");
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("Timer J follows T1: 64 · 100 ms = 6.4 s (§17.2.2, Table 4)", () => {
		const host = new VirtualHost({ config: { t1: 100 } });
		const tx = optionsArrive(host);
		host.answer(tx, 200, "OK");
		host.advance(6399);
		assert.equal(host.layer.stateOf(tx), COMPLETED);
		host.advance(1);
		assert.equal(host.layer.stateOf(tx), FREE);
	});

	it("Timer J = 0 over TCP: the response goes back on the request's connection and the slot is freed (§17.2.2, §18.2.2)", () => {
		const host = new VirtualHost();
		const stream = host.accept("192.0.2.20", 40000)!;
		stream.receive(inbound("OPTIONS", { transport: "TCP" }));
		const tx = host.serverTxs[0];
		host.answer(tx, 200, "OK");
		assert.equal(host.sent.length, 1);
		assert.equal(host.sent[0].stream, stream);
		assert.equal(host.layer.stateOf(tx), FREE);
		assert.equal(host.settle(), "active=0 timers=0");
	});
});

describe("§18.2.2 and RFC 3581 §4: where a response goes", () => {
	it("rport: to the source address and port; the top Via gets rport=<source port> and received=<source address> (RFC 3581 §4)", () => {
		const host = new VirtualHost();
		const wire = inbound("OPTIONS", { sentBy: "10.0.0.5:5060", branch: "z9hG4bKnat" });
		const tx = optionsArrive(host, wire, "198.51.100.7", 40123);
		host.answer(tx, 200, "OK");
		const r = host.sent[0];
		assert.deepEqual([r.transport, r.address, r.port], ["UDP", "198.51.100.7", 40123]);
		assert.equal(headerOf(r.text, "Via"), "SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKnat;rport=40123;received=198.51.100.7");
		assert.equal(host.settle(), "active=0 timers=0");
	});

	it("rport: received is added even when the sent-by host is the source address (RFC 3581 §4)", () => {
		const host = new VirtualHost();
		const tx = optionsArrive(host, OPTIONS, "192.0.2.20", 5062);
		host.answer(tx, 200, "OK");
		assert.deepEqual([host.sent[0].address, host.sent[0].port], ["192.0.2.20", 5062]);
		assert.equal(headerOf(host.sent[0].text, "Via"), "SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bKpeer1;rport=5062;received=192.0.2.20");
	});

	it("no rport: to the received address at the sent-by port; received added because the host differs (§18.2.1, §18.2.2)", () => {
		const host = new VirtualHost();
		const wire = inbound("OPTIONS", { sentBy: "10.0.0.5:5070", branch: "z9hG4bKnonat", rport: false });
		const tx = optionsArrive(host, wire, "198.51.100.7", 40123);
		host.answer(tx, 200, "OK");
		assert.deepEqual([host.sent[0].address, host.sent[0].port], ["198.51.100.7", 5070]);
		assert.equal(headerOf(host.sent[0].text, "Via"), "SIP/2.0/UDP 10.0.0.5:5070;branch=z9hG4bKnonat;received=198.51.100.7");
	});

	it("no rport and no port in sent-by: to port 5060 (§18.2.2)", () => {
		const host = new VirtualHost();
		const wire = inbound("OPTIONS", { sentBy: "gw.example.net", rport: false });
		const tx = optionsArrive(host, wire, "198.51.100.7", 40123);
		host.answer(tx, 200, "OK");
		assert.deepEqual([host.sent[0].address, host.sent[0].port], ["198.51.100.7", 5060]);
		assert.equal(headerOf(host.sent[0].text, "Via"), "SIP/2.0/UDP gw.example.net;branch=z9hG4bKpeer1;received=198.51.100.7");
	});

	it("no rport, sent-by host = source address: the Via is left as it came, the source port is not used (§18.2.1, §18.2.2)", () => {
		const host = new VirtualHost();
		const wire = inbound("OPTIONS", { rport: false });
		const tx = optionsArrive(host, wire, "192.0.2.20", 33333);
		host.answer(tx, 200, "OK");
		assert.deepEqual([host.sent[0].address, host.sent[0].port], ["192.0.2.20", 5060]);
		assert.equal(headerOf(host.sent[0].text, "Via"), "SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bKpeer1");
	});

	it("a retransmitted response goes where the first one went (§17.2.2)", () => {
		const host = new VirtualHost();
		const wire = inbound("OPTIONS", { sentBy: "10.0.0.5:5060" });
		const tx = optionsArrive(host, wire, "198.51.100.7", 40123);
		host.answer(tx, 200, "OK");
		host.receive(wire, "198.51.100.7", 40123);
		assert.deepEqual(host.sent.map((s) => `${s.address}:${s.port}`), ["198.51.100.7:40123", "198.51.100.7:40123"]);
	});
});

describe("§8.2.6.2 Headers and tags of a response", () => {
	it("copies the Via stack in order (top Via amended), From, Call-ID and CSeq (§8.2.6.2)", () => {
		const host = new VirtualHost();
		const wire = inbound("OPTIONS", { lowerVias: ["SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp1;received=192.0.2.30", "SIP/2.0/TCP 192.0.2.31:5061;branch=z9hG4bKp0"] });
		const tx = optionsArrive(host, wire);
		host.answer(tx, 200, "OK");
		const r = host.sent[0].text;
		assert.deepEqual(headersOf(r, "Via"), [
			"SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bKpeer1;rport=5060;received=192.0.2.20",
			"SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp1;received=192.0.2.30",
			"SIP/2.0/TCP 192.0.2.31:5061;branch=z9hG4bKp0",
		]);
		for (const name of ["From", "Call-ID", "CSeq"]) assert.equal(headerOf(r, name), headerOf(wire, name), name);
	});

	it("adds the UA's To tag exactly once when the request had none, to provisional and final responses alike, not to 100 (§8.2.6.2)", () => {
		const host = new VirtualHost();
		host.receive(inbound("INVITE"));
		const tx = host.serverTxs[0];
		host.answer(tx, 100, "Trying");
		host.answer(tx, 183, "Session Progress");
		host.answer(tx, 200, "OK");
		assert.deepEqual(host.sent.map((s) => headersOf(s.text, "To")), [
			["<sip:door@192.0.2.10>"], ["<sip:door@192.0.2.10>;tag=st4t"], ["<sip:door@192.0.2.10>;tag=st4t"],
		]);
	});

	it("keeps the To tag of a request that had one and adds none (§8.2.6.2, §12.2.2)", () => {
		const host = new VirtualHost();
		const tx = optionsArrive(host, inbound("OPTIONS", { toTag: "dlg9" }));
		host.answer(tx, 200, "OK");
		assert.equal(headerOf(host.sent[0].text, "To"), "<sip:door@192.0.2.10>;tag=dlg9");
		assert.equal(host.settle(), "active=0 timers=0");
	});
});
