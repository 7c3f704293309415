// Offer/answer for a G.711 door station: our offer, answering offers, accepting answers, directions and hold, the o=
// version — RFC 3264 §5, §6, §7, §8; RFC 4566 §5.2, §6; RFC 4733 §7.
import assert from "node:assert/strict";
import { ascii } from "../../src/sip/bytes.js";
import { Writer } from "../../src/sip/writer.js";
import { wireOf } from "./trace.js";
import {
	DIR_INACTIVE, DIR_RECVONLY, DIR_SENDONLY, DIR_SENDRECV, ENC_PCMA, ENC_PCMU, MEDIA_AUDIO, parseSdp, PROTO_RTP_AVP, SdpView,
} from "../../src/sip/sdp.js";
import { acceptAnswer, answerOffer, LocalMedia, Negotiated, writeAnswer, writeOffer } from "../../src/sip/offer-answer.js";
import {
	ASTERISK_HOLD, ASTERISK_OFFER, BARESIP_OFFER, describeNegotiated, doorMedia, G729_ONLY_OFFER, INACTIVE_OFFER, linesOf, LINPHONE_OFFER,
	OPUS_ONLY_OFFER, RFC2543_HOLD, sdp, SIPP_OFFER_LF, SIPP_PCAP_OFFER,
} from "../vectors/sdp-vectors.js";

function parsed(wire: string | Uint8Array, start = 0, end = -1): SdpView {
	const b = typeof wire === "string" ? ascii(wire) : wire;
	const v = new SdpView();
	assert.equal(parseSdp(b, start, end < 0 ? b.length : end, v), true, "does not parse");
	return v;
}

/** Answer `offer` as `local`: the negotiated media and the answer written (fails the test when there is no answer). */
function answered(offer: string, local = doorMedia()): { n: Negotiated; lines: string[]; w: Writer } {
	const view = parsed(offer);
	const n = new Negotiated();
	assert.equal(answerOffer(view, local, n), true, "no answer");
	const w = new Writer(1500);
	writeAnswer(w, view, local, n);
	return { n, lines: linesOf(w), w };
}

const HEAD = ["v=0", "o=- 7 7 IN IP4 198.51.100.30", "s=-", "c=IN IP4 198.51.100.30", "t=0 0"];

describe("RFC 3264 §5 Our offer", () => {
	it("offers one audio stream: PCMU, PCMA, telephone-event 101 with 0-16, ptime 20, sendrecv (§5.1; RFC 4733 §7.1.1)", () => {
		const w = new Writer(1500);
		writeOffer(w, new LocalMedia({ address: "192.0.2.10", rtpPort: 40000, sessionId: 3805562891 }));
		assert.deepEqual(linesOf(w), [
			"v=0",
			"o=- 3805562891 3805562891 IN IP4 192.0.2.10",
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
		]);
	});

	it("follows the settings: codec order, no events, another ptime, IPv6, a direction (§5.1)", () => {
		const w = new Writer(1500);
		writeOffer(w, new LocalMedia({ address: "2001:db8::10", rtpPort: 4000, codecs: [ENC_PCMA], telephoneEventPt: -1, ptime: 30, direction: DIR_RECVONLY, sessionId: 5 }));
		assert.deepEqual(linesOf(w), [
			"v=0",
			"o=- 5 5 IN IP6 2001:db8::10",
			"s=-",
			"c=IN IP6 2001:db8::10",
			"t=0 0",
			"m=audio 4000 RTP/AVP 8",
			"a=rtpmap:8 PCMA/8000",
			"a=ptime:30",
			"a=recvonly",
		]);
	});

	it("refuses codecs other than G.711 in the settings (configuration error, not a runtime path)", () => {
		assert.throws(() => new LocalMedia({ address: "192.0.2.10", rtpPort: 4000, codecs: [ENC_PCMU, 18] }), /codecs\[1\] = 18/);
	});

	it("reads back as one audio RTP/AVP stream with the rtpmaps written (RFC 4566 §5.14, §6)", () => {
		const w = new Writer(1500);
		writeOffer(w, doorMedia());
		const v = parsed(w.buf, 0, w.pos);
		assert.equal(v.mediaCount, 1);
		assert.deepEqual([v.kind(0), v.port(0), v.proto(0), v.addressText(0), v.direction(0), v.ptime(0)], [MEDIA_AUDIO, 40000, PROTO_RTP_AVP, "192.0.2.10", DIR_SENDRECV, 20]);
		assert.deepEqual([v.encoding(0, 0), v.encoding(0, 1), v.telephoneEventPt(0)], [ENC_PCMU, ENC_PCMA, 101]);
	});

	it("is the body of an INVITE: Content-Length counts it (RFC 3261 §20.14)", () => {
		const w = new Writer(1500);
		w.requestLine(ascii("INVITE"), ascii("sip:hall@192.0.2.20")).endHeaders();
		const bodyStart = w.pos;
		writeOffer(w, doorMedia());
		const bodyLength = w.pos - bodyStart;
		const message = wireOf(w.buf, 0, w.finish());
		assert.ok(message.includes(`\r\nContent-Length: ${bodyLength}\r\n\r\nv=0\r\n`), message);
		assert.equal(message.length - (message.indexOf("\r\n\r\n") + 4), bodyLength);
		assert.ok(message.endsWith("a=sendrecv\r\n"));
	});

	it("overflows a too small writer without a throw: finish() says -1", () => {
		const w = new Writer(100);
		w.endHeaders();
		writeOffer(w, doorMedia());
		assert.equal(w.overflow, true);
		assert.equal(w.finish(), -1);
	});
});

describe("RFC 3264 §8, RFC 4566 §5.2 The o= version", () => {
	it("keeps the version when the same description is sent again, one up when it changes (§8)", () => {
		const local = doorMedia(), w = new Writer(1500);
		const versions: number[] = [];
		const send = (): void => {
			w.reset();
			writeOffer(w, local);
			versions.push(local.sessionVersion);
			assert.equal(linesOf(w)[1], `o=- 42 ${local.sessionVersion} IN IP4 ${local.address}`);
		};
		send();
		send();
		local.rtpPort = 40002;
		send();
		local.setAddress("192.0.2.11");
		send();
		send();
		assert.deepEqual(versions, [42, 42, 43, 44, 44]);
	});

	it("moves the version when our answer to a re-offer differs from the offer we sent before (§8)", () => {
		const local = doorMedia(), w = new Writer(1500);
		writeOffer(w, local);
		const offer = parsed(ASTERISK_HOLD), n = new Negotiated();
		assert.equal(answerOffer(offer, local, n), true);
		w.reset();
		writeAnswer(w, offer, local, n);
		assert.equal(local.sessionVersion, 43);
		assert.equal(linesOf(w)[1], "o=- 42 43 IN IP4 192.0.2.10");
		w.reset();
		writeAnswer(w, offer, local, n);
		assert.equal(local.sessionVersion, 43, "the same answer again");
	});

	it("starts a new session with its own id and version, the first description keeping it (RFC 4566 §5.2)", () => {
		const local = doorMedia(), w = new Writer(1500);
		writeOffer(w, local);
		local.direction = DIR_SENDONLY;
		local.newSession(1000, 7);
		w.reset();
		writeOffer(w, local);
		assert.equal(linesOf(w)[1], "o=- 1000 7 IN IP4 192.0.2.10");
	});
});

describe("RFC 3264 §6 Answering an offer", () => {
	it("answers baresip with PCMU (the first G.711 in its list after opus), events 101, video rejected (§6, §6.1)", () => {
		const { n, lines } = answered(BARESIP_OFFER);
		assert.equal(describeNegotiated(n), "stream 0 PCMU pt 0 te 101 ptime 20 sendrecv to 192.168.1.33:31002");
		assert.deepEqual(lines.slice(5), [
			"m=audio 40000 RTP/AVP 0 101",
			"a=rtpmap:0 PCMU/8000",
			"a=rtpmap:101 telephone-event/8000",
			"a=fmtp:101 0-16",
			"a=ptime:20",
			"a=sendrecv",
			"m=video 0 RTP/AVP 96",
		]);
	});

	it("uses PCMA when the offer lists it first, though we prefer PCMU (§6.1: the offerer's preference)", () => {
		const { n } = answered(ASTERISK_OFFER);
		assert.deepEqual([n.codec, n.payloadType, n.telephoneEventPt, n.remoteAddress, n.remotePort], [ENC_PCMA, 8, 101, "203.0.113.5", 17828]);
	});

	it("uses PCMA from an offer of PCMU + PCMA when PCMU is not in our settings", () => {
		const { n } = answered(BARESIP_OFFER, new LocalMedia({ address: "192.0.2.10", rtpPort: 40000, codecs: [ENC_PCMA] }));
		assert.deepEqual([n.codec, n.payloadType], [ENC_PCMA, 8]);
	});

	it("answers linphone with PCMU and its telephone-event/8000 type 100, not the 48 kHz 101 (RFC 4733 §7.1.1)", () => {
		const { n, lines } = answered(LINPHONE_OFFER);
		assert.deepEqual([n.codec, n.payloadType, n.telephoneEventPt, n.ptime], [ENC_PCMU, 0, 100, 20]);
		assert.deepEqual(lines.slice(5, 7), ["m=audio 40000 RTP/AVP 0 100", "a=rtpmap:0 PCMU/8000"]);
		assert.equal(lines[lines.length - 1], "m=video 0 RTP/AVP 96");
	});

	it("answers SIPp's PCMU-only offer without telephone-event lines: none was offered (§6.1)", () => {
		const { n, lines } = answered(SIPP_OFFER_LF);
		assert.equal(n.telephoneEventPt, -1);
		assert.deepEqual(lines.slice(5), ["m=audio 40000 RTP/AVP 0", "a=rtpmap:0 PCMU/8000", "a=ptime:20", "a=sendrecv"]);
	});

	it("answers PCMU on the offer's dynamic payload type (§6.1: the same number for the same codec)", () => {
		const { n, lines } = answered(sdp([...HEAD, "m=audio 4000 RTP/AVP 97 96", "a=rtpmap:97 PCMU/8000", "a=rtpmap:96 telephone-event/8000"]));
		assert.deepEqual([n.codec, n.payloadType, n.telephoneEventPt], [ENC_PCMU, 97, 96]);
		assert.deepEqual(lines.slice(5, 8), ["m=audio 40000 RTP/AVP 97 96", "a=rtpmap:97 PCMU/8000", "a=rtpmap:96 telephone-event/8000"]);
	});

	it("sends with the offer's ptime (RFC 4566 §6: the packet time the offerer wants to receive), ours when absent", () => {
		assert.equal(answered(sdp([...HEAD, "m=audio 4000 RTP/AVP 0", "a=ptime:30"])).n.ptime, 30);
		assert.equal(answered(sdp([...HEAD, "m=audio 4000 RTP/AVP 0"]), new LocalMedia({ address: "192.0.2.10", rtpPort: 1, ptime: 40 })).n.ptime, 40);
	});

	it("sends to the audio stream's own c= address, not the session's (RFC 4566 §5.7)", () => {
		const { n } = answered(sdp([...HEAD, "m=audio 4000 RTP/AVP 0", "c=IN IP4 198.51.100.99"]));
		assert.equal(n.remoteAddress, "198.51.100.99");
	});

	it("refuses an offer of G.729 only, and of opus only: the caller answers 488, the session stays as it was (§6; RFC 3261 §13.3.1.3)", () => {
		const local = doorMedia(), n = new Negotiated();
		assert.equal(answerOffer(parsed(ASTERISK_OFFER), local, n), true);
		const before = describeNegotiated(n);
		assert.equal(answerOffer(parsed(G729_ONLY_OFFER), local, n), false);
		assert.equal(answerOffer(parsed(OPUS_ONLY_OFFER), local, n), false);
		assert.equal(describeNegotiated(n), before);
	});

	it("refuses PCMU at 16 kHz, stereo PCMU, and G.711 on a disabled stream, in SRTP, or without an address", () => {
		const local = doorMedia(), n = new Negotiated();
		for (const m of [["m=audio 4000 RTP/AVP 97", "a=rtpmap:97 PCMU/16000"], ["m=audio 4000 RTP/AVP 97", "a=rtpmap:97 PCMU/8000/2"],
			["m=audio 0 RTP/AVP 0 8"], ["m=audio 4000 RTP/SAVP 0 8", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"]]) {
			assert.equal(answerOffer(parsed(sdp([...HEAD, ...m])), local, n), false, m.join(" / "));
		}
		assert.equal(answerOffer(parsed(sdp(["v=0", "o=- 1 1 IN IP4 192.0.2.20", "s=-", "t=0 0", "m=audio 4000 RTP/AVP 0"])), local, n), false);
		assert.equal(n.stream, -1);
	});

	it("uses the first acceptable audio stream and rejects the others, every offered line answered in order (§6)", () => {
		const offer = sdp([...HEAD,
			"m=audio 4000 RTP/SAVP 0", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz",
			"m=audio 4002 RTP/AVP 111", "a=rtpmap:111 opus/48000/2",
			"m=video 4004 RTP/AVP 96 97", "a=rtpmap:96 H264/90000",
			"m=audio 4006 RTP/AVP 8 101", "a=rtpmap:101 telephone-event/8000",
			"m=audio 4008 RTP/AVP 0",
			"m=image 4010 udptl t38"]);
		const { n, lines } = answered(offer);
		assert.equal(describeNegotiated(n), "stream 3 PCMA pt 8 te 101 ptime 20 sendrecv to 198.51.100.30:4006");
		assert.deepEqual(lines.filter((l) => l.startsWith("m=")), [
			"m=audio 0 RTP/SAVP 0",
			"m=audio 0 RTP/AVP 111",
			"m=video 0 RTP/AVP 96",
			"m=audio 40000 RTP/AVP 8 101",
			"m=audio 0 RTP/AVP 0",
			"m=image 0 udptl t38",
		]);
	});

	it("answers all ten lines of an offer with more streams than the view keeps, beyond 8 too (§6)", () => {
		const m: string[] = [];
		for (let s = 0; s < 10; s++) m.push(s === 1 ? "m=audio 4002 RTP/AVP 0" : `m=video ${4000 + 2 * s} RTP/AVP ${96 + s}`);
		const { n, lines, w } = answered(sdp([...HEAD, ...m]));
		assert.equal(n.stream, 1);
		const back = parsed(w.buf, 0, w.pos);
		assert.equal(back.mediaCount, 10);
		assert.deepEqual(lines.filter((l) => l.startsWith("m=")), [
			"m=video 0 RTP/AVP 96", "m=audio 40000 RTP/AVP 0", "m=video 0 RTP/AVP 98", "m=video 0 RTP/AVP 99", "m=video 0 RTP/AVP 100",
			"m=video 0 RTP/AVP 101", "m=video 0 RTP/AVP 102", "m=video 0 RTP/AVP 103", "m=video 0 RTP/AVP 104", "m=video 0 RTP/AVP 105",
		]);
	});

	it("answers 300 m= lines in one forward scan, and moves the version of an answer too long to keep (§6, §8)", () => {
		const m: string[] = [];
		for (let s = 0; s < 300; s++) m.push(s === 0 ? "m=audio 4000 RTP/AVP 8" : `m=video ${4000 + 2 * s} RTP/AVP ${96 + (s % 32)}`);
		const offer = parsed(sdp([...HEAD, ...m])), local = doorMedia(), n = new Negotiated(), w = new Writer(8192);
		assert.equal(answerOffer(offer, local, n), true);
		writeAnswer(w, offer, local, n);
		const back = parsed(w.buf, 0, w.pos);
		assert.equal(back.mediaCount, 300);
		const lines = linesOf(w).filter((l) => l.startsWith("m="));
		assert.deepEqual([lines[0], lines[1], lines[299]], ["m=audio 40000 RTP/AVP 8", "m=video 0 RTP/AVP 97", "m=video 0 RTP/AVP 107"]);
		w.reset();
		writeAnswer(w, offer, local, n);
		assert.equal(local.sessionVersion, 43, "a description beyond the 1024 bytes kept is never taken as unchanged");
	});

	it("keeps a rejected stream's format and proto as offered, even a disabled one without a format (§6)", () => {
		const { lines } = answered(sdp([...HEAD, "m=audio 4000 RTP/AVP 0", "m=application 5000 TCP/BFCP *", "m=video 0 RTP/AVP"]));
		assert.deepEqual(lines.filter((l) => l.startsWith("m=")), ["m=audio 40000 RTP/AVP 0", "m=application 0 TCP/BFCP *", "m=video 0 RTP/AVP"]);
	});

	it("writes an answer that reads back: same number of streams, kinds and protos, ours with our address (§6)", () => {
		for (const offer of [BARESIP_OFFER, ASTERISK_OFFER, LINPHONE_OFFER, SIPP_OFFER_LF, RFC2543_HOLD, INACTIVE_OFFER]) {
			const o = parsed(offer);
			const { n, w } = answered(offer);
			const a = parsed(w.buf, 0, w.pos);
			assert.equal(a.mediaCount, o.mediaCount);
			for (let s = 0; s < o.mediaCount; s++) {
				assert.deepEqual([a.kind(s), a.proto(s)], [o.kind(s), o.proto(s)]);
				assert.equal(a.port(s), s === n.stream ? 40000 : 0);
			}
			assert.deepEqual([a.addressText(n.stream), a.payloadType(n.stream, 0), a.encoding(n.stream, 0), a.direction(n.stream)],
				["192.0.2.10", n.payloadType, n.codec, n.direction]);
		}
	});
});

describe("RFC 3264 §6.1, §8.4 Directions and hold", () => {
	it("answers sendonly with recvonly: the peer holds us (§6.1, §8.4)", () => {
		const { n, lines } = answered(ASTERISK_HOLD);
		assert.deepEqual([n.direction, n.held], [DIR_RECVONLY, true]);
		assert.equal(lines[lines.length - 1], "a=recvonly");
	});

	it("answers recvonly with sendonly: the peer only listens, which is no hold (§6.1)", () => {
		const { n, lines } = answered(sdp([...HEAD, "m=audio 4000 RTP/AVP 0", "a=recvonly"]));
		assert.deepEqual([n.direction, n.held], [DIR_SENDONLY, false]);
		assert.equal(lines[lines.length - 1], "a=sendonly");
	});

	it("answers inactive with inactive, from a session-level attribute too (§6.1; RFC 4566 §6)", () => {
		const { n, lines } = answered(INACTIVE_OFFER);
		assert.deepEqual([n.direction, n.held], [DIR_INACTIVE, true]);
		assert.equal(lines[lines.length - 1], "a=inactive");
	});

	it("sends nothing to c=0.0.0.0: sendrecv becomes recvonly, recvonly becomes inactive (§8.4)", () => {
		const { n } = answered(RFC2543_HOLD);
		assert.deepEqual([n.direction, n.held, n.remoteAddress], [DIR_RECVONLY, true, "0.0.0.0"]);
		const sendonly = answered(sdp([...HEAD, "m=audio 4000 RTP/AVP 0", "c=IN IP4 0.0.0.0", "a=sendonly"])).n;
		assert.deepEqual([sendonly.direction, sendonly.held], [DIR_RECVONLY, true]);
		const recvonly = answered(sdp([...HEAD, "m=audio 4000 RTP/AVP 0", "c=IN IP4 0.0.0.0", "a=recvonly"])).n;
		assert.deepEqual([recvonly.direction, recvonly.held], [DIR_INACTIVE, true]);
	});

	it("limits the answer to our own direction: a muted door (recvonly) answers sendrecv with recvonly (§6.1)", () => {
		const local = new LocalMedia({ address: "192.0.2.10", rtpPort: 40000, direction: DIR_RECVONLY });
		const { n, lines } = answered(ASTERISK_OFFER, local);
		assert.deepEqual([n.direction, n.held], [DIR_RECVONLY, false]);
		assert.equal(lines[lines.length - 1], "a=recvonly");
	});

	it("resumes: the re-offer after hold gives sendrecv again, same codec (§8.4)", () => {
		const local = doorMedia(), n = new Negotiated();
		for (const [offer, dir] of [[ASTERISK_OFFER, DIR_SENDRECV], [ASTERISK_HOLD, DIR_RECVONLY], [ASTERISK_OFFER, DIR_SENDRECV]] as const) {
			assert.equal(answerOffer(parsed(offer), local, n), true);
			assert.deepEqual([n.direction, n.codec], [dir, ENC_PCMA]);
		}
	});
});

describe("RFC 3264 §7 The answer to our offer", () => {
	function accept(answer: string, local = doorMedia()): Negotiated | null {
		const n = new Negotiated();
		return acceptAnswer(parsed(answer), local, n) ? n : null;
	}
	const answer = (...m: string[]): string => sdp([...HEAD, ...m]);

	it("accepts PCMU + events, and PCMA + events (a format we offered, on the number we gave it)", () => {
		assert.equal(describeNegotiated(accept(answer("m=audio 5000 RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000", "a=ptime:20"))!),
			"stream 0 PCMU pt 0 te 101 ptime 20 sendrecv to 198.51.100.30:5000");
		assert.equal(describeNegotiated(accept(SIPP_PCAP_OFFER)!), "stream 0 PCMA pt 8 te 101 ptime 20 sendrecv to 127.0.1.1:6000");
	});

	it("sends the first of several formats the answer lists (§6.1: the answerer may keep several)", () => {
		assert.equal(accept(answer("m=audio 5000 RTP/AVP 8 0"))!.codec, ENC_PCMA);
	});

	it("sends events with the answer's telephone-event type, even one it renumbered (RFC 4733 §7.1.1: what it receives)", () => {
		assert.equal(accept(answer("m=audio 5000 RTP/AVP 0 96", "a=rtpmap:96 telephone-event/8000"))!.telephoneEventPt, 96);
		assert.equal(accept(answer("m=audio 5000 RTP/AVP 0"))!.telephoneEventPt, -1);
	});

	it("refuses an answer with no format we offered: G.729, PCMU on a number we did not give it, PT 0 as PCMA (§6.1, §7)", () => {
		assert.equal(accept(answer("m=audio 5000 RTP/AVP 18", "a=rtpmap:18 G729/8000")), null);
		assert.equal(accept(answer("m=audio 5000 RTP/AVP 97", "a=rtpmap:97 PCMU/8000")), null);
		assert.equal(accept(answer("m=audio 5000 RTP/AVP 0", "a=rtpmap:0 PCMA/8000")), null);
		const pcmaOnly = new LocalMedia({ address: "192.0.2.10", rtpPort: 40000, codecs: [ENC_PCMA] });
		assert.equal(accept(answer("m=audio 5000 RTP/AVP 0"), pcmaOnly), null);
	});

	it("refuses an answer that rejects our stream (port 0), has no stream, or answers with video (§6, §7)", () => {
		assert.equal(accept(answer("m=audio 0 RTP/AVP 0")), null);
		assert.equal(accept(sdp(HEAD)), null);
		assert.equal(accept(answer("m=video 5000 RTP/AVP 0")), null);
	});

	it("leaves the negotiated media as they were when an answer is refused (§8)", () => {
		const local = doorMedia(), n = new Negotiated();
		assert.equal(acceptAnswer(parsed(answer("m=audio 5000 RTP/AVP 0")), local, n), true);
		const before = describeNegotiated(n);
		assert.equal(acceptAnswer(parsed(answer("m=audio 0 RTP/AVP 0")), local, n), false);
		assert.equal(describeNegotiated(n), before);
	});

	it("takes a sendonly or inactive answer as hold, and receives only (§6.1, §8.4)", () => {
		const sendonly = accept(answer("m=audio 5000 RTP/AVP 0", "a=sendonly"))!;
		assert.deepEqual([sendonly.direction, sendonly.held], [DIR_RECVONLY, true]);
		const inactive = accept(answer("m=audio 5000 RTP/AVP 0", "a=inactive"))!;
		assert.deepEqual([inactive.direction, inactive.held], [DIR_INACTIVE, true]);
	});

	it("agrees on both sides: a PCMA-preferring phone answering our offer still picks PCMU, our first (§6.1)", () => {
		const door = doorMedia();
		const phone = new LocalMedia({ address: "192.0.2.20", rtpPort: 7078, codecs: [ENC_PCMA, ENC_PCMU], telephoneEventPt: 100, sessionId: 9 });
		const offerW = new Writer(1500), answerW = new Writer(1500);
		writeOffer(offerW, door);
		const offer = parsed(offerW.buf, 0, offerW.pos), atPhone = new Negotiated();
		assert.equal(answerOffer(offer, phone, atPhone), true);
		writeAnswer(answerW, offer, phone, atPhone);
		const atDoor = new Negotiated();
		assert.equal(acceptAnswer(parsed(answerW.buf, 0, answerW.pos), door, atDoor), true);
		assert.equal(describeNegotiated(atPhone), "stream 0 PCMU pt 0 te 101 ptime 20 sendrecv to 192.0.2.10:40000");
		assert.equal(describeNegotiated(atDoor), "stream 0 PCMU pt 0 te 101 ptime 20 sendrecv to 192.0.2.20:7078");
	});
});

describe("Negotiated: the remote address string", () => {
	it("makes the address string once and keeps it across re-offers from the same address, a new one on a move (RFC 3264 §8.3.1)", () => {
		const local = doorMedia(), n = new Negotiated();
		const moved = ASTERISK_OFFER.replace(/203\.0\.113\.5/g, "203.0.113.66");
		const seen: string[] = [];
		for (const offer of [ASTERISK_OFFER, ASTERISK_HOLD, ASTERISK_OFFER, moved, moved, ASTERISK_OFFER]) {
			assert.equal(answerOffer(parsed(offer), local, n), true);
			seen.push(`${n.remoteAddress} ${n.addressChanged ? "new" : "kept"}`);
		}
		assert.deepEqual(seen, ["203.0.113.5 new", "203.0.113.5 kept", "203.0.113.5 kept", "203.0.113.66 new", "203.0.113.66 kept", "203.0.113.5 new"]);
	});

	it("tells an address of the same length but other bytes from the one it has (198.51.100.7 / .8)", () => {
		const local = doorMedia(), n = new Negotiated();
		assert.equal(answerOffer(parsed(sdp(["v=0", "s=-", "c=IN IP4 198.51.100.7", "t=0 0", "m=audio 4000 RTP/AVP 0"])), local, n), true);
		assert.equal(answerOffer(parsed(sdp(["v=0", "s=-", "c=IN IP4 198.51.100.8", "t=0 0", "m=audio 4000 RTP/AVP 0"])), local, n), true);
		assert.deepEqual([n.remoteAddress, n.addressChanged], ["198.51.100.8", true]);
	});
});
