// The simulated station's command line (hosts/sim/station-args.ts): the defaults `npm start` runs with, the
// options the README shows, and an error naming the option and what it expects for each kind of bad value.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DOOR_CODES_VARIABLE, parseStationArgs, PASSWORD_VARIABLE, STATION_USAGE, type StationArgs } from "../../hosts/sim/station-args.js";
import { TCP } from "../../src/transaction/transaction-table.js";

function parse(...argv: string[]): StationArgs {
	const args = parseStationArgs(argv, () => {}, {});
	assert.notEqual(args, "help");
	return args as StationArgs;
}

function refused(argv: string[], message: RegExp): void {
	assert.throws(() => parseStationArgs(argv, () => {}, {}), message);
}

describe("sip-intercom station: options (hosts/sim/station-args.ts)", () => {
	it("with no options: 127.0.0.1:5070, user door, no registrar, anybody answered after 1 s, no call list, silence", () => {
		const a = parse();
		const c = a.station.config;
		assert.equal(a.station.address, "127.0.0.1");
		assert.equal(c.sip.port, 5070);
		assert.equal(c.sip.user, "door");
		assert.equal(c.sip.domain, "", "the domain follows the registrar, else the address");
		assert.equal(c.sip.registrar, null);
		assert.equal(c.sip.proxy, null);
		assert.deepEqual(c.incoming.allow, [{ caller: "*", openDoor: true }]);
		assert.equal(c.incoming.answer, "auto");
		assert.equal(c.incoming.answerDelayMs, 1000);
		assert.equal(c.sip.sessionExpires, 1800);
		assert.equal(c.callList.targets.length, 0);
		assert.equal(c.audio.echoSuppressor.enabled, false);
		assert.deepEqual(a.station.audio?.source, { kind: "silence" });
		assert.equal(a.call, null);
	});

	it("the README's PBX line: registrar, domain, password and a call; the registrar is also the outbound proxy", () => {
		const lines: string[] = [];
		const a = parseStationArgs(["--registrar", "127.0.0.1:5060", "--domain", "127.0.0.1", "--password", "door-secret", "--call", "sip:alice@127.0.0.1"],
			(l) => lines.push(l), {});
		assert.notEqual(a, "help");
		const c = (a as StationArgs).station.config;
		assert.deepEqual(c.sip.registrar, { uri: "sip:127.0.0.1:5060", host: "127.0.0.1", port: 5060, transport: 0, secure: false });
		assert.deepEqual(c.sip.proxy, c.sip.registrar);
		assert.equal(c.sip.password, "door-secret");
		assert.equal((a as StationArgs).call, "sip:alice@127.0.0.1");
		assert.match(lines.join("\n"), /--password: any user of this machine can read it with ps/, "the flag warns");
		assert.ok(!lines.join("\n").includes("door-secret"), "the warning never shows the password");
	});

	it("the password and the door codes can come from the environment (SIP_INTERCOM_PASSWORD, SIP_INTERCOM_DOOR_CODES)", () => {
		const a = parseStationArgs(["--registrar", "127.0.0.1"], () => {}, { [PASSWORD_VARIABLE]: "from-env", [DOOR_CODES_VARIABLE]: "1234#, *" }) as StationArgs;
		assert.equal(a.station.config.sip.password, "from-env");
		assert.deepEqual(a.station.config.doorCodes.codes, [{ code: "1234#", relay: 0 }, { code: "*", relay: 0 }]);
		assert.throws(() => parseStationArgs([], () => {}, { [DOOR_CODES_VARIABLE]: "12x" }), (err: Error) => {
			assert.match(err.message, /doorCodes\.codes\[0\]\.code: expected digits .* got \*\*\*/);
			assert.ok(!err.message.includes("12x"));
			return true;
		});
	});

	it("--option=value works like --option value; ;transport=tcp, --no-proxy and --answer are read", () => {
		const a = parse("--registrar=192.0.2.1;transport=tcp", "--no-proxy", "--tone=700", "--answer=manual");
		const c = a.station.config;
		assert.deepEqual(c.sip.registrar, { uri: "sip:192.0.2.1;transport=tcp", host: "192.0.2.1", port: 0, transport: TCP, secure: false });
		assert.equal(c.sip.proxy, null);
		assert.deepEqual(a.station.audio?.source, { kind: "tone", hz: 700 });
		assert.equal(c.incoming.answer, "manual");
		const busy = parse("--answer", "busy").station.config.incoming;
		assert.deepEqual([busy.allow, busy.refuseStatus], [[], 486]);
		assert.equal(parse("--answer", "decline").station.config.incoming.refuseStatus, 603);
		assert.deepEqual(parse("--hangup-after", "2").station.config.callLimits.maxCallSeconds, 2);
	});

	it("servers by name, sips: and DNS servers: --registrar pbx.example.com, --proxy sips:..., --dns, --tls-ca, --tls-no-verify", () => {
		const c = parse("--registrar", "pbx.example.com", "--proxy", "sips:proxy.example.com", "--dns", "192.0.2.53, 192.0.2.54:5353",
			"--tls-ca", "/tmp/ca.pem", "--tls-no-verify").station.config;
		assert.deepEqual(c.sip.registrar, { uri: "sip:pbx.example.com", host: "pbx.example.com", port: 0, transport: 0, secure: false });
		assert.deepEqual(c.sip.proxy, { uri: "sips:proxy.example.com", host: "proxy.example.com", port: 0, transport: 0, secure: true });
		assert.deepEqual(c.sip.dnsServers, [{ address: "192.0.2.53", port: 53 }, { address: "192.0.2.54", port: 5353 }]);
		assert.deepEqual([c.sip.tlsCaFile, c.sip.tlsVerify], ["/tmp/ca.pem", false]);
		assert.equal(c.sip.domain, "", "the AOR's domain follows the registrar's name (src/intercom/door-station.ts)");
	});

	it("--help asks for the usage, which lists every option the parser knows", () => {
		assert.equal(parseStationArgs(["--help"], () => {}), "help");
		for (const option of ["--config", "--registrar", "--proxy", "--dns", "--tls-ca", "--tls-no-verify", "--answer", "--tone", "--audio-in", "--audio-out", "--session-expires", "--trace"]) {
			assert.ok(STATION_USAGE.includes(option), option);
		}
	});

	it("names the option and what it expects for each bad value", () => {
		refused(["--frobnicate"], /^Error: unknown option "--frobnicate" \(see --help\)$/);
		refused(["--port"], /--port: a value is expected/);
		refused(["--port", "70000"], /--port: expected a whole number 0-65535, got "70000"/);
		refused(["--registrar", "pbx..local"], /--registrar: expected a host name or IP address .* got "pbx\.\.local"/);
		refused(["--registrar", "127.0.0.1:99999"], /--registrar: expected a host name or IP address .* got "127\.0\.0\.1:99999"/);
		refused(["--dns", "192.0.2.53,resolver"], /--dns: expected an IP address with an optional :port .* got "resolver"/);
		refused(["--answer", "maybe"], /--answer: expected auto, manual, busy or decline, got "maybe"/);
		refused(["--user", "door phone"], /--user: expected a SIP user name/);
		refused(["--session-expires", "60"], /--session-expires: RFC 4028 needs at least 90 s \(or 0 for none\), got 60/);
		refused(["--rtp-port", "16401"], /--rtp-port: expected an even port/);
		refused(["--tone", "700", "--audio-in", "x.wav"], /--audio-in, --tone and --audio-device: choose one/);
		refused(["--tone", "700", "--audio-device"], /choose one source/);
		refused(["--audio-out", "rec.mp3"], /--audio-out: expected a file name ending in \.wav, got "rec\.mp3"/);
		refused(["--tone", "4000"], /--tone: expected a whole number 1-3999/);
	});

	it("--config FILE: the file's fields, the options over them; a missing, non-JSON or invalid file says what is wrong", () => {
		const dir = mkdtempSync(join(tmpdir(), "station-config-"));
		try {
			const file = join(dir, "door.json");
			writeFileSync(file, JSON.stringify({ sip: { user: "gate", password: "pw", registrar: "192.0.2.1" }, callList: { targets: ["sip:101@192.0.2.1"] } }));
			const a = parse("--config", file, "--user", "door2");
			assert.equal(a.station.config.sip.user, "door2", "an option overrides the file");
			assert.equal(a.station.config.sip.password, "pw");
			assert.deepEqual(a.station.config.sip.proxy, a.station.config.sip.registrar, "the proxy follows the registrar");
			assert.equal(a.station.config.sip.port, 5070, "the simulator's port unless the file names one");
			assert.equal(a.station.config.callList.targets[0].ringSeconds, 30);
			refused(["--config", join(dir, "none.json")], /--config .*none\.json: cannot read it/);
			writeFileSync(file, "{ not json");
			refused(["--config", file], /--config .*door\.json: not JSON/);
			writeFileSync(file, JSON.stringify({ sip: { password: 7, rtpPort: 3 }, callList: { targets: [{ uri: "sip:a@192.0.2.1", ringSeconds: 0 }] }, doorCodes: { codes: ["12x"] } }));
			assert.throws(() => parse("--config", file), (err: Error) => {
				assert.match(err.message, /door\.json: 4 errors/);
				assert.match(err.message, /sip\.password: expected a password \(at most 128 characters\), got \*\*\*/);
				assert.match(err.message, /sip\.rtpPort: expected a whole number 1024-65000, got 3/);
				assert.match(err.message, /callList\.targets\[0\]\.ringSeconds: expected a whole number 1-600, got 0/);
				assert.match(err.message, /doorCodes\.codes\[0\]\.code: expected digits 0-9 \* # A-D \(at most 16 characters\), got \*\*\*/);
				assert.ok(!err.message.includes("12x"), "a door code is never shown");
				return true;
			});
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it("--audio-in: a missing or unreadable file is refused with the file's name; a good one becomes the source", () => {
		const dir = mkdtempSync(join(tmpdir(), "station-args-"));
		try {
			refused(["--audio-in", join(dir, "none.wav")], /--audio-in: .*none\.wav/);
			const bad = join(dir, "bad.wav");
			writeFileSync(bad, "not a wave file at all");
			refused(["--audio-in", bad], /--audio-in: .*bad\.wav/);
			// 0.1 s of 8 kHz mono 16-bit PCM: RIFF/WAVE, fmt (PCM, 1 channel, 8000 Hz, 16 bits), data.
			const samples = 800, good = join(dir, "good.wav");
			const b = Buffer.alloc(44 + 2 * samples);
			b.write("RIFF", 0, "latin1");
			b.writeUInt32LE(36 + 2 * samples, 4);
			b.write("WAVEfmt ", 8, "latin1");
			b.writeUInt32LE(16, 16);
			b.writeUInt16LE(1, 20);
			b.writeUInt16LE(1, 22);
			b.writeUInt32LE(8000, 24);
			b.writeUInt32LE(16000, 28);
			b.writeUInt16LE(2, 32);
			b.writeUInt16LE(16, 34);
			b.write("data", 36, "latin1");
			b.writeUInt32LE(2 * samples, 40);
			for (let i = 0; i < samples; i++) b.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 8000)), 44 + 2 * i);
			writeFileSync(good, b);
			const a = parse("--audio-in", good);
			const source = a.station.audio?.source;
			assert.equal(source?.kind, "samples");
			assert.equal(source?.kind === "samples" ? source.samples.length : -1, samples);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
