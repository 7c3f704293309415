// Reading an HTTP/1.1 request head in place — RFC 9112 §2-§3, §5, §6.3, §9.3; RFC 9110 §7.2.
import assert from "node:assert/strict";
import { HEAD_DONE, HEAD_MORE, RequestHead } from "../../src/http/request-head.js";

function read(text: string, capacity = 2048): { r: number; h: RequestHead; buf: Uint8Array } {
	const buf = new Uint8Array(capacity);
	const bytes = Buffer.from(text, "latin1");
	buf.set(bytes.subarray(0, capacity));
	const h = new RequestHead();
	return { r: h.parse(buf, Math.min(bytes.length, capacity), capacity), h, buf };
}

const part = (buf: Uint8Array, s: number, e: number) => Buffer.from(buf.subarray(s, e)).toString("latin1");

describe("HTTP request head (RFC 9112)", () => {
	it("reads method, target, path, query, Authorization and persistence from a GET (§3, §9.3)", () => {
		const { r, h, buf } = read("GET /api/switch/ctrl?switch=1&action=trigger HTTP/1.1\r\nHost: door\r\nAuthorization: Digest x=1\r\n\r\n");
		assert.equal(r, HEAD_DONE);
		assert.deepEqual([part(buf, h.methodStart, h.methodEnd), part(buf, h.targetStart, h.targetEnd), part(buf, h.pathStart, h.pathEnd),
			part(buf, h.queryStart, h.targetEnd), part(buf, h.authStart, h.authEnd), h.close],
			["GET", "/api/switch/ctrl?switch=1&action=trigger", "/api/switch/ctrl", "switch=1&action=trigger", "Digest x=1", false]);
	});

	it("HTTP/1.0 closes unless keep-alive; Connection: close closes an HTTP/1.1 connection (§9.3)", () => {
		assert.equal(read("GET / HTTP/1.0\r\n\r\n").h.close, true);
		assert.equal(read("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").h.close, false);
		assert.equal(read("GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n").h.close, true);
	});

	it("accepts bare LF line ends (§2.2) and waits for the blank line", () => {
		assert.equal(read("GET / HTTP/1.1\nHost: a\n\n").r, HEAD_DONE);
		assert.equal(read("GET / HTTP/1.1\r\nHost: a\r\n").r, HEAD_MORE);
	});

	it("absolute-form is read for its path; credentials in it are refused (RFC 9110 §4.2.4)", () => {
		const { r, h, buf } = read("GET http://door:8081/api/call/status HTTP/1.1\r\nHost: door\r\n\r\n");
		assert.equal(r, HEAD_DONE);
		assert.equal(part(buf, h.pathStart, h.pathEnd), "/api/call/status");
		const bad = read("GET http://admin:pw@door/api/call/status HTTP/1.1\r\nHost: door\r\n\r\n");
		assert.deepEqual([bad.r, bad.h.reason], [400, "credentials in the URL are not accepted (RFC 9110 §4.2.4)"]);
	});

	it("answers each fault with its status", () => {
		const cases: [string, number, string][] = [
			["GET / HTTP/1.1\r\n\r\n", 400, "no Host (RFC 9110 §7.2)"],
			["GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, "more than one Host (RFC 9110 §7.2)"],
			["GET / HTTP/2.0\r\nHost: a\r\n\r\n", 400, "bad request line (version)"],
			["GET / HTTP/1.x\r\nHost: a\r\n\r\n", 505, "HTTP version not supported"],
			["GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400, "bad request line (target)"],
			["GET api HTTP/1.1\r\nHost: a\r\n\r\n", 400, "the request-target must be a path (RFC 9112 §3.2)"],
			["GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400, "bad header field name (RFC 9112 §5.1)"],
			["GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 400, "obsolete line folding (RFC 9112 §5.2)"],
			["POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n", 413, "a request body is not accepted"],
			["GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\nContent-Length: 1\r\n\r\n", 400, "bad Content-Length (RFC 9112 §6.3)"],
			["GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", 501, "Transfer-Encoding is not accepted: the API takes no request body"],
		];
		for (const [text, status, reason] of cases) {
			const { r, h } = read(text);
			assert.deepEqual([r, h.reason], [status, reason], JSON.stringify(text));
		}
	});

	it("a head that fills the buffer is 431, a request line that does 414 (RFC 9110 §15.5.15, RFC 6585 §5)", () => {
		assert.equal(read(`GET / HTTP/1.1\r\nHost: a\r\nX-Pad: ${"x".repeat(3000)}\r\n\r\n`).r, 431);
		assert.equal(read(`GET /${"a".repeat(3000)} HTTP/1.1\r\nHost: a\r\n\r\n`).r, 414);
	});
});
