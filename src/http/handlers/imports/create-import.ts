import { mkdir, rm } from 'node:fs/promises';
import { AppError } from '../../../errors.ts';
import { enqueueImport } from '../../../imports/enqueue-import.ts';
import { importDir, inputPath, newImportId } from '../../../imports/import-paths.ts';
import { checkUploadedHeader } from '../../../imports/upload/check-header.ts';
import { parseImportOptions } from '../../../imports/upload/import-options.ts';
import { clientGone, receiveUpload } from '../../../imports/upload/receive-upload.ts';
import { storageError } from '../../../imports/upload/storage-error.ts';
import type { Handler } from '../../handler-types.ts';
import { acceptSubmission, openSubmission, submissionKey } from '../../../queues/submission.ts';
import { redisUnavailable } from '../../middleware/redis-gate.ts';
import { importStore } from './lookup.ts';
import { presentCreatedImport } from './present-import.ts';

/**
 * `POST /v1/imports`: streams the CSV to disk, checks its header and queues the job. Any problem answers at once
 * and leaves nothing behind: no record, no job, no file.
 */
export const createImport: Handler = async (deps, req) => {
  const { query, stream } = req;
  parseImportOptions(query); // a bad query option answers 400 before the upload is read
  const id = newImportId();
  const dir = importDir(deps.config.dataDir, id);
  const path = inputPath(deps.config.dataDir, id);
  const store = importStore(deps);
  let queued = false;
  try {
    await mkdir(dir, { recursive: true }).catch((err: unknown) => {
      stream.resume();
      throw storageError(err) ?? err;
    });
    const upload = await receiveUpload(stream, path, deps.config.uploadMaxBytes);
    const options = parseImportOptions(query, upload.fields);
    await checkUploadedHeader(path);
    // A client that closed its connection (or whose extra bytes after a short Content-Length broke it) gets no
    // answer: queue nothing for it.
    if (stream.socket.destroyed) throw clientGone();
    const fileName = options.fileName ?? upload.fileName ?? 'upload.csv';
    // A Redis that freezes and wakes after we answered 503 must not run the import: see queues/submission.ts.
    const submission = submissionKey(deps.config.queuePrefix, 'import', id);
    await openSubmission(deps.redis, submission);
    const { mode, dryRun, dedupe, account } = options;
    const record = await store.create({ id, mode, dryRun, fileName, sizeBytes: upload.bytes, account, dedupe });
    try {
      await enqueueImport(deps.queues.import, {
        importId: id,
        mode,
        dryRun,
        fileName,
        ...(account === undefined ? {} : { account }),
        ...(dedupe === 'scan' ? { dedupe } : {}),
      });
    } catch (err) {
      // The queueing error is the one the client gets; this one only tells the operator why a record stayed queued.
      await store.finish(id, null, 'failed', 'the import could not be queued').catch((finishErr: unknown) => {
        deps.logger.error({ importId: id, err: finishErr }, 'could not mark an import that was not queued as failed');
      });
      throw err;
    }
    if (!(await acceptSubmission(deps.redis, submission).catch(() => false))) throw redisUnavailable('not_accepted');
    queued = true;
    deps.logger.info({ importId: id, mode: options.mode, dryRun: options.dryRun, connectedAccount: account, bytes: upload.bytes }, 'import queued');
    return { status: 202, headers: { Location: `/v1/imports/${id}` }, body: presentCreatedImport(record) };
  } catch (err) {
    // The client's 507 says DATA_DIR; the operator's log says where and why.
    if (err instanceof AppError && err.status === 507) {
      deps.logger.error({ importId: id, dataDir: deps.config.dataDir, errno: err.details?.errno }, 'upload refused: DATA_DIR cannot store it');
    }
    throw err;
  } finally {
    if (!queued) {
      await rm(dir, { recursive: true, force: true }).catch((err: unknown) => {
        deps.logger.warn({ err, importId: id }, 'could not remove a refused upload');
      });
    }
  }
};
