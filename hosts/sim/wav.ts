// WAV files for the simulator's audio (`--audio-in`, `--audio-out`): RIFF/WAVE as in Microsoft's "Multimedia
// Programming Interface and Data Specifications 1.0" (1991: RIFF chunks, WAVE `fmt ` and `data`, PCM), the
// WAVE_FORMAT_EXTENSIBLE header (its SubFormat GUID names the format) and the format tags of RFC 2361 (1 PCM,
// 3 IEEE float, 6 A-law, 7 μ-law). The station's audio path is 8 kHz mono 16-bit (RFC 3551 §4.5.14).
//
// Reading: 8 kHz mono 16-bit PCM is taken as it is. Anything else the reader can convert is converted — any channel
// count downmixed to mono (the mean of the channels), 8-bit unsigned / 24 / 32-bit integer / 32 / 64-bit float PCM and
// G.711 (via src/media/g711.ts) to 16-bit, any sample rate resampled to 8 kHz by a windowed-sinc low-pass (no
// aliasing: a 6 kHz tone at 48 kHz does not come out at 2 kHz, as it would by linear interpolation) — and each
// conversion is named in `converted`, for the log. What it cannot convert (not RIFF/WAVE, compressed formats such as
// ADPCM or MP3, odd sample sizes) is refused with an Error naming the file, what was found and what is needed.
// Writing: a streaming 8 kHz mono 16-bit writer; the header's sizes are fixed when it is closed.
// Host code (node:fs); every sample is written little-endian whatever the machine.
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import { alawDecode, ulawDecode } from "../../src/media/g711.js";

/** The station's sample rate (RFC 3551 §4.5.14). */
export const WAV_RATE = 8000;
/** Size of the canonical header the writer emits: RIFF + WAVE, a 16-byte `fmt ` chunk, the `data` chunk header. */
export const WAV_HEADER_BYTES = 44;

// Format tags (RFC 2361, mmreg.h).
const PCM = 0x0001, IEEE_FLOAT = 0x0003, ALAW = 0x0006, MULAW = 0x0007, EXTENSIBLE = 0xfffe;
/** Names of tags the reader refuses, so the message says what the file is. */
const FORMAT_NAMES: Readonly<Record<number, string>> = Object.freeze({
	0x0001: "PCM", 0x0002: "Microsoft ADPCM", 0x0003: "IEEE float", 0x0006: "A-law", 0x0007: "μ-law", 0x0011: "IMA ADPCM",
	0x0031: "GSM 6.10", 0x0040: "G.721 ADPCM", 0x0050: "MPEG", 0x0055: "MPEG Layer 3 (MP3)", 0x0064: "G.726 ADPCM",
	0x00ff: "AAC", 0x1610: "HE-AAC", 0xfffe: "extensible",
});

const NEED = `need ${WAV_RATE} Hz mono 16-bit PCM (or PCM the reader converts: 8-bit unsigned, 16/24/32-bit integer, ` +
	"32/64-bit float, μ-law or A-law, any channel count, any sample rate)";

/** What a file's `fmt ` chunk says. */
export interface WavFormat {
	/** Format tag (the SubFormat's, for WAVE_FORMAT_EXTENSIBLE). */
	readonly formatTag: number;
	readonly formatName: string;
	readonly channels: number;
	readonly sampleRate: number;
	readonly bitsPerSample: number;
	/** Bytes per sample frame (all channels). */
	readonly blockAlign: number;
	/** Sample frames in the data chunk. */
	readonly frames: number;
}

/** A file read for the station: 8 kHz mono 16-bit samples, what the file was, what was done to it. */
export interface WavAudio {
	readonly samples: Int16Array;
	readonly format: WavFormat;
	/** The conversions made, in order ("downmixed 2 channels to mono", ...); empty when the file was taken as it is. */
	readonly converted: readonly string[];
}

/** Read a WAV file for the station; throws an Error naming the file, what it found and what is needed. */
export function readWav(path: string): WavAudio {
	return parseWav(new Uint8Array(readFileSync(path)), path);
}

/** The same from the file's bytes; `name` is used in messages. */
export function parseWav(bytes: Uint8Array, name: string): WavAudio {
	const { format, dataStart } = readHeader(bytes, name);
	const converted: string[] = [];
	const pcm16 = format.formatTag === PCM && format.bitsPerSample === 16;
	if (pcm16 && format.channels === 1 && format.sampleRate === WAV_RATE) {
		const samples = new Int16Array(format.frames);
		const view = new DataView(bytes.buffer, bytes.byteOffset + dataStart, format.frames * 2);
		for (let i = 0; i < samples.length; i++) samples[i] = view.getInt16(2 * i, true);
		return { samples, format, converted };
	}
	if (!pcm16) converted.push(`${describeSamples(format)} to 16-bit`);
	if (format.channels > 1) converted.push(`downmixed ${format.channels} channels to mono`);
	let mono = decodeMono(bytes, dataStart, format);
	if (format.sampleRate !== WAV_RATE) {
		converted.push(`resampled ${format.sampleRate} Hz to ${WAV_RATE} Hz`);
		mono = resample(mono, format.sampleRate, WAV_RATE);
	}
	const samples = new Int16Array(mono.length);
	for (let i = 0; i < mono.length; i++) samples[i] = clamp16(Math.round(mono[i]));
	return { samples, format, converted };
}

/** Walk the RIFF chunks: the `fmt ` chunk checked, the `data` chunk located (other chunks skipped). */
function readHeader(bytes: Uint8Array, name: string): { format: WavFormat; dataStart: number } {
	const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	const tag = bytes.length >= 4 ? fourcc(bytes, 0) : "";
	if (bytes.length < 12 || tag !== "RIFF" || fourcc(bytes, 8) !== "WAVE") {
		let found = bytes.length < 12 ? `${bytes.length} bytes, too short for a RIFF header` : `"${printable(bytes, 0, 4)}" at the start, no RIFF/WAVE header`;
		if (tag === "RIFX") found = "RIFX (big-endian RIFF), which the reader does not read";
		else if (tag === "RF64") found = "RF64 (a WAV of more than 4 GB), which the reader does not read";
		else if (bytes.length >= 12 && tag === "RIFF") found = `a RIFF file of form "${printable(bytes, 8, 12)}", not WAVE`;
		else if (tag.startsWith("ID3") || (bytes[0] === 0xff && (bytes[1] & 0xe0) === 0xe0)) found += " (an MP3 file?)";
		throw new Error(`${name}: found ${found}; ${NEED}`);
	}
	let fmtAt = -1, fmtSize = 0, dataStart = -1, dataSize = 0;
	for (let at = 12; at + 8 <= bytes.length; ) {
		const id = fourcc(bytes, at);
		let size = view.getUint32(at + 4, true);
		const body = at + 8;
		if (id === "fmt ") {
			fmtAt = body;
			fmtSize = size;
		} else if (id === "data") {
			// A writer that streamed without fixing its header leaves 0 or 0xFFFFFFFF: the data runs to the end.
			if (size === 0 || size === 0xffffffff || body + size > bytes.length) size = bytes.length - body;
			dataStart = body;
			dataSize = size;
		}
		at = body + size + (size & 1); // chunks are padded to an even size
	}
	if (fmtAt < 0 || fmtSize < 16 || fmtAt + fmtSize > bytes.length) throw new Error(`${name}: found a WAVE file without a complete "fmt " chunk; ${NEED}`);
	let formatTag = view.getUint16(fmtAt, true);
	const channels = view.getUint16(fmtAt + 2, true);
	const sampleRate = view.getUint32(fmtAt + 4, true);
	const blockAlign = view.getUint16(fmtAt + 12, true);
	const bitsPerSample = view.getUint16(fmtAt + 14, true);
	if (formatTag === EXTENSIBLE && fmtSize >= 40) formatTag = view.getUint16(fmtAt + 24, true); // SubFormat GUID's first field
	const formatName = FORMAT_NAMES[formatTag] ?? `format 0x${formatTag.toString(16).padStart(4, "0")}`;
	const partial = { formatTag, formatName, channels, sampleRate, bitsPerSample, blockAlign, frames: 0 };
	const refuse = (why: string): never => {
		throw new Error(`${name}: found ${describe(partial)}${why}; ${NEED}`);
	};
	const supported =
		(formatTag === PCM && (bitsPerSample === 8 || bitsPerSample === 16 || bitsPerSample === 24 || bitsPerSample === 32)) ||
		(formatTag === IEEE_FLOAT && (bitsPerSample === 32 || bitsPerSample === 64)) ||
		((formatTag === MULAW || formatTag === ALAW) && bitsPerSample === 8);
	if (!supported) refuse(formatTag === PCM || formatTag === IEEE_FLOAT ? " (a sample size the reader does not convert)" : " (compressed: not convertible)");
	if (channels === 0 || sampleRate === 0) refuse(" (no channels or no sample rate)");
	if (blockAlign !== channels * (bitsPerSample / 8)) refuse(` (block align ${blockAlign} does not match)`);
	if (dataStart < 0) refuse(", but no \"data\" chunk");
	return { format: { ...partial, frames: Math.floor(dataSize / blockAlign) }, dataStart };
}

/** The data chunk's samples as one channel (the mean of all), on the 16-bit scale, not yet rounded. */
function decodeMono(bytes: Uint8Array, start: number, f: WavFormat): Float32Array {
	const view = new DataView(bytes.buffer, bytes.byteOffset + start, f.frames * f.blockAlign);
	const width = f.bitsPerSample / 8, channels = f.channels;
	const out = new Float32Array(f.frames);
	for (let i = 0; i < f.frames; i++) {
		let sum = 0;
		for (let c = 0; c < channels; c++) sum += sampleAt(view, (i * channels + c) * width, f);
		out[i] = sum / channels;
	}
	return out;
}

/** One sample on the 16-bit scale: integers scaled by their width, floats by 32768, G.711 through its tables. */
function sampleAt(view: DataView, at: number, f: WavFormat): number {
	switch (f.formatTag === PCM ? f.bitsPerSample : -f.formatTag) {
		case 8: return (view.getUint8(at) - 128) * 256; // 8-bit PCM is unsigned, 128 = 0
		case 16: return view.getInt16(at, true);
		case 24: return ((view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16)) / 256);
		case 32: return view.getInt32(at, true) / 65536;
		case -MULAW: return ulawDecode(view.getUint8(at));
		case -ALAW: return alawDecode(view.getUint8(at));
		default: return (f.bitsPerSample === 32 ? view.getFloat32(at, true) : view.getFloat64(at, true)) * 32768;
	}
}

/** Half-width of the resampling filter, in zero crossings of its sinc: 16 gives a stopband below −70 dB. */
const SINC_ZEROS = 16;
/** Passband edge as a share of the lower Nyquist frequency (0.9: 3.6 kHz at 8 kHz, where telephony ends). */
const PASSBAND = 0.9;
/** Kernel table points per input sample (linear interpolation between them: error ~1e-7 of full scale). */
const KERNEL_RESOLUTION = 512;

/**
 * Resample by a Blackman-windowed sinc low-pass evaluated at each output instant (band-limited interpolation, cutoff
 * PASSBAND × the lower of the two Nyquist frequencies), each output normalized by its taps' sum (DC gain exactly 1).
 * The kernel is tabulated once per call (a minute of 44.1 kHz stereo reads and converts in about 1.5 s on a desktop).
 */
export function resample(input: Float32Array, fromRate: number, toRate: number): Float32Array {
	const step = fromRate / toRate; // input samples per output sample
	const out = new Float32Array(Math.floor((input.length * toRate) / fromRate));
	const cutoff = (0.5 * PASSBAND) / Math.max(1, step); // cycles per input sample
	const half = SINC_ZEROS / (2 * cutoff); // input samples either side
	const kernel = new Float64Array(Math.ceil(half * KERNEL_RESOLUTION) + 2);
	for (let j = 0; j < kernel.length; j++) {
		const d = j / KERNEL_RESOLUTION;
		if (d >= half) break; // zero beyond the window
		const x = 2 * cutoff * d;
		const sinc = x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
		kernel[j] = sinc * (0.42 + 0.5 * Math.cos((Math.PI * d) / half) + 0.08 * Math.cos((2 * Math.PI * d) / half));
	}
	for (let n = 0; n < out.length; n++) {
		const t = n * step;
		const lo = Math.max(0, Math.ceil(t - half)), hi = Math.min(input.length - 1, Math.floor(t + half));
		let sum = 0, weight = 0;
		for (let k = lo; k <= hi; k++) {
			const a = Math.abs(k - t) * KERNEL_RESOLUTION;
			const j = a | 0;
			const w = kernel[j] + (kernel[j + 1] - kernel[j]) * (a - j);
			sum += input[k] * w;
			weight += w;
		}
		out[n] = weight === 0 ? 0 : sum / weight;
	}
	return out;
}

/**
 * Streaming writer of an 8 kHz mono 16-bit PCM WAV file: a canonical 44-byte header with sizes 0, the samples as they
 * come, the sizes fixed on `close` (a file cut short by a crash still reads: the reader takes a 0 size as "to the end").
 */
export class WavWriter {
	readonly path: string;
	#fd: number;
	#samples = 0;
	/** Reused for every write: samples are copied little-endian into it. */
	readonly #chunk = new Uint8Array(4096);
	readonly #view = new DataView(this.#chunk.buffer);

	constructor(path: string) {
		this.path = path;
		this.#fd = openSync(path, "w");
		writeSync(this.#fd, header(0));
	}

	/** Samples written so far. */
	get samples(): number {
		return this.#samples;
	}

	/** Append pcm[start, start + length). */
	write(pcm: Int16Array, start = 0, length = pcm.length - start): void {
		if (this.#fd < 0) throw new Error(`${this.path}: write after close`);
		if ((this.#samples + length) * 2 > 0xffffffff - 36) throw new Error(`${this.path}: a WAV file cannot hold more than 4 GB`);
		const chunk = this.#chunk, view = this.#view, per = chunk.length >> 1;
		for (let done = 0; done < length; ) {
			const n = Math.min(per, length - done);
			for (let i = 0; i < n; i++) view.setInt16(2 * i, pcm[start + done + i], true);
			writeSync(this.#fd, chunk, 0, 2 * n);
			done += n;
		}
		this.#samples += length;
	}

	/** Fix the RIFF and data sizes in the header and close the file. A second close does nothing. */
	close(): void {
		if (this.#fd < 0) return;
		const h = header(this.#samples * 2);
		writeSync(this.#fd, h, 0, h.length, 0);
		closeSync(this.#fd);
		this.#fd = -1;
	}
}

/** The canonical header of an 8 kHz mono 16-bit PCM file with `dataBytes` of samples. */
function header(dataBytes: number): Uint8Array {
	const h = new Uint8Array(WAV_HEADER_BYTES);
	const v = new DataView(h.buffer);
	const id = (at: number, s: string): void => {
		for (let i = 0; i < 4; i++) h[at + i] = s.charCodeAt(i);
	};
	id(0, "RIFF");
	v.setUint32(4, 36 + dataBytes, true);
	id(8, "WAVE");
	id(12, "fmt ");
	v.setUint32(16, 16, true);
	v.setUint16(20, PCM, true);
	v.setUint16(22, 1, true); // mono
	v.setUint32(24, WAV_RATE, true);
	v.setUint32(28, WAV_RATE * 2, true); // bytes per second
	v.setUint16(32, 2, true); // block align
	v.setUint16(34, 16, true);
	id(36, "data");
	v.setUint32(40, dataBytes, true);
	return h;
}

function describe(f: Omit<WavFormat, "frames">): string {
	return `${f.sampleRate} Hz, ${f.channels} channel${f.channels === 1 ? "" : "s"}, ${describeSamples(f)}`;
}

function describeSamples(f: Pick<WavFormat, "formatTag" | "formatName" | "bitsPerSample">): string {
	if (f.formatTag === PCM) return f.bitsPerSample === 8 ? "8-bit unsigned PCM" : `${f.bitsPerSample}-bit PCM`;
	return `${f.bitsPerSample}-bit ${f.formatName}`;
}

function clamp16(x: number): number {
	return x > 32767 ? 32767 : x < -32768 ? -32768 : x;
}

function fourcc(bytes: Uint8Array, at: number): string {
	return String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);
}

/** Bytes [from, to) as text, non-printable bytes as \xNN. */
function printable(bytes: Uint8Array, from: number, to: number): string {
	let s = "";
	for (let i = from; i < to && i < bytes.length; i++) {
		const b = bytes[i];
		s += b >= 0x20 && b < 0x7f && b !== 0x22 ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`;
	}
	return s;
}
