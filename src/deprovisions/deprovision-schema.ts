import { z } from 'zod';
import { nonNegativeInt, timestamp } from '../api-shape-parts.ts';

/**
 * Team member deprovisions as the API answers them, declared once: the record's JSON, `/openapi.json` and the CLI
 * derive from these schemas.
 */

/** The warning every deactivation carries: SCIM deactivation does not touch the member's API keys. */
export const API_KEY_WARNING =
  'API keys this member created stay valid until rotated under Developers → API keys: deactivating a team member does not revoke them.';

export const deprovisionIdSchema = z.string().regex(/^dep_[A-Za-z0-9]{16}$/).meta({ examples: ['dep_Qm3Tz8Ly2Kp5Wn7R'] });

/** What happened to one row (results.csv `action`). */
export const DEPROVISION_ACTIONS = ['deactivated', 'already_inactive', 'not_found', 'ambiguous', 'failed', 'would_deactivate'] as const;
export type DeprovisionAction = (typeof DEPROVISION_ACTIONS)[number];

export const deprovisionStatusSchema = z.enum(['queued', 'running', 'completed', 'failed', 'cancelled']);
export type DeprovisionStatus = z.output<typeof deprovisionStatusSchema>;

/** `GET /v1/team-member-deprovisions/{id}` (and POST, DELETE). */
export const deprovisionSchema = z.object({
  id: deprovisionIdSchema,
  object: z.literal('team_member_deprovision'),
  status: deprovisionStatusSchema,
  dry_run: z.boolean(),
  file_name: z.string(),
  counts: z
    .object({
      rows: nonNegativeInt,
      deactivated: nonNegativeInt,
      already_inactive: nonNegativeInt,
      not_found: nonNegativeInt,
      ambiguous: nonNegativeInt,
      failed: nonNegativeInt,
      would_deactivate: nonNegativeInt,
    })
    .describe('Rows done so far and their actions.'),
  summary: z.string().describe('What the run did, with the API-key warning.'),
  error: z.string().nullable(),
  created_at: timestamp,
  started_at: timestamp.nullable(),
  finished_at: timestamp.nullable(),
  links: z.object({ self: z.string(), results: z.string() }),
});

export type DeprovisionJson = z.output<typeof deprovisionSchema>;
