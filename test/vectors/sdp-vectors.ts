// SDP vectors: descriptions as real user agents send them, read and answered — a scenario in, a trace out. RFC 4566 §5,
// §6; RFC 3264 §5–§8; RFC 3551 §6; RFC 4733 §7. Host-free (src/ only, no node:, no assert), so the same vectors run on
// Node and on the XS engine (test/xs/sdp-vectors.test.ts compares); test/sip/sdp.test.ts and offer-answer.test.ts use
// the same sample descriptions.
import { ascii, text } from "../../src/sip/bytes.js";
import {
	ADDR_IP4, ADDR_IP6, DIR_SENDONLY, DIR_SENDRECV, ENC_PCMA, ENC_PCMU, ENC_TELEPHONE_EVENT, MEDIA_AUDIO,
	MEDIA_VIDEO, PROTO_RTP_AVP, PROTO_RTP_OTHER, SdpView, parseSdp,
} from "../../src/sip/sdp.js";
import { acceptAnswer, answerOffer, LocalMedia, Negotiated, writeAnswer, writeOffer } from "../../src/sip/offer-answer.js";
import { Writer } from "../../src/sip/writer.js";
import { runVectors, type TraceVector, vectorTraces } from "./vector-runner.js";

/** Lines joined by CRLF (or `eol`), the last one terminated too. */
export function sdp(lines: string[], eol = "\r\n"): string {
	return lines.join(eol) + eol;
}

// Sample descriptions in the manner of what the named programs send (addresses from RFC 5737 / private ranges).

/** baresip: opus first, then G.711, telephone-event 0-15; a video stream beside the audio. */
export const BARESIP_OFFER = sdp([
	"v=0",
	"o=- 1955128914 2103408617 IN IP4 192.168.1.33",
	"s=-",
	"c=IN IP4 192.168.1.33",
	"t=0 0",
	"a=tool:baresip 3.10.1",
	"m=audio 31002 RTP/AVP 96 0 8 101",
	"b=AS:128",
	"a=rtpmap:96 opus/48000/2",
	"a=fmtp:96 stereo=1;sprop-stereo=1",
	"a=rtpmap:0 PCMU/8000",
	"a=rtpmap:8 PCMA/8000",
	"a=rtpmap:101 telephone-event/8000",
	"a=fmtp:101 0-15",
	"a=rtcp-rsize",
	"a=sendrecv",
	"a=label:1",
	"a=ptime:20",
	"m=video 39870 RTP/AVP 96 97",
	"b=AS:1000",
	"a=rtpmap:96 H264/90000",
	"a=fmtp:96 packetization-mode=1",
	"a=rtpmap:97 VP8/90000",
	"a=sendrecv",
	"a=label:2",
]);

/** Asterisk (chan_pjsip): PCMA first, GSM, telephone-event 0-16, maxptime. */
export const ASTERISK_OFFER = sdp([
	"v=0",
	"o=- 1726486012 1726486014 IN IP4 203.0.113.5",
	"s=Asterisk",
	"c=IN IP4 203.0.113.5",
	"t=0 0",
	"m=audio 17828 RTP/AVP 8 0 3 101",
	"a=rtpmap:8 PCMA/8000",
	"a=rtpmap:0 PCMU/8000",
	"a=rtpmap:3 GSM/8000",
	"a=rtpmap:101 telephone-event/8000",
	"a=fmtp:101 0-16",
	"a=ptime:20",
	"a=maxptime:150",
	"a=sendrecv",
]);

/** Asterisk putting the call on hold: the same description, version + 1, a=sendonly (RFC 3264 §8.4). */
export const ASTERISK_HOLD = ASTERISK_OFFER.replace("1726486014", "1726486015").replace("a=sendrecv", "a=sendonly");

/** linphone: opus, speex, G.711, G.729 annex B, telephone-event at three rates; a recvonly video stream. */
export const LINPHONE_OFFER = sdp([
	"v=0",
	"o=alice 3016 2413 IN IP4 192.0.2.44",
	"s=Talk",
	"c=IN IP4 192.0.2.44",
	"t=0 0",
	"a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics",
	"m=audio 7078 RTP/AVP 96 97 98 0 8 18 101 99 100",
	"a=rtpmap:96 opus/48000/2",
	"a=fmtp:96 useinbandfec=1",
	"a=rtpmap:97 speex/16000",
	"a=fmtp:97 vbr=on",
	"a=rtpmap:98 speex/8000",
	"a=fmtp:98 vbr=on",
	"a=fmtp:18 annexb=yes",
	"a=rtpmap:101 telephone-event/48000",
	"a=rtpmap:99 telephone-event/16000",
	"a=rtpmap:100 telephone-event/8000",
	"a=rtcp-fb:* trr-int 1000",
	"m=video 9078 RTP/AVP 96 97",
	"a=rtpmap:96 VP8/90000",
	"a=rtpmap:97 H264/90000",
	"a=fmtp:97 profile-level-id=42801F",
	"a=rtcp-fb:96 nack pli",
	"a=recvonly",
]);

/** SIPp's default UAC description, PCMU only, here with bare LF line ends; its sess-version is above 2^31. */
export const SIPP_OFFER_LF = sdp([
	"v=0",
	"o=user1 53655765 2353687637 IN IP4 127.0.0.1",
	"s=-",
	"c=IN IP4 127.0.0.1",
	"t=0 0",
	"m=audio 6000 RTP/AVP 0",
	"a=rtpmap:0 PCMU/8000",
], "\n");

/** SIPp's pcap-play scenario: PCMA and telephone-event 0-11,16. */
export const SIPP_PCAP_OFFER = sdp([
	"v=0",
	"o=user1 53655765 2353687637 IN IP4 127.0.1.1",
	"s=-",
	"c=IN IP4 127.0.1.1",
	"t=0 0",
	"m=audio 6000 RTP/AVP 8 101",
	"a=rtpmap:8 PCMA/8000",
	"a=rtpmap:101 telephone-event/8000",
	"a=fmtp:101 0-11,16",
]);

/** An RFC 2543 gateway holding the call: c= 0.0.0.0 at session and media level, no direction attribute (RFC 3264 §8.4). */
export const RFC2543_HOLD = sdp([
	"v=0",
	"o=CiscoSystemsSIP-GW-UserAgent 4506 1234 IN IP4 198.51.100.20",
	"s=SIP Call",
	"c=IN IP4 0.0.0.0",
	"t=0 0",
	"m=audio 17586 RTP/AVP 0 101",
	"c=IN IP4 0.0.0.0",
	"a=rtpmap:0 PCMU/8000",
	"a=rtpmap:101 telephone-event/8000",
	"a=fmtp:101 0-15",
	"a=ptime:20",
]);

/** A re-offer pausing the stream with a session-level a=inactive (linphone's pause). */
export const INACTIVE_OFFER = sdp([
	"v=0",
	"o=alice 3016 2414 IN IP4 192.0.2.44",
	"s=Talk",
	"c=IN IP4 192.0.2.44",
	"t=0 0",
	"a=inactive",
	"m=audio 7078 RTP/AVP 0 8 101",
	"a=rtpmap:101 telephone-event/8000",
]);

/** G.729 only (a trunk that transcodes nothing). */
export const G729_ONLY_OFFER = sdp([
	"v=0",
	"o=- 8 8 IN IP4 198.51.100.7",
	"s=-",
	"c=IN IP4 198.51.100.7",
	"t=0 0",
	"m=audio 5004 RTP/AVP 18 101",
	"a=rtpmap:18 G729/8000",
	"a=fmtp:18 annexb=no",
	"a=rtpmap:101 telephone-event/8000",
	"a=fmtp:101 0-15",
]);

/** opus only, with telephone-event at its rate. */
export const OPUS_ONLY_OFFER = sdp([
	"v=0",
	"o=- 9 9 IN IP4 198.51.100.8",
	"s=-",
	"c=IN IP4 198.51.100.8",
	"t=0 0",
	"m=audio 5006 RTP/AVP 111 110",
	"a=rtpmap:111 opus/48000/2",
	"a=rtpmap:110 telephone-event/48000",
]);

export const DOOR_ADDRESS = "192.0.2.10";
export const DOOR_PORT = 40000;

/** The door station's media settings: 192.0.2.10:40000, PCMU then PCMA, telephone-event 101, 20 ms, session 42. */
export function doorMedia(): LocalMedia {
	return new LocalMedia({ address: DOOR_ADDRESS, rtpPort: DOOR_PORT, sessionId: 42 });
}

const DIRECTIONS = ["inactive", "sendonly", "recvonly", "sendrecv"];

export function directionName(d: number): string {
	return DIRECTIONS[d] ?? `?${d}`;
}

function encodingName(enc: number): string {
	return enc === ENC_PCMU ? "PCMU" : enc === ENC_PCMA ? "PCMA" : enc === ENC_TELEPHONE_EVENT ? "telephone-event" : "other";
}

function addressTypeName(t: number): string {
	return t === ADDR_IP4 ? "ip4" : t === ADDR_IP6 ? "ip6" : t === 0 ? "none" : "other";
}

/** What a parse found, one line per fact: session, then per stream its m= line, then per payload type its format. */
export function describeSdp(v: SdpView): string[] {
	const b = v.buf;
	const span = (s: number, e: number): string => (s < 0 ? "-" : text(b, s, e));
	const lines = [
		`o= id ${span(v.originIdStart, v.originIdEnd)} version ${span(v.originVersionStart, v.originVersionEnd)} (${v.originVersion})`,
		`c= ${span(v.sessionAddressStart, v.sessionAddressEnd)} ${addressTypeName(v.sessionAddressType)}, session ${directionName(v.sessionDirection)}`,
		`m= ${v.mediaCount} lines, ${v.storedCount} stored, ${v.detailedCount} detailed`,
	];
	for (let s = 0; s < v.storedCount; s++) {
		const kind = v.kind(s) === MEDIA_AUDIO ? "audio" : v.kind(s) === MEDIA_VIDEO ? "video" : "other";
		const proto = v.proto(s) === PROTO_RTP_AVP ? "avp" : v.proto(s) === PROTO_RTP_OTHER ? "rtp" : "other";
		lines.push(
			`${s}: ${kind} ${v.port(s)}/${v.portCount(s)} ${span(v.protoStart(s), v.protoEnd(s))} [${proto}] fmt "${span(v.fmtStart(s), v.fmtEnd(s))}"` +
				` c=${span(v.addressStart(s), v.addressEnd(s))} ${addressTypeName(v.addressType(s))} ${directionName(v.direction(s))} ptime ${v.ptime(s)}` +
				(v.hold(s) ? " hold" : ""),
		);
		if (s >= v.detailedCount) continue;
		for (let k = 0; k < v.ptCount(s); k++) {
			const fmtp = v.fmtpStart(s, k) < 0 ? "" : ` fmtp "${text(b, v.fmtpStart(s, k), v.fmtpEnd(s, k))}"`;
			lines.push(`${s}.${k}: ${v.payloadType(s, k)} ${encodingName(v.encoding(s, k))}/${v.clockRate(s, k)}${fmtp}`);
		}
	}
	return lines;
}

/** The negotiated media in one line. */
export function describeNegotiated(n: Negotiated): string {
	return `stream ${n.stream} ${encodingName(n.codec)} pt ${n.payloadType} te ${n.telephoneEventPt} ptime ${n.ptime} ${directionName(n.direction)}` +
		` to ${n.remoteAddress}:${n.remotePort}${n.held ? " held" : ""}`;
}

/** Lines of a written description (CRLF split, the empty tail dropped). */
export function linesOf(w: Writer, start = 0): string[] {
	const out = text(w.buf, start, w.pos).split("\r\n");
	if (out[out.length - 1] === "") out.pop();
	return out;
}

function parsed(wire: string): SdpView {
	const b = ascii(wire);
	const v = new SdpView();
	if (!parseSdp(b, 0, b.length, v)) throw new Error("sample does not parse");
	return v;
}

/** Parse an offer, answer it as the door station, write the answer: the negotiated line, then the answer's lines. */
function answerTrace(wire: string, local = doorMedia()): string[] {
	const offer = parsed(wire);
	const n = new Negotiated();
	if (!answerOffer(offer, local, n)) return ["no common codec: 488"];
	const w = new Writer(1500);
	writeAnswer(w, offer, local, n);
	return [describeNegotiated(n), ...linesOf(w)];
}

export type SdpVector = TraceVector;

export const SDP_VECTORS: SdpVector[] = [
	{
		name: "baresip offer read: opus + G.711 + events, video beside, rtpmap per stream (RFC 4566 §5.14, §6; RFC 3551 §6)",
		run: () => describeSdp(parsed(BARESIP_OFFER)),
		expect: [
			"o= id 1955128914 version 2103408617 (2103408617)",
			"c= 192.168.1.33 ip4, session sendrecv",
			"m= 2 lines, 2 stored, 2 detailed",
			"0: audio 31002/1 RTP/AVP [avp] fmt \"96 0 8 101\" c=192.168.1.33 ip4 sendrecv ptime 20",
			"0.0: 96 other/48000 fmtp \"stereo=1;sprop-stereo=1\"",
			"0.1: 0 PCMU/8000",
			"0.2: 8 PCMA/8000",
			"0.3: 101 telephone-event/8000 fmtp \"0-15\"",
			"1: video 39870/1 RTP/AVP [avp] fmt \"96 97\" c=192.168.1.33 ip4 sendrecv ptime -1",
			"1.0: 96 other/90000 fmtp \"packetization-mode=1\"",
			"1.1: 97 other/90000",
		],
	},
	{
		name: "linphone offer read: static PT 18 without rtpmap, telephone-event at three rates, recvonly video (RFC 3551 §6, RFC 4566 §6)",
		run: () => describeSdp(parsed(LINPHONE_OFFER)),
		expect: [
			"o= id 3016 version 2413 (2413)",
			"c= 192.0.2.44 ip4, session sendrecv",
			"m= 2 lines, 2 stored, 2 detailed",
			"0: audio 7078/1 RTP/AVP [avp] fmt \"96 97 98 0 8 18 101 99 100\" c=192.0.2.44 ip4 sendrecv ptime -1",
			"0.0: 96 other/48000 fmtp \"useinbandfec=1\"",
			"0.1: 97 other/16000 fmtp \"vbr=on\"",
			"0.2: 98 other/8000 fmtp \"vbr=on\"",
			"0.3: 0 PCMU/8000",
			"0.4: 8 PCMA/8000",
			"0.5: 18 other/0 fmtp \"annexb=yes\"",
			"0.6: 101 telephone-event/48000",
			"0.7: 99 telephone-event/16000",
			"0.8: 100 telephone-event/8000",
			"1: video 9078/1 RTP/AVP [avp] fmt \"96 97\" c=192.0.2.44 ip4 recvonly ptime -1",
			"1.0: 96 other/90000",
			"1.1: 97 other/90000 fmtp \"profile-level-id=42801F\"",
		],
	},
	{
		name: "SIPp offer with bare LF line ends and a sess-version above 2^31 (RFC 4566 §5: accept a single newline)",
		run: () => describeSdp(parsed(SIPP_OFFER_LF)),
		expect: [
			"o= id 53655765 version 2353687637 (2353687637)",
			"c= 127.0.0.1 ip4, session sendrecv",
			"m= 1 lines, 1 stored, 1 detailed",
			"0: audio 6000/1 RTP/AVP [avp] fmt \"0\" c=127.0.0.1 ip4 sendrecv ptime -1",
			"0.0: 0 PCMU/8000",
		],
	},
	{
		name: "answer to baresip: PCMU (first G.711 in the offer's order), events 101, video rejected with port 0 (RFC 3264 §6, §6.1)",
		run: () => answerTrace(BARESIP_OFFER),
		expect: [
			"stream 0 PCMU pt 0 te 101 ptime 20 sendrecv to 192.168.1.33:31002",
			"v=0",
			"o=- 42 42 IN IP4 192.0.2.10",
			"s=-",
			"c=IN IP4 192.0.2.10",
			"t=0 0",
			"m=audio 40000 RTP/AVP 0 101",
			"a=rtpmap:0 PCMU/8000",
			"a=rtpmap:101 telephone-event/8000",
			"a=fmtp:101 0-16",
			"a=ptime:20",
			"a=sendrecv",
			"m=video 0 RTP/AVP 96",
		],
	},
	{
		name: "answer to Asterisk: PCMA because the offer lists it first, though we prefer PCMU (RFC 3264 §6.1)",
		run: () => answerTrace(ASTERISK_OFFER),
		expect: [
			"stream 0 PCMA pt 8 te 101 ptime 20 sendrecv to 203.0.113.5:17828",
			"v=0",
			"o=- 42 42 IN IP4 192.0.2.10",
			"s=-",
			"c=IN IP4 192.0.2.10",
			"t=0 0",
			"m=audio 40000 RTP/AVP 8 101",
			"a=rtpmap:8 PCMA/8000",
			"a=rtpmap:101 telephone-event/8000",
			"a=fmtp:101 0-16",
			"a=ptime:20",
			"a=sendrecv",
		],
	},
	{
		name: "answer to linphone: telephone-event/8000 on PT 100, not the 48 kHz one on 101 (RFC 4733 §7.1.1)",
		run: () => {
			const t = answerTrace(LINPHONE_OFFER);
			return [t[0], ...t.slice(6)];
		},
		expect: [
			"stream 0 PCMU pt 0 te 100 ptime 20 sendrecv to 192.0.2.44:7078",
			"m=audio 40000 RTP/AVP 0 100",
			"a=rtpmap:0 PCMU/8000",
			"a=rtpmap:100 telephone-event/8000",
			"a=fmtp:100 0-16",
			"a=ptime:20",
			"a=sendrecv",
			"m=video 0 RTP/AVP 96",
		],
	},
	{
		name: "hold: sendonly answered recvonly, c=0.0.0.0 receive only, inactive answered inactive (RFC 3264 §6.1, §8.4)",
		run: () => [ASTERISK_HOLD, RFC2543_HOLD, INACTIVE_OFFER].map((wire) => {
			const t = answerTrace(wire);
			return `${t[0]} | ${t[t.length - 1]}`;
		}),
		expect: [
			"stream 0 PCMA pt 8 te 101 ptime 20 recvonly to 203.0.113.5:17828 held | a=recvonly",
			"stream 0 PCMU pt 0 te 101 ptime 20 recvonly to 0.0.0.0:17586 held | a=recvonly",
			"stream 0 PCMU pt 0 te 101 ptime 20 inactive to 192.0.2.44:7078 held | a=inactive",
		],
	},
	{
		name: "no G.711 offered (G.729 only, opus only): no answer, the call is refused with 488 (RFC 3264 §6, RFC 3261 §13.3.1.3)",
		run: () => [...answerTrace(G729_ONLY_OFFER), ...answerTrace(OPUS_ONLY_OFFER)],
		expect: ["no common codec: 488", "no common codec: 488"],
	},
	{
		name: "our offer, and the answer to it accepted: SIPp-style PCMA + events answer (RFC 3264 §5, §7)",
		run: () => {
			const local = doorMedia();
			const w = new Writer(1500);
			writeOffer(w, local);
			const lines = linesOf(w);
			const answer = parsed(SIPP_PCAP_OFFER);
			const n = new Negotiated();
			lines.push(acceptAnswer(answer, local, n) ? describeNegotiated(n) : "answer refused");
			return lines;
		},
		expect: [
			"v=0",
			"o=- 42 42 IN IP4 192.0.2.10",
			"s=-",
			"c=IN IP4 192.0.2.10",
			"t=0 0",
			"m=audio 40000 RTP/AVP 0 8 101",
			"a=rtpmap:0 PCMU/8000",
			"a=rtpmap:8 PCMA/8000",
			"a=rtpmap:101 telephone-event/8000",
			"a=fmtp:101 0-16",
			"a=ptime:20",
			"a=sendrecv",
			"stream 0 PCMA pt 8 te 101 ptime 20 sendrecv to 127.0.1.1:6000",
		],
	},
	{
		name: "o= version: unchanged for the same description, one up when it changes (RFC 3264 §8, RFC 4566 §5.2)",
		run: () => {
			const local = doorMedia();
			const w = new Writer(1500);
			const versions: number[] = [];
			const offer = (): void => {
				w.reset();
				writeOffer(w, local);
				versions.push(local.sessionVersion);
			};
			offer();
			offer();
			local.direction = DIR_SENDONLY;
			offer();
			offer();
			local.direction = DIR_SENDRECV;
			offer();
			return [`versions ${versions.join(" ")}`, linesOf(w)[1]];
		},
		expect: ["versions 42 42 43 43 44", "o=- 42 44 IN IP4 192.0.2.10"],
	},
	{
		name: "malformed descriptions refused without a throw: no v=, bad m= port, missing fields (RFC 4566 §5, §5.14)",
		run: () => {
			const bad = [
				"",
				"o=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n",
				"v=1\r\n",
				"v=0\r\nm=audio abc RTP/AVP 0\r\n",
				"v=0\r\nm=audio 65536 RTP/AVP 0\r\n",
				"v=0\r\nm=audio 4000\r\n",
				"v=0\r\nm=audio 4000 RTP/AVP\r\n",
				"v=0\r\nm=audio 4000 RTP/AVP 0 128\r\n",
				"v=0\r\nc=IN IP4\r\n",
				"v=0\r\nthis is not sdp\r\n",
			];
			const v = new SdpView();
			return bad.map((s) => {
				const b = ascii(s);
				return `${parseSdp(b, 0, b.length, v)} ${v.mediaCount}`;
			});
		},
		expect: ["false 0", "false 0", "false 0", "false 0", "false 0", "false 0", "false 0", "false 0", "false 0", "false 0"],
	},
];

export const SDP_VECTOR_COUNT = SDP_VECTORS.length;

/** Every vector's trace (for comparing engines line by line). */
export function sdpVectorTraces(): string[][] {
	return vectorTraces(SDP_VECTORS);
}

/** Run every vector; a failure names the vector and the first line that differs. */
export function runSdpVectors(): { passed: number; failures: string[] } {
	return runVectors(SDP_VECTORS);
}
