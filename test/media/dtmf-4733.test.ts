// DTMF as RTP telephone events: one digit per event received, the packets of an event sent — RFC 4733 §2.3, §2.5, §3.2.
import assert from "node:assert/strict";
import {
	DIGIT_SOURCE_RFC4733, digitToEvent, type DigitSink, Dtmf4733Receiver, Dtmf4733Sender, END_PACKETS, eventToDigit,
	MAX_EVENT_DURATION, writeEvent,
} from "../../src/media/dtmf-4733.js";
import { RTP_OK, RtpReceiver, RtpSender } from "../../src/media/rtp.js";
import { FixedRandom } from "./fixed-random.js";

/** A sink that spells the digits it got. */
class Digits implements DigitSink {
	text = "";
	sources: number[] = [];
	onDigit(digit: number, source: number): void {
		this.text += String.fromCharCode(digit);
		this.sources.push(source);
	}
}

const SSRC = 0x1234;

/** A receiver and its sink; `event(ts, code, end, duration, marker)` feeds one single-event payload. */
function scene() {
	const sink = new Digits();
	const rx = new Dtmf4733Receiver(sink);
	const payload = new Uint8Array(4);
	return {
		sink,
		rx,
		event(ts: number, code: number, end: boolean, duration: number, marker = false, ssrc = SSRC): number {
			writeEvent(payload, 0, code, end, 10, duration);
			return rx.receive(payload, 0, 4, ssrc, ts >>> 0, marker);
		},
	};
}

describe("RFC 4733 §2.3: payload format", () => {
	it("writes event, E bit, R bit 0, volume, duration in network order (§2.3)", () => {
		const out = new Uint8Array(6).fill(0xee);
		writeEvent(out, 1, 11, true, 10, 0x0640);
		assert.deepEqual([...out], [0xee, 11, 0x8a, 0x06, 0x40, 0xee]);
		writeEvent(out, 1, 5, false, 63, 0xffff);
		assert.deepEqual([...out.subarray(1, 5)], [5, 0x3f, 0xff, 0xff]);
	});

	it("maps events 0–15 to the digits 0–9, *, #, A–D and back (§3.2, Table 7)", () => {
		let s = "";
		for (let e = 0; e < 16; e++) s += String.fromCharCode(eventToDigit(e));
		assert.equal(s, "0123456789*#ABCD");
		for (let e = 0; e < 16; e++) assert.equal(digitToEvent(s.charCodeAt(e)), e);
		assert.equal(digitToEvent(0x61), 12, "a = A");
		assert.equal(eventToDigit(16), -1, "16 (flash) is no digit");
		assert.equal(digitToEvent(0x45), -1, "E is no DTMF digit");
	});
});

describe("RFC 4733 §2.5.2: receiving events — one digit per event", () => {
	it("gives the digit at the event's first packet, with source RFC 4733 (§2.5.2.1)", () => {
		const { sink, event } = scene();
		assert.equal(event(1000, 1, false, 160, true), 1);
		assert.equal(sink.text, "1");
		assert.deepEqual(sink.sources, [DIGIT_SOURCE_RFC4733]);
	});

	it("gives nothing more for updates with the same timestamp and a growing duration (§2.5.2.2)", () => {
		const { sink, rx, event } = scene();
		event(1000, 1, false, 160, true);
		for (let d = 560; d <= 1760; d += 400) assert.equal(event(1000, 1, false, d), 0);
		assert.equal(sink.text, "1");
		assert.equal(rx.duration, 1760);
	});

	it("gives nothing more for the end packet and its retransmissions — three in all (§2.5.1.4, §2.5.2.2)", () => {
		const { sink, rx, event } = scene();
		event(1000, 9, false, 160, true);
		for (let k = 0; k < 3; k++) assert.equal(event(1000, 9, true, 800), 0);
		assert.equal(sink.text, "9");
		assert.equal(rx.ended, true);
		assert.equal(rx.repeats, 3);
	});

	it("gives the digit once when the first packet was lost and an update or an end packet comes first (§2.5.2.1)", () => {
		const { sink, event } = scene();
		event(1000, 4, false, 560);
		event(1000, 4, true, 800);
		event(2600, 5, true, 800);
		event(2600, 5, true, 800);
		assert.equal(sink.text, "45");
	});

	it("gives the same key twice when it comes with a new timestamp (§2.5.2.1: a new event)", () => {
		const { sink, event } = scene();
		event(1000, 1, false, 160, true);
		event(1000, 1, true, 800);
		event(3000, 1, false, 160, true);
		event(3000, 1, true, 800);
		assert.equal(sink.text, "11");
	});

	it("ignores a late packet of an earlier event, arriving after a newer one began", () => {
		const { sink, rx, event } = scene();
		event(1000, 1, false, 160, true);
		event(3000, 2, false, 160, true);
		assert.equal(event(1000, 1, true, 800), 0);
		assert.equal(sink.text, "12");
		assert.equal(rx.late, 1);
	});

	it("ignores events that are not DTMF digits (16 = flash), still de-duplicating them", () => {
		const { sink, rx, event } = scene();
		event(1000, 16, false, 160, true);
		event(1000, 16, true, 800);
		event(3000, 0, false, 160, true);
		assert.equal(sink.text, "0");
		assert.equal(rx.others, 1);
	});

	it("counts a payload that is not a whole number of 4-octet events as malformed (§2.3)", () => {
		const { sink, rx } = scene();
		assert.equal(rx.receive(new Uint8Array([1, 0x0a, 0]), 0, 3, SSRC, 0, true), 0);
		assert.equal(rx.receive(new Uint8Array(0), 0, 0, SSRC, 0, true), 0);
		assert.equal(rx.malformed, 2);
		assert.equal(sink.text, "");
	});

	it("starts over for a new SSRC: its first event is new even at the same timestamp", () => {
		const { sink, event } = scene();
		event(1000, 1, false, 160, true);
		event(1000, 1, false, 160, true, 0x9999);
		assert.equal(sink.text, "11");
	});
});

describe("RFC 4733 §2.5.1.3, §2.5.2.3: long-duration events", () => {
	it("keeps one digit when the duration field wraps past 0xFFFF on the same timestamp (RFC 2833 senders)", () => {
		const { sink, event } = scene();
		event(1000, 7, false, 160, true);
		event(1000, 7, false, 0xff00);
		event(1000, 7, false, 0x0100);
		event(1000, 7, true, 0x0500);
		assert.equal(sink.text, "7");
	});

	it("joins the next segment (timestamp + 0xFFFF, no marker, same event, not ended) to the event: one digit (§2.5.1.3)", () => {
		const { sink, rx, event } = scene();
		const ts = 0xffff0000; // the segments cross the 32-bit timestamp wrap too
		event(ts, 3, false, 400, true);
		event(ts, 3, false, 0xffff);
		event(ts + 0xffff, 3, false, 400);
		event(ts + 0xffff, 3, false, 0xffff);
		event(ts + 2 * 0xffff, 3, false, 400);
		event(ts + 2 * 0xffff, 3, true, 800);
		assert.equal(sink.text, "3");
		assert.equal(rx.segments, 2);
	});

	it("joins the next segment even when the segment's last updates were lost", () => {
		const { sink, event } = scene();
		event(0, 3, false, 400, true);
		event(0, 3, false, 0xffff - 2000);
		event(0xffff, 3, false, 400);
		assert.equal(sink.text, "3");
	});

	it("starts a new digit when the old event had ended, or the new packet has the marker, or a different key", () => {
		const ended = scene();
		ended.event(0, 3, false, 0xffff, true);
		ended.event(0, 3, true, 0xffff);
		ended.event(0xffff, 3, false, 400);
		assert.equal(ended.sink.text, "33");
		const marked = scene();
		marked.event(0, 3, false, 0xffff, true);
		marked.event(0xffff, 3, false, 400, true);
		assert.equal(marked.sink.text, "33");
		const other = scene();
		other.event(0, 3, false, 0xffff, true);
		other.event(0xffff, 4, false, 400);
		assert.equal(other.sink.text, "34");
	});

	it("starts a new digit for a quick second press whose start and end packets were all lost", () => {
		const { sink, event } = scene();
		event(0, 8, false, 800, true);
		event(2400, 8, false, 400); // 300 ms later: far less than a 0xFFFF segment
		assert.equal(sink.text, "88");
	});
});

describe("RFC 4733 §2.5.1.5: multiple events in a packet", () => {
	it("reads each event as starting where the one before it ended, one digit each", () => {
		const sink = new Digits();
		const rx = new Dtmf4733Receiver(sink);
		const p = new Uint8Array(8);
		writeEvent(p, 0, 1, true, 10, 800);
		writeEvent(p, 4, 2, false, 10, 400);
		assert.equal(rx.receive(p, 0, 8, SSRC, 1000, true), 2);
		// the second event's own packets, at 1000 + 800, are updates of it
		writeEvent(p, 0, 2, true, 10, 800);
		assert.equal(rx.receive(p, 0, 4, SSRC, 1800, false), 0);
		assert.equal(sink.text, "12");
	});
});

describe("RFC 4733 §2.5.1: sending an event", () => {
	/** Every packet of one event: "due ts M/- E/- duration". */
	function packets(gen: Dtmf4733Sender): string[] {
		const out = new Uint8Array(4), lines: string[] = [];
		while (gen.active) {
			const due = gen.nextDue;
			assert.equal(gen.next(out, 0), 4);
			const duration = (out[2] << 8) | out[3];
			lines.push(`${due} ${gen.timestamp} ${gen.marker ? "M" : "-"} ${out[1] & 0x80 ? "E" : "-"} ${duration} ev${out[0]} vol${out[1] & 0x3f}`);
		}
		assert.equal(gen.next(out, 0), 0);
		return lines;
	}

	it("sends a first packet with the marker, updates every 50 ms, then three end packets with one timestamp (§2.5.1.2, §2.5.1.4)", () => {
		const gen = new Dtmf4733Sender();
		assert.equal(gen.begin(0x35, 1600, 48_000), true); // "5" for 200 ms
		assert.deepEqual(packets(gen), [
			"400 48000 M - 400 ev5 vol10",
			"800 48000 - - 800 ev5 vol10",
			"1200 48000 - - 1200 ev5 vol10",
			"1600 48000 - E 1600 ev5 vol10",
			"2000 48000 - E 1600 ev5 vol10",
			"2400 48000 - E 1600 ev5 vol10",
		]);
	});

	it("updates at the audio packetization instead when told (interval 160 = 20 ms)", () => {
		const gen = new Dtmf4733Sender({ interval: 160, volume: 7 });
		gen.begin(0x23, 500, 0);
		const lines = packets(gen);
		assert.deepEqual(lines.map((l) => l.split(" ")[4]), ["160", "320", "480", "500", "500", "500"]);
		assert.ok(lines.every((l) => l.endsWith("ev11 vol7")));
	});

	it("sends an event no longer than one interval as end packets only, the first with the marker (§2.5.1.4)", () => {
		const gen = new Dtmf4733Sender();
		gen.begin(0x2a, 240, 10);
		assert.deepEqual(packets(gen), ["240 10 M E 240 ev10 vol10", "640 10 - E 240 ev10 vol10", "1040 10 - E 240 ev10 vol10"]);
	});

	it("sends an event longer than 0xFFFF units in segments: 0xFFFF without E, then timestamp + 0xFFFF, no marker (§2.5.1.3)", () => {
		const gen = new Dtmf4733Sender({ interval: 16000 });
		gen.begin(0x30, 0xffff + 20000, 0xfffffff0);
		assert.deepEqual(packets(gen), [
			"16000 4294967280 M - 16000 ev0 vol10",
			"32000 4294967280 - - 32000 ev0 vol10",
			"48000 4294967280 - - 48000 ev0 vol10",
			"64000 4294967280 - - 64000 ev0 vol10",
			"65535 4294967280 - - 65535 ev0 vol10",
			"81535 65519 - - 16000 ev0 vol10",
			"85535 65519 - E 20000 ev0 vol10",
			"101535 65519 - E 20000 ev0 vol10",
			"117535 65519 - E 20000 ev0 vol10",
		]);
	});

	it("refuses a second event while one is being sent, and a character that is no DTMF digit", () => {
		const gen = new Dtmf4733Sender();
		assert.equal(gen.begin(0x45, 800, 0), false);
		assert.equal(gen.begin(0x31, 800, 0), true);
		assert.equal(gen.begin(0x32, 800, 0), false);
		gen.cancel();
		assert.equal(gen.begin(0x32, 800, 0), true);
	});

	it(`sends END_PACKETS = ${END_PACKETS} end packets and caps nothing below MAX_EVENT_DURATION = ${MAX_EVENT_DURATION}`, () => {
		const gen = new Dtmf4733Sender({ interval: 0xffff });
		gen.begin(0x31, 0xffff, 0);
		assert.deepEqual(packets(gen).map((l) => l.split(" ").slice(2, 5).join(" ")), ["M E 65535", "- E 65535", "- E 65535"]);
	});
});

describe("RFC 4733 §2.5: an event sent over RTP and received gives its digit once", () => {
	it("carries 1, 1, # through RtpSender, RtpReceiver and the event receiver as three digits", () => {
		const tx = new RtpSender({ random: new FixedRandom(null, 99), payloadType: 0 });
		const rx = new RtpReceiver({ payloadTypes: [0, 101] });
		rx.start(0);
		const sink = new Digits();
		const events = new Dtmf4733Receiver(sink);
		const gen = new Dtmf4733Sender({ interval: 160 });
		const buf = new Uint8Array(200), payload = new Uint8Array(4), frame = new Uint8Array(160);
		let now = 0, packetsSeen = 0;
		for (const key of "11#") {
			gen.begin(key.charCodeAt(0), 800, tx.timestamp);
			const origin = tx.timestamp;
			while (gen.active) {
				// One 20 ms frame: send what is due, let the audio clock run on.
				while (gen.active && gen.nextDue <= ((tx.timestamp - origin) >>> 0) + 160) {
					gen.next(payload, 0);
					const end = tx.writePacket(buf, 0, gen.marker, 101, gen.timestamp, payload, 0, 4, now);
					assert.equal(rx.receive(buf, 0, end, "192.0.2.1", 5004, now), RTP_OK);
					events.receive(buf, rx.view.payloadStart, rx.view.payloadEnd, rx.view.ssrc, rx.view.timestamp, rx.view.marker);
					packetsSeen++;
				}
				tx.skip();
				now += 20;
			}
			for (let k = 0; k < 5; k++) {
				tx.writeAudio(buf, 0, frame, 0, 160, now); // a gap of audio between presses
				now += 20;
			}
		}
		assert.equal(sink.text, "11#");
		assert.equal(packetsSeen, 3 * (4 + 3));
	});
});
