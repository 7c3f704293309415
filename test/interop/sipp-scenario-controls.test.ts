// Negative controls for the project's SIPp scenarios: each one must FAIL against a fake station that breaks the
// rule it checks (a regenerated response, Timer A at 300 ms, Timer E without doubling, a 486 after the ACK, an
// INVITE retransmitted over TCP). Without these, a scenario whose checks never bite would pass for ever.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describeSipp, freePort, loggedValues, requirePeer, sleep, startSipp, stopAllSipp } from "./peers.js";
import { RawTcpClient } from "./raw-tcp-client.js";

const SCENARIOS = fileURLToPath(new URL("../../../test/interop/scenarios/", import.meta.url));
const scenario = (name: string) => join(SCENARIOS, name);
const SIPP_PORTS = [1, 2, 4] as const;

/** A scripted UDP peer on 127.0.0.1: what it receives is queued, what it sends is given as text. */
class FakeUdpPeer {
	readonly received: string[] = [];
	onMessage: ((text: string) => void) | null = null;
	private constructor(readonly socket: UdpSocket, readonly port: number) {
		socket.on("message", (msg) => {
			const text = msg.toString("latin1");
			this.received.push(text);
			this.onMessage?.(text);
		});
	}
	static bind(): Promise<FakeUdpPeer> {
		return new Promise((resolve) => {
			const s = createSocket("udp4");
			s.bind({ address: "127.0.0.1", port: 0 }, () => resolve(new FakeUdpPeer(s, s.address().port)));
		});
	}
	send(text: string, port: number): void {
		this.socket.send(Buffer.from(text, "latin1"), port, "127.0.0.1");
	}
	close(): Promise<void> {
		return new Promise((resolve) => this.socket.close(() => resolve()));
	}
}

function header(text: string, name: string): string {
	return new RegExp(`\\r\\n${name}:[^\\r\\n]*`, "i").exec(text)?.[0].slice(2) ?? "";
}
/** A response built the way a (broken) UAS would: Via, From, To (+ tag), Call-ID, CSeq of the request. */
function responseTo(request: string, status: string, toTag: string): string {
	const to = header(request, "To");
	return `SIP/2.0 ${status}\r\n${header(request, "Via")}\r\n${header(request, "From")}\r\n${to.includes(";tag=") ? to : `${to};tag=${toTag}`}\r\n` +
		`${header(request, "Call-ID")}\r\n${header(request, "CSeq")}\r\nContent-Length: 0\r\n\r\n`;
}
function request(method: string, sippPort: number, fromPort: number, branch: string, callId: string, transport = "UDP", cseqMethod = method): string {
	return `${method} sip:sipp@127.0.0.1:${sippPort} SIP/2.0\r\nVia: SIP/2.0/${transport} 127.0.0.1:${fromPort};branch=${branch}\r\n` +
		`From: <sip:fake@127.0.0.1:${fromPort}>;tag=fake1\r\nTo: <sip:sipp@127.0.0.1:${sippPort}>\r\nCall-ID: ${callId}\r\n` +
		`CSeq: 1 ${cseqMethod}\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
}

let sipp = "";
const closers: (() => Promise<void> | void)[] = [];

describe("SIPp scenario negative controls: each scenario fails against a station that breaks its rule", function () {
	this.timeout(20000);

	before(function () {
		sipp = requirePeer(this);
	});
	afterEach(async function () {
		const kept = await stopAllSipp(this.currentTest?.state === "failed");
		if (kept.length > 0) process.stderr.write(`        sipp logs kept in ${kept.join(", ")}\n`);
		for (const close of closers.splice(0)) await close();
	});

	it("uac-options-retransmit fails when each copy gets a freshly built 200 (new To tag) instead of the stored one", async () => {
		const fake = await FakeUdpPeer.bind();
		closers.push(() => fake.close());
		let first = 0;
		fake.onMessage = (text) => {
			if (!text.startsWith("OPTIONS ")) return;
			const from = Number(/Via: SIP\/2.0\/UDP 127\.0\.0\.1:(\d+)/.exec(text)![1]);
			if (first === 0) {
				first = performance.now();
				setTimeout(() => fake.send(responseTo(text, "200 OK", "t" + randomBytes(4).toString("hex")), from), 600);
			} else if (performance.now() - first > 600) {
				fake.send(responseTo(text, "200 OK", "t" + randomBytes(4).toString("hex")), from);
			}
		};
		const port = await freePort(SIPP_PORTS);
		const r = await startSipp(sipp, {
			scenario: scenario("uac-options-retransmit.xml"), port, remote: `127.0.0.1:${fake.port}`, service: "door", noRetransmissions: true, timeoutMs: 15000,
		}).done;
		assert.equal(r.code, 1, describeSipp(r));
		const tags = [...new Set([...loggedValues(r, "tag1"), ...loggedValues(r, "tag2"), ...loggedValues(r, "tag3")])];
		assert.equal(tags.length, 3, `three different To tags seen\n${describeSipp(r)}`);
	});

	it("uas-invite-timer-a fails when the INVITE is retransmitted every 300 ms", async () => {
		const fake = await FakeUdpPeer.bind();
		closers.push(() => fake.close());
		const port = await freePort(SIPP_PORTS);
		const run = startSipp(sipp, { scenario: scenario("uas-invite-timer-a.xml"), port, noRetransmissions: true, timeoutMs: 15000 });
		await run.ready();
		const invite = request("INVITE", port, fake.port, "z9hG4bK-fake-a", "fake-a@127.0.0.1");
		fake.onMessage = (text) => {
			if (text.startsWith("SIP/2.0 486")) fake.send(request("ACK", port, fake.port, "z9hG4bK-fake-a", "fake-a@127.0.0.1"), port);
		};
		for (let i = 0; i < 4; i++) {
			fake.send(invite, port);
			await sleep(300);
		}
		const r = await run.done;
		assert.equal(r.code, 1, describeSipp(r));
		const d1 = Number(loggedValues(r, "d1")[0]);
		assert.ok(d1 > 250 && d1 < 350, `SIPp measured the 300 ms gap (d1=${d1})\n${describeSipp(r)}`);
	});

	it("uas-options-timer-e fails when the OPTIONS is retransmitted every 500 ms (no doubling)", async () => {
		const fake = await FakeUdpPeer.bind();
		closers.push(() => fake.close());
		const port = await freePort(SIPP_PORTS);
		const run = startSipp(sipp, { scenario: scenario("uas-options-timer-e.xml"), port, noRetransmissions: true, timeoutMs: 15000 });
		await run.ready();
		const options = request("OPTIONS", port, fake.port, "z9hG4bK-fake-e", "fake-e@127.0.0.1");
		for (let i = 0; i < 6; i++) {
			fake.send(options, port);
			await sleep(500);
		}
		const r = await run.done;
		assert.equal(r.code, 1, describeSipp(r));
		assert.ok(Math.abs(Number(loggedValues(r, "d2")[0]) - 500) < 100, describeSipp(r));
	});

	it("uac-invite-486-ack fails when the 486 keeps coming after the ACK", async () => {
		const fake = await FakeUdpPeer.bind();
		closers.push(() => fake.close());
		const timers: NodeJS.Timeout[] = [];
		closers.push(() => timers.forEach(clearInterval));
		fake.onMessage = (text) => {
			if (!text.startsWith("INVITE ")) return;
			const from = Number(/Via: SIP\/2.0\/UDP 127\.0\.0\.1:(\d+)/.exec(text)![1]);
			const busy = responseTo(text, "486 Busy Here", "busy1");
			fake.send(busy, from);
			let n = 0;
			const t = setInterval(() => (++n <= 4 ? fake.send(busy, from) : clearInterval(t)), 500); // Timer G that ignores the ACK
			timers.push(t);
		};
		const port = await freePort(SIPP_PORTS);
		const r = await startSipp(sipp, {
			scenario: scenario("uac-invite-486-ack.xml"), port, remote: `127.0.0.1:${fake.port}`, service: "door", noRetransmissions: true, timeoutMs: 15000,
		}).done;
		assert.equal(r.code, 1, describeSipp(r));
		assert.ok(r.logs.includes("UNEXPECTED 486 after the ACK"), describeSipp(r));
	});

	it("uas-tcp-invite-486 fails when the INVITE is retransmitted over TCP", async () => {
		const port = await freePort(SIPP_PORTS);
		const run = startSipp(sipp, { scenario: scenario("uas-tcp-invite-486.xml"), port, transport: "tcp", timeoutMs: 15000 });
		await run.ready();
		const client = await RawTcpClient.connect(port);
		closers.push(() => client.destroy());
		const invite = request("INVITE", port, client.localPort, "z9hG4bK-fake-tcp", "fake-tcp@127.0.0.1", "TCP");
		client.write(invite);
		await sleep(500);
		client.write(invite);
		await client.responses(2, 5000); // 100, 486
		client.write(request("ACK", port, client.localPort, "z9hG4bK-fake-tcp", "fake-tcp@127.0.0.1", "TCP"));
		const r = await run.done;
		assert.equal(r.code, 1, describeSipp(r));
		assert.ok(r.logs.includes("UNEXPECTED INVITE retransmission over TCP"), describeSipp(r));
	});
});
