// The simulator's `parse` command: a captured message in, its summary or verdict out as JSON — RFC 3261 §7, §18.3.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

// The compiled file is build/test/sim/cli.test.js: the repository root is three levels up.
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CLI = join("build", "hosts", "sim", "cli.js");

const DIALOG =
	"Via: SIP/2.0/UDP 192.0.2.20:5060;branch=z9hG4bK74bf9\r\n" +
	"From: \"Hall\" <sip:hall@192.0.2.20>;tag=9fxced76sl\r\n" +
	"To: <sip:door@192.0.2.10>\r\n" +
	"Call-ID: 3848276298220188511@192.0.2.20\r\n";
const MESSAGE = "MESSAGE sip:door@192.0.2.10 SIP/2.0\r\n" + DIALOG + "CSeq: 7 MESSAGE\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\nopen";

let dir = "";
function file(name: string, wire: string): string {
	const path = join(dir, name);
	writeFileSync(path, Buffer.from(wire, "latin1"));
	return path;
}
function run(args: string[], input?: string): { code: number | null; json: unknown; stderr: string } {
	const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, input: input === undefined ? undefined : Buffer.from(input, "latin1"), encoding: "utf8" });
	let json: unknown = null;
	try {
		json = JSON.parse(r.stdout);
	} catch {
		json = r.stdout;
	}
	return { code: r.status, json, stderr: r.stderr };
}

describe("sip-intercom parse FILE (hosts/sim/cli.ts)", () => {
	before(() => {
		dir = mkdtempSync(join(tmpdir(), "sip-cli-"));
	});
	after(() => {
		rmSync(dir, { recursive: true, force: true });
	});

	it("prints the summary of a well-formed datagram and exits 0 (§7, §18.3)", () => {
		const r = run(["parse", file("message.sip", MESSAGE)]);
		assert.equal(r.code, 0, r.stderr);
		assert.deepEqual(r.json, {
			kind: "request",
			method: "MESSAGE",
			requestUri: "sip:door@192.0.2.10",
			callId: "3848276298220188511@192.0.2.20",
			cseq: { number: 7, method: "MESSAGE" },
			via: [{ transport: "UDP", sentBy: "192.0.2.20:5060", branch: "z9hG4bK74bf9" }],
			headerCount: 7,
			contentLength: 4,
			bodyLength: 4,
		});
	});

	it("prints the verdict of a malformed message and exits 1 (§8.1.1.5)", () => {
		const wire = "ACK sip:door@192.0.2.10 SIP/2.0\r\n" + DIALOG + "CSeq: 7 INVITE\r\n\r\n";
		const r = run(["parse", file("mismatch.sip", wire)]);
		assert.equal(r.code, 1);
		assert.deepEqual(r.json, { verdict: { status: 400, reason: "Bad CSeq: method INVITE != ACK", errorAt: wire.indexOf("INVITE\r\n") } });
	});

	it("frames as a stream with --stream: Content-Length is mandatory (§18.3)", () => {
		const r = run(["parse", "--stream", file("no-length.sip", "OPTIONS sip:door@192.0.2.10 SIP/2.0\r\n" + DIALOG + "CSeq: 1 OPTIONS\r\n\r\n")]);
		assert.equal(r.code, 1);
		assert.equal((r.json as { verdict: { reason: string } }).verdict.reason, "Missing Content-Length on a stream");
	});

	it("reports a stream message cut short by the end of the file as a verdict, not as status 0 (§18.3)", () => {
		const r = run(["parse", "--stream", file("short.sip", MESSAGE.slice(0, -2))]);
		assert.equal(r.code, 1);
		const verdict = (r.json as { verdict: { status: number; reason: string } }).verdict;
		assert.deepEqual([verdict.status, verdict.reason], [400, "Body shorter than Content-Length"]);
		const headersOnly = run(["parse", "--stream", file("headers.sip", MESSAGE.slice(0, 60))]);
		assert.equal(headersOnly.code, 1);
		assert.equal((headersOnly.json as { verdict: { reason: string } }).verdict.reason, "Header section not terminated");
	});

	it("reads standard input for FILE '-' (§18.3: the bytes as received)", () => {
		const r = run(["parse", "-"], MESSAGE);
		assert.equal(r.code, 0, r.stderr);
		assert.equal((r.json as { method: string }).method, "MESSAGE");
	});

	it("reads a capture larger than the station's maxMessageBytes: the limit is the station's, not the tool's (DESIGN.md §3)", () => {
		const body = "x".repeat(10000);
		const wire = "MESSAGE sip:door@192.0.2.10 SIP/2.0\r\n" + DIALOG + `CSeq: 7 MESSAGE\r\nContent-Length: ${body.length}\r\n\r\n` + body;
		const r = run(["parse", file("large.sip", wire)]);
		assert.equal(r.code, 0, r.stderr);
		assert.equal((r.json as { bodyLength: number }).bodyLength, 10000);
	});

	it("prints its usage and exits 2 without exactly one FILE, and exits 2 on an unreadable one (DESIGN.md §7: the parse tool)", () => {
		const none = run(["parse"]);
		assert.equal(none.code, 2);
		assert.match(none.stderr, /usage: sip-intercom parse/);
		const missing = run(["parse", join(dir, "no-such-file.sip")]);
		assert.equal(missing.code, 2);
		assert.match(missing.stderr, /cannot read/);
	});
});
