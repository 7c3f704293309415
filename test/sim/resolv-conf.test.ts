// The simulator's DNS servers from resolv.conf(5): nameserver lines (MAXNS = 3), options timeout and attempts.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseResolvConf, readResolvConf } from "../../hosts/sim/resolv-conf.js";
import { createSimDns } from "../../hosts/sim/sim-dns.js";
import { NodeClock, NodeRandom } from "../../hosts/sim/node-host.js";
import { TimerWheel } from "../../src/transaction/timer-wheel.js";

describe("resolv.conf: where the simulator's DNS servers come from", () => {
	it("takes the first three nameserver lines, on port 53, in order", () => {
		const c = parseResolvConf(
			"# generated\nsearch example.com\nnameserver 192.0.2.53\nnameserver 2001:db8::53  \nnameserver fe80::1%eth0\nnameserver 198.51.100.53\n",
		);
		assert.deepEqual(c.servers, [
			{ address: "192.0.2.53", port: 53 },
			{ address: "2001:db8::53", port: 53 },
			{ address: "fe80::1%eth0", port: 53 },
		]);
		assert.deepEqual(c.ignored, []);
	});

	it("reads options timeout and attempts, within glibc's limits", () => {
		const c = parseResolvConf("nameserver 127.0.0.53\noptions edns0 timeout:1 attempts:9 rotate\n");
		assert.deepEqual([c.timeoutMs, c.attempts], [1000, 5]);
	});

	it("names the lines it could not use; comments are not lines", () => {
		const c = parseResolvConf("nameserver dns.example.com\nnameserver\n; nameserver 10.0.0.1\nnameserver 10.0.0.2 # office\n");
		assert.deepEqual(c.servers, [{ address: "10.0.0.2", port: 53 }]);
		assert.deepEqual(c.ignored, ["line 1: nameserver dns.example.com", "line 2: nameserver"]);
	});

	it("reads a file, and no file means no servers", () => {
		const dir = mkdtempSync(join(tmpdir(), "resolv-"));
		try {
			writeFileSync(join(dir, "resolv.conf"), "nameserver 127.0.0.1\n");
			assert.deepEqual(readResolvConf(join(dir, "resolv.conf")).servers, [{ address: "127.0.0.1", port: 53 }]);
			assert.deepEqual(readResolvConf(join(dir, "missing")).servers, []);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it("the simulator's resolver takes its servers and options from the file, unless told otherwise", () => {
		const dir = mkdtempSync(join(tmpdir(), "resolv-"));
		const clock = new NodeClock();
		try {
			writeFileSync(join(dir, "resolv.conf"), "nameserver 192.0.2.53\nnameserver bad\noptions timeout:3 attempts:4\n");
			const base = { clock, wheel: new TimerWheel({ capacity: 8, clock }), random: new NodeRandom() };
			const fromFile = createSimDns({ ...base, resolvConf: join(dir, "resolv.conf") });
			assert.deepEqual(fromFile.servers, [{ address: "192.0.2.53", port: 53 }]);
			assert.deepEqual(fromFile.ignored, ["line 2: nameserver bad"]);
			assert.deepEqual([fromFile.client.config.timeoutMs, fromFile.client.config.attempts], [3000, 4]);
			const given = createSimDns({ ...base, resolvConf: join(dir, "resolv.conf"), servers: [{ address: "127.0.0.1", port: 5399 }], config: { timeoutMs: 500 } });
			assert.deepEqual(given.servers, [{ address: "127.0.0.1", port: 5399 }]);
			assert.equal(given.client.config.timeoutMs, 500);
		} finally {
			clock.close();
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
