import { request as httpRequest } from 'node:http';
import type { Express } from 'express';
import { z } from 'zod';
import type { HttpMethod, JsonSchema, OpenApiDocument, OperationObject } from '../../../src/http/openapi/openapi-types.ts';

/** One method of one path, in OpenAPI spelling (`/v1/imports/{id}`). */
export interface RouteKey {
  method: string;
  path: string;
}

export const routeName = (r: RouteKey): string => `${r.method.toUpperCase()} ${r.path}`;

/** Every method+path the document describes. */
export function documentedRoutes(doc: OpenApiDocument): RouteKey[] {
  const out: RouteKey[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of ['get', 'post', 'delete'] as const) if (item[method]) out.push({ method, path });
  }
  return out;
}

export function operationOf(doc: OpenApiDocument, method: string, path: string): OperationObject {
  const op = doc.paths[path]?.[method as HttpMethod];
  if (!op) throw new Error(`${method.toUpperCase()} ${path} is not documented`);
  return op;
}

/** Express 5 (router 2.x) internals, as far as the walk reads them. */
interface RouterLayer {
  name?: string;
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: RouterLayer[] };
}

function joinPath(prefix: string, path: unknown, where: string): string {
  if (typeof path !== 'string') {
    // router 2.x keeps the path a layer was declared with in `rawPath`; a RegExp or array cannot be named in OpenAPI.
    throw new Error(`cannot read the path of a layer under ${where || '/'}: ${String(path)} (declare routes with plain strings)`);
  }
  if (/[*(){}]/.test(path)) throw new Error(`route ${prefix}${path} uses a wildcard or optional segment the walk cannot map`);
  const joined = `${prefix}/${path}`.replace(/\/+/g, '/').replace(/\/$/, '');
  return joined === '' ? '/' : joined;
}

/**
 * Every route the app serves, read from the Express 5 router stack: layers with a `route` are endpoints, layers
 * whose handle has a `stack` are mounted routers (walked recursively). Anything mounted at a path in `opaque` (an
 * application of its own, such as Bull Board's sub-app, or its 503 stand-in) is reported as one GET. Other
 * middleware is skipped; a sub-application elsewhere is an error, since its routes would go unseen.
 */
export function servedRoutes(app: Express, opaque: readonly string[]): RouteKey[] {
  const out: RouteKey[] = [];
  const walk = (stack: RouterLayer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const path = joinPath(prefix, layer.route.path, prefix).replace(/:(\w+)/g, '{$1}');
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (!on) continue;
          if (method === '_all') throw new Error(`${path} answers every method (router.all): document each one`);
          out.push({ method, path });
        }
        continue;
      }
      if (layer.rawPath === '/' && !Array.isArray(layer.handle?.stack)) continue; // plain app-wide middleware
      const mount = joinPath(prefix, layer.rawPath, prefix);
      if (opaque.includes(mount)) {
        out.push({ method: 'get', path: mount });
      } else if (Array.isArray(layer.handle?.stack)) {
        walk(layer.handle.stack, mount === '/' ? '' : mount);
      } else if (layer.name === 'mounted_app') {
        throw new Error(`an Express sub-application is mounted at ${mount}: the walk cannot see its routes`);
      }
    }
  };
  walk((app as unknown as { router: { stack: RouterLayer[] } }).router.stack, '');
  const unique = new Map(out.map((r) => [routeName(r), r]));
  return [...unique.values()];
}

/** Inlines `#/components/schemas/…` refs (the document has no cycles) so zod's converter sees one schema. */
export function inlineRefs(schema: unknown, doc: OpenApiDocument, seen: string[] = []): unknown {
  if (Array.isArray(schema)) return schema.map((s) => inlineRefs(s, doc, seen));
  if (schema === null || typeof schema !== 'object') return schema;
  const record = schema as Record<string, unknown>;
  if (typeof record.$ref === 'string') {
    const name = record.$ref.replace('#/components/schemas/', '');
    const target = doc.components.schemas[name];
    if (!target) throw new Error(`unresolved $ref ${record.$ref}`);
    if (seen.includes(name)) throw new Error(`cyclic $ref ${[...seen, name].join(' -> ')}`);
    return inlineRefs(target, doc, [...seen, name]);
  }
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, inlineRefs(v, doc, seen)]));
}

/** A zod schema for a documented JSON Schema (zod 4's `z.fromJSONSchema`). */
export function validatorOf(schema: JsonSchema, doc: OpenApiDocument): z.ZodType {
  return z.fromJSONSchema(inlineRefs(schema, doc) as Parameters<typeof z.fromJSONSchema>[0]);
}

/** An answer as read off the wire. */
export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/**
 * What is wrong with `answer` as an answer of `method path` by the document: an undocumented status, an
 * undocumented media type, or a JSON body that does not fit the documented schema. Null when it fits.
 */
export function undocumentedAnswer(doc: OpenApiDocument, method: string, path: string, answer: Answer): string | null {
  const where = `${method.toUpperCase()} ${path} answered ${answer.status}`;
  const documented = operationOf(doc, method, path).responses[String(answer.status)];
  if (documented === undefined) return `${where}, an undocumented status: ${answer.text.slice(0, 300)}`;
  const type = (answer.contentType.split(';')[0] ?? '').trim();
  const media = Object.entries(documented.content ?? {}).find(([key]) => key.split(';')[0]?.trim() === type);
  if (media === undefined) return `${where} with Content-Type ${type || 'none'}, not documented`;
  if (type !== 'application/json') return null;
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return `${where}: the body is not JSON: ${answer.text.slice(0, 300)}`;
  }
  const schema = media[1].schema;
  if (!schema) return null;
  const check = validatorOf(schema, doc).safeParse(body);
  return check.success ? null : `${where}: the body does not fit the schema: ${check.error.message}\n${answer.text.slice(0, 300)}`;
}

/**
 * Sends one request exactly as given, with node:http (fetch refuses a body on GET and adds its own Content-Type),
 * and reads the whole answer. Content-Length is set unless `headers` sets it or Transfer-Encoding.
 */
export function sendRaw(url: string, method: string, headers: Record<string, string>, body?: string | Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const framed = Object.keys(headers).some((h) => /^(content-length|transfer-encoding)$/i.test(h));
    const length = body === undefined || framed ? {} : { 'Content-Length': String(Buffer.byteLength(body)) };
    const req = httpRequest(url, { method, headers: { ...length, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const contentType = res.headers['content-type'] ?? '';
        resolve({ status: res.statusCode ?? 0, contentType, text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
