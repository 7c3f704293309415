// The interop peers prove themselves, with the real programs and no project code on the wire: kamailio
// (test/interop/kamailio.ts) enforces its policy, two baresip UAs (baresip.ts) register through its 401 and call
// each other through its 407, and tshark (capture.ts) finds that call clean but does flag a capture with crafted
// defects (the negative control: the analyser is not blind). Ports: kamailio 5060, alice 5071/5072, bob 5073/5074.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import { Baresip, ALICE_SIP_PORT, BOB_SIP_PORT, checkTone, readWav } from "./baresip.js";
import { Capture, describeIssues, type CaptureIssue } from "./capture.js";
import { stopLeftoverPeers } from "./child.js";
import { ALICE, BOB, Kamailio, REALM } from "./kamailio.js";
import { BARESIP, KAMAILIO, LOOPBACK, TSHARK, Wakeup, freePort, requirePeer, sleep } from "./peers.js";

const CALL_MS = 3000;

/** A UDP socket on 127.0.0.1 for hand-made SIP: send text, read the datagrams that come back. */
class RawSip {
	readonly #socket: Socket;
	readonly #inbox: string[] = [];
	readonly #arrival = new Wakeup();

	private constructor(socket: Socket) {
		this.#socket = socket;
		socket.on("message", (msg) => {
			this.#inbox.push(msg.toString("latin1"));
			this.#arrival.wake();
		});
	}
	static open(port = 0): Promise<RawSip> {
		return new Promise((resolve, reject) => {
			const s = createSocket("udp4");
			s.once("error", reject);
			s.bind({ address: LOOPBACK, port }, () => resolve(new RawSip(s)));
		});
	}
	get port(): number {
		return this.#socket.address().port;
	}
	send(text: string | Buffer, port: number): Promise<void> {
		return new Promise((resolve, reject) => this.#socket.send(text, port, LOOPBACK, (err) => (err ? reject(err) : resolve())));
	}
	/** The next datagram whose first line matches `firstLine` (others are dropped); rejects after `timeoutMs`. */
	async next(firstLine: RegExp, timeoutMs: number): Promise<string> {
		const until = performance.now() + timeoutMs;
		for (;;) {
			const text = this.#inbox.shift();
			if (text !== undefined) {
				if (firstLine.test(text.split("\r\n")[0])) return text;
				continue;
			}
			const left = until - performance.now();
			if (left <= 0) throw new Error(`no datagram matching ${firstLine} within ${timeoutMs} ms`);
			await this.#arrival.wait(left);
		}
	}
	close(): void {
		this.#socket.close();
	}
}

function header(text: string, name: string): string {
	return new RegExp(`\\r\\n${name}:[ \\t]*([^\\r\\n]*)`, "i").exec(text)?.[1] ?? "";
}
function md5(s: string): string {
	return createHash("md5").update(s).digest("hex");
}

/** A request from `raw` with a fresh branch; `from` is a full SIP URI. */
function request(raw: RawSip, method: string, ruri: string, from: string, extra: string[] = [], callId = randomBytes(6).toString("hex"), cseq = 1): string {
	return [
		`${method} ${ruri} SIP/2.0`,
		`Via: SIP/2.0/UDP ${LOOPBACK}:${raw.port};rport;branch=z9hG4bK-self-${randomBytes(6).toString("hex")}`,
		"Max-Forwards: 70",
		`From: <${from}>;tag=${randomBytes(4).toString("hex")}`,
		`To: <${method === "REGISTER" ? from : ruri}>`,
		`Call-ID: ${callId}@selftest`,
		`CSeq: ${cseq} ${method}`,
		`Contact: <sip:selftest@${LOOPBACK}:${raw.port}>`,
		...extra,
		"Content-Length: 0",
		"", "",
	].join("\r\n");
}

/** RFC 2617 digest (qop=auth, MD5) answering a challenge header's realm and nonce. */
function digest(challenge: string, user: string, password: string, method: string, uri: string): string {
	const realm = /realm="([^"]*)"/.exec(challenge)?.[1] ?? "";
	const nonce = /nonce="([^"]*)"/.exec(challenge)?.[1] ?? "";
	const cnonce = randomBytes(4).toString("hex");
	const nc = "00000001";
	const response = md5(`${md5(`${user}:${realm}:${password}`)}:${nonce}:${nc}:${cnonce}:auth:${md5(`${method}:${uri}`)}`);
	return `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, cnonce="${cnonce}", qop=auth, nc=${nc}`;
}

/** The answer to a request built by `request`, naming the request for messages. */
async function exchange(raw: RawSip, kamailio: Kamailio, text: string): Promise<string> {
	await raw.send(text, kamailio.port);
	try {
		return await raw.next(/^SIP\/2\.0 [1-6]\d\d /, 2000).then(async (first) => (/^SIP\/2\.0 1\d\d /.test(first) ? raw.next(/^SIP\/2\.0 [2-6]\d\d /, 3000) : first));
	} catch (err) {
		throw new Error(`${(err as Error).message}: ${text.split("\r\n")[0]}\n${kamailio.describe()}`);
	}
}

/** A peer an earlier test of this file started (each test needs the ones before it). */
function need<T>(peer: T | null, what: string): T {
	if (peer === null) throw new Error(`${what} is not running: an earlier test or hook of this file failed`);
	return peer;
}

// Wall time when all is well: about 12 s (tshark takes 2 s to start, each analysis 1-2 s). The timeouts below
// add up to about 60 s, so a hung peer cannot hold the suite much longer.
describe("Interop peers self-test: kamailio, baresip and tshark on 127.0.0.1 (no project UA)", function () {
	this.timeout(6000);

	let kamailio: Kamailio | null = null;
	let alice: Baresip | null = null;
	let bob: Baresip | null = null;
	let capture: Capture | null = null;
	let baresipBinary = "";
	let tshark = "";
	let failed = false;

	before(async function () {
		this.timeout(6000);
		const kamailioBinary = requirePeer(this, KAMAILIO);
		baresipBinary = requirePeer(this, BARESIP);
		tshark = requirePeer(this, TSHARK);
		kamailio = await Kamailio.start(kamailioBinary, { startTimeoutMs: 5000 });
	});

	afterEach(function () {
		if (this.currentTest?.state === "failed") failed = true;
	});

	after(async function () {
		this.timeout(10000);
		// the UAs first: their quit un-REGISTERs with kamailio
		await Promise.all([alice?.stop(failed), bob?.stop(failed)]);
		await capture?.discard(failed);
		await kamailio?.stop(failed);
		const leftovers = await stopLeftoverPeers();
		assert.deepEqual(leftovers, [], "every peer was stopped by its own helper");
	});

	it("kamailio answers OPTIONS, challenges REGISTER (401) and a local user's INVITE (407), finds no unregistered user, and relays nothing outside 127/8", async () => {
		const k = need(kamailio, "kamailio");
		const raw = await RawSip.open();
		try {
			assert.match((await k.probe(1000, "udp")) ?? "no answer over UDP", /^SIP\/2\.0 200 /);
			assert.match((await k.probe(1000, "tcp")) ?? "no answer over TCP", /^SIP\/2\.0 200 /);

			const reg = await exchange(raw, k, request(raw, "REGISTER", `sip:${LOOPBACK}`, `sip:alice@${LOOPBACK}`));
			assert.match(reg, /^SIP\/2\.0 401 /);
			assert.match(header(reg, "WWW-Authenticate"), new RegExp(`^Digest realm="${REALM.replace(".", "\\.")}", nonce="[^"]+", qop="auth"`));

			const callId = randomBytes(6).toString("hex");
			const invite = await exchange(raw, k, request(raw, "INVITE", `sip:alice@${LOOPBACK}`, `sip:bob@${LOOPBACK}`, [], callId));
			assert.match(invite, /^SIP\/2\.0 407 /);
			const challenge = header(invite, "Proxy-Authenticate");
			assert.match(challenge, new RegExp(`realm="${REALM.replace(".", "\\.")}"`));

			// a caller that is not one of our users may reach our users (alice is not registered yet: 404) ...
			const visitor = `sip:visitor@${LOOPBACK}:5099`;
			assert.match(await exchange(raw, k, request(raw, "INVITE", `sip:alice@${LOOPBACK}`, visitor)), /^SIP\/2\.0 404 /);
			// ... and nothing else
			assert.match(await exchange(raw, k, request(raw, "INVITE", `sip:x@${LOOPBACK}:5999`, visitor)), /^SIP\/2\.0 403 /);

			// an authenticated user may use the loopback gateway, but never towards a host outside 127.0.0.0/8
			const outside = "sip:someone@192.0.2.7:5060";
			const first = await exchange(raw, k, request(raw, "INVITE", outside, `sip:bob@${LOOPBACK}`, [], callId + "x"));
			assert.match(first, /^SIP\/2\.0 407 /);
			const credentials = digest(header(first, "Proxy-Authenticate"), BOB.user, BOB.password, "INVITE", outside);
			const fenced = await exchange(raw, k, request(raw, "INVITE", outside, `sip:bob@${LOOPBACK}`, [`Proxy-Authorization: ${credentials}`], callId + "x", 2));
			assert.match(fenced, /^SIP\/2\.0 403 Next Hop Outside 127\.0\.0\.0\/8/, k.describe());

			await k.waitForEvent("REFUSED", (e) => e.fields.reason === "not-loopback" && e.fields.hop === "192.0.2.7", 1000);
			assert.ok(k.events("AUTHENTICATED").some((e) => e.fields.user === "bob"), `the digest computed here was accepted\n${k.describe()}`);
			assert.ok(k.events("REFUSED").some((e) => e.fields.reason === "foreign-relay"), k.describe());
			assert.ok(k.events("UNREACHABLE").some((e) => e.fields.aor === `sip:alice@${LOOPBACK}`), k.describe());
			assert.equal(k.events("RELAY").length, 0, "nothing was forwarded");
		} finally {
			raw.close();
		}
	});

	it("alice (5071) and bob (5073) register through kamailio's 401 challenge", async function () {
		this.timeout(8000); // tshark needs 2 s to start
		const k = need(kamailio, "kamailio");
		capture = await Capture.start(tshark, { name: "selftest-call" });
		const mark = k.mark();
		// each UA is kept as soon as it runs, so that after() stops it even when the other fails to start
		const started = await Promise.allSettled([
			Baresip.start(baresipBinary, { user: ALICE, sipPort: ALICE_SIP_PORT }).then((ua) => (alice = ua)),
			Baresip.start(baresipBinary, { user: BOB, sipPort: BOB_SIP_PORT }).then((ua) => (bob = ua)),
		]);
		for (const s of started) if (s.status === "rejected") throw s.reason;
		if (alice === null || bob === null) throw new Error("unreachable: both UAs started");
		const [aliceLine, bobLine] = await Promise.all([alice.waitRegistered(5000), bob.waitRegistered(5000)]);
		assert.match(aliceLine, /sip:alice@127\.0\.0\.1.*OK/);
		assert.match(bobLine, /sip:bob@127\.0\.0\.1.*OK/);

		for (const user of ["alice", "bob"]) {
			const challenged = k.events("CHALLENGE", mark).filter((e) => e.fields.code === "401" && e.fields.user === user);
			const registered = k.events("REGISTERED", mark).filter((e) => e.fields.user === user);
			assert.ok(challenged.length >= 1, `kamailio challenged ${user}'s REGISTER\n${k.describe()}`);
			assert.equal(registered.length, 1, `kamailio saved ${user}'s contact once\n${k.describe()}`);
		}
		const table = await k.registrations();
		const contacts = Object.fromEntries(table.map((r) => [r.aor, r.contact]));
		assert.match(contacts.alice ?? "", /^sip:alice-[^@]*@127\.0\.0\.1:5071$/, JSON.stringify(table));
		assert.match(contacts.bob ?? "", /^sip:bob-[^@]*@127\.0\.0\.1:5073$/, JSON.stringify(table));
		assert.ok(table.every((r) => r.expires !== null && r.expires > 500 && r.transport === "udp"), JSON.stringify(table));
	});

	it(`bob calls alice through kamailio (407 on the INVITE, record-route), alice auto-answers, ${CALL_MS / 1000} s of tone each way, bob hangs up, both see the call closed`, async function () {
		this.timeout(CALL_MS + 8000);
		const k = need(kamailio, "kamailio"), a = need(alice, "alice"), b = need(bob, "bob");
		const mark = k.mark();
		await b.dial(`sip:alice@${LOOPBACK}`);
		const [outgoing, incoming] = await Promise.all([
			b.waitEvent("CALL_ESTABLISHED", 8000, (e) => e.direction === "outgoing"),
			// answermode=auto: no CALL_INCOMING, only CALL_ESTABLISHED with direction "incoming"
			a.waitEvent("CALL_ESTABLISHED", 8000, (e) => e.direction === "incoming"),
		]);
		assert.equal(outgoing.peeruri, `sip:alice@${LOOPBACK}`);
		assert.equal(incoming.peeruri, `sip:bob@${LOOPBACK}`);

		await sleep(CALL_MS);
		assert.ok(!b.events.some((e) => e.type === "CALL_CLOSED") && !a.events.some((e) => e.type === "CALL_CLOSED"), "the call held for its whole length");
		await b.hangup();
		const [bobClosed, aliceClosed] = await Promise.all([b.waitEvent("CALL_CLOSED", 5000), a.waitEvent("CALL_CLOSED", 5000)]);
		assert.match(aliceClosed.param ?? "", /peer/i, `alice: closed by the far end (${aliceClosed.param})`);
		assert.match(a.log, /\nBYE sip:alice-[^@]*@127\.0\.0\.1:5071 SIP\/2\.0\r?\n/, "alice received bob's BYE");
		assert.equal(bobClosed.direction, "outgoing");

		const challenged = k.events("CHALLENGE", mark).find((e) => e.fields.code === "407" && e.fields.method === "INVITE" && e.fields.user === "bob");
		assert.ok(challenged !== undefined, `kamailio challenged bob's INVITE with 407\n${k.describe()}`);
		assert.ok(k.events("AUTHENTICATED", mark).some((e) => e.fields.method === "INVITE" && e.fields.user === "bob"), k.describe());
		const located = k.events("LOCATION", mark).find((e) => e.fields.method === "INVITE");
		assert.match(located?.fields.target ?? "", /^sip:alice-[^@]*@127\.0\.0\.1:5071$/, `INVITE sent to alice's registered contact\n${k.describe()}`);
		assert.ok(k.events("RELAY", mark).some((e) => e.fields.method === "BYE"), `the BYE came through kamailio (record-route)\n${k.describe()}`);
		assert.match(a.log, /\r?\nRecord-Route: <sip:127\.0\.0\.1;lr>/, "alice's INVITE carried kamailio's Record-Route");
		assert.match(b.log, /Proxy-Authorization: Digest username="bob"/, "bob answered the 407");

		// each side's recording of what it received holds the other's 1 kHz tone for (nearly) the whole call
		await sleep(200); // sndfile closes its files as the call's audio stops
		for (const [ua, from] of [[a, "bob"], [b, "alice"]] as const) {
			const files = ua.recordings().received;
			assert.equal(files.length, 1, `${ua.user} recorded one received stream: ${files.join(", ")}`);
			const tone = checkTone(readWav(files[0]), 1000);
			assert.ok(tone.seconds >= CALL_MS / 1000 - 0.5, `${ua.user}'s recording lasts ${tone.seconds.toFixed(2)} s`);
			assert.ok(tone.toneFrames * 0.02 >= CALL_MS / 1000 - 0.5 && tone.fraction >= 0.8,
				`${ua.user} received ${from}'s tone in ${tone.toneFrames} of ${tone.frames} frames (${(tone.fraction * 100).toFixed(1)} %)`);
		}
	});

	it("the capture of the registrations and the call holds SIP, SDP and RTP, and tshark finds nothing malformed and no expert warning", async function () {
		this.timeout(8000);
		const report = await need(capture, "the capture").analyse();
		const p = report.protocolFrames;
		assert.ok((p.sip ?? 0) >= 12, `SIP frames: ${p.sip} (REGISTER ×4 and answers, INVITE/407/ACK/INVITE/100/180/200/ACK, BYE/200)`);
		assert.ok((p.sdp ?? 0) >= 2, `SDP offer and answer: ${p.sdp}`);
		assert.ok((p.rtp ?? 0) >= 2 * 40 * (CALL_MS / 1000), `RTP frames (50/s each way): ${p.rtp}`);
		assert.deepEqual(report.issues, [], `${report.file}:\n${describeIssues(report.issues)}`);
		process.stdout.write(`        capture: ${report.frames} frames (${Object.entries(p).filter(([k]) => ["sip", "sdp", "rtp", "rtcp"].includes(k)).map(([k, v]) => `${k} ${v}`).join(", ")}), ${report.notes.length} notes\n`);
	});

	it("kamailio relays an authenticated user's INVITE to a loopback gateway sip:x@127.0.0.1:port, record-routed", async () => {
		const k = need(kamailio, "kamailio"), b = need(bob, "bob");
		const gateway = await RawSip.open(await freePort());
		try {
			await b.dial(`sip:gate@${LOOPBACK}:${gateway.port}`);
			const invite = await gateway.next(/^INVITE /, 5000);
			assert.match(invite.split("\r\n")[0], new RegExp(`^INVITE sip:gate@127\\.0\\.0\\.1:${gateway.port} SIP/2\\.0$`));
			assert.match(header(invite, "Record-Route"), /^<sip:127\.0\.0\.1;lr>$/);
			assert.match(header(invite, "Via"), /^SIP\/2\.0\/UDP 127\.0\.0\.1(:5060)?;branch=/, "kamailio's Via on top");
			const busy = [
				"SIP/2.0 486 Busy Here",
				...invite.split("\r\n").filter((l) => /^(Via|From|Call-ID|CSeq|Record-Route):/i.test(l)),
				`To: ${header(invite, "To")};tag=gw${randomBytes(4).toString("hex")}`,
				"Content-Length: 0",
				"", "",
			].join("\r\n");
			await gateway.send(busy, k.port);
			await gateway.next(/^ACK /, 3000); // kamailio ACKs the 486 hop by hop
			const closed = await b.waitEvent("CALL_CLOSED", 5000);
			assert.match(closed.param ?? "", /486/, `bob saw the 486: ${closed.param}`);
			assert.ok(k.events("GATEWAY").some((e) => e.fields.ruri === `sip:gate@${LOOPBACK}:${gateway.port}` && e.fields.user === "bob"), k.describe());
		} finally {
			gateway.close();
		}
	});

	it("negative control: the analyser flags a truncated SIP request, a truncated RTP packet and a Content-Length beyond the body, and nothing else", async function () {
		this.timeout(8000);
		const negative = await Capture.start(tshark, { name: "selftest-negative" });
		let keep = true;
		const raw = await RawSip.open();
		try {
			const rtpPort = 16998;
			const sdp = ["v=0", `o=- 1 1 IN IP4 ${LOOPBACK}`, "s=-", `c=IN IP4 ${LOOPBACK}`, "t=0 0", `m=audio ${rtpPort} RTP/AVP 0`, "a=rtpmap:0 PCMU/8000", ""].join("\r\n");
			const invite = (contentLength: number, callId: string) => [
				`INVITE sip:door@${LOOPBACK}:5089 SIP/2.0`,
				`Via: SIP/2.0/UDP ${LOOPBACK}:${raw.port};branch=z9hG4bK-neg-${callId}`,
				"Max-Forwards: 70",
				`From: <sip:visitor@${LOOPBACK}>;tag=n1`,
				`To: <sip:door@${LOOPBACK}:5089>`,
				`Call-ID: ${callId}@selftest`,
				"CSeq: 1 INVITE",
				`Contact: <sip:visitor@${LOOPBACK}:${raw.port}>`,
				"Content-Type: application/sdp",
				`Content-Length: ${contentLength}`,
				"", sdp,
			].join("\r\n");
			const goodRtp = Buffer.alloc(12 + 160, 0xff);
			goodRtp.set([0x80, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0xa0, 0x12, 0x34, 0x56, 0x78]);
			// 1: a correct INVITE whose SDP announces rtpPort (so tshark dissects that port as RTP); 2: a correct RTP
			// packet; 3: an RTP packet cut after 3 bytes; 4: a request cut inside its headers; 5: Content-Length 400
			const sent: [string, Buffer | string, number][] = [
				["good invite", invite(Buffer.byteLength(sdp), "neg-good"), 5089],
				["good rtp", goodRtp, rtpPort],
				["truncated rtp", goodRtp.subarray(0, 3), rtpPort],
				["truncated sip", invite(Buffer.byteLength(sdp), "neg-cut").slice(0, 90), 5089],
				["content-length", invite(400, "neg-length"), 5089],
			];
			for (const [, payload, port] of sent) {
				await raw.send(payload, port);
				await sleep(20); // keep them in order on the wire
			}
			const report = await negative.analyse();
			const text = `${describeIssues(report.issues)}\n--- frames\n${report.packets.map((p) => `#${p.frame} ${p.source} -> ${p.destination} ${p.protocols} ${p.summary}`).join("\n")}`;
			// only our datagrams count (they all come from raw's port): the loopback is shared with other programs
			const ours = report.packets.filter((p) => p.source === `${LOOPBACK}:${raw.port}/udp`).map((p) => p.frame);
			assert.equal(ours.length, sent.length, `the capture holds the ${sent.length} datagrams sent\n${text}`);
			const flagged = (n: number) => report.issues.filter((i) => i.frame === ours[n]);
			assert.deepEqual(flagged(0), [], `the correct INVITE is not flagged\n${text}`);
			assert.deepEqual(flagged(1), [], `the correct RTP packet is not flagged\n${text}`);
			assert.match(report.packets.find((p) => p.frame === ours[1])!.protocols, /:rtp$/, `the SDP made tshark read that port as RTP\n${text}`);
			assert.ok(flagged(2).some((i) => i.origin === "tshark" && i.group === "malformed" && /:rtp/.test(i.protocols)), `truncated RTP\n${text}`);
			assert.ok(flagged(3).some((i) => i.origin === "tshark" && i.group === "malformed" && /:sip/.test(i.protocols)), `truncated SIP\n${text}`);
			assert.ok(flagged(4).some((i) => i.origin === "lint" && /^Content-Length 400 /.test(i.message)), `Content-Length beyond the body\n${text}`);
			keep = false;
		} finally {
			raw.close();
			await negative.discard(keep);
		}
	});
});
