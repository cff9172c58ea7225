import type { SeedCustomer } from '../../src/emulator/index.ts';
import type { BenchEmulator } from './bench-emulator.ts';
import { itemAt } from './numbers.ts';

const SEED_BATCH = 10_000;
const PLANS = ['free', 'pro', 'team', 'enterprise'];

/**
 * Two years of sign-ups: 70% spread evenly, 30% in bursts of 100 or 1,000 customers sharing one second (an
 * import or a launch), so the export has to split dense ranges and page inside single seconds.
 * Deterministic (a fixed linear congruential generator) so every run exports the same population.
 */
export function population(count: number, now: number): SeedCustomer[] {
  let x = 42;
  const random = () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return x / 2 ** 31;
  };
  const start = now - 2 * 365 * 86_400;
  const customers: SeedCustomer[] = [];
  const add = (created: number) => {
    const i = customers.length;
    customers.push({
      email: `user${i}@example.com`,
      name: `Customer ${i}`,
      created,
      metadata: { plan: itemAt(PLANS, i % PLANS.length), crm_id: `crm-${i}` },
      address: i % 3 === 0 ? { city: 'Paris', country: 'FR', line1: `${i} rue de Rivoli`, postal_code: '75001' } : null,
    });
  };
  while (customers.length < count * 0.3) {
    const second = start + Math.floor(random() * (now - start - 60));
    const size = random() < 0.2 ? 1000 : 100;
    for (let i = 0; i < size && customers.length < count * 0.3; i++) add(second);
  }
  while (customers.length < count) add(start + Math.floor(random() * (now - start - 60)));
  return customers;
}

/** Seeds `count` customers with the realistic created distribution above. */
export async function seedPopulation(emulator: BenchEmulator, count: number): Promise<void> {
  const people = population(count, Math.floor(Date.now() / 1000));
  for (let i = 0; i < people.length; i += SEED_BATCH) await emulator.seed({ customers: people.slice(i, i + SEED_BATCH) });
}

/**
 * Seeds `count` customers from a template, one a minute going back from now: the cheap way to a million
 * (one admin call), used by the memory scenario where the shape of the created range matters less.
 */
export async function seedUniform(emulator: BenchEmulator, count: number): Promise<void> {
  const step = 60;
  const first = Math.floor(Date.now() / 1000) - count * step - 60;
  await emulator.seed({
    count,
    createdStep: step,
    template: {
      email: 'mem.user{i}@example.com',
      name: 'Customer {i}',
      created: first,
      metadata: { plan: 'pro', crm_id: 'crm-{i}' },
      address: { city: 'Paris', country: 'FR', line1: '{i} rue de Rivoli', postal_code: '75001' },
    },
  });
}
