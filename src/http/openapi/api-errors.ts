import type { OperationObject, ParameterObject, ResponseObject, SecurityRequirement } from './openapi-types.ts';
import { errorResponse, ref } from './refs.ts';

/** Every `/v1` operation: the bearer token, when API_TOKEN is configured. */
export const V1_SECURITY: SecurityRequirement[] = [{ bearerAuth: [] }];

/** Answers any `/v1` operation can give besides its own. */
export const V1_ERRORS: Record<string, ResponseObject> = {
  '401': errorResponse('API_TOKEN is configured and the bearer token is missing or wrong', ['unauthorized']),
  '500': errorResponse('An unexpected failure; the server log has the details', ['internal']),
};

/** `?limit=` of the list operations. */
export const LIMIT_PARAMETER: ParameterObject = {
  name: 'limit',
  in: 'query',
  required: false,
  description: 'How many, newest first: decimal digits only (`0x2`, `1e0`, `2.0` are refused).',
  schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
};

/** `?starting_after=` of the list operations: the last id of the previous page. */
export function startingAfterParameter(schemaName: string): ParameterObject {
  return {
    name: 'starting_after',
    in: 'query',
    required: false,
    description: 'The last id of the previous page: the page starts after it (400 when it is not in the list).',
    schema: ref(schemaName),
  };
}

/** A path parameter `{id}` holding the id schema named. */
export function idParameter(schemaName: string, what: string): ParameterObject {
  return { name: 'id', in: 'path', required: true, description: `The ${what} id.`, schema: ref(schemaName) };
}

/** 404 for an id that does not exist (or is not shaped like one). */
export function notFound(what: string): ResponseObject {
  return errorResponse(`No ${what} has this id`, ['not_found']);
}

/** An operation under `/v1`: its tag, the bearer token, and the 401/500 every `/v1` operation can answer. */
export function v1Operation(tag: string, operation: Omit<OperationObject, 'tags' | 'security'>): OperationObject {
  const { responses, ...rest } = operation;
  return { ...rest, tags: [tag], security: V1_SECURITY, responses: { ...responses, ...V1_ERRORS } };
}
