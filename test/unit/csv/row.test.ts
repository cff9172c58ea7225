import { describe, expect, it } from 'vitest';
import { parseCustomerRow, parseImportHeader, type RowResult } from '../../../src/csv/index.ts';

/** Parses one row under a header given as a list of names. */
function row(headers: string[], cells: string[]): RowResult {
  return parseCustomerRow(parseImportHeader(headers), cells);
}

function errorsOf(result: RowResult): string[] {
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.input)}`);
  return result.errors;
}

function inputOf(result: RowResult) {
  if (!result.ok) throw new Error(`expected a valid row, got ${result.errors.join('; ')}`);
  return result.input;
}

describe('parseCustomerRow', () => {
  it('builds a CustomerInput with every kind of field', () => {
    const headers = [
      'id', 'email', 'name', 'phone', 'description', 'tax_exempt', 'preferred_locales', 'invoice_prefix', 'balance',
      'address.line1', 'address.country', 'shipping.name', 'shipping.phone', 'shipping.address.city',
      'shipping.address.country', 'metadata.Plan', 'created', 'livemode',
    ];
    const cells = [
      'cus_Abc123', 'Zoë@Example.com', 'Zoë Müller', "'+49 30 1234567", 'Line one\nline two', 'Exempt', 'de-DE; en ;',
      'ZOE1', "'-1250", 'Hauptstraße 1', 'de', 'Zoë Müller', '+49 30 7654321', 'Berlin', 'DE', 'pro',
      '2026-11-28T03:21:26Z', 'true',
    ];
    expect(inputOf(row(headers, cells))).toEqual({
      id: 'cus_Abc123',
      email: 'Zoë@Example.com',
      name: 'Zoë Müller',
      phone: '+49 30 1234567',
      description: 'Line one\nline two',
      tax_exempt: 'exempt',
      preferred_locales: ['de-DE', 'en'],
      invoice_prefix: 'ZOE1',
      balance: -1250,
      address: { line1: 'Hauptstraße 1', country: 'DE' },
      shipping: { name: 'Zoë Müller', phone: '+49 30 7654321', address: { city: 'Berlin', country: 'DE' } },
      metadata: { Plan: 'pro' },
    });
  });

  it('trims cells and leaves fields of empty or blank cells out', () => {
    const cells = ['  a@example.com ', '   ', '', ' \t '];
    expect(inputOf(row(['email', 'name', 'phone', 'metadata.plan'], cells))).toEqual({
      email: 'a@example.com',
    });
  });

  it('restores formula-guarded cells before validating them', () => {
    const cells = ['a@example.com', "'=SUM(A1)", "''=x", '-500'];
    const input = inputOf(row(['email', 'name', 'description', 'balance'], cells));
    expect(input).toEqual({ email: 'a@example.com', name: '=SUM(A1)', description: "'=x", balance: -500 });
  });

  it('trims again after removing a guard that hid a leading tab', () => {
    expect(inputOf(row(['email', 'name'], ['a@example.com', "'\tAda"])).name).toBe('Ada');
  });

  it('ignores read-only export columns whatever they hold', () => {
    const headers = ['email', 'created', 'currency', 'delinquent', 'livemode'];
    const input = inputOf(row(headers, ['a@example.com', 'x', 'y', 'z', 'w']));
    expect(input).toEqual({ email: 'a@example.com' });
  });

  it('reports every invalid cell, each naming its column', () => {
    const headers = [
      'email', 'name', 'phone', 'tax_exempt', 'preferred_locales', 'invoice_prefix', 'balance', 'address.country',
      'shipping.name', 'shipping.address.country', 'metadata.note', 'id',
    ];
    const cells = [
      'not-an-email', 'n'.repeat(257), '+1 555 0100 ext 12345', 'maybe', 'en;english!', 'inv-1', '12.50', 'France',
      'Ann', 'UK', 'v'.repeat(501), 'customer_1',
    ];
    expect(errorsOf(row(headers, cells))).toEqual([
      "email: 'not-an-email' is not a valid email address",
      'name: is 257 characters long, the limit is 256',
      'phone: is 21 characters long, the limit is 20',
      "tax_exempt: 'maybe' is not one of none, exempt, reverse",
      "preferred_locales: 'english!' is not a locale such as en or fr-FR",
      "invoice_prefix: 'inv-1' must be 1–12 uppercase letters or digits",
      "balance: '12.50' is not a whole number of cents (e.g. -500)",
      "address.country: 'France' is not a two-letter country code",
      "shipping.address.country: 'UK' is not a two-letter country code (the United Kingdom is GB)",
      'metadata.note: is 501 characters long, the limit is 500',
      "id: 'customer_1' is not a customer id (cus_…)",
    ]);
  });

  it.each([
    ['a@example.com', true],
    ['first.last+tag@sub.example.co.uk', true],
    [`${'x'.repeat(500)}@example.com`, true],
    [`${'x'.repeat(501)}@example.com`, false],
    ['a@@example.com', false],
    ['a@b@example.com', false],
    ['@example.com', false],
    ['a b@example.com', false],
    ['a@example', false],
    ['a@example.', false],
    ['a@.com', false],
    ['a@exa..com', false],
  ])('email %j valid: %s', (email, valid) => {
    expect(row(['email'], [email]).ok).toBe(valid);
  });

  it('accepts the limits exactly and rejects one more', () => {
    const ok = row(
      ['email', 'name', 'phone', 'description', 'invoice_prefix', 'metadata.k'],
      ['a@example.com', 'n'.repeat(256), '1'.repeat(20), 'd'.repeat(5000), 'ABCDEF123456', 'v'.repeat(500)],
    );
    expect(ok.ok).toBe(true);
    expect(errorsOf(row(['email', 'description'], ['a@example.com', 'd'.repeat(5001)]))).toEqual([
      'description: is 5001 characters long, the limit is 5000',
    ]);
    expect(errorsOf(row(['email', 'invoice_prefix'], ['a@example.com', 'ABCDEF1234567']))).toHaveLength(1);
    expect(inputOf(row(['email', 'invoice_prefix'], ['a@example.com', 'A'])).invoice_prefix).toBe('A');
  });

  it.each([
    ['0', 0],
    ['-500', -500],
    ['+42', 42],
    ['9007199254740991', 9007199254740991],
  ])('balance %j is %d', (cell, value) => {
    expect(inputOf(row(['email', 'balance'], ['a@example.com', cell])).balance).toBe(value);
  });

  it.each(['1,000', '1e3', '12.5', 'abc', '9007199254740992', '- 5'])('balance %j is rejected', (cell) => {
    expect(errorsOf(row(['email', 'balance'], ['a@example.com', cell]))[0]).toMatch(/^balance: /);
  });

  it('allows 50 metadata keys in a row and rejects 51', () => {
    const keys = Array.from({ length: 51 }, (_, i) => `metadata.k${i}`);
    const values = Array.from({ length: 51 }, () => 'v');
    expect(errorsOf(row(['email', ...keys], ['a@example.com', ...values]))).toEqual([
      'metadata: 51 keys are set, Stripe allows 50',
    ]);
    values[50] = '';
    expect(Object.keys(inputOf(row(['email', ...keys], ['a@example.com', ...values])).metadata ?? {})).toHaveLength(50);
  });

  it('needs shipping.name when another shipping cell is filled', () => {
    expect(errorsOf(row(['email', 'shipping.phone'], ['a@example.com', '555']))).toEqual([
      'shipping.name: is required when other shipping columns are filled',
    ]);
  });

  it('rejects a row with neither email nor id, naming the columns', () => {
    expect(errorsOf(row(['email', 'name'], ['', 'Ann']))).toEqual(['email: the row has neither an email nor an id']);
    expect(errorsOf(row(['id', 'name'], [' ', 'Ann']))).toEqual(['id: the row has neither an email nor an id']);
    expect(errorsOf(row(['email', 'id'], ['', '']))).toEqual(['email/id: the row has neither an email nor an id']);
    expect(inputOf(row(['email', 'id'], ['', 'cus_X1']))).toEqual({ id: 'cus_X1' });
  });

  it('does not add the identity error on top of an invalid email', () => {
    expect(errorsOf(row(['email'], ['nope']))).toEqual(["email: 'nope' is not a valid email address"]);
  });

  it('reports a wrong number of cells with both counts', () => {
    expect(errorsOf(row(['email', 'name'], ['a@example.com']))).toEqual([
      'the row has 1 cells but the header has 2 columns',
    ]);
    expect(errorsOf(row(['email', 'name'], ['a@example.com', 'Ann', 'extra']))).toEqual([
      'the row has 3 cells but the header has 2 columns',
    ]);
  });

  it('follows the header order, not a fixed one', () => {
    const input = inputOf(row(['name', 'email'], ['Ann', 'ann@example.com']));
    expect(input).toEqual({ name: 'Ann', email: 'ann@example.com' });
  });

  it('leaves preferred_locales unchanged for a cell of only separators', () => {
    expect(inputOf(row(['email', 'preferred_locales'], ['a@example.com', ';;']))).toEqual({ email: 'a@example.com' });
  });
});
