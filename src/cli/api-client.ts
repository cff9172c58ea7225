import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { deprovisionSchema, type DeprovisionJson } from '../deprovisions/deprovision-schema.ts';
import { scheduleDeletedSchema } from '../exports/export-schema.ts';
import { importCreatedSchema } from '../imports/import-schema.ts';
import { download, readJson, type Connection, type Download, type DownloadTarget } from './api-transport.ts';
import {
  cliAuditSchema,
  cliDeletionSchema,
  cliExportSchema,
  cliImportSchema,
  cliScheduleSchema,
  type AuditRecord,
  type DeletionRecord,
  type ExportRecord,
  type ExportRequest,
  type ExportSchedule,
  type ExportScheduleDeleted,
  type ExportScheduleRequest,
  type ImportCreated,
  type ImportRecord,
} from './api-types.ts';

// Where the commands and tests have always found them.
export { ApiError, filenameFromDisposition } from './api-transport.ts';

/** Where the API is and how to authenticate. */
export interface ApiClientOptions {
  /** Base URL such as http://127.0.0.1:3000 (no trailing /v1). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string | undefined;
}

/** Options of a new import. */
export interface CreateImportOptions {
  mode: ImportRecord['mode'];
  dryRun: boolean;
  /** The name the server records (defaults to the file's base name). */
  fileName: string;
  /** A connected account (`acct_…`) whose customers the rows go to; the server validates it. */
  account?: string | undefined;
  /** `scan`: dedupe against every customer, whatever its casing (sent only when given). */
  dedupe?: 'lookup' | 'scan';
}

/** Options of a new deletion (a CSV) or undo (an import). */
export interface CreateDeletionOptions {
  dryRun: boolean;
  confirm: string | undefined;
  force: boolean;
}

/** A typed wrapper over the stripe-bulk HTTP API; every failure is an ApiError naming the status and message. */
export interface ApiClient {
  createImport(filePath: string, options: CreateImportOptions): Promise<ImportCreated>;
  getImport(id: string): Promise<ImportRecord>;
  listImports(): Promise<ImportRecord[]>;
  cancelImport(id: string): Promise<ImportRecord>;
  downloadImportResults(id: string, target: DownloadTarget): Promise<Download>;
  createExport(request: ExportRequest): Promise<ExportRecord>;
  getExport(id: string): Promise<ExportRecord>;
  listExports(): Promise<ExportRecord[]>;
  cancelExport(id: string): Promise<ExportRecord>;
  downloadExportFile(id: string, target: DownloadTarget): Promise<Download>;
  listSchedules(): Promise<ExportSchedule[]>;
  createSchedule(body: ExportScheduleRequest): Promise<ExportSchedule>;
  deleteSchedule(id: string): Promise<ExportScheduleDeleted>;
  createAudit(kind: string): Promise<AuditRecord>;
  getAudit(id: string): Promise<AuditRecord>;
  downloadAuditFile(id: string, target: DownloadTarget): Promise<Download>;
  createDeletion(filePath: string, fileName: string, options: CreateDeletionOptions): Promise<DeletionRecord>;
  undoImport(importId: string, options: CreateDeletionOptions): Promise<DeletionRecord>;
  getDeletion(id: string): Promise<DeletionRecord>;
  downloadDeletionResults(id: string, target: DownloadTarget): Promise<Download>;
  /** Uploads a CSV of team members (email or id column) to deactivate over SCIM. */
  createDeprovision(filePath: string, options: { dryRun: boolean; fileName: string }): Promise<DeprovisionJson>;
  getDeprovision(id: string): Promise<DeprovisionJson>;
  downloadDeprovisionResults(id: string, target: DownloadTarget): Promise<Download>;
}

/** The query of a deletion: only the options given, so the server's defaults stay the server's. */
function deletionQuery({ dryRun, confirm, force }: CreateDeletionOptions): Record<string, string> {
  return { ...(dryRun ? { dry_run: 'true' } : {}), ...(confirm === undefined ? {} : { confirm }), ...(force ? { force: 'true' } : {}) };
}

/** `{data: [...]}` is the documented list shape; a bare array is accepted too. */
function listOf<T extends z.ZodType>(item: T) {
  const items = z.array(item);
  return z.union([items, z.object({ data: items }).transform((list) => list.data)]);
}

export function createApiClient(options: ApiClientOptions): ApiClient {
  const conn: Connection = { base: options.baseUrl.replace(/\/+$/, ''), token: options.token };
  const enc = encodeURIComponent;
  return {
    createImport(filePath, { mode, dryRun, fileName, account, dedupe }) {
      const stream = Readable.toWeb(createReadStream(filePath)) as unknown as ReadableStream<Uint8Array>;
      return readJson(conn, 'POST', '/v1/imports', importCreatedSchema, {
        body: stream,
        contentType: 'text/csv',
        query: { mode, dry_run: String(dryRun), file_name: fileName, ...(account === undefined ? {} : { account }), ...(dedupe === undefined ? {} : { dedupe }) },
      });
    },
    getImport: (id) => readJson(conn, 'GET', `/v1/imports/${enc(id)}`, cliImportSchema),
    listImports: () => readJson(conn, 'GET', '/v1/imports', listOf(cliImportSchema)),
    cancelImport: (id) => readJson(conn, 'DELETE', `/v1/imports/${enc(id)}`, cliImportSchema),
    downloadImportResults: (id, target) => download(conn, `/v1/imports/${enc(id)}/results`, target),
    createExport: (request) => readJson(conn, 'POST', '/v1/exports', cliExportSchema, { json: request }),
    getExport: (id) => readJson(conn, 'GET', `/v1/exports/${enc(id)}`, cliExportSchema),
    listExports: () => readJson(conn, 'GET', '/v1/exports', listOf(cliExportSchema)),
    cancelExport: (id) => readJson(conn, 'DELETE', `/v1/exports/${enc(id)}`, cliExportSchema),
    downloadExportFile: (id, target) => download(conn, `/v1/exports/${enc(id)}/file`, target),
    listSchedules: () => readJson(conn, 'GET', '/v1/export-schedules', listOf(cliScheduleSchema)),
    createSchedule: (body) => readJson(conn, 'POST', '/v1/export-schedules', cliScheduleSchema, { json: body }),
    createDeletion(filePath, fileName, options) {
      const stream = Readable.toWeb(createReadStream(filePath)) as unknown as ReadableStream<Uint8Array>;
      return readJson(conn, 'POST', '/v1/deletions', cliDeletionSchema, {
        body: stream,
        contentType: 'text/csv',
        query: { ...deletionQuery(options), file_name: fileName },
      });
    },
    undoImport: (importId, options) =>
      readJson(conn, 'POST', '/v1/deletions', cliDeletionSchema, {
        json: { import_id: importId, ...(options.dryRun ? { dry_run: true } : {}), ...(options.confirm === undefined ? {} : { confirm: options.confirm }), ...(options.force ? { force: true } : {}) },
      }),
    getDeletion: (id) => readJson(conn, 'GET', `/v1/deletions/${enc(id)}`, cliDeletionSchema),
    downloadDeletionResults: (id, target) => download(conn, `/v1/deletions/${enc(id)}/results`, target),
    deleteSchedule: (id) => readJson(conn, 'DELETE', `/v1/export-schedules/${enc(id)}`, scheduleDeletedSchema),
    createAudit: (kind) => readJson(conn, 'POST', '/v1/audits', cliAuditSchema, { json: { kind } }),
    getAudit: (id) => readJson(conn, 'GET', `/v1/audits/${enc(id)}`, cliAuditSchema),
    downloadAuditFile: (id, target) => download(conn, `/v1/audits/${enc(id)}/file`, target),
    createDeprovision(filePath, { dryRun, fileName }) {
      const stream = Readable.toWeb(createReadStream(filePath)) as unknown as ReadableStream<Uint8Array>;
      return readJson(conn, 'POST', '/v1/team-member-deprovisions', deprovisionSchema, {
        body: stream,
        contentType: 'text/csv',
        query: { dry_run: String(dryRun), file_name: fileName },
      });
    },
    getDeprovision: (id) => readJson(conn, 'GET', `/v1/team-member-deprovisions/${enc(id)}`, deprovisionSchema),
    downloadDeprovisionResults: (id, target) => download(conn, `/v1/team-member-deprovisions/${enc(id)}/results`, target),
  };
}
