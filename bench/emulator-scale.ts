/**
 * Scale check of the emulator (not a test): seeds 1,000,000 customers, then times list pages, email
 * look-ups, deep cursors, created ranges and a search over the real HTTP API with the real stripe client.
 * Run: npx tsx bench/emulator-scale.ts [count]
 */
import Stripe from 'stripe';
import { startEmulator } from '../src/emulator/index.ts';

const COUNT = Number(process.argv[2] ?? 1_000_000);
const BATCH = 250_000;
const REPEAT = 50;
const BASE_CREATED = 1_500_000_000;

async function timeIt(label: string, run: (i: number) => Promise<unknown>): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i < REPEAT; i += 1) {
    const start = performance.now();
    await run(i);
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const pct = (p: number): string => (samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] ?? 0).toFixed(2);
  process.stdout.write(`${label.padEnd(44)} p50 ${pct(0.5)} ms  p95 ${pct(0.95)} ms  max ${pct(1)} ms\n`);
}

const emu = await startEmulator({ readLimit: 0, writeLimit: 0, searchLimit: 0 });
try {
  const seedStart = performance.now();
  for (let done = 0; done < COUNT; done += BATCH) {
    const count = Math.min(BATCH, COUNT - done);
    const res = await fetch(`${emu.url}/__emulator/seed`, {
      method: 'POST',
      body: JSON.stringify({
        count,
        template: { email: `user{i}-${done}@bench.test`, name: 'User {i}', created: BASE_CREATED + done },
        createdStep: 1,
      }),
    });
    if (!res.ok) throw new Error(`seed failed: ${res.status} ${await res.text()}`);
  }
  process.stdout.write(`seeded ${COUNT} customers in ${((performance.now() - seedStart) / 1000).toFixed(2)} s, ` +
    `heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB\n`);

  const stripe = new Stripe('sk_test_bench', { host: '127.0.0.1', port: emu.port, protocol: 'http', maxNetworkRetries: 0 });
  const pick = (i: number): number => (i * 7919 * 127) % COUNT;
  const emailOf = (n: number): string => `user${n % BATCH}-${n - (n % BATCH)}@bench.test`;

  await timeIt('list first page (limit 100)', () => stripe.customers.list({ limit: 100 }));
  await timeIt('list by email (exact)', async (i) => {
    const r = await stripe.customers.list({ email: emailOf(pick(i)) });
    if (r.data.length !== 1) throw new Error('email look-up missed');
  });
  const cursors: string[] = [];
  for (let i = 0; i < REPEAT; i += 1) {
    const r = await stripe.customers.list({ email: emailOf(pick(i)) });
    cursors.push(r.data[0]?.id as string);
  }
  await timeIt('list starting_after a deep cursor (limit 100)', (i) => stripe.customers.list({ limit: 100, starting_after: cursors[i] as string }));
  await timeIt('list ending_before a deep cursor (limit 100)', (i) => stripe.customers.list({ limit: 100, ending_before: cursors[i] as string }));
  await timeIt('list created range in the middle (limit 100)', (i) =>
    stripe.customers.list({ limit: 100, created: { gte: BASE_CREATED + pick(i), lt: BASE_CREATED + pick(i) + 500 } }));
  await timeIt('retrieve by id', (i) => stripe.customers.retrieve(cursors[i] as string));
  await timeIt('create (into a 1M store)', () => stripe.customers.create({ email: 'new@bench.test' }));
  await timeIt('search email, newest match (early exit)', () => stripe.customers.search({ query: "email:'new@bench.test'", limit: 10 }));
  const scanStart = performance.now();
  await stripe.customers.search({ query: "email:'nobody@bench.test'" });
  process.stdout.write(`search with no match (full scan of ${COUNT}): ${(performance.now() - scanStart).toFixed(0)} ms\n`);
  const statsTimed = performance.now();
  await (await fetch(`${emu.url}/__emulator/stats`)).json();
  process.stdout.write(`GET /__emulator/stats (duplicate scan over ${COUNT}): ${(performance.now() - statsTimed).toFixed(0)} ms\n`);
} finally {
  await emu.close();
}
