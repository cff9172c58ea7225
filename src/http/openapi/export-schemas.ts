import { ACCOUNT_COLUMNS } from '../../csv/account-row.ts';
import { EXPORT_COLUMNS } from '../../csv/columns.ts';
import { exportOptionsSchema } from '../../exports/export-options.ts';
import {
  exportIdSchema,
  exportListSchema,
  exportSchema,
  exportStatusSchema,
  scheduleDeletedSchema,
  scheduleIdSchema,
  scheduleListSchema,
  scheduleSchema,
} from '../../exports/export-schema.ts';
import { scheduleBodySchema } from '../../exports/schedule-options.ts';
import type { JsonSchema } from './openapi-types.ts';
import { componentSchemas, requestSchema } from './zod-components.ts';

const OPTION_RULES =
  `Every field is optional: the default is every live customer, the default columns, every metadata key present, ` +
  `uncompressed. \`created\` bounds are unix seconds. \`query\` (Stripe search syntax) switches to ` +
  `GET /v1/customers/search and cannot be combined with \`created\` or \`email\`. \`columns\` are taken from ` +
  `${EXPORT_COLUMNS.join(', ')} or \`metadata.<key>\`, without repeats. Unknown fields are errors. ` +
  `\`object\` picks what the file holds, never mixed: \`customers\` (default) or \`accounts\` (connected accounts, ` +
  `GET /v1/accounts, file \`accounts-<id>-<day>.csv\`); an unknown object is a 400 naming \`object\` and the allowed ` +
  `values. An accounts export refuses \`email\`, \`query\` and \`metadata_columns\` (400 naming the field); its ` +
  `\`columns\` are taken from ${ACCOUNT_COLUMNS.join(', ')}, \`capabilities.<name>\` or \`metadata.<key>\`, and by ` +
  `default are all of these with one \`capabilities.<name>\` column per capability present (sorted, before ` +
  `\`created\`) and one \`metadata.<key>\` column per key present (sorted, after it). \`counts.objects\` (and, for ` +
  `compatibility, \`counts.customers\`) counts the objects written.`;

/** The schemas of `/v1/exports` and `/v1/export-schedules`, from src/exports/export-schema.ts and the request validators. */
export const EXPORT_SCHEMAS: Record<string, JsonSchema> = {
  ...componentSchemas({
    // Named so that the answers' `options` refer to it; replaced below by the request's own description.
    ExportOptions: exportOptionsSchema,
    ExportId: exportIdSchema,
    ExportScheduleId: scheduleIdSchema,
    ExportStatus: exportStatusSchema,
    Export: exportSchema,
    ExportList: exportListSchema,
    ExportSchedule: scheduleSchema,
    ExportScheduleList: scheduleListSchema,
    ExportScheduleDeleted: scheduleDeletedSchema,
  }),
  ExportOptions: requestSchema(exportOptionsSchema, OPTION_RULES),
  ExportScheduleRequest: requestSchema(
    scheduleBodySchema,
    `A cron pattern (BullMQ's parser; 5 or 6 fields), an optional IANA time zone, \`keep\` (files kept by retention; ` +
      `default EXPORT_KEEP_FILES) and the export options. ${OPTION_RULES}`,
  ),
};
