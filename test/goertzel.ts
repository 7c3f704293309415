// The Goertzel algorithm (one DFT bin by a second-order recursion): how the tests tell which tones a signal holds.
// Host-free: the media vectors use it on XS too.

/** |X(freq)|² over pcm[from, to) sampled at `rate` Hz (unnormalized: a sine of amplitude A over n samples gives (A·n/2)²). */
export function goertzelPower(pcm: ArrayLike<number>, from: number, to: number, freq: number, rate = 8000): number {
	const c = 2 * Math.cos((2 * Math.PI * freq) / rate);
	let s1 = 0, s2 = 0;
	for (let i = from; i < to; i++) {
		const s = pcm[i] + c * s1 - s2;
		s2 = s1;
		s1 = s;
	}
	return Math.max(0, s1 * s1 + s2 * s2 - c * s1 * s2);
}

/** The amplitude of `freq` in pcm[from, to): a sine of amplitude A gives about A. */
export function goertzelAmplitude(pcm: ArrayLike<number>, from: number, to: number, freq: number, rate = 8000): number {
	return (2 * Math.sqrt(goertzelPower(pcm, from, to, freq, rate))) / (to - from);
}
