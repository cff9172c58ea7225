import { z } from 'zod';
import type { JsonSchema } from './openapi-types.ts';

const COMPONENT_URI = (name: string): string => `#/components/schemas/${name}`;

/**
 * What zod adds that the document does not need: the integer bounds JavaScript imposes anyway, and the long
 * regular expression behind `format: date-time` (the format says it).
 */
function trim(schema: Record<string, unknown>): void {
  if (schema.maximum === Number.MAX_SAFE_INTEGER) delete schema.maximum;
  if (schema.minimum === Number.MIN_SAFE_INTEGER) delete schema.minimum;
  if (schema.format === 'date-time') delete schema.pattern;
}

function withoutHeader(schema: Record<string, unknown>): JsonSchema {
  const { $schema: _dialect, $id: _id, ...rest } = schema;
  return rest;
}

/**
 * The component schemas of `/openapi.json`, generated from the zod schemas the code uses (so the document cannot
 * drift from what is sent). A schema used inside another under its own name becomes a `$ref` to that name.
 * Responses are described as sent (`io: 'output'`).
 */
export function componentSchemas(named: Record<string, z.ZodType>): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io: 'output',
    uri: COMPONENT_URI,
    override: ({ jsonSchema }) => {
      trim(jsonSchema);
    },
  });
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, withoutHeader(schema as Record<string, unknown>)]));
}

/**
 * A request body, generated from the zod validator its handler runs, as accepted (`io: 'input'`). Refinements
 * (known column names, cross-field rules) are not expressible in JSON Schema: the description says them.
 */
export function requestSchema(schema: z.ZodType, description: string): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' });
  return { ...rest, description };
}
