// WAV files for the simulator (hosts/sim/wav.ts): RIFF/WAVE chunks, PCM / float / G.711 formats (RFC 2361 tags),
// WAVE_FORMAT_EXTENSIBLE, conversion to 8 kHz mono 16-bit (RFC 3551 §4.5.14), refusals that say what was found and
// what is needed, and the streaming writer. Every file is generated here, in a temporary directory.
import assert from "node:assert/strict";
import { goertzelAmplitude } from "../goertzel.js";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { alawDecode, ulawDecode } from "../../src/media/g711.js";
import { readWav, WAV_HEADER_BYTES, WavWriter } from "../../hosts/sim/wav.js";

interface FileSpec {
	tag?: number;
	channels?: number;
	rate?: number;
	bits?: number;
	/** The data chunk's bytes. */
	data: Uint8Array;
	/** Write the fmt chunk as WAVE_FORMAT_EXTENSIBLE with this SubFormat tag. */
	extensible?: boolean;
	/** Chunks to put between fmt and data (id, body). */
	extra?: [string, Uint8Array][];
	/** Size to write in the data chunk header (default: the real one). */
	dataSize?: number;
}

/** A RIFF/WAVE file built by hand, independent of the writer under test. */
function wavFile(s: FileSpec): Uint8Array {
	const tag = s.tag ?? 1, channels = s.channels ?? 1, rate = s.rate ?? 8000, bits = s.bits ?? 16;
	const block = (channels * bits) / 8;
	const fmt = new Uint8Array(s.extensible ? 40 : 16);
	const f = new DataView(fmt.buffer);
	f.setUint16(0, s.extensible ? 0xfffe : tag, true);
	f.setUint16(2, channels, true);
	f.setUint32(4, rate, true);
	f.setUint32(8, rate * block, true);
	f.setUint16(12, block, true);
	f.setUint16(14, bits, true);
	if (s.extensible) {
		f.setUint16(16, 22, true); // cbSize
		f.setUint16(18, bits, true); // valid bits
		f.setUint32(20, channels === 2 ? 3 : 4, true); // channel mask
		// SubFormat GUID {tag-0000-0010-8000-00aa00389b71}
		f.setUint16(24, tag, true);
		fmt.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 26);
	}
	const chunks: [string, Uint8Array][] = [["fmt ", fmt], ...(s.extra ?? []), ["data", s.data]];
	let size = 12;
	for (const [, body] of chunks) size += 8 + body.length + (body.length & 1);
	const out = new Uint8Array(size);
	const v = new DataView(out.buffer);
	const id = (at: number, t: string) => {
		for (let i = 0; i < 4; i++) out[at + i] = t.charCodeAt(i);
	};
	id(0, "RIFF");
	v.setUint32(4, size - 8, true);
	id(8, "WAVE");
	let at = 12;
	for (const [name, body] of chunks) {
		id(at, name);
		v.setUint32(at + 4, name === "data" && s.dataSize !== undefined ? s.dataSize : body.length, true);
		out.set(body, at + 8);
		at += 8 + body.length + (body.length & 1);
	}
	return out;
}

function int16le(values: number[]): Uint8Array {
	const out = new Uint8Array(values.length * 2);
	const v = new DataView(out.buffer);
	values.forEach((x, i) => v.setInt16(2 * i, x, true));
	return out;
}

/** n samples of a sine on the 16-bit scale at `rate`, as interleaved little-endian bytes of `channels` copies. */
function sine16(freq: number, rate: number, n: number, amplitude: number, channels = 1): Uint8Array {
	const values: number[] = [];
	for (let i = 0; i < n; i++) {
		const x = Math.round(amplitude * Math.sin((2 * Math.PI * freq * i) / rate));
		for (let c = 0; c < channels; c++) values.push(x);
	}
	return int16le(values);
}

function rms(pcm: Int16Array, from: number, to: number): number {
	let e = 0;
	for (let i = from; i < to; i++) e += pcm[i] * pcm[i];
	return Math.sqrt(e / (to - from));
}

/** Amplitude of `freq` in pcm[from, to) at 8 kHz (Goertzel, scaled so a sine of amplitude A gives about A). */
const amplitudeAt = goertzelAmplitude;

let dir = "";
function file(name: string, bytes: Uint8Array): string {
	const path = join(dir, name);
	writeFileSync(path, bytes);
	return path;
}

before(() => {
	dir = mkdtempSync(join(tmpdir(), "sip-intercom-wav-"));
});
after(() => {
	rmSync(dir, { recursive: true, force: true });
});

describe("WAV reader: 8 kHz mono 16-bit PCM is taken as it is (RFC 3551 §4.5.14)", () => {
	it("returns the samples bit-exact, with no conversion", () => {
		const values = [0, 1, -1, 32767, -32768, 1234, -4321, 7];
		const audio = readWav(file("exact.wav", wavFile({ data: int16le(values) })));
		assert.deepEqual(Array.from(audio.samples), values);
		assert.deepEqual(audio.converted, []);
		assert.deepEqual(
			{ ...audio.format },
			{ formatTag: 1, formatName: "PCM", channels: 1, sampleRate: 8000, bitsPerSample: 16, blockAlign: 2, frames: values.length },
		);
	});

	it("skips other chunks (LIST, an odd-sized one with its pad byte) and reads a data chunk whose size was never fixed", () => {
		const values = [10, -20, 30];
		const extra: [string, Uint8Array][] = [["LIST", new TextEncoder().encode("INFOISFT")], ["odd ", new Uint8Array(3).fill(0xee)]];
		for (const dataSize of [undefined, 0, 0xffffffff]) {
			const audio = readWav(file("chunks.wav", wavFile({ data: int16le(values), extra, dataSize })));
			assert.deepEqual(Array.from(audio.samples), values, `data size ${dataSize}`);
		}
	});
});

describe("WAV reader: other PCM converted to 16-bit (RIFF WAVE PCM; RFC 2361 tags 1, 3, 6, 7)", () => {
	it("8-bit unsigned: 128 is 0, each step 256", () => {
		const audio = readWav(file("u8.wav", wavFile({ bits: 8, data: Uint8Array.of(0, 64, 127, 128, 129, 255) })));
		assert.deepEqual(Array.from(audio.samples), [-32768, -16384, -256, 0, 256, 32512]);
		assert.deepEqual(audio.converted, ["8-bit unsigned PCM to 16-bit"]);
	});

	it("24-bit: the top 16 bits, rounded, full scale kept", () => {
		const data = new Uint8Array(5 * 3);
		const put = (i: number, x: number) => {
			data[3 * i] = x & 0xff;
			data[3 * i + 1] = (x >> 8) & 0xff;
			data[3 * i + 2] = (x >> 16) & 0xff;
		};
		[0x123456, 0x123480, -0x800000, 0x7fffff, -1].forEach((x, i) => put(i, x));
		const audio = readWav(file("s24.wav", wavFile({ bits: 24, data })));
		// 0x1234.56 rounds down, 0x1234.80 rounds up, −1/256 rounds to 0; 0x7fff.ff would round to 32768: clamped.
		assert.deepEqual(Array.from(audio.samples), [0x1234, 0x1235, -32768, 32767, 0]);
	});

	it("32-bit integer and 32/64-bit float: scaled to 16 bits and clamped", () => {
		const i32 = new Uint8Array(4 * 4);
		new Int32Array(i32.buffer).set([0x40000000, -0x80000000, 0x7fffffff, 0x00018000]);
		assert.deepEqual(Array.from(readWav(file("s32.wav", wavFile({ bits: 32, data: i32 }))).samples), [16384, -32768, 32767, 2]);
		const floats = [0.5, -1, 1, 1.5, -0.25, 0];
		const f32 = new Uint8Array(new Float32Array(floats).buffer);
		const f64 = new Uint8Array(new Float64Array(floats).buffer);
		for (const [bits, data] of [[32, f32], [64, f64]] as [number, Uint8Array][]) {
			const audio = readWav(file(`f${bits}.wav`, wavFile({ tag: 3, bits, data })));
			assert.deepEqual(Array.from(audio.samples), [16384, -32768, 32767, 32767, -8192, 0], `${bits}-bit float`);
			assert.deepEqual(audio.converted, [`${bits}-bit IEEE float to 16-bit`]);
		}
	});

	it("μ-law and A-law files decoded by the G.711 tables (ITU-T G.711)", () => {
		const codes = Uint8Array.of(0x00, 0x7f, 0x80, 0xff, 0x55, 0xd5, 0x2a, 0xaa);
		const mu = readWav(file("mulaw.wav", wavFile({ tag: 7, bits: 8, data: codes })));
		const a = readWav(file("alaw.wav", wavFile({ tag: 6, bits: 8, data: codes })));
		assert.deepEqual(Array.from(mu.samples), Array.from(codes, ulawDecode));
		assert.deepEqual(Array.from(a.samples), Array.from(codes, alawDecode));
		assert.deepEqual(mu.converted, ["8-bit μ-law to 16-bit"]);
	});

	it("stereo downmixed to the mean of the channels; WAVE_FORMAT_EXTENSIBLE read by its SubFormat", () => {
		const data = int16le([1000, -200, 32767, 32767, -32768, 32767, 3, 4]);
		for (const extensible of [false, true]) {
			const audio = readWav(file("stereo.wav", wavFile({ channels: 2, data, extensible })));
			assert.deepEqual(Array.from(audio.samples), [400, 32767, 0, 4], `extensible ${extensible}`); // (3 + 4) / 2 rounds up
			assert.deepEqual(audio.converted, ["downmixed 2 channels to mono"]);
			assert.equal(audio.format.channels, 2);
		}
	});
});

describe("WAV reader: other sample rates resampled to 8 kHz (band-limited)", () => {
	it("a 1 kHz tone at 44.1 kHz stereo comes out at 1 kHz, same level, same duration", () => {
		const n = 44100; // one second
		const audio = readWav(file("cd.wav", wavFile({ channels: 2, rate: 44100, data: sine16(1000, 44100, n, 10000, 2) })));
		assert.equal(audio.samples.length, 8000);
		assert.deepEqual(audio.converted, ["downmixed 2 channels to mono", "resampled 44100 Hz to 8000 Hz"]);
		// Away from the edges (the filter's half-width), the level is the tone's: 10000 / √2 RMS, within 0.1 dB.
		const level = 20 * Math.log10(rms(audio.samples, 400, 7600) / (10000 / Math.SQRT2));
		assert.ok(Math.abs(level) < 0.1, `${level.toFixed(3)} dB`);
		assert.ok(amplitudeAt(audio.samples, 400, 7600, 1000) > 9900);
		assert.ok(amplitudeAt(audio.samples, 400, 7600, 1100) < 100, "no energy beside the tone");
	});

	it("a 6 kHz tone at 48 kHz is filtered out, not folded to 2 kHz (linear interpolation would fold it)", () => {
		const audio = readWav(file("alias.wav", wavFile({ rate: 48000, bits: 24, data: (() => {
			const pcm = sine16(6000, 48000, 48000, 20000);
			const out = new Uint8Array((pcm.length / 2) * 3);
			for (let i = 0; i < pcm.length / 2; i++) out.set([0, pcm[2 * i], pcm[2 * i + 1]], 3 * i); // 16 → 24 bits
			return out;
		})() })));
		assert.deepEqual(audio.converted, ["24-bit PCM to 16-bit", "resampled 48000 Hz to 8000 Hz"]);
		const folded = 20 * Math.log10(Math.max(1e-3, amplitudeAt(audio.samples, 400, 7600, 2000)) / 20000);
		assert.ok(folded < -60, `2 kHz alias at ${folded.toFixed(1)} dB`);
		// The measure can see a fold: decimating by taking every 6th sample puts the tone at 2 kHz, full level.
		const naive = new Int16Array(8000);
		for (let i = 0; i < 8000; i++) naive[i] = Math.round(20000 * Math.sin((2 * Math.PI * 6000 * 6 * i) / 48000));
		assert.ok(amplitudeAt(naive, 400, 7600, 2000) > 19000);
	});

	it("16 kHz down and 4 kHz up keep a 300 Hz tone", () => {
		for (const rate of [16000, 4000]) {
			const audio = readWav(file(`r${rate}.wav`, wavFile({ rate, data: sine16(300, rate, rate, 8000) })));
			assert.equal(audio.samples.length, 8000);
			const level = 20 * Math.log10(amplitudeAt(audio.samples, 800, 7200, 300) / 8000);
			assert.ok(Math.abs(level) < 0.1, `${rate} Hz: ${level.toFixed(3)} dB`);
		}
	});
});

describe("WAV reader: what it cannot convert is refused, saying what was found and what is needed", () => {
	const refused = (name: string, bytes: Uint8Array): string => {
		const path = file(name, bytes);
		try {
			readWav(path);
		} catch (error) {
			return (error as Error).message;
		}
		assert.fail(`${name} was not refused`);
	};

	it("IMA ADPCM (compressed): names the file, its rate, channels, bits and format, and the need", () => {
		const message = refused("audio-in.wav", wavFile({ tag: 0x11, channels: 2, rate: 44100, bits: 4, data: new Uint8Array(64) }));
		assert.ok(message.startsWith(join(dir, "audio-in.wav") + ": "), message);
		assert.match(message, /found 44100 Hz, 2 channels, 4-bit IMA ADPCM \(compressed: not convertible\)/);
		assert.match(message, /need 8000 Hz mono 16-bit PCM \(or PCM the reader converts: /);
	});

	it("an MP3 with an ID3 tag, a RIFF file that is not WAVE, RIFX, a truncated file", () => {
		const id3 = new TextEncoder().encode("ID3\x03\x00\x00\x00\x00\x00\x0fmore bytes of an mp3");
		assert.match(refused("song.mp3", id3), /: found "ID3\\x03" at the start, no RIFF\/WAVE header \(an MP3 file\?\); need 8000 Hz mono/);
		const avi = wavFile({ data: new Uint8Array(4) });
		avi.set(new TextEncoder().encode("AVI "), 8);
		assert.match(refused("clip.wav", avi), /found a RIFF file of form "AVI ", not WAVE; need/);
		const rifx = wavFile({ data: new Uint8Array(4) });
		rifx.set(new TextEncoder().encode("RIFX"), 0);
		assert.match(refused("be.wav", rifx), /found RIFX \(big-endian RIFF\)/);
		assert.match(refused("short.wav", new TextEncoder().encode("RIFF")), /found 4 bytes, too short for a RIFF header/);
	});

	it("sample sizes it does not convert, a missing data chunk, a missing fmt chunk", () => {
		assert.match(refused("s12.wav", wavFile({ bits: 12, channels: 1, data: new Uint8Array(6) })), /found 8000 Hz, 1 channel, 12-bit PCM \(a sample size/);
		assert.match(refused("f16.wav", wavFile({ tag: 3, bits: 16, data: new Uint8Array(4) })), /16-bit IEEE float \(a sample size/);
		const noData = wavFile({ data: new Uint8Array(0) }).subarray(0, 12 + 8 + 16);
		const fixed = new Uint8Array(noData);
		new DataView(fixed.buffer).setUint32(4, fixed.length - 8, true);
		assert.match(refused("nodata.wav", fixed), /found 8000 Hz, 1 channel, 16-bit PCM, but no "data" chunk/);
		const noFmt = wavFile({ data: new Uint8Array(4) });
		noFmt.set(new TextEncoder().encode("junk"), 12);
		assert.match(refused("nofmt.wav", noFmt), /without a complete "fmt " chunk/);
	});
});

describe("WAV writer: streaming 8 kHz mono 16-bit, sizes fixed on close", () => {
	it("writes frames as they come; the header's sizes match the file; the reader gets the samples back", () => {
		const path = join(dir, "out.wav");
		const w = new WavWriter(path);
		const frame = new Int16Array(160);
		const all: number[] = [];
		for (let f = 0; f < 30; f++) {
			for (let i = 0; i < 160; i++) frame[i] = ((f * 160 + i) * 2654435761) >> 16;
			w.write(frame);
			all.push(...frame);
		}
		w.write(frame, 10, 5); // part of a frame
		all.push(...frame.subarray(10, 15));
		assert.equal(w.samples, all.length);
		w.close();
		w.close(); // a second close does nothing
		const bytes = readFileSync(path);
		const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
		assert.equal(statSync(path).size, WAV_HEADER_BYTES + 2 * all.length);
		assert.equal(v.getUint32(4, true), bytes.length - 8, "RIFF size");
		assert.equal(v.getUint32(40, true), 2 * all.length, "data size");
		const audio = readWav(path);
		assert.deepEqual(Array.from(audio.samples), all);
		assert.deepEqual(audio.converted, []);
		assert.throws(() => w.write(frame), /write after close/);
	});

	it("writes a larger block than its buffer in pieces, and an empty file that reads as no samples", () => {
		const big = new Int16Array(10_000).map((_, i) => i - 5000);
		const path = join(dir, "big.wav");
		const w = new WavWriter(path);
		w.write(big);
		w.close();
		assert.deepEqual(readWav(path).samples, big);
		const empty = new WavWriter(join(dir, "empty.wav"));
		empty.close();
		assert.equal(readWav(join(dir, "empty.wav")).samples.length, 0);
		assert.equal(statSync(join(dir, "empty.wav")).size, WAV_HEADER_BYTES);
	});

	it("a file whose writer never closed (sizes 0) still reads to its end", () => {
		const path = join(dir, "crashed.wav");
		const w = new WavWriter(path);
		w.write(Int16Array.of(5, -6, 7));
		// no close: the header still says 0; the reader takes the data to the end of the file
		assert.deepEqual(Array.from(readWav(path).samples), [5, -6, 7]);
		w.close();
	});
});
