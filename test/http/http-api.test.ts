// The HTTP API on the virtual host (the real DoorStation, recording sockets as clients): Digest authentication
// (RFC 7616: SHA-256 and MD5, fresh nonces, replays refused, stale nonces), the 2N-style endpoints and envelopes,
// the event stream, and the limits that keep a client from starving the station (RFC 9112, RFC 9110).
import assert from "node:assert/strict";
import { callSlots } from "../../src/intercom/door-station.js";
import { describeEvent, type IntercomEvent } from "../../src/intercom/events.js";
import { HomeLink } from "../../src/home/home-link.js";
import type { HttpServer } from "../../src/http/http-server.js";
import { FixedRandom } from "../media/fixed-random.js";
import { StationHost } from "../intercom/station-host.js";
import { authorization, challengeParams, TestConnection, type Response } from "./http-client.js";

const USER = "admin", PASSWORD = "door-pw";

interface Api {
	readonly s: StationHost;
	readonly server: HttpServer;
	readonly log: string[];
	/** One authenticated GET on a new connection (401 first, then the answer): the final response. */
	get(target: string, o?: { algorithm?: "MD5" | "SHA-256"; password?: string }): Response;
	connect(port?: number): TestConnection;
}

function api(http: Record<string, unknown> = {}, doc: Record<string, unknown> = {}): Api {
	const s = new StationHost({ relays: [{ name: "door", pulseMs: 3000 }, { name: "gate" }], ...doc,
		http: { enabled: true, user: USER, password: PASSWORD, allowOpen: true, allowCalls: true, ...http } });
	const log: string[] = [];
	let home: HomeLink | null = null;
	const sink = { event: (e: IntercomEvent) => {
		log.push(describeEvent(e));
		home?.event(e);
	} };
	home = new HomeLink({ station: s.station, slots: callSlots(s.config), log: sink, wheel: s.host.wheel, clock: s.host.clock, random: new FixedRandom(), connector: null, version: "9.9.9" });
	s.listeners.push((e) => home?.event(e));
	const server = home.http!;
	let port = 41000;
	const a: Api = {
		s, server, log,
		connect: (p = port++) => new TestConnection(server, p),
		get(target, o = {}) {
			const c = a.connect();
			c.send(`GET ${target} HTTP/1.1\r\nHost: door\r\n\r\n`);
			const [challenge] = c.responses();
			assert.equal(challenge.status, 401);
			const offer = challenge.all("WWW-Authenticate").find((v) => v.includes(`algorithm=${o.algorithm ?? "SHA-256"}`)) ?? "";
			c.send(`GET ${target} HTTP/1.1\r\nHost: door\r\nAuthorization: ${authorization(offer, { user: USER, password: o.password ?? PASSWORD, uri: target })}\r\n\r\n`);
			return c.responses()[0];
		},
	};
	return a;
}

describe("HTTP API: Digest authentication (RFC 7616)", () => {
	it("a request without credentials gets 401, two challenges (SHA-256 first, then MD5) sharing a nonce, and 2N's error 9", () => {
		const a = api();
		const c = a.connect();
		c.send("GET /api/switch/status HTTP/1.1\r\nHost: door\r\n\r\n");
		const [r] = c.responses();
		assert.equal(r.status, 401);
		const [sha, md5] = r.all("WWW-Authenticate").map(challengeParams);
		assert.deepEqual([sha.algorithm, sha.qop, sha.realm, md5.algorithm, md5.qop], ["SHA-256", "auth", "sip-intercom", "MD5", "auth"]);
		assert.equal(sha.nonce, md5.nonce);
		assert.match(sha.nonce, /^[0-9a-f]{32}$/);
		assert.deepEqual(r.json(), { success: false, error: { code: 9, description: "authorisation required" } });
		assert.deepEqual(a.log, [], "a first request without credentials is not worth a log line");
	});

	it("answers to either challenge, SHA-256 or MD5, are accepted (RFC 7616 §3.4.1)", () => {
		const a = api();
		for (const algorithm of ["SHA-256", "MD5"] as const) {
			const r = a.get("/api/switch/status", { algorithm });
			assert.equal(r.status, 200, algorithm);
			assert.deepEqual(r.json(), { success: true, result: { switches: [{ switch: 1, name: "door", active: false }, { switch: 2, name: "gate", active: false }] } });
		}
	});

	it("a wrong password gets 401 with a fresh nonce, and a log line without the password", () => {
		const a = api();
		const c = a.connect();
		c.send("GET /api/call/status HTTP/1.1\r\nHost: door\r\n\r\n");
		const challenge = c.responses()[0].all("WWW-Authenticate")[0];
		const first = challengeParams(challenge);
		const auth = authorization(challenge, { user: USER, password: "guess", uri: "/api/call/status" });
		c.send(`GET /api/call/status HTTP/1.1\r\nHost: door\r\nAuthorization: ${auth}\r\n\r\n`);
		const [r] = c.responses();
		assert.equal(r.status, 401);
		assert.notEqual(challengeParams(r.all("WWW-Authenticate")[0]).nonce, first.nonce, "a fresh nonce");
		assert.equal(challengeParams(r.all("WWW-Authenticate")[0]).stale, undefined);
		assert.deepEqual(a.log, ["http: refused 192.0.2.99:41000: 401, wrong password"]);
	});

	it("credentials replayed (same nonce, same nonce count) are refused; a higher count on the same nonce is accepted (RFC 7616 §5.5)", () => {
		const a = api();
		const c = a.connect();
		c.send("GET /api/call/status HTTP/1.1\r\nHost: door\r\n\r\n");
		const challenge = c.responses()[0].all("WWW-Authenticate")[0];
		const once = authorization(challenge, { user: USER, password: PASSWORD, uri: "/api/call/status", nc: 1 });
		c.send(`GET /api/call/status HTTP/1.1\r\nHost: door\r\nAuthorization: ${once}\r\n\r\n`);
		assert.equal(c.responses()[0].status, 200);
		const replay = a.connect();
		replay.send(`GET /api/call/status HTTP/1.1\r\nHost: door\r\nAuthorization: ${once}\r\n\r\n`);
		assert.equal(replay.responses()[0].status, 401);
		assert.match(a.log.at(-1) ?? "", /401, nonce count not above the last one: a replay/);
		c.send(`GET /api/call/status HTTP/1.1\r\nHost: door\r\nAuthorization: ${authorization(challenge, { user: USER, password: PASSWORD, uri: "/api/call/status", nc: 2 })}\r\n\r\n`);
		assert.equal(c.responses()[0].status, 200);
	});

	it("a nonce older than http.nonceSeconds gets 401 stale=true: the client retries without asking for the password (RFC 7616 §3.3)", () => {
		const a = api({ nonceSeconds: 60 });
		const c = a.connect();
		c.send("GET /api/call/status HTTP/1.1\r\nHost: door\r\n\r\n");
		const challenge = c.responses()[0].all("WWW-Authenticate")[0];
		a.s.advance(61_000);
		const later = a.connect(); // the first connection closed after 10 s idle
		later.send(`GET /api/call/status HTTP/1.1\r\nHost: door\r\nAuthorization: ${authorization(challenge, { user: USER, password: PASSWORD, uri: "/api/call/status" })}\r\n\r\n`);
		const [r] = later.responses();
		assert.equal(r.status, 401);
		assert.equal(challengeParams(r.all("WWW-Authenticate")[0]).stale, "true");
	});

	it("credentials for another URI than the request's are refused (RFC 7616 §3.4.6)", () => {
		const a = api();
		const c = a.connect();
		c.send("GET /api/call/status HTTP/1.1\r\nHost: door\r\n\r\n");
		const challenge = c.responses()[0].all("WWW-Authenticate")[0];
		c.send(`GET /api/switch/ctrl?switch=1&action=trigger HTTP/1.1\r\nHost: door\r\nAuthorization: ${authorization(challenge, { user: USER, password: PASSWORD, uri: "/api/call/status" })}\r\n\r\n`);
		assert.equal(c.responses()[0].status, 401);
		assert.equal(a.s.relays[0].level, 0);
		assert.match(a.log.at(-1) ?? "", /uri is not the request-target/);
	});
});

describe("HTTP API: the endpoints (2N-style)", () => {
	it("/api/switch/ctrl?switch=1&action=trigger pulses relay 1 (by http); status shows it active until the pulse ends", () => {
		const a = api();
		assert.deepEqual(a.get("/api/switch/ctrl?switch=1&action=trigger").json(), { success: true });
		assert.equal(a.s.relays[0].level, 1);
		assert.deepEqual(a.s.said("door-opened"), ["door opened: relay door by http"]);
		assert.equal((a.get("/api/switch/status?switch=1").json() as { result: { switches: { active: boolean }[] } }).result.switches[0].active, true);
		a.s.advance(3000);
		assert.equal(a.s.relays[0].level, 0);
	});

	it("switch errors: missing 11, invalid 12 (with the parameter); with http.allowOpen false: 403, function disabled (4), logged", () => {
		const a = api();
		const cases: [string, number, unknown][] = [
			["/api/switch/ctrl?action=trigger", 400, { success: false, error: { code: 11, param: "switch", description: "missing mandatory parameter" } }],
			["/api/switch/ctrl?switch=3&action=trigger", 400, { success: false, error: { code: 12, param: "switch", description: "invalid parameter value: 1-2" } }],
			["/api/switch/ctrl?switch=1", 400, { success: false, error: { code: 11, param: "action", description: "missing mandatory parameter" } }],
			["/api/switch/ctrl?switch=1&action=off", 400, { success: false, error: { code: 12, param: "action", description: "invalid parameter value: trigger (or on)" } }],
		];
		for (const [target, status, json] of cases) {
			const r = a.get(target);
			assert.deepEqual([r.status, r.json()], [status, json], target);
		}
		const b = api({ allowOpen: false });
		const r = b.get("/api/switch/ctrl?switch=1&action=trigger");
		assert.deepEqual([r.status, r.json()], [403, { success: false, error: { code: 4, description: "function is disabled (http.allowOpen)" } }]);
		assert.equal(b.s.relays[0].level, 0);
		assert.match(b.log.at(-1) ?? "", /^http: open relay 1: remote opening is off \(http\.allowOpen\), asked by 192\.0\.2\.99:\d+$/);
	});

	it("/api/call/dial?number=URI calls it (session 1), /api/call/status shows it, /api/call/hangup ends it", () => {
		const a = api({}, { audio: { rtpTimeoutSeconds: 0 } });
		assert.deepEqual(a.get("/api/call/dial?number=sip%3Aflat%40192.0.2.21").json(), { success: true, result: { session: 1 } });
		const inv = a.s.invites()[0];
		assert.equal(inv.uri, "sip:flat@192.0.2.21");
		a.s.answerCall(inv, "f1");
		assert.deepEqual(a.get("/api/call/status").json(), { success: true, result: { state: "in call",
			sessions: [{ session: 1, direction: "outgoing", state: "connected", peer: "sip:flat@192.0.2.21" }] } });
		assert.deepEqual(a.get("/api/call/hangup?session=1").json(), { success: true });
		assert.equal(a.s.host.requests("BYE").length, 1);
	});

	it("dial errors: no number (11), not a SIP URI (12), a call already up (the station's reason); http.allowCalls false: 403", () => {
		const a = api();
		assert.equal((a.get("/api/call/dial").json() as { error: { code: number } }).error.code, 11);
		assert.equal((a.get("/api/call/dial?number=1234").json() as { error: { code: number } }).error.code, 12);
		a.get("/api/call/dial?number=sip:flat@192.0.2.21");
		const busy = a.get("/api/call/dial?number=sip:other@192.0.2.22");
		assert.deepEqual([busy.status, busy.json()], [409, { success: false, error: { code: 14, description: "a call is in progress" } }]);
		const b = api({ allowCalls: false });
		assert.equal(b.get("/api/call/dial?number=sip:flat@192.0.2.21").status, 403);
		assert.equal(b.get("/api/call/hangup").status, 403);
		assert.equal(b.s.invites().length, 0);
	});

	it("an unknown path is 404 (2N code 2); a method other than GET is 405 with Allow: GET (code 3)", () => {
		const a = api();
		const r = a.get("/api/nothing");
		assert.deepEqual([r.status, r.json()], [404, { success: false, error: { code: 2, description: "invalid request path" } }]);
		const c = a.connect();
		c.send("DELETE /api/call/status HTTP/1.1\r\nHost: door\r\n\r\n");
		const [m] = c.responses();
		assert.deepEqual([m.status, m.header("Allow"), (m.json() as { error: { code: number } }).error.code], [405, "GET", 3]);
	});

	it("/api/system/info names the firmware", () => {
		assert.deepEqual(api().get("/api/system/info").json(), { success: true, result: { variant: "SIP door station", swVersion: "9.9.9", deviceName: "Door station", sipUser: "door" } });
	});
});

describe("HTTP API: the event stream (Server-Sent Events)", () => {
	it("streams the MQTT events: a ring at the press, the call state, a relay's state, a door opening", () => {
		const a = api({}, { callList: { targets: ["sip:flat@192.0.2.21"] } });
		const c = a.connect();
		c.send("GET /api/events HTTP/1.1\r\nHost: door\r\n\r\n");
		const challenge = c.responses()[0].all("WWW-Authenticate")[0];
		c.send(`GET /api/events HTTP/1.1\r\nHost: door\r\nAuthorization: ${authorization(challenge, { user: USER, password: PASSWORD, uri: "/api/events" })}\r\n\r\n`);
		assert.match(c.text(), /^HTTP\/1\.1 200 OK\r\nContent-Type: text\/event-stream\r\n/);
		a.s.press();
		assert.equal(c.text(), 'event: doorbell\ndata: {"event_type":"ring","button":1}\n\nevent: call\ndata: {"state":"calling"}\n\n');
		a.get("/api/switch/ctrl?switch=2&action=trigger");
		assert.equal(c.text(), 'event: relay\ndata: {"relay":2,"name":"gate","state":"ON"}\n\nevent: door\ndata: {"event_type":"opened","relay":2,"name":"gate","by":"http"}\n\n');
		a.s.advance(25_000);
		assert.match(c.text(), /: keep-alive\n\n/);
	});

	it("at most http.maxEventStreams streams: one more is 503", () => {
		const a = api({ maxConnections: 3, maxEventStreams: 1 });
		const streams = [a.get("/api/events"), a.get("/api/events")];
		assert.deepEqual(streams.map((r) => r.status), [200, 503]);
	});
});

describe("HTTP API: limits (a client cannot starve the station)", () => {
	it("connections beyond http.maxConnections are answered 503 (Retry-After) and closed; a slot frees when one closes", () => {
		const a = api({ maxConnections: 2, maxEventStreams: 1 });
		const held = [a.connect(), a.connect()];
		const third = a.connect();
		assert.equal(third.user, null);
		const [r] = third.responses();
		assert.deepEqual([r.status, r.header("Retry-After"), third.socket.closed], [503, "5", true]);
		held[0].user?.onClosed(false);
		assert.notEqual(a.connect().user, null);
	});

	it("a head not complete within 10 s is 408 and closed; an idle persistent connection closes quietly", () => {
		const a = api();
		const slow = a.connect();
		slow.send("GET /api/call/status HTTP/1.1\r\nHo");
		const idle = a.connect();
		a.s.advance(10_000);
		assert.equal(slow.responses()[0].status, 408);
		assert.equal(slow.socket.closed, true);
		assert.equal(idle.text(), "");
		assert.equal(idle.socket.closed, true);
		assert.equal(a.server.open, 0);
	});

	it("an oversized head is 431, an oversized target 414, a body 413 — each closes the connection", () => {
		const a = api();
		for (const [text, status] of [[`GET / HTTP/1.1\r\nHost: d\r\nX-Pad: ${"p".repeat(4000)}\r\n\r\n`, 431], [`GET /${"a".repeat(4000)} HTTP/1.1\r\n\r\n`, 414],
			["POST /api/call/hangup HTTP/1.1\r\nHost: d\r\nContent-Length: 10\r\n\r\n0123456789", 413]] as const) {
			const c = a.connect();
			c.send(text);
			const [r] = c.responses();
			assert.deepEqual([r.status, c.socket.closed], [status, true], text.slice(0, 30));
			assert.equal((r.json() as { error: { code: number } }).error.code, status === 413 || status === 414 || status === 431 ? 13 : 0);
		}
	});

	it("pipelined requests on one connection are answered in order (RFC 9112 §9.3.2)", () => {
		const a = api();
		const c = a.connect();
		c.send("GET /api/call/status HTTP/1.1\r\nHost: door\r\n\r\nGET /api/switch/status HTTP/1.1\r\nHost: door\r\n\r\n");
		assert.deepEqual(c.responses().map((r) => r.status), [401, 401]);
	});
});
