import { z } from 'zod';
import { nonNegativeInt, timestamp } from '../api-shape-parts.ts';

/**
 * Audits as the API takes and answers them, declared once: the handlers validate with these, auditToJson returns
 * their type, `/openapi.json` and the CLI derive from them.
 */

export const auditIdSchema = z
  .string()
  .regex(/^aud_[A-Za-z0-9]{20}$/)
  .meta({ examples: ['aud_8Hq2ZkLm4Pn7Rt1Vx3Yb'] });

/** What an audit looks for. One kind today; the list is the one the 400 names. */
export const AUDIT_KINDS = ['duplicate_emails'] as const;

export const auditKindSchema = z
  .enum(AUDIT_KINDS)
  .describe('`duplicate_emails`: customers sharing an email once trimmed and lower-cased.');

/** `POST /v1/audits`. Unknown fields are errors. */
export const auditRequestSchema = z.strictObject({
  kind: z.enum(AUDIT_KINDS, { error: () => `must be one of ${AUDIT_KINDS.join(', ')}` }),
});

/** Lifecycle of an audit: queued → running → completed | failed | cancelled. */
export const auditStatusSchema = z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']);

/** `GET /v1/audits/{id}` (and `POST`, `DELETE`). */
export const auditSchema = z.object({
  id: auditIdSchema,
  object: z.literal('audit'),
  kind: auditKindSchema,
  status: auditStatusSchema,
  counts: z
    .object({
      customers: nonNegativeInt.describe('Customers walked so far (updated after every group of pages).'),
      pages: nonNegativeInt,
      groups: nonNegativeInt.describe('Normalised emails held by more than one customer (set when completed).'),
      customers_in_groups: nonNegativeInt.describe('Customers in those groups (set when completed).'),
    })
    .describe('Customers and pages grow during the walk; groups once the file is written.'),
  snapshot_created_lte: z.number().int().nullable().describe('The fixed created[lte] (unix seconds) of the walk.'),
  file: z.object({ name: z.string(), bytes: nonNegativeInt.nullable() }).nullable(),
  error: z.string().nullable(),
  created_at: timestamp,
  started_at: timestamp.nullable(),
  finished_at: timestamp.nullable(),
  links: z.object({ self: z.string(), file: z.string() }),
});

export type AuditKind = z.output<typeof auditKindSchema>;
export type AuditStatus = z.output<typeof auditStatusSchema>;
/** An audit as sent. */
export type AuditJson = z.output<typeof auditSchema>;
