// `npm run fuzz:mqtt [-- CASES [SEED]]`: the MQTT client's broker-stream fuzzer (test/mqtt/fuzz.ts), a million cases by
// default, with its figures: cases, bytes, exceptions, closes by reason, messages delivered, rate.
import { fuzzMqtt } from "../test/mqtt/fuzz.js";

const cases = Number(process.argv[2] ?? 1_000_000), seed = Number(process.argv[3] ?? 1);
const started = performance.now();
const r = fuzzMqtt(cases, seed);
const seconds = (performance.now() - started) / 1000;
console.log(`MQTT broker-stream fuzz, seed ${seed}: ${r.cases.toLocaleString("en")} cases, ${(r.bytes / 1e6).toFixed(1)} MB fed in ${seconds.toFixed(1)} s ` +
	`(${Math.round(r.cases / seconds).toLocaleString("en")} cases/s)`);
console.log(`exceptions: ${r.exceptions}; invariant breaks: ${r.broken}`);
console.log(`ended connected: ${r.stayedConnected.toLocaleString("en")}; closed with a reason: ${r.closed.toLocaleString("en")}; application messages delivered: ${r.delivered.toLocaleString("en")}`);
console.log("closes by reason:");
for (const [reason, n] of [...r.reasons].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(9)}  ${reason}`);
if (r.exceptions > 0) {
	console.log(`first exception:\n${r.firstException}`);
	process.exitCode = 1;
}
