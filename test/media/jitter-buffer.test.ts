// Adaptive jitter buffer — RFC 3550 §5.1 (sequence order, wrap), A.8 (interarrival jitter); RFC 3551 §4.5.14 (20 ms
// G.711 frames); concealment per G.711 Appendix I. Virtual calls driven by a seeded xorshift.
import assert from "node:assert/strict";
import { decodeFrame, encodeFrame, PCMU, ulawDecode } from "../../src/media/g711.js";
import { Plc } from "../../src/media/plc.js";
import { Xorshift } from "../xorshift.js";
import {
	JB_CONCEALED, JB_DUPLICATE, JB_LATE, JB_PLAYED, JB_SILENT, JB_STORED, JitterBuffer,
} from "../../src/media/jitter-buffer.js";

const N = 160;


/** A μ-law frame whose every byte is `code` (the first decoded sample tells which frame was played). */
function marked(code: number): Uint8Array {
	return new Uint8Array(N).fill(code);
}

describe("RFC 3550 §5.1: playout in sequence-number order", () => {
	it("waits for the target depth, then plays reordered packets in order", () => {
		const jb = new JitterBuffer({ law: PCMU, minMs: 40 });
		const out = new Int16Array(N);
		assert.equal(jb.take(out, 0), JB_SILENT);
		assert.equal(jb.put(10, 1600, marked(0x90), 0, N, 0), JB_STORED);
		assert.equal(jb.take(out, 0), JB_SILENT, "buffering to 40 ms");
		assert.equal(jb.put(12, 1920, marked(0x92), 0, N, 5), JB_STORED);
		assert.equal(jb.put(11, 1760, marked(0x91), 0, N, 6), JB_STORED);
		const seen: number[] = [];
		for (let i = 0; i < 3; i++) {
			assert.equal(jb.take(out, 20 * i), JB_PLAYED);
			seen.push(out[0]);
		}
		assert.deepEqual(seen, [ulawDecode(0x90), ulawDecode(0x91), ulawDecode(0x92)]);
		assert.equal(jb.played, 3);
	});

	it("extends sequence numbers across the 16-bit wrap (65535 → 0)", () => {
		const jb = new JitterBuffer({ law: PCMU, minMs: 20 });
		const out = new Int16Array(N);
		jb.put(65534, 0, marked(0x81), 0, N, 0);
		jb.put(0, 320, marked(0x83), 0, N, 1);
		jb.put(65535, 160, marked(0x82), 0, N, 2);
		const seen: number[] = [];
		for (let i = 0; i < 3; i++) {
			assert.equal(jb.take(out, 20 * i), JB_PLAYED);
			seen.push(out[0]);
		}
		assert.deepEqual(seen, [ulawDecode(0x81), ulawDecode(0x82), ulawDecode(0x83)]);
	});

	it("drops and counts duplicates, before and after playout", () => {
		const jb = new JitterBuffer({ law: PCMU, minMs: 20 });
		const out = new Int16Array(N);
		jb.put(1, 0, marked(0x90), 0, N, 0);
		assert.equal(jb.put(1, 0, marked(0x90), 0, N, 1), JB_DUPLICATE);
		jb.take(out, 20);
		assert.equal(jb.put(1, 0, marked(0x90), 0, N, 21), JB_DUPLICATE);
		assert.equal(jb.duplicated, 2);
	});

	it("conceals a missing frame when a later one is here, and counts a packet arriving after its playout time as late", () => {
		const jb = new JitterBuffer({ law: PCMU, minMs: 20 });
		const out = new Int16Array(N);
		jb.put(1, 0, marked(0x90), 0, N, 0);
		jb.put(3, 320, marked(0x92), 0, N, 1);
		assert.equal(jb.take(out, 20), JB_PLAYED);
		assert.equal(jb.take(out, 40), JB_CONCEALED);
		assert.equal(jb.put(2, 160, marked(0x91), 0, N, 45), JB_LATE);
		assert.equal(jb.take(out, 60), JB_PLAYED);
		assert.equal(out[N - 1], ulawDecode(0x92), "after the cross-fade from the concealed frame");
		assert.deepEqual([jb.played, jb.concealed, jb.lost, jb.late], [2, 1, 1, 1]);
	});

	it("plays the frame of a packet without audio (an RFC 4733 event, §2.6) as silence, not as a loss, and keeps its timestamp out of the jitter", () => {
		const jb = new JitterBuffer({ law: PCMU, minMs: 80 });
		const out = new Int16Array(N);
		jb.put(1, 0, marked(0x90), 0, N, 0);
		assert.equal(jb.putSilence(2, 20), JB_STORED);
		assert.equal(jb.putSilence(2, 21), JB_DUPLICATE);
		assert.equal(jb.putSilence(3, 40), JB_STORED);
		jb.put(4, 480, marked(0x92), 0, N, 60);
		const seen: number[] = [];
		for (let i = 0; i < 4; i++) {
			assert.equal(jb.take(out, 80 + 20 * i), JB_PLAYED);
			seen.push(out[0], out[N - 1]);
		}
		assert.deepEqual(seen, [ulawDecode(0x90), ulawDecode(0x90), 0, 0, 0, 0, ulawDecode(0x92), ulawDecode(0x92)]);
		assert.deepEqual([jb.played, jb.concealed, jb.lost, jb.duplicated], [4, 0, 0, 1]);
		assert.equal(jb.jitterMs, 0, "packets 1 and 4 arrived on time; the events' arrivals are not counted");
		assert.equal(jb.putSilence(3, 200), JB_DUPLICATE, "after playout");
	});

	it("conceals a loss from the frames played, even when their slots took later packets before it (G.711 App. I history)", () => {
		// Voice-like frames (a 100-sample period): frames 0-2 played, then packets 6 and 7 arrive early and take the slots of 0 and 1
		// (capacity 6), frame 3 is lost. The concealment must repeat what 0-2 played, as a history fed copies does.
		const jb = new JitterBuffer({ law: PCMU, capacity: 6, minMs: 20, maxMs: 100 });
		const pcm = new Int16Array(9 * N), codes = new Uint8Array(9 * N);
		for (let i = 0; i < pcm.length; i++) pcm[i] = Math.round(8000 * Math.sin((2 * Math.PI * i) / 100) + 3000 * Math.sin((2 * Math.PI * i) / 33));
		encodeFrame(PCMU, pcm, 0, codes, 0, pcm.length);
		const reference = new Plc(), frame = new Int16Array(N), out = new Int16Array(N);
		for (let k = 0; k < 3; k++) {
			jb.put(k, k * N, codes, k * N, (k + 1) * N, 20 * k);
			assert.equal(jb.take(out, 20 * k + 20), JB_PLAYED);
			decodeFrame(PCMU, codes, k * N, frame, 0);
			reference.good(frame, 0, N);
		}
		for (const k of [6, 7, 4]) assert.equal(jb.put(k, k * N, codes, k * N, (k + 1) * N, 70), JB_STORED);
		assert.equal(jb.take(out, 80), JB_CONCEALED);
		reference.conceal(frame, 0, N);
		assert.deepEqual(out, frame);
		assert.ok(out.some((x) => x !== 0));
	});

	it("refuses a capacity not above maxMs / 20", () => {
		assert.throws(() => new JitterBuffer({ law: PCMU, capacity: 10, maxMs: 200 }), RangeError);
	});
});

interface CallOptions {
	seconds: number;
	seed: number;
	loss: number;
	jitterMs: number;
	duplicate: number;
	/** Sender clock rate relative to ours, per half of the call (1.001: 0.1 % fast). */
	rates: [number, number];
	minMs: number;
	maxMs: number;
}
interface CallResult {
	sent: number;
	slots: number;
	playedOrConcealed: number;
	reordered: number;
	jb: JitterBuffer;
	depthAtHalf: number;
	maxDepthSecondHalf: number;
	depthSum: number;
	/** Mean depth over the first and the last tenth of the call. */
	depthFirstTenth: number;
	depthLastTenth: number;
	/** Concealed frames whose output was not silence (mean |sample| ≥ the buffer's silence level). */
	loudConcealed: number;
}

/** A one-way call: the peer sends 20 ms frames (1.5 s talk, 1 s silence); the network loses, delays, duplicates. */
function virtualCall(o: CallOptions): CallResult {
	const rnd = new Xorshift(o.seed);
	const total = Math.round((o.seconds * 1000) / 20);
	const talk = new Uint8Array(N), quiet = new Uint8Array(N).fill(0xff);
	const pcm = new Int16Array(N);
	for (let i = 0; i < N; i++) pcm[i] = Math.round(6000 * Math.sin((2 * Math.PI * 300 * i) / 8000));
	encodeFrame(PCMU, pcm, 0, talk, 0);
	// Arrival events: [time, frame index].
	const times: number[] = [], frames: number[] = [];
	let sendMs = 0;
	for (let k = 0; k < total; k++) {
		const rate = k < total / 2 ? o.rates[0] : o.rates[1];
		if (rnd.unit() >= o.loss) {
			times.push(sendMs + rnd.unit() * o.jitterMs);
			frames.push(k);
			if (rnd.unit() < o.duplicate) {
				times.push(sendMs + rnd.unit() * o.jitterMs + 5);
				frames.push(k);
			}
		}
		sendMs += 20 / rate;
	}
	const order = times.map((_, i) => i).sort((a, b) => times[a] - times[b]);
	let reordered = 0, highest = -1;
	for (const i of order) {
		if (frames[i] < highest) reordered++;
		else highest = frames[i];
	}
	const jb = new JitterBuffer({ law: PCMU, capacity: 16, minMs: o.minMs, maxMs: o.maxMs });
	const out = new Int16Array(N);
	const seq0 = 65000, ts0 = 0xfffff000;
	let e = 0, slots = 0, good = 0, depthAtHalf = 0, maxDepthSecondHalf = 0, depthSum = 0;
	let firstSum = 0, firstN = 0, lastSum = 0, lastN = 0, loudConcealed = 0;
	const first = times[order[0]];
	const endMs = sendMs;
	for (let now = 0; now < endMs; now += 20) {
		while (e < order.length && times[order[e]] <= now) {
			const k = frames[order[e]];
			const payload = k % 125 < 75 ? talk : quiet;
			jb.put((seq0 + k) & 0xffff, (ts0 + 160 * k) >>> 0, payload, 0, N, times[order[e]]);
			e++;
		}
		if (now < first) continue;
		const r = jb.take(out, now);
		slots++;
		if (r === JB_PLAYED || r === JB_CONCEALED) good++;
		if (r === JB_CONCEALED) {
			let level = 0;
			for (let i = 0; i < N; i++) level += Math.abs(out[i]);
			if (level / N >= jb.silenceLevel) loudConcealed++;
		}
		depthSum += jb.depth;
		if (now < endMs / 10) {
			firstSum += jb.depth;
			firstN++;
		} else if (now >= (endMs * 9) / 10) {
			lastSum += jb.depth;
			lastN++;
		}
		if (now >= endMs / 2) maxDepthSecondHalf = Math.max(maxDepthSecondHalf, jb.depth);
		if (depthAtHalf === 0 && now >= endMs / 2) depthAtHalf = jb.depth;
	}
	return {
		sent: total, slots, playedOrConcealed: good, reordered, jb, depthAtHalf, maxDepthSecondHalf, depthSum,
		depthFirstTenth: firstSum / firstN, depthLastTenth: lastSum / lastN, loudConcealed,
	};
}

describe("RFC 3550 A.8, G.711 App. I: a call with 5 % loss, 0–40 ms jitter, reordering and duplication", () => {
	const r = virtualCall({ seconds: 300, seed: 0x5eed1234, loss: 0.05, jitterMs: 40, duplicate: 0.02, rates: [1, 1], minMs: 20, maxMs: 200 });
	const { jb } = r;

	it("plays or conceals at least 98 % of the 20 ms slots", () => {
		const share = r.playedOrConcealed / r.slots;
		console.log(`      slots ${r.slots}, played ${jb.played}, concealed ${jb.concealed} (${(100 * share).toFixed(2)} %), ` +
			`lost ${jb.lost}, late ${jb.late}, dup ${jb.duplicated}, reordered ${r.reordered}, dropped ${jb.dropped}, ` +
			`inserted ${jb.inserted}, jitter ${jb.jitterMs.toFixed(1)} ms, target ${jb.target}, max depth ${jb.maxDepth}, ` +
			`mean depth ${(r.depthSum / r.slots).toFixed(2)}`);
		assert.ok(share >= 0.98, `${(100 * share).toFixed(2)} %`);
		assert.ok(r.reordered > 100, "the network did reorder");
		assert.ok(jb.duplicated > 50, "the network did duplicate");
	});

	it("plays at least 93 % of the frames sent (5 % are lost) — few arrive too late", () => {
		assert.ok(jb.played / r.sent >= 0.93, `${jb.played} / ${r.sent}`);
		assert.ok(jb.late < r.sent * 0.01, `late ${jb.late}`);
	});

	it("estimates the jitter (uniform 0–40 ms: mean |D| ≈ 13 ms) and keeps the depth within 20–200 ms", () => {
		assert.ok(jb.jitterMs > 8 && jb.jitterMs < 20, `J ${jb.jitterMs}`);
		assert.ok(jb.target >= jb.minFrames && jb.target <= jb.maxFrames);
		assert.ok(jb.maxDepth <= jb.maxFrames, `max depth ${jb.maxDepth}`);
		const mean = r.depthSum / r.slots;
		assert.ok(mean >= 1 && mean <= jb.maxFrames, `mean depth ${mean}`);
	});
});

describe("RFC 3550 A.8: clock drift over an hour — the delay does not grow", () => {
	for (const rates of [[1.001, 0.999], [0.999, 1.001]] as [number, number][]) {
		it(`sender ${rates[0] > 1 ? "faster then slower" : "slower then faster"} by 0.1 %: depth stays ≤ 200 ms and near target`, () => {
			const r = virtualCall({ seconds: 3600, seed: 0xd71f7, loss: 0.01, jitterMs: 10, duplicate: 0, rates, minMs: 20, maxMs: 200 });
			const { jb } = r;
			console.log(`      played ${jb.played}, concealed ${jb.concealed}, dropped ${jb.dropped}, inserted ${jb.inserted}, ` +
				`underruns ${jb.underruns}, late ${jb.late}, target ${jb.target}, max depth ${jb.maxDepth}, depth at 30 min ${r.depthAtHalf}, ` +
				`final ${jb.depth}, mean ${(r.depthSum / r.slots).toFixed(2)}`);
			assert.ok(jb.maxDepth <= jb.maxFrames, `max depth ${jb.maxDepth}`);
			assert.ok(r.maxDepthSecondHalf <= jb.target + 3, `second-half max depth ${r.maxDepthSecondHalf}`);
			assert.ok(r.playedOrConcealed / r.slots >= 0.98);
			// 0.1 % of 30 min is 1.8 s = 90 frames each way: dropped in silence; added in silence or by an underrun.
			assert.ok(jb.dropped >= 80, `dropped ${jb.dropped}`);
			assert.ok(jb.inserted + jb.underruns >= 80, `inserted ${jb.inserted}, underruns ${jb.underruns}`);
		});
	}
});

describe("Drift of a slower sender: a frame inserted in silence before the slack runs out (RFC 3550 A.8; DESIGN.md §5)", () => {
	/** Frame k arrives at 20k + 3 + (k mod 4) ms; takes every 20 ms from 0; loud or silent payloads. */
	function steady(frames: number, payload: Uint8Array): { jb: JitterBuffer; slackBefore: number; results: number[] } {
		const jb = new JitterBuffer({ law: PCMU, minMs: 40 });
		const out = new Int16Array(N);
		let slackBefore = NaN;
		const results: number[] = [];
		for (let k = 0; k <= frames + 2; k++) {
			const now = 20 * k;
			if (k >= 1) jb.put(k - 1, 160 * (k - 1), payload, 0, N, 20 * (k - 1) + 3 + ((k - 1) % 4));
			results.push(jb.take(out, now));
			if (jb.played === 99) slackBefore = jb.slackMs;
		}
		return { jb, slackBefore, results };
	}

	it("measures the slack: the least time a played frame waited, over a 2 s window (100 frames)", () => {
		// Playout starts at 40 ms with frame 0 (frames 0 and 1 in: the 40 ms target); frame k plays at 40 + 20k and
		// arrived at 20k + 3 + (k mod 4): it waited 37 − (k mod 4) ms, least 34.
		const { jb, slackBefore } = steady(120, marked(0x90));
		assert.equal(slackBefore, Infinity, "no full window yet");
		assert.equal(jb.slackMs, 34);
		assert.equal(jb.inserted, 0, "never inserted into loud frames");
		assert.equal(jb.underruns, 0);
	});

	it("inserts one frame in silence when the slack is under two frames + 5 ms, and counts it a frame longer", () => {
		const { jb, results } = steady(300, new Uint8Array(N).fill(0xff));
		assert.equal(jb.inserted, 1, "34 ms < 45 ms: one frame; then 54 ms");
		assert.equal(results.filter((r) => r === JB_CONCEALED).length, 1);
		assert.equal(jb.slackMs, 54);
		assert.equal(jb.dropped, 0, "54 ms is not a frame above 45 ms: no drop brings it back");
	});

	const hour = (rates: [number, number], loss: number): CallResult =>
		virtualCall({ seconds: 3600, seed: 0xd71f7, loss, jitterMs: 10, duplicate: 0, rates, minMs: 20, maxMs: 200 });

	for (const loss of [0, 0.01]) {
		it(`sender 0.1 % slow for an hour, ${loss * 100} % loss: ~180 frames inserted in silence, no concealment in speech from drift`, () => {
			const r = hour([0.999, 0.999], loss);
			const ref = hour([1, 1], loss); // the same losses and jitter, no drift
			const { jb } = r;
			console.log(`      drift: inserted ${jb.inserted}, underruns ${jb.underruns}, concealed ${jb.concealed}, lost ${jb.lost}, ` +
				`loud concealed ${r.loudConcealed}, dropped ${jb.dropped}, depth first/last 6 min ${r.depthFirstTenth.toFixed(2)}/` +
				`${r.depthLastTenth.toFixed(2)}, max ${jb.maxDepth}; no drift: underruns ${ref.jb.underruns}, concealed ${ref.jb.concealed}, ` +
				`loud concealed ${ref.loudConcealed}`);
			// 0.1 % of 180,000 frames: 180 frames of playout the sender did not send, each inserted in silence.
			const missing = r.slots - r.sent;
			assert.ok(Math.abs(missing - 180) <= 2, `slots − sent ${missing}`);
			assert.ok(Math.abs(jb.inserted - missing) <= 5, `inserted ${jb.inserted}`);
			assert.ok(jb.underruns <= ref.jb.underruns, `underruns ${jb.underruns} with drift, ${ref.jb.underruns} without`);
			// Concealment audible as such (in speech) is the losses' alone: as many as without drift.
			assert.equal(jb.lost, ref.jb.lost);
			assert.ok(jb.concealed - jb.inserted <= ref.jb.concealed - ref.jb.inserted, `${jb.concealed} − ${jb.inserted}`);
			// Without loss every concealed frame is an insertion, and every one of them is silence.
			if (loss === 0) assert.equal(r.loudConcealed, 0);
			// The delay does not grow: the last six minutes are no deeper than the first plus a frame, within bounds.
			assert.ok(r.depthLastTenth <= r.depthFirstTenth + 1, `${r.depthFirstTenth} → ${r.depthLastTenth}`);
			assert.ok(r.maxDepthSecondHalf <= jb.target + 3 && jb.maxDepth <= jb.maxFrames);
		});
	}
});
