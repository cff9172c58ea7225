import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { accountDynamicColumns, accountToRow, buildAccountColumns, isAccountColumn, type ListedAccount } from '../../../src/csv/account-row.ts';

const account = (over: Partial<Stripe.Account> = {}): ListedAccount =>
  ({
    id: 'acct_1',
    object: 'account',
    type: 'custom',
    charges_enabled: false,
    payouts_enabled: false,
    details_submitted: false,
    email: null,
    created: 1_700_000_000,
    ...over,
  });

describe('account columns', () => {
  it('puts capabilities (sorted) before created and metadata (sorted) after it', () => {
    const columns = buildAccountColumns(['metadata.z', 'capabilities.transfers', 'metadata.a', 'capabilities.card_payments', 'metadata.z']);
    expect(columns.slice(-6)).toEqual(['requirements.currently_due', 'capabilities.card_payments', 'capabilities.transfers', 'created', 'metadata.a', 'metadata.z']);
    expect(columns[0]).toBe('id');
    expect(buildAccountColumns([]).at(-1)).toBe('created');
  });

  it('knows its columns and none of the customers', () => {
    for (const c of ['controller.type', 'business_profile.mcc', 'capabilities.link_payments', 'metadata.x']) expect(isAccountColumn(c), c).toBe(true);
    for (const c of ['name', 'livemode', 'capabilities.', 'metadata.', 'address.city']) expect(isAccountColumn(c), c).toBe(false);
  });

  it('renders an account sparse in every optional field without throwing, and guards formulas', () => {
    const sparse = account();
    expect([...accountDynamicColumns(sparse)]).toEqual([]);
    expect(accountToRow(sparse, buildAccountColumns([]))).toEqual(['acct_1', 'custom', '', '', '', '', '', '', '', '', 'false', 'false', 'false', '', '', '2023-11-14T22:13:20Z']);
    const full = account({
      capabilities: { transfers: 'active' },
      metadata: { note: '@SUM(A1)', constructor: 'x' },
      requirements: { currently_due: ['a', 'b'], disabled_reason: null } as unknown as Stripe.Account.Requirements,
    });
    expect(accountDynamicColumns(full)).toEqual(['capabilities.transfers', 'metadata.note', 'metadata.constructor']);
    expect(accountToRow(full, ['requirements.currently_due', 'capabilities.transfers', 'capabilities.card_payments', 'metadata.note', 'metadata.constructor', 'metadata.toString'])).toEqual([
      'a;b', 'active', '', "'@SUM(A1)", 'x', '',
    ]);
  });
});
