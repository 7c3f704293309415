// A pcap of RTP for SIPp's play_pcap_audio: RFC 4733 telephone-events (PT 101) for a digit string, with PCMU
// silence between digits, one SSRC, continuous sequence numbers — what a phone sends when its user keys a code.
// Written here, byte by byte, from the formats: pcap (libpcap file format, link type 1 Ethernet), IPv4 (RFC 791),
// UDP (RFC 768), RTP (RFC 3550 §5.1), telephone-event payload (RFC 4733 §2.3).
import { writeFileSync } from "node:fs";

const EVENT_CODES = "0123456789*#ABCD";
/** RTP clock ticks per 20 ms packet at 8 kHz (RFC 3551 §4.5.14). */
const TICKS = 160;

export interface DtmfPcapOptions {
	readonly digits: string;
	/** Event payload type (the offer's telephone-event; SIPp scenarios here offer 101). */
	readonly eventPt?: number;
	/** Tone length and the silence after each digit, ms (multiples of 20). */
	readonly toneMs?: number;
	readonly gapMs?: number;
}

interface Packet {
	readonly atMs: number;
	readonly rtp: Buffer;
}

function rtpPacket(pt: number, marker: boolean, seq: number, timestamp: number, ssrc: number, payload: Buffer): Buffer {
	const b = Buffer.alloc(12 + payload.length);
	b[0] = 0x80; // V=2, no padding, extension or CSRC
	b[1] = (marker ? 0x80 : 0) | pt;
	b.writeUInt16BE(seq & 0xffff, 2);
	b.writeUInt32BE(timestamp >>> 0, 4);
	b.writeUInt32BE(ssrc >>> 0, 8);
	payload.copy(b, 12);
	return b;
}

/** RFC 4733 §2.3: event, E bit, reserved, volume (dBm0 below zero), duration in timestamp units. */
function eventPayload(event: number, end: boolean, duration: number): Buffer {
	const b = Buffer.alloc(4);
	b[0] = event;
	b[1] = (end ? 0x80 : 0) | 10;
	b.writeUInt16BE(duration, 2);
	return b;
}

/** The RTP packets of a digit string, timed: per digit, the first packet marked (§2.5.1.1), updates every 20 ms
 * with growing duration and the same timestamp (§2.5.1.2), three end packets (§2.5.1.4); PCMU silence between. */
export function dtmfPackets(options: DtmfPcapOptions): Packet[] {
	const pt = options.eventPt ?? 101, tone = options.toneMs ?? 160, gap = options.gapMs ?? 240;
	const ssrc = 0x1d00c0de;
	const silence = Buffer.alloc(TICKS, 0xff); // μ-law silence (G.711)
	const out: Packet[] = [];
	let seq = 4000, ts = 80000, at = 0;
	const audio = (count: number) => {
		for (let i = 0; i < count; i++, at += 20, ts += TICKS) out.push({ atMs: at, rtp: rtpPacket(0, false, seq++, ts, ssrc, silence) });
	};
	audio(gap / 20);
	for (const digit of options.digits) {
		const event = EVENT_CODES.indexOf(digit.toUpperCase());
		if (event < 0) throw new Error(`not a DTMF digit: ${digit}`);
		const start = ts, steps = tone / 20;
		for (let i = 1; i <= steps; i++, at += 20) {
			const end = i === steps;
			// The end packet goes out three times (§2.5.1.4), same sequence of numbers continuing.
			for (let copy = 0; copy < (end ? 3 : 1); copy++) {
				out.push({ atMs: at, rtp: rtpPacket(pt, i === 1, seq++, start, ssrc, eventPayload(event, end, i * TICKS)) });
			}
		}
		ts = start + steps * TICKS;
		audio(gap / 20);
	}
	return out;
}

function ipv4Checksum(h: Buffer): number {
	let sum = 0;
	for (let i = 0; i < h.length; i += 2) sum += h.readUInt16BE(i);
	while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
	return ~sum & 0xffff;
}

/** Write the packets as a pcap of Ethernet/IPv4/UDP frames from 127.0.0.1:srcPort to 127.0.0.1:dstPort. */
export function writeDtmfPcap(path: string, options: DtmfPcapOptions, srcPort = 6000, dstPort = 16400): number {
	const packets = dtmfPackets(options);
	const parts: Buffer[] = [];
	const global = Buffer.alloc(24);
	global.writeUInt32LE(0xa1b2c3d4, 0); // microsecond timestamps, little-endian file
	global.writeUInt16LE(2, 4);
	global.writeUInt16LE(4, 6);
	global.writeUInt32LE(65535, 16); // snaplen
	global.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
	parts.push(global);
	const base = 1_700_000_000;
	packets.forEach((p, n) => {
		const udpLength = 8 + p.rtp.length, ipLength = 20 + udpLength, frameLength = 14 + ipLength;
		const frame = Buffer.alloc(frameLength);
		frame.writeUInt16BE(0x0800, 12); // EtherType IPv4; MAC addresses zero (loopback)
		const ip = frame.subarray(14, 34);
		ip[0] = 0x45; // version 4, 5 words
		ip.writeUInt16BE(ipLength, 2);
		ip.writeUInt16BE(n & 0xffff, 4);
		ip[8] = 64; // TTL
		ip[9] = 17; // UDP
		ip.writeUInt32BE(0x7f000001, 12);
		ip.writeUInt32BE(0x7f000001, 16);
		ip.writeUInt16BE(ipv4Checksum(ip), 10);
		frame.writeUInt16BE(srcPort, 34);
		frame.writeUInt16BE(dstPort, 36);
		frame.writeUInt16BE(udpLength, 38); // checksum 0: none (RFC 768, IPv4)
		p.rtp.copy(frame, 42);
		const record = Buffer.alloc(16);
		const us = Math.round(p.atMs * 1000);
		record.writeUInt32LE(base + Math.floor(us / 1e6), 0);
		record.writeUInt32LE(us % 1e6, 4);
		record.writeUInt32LE(frameLength, 8);
		record.writeUInt32LE(frameLength, 12);
		parts.push(record, frame);
	});
	writeFileSync(path, Buffer.concat(parts));
	return packets.length;
}
