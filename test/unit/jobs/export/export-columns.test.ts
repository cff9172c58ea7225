import { describe, expect, it } from 'vitest';
import { EXPORT_COLUMNS } from '../../../../src/csv/index.ts';
import { planColumns, resolveColumns } from '../../../../jobs/export/export-columns.ts';
import { exportFileName } from '../../../../src/exports/export-paths.ts';

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

describe('file names', () => {
  it('names the file after the export id and the day (UTC)', () => {
    expect(exportFileName('exp_abc', Date.UTC(2026, 0, 31, 23, 59), false)).toBe('customers-exp_abc-2026-01-31.csv');
    expect(exportFileName('exp_abc', Date.UTC(2026, 0, 31), true)).toBe('customers-exp_abc-2026-01-31.csv.gz');
  });
});
