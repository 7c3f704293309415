// The broker's side of MQTT 3.1.1 for tests: packets a broker sends, written byte by byte from the standard's figures
// (OASIS MQTT 3.1.1 §3.2-§3.13), and a reader for what the client sent. Independent of src/mqtt (no shared code), and
// host-free, so the fuzzer and the XS entries use it too.

function utf8Bytes(s: string): number[] {
	const out: number[] = [];
	for (const ch of s) {
		const c = ch.codePointAt(0) ?? 0;
		if (c < 0x80) out.push(c);
		else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
		else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
		else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
	}
	return out;
}

/** §2.2.3 Remaining Length bytes. */
export function varint(n: number): number[] {
	const out: number[] = [];
	do {
		let b = n % 128;
		n = Math.floor(n / 128);
		if (n > 0) b |= 0x80;
		out.push(b);
	} while (n > 0);
	return out;
}

function packet(first: number, body: number[]): Uint8Array {
	return Uint8Array.from([first, ...varint(body.length), ...body]);
}

/** CONNACK (§3.2): Session Present and a return code. */
export function connack(code = 0, sessionPresent = false): Uint8Array {
	return Uint8Array.of(0x20, 2, sessionPresent ? 1 : 0, code);
}

/** PUBLISH (§3.3) from the broker. */
export function publish(topic: string, payload: string | number[], qos = 0, packetId = 0, flags: { retain?: boolean; dup?: boolean } = {}): Uint8Array {
	const t = utf8Bytes(topic);
	const body = [t.length >> 8, t.length & 255, ...t];
	if (qos > 0) body.push(packetId >> 8, packetId & 255);
	body.push(...(typeof payload === "string" ? utf8Bytes(payload) : payload));
	return packet(0x30 | (flags.dup === true ? 8 : 0) | (qos << 1) | (flags.retain === true ? 1 : 0), body);
}

export function puback(packetId: number): Uint8Array {
	return Uint8Array.of(0x40, 2, packetId >> 8, packetId & 255);
}

/** SUBACK (§3.9) with one return code per filter. */
export function suback(packetId: number, codes: number[]): Uint8Array {
	return packet(0x90, [packetId >> 8, packetId & 255, ...codes]);
}

export const PINGRESP_BYTES = Uint8Array.of(0xd0, 0);

export function concat(...parts: Uint8Array[]): Uint8Array {
	const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}

/** One packet the client sent, decoded by the figures of §3. */
export interface ClientPacket {
	readonly type: number;
	readonly flags: number;
	readonly body: Uint8Array;
	/** PUBLISH: topic, payload, QoS, retain, DUP, packet identifier. */
	readonly topic?: string;
	readonly payload?: string;
	readonly qos?: number;
	readonly retain?: boolean;
	readonly dup?: boolean;
	readonly packetId?: number;
	/** CONNECT (§3.1.2, §3.1.3). */
	readonly connect?: {
		protocol: string; level: number; cleanSession: boolean; keepAlive: number; clientId: string;
		will: { topic: string; payload: string; qos: number; retain: boolean } | null; username: string | null; password: string | null;
	};
	/** SUBSCRIBE (§3.8): filters and requested QoS. */
	readonly filters?: { filter: string; qos: number }[];
}

/** UTF-8 bytes as text (well-formed input: the client writes what `utf8()` made). */
function latin(bytes: Uint8Array): string {
	let s = "";
	for (let i = 0; i < bytes.length;) {
		const b = bytes[i];
		const n = b < 0x80 ? 0 : b < 0xe0 ? 1 : b < 0xf0 ? 2 : 3;
		let cp = n === 0 ? b : b & (0x3f >> n);
		for (let k = 1; k <= n; k++) cp = (cp << 6) | (bytes[i + k] & 0x3f);
		s += String.fromCodePoint(cp);
		i += n + 1;
	}
	return s;
}

/** Split the client's bytes into packets; throws on a framing error (the client must never send one). */
export function clientPackets(bytes: Uint8Array): ClientPacket[] {
	const out: ClientPacket[] = [];
	let i = 0;
	while (i < bytes.length) {
		const first = bytes[i++];
		let remaining = 0, mult = 1, b: number;
		do {
			b = bytes[i++];
			remaining += (b & 127) * mult;
			mult *= 128;
		} while ((b & 128) !== 0);
		if (i + remaining > bytes.length) throw new Error(`client packet cut: ${remaining} bytes announced, ${bytes.length - i} left`);
		const body = bytes.slice(i, i + remaining);
		i += remaining;
		out.push(decode(first >> 4, first & 15, body));
	}
	return out;
}

function decode(type: number, flags: number, body: Uint8Array): ClientPacket {
	const u16 = (at: number) => (body[at] << 8) | body[at + 1];
	const str = (at: number): [string, number] => {
		const n = u16(at);
		return [latin(body.slice(at + 2, at + 2 + n)), at + 2 + n];
	};
	if (type === 3) {
		const qos = (flags >> 1) & 3;
		const [topic, after] = str(0);
		const packetId = qos > 0 ? u16(after) : 0;
		return { type, flags, body, topic, qos, retain: (flags & 1) !== 0, dup: (flags & 8) !== 0, packetId, payload: latin(body.slice(after + (qos > 0 ? 2 : 0))) };
	}
	if (type === 1) {
		const [protocol, p1] = str(0);
		const level = body[p1], f = body[p1 + 1], keepAlive = u16(p1 + 2);
		let at = p1 + 4;
		const [clientId, a1] = str(at);
		at = a1;
		let will = null;
		if ((f & 4) !== 0) {
			const [topic, a2] = str(at);
			const [payload, a3] = str(a2);
			at = a3;
			will = { topic, payload, qos: (f >> 3) & 3, retain: (f & 0x20) !== 0 };
		}
		let username: string | null = null, password: string | null = null;
		if ((f & 0x80) !== 0) [username, at] = str(at);
		if ((f & 0x40) !== 0) [password, at] = str(at);
		return { type, flags, body, connect: { protocol, level, cleanSession: (f & 2) !== 0, keepAlive, clientId, will, username, password } };
	}
	if (type === 8) {
		const filters: { filter: string; qos: number }[] = [];
		let at = 2;
		while (at < body.length) {
			const [filter, next] = str(at);
			filters.push({ filter, qos: body[next] });
			at = next + 1;
		}
		return { type, flags, body, packetId: u16(0), filters };
	}
	if (type === 4) return { type, flags, body, packetId: u16(0) };
	return { type, flags, body };
}
