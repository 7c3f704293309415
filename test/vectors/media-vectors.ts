// Media vectors: G.711 codes, RTP bytes, RTCP statistics, RFC 4733 digits, jitter buffer, concealment, tones, echo
// suppressor — a scenario in, a trace out. ITU-T G.711 and its App. I; RFC 3550 §5.1, §6.4, A.1, A.3, A.8; RFC 4733
// §2.5; ITU-T E.180 §2. Host-free (src/ and test/media/fixed-random.ts only, no node:,
// no assert), so the same vectors run on Node and on the XS engine (test/xs/media-vectors.test.ts compares).
import { ALAW_SILENCE, alawDecode, alawEncode, decodeFrame, encodeFrame, PCMA, PCMU, ULAW_SILENCE, ulawDecode, ulawEncode } from "../../src/media/g711.js";
import { goertzelPower } from "../goertzel.js";
import {
	readRtp, RTP_BAD_CSRC, RTP_BAD_EXTENSION, RTP_BAD_PADDING, RTP_BAD_VERSION, RTP_FOREIGN_SSRC, RTP_OK, RTP_RTCP_TYPE,
	RTP_TOO_SHORT, RTP_WRONG_PT, RtpReceiver, RtpSender, RtpView, writeRtp,
} from "../../src/media/rtp.js";
import { ReceptionStats } from "../../src/media/rtcp-stats.js";
import { RtcpSession } from "../../src/media/rtcp.js";
import { type DigitSink, Dtmf4733Receiver, Dtmf4733Sender, writeEvent } from "../../src/media/dtmf-4733.js";
import { JB_CONCEALED, JB_PLAYED, JB_SILENT, JitterBuffer } from "../../src/media/jitter-buffer.js";
import { Plc } from "../../src/media/plc.js";
import {
	BUSY_425, CALL_END_WARNING, DOOR_OPENED, INVALID_CODE, RINGBACK_425, RINGBACK_440_480, type Tone, TonePlayer,
} from "../../src/media/tones.js";
import { ES_FAR, ES_IDLE, ES_NEAR, EchoSuppressor } from "../../src/media/echo-suppressor.js";
import { FixedRandom } from "../media/fixed-random.js";
import { runVectors, type TraceVector, vectorTraces } from "./vector-runner.js";

export type MediaVector = TraceVector;

/** Lower-case hex of buf[start, end), bytes separated by spaces (no toString(16) in a loop on hot paths — this is a test). */
function hex(buf: Uint8Array, start: number, end: number): string {
	const digits = "0123456789abcdef";
	let s = "";
	for (let i = start; i < end; i++) s += (i > start ? " " : "") + digits[buf[i] >> 4] + digits[buf[i] & 15];
	return s;
}

function bytes(text: string): Uint8Array {
	const parts = text.split(" ").filter((t) => t !== "");
	const out = new Uint8Array(parts.length);
	for (let i = 0; i < parts.length; i++) out[i] = parseInt(parts[i], 16);
	return out;
}

/** FNV-1a over 32-bit words (Math.imul: the same on every engine). */
function fnv(hash: number, word: number): number {
	for (let k = 0; k < 4; k++) {
		hash = Math.imul(hash ^ ((word >>> (8 * k)) & 0xff), 0x01000193) >>> 0;
	}
	return hash;
}
const FNV_OFFSET = 0x811c9dc5;

/** Samples across both laws' segments, the zero interval, both full scales. */
const SAMPLES = [-32768, -32767, -20000, -8031, -1000, -100, -9, -8, -5, -4, -3, -1, 0, 1, 3, 4, 7, 8, 33, 100, 132, 1000, 4063, 8159, 20000, 32124, 32256, 32767];

function lawTrace(encode: (x: number) => number, decode: (c: number) => number): string[] {
	const lines: string[] = [];
	for (let i = 0; i < SAMPLES.length; i++) {
		const c = encode(SAMPLES[i]);
		lines.push(`${SAMPLES[i]} -> ${hex(Uint8Array.of(c), 0, 1)} -> ${decode(c)}`);
	}
	return lines;
}

function lawChecksums(encode: (x: number) => number, decode: (c: number) => number): string[] {
	let dec = FNV_OFFSET, enc = FNV_OFFSET, roundTrips = 0;
	for (let c = 0; c < 256; c++) {
		dec = fnv(dec, decode(c) & 0xffff);
		if (encode(decode(c)) === c) roundTrips++;
	}
	for (let x = -32768; x < 32768; x++) enc = fnv(enc, encode(x));
	return [`decode fnv ${dec}`, `encode fnv ${enc}`, `encode(decode(c)) === c for ${roundTrips} codes`];
}

class Sink implements DigitSink {
	text = "";
	onDigit(digit: number, source: number): void {
		this.text += String.fromCharCode(digit) + (source === 1 ? "" : "?");
	}
}

/** Feed "ts code E duration M" lines (hex-free, decimal) to an event receiver; return its digits and counters. */
function digitsOf(lines: string[]): string[] {
	const sink = new Sink();
	const rx = new Dtmf4733Receiver(sink);
	const p = new Uint8Array(4);
	for (let i = 0; i < lines.length; i++) {
		const f = lines[i].split(" ");
		writeEvent(p, 0, Number(f[1]), f[2] === "E", 10, Number(f[3]));
		rx.receive(p, 0, 4, 0x1234, Number(f[0]) >>> 0, f[4] === "M");
	}
	return [`digits "${sink.text}"`, `repeats ${rx.repeats} late ${rx.late} segments ${rx.segments}`];
}


/** A 160-sample frame of a sine: amplitude, frequency, first sample's index in the stream. */
function sineFrame(out: Int16Array, amplitude: number, freq: number, from: number): Int16Array {
	for (let i = 0; i < out.length; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * freq * (from + i)) / 8000));
	return out;
}

/** "sound a-b silence c-d ..." over 10 ms blocks (80 samples): a block sounds when any sample is not 0. */
function cadence(pcm: Int16Array): string {
	const parts: string[] = [];
	let start = 0, sound = false;
	const blocks = pcm.length / 80;
	for (let b = 0; b <= blocks; b++) {
		let on = false;
		if (b < blocks) for (let i = b * 80; i < b * 80 + 80 && !on; i++) on = pcm[i] !== 0;
		if (b === blocks || (b > 0 && on !== sound)) {
			parts.push(`${sound ? "sound" : "silence"} ${start}-${b - 1}`);
			start = b;
		}
		sound = on;
	}
	return parts.join(" ");
}

const goertzel = goertzelPower;

/** The tone frequencies of the station whose power in the first sound (up to 200 ms) is over a tenth of the strongest. */
function strongest(pcm: Int16Array): string {
	const candidates = [400, 425, 440, 480, 660, 880, 1400];
	// The first run of sounding 10 ms blocks, at most 200 ms (resolution 5 Hz: 425 stays apart from 440).
	let end = 0;
	for (; end < 1600 && end < pcm.length; end += 80) {
		let on = false;
		for (let i = end; i < end + 80 && !on; i++) on = pcm[i] !== 0;
		if (!on) break;
	}
	const power = candidates.map((f) => goertzel(pcm, 0, end, f));
	const max = Math.max(...power);
	return candidates.filter((_, i) => power[i] > max / 10).join("+");
}

function renderTone(t: Tone, ms: number): { pcm: Int16Array; playing: boolean } {
	const player = new TonePlayer();
	player.start(t);
	const pcm = new Int16Array(ms * 8);
	let playing = true;
	for (let at = 0; at < pcm.length; at += 160) playing = player.fill(pcm, at, 160);
	return { pcm, playing };
}

export const MEDIA_VECTORS: MediaVector[] = [
	{
		name: "μ-law codes and decoded values of a sample set (G.711 Table 2a)",
		run: () => lawTrace(ulawEncode, ulawDecode),
		expect: [
			"-32768 -> 00 -> -32124",
			"-32767 -> 00 -> -32124",
			"-20000 -> 0c -> -19836",
			"-8031 -> 20 -> -7932",
			"-1000 -> 4e -> -988",
			"-100 -> 72 -> -104",
			"-9 -> 7e -> -8",
			"-8 -> 7e -> -8",
			"-5 -> 7e -> -8",
			"-4 -> 7e -> -8",
			"-3 -> ff -> 0",
			"-1 -> ff -> 0",
			"0 -> ff -> 0",
			"1 -> ff -> 0",
			"3 -> ff -> 0",
			"4 -> fe -> 8",
			"7 -> fe -> 8",
			"8 -> fe -> 8",
			"33 -> fb -> 32",
			"100 -> f2 -> 104",
			"132 -> ef -> 132",
			"1000 -> ce -> 988",
			"4063 -> af -> 4092",
			"8159 -> 9f -> 8316",
			"20000 -> 8c -> 19836",
			"32124 -> 80 -> 32124",
			"32256 -> 80 -> 32124",
			"32767 -> 80 -> 32124",
		],
	},
	{
		name: "A-law codes and decoded values of a sample set (G.711 Table 1a)",
		run: () => lawTrace(alawEncode, alawDecode),
		expect: [
			"-32768 -> 2a -> -32256",
			"-32767 -> 2a -> -32256",
			"-20000 -> 26 -> -19968",
			"-8031 -> 0a -> -8064",
			"-1000 -> 7a -> -1008",
			"-100 -> 53 -> -104",
			"-9 -> 55 -> -8",
			"-8 -> 55 -> -8",
			"-5 -> 55 -> -8",
			"-4 -> 55 -> -8",
			"-3 -> 55 -> -8",
			"-1 -> 55 -> -8",
			"0 -> d5 -> 8",
			"1 -> d5 -> 8",
			"3 -> d5 -> 8",
			"4 -> d5 -> 8",
			"7 -> d5 -> 8",
			"8 -> d5 -> 8",
			"33 -> d7 -> 40",
			"100 -> d3 -> 104",
			"132 -> dd -> 136",
			"1000 -> fa -> 1008",
			"4063 -> 9a -> 4032",
			"8159 -> 8a -> 8064",
			"20000 -> a6 -> 19968",
			"32124 -> aa -> 32256",
			"32256 -> aa -> 32256",
			"32767 -> aa -> 32256",
		],
	},
	{
		name: "μ-law checksums over all 256 codes and all 65,536 inputs (G.711 Table 2a)",
		run: () => lawChecksums(ulawEncode, ulawDecode),
		expect: [
			"decode fnv 912725136",
			"encode fnv 3730550586",
			"encode(decode(c)) === c for 255 codes",
		],
	},
	{
		name: "A-law checksums over all 256 codes and all 65,536 inputs (G.711 Table 1a)",
		run: () => lawChecksums(alawEncode, alawDecode),
		expect: [
			"decode fnv 3651622789",
			"encode fnv 63468986",
			"encode(decode(c)) === c for 256 codes",
		],
	},
	{
		name: "silence codes 0xFF (μ-law) and 0xD5 (A-law), and a frame round trip at offsets (G.711; RFC 3551 §4.5.14)",
		run: () => {
			const pcm = new Int16Array(170), codes = new Uint8Array(170), back = new Int16Array(170);
			for (let i = 0; i < 170; i++) pcm[i] = ((i * 2654435761) >>> 16) - 32768;
			const lines = [`silence ${ulawEncode(0) === ULAW_SILENCE} ${alawEncode(0) === ALAW_SILENCE}`];
			for (const law of [PCMU, PCMA]) {
				encodeFrame(law, pcm, 5, codes, 10);
				decodeFrame(law, codes, 10, back, 3);
				let h = FNV_OFFSET;
				for (let i = 0; i < 170; i++) h = fnv(h, codes[i] | ((back[i] & 0xffff) << 8));
				lines.push(`law ${law} frame fnv ${h}`);
			}
			return lines;
		},
		expect: [
			"silence true true",
			"law 0 frame fnv 1539378393",
			"law 8 frame fnv 361067799",
		],
	},
	{
		name: "RTP packet written by the sender and read back in place (RFC 3550 §5.1, RFC 3551 §4.1)",
		run: () => {
			const sender = new RtpSender({ random: new FixedRandom([0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0xde, 0xad, 0xbe, 0xef]), payloadType: 8 });
			const buf = new Uint8Array(200), payload = Uint8Array.of(0xd5, 0xd5, 0x55, 0x2a), view = new RtpView();
			const lines: string[] = [];
			for (let i = 0; i < 2; i++) {
				const end = sender.writeAudio(buf, 2, payload, 0, 4, i * 20);
				lines.push(hex(buf, 2, end));
				const r = readRtp(buf, 2, end, view);
				lines.push(`read ${r} M ${view.marker} PT ${view.payloadType} seq ${view.sequence} ts ${view.timestamp} ssrc ${view.ssrc} payload ${view.payloadStart}..${view.payloadEnd}`);
			}
			lines.push(`packets ${sender.packets} octets ${sender.octets}`);
			return lines;
		},
		expect: [
			"80 88 ff ff ff ff ff 00 de ad be ef d5 d5 55 2a",
			"read 0 M true PT 8 seq 65535 ts 4294967040 ssrc 3735928559 payload 14..18",
			"80 08 00 00 ff ff ff a0 de ad be ef d5 d5 55 2a",
			"read 0 M false PT 8 seq 0 ts 4294967200 ssrc 3735928559 payload 14..18",
			"packets 2 octets 8",
		],
	},
	{
		name: "RTP read: CSRCs and a header extension skipped, padding stripped; malformed packets named (RFC 3550 §5.1, §5.3.1, A.1)",
		run: () => {
			const view = new RtpView();
			const cases = [
				"b1 80 00 07 00 00 01 00 00 00 00 09  00 00 00 0a  be de 00 01 11 22 33 44  d5 d5  00 00 03",
				"80 00 00 01 00 00 00 02 00 00 00",
				"40 00 00 01 00 00 00 02 00 00 00 03",
				"82 00 00 01 00 00 00 02 00 00 00 03 00 00 00 0a",
				"90 00 00 01 00 00 00 02 00 00 00 03 be de 00 09",
				"a0 00 00 01 00 00 00 02 00 00 00 03 d5 00",
				"80 c8 00 01 00 00 00 02 00 00 00 03",
			];
			const lines: string[] = [];
			for (let i = 0; i < cases.length; i++) {
				const b = bytes(cases[i]);
				const r = readRtp(b, 0, b.length, view);
				lines.push(r === RTP_OK ? `ok seq ${view.sequence} ts ${view.timestamp} cc ${view.csrcCount} ext ${view.extensionProfile} pad ${view.padding} payload ${hex(b, view.payloadStart, view.payloadEnd)}` : `reason ${r}`);
			}
			lines.push(`codes ${RTP_TOO_SHORT} ${RTP_BAD_VERSION} ${RTP_BAD_CSRC} ${RTP_BAD_EXTENSION} ${RTP_BAD_PADDING} ${RTP_RTCP_TYPE}`);
			return lines;
		},
		expect: [
			"ok seq 7 ts 256 cc 1 ext 48862 pad 3 payload d5 d5",
			"reason 1",
			"reason 2",
			"reason 3",
			"reason 4",
			"reason 5",
			"reason 6",
			"codes 1 2 3 4 5 6",
		],
	},
	{
		name: "RTP receiver: payload-type filter, SSRC lock and re-lock, symmetric RTP, timeout (RFC 3550 A.1, RFC 4961)",
		run: () => {
			const rx = new RtpReceiver({ payloadTypes: [0, 101], timeoutMs: 5000 });
			rx.start(0, "198.51.100.7", 4000);
			const buf = new Uint8Array(40), none = new Uint8Array(0);
			const lines: string[] = [];
			const feed = (ssrc: number, pt: number, address: string, port: number, now: number): void => {
				const end = writeRtp(buf, 0, false, pt, 1, 2, ssrc, none, 0, 0);
				lines.push(`${now}: ${rx.receive(buf, 0, end, address, port, now)} -> ${rx.remoteAddress}:${rx.remotePort} ssrc ${rx.ssrc}`);
			};
			feed(7, 8, "203.0.113.5", 1000, 0);
			feed(7, 0, "203.0.113.5", 1000, 10);
			feed(9, 0, "192.0.2.66", 666, 20);
			feed(7, 101, "203.0.113.5", 1002, 30);
			feed(9, 0, "192.0.2.66", 666, 1030);
			lines.push(`dropped pt ${rx.dropped(RTP_WRONG_PT)} foreign ${rx.dropped(RTP_FOREIGN_SSRC)} relocks ${rx.relocks} changes ${rx.sourceChanges}`);
			lines.push(`timedOut ${rx.timedOut(6029)} ${rx.timedOut(6030)}`);
			return lines;
		},
		expect: [
			"0: 7 -> 198.51.100.7:4000 ssrc 0",
			"10: 0 -> 203.0.113.5:1000 ssrc 7",
			"20: 8 -> 203.0.113.5:1000 ssrc 7",
			"30: 0 -> 203.0.113.5:1002 ssrc 7",
			"1030: 0 -> 192.0.2.66:666 ssrc 9",
			"dropped pt 1 foreign 1 relocks 1 changes 2",
			"timedOut false true",
		],
	},
	{
		name: "RTCP reception statistics over a fixed arrival sequence: loss, fraction, jitter (RFC 3550 A.1, A.3, A.8)",
		run: () => {
			const s = new ReceptionStats(8000);
			// 20 ms packets from seq 65530 (wrapping), timestamps from 4294966000 (wrapping); 3 lost, 1 duplicate, 1 reordered.
			const delays = [0, 3, 1, 9, 4, 4, 15, 2, 0, 6, 6, 1, 30, 3, 2, 0, 5, 8, 1, 0];
			const order = [0, 1, 2, 3, 5, 4, 6, 7, 9, 10, 10, 11, 12, 14, 15, 16, 18, 19];
			for (let k = 0; k < order.length; k++) {
				const i = order[k];
				s.onPacket(0xabc, (65530 + i) & 0xffff, (4294966000 + i * 160) >>> 0, 100_000 + i * 20 + delays[i]);
			}
			const block = new Uint8Array(24);
			s.writeBlock(block, 0, 0);
			return [
				`received ${s.received} expected ${s.expected} lost ${s.cumulativeLost} max ${s.extendedMax}`,
				`jitter ${s.jitter.toFixed(6)}`,
				`block ${hex(block, 0, 24)}`,
			];
		},
		expect: [
			"received 17 expected 19 lost 2 max 65549",
			"jitter 39.409402",
			"block 00 00 0a bc 1a 00 00 02 00 01 00 0d 00 00 00 27 00 00 00 00 00 00 00 00",
		],
	},
	{
		name: "RTCP compound SR + SDES written, read by the peer, RR + round trip back (RFC 3550 §6.1, §6.4.1, §6.5.1)",
		run: () => {
			const cname = Uint8Array.of(0x64, 0x6f, 0x6f, 0x72); // "door"
			const mk = (ssrcByte: number) => {
				const sender = new RtpSender({ random: new FixedRandom([0, 1, 0, 0, 0, 0, 0, 0, 0, ssrcByte]), payloadType: 0 });
				const stats = new ReceptionStats();
				return { sender, stats, rtcp: new RtcpSession({ random: new FixedRandom([0x80, 0, 0, 0]), cname, sender, stats }) };
			};
			const door = mk(0x55), phone = mk(0x66);
			const frame = new Uint8Array(160), pkt = new Uint8Array(200), buf = new Uint8Array(200);
			for (let i = 0; i < 10; i++) {
				door.sender.writeAudio(pkt, 0, frame, 0, 160, 3_900_000_000_000 + i * 20);
				if (i !== 6) phone.stats.onPacket(door.sender.ssrc, i + 1, i * 160, 3_900_000_000_040 + i * 20);
			}
			const lines: string[] = [];
			let n = door.rtcp.writeReport(buf, 0, 3_900_000_000_250);
			lines.push(`SR ${hex(buf, 0, n)}`);
			lines.push(`peer reads ${phone.rtcp.receive(buf, 0, n, 3_900_000_000_290)}`);
			n = phone.rtcp.writeReport(buf, 0, 3_900_000_000_540);
			lines.push(`RR ${hex(buf, 0, n)}`);
			lines.push(`door reads ${door.rtcp.receive(buf, 0, n, 3_900_000_000_580)}`);
			lines.push(`fraction ${door.rtcp.fractionLost} lost ${door.rtcp.cumulativeLost} max ${door.rtcp.extendedMax} rtt ${door.rtcp.rttMs.toFixed(3)}`);
			return lines;
		},
		expect: [
			"SR 80 c8 00 06 00 00 00 55 e8 75 47 00 40 00 00 00 00 00 07 d0 00 00 00 0a 00 00 06 40 81 ca 00 03 00 00 00 55 01 04 64 6f 6f 72 00 00",
			"peer reads 0",
			"RR 81 c9 00 07 00 00 00 66 00 00 00 55 1c 00 00 01 00 00 00 0a 00 00 00 00 47 00 40 00 00 00 40 00 81 ca 00 03 00 00 00 66 01 04 64 6f 6f 72 00 00",
			"door reads 0",
			"fraction 28 lost 1 max 10 rtt 79.987",
		],
	},
	{
		name: "RFC 4733 digits: updates and three end packets give one digit; same key, new timestamp, a new digit (§2.5.2)",
		run: () => digitsOf([
			"1000 1 - 160 M", "1000 1 - 560 -", "1000 1 E 800 -", "1000 1 E 800 -", "1000 1 E 800 -",
			"3000 1 - 160 M", "3000 1 E 800 -", "3000 1 E 800 -", "3000 1 E 800 -",
			"5000 11 E 800 -", "5000 11 E 800 -", "3000 1 E 800 -",
		]),
		expect: [
			"digits \"11#\"",
			"repeats 8 late 1 segments 0",
		],
	},
	{
		name: "RFC 4733 digits: a long press in segments and a wrapping duration stay one digit (§2.5.1.3)",
		run: () => digitsOf([
			"4294901760 3 - 400 M", "4294901760 3 - 65535 -", "4294967295 3 - 400 -", "4294967295 3 - 65535 -",
			"65534 3 - 400 -", "65534 3 E 1200 -", "200000 5 - 65000 M", "200000 5 - 500 -", "200000 5 E 900 -",
		]),
		expect: [
			"digits \"35\"",
			"repeats 5 late 0 segments 2",
		],
	},
	{
		name: "RFC 4733 generator: marker first, updates every 50 ms, three end packets on one timestamp (§2.5.1)",
		run: () => {
			const gen = new Dtmf4733Sender();
			const out = new Uint8Array(4), lines: string[] = [];
			gen.begin(0x23, 1000, 4294967000);
			while (gen.active) {
				const due = gen.nextDue;
				gen.next(out, 0);
				lines.push(`${due} ts ${gen.timestamp} ${gen.marker ? "M" : "-"} ${hex(out, 0, 4)}`);
			}
			return lines;
		},
		expect: [
			"400 ts 4294967000 M 0b 0a 01 90",
			"800 ts 4294967000 - 0b 0a 03 20",
			"1000 ts 4294967000 - 0b 8a 03 e8",
			"1400 ts 4294967000 - 0b 8a 03 e8",
			"1800 ts 4294967000 - 0b 8a 03 e8",
		],
	},
	{
		name: "jitter buffer: buffering to 40 ms, reorder, duplicate, loss concealed, late packet counted (RFC 3550 §5.1, A.8)",
		run: () => {
			// Frame seq carries code 0x90 + (seq − 100) in every byte; the last decoded sample names the frame played (the
			// first ones of a frame after a concealed one are cross-faded, G.711 App. I).
			const jb = new JitterBuffer({ law: PCMU, minMs: 40 });
			const out = new Int16Array(160), payload = new Uint8Array(160);
			const lines: string[] = [];
			const put = (seq: number, at: number): void => {
				payload.fill(0x90 + seq - 100);
				lines.push(`put ${seq} at ${at} -> ${jb.put(seq, (seq - 100) * 160, payload, 0, 160, at)}`);
			};
			const take = (at: number): void => {
				const r = jb.take(out, at);
				let what = r === JB_SILENT ? "silent" : r === JB_CONCEALED ? "concealed" : "?";
				for (let seq = 100; seq <= 104 && r === JB_PLAYED; seq++) if (out[159] === ulawDecode(0x90 + seq - 100)) what = `played ${seq}`;
				lines.push(`take at ${at} -> ${what}`);
			};
			put(100, 0); take(0); put(102, 15); put(101, 16); put(101, 17);
			take(20); take(40); take(60); put(104, 70); take(80); put(103, 85); take(100);
			lines.push(`played ${jb.played} concealed ${jb.concealed} lost ${jb.lost} late ${jb.late} duplicated ${jb.duplicated} target ${jb.target}`);
			return lines;
		},
		expect: [
			"put 100 at 0 -> 0",
			"take at 0 -> silent",
			"put 102 at 15 -> 0",
			"put 101 at 16 -> 0",
			"put 101 at 17 -> 2",
			"take at 20 -> played 100",
			"take at 40 -> played 101",
			"take at 60 -> played 102",
			"put 104 at 70 -> 0",
			"take at 80 -> concealed",
			"put 103 at 85 -> 1",
			"take at 100 -> played 104",
			"played 4 concealed 1 lost 1 late 1 duplicated 1 target 2",
		],
	},
	{
		name: "loss concealment of a 200 Hz tone: its 40-sample period repeated, faded out by 60 ms, faded back in (G.711 App. I §I.2)",
		run: () => {
			const plc = new Plc();
			const frame = new Int16Array(160), out = new Int16Array(640), x = new Int16Array(160);
			for (let f = 0; f < 5; f++) plc.good(sineFrame(frame, 8000, 200, f * 160), 0, 160);
			for (let f = 0; f < 4; f++) plc.conceal(out, f * 160, 160);
			sineFrame(x, 8000, 200, 800);
			let continues = true, bounded = true, silent = true;
			for (let i = 0; i < 80; i++) continues = continues && out[i] === x[i % 40];
			for (let i = 80; i < 480; i++) bounded = bounded && Math.abs(out[i]) <= 8000 * (1 - (0.2 * (i - 80)) / 80) + 0.5;
			for (let i = 480; i < 640; i++) silent = silent && out[i] === 0;
			sineFrame(x, 8000, 200, 1440);
			sineFrame(frame, 8000, 200, 1440);
			plc.good(frame, 0, 160);
			let fadeIn = true, untouched = true;
			for (let i = 0; i < 80; i++) fadeIn = fadeIn && frame[i] === Math.round(((i + 1) / 81) * x[i]);
			for (let i = 80; i < 160; i++) untouched = untouched && frame[i] === x[i];
			return [
				`pitch ${plc.pitch}`,
				`first 10 ms continue the tone: ${continues}`,
				`10-60 ms within the -20 % per 10 ms envelope: ${bounded}`,
				`silent from 60 ms: ${silent}`,
				`next frame faded in over 10 ms: ${fadeIn}, then untouched: ${untouched}`,
				`concealed frames ${plc.concealedFrames}`,
			];
		},
		expect: [
			// A 200 Hz tone repeats every 40 samples: lags 40, 80, 120 correlate equally; the search keeps the first, 40.
			"pitch 40",
			"first 10 ms continue the tone: true",
			"10-60 ms within the -20 % per 10 ms envelope: true",
			"silent from 60 ms: true",
			// After 80 ms of loss the cross-fade is at its longest, 10 ms, from a synthetic signal already silent.
			"next frame faded in over 10 ms: true, then untouched: true",
			"concealed frames 4",
		],
	},
	{
		name: "tones in 10 ms blocks: ringback, busy, door opened, call-end warning, invalid code (§2 of ITU-T E.180, Suppl. 2)",
		run: () => {
			const cases: [string, Tone, number][] = [
				["ringback 425", RINGBACK_425, 6000], ["ringback 440+480", RINGBACK_440_480, 7000], ["busy", BUSY_425, 2000],
				["door opened", DOOR_OPENED, 600], ["call-end warning", CALL_END_WARNING, 600], ["invalid code", INVALID_CODE, 600],
			];
			const lines: string[] = [];
			for (let i = 0; i < cases.length; i++) {
				const [label, t, ms] = cases[i];
				const { pcm, playing } = renderTone(t, ms);
				lines.push(`${label}: ${strongest(pcm)} Hz; ${cadence(pcm)}; playing ${playing}`);
			}
			return lines;
		},
		expect: [
			"ringback 425: 425 Hz; sound 0-99 silence 100-499 sound 500-599; playing true",
			"ringback 440+480: 440+480 Hz; sound 0-199 silence 200-599 sound 600-699; playing true",
			"busy: 425 Hz; sound 0-49 silence 50-99 sound 100-149 silence 150-199; playing true",
			"door opened: 660 Hz; sound 0-14 silence 15-17 sound 18-32 silence 33-59; playing false",
			"call-end warning: 1400 Hz; sound 0-9 silence 10-19 sound 20-29 silence 30-39 sound 40-49 silence 50-59; playing false",
			"invalid code: 400 Hz; sound 0-11 silence 12-19 sound 20-31 silence 32-39 sound 40-51 silence 52-59; playing false",
		],
	},
	{
		name: "echo suppressor: a far tone's echo ducked until 160 ms after the far end falls silent; the near end takes the floor (§3, §5 of DESIGN.md)",
		run: () => {
			// Far: 500 Hz, amplitude 8000, frames 0-9; mic: its echo 2 frames late at -10 dB, then 700 Hz at 8000 in frames 40-49.
			const es = new EchoSuppressor({ micAttenuationDb: 24 });
			const far = new Int16Array(160), mic = new Int16Array(160), micIn = new Int16Array(160), echo = new Int16Array(160);
			let floors = "", lossMin = 0, lossMax = -100, nearExact = true;
			for (let k = 0; k < 70; k++) {
				far.fill(0);
				mic.fill(0);
				if (k < 10) sineFrame(far, 8000, 500, k * 160);
				if (k >= 2 && k < 12) {
					sineFrame(echo, 8000, 500, (k - 2) * 160);
					for (let i = 0; i < 160; i++) mic[i] = Math.round(echo[i] * 0.31622776601683794);
				}
				if (k >= 40 && k < 50) sineFrame(mic, 8000, 700, k * 160);
				micIn.set(mic);
				const floor = es.process(far, 0, mic, 0);
				floors += floor === ES_FAR ? "F" : floor === ES_NEAR ? "N" : floor === ES_IDLE ? "I" : "?";
				if (k >= 2 && k < 12) {
					let eIn = 0, eOut = 0;
					for (let i = 0; i < 160; i++) {
						eIn += micIn[i] * micIn[i];
						eOut += mic[i] * mic[i];
					}
					const loss = 10 * Math.log10(eOut / eIn);
					if (loss < lossMin) lossMin = loss;
					if (loss > lossMax) lossMax = loss;
				}
				if (k >= 40 && k < 50) for (let i = 0; i < 160; i++) nearExact = nearExact && mic[i] === micIn[i];
			}
			return [
				`floors ${floors}`,
				`echo frames 2-11 at ${lossMin.toFixed(1)}..${lossMax.toFixed(1)} dB`,
				`near frames 40-49 bit-exact: ${nearExact}`,
				`mic ducked ${es.micDucked} speaker ducked ${es.speakerDucked} double talk ${es.doubleTalk} floor changes ${es.floorChanges}`,
			];
		},
		expect: [
			// Mean |x| of a frame of either tone is ~5,030-5,090; the follower releases by e^-0.5 per frame, so it falls below
			// the -45 dB threshold (184) on the 7th silent frame (the 10th after frame 9: 16; after frame 49: 56); the floor
			// is held 8 frames more and released on the 9th (24; 64).
			"floors FFFFFFFFFFFFFFFFFFFFFFFFIIIIIIIIIIIIIIIINNNNNNNNNNNNNNNNNNNNNNNNIIIIII",
			"echo frames 2-11 at -24.0..-24.0 dB",
			"near frames 40-49 bit-exact: true",
			"mic ducked 24 speaker ducked 0 double talk 0 floor changes 4",
		],
	},
];

export const MEDIA_VECTOR_COUNT = MEDIA_VECTORS.length;

/** Every vector's trace (for comparing engines line by line). */
export function mediaVectorTraces(): string[][] {
	return vectorTraces(MEDIA_VECTORS);
}

/** Run every vector; a failure names the vector and the first line that differs. */
export function runMediaVectors(): { passed: number; failures: string[] } {
	return runVectors(MEDIA_VECTORS);
}
