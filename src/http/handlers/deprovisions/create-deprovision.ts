import { mkdir, rm } from 'node:fs/promises';
import { DEPROVISION_JOB_OPTIONS, type DeprovisionJobData } from '../../../deprovisions/deprovision-job.ts';
import { checkDeprovisionHeader, parseDeprovisionOptions } from '../../../deprovisions/deprovision-input.ts';
import { deprovisionDir, deprovisionInputPath, newDeprovisionId } from '../../../deprovisions/deprovision-paths.ts';
import { deprovisionToJson } from '../../../deprovisions/deprovision-store.ts';
import { clientGone, receiveUpload } from '../../../imports/upload/receive-upload.ts';
import { storageError } from '../../../imports/upload/storage-error.ts';
import { QUEUE_NAMES } from '../../../queues/names.ts';
import { acceptSubmission, openSubmission, submissionKey } from '../../../queues/submission.ts';
import { redisUnavailable } from '../../middleware/redis-gate.ts';
import { requireScimToken } from '../../../scim/require-scim-token.ts';
import type { Handler } from '../../handler-types.ts';
import { deprovisionStore } from './lookup.ts';

/**
 * `POST /v1/team-member-deprovisions`: streams the CSV (text/csv or multipart `file`, as an import's) to disk, checks
 * it has an email or id column, records the deprovision and queues its job. Any refusal leaves nothing behind.
 */
export const createDeprovision: Handler = async (deps, req) => {
  const { query, stream } = req;
  parseDeprovisionOptions(query);
  requireScimToken(deps.config, 'a team member deprovision');
  const id = newDeprovisionId();
  const dir = deprovisionDir(deps.config.dataDir, id);
  const path = deprovisionInputPath(deps.config.dataDir, id);
  let queued = false;
  try {
    await mkdir(dir, { recursive: true }).catch((err: unknown) => {
      stream.resume();
      throw storageError(err) ?? err;
    });
    const upload = await receiveUpload(stream, path, deps.config.uploadMaxBytes);
    const options = parseDeprovisionOptions(query, upload.fields);
    await checkDeprovisionHeader(path);
    if (stream.socket.destroyed) throw clientGone();
    const fileName = options.fileName ?? upload.fileName ?? 'upload.csv';
    const store = deprovisionStore(deps);
    // A Redis that freezes and wakes after we answered 503 must not run the job: see queues/submission.ts.
    const submission = submissionKey(deps.config.queuePrefix, 'deprovision', id);
    await openSubmission(deps.redis, submission);
    const record = await store.create({ id, dryRun: options.dryRun, fileName });
    const data: DeprovisionJobData = { deprovisionId: id };
    try {
      await deps.queues.deprovision.add(QUEUE_NAMES.deprovision, data, { ...DEPROVISION_JOB_OPTIONS, jobId: id });
    } catch (err) {
      await store.finish(id, 'failed', 'the deprovision could not be queued').catch(() => undefined);
      throw err;
    }
    if (!(await acceptSubmission(deps.redis, submission).catch(() => false))) throw redisUnavailable('not_accepted');
    queued = true;
    deps.logger.info({ deprovisionId: id, dryRun: options.dryRun, bytes: upload.bytes }, 'team member deprovision queued');
    return { status: 202, headers: { Location: `/v1/team-member-deprovisions/${id}` }, body: deprovisionToJson(record) };
  } finally {
    if (!queued) await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
};
