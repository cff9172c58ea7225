import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSearchQuery } from '../../../src/emulator/search-query.ts';
import { searchQueryProblem } from '../../../src/exports/search-syntax.ts';

describe('searchQueryProblem (Stripe search grammar for customers)', () => {
  it("accepts the grammar of Stripe's documentation", () => {
    for (const query of [
      "email:'jenny.rosen@example.com'",
      'email:"jenny.rosen@example.com"',
      "name~'jen'",
      "metadata['plan']:'pro'",
      'metadata["crm id"]:"42"',
      'created>1700000000',
      'created>=1700000000 AND created<1800000000',
      "-email:null AND name:'Jenny Rosen'",
      "email:'a@x.com' OR email:'b@x.com' OR phone:'+15555550100'",
      "name:'O\\'Brien'",
      "name~'ab'", // semantic (Stripe wants 3 characters for ~): Stripe's own 400 fails the export at once
    ]) {
      expect(searchQueryProblem(query), query).toBeNull();
    }
  });

  it('names the problem of a malformed query', () => {
    const cases: Array<[string, string]> = [
      ["emial:'a@b.c'", "'emial' is not a searchable customer field"],
      ["email:'a@b.c' AND", 'expected a field'],
      ["email:'a@b.c", "unterminated ' string"],
      ["email='a@b.c'", 'expected an operator'],
      ["email>'a'", 'email takes only : or ~'],
      ["created>'yesterday'", 'created takes a unix timestamp'],
      ["metadata.plan:'pro'", "metadata must be written metadata['key']"],
      ["email:'a' AND name:'b' OR phone:'c'", 'AND and OR cannot be combined'],
      ["email:'a' name:'b'", 'expected AND or OR'],
      ["(email:'a')", 'expected a field'],
      [Array.from({ length: 11 }, (_, i) => `created>${i}`).join(' AND '), 'at most 10 clauses'],
      ['email:', 'a value is missing after email:'],
    ];
    for (const [query, problem] of cases) expect(searchQueryProblem(query), query).toContain(problem);
  });
});

describe('searchQueryProblem against the emulator’s parser (generated queries)', () => {
  const field = fc.constantFrom('email', 'name', 'phone', 'created', "metadata['plan']", 'metadata["a b"]', 'emial', 'metadata');
  const operator = fc.oneof({ arbitrary: fc.constantFrom(':', '~'), weight: 4 }, { arbitrary: fc.constantFrom('>', '>=', '<', '<=', '=', ''), weight: 1 });
  const value = fc.oneof(
    fc.string({ unit: fc.constantFrom(..."ab c'\"\\@.-".split('')), maxLength: 8 }).map((s) => `'${s}'`),
    fc.string({ unit: fc.constantFrom(...'ab c@.-'.split('')), maxLength: 8 }).map((s) => `"${s}"`),
    fc.integer({ min: -5, max: 2_000_000_000 }).map(String),
    fc.constantFrom('null', 'abc', "'unterminated", ''),
  );
  const clause = fc.tuple(fc.boolean(), field, operator, value).map(([neg, f, op, v]) => `${neg ? '-' : ''}${f}${op}${v}`);
  // Mostly one join word per query (Stripe refuses AND mixed with OR), sometimes a broken one.
  const join = fc.oneof({ arbitrary: fc.constantFrom(' AND ', ' OR '), weight: 6 }, { arbitrary: fc.constantFrom(' ', ' and ', 'AND'), weight: 1 });
  const query = fc
    .tuple(fc.array(clause, { minLength: 1, maxLength: 12 }), join, fc.option(join, { freq: 8 }))
    .map(([clauses, main, odd]) => clauses.reduce((q, c, i) => (i === 0 ? c : `${q}${i === 2 && odd !== null ? odd : main}${c}`), ''));

  it('never refuses a query the emulator (Stripe’s grammar) accepts, and accepts most of what it does', () => {
    let accepted = 0;
    fc.assert(
      fc.property(query, (q) => {
        let emulatorAccepts = true;
        try {
          parseSearchQuery(q);
        } catch {
          emulatorAccepts = false;
        }
        if (emulatorAccepts) {
          accepted += 1;
          expect(searchQueryProblem(q), q).toBeNull();
        }
      }),
      { numRuns: 2000 },
    );
    // The generator reaches valid queries, not only broken ones.
    expect(accepted).toBeGreaterThan(50);
    console.info(`[search syntax] 2000 generated queries, ${accepted} accepted by the emulator, none refused by the API check`);
  });
});
