// Writes test/vectors/media-golden.json: the outputs of the media scenarios (test/media/golden-scenarios.ts) as the code
// of this commit produces them. Run it only when an output is meant to change (and say why in the commit):
//   npm run build && node build/test/media/record-golden.js [name-part]
// With a name part, only the matching scenarios are recorded again; the others keep their recorded outputs.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { GOLDEN_SCENARIOS, type GoldenRecord, runGolden } from "./golden-scenarios.js";

const FILE = fileURLToPath(new URL("../../../test/vectors/media-golden.json", import.meta.url));
const only = process.argv[2] ?? "";
let recorded: Record<string, GoldenRecord> = {};
try {
	recorded = JSON.parse(readFileSync(FILE, "utf8")) as Record<string, GoldenRecord>;
} catch {
	// first recording
}
const fresh = runGolden(only);
const out: Record<string, GoldenRecord> = {};
for (const [name] of GOLDEN_SCENARIOS) {
	const record = fresh[name] ?? recorded[name];
	if (record !== undefined) out[name] = record;
}
// One scenario per block, its hashes on one line: a re-recording shows as a diff of the scenarios that changed.
const blocks = Object.entries(out).map(([name, r]) =>
	`${JSON.stringify(name)}: {\n  "frames": ${r.frames},\n  "counters": ${JSON.stringify(r.counters)},\n  "hashes": ${JSON.stringify(r.hashes)}\n }`);
writeFileSync(FILE, `{\n ${blocks.join(",\n ")}\n}\n`);
console.log(`${FILE}: ${Object.keys(fresh).length} scenario(s) recorded: ${Object.keys(fresh).join("; ")}`);
