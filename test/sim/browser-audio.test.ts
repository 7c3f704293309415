// The browser as a station's audio device (hosts/sim/browser-audio.ts): 8 kHz 16-bit little-endian frames from the
// page wait in a short queue for the station's 20 ms clock (the oldest dropped when the page runs ahead, silence when
// it falls behind); the speaker's frames go back in the same form.
import assert from "node:assert/strict";
import { BrowserAudio, MIC_QUEUE_FRAMES } from "../../hosts/sim/browser-audio.js";

function frame(value: number): Uint8Array {
	const out = new Uint8Array(320);
	const v = new DataView(out.buffer);
	for (let i = 0; i < 160; i++) v.setInt16(2 * i, value, true);
	return out;
}

describe("the browser's microphone and speaker as a station's audio device", () => {
	it("hands the clock the page's frames in order, silence when none came, and drops a partial frame", () => {
		const a = new BrowserAudio(() => {});
		const two = new Uint8Array(640 + 7);
		two.set(frame(100), 0);
		two.set(frame(-200), 320);
		a.receive(two);
		const mic = new Int16Array(160);
		assert.ok(a.read(mic));
		assert.equal(mic[159], 100);
		assert.ok(a.read(mic));
		assert.equal(mic[0], -200);
		assert.equal(a.read(mic), false);
		assert.equal(a.underruns, 1);
	});

	it(`keeps at most ${MIC_QUEUE_FRAMES} frames (200 ms): the oldest go when the page runs ahead`, () => {
		const a = new BrowserAudio(() => {});
		for (let i = 0; i < MIC_QUEUE_FRAMES + 3; i++) a.receive(frame(i));
		assert.equal(a.overruns, 3);
		const mic = new Int16Array(160);
		assert.ok(a.read(mic));
		assert.equal(mic[0], 3);
	});

	it("sends each speaker frame as 320 bytes of little-endian samples", () => {
		const sent: Uint8Array[] = [];
		const a = new BrowserAudio((f) => sent.push(f));
		const speaker = new Int16Array(160).fill(-12345);
		a.write(speaker);
		assert.equal(sent.length, 1);
		assert.equal(sent[0].length, 320);
		assert.equal(new DataView(sent[0].buffer).getInt16(318, true), -12345);
	});
});
