// The DNS answer fuzz in the suite: 50,000 mutated real answers, no exception (the full million: npm run fuzz:dns).
import assert from "node:assert/strict";
import { fuzzAnswers } from "./answer-fuzz.js";

describe("DNS answers fuzzed: every mutant gets a verdict, never an exception (RFC 1035 §4.1)", function () {
	this.timeout(120_000);

	it("50,000 mutants of recorded answers: 0 exceptions; both verdicts and many reasons come up", () => {
		const f = fuzzAnswers(50_000);
		assert.equal(f.exceptions, 0, f.firstException);
		assert.equal(f.mutants, 50_000);
		assert.ok(f.accepted > 1000 && f.refused > 1000, `${f.accepted} accepted, ${f.refused} refused`);
		assert.ok(Object.keys(f.reasons).length >= 12, `reasons: ${Object.keys(f.reasons).join("; ")}`);
		assert.ok(f.clientAnswered > 1000 && f.clientRefused > 1000, `client: ${f.clientAnswered} answered, ${f.clientRefused} refused`);
	});
});
