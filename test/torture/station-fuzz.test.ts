// The fuzz mutants against the running simulated station on 127.0.0.1, as UDP datagrams and as TCP streams:
// it never throws, it answers a malformed request with exactly the verdict the parser gives the same bytes (RFC 3261
// §8.2: 400/505/513 and the reason naming the fault), it hands every well-formed one to the transaction layer, it
// drops a malformed response (§18.1.2), it closes a stream that cannot be framed (§18.3), and a well-formed OPTIONS
// is answered between the mutants. `npm run torture:station` sends more of them.
import assert from "node:assert/strict";
import { fuzzStation } from "./station-fuzz.js";

describe("Fuzz: the same mutants against the running simulated station (UDP and TCP, 127.0.0.1)", function () {
	this.timeout(120_000);

	it("1,500 datagrams and 150 streams: answers as the parser says, every OPTIONS probe answered 200", async () => {
		const r = await fuzzStation({ datagrams: 1500, streams: 150, probeEvery: 250 });
		console.log(`      ${r.datagrams} datagrams + ${r.streams} streams in ${(r.ms / 1000).toFixed(1)} s: verdicts ${JSON.stringify(r.verdicts)}, ` +
			`answered as the parser says: ${r.answeredAsValidator.udp} UDP, ${r.answeredAsValidator.tcp} TCP; ${r.streamsClosed} streams closed; ` +
			`probes ${JSON.stringify(r.probes.statuses)} (slowest ${r.probes.slowestMs} ms)`);
		assert.deepEqual(r.failures, []);
		assert.equal(r.failureCount, 0);
		assert.equal(r.probes.answered, r.probes.sent);
		assert.deepEqual(Object.keys(r.probes.statuses), ["200"]);
		assert.ok(r.answeredAsValidator.udp > 0 && r.answeredAsValidator.tcp > 0 && r.streamsClosed > 0, "the mutants reached every path");
	});
});
