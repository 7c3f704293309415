// The ESP32 host's device adapters (hosts/esp32) on the real XS engine, each with a fake of the ECMA-419 class it is
// handed, behaving as Moddable's does (test/firmware/adapters-entry.ts) — DESIGN.md §6a, §7.
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { XsSession } from "../xs/xsnap-host.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const entry = path.join(here, "adapters-entry.js");

interface I2s {
	beforeStart: number;
	frames: number;
	framesAfterStop: number;
	dropped: number;
	maxQueuedMs: number;
	meanAmplitude: number;
}

describe("ESP32 device adapters on XS (hosts/esp32, ECMA-419 fakes)", function () {
	this.timeout(30000);
	let xs: XsSession;
	const run = async <T>(name: string, ...args: unknown[]): Promise<T> => (await xs.call<T>(entry, name, args)).value;

	before(async () => {
		xs = await XsSession.open({ name: "adapters" });
		await xs.load(entry);
	});
	after(async () => {
		await xs?.close();
	});

	it("the clock counts on across Time.ticks' Int32 wrap and keeps one Moddable timer: parked, armed for the wheel's next due time, parked after firing", async () => {
		const r = await run<{ readings: number[]; rawLast: number; scheduled: (number | null)[]; fired: number }>("clockAcrossTheWrap");
		assert.ok(r.rawLast < 0, "the raw ticks wrapped negative");
		assert.deepEqual(r.readings, [0, 30, 60, 90, 120, 150], "30 ms steps, straight through the wrap");
		// made parked; armed 25 ms ahead; parked when it fired; a due time in the past at once; disarmed
		assert.deepEqual(r.scheduled, [null, 25, null, 0, null]);
		assert.equal(r.fired, 1);
	});

	it("UDP: write(buffer, address, port) with one view per span, a throwing write is a false send (§18.1.1), each datagram read once and handed over without a copy, nothing after close", async () => {
		const r = await run<Record<string, unknown>>("udpSocket");
		assert.equal(r.bound, 5060);
		assert.deepEqual([r.ok1, r.ok2, r.failed, r.whole, r.afterClose], [true, true, false, true, false]);
		assert.equal(r.sendErrors, 1);
		assert.deepEqual(r.sent, ["2,3,4 to 192.0.2.1:5060", "2,3,4 to 192.0.2.1:5060", "1,2,3,4,5,6 to 192.0.2.2:5062"]);
		assert.equal(r.sameView, true, "the same span of the same buffer is sent through the same view (no allocation per RTP packet)");
		assert.equal(r.wholeIsBuffer, true, "a whole buffer goes as it is");
		assert.deepEqual(r.heard, ["9,8,7 from 192.0.2.3:4000", "6 from 192.0.2.4:4001"]);
		assert.equal(r.closed, true);
	});

	it("TCP: bytes written before the connection and beyond the send buffer ('would block') wait and go out in order as onWritable makes room; a queue past its bound refuses; an error closes once (§18.3)", async () => {
		const r = await run<Record<string, unknown>>("tcpStream");
		assert.equal(r.beforeUp, true);
		assert.equal(r.queuedBeforeUp, 1000);
		assert.deepEqual(r.afterUp, { written: 600, queued: 400 }, "the first onWritable connects and sends what fits");
		assert.deepEqual(r.afterWrite, { written: 600, queued: 2400 }, "behind a queue, new bytes wait their turn");
		assert.deepEqual(r.drained, { written: 3000, queued: 0, inOrder: true });
		assert.equal(r.tooMuch, false);
		assert.deepEqual(r.events, ["connected", "bytes 3", "closed true"]);
		assert.equal(r.closedIo, true);
		assert.equal(r.afterError, false);
	});

	it("NVS settings: a value is written only when it changed, keys are at most 15 characters, a value beyond 4000 bytes is kept in parts and the parts of a longer value are removed", async () => {
		const r = await run<Record<string, unknown>>("preferenceStore");
		assert.equal(r.a, "one");
		assert.equal(r.writesAfterSame, 1, "the same value again writes nothing");
		assert.equal(r.longBack, true);
		assert.equal(r.partsAfterLong, 3, "2 × 3999 + 12 bytes: three parts");
		assert.equal(r.partsAfterShort, 0);
		assert.equal(r.shortBack, "short");
		assert.match(String(r.keyError), /"a-key-of-16-char": 1-15 characters \(NVS\)/);
		assert.match(String(r.tooLong), /more than 9 × 3999/);
		assert.equal(r.missing, null);
	});

	it("the configuration: the manifest's document overlaid by the saved one, validated whole; a refused overlay is not saved; a broken saved one is reported and the built-in one runs", async () => {
		const r = await run<Record<string, unknown>>("stationSettings");
		assert.deepEqual(r.plain, { source: "built-in", user: "door", registrar: "192.0.2.1" });
		assert.deepEqual(r.refused, ["sip.rtpPort: expected a whole number 1024-65000, got 3"]);
		assert.deepEqual(r.saved, []);
		assert.deepEqual(r.merged, { source: "saved", user: "gate", registrar: "192.0.2.1", targets: 1 });
		assert.equal(r.rewroteSame, false, "saving the same overlay again writes nothing");
		assert.deepEqual(r.broken, { source: "built-in", user: "door", problems: ['saved station: sip.port: expected a whole number 0-65535, got "five"'] });
		assert.deepEqual(r.notJson, { source: "built-in", problems: ["saved station: not a JSON object, ignored"] });
		assert.deepEqual(r.wifiBuiltIn, { ssid: "Home", password: "pw" });
		assert.deepEqual(r.wifiSaved, { ssid: "Shed", password: "pw2" });
	});

	it("audio: the microphone's data paces the frames (32 ms bursts of 16 kHz → one 20 ms frame per 320 samples), decimated to 8 kHz with the telephone band kept and 5 kHz rejected", async () => {
		const tone1k = await run<I2s>("i2sAudio", 1000, false);
		const tone3k = await run<I2s>("i2sAudio", 3000, false);
		const alias = await run<I2s>("i2sAudio", 5000, false);
		assert.equal(tone1k.beforeStart, 0, "no frame before the station wants audio");
		assert.equal(tone1k.frames, Math.floor((2048 * 16) / 320), "2048 ms captured in 32 ms bursts: 102 frames");
		assert.equal(tone1k.framesAfterStop, 0);
		const db = (a: number): number => 20 * Math.log10(a / 8000);
		assert.ok(Math.abs(db(tone1k.meanAmplitude)) < 0.5, `1 kHz passes: ${db(tone1k.meanAmplitude).toFixed(1)} dB`);
		assert.ok(db(tone3k.meanAmplitude) > -3, `3 kHz passes: ${db(tone3k.meanAmplitude).toFixed(1)} dB`);
		assert.ok(db(alias.meanAmplitude) < -25, `5 kHz (3 kHz once folded) is rejected: ${db(alias.meanAmplitude).toFixed(1)} dB`);
	});

	it("audio: the speaker's queue stays within 100 ms; when the amplifier stops taking frames, frames are dropped and counted, never queued without bound", async () => {
		const flowing = await run<I2s>("i2sAudio", 1000, false);
		assert.equal(flowing.dropped, 0);
		assert.ok(flowing.maxQueuedMs <= 60, `queue ${flowing.maxQueuedMs} ms with 32 ms bursts`);
		const stalled = await run<I2s>("i2sAudio", 1000, true);
		assert.equal(stalled.maxQueuedMs, 100);
		assert.equal(stalled.dropped, stalled.frames - 5, "five frames fill the five DMA buffers, the rest are dropped");
	});

	it("Wi-Fi: retries after 1, 2, 4 ... s up to a minute on the wheel, reports the address once, a drop and a return, and a new address as changed", async () => {
		const r = await run<{ backoff: number[]; log: string[]; connectsAfterDrop: number[]; address: string }>("wifiLink");
		// a failed attempt every 70 s: each retry waits twice the last, at most 60 s
		const waits = r.backoff.slice(1).map((t, i) => t - i * 70_000);
		assert.deepEqual(waits, [1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
		assert.deepEqual(r.log, ["up 192.0.2.10 at 560000", "down at 560000", "up 192.0.2.10 at 561000", "down at 561000", "up 192.0.2.11 (new) at 562000"]);
		assert.deepEqual(r.connectsAfterDrop, [561000, 562000], "after a connection the wait starts again at 1 s");
		assert.equal(r.address, "192.0.2.11");
	});

	it("pins: outputs write each change once (inverted where wired so), the button reports level changes from its edge interrupt (pull-up, pressed low), the RGB pixel shows the most important indicator", async () => {
		const r = await run<Record<string, unknown>>("pins");
		assert.deepEqual(r.relay, [0, 1, 0]);
		assert.equal(r.relayMode, 8, "Digital.Output");
		assert.deepEqual(r.led, [1, 0], "an inverted LED starts high (dark) and goes low to light");
		assert.equal(r.buttonMode, 1, "Digital.InputPullUp");
		assert.deepEqual(r.edges, [true, false, true], "a second interrupt at the same level is no edge");
		assert.equal(r.pressed, true);
		assert.deepEqual(r.pixels, ["0", "18", "202000", "0"], "dark, idle (blue), calling over idle (amber), dark");
	});
});
