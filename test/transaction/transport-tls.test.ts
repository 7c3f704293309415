// SIP over TLS in the transport layer — RFC 3261 §26.2 and RFC 5630 (TLS is a stream transport: Via TLS, port 5061,
// no retransmissions), RFC 5922 §4.1 (a connection per name the server must prove), RFC 5923 (the alias that lets the
// PBX reach the station over the connection it opened), §17.1.4 (a broken connection is a transport error, with the
// host's reason for the log).
import assert from "node:assert/strict";
import { M_INVITE, M_OPTIONS } from "../../src/sip/methods.js";
import { FREE, TCP, TLS } from "../../src/transaction/transaction-table.js";
import { VirtualHost, headerOf, inbound, responseTo } from "./virtual-host.js";

describe("RFC 3261 §26.2, RFC 5630: requests over TLS", () => {
	it("the top Via says TLS and carries RFC 5923's alias; the request goes on a TLS connection opened for the server's name", () => {
		const host = new VirtualHost();
		host.sendRequest(M_OPTIONS, "OPTIONS", { transport: TLS, port: 5061, serverName: "pbx.example.com" });
		const sent = host.sent[0];
		assert.equal(sent.transport, "TLS");
		assert.match(headerOf(sent.text, "Via"), /^SIP\/2\.0\/TLS 192\.0\.2\.10:5070;branch=z9hG4bK[0-9a-f]{16};rport;alias$/);
		assert.deepEqual([host.streams.length, host.streams[0].transport, host.streams[0].serverName, host.streams[0].port], [1, "TLS", "pbx.example.com", 5061]);
	});

	it("is reliable: no Timer E retransmissions; a response ends it at once (§17.1.2.2: Timer K = 0)", () => {
		const host = new VirtualHost();
		const tx = host.sendRequest(M_OPTIONS, "OPTIONS", { transport: TLS, port: 5061, serverName: "pbx.example.com" });
		host.advance(10_000);
		assert.equal(host.sent.length, 1, "nothing sent again");
		host.streams[0].receive(responseTo(host.sent[0].text, 200, "OK"));
		assert.deepEqual(host.heard, [`response 200 tx=${tx}`]);
		assert.equal(host.layer.stateOf(tx), FREE);
	});

	it("reuses a TLS connection for the same destination and name; another name, or TCP, gets a connection of its own (RFC 5922 §4.1)", () => {
		const host = new VirtualHost();
		host.sendRequest(M_OPTIONS, "OPTIONS", { transport: TLS, port: 5061, serverName: "pbx.example.com" });
		host.sendRequest(M_INVITE, "INVITE", { transport: TLS, port: 5061, serverName: "pbx.example.com" });
		host.sendRequest(M_OPTIONS, "OPTIONS", { transport: TLS, port: 5061, serverName: "other.example.com" });
		host.sendRequest(M_OPTIONS, "OPTIONS", { transport: TCP, port: 5061 });
		assert.deepEqual(host.streams.map((s) => `${s.transport} ${s.serverName}`), ["TLS pbx.example.com", "TLS other.example.com", "TCP "]);
		assert.deepEqual(host.sent.map((s) => host.streams.indexOf(s.stream!)), [0, 0, 1, 2]);
	});

	it("a CANCEL goes where its INVITE went: the same TLS connection, the same name (§9.1)", () => {
		const host = new VirtualHost();
		const invite = host.sendRequest(M_INVITE, "INVITE", { transport: TLS, port: 5061, serverName: "pbx.example.com" });
		host.streams[0].receive(responseTo(host.sent[0].text, 180, "Ringing"));
		assert.ok(host.layer.cancel(invite) > 0);
		const cancel = host.last()!;
		assert.match(cancel.text, /^CANCEL /);
		assert.deepEqual([cancel.transport, cancel.stream, host.streams.length], ["TLS", host.streams[0], 1]);
		assert.match(headerOf(cancel.text, "Via"), /^SIP\/2\.0\/TLS .*;alias$/);
	});

	it("a connection the host cannot open, or one that breaks with a reason: a transport error, and lastFailure says why (§17.1.4)", () => {
		const host = new VirtualHost();
		host.tlsUp = false;
		assert.equal(host.sendRequest(M_OPTIONS, "OPTIONS", { transport: TLS, port: 5061, serverName: "pbx.example.com" }), -1);
		assert.equal(host.transport.lastFailure, "TLS 192.0.2.20:5061: no connection could be opened");
		host.tlsUp = true;
		const tx = host.sendRequest(M_OPTIONS, "OPTIONS", { transport: TLS, port: 5061, serverName: "pbx.example.com" });
		host.streams[0].fail("certificate not accepted: unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)");
		assert.deepEqual(host.heard, [`transport-error tx=${tx}`]);
		assert.equal(host.transport.lastFailure, "TLS 192.0.2.20:5061: certificate not accepted: unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)");
		assert.equal(host.settle(), "active=0 timers=0");
	});
});

describe("RFC 3261 §18.2.2, RFC 5630: responses to requests over TLS", () => {
	it("go back on the connection the request came on; once it closed, over a new TLS connection to the sent-by's port, 5061 by default", () => {
		const host = new VirtualHost();
		const stream = host.accept("192.0.2.20", 40000, "TLS")!;
		stream.receive(inbound("INVITE", { transport: "TLS", sentBy: "192.0.2.20" }));
		const tx = host.serverTxs[0];
		assert.equal(host.answer(tx, 180, "Ringing"), true);
		assert.equal(host.last()!.stream, stream);
		stream.peerClose();
		assert.equal(host.answer(tx, 486, "Busy Here"), true);
		const reopened = host.streams[host.streams.length - 1];
		assert.deepEqual([reopened.transport, reopened.address, reopened.port], ["TLS", "192.0.2.20", 5061]);
		assert.match(host.last()!.text, /^SIP\/2\.0 486 Busy Here\r\n/);
	});
});
