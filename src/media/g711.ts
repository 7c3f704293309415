// Pulse code modulation of voice frequencies: A-law and μ-law — ITU-T G.711 §2, §3, Tables 1a/2a; RFC 3551 §4.5.14.
//
// G.711 codes 13-bit (A-law) or 14-bit (μ-law) uniform PCM; our samples are 16-bit. A 16-bit sample is taken to
// that scale by sign and magnitude: |x| >> 3 (A-law) or |x| >> 2 (μ-law), truncated toward zero, so
// encode(-x) and encode(x) differ only in the sign bit and the quantizer is symmetric, as the standard's tables
// are. Decoded values are the standard's interval midpoints scaled back to 16 bits (× 8, × 4).
// The scalar functions are the definition; the frame functions read tables built from them once, at load.

/** RTP static payload types of the two laws (RFC 3551 Table 4), used here to name the law. */
export const PCMU = 0;
export const PCMA = 8;
/** Samples in one 20 ms frame at 8 kHz (RFC 3551 §4.5.14: G.711 frames are one sample, packets 20 ms by default). */
export const FRAME_SAMPLES = 160;

/** μ-law silence: "+0", 0xFF after the standard's inversion of all bits. */
export const ULAW_SILENCE = 0xff;
/** A-law silence: the smallest positive level, 0xD5 after the standard's inversion of the even bits. */
export const ALAW_SILENCE = 0xd5;

/** μ-law bias on the 14-bit scale (G.711 Table 2a: segment end points 31, 95, 223, … 8159 = 32·2^s − 33). */
const ULAW_BIAS = 33;
/** Largest biased μ-law magnitude: 8158 + 33 (the top decision value is 8159). */
const ULAW_BIASED_CLIP = 8191;
/** Largest 13-bit magnitude A-law codes (decision values run to 4096). */
const ALAW_CLIP = 4095;
/** G.711 Table 1a: A-law character signals are sent with the even bits (2, 4, 6, 8) inverted. */
const ALAW_INVERT = 0x55;
/** −4 is the first 16-bit sample whose μ-law magnitude leaves the zero interval: above it, "+0". */
const ULAW_FIRST_NEGATIVE = -4;

/**
 * SEGMENT[i] = ⌊log2 i⌋ for i ≥ 2, 0 for i < 2: the segment of a biased μ-law magnitude (index m >> 5) or of an
 * A-law magnitude (index m >> 4). 256 bytes.
 */
const SEGMENT = new Uint8Array(256);
for (let i = 2; i < 256; i++) SEGMENT[i] = SEGMENT[i >> 1] + 1;
/** A-law step number shift per segment: segments 0 and 1 both step by 2 (Table 1a). */
const ALAW_SHIFT = new Uint8Array([1, 1, 2, 3, 4, 5, 6, 7]);

/**
 * μ-law code of a 16-bit sample (G.711 §3, Table 2a). Inputs whose magnitude falls in the zero interval give
 * 0xFF ("+0") whatever their sign: no input encodes to 0x7F ("−0"), so silence is one byte value.
 */
export function ulawEncode(sample: number): number {
	let m = (sample < 0 ? -sample >> 2 : sample >> 2) + ULAW_BIAS;
	if (m > ULAW_BIASED_CLIP) m = ULAW_BIASED_CLIP;
	const s = SEGMENT[m >> 5];
	return (sample <= ULAW_FIRST_NEGATIVE ? 0x7f : 0xff) ^ ((s << 4) | ((m >> (s + 1)) & 15));
}

/** 16-bit value of a μ-law code (G.711 Table 2a); 0x7F ("−0") and 0xFF ("+0") both decode to 0. */
export function ulawDecode(code: number): number {
	// Invert all bits; bit 7 set = positive. Midpoint of interval (s, q): (2q + 33)·2^s − 33, × 4 for 16 bits.
	const u = ~code & 0xff;
	const s = (u >> 4) & 7, q = u & 15;
	const magnitude = (((2 * q + ULAW_BIAS) << s) - ULAW_BIAS) << 2;
	return u & 0x80 ? -magnitude | 0 : magnitude; // | 0: "−0" (0x7F) decodes to 0, not -0
}

/** A-law code of a 16-bit sample (G.711 §2, Table 1a). Zero is coded as the smallest positive level, 0xD5. */
export function alawEncode(sample: number): number {
	let mag = sample < 0 ? -sample >> 3 : sample >> 3;
	if (mag > ALAW_CLIP) mag = ALAW_CLIP;
	const s = SEGMENT[mag >> 4];
	return (sample < 0 ? ALAW_INVERT : 0x80 | ALAW_INVERT) ^ ((s << 4) | ((mag >> ALAW_SHIFT[s]) & 15));
}

/** 16-bit value of an A-law code (G.711 Table 1a). */
export function alawDecode(code: number): number {
	// Invert the even bits; bit 7 set = positive. Segment 0: 2q + 1; segment s ≥ 1: (2q + 33)·2^(s−1); × 8 for 16 bits.
	const a = (code & 0xff) ^ ALAW_INVERT;
	const s = (a >> 4) & 7, q = a & 15;
	const magnitude = (s === 0 ? 2 * q + 1 : (2 * q + 33) << (s - 1)) << 3;
	return a & 0x80 ? magnitude : -magnitude;
}

// The tables of the frame functions (./g711-frame-encode.ts, ./g711-frame-decode.ts), built once at load from the
// functions above; a preloaded ESP32 build keeps them in flash, not RAM. Bytes per law: encode 65,536, encode at the
// ducked gain 65,536, decode pairs 262,144, decode 512, magnitude 512; and SEGMENT's 256 once: 788,736 in all.

/** The gain the echo suppressor holds the mic at while the far end talks, by default (24 dB of loss). */
export const DUCKED_GAIN = Math.pow(10, -24 / 20);

/** This machine stores the low byte of a 16-bit word first (the order a word of two codes or two samples is read in). */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The tables of one law, for the frame functions. Frozen holders; never written after load. */
export interface G711Tables {
	/** Code of a sample, by its 16-bit pattern (sample & 0xFFFF): one table read per sample. */
	readonly encode: Uint8Array;
	/** Code of a sample scaled by DUCKED_GAIN (Math.round(sample · DUCKED_GAIN)), by its 16-bit pattern. */
	readonly ducked: Uint8Array;
	/** The gain `ducked` was built for. */
	readonly duckedGain: number;
	/** Sample of a code (G.711 Tables 1a, 2a, column "decoder output"). */
	readonly decode: Int16Array;
	/**
	 * The Int32 word of two samples (the first where the machine stores the first Int16 of a word) by the Uint16 word of
	 * their two codes (the first code where the machine stores the first byte): one table read decodes two samples.
	 */
	readonly pairs: Int32Array;
	/** |sample| of a code: a level summed straight from the codes. */
	readonly magnitude: Uint16Array;
}

function tables(encodeOne: (sample: number) => number, decodeOne: (code: number) => number): G711Tables {
	const encode = new Uint8Array(65536), ducked = new Uint8Array(65536);
	for (let x = -32768; x < 32768; x++) {
		encode[x & 0xffff] = encodeOne(x);
		ducked[x & 0xffff] = encodeOne(Math.round(x * DUCKED_GAIN));
	}
	const decode = new Int16Array(256), magnitude = new Uint16Array(256);
	for (let code = 0; code < 256; code++) {
		decode[code] = decodeOne(code);
		magnitude[code] = decode[code] < 0 ? -decode[code] : decode[code];
	}
	// The first Int16 of a word is its low half on a little-endian machine, its high half on a big-endian one; so is the
	// first byte of a Uint16 word of two codes.
	const pairs = new Int32Array(65536);
	for (let c1 = 0; c1 < 256; c1++) {
		const low = decode[c1] & 0xffff, high = decode[c1] << 16;
		for (let c2 = 0; c2 < 256; c2++) {
			const x = decode[c2];
			if (LITTLE_ENDIAN) pairs[c1 | (c2 << 8)] = low | (x << 16);
			else pairs[(c1 << 8) | c2] = high | (x & 0xffff);
		}
	}
	return Object.freeze({ encode, ducked, duckedGain: DUCKED_GAIN, decode, pairs, magnitude });
}

export const ULAW_TABLES: G711Tables = tables(ulawEncode, ulawDecode);
export const ALAW_TABLES: G711Tables = tables(alawEncode, alawDecode);
const ULAW_ENCODE = ULAW_TABLES.encode, ALAW_ENCODE = ALAW_TABLES.encode;
const ULAW_DECODE = ULAW_TABLES.decode, ALAW_DECODE = ALAW_TABLES.decode;

/** The tables of `law` (PCMU or PCMA; anything else is taken as PCMU, as the frame functions do). */
export function tablesOf(law: number): G711Tables {
	return law === PCMA ? ALAW_TABLES : ULAW_TABLES;
}

/**
 * Encode `samples` (default one 20 ms frame) of `pcm` from `pcmStart` into `out` from `outStart`, one byte per
 * sample, with `law` = PCMU or PCMA: one table read per sample. Allocates nothing. (Whole frames through views go
 * faster: ./g711-frame-encode.ts, ./g711-frame-decode.ts.)
 */
export function encodeFrame(law: number, pcm: Int16Array, pcmStart: number, out: Uint8Array, outStart: number, samples = FRAME_SAMPLES): void {
	const table = law === PCMA ? ALAW_ENCODE : ULAW_ENCODE;
	for (let i = 0; i < samples; i++) out[outStart + i] = table[pcm[pcmStart + i] & 0xffff];
}

/**
 * Decode `samples` (default one 20 ms frame) of codes from `codes[codesStart]` into `pcm` from `pcmStart`, with
 * `law` = PCMU or PCMA: one table read per sample. Allocates nothing.
 */
export function decodeFrame(law: number, codes: Uint8Array, codesStart: number, pcm: Int16Array, pcmStart: number, samples = FRAME_SAMPLES): void {
	const table = law === PCMA ? ALAW_DECODE : ULAW_DECODE;
	for (let i = 0; i < samples; i++) pcm[pcmStart + i] = table[codes[codesStart + i]];
}
