import type { JsonSchema, MediaType, ResponseObject } from './openapi-types.ts';

/** A `$ref` to a component schema. */
export function ref(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

/** `{"application/json": {schema: $ref}}`. */
export function jsonOf(name: string): Record<string, MediaType> {
  return { 'application/json': { schema: ref(name) } };
}

/** A JSON response whose body is the named component schema. */
export function jsonResponse(description: string, schemaName: string): ResponseObject {
  return { description, content: jsonOf(schemaName) };
}

/** An answer in the error shape `{error: {code, message, details?}}`; `codes` lists the `error.code` values. */
export function errorResponse(description: string, codes: readonly string[]): ResponseObject {
  return {
    description: `${description} (error.code: ${codes.map((c) => `\`${c}\``).join(', ')})`,
    content: jsonOf('Error'),
  };
}
