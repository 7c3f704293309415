// The simulator's sound card (hosts/sim/sound-device.ts), with stand-ins for arecord and aplay on PATH: captured raw
// 8 kHz 16-bit frames reach the station in order, frames written reach the player, and a machine without the
// programs gets an error naming the packages to install.
import assert from "node:assert/strict";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { SoundDevice, soundCommands } from "../../hosts/sim/sound-device.js";
import { FRAME_SAMPLES } from "../../src/media/g711.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("sip-intercom station --audio-device (hosts/sim/sound-device.ts)", function () {
	this.timeout(10000);
	let dir = "";
	let path = "";

	beforeEach(() => {
		dir = mkdtempSync(join(tmpdir(), "sound-device-"));
		path = process.env.PATH ?? "";
	});
	afterEach(() => {
		process.env.PATH = path;
		rmSync(dir, { recursive: true, force: true });
	});

	it("reads what the capture program records, frame by frame, and feeds the player what the station plays", async () => {
		// arecord stand-in: 0.5 s of samples 0, 1, 2 ... as raw S16LE, then it stays until killed, like a recorder.
		writeFileSync(join(dir, "arecord"), `#!/usr/bin/env node
const b = Buffer.alloc(8000); for (let i = 0; i < 4000; i++) b.writeInt16LE(i, 2 * i);
process.stdout.write(b); setInterval(() => {}, 1000);
`);
		// aplay stand-in: whatever arrives on stdin goes to a file.
		const played = join(dir, "played.raw");
		writeFileSync(join(dir, "aplay"), `#!/usr/bin/env node
const fs = require("fs"); const out = fs.openSync(${JSON.stringify(played)}, "w");
process.stdin.on("data", (d) => fs.writeSync(out, d)); process.stdin.on("end", () => fs.closeSync(out));
`);
		chmodSync(join(dir, "arecord"), 0o755);
		chmodSync(join(dir, "aplay"), 0o755);
		process.env.PATH = `${dir}${delimiter}${path}`;
		assert.equal(soundCommands().capture[0], join(dir, "arecord"));
		const log: string[] = [];
		const device = new SoundDevice((l) => log.push(l));
		try {
			const frame = new Int16Array(FRAME_SAMPLES);
			for (let i = 0; i < 100 && !device.read(frame); i++) await sleep(20);
			assert.equal(frame[0], 0, log.join("\n"));
			assert.equal(frame[FRAME_SAMPLES - 1], FRAME_SAMPLES - 1);
			assert.equal(device.read(frame), true);
			assert.equal(frame[0], FRAME_SAMPLES, "the second frame follows the first");
			const out = new Int16Array(FRAME_SAMPLES).fill(-1234);
			for (let i = 0; i < 10; i++) device.write(out);
		} finally {
			device.close();
		}
		for (let i = 0; i < 150 && !(existsSync(played) && statSync(played).size >= 10 * 2 * FRAME_SAMPLES); i++) await sleep(20);
		assert.ok(existsSync(played), `the player wrote nothing:\n${log.join("\n")}`);
		const bytes = readFileSync(played);
		assert.equal(bytes.length, 10 * 2 * FRAME_SAMPLES);
		assert.equal(bytes.readInt16LE(0), -1234);
	});

	it("without arecord/aplay or sox on PATH: an error naming what to install", () => {
		process.env.PATH = dir;
		assert.throws(() => soundCommands(), /--audio-device: needs arecord and aplay \(Debian package alsa-utils\) or sox \(package sox\)/);
	});
});
