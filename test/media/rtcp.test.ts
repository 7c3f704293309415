// RTCP for one unicast stream: reception statistics, SR/RR/SDES/BYE, the peer's reports, the interval —
// RFC 3550 §6.1–§6.6, A.1, A.2, A.3, A.7, A.8.
import assert from "node:assert/strict";
import {
	RTCP_BAD_COUNT, RTCP_BAD_LENGTH, RTCP_BAD_PADDING, RTCP_BAD_VERSION, RTCP_BYE, RTCP_COMPENSATION, RTCP_NOT_REPORT_FIRST,
	RTCP_OK, RTCP_RR, RTCP_SDES, RTCP_SR, RtcpSession,
} from "../../src/media/rtcp.js";
import { MAX_DROPOUT, ntpMiddle, ReceptionStats } from "../../src/media/rtcp-stats.js";
import { get16, get32, put16, put32, RtpSender } from "../../src/media/rtp.js";
import { FixedRandom } from "./fixed-random.js";

const FRAME = new Uint8Array(160);
const PACKET = new Uint8Array(200);
const CNAME = Uint8Array.from("door@192.0.2.10", (c) => c.charCodeAt(0));

/** One end of a call: its RTP sender, its statistics of the other end's stream, its RTCP session. */
function end(ssrcByte: number, random = new FixedRandom([0x80, 0, 0, 0])) {
	const sender = new RtpSender({ random: new FixedRandom([0, 1, 0, 0, 0, 0, 0, 0, 0, ssrcByte]), payloadType: 0 });
	const stats = new ReceptionStats();
	const rtcp = new RtcpSession({ random, cname: CNAME, sender, stats });
	return { sender, stats, rtcp };
}

function text(buf: Uint8Array, start: number, length: number): string {
	let s = "";
	for (let i = 0; i < length; i++) s += String.fromCharCode(buf[start + i]);
	return s;
}

describe("RFC 3550 A.1: validating the sequence numbers of a source", () => {
	it("keeps a new source on probation until MIN_SEQUENTIAL (2) packets came in sequence (A.1)", () => {
		const s = new ReceptionStats();
		assert.equal(s.onPacket(7, 100, 0, 0), false);
		assert.equal(s.valid, false);
		assert.equal(s.onPacket(7, 101, 160, 20), true);
		assert.equal(s.valid, true);
		assert.deepEqual([s.received, s.expected, s.extendedMax], [1, 1, 101]);
	});

	it("restarts probation when the second packet is out of sequence (A.1)", () => {
		const s = new ReceptionStats();
		s.onPacket(7, 100, 0, 0);
		assert.equal(s.onPacket(7, 500, 0, 20), false);
		assert.equal(s.onPacket(7, 501, 0, 40), true);
		assert.equal(s.extendedMax, 501);
	});

	it("counts a cycle when the 16-bit sequence number wraps (A.1)", () => {
		const s = new ReceptionStats();
		for (let i = 0, seq = 65533; i < 6; i++, seq = (seq + 1) & 0xffff) s.onPacket(7, seq, i * 160, i * 20);
		assert.deepEqual([s.extendedMax, s.received, s.expected], [65536 + 2, 5, 5]);
	});

	it("ignores one packet that jumps by MAX_DROPOUT or more, and starts over after two in sequence (A.1)", () => {
		const s = new ReceptionStats();
		s.onPacket(7, 10, 0, 0);
		s.onPacket(7, 11, 160, 20);
		assert.equal(s.onPacket(7, 11 + MAX_DROPOUT, 0, 40), false);
		assert.deepEqual([s.received, s.extendedMax], [1, 11]);
		assert.equal(s.onPacket(7, 11 + MAX_DROPOUT + 1, 0, 60), true);
		assert.deepEqual([s.received, s.extendedMax, s.expected], [1, 11 + MAX_DROPOUT + 1, 1]);
	});

	it("counts a duplicate or late packet as received without moving the highest number (A.1)", () => {
		const s = new ReceptionStats();
		for (const seq of [1, 2, 3, 4]) s.onPacket(7, seq, seq * 160, seq * 20);
		s.onPacket(7, 3, 480, 100);
		assert.deepEqual([s.received, s.extendedMax, s.cumulativeLost], [4, 4, -1]);
	});

	it("starts over when the SSRC changes", () => {
		const s = new ReceptionStats();
		s.onPacket(7, 1, 0, 0);
		s.onPacket(7, 2, 0, 0);
		assert.equal(s.onPacket(8, 900, 0, 20), false);
		assert.equal(s.ssrc, 8);
		assert.equal(s.valid, false);
	});
});

describe("RFC 3550 A.3: packets expected and lost", () => {
	function block(s: ReceptionStats, nowMs = 0): Uint8Array {
		const buf = new Uint8Array(24);
		s.writeBlock(buf, 0, nowMs);
		return buf;
	}

	it("reports cumulative lost = expected − received and fraction lost of the interval since the last report, /256 (A.3)", () => {
		const s = new ReceptionStats();
		for (let seq = 1; seq <= 10; seq++) if (seq !== 5) s.onPacket(7, seq, seq * 160, seq * 20); // 2..10 counted, 5 lost
		let b = block(s);
		assert.deepEqual([b[4], (b[5] << 16) | (b[6] << 8) | b[7], get32(b, 8)], [Math.floor((1 * 256) / 9), 1, 10]);
		for (let seq = 11; seq <= 20; seq++) if (seq % 2 === 0) s.onPacket(7, seq, seq * 160, seq * 20); // 5 of 10 lost
		b = block(s);
		assert.deepEqual([b[4], (b[5] << 16) | (b[6] << 8) | b[7], s.fractionLost], [128, 6, 128]);
	});

	it("reports fraction 0 when duplicates outnumber losses in the interval (A.3: lost_interval ≤ 0)", () => {
		const s = new ReceptionStats();
		for (const seq of [1, 2, 3, 3, 3]) s.onPacket(7, seq, seq * 160, 0);
		const b = block(s);
		assert.equal(b[4], 0);
		assert.equal((b[5] << 16) | (b[6] << 8) | b[7], 0xfffffe, "−2 as 24-bit two's complement");
	});

	it("clamps cumulative lost to 24 bits, signed (§6.4.1)", () => {
		const s = new ReceptionStats();
		s.onPacket(7, 1, 0, 0);
		s.onPacket(7, 2, 0, 0);
		for (let k = 0; k < 3000; k++) s.onPacket(7, (2 + k * 2999) & 0xffff, 0, 0); // 2999 lost each step, ~9e6 in all
		assert.ok(s.cumulativeLost > 0x7fffff);
		const b = block(s);
		assert.equal((b[5] << 16) | (b[6] << 8) | b[7], 0x7fffff);
		assert.equal(s.reportedLost, 0x7fffff);
	});
});

describe("RFC 3550 A.8: interarrival jitter", () => {
	it("follows J += (|D| − J)/16 over a fixed arrival sequence, in timestamp units (A.8, §6.4.1)", () => {
		const s = new ReceptionStats(8000);
		// 20 ms packets (160 units), arriving with delays 0, 5, 2, 12, 0, 7 ms.
		const delays = [0, 5, 2, 12, 0, 7];
		let j = 0;
		for (let i = 0; i < delays.length; i++) {
			s.onPacket(7, 100 + i, 1000 + i * 160, 50_000 + i * 20 + delays[i]);
			if (i >= 2) j += (Math.abs((delays[i] - delays[i - 1]) * 8) - j) / 16; // first two: probation, then the base
		}
		assert.ok(Math.abs(s.jitter - j) < 1e-9, `${s.jitter} vs ${j}`);
		const b = new Uint8Array(24);
		s.writeBlock(b, 0, 0);
		assert.equal(get32(b, 12), Math.floor(j));
	});

	it("stays 0 for packets arriving exactly on their timestamps' schedule, across a timestamp wrap", () => {
		const s = new ReceptionStats(8000);
		for (let i = 0; i < 10; i++) s.onPacket(7, i, (0xffffff00 + i * 160) >>> 0, 1_000_000 + i * 20);
		assert.equal(s.jitter, 0);
	});

	it("takes only the first packet of a timestamp: RFC 4733 updates repeat one timestamp", () => {
		const s = new ReceptionStats(8000);
		s.onPacket(7, 1, 0, 0);
		s.onPacket(7, 2, 160, 20);
		for (let i = 0; i < 5; i++) s.onPacket(7, 3 + i, 320, 40 + i * 50);
		assert.equal(s.jitter, 0);
	});
});

describe("RFC 3550 §6.4.1, §6.4.2: sender and receiver reports", () => {
	it("writes an RR with no block before anything was sent or received: V=2, RC=0, PT=201, length, SSRC (§6.4.2)", () => {
		const { rtcp, sender } = end(0x55);
		const buf = new Uint8Array(200);
		const n = rtcp.writeReport(buf, 0, 1000);
		assert.deepEqual([buf[0], buf[1], get16(buf, 2), get32(buf, 4)], [0x80, RTCP_RR, 1, sender.ssrc]);
		assert.equal(buf[8 + 1], RTCP_SDES);
		assert.equal(n, 8 + 4 + 4 + 20); // RR, SDES: header, SSRC, CNAME item (2 + 15) + null, padded to 20
	});

	it("writes an SR after we sent RTP: NTP timestamp, RTP timestamp of the same instant, packet and octet counts (§6.4.1)", () => {
		const { rtcp, sender } = end(0x55);
		for (let i = 0; i < 50; i++) sender.writeAudio(PACKET, 0, FRAME, 0, 160, 10_000 + i * 20);
		const buf = new Uint8Array(200);
		const now = 3_900_000_000_500 + 0.25; // NTP-like ms: 3.9e9 s and 500.25 ms
		rtcp.writeReport(buf, 0, now);
		assert.deepEqual([buf[0], buf[1], get16(buf, 2)], [0x80, RTCP_SR, 6]);
		assert.equal(get32(buf, 8), 3_900_000_000);
		assert.equal(get32(buf, 12), Math.floor(0.50025 * 2 ** 32));
		assert.equal(get32(buf, 16), sender.timestampAt(now));
		assert.deepEqual([get32(buf, 20), get32(buf, 24)], [50, 8000]);
	});

	it("adds one report block on the peer's stream once it passed probation (§6.4.1)", () => {
		const { rtcp, stats } = end(0x55);
		stats.onPacket(0x77, 1, 0, 0);
		stats.onPacket(0x77, 2, 160, 20);
		const buf = new Uint8Array(200);
		rtcp.writeReport(buf, 0, 1000);
		assert.deepEqual([buf[0], buf[1], get16(buf, 2), get32(buf, 8)], [0x81, RTCP_RR, 7, 0x77]);
	});

	it("sends an SR when we sent RTP since the report before last, an RR after two intervals of silence (§6.4)", () => {
		const { rtcp, sender } = end(0x55);
		const buf = new Uint8Array(200);
		sender.writeAudio(PACKET, 0, FRAME, 0, 160, 0);
		const types: number[] = [];
		for (let k = 0; k < 3; k++) {
			rtcp.writeReport(buf, 0, 5000 * (k + 1));
			types.push(buf[1]);
		}
		assert.deepEqual(types, [RTCP_SR, RTCP_SR, RTCP_RR]);
	});

	it("answers LSR with the middle 32 bits of the peer's last SR and DLSR in 1/65536 s since it came (§6.4.1)", () => {
		const door = end(0x55), phone = end(0x66);
		phone.sender.writeAudio(PACKET, 0, FRAME, 0, 160, 0);
		door.stats.onPacket(phone.sender.ssrc, 1, 0, 0);
		door.stats.onPacket(phone.sender.ssrc, 2, 160, 20);
		const sr = new Uint8Array(200), rr = new Uint8Array(200);
		const n = phone.rtcp.writeReport(sr, 0, 2_000_000);
		assert.equal(door.rtcp.receive(sr, 0, n, 7000), RTCP_OK);
		door.rtcp.writeReport(rr, 0, 7000 + 1500);
		const blockAt = 8;
		assert.equal(get32(rr, blockAt + 16), ntpMiddle(2_000_000));
		assert.equal(get32(rr, blockAt + 20), 1.5 * 65536);
	});
	it("echoes an SR that came before the peer's first RTP packet, and only in the block about the SR's sender (§6.4.1)", () => {
		const door = end(0x55), phone = end(0x66);
		phone.sender.writeAudio(PACKET, 0, FRAME, 0, 160, 0);
		const sr = new Uint8Array(200), rr = new Uint8Array(200);
		const n = phone.rtcp.writeReport(sr, 0, 2_000_000);
		door.rtcp.receive(sr, 0, n, 7000);
		door.stats.onPacket(0x999, 1, 0, 7010); // RTP from a source that sent no SR
		door.stats.onPacket(0x999, 2, 160, 7030);
		door.rtcp.writeReport(rr, 0, 8000);
		assert.deepEqual([get32(rr, 8), get32(rr, 8 + 16), get32(rr, 8 + 20)], [0x999, 0, 0]);
		door.stats.onPacket(phone.sender.ssrc, 1, 0, 8010);
		door.stats.onPacket(phone.sender.ssrc, 2, 160, 8030);
		door.rtcp.writeReport(rr, 0, 9000);
		assert.deepEqual([get32(rr, 8), get32(rr, 8 + 16), get32(rr, 8 + 20)], [phone.sender.ssrc, ntpMiddle(2_000_000), 2 * 65536]);
	});
});

describe("RFC 3550 §6.4.1: the peer's view of our stream, round-trip time", () => {
	it("reads fraction lost, cumulative lost, highest sequence, jitter from the block about our SSRC", () => {
		const door = end(0x55), phone = end(0x66);
		for (let seq = 1; seq <= 10; seq++) if (seq !== 4 && seq !== 5) phone.stats.onPacket(door.sender.ssrc, seq, seq * 160, seq * 20);
		const buf = new Uint8Array(200);
		const n = phone.rtcp.writeReport(buf, 0, 1000);
		assert.equal(door.rtcp.receive(buf, 0, n, 1000), RTCP_OK);
		assert.deepEqual(
			[door.rtcp.fractionLost, door.rtcp.cumulativeLost, door.rtcp.extendedMax, door.rtcp.peerSsrc, door.rtcp.peerReports],
			[Math.floor((2 * 256) / 9), 2, 10, phone.sender.ssrc, 1],
		);
	});

	it("reads a negative cumulative loss as 24-bit two's complement", () => {
		const door = end(0x55);
		const buf = rrAbout(door.sender.ssrc, 0xfffffe, 0, 0);
		door.rtcp.receive(buf, 0, buf.length, 0);
		assert.equal(door.rtcp.cumulativeLost, -2);
	});

	it("computes the round trip as A − LSR − DLSR in 1/65536 s (§6.4.1, Figure 2)", () => {
		const door = end(0x55), phone = end(0x66);
		door.sender.writeAudio(PACKET, 0, FRAME, 0, 160, 0);
		phone.stats.onPacket(door.sender.ssrc, 1, 0, 0);
		phone.stats.onPacket(door.sender.ssrc, 2, 160, 20);
		const buf = new Uint8Array(200);
		// Door's SR leaves at 10 000 ms and reaches the phone after 40 ms; the phone holds it 250 ms; back after 40 ms.
		let n = door.rtcp.writeReport(buf, 0, 10_000);
		phone.rtcp.receive(buf, 0, n, 10_040);
		n = phone.rtcp.writeReport(buf, 0, 10_290);
		assert.equal(door.rtcp.rttMs, -1, "no round trip before a block echoes our SR");
		door.rtcp.receive(buf, 0, n, 10_330);
		assert.ok(Math.abs(door.rtcp.rttMs - 80) < 0.1, `rtt ${door.rtcp.rttMs}`);
	});

	it("computes no round trip from a block whose LSR is 0 (no SR seen yet)", () => {
		const door = end(0x55);
		const buf = rrAbout(door.sender.ssrc, 0, 0, 0);
		door.rtcp.receive(buf, 0, buf.length, 5000);
		assert.equal(door.rtcp.rttMs, -1);
	});

	it("ignores a block about another SSRC", () => {
		const door = end(0x55);
		const buf = rrAbout(0x12345678, 9, 0, 0);
		door.rtcp.receive(buf, 0, buf.length, 0);
		assert.equal(door.rtcp.cumulativeLost, 0);
	});
});

/** An RR from SSRC 0x66 with one block about `ssrc`, followed by an SDES with an empty chunk. */
function rrAbout(ssrc: number, lost24: number, lsr: number, dlsr: number): Uint8Array {
	const buf = new Uint8Array(32 + 12);
	buf[0] = 0x81;
	buf[1] = RTCP_RR;
	put16(buf, 2, 7);
	put32(buf, 4, 0x66);
	put32(buf, 8, ssrc);
	put32(buf, 12, lost24 & 0xffffff);
	put32(buf, 24, lsr);
	put32(buf, 28, dlsr);
	buf[32] = 0x81;
	buf[33] = RTCP_SDES;
	put16(buf, 34, 2);
	put32(buf, 36, 0x66);
	return buf;
}

describe("RFC 3550 §6.5.1: SDES CNAME", () => {
	it("sends one chunk: our SSRC, CNAME item (type 1, length, text), null octets to a 32-bit boundary (§6.5)", () => {
		const { rtcp, sender } = end(0x55);
		const buf = new Uint8Array(200).fill(0xee);
		const n = rtcp.writeReport(buf, 0, 0);
		const at = 8;
		assert.deepEqual([buf[at], buf[at + 1], get16(buf, at + 2), get32(buf, at + 4)], [0x81, RTCP_SDES, 6, sender.ssrc]);
		assert.deepEqual([buf[at + 8], buf[at + 9], text(buf, at + 10, 15)], [1, 15, "door@192.0.2.10"]);
		assert.deepEqual([...buf.subarray(at + 25, n)], [0, 0, 0]);
		assert.equal((n - at) % 4, 0);
	});

	it("keeps the CNAME the peer's report chunk names (§6.5.1)", () => {
		const door = end(0x55), phone = end(0x66);
		const buf = new Uint8Array(200);
		const n = phone.rtcp.writeReport(buf, 0, 0);
		door.rtcp.receive(buf, 0, n, 0);
		assert.equal(text(door.rtcp.peerCname, 0, door.rtcp.peerCnameLength), "door@192.0.2.10");
	});

	it("refuses a CNAME longer than 255 octets (§6.5: 8-bit length)", () => {
		const sender = new RtpSender({ random: new FixedRandom([1]), payloadType: 0 });
		assert.throws(() => new RtcpSession({ random: new FixedRandom([1]), cname: new Uint8Array(256), sender, stats: new ReceptionStats() }), RangeError);
	});
});

describe("RFC 3550 §6.1: compound packets", () => {
	it("begins with SR or RR, then SDES, each a whole number of 32-bit words, lengths adding up (§6.1)", () => {
		const { rtcp, sender } = end(0x55);
		sender.writeAudio(PACKET, 0, FRAME, 0, 160, 0);
		const buf = new Uint8Array(200);
		const n = rtcp.writeReport(buf, 0, 1000);
		const types: number[] = [];
		let at = 0;
		while (at < n) {
			types.push(buf[at + 1]);
			at += 4 * (get16(buf, at + 2) + 1);
		}
		assert.equal(at, n);
		assert.deepEqual(types, [RTCP_SR, RTCP_SDES]);
	});

	it("refuses to write into a buffer too small for the compound (-1), changing nothing", () => {
		const { rtcp } = end(0x55);
		assert.equal(rtcp.writeReport(new Uint8Array(20), 0, 0), -1);
		assert.equal(rtcp.reportsSent, 0);
	});
});

describe("RFC 3550 §6.6: BYE", () => {
	it("ends the stream with report, SDES, then BYE with our SSRC and a reason, padded (§6.6, §6.1)", () => {
		const { rtcp, sender } = end(0x55);
		const buf = new Uint8Array(200);
		const reason = Uint8Array.from("hangup", (c) => c.charCodeAt(0));
		const n = rtcp.writeBye(buf, 0, 0, reason);
		const at = n - 16;
		assert.deepEqual([buf[at], buf[at + 1], get16(buf, at + 2), get32(buf, at + 4)], [0x81, RTCP_BYE, 3, sender.ssrc]);
		assert.deepEqual([buf[at + 8], text(buf, at + 9, 6), buf[at + 15]], [6, "hangup", 0]);
	});

	it("tells the application when the peer sent BYE (§6.6)", () => {
		const door = end(0x55), phone = end(0x66);
		const buf = new Uint8Array(200);
		const n = phone.rtcp.writeBye(buf, 0, 0);
		assert.equal(door.rtcp.byeReceived, false);
		assert.equal(door.rtcp.receive(buf, 0, n, 0), RTCP_OK);
		assert.equal(door.rtcp.byeReceived, true);
	});
});

describe("RFC 3550 A.2: RTCP header validity checks", () => {
	function valid(): Uint8Array {
		const { rtcp } = end(0x55);
		const buf = new Uint8Array(36);
		assert.equal(rtcp.writeReport(buf, 0, 0), 36);
		return buf;
	}
	const receiver = () => end(0x77).rtcp;

	it("accepts a well-formed compound", () => {
		const buf = valid();
		assert.equal(receiver().receive(buf, 0, buf.length, 0), RTCP_OK);
	});

	it("rejects a compound whose first packet is not SR or RR (A.2)", () => {
		const buf = valid();
		const r = receiver();
		assert.equal(r.receive(buf, 8, buf.length, 0), RTCP_NOT_REPORT_FIRST);
		assert.equal(r.dropped(RTCP_NOT_REPORT_FIRST), 1);
	});

	it("rejects a version other than 2 in any packet (A.2)", () => {
		const buf = valid();
		buf[8] = 0x41;
		assert.equal(receiver().receive(buf, 0, buf.length, 0), RTCP_BAD_VERSION);
	});

	it("rejects lengths that do not add up to the datagram (A.2)", () => {
		const buf = valid();
		assert.equal(receiver().receive(buf, 0, buf.length - 4, 0), RTCP_BAD_LENGTH);
		assert.equal(receiver().receive(buf, 0, 3, 0), RTCP_BAD_LENGTH);
		const longer = new Uint8Array(40);
		longer.set(buf);
		assert.equal(receiver().receive(longer, 0, 38, 0), RTCP_BAD_LENGTH);
	});

	it("rejects padding on any packet but the last (A.2)", () => {
		const buf = valid();
		buf[0] |= 0x20;
		assert.equal(receiver().receive(buf, 0, buf.length, 0), RTCP_BAD_PADDING);
	});

	it("rejects a count of report blocks the packet's length cannot hold", () => {
		const buf = valid();
		buf[0] = 0x81; // RC = 1 in an 8-octet RR
		assert.equal(receiver().receive(buf, 0, buf.length, 0), RTCP_BAD_COUNT);
	});

	it("believes nothing from a rejected compound", () => {
		const r = receiver();
		const buf = rrAbout(0x12, 5, 0, 0);
		buf[0] = 0xa1; // padding on the first packet
		r.receive(buf, 0, buf.length, 0);
		assert.equal(r.peerReports, 0);
	});
});

describe("RFC 3550 §6.2, §6.3.1, A.7: the report interval", () => {
	function session(bytes: number[]) {
		const sender = new RtpSender({ random: new FixedRandom([1]), payloadType: 0 });
		return new RtcpSession({ random: new FixedRandom(bytes), cname: CNAME, sender, stats: new ReceptionStats() });
	}

	it("waits Tmin/2 = 2.5 s × U[0.5, 1.5] / (e − 3/2) before the first report (§6.2, §6.3.1)", () => {
		const low = session([0, 0, 0, 0]), high = session([0xff, 0xff, 0xff, 0xff]);
		low.start(1000);
		high.start(1000);
		assert.ok(Math.abs(low.nextReportMs - (1000 + (2500 * 0.5) / RTCP_COMPENSATION)) < 1e-6);
		assert.ok(Math.abs(high.nextReportMs - (1000 + (2500 * 1.5) / RTCP_COMPENSATION)) < 1e-3);
	});

	it("then Tmin = 5 s × U[0.5, 1.5] / 1.21828: from 2.05 s to 6.16 s, mean 4.1 s (§6.3.1)", () => {
		const s = new RtcpSession({
			random: new FixedRandom(null, 12345), cname: CNAME, sender: new RtpSender({ random: new FixedRandom([1]), payloadType: 0 }), stats: new ReceptionStats(),
		});
		const buf = new Uint8Array(100);
		s.start(0);
		let now = s.nextReportMs, min = Infinity, max = 0, sum = 0;
		const N = 2000;
		for (let i = 0; i < N; i++) {
			s.writeReport(buf, 0, now);
			const gap = s.nextReportMs - now;
			min = Math.min(min, gap);
			max = Math.max(max, gap);
			sum += gap;
			now = s.nextReportMs;
		}
		assert.ok(min >= 2500 / RTCP_COMPENSATION && max <= 7500 / RTCP_COMPENSATION, `${min} .. ${max}`);
		assert.ok(Math.abs(sum / N - 5000 / RTCP_COMPENSATION) < 100, `mean ${sum / N}`);
	});

	it("is due when the caller's clock reaches nextReportMs, and not before (no timers of its own)", () => {
		const s = session([0x80, 0, 0, 0]);
		s.start(0);
		assert.equal(s.due(s.nextReportMs - 1), false);
		assert.equal(s.due(s.nextReportMs), true);
	});

	it("grows with the session size only above Tmin: 64 kbit/s leaves n·C far below 5 s (§6.3.1)", () => {
		const s = session([0x80, 0, 0, 0]);
		s.start(0);
		s.writeReport(new Uint8Array(100), 0, 0);
		assert.ok(Math.abs(s.nextReportMs - 5000 / RTCP_COMPENSATION) < 1, `${s.nextReportMs}`);
	});
});
