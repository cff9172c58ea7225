/**
 * `npm run bench` (about 25 minutes on 2 cores) or `npm run bench -- --quick` (a few minutes, smaller counts,
 * one run per measure). Starts its own redis-server and emulators, runs every scenario (issues 6 and 13), prints a
 * markdown table and writes bench/results.json. `--only import,export` runs some groups (ids in
 * bench/scenarios/index.ts: import, export, memory, endpoint, overlap, import-headroom, export-capacity,
 * learned, deletion, audit, dedupe); `--out path` writes the JSON elsewhere.
 * BENCH_WORKER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the worker processes.
 */
import { parseArgs, runBenchmarks } from './lib/bench-runner.ts';

await runBenchmarks(parseArgs(process.argv.slice(2)));
