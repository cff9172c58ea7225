import type { ParameterObject, ResponseObject, SecurityRequirement } from './openapi-types.ts';
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
  description: 'How many, newest first.',
  schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
};

/** A path parameter `{id}` holding the id schema named. */
export function idParameter(schemaName: string, what: string): ParameterObject {
  return { name: 'id', in: 'path', required: true, description: `The ${what} id.`, schema: ref(schemaName) };
}

/** 404 for an id that does not exist (or is not shaped like one). */
export function notFound(what: string): ResponseObject {
  return errorResponse(`No ${what} has this id`, ['not_found']);
}
