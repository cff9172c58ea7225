import { auditIdSchema, auditKindSchema, auditRequestSchema, auditSchema, auditStatusSchema } from '../../audits/audit-schema.ts';
import type { JsonSchema } from './openapi-types.ts';
import { componentSchemas, requestSchema } from './zod-components.ts';

/** The schemas of `/v1/audits`, from src/audits/audit-schema.ts. */
export const AUDIT_SCHEMAS: Record<string, JsonSchema> = {
  ...componentSchemas({
    AuditId: auditIdSchema,
    AuditKind: auditKindSchema,
    AuditStatus: auditStatusSchema,
    Audit: auditSchema,
  }),
  AuditRequest: requestSchema(auditRequestSchema, 'The kind of audit; unknown fields are errors.'),
};
