import { EXPORT_JOB_OPTIONS, type ExportJobData } from '../../../exports/export-job-data.ts';
import { newExportId } from '../../../exports/export-ids.ts';
import { exportOptionsSchema, parseOrThrow } from '../../../exports/export-options.ts';
import { exportToJson } from '../../../exports/export-record.ts';
import { QUEUE_NAMES } from '../../../queues/names.ts';
import type { Handler } from '../../handler-types.ts';
import { exportStore } from './lookup.ts';

/** `POST /v1/exports`: validates the options, records the export and queues its job (job id = export id). */
export const createExport: Handler = async (deps, req) => {
  const options = parseOrThrow(exportOptionsSchema, req.body);
  const id = newExportId();
  const store = exportStore(deps);
  await store.create({ id, options });
  const data: ExportJobData = { exportId: id };
  await deps.queues.export.add(QUEUE_NAMES.export, data, { ...EXPORT_JOB_OPTIONS, jobId: id });
  const record = await store.get(id);
  return { status: 202, body: record === null ? { id } : exportToJson(record) };
};
