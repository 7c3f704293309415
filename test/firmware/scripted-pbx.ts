// A registrar-proxy and its flats in virtual time for the firmware's memory measurement (memory-budget.test.ts): the
// station sends everything to the proxy (its outbound proxy, RFC 3261 §8.1.2), which answers for the flats the
// Request-URI names: REGISTER gets 200; an INVITE gets 100 and 180 at once, and 200 with SDP when the test says the flat
// answers; CANCEL gets 200 and the INVITE 487; BYE gets 200; RTP the flats send is made on request (PCMU, RFC 3550).
// Each datagram the firmware sends is answered at once, delivered when the firmware's current call returns.
import { encodeFrame, FRAME_SAMPLES, PCMU } from "../../src/media/g711.js";
import { Msg, UaHost, peerSdp } from "../ua/ua-host.js";
import type { Delivery, Sent, VirtualPeer } from "./firmware-on-xs.js";

export const REGISTRAR = "192.0.2.1";
/** Flat n (1-based) is at 192.0.2.(20 + n), its RTP on port 4000. */
export const flatAddress = (n: number): string => `192.0.2.${20 + n}`;
export const FLAT_RTP_PORT = 4000;

type ReplyOptions = { toTag?: string | null; extra?: string; body?: string; contentType?: string };
/** UaHost.reply uses no instance state: the one response builder of the tests (§8.2.6.2 copying rules). */
const reply = (req: Msg, status: number, reason: string, o: ReplyOptions = {}): string => UaHost.prototype.reply.call(null as unknown as UaHost, req, status, reason, o);

function bytes(text: string): number[] {
	const out: number[] = new Array(text.length);
	for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
	return out;
}

export class ScriptedPbx implements VirtualPeer {
	/** The INVITE each flat is ringing on (by the flat's address in the Request-URI), until answered or cancelled. */
	readonly #ringing = new Map<string, Msg>();
	/** Where the station sends each flat's media, learned from its INVITE's SDP. */
	readonly #stationRtp = new Map<string, number>();
	#tag = 0;
	#seq = 0;
	#ts = 0;
	readonly #pcm = new Int16Array(FRAME_SAMPLES);
	readonly #payload = new Uint8Array(FRAME_SAMPLES);
	counts = { register: 0, invite: 0, cancel: 0, bye: 0, ack: 0, rtpFromStation: 0 };

	constructor(readonly stationPort = 5060) {

		for (let i = 0; i < FRAME_SAMPLES; i++) this.#pcm[i] = Math.round(6000 * Math.sin((2 * Math.PI * 1000 * i) / 8000));
		encodeFrame(PCMU, this.#pcm, 0, this.#payload, 0);
	}

	onSent(d: Sent): Delivery[] {
		if (d.port !== 5060) {
			this.counts.rtpFromStation++;
			return [];
		}
		const m = new Msg(d.at, d.address, d.port, String.fromCharCode(...d.bytes));
		const flat = /@([0-9.]+)/.exec(m.uri)?.[1] ?? "";
		const back = (text: string): Delivery => ({ port: d.from, bytes: bytes(text), address: d.address, from: d.port });
		switch (m.method) {
			case "REGISTER":
				this.counts.register++;
				return [back(reply(m, 200, "OK", { toTag: "reg", extra: `Contact: ${m.header("Contact")};expires=600\r\n` }))];
			case "INVITE": {
				this.counts.invite++;
				this.#ringing.set(flat, m);
				const audio = /m=audio (\d+)/.exec(m.body);
				if (audio !== null) this.#stationRtp.set(flat, Number(audio[1]));
				const tag = `flat${++this.#tag}`;
				(m as Msg & { toTag?: string }).toTag = tag;
				return [back(reply(m, 100, "Trying", { toTag: null })), back(reply(m, 180, "Ringing", { toTag: tag, extra: `Contact: <sip:flat@${flat}>\r\n` }))];
			}
			case "CANCEL": {
				this.counts.cancel++;
				const invite = this.#ringing.get(flat);
				this.#ringing.delete(flat);
				const out = [back(reply(m, 200, "OK"))];
				if (invite !== undefined) out.push(back(reply(invite, 487, "Request Terminated", { toTag: (invite as Msg & { toTag?: string }).toTag })));
				return out;
			}
			case "BYE":
				this.counts.bye++;
				return [back(reply(m, 200, "OK"))];
			case "ACK":
				this.counts.ack++;
				return [];
			default:
				return m.method === "" ? [] : [back(reply(m, 200, "OK"))];
		}
	}

	/** Flat `n` answers its ringing INVITE: the 200 with its SDP (null: it is not ringing). */
	answer(n: number): Delivery | null {
		const address = flatAddress(n), invite = this.#ringing.get(address);
		if (invite === undefined) return null;
		this.#ringing.delete(address);
		const sdp = peerSdp({ address, port: FLAT_RTP_PORT });
		const text = reply(invite, 200, "OK", { toTag: (invite as Msg & { toTag?: string }).toTag, extra: `Contact: <sip:flat@${address}>\r\n`, body: sdp });
		return { port: this.stationPort, bytes: bytes(text), address: REGISTRAR, from: 5060 };
	}

	/** One RTP packet of flat `n`'s 1 kHz tone to the station's media port for it (20 ms of PCMU). */
	rtp(n: number): Delivery {
		const address = flatAddress(n);
		const port = this.#stationRtp.get(address);
		if (port === undefined) throw new Error(`the station offered no media to flat ${n}`);
		const seq = this.#seq++ & 0xffff, ts = (this.#ts += FRAME_SAMPLES) >>> 0;
		const header = [0x80, 0, seq >> 8, seq & 0xff, ts >>> 24, (ts >> 16) & 0xff, (ts >> 8) & 0xff, ts & 0xff, 0x12, 0x34, 0x56, 0x78];
		return { port, bytes: [...header, ...this.#payload], address, from: FLAT_RTP_PORT };
	}
}
