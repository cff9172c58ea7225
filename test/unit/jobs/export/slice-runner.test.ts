import { describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { runSlices, type ListPage, type PageSink } from '../../../../jobs/export/slice-runner.ts';
import { fileOrder, initialSlices, pageParams, type SliceState } from '../../../../jobs/export/slice-plan.ts';
import { partRanges } from '../../../../jobs/export/render-while-fetching.ts';

/**
 * An in-memory list with the semantics of `GET /v1/customers` that matter here: newest first (created desc, then
 * creation order desc), inclusive created bounds, `starting_after` as a position in that order, pages of `limit`.
 * Answers after a random short delay so pages complete out of order, as they do over the network.
 */
class FakeList {
  private readonly sorted: Array<{ id: string; created: number }>;
  private readonly position = new Map<string, number>();
  requests = 0;

  constructor(createds: number[], private readonly random: () => number) {
    this.sorted = createds.map((created, seq) => ({ id: `cus_${seq}`, created, seq }))
      .sort((a, b) => b.created - a.created || b.seq - a.seq)
      .map(({ id, created }) => ({ id, created }));
    this.sorted.forEach((c, i) => this.position.set(c.id, i));
  }

  get ids(): string[] {
    return this.sorted.map((c) => c.id);
  }

  async page(params: ReturnType<typeof pageParams>, signal: AbortSignal): Promise<ListPage> {
    this.requests += 1;
    await new Promise((r) => setTimeout(r, Math.floor(this.random() * 3)));
    signal.throwIfAborted();
    const inRange = (c: { created: number }) => c.created <= params.created.lte && c.created >= params.created.gte;
    if (params.ending_before !== undefined) {
      // The `limit` customers just newer than the cursor (which may lie outside the created bounds), newest first.
      const end = this.position.get(params.ending_before);
      if (end === undefined) throw new Error(`unknown cursor ${params.ending_before}`);
      const newer = this.sorted.slice(0, end).filter(inRange);
      return { data: newer.slice(-params.limit) as unknown as Stripe.Customer[], has_more: newer.length > params.limit };
    }
    const start = params.starting_after === undefined ? 0 : (this.position.get(params.starting_after) ?? -2) + 1;
    if (start < 0) throw new Error(`unknown cursor ${params.starting_after}`);
    const out: Array<{ id: string; created: number }> = [];
    let hasMore = false;
    for (let i = start; i < this.sorted.length; i++) {
      const c = this.sorted[i]!;
      if (c.created > params.created.lte || c.created < params.created.gte) continue;
      if (out.length === params.limit) {
        hasMore = true;
        break;
      }
      out.push(c);
    }
    return { data: out as unknown as Stripe.Customer[], has_more: hasMore };
  }
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * Durable state of an export over the fake list: slice states as checkpointed, and parts (slice id → customer ids,
 * one "byte" per customer) that may hold writes made after the last checkpoint, like a file after a crash.
 */
interface Durable {
  saved: Map<number, SliceState>;
  parts: Map<number, string[]>;
}

/** Runs (or resumes) an export over the fake list, through a sink that writes parts and checkpoints states. */
async function exportAll(
  list: FakeList,
  inFlight: number,
  durable: Durable,
  /** Dies at this checkpoint: its pages are in the parts but not in the saved states (a kill -9 in between). */
  crashAtCheckpoint?: number,
): Promise<string[]> {
  // Resume: cut every part back to its checkpointed length, as restorePart does with files.
  for (const [id, part] of durable.parts) part.length = durable.saved.get(id)?.bytes ?? 0;
  let checkpoints = 0;
  // Customers written since the last checkpoint: only checkpoints after a write count towards the crash, so the
  // crash always leaves uncommitted bytes (whatever batches the timing of the pages made).
  let unsaved = 0;
  const sink: PageSink = {
    write(sliceId, customers) {
      const part = durable.parts.get(sliceId) ?? [];
      part.push(...customers.map((c) => c.id));
      durable.parts.set(sliceId, part);
      unsaved += customers.length;
      return Promise.resolve(customers.length);
    },
    checkpoint(slices) {
      if (unsaved > 0) checkpoints += 1;
      unsaved = 0;
      if (checkpoints === crashAtCheckpoint) return Promise.reject(new Error('crash'));
      for (const s of slices) durable.saved.set(s.id, s);
      return Promise.resolve();
    },
  };
  const final = await runSlices({
    slices: [...durable.saved.values()],
    inFlight,
    // Split small data sets too, so the tests exercise subdivision (and splits of slices in flight) hard.
    minSplitCustomers: 1,
    fetchPage: (slice, signal) => list.page(pageParams(slice, undefined), signal),
    sink,
  });
  // The file: each part's ranges in file order, as the renderer copies them (one "byte" per customer).
  return final.flatMap((s) => partRanges(s, true).flatMap(({ start, end }) => (durable.parts.get(s.id) ?? []).slice(start, end)));
}

const fresh = (slices: SliceState[]): Durable => ({ saved: new Map(slices.map((s) => [s.id, s])), parts: new Map() });

function distribution(random: () => number, n: number): number[] {
  const createds: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = random();
    if (r < 0.4) createds.push(5_000); // a burst: hundreds in one second
    else if (r < 0.55) createds.push(4_990 + Math.floor(random() * 3)); // a few dense seconds
    else createds.push(Math.floor(random() * 10_000)); // sparse
  }
  return createds;
}

describe('runSlices', () => {
  it('reads every customer exactly once, newest first, whatever the concurrency and distribution', async () => {
    for (const [seed, n, inFlight] of [
      [1, 1234, 32],
      [2, 1234, 1],
      [3, 999, 3],
      [4, 3000, 16],
      [5, 250, 32],
    ] as const) {
      const list = new FakeList(distribution(seeded(seed), n), seeded(seed * 7));
      expect(await exportAll(list, inFlight, fresh(initialSlices(0, 10_000, 20_000)))).toEqual(list.ids);
    }
  });

  it('handles page boundaries inside one second (all customers in the same second)', async () => {
    for (const n of [99, 100, 101, 250, 1000]) {
      const list = new FakeList(Array.from({ length: n }, () => 42), seeded(n));
      expect(await exportAll(list, 32, fresh(initialSlices(0, 100, 200)))).toEqual(list.ids);
    }
  });

  it('reads a burst from both ends: an upward slice meets the downward one, every customer once, in order', async () => {
    for (const [seed, burst] of [[21, 1000], [22, 1250], [23, 333]] as const) {
      // Sparse customers below and above one second holding `burst` customers.
      const createds = [...Array.from({ length: 400 }, (_, i) => i * 10), ...Array.from({ length: burst }, () => 2_000), ...Array.from({ length: 50 }, (_, i) => 3_000 + i)];
      const list = new FakeList(createds, seeded(seed));
      const durable = fresh(initialSlices(0, 5_000, 10_000));
      expect(await exportAll(list, 4, durable)).toEqual(list.ids);
      const upward = [...durable.saved.values()].filter((s) => s.upward !== undefined);
      expect(upward.length).toBeGreaterThan(0);
      const partner = durable.saved.get(upward[0]!.partner!);
      expect(partner?.partner).toBe(upward[0]!.id);
      // Both ends read part of the burst: its chain of pages was shared.
      expect(upward[0]!.customers).toBeGreaterThan(0);
      expect(partner!.customers).toBeGreaterThan(200);
    }
  });

  it('splits dense ranges so up to inFlight slices read at once', async () => {
    const list = new FakeList(Array.from({ length: 5000 }, (_, i) => 1000 + (i % 2000)), seeded(9));
    const durable = fresh(initialSlices(0, 5000, 10_000));
    expect(await exportAll(list, 8, durable)).toEqual(list.ids);
    expect(durable.saved.size).toBeGreaterThanOrEqual(8);
    // Slices never overlap: sorted newest first, each ends below the previous one's start.
    const order = fileOrder(durable.saved.values());
    for (let i = 1; i < order.length; i++) expect(order[i]!.lte).toBeLessThan(order[i - 1]!.gte);
  });

  it('reaches its concurrency after the first page, and never holds more than 2 × inFlight unfinished slices', async () => {
    // Sparse years, then a dense stretch and bursts: the dense slices are split while others keep the slots.
    const createds = [
      ...Array.from({ length: 3000 }, (_, i) => Math.floor(i * 3.3)),
      ...Array.from({ length: 4000 }, (_, i) => 9_000 + (i % 400)),
      ...Array.from({ length: 600 }, () => 9_700),
    ];
    const list = new FakeList(createds, seeded(11));
    const inFlight = 8;
    const states = new Map<number, SliceState>(initialSlices(0, 10_000, 20_000).map((s) => [s.id, s]));
    const openAfterCheckpoint: number[] = [];
    const final = await runSlices({
      slices: [...states.values()],
      inFlight,
      fetchPage: (slice, signal) => list.page(pageParams(slice, undefined), signal),
      sink: {
        write: (_id, customers) => Promise.resolve(customers.length),
        checkpoint: (slices) => {
          for (const s of slices) states.set(s.id, s);
          openAfterCheckpoint.push([...states.values()].filter((s) => !s.done).length);
          return Promise.resolve();
        },
      },
    });
    expect(final.reduce((n, s) => n + s.customers, 0)).toBe(createds.length);
    expect(openAfterCheckpoint[0]).toBeGreaterThanOrEqual(inFlight);
    // The dense slices were split beyond the free slots (a slice holding more than its share), within the bound.
    expect(Math.max(...openAfterCheckpoint)).toBeGreaterThan(inFlight);
    expect(Math.max(...openAfterCheckpoint)).toBeLessThanOrEqual(2 * inFlight);
  });

  it('resumes from the committed slice states after a crash with every customer exactly once', async () => {
    for (const crashAt of [1, 4, 9, 15]) {
      const list = new FakeList(distribution(seeded(crashAt), 2000), seeded(crashAt + 1));
      const durable = fresh(initialSlices(0, 10_000, 20_000));
      await expect(exportAll(list, 16, durable, crashAt)).rejects.toThrow('crash');
      // The dying batch reached the parts but not the checkpoint.
      expect([...durable.parts].some(([id, part]) => part.length > (durable.saved.get(id)?.bytes ?? 0))).toBe(true);
      expect([...durable.saved.values()].some((s) => !s.done)).toBe(true);
      expect(await exportAll(list, 16, durable)).toEqual(list.ids);
    }
  });

  it('rejects with the fetch error after the pages in flight settle', async () => {
    const list = new FakeList(Array.from({ length: 500 }, (_, i) => i), seeded(3));
    let calls = 0;
    const error = new Error('stripe is down');
    await expect(
      runSlices({
        slices: initialSlices(0, 1000, 2000),
        inFlight: 4,
        fetchPage: async (slice, signal) => {
          calls += 1;
          if (calls === 3) throw error;
          return list.page(pageParams(slice, undefined), signal);
        },
        sink: { write: () => Promise.resolve(0), checkpoint: () => Promise.resolve() },
      }),
    ).rejects.toBe(error);
  });

  it('reads a slice only once it is ready (the snapshot second once it is over)', async () => {
    const list = new FakeList([5, 5, 4], seeded(1));
    const slices = initialSlices(0, 5, 5, { marginMs: 0 });
    const readyAt = Date.now() + 30;
    slices[0]!.readyAt = readyAt;
    const fetchedAt = new Map<number, number>();
    const durable = fresh(slices);
    await runSlices({
      slices,
      inFlight: 4,
      fetchPage: (slice, signal) => {
        fetchedAt.set(slice.id, Date.now());
        return list.page(pageParams(slice, undefined), signal);
      },
      sink: {
        write: (sliceId, customers) => {
          durable.parts.set(sliceId, [...(durable.parts.get(sliceId) ?? []), ...customers.map((c) => c.id)]);
          return Promise.resolve(customers.length);
        },
        checkpoint: () => Promise.resolve(),
      },
    });
    expect(fetchedAt.get(0)).toBeGreaterThanOrEqual(readyAt);
    expect(fetchedAt.get(1)).toBeLessThan(readyAt);
    expect([...(durable.parts.get(0) ?? []), ...(durable.parts.get(1) ?? [])]).toEqual(list.ids);
  });
});
