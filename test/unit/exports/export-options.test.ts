import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.ts';
import { exportOptionsSchema, normaliseCreated, parseOrThrow } from '../../../src/exports/export-options.ts';
import { parseScheduleBody } from '../../../src/exports/schedule-options.ts';

const LIMITS = { minIntervalMinutes: 15 };

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(400);
    return (err as AppError).details?.problems as string[];
  }
  throw new Error('expected a validation error');
}

const parse = (body: unknown) => parseOrThrow(exportOptionsSchema, body);

describe('export options', () => {
  it('accepts an empty body and every documented option', () => {
    expect(parse(undefined)).toEqual({ object: 'customers' });
    const options = {
      object: 'customers',
      created: { gte: 1, lt: 2_000_000_000 },
      email: 'a@example.com',
      columns: ['id', 'email', 'metadata.plan', 'livemode'],
      gzip: true,
    };
    expect(parse(options)).toEqual(options);
    expect(parse({ query: "email:'a@b.co'", metadata_columns: ['plan', 'crm_id'] })).toEqual({
      object: 'customers',
      query: "email:'a@b.co'",
      metadata_columns: ['plan', 'crm_id'],
    });
  });

  it('names unknown fields, at the top and inside created', () => {
    const problems = problemsOf(() => parse({ foo: 1, created: { after: 3 } }));
    expect(problems.join('\n')).toContain('foo: unknown field');
    expect(problems.join('\n')).toContain('created.after: unknown field');
  });

  it('names bad values', () => {
    const problems = problemsOf(() =>
      parse({
        created: { gt: -1, lte: 1.5 },
        columns: ['id', 'nope', 'id'],
        metadata_columns: ['a[b]'],
        gzip: 'yes',
        email: '',
      }),
    ).join('\n');
    expect(problems).toContain('created.gt');
    expect(problems).toContain('created.lte');
    expect(problems).toContain("unknown column 'nope'");
    expect(problems).toContain('columns: must not repeat a column');
    expect(problems).toContain('metadata_columns.0');
    expect(problems).toContain('gzip');
    expect(problems).toContain('email');
  });

  it('refuses combinations that cannot work', () => {
    expect(problemsOf(() => parse({ query: "name:'x'", created: { gte: 1 } })).join()).toContain('created: cannot be combined with query');
    expect(problemsOf(() => parse({ query: "name:'x'", email: 'a@b.co' })).join()).toContain('email: cannot be combined with query');
    expect(problemsOf(() => parse({ columns: ['id', 'metadata.a'], metadata_columns: ['b'] })).join()).toContain('metadata_columns');
    expect(problemsOf(() => parse({ created: { gt: 10, lt: 11 } })).join()).toContain('created: the range holds no second');
  });

  it('normalises created bounds to one inclusive range, the tighter bound winning', () => {
    expect(normaliseCreated(undefined)).toEqual({ gte: 0, lte: undefined });
    expect(normaliseCreated({ gt: 10, gte: 5, lt: 100, lte: 200 })).toEqual({ gte: 11, lte: 99 });
    expect(normaliseCreated({ gte: 20, gt: 5, lte: 50, lt: 60 })).toEqual({ gte: 20, lte: 50 });
  });
});

describe('the object of an export', () => {
  it('takes accounts with the accounts columns (capabilities and metadata included)', () => {
    const columns = ['id', 'controller.type', 'requirements.currently_due', 'capabilities.card_payments', 'metadata.crm', 'created'];
    expect(parse({ object: 'accounts', columns, created: { gte: 1 } })).toEqual({ object: 'accounts', columns, created: { gte: 1 } });
  });

  it('names object and lists the allowed values when it is unknown', () => {
    const problems = problemsOf(() => parse({ object: 'users' })).join();
    expect(problems).toContain('object: must be one of customers, accounts');
  });

  it('refuses the customer-only options and the columns of the other object, naming each field', () => {
    const problems = problemsOf(() =>
      parse({ object: 'accounts', query: "email:'a@b.co'", email: 'a@b.co', metadata_columns: ['x'], account: 'acct_1X', columns: ['id', 'name'] }),
    );
    // The connected accounts are the platform's list: Stripe-Account would ask a connected account for its own.
    expect(problems).toContain('account: only a customers export takes it (object is accounts)');
    expect(problems).toContain('query: only a customers export takes it (object is accounts)');
    expect(problems).toContain('email: only a customers export takes it (object is accounts)');
    expect(problems).toContain('metadata_columns: only a customers export takes it (object is accounts)');
    expect(problems.join()).toContain("columns.1: unknown column 'name' for object accounts");
    expect(problemsOf(() => parse({ columns: ['id', 'capabilities.transfers'] })).join()).toContain(
      "columns.1: unknown column 'capabilities.transfers' for object customers",
    );
    expect(problemsOf(() => parseScheduleBody({ cron: '0 3 * * *', object: 'accounts', email: 'a@b.co' }, LIMITS)).join()).toContain(
      'email: only a customers export takes it',
    );
  });
});

describe('schedule bodies', () => {
  it('accepts a 6-field cron with a time zone and retention', () => {
    expect(parseScheduleBody({ cron: '0 0 3 * * *', tz: 'Europe/Paris', keep: 3, gzip: true }, LIMITS)).toEqual({
      cron: '0 0 3 * * *',
      tz: 'Europe/Paris',
      keep: 3,
      options: { object: 'customers', gzip: true },
    });
    expect(parseScheduleBody({ cron: '* * * * * *' }, { minIntervalMinutes: 0 }).tz).toBeUndefined();
  });

  it('refuses a bad cron, a bad time zone, a bad keep and unknown fields', () => {
    expect(problemsOf(() => parseScheduleBody({ cron: 'every day' }, LIMITS)).join()).toContain('cron');
    expect(problemsOf(() => parseScheduleBody({ cron: '61 * * * *' }, LIMITS)).join()).toContain('cron');
    expect(problemsOf(() => parseScheduleBody({ cron: '0 3 * * *', tz: 'Mars/Olympus' }, LIMITS)).join()).toContain('tz');
    expect(problemsOf(() => parseScheduleBody({ cron: '0 3 * * *', keep: 0 }, LIMITS)).join()).toContain('keep');
    expect(problemsOf(() => parseScheduleBody({ cron: '0 3 * * *', every: 5 }, LIMITS)).join()).toContain('every: unknown field');
    expect(problemsOf(() => parseScheduleBody({}, LIMITS)).join()).toContain('cron');
  });

  it('refuses a cron whose closest two runs are nearer than the minimum, naming the minimum', () => {
    const refused: Array<[string, string | undefined, string]> = [
      ['* * * * * *', undefined, 'every 1 s'],
      ['*/5 * * * *', undefined, 'every 5 min'],
      ['0,10 3 * * *', 'Europe/Paris', 'every 10 min'],
      // Rare overall (once a year) but two runs a minute apart.
      ['0,1 3 1 1 *', undefined, 'every 1 min'],
      // Late and early minutes of adjacent hours: 03:58 then 04:02.
      ['2,58 3,4 * * *', undefined, 'every 4 min'],
    ];
    for (const [cron, tz, gap] of refused) {
      const problems = problemsOf(() => parseScheduleBody({ cron, ...(tz === undefined ? {} : { tz }) }, LIMITS)).join();
      expect(problems, cron).toContain(`runs as often as ${gap}`);
      expect(problems, cron).toContain('at most once every 15 min (EXPORT_SCHEDULE_MIN_INTERVAL_MINUTES)');
    }
    for (const cron of ['*/15 * * * *', '0 * * * *', '0 3 * * *', '0 0 3 * * *', '0 0 1 1 *']) {
      expect(parseScheduleBody({ cron }, LIMITS).cron, cron).toBe(cron);
    }
    expect(parseScheduleBody({ cron: '*/5 * * * *' }, { minIntervalMinutes: 5 }).cron).toBe('*/5 * * * *');
  });
});
