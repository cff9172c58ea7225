/**
 * The subset of OpenAPI 3.1 that stripe-bulk's own document uses. Schemas are JSON Schema 2020-12 objects (3.1
 * adopted it whole), kept loose on purpose: most come from zod's `z.toJSONSchema` (zod-components.ts).
 */

/** A JSON Schema 2020-12 object, or a `$ref` to `#/components/schemas/<name>`. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/** One response body by media type. */
export interface MediaType {
  schema?: JsonSchema;
  example?: unknown;
}

/** A response header, such as `Location` or `Content-Disposition`. */
export interface HeaderObject {
  description?: string;
  schema: JsonSchema;
}

/** One documented answer of an operation. */
export interface ResponseObject {
  description: string;
  headers?: Record<string, HeaderObject>;
  content?: Record<string, MediaType>;
}

/** A path or query parameter. */
export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  description?: string;
  schema: JsonSchema;
}

/** A request body by media type. */
export interface RequestBodyObject {
  description?: string;
  required?: boolean;
  content: Record<string, MediaType>;
}

/** `[{schemeName: scopes}]`; an empty list means "no authentication". */
export type SecurityRequirement = Record<string, string[]>;

/** One method of one path. Responses are keyed by HTTP status ("200", "404", …). */
export interface OperationObject {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  parameters?: ParameterObject[];
  requestBody?: RequestBodyObject;
  responses: Record<string, ResponseObject>;
  security?: SecurityRequirement[];
}

/** The HTTP methods the app serves. */
export type HttpMethod = 'get' | 'post' | 'delete';

/** The operations of one path, plus parameters shared by all of them. */
export type PathItemObject = { parameters?: ParameterObject[] } & Partial<Record<HttpMethod, OperationObject>>;

/** An HTTP security scheme (bearer token or basic auth). */
export interface SecuritySchemeObject {
  type: 'http';
  scheme: 'bearer' | 'basic';
  description?: string;
}

/** The whole document served at `/openapi.json`. */
export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string; license: { name: string; identifier: string } };
  servers: { url: string; description: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, PathItemObject>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, SecuritySchemeObject>;
  };
}
