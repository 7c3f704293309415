// Calls and a registration through a UDP relay that loses 30 % of the datagrams each way (lossy-relay.ts): the
// transactions' retransmissions carry every call through, and every answer finds its way back through the relay by
// the request's source (RFC 3261 §17, §18.2.2; RFC 3581). `npm run torture:station` runs 20 calls.
import assert from "node:assert/strict";
import { isBound, KAMAILIO, requirePeer } from "../interop/peers.js";
import { lossyCalls, lossyRegistration } from "./loss.js";

describe("Loss: 30 % of the datagrams dropped each way between the peers and the station (127.0.0.1)", function () {
	this.timeout(240_000);

	it("4 calls each way (SIPp calling the station, the station calling SIPp) are set up and torn down", async function () {
		const sipp = requirePeer(this);
		const r = await lossyCalls(sipp, { calls: 4, loss: 0.3 });
		console.log(`      ${r.toStation.completed}/${r.toStation.asked} calls to the station (${r.toStation.ms} ms), ${r.fromStation.completed}/${r.fromStation.asked} ` +
			`from it (${r.fromStation.ms} ms); the relays dropped ${(100 * r.relay.lossRate).toFixed(1)} % ` +
			`(${r.relay.toStation.dropped + r.relay.toPeer.dropped} of ${r.relay.toStation.dropped + r.relay.toPeer.dropped + r.relay.toStation.forwarded + r.relay.toPeer.forwarded})`);
		assert.equal(r.toStation.code, 0, r.toStation.explain);
		assert.equal(r.fromStation.code, 0, r.fromStation.explain);
		assert.deepEqual([r.toStation.completed, r.fromStation.completed], [4, 4]);
		assert.ok(r.relay.toStation.dropped > 0 && r.relay.toPeer.dropped > 0, "the relay dropped both ways");
	});

	it("the station stays registered with Kamailio behind the relay through its refreshes (expires 10 s, for 25 s)", async function () {
		const kamailio = requirePeer(this, KAMAILIO);
		if (isBound(5060, "udp") === true) throw new Error("port 5060 is taken: stop what uses it (another test run, npm start, a rig)");
		const r = await lossyRegistration(kamailio, { seconds: 25, loss: 0.3, expires: 10 });
		console.log(`      ${r.registered} registrations (the first and its refreshes), ${r.failed} failed; relay dropped ${(100 * r.relay.lossRate).toFixed(1)} %`);
		assert.equal(r.failed, 0, r.log);
		assert.ok(r.registered >= 3, r.log);
		assert.ok(r.bound, "Kamailio holds the binding at the end");
	});
});
