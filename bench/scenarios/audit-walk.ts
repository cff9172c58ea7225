import { Queue } from 'bullmq';
import { AUDIT_JOB_OPTIONS } from '../../src/audits/audit-job-data.ts';
import { newAuditId } from '../../src/audits/audit-ids.ts';
import { AuditStore } from '../../src/audits/audit-store.ts';
import { QUEUE_NAMES } from '../../src/queues/names.ts';
import { LIVE_LIMITS, type BenchEmulator } from '../lib/bench-emulator.ts';
import type { BenchContext } from '../lib/context.ts';
import { seedPopulation } from '../lib/customer-population.ts';
import { percent, round, sleep, thousands } from '../lib/numbers.ts';
import type { ScenarioResult } from '../lib/report.ts';
import { withWorkerGroup } from '../lib/worker-group.ts';

/** The live read limit: a walk's rate ceiling. */
const READ_CEILING = 100;
/** The read ceiling × 100 customers a page: the most any walk of every customer can do. */
const WALK_CEILING = READ_CEILING * 100;
/**
 * Issue 15: each walk at ≥ 90% of its rate ceiling, the read limit: the walk's reads per second. Its customers per
 * second are shown beside it (lower by the partial last page each parallel slice ends with).
 */
const TARGET = 0.9;
/** Duplicate groups seeded on top of the population (each 2-4 customers, exact and case variants). */
const GROUPS = 500;

async function seedDuplicates(emulator: BenchEmulator): Promise<number> {
  const now = Math.floor(Date.now() / 1000);
  const customers: Array<{ email: string; name: string; created: number }> = [];
  for (let g = 0; g < GROUPS; g++) {
    for (const email of [`Dup${g}@Example.com`, `dup${g}@example.com`, `DUP${g}@EXAMPLE.COM`].slice(0, 2 + (g % 2))) {
      customers.push({ email, name: `Group ${g}`, created: now - 86_400 * (1 + (customers.length % 600)) });
    }
  }
  await emulator.seed({ customers });
  return customers.length;
}

/** Queues one duplicate audit (as POST /v1/audits does) and waits for its record to end. */
async function runAudit(ctx: BenchContext, prefix: string): Promise<{ customers: number; groups: number; seconds: number }> {
  const store = new AuditStore(ctx.redis, prefix);
  const queue = new Queue(QUEUE_NAMES.audit, { connection: ctx.redis, prefix });
  try {
    const id = newAuditId();
    await store.create({ id, kind: 'duplicate_emails' });
    const queuedAt = Date.now();
    await queue.add(QUEUE_NAMES.audit, { auditId: id }, { ...AUDIT_JOB_OPTIONS, jobId: id });
    for (;;) {
      const record = await store.get(id);
      if (record?.status === 'completed') {
        return { customers: record.counts.customers, groups: record.counts.groups, seconds: ((record.finishedAt ?? Date.now()) - queuedAt) / 1000 };
      }
      if (record === null || record.status === 'failed' || record.status === 'cancelled') throw new Error(`audit ${id} ended ${record?.status ?? 'missing'}: ${record?.error ?? ''}`);
      if (Date.now() - queuedAt > 600_000) throw new Error('audit not finished after 600 s');
      await sleep(100);
    }
  } finally {
    await queue.close();
  }
}

/**
 * Scenario 8 (issue 15): a duplicate audit of every customer (the export's realistic population plus seeded groups)
 * on one worker process at the live read limit: customers walked per second ÷ 10,000, and reads per 100 customers.
 */
export async function auditWalkScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const count = ctx.quick ? 20_000 : 100_000;
  const limits = { emulator: LIVE_LIMITS, processes: 1, readRps: 100, writeRps: 100 };
  return withWorkerGroup(ctx, 'audit', limits, async ({ emulator, prefix }) => {
    await seedPopulation(emulator, count);
    const duplicates = await seedDuplicates(emulator);
    await emulator.resetStats();
    const run = await runAudit(ctx, prefix);
    const stats = await emulator.stats();
    const reads = stats.requests['read:200'] ?? 0;
    const rate = run.customers / run.seconds;
    const readRate = reads / run.seconds;
    const total = count + duplicates;
    ctx.log(`  audit: ${thousands(rate)} customers/s, ${reads} reads (${round(readRate, 1)}/s), ${run.groups} groups, 429s ${stats.rate_limited}`);
    return {
      id: 'audit-walk',
      title: 'Duplicate audit walk at the live read ceiling',
      rows: [
        {
          scenario: `8. Duplicate audit of ${thousands(total)} customers, 1 worker process`,
          figure: `${round(readRate, 1)} reads/s, ${round(run.seconds, 1)} s; ${thousands(rate)} customers/s (${percent(rate / WALK_CEILING)} of ${thousands(WALK_CEILING)}); ${reads} reads (${round((reads * 100) / total, 2)} per 100 customers); ${stats.rate_limited} 429s`,
          ratio: `${percent(readRate / READ_CEILING)} of ${READ_CEILING} reads/s`,
          target: `≥ ${percent(TARGET)} of the read ceiling, 0 429s`,
          met: readRate / READ_CEILING >= TARGET && stats.rate_limited === 0 && run.customers === total && run.groups === GROUPS,
        },
      ],
      details: { customers: total, groups: run.groups, reads, reads_per_s: round(readRate, 1), customers_per_s: round(rate), seconds: round(run.seconds, 2), rate_limited: stats.rate_limited, emulator: emulator.options },
    };
  });
}
