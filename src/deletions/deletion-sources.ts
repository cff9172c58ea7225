import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, writeFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { stringify } from 'csv-stringify/sync';
import { AppError, notFound } from '../errors.ts';
import { resultsPath } from '../imports/import-paths.ts';
import type { ImportStore } from '../imports/import-store.ts';
import { storageError } from '../imports/upload/storage-error.ts';
import { deletionResultsPath } from './deletion-paths.ts';
import type { DeletionStore } from './deletion-store.ts';
import type { DeletionSource } from './deletion-types.ts';

/** SHA-256 of a file: a confirmed run must delete from the very file its dry run reviewed. */
export async function fileDigest(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

async function headerCells(path: string): Promise<string[]> {
  const parser = parse({ bom: true, to_line: 1, relax_column_count: true });
  // As check-header.ts: the pipeline's verdict is only awaited, so the descriptor closes when the loop leaves early.
  const closed = pipeline(createReadStream(path), parser).catch(() => undefined);
  try {
    for await (const record of parser as AsyncIterable<string[]>) return record;
    return [];
  } catch (err) {
    throw storageError(err) ?? new AppError('not_csv', `The file is not valid CSV: ${(err as Error).message}`, 400);
  } finally {
    parser.destroy();
    await closed;
  }
}

/** Checks an uploaded deletion CSV names its customers by an `id` or an `email` column. */
export async function checkDeletionHeader(path: string): Promise<void> {
  const names = (await headerCells(path)).map((c) => c.trim().toLowerCase());
  if (names.every((n) => n === '')) {
    throw new AppError('empty_header', 'The file is empty or its first line is blank: it needs a header line with an "id" or an "email" column.', 400);
  }
  if (!names.includes('id') && !names.includes('email')) {
    throw new AppError('missing_column', `The CSV needs an "id" column (customer ids) or an "email" column; its header is: ${names.join(', ')}.`, 400, { columns: names });
  }
}

/** One customer an import created, as its results say. */
interface Created {
  row: string;
  id: string;
  email: string;
}

async function createdBy(path: string): Promise<Created[]> {
  const created: Created[] = [];
  const lines = createReadStream(path).pipe(parse({ columns: true, relax_column_count: true, skip_empty_lines: true }));
  for await (const line of lines as AsyncIterable<Record<string, string>>) {
    if (line.action === 'created' && line.customer_id) created.push({ row: line.row ?? '', id: line.customer_id, email: line.email ?? '' });
  }
  return created;
}

/**
 * The targets of an undo, written to `targetsPath` as `row,id,email` (the import's row numbers): exactly the
 * customers the import's results say it created. Refuses an import that is missing, still running, a dry run,
 * already undone (unless this is a dry run), or that created nothing.
 */
export async function prepareUndo(imports: ImportStore, dataDir: string, importId: string, dryRun: boolean, targetsPath: string): Promise<DeletionSource> {
  const record = await imports.get(importId);
  if (record === null) throw notFound('Import', importId);
  if (record.status === 'queued' || record.status === 'running') {
    throw new AppError('import_not_undoable', `Import ${importId} is still ${record.status}: undo it once it has ended (or cancel it first).`, 409);
  }
  if (record.undone_by && !dryRun) {
    throw new AppError('import_not_undoable', `Import ${importId} was already undone by ${record.undone_by}.`, 409);
  }
  if (record.dry_run) throw new AppError('nothing_to_delete', `Import ${importId} was a dry run: it created no customer to delete.`, 400);
  const created = await createdBy(resultsPath(dataDir, importId)).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  });
  if (created.length === 0) throw new AppError('nothing_to_delete', `Import ${importId} created no customer: there is nothing to undo.`, 400);
  const text = stringify([['row', 'id', 'email'], ...created.map((c) => [c.row, c.id, c.email])]);
  await writeFile(targetsPath, text, { flag: 'wx' });
  return { kind: 'import', digest: await fileDigest(targetsPath), import_id: importId, file_name: `undo of ${importId}` };
}

/**
 * A real run carries out one finished dry run of the same source: the same file (digest) or the same import. Throws
 * 409 confirm_mismatch naming what differs.
 */
export async function checkConfirm(store: DeletionStore, dataDir: string, confirm: string, source: DeletionSource): Promise<void> {
  const dryRun = await store.get(confirm);
  const refuse = (why: string) => new AppError('confirm_mismatch', `confirm=${confirm} cannot be used: ${why}.`, 409, { confirm });
  if (dryRun === null) throw refuse('there is no such deletion');
  if (!dryRun.dry_run) throw refuse('it is not a dry run (run POST /v1/deletions with dry_run=true first)');
  if (dryRun.status !== 'completed') throw refuse(`the dry run is ${dryRun.status}, not completed: review its finished results first`);
  if (dryRun.source.kind !== source.kind) throw refuse(`the dry run was of ${dryRun.source.kind === 'import' ? 'an import' : 'a file'}, this is of ${source.kind === 'import' ? 'an import' : 'a file'}`);
  if (source.kind === 'import' && dryRun.source.import_id !== source.import_id) {
    throw refuse(`the dry run undid ${String(dryRun.source.import_id)}, not ${String(source.import_id)}`);
  }
  if (source.kind === 'file' && dryRun.source.digest !== source.digest) throw refuse('the dry run reviewed another file (its SHA-256 differs)');
  // A confirmed run deletes only what the dry run's results list: without them there is nothing reviewed to carry out.
  if (!(await access(deletionResultsPath(dataDir, confirm)).then(() => true, () => false))) {
    throw refuse('its results are gone from DATA_DIR; run a new dry run');
  }
}
