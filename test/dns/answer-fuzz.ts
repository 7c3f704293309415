// Fuzzing the DNS answer parser and the client behind it with mutated real answers: bit flips, byte values, cuts,
// compression-pointer games, counts and lengths changed, pieces repeated. The rule (RFC 1035 §4.1, DESIGN.md): every
// input gets a verdict — accepted or refused with a reason — and never an exception. Deterministic for a seed.
import type { Clock, DatagramSocket, Peer } from "../../src/host.js";
import { AnswerParser } from "../../src/dns/answer-parser.js";
import { Xorshift } from "../xorshift.js";
import { DnsClient } from "../../src/dns/dns-client.js";
import { dnsConfig } from "../../src/dns/dns-config.js";
import { TimerWheel } from "../../src/transaction/timer-wheel.js";
import { FixedRandom } from "../media/fixed-random.js";
import { a, aaaa, cname, hex, nameBytes, naptr, RECORDED, RECORDED_QUESTIONS, response, soa, srv } from "../vectors/dns-messages.js";

export interface FuzzFigures {
	mutants: number;
	/** Exceptions escaping the parser or the client: must be 0. */
	exceptions: number;
	firstException: string;
	/** Parser verdicts (unicast reading). */
	accepted: number;
	refused: number;
	/** Refusal reasons and how often each came. */
	reasons: Record<string, number>;
	/** Through the client (ID patched to the query's): lookups answered, datagrams it refused. */
	clientAnswered: number;
	clientRefused: number;
	ms: number;
}

interface Seed {
	bytes: Uint8Array;
	name: Uint8Array;
	type: number;
	/** Where the records start (after the header and the question). */
	records: number;
}

/** Real answers (dnsmasq) and hand-made ones covering CNAME, SOA, AAAA glue, NAPTR and an mDNS answer. */
function seeds(): Seed[] {
	const out: Seed[] = [];
	for (const key of Object.keys(RECORDED) as (keyof typeof RECORDED)[]) {
		const [name, type] = RECORDED_QUESTIONS[key];
		out.push({ bytes: hex(RECORDED[key]), name: nameBytes(name), type, records: 0 });
	}
	const made = (name: string, type: number, parts: Parameters<typeof response>[0]) => out.push({ bytes: response(parts), name: nameBytes(name), type, records: 0 });
	made("sip.example.test", 1, { id: 1, name: "sip.example.test", type: 1, compress: true, answers: [cname("sip.example.test", "pbx.example.test"), a("pbx.example.test", "192.0.2.1")] });
	made("nope.example.test", 1, { id: 1, name: "nope.example.test", type: 1, rcode: 3, authority: [soa("example.test", 900, 60)] });
	made("_sips._tcp.example.test", 33, {
		id: 1, name: "_sips._tcp.example.test", type: 33, compress: true,
		answers: [srv("_sips._tcp.example.test", 0, 5, 5061, "pbx.example.test"), srv("_sips._tcp.example.test", 1, 0, 5061, ".")],
		additional: [a("pbx.example.test", "192.0.2.1"), aaaa("pbx.example.test", "2001:db8::1")],
	});
	made("example.test", 35, { id: 1, name: "example.test", type: 35, compress: true, answers: [naptr("example.test", 10, 10, "S", "SIPS+D2T", "", "_sips._tcp.example.test")] });
	made("door.local", 1, { id: 0, name: "door.local", type: 1, noQuestion: true, answers: [{ ...a("door.local", "192.168.1.20"), cls: 0x8001 }] });
	for (const s of out) s.records = s.bytes[5] === 0 ? 12 : 12 + s.name.length + 4;
	return out;
}


const INTERESTING = [0x00, 0xff, 0xc0, 0xc1, 0x3f, 0x40, 0x80, 0x7f, 0x01];

/**
 * Apply 1-4 mutations to buf[0, length), at offsets from `from` on (the whole message, or only the records so that
 * the header and question survive and the record readers and the cache get the mutants); returns the new length.
 */
function mutate(r: Xorshift, buf: Uint8Array, length: number, from: number): number {
	const n = 1 + r.below(4);
	for (let k = 0; k < n && length > from; k++) {
		const span = length - from;
		switch (r.below(8)) {
			case 0: // bit flips
				buf[from + r.below(span)] ^= 1 << r.below(8);
				break;
			case 1: // any byte value
				buf[from + r.below(span)] = r.below(256);
				break;
			case 2:
				buf[from + r.below(span)] = INTERESTING[r.below(INTERESTING.length)];
				break;
			case 3: // cut
				length = from + r.below(span + 1);
				break;
			case 4: { // a compression pointer: to itself, forward, backward, into the header, past the end
				const at = Math.max(12, from) + r.below(Math.max(1, length - Math.max(12, from) - 1));
				const choice = r.below(5);
				const target = choice === 0 ? at : choice === 1 ? at + 2 + r.below(40) : choice === 2 ? r.below(at + 1) : choice === 3 ? r.below(12) : length + r.below(16000);
				buf[at] = 0xc0 | ((target >> 8) & 0x3f);
				if (at + 1 < length) buf[at + 1] = target & 0xff;
				break;
			}
			case 5: { // a count in the header
				if (from > 0) break;
				const at = 4 + 2 * r.below(4), v = r.below(3) === 0 ? 0xffff : r.below(8);
				buf[at] = v >> 8;
				buf[at + 1] = v & 0xff;
				break;
			}
			case 6: { // a 16-bit field anywhere (RDLENGTH, TYPE, CLASS ...)
				const at = from + r.below(Math.max(1, span - 1)), v = r.below(3) === 0 ? r.below(65536) : r.below(64);
				buf[at] = v >> 8;
				if (at + 1 < length) buf[at + 1] = v & 0xff;
				break;
			}
			default: { // repeat a piece in place (shifting the rest), as far as the buffer allows
				const src = from + r.below(span), size = 1 + r.below(Math.min(32, length - src)), to = from + r.below(span);
				const room = buf.length - length;
				const grow = size < room ? size : room;
				buf.copyWithin(to + grow, to, length);
				const moved = src >= to ? src + grow : src;
				buf.copyWithin(to, moved, moved + grow);
				length += grow;
			}
		}
	}
	return length;
}

/** Run `count` mutants (from seed `seed`) through the parser, in unicast and mDNS readings, and through a client. */
export function fuzzAnswers(count: number, seed = 0x5eed): FuzzFigures {
	const r = new Xorshift(seed), all = seeds(), parser = new AnswerParser(24);
	const buf = new Uint8Array(2048);
	const figures: FuzzFigures = { mutants: 0, exceptions: 0, firstException: "", accepted: 0, refused: 0, reasons: {}, clientAnswered: 0, clientRefused: 0, ms: 0 };
	// A client whose queries go nowhere: each mutant answers the lookup made for its seed's question.
	let now = 0, lastId = 0;
	const clock: Clock = { now: () => now, arm: () => {}, disarm: () => {} };
	const socket: DatagramSocket = {
		send(bytes, start) {
			lastId = (bytes[start] << 8) | bytes[start + 1];
			return true;
		},
		close() {},
	};
	const server: Peer = { address: "127.0.0.1", port: 53 };
	const client = new DnsClient({
		config: dnsConfig({ cacheEntries: 4 }), clock, wheel: new TimerWheel({ capacity: 16, clock }), random: new FixedRandom(null, seed),
		socket, mdnsSocket: socket, servers: [server], onRefused: () => figures.clientRefused++,
	});
	const owner = client.register({ onDnsAnswer: () => figures.clientAnswered++ });
	const started = performance.now();
	for (let i = 0; i < count; i++) {
		const s = all[i % all.length];
		buf.set(s.bytes);
		// Half the mutants keep the header and question, so that more of them reach the records and the cache.
		const length = mutate(r, buf, s.bytes.length, (i & 1) === 0 ? 0 : s.records);
		figures.mutants++;
		try {
			if (parser.parse(buf, 0, length, s.name, 0, s.type, false)) figures.accepted++;
			else {
				figures.refused++;
				figures.reasons[parser.reason] = (figures.reasons[parser.reason] ?? 0) + 1;
			}
			parser.parse(buf, 0, length, s.name, 0, s.type, true);
			client.cache.flush();
			now += 1;
			const q = client.lookup(owner, i, s.name, 0, s.type);
			if (q >= 0) {
				if (length >= 2 && r.below(10) !== 0) {
					buf[0] = lastId >> 8;
					buf[1] = lastId & 0xff;
				}
				const local = s.name[s.name[0] + 1] === 0 && s.name[0] === 4; // "door.local": answered from a link host
				client.onDatagram(buf, 0, length, local ? "192.168.1.20" : server.address, local ? 5353 : server.port);
				client.cancel(q);
			}
		} catch (error) {
			if (figures.exceptions++ === 0) figures.firstException = `${String(error)} (mutant ${i}: ${Array.from(buf.subarray(0, length), (b) => b.toString(16).padStart(2, "0")).join("")})`;
		}
	}
	figures.ms = performance.now() - started;
	return figures;
}
