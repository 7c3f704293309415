// A fuzzer for the MQTT client's side of the broker stream: well-formed broker packets (OASIS MQTT 3.1.1 §3), mutated
// (bit flips, random bytes, insertions, deletions, duplications, truncations, length-field damage), fed to a connected
// client — or one still waiting for its CONNACK — in random pieces. Every case must end with the client either still
// connected or closed with a reason, and never with an exception. Host-free and deterministic (seeded); `npm test`
// runs a few thousand cases, `npm run fuzz:mqtt` a million.
import type { StreamConnector, StreamSocket, StreamUser } from "../../src/host.js";
import { MqttClient, MQTT_CONNECTED, MQTT_WAITING, type MqttUser } from "../../src/mqtt/client.js";
import { ascii } from "../../src/sip/bytes.js";
import { TimerWheel } from "../../src/transaction/timer-wheel.js";
import { FixedRandom } from "../media/fixed-random.js";
import { VirtualClock } from "../virtual-clock.js";
import { Xorshift } from "../xorshift.js";
import { connack, publish, puback, suback, PINGRESP_BYTES, varint } from "./broker-bytes.js";

export interface FuzzResult {
	cases: number;
	bytes: number;
	exceptions: number;
	firstException: string;
	/** Cases that ended with the connection closed by the client, by reason. */
	closed: number;
	reasons: Map<string, number>;
	/** Application messages the client handed on, and cases where it stayed connected. */
	delivered: number;
	stayedConnected: number;
	/** Invariant breaks: closed socket while "connected", or an open socket while waiting. */
	broken: number;
}

/** One socket, reused for every connection (nothing allocated per case). */
class FuzzSocket implements StreamSocket, StreamConnector {
	closed = false;
	written = 0;
	user: StreamUser | null = null;
	write(_b: Uint8Array, start: number, end: number): boolean {
		if (this.closed) return false;
		this.written += end - start;
		return true;
	}
	close(): void {
		this.closed = true;
	}
	connect(_a: string, _p: number, user: StreamUser): StreamSocket {
		this.closed = false;
		this.user = user;
		return this;
	}
}

class FuzzUser implements MqttUser {
	delivered = 0;
	lastReason = "";
	onConnected(): void {}
	onMessage(): void {
		this.delivered++;
	}
	onDisconnected(reason: string): void {
		this.lastReason = reason;
	}
	onWarning(): void {}
}


const TOPICS = ["sip-intercom/door/relay/1/open", "homeassistant/status", "sip-intercom/door/call/start", "a", "t/ü/€", "x".repeat(120)];
const SUBSCRIPTIONS = [ascii("sip-intercom/door/relay/+/open"), ascii("homeassistant/status")];

/** A few well-formed broker packets in a row (the seed the mutations start from). */
function seedStream(r: Xorshift, waitingForConnack: boolean): Uint8Array {
	const parts: Uint8Array[] = [];
	if (waitingForConnack) parts.push(connack(r.below(8) === 0 ? r.below(6) : 0, r.below(16) === 0));
	const n = 1 + r.below(4);
	for (let i = 0; i < n; i++) {
		switch (r.below(9)) {
			case 0:
			case 1:
			case 2: {
				const payload = r.below(4) === 0 ? "x".repeat(r.below(2000)) : "PRESS";
				parts.push(publish(TOPICS[r.below(TOPICS.length)], payload, r.below(2), 1 + r.below(0xffff), { retain: r.below(3) === 0 }));
				break;
			}
			case 3: parts.push(puback(2 + r.below(8))); break;
			case 4: parts.push(suback(1, [r.below(3), r.below(2) === 0 ? 0x80 : 1])); break;
			case 5: parts.push(PINGRESP_BYTES); break;
			case 6: parts.push(connack(r.below(6))); break;
			case 7: parts.push(Uint8Array.of(0x50 + r.below(3) * 0x10 + (r.below(2) === 0 ? 2 : 0), 2, r.below(256), 1 + r.below(255))); break;
			default: parts.push(Uint8Array.from([r.below(256), ...varint(r.below(300)), ...Array.from({ length: r.below(20) }, () => r.below(256))]));
		}
	}
	let length = 0;
	for (const p of parts) length += p.length;
	const out = new Uint8Array(length);
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}

/** 0-8 mutations of `input`. */
function mutate(r: Xorshift, input: Uint8Array): Uint8Array {
	let b = Array.from(input);
	const n = r.below(9);
	for (let k = 0; k < n && b.length > 0; k++) {
		const at = r.below(b.length);
		switch (r.below(8)) {
			case 0: b[at] ^= 1 << r.below(8); break;
			case 1: b[at] = r.below(256); break;
			case 2: b.splice(at, 0, ...Array.from({ length: 1 + r.below(8) }, () => r.below(256))); break;
			case 3: b.splice(at, 1 + r.below(8)); break;
			case 4: b.splice(at, 0, ...b.slice(at, at + 1 + r.below(16))); break;
			case 5: b = b.slice(0, at); break;
			case 6: b[at] = [0x00, 0x7f, 0x80, 0xff][r.below(4)]; break;
			default: b.splice(at, 0, 0xff, 0xff, 0xff, 0xff); break; // a Remaining Length that never ends
		}
	}
	return Uint8Array.from(b);
}

/** Run `cases` fuzz cases from `seed`. */
export function fuzzMqtt(cases: number, seed = 1): FuzzResult {
	const r = new Xorshift(seed);
	const clock = new VirtualClock(0);
	const wheel = new TimerWheel({ capacity: 8, clock });
	const socket = new FuzzSocket();
	const user = new FuzzUser();
	const client = new MqttClient({
		connector: socket, wheel, clock, random: new FixedRandom(null, seed), address: "192.0.2.1", port: 1883,
		connect: { clientId: ascii("fuzz"), keepAliveSeconds: 30, will: { topic: ascii("d/availability"), payload: ascii("offline") }, username: ascii("u"), password: ascii("p") },
		subscriptions: SUBSCRIPTIONS, user, receiveBytes: 512, inflight: 4,
	});
	const res: FuzzResult = { cases: 0, bytes: 0, exceptions: 0, firstException: "", closed: 0, reasons: new Map(), delivered: 0, stayedConnected: 0, broken: 0 };
	const topic = ascii("d/doorbell"), payload = ascii('{"event_type":"ring","button":1}');
	const handshake = Uint8Array.from([...connack(0), ...suback(1, [1, 1])]);
	for (let c = 0; c < cases; c++) {
		const waiting = r.below(5) === 0;
		const input = mutate(r, seedStream(r, waiting));
		try {
			client.stop();
			user.lastReason = "";
			client.start();
			const u = socket.user!;
			u.onConnected();
			if (!waiting) u.onBytes(handshake, 0, handshake.length);
			if (!waiting && r.below(2) === 0) client.publish(topic, payload, 0, payload.length, 1, false);
			for (let at = 0; at < input.length;) {
				const end = Math.min(input.length, at + 1 + r.below(input.length));
				u.onBytes(input, at, end);
				at = end;
			}
			if (r.below(4) === 0) clock.advance(r.below(2) === 0 ? 31_000 : 61_000); // keep-alive: PINGREQ, then a close if no PINGRESP came
		} catch (err) {
			res.exceptions++;
			if (res.firstException === "") res.firstException = `${(err as Error).stack ?? String(err)}\ninput: ${Array.from(input, (x) => x.toString(16).padStart(2, "0")).join("")}`;
		}
		res.cases++;
		res.bytes += input.length;
		if (client.state === MQTT_CONNECTED) {
			res.stayedConnected++;
			if (socket.closed) res.broken++;
		} else if (client.state === MQTT_WAITING) {
			res.closed++;
			if (!socket.closed || user.lastReason === "") res.broken++;
			res.reasons.set(user.lastReason, (res.reasons.get(user.lastReason) ?? 0) + 1);
		}
	}
	client.stop();
	res.delivered = user.delivered;
	return res;
}
