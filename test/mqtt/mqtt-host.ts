// A virtual host for the MQTT client: a fake clock and wheel, a connector whose sockets record what the client writes,
// and a user that records what the client reports — DESIGN.md §7 (virtual host). Host-free (runs on XS); the
// recording socket keeps its bytes in one preallocated buffer, so a measured loop allocates nothing.
import type { StreamConnector, StreamSocket, StreamUser } from "../../src/host.js";
import { MqttClient, type MqttClientOptions, type MqttUser } from "../../src/mqtt/client.js";
import { ascii } from "../../src/sip/bytes.js";
import { TimerWheel } from "../../src/transaction/timer-wheel.js";
import { FixedRandom } from "../media/fixed-random.js";
import { VirtualClock } from "../virtual-clock.js";
import { connack, suback } from "./broker-bytes.js";

/** A socket that keeps every byte written to it (until `take()`), in a fixed buffer that wraps when full. */
export class RecordingSocket implements StreamSocket {
	readonly bytes = new Uint8Array(1 << 16);
	length = 0;
	closed = false;
	/** Answer false to writes (a full send queue). */
	refuse = false;
	writes = 0;
	/** The last write's first bytes and length (read without copying). */
	lastStart = 0;
	lastLength = 0;

	write(bytes: Uint8Array, start: number, end: number): boolean {
		if (this.closed || this.refuse) return false;
		const n = end - start;
		if (this.length + n > this.bytes.length) this.length = 0;
		this.lastStart = this.length;
		this.lastLength = n;
		for (let i = 0; i < n; i++) this.bytes[this.length + i] = bytes[start + i];
		this.length += n;
		this.writes++;
		return true;
	}

	close(): void {
		this.closed = true;
	}

	/** What was written since the last take (allocates: tests only, not measured loops). */
	take(): Uint8Array {
		const out = this.bytes.slice(0, this.length);
		this.length = 0;
		return out;
	}
}

/** Hands out RecordingSockets; the test plays the host's side (`onConnected`, `onBytes`, `onClosed`). */
export class FakeConnector implements StreamConnector {
	readonly sockets: RecordingSocket[] = [];
	readonly users: StreamUser[] = [];
	attempts = 0;
	/** Refuse to make a socket (connect() returns null). */
	refuse = false;
	lastAddress = "";
	lastPort = 0;

	connect(address: string, port: number, user: StreamUser): StreamSocket | null {
		this.attempts++;
		this.lastAddress = address;
		this.lastPort = port;
		if (this.refuse) return null;
		const s = new RecordingSocket();
		this.sockets.push(s);
		this.users.push(user);
		return s;
	}

	get socket(): RecordingSocket {
		return this.sockets[this.sockets.length - 1];
	}
}

/** Every callback the client made, as text, in order. */
export class RecordingUser implements MqttUser {
	readonly lines: string[] = [];
	readonly messages: { topic: string; payload: string; retained: boolean; truncated: boolean }[] = [];
	connected = 0;
	/** Record messages as text (off in measured loops: that allocates). */
	recordMessages = true;

	onConnected(): void {
		this.connected++;
		this.lines.push("connected");
	}
	onMessage(buf: Uint8Array, topicStart: number, topicEnd: number, payloadStart: number, payloadEnd: number, retained: boolean, truncated: boolean): void {
		if (!this.recordMessages) return;
		let topic = "", payload = "";
		for (let i = topicStart; i < topicEnd; i++) topic += String.fromCharCode(buf[i]);
		for (let i = payloadStart; i < payloadEnd; i++) payload += String.fromCharCode(buf[i]);
		this.messages.push({ topic, payload, retained, truncated });
		this.lines.push(`message ${topic}`);
	}
	onDisconnected(reason: string, retryMs: number): void {
		this.lines.push(`disconnected: ${reason} (retry ${retryMs})`);
	}
	onWarning(reason: string): void {
		this.lines.push(`warning: ${reason}`);
	}
}

export const BROKER = "192.0.2.10";
export const SUBSCRIPTIONS = ["door/relay/+/open", "homeassistant/status"];

/** A client on the virtual host, with a will, credentials and two subscriptions. */
export class MqttHost {
	readonly clock = new VirtualClock(1000);
	readonly wheel = new TimerWheel({ capacity: 16, clock: this.clock });
	readonly connector = new FakeConnector();
	readonly user = new RecordingUser();
	readonly client: MqttClient;

	constructor(options: Partial<MqttClientOptions> = {}) {
		this.client = new MqttClient({
			connector: this.connector, wheel: this.wheel, clock: this.clock, random: new FixedRandom([128]),
			address: BROKER, port: 1883,
			connect: { clientId: ascii("door-1"), keepAliveSeconds: 30, will: { topic: ascii("door/availability"), payload: ascii("offline") },
				username: ascii("door"), password: ascii("secret") },
			subscriptions: SUBSCRIPTIONS.map(ascii), user: this.user,
			...options,
		});
	}

	/** The host's side of the current connection. */
	get peer(): StreamUser {
		return this.connector.users[this.connector.users.length - 1];
	}

	/** Bytes from the broker. */
	feed(bytes: Uint8Array): void {
		this.peer.onBytes(bytes, 0, bytes.length);
	}

	/** start(), TCP up, CONNACK 0, SUBACK granting QoS 1: the client is connected and subscribed. */
	connect(): void {
		if (this.client.state === 0) this.client.start();
		this.peer.onConnected();
		this.feed(connack(0));
		this.feed(suback(1, SUBSCRIPTIONS.map(() => 1)));
	}

	advance(ms: number): void {
		this.clock.advance(ms);
	}
}
