import { describe, expect, it } from 'vitest';
import { buildExportColumns, customerToRow, EXPORT_COLUMNS } from '../../../../src/csv/index.ts';
import { planColumns, resolveColumns } from '../../../../jobs/export/export-columns.ts';
import { exportFileName } from '../../../../src/exports/export-paths.ts';
import { customerToLine, EXPORTED_FIELDS, lineToCustomer } from '../../../../jobs/export/customer-line.ts';
import type Stripe from 'stripe';

describe('export columns', () => {
  it('by default: every metadata key present, sorted, before livemode', () => {
    const plan = planColumns({});
    expect(plan.kind).toBe('all_metadata');
    const columns = resolveColumns(plan, ['plan', 'crm_id', 'plan']);
    expect(columns.slice(-3)).toEqual(['metadata.crm_id', 'metadata.plan', 'livemode']);
    expect(columns.slice(0, EXPORT_COLUMNS.length - 1)).toEqual(EXPORT_COLUMNS.slice(0, -1));
  });

  it('with metadata_columns: exactly those keys, in the order given', () => {
    expect(resolveColumns(planColumns({ metadata_columns: ['z', 'a'] }), ['other']).slice(-3)).toEqual([
      'metadata.z',
      'metadata.a',
      'livemode',
    ]);
  });

  it('with columns: those columns in order, metadata only when asked', () => {
    expect(resolveColumns(planColumns({ columns: ['email', 'id'] }), ['plan'])).toEqual(['email', 'id']);
    expect(resolveColumns(planColumns({ columns: ['metadata.plan', 'email'] }), ['x'])).toEqual(['metadata.plan', 'email']);
    expect(resolveColumns(planColumns({ columns: ['email', 'livemode'], metadata_columns: ['plan'] }), [])).toEqual([
      'email',
      'metadata.plan',
      'livemode',
    ]);
  });
});

describe('file names and part lines', () => {
  it('names the file after the export id and the day (UTC)', () => {
    expect(exportFileName('exp_abc', Date.UTC(2026, 0, 31, 23, 59), false)).toBe('customers-exp_abc-2026-01-31.csv');
    expect(exportFileName('exp_abc', Date.UTC(2026, 0, 31), true)).toBe('customers-exp_abc-2026-01-31.csv.gz');
  });

  it('keeps only the exported fields, one line per customer without raw newlines', () => {
    const customer = {
      id: 'cus_1',
      object: 'customer',
      email: 'a@b.co',
      name: 'Line\nbreak\r\u2028',
      created: 1,
      metadata: { k: 'v' },
      invoice_settings: { footer: 'dropped' },
      livemode: false,
    } as unknown as Stripe.Customer;
    const line = customerToLine(customer);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toMatch(/[\n\r]/);
    const back = lineToCustomer(line.trimEnd()) as unknown as Record<string, unknown>;
    expect(back.name).toBe('Line\nbreak\r\u2028');
    expect(back.invoice_settings).toBeUndefined();
    expect(back.phone).toBeNull();
  });

  it('stores every field the columns read: a customer renders the same from its stored line', () => {
    const address = { line1: '1 Main St', line2: 'Apt 2', city: 'Paris', state: 'IDF', postal_code: '75001', country: 'FR' };
    const customer = {
      id: 'cus_full',
      object: 'customer',
      email: 'full@example.com',
      name: 'Full Name',
      phone: '+33100000000',
      description: 'every column set',
      created: 1_700_000_000,
      balance: -250,
      currency: 'eur',
      delinquent: true,
      tax_exempt: 'reverse',
      invoice_prefix: 'ABCD1234',
      preferred_locales: ['fr', 'en'],
      address,
      shipping: { name: 'Ship To', phone: '+33200000000', address: { ...address, city: 'Lyon' } },
      metadata: { plan: 'pro', crm_id: '42' },
      livemode: false,
      invoice_settings: { footer: 'not a column' },
    } as unknown as Stripe.Customer;
    const columns = buildExportColumns(['plan', 'crm_id']);
    const stored = lineToCustomer(customerToLine(customer).trimEnd());
    expect(customerToRow(stored, columns)).toEqual(customerToRow(customer, columns));
    expect(customerToRow(stored, columns).filter((cell) => cell === '')).toEqual([]);
    expect(EXPORTED_FIELDS).toContain('metadata');
    expect(EXPORTED_FIELDS).not.toContain('invoice_settings');
  });
});
