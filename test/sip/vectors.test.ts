// The host-free SIP vectors (test/vectors/sip-vectors.ts) run on Node — RFC 3261 §7, §8, §18.3, §20.
import assert from "node:assert/strict";
import { PARSE_VECTORS, bytesOf, runParseVector, runSipVectors, runWriterVector, SIP_VECTOR_COUNT, WRITER_VECTORS } from "../vectors/sip-vectors.js";
import * as verdicts from "../../src/sip/verdict.js";
import { SipParser } from "../../src/sip/parser.js";
import { DEFAULT_LIMITS, limitsWith } from "../../src/sip/limits.js";

describe("SIP vectors (test/vectors/sip-vectors.ts, also run on XS)", () => {
	it("passes every parse and writer vector (§7, §8, §18.3, §20; RFC 4475)", () => {
		const { passed, failures } = runSipVectors();
		assert.deepEqual(failures, []);
		assert.equal(passed, SIP_VECTOR_COUNT);
	});

	it("counts every vector it runs, so the XS run can check it ran as many (DESIGN.md §7)", () => {
		assert.equal(SIP_VECTOR_COUNT, PARSE_VECTORS.length + WRITER_VECTORS.length);
		assert.ok(PARSE_VECTORS.length > 0 && WRITER_VECTORS.length > 0);
	});

	it("names the RFC section in every vector", () => {
		const unnamed = [...PARSE_VECTORS, ...WRITER_VECTORS].map((v) => v.name).filter((n) => !/\((§|RFC |DESIGN)/.test(n));
		assert.deepEqual(unnamed, []);
	});

	it("gives every vector a distinct name, with its section (§ in every name)", () => {
		const names = [...PARSE_VECTORS, ...WRITER_VECTORS].map((v) => v.name);
		assert.equal(new Set(names).size, names.length);
	});

	it("covers every verdict reason the scanner and validator give (§8.2: each fault has its reason)", () => {
		const given = new Set<string>();
		for (const v of PARSE_VECTORS) {
			if (!("verdict" in v.expect)) continue;
			const parser = new SipParser(v.limits === undefined ? DEFAULT_LIMITS : limitsWith(v.limits));
			const buf = bytesOf(v.wire);
			parser.parse(buf, 0, buf.length, v.stream === true);
			given.add(parser.verdict.reason);
		}
		const constants = Object.values(verdicts).filter((r): r is verdicts.Reason => r instanceof verdicts.Reason).map((r) => r.text);
		assert.deepEqual(constants.filter((t) => !given.has(t)), []);
		for (const header of ["Via", "From", "To", "Call-ID", "CSeq"]) assert.ok(given.has(`Missing ${header}`), `Missing ${header}`);
		for (const header of ["From", "To", "Call-ID", "CSeq", "Max-Forwards", "Content-Type", "Expires"]) assert.ok(given.has(`Multiple ${header}`), `Multiple ${header}`);
	});

	it("reports a failing vector as a readable string instead of throwing, for the XS run (DESIGN.md §7)", () => {
		const wrong = runParseVector({ name: "x (§7)", wire: "OPTIONS sip:door@192.0.2.10 SIP/2.0\r\n\r\n", expect: { method: "INVITE" } });
		assert.equal(wrong, "verdict 400 \"Missing Via\", expected a message");
		const field = runParseVector({ ...PARSE_VECTORS[0], expect: { cseq: { number: 1 } } });
		assert.equal(field, "cseq.number = 314159, expected 1");
		const writer = runWriterVector({ ...WRITER_VECTORS[0], expect: "nothing" });
		assert.match(writer, /^wrote ".*", expected "nothing"$/);
	});
});
