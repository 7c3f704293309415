// The ESP32's TLS and DNS socket adapters (hosts/esp32/tls-stream.ts, dns-datagrams.ts) against stand-ins of the
// ECMA-419 IO classes: what they hand the IO (the name to verify, the trust, the port drawn, the multicast TTL), what
// they hand the core (connected only after the handshake, bytes, a failure with its reason), and nothing lost while the
// socket cannot take bytes yet.
import assert from "node:assert/strict";
import type { DatagramUser, StreamUser } from "../../src/host.js";
import { DnsDatagramOpener, type DnsPacket } from "../../hosts/esp32/dns-datagrams.js";
import { R_TLS_FAILED, TlsConnector, type TlsIO } from "../../hosts/esp32/tls-stream.js";

/** A TLS socket as ECMA-419 gives it: the test says when it is writable, readable or failed. */
class FakeTls implements TlsIO {
	static last: FakeTls;
	readonly written: number[][] = [];
	closed = false;
	incoming: ArrayBuffer | null = null;
	constructor(readonly options: { address: string; port: number; host: string; secure: { verify: boolean }; onReadable: (n: number) => void;
		onWritable: (n: number) => void; onError: () => void }) {
		FakeTls.last = this;
	}
	write(buffer: ArrayBufferLike | Uint8Array): number {
		const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
		this.written.push(Array.from(bytes));
		return bytes.length;
	}
	read(_n: number): ArrayBuffer | undefined {
		const data = this.incoming ?? undefined;
		this.incoming = null;
		return data;
	}
	close(): void {
		this.closed = true;
	}
}

function recorder(): StreamUser & { heard: string[] } {
	const heard: string[] = [];
	return {
		heard,
		onConnected: () => heard.push("connected"),
		onBytes: (b, s, e) => heard.push(`bytes ${Array.from(b.subarray(s, e)).join(",")}`),
		onClosed: (error, reason) => heard.push(`closed ${error} ${reason ?? ""}`),
	};
}

describe("ESP32 TLS connector (embedded:io/socket/tcp/tls, RFC 5922 §4.1)", () => {
	it("connects to the address with the server's name as the name to verify, and the configured trust", () => {
		const user = recorder();
		const c = new TlsConnector({ io: FakeTls, secure: { verify: true } });
		assert.notEqual(c.connect("192.0.2.1", 5061, user, "pbx.example.com"), null);
		const o = FakeTls.last.options;
		assert.deepEqual([o.address, o.port, o.host, o.secure.verify], ["192.0.2.1", 5061, "pbx.example.com", true]);
		c.connect("192.0.2.1", 5061, user);
		assert.equal(FakeTls.last.options.host, "192.0.2.1", "no name: the address is what the certificate must name");
	});

	it("is connected only after the handshake (the first onWritable); what was written before waits and then goes in order", () => {
		const user = recorder();
		const s = new TlsConnector({ io: FakeTls, secure: { verify: true } }).connect("192.0.2.1", 5061, user, "pbx.example.com")!;
		const io = FakeTls.last;
		assert.equal(s.write(Uint8Array.of(1, 2, 3), 0, 3), true);
		assert.equal(s.write(Uint8Array.of(9, 4, 5, 9), 1, 3), true);
		assert.deepEqual([user.heard, io.written], [[], []]);
		io.options.onWritable(2);
		assert.deepEqual(user.heard, ["connected"]);
		assert.deepEqual(io.written, [[1, 2]], "as much as the socket takes");
		io.options.onWritable(100);
		assert.deepEqual(io.written, [[1, 2], [3, 4, 5]]);
		assert.equal(s.write(Uint8Array.of(6), 0, 1), true);
		assert.deepEqual(io.written[2], [6], "straight through once nothing waits");
	});

	it("passes what arrives up, and a failure as a closed stream with its reason; close() closes the socket and silences it", () => {
		const user = recorder();
		const s = new TlsConnector({ io: FakeTls, secure: { verify: false } }).connect("192.0.2.1", 5061, user, "pbx.example.com")!;
		const io = FakeTls.last;
		io.options.onWritable(1000);
		io.incoming = Uint8Array.of(7, 8).buffer;
		io.options.onReadable(2);
		io.options.onError();
		assert.deepEqual(user.heard, ["connected", "bytes 7,8", `closed true ${R_TLS_FAILED}`]);
		assert.equal(io.closed, true);
		assert.equal(s.write(Uint8Array.of(1), 0, 1), false, "a closed stream takes nothing");
		const other = recorder();
		const t = new TlsConnector({ io: FakeTls, secure: { verify: true } }).connect("192.0.2.1", 5061, other, "pbx.example.com")!;
		t.close();
		FakeTls.last.options.onError();
		assert.deepEqual(other.heard, []);
		assert.equal(FakeTls.last.closed, true);
	});
});

/** A UDP socket as ECMA-419 gives it. */
class FakeUdp {
	static all: FakeUdp[] = [];
	readonly sent: string[] = [];
	queue: DnsPacket[] = [];
	closed = false;
	constructor(readonly options: { port?: number; multicast?: string; timeToLive?: number; onReadable: (n: number) => void }) {
		if (options.port === 5353) throw new Error("bind failed");
		FakeUdp.all.push(this);
	}
	write(buffer: Uint8Array, address: string, port: number): void {
		this.sent.push(`${Array.from(buffer).join(",")} to ${address}:${port}`);
	}
	read(): DnsPacket | undefined {
		return this.queue.shift();
	}
	close(): void {
		this.closed = true;
	}
}

describe("ESP32 DNS sockets (embedded:io/socket/udp; RFC 5452 §9.2, RFC 6762 §11)", () => {
	it("a query's socket on the port the client drew; mDNS to the group with IP TTL 255; datagrams up, sends down, close", () => {
		const opener = new DnsDatagramOpener({ io: FakeUdp });
		const got: string[] = [];
		const user: DatagramUser = { onDatagram: (b, s, e, address, port) => got.push(`${Array.from(b.subarray(s, e)).join(",")} from ${address}:${port}`) };
		const unicast = opener.open(50123, "192.0.2.53", user)!;
		const u = FakeUdp.all[FakeUdp.all.length - 1];
		assert.deepEqual([u.options.port, u.options.multicast, u.options.timeToLive], [50123, undefined, undefined]);
		assert.equal(unicast.send(Uint8Array.of(0, 1, 2, 3), 1, 3, "192.0.2.53", 53), true);
		assert.deepEqual(u.sent, ["1,2 to 192.0.2.53:53"]);
		u.queue.push(Object.assign(Uint8Array.of(4, 5).buffer, { address: "192.0.2.53", port: 53 }));
		u.options.onReadable(1);
		assert.deepEqual(got, ["4,5 from 192.0.2.53:53"]);
		unicast.close();
		assert.equal(u.closed, true);
		assert.equal(unicast.send(Uint8Array.of(1), 0, 1, "192.0.2.53", 53), false);
		opener.open(0, "224.0.0.251", user);
		const m = FakeUdp.all[FakeUdp.all.length - 1];
		assert.deepEqual([m.options.port, m.options.multicast, m.options.timeToLive], [undefined, "224.0.0.251", 255]);
		assert.equal(opener.open(5353, "192.0.2.53", user), null, "a port that cannot be bound: null, the client draws another");
	});
});
