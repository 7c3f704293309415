// The DNS answer vectors (test/vectors/dns-vectors.ts) on Node: each rule of RFC 1035 §4.1 and its successors as a
// trace table. (test/xs/dns-vectors.test.ts runs the same vectors on XS.)
import assert from "node:assert/strict";
import { DNS_VECTORS } from "../vectors/dns-vectors.js";

describe("DNS answers read and refused (RFC 1035 §4.1, RFC 2782, RFC 3403, RFC 6762 §18)", () => {
	for (const v of DNS_VECTORS) {
		it(v.name, () => assert.deepEqual(v.run(), v.expect));
	}
});
