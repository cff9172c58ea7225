import { mkdir, rm } from 'node:fs/promises';
import type { DeletionJobData } from '../../../deletions/deletion-job-data.ts';
import { parseDeletionJson, parseDeletionQuery, type DeletionOptions } from '../../../deletions/deletion-options.ts';
import { deletionDir, newDeletionId, targetsPath } from '../../../deletions/deletion-paths.ts';
import { checkConfirm, checkDeletionHeader, fileDigest, prepareUndo } from '../../../deletions/deletion-sources.ts';
import type { DeletionSource } from '../../../deletions/deletion-types.ts';
import { enqueueDeletion } from '../../../deletions/enqueue-deletion.ts';
import type { AppDeps } from '../../../deps.ts';
import { AppError } from '../../../errors.ts';
import { ImportStore } from '../../../imports/import-store.ts';
import { clientGone, receiveUpload } from '../../../imports/upload/receive-upload.ts';
import { storageError } from '../../../imports/upload/storage-error.ts';
import { acceptSubmission, openSubmission, submissionKey } from '../../../queues/submission.ts';
import type { Handler, HandlerRequest } from '../../handler-types.ts';
import { redisUnavailable } from '../../middleware/redis-gate.ts';
import { deletionStore } from './lookup.ts';
import { presentDeletion } from './present-deletion.ts';
import { readJsonBody } from './read-json.ts';

// Not text/plain, which the import takes: here a body of either kind is read, and an untyped text must not be taken
// for a CSV of customers to delete.
const CSV_TYPES = new Set(['text/csv', 'application/csv', 'multipart/form-data']);

/** The charset of a Content-Type, lower-cased; undefined when none is given. */
const charsetOf = (header: string | undefined): string | undefined => /;\s*charset=("?)([^";]+)\1/i.exec(header ?? '')?.[2]?.toLowerCase();

const mediaType = (header: string | undefined): string => (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

/** The source named by the body: an import to undo (JSON), or an uploaded CSV of ids or emails. */
async function readSource(deps: AppDeps, req: HandlerRequest, path: string): Promise<{ options: DeletionOptions; source: DeletionSource }> {
  const type = mediaType(req.headers['content-type']);
  if (type === 'application/json') {
    const charset = charsetOf(req.headers['content-type']);
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      req.stream.resume();
      throw new AppError('unsupported_media_type', `The JSON body must be UTF-8 (got charset ${charset}).`, 415);
    }
    const options = parseDeletionJson(req.query, await readJsonBody(req.stream));
    const importId = options.importId ?? '';
    const imports = new ImportStore(deps.redis, deps.config.queuePrefix);
    return { options, source: await prepareUndo(imports, deps.config.dataDir, importId, options.dryRun, path) };
  }
  if (!CSV_TYPES.has(type)) {
    req.stream.resume();
    throw new AppError(
      'unsupported_media_type',
      `Send a CSV of customers (text/csv, or the "file" field of a multipart/form-data form) or JSON {"import_id": "imp_…"} to undo an import (got ${type || 'no Content-Type'}).`,
      415,
    );
  }
  parseDeletionQuery(req.query); // a bad query option answers 400 before the upload is read
  const upload = await receiveUpload(req.stream, path, deps.config.uploadMaxBytes);
  const options = parseDeletionQuery(req.query, upload.fields);
  await checkDeletionHeader(path);
  const fileName = options.fileName ?? upload.fileName ?? 'upload.csv';
  return { options, source: { kind: 'file', digest: await fileDigest(path), import_id: null, file_name: fileName } };
}

/**
 * `POST /v1/deletions`: reads the source, checks a real run confirms a finished dry run of the same source, and
 * queues the job. Any problem answers at once and leaves nothing behind: no record, no job, no file.
 */
export const createDeletion: Handler = async (deps, req) => {
  const id = newDeletionId();
  const dir = deletionDir(deps.config.dataDir, id);
  const store = deletionStore(deps);
  let queued = false;
  try {
    await mkdir(dir, { recursive: true }).catch((err: unknown) => {
      req.stream.resume();
      throw storageError(err) ?? err;
    });
    const { options, source } = await readSource(deps, req, targetsPath(deps.config.dataDir, id));
    if (!options.dryRun) {
      if (options.confirm === undefined) {
        throw new AppError('confirm_required', 'Deleting is permanent: run it first with dry_run=true, review its results, then send confirm=<the dry run\'s del_ id>.', 400);
      }
      await checkConfirm(store, deps.config.dataDir, options.confirm, source);
    }
    if (req.stream.socket.destroyed) throw clientGone();
    const submission = submissionKey(deps.config.queuePrefix, 'deletion', id);
    await openSubmission(deps.redis, submission);
    const record = await store.create({ id, dryRun: options.dryRun, force: options.force, source, confirmOf: options.confirm ?? null });
    const data: DeletionJobData = { deletionId: id, dryRun: options.dryRun, importId: source.import_id, fileName: source.file_name };
    try {
      await enqueueDeletion(deps.queues.delete, data);
    } catch (err) {
      await store.finish(id, null, 'failed', 'the deletion could not be queued').catch((finishErr: unknown) => {
        deps.logger.error({ deletionId: id, err: finishErr }, 'could not mark a deletion that was not queued as failed');
      });
      throw err;
    }
    if (!(await acceptSubmission(deps.redis, submission).catch(() => false))) throw redisUnavailable('not_accepted');
    queued = true;
    deps.logger.info({ deletionId: id, dryRun: options.dryRun, source: source.kind, confirmOf: options.confirm }, 'deletion queued');
    return { status: 202, headers: { Location: `/v1/deletions/${id}` }, body: presentDeletion(record) };
  } finally {
    if (!queued) {
      await rm(dir, { recursive: true, force: true }).catch((err: unknown) => {
        deps.logger.warn({ err, deletionId: id }, 'could not remove a refused deletion upload');
      });
    }
  }
};
