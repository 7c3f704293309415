// A call's media pointed back at the station itself: its own packets are not media — RFC 3550 §8.2 ("own traffic
// looped": our SSRC, from our own transport address), §6.3.5 (a silent member times out). An SDP naming the station's own
// RTP port must not keep a call alive on its own echo: the RTP timeout fires as for a silent peer.
import assert from "node:assert/strict";
import { DIGIT_SOURCE_RFC4733, type DigitSink } from "../../src/media/dtmf-4733.js";
import { FRAME_SAMPLES, PCMU } from "../../src/media/g711.js";
import { MEDIA_RECV, MEDIA_SEND, MediaSession, type MediaParameters } from "../../src/media/media-session.js";
import { RTCP_OWN_STREAM } from "../../src/media/rtcp.js";
import { RTP_OWN_STREAM, RTP_REASON_TEXT } from "../../src/media/rtp.js";
import { NodeDatagramSocket } from "../../hosts/sim/node-host.js";
import { FixedRandom } from "./fixed-random.js";

class Clock {
	ms = 0;
	now(): number {
		return this.ms;
	}
}

class NoDigits implements DigitSink {
	count = 0;
	onDigit(_digit: number, source: number): void {
		assert.equal(source, DIGIT_SOURCE_RFC4733);
		this.count++;
	}
}

function params(remoteAddress: string, remotePort: number): MediaParameters {
	return { remoteAddress, remotePort, payloadType: 0, codec: PCMU, telephoneEventPt: 101, direction: MEDIA_SEND | MEDIA_RECV, held: false };
}

/** Where a link says its datagrams come from, and the port they go into. */
interface Route {
	from: string;
	port: number;
}

/** A datagram socket that hands each datagram, copied, to the session's RTP or RTCP port as coming `from` there. */
class Loop {
	readonly queue: { bytes: Uint8Array; route: Route }[] = [];
	constructor(readonly route: Route) {}
	send(bytes: Uint8Array, start: number, end: number, _address: string, _port: number): boolean {
		this.queue.push({ bytes: bytes.slice(start, end), route: this.route });
		return true;
	}
}

/**
 * A station (10.0.0.1:16400, RTCP 16401) whose session sends through `rtp` / `rtcp` loops; each frame the datagrams
 * come back into its own ports.
 */
function station(rtpFrom: Route, rtcpFrom: Route) {
	const clock = new Clock();
	const rtp = new Loop(rtpFrom), rtcp = new Loop(rtcpFrom);
	const session = new MediaSession({
		clock, random: new FixedRandom(null, 5), rtp, rtcp, digits: new NoDigits(), local: { address: "10.0.0.1", port: 16400 },
	});
	const mic = new Int16Array(FRAME_SAMPLES), speaker = new Int16Array(FRAME_SAMPLES);
	for (let i = 0; i < FRAME_SAMPLES; i++) mic[i] = Math.round(6000 * Math.sin((2 * Math.PI * i) / 16));
	/** `ms` of call: the looped datagrams delivered, the session ticked, every 20 ms. */
	function run(ms: number): void {
		for (let t = 0; t < ms; t += 20) {
			for (const d of rtp.queue.splice(0)) session.onRtp(d.bytes, 0, d.bytes.length, d.route.from, d.route.port);
			for (const d of rtcp.queue.splice(0)) session.onRtcp(d.bytes, 0, d.bytes.length, d.route.from, d.route.port);
			session.tick(mic, speaker);
			clock.ms += 20;
		}
	}
	return { clock, session, run };
}

describe("Our own stream looped back is not media (RFC 3550 §8.2)", () => {
	it("names the reason", () => {
		assert.equal(RTP_REASON_TEXT[RTP_OWN_STREAM], "our own stream looped back");
	});

	it("an SDP naming our own RTP port: our packets come back from our own address, none counts, and the call times out at 30 s (§6.3.5)", () => {
		const s = station({ from: "10.0.0.1", port: 16400 }, { from: "10.0.0.1", port: 16401 });
		s.session.start(params("10.0.0.1", 16400));
		s.run(29_000);
		const rx = s.session.receiver;
		assert.ok(rx.dropped(RTP_OWN_STREAM) > 1400, `${rx.dropped(RTP_OWN_STREAM)} own packets dropped`);
		assert.equal(s.session.packetsIn, 0);
		assert.equal(rx.locked, false, "our SSRC is never locked");
		assert.equal(rx.latched, false, "symmetric RTP does not latch onto ourselves");
		assert.equal(s.session.rtpTimedOut(s.clock.ms), false, "29 s: not yet");
		s.run(2000);
		assert.equal(s.session.rtpTimedOut(s.clock.ms), true, "31 s of nothing but our own echo: timed out like a silent call");
		const rtcp = s.session.rtcp!;
		assert.ok(rtcp.dropped(RTCP_OWN_STREAM) >= 4, `${rtcp.dropped(RTCP_OWN_STREAM)} own RTCP reports dropped`);
		assert.equal(rtcp.peerReports, 0, "our own reports are not the peer's");
	});

	it("our SSRC from another address (a reflector, a NAT's hairpin): not media either, the call times out", () => {
		const s = station({ from: "192.0.2.99", port: 40000 }, { from: "192.0.2.99", port: 40001 });
		s.session.start(params("192.0.2.99", 40000));
		s.run(31_000);
		assert.equal(s.session.packetsIn, 0);
		assert.equal(s.session.receiver.remoteAddress, "192.0.2.99", "still sending where the SDP said");
		assert.equal(s.session.rtpTimedOut(s.clock.ms), true);
		assert.equal(s.session.rtcp!.peerReports, 0);
		assert.ok(s.session.rtcp!.dropped(RTCP_OWN_STREAM) >= 4);
	});

	it("another SSRC from our own address and port: not media (the address says it is ours)", () => {
		const s = station({ from: "10.0.0.1", port: 16400 }, { from: "10.0.0.1", port: 16401 });
		s.session.start(params("10.0.0.2", 20000));
		// A packet of another stream (SSRC 0x01020304) that claims to come from our own RTP socket.
		const packet = new Uint8Array(12 + FRAME_SAMPLES).fill(0xff);
		packet.set([0x80, 0, 0, 1, 0, 0, 0, 160, 1, 2, 3, 4]);
		assert.equal(s.session.onRtp(packet, 0, packet.length, "10.0.0.1", 16400), RTP_OWN_STREAM);
		assert.equal(s.session.onRtp(packet, 0, packet.length, "10.0.0.2", 20000), 0, "from the peer the same packet is media");
		assert.equal(s.session.packetsIn, 1);
	});

	it("the peer's stream beside ours is media as before: a looped copy of ours does not disturb it", () => {
		const clock = new Clock();
		const toB = new Loop({ from: "10.0.0.1", port: 16400 }), toA = new Loop({ from: "10.0.0.2", port: 20000 });
		const a = new MediaSession({ clock, random: new FixedRandom(null, 6), rtp: toB, digits: new NoDigits(), local: { address: "10.0.0.1", port: 16400 } });
		const b = new MediaSession({ clock, random: new FixedRandom(null, 7), rtp: toA, digits: new NoDigits(), local: { address: "10.0.0.2", port: 20000 } });
		a.start(params("10.0.0.2", 20000));
		b.start(params("10.0.0.1", 16400));
		const mic = new Int16Array(FRAME_SAMPLES).fill(1000), speaker = new Int16Array(FRAME_SAMPLES);
		for (let k = 0; k < 2000; k++) {
			for (const d of toA.queue.splice(0)) a.onRtp(d.bytes, 0, d.bytes.length, d.route.from, d.route.port);
			for (const d of toB.queue.splice(0)) {
				b.onRtp(d.bytes, 0, d.bytes.length, d.route.from, d.route.port);
				a.onRtp(d.bytes, 0, d.bytes.length, "10.0.0.1", 16400); // A's own packet back at A as well
			}
			a.tick(mic, speaker);
			b.tick(mic, speaker);
			clock.ms += 20;
		}
		assert.ok(a.packetsIn > 1990, `A accepted ${a.packetsIn} of B's packets`);
		assert.ok(a.receiver.dropped(RTP_OWN_STREAM) > 1990);
		assert.equal(a.receiver.remoteAddress, "10.0.0.2");
		assert.equal(a.rtpTimedOut(clock.ms), false);
	});

	it("over real sockets on 127.0.0.1: a session sending to its own port receives its packets and drops them all", async () => {
		const rtp = await NodeDatagramSocket.bind("127.0.0.1", 0);
		let rtcp: NodeDatagramSocket | null = null;
		try {
			rtcp = await NodeDatagramSocket.bind("127.0.0.1", rtp.port + 1).catch(() => null);
			const clock = new Clock();
			const session = new MediaSession({
				clock, random: new FixedRandom(null, 8), rtp, rtcp, digits: new NoDigits(), local: { address: "127.0.0.1", port: rtp.port },
			});
			let arrived = 0;
			rtp.setUser({ onDatagram: (b, s, e, a, p) => (arrived++, void session.onRtp(b, s, e, a, p)) });
			rtcp?.setUser({ onDatagram: (b, s, e, a, p) => void session.onRtcp(b, s, e, a, p) });
			session.start(params("127.0.0.1", rtp.port));
			const mic = new Int16Array(FRAME_SAMPLES).fill(2000), speaker = new Int16Array(FRAME_SAMPLES);
			for (let k = 0; k < 50; k++) {
				session.tick(mic, speaker);
				clock.ms += 20;
				await new Promise((resolve) => setTimeout(resolve, 2));
			}
			for (let wait = 0; wait < 100 && arrived < 50; wait++) await new Promise((resolve) => setTimeout(resolve, 10));
			assert.equal(arrived, 50, "every packet came back to the station");
			assert.equal(session.receiver.dropped(RTP_OWN_STREAM), 50);
			assert.equal(session.packetsIn, 0);
			clock.ms = 31_000;
			assert.equal(session.rtpTimedOut(clock.ms), true);
		} finally {
			await rtp.closed();
			await rtcp?.closed();
		}
	});
});
