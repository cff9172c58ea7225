/**
 * Benchmark (not a test) of the import alone: scenarios 1 and 2 of `npm run bench` (5,000 rows at the live limits,
 * 100 reads/s and 100 writes/s with 150 ± 50 ms latency, 10% repeated emails, 10% already in Stripe, with 1, 2 and
 * 4 worker processes; then the loops users write instead, on the same rows). See bench/scenarios/import-ceiling.ts.
 *
 *   npx tsx bench/import.ts [--quick]      (writes bench/out/import.json)
 */
import { runBenchmarks } from './lib/bench-runner.ts';

await runBenchmarks({ dedupe: {}, quick: process.argv.includes('--quick'), only: ['import'], out: 'bench/out/import.json' });
