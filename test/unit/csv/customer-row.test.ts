import { describe, expect, it } from 'vitest';
import {
  EXPORT_COLUMNS,
  buildExportColumns,
  customerToRow,
  isExportColumn,
} from '../../../src/csv/index.ts';
import { makeAddress, makeCustomer } from './customer-fixture.ts';

describe('EXPORT_COLUMNS and buildExportColumns', () => {
  it('lists the default order, livemode last', () => {
    expect(EXPORT_COLUMNS).toEqual([
      'id', 'email', 'name', 'phone', 'description', 'created', 'balance', 'currency', 'delinquent', 'tax_exempt',
      'invoice_prefix', 'preferred_locales', 'address.line1', 'address.line2', 'address.city', 'address.state',
      'address.postal_code', 'address.country', 'shipping.name', 'shipping.phone', 'shipping.address.line1',
      'shipping.address.line2', 'shipping.address.city', 'shipping.address.state', 'shipping.address.postal_code',
      'shipping.address.country', 'livemode',
    ]);
  });

  it('inserts metadata columns before livemode, once each', () => {
    const columns = buildExportColumns(['plan', 'crm_id', 'plan']);
    expect(columns.slice(-3)).toEqual(['metadata.plan', 'metadata.crm_id', 'livemode']);
    expect(buildExportColumns(['plan'], ['id', 'email'])).toEqual(['id', 'email', 'metadata.plan']);
  });

  it('knows which columns it can write', () => {
    expect(isExportColumn('address.city')).toBe(true);
    expect(isExportColumn('metadata.Plan')).toBe(true);
    expect(isExportColumn('metadata.')).toBe(false);
    expect(isExportColumn('discount')).toBe(false);
  });
});

describe('customerToRow', () => {
  it("reads a metadata key named like an Object.prototype member from the customer's own metadata only", () => {
    // As stripe-node hands it over: parsed JSON, an ordinary prototype.
    const customer = makeCustomer({ id: 'cus_Proto0000001', metadata: JSON.parse('{"plan":"pro"}') as Record<string, string> });
    expect(customerToRow(customer, ['metadata.constructor', 'metadata.toString', 'metadata.__proto__', 'metadata.plan'])).toEqual(['', '', '', 'pro']);
    const own = makeCustomer({ id: 'cus_Proto0000002', metadata: JSON.parse('{"constructor":"=x"}') as Record<string, string> });
    expect(customerToRow(own, ['metadata.constructor'])).toEqual(["'=x"]);
  });

  it('writes every column of a full customer', () => {
    const customer = makeCustomer({
      id: 'cus_Full00000001',
      email: 'zoe@example.de',
      name: 'Zoë Müller',
      phone: '+49 30 1234567',
      description: 'Line one\nline two',
      balance: -1250,
      currency: 'eur',
      delinquent: true,
      tax_exempt: 'reverse',
      invoice_prefix: 'ZOE1',
      preferred_locales: ['de-DE', 'en'],
      address: makeAddress({ line1: 'Hauptstraße 1', city: 'Berlin', postal_code: '10115', country: 'DE' }),
      shipping: { name: 'Zoë', phone: null, address: makeAddress({ city: 'Potsdam', country: 'DE' }) },
      metadata: { plan: '=HYPERLINK("x")' },
      livemode: true,
    });
    const row = customerToRow(customer, buildExportColumns(['plan', 'absent']));
    expect(row).toEqual([
      'cus_Full00000001', 'zoe@example.de', 'Zoë Müller', "'+49 30 1234567", 'Line one\nline two',
      '2026-11-28T03:21:26Z', '-1250', 'eur', 'true', 'reverse', 'ZOE1', 'de-DE;en', 'Hauptstraße 1', '', 'Berlin', '',
      '10115', 'DE', 'Zoë', '', '', '', 'Potsdam', '', '', 'DE', `'=HYPERLINK("x")`, '', 'true',
    ]);
  });

  it('writes empty cells for nulls and missing optional fields', () => {
    const customer = makeCustomer({
      delinquent: null,
      tax_exempt: undefined,
      preferred_locales: null,
      invoice_prefix: null,
    });
    const columns = [
      'email', 'delinquent', 'tax_exempt', 'preferred_locales', 'invoice_prefix', 'shipping.address.city', 'livemode',
    ];
    const row = customerToRow(customer, columns);
    expect(row).toEqual(['', '', '', '', '', '', 'false']);
  });

  it('follows the requested column order', () => {
    const row = customerToRow(makeCustomer({ email: 'a@example.com' }), ['email', 'id']);
    expect(row).toEqual(['a@example.com', 'cus_TestAbcdef1234']);
  });

  it('throws on a column it cannot write', () => {
    expect(() => customerToRow(makeCustomer(), ['discount'])).toThrow(/unknown export column 'discount'/);
  });
});
