// npm run fuzz:dns [COUNT] [SEED]: the DNS answer fuzz at full size (default one million mutants); prints the
// figures and exits 1 if any exception escaped. npm test runs a smaller count (test/dns/answer-fuzz.test.ts).
import { fuzzAnswers } from "./answer-fuzz.js";

const count = Number(process.argv[2] ?? 1_000_000), seed = Number(process.argv[3] ?? 0x5eed);
const f = fuzzAnswers(count, seed);
const top = Object.entries(f.reasons).sort((x, y) => y[1] - x[1]);
console.log(`DNS answer fuzz: ${f.mutants} mutants of recorded and hand-made answers (seed ${seed}) in ${(f.ms / 1000).toFixed(1)} s ` +
	`(${Math.round(f.mutants / (f.ms / 1000))}/s)`);
console.log(`  exceptions: ${f.exceptions}${f.exceptions > 0 ? `, first: ${f.firstException}` : ""}`);
console.log(`  parser: ${f.accepted} accepted, ${f.refused} refused for ${top.length} reasons:`);
for (const [reason, n] of top) console.log(`    ${String(n).padStart(8)}  ${reason}`);
console.log(`  client (ID patched in 9 of 10): ${f.clientAnswered} lookups answered, ${f.clientRefused} datagrams refused`);
process.exitCode = f.exceptions === 0 ? 0 : 1;
