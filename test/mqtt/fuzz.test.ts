// The MQTT client fuzzed with mutated broker packets (test/mqtt/fuzz.ts): no exception, every damaged stream closed
// with a reason — OASIS MQTT 3.1.1 §4.8. `npm run fuzz:mqtt` runs a million cases and prints the figures.
import assert from "node:assert/strict";
import { fuzzMqtt } from "./fuzz.js";

describe("MQTT client under mutated broker packets (§4.8: close, never throw)", function () {
	this.timeout(60_000);

	it("20,000 cases: 0 exceptions; each case ends connected or closed with a reason", () => {
		const r = fuzzMqtt(20_000, 0x5eed);
		assert.equal(r.exceptions, 0, r.firstException);
		assert.equal(r.broken, 0, "a closed socket behind a 'connected' client, or a closed client without a reason");
		assert.equal(r.cases, 20_000);
		// The cases reach the checks they are meant for: many different refusals, and good messages still delivered.
		assert.ok(r.reasons.size >= 15, [...r.reasons.keys()].join("\n"));
		assert.ok(r.closed > 5_000 && r.stayedConnected > 2_000, `closed ${r.closed}, connected ${r.stayedConnected}`);
		assert.ok(r.delivered > 2_000, `delivered ${r.delivered}`);
	});
});
