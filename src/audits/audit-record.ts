import { AUDIT_KINDS, auditStatusSchema, type AuditJson, type AuditKind, type AuditStatus } from './audit-schema.ts';

/** An audit as stored in Redis (hash `${prefix}:audit:<id>`), parsed. Times are unix milliseconds. */
export interface AuditRecord {
  id: string;
  kind: AuditKind;
  status: AuditStatus;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  counts: { customers: number; pages: number; groups: number; customersInGroups: number };
  /** The fixed `created[lte]` (unix seconds), set at the first start and kept on resume. */
  snapshotLte: number | null;
  fileName: string | null;
  fileBytes: number | null;
  error: string | null;
  cancelRequested: boolean;
}

const STATUSES: readonly string[] = auditStatusSchema.options;

function int(value: string | undefined): number | null {
  if (value === undefined || value === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function isKind(value: string | undefined): value is AuditKind {
  return (AUDIT_KINDS as readonly (string | undefined)[]).includes(value);
}

/** Parses the Redis hash of an audit; null when the hash is empty or not an audit. */
export function parseAuditRecord(hash: Record<string, string>): AuditRecord | null {
  const { id, status, kind } = hash;
  if (id === undefined || status === undefined || !STATUSES.includes(status) || !isKind(kind)) return null;
  return {
    id,
    kind,
    status: status as AuditStatus,
    createdAt: int(hash.created_at) ?? 0,
    startedAt: int(hash.started_at),
    finishedAt: int(hash.finished_at),
    counts: {
      customers: int(hash.customers) ?? 0,
      pages: int(hash.pages) ?? 0,
      groups: int(hash.groups) ?? 0,
      customersInGroups: int(hash.customers_in_groups) ?? 0,
    },
    snapshotLte: int(hash.snapshot_lte),
    fileName: hash.file_name || null,
    fileBytes: int(hash.file_bytes),
    error: hash.error || null,
    cancelRequested: hash.cancel_requested === '1',
  };
}

/** The fields of a new record's hash. */
export function newAuditFields(input: { id: string; kind: AuditKind; createdAt: number }): Record<string, string> {
  return {
    id: input.id,
    kind: input.kind,
    status: 'queued',
    created_at: String(input.createdAt),
    customers: '0',
    pages: '0',
    groups: '0',
    customers_in_groups: '0',
  };
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The public JSON shape of an audit (`GET /v1/audits/:id`, `auditSchema`). */
export function auditToJson(record: AuditRecord): AuditJson {
  const base = `/v1/audits/${record.id}`;
  return {
    id: record.id,
    object: 'audit',
    kind: record.kind,
    status: record.status,
    counts: {
      customers: record.counts.customers,
      pages: record.counts.pages,
      groups: record.counts.groups,
      customers_in_groups: record.counts.customersInGroups,
    },
    snapshot_created_lte: record.snapshotLte,
    file: record.fileName === null ? null : { name: record.fileName, bytes: record.fileBytes },
    error: record.error,
    created_at: new Date(record.createdAt).toISOString(),
    started_at: iso(record.startedAt),
    finished_at: iso(record.finishedAt),
    links: { self: base, file: `${base}/file` },
  };
}
