// The fuzz suite's seed messages: the project's own corpus (bench/corpus.ts: what a door station meets on the wire),
// the parse vectors (test/vectors/sip-vectors.ts) and the RFC 4475 / RFC 5118 torture messages
// (test/fixtures/torture, byte-exact). Node only: it reads the fixtures from the source tree.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { corpus } from "../../bench/corpus.js";
import { bytesOf, PARSE_VECTORS } from "../vectors/sip-vectors.js";

// Compiled to build/test/torture/: the fixtures stay in the source tree.
const TORTURE = fileURLToPath(new URL("../../../test/fixtures/torture/", import.meta.url));

/** Every seed message, in a fixed order (so mutant i is the same on every run and on XS). */
export function fuzzSeeds(): Uint8Array[] {
	const seeds: Uint8Array[] = corpus.map((m) => m.bytes);
	for (const v of PARSE_VECTORS) seeds.push(bytesOf(v.wire));
	const files = readdirSync(TORTURE).filter((f) => f.endsWith(".dat")).sort();
	for (const f of files) seeds.push(new Uint8Array(readFileSync(TORTURE + f)));
	const wire = TORTURE + "rfc5118/wire/";
	for (const f of readdirSync(wire).filter((f) => f.endsWith(".dat")).sort()) seeds.push(new Uint8Array(readFileSync(wire + f)));
	return seeds;
}

/** The seeds as one string of one char per byte each (what XS is given: JSON carries no bytes). */
export function seedsAsLatin1(seeds: readonly Uint8Array[]): string[] {
	return seeds.map((s) => Buffer.from(s).toString("latin1"));
}
