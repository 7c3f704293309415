// What a caller at the door hears while the station calls out (src/intercom: call-audio.ts, tone-plan.ts; hosts/sim/audio-device.ts records): ringback
// (ITU-T E.180 §2: 425 Hz, 1 s on, 4 s off) while the callee's 180 Ringing carries no SDP, the far end's early media
// instead when it does (RFC 3261 §13.2.1, RFC 3264), and the busy tone (425 Hz, 0.5 s on, 0.5 s off) for about 3 s
// after 486 Busy Here. The callee is a tiny fake peer on node:dgram (127.0.0.1, free ports) writing its responses by
// hand; the station records what it plays (--audio-out) and the test looks for the tones with Goertzel.
import assert from "node:assert/strict";
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SimStation } from "../../hosts/sim/station.js";
import { readWav } from "../../hosts/sim/wav.js";
import { ulawEncode } from "../../src/media/g711.js";
import { parseStationConfig } from "../../src/intercom/config.js";
import { goertzelPower } from "../goertzel.js";
import { freePort, freeRtpPorts } from "../interop/peers.js";

const RATE = 8000;
/** The station's ringback and busy tones (src/media/tones.ts RINGBACK_425, BUSY_425). */
const TONE_HZ = 425;
/** What the fake peer sends as early media: far from 425 Hz. */
const PEER_HZ = 1000;

/** Goertzel power of `hz` in pcm[from, to), normalized by length² (a sine of amplitude A gives A²/4). */
function power(pcm: Int16Array, from: number, to: number, hz: number): number {
	const n = to - from;
	return goertzelPower(pcm, from, to, hz) / (n * n);
}
function rms(pcm: Int16Array, from: number, to: number): number {
	let e = 0;
	for (let i = from; i < to; i++) e += pcm[i] * pcm[i];
	return Math.sqrt(e / (to - from));
}
const at = (seconds: number) => Math.round(seconds * RATE);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A callee on 127.0.0.1 that answers the station's INVITE as the test says; it absorbs ACKs. */
class FakePeer {
	invite: { text: string; from: RemoteInfo } | null = null;
	readonly #waiting: ((v: void) => void)[] = [];

	private constructor(readonly sip: Socket, readonly port: number, readonly rtp: Socket, readonly rtpPort: number) {
		sip.on("message", (msg, rinfo) => {
			const text = msg.toString("latin1");
			if (!text.startsWith("INVITE ") || this.invite !== null) return; // ACKs, INVITE retransmissions
			this.invite = { text, from: rinfo };
			for (const w of this.#waiting.splice(0)) w();
		});
	}

	static async start(): Promise<FakePeer> {
		const bind = async (port: number) => {
			const s = createSocket("udp4");
			await new Promise<void>((resolve, reject) => {
				s.once("error", reject);
				s.bind(port, "127.0.0.1", () => resolve());
			});
			return s;
		};
		const sip = await bind(0);
		const rtp = await bind(0);
		return new FakePeer(sip, sip.address().port, rtp, rtp.address().port);
	}

	inviteArrived(): Promise<void> {
		return this.invite !== null ? Promise.resolve() : new Promise((r) => this.#waiting.push(r));
	}

	/** The header lines of the INVITE named `name` (all of them: a Via may repeat). */
	#headers(name: string): string[] {
		const head = this.invite!.text.split("\r\n\r\n")[0].split("\r\n");
		return head.filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
	}

	/** Where the station's SDP offer wants its RTP. */
	stationRtp(): { address: string; port: number } {
		const body = this.invite!.text.split("\r\n\r\n")[1] ?? "";
		const c = /^c=IN IP4 (\S+)/m.exec(body), m = /^m=audio (\d+)/m.exec(body);
		assert.ok(c !== null && m !== null, `no c= / m=audio in the INVITE's SDP:\n${body}`);
		return { address: c[1], port: Number(m[1]) };
	}

	/** Send a response to the INVITE (§8.2.6.2: Via, From, Call-ID, CSeq copied; To with our tag). */
	respond(status: number, reason: string, sdp = false): void {
		const inv = this.invite!;
		const to = this.#headers("To")[0];
		const body = sdp
			? `v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${this.rtpPort} RTP/AVP 0 101\r\n` +
				"a=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\n"
			: "";
		const lines = [
			`SIP/2.0 ${status} ${reason}`,
			...this.#headers("Via"),
			...this.#headers("From"),
			/;\s*tag=/i.test(to) ? to : `${to};tag=peer-tag-1`,
			...this.#headers("Call-ID"),
			...this.#headers("CSeq"),
			`Contact: <sip:peer@127.0.0.1:${this.port}>`,
			...(sdp ? ["Content-Type: application/sdp"] : []),
			`Content-Length: ${Buffer.byteLength(body, "latin1")}`,
			"",
			body,
		];
		this.sip.send(Buffer.from(lines.join("\r\n"), "latin1"), inv.from.port, inv.from.address);
	}

	/** Send `ms` of a PCMU `hz` tone to the station as RTP, paced at 20 ms per packet. */
	async sendTone(hz: number, ms: number): Promise<void> {
		const dest = this.stationRtp();
		const packet = Buffer.alloc(12 + 160);
		let seq = 1000, ts = 0, n = 0;
		const start = Date.now();
		for (let frame = 0; frame * 20 < ms; frame++) {
			packet[0] = 0x80;
			packet[1] = frame === 0 ? 0x80 : 0x00; // marker on the first packet, PT 0
			packet.writeUInt16BE(seq++ & 0xffff, 2);
			packet.writeUInt32BE(ts >>> 0, 4);
			packet.writeUInt32BE(0x12345678, 8);
			for (let i = 0; i < 160; i++) packet[12 + i] = ulawEncode(Math.round(8000 * Math.sin((2 * Math.PI * hz * n++) / RATE)));
			ts += 160;
			this.rtp.send(packet, dest.port, dest.address);
			const wait = start + (frame + 1) * 20 - Date.now();
			if (wait > 0) await sleep(wait);
		}
	}

	close(): void {
		this.sip.close();
		this.rtp.close();
	}
}

describe("Simulator: call-progress tones the caller hears while the station calls out (E.180 §2)", function () {
	this.timeout(30000);
	let dir = "", station: SimStation | null = null, peer: FakePeer | null = null, lines: string[] = [];

	beforeEach(() => {
		dir = mkdtempSync(join(tmpdir(), "station-tones-"));
		lines = [];
	});
	afterEach(async () => {
		await station?.stop(200);
		station = null;
		peer?.close();
		peer = null;
		rmSync(dir, { recursive: true, force: true });
	});

	/** A station recording to `wav`, calling the fake peer. */
	async function callPeer(wav: string): Promise<{ station: SimStation; peer: FakePeer }> {
		peer = await FakePeer.start();
		const port = await freePort();
		const rtpPort = await freeRtpPorts(6);
		const config = parseStationConfig({ sip: { port, rtpPort }, audio: { echoSuppressor: { enabled: false } } });
		assert.ok(config.ok);
		station = await SimStation.start({
			address: "127.0.0.1", config: config.config, trace: false, log: (l) => lines.push(l),
			audio: { source: { kind: "silence" }, recordTo: wav },
		});
		assert.ok(station.command(`call sip:peer@127.0.0.1:${peer.port}`));
		await peer.inviteArrived();
		return { station, peer };
	}

	/** The first 20 ms frame at or after `from` whose level is a tone's, in samples; -1: none. */
	function onset(pcm: Int16Array, from: number): number {
		for (let i = from; i + 160 <= pcm.length; i += 160) if (rms(pcm, i, i + 160) > 1000) return i;
		return -1;
	}

	it("plays ringback while 180 Ringing has no SDP, then 3 s of busy tone after 486; then the frame clock stops", async () => {
		const wav = join(dir, "heard.wav");
		const { station: s, peer: p } = await callPeer(wav);
		p.respond(180, "Ringing");
		await s.waitFor((l) => l === "tone: ringback", 3000);
		assert.ok(s.audio.running, "the frame clock runs for the tone alone (no session)");
		await sleep(2000);
		p.respond(486, "Busy Here");
		await s.waitFor((l) => l.startsWith("call 0: ended"), 3000);
		const calls = lines.filter((l) => (l.startsWith("call 0: ") && !l.startsWith("call 0: media ")) || l.startsWith("tone: "));
		assert.deepEqual(calls.slice(-2), ["tone: busy", "call 0: ended: rejected (486)"], lines.join("\n"));
		assert.ok(calls.indexOf("tone: ringback") > calls.indexOf("call 0: ringing"), lines.join("\n"));
		assert.ok(s.audio.running, "the busy tone runs the frame clock");
		await sleep(3300);
		assert.ok(!s.audio.running, "no frame timer left after the busy tone");
		assert.equal(s.station.audio.localTone, null);
		assert.equal(lines.filter((l) => l.startsWith("tone: ")).length, 2, lines.join("\n"));
		await s.stop(200);
		station = null;

		const pcm = readWav(wav).samples;
		// Ringback from the start: 425 Hz for 1 s (not 1000 Hz), then its 4 s pause, cut short by the 486 after 2 s.
		assert.ok(onset(pcm, 0) < at(0.1), "ringback starts at once");
		const ring = power(pcm, at(0.1), at(0.9), TONE_HZ);
		assert.ok(ring > 1e6, `425 Hz in the ringing part: ${ring}`);
		assert.ok(ring > 100 * power(pcm, at(0.1), at(0.9), PEER_HZ), "425 Hz, not 1000 Hz");
		assert.ok(ring > 10 * power(pcm, at(0.1), at(0.9), 480), "425 Hz, not 480 Hz");
		assert.ok(rms(pcm, at(1.05), at(1.8)) < 50, "ringback's pause");
		// Busy: begins when the 486 came (about 2 s in), 0.5 s on / 0.5 s off, 3 s in all, then nothing more.
		const busy = onset(pcm, at(1.5));
		assert.ok(busy > at(1.8) && busy < at(2.5), `busy tone begins after the ringing: at ${busy / RATE} s`);
		for (let k = 0; k < 3; k++) {
			const on = busy + at(k + 0.05), off = busy + at(k + 0.55);
			assert.ok(power(pcm, on, on + at(0.4), TONE_HZ) > 1e6, `busy burst ${k}: 425 Hz`);
			assert.ok(rms(pcm, off, off + at(0.4)) < 50, `busy pause ${k}: silence`);
		}
		const busyEnd = busy + at(3);
		assert.ok(Math.abs(pcm.length - busyEnd) < at(0.2), `the recording ends with the 3 s busy tone: ${pcm.length / RATE} s, busy from ${busy / RATE} s`);
	});

	it("plays no tone when 180 carries SDP: the recording holds the peer's early media (1000 Hz), then silence", async () => {
		const wav = join(dir, "early.wav");
		const { station: s, peer: p } = await callPeer(wav);
		p.respond(180, "Ringing", true);
		await s.waitFor((l) => l === "call 0: ringing (early media)", 3000);
		await p.sendTone(PEER_HZ, 1500);
		await sleep(500);
		p.respond(603, "Decline");
		await s.waitFor((l) => l.startsWith("call 0: ended"), 3000);
		assert.equal(lines.filter((l) => l.startsWith("tone: ")).length, 0, lines.join("\n"));
		await sleep(100);
		assert.ok(!s.audio.running, "no frame timer left after the early media ended");
		await s.stop(200);
		station = null;

		const pcm = readWav(wav).samples;
		assert.ok(pcm.length > at(1.5), `recorded ${pcm.length / RATE} s`);
		const far = power(pcm, 0, pcm.length, PEER_HZ), ours = power(pcm, 0, pcm.length, TONE_HZ);
		assert.ok(far > 1e5, `the peer's 1000 Hz is heard: ${far}`);
		assert.ok(far > 1000 * ours, `no 425 Hz ringback or busy: ${ours} vs ${far}`);
		for (let i = 0; i + at(0.5) <= pcm.length; i += at(0.25)) {
			assert.ok(power(pcm, i, i + at(0.5), TONE_HZ) < 1e3, `no 425 Hz at ${i / RATE} s`);
		}
	});

	it("plays no tone and records silence when early media brings no RTP, and no busy tone after 603", async () => {
		const wav = join(dir, "silent.wav");
		const { station: s, peer: p } = await callPeer(wav);
		p.respond(180, "Ringing", true);
		await s.waitFor((l) => l === "call 0: ringing (early media)", 3000);
		await sleep(1000);
		p.respond(603, "Decline");
		await s.waitFor((l) => l.startsWith("call 0: ended"), 3000);
		await sleep(200);
		assert.equal(lines.filter((l) => l.startsWith("tone: ")).length, 0, lines.join("\n"));
		assert.ok(!s.audio.running);
		await s.stop(200);
		station = null;
		const pcm = readWav(wav).samples;
		assert.ok(pcm.length > at(0.8), `recorded ${pcm.length / RATE} s of the early session`);
		assert.ok(rms(pcm, 0, pcm.length) < 50, "silence");
	});
});
