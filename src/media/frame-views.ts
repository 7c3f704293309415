// Views of the frames and datagrams the per-frame path reads and writes, made once per array — DESIGN.md §3 (nothing
// allocated per frame), §5 (the media data flow).
//
// XS charges a bytecode's typed-array access per element, and a native copy (TypedArray.prototype.set, copyWithin) two
// units per element whatever its size, so the kernels read a frame through the view that suits them (16-bit patterns,
// Int32 pairs of samples) and frames are moved as 8-byte words. A copy between two arrays of one type moves the bytes
// as they are (ECMA-262 §23.2.3.26.1: "the transfer must be performed in a manner that preserves the bit-level encoding
// of the source data"), so a Float64Array moves any bytes exactly. A host hands the same frame arrays frame after frame,
// so a view is made once; a datagram array is adopted only when it comes again, so a host that hands a fresh one per
// datagram costs no view.
import { FRAME_SAMPLES } from "./g711.js";

/**
 * The views of a 160-sample PCM frame (an Int16Array from 0), each made the first time it is asked for that array:
 * its 16-bit patterns (the encode table's index), its Int32 words (two samples each: the decoder's output), its Float64
 * words (four samples each: a frame moved natively), its last 10 ms (where its level is measured). A view the array
 * does not allow (shorter than a frame, or an offset not a multiple of the word size) is null: the caller then takes
 * the slower way.
 */
export class FrameViews {
	#pcm: Int16Array | null = null;
	#patterns: Uint16Array | null | undefined = undefined;
	#words: Int32Array | null | undefined = undefined;
	#wide: Float64Array | null | undefined = undefined;
	#levelSpan: Int16Array | null | undefined = undefined;

	/** Point at `pcm`: its views are made when asked. */
	#use(pcm: Int16Array): void {
		this.#pcm = pcm;
		this.#patterns = this.#words = this.#wide = this.#levelSpan = undefined;
	}

	/**
	 * pcm[80, 160): the frame's last 10 ms, where its level is measured (./echo-suppressor.ts frameEnergy); null when
	 * pcm is shorter than a frame.
	 */
	levelSpan(pcm: Int16Array): Int16Array | null {
		if (pcm !== this.#pcm) this.#use(pcm);
		let v = this.#levelSpan;
		if (v === undefined) v = this.#levelSpan = pcm.length >= FRAME_SAMPLES ? pcm.subarray(FRAME_SAMPLES / 2, FRAME_SAMPLES) : null;
		return v;
	}

	/** pcm[0, 160) as Uint16 patterns, or null when pcm is shorter than a frame. */
	patterns(pcm: Int16Array): Uint16Array | null {
		if (pcm !== this.#pcm) this.#use(pcm);
		let v = this.#patterns;
		if (v === undefined) v = this.#patterns = pcm.length >= FRAME_SAMPLES ? new Uint16Array(pcm.buffer, pcm.byteOffset, FRAME_SAMPLES) : null;
		return v;
	}

	/** pcm[0, 160) as 80 Int32 words, or null when pcm is shorter or its offset does not allow one. */
	words(pcm: Int16Array): Int32Array | null {
		if (pcm !== this.#pcm) this.#use(pcm);
		let v = this.#words;
		if (v === undefined) {
			v = this.#words = pcm.length >= FRAME_SAMPLES && pcm.byteOffset % 4 === 0 ?
				new Int32Array(pcm.buffer, pcm.byteOffset, FRAME_SAMPLES / 2) : null;
		}
		return v;
	}

	/** pcm[0, 160) as 40 Float64 words (bytes moved, never read as numbers), or null when pcm does not allow one. */
	wide(pcm: Int16Array): Float64Array | null {
		if (pcm !== this.#pcm) this.#use(pcm);
		let v = this.#wide;
		if (v === undefined) {
			v = this.#wide = pcm.length === FRAME_SAMPLES && pcm.byteOffset % 8 === 0 ?
				new Float64Array(pcm.buffer, pcm.byteOffset, FRAME_SAMPLES / 4) : null;
		}
		return v;
	}
}

/**
 * The Int32 words of a datagram array, for copying it natively four bytes at a time. The first array that comes twice in
 * a row is adopted (a host's reused receive buffer): one view until `reset`, and no other array gets one, so a host that
 * hands a fresh array per datagram, or several in turn, costs no view per datagram.
 */
export class DatagramWords {
	#seen: Uint8Array | null = null;
	#bytes: Uint8Array | null = null;
	#words: Int32Array | null = null;

	/** buf[0, 4·⌊length / 4⌋) as Int32 words, or null (not the adopted array, or an offset that is not a multiple of 4). */
	of(buf: Uint8Array): Int32Array | null {
		if (buf === this.#bytes) return this.#words;
		if (this.#bytes === null) {
			if (buf === this.#seen) {
				this.#bytes = buf;
				this.#words = buf.byteOffset % 4 === 0 ? new Int32Array(buf.buffer, buf.byteOffset, buf.length >> 2) : null;
				return this.#words;
			}
			this.#seen = buf;
		}
		return null;
	}

	/** Forget the adopted array (a new stream may come from another socket). */
	reset(): void {
		this.#seen = this.#bytes = null;
		this.#words = null;
	}
}
