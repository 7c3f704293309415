// Reading session descriptions: lines, o=, c=, m=, rtpmap/fmtp/ptime, directions, hold, limits, malformed input —
// RFC 4566 §5, §6; RFC 3551 §6; RFC 3264 §8.4.
import assert from "node:assert/strict";
import { ascii, Span, text } from "../../src/sip/bytes.js";
import {
	ADDR_IP6, DIR_INACTIVE, DIR_RECVONLY, DIR_SENDONLY, DIR_SENDRECV, ENC_OTHER, ENC_PCMA, ENC_PCMU, ENC_TELEPHONE_EVENT, MAX_DETAILED,
	MAX_MEDIA, MAX_PTS, MEDIA_AUDIO, MEDIA_OTHER, MEDIA_VIDEO, parseSdp, PROTO_OTHER, PROTO_RTP_AVP, PROTO_RTP_OTHER, SdpView,
} from "../../src/sip/sdp.js";
import {
	ASTERISK_HOLD, ASTERISK_OFFER, BARESIP_OFFER, describeSdp, INACTIVE_OFFER, LINPHONE_OFFER, RFC2543_HOLD, sdp, SIPP_OFFER_LF,
} from "../vectors/sdp-vectors.js";

function parsed(wire: string): SdpView {
	const b = ascii(wire);
	const v = new SdpView();
	assert.equal(parseSdp(b, 0, b.length, v), true, `does not parse:\n${wire}`);
	return v;
}

function refused(wire: string): void {
	const b = ascii(wire);
	const v = new SdpView();
	assert.equal(parseSdp(b, 0, b.length, v), false, `parses:\n${JSON.stringify(wire)}`);
	assert.equal(v.mediaCount, 0, "a refused description leaves no stream behind");
}

const HEAD = ["v=0", "o=- 1 1 IN IP4 192.0.2.20", "s=-", "c=IN IP4 192.0.2.20", "t=0 0"];

describe("RFC 4566 §5 Lines: <type>=<value>, CRLF or LF", () => {
	it("reads the same facts from CRLF and from bare LF line ends (§5: parsers accept a single newline)", () => {
		const crlf = parsed(SIPP_OFFER_LF.replace(/\n/g, "\r\n"));
		const lf = parsed(SIPP_OFFER_LF);
		assert.deepEqual(describeSdp(lf), describeSdp(crlf));
		assert.equal(lf.port(0), 6000);
		assert.equal(lf.addressText(0), "127.0.0.1");
	});

	it("reads a description inside a larger buffer, at offsets (the body of a SIP message)", () => {
		const head = "INVITE sip:door@192.0.2.10 SIP/2.0\r\nContent-Length: 999\r\n\r\n";
		const b = ascii(head + ASTERISK_OFFER + "garbage after the body");
		const v = new SdpView();
		assert.equal(parseSdp(b, head.length, head.length + ASTERISK_OFFER.length, v), true);
		assert.equal(v.port(0), 17828);
		assert.equal(v.addressText(0), "203.0.113.5");
	});

	it("tolerates blank lines, trailing spaces and a last line without its line end", () => {
		const v = parsed("v=0\r\n\r\no=- 5 6 IN IP4 192.0.2.20  \r\ns=-\r\nc=IN IP4 192.0.2.20 \r\nt=0 0\r\nm=audio 4000 RTP/AVP 0 8");
		assert.equal(v.mediaCount, 1);
		assert.equal(v.addressText(0), "192.0.2.20");
		assert.equal(text(v.buf, v.fmtStart(0), v.fmtEnd(0)), "0 8");
		assert.equal(v.originVersion, 6);
	});

	it("ignores lines of types it does not use (b=, k=, z=, i=, u=, e=, p=, r=) and of unknown letters", () => {
		const v = parsed(sdp([...HEAD.slice(0, 3), "i=Front door", "u=http://example.com/door", "e=door@example.com", "p=+1 555 0100",
			"c=IN IP4 192.0.2.20", "b=CT:128", "t=0 0", "r=604800 3600 0 90000", "z=2882844526 -1h", "k=prompt", "x=vendor thing",
			"m=audio 4000 RTP/AVP 0", "i=the audio", "b=AS:64", "k=clear:secret"]));
		assert.equal(v.mediaCount, 1);
		assert.equal(v.port(0), 4000);
	});
});

describe("RFC 4566 §5.1, §5.2 v= and o=", () => {
	it("keeps sess-id and sess-version as spans and the version as a number up to 2^53 (§5.2)", () => {
		const v = parsed(SIPP_OFFER_LF);
		assert.equal(text(v.buf, v.originIdStart, v.originIdEnd), "53655765");
		assert.equal(text(v.buf, v.originVersionStart, v.originVersionEnd), "2353687637");
		assert.equal(v.originVersion, 2353687637);
	});

	it("keeps a 64-bit sess-version as a span, its number -1 (NTP-based versions exceed 2^53)", () => {
		const v = parsed(sdp(["v=0", "o=- 18446744073709551615 18446744073709551615 IN IP4 192.0.2.20", "s=-", "t=0 0"]));
		assert.equal(text(v.buf, v.originVersionStart, v.originVersionEnd), "18446744073709551615");
		assert.equal(v.originVersion, -1);
	});

	it("tells a re-offer's version from the previous one (Asterisk hold: version + 1, RFC 3264 §8)", () => {
		assert.equal(parsed(ASTERISK_HOLD).originVersion, parsed(ASTERISK_OFFER).originVersion + 1);
	});

	it("reads a description without o= (lenient: nothing in a G.711 answer needs it), origin absent", () => {
		const v = parsed(sdp(["v=0", "s=-", "c=IN IP4 192.0.2.20", "t=0 0", "m=audio 4000 RTP/AVP 0"]));
		assert.equal(v.originIdStart, -1);
		assert.equal(v.originVersion, -1);
		assert.equal(v.port(0), 4000);
	});
});

describe("RFC 4566 §5.7 c= connection data", () => {
	it("gives every stream the session-level address unless it has its own c= (§5.7)", () => {
		const v = parsed(sdp([...HEAD, "m=audio 4000 RTP/AVP 0", "c=IN IP4 198.51.100.9", "m=video 4002 RTP/AVP 96", "a=rtpmap:96 H264/90000"]));
		assert.equal(v.addressText(0), "198.51.100.9");
		assert.equal(v.addressText(1), "192.0.2.20");
		assert.equal(text(v.buf, v.sessionAddressStart, v.sessionAddressEnd), "192.0.2.20");
	});

	it("reads a stream address when there is no session-level c= at all, and none for a stream without either", () => {
		const v = parsed(sdp(["v=0", "o=- 1 1 IN IP4 192.0.2.20", "s=-", "t=0 0", "m=audio 4000 RTP/AVP 0", "c=IN IP4 192.0.2.30", "m=audio 0 RTP/AVP 0"]));
		assert.equal(v.addressText(0), "192.0.2.30");
		assert.equal(v.addressStart(1), -1);
		assert.equal(v.addressText(1), "");
		assert.equal(v.sessionAddressStart, -1);
	});

	it("reads IPv6 and a host name, and drops a multicast /ttl suffix (§5.7)", () => {
		const v = parsed(sdp(["v=0", "o=- 1 1 IN IP6 2001:db8::20", "s=-", "c=IN IP6 2001:db8::20", "t=0 0", "m=audio 4000 RTP/AVP 0",
			"m=audio 4002 RTP/AVP 0", "c=IN IP4 224.2.1.1/127/3", "m=audio 4004 RTP/AVP 0", "c=IN IP4 phone.example.com"]));
		assert.equal(v.addressText(0), "2001:db8::20");
		assert.equal(v.addressType(0), ADDR_IP6);
		assert.equal(v.addressText(1), "224.2.1.1");
		assert.equal(v.addressText(2), "phone.example.com");
	});

	it("marks c=0.0.0.0 as RFC 2543 hold, at session or at media level (RFC 3264 §8.4)", () => {
		const v = parsed(RFC2543_HOLD);
		assert.equal(v.hold(0), true);
		assert.equal(v.addressText(0), "0.0.0.0");
		const mediaOnly = parsed(sdp([...HEAD, "m=audio 4000 RTP/AVP 0", "c=IN IP4 0.0.0.0", "m=audio 4002 RTP/AVP 0"]));
		assert.deepEqual([mediaOnly.hold(0), mediaOnly.hold(1)], [true, false]);
		assert.equal(parsed(ASTERISK_OFFER).hold(0), false);
	});
});

describe("RFC 4566 §5.14 m= media descriptions", () => {
	it("reads media type, port, proto and fmt list of each stream, audio and video (§5.14)", () => {
		const v = parsed(BARESIP_OFFER);
		assert.equal(v.mediaCount, 2);
		assert.deepEqual([v.kind(0), v.port(0), v.proto(0)], [MEDIA_AUDIO, 31002, PROTO_RTP_AVP]);
		assert.deepEqual([v.kind(1), v.port(1), v.proto(1)], [MEDIA_VIDEO, 39870, PROTO_RTP_AVP]);
		assert.equal(text(v.buf, v.lineStart(1), v.mediaEnd(1)), "video");
		assert.equal(text(v.buf, v.protoStart(1), v.protoEnd(1)), "RTP/AVP");
		assert.equal(text(v.buf, v.fmtStart(1), v.fmtEnd(1)), "96 97");
		assert.equal(text(v.buf, v.lineStart(0), v.lineEnd(0)), "audio 31002 RTP/AVP 96 0 8 101");
	});

	it("tells RTP/AVP from other RTP profiles and from non-RTP transports (§5.14 proto)", () => {
		const v = parsed(sdp([...HEAD, "m=audio 4000 RTP/SAVP 0", "m=audio 4002 RTP/AVPF 0", "m=audio 4004 UDP/TLS/RTP/SAVPF 111",
			"m=image 4006 udptl t38", "m=application 4008 TCP/BFCP *", "m=audio 4010 rtp/avp 0"]));
		assert.deepEqual([0, 1, 2, 3, 4, 5].map((s) => v.proto(s)),
			[PROTO_RTP_OTHER, PROTO_RTP_OTHER, PROTO_RTP_OTHER, PROTO_OTHER, PROTO_OTHER, PROTO_RTP_AVP]);
		assert.deepEqual([v.kind(3), v.kind(4)], [MEDIA_OTHER, MEDIA_OTHER]);
		assert.equal(v.ptCount(3), 0, "udptl's fmt is not a payload type");
		assert.equal(text(v.buf, v.fmtStart(3), v.fmtEnd(3)), "t38");
	});

	it("reads port/number-of-ports, and port 0 of a disabled stream, with or without a fmt (§5.14; RFC 3264 §5.1)", () => {
		const v = parsed(sdp([...HEAD, "m=audio 49170/2 RTP/AVP 0", "m=video 0 RTP/AVP 31", "m=video 0 RTP/AVP"]));
		assert.deepEqual([v.port(0), v.portCount(0)], [49170, 2]);
		assert.deepEqual([v.port(1), v.portCount(1)], [0, 1]);
		assert.equal(v.port(2), 0);
		assert.equal(v.fmtStart(2), v.fmtEnd(2));
		assert.equal(v.ptCount(2), 0);
	});

	it("counts every m= line, keeps 8 of them and the payload types of 4; a ninth is found again by a scan (RFC 3264 §6)", () => {
		const lines = [...HEAD];
		for (let s = 0; s < 10; s++) lines.push(`m=${s === 9 ? "text" : "video"} ${5000 + 2 * s} RTP/AVP ${96 + s}`, `a=rtpmap:${96 + s} VP8/90000`);
		const v = parsed(sdp(lines));
		assert.equal(MAX_MEDIA, 8);
		assert.equal(MAX_DETAILED, 4);
		assert.deepEqual([v.mediaCount, v.storedCount, v.detailedCount], [10, 8, 4]);
		assert.equal(v.port(7), 5014);
		assert.equal(v.payloadType(3, 0), 99);
		const line = new Span();
		assert.equal(v.mediaLine(9, line), true);
		assert.equal(text(v.buf, line.start, line.end), "text 5018 RTP/AVP 105");
		assert.equal(v.mediaLine(2, line), true);
		assert.equal(text(v.buf, line.start, line.end), "video 5004 RTP/AVP 98");
		assert.equal(v.mediaLine(10, line), false);
	});

	it("keeps 16 payload types of a long fmt list, the whole list in the fmt span", () => {
		const pts = Array.from({ length: 20 }, (_, i) => 96 + i).join(" ");
		const v = parsed(sdp([...HEAD, `m=audio 4000 RTP/AVP ${pts}`, "a=rtpmap:111 PCMU/8000", "a=rtpmap:113 PCMA/8000"]));
		assert.equal(MAX_PTS, 16);
		assert.equal(v.ptCount(0), 16);
		assert.equal(v.payloadType(0, 15), 111);
		assert.equal(v.encoding(0, 15), ENC_PCMU);
		assert.equal(v.indexOfPt(0, 113), -1, "beyond the kept types");
		assert.equal(text(v.buf, v.fmtStart(0), v.fmtEnd(0)), pts);
	});
});

describe("RFC 4566 §6 rtpmap, fmtp, ptime; RFC 3551 §6 static payload types", () => {
	it("knows PT 0 as PCMU and PT 8 as PCMA at 8000 Hz without an rtpmap (RFC 3551 §6 Table 4)", () => {
		const v = parsed(sdp([...HEAD, "m=audio 4000 RTP/AVP 8 0 18 3"]));
		assert.deepEqual([0, 1, 2, 3].map((k) => [v.payloadType(0, k), v.encoding(0, k), v.clockRate(0, k)]),
			[[8, ENC_PCMA, 8000], [0, ENC_PCMU, 8000], [18, ENC_OTHER, 0], [3, ENC_OTHER, 0]]);
	});

	it("maps dynamic payload types by rtpmap, encoding names without case, rtpmap before or after fmtp", () => {
		const v = parsed(sdp([...HEAD, "m=audio 4000 RTP/AVP 97 98 99 100", "a=fmtp:100 0-15", "a=rtpmap:97 pcmu/8000", "a=rtpmap:98 Pcma/8000",
			"a=rtpmap:99 G722/8000", "a=rtpmap:100 TELEPHONE-EVENT/8000"]));
		assert.deepEqual([0, 1, 2, 3].map((k) => v.encoding(0, k)), [ENC_PCMU, ENC_PCMA, ENC_OTHER, ENC_TELEPHONE_EVENT]);
		assert.equal(v.telephoneEventPt(0), 100);
		assert.equal(text(v.buf, v.fmtpStart(0, 3), v.fmtpEnd(0, 3)), "0-15");
		assert.equal(v.fmtpStart(0, 0), -1);
	});

	it("takes no stereo or wideband PCMU for G.711: channels other than 1 make it other, the clock rate is kept", () => {
		const v = parsed(sdp([...HEAD, "m=audio 4000 RTP/AVP 97 98 99", "a=rtpmap:97 PCMU/8000/2", "a=rtpmap:98 PCMU/16000", "a=rtpmap:99 PCMA/8000/1"]));
		assert.deepEqual([0, 1, 2].map((k) => [v.encoding(0, k), v.clockRate(0, k)]), [[ENC_OTHER, 8000], [ENC_PCMU, 16000], [ENC_PCMA, 8000]]);
	});

	it("keeps rtpmap per stream: the same dynamic number is opus in audio and H264 in video (§6)", () => {
		const v = parsed(BARESIP_OFFER);
		assert.deepEqual([v.payloadType(0, 0), v.clockRate(0, 0)], [96, 48000]);
		assert.deepEqual([v.payloadType(1, 0), v.clockRate(1, 0)], [96, 90000]);
		assert.equal(text(v.buf, v.fmtpStart(1, 0), v.fmtpEnd(1, 0)), "packetization-mode=1");
	});

	it("picks telephone-event/8000 among several rates, and -1 where there is none (RFC 4733 §7)", () => {
		assert.equal(parsed(LINPHONE_OFFER).telephoneEventPt(0), 100);
		assert.equal(parsed(SIPP_OFFER_LF).telephoneEventPt(0), -1);
		assert.equal(parsed(sdp([...HEAD, "m=audio 4000 RTP/AVP 111 110", "a=rtpmap:110 telephone-event/48000"])).telephoneEventPt(0), -1);
	});

	it("ignores rtpmap and fmtp for types not in the m= line, and malformed ones, without refusing the description", () => {
		const v = parsed(sdp([...HEAD, "m=audio 4000 RTP/AVP 0 101", "a=rtpmap:102 telephone-event/8000", "a=rtpmap:abc PCMA/8000",
			"a=rtpmap:101", "a=rtpmap:101 telephone-event", "a=rtpmap:101 telephone-event/x", "a=fmtp:", "a=rtpmap:0 PCMA/8000/"]));
		assert.equal(v.ptCount(0), 2);
		assert.equal(v.encoding(0, 0), ENC_PCMU, "the static assignment stands");
		assert.equal(v.encoding(0, 1), ENC_OTHER, "no usable rtpmap for 101");
		assert.equal(v.clockRate(0, 1), 0);
		assert.equal(v.telephoneEventPt(0), -1);
	});

	it("reads a=ptime per stream, a fraction by its integer part, absent as -1", () => {
		const v = parsed(sdp([...HEAD, "m=audio 4000 RTP/AVP 0", "a=ptime:30", "m=audio 4002 RTP/AVP 0", "a=ptime:22.5", "m=audio 4004 RTP/AVP 0",
			"a=ptime:x"]));
		assert.deepEqual([v.ptime(0), v.ptime(1), v.ptime(2)], [30, 22, -1]);
	});
});

describe("RFC 4566 §6 sendrecv, sendonly, recvonly, inactive", () => {
	it("defaults to sendrecv when no direction is given (§6)", () => {
		const v = parsed(SIPP_OFFER_LF);
		assert.equal(v.direction(0), DIR_SENDRECV);
		assert.equal(v.sessionDirection, DIR_SENDRECV);
	});

	it("applies a session-level direction to every stream, a media-level one overrides it (§6)", () => {
		const v = parsed(sdp([...HEAD, "a=sendonly", "m=audio 4000 RTP/AVP 0", "m=video 4002 RTP/AVP 96", "a=sendrecv", "m=audio 4004 RTP/AVP 8",
			"a=recvonly"]));
		assert.equal(v.sessionDirection, DIR_SENDONLY);
		assert.deepEqual([v.direction(0), v.direction(1), v.direction(2)], [DIR_SENDONLY, DIR_SENDRECV, DIR_RECVONLY]);
	});

	it("reads Asterisk's sendonly hold, linphone's session-level inactive, and its recvonly video", () => {
		assert.equal(parsed(ASTERISK_HOLD).direction(0), DIR_SENDONLY);
		assert.equal(parsed(INACTIVE_OFFER).direction(0), DIR_INACTIVE);
		const l = parsed(LINPHONE_OFFER);
		assert.deepEqual([l.direction(0), l.direction(1)], [DIR_SENDRECV, DIR_RECVONLY]);
	});

	it("does not carry one description's directions into the next parse of the same view", () => {
		const v = new SdpView();
		const hold = ascii(ASTERISK_HOLD), offer = ascii(sdp([...HEAD, "a=inactive", "m=audio 4000 RTP/AVP 0"])), plain = ascii(SIPP_OFFER_LF);
		assert.equal(parseSdp(hold, 0, hold.length, v) && v.direction(0), DIR_SENDONLY);
		assert.equal(parseSdp(offer, 0, offer.length, v) && v.direction(0), DIR_INACTIVE);
		assert.equal(parseSdp(plain, 0, plain.length, v) && v.direction(0), DIR_SENDRECV);
		assert.equal(v.sessionDirection, DIR_SENDRECV);
	});
});

describe("RFC 4566 §5 Malformed descriptions: false, never a throw", () => {
	it("refuses a description without v=0 first (§5.1)", () => {
		refused("");
		refused("\r\n\r\n");
		refused(sdp(HEAD.slice(1)));
		refused(sdp(["v=1", ...HEAD.slice(1)]));
		refused(sdp(["V=0", ...HEAD.slice(1)]));
		refused(sdp(["s=-", ...HEAD]));
	});

	it("refuses a bad m= line: port not a number, above 65535, missing proto or fmt, RTP fmt not a payload type (§5.14)", () => {
		for (const m of ["m=audio abc RTP/AVP 0", "m=audio -1 RTP/AVP 0", "m=audio 65536 RTP/AVP 0", "m=audio 4000/0 RTP/AVP 0", "m=audio 4000/ RTP/AVP 0",
			"m=audio", "m=audio 4000", "m=audio 4000 RTP/AVP", "m=audio 4000 RTP/AVP PCMU", "m=audio 4000 RTP/AVP 0 128", "m=audio 4000 RTP/AVP 0 8x"]) {
			refused(sdp([...HEAD, "m=video 4002 RTP/AVP 96", m]));
		}
	});

	it("refuses lines that are not <letter>=<value>, short c= and o= lines, a second v= (§5)", () => {
		refused(sdp([...HEAD, "this is not sdp"]));
		refused(sdp([...HEAD, "=0"]));
		refused(sdp([...HEAD, "a"]));
		refused(sdp([...HEAD, "M=audio 4000 RTP/AVP 0"]));
		refused(sdp([...HEAD, "m =audio 4000 RTP/AVP 0"]));
		refused(sdp(["v=0", "o=- 1 1 IN IP4", "s=-"]));
		refused(sdp(["v=0", "o=- 1 1 IN IP4 192.0.2.20", "c=IN IP4"]));
		refused(sdp(["v=0", "o=- 1 1 IN IP4 192.0.2.20", "c=IN IP4 /127"]));
		refused(sdp([...HEAD, "m=audio 4000 RTP/AVP 0", "v=0"]));
		refused("INVITE sip:door@192.0.2.10 SIP/2.0\r\nContent-Length: 0\r\n\r\n");
	});

	it("answers a boolean and never throws for every truncation and many single-byte corruptions of real offers", () => {
		const v = new SdpView();
		let accepted = 0, refusedCount = 0;
		for (const wire of [BARESIP_OFFER, LINPHONE_OFFER, RFC2543_HOLD]) {
			const b = ascii(wire);
			for (let n = 0; n <= b.length; n++) {
				if (parseSdp(b, 0, n, v)) accepted++;
				else refusedCount++;
				assert.ok(v.storedCount <= v.mediaCount && v.detailedCount <= v.storedCount);
			}
			for (let i = 0; i < b.length; i += 3) {
				for (const x of [0x00, 0x0a, 0x20, 0x3d, 0x2f, 0x39, 0x6d, 0xff]) {
					const c = b.slice();
					c[i] = x;
					if (parseSdp(c, 0, c.length, v)) accepted++;
					else refusedCount++;
					for (let s = 0; s < v.detailedCount; s++) assert.ok(v.ptCount(s) <= MAX_PTS);
				}
			}
		}
		assert.ok(accepted > 0 && refusedCount > 0, `${accepted} accepted, ${refusedCount} refused`);
	});
});
