import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.ts';
import { parseImportOptions } from '../../../src/imports/upload/import-options.ts';

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(400);
    return (err as AppError).details?.problems as string[];
  }
  throw new Error('expected a 400');
}

describe('parseImportOptions', () => {
  it('defaults to create without dry run', () => {
    expect(parseImportOptions({})).toEqual({ mode: 'create', dryRun: false, dedupe: 'lookup', fileName: undefined });
  });

  it('reads the query and the form fields', () => {
    expect(parseImportOptions({ mode: 'UPSERT', dry_run: 'true' })).toMatchObject({ mode: 'upsert', dryRun: true });
    expect(parseImportOptions({}, { mode: 'upsert', dry_run: '1', file_name: 'crm.csv' })).toEqual({
      mode: 'upsert',
      dryRun: true,
      dedupe: 'lookup',
      fileName: 'crm.csv',
    });
    expect(parseImportOptions({ dry_run: 'false' }, { dry_run: 'false' }).dryRun).toBe(false);
  });

  it('reads dedupe (lookup or scan, any case) and names a bad value', () => {
    expect(parseImportOptions({ dedupe: 'SCAN' }).dedupe).toBe('scan');
    expect(parseImportOptions({}, { dedupe: 'lookup' }).dedupe).toBe('lookup');
    expect(() => parseImportOptions({ dedupe: 'fuzzy' })).toThrow('dedupe must be lookup or scan (got "fuzzy")');
  });

  it('names every bad option at once', () => {
    const found = problems(() => parseImportOptions({ mode: 'merge', dry_run: 'maybe', colour: 'red' }));
    expect(found).toHaveLength(3);
    expect(found.join('\n')).toMatch(/mode must be create or upsert/);
    expect(found.join('\n')).toMatch(/dry_run must be true or false/);
    expect(found.join('\n')).toMatch(/unknown option colour/);
  });

  it('refuses a value given twice with different values, or repeated in the query', () => {
    expect(problems(() => parseImportOptions({ mode: 'create' }, { mode: 'upsert' }))[0]).toMatch(/given twice/);
    expect(problems(() => parseImportOptions({ mode: ['create', 'upsert'] }))[0]).toMatch(/given once/);
  });
});
