// The media path plays, sends and decides exactly as recorded (test/vectors/media-golden.json, written by
// test/media/record-golden.ts from the scenarios of test/media/golden-scenarios.ts): every output sample, datagram and
// verdict of G.711, the jitter buffer, concealment, the echo suppressor and a whole MediaSession call, on Node and on XS.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { GOLDEN_SCENARIOS, type GoldenRecord, runGolden } from "./golden-scenarios.js";
import { XsSession } from "../xs/xsnap-host.js";

const FILE = fileURLToPath(new URL("../../../test/vectors/media-golden.json", import.meta.url));
const ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), "golden-scenarios.js");
const recorded = JSON.parse(readFileSync(FILE, "utf8")) as Record<string, GoldenRecord>;

/** The first chunk (of 50 frames) whose hash differs, for the failure message. */
function firstDifference(got: GoldenRecord, want: GoldenRecord): string {
	for (let i = 0; i < Math.max(got.hashes.length, want.hashes.length); i++) {
		if (got.hashes[i] !== want.hashes[i]) return `first differing chunk: frames ${i * 50}..${i * 50 + 49}`;
	}
	return "same hashes";
}

describe("Media outputs as recorded (G.711, jitter buffer, concealment, echo suppressor, MediaSession)", function () {
	this.timeout(120_000);

	it("has a recording of every scenario, and nothing else", () => {
		assert.deepEqual(Object.keys(recorded), GOLDEN_SCENARIOS.map(([name]) => name));
	});

	for (const [name, run] of GOLDEN_SCENARIOS) {
		it(`${name}: the same outputs on Node`, () => {
			const got = run(), want = recorded[name];
			assert.ok(want !== undefined, "not recorded");
			assert.ok(got.frames > 0 && got.hashes.length > 0, "the scenario produced nothing");
			assert.deepEqual(got.counters, want.counters);
			assert.deepEqual(got.hashes, want.hashes, firstDifference(got, want));
		});
	}

	it("the same outputs on XS, scenario by scenario", async () => {
		const session = await XsSession.open({ name: "xsnap (media golden)", timeoutMs: 110_000 });
		try {
			await session.load(ENTRY);
			for (const [name] of GOLDEN_SCENARIOS) {
				const { value } = await session.call<Record<string, GoldenRecord>>(ENTRY, "runGolden", [name]);
				const got = value[name], want = recorded[name];
				assert.ok(got !== undefined, `${name}: not run on XS`);
				assert.deepEqual(got, want, `${name} on XS: ${firstDifference(got, want)}`);
			}
		} finally {
			await session.close();
		}
	});

	it("runs every scenario once per call (runGolden selects by name)", () => {
		const one = runGolden("concealment");
		assert.deepEqual(Object.keys(one), GOLDEN_SCENARIOS.filter(([n]) => n.includes("concealment")).map(([n]) => n));
	});
});
