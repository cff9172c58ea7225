import { join } from 'node:path';
import { AppError } from '../../../errors.ts';
import { exportDir } from '../../../exports/export-paths.ts';
import type { Handler } from '../../handler-types.ts';
import { withExport } from './lookup.ts';

/** `GET /v1/exports/:id/file`: the CSV once complete (409 before, 410 once retention deleted it). */
export const downloadExport: Handler = withExport((deps, _req, record) => {
  if (record.status === 'expired') {
    throw new AppError('export_expired', `Export ${record.id}'s file was deleted by its schedule's retention`, 410);
  }
  if (record.status !== 'completed' || record.fileName === null) {
    throw new AppError(
      'export_not_ready',
      `Export ${record.id} is ${record.status}: its file is available once the export is completed`,
      409,
      { status: record.status, counts: record.counts },
    );
  }
  const gzip = record.options.gzip === true;
  return {
    status: 200,
    file: {
      path: join(exportDir(deps.config.dataDir, record.id), record.fileName),
      name: record.fileName,
      contentType: gzip ? 'application/gzip' : 'text/csv; charset=utf-8',
      length: record.fileBytes ?? 0,
    },
  };
});
