import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/emulator/api-error.ts';
import { defaultFields, type CustomerRecord } from '../../../src/emulator/customer-record.ts';
import { matchesQuery, parseSearchQuery } from '../../../src/emulator/search-query.ts';

function customer(fields: Partial<CustomerRecord>): CustomerRecord {
  return { ...defaultFields(), id: 'cus_1', created: 1000, seq: 1, livemode: false, deleted: false, searchableAt: 0, ...fields };
}

const jane = customer({
  email: 'Jane@Example.com',
  name: 'Jane Doe',
  metadata: Object.assign(Object.create(null) as Record<string, string>, { plan: 'pro' }),
});

describe('parseSearchQuery / matchesQuery', () => {
  it('matches exact, substring, metadata and created clauses', () => {
    expect(matchesQuery(jane, parseSearchQuery("email:'jane@example.com'"))).toBe(true);
    expect(matchesQuery(jane, parseSearchQuery('name~"doe"'))).toBe(true);
    expect(matchesQuery(jane, parseSearchQuery("metadata['plan']:'pro'"))).toBe(true);
    expect(matchesQuery(jane, parseSearchQuery("metadata['plan']:'free'"))).toBe(false);
    expect(matchesQuery(jane, parseSearchQuery('created>999 AND created<=1000'))).toBe(true);
    expect(matchesQuery(jane, parseSearchQuery('created:1001'))).toBe(false);
  });

  it('joins with OR, and negates with -', () => {
    expect(matchesQuery(jane, parseSearchQuery("email:'x@y.z' OR name:'jane doe'"))).toBe(true);
    expect(matchesQuery(jane, parseSearchQuery("-name:'jane doe'"))).toBe(false);
  });

  it.each([
    ["email:'a' AND name:'b' OR name:'c'", 'cannot be combined'],
    ["currency:'usd'", 'unsupported search field'],
    ["name~'ab'", 'at least 3 characters'],
    ["email:'open", 'unterminated'],
    ['', 'empty'],
    ["metadata.plan:'pro'", "metadata['key']"],
  ])('rejects %j with param query', (query, message) => {
    try {
      parseSearchQuery(query);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ApiError);
      expect((err as ApiError).error.param).toBe('query');
      expect((err as ApiError).message).toContain(message);
    }
  });
});
