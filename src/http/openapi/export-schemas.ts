import { z } from 'zod';
import { EXPORT_COLUMNS } from '../../csv/columns.ts';
import { exportOptionsSchema } from '../../exports/export-options.ts';
import { scheduleBodySchema } from '../../exports/schedule-options.ts';
import type { JsonSchema } from './openapi-types.ts';
import { ref } from './refs.ts';

/**
 * The request bodies are generated from the zod validators the handlers run, so the document cannot drift from
 * what the API accepts. Refinements (known column names, cross-field rules) are not expressible in JSON Schema:
 * the descriptions say them.
 */
function fromValidator(schema: z.ZodType, description: string): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' });
  return { ...rest, description };
}

const OPTION_RULES =
  `Every field is optional: the default is every live customer, the default columns, every metadata key present, ` +
  `uncompressed. \`created\` bounds are unix seconds. \`query\` (Stripe search syntax) switches to ` +
  `GET /v1/customers/search and cannot be combined with \`created\` or \`email\`. \`columns\` are taken from ` +
  `${EXPORT_COLUMNS.join(', ')} or \`metadata.<key>\`, without repeats. Unknown fields are errors.`;

const timestamp = { type: 'string', format: 'date-time' } as const;
const nullableTimestamp = { type: ['string', 'null'], format: 'date-time' } as const;
const count = { type: 'integer', minimum: 0 } as const;

/** The schemas of `/v1/exports` and `/v1/export-schedules`, mirroring exportToJson and scheduleToJson. */
export const EXPORT_SCHEMAS: Record<string, JsonSchema> = {
  ExportOptions: fromValidator(exportOptionsSchema, OPTION_RULES),
  ExportScheduleRequest: fromValidator(
    scheduleBodySchema,
    `A cron pattern (BullMQ's parser; 5 or 6 fields), an optional IANA time zone, \`keep\` (files kept by retention; ` +
      `default EXPORT_KEEP_FILES) and the export options. ${OPTION_RULES}`,
  ),
  ExportId: { type: 'string', pattern: '^exp_[A-Za-z0-9]{20}$', examples: ['exp_8Hq2ZkLm4Pn7Rt1Vx3Yb'] },
  ExportScheduleId: { type: 'string', pattern: '^exs_[A-Za-z0-9]{16}$', examples: ['exs_Qm3Tz8Ly2Kp5Wn7R'] },
  ExportStatus: {
    type: 'string',
    enum: ['queued', 'running', 'completed', 'failed', 'cancelled', 'expired'],
    description: '`expired`: a scheduled run whose file retention deleted (the record stays).',
  },
  Export: {
    type: 'object',
    required: [
      'id', 'object', 'status', 'mode', 'options', 'schedule_id', 'counts', 'snapshot_created_lte', 'file',
      'warnings', 'error', 'created_at', 'started_at', 'finished_at', 'expired_at', 'links',
    ],
    additionalProperties: false,
    properties: {
      id: ref('ExportId'),
      object: { const: 'export' },
      status: ref('ExportStatus'),
      mode: {
        type: 'string',
        enum: ['list', 'search'],
        description: '`list` reads the exact, created-sliced list; `search` (a `query` was given) trails writes.',
      },
      options: ref('ExportOptions'),
      schedule_id: { anyOf: [ref('ExportScheduleId'), { type: 'null' }] },
      counts: {
        type: 'object',
        required: ['customers', 'pages', 'bytes'],
        additionalProperties: false,
        description: 'Updated after every page.',
        properties: { customers: count, pages: count, bytes: count },
      },
      snapshot_created_lte: {
        type: ['integer', 'null'],
        description: 'The fixed created[lte] (unix seconds) of the snapshot, set at the first start.',
      },
      file: {
        anyOf: [
          {
            type: 'object',
            required: ['name', 'bytes', 'gzip'],
            additionalProperties: false,
            properties: { name: { type: 'string' }, bytes: { type: ['integer', 'null'], minimum: 0 }, gzip: { type: 'boolean' } },
          },
          { type: 'null' },
        ],
      },
      warnings: { type: 'array', items: { type: 'string' } },
      error: { type: ['string', 'null'] },
      created_at: timestamp,
      started_at: nullableTimestamp,
      finished_at: nullableTimestamp,
      expired_at: nullableTimestamp,
      links: {
        type: 'object',
        required: ['self', 'file'],
        additionalProperties: false,
        properties: { self: { type: 'string' }, file: { type: 'string' } },
      },
    },
  },
  ExportList: {
    type: 'object',
    required: ['object', 'data'],
    additionalProperties: false,
    properties: { object: { const: 'list' }, data: { type: 'array', items: ref('Export'), description: 'Newest first.' } },
  },
  ExportSchedule: {
    type: 'object',
    required: ['id', 'object', 'cron', 'tz', 'keep', 'options', 'next_run_at', 'created_at', 'links'],
    additionalProperties: false,
    properties: {
      id: ref('ExportScheduleId'),
      object: { const: 'export_schedule' },
      cron: { type: 'string' },
      tz: { type: ['string', 'null'] },
      keep: { type: 'integer', minimum: 1, description: 'Files kept by retention (the default when none was given).' },
      options: ref('ExportOptions'),
      next_run_at: nullableTimestamp,
      created_at: timestamp,
      links: {
        type: 'object',
        required: ['self', 'exports'],
        additionalProperties: false,
        properties: { self: { type: 'string' }, exports: { type: 'string', description: 'The runs of this schedule.' } },
      },
    },
  },
  ExportScheduleList: {
    type: 'object',
    required: ['object', 'data'],
    additionalProperties: false,
    properties: { object: { const: 'list' }, data: { type: 'array', items: ref('ExportSchedule') } },
  },
  ExportScheduleDeleted: {
    type: 'object',
    required: ['id', 'object', 'deleted'],
    additionalProperties: false,
    properties: { id: ref('ExportScheduleId'), object: { const: 'export_schedule' }, deleted: { const: true } },
  },
};
