// The far end of a call's media in the flood test, in a process of its own (so its clock is not the station's):
// it receives the station's RTP and notes when each packet arrived, and sends its own 20 ms PCMU packets (its own
// SSRC: RFC 3550 §8) to wherever the station's RTP comes from (symmetric RTP, RFC 4961). Run with fork(); the
// parent sends {stop: true} and gets the arrival times back.
import { createSocket } from "node:dgram";
import { performance } from "node:perf_hooks";

/** What the peer tells its parent. */
export type RtpPeerMessage =
	| { readonly type: "ready"; readonly port: number }
	| { readonly type: "report"; readonly arrivals: number[]; readonly sequences: number[]; readonly sent: number; readonly from: string };

/** Epoch milliseconds with sub-millisecond resolution (the parent compares them with its own). */
function now(): number {
	return performance.timeOrigin + performance.now();
}

function main(): void {
	const port = Number(process.argv[2] ?? 0);
	const socket = createSocket("udp4");
	const arrivals: number[] = [], sequences: number[] = [];
	let station: { address: string; port: number } | null = null;
	let sent = 0, seq = 1, ts = 0;
	const ssrc = 0x5ca1ab1e;
	const packet = Buffer.alloc(12 + 160, 0xff);
	packet[0] = 0x80; // V=2
	packet[1] = 0; // M=0, PT 0 (PCMU, RFC 3551)
	packet.writeUInt32BE(ssrc, 8);
	socket.on("message", (msg, rinfo) => {
		if (msg.length < 12 || (msg[0] & 0xc0) !== 0x80) return;
		arrivals.push(now());
		sequences.push(msg.readUInt16BE(2));
		station ??= { address: rinfo.address, port: rinfo.port };
	});
	// One packet per 20 ms once the station's stream is known; the timestamp runs on by 160 samples a packet.
	const sender = setInterval(() => {
		if (station === null) return;
		packet.writeUInt16BE(seq & 0xffff, 2);
		packet.writeUInt32BE(ts >>> 0, 4);
		seq++;
		ts += 160;
		socket.send(packet, station.port, station.address);
		sent++;
	}, 20);
	process.on("message", (m: { stop?: boolean }) => {
		if (m.stop !== true) return;
		clearInterval(sender);
		const report: RtpPeerMessage = { type: "report", arrivals, sequences, sent, from: station === null ? "" : `${station.address}:${station.port}` };
		process.send!(report, () => socket.close(() => process.exit(0)));
	});
	socket.bind({ address: "127.0.0.1", port }, () => {
		const ready: RtpPeerMessage = { type: "ready", port: socket.address().port };
		process.send!(ready);
	});
}

main();
