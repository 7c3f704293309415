// The simulated station's HTTP API with curl as the client (`curl --digest`, RFC 7616): every endpoint, a wrong password
// (401 with a fresh nonce), a replayed Authorization (refused), oversized requests (414, 431), a full server (503), and
// the event stream delivering a ring within 100 ms of the press.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { connect, type Socket } from "node:net";
import { parseStationConfig } from "../../src/intercom/config.js";
import { SimStation } from "../../hosts/sim/station.js";
import { freePort, freeRtpPorts, LOOPBACK, type Peer, requirePeer, sleep } from "./peers.js";

const CURL: Peer = Object.freeze({ program: "curl", debianPackage: "curl" });
const USER = "admin", PASSWORD = "api-secret-5521";

interface Curl {
	readonly status: number;
	readonly body: string;
	/** curl -v's trace: "> " request lines, "< " response lines. */
	readonly trace: string;
	json(): unknown;
}

/** Run curl (always -sS, -v for the trace, -w for the status). */
function curl(args: readonly string[]): Promise<Curl> {
	return new Promise((resolve, reject) => {
		const child = spawn("curl", ["-sS", "-v", "--max-time", "10", "-w", "\n%{http_code}", ...args], { stdio: ["ignore", "pipe", "pipe"] });
		let out = "", err = "";
		child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
		child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
		child.once("error", reject);
		child.once("close", () => {
			const cut = out.lastIndexOf("\n");
			const body = out.slice(0, cut);
			resolve({ status: Number(out.slice(cut + 1)), body, trace: err, json: () => JSON.parse(body) });
		});
	});
}

const nonces = (trace: string) => [...trace.matchAll(/^< WWW-Authenticate: Digest .*nonce="([0-9a-f]+)"/gim)].map((m) => m[1]);

describe("HTTP API with curl --digest (interop)", function () {
	this.timeout(30_000);
	let station: SimStation | null = null;
	let base = "";
	const lines: string[] = [];
	const auth = ["--digest", "-u", `${USER}:${PASSWORD}`];

	before(async function () {
		requirePeer(this, CURL);
		const port = await freePort();
		const result = parseStationConfig({
			sip: { port: 0, rtpPort: await freeRtpPorts(6) },
			relays: [{ name: "door", pulseMs: 400 }],
			callLimits: { maxCallSeconds: 0 },
			http: { enabled: true, port, user: USER, password: PASSWORD, allowOpen: true, allowCalls: true, maxConnections: 4, maxEventStreams: 1 },
		});
		if (!result.ok) throw new Error(result.errors.join("\n"));
		station = await SimStation.start({ address: LOOPBACK, config: result.config, trace: false, log: (l) => lines.push(l) });
		base = `http://${LOOPBACK}:${port}`;
	});

	after(async () => {
		await station?.stop(0);
	});

	it("GET /api/switch/status, /api/switch/ctrl (the relay pulses), /api/call/status, /api/system/info — each behind one 401", async () => {
		const status = await curl([...auth, `${base}/api/switch/status`]);
		assert.equal(status.status, 200, status.trace);
		assert.deepEqual(status.json(), { success: true, result: { switches: [{ switch: 1, name: "door", active: false }] } });
		assert.equal([...status.trace.matchAll(/^< HTTP\/1\.1 401 /gm)].length, 1, "one challenge, then the answer");
		assert.deepEqual(nonces(status.trace).map((n, i, all) => n === all[0]), [true, true], "SHA-256 and MD5 challenges share one nonce");
		assert.match(status.trace, /^> Authorization: Digest username="admin", realm="sip-intercom", nonce="[0-9a-f]{32}", uri="\/api\/switch\/status", .*qop=auth/im);
		assert.match(status.trace, /^> Authorization: .*algorithm=SHA-256/im, "curl takes the first (SHA-256) challenge");
		const ctrl = await curl([...auth, `${base}/api/switch/ctrl?switch=1&action=trigger`]);
		assert.deepEqual([ctrl.status, ctrl.json()], [200, { success: true }]);
		assert.equal(station!.relays[0].read(), 1);
		assert.deepEqual((await curl([...auth, `${base}/api/switch/status`])).json(), { success: true, result: { switches: [{ switch: 1, name: "door", active: true }] } });
		await sleep(600);
		assert.equal(station!.relays[0].read(), 0);
		assert.deepEqual((await curl([...auth, `${base}/api/call/status`])).json(), { success: true, result: { state: "idle", sessions: [] } });
		assert.equal(((await curl([...auth, `${base}/api/system/info`])).json() as { result: { variant: string } }).result.variant, "SIP door station");
		assert.ok(lines.includes("door opened: relay door by http"), lines.join("\n"));
	});

	it("GET /api/call/dial?number=URI calls it, /api/call/status shows the session, /api/call/hangup is accepted", async () => {
		const nobody = await freePort();
		const dial = await curl([...auth, `${base}/api/call/dial?number=sip:flat@${LOOPBACK}:${nobody}`]);
		assert.deepEqual([dial.status, dial.json()], [200, { success: true, result: { session: 1 } }], dial.body);
		const calls = await curl([...auth, `${base}/api/call/status`]);
		assert.deepEqual(calls.json(), { success: true, result: { state: "calling",
			sessions: [{ session: 1, direction: "outgoing", state: "connecting", peer: `sip:flat@${LOOPBACK}:${nobody}` }] } });
		// Nothing answers there: the INVITE cannot be cancelled before a provisional response (RFC 3261 §9.1); the UA ends it then.
		assert.deepEqual((await curl([...auth, `${base}/api/call/hangup`])).json(), { success: true });
	});

	it("a wrong password: 401, and the second challenge carries a fresh nonce; the password is not logged", async () => {
		const r = await curl(["--digest", "-u", `${USER}:not-it`, `${base}/api/call/status`]);
		assert.equal(r.status, 401);
		const all = nonces(r.trace), first = all[0], second = all[all.length - 1];
		assert.ok(first !== undefined && second !== undefined && first !== second, r.trace);
		assert.deepEqual(r.json(), { success: false, error: { code: 9, description: "authorisation required" } });
		assert.ok(lines.some((l) => /^http: refused 127\.0\.0\.1:\d+: 401, wrong password$/.test(l)));
		assert.ok(!lines.join("\n").includes("not-it") && !lines.join("\n").includes(PASSWORD));
	});

	it("an Authorization header replayed (same nonce, same nc) is refused", async () => {
		const ok = await curl([...auth, `${base}/api/call/status`]);
		assert.equal(ok.status, 200);
		const header = /^> Authorization: (Digest .*)$/im.exec(ok.trace)?.[1].trim();
		assert.ok(header !== undefined, ok.trace);
		const replay = await curl(["-H", `Authorization: ${header}`, `${base}/api/call/status`]);
		assert.equal(replay.status, 401);
		assert.ok(lines.some((l) => /401, nonce count not above the last one: a replay/.test(l)));
	});

	it("an oversized request is refused: a long target 414, a long head 431", async () => {
		const longTarget = await curl([...auth, `${base}/api/call/status?x=${"a".repeat(3000)}`]);
		assert.equal(longTarget.status, 414);
		const longHead = await curl([...auth, "-H", `X-Pad: ${"p".repeat(3000)}`, `${base}/api/call/status`]);
		assert.equal(longHead.status, 431);
		assert.equal((longHead.json() as { error: { code: number } }).error.code, 13);
	});

	it("with every connection taken, curl gets 503; once they close, it is served", async () => {
		const held: Socket[] = [];
		for (let i = 0; i < 4; i++) {
			const s = connect({ host: LOOPBACK, port: Number(new URL(base).port) });
			await new Promise((r) => s.once("connect", r));
			held.push(s);
		}
		await sleep(50);
		const refused = await curl([...auth, `${base}/api/call/status`]);
		assert.equal(refused.status, 503);
		for (const s of held) s.destroy();
		await sleep(100);
		assert.equal((await curl([...auth, `${base}/api/call/status`])).status, 200);
	});

	it("the event stream delivers a ring within 100 ms of the press", async () => {
		const child: ChildProcess = spawn("curl", ["-sS", "-N", ...auth, `${base}/api/events`], { stdio: ["ignore", "pipe", "pipe"] });
		try {
			let text = "";
			const arrived: { at: number; text: string }[] = [];
			child.stdout!.setEncoding("utf8").on("data", (d: string) => {
				text += d;
				arrived.push({ at: performance.now(), text: d });
			});
			const until = performance.now() + 5000;
			while (!text.includes("retry:") && performance.now() < until) await sleep(10);
			assert.match(text, /^: events\nretry: 2000\n\n/);
			let pressedAt = 0;
			station!.onEvent((e) => {
				if (e.type === "button" && e.action === "press" && pressedAt === 0) pressedAt = performance.now();
			});
			station!.command("hold 100");
			const stop = performance.now() + 3000;
			while (!text.includes("event: doorbell") && performance.now() < stop) await sleep(2);
			const ring = arrived.find((a) => a.text.includes("event: doorbell"));
			assert.ok(ring !== undefined && pressedAt > 0, text);
			assert.match(text, /event: doorbell\ndata: \{"event_type":"ring","button":1\}\n\n/);
			assert.ok(ring.at - pressedAt < 100, `ring after ${(ring.at - pressedAt).toFixed(1)} ms`);
			const second = await curl([...auth, `${base}/api/events`]);
			assert.equal(second.status, 503, "http.maxEventStreams is 1");
		} finally {
			child.kill("SIGTERM");
		}
	});
});
