// The simulator's Node adapters (hosts/sim/node-host.ts): one one-shot clock, sockets that copy what they send,
// a stream socket that is silent after close, and a network that binds one port and releases it — DESIGN.md §2, §4.
import assert from "node:assert/strict";
import { createSocket } from "node:dgram";
import { createServer, type Socket } from "node:net";
import { NodeClock, NodeDatagramSocket, NodeStreamConnector, createSimNetwork } from "../../hosts/sim/node-host.js";
import type { ServerTransactionUser } from "../../src/transaction/transaction-layer.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const SILENT_TU: ServerTransactionUser = {
	onRequest() {}, onCancel() {}, onAck() {}, onAckTimeout() {}, onServerTransportError() {}, onStrayResponse() {},
};

describe("NodeClock: the host's single one-shot (DESIGN.md §4)", () => {
	it("fires once at the armed time; arming again replaces the earlier one-shot", async () => {
		const clock = new NodeClock();
		const fired: string[] = [];
		const t0 = clock.now();
		clock.arm(t0 + 20, () => fired.push("first"));
		clock.arm(t0 + 40, () => fired.push(`second at ${Math.round(clock.now() - t0)}`));
		await sleep(100);
		assert.equal(fired.length, 1, fired.join());
		assert.match(fired[0], /^second at \d+$/);
		assert.ok(Number(fired[0].split(" ").pop()) >= 40, "never before the armed time");
		assert.equal(clock.armed, false);
	});

	it("disarm() cancels, and after close() nothing can be armed (so the process may exit)", async () => {
		const clock = new NodeClock();
		let n = 0;
		clock.arm(clock.now() + 10, () => n++);
		clock.disarm();
		clock.close();
		clock.arm(clock.now() + 10, () => n++);
		assert.equal(clock.armed, false);
		await sleep(40);
		assert.equal(n, 0);
	});

	it("reads monotonic time (performance.now), never going backwards", () => {
		const clock = new NodeClock();
		let last = clock.now();
		for (let i = 0; i < 1000; i++) {
			const t = clock.now();
			assert.ok(t >= last);
			last = t;
		}
	});
});

describe("NodeDatagramSocket (node:dgram)", () => {
	it("sends a copy: the caller may reuse its buffer at once (the transaction layer rewrites its slots)", async () => {
		const receiver = createSocket("udp4");
		const got: string[] = [];
		receiver.on("message", (m) => got.push(m.toString("latin1")));
		await new Promise<void>((resolve) => receiver.bind({ address: "127.0.0.1", port: 0 }, resolve));
		const socket = await NodeDatagramSocket.bind("127.0.0.1", 0);
		try {
			const buf = new TextEncoder().encode("xxfirstxx");
			assert.equal(socket.send(buf, 2, 7, "127.0.0.1", receiver.address().port), true);
			buf.set(new TextEncoder().encode("SECOND"), 2); // overwritten before Node gets to send it
			assert.equal(socket.send(buf, 2, 8, "127.0.0.1", receiver.address().port), true);
			for (let i = 0; i < 50 && got.length < 2; i++) await sleep(10);
			assert.deepEqual(got, ["first", "SECOND"]);
		} finally {
			await socket.closed();
			receiver.close();
		}
	});

	it("refuses what it cannot send: a name instead of an IP literal (never resolved), port 0, a closed socket", async () => {
		const socket = await NodeDatagramSocket.bind("127.0.0.1", 0);
		const b = new Uint8Array(4);
		assert.equal(socket.send(b, 0, 4, "localhost", 5060), false);
		assert.equal(socket.send(b, 0, 4, "127.0.0.1", 0), false);
		await socket.closed();
		assert.equal(socket.send(b, 0, 4, "127.0.0.1", 5060), false);
	});
});

describe("NodeStreamConnector (node:net)", () => {
	it("queues bytes written before the connection is up, and is silent once closed from our side", async () => {
		const received: Buffer[] = [];
		let peer: Socket | null = null;
		const server = createServer((s) => {
			peer = s;
			s.on("data", (d) => received.push(d));
		});
		await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
		const port = (server.address() as { port: number }).port;
		const heard: string[] = [];
		const connector = new NodeStreamConnector("127.0.0.1");
		const socket = connector.connect("127.0.0.1", port, {
			onConnected: () => heard.push("connected"),
			onBytes: (b, s, e) => heard.push(`bytes ${e - s}`),
			onClosed: (error) => heard.push(`closed ${error}`),
		});
		assert.ok(socket !== null);
		assert.equal(socket.write(new TextEncoder().encode("early"), 0, 5), true);
		for (let i = 0; i < 50 && received.length === 0; i++) await sleep(10);
		assert.equal(Buffer.concat(received).toString(), "early");
		assert.deepEqual(heard, ["connected"]);
		socket.close();
		peer!.end();
		await sleep(50);
		assert.deepEqual(heard, ["connected"], "a closed socket's slot may already serve another connection: no onClosed after close()");
		assert.equal(connector.connect("localhost", port, { onConnected() {}, onBytes() {}, onClosed() {} }), null, "names are not resolved");
		connector.destroyAll();
		await new Promise<void>((resolve) => server.close(() => resolve()));
	});
});

describe("createSimNetwork: the simulator's network layer", () => {
	it("binds UDP and TCP on one port (port 0: the OS's pick), puts it in Via, and releases both on close()", async () => {
		const net = await createSimNetwork({ port: 0, user: SILENT_TU });
		const port = net.port;
		assert.ok(port > 0);
		assert.equal(net.transport.localPort, port);
		await net.close();
		assert.equal(net.clock.armed, false);
		// Both are free again.
		const again = await createSimNetwork({ port, user: SILENT_TU });
		assert.equal(again.port, port);
		await again.close();
	});

	it("refuses an address that is not an IP literal", async () => {
		await assert.rejects(createSimNetwork({ address: "localhost", port: 0, user: SILENT_TU }), /IP literal/);
	});
});
