// A pcap file (the classic libpcap format, LINKTYPE_RAW: each record an IP packet) made from what a station sent and
// received: the simulator has payloads and addresses, not frames, so the IPv4/IPv6, UDP and TCP headers are written
// here with their lengths and checksums (RFC 791 §3.1, RFC 8200 §3, RFC 768, RFC 9293 §3.1, RFC 1071). A TCP flow
// gets a three-way handshake before its first segment and consistent sequence and acknowledgment numbers, so
// Wireshark follows it without "previous segment not captured".
import { isIP } from "node:net";

/** One payload as it crossed a socket. */
export interface CapturedPacket {
	/** Wall-clock time, milliseconds since 1970 (fractions kept to the microsecond). */
	readonly at: number;
	readonly transport: "udp" | "tcp";
	readonly srcAddress: string;
	readonly srcPort: number;
	readonly dstAddress: string;
	readonly dstPort: number;
	readonly payload: Uint8Array;
}

/** https://www.tcpdump.org/linktypes.html: raw IPv4 or IPv6, the version in the first nibble. */
export const LINKTYPE_RAW = 101;
const PCAP_MAGIC = 0xa1b2c3d4, SNAPLEN = 262144;
const PROTO_TCP = 6, PROTO_UDP = 17;
const TCP_SYN = 0x02, TCP_PSH = 0x08, TCP_ACK = 0x10;

/** The pcap file of `packets`, in their order. */
export function writePcap(packets: readonly CapturedPacket[]): Uint8Array {
	const records: Uint8Array[] = [];
	const flows = new Map<string, TcpFlow>();
	let id = 0;
	const ip = (src: string, dst: string, protocol: number, segment: (pseudo: Uint8Array) => Uint8Array) =>
		ipPacket(src, dst, protocol, segment, (id = (id + 1) & 0xffff));
	for (const p of packets) {
		if (p.transport === "udp") {
			records.push(record(p.at, ip(p.srcAddress, p.dstAddress, PROTO_UDP, udpSegment(p))));
			continue;
		}
		const key = flowKey(p);
		let flow = flows.get(key);
		if (flow === undefined) {
			// The first segment seen of the flow: its sender opened the connection (SYN, SYN-ACK, ACK just before).
			flow = { client: `${p.srcAddress} ${p.srcPort}`, next: [1000, 5000] };
			flows.set(key, flow);
			const back = reverse(p);
			const t = p.at - 0.003;
			records.push(record(t, ip(p.srcAddress, p.dstAddress, PROTO_TCP, tcpSegment(p, 999, 0, TCP_SYN, EMPTY))));
			records.push(record(t + 0.001, ip(back.srcAddress, back.dstAddress, PROTO_TCP, tcpSegment(back, 4999, 1000, TCP_SYN | TCP_ACK, EMPTY))));
			records.push(record(t + 0.002, ip(p.srcAddress, p.dstAddress, PROTO_TCP, tcpSegment(p, 1000, 5000, TCP_ACK, EMPTY))));
		}
		const mine = flow.client === `${p.srcAddress} ${p.srcPort}` ? 0 : 1;
		const seq = flow.next[mine], ack = flow.next[1 - mine];
		flow.next[mine] = (seq + p.payload.length) >>> 0;
		records.push(record(p.at, ip(p.srcAddress, p.dstAddress, PROTO_TCP, tcpSegment(p, seq, ack, TCP_PSH | TCP_ACK, p.payload))));
	}
	const header = new Uint8Array(24);
	const v = new DataView(header.buffer);
	v.setUint32(0, PCAP_MAGIC, true);
	v.setUint16(4, 2, true); // version 2.4
	v.setUint16(6, 4, true);
	v.setUint32(16, SNAPLEN, true);
	v.setUint32(20, LINKTYPE_RAW, true);
	return concat([header, ...records]);
}

interface TcpFlow {
	/** "address port" of the side that sent first (the connection's opener). */
	readonly client: string;
	/** Next sequence number of the client [0] and the server [1]. */
	readonly next: [number, number];
}

const EMPTY = new Uint8Array(0);

function flowKey(p: CapturedPacket): string {
	const a = `${p.srcAddress} ${p.srcPort}`, b = `${p.dstAddress} ${p.dstPort}`;
	return a < b ? `${a}|${b}` : `${b}|${a}`;
}

function reverse(p: CapturedPacket): CapturedPacket {
	return { ...p, srcAddress: p.dstAddress, srcPort: p.dstPort, dstAddress: p.srcAddress, dstPort: p.srcPort, payload: EMPTY };
}

/** A pcap record: seconds, microseconds, captured and original length, the packet. */
function record(atMs: number, packet: Uint8Array): Uint8Array {
	const out = new Uint8Array(16 + packet.length);
	const v = new DataView(out.buffer);
	const us = Math.round(atMs * 1000);
	v.setUint32(0, Math.floor(us / 1e6), true);
	v.setUint32(4, us % 1e6, true);
	v.setUint32(8, packet.length, true);
	v.setUint32(12, packet.length, true);
	out.set(packet, 16);
	return out;
}

/** RFC 768: ports, length, checksum over the pseudo-header (0 computed is sent as 0xffff). */
function udpSegment(p: CapturedPacket): (pseudo: Uint8Array) => Uint8Array {
	return (pseudo) => {
		const s = new Uint8Array(8 + p.payload.length);
		const v = new DataView(s.buffer);
		v.setUint16(0, p.srcPort);
		v.setUint16(2, p.dstPort);
		v.setUint16(4, s.length);
		s.set(p.payload, 8);
		const sum = checksum([pseudo, s]);
		v.setUint16(6, sum === 0 ? 0xffff : sum);
		return s;
	};
}

/** RFC 9293 §3.1: a 20-byte header (no options), window 65535, checksum over the pseudo-header. */
function tcpSegment(p: CapturedPacket, seq: number, ack: number, flags: number, payload: Uint8Array): (pseudo: Uint8Array) => Uint8Array {
	return (pseudo) => {
		const s = new Uint8Array(20 + payload.length);
		const v = new DataView(s.buffer);
		v.setUint16(0, p.srcPort);
		v.setUint16(2, p.dstPort);
		v.setUint32(4, seq >>> 0);
		v.setUint32(8, (flags & TCP_ACK) !== 0 ? ack >>> 0 : 0);
		s[12] = 5 << 4; // data offset: 5 words
		s[13] = flags;
		v.setUint16(14, 65535);
		s.set(payload, 20);
		v.setUint16(16, checksum([pseudo, s]));
		return s;
	};
}

/** An IPv4 (RFC 791) or IPv6 (RFC 8200) packet around the segment, which is written knowing its pseudo-header. */
function ipPacket(src: string, dst: string, protocol: number, segment: (pseudo: Uint8Array) => Uint8Array, id: number): Uint8Array {
	if (isIP(src) === 6 || isIP(dst) === 6) {
		const s = ipv6Bytes(src), d = ipv6Bytes(dst);
		// RFC 8200 §8.1: source, destination, upper-layer length (32 bits), zeros, next header.
		const probe = segment(new Uint8Array(40));
		const pseudo = new Uint8Array(40);
		pseudo.set(s, 0);
		pseudo.set(d, 16);
		new DataView(pseudo.buffer).setUint32(32, probe.length);
		pseudo[39] = protocol;
		const seg = segment(pseudo);
		const out = new Uint8Array(40 + seg.length);
		const v = new DataView(out.buffer);
		out[0] = 0x60;
		v.setUint16(4, seg.length);
		out[6] = protocol;
		out[7] = 64;
		out.set(s, 8);
		out.set(d, 24);
		out.set(seg, 40);
		return out;
	}
	const s = ipv4Bytes(src), d = ipv4Bytes(dst);
	const probe = segment(new Uint8Array(12));
	// RFC 768 / RFC 9293 §3.1: source, destination, zero, protocol, segment length.
	const pseudo = new Uint8Array(12);
	pseudo.set(s, 0);
	pseudo.set(d, 4);
	pseudo[9] = protocol;
	new DataView(pseudo.buffer).setUint16(10, probe.length);
	const seg = segment(pseudo);
	const out = new Uint8Array(20 + seg.length);
	const v = new DataView(out.buffer);
	out[0] = 0x45; // version 4, 5 words of header
	v.setUint16(2, out.length);
	v.setUint16(4, id);
	v.setUint16(6, 0x4000); // don't fragment
	out[8] = 64;
	out[9] = protocol;
	out.set(s, 12);
	out.set(d, 16);
	v.setUint16(10, checksum([out.subarray(0, 20)]));
	out.set(seg, 20);
	return out;
}

/** RFC 1071: the 16-bit one's complement of the one's complement sum, over the parts as one byte string. */
export function checksum(parts: readonly Uint8Array[]): number {
	let sum = 0, odd = -1;
	for (const part of parts) {
		for (let i = 0; i < part.length; i++) {
			if (odd < 0) odd = part[i];
			else {
				sum += (odd << 8) | part[i];
				odd = -1;
			}
		}
	}
	if (odd >= 0) sum += odd << 8;
	while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
	return ~sum & 0xffff;
}

function ipv4Bytes(address: string): Uint8Array {
	const parts = isIP(address) === 4 ? address.split(".").map(Number) : [0, 0, 0, 0];
	return Uint8Array.from(parts);
}

function ipv6Bytes(address: string): Uint8Array {
	const out = new Uint8Array(16);
	if (isIP(address) === 4) {
		// An IPv4 peer of an IPv6 socket: the IPv4-mapped form (RFC 4291 §2.5.5.2).
		out[10] = out[11] = 0xff;
		out.set(ipv4Bytes(address), 12);
		return out;
	}
	let text = address.replace(/%.*$/, "");
	// A dotted IPv4 tail (::ffff:192.0.2.1) is the last two 16-bit words (RFC 4291 §2.2).
	const m = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
	if (m !== null) {
		const b = ipv4Bytes(m[2]);
		text = `${m[1]}${((b[0] << 8) | b[1]).toString(16)}:${((b[2] << 8) | b[3]).toString(16)}`;
	}
	const [head, tail] = text.split("::");
	const h = head === "" ? [] : head.split(":"), t = tail === undefined || tail === "" ? [] : tail.split(":");
	const words = tail === undefined ? h : [...h, ...new Array<string>(Math.max(0, 8 - h.length - t.length)).fill("0"), ...t];
	for (let i = 0; i < 8; i++) {
		const n = parseInt(words[i] ?? "0", 16) || 0;
		out[2 * i] = n >> 8;
		out[2 * i + 1] = n & 0xff;
	}
	return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
	let n = 0;
	for (const p of parts) n += p.length;
	const out = new Uint8Array(n);
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}
