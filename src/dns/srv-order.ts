// The order in which SRV targets are tried — RFC 2782 ("Usage rules"): lowest priority first; within a priority,
// a weighted random choice, repeated until every record is placed. Allocates nothing (a scratch of 4 bytes, made once).
import type { Random } from "../host.js";

/** What the ordering reads of each record. */
export interface SrvRecords {
	readonly count: number;
	priority(i: number): number;
	weight(i: number): number;
}

const draw = new Uint8Array(4);

/** A uniform random integer in [0, n] (n < 2^32 - 1). */
function randomUpTo(random: Random, n: number): number {
	random.fill(draw);
	const v = draw[0] * 0x1000000 + ((draw[1] << 16) | (draw[2] << 8) | draw[3]);
	return v % (n + 1);
}

/**
 * Write the indexes of the records (at most `out.length`) into `out` in the order to try them; returns how many.
 * RFC 2782: "arrange all SRV RRs (that have not been ordered yet) in any order, except that all those with weight 0
 * are placed at the beginning of the list. Compute the sum of the weights ... choose a uniform random number between
 * 0 and the sum computed (inclusive), and select the RR whose running sum value is the first in the selected order
 * which is greater than or equal to the random number selected."
 */
export function orderSrv(records: SrvRecords, random: Random, out: Int32Array): number {
	const n = records.count < out.length ? records.count : out.length;
	// By priority (insertion sort: a handful of records), weight-0 records first within a priority.
	for (let i = 0; i < n; i++) {
		let j = i;
		while (j > 0 && before(records, i, out[j - 1])) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = i;
	}
	for (let group = 0; group < n; ) {
		const priority = records.priority(out[group]);
		let end = group + 1;
		while (end < n && records.priority(out[end]) === priority) end++;
		for (let k = group; k < end - 1; k++) {
			let sum = 0;
			for (let m = k; m < end; m++) sum += records.weight(out[m]);
			const pick = randomUpTo(random, sum);
			let running = 0, chosen = k;
			for (let m = k; m < end; m++) {
				running += records.weight(out[m]);
				if (running >= pick) {
					chosen = m;
					break;
				}
			}
			// Move the chosen record to position k; the others keep their order (weight-0 records stay in front).
			const index = out[chosen];
			for (let m = chosen; m > k; m--) out[m] = out[m - 1];
			out[k] = index;
		}
		group = end;
	}
	return n;
}

/** Does record a sort before record b: lower priority, or the same priority and weight 0 against a positive weight? */
function before(records: SrvRecords, a: number, b: number): boolean {
	const pa = records.priority(a), pb = records.priority(b);
	if (pa !== pb) return pa < pb;
	return records.weight(a) === 0 && records.weight(b) !== 0;
}
