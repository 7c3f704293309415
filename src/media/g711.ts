// Pulse code modulation of voice frequencies: A-law and μ-law — ITU-T G.711 §2, §3, Tables 1a/2a; RFC 3551 §4.5.14.
//
// G.711 codes 13-bit (A-law) or 14-bit (μ-law) uniform PCM; our samples are 16-bit. A 16-bit sample is taken to
// that scale by sign and magnitude: |x| >> 3 (A-law) or |x| >> 2 (μ-law), truncated toward zero, so
// encode(-x) and encode(x) differ only in the sign bit and the quantizer is symmetric, as the standard's tables
// are. Decoded values are the standard's interval midpoints scaled back to 16 bits (× 8, × 4).

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
 * A-law magnitude (index m >> 4). 256 bytes; the encoders compute, they do not look up a 64 K table.
 */
const SEGMENT = new Uint8Array(256);
for (let i = 2; i < 256; i++) SEGMENT[i] = SEGMENT[i >> 1] + 1;
/** A-law step number shift per segment: segments 0 and 1 both step by 2 (Table 1a). */
const ALAW_SHIFT = new Uint8Array([1, 1, 2, 3, 4, 5, 6, 7]);

/** Decoded 16-bit value of every code, built once at load (G.711 Tables 1a, 2a, column "decoder output"). */
const ULAW_TABLE = new Int16Array(256);
const ALAW_TABLE = new Int16Array(256);
for (let code = 0; code < 256; code++) {
	// μ-law: invert all bits; bit 7 set = positive. Midpoint of interval (s, q): (2q + 33)·2^s − 33.
	const u = ~code & 0xff;
	const us = (u >> 4) & 7, uq = u & 15;
	const umag = (((2 * uq + ULAW_BIAS) << us) - ULAW_BIAS) << 2;
	ULAW_TABLE[code] = u & 0x80 ? -umag : umag;
	// A-law: invert the even bits; bit 7 set = positive. Segment 0: 2q + 1; segment s ≥ 1: (2q + 33)·2^(s−1).
	const a = code ^ ALAW_INVERT;
	const as = (a >> 4) & 7, aq = a & 15;
	const amag = (as === 0 ? 2 * aq + 1 : (2 * aq + 33) << (as - 1)) << 3;
	ALAW_TABLE[code] = a & 0x80 ? amag : -amag;
}

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
	return ULAW_TABLE[code & 0xff];
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
	return ALAW_TABLE[code & 0xff];
}

/**
 * Encode `samples` (default one 20 ms frame) of `pcm` from `pcmStart` into `out` from `outStart`, one byte per
 * sample, with `law` = PCMU or PCMA. Allocates nothing.
 */
export function encodeFrame(law: number, pcm: Int16Array, pcmStart: number, out: Uint8Array, outStart: number, samples = FRAME_SAMPLES): void {
	// The scalar encoders, inlined: a call per sample costs XS a fifth more (measured by test/xs/media-vectors.test.ts).
	if (law === PCMA) {
		for (let i = 0; i < samples; i++) {
			const x = pcm[pcmStart + i];
			let mag = x < 0 ? -x >> 3 : x >> 3;
			if (mag > ALAW_CLIP) mag = ALAW_CLIP;
			const s = SEGMENT[mag >> 4];
			out[outStart + i] = (x < 0 ? ALAW_INVERT : 0x80 | ALAW_INVERT) ^ ((s << 4) | ((mag >> ALAW_SHIFT[s]) & 15));
		}
	} else {
		for (let i = 0; i < samples; i++) {
			const x = pcm[pcmStart + i];
			let m = (x < 0 ? -x >> 2 : x >> 2) + ULAW_BIAS;
			if (m > ULAW_BIASED_CLIP) m = ULAW_BIASED_CLIP;
			const s = SEGMENT[m >> 5];
			out[outStart + i] = (x <= ULAW_FIRST_NEGATIVE ? 0x7f : 0xff) ^ ((s << 4) | ((m >> (s + 1)) & 15));
		}
	}
}

/**
 * Decode `samples` (default one 20 ms frame) of codes from `codes[codesStart]` into `pcm` from `pcmStart`, with
 * `law` = PCMU or PCMA: one table read per sample. Allocates nothing.
 */
export function decodeFrame(law: number, codes: Uint8Array, codesStart: number, pcm: Int16Array, pcmStart: number, samples = FRAME_SAMPLES): void {
	const table = law === PCMA ? ALAW_TABLE : ULAW_TABLE;
	for (let i = 0; i < samples; i++) pcm[pcmStart + i] = table[codes[codesStart + i]];
}
