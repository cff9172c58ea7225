import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  buildExportColumns,
  customerToRow,
  diffCustomer,
  parseCustomerRow,
  parseImportHeader,
  type ImportHeader,
} from '../../../src/csv/index.ts';
import { makeAddress, makeCustomer } from './customer-fixture.ts';

const CUSTOMERS: Stripe.Customer[] = [
  makeCustomer({ id: 'cus_Nulls000000001' }),
  makeCustomer({
    id: 'cus_Full000000001',
    email: 'zoe.muller@example.de',
    name: 'Zoë Müller, GmbH',
    phone: '+49 30 1234567',
    description: 'Line one\nline "two", with a comma',
    balance: -1250,
    currency: 'eur',
    delinquent: true,
    tax_exempt: 'reverse',
    invoice_prefix: 'ZOE1',
    preferred_locales: ['de-DE', 'en'],
    address: makeAddress({
      line1: 'Hauptstraße 1', line2: '2. OG', city: 'Berlin', postal_code: '10115', country: 'DE',
    }),
    shipping: {
      name: 'Zoë Müller',
      phone: '+49 30 7654321',
      address: makeAddress({ line1: 'Am Markt 3', city: 'Potsdam', state: 'BB', postal_code: '14467', country: 'DE' }),
    },
    metadata: { plan: 'enterprise', crm_id: 'CRM-0001', Mixed_Case: 'yes' },
    livemode: true,
  }),
  makeCustomer({
    id: 'cus_Formula000001',
    email: '=evil@example.com',
    name: '=SUM(A1:A9)',
    phone: '-555',
    description: "'=already quoted",
    balance: 0,
    metadata: { plan: '+cmd|calc', crm_id: '@SUM(1)', note: '-500' },
  }),
  makeCustomer({
    id: 'cus_Spaces0000001',
    email: ' padded@example.com ',
    name: '  Ann Lee  ',
    description: '\tindented with a tab',
    metadata: { plan: ' pro ' },
    shipping: { name: 'Ann', phone: null, address: makeAddress() },
  }),
  makeCustomer({
    id: 'cus_Locales000001',
    email: 'MixedCase@Example.COM',
    name: 'Ōkubo 大久保',
    preferred_locales: ['ja', 'en-US', 'zh-Hant'],
    balance: 999999,
    tax_exempt: 'exempt',
    address: makeAddress({ country: 'JP', city: '東京', postal_code: '100-0001' }),
    metadata: { crm_id: '' },
  }),
];

const COLUMNS = buildExportColumns(['plan', 'crm_id', 'Mixed_Case', 'note']);

/** Writes the customers as an export file and reads it back as the importer does. */
function exportAndReadBack(customers: Stripe.Customer[]): { header: ImportHeader; rows: string[][] } {
  const csv = stringify([COLUMNS, ...customers.map((c) => customerToRow(c, COLUMNS))]);
  const [headerCells, ...rows] = parse(csv, { bom: true, relax_column_count: true });
  return { header: parseImportHeader(headerCells ?? []), rows };
}

describe('export → import round trip', () => {
  it('re-imports every exported customer unchanged', () => {
    const { header, rows } = exportAndReadBack(CUSTOMERS);
    expect(rows).toHaveLength(CUSTOMERS.length);
    CUSTOMERS.forEach((customer, i) => {
      const result = parseCustomerRow(header, rows[i] ?? []);
      if (!result.ok) throw new Error(`${customer.id}: ${result.errors.join('; ')}`);
      expect(result.input.id).toBe(customer.id);
      expect(diffCustomer(customer, result.input)).toBeNull();
    });
  });

  it('keeps formula-looking values exactly', () => {
    const { header, rows } = exportAndReadBack(CUSTOMERS);
    const result = parseCustomerRow(header, rows[2] ?? []);
    expect(result).toEqual({
      ok: true,
      input: {
        id: 'cus_Formula000001',
        email: '=evil@example.com',
        name: '=SUM(A1:A9)',
        phone: '-555',
        description: "'=already quoted",
        balance: 0,
        tax_exempt: 'none',
        invoice_prefix: 'A1B2C3D4',
        metadata: { plan: '+cmd|calc', crm_id: '@SUM(1)', note: '-500' },
      },
    });
  });

  // One edit per importable column: the new cell value and the update Stripe should receive.
  const EDITS: Array<[column: string, cell: string, expected: Stripe.CustomerUpdateParams]> = [
    ['email', 'zoe@example.org', { email: 'zoe@example.org' }],
    ['name', 'Zoë M.', { name: 'Zoë M.' }],
    ['phone', '+49 30 1111111', { phone: '+49 30 1111111' }],
    ['description', '=new', { description: '=new' }],
    ['balance', '-1', { balance: -1 }],
    ['tax_exempt', 'none', { tax_exempt: 'none' }],
    ['invoice_prefix', 'ZOE2', { invoice_prefix: 'ZOE2' }],
    ['preferred_locales', 'en;de-DE', { preferred_locales: ['en', 'de-DE'] }],
    ['address.line1', 'Neue Straße 9', {
      address: { line1: 'Neue Straße 9', line2: '2. OG', city: 'Berlin', postal_code: '10115', country: 'DE' },
    }],
    ['address.country', 'AT', {
      address: { line1: 'Hauptstraße 1', line2: '2. OG', city: 'Berlin', postal_code: '10115', country: 'AT' },
    }],
    ['shipping.phone', '+49 1', {
      shipping: {
        name: 'Zoë Müller',
        phone: '+49 1',
        address: { line1: 'Am Markt 3', city: 'Potsdam', state: 'BB', postal_code: '14467', country: 'DE' },
      },
    }],
    ['shipping.address.state', 'BE', {
      shipping: {
        name: 'Zoë Müller',
        phone: '+49 30 7654321',
        address: { line1: 'Am Markt 3', city: 'Potsdam', state: 'BE', postal_code: '14467', country: 'DE' },
      },
    }],
    ['metadata.plan', 'starter', { metadata: { plan: 'starter' } }],
    ['metadata.note', 'new key', { metadata: { note: 'new key' } }],
  ];

  it.each(EDITS)('editing %s yields a diff with exactly that field', (column, cell, expected) => {
    const { header, rows } = exportAndReadBack(CUSTOMERS);
    const edited = [...(rows[1] ?? [])];
    edited[COLUMNS.indexOf(column)] = cell;
    const result = parseCustomerRow(header, edited);
    if (!result.ok) throw new Error(result.errors.join('; '));
    expect(diffCustomer(CUSTOMERS[1]!, result.input)).toEqual(expected);
  });

  it('ignores edits to read-only columns and emptied cells', () => {
    const { header, rows } = exportAndReadBack(CUSTOMERS);
    const edited = [...(rows[1] ?? [])];
    for (const column of ['created', 'currency', 'delinquent', 'livemode', 'name', 'metadata.plan']) {
      edited[COLUMNS.indexOf(column)] = column === 'name' || column === 'metadata.plan' ? '' : 'changed';
    }
    const result = parseCustomerRow(header, edited);
    if (!result.ok) throw new Error(result.errors.join('; '));
    expect(diffCustomer(CUSTOMERS[1]!, result.input)).toBeNull();
  });
});
