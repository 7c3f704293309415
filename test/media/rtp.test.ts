// RTP data packets: the fixed header, reading in place, one sender, one receiver's filter — RFC 3550 §5, A.1;
// RFC 3551 §4.1; RFC 4961; RFC 5761 §4; RFC 6263.
import assert from "node:assert/strict";
import {
	readRtp, RTP_BAD_CSRC, RTP_BAD_EXTENSION, RTP_BAD_PADDING, RTP_BAD_VERSION, RTP_FOREIGN_SSRC, RTP_OK, RTP_REASON_TEXT,
	RTP_REASONS, RTP_RTCP_TYPE, RTP_TOO_SHORT, RTP_WRONG_PT, RtpReceiver, RtpSender, RtpView, writeRtp,
} from "../../src/media/rtp.js";
import { FixedRandom } from "./fixed-random.js";

function hex(buf: Uint8Array, start = 0, end = buf.length): string {
	let s = "";
	for (let i = start; i < end; i++) s += (i > start ? " " : "") + buf[i].toString(16).padStart(2, "0");
	return s;
}
function bytes(text: string): Uint8Array {
	return Uint8Array.from(text.split(/\s+/).filter((t) => t !== "").map((t) => parseInt(t, 16)));
}

const PAYLOAD = Uint8Array.from([0xff, 0xfe, 0x7f, 0x00, 0x80]);

describe("RFC 3550 §5.1: RTP fixed header fields — writing", () => {
	it("writes V=2, P=0, X=0, CC=0, M, PT, sequence number, timestamp, SSRC in network order, then the payload (§5.1)", () => {
		const buf = new Uint8Array(40).fill(0xee);
		const end = writeRtp(buf, 3, true, 0, 0xbeef, 0xdeadbeef, 0x01020304, PAYLOAD, 0, PAYLOAD.length);
		assert.equal(end, 3 + 12 + 5);
		assert.equal(hex(buf, 3, end), "80 80 be ef de ad be ef 01 02 03 04 ff fe 7f 00 80");
		assert.equal(buf[2], 0xee);
		assert.equal(buf[end], 0xee);
	});

	it("puts the payload type in 7 bits beside the marker (§5.1)", () => {
		const buf = new Uint8Array(12);
		writeRtp(buf, 0, false, 101, 1, 2, 3, PAYLOAD, 0, 0);
		assert.equal(buf[1], 101);
		writeRtp(buf, 0, true, 8, 1, 2, 3, PAYLOAD, 0, 0);
		assert.equal(buf[1], 0x88);
	});

	it("refuses a packet that does not fit (-1), never writing past the buffer", () => {
		const buf = new Uint8Array(16);
		assert.equal(writeRtp(buf, 0, false, 0, 1, 2, 3, PAYLOAD, 0, 5), -1);
		assert.equal(writeRtp(buf, 0, false, 0, 1, 2, 3, PAYLOAD, 0, 4), 16);
	});
});

describe("RFC 3550 §5.1, A.1: RTP fixed header fields — reading in place", () => {
	const view = new RtpView();

	it("reads back what was written: marker, PT, sequence, timestamp, SSRC, payload span (§5.1)", () => {
		const buf = new Uint8Array(64);
		const end = writeRtp(buf, 4, true, 8, 65535, 4294967295, 0xcafef00d, PAYLOAD, 1, 4);
		assert.equal(readRtp(buf, 4, end, view), RTP_OK);
		assert.deepEqual(
			[view.marker, view.payloadType, view.sequence, view.timestamp, view.ssrc, view.payloadStart, view.payloadEnd],
			[true, 8, 65535, 4294967295, 0xcafef00d, 16, 19],
		);
		assert.equal(view.payloadLength, 3);
	});

	it("rejects fewer than 12 octets (§5.1: the fixed header)", () => {
		assert.equal(readRtp(bytes("80 00 00 01 00 00 00 02 00 00 00"), 0, 11, view), RTP_TOO_SHORT);
	});

	it("rejects a version other than 2 (§5.1, A.1)", () => {
		const buf = bytes("40 00 00 01 00 00 00 02 00 00 00 03");
		assert.equal(readRtp(buf, 0, buf.length, view), RTP_BAD_VERSION);
		buf[0] = 0xc0;
		assert.equal(readRtp(buf, 0, buf.length, view), RTP_BAD_VERSION);
	});

	it("skips CC contributing-source identifiers to find the payload (§5.1)", () => {
		const buf = bytes("82 00 00 01 00 00 00 02 00 00 00 03  00 00 00 0a 00 00 00 0b  d5 d5");
		assert.equal(readRtp(buf, 0, buf.length, view), RTP_OK);
		assert.equal(view.csrcCount, 2);
		assert.equal(view.payloadStart, 20);
		assert.equal(view.payloadEnd, 22);
	});

	it("rejects a CSRC list running past the end of the packet (§5.1)", () => {
		const buf = bytes("83 00 00 01 00 00 00 02 00 00 00 03  00 00 00 0a 00 00 00 0b");
		assert.equal(readRtp(buf, 0, buf.length, view), RTP_BAD_CSRC);
	});

	it("strips padding: the last octet counts the padding octets, itself included (§5.1)", () => {
		const buf = bytes("a0 00 00 01 00 00 00 02 00 00 00 03  d5 d5 d5  00 00 03");
		assert.equal(readRtp(buf, 0, buf.length, view), RTP_OK);
		assert.equal(view.padding, 3);
		assert.equal(view.payloadStart, 12);
		assert.equal(view.payloadEnd, 15);
	});

	it("rejects a padding count of 0, or one larger than what follows the header (§5.1, A.1)", () => {
		const zero = bytes("a0 00 00 01 00 00 00 02 00 00 00 03  d5 d5 00");
		assert.equal(readRtp(zero, 0, zero.length, view), RTP_BAD_PADDING);
		const big = bytes("a0 00 00 01 00 00 00 02 00 00 00 03  d5 d5 04");
		assert.equal(readRtp(big, 0, big.length, view), RTP_BAD_PADDING);
		const all = bytes("a0 00 00 01 00 00 00 02 00 00 00 03  00 00 03");
		assert.equal(readRtp(all, 0, all.length, view), RTP_OK);
		assert.equal(view.payloadLength, 0);
	});

	it("accepts a packet at an offset inside a larger buffer, reading nothing outside [start, end)", () => {
		const buf = bytes("ff ff  80 00 00 01 00 00 00 02 00 00 00 03  d5  ff");
		assert.equal(readRtp(buf, 2, 15, view), RTP_OK);
		assert.equal(view.payloadStart, 14);
		assert.equal(view.payloadEnd, 15);
	});

	it("names every reason code in constant text", () => {
		assert.equal(RTP_REASON_TEXT.length, RTP_REASONS);
		assert.ok(Object.isFrozen(RTP_REASON_TEXT));
	});
});

describe("RFC 3550 §5.3.1: RTP header extension", () => {
	const view = new RtpView();

	it("skips the extension: 16 bits profile-defined, 16 bits length in words after its 4-octet header (§5.3.1)", () => {
		const buf = bytes("90 00 00 01 00 00 00 02 00 00 00 03  be de 00 02  11 22 33 44 55 66 77 88  d5 d5");
		assert.equal(readRtp(buf, 0, buf.length, view), RTP_OK);
		assert.equal(view.extensionProfile, 0xbede);
		assert.equal(view.payloadStart, 24);
		assert.equal(view.payloadEnd, 26);
	});

	it("skips CSRCs, then the extension, then strips padding, in that order (§5.1, §5.3.1)", () => {
		const buf = bytes("b1 00 00 01 00 00 00 02 00 00 00 03  00 00 00 0a  be de 00 01 11 22 33 44  d5  00 02");
		assert.equal(readRtp(buf, 0, buf.length, view), RTP_OK);
		assert.deepEqual([view.payloadStart, view.payloadEnd, view.padding], [24, 25, 2]);
	});

	it("rejects an extension running past the end (§5.3.1)", () => {
		const short = bytes("90 00 00 01 00 00 00 02 00 00 00 03  be de");
		assert.equal(readRtp(short, 0, short.length, view), RTP_BAD_EXTENSION);
		const long = bytes("90 00 00 01 00 00 00 02 00 00 00 03  be de 00 02  11 22 33 44");
		assert.equal(readRtp(long, 0, long.length, view), RTP_BAD_EXTENSION);
	});

	it("finds no extension when X is 0 (profile -1)", () => {
		const buf = bytes("80 00 00 01 00 00 00 02 00 00 00 03");
		assert.equal(readRtp(buf, 0, buf.length, view), RTP_OK);
		assert.equal(view.extensionProfile, -1);
	});
});

describe("RFC 5761 §4: RTCP on the RTP port", () => {
	it("rejects payload types 72–76, where RTCP's SR..APP (200–204) land with the marker bit (RFC 5761 §4, RFC 3550 A.1)", () => {
		const view = new RtpView();
		for (const pt of [200, 201, 202, 203, 204]) {
			const buf = bytes(`80 ${pt.toString(16)} 00 07 00 00 00 02 00 00 00 03`);
			assert.equal(readRtp(buf, 0, buf.length, view), RTP_RTCP_TYPE, `PT ${pt}`);
		}
		const ok = bytes("80 47 00 07 00 00 00 02 00 00 00 03");
		assert.equal(readRtp(ok, 0, ok.length, view), RTP_OK, "71 is an RTP payload type");
	});
});

describe("RFC 3550 §5.1: the sender's sequence number, timestamp and SSRC", () => {
	const random = () => new FixedRandom([0xff, 0xfe, 0xff, 0xff, 0xff, 0x60, 0x11, 0x22, 0x33, 0x44]);
	const frame = new Uint8Array(160).fill(0xff);

	it("starts sequence number, timestamp and SSRC at random values from the host's Random (§5.1, §8.1)", () => {
		const rnd = random();
		const s = new RtpSender({ random: rnd, payloadType: 0 });
		assert.equal(rnd.calls, 1);
		assert.deepEqual([s.sequence, s.timestamp, s.ssrc], [0xfffe, 0xffffff60, 0x11223344]);
	});

	it("adds 1 to the sequence number per packet and 160 to the timestamp per 20 ms frame, both wrapping (§5.1)", () => {
		const s = new RtpSender({ random: random(), payloadType: 0 });
		const buf = new Uint8Array(200), view = new RtpView();
		const seen: string[] = [];
		for (let i = 0; i < 3; i++) {
			const end = s.writeAudio(buf, 0, frame, 0, 160, i * 20);
			assert.equal(readRtp(buf, 0, end, view), RTP_OK);
			seen.push(`${view.sequence} ${view.timestamp} ${view.ssrc.toString(16)}`);
		}
		assert.deepEqual(seen, ["65534 4294967136 11223344", "65535 0 11223344", "0 160 11223344"]);
	});

	it("sets the marker on the first packet only, while frames flow (RFC 3551 §4.1)", () => {
		const s = new RtpSender({ random: random(), payloadType: 8 });
		const buf = new Uint8Array(200);
		const marks: number[] = [];
		for (let i = 0; i < 4; i++) {
			s.writeAudio(buf, 0, frame, 0, 160, i * 20);
			marks.push(buf[1]);
		}
		assert.deepEqual(marks, [0x88, 0x08, 0x08, 0x08]);
	});

	it("keeps the timestamp running through skipped frames and marks the talk spurt after them (RFC 3551 §4.1)", () => {
		const s = new RtpSender({ random: new FixedRandom([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), payloadType: 0 });
		const buf = new Uint8Array(200), view = new RtpView();
		s.writeAudio(buf, 0, frame, 0, 160, 0);
		s.skip();
		s.skip();
		const end = s.writeAudio(buf, 0, frame, 0, 160, 60);
		readRtp(buf, 0, end, view);
		assert.deepEqual([view.marker, view.sequence, view.timestamp], [true, 1, 480]);
	});

	it("counts packets and payload octets, headers excluded, for the sender report (§6.4.1)", () => {
		const s = new RtpSender({ random: random(), payloadType: 0 });
		const buf = new Uint8Array(200);
		s.writeAudio(buf, 0, frame, 0, 160, 0);
		s.writeAudio(buf, 0, frame, 0, 80, 20);
		assert.deepEqual([s.packets, s.octets], [2, 240]);
	});

	it("sends another payload type with the caller's timestamp and marker, taking a sequence number, leaving the audio timestamp", () => {
		const s = new RtpSender({ random: new FixedRandom([0, 5, 0, 0, 0, 100, 0, 0, 0, 1]), payloadType: 0 });
		const buf = new Uint8Array(200), view = new RtpView();
		const end = s.writePacket(buf, 0, true, 101, 100, PAYLOAD, 0, 4, 0);
		readRtp(buf, 0, end, view);
		assert.deepEqual([view.payloadType, view.marker, view.sequence, view.timestamp], [101, true, 5, 100]);
		assert.deepEqual([s.sequence, s.timestamp], [6, 100]);
	});

	it("leaves everything as it was when the buffer is too small (-1)", () => {
		const s = new RtpSender({ random: random(), payloadType: 0 });
		assert.equal(s.writeAudio(new Uint8Array(100), 0, frame, 0, 160, 0), -1);
		assert.deepEqual([s.sequence, s.timestamp, s.packets], [0xfffe, 0xffffff60, 0]);
	});

	it("draws new random values on restart, as after an SSRC collision (§8.2)", () => {
		const s = new RtpSender({ random: new FixedRandom(null, 7), payloadType: 0 });
		const first = s.ssrc;
		s.writeAudio(new Uint8Array(200), 0, frame, 0, 160, 0);
		s.restart();
		assert.notEqual(s.ssrc, first);
		assert.equal(s.packets, 0);
	});

	it("extrapolates the RTP timestamp of an instant from the last packet sent (§6.4.1)", () => {
		const s = new RtpSender({ random: new FixedRandom([0]), payloadType: 0 });
		s.writeAudio(new Uint8Array(200), 0, frame, 0, 160, 1000);
		assert.equal(s.timestampAt(1000), 0);
		assert.equal(s.timestampAt(1250), 2000);
	});
});

describe("RFC 6263 §4: keep-alive while muted", () => {
	const frame = new Uint8Array(160);

	it("asks for a packet at once, before anything was sent (opens the NAT binding)", () => {
		const s = new RtpSender({ random: new FixedRandom([1]), payloadType: 0 });
		assert.equal(s.keepAliveDue(0), true);
	});

	it("asks again only when nothing was sent for keepAliveMs, however the frames were skipped", () => {
		const s = new RtpSender({ random: new FixedRandom([1]), payloadType: 0, keepAliveMs: 15_000 });
		s.writeAudio(new Uint8Array(200), 0, frame, 0, 160, 1000);
		for (let t = 1020; t < 16_000; t += 20) {
			s.skip();
			assert.equal(s.keepAliveDue(t), false, `at ${t}`);
		}
		assert.equal(s.keepAliveDue(16_000), true);
	});

	it("never asks when keepAliveMs is 0", () => {
		const s = new RtpSender({ random: new FixedRandom([1]), payloadType: 0, keepAliveMs: 0 });
		assert.equal(s.keepAliveDue(1e9), false);
	});
});

describe("RFC 3550 A.1: the receiver's filter (payload type, length, SSRC)", () => {
	const PEER = "192.0.2.20";
	function packet(ssrc: number, seq: number, pt = 0): Uint8Array {
		const buf = new Uint8Array(12 + 160);
		writeRtp(buf, 0, false, pt, seq, seq * 160, ssrc, new Uint8Array(160), 0, 160);
		return buf;
	}
	function receiver(extra: Partial<{ relockMs: number; symmetric: boolean; timeoutMs: number }> = {}): RtpReceiver {
		const r = new RtpReceiver({ payloadTypes: [0, 101], ...extra });
		r.start(0, "198.51.100.7", 4000);
		return r;
	}

	it("accepts negotiated payload types and fills the view (§5.1)", () => {
		const r = receiver();
		const buf = packet(0xa, 1);
		assert.equal(r.receive(buf, 0, buf.length, PEER, 5004, 0), RTP_OK);
		assert.equal(r.view.ssrc, 0xa);
		assert.equal(r.view.payloadLength, 160);
		const ev = packet(0xa, 2, 101);
		assert.equal(r.receive(ev, 0, ev.length, PEER, 5004, 20), RTP_OK);
		assert.deepEqual([r.accepted, r.octets], [2, 320]);
	});

	it("drops and counts a payload type that was not negotiated (A.1)", () => {
		const r = receiver();
		const buf = packet(0xa, 1, 8);
		assert.equal(r.receive(buf, 0, buf.length, PEER, 5004, 0), RTP_WRONG_PT);
		assert.equal(r.dropped(RTP_WRONG_PT), 1);
		assert.equal(r.locked, false, "a dropped packet does not lock");
		r.acceptPayloadType(8, true);
		assert.equal(r.receive(buf, 0, buf.length, PEER, 5004, 0), RTP_OK);
	});

	it("drops and counts a datagram too short for RTP, and one that is not version 2 (A.1)", () => {
		const r = receiver();
		const buf = packet(0xa, 1);
		assert.equal(r.receive(buf, 0, 11, PEER, 5004, 0), RTP_TOO_SHORT);
		buf[0] = 0x40;
		assert.equal(r.receive(buf, 0, buf.length, PEER, 5004, 0), RTP_BAD_VERSION);
		assert.deepEqual([r.dropped(RTP_TOO_SHORT), r.dropped(RTP_BAD_VERSION), r.accepted], [1, 1, 0]);
	});

	it("locks to the first SSRC and drops another while the locked one is alive (§8.2, our rule)", () => {
		const r = receiver();
		const a = packet(0xa, 1), b = packet(0xb, 900);
		assert.equal(r.receive(a, 0, a.length, PEER, 5004, 0), RTP_OK);
		assert.equal(r.receive(b, 0, b.length, "203.0.113.9", 6000, 20), RTP_FOREIGN_SSRC);
		assert.equal(r.receive(b, 0, b.length, "203.0.113.9", 6000, 999), RTP_FOREIGN_SSRC);
		assert.deepEqual([r.ssrc, r.dropped(RTP_FOREIGN_SSRC), r.remoteAddress], [0xa, 2, PEER]);
	});

	it("lets another SSRC take the lock once the locked one was silent for relockMs (default 1 s)", () => {
		const r = receiver();
		const a = packet(0xa, 1), b = packet(0xb, 900);
		r.receive(a, 0, a.length, PEER, 5004, 0);
		assert.equal(r.receive(b, 0, b.length, PEER, 5004, 999), RTP_FOREIGN_SSRC);
		assert.equal(r.receive(b, 0, b.length, PEER, 5004, 1000), RTP_OK);
		assert.deepEqual([r.ssrc, r.relocks], [0xb, 1]);
		assert.equal(r.receive(a, 0, a.length, PEER, 5004, 1020), RTP_FOREIGN_SSRC, "the old source is now the foreign one");
	});

	it("locks again to the next source after unlock() (a re-INVITE)", () => {
		const r = receiver();
		const a = packet(0xa, 1), b = packet(0xb, 900);
		r.receive(a, 0, a.length, PEER, 5004, 0);
		r.unlock();
		assert.equal(r.receive(b, 0, b.length, PEER, 5004, 20), RTP_OK);
		assert.equal(r.ssrc, 0xb);
	});
});

describe("RFC 4961 §3: symmetric RTP (latching, RFC 7362)", () => {
	function packet(ssrc: number): Uint8Array {
		const buf = new Uint8Array(14);
		writeRtp(buf, 0, false, 0, 1, 2, ssrc, new Uint8Array(2), 0, 2);
		return buf;
	}

	it("sends to the SDP target until the first accepted packet, then to where the peer's packets come from", () => {
		const r = new RtpReceiver({ payloadTypes: [0] });
		r.start(0, "198.51.100.7", 4000);
		assert.deepEqual([r.remoteAddress, r.remotePort, r.latched], ["198.51.100.7", 4000, false]);
		const buf = packet(1);
		r.receive(buf, 0, buf.length, "203.0.113.5", 31000, 0);
		assert.deepEqual([r.remoteAddress, r.remotePort, r.latched, r.sourceChanges], ["203.0.113.5", 31000, true, 0]);
	});

	it("follows the locked source to a new address or port and counts the change (NAT rebinding)", () => {
		const r = new RtpReceiver({ payloadTypes: [0] });
		r.start(0, "198.51.100.7", 4000);
		const buf = packet(1);
		r.receive(buf, 0, buf.length, "203.0.113.5", 31000, 0);
		r.receive(buf, 0, buf.length, "203.0.113.5", 31002, 20);
		assert.deepEqual([r.remotePort, r.sourceChanges], [31002, 1]);
	});

	it("is not moved by dropped packets from another address", () => {
		const r = new RtpReceiver({ payloadTypes: [0] });
		r.start(0, "198.51.100.7", 4000);
		const mine = packet(1), stray = packet(2);
		r.receive(mine, 0, mine.length, "203.0.113.5", 31000, 0);
		r.receive(stray, 0, stray.length, "192.0.2.66", 666, 20);
		assert.deepEqual([r.remoteAddress, r.remotePort], ["203.0.113.5", 31000]);
	});

	it("keeps the SDP target when symmetric RTP is off", () => {
		const r = new RtpReceiver({ payloadTypes: [0], symmetric: false });
		r.start(0, "198.51.100.7", 4000);
		const buf = packet(1);
		r.receive(buf, 0, buf.length, "203.0.113.5", 31000, 0);
		assert.deepEqual([r.remoteAddress, r.remotePort, r.latched], ["198.51.100.7", 4000, false]);
	});
});

describe("RTP timeout: no media for N seconds, on the caller's clock", () => {
	function packet(): Uint8Array {
		const buf = new Uint8Array(12);
		writeRtp(buf, 0, false, 0, 1, 2, 3, new Uint8Array(0), 0, 0);
		return buf;
	}

	it("times out timeoutMs after start() when no packet ever came", () => {
		const r = new RtpReceiver({ payloadTypes: [0], timeoutMs: 10_000 });
		r.start(5000);
		assert.equal(r.timedOut(14_999), false);
		assert.equal(r.timedOut(15_000), true);
	});

	it("counts from the last accepted packet; dropped packets do not keep the stream alive", () => {
		const r = new RtpReceiver({ payloadTypes: [0], timeoutMs: 10_000 });
		r.start(0);
		const ok = packet();
		r.receive(ok, 0, ok.length, "a", 1, 8000);
		const wrong = packet();
		wrong[1] = 9;
		r.receive(wrong, 0, wrong.length, "a", 1, 17_000);
		assert.equal(r.silentMs(17_000), 9000);
		assert.equal(r.timedOut(17_999), false);
		assert.equal(r.timedOut(18_000), true);
	});

	it("never times out when timeoutMs is 0", () => {
		const r = new RtpReceiver({ payloadTypes: [0], timeoutMs: 0 });
		r.start(0);
		assert.equal(r.timedOut(1e9), false);
	});
});
