// Names and addresses in the forms DNS and the hosts use — RFC 1035 §3.1, §4.1.4; RFC 2782; RFC 4343; RFC 5952 §4;
// RFC 6762 §3.
import assert from "node:assert/strict";
import { formatAddress } from "../../src/dns/address-text.js";
import { checkName, copyName, encodeName, isLocalName, labels, nameText, namesEqual, prefixName, skipName, NAME_POINTER_FORWARD } from "../../src/dns/name.js";
import { ascii } from "../../src/sip/bytes.js";

function encode(text: string): number[] | number {
	const out = new Uint8Array(300), t = ascii(text);
	const n = encodeName(t, 0, t.length, out, 0, out.length);
	return n < 0 ? n : Array.from(out.subarray(0, n));
}

function address(bytes: number[]): string {
	const out = new Uint8Array(64), n = formatAddress(Uint8Array.from(bytes), 0, bytes.length, out, 0);
	return String.fromCharCode(...out.subarray(0, n));
}

describe("Domain names on the wire (RFC 1035 §3.1)", () => {
	it("a dotted name becomes length-prefixed labels and a zero; a final dot is the same name", () => {
		assert.deepEqual(encode("pbx.example.com"), [3, 112, 98, 120, 7, 101, 120, 97, 109, 112, 108, 101, 3, 99, 111, 109, 0]);
		assert.deepEqual(encode("pbx.example.com."), encode("pbx.example.com"));
	});

	it("refuses empty labels, labels over 63 bytes, names over 255 bytes, spaces and the root alone", () => {
		for (const bad of ["", ".", "a..b", ".a", `${"x".repeat(64)}.com`, Array(130).fill("ab").join("."), "a b.com"]) {
			assert.equal(encode(bad), -1, JSON.stringify(bad));
		}
		assert.notEqual(encode(`${"x".repeat(63)}.com`), -1);
		// 255 bytes on the wire is the most: labels of 63 + 63 + 63 + 61 and their lengths and the root.
		const longest = ["a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61)].join(".");
		assert.equal((encode(longest) as number[]).length, 255);
		assert.equal(encode(`${longest}e`), -1);
	});

	it("checks names handed in: pointers, reserved label types and overlong names are not names", () => {
		assert.equal(checkName(Uint8Array.from([3, 112, 98, 120, 0]), 0), 5);
		assert.equal(checkName(Uint8Array.from([0xc0, 12]), 0), -1);
		assert.equal(checkName(Uint8Array.from([0x41, 0]), 0), -1);
		assert.equal(checkName(Uint8Array.from([3, 112, 98]), 0), -1, "runs off the buffer");
	});

	it("compares names without regard to ASCII case, following pointers (RFC 4343 §3, RFC 1035 §4.1.4)", () => {
		// A message: header, "Example.COM" at 12, then "pbx" + pointer to 12 at 25.
		const msg = Uint8Array.from([...Array(12).fill(0), 7, 69, 120, 97, 109, 112, 108, 101, 3, 67, 79, 77, 0, 3, 112, 98, 120, 0xc0, 12]);
		assert.equal(skipName(msg, 0, 25, msg.length), 31);
		const key = encode("PBX.example.com") as number[];
		assert.equal(namesEqual(msg, 0, 25, Uint8Array.from(key), 0, 0), true);
		const out = new Uint8Array(64);
		assert.equal(copyName(msg, 0, 25, out, 0, 64), 17);
		assert.equal(nameText(out, 0), "pbx.Example.COM");
		assert.equal(copyName(msg, 0, 25, out, 0, 10), -1, "no room");
		assert.equal(skipName(msg, 0, 12, msg.length), 25);
		assert.equal(skipName(Uint8Array.from([...Array(12).fill(0), 0xc0, 12]), 0, 12, 14), NAME_POINTER_FORWARD);
	});

	it("builds _Service._Proto.Name (RFC 2782) and recognises .local names (RFC 6762 §3)", () => {
		const domain = Uint8Array.from(encode("example.com") as number[]), out = new Uint8Array(300);
		const n = prefixName(labels("_sip._udp"), domain, 0, out, 0, out.length);
		assert.equal(nameText(out.subarray(0, n), 0), "_sip._udp.example.com");
		assert.equal(isLocalName(Uint8Array.from(encode("door.LOCAL") as number[]), 0), true);
		assert.equal(isLocalName(Uint8Array.from(encode("local.example") as number[]), 0), false);
		assert.equal(isLocalName(Uint8Array.from(encode("notlocal") as number[]), 0), false);
	});
});

describe("Addresses as text (RFC 1035 §3.4.1, RFC 5952 §4)", () => {
	it("IPv4 in dotted decimal", () => {
		assert.equal(address([192, 0, 2, 1]), "192.0.2.1");
		assert.equal(address([0, 10, 100, 255]), "0.10.100.255");
	});

	it("IPv6 in lower case, without leading zeros, the longest run of zero groups (the first of equals) as ::", () => {
		const v6 = (groups: number[]) => address(groups.flatMap((g) => [g >> 8, g & 255]));
		assert.equal(v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]), "2001:db8::1");
		assert.equal(v6([0, 0, 0, 0, 0, 0, 0, 1]), "::1");
		assert.equal(v6([0, 0, 0, 0, 0, 0, 0, 0]), "::");
		assert.equal(v6([0xfe80, 0, 0, 0, 0xabcd, 0, 0, 0]), "fe80::abcd:0:0:0");
		assert.equal(v6([0x2001, 0xdb8, 0, 1, 0, 0, 0xa, 0]), "2001:db8:0:1::a:0", "a single zero group stays");
		assert.equal(v6([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1]), "2001:db8::1:0:0:1", "the first of two equal runs");
		assert.equal(v6([1, 0, 0, 0, 0, 0, 0, 0]), "1::");
	});

	it("other lengths give no text", () => {
		assert.equal(address([1, 2, 3]), "");
	});
});
