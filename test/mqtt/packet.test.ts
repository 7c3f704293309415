// MQTT 3.1.1 packets: what the station writes and how it frames and checks what a broker sends — OASIS MQTT 3.1.1
// §2.2, §3.1-§3.13, §1.5.3, §4.7. Expected bytes are the standard's figures, written out by test/mqtt/broker-bytes.ts.
import assert from "node:assert/strict";
import { connectPacket, publishRemaining, remainingLengthSize, subscribePacket, writeFixedHeader, writePuback, writePublishHeader, isTopicName } from "../../src/mqtt/packet.js";
import { PacketReader, READ_ERROR, READ_MORE, READ_PACKET, topicProblem } from "../../src/mqtt/packet-reader.js";
import { ascii, utf8 } from "../../src/sip/bytes.js";
import { clientPackets, concat, connack, publish, puback, suback, varint } from "./broker-bytes.js";

/** Read `bytes` (in pieces of `chunk`) and list what the reader made of them, one line per packet or failure. */
function trace(bytes: Uint8Array, chunk = bytes.length, capacity = 256): string[] {
	const r = new PacketReader(capacity);
	const out: string[] = [];
	for (let at = 0; at < bytes.length; at += chunk) {
		const end = Math.min(bytes.length, at + chunk);
		let i = at;
		while (i < end) {
			i = r.read(bytes, i, end);
			if (r.status === READ_ERROR) return [...out, `error: ${r.reason}`];
			if (r.status === READ_PACKET) out.push(packetLine(r));
		}
	}
	if (r.status === READ_MORE && out.length === 0) out.push("more");
	return out;
}

function packetLine(r: PacketReader): string {
	const b = r.buf;
	switch (r.type) {
		case 2: return `CONNACK session=${b[0]} code=${b[1]}`;
		case 3: {
			let topic = "", payload = "";
			for (let i = r.topicStart; i < r.topicEnd; i++) topic += String.fromCharCode(b[i]);
			for (let i = r.payloadStart; i < r.payloadEnd; i++) payload += String.fromCharCode(b[i]);
			return `PUBLISH qos=${r.qos} retain=${r.retain} dup=${r.dup} id=${r.packetId} topic=${topic} payload=${payload}${r.truncated ? ` truncated(${r.held}/${r.remaining})` : ""}`;
		}
		case 4: return `PUBACK id=${r.packetId}`;
		case 9: return `SUBACK id=${r.packetId} codes=${Array.from(b.subarray(2, r.held)).join(",")}`;
		case 13: return "PINGRESP";
		default: return `type ${r.type} id=${r.packetId}`;
	}
}

describe("MQTT fixed header (§2.2)", () => {
	it("writes the Remaining Length in 1-4 bytes of 7 bits, least significant first (§2.2.3 Table 2.4)", () => {
		for (const n of [0, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 268_435_455]) {
			const buf = new Uint8Array(5);
			const end = writeFixedHeader(buf, 0, 0x30, n);
			assert.deepEqual(Array.from(buf.subarray(1, end)), varint(n), `length ${n}`);
			assert.equal(remainingLengthSize(n), end - 1);
		}
	});

	it("refuses a Remaining Length of five bytes (§2.2.3: at most four)", () => {
		assert.deepEqual(trace(Uint8Array.of(0x30, 0xff, 0xff, 0xff, 0xff, 0x7f)), ["error: Remaining Length longer than four bytes (§2.2.3)"]);
	});

	it("refuses the reserved types 0 and 15 and every client-to-server type (§2.2.1)", () => {
		assert.deepEqual(trace(Uint8Array.of(0x00, 0)), ["error: reserved type 0 (reserved, §2.2.1)"]);
		assert.deepEqual(trace(Uint8Array.of(0xf0, 0)), ["error: reserved type 15 (reserved, §2.2.1)"]);
		for (const [first, name] of [[0x10, "CONNECT"], [0x82, "SUBSCRIBE"], [0xa2, "UNSUBSCRIBE"], [0xc0, "PINGREQ"], [0xe0, "DISCONNECT"]] as const) {
			assert.deepEqual(trace(Uint8Array.of(first, 0)), [`error: ${name} from the broker (client to server only, §2.2.1)`]);
		}
	});

	it("refuses flags other than those §2.2.2 fixes (0, and 0b0010 for PUBREL)", () => {
		assert.deepEqual(trace(Uint8Array.of(0x21, 2, 0, 0)), ["error: CONNACK with reserved flags set (§2.2.2)"]);
		assert.deepEqual(trace(Uint8Array.of(0x60, 2, 0, 1)), ["error: PUBREL with reserved flags set (§2.2.2)"]);
		assert.deepEqual(trace(Uint8Array.of(0xd1, 0)), ["error: PINGRESP with reserved flags set (§2.2.2)"]);
	});
});

describe("CONNECT (§3.1)", () => {
	it("carries protocol MQTT level 4, Clean Session, keep-alive, client id, a retained QoS 1 will, user name and password (§3.1.2, §3.1.3)", () => {
		const bytes = connectPacket({ clientId: ascii("door-1"), keepAliveSeconds: 60, will: { topic: ascii("door/availability"), payload: ascii("offline") },
			username: ascii("door"), password: ascii("secret") });
		const [p] = clientPackets(bytes);
		assert.equal(p.type, 1);
		assert.equal(p.flags, 0);
		assert.deepEqual(p.connect, { protocol: "MQTT", level: 4, cleanSession: true, keepAlive: 60, clientId: "door-1",
			will: { topic: "door/availability", payload: "offline", qos: 1, retain: true }, username: "door", password: "secret" });
	});

	it("sends no password without a user name (§3.1.2.9) and no will when there is none", () => {
		const [p] = clientPackets(connectPacket({ clientId: ascii("x"), keepAliveSeconds: 5, will: null, username: new Uint8Array(0), password: ascii("pw") }));
		assert.deepEqual(p.connect, { protocol: "MQTT", level: 4, cleanSession: true, keepAlive: 5, clientId: "x", will: null, username: null, password: null });
		assert.equal(p.body[7], 0x02, "flags: Clean Session only");
	});
});

describe("SUBSCRIBE, PUBLISH, PUBACK written by the station (§3.3, §3.4, §3.8)", () => {
	it("SUBSCRIBE has flags 0b0010, a packet identifier and each filter at QoS 1 (§3.8.1, §3.8.3)", () => {
		const [p] = clientPackets(subscribePacket(1, [ascii("a/+/open"), ascii("homeassistant/status")]));
		assert.equal(p.type, 8);
		assert.equal(p.flags, 2);
		assert.equal(p.packetId, 1);
		assert.deepEqual(p.filters, [{ filter: "a/+/open", qos: 1 }, { filter: "homeassistant/status", qos: 1 }]);
	});

	it("a QoS 1 retained PUBLISH: flags 0b0011, topic, packet identifier, payload (§3.3.1, §3.3.2)", () => {
		const topic = utf8("tür/state"), payload = ascii("ON");
		const buf = new Uint8Array(64);
		const at = writePublishHeader(buf, 0, topic, payload.length, 1, true, 513);
		buf.set(payload, at);
		const total = at + payload.length;
		assert.equal(total, 1 + 1 + publishRemaining(topic.length, 2, 1));
		const [p] = clientPackets(buf.subarray(0, total));
		assert.deepEqual({ topic: p.topic, payload: p.payload, qos: p.qos, retain: p.retain, dup: p.dup, id: p.packetId }, { topic: "tür/state", payload: "ON", qos: 1, retain: true, dup: false, id: 513 });
	});

	it("PUBACK is 0x40 0x02 and the identifier (§3.4)", () => {
		const buf = new Uint8Array(4);
		assert.equal(writePuback(buf, 0, 0x1234), 4);
		assert.deepEqual(Array.from(buf), [0x40, 2, 0x12, 0x34]);
	});

	it("a topic to publish to has no wildcard and no U+0000 (§4.7.1, §1.5.3)", () => {
		assert.equal(isTopicName(ascii("a/b")), true);
		assert.equal(isTopicName(ascii("a/+")), false);
		assert.equal(isTopicName(ascii("a/#")), false);
		assert.equal(isTopicName(Uint8Array.of(0x61, 0)), false);
		assert.equal(isTopicName(new Uint8Array(0)), false);
	});
});

describe("Packets from the broker, framed and checked (§3.2-§3.13)", () => {
	it("reads a CONNACK, a SUBACK, PUBLISHes at QoS 0 and 1, a PUBACK and a PINGRESP from one stream, split at every byte", () => {
		const stream = concat(connack(0), suback(1, [1, 0x80]), publish("door/relay/1/open", "PRESS", 1, 7), publish("homeassistant/status", "online", 0, 0, { retain: true }),
			puback(9), Uint8Array.of(0xd0, 0));
		const want = [
			"CONNACK session=0 code=0", "SUBACK id=1 codes=1,128",
			"PUBLISH qos=1 retain=false dup=false id=7 topic=door/relay/1/open payload=PRESS",
			"PUBLISH qos=0 retain=true dup=false id=0 topic=homeassistant/status payload=online", "PUBACK id=9", "PINGRESP",
		];
		for (let chunk = 1; chunk <= stream.length; chunk++) assert.deepEqual(trace(stream, chunk), want, `chunk ${chunk}`);
	});

	it("CONNACK: Remaining Length 2, reserved bits 0, return code 0-5 (§3.2.2)", () => {
		assert.deepEqual(trace(Uint8Array.of(0x20, 3, 0, 0, 0)), ["error: CONNACK Remaining Length is not 2"]);
		assert.deepEqual(trace(Uint8Array.of(0x20, 2, 2, 0)), ["error: CONNACK reserved bits set (§3.2.2.1)"]);
		assert.deepEqual(trace(Uint8Array.of(0x20, 2, 0, 6)), ["error: CONNACK return code above 5 (§3.2.2.3)"]);
		assert.deepEqual(trace(connack(5)), ["CONNACK session=0 code=5"]);
	});

	it("PUBLISH: QoS 3 and DUP on QoS 0 are malformed (§3.3.1.1, §3.3.1.2)", () => {
		assert.deepEqual(trace(Uint8Array.of(0x36, 5, 0, 1, 0x61, 0, 1)), ["error: PUBLISH with QoS 3 (§3.3.1.2)"]);
		assert.deepEqual(trace(Uint8Array.of(0x38, 3, 0, 1, 0x61)), ["error: PUBLISH QoS 0 with DUP set (§3.3.1.1)"]);
	});

	it("PUBLISH: the topic is 1+ bytes of well-formed UTF-8 without wildcards or U+0000, inside the packet (§3.3.2.1, §1.5.3, §4.7.3)", () => {
		assert.deepEqual(trace(Uint8Array.of(0x30, 3, 0, 0, 0x61)), ["error: PUBLISH with an empty topic (§4.7.3)"]);
		assert.deepEqual(trace(Uint8Array.of(0x30, 3, 0, 9, 0x61)), ["error: PUBLISH topic length beyond the packet (§3.3.2.1)"]);
		assert.deepEqual(trace(publish("a/+", "x")), ["error: PUBLISH topic with a wildcard (§3.3.2.1)"]);
		assert.deepEqual(trace(publish("a/#", "x")), ["error: PUBLISH topic with a wildcard (§3.3.2.1)"]);
		assert.deepEqual(trace(Uint8Array.of(0x30, 4, 0, 2, 0x61, 0)), ["error: PUBLISH topic with U+0000 (§1.5.3)"]);
		for (const bad of [[0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0xff], [0x80]]) {
			const body = [0, bad.length, ...bad];
			assert.deepEqual(trace(Uint8Array.from([0x30, body.length, ...body])), ["error: PUBLISH topic is not well-formed UTF-8 (§1.5.3)"], `bytes ${bad}`);
		}
		assert.equal(topicProblem(utf8("Tür/😀"), 0, utf8("Tür/😀").length), "");
	});

	it("PUBLISH: a QoS 1 packet identifier is not 0 (§2.3.1)", () => {
		assert.deepEqual(trace(publish("a", "x", 1, 0)), ["error: PUBLISH with packet identifier 0 (§2.3.1)"]);
	});

	it("PUBLISH larger than the buffer is framed to its end and kept up to the buffer (topic, identifier), marked truncated", () => {
		const big = "x".repeat(300);
		const stream = concat(publish("door/relay/1/open", big, 1, 5), puback(6));
		const lines = trace(stream, 7, 64);
		assert.equal(lines.length, 2);
		assert.match(lines[0], /^PUBLISH qos=1 .* id=5 topic=door\/relay\/1\/open payload=x+ truncated\(64\/321\)$/);
		assert.equal(lines[1], "PUBACK id=6");
	});

	it("SUBACK: at least one return code, each 0, 1, 2 or 0x80, identifier not 0 (§3.9.3)", () => {
		assert.deepEqual(trace(Uint8Array.of(0x90, 2, 0, 1)), ["error: SUBACK without a return code (§3.9)"]);
		assert.deepEqual(trace(suback(1, [3])), ["error: SUBACK return code other than 0, 1, 2 or 0x80 (§3.9.3)"]);
		assert.deepEqual(trace(suback(0, [1])), ["error: SUBACK with packet identifier 0 (§2.3.1)"]);
	});

	it("PUBACK, PUBREC, PUBCOMP, UNSUBACK have Remaining Length 2; PINGRESP 0 (§3.4-§3.7, §3.11, §3.13)", () => {
		assert.deepEqual(trace(Uint8Array.of(0x40, 3, 0, 1, 0)), ["error: PUBACK Remaining Length is not 2"]);
		assert.deepEqual(trace(Uint8Array.of(0xb0, 0)), ["error: UNSUBACK Remaining Length is not 2"]);
		assert.deepEqual(trace(Uint8Array.of(0xd0, 1, 0)), ["error: PINGRESP Remaining Length is not 0 (§3.13)"]);
		assert.deepEqual(trace(puback(0)), ["error: PUBACK with packet identifier 0 (§2.3.1)"]);
	});

	it("stays failed after an error until reset (§4.8: the connection is closed)", () => {
		const r = new PacketReader(64);
		const bad = Uint8Array.of(0x00, 0);
		r.read(bad, 0, 2);
		assert.equal(r.status, READ_ERROR);
		const good = connack(0);
		assert.equal(r.read(good, 0, good.length), good.length);
		assert.equal(r.status, READ_ERROR);
		r.reset();
		r.read(good, 0, good.length);
		assert.equal(r.status, READ_PACKET);
	});
});
