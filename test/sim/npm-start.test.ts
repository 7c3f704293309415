// `npm start` with the web panel: its options (--http-port, --http-address, --indoor-port, --no-panel), one URL
// printed, and standard input still driving the door station — and the indoor station with `indoor ...` lines.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseStationArgs, type StationArgs } from "../../hosts/sim/station-args.js";
import { freePort } from "../interop/peers.js";

const MAIN = fileURLToPath(new URL("../../hosts/sim/main.js", import.meta.url));

describe("npm start: the web panel's options", () => {
	it("by default: the panel on 127.0.0.1:8080, the indoor station on 5090; the document kept for the indoor station's wiring", () => {
		const a = parseStationArgs([], () => {}, {}) as StationArgs;
		assert.deepEqual(a.panel, { httpAddress: "127.0.0.1", httpPort: 8080, indoorPort: 5090 });
		assert.deepEqual(a.document.incoming, { allow: ["*"] });
	});

	it("--http-port, --http-address, --indoor-port are read; --no-panel has none", () => {
		const a = parseStationArgs(["--http-port", "9000", "--http-address=::1", "--indoor-port", "5999"], () => {}, {}) as StationArgs;
		assert.deepEqual(a.panel, { httpAddress: "::1", httpPort: 9000, indoorPort: 5999 });
		assert.equal((parseStationArgs(["--no-panel"], () => {}, {}) as StationArgs).panel, null);
	});

	it("names the option and what it expects for a bad value", () => {
		assert.throws(() => parseStationArgs(["--http-address", "localhost"], () => {}, {}), /--http-address: expected an IP address \(e\.g\. 127\.0\.0\.1\), got "localhost"/);
		assert.throws(() => parseStationArgs(["--http-port", "70000"], () => {}, {}), /--http-port: expected a whole number 0-65535, got "70000"/);
		assert.throws(() => parseStationArgs(["--indoor-port", "x"], () => {}, {}), /--indoor-port: expected a whole number 0-65535, got "x"/);
	});
});

describe("npm start: standard input with the panel running", function () {
	this.timeout(30000);

	it("prints one URL; press / release ring the indoor station, `indoor answer` and `indoor open info` open the door, quit stops", async () => {
		const args = [MAIN, "--port", String(await freePort()), "--indoor-port", String(await freePort()), "--http-port", "0"];
		const child = spawn(process.execPath, args, { stdio: ["pipe", "pipe", "pipe"] });
		let out = "";
		const waiters: { re: RegExp; resolve: () => void }[] = [];
		const take = (d: Buffer) => {
			out += d.toString();
			for (const w of waiters.splice(0)) if (w.re.test(out)) w.resolve();
			else waiters.push(w);
		};
		child.stdout.on("data", take);
		child.stderr.on("data", take);
		const exited = new Promise<number | null>((resolve) => child.once("close", resolve));
		const until = (re: RegExp, ms = 8000) => new Promise<void>((resolve, reject) => {
			if (re.test(out)) return resolve();
			const t = setTimeout(() => reject(new Error(`no ${re} within ${ms} ms:\n${out}`)), ms);
			waiters.push({ re, resolve: () => (clearTimeout(t), resolve()) });
		});
		const type = (line: string) => child.stdin.write(`${line}\n`);
		try {
			await until(/panel: http:\/\/127\.0\.0\.1:\d+\//);
			assert.equal((out.match(/https?:\/\//g) ?? []).length, 1, out);
			type("press");
			await new Promise((r) => setTimeout(r, 120));
			type("release");
			await until(/indoor station: ringing: call from <sip:door@127\.0\.0\.1>/);
			type("indoor answer");
			await until(/call 0: answered by <?sip:flat@127\.0\.0\.1:\d+/);
			type("indoor open info");
			await until(/door opened: relay door by code from sip:flat@127\.0\.0\.1:\d+/);
			type("indoor bogus");
			await until(/indoor station: unknown command "bogus"/);
			type("quit");
			assert.equal(await exited, 0, out);
			assert.match(out, /call 0: ended: local hangup/);
		} finally {
			child.kill("SIGKILL");
		}
	});
});
