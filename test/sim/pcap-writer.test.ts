// The simulator's pcap export (hosts/sim/pcap-writer.ts): IPv4/IPv6, UDP and TCP headers written around payloads with
// their lengths and checksums (RFC 791, RFC 8200, RFC 768, RFC 9293, RFC 1071), read back by Wireshark's dissectors:
// SIP over UDP and TCP, the SDP's RTP found by Wireshark itself, nothing malformed, no TCP sequence complaints.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checksum, LINKTYPE_RAW, writePcap, type CapturedPacket } from "../../hosts/sim/pcap-writer.js";
import { analysePcap, describeIssues } from "../interop/capture.js";
import { TSHARK, requirePeer } from "../interop/peers.js";

const bytes = (s: string) => Uint8Array.from(Buffer.from(s, "latin1"));

function sip(first: string, cseq: string, extra = "", body = ""): Uint8Array {
	return bytes(`${first}\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK${cseq.replace(/\W/g, "")}\r\nMax-Forwards: 70\r\n` +
		`From: <sip:door@127.0.0.1>;tag=1\r\nTo: <sip:flat@127.0.0.1>\r\nCall-ID: c1@127.0.0.1\r\nCSeq: ${cseq}\r\n${extra}` +
		`Content-Length: ${body.length}\r\n\r\n${body}`);
}

const SDP = (port: number) => `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0 101\r\n` +
	"a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=sendrecv\r\n";

function rtp(seq: number): Uint8Array {
	const b = new Uint8Array(12 + 160).fill(0xff);
	b[0] = 0x80;
	b[1] = 0;
	b[2] = seq >> 8;
	b[3] = seq & 0xff;
	new DataView(b.buffer).setUint32(4, seq * 160);
	new DataView(b.buffer).setUint32(8, 0x12345678);
	return b;
}

describe("pcap export (hosts/sim/pcap-writer.ts)", () => {
	it("checksums as RFC 1071 §3's example: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2, checksum 220d", () => {
		assert.equal(checksum([Uint8Array.from([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7])]), 0x220d);
		// An odd byte count pads with a zero byte; the parts are one byte string.
		assert.equal(checksum([Uint8Array.from([0x00, 0x01, 0xf2]), Uint8Array.from([0x03, 0xf4, 0xf5, 0xf6, 0xf7])]), 0x220d);
	});

	it("writes a pcap header (magic a1b2c3d4, version 2.4, LINKTYPE_RAW) and one record per UDP payload with IPv4 lengths", () => {
		const p: CapturedPacket = { at: 1_700_000_000_123.456, transport: "udp", srcAddress: "127.0.0.1", srcPort: 5070, dstAddress: "127.0.0.2", dstPort: 5090, payload: bytes("hello") };
		const file = writePcap([p]);
		const v = new DataView(file.buffer);
		assert.equal(v.getUint32(0, true), 0xa1b2c3d4);
		assert.deepEqual([v.getUint16(4, true), v.getUint16(6, true), v.getUint32(20, true)], [2, 4, LINKTYPE_RAW]);
		assert.deepEqual([v.getUint32(24, true), v.getUint32(28, true)], [1_700_000_000, 123_456]);
		assert.equal(v.getUint32(32, true), 20 + 8 + 5);
		const ip = file.subarray(40);
		assert.equal(ip[0], 0x45);
		assert.equal((ip[2] << 8) | ip[3], 33);
		assert.equal(checksum([ip.subarray(0, 20)]), 0, "the IPv4 header sums to zero with its checksum");
		assert.equal((ip[24] << 8) | ip[25], 13, "UDP length");
	});

	it("tshark reads SIP over UDP and TCP, the RTP its SDP announced, IPv6 too: nothing malformed, no warnings", async function () {
		const tshark = requirePeer(this, TSHARK);
		const t0 = 1_700_000_000_000;
		const door = "127.0.0.1", flat = "127.0.0.1";
		const packets: CapturedPacket[] = [];
		const udp = (at: number, from: [string, number], to: [string, number], payload: Uint8Array) =>
			packets.push({ at: t0 + at, transport: "udp", srcAddress: from[0], srcPort: from[1], dstAddress: to[0], dstPort: to[1], payload });
		const tcp = (at: number, from: [string, number], to: [string, number], payload: Uint8Array) =>
			packets.push({ at: t0 + at, transport: "tcp", srcAddress: from[0], srcPort: from[1], dstAddress: to[0], dstPort: to[1], payload });
		udp(0, [door, 5070], [flat, 5090], sip("INVITE sip:flat@127.0.0.1:5090 SIP/2.0", "1 INVITE", "Content-Type: application/sdp\r\n", SDP(16400)));
		udp(5, [flat, 5090], [door, 5070], sip("SIP/2.0 180 Ringing", "1 INVITE"));
		udp(900, [flat, 5090], [door, 5070], sip("SIP/2.0 200 OK", "1 INVITE", "Content-Type: application/sdp\r\n", SDP(16900)));
		for (let i = 0; i < 10; i++) {
			udp(920 + 20 * i, [door, 16400], [flat, 16900], rtp(100 + i));
			udp(921 + 20 * i, [flat, 16900], [door, 16400], rtp(500 + i));
		}
		// A registration over TCP: the station opened the connection; the registrar answers on it.
		tcp(1200, [door, 5070], ["127.0.0.1", 5060], sip("REGISTER sip:127.0.0.1 SIP/2.0", "1 REGISTER"));
		tcp(1210, ["127.0.0.1", 5060], [door, 5070], sip("SIP/2.0 401 Unauthorized", "1 REGISTER", 'WWW-Authenticate: Digest realm="x", nonce="y"\r\n'));
		tcp(1220, [door, 5070], ["127.0.0.1", 5060], sip("REGISTER sip:127.0.0.1 SIP/2.0", "2 REGISTER"));
		tcp(1230, ["127.0.0.1", 5060], [door, 5070], sip("SIP/2.0 200 OK", "2 REGISTER"));
		// A caller that connected to the station (its ephemeral port).
		tcp(1300, ["127.0.0.1", 40123], [door, 5070], sip("OPTIONS sip:door@127.0.0.1 SIP/2.0", "7 OPTIONS"));
		tcp(1301, [door, 5070], ["127.0.0.1", 40123], sip("SIP/2.0 200 OK", "7 OPTIONS"));
		udp(1400, ["::1", 5070], ["2001:db8::1", 5060], sip("OPTIONS sip:pbx@[2001:db8::1] SIP/2.0", "8 OPTIONS"));
		const dir = mkdtempSync(join(tmpdir(), "pcap-writer-"));
		try {
			const file = join(dir, "export.pcap");
			writeFileSync(file, writePcap(packets));
			const report = await analysePcap(tshark, file, { decodeAs: ["tcp.port==5070,sip", "udp.port==5070,sip"] });
			assert.deepEqual(report.issues, [], describeIssues(report.issues));
			assert.equal(report.frames, packets.length + 2 * 3, "each TCP flow gets its handshake");
			assert.equal(report.protocolFrames.sip, 3 + 4 + 2 + 1);
			assert.equal(report.protocolFrames.rtp, 20, JSON.stringify(report.protocolFrames));
			assert.equal(report.protocolFrames.ipv6, 1);
			// Only the handshake's "connection establish" chats: no lost segment, bad ACK or checksum note.
			const tcpNotes = report.notes.filter((n) => (n.group === "sequence" || n.group === "checksum") && n.severity !== "chat");
			assert.deepEqual(tcpNotes, [], describeIssues(tcpNotes));
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
