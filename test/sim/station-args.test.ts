// The simulated station's command line (hosts/sim/station-args.ts): the defaults `npm start` runs with, the
// options the README shows, and an error naming the option and what it expects for each kind of bad value.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseStationArgs, STATION_USAGE, type StationArgs } from "../../hosts/sim/station-args.js";
import { TCP, UDP } from "../../src/transaction/transaction-table.js";

function parse(...argv: string[]): StationArgs {
	const args = parseStationArgs(argv, () => {});
	assert.notEqual(args, "help");
	return args as StationArgs;
}

function refused(argv: string[], message: RegExp): void {
	assert.throws(() => parseStationArgs(argv, () => {}), message);
}

describe("sip-intercom station: options (hosts/sim/station-args.ts)", () => {
	it("with no options: 127.0.0.1:5070, user door at 127.0.0.1, no registrar, auto-answer after 1 s, silence", () => {
		const a = parse();
		assert.equal(a.station.address, "127.0.0.1");
		assert.equal(a.station.port, 5070);
		assert.equal(a.station.ua.user, "door");
		assert.equal(a.station.ua.domain, "127.0.0.1");
		assert.equal(a.station.ua.registrar, null);
		assert.equal(a.station.ua.outboundProxy, null);
		assert.equal(a.station.answer, "auto");
		assert.equal(a.station.answerDelay, 1000);
		assert.equal(a.station.ua.sessionExpires, 1800);
		assert.deepEqual(a.station.audio?.source, { kind: "silence" });
		assert.equal(a.call, null);
	});

	it("the README's PBX line: registrar, domain, password and a call; the registrar is also the outbound proxy", () => {
		const a = parse("--registrar", "127.0.0.1:5060", "--domain", "127.0.0.1", "--password", "door-secret", "--call", "sip:alice@127.0.0.1");
		assert.deepEqual(a.station.ua.registrar, { address: "127.0.0.1", port: 5060, transport: UDP });
		assert.deepEqual(a.station.ua.outboundProxy, a.station.ua.registrar);
		assert.equal(a.station.ua.password, "door-secret");
		assert.equal(a.station.ua.authUser, "door");
		assert.equal(a.call, "sip:alice@127.0.0.1");
	});

	it("--option=value works like --option value; ;transport=tcp and --no-proxy are read", () => {
		const a = parse("--registrar=192.0.2.1;transport=tcp", "--no-proxy", "--tone=700", "--answer=manual");
		assert.deepEqual(a.station.ua.registrar, { address: "192.0.2.1", port: 5060, transport: TCP });
		assert.equal(a.station.ua.outboundProxy, null);
		assert.equal(a.station.ua.domain, "192.0.2.1", "the domain defaults to the registrar's address");
		assert.deepEqual(a.station.audio?.source, { kind: "tone", hz: 700 });
		assert.equal(a.station.answer, "manual");
	});

	it("--help asks for the usage, which lists every option the parser knows", () => {
		assert.equal(parseStationArgs(["--help"], () => {}), "help");
		for (const option of ["--registrar", "--proxy", "--answer", "--tone", "--audio-in", "--audio-out", "--session-expires", "--trace"]) {
			assert.ok(STATION_USAGE.includes(option), option);
		}
	});

	it("names the option and what it expects for each bad value", () => {
		refused(["--frobnicate"], /^Error: unknown option "--frobnicate" \(see --help\)$/);
		refused(["--port"], /--port: a value is expected/);
		refused(["--port", "70000"], /--port: expected a whole number 0-65535, got "70000"/);
		refused(["--registrar", "pbx.local"], /--registrar: expected an IP address .* got "pbx\.local"/);
		refused(["--registrar", "127.0.0.1:99999"], /--registrar: port must be 1-65535, got 99999/);
		refused(["--answer", "maybe"], /--answer: expected auto, manual, busy or decline, got "maybe"/);
		refused(["--user", "door phone"], /--user: expected a SIP user name/);
		refused(["--session-expires", "60"], /--session-expires: RFC 4028 needs at least 90 s \(or 0 for none\), got 60/);
		refused(["--tone", "700", "--audio-in", "x.wav"], /--audio-in, --tone and --audio-device: choose one/);
		refused(["--tone", "700", "--audio-device"], /choose one source/);
		refused(["--audio-out", "rec.mp3"], /--audio-out: expected a file name ending in \.wav, got "rec\.mp3"/);
		refused(["--tone", "4000"], /--tone: expected a whole number 1-3999/);
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
