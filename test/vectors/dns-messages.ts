// DNS messages for tests: answers recorded from dnsmasq 2.90, and a builder for hand-made ones — RFC 1035 §4.1,
// RFC 2782, RFC 3403, RFC 3596. Host-free (no node:), so the vectors built from it also run on the XS engine.

/**
 * Answers dnsmasq 2.90 gave (recorded with a plain UDP client) for the zone of this configuration:
 *   local=/example.test/  local-ttl=300
 *   naptr-record=example.test,10,50,"s","SIP+D2T","","_sip._tcp.example.test"
 *   naptr-record=example.test,20,50,"s","SIP+D2U","","_sip._udp.example.test"
 *   srv-host=_sip._udp.example.test,pbx1.example.test,5062,10,60
 *   srv-host=_sip._udp.example.test,pbx2.example.test,5064,20,10
 *   srv-host=_sip._tcp.example.test,pbx1.example.test,5062,10,60
 *   host-record=pbx1.example.test,127.0.0.1
 *   host-record=pbx2.example.test,127.0.0.2,::1
 * Each query had ID 0x1234 + its index below. dnsmasq compresses every name it can (RFC 1035 §4.1.4).
 */
export const RECORDED = Object.freeze({
	/** NAPTR example.test: the two NAPTR records (UDP order 20 first on the wire, TCP order 10). */
	naptr: "123485800001000200000000076578616d706c6504746573740000230001c00c002300010000012c0027001400320173075349502b44325500045f736970045f756470076578616d706c65047465737400c00c002300010000012c0027000a00320173075349502b44325400045f736970045f746370076578616d706c65047465737400",
	/** SRV _sip._udp.example.test: two SRV records, and A/A/AAAA of their targets in the additional section. */
	srvUdp: "123585800001000200000003045f736970045f756470076578616d706c6504746573740000210001c00c002100010000012c00190014000a13c80470627832076578616d706c65047465737400c00c002100010000012c0019000a003c13c60470627831076578616d706c65047465737400c05f000100010000012c00047f000001c03a000100010000012c00047f000002c03a001c00010000012c001000000000000000000000000000000001",
	/** A pbx1.example.test. */
	a: "1236858000010001000000000470627831076578616d706c6504746573740000010001c00c000100010000012c00047f000001",
	/** A nope.example.test: NXDOMAIN, without an SOA. */
	nxdomain: "123781830001000000000000046e6f7065076578616d706c6504746573740000010001",
	/** SRV _sip._tcp.example.test: one SRV record, the A of its target as glue. */
	srvTcp: "123885800001000100000001045f736970045f746370076578616d706c6504746573740000210001c00c002100010000012c0019000a003c13c60470627831076578616d706c65047465737400c03a000100010000012c00047f000001",
	/** AAAA pbx1.example.test: no data (NOERROR, no answer). TTL 0 configuration (local-ttl unset). */
	nodata: "1238818000010000000000000470627831076578616d706c65047465737400001c0001",
	/** A other.org: REFUSED (not a local domain, no upstream server). */
	refused: "123981850001000000000000056f74686572036f72670000010001",
	/** AAAA pbx2.example.test: ::1 (TTL 0 configuration). */
	aaaa: "123a858000010001000000000470627832076578616d706c65047465737400001c0001c00c001c000100000000001000000000000000000000000000000001",
});

/** The question each recorded answer is for: [name, type]. */
export const RECORDED_QUESTIONS: Readonly<Record<keyof typeof RECORDED, readonly [string, number]>> = Object.freeze({
	naptr: ["example.test", 35],
	srvUdp: ["_sip._udp.example.test", 33],
	a: ["pbx1.example.test", 1],
	nxdomain: ["nope.example.test", 1],
	srvTcp: ["_sip._tcp.example.test", 33],
	nodata: ["pbx1.example.test", 28],
	refused: ["other.org", 1],
	aaaa: ["pbx2.example.test", 28],
});

export function hex(text: string): Uint8Array {
	const out = new Uint8Array(text.length >> 1);
	for (let i = 0; i < out.length; i++) out[i] = parseInt(text.substr(2 * i, 2), 16);
	return out;
}

/** A name in wire form ("." or "" is the root). */
export function wireName(name: string): number[] {
	const out: number[] = [];
	for (const label of name.split(".")) {
		if (label === "") continue;
		out.push(label.length);
		for (let i = 0; i < label.length; i++) out.push(label.charCodeAt(i));
	}
	out.push(0);
	return out;
}

/** A name as a Uint8Array in wire form. */
export function nameBytes(name: string): Uint8Array {
	return Uint8Array.from(wireName(name));
}

export interface Rr {
	name: string;
	type: number;
	ttl: number;
	cls?: number;
	data: number[];
}

const u16 = (v: number) => [(v >> 8) & 255, v & 255];
const u32 = (v: number) => [(v >>> 24) & 255, (v >> 16) & 255, (v >> 8) & 255, v & 255];
const str = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];

export function a(name: string, ip: string, ttl = 300): Rr {
	return { name, type: 1, ttl, data: ip.split(".").map(Number) };
}

/** AAAA from the full or "::"-shortened text form. */
export function aaaa(name: string, ip: string, ttl = 300): Rr {
	const [head, tail] = ip.includes("::") ? ip.split("::") : [ip, undefined];
	const h = head === "" ? [] : head.split(":"), t = tail === undefined || tail === "" ? [] : tail.split(":");
	const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
	return { name, type: 28, ttl, data: groups.flatMap((g) => u16(parseInt(g, 16))) };
}

export function srv(name: string, priority: number, weight: number, port: number, target: string, ttl = 300): Rr {
	return { name, type: 33, ttl, data: [...u16(priority), ...u16(weight), ...u16(port), ...wireName(target)] };
}

export function naptr(name: string, order: number, preference: number, flags: string, services: string, regexp: string, replacement: string, ttl = 300): Rr {
	return { name, type: 35, ttl, data: [...u16(order), ...u16(preference), ...str(flags), ...str(services), ...str(regexp), ...wireName(replacement)] };
}

export function cname(name: string, target: string, ttl = 300): Rr {
	return { name, type: 5, ttl, data: wireName(target) };
}

/** SOA with the given MINIMUM (RFC 2308 §4: the negative-answer TTL). */
export function soa(name: string, ttl: number, minimum: number): Rr {
	return { name, type: 6, ttl, data: [...wireName(`ns.${name}`), ...wireName(`admin.${name}`), ...u32(1), ...u32(3600), ...u32(600), ...u32(86400), ...u32(minimum)] };
}

export interface ResponseOptions {
	id: number;
	/** The question (omitted with `noQuestion`). */
	name: string;
	type: number;
	rcode?: number;
	/** Flags beyond QR and RCODE (e.g. 0x0200 TC, 0x0400 AA); default RD + RA. */
	flags?: number;
	noQuestion?: boolean;
	answers?: Rr[];
	authority?: Rr[];
	additional?: Rr[];
	/** Owner names equal to the question's are written as a pointer to it (offset 12), as servers do. */
	compress?: boolean;
}

/** A response message built from its parts. */
export function response(o: ResponseOptions): Uint8Array {
	const an = o.answers ?? [], ns = o.authority ?? [], ar = o.additional ?? [];
	const flags = 0x8000 | (o.flags ?? 0x0180) | (o.rcode ?? 0);
	const out = [...u16(o.id), ...u16(flags), ...u16(o.noQuestion ? 0 : 1), ...u16(an.length), ...u16(ns.length), ...u16(ar.length)];
	if (!o.noQuestion) out.push(...wireName(o.name), ...u16(o.type), ...u16(1));
	for (const r of [...an, ...ns, ...ar]) {
		const owner = o.compress && !o.noQuestion && r.name.toLowerCase() === o.name.toLowerCase() ? [0xc0, 12] : wireName(r.name);
		out.push(...owner, ...u16(r.type), ...u16(r.cls ?? 1), ...u32(r.ttl), ...u16(r.data.length), ...r.data);
	}
	return Uint8Array.from(out);
}

/** The ID and question of a query the client sent: [id, name text, type]. */
export function readQuery(q: Uint8Array): { id: number; name: string; type: number; rd: boolean; edns: number } {
	const labels: string[] = [];
	let p = 12;
	while (q[p] !== 0) {
		labels.push(String.fromCharCode(...q.subarray(p + 1, p + 1 + q[p])));
		p += q[p] + 1;
	}
	const type = (q[p + 1] << 8) | q[p + 2];
	const arcount = (q[10] << 8) | q[11];
	// An OPT record right after the question: root name, type 41, CLASS = the UDP size (RFC 6891 §6.1.2).
	const edns = arcount === 1 && q[p + 5] === 0 && ((q[p + 6] << 8) | q[p + 7]) === 41 ? (q[p + 8] << 8) | q[p + 9] : 0;
	return { id: (q[0] << 8) | q[1], name: labels.join("."), type, rd: (q[2] & 1) === 1, edns };
}
