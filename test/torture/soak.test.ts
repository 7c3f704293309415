// The soak (a short one: `npm run torture:station` makes 10,000 calls and measures the heap): SIPp's answered, refused
// and cancelled calls, and all three at once, through the simulated station; afterwards no busy call slot, no
// transaction, no timer — DESIGN.md §3. On XS, the same kinds of calls on the virtual host leave the live heap as
// they found it.
import assert from "node:assert/strict";
import { requirePeer } from "../interop/peers.js";
import { soak } from "./soak.js";
import { soakOnXs } from "./soak-xs.js";

describe("Soak: calls answered, refused, cancelled and mixed, then an idle station", function () {
	this.timeout(240_000);

	it("400 calls through the simulated station with SIPp, then 0 busy slots, 0 transactions, 0 timers", async function () {
		const sipp = requirePeer(this);
		const r = await soak(sipp, { calls: 400, idleWithinMs: 45_000 });
		console.log(`      ${r.calls} calls in ${(r.ms / 1000).toFixed(1)} s: answered ${r.answered.asMeant}, busy ${r.busy.asMeant}, cancelled ${r.cancelled.asMeant}, ` +
			`mixed ${JSON.stringify(r.mixed)}; idle after ${r.idle.afterMs} ms`);
		for (const k of [r.answered, r.busy, r.cancelled, r.mixed.answered, r.mixed.busy, r.mixed.cancelled]) {
			assert.equal(k.failed, 0, JSON.stringify(r));
			assert.equal(k.asMeant + k.busyInstead, k.placed, JSON.stringify(r));
		}
		assert.deepEqual(r.idle, { ...r.idle, reached: true, busySlots: 0, transactions: 0, timers: 0 });
	});

	it("on XS, 400 calls of the four kinds leave 0 slots of growth on the live heap, and no timer", async () => {
		const r = await soakOnXs(400);
		console.log(`      XS: ${r.calls} calls in ${(r.ms / 1000).toFixed(1)} s, live heap ${r.heapBefore} → ${r.heapAfter} slots; ${JSON.stringify(r.counters)}`);
		assert.equal(r.counters.failures, 0);
		assert.equal(r.counters.answered + r.counters.cancelled + r.counters.busy + r.counters.incoming, 440, "warm-up and measured calls all ended as meant");
		assert.equal(r.counters.opened, r.counters.answered, "every answered call opened the door");
		assert.equal(r.counters.wheelTimers, 0);
		assert.ok(r.growthSlots <= 0, `the live heap grew by ${r.growthSlots} slots`);
	});
});
