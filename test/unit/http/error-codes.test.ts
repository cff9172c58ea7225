import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import express from 'express';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError, ERROR_CODES, type ErrorCode } from '../../../src/errors.ts';
import type { OpenApiDocument } from '../../../src/http/openapi/openapi-types.ts';
import { createOpenApiRouter, OPENAPI_PATH } from '../../../src/http/routes/openapi-route.ts';
import { listenOnFreePort, type ListeningApp } from '../../helpers/http.ts';
import { closeAfterAll } from '../../helpers/teardown.ts';

const SRC = join(import.meta.dirname, '../../../src');
// The emulator answers in Stripe's error shape and the CLI is a client: neither answers stripe-bulk's error.code.
const NOT_THE_API = ['emulator', 'cli'].map((d) => join(SRC, d));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return NOT_THE_API.includes(path) ? [] : sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** The code of a source file without its comments (which describe the error shape in prose). */
const withoutComments = (text: string): string => text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

/** Every `error.code` string the API's source can answer with, and where. */
function codesInSource(): { code: string; file: string }[] {
  const patterns = [/new AppError\(\s*'([^']+)'/g, /errorBody\(\s*'([^']+)'/g, /\berror:\s*\{\s*code:\s*'([^']+)'/g];
  return sourceFiles(SRC).flatMap((path) => {
    const text = readFileSync(path, 'utf8');
    return patterns.flatMap((p) => [...text.matchAll(p)].map((m) => ({ code: m[1] ?? '', file: relative(SRC, path) })));
  });
}

/** `{status: codes}` of every documented error answer (`errorResponse` writes "error.code: `a`, `b`"). */
function documentedCodes(doc: OpenApiDocument): { status: string; code: string }[] {
  return Object.values(doc.paths).flatMap((item) =>
    (['get', 'post', 'delete'] as const).flatMap((m) =>
      Object.entries(item[m]?.responses ?? {}).flatMap(([status, response]) =>
        [...response.description.matchAll(/error\.code: ([^)]*)\)/g)].flatMap((match) =>
          [...(match[1] ?? '').matchAll(/`([a-z0-9_]+)`/g)].map((c) => ({ status, code: c[1] ?? '' })),
        ),
      ),
    ),
  );
}

describe('the one list of error codes', () => {
  let app: ListeningApp;
  let doc: OpenApiDocument;
  const closing = closeAfterAll();
  beforeAll(async () => {
    app = closing(await listenOnFreePort(express().use(createOpenApiRouter())));
    doc = (await (await fetch(`${app.baseUrl}${OPENAPI_PATH}`)).json()) as OpenApiDocument;
  });

  it('holds every code the API source answers with, and error bodies are built in one place', () => {
    const found = codesInSource();
    expect(found.length).toBeGreaterThan(20);
    expect(found.filter(({ code }) => !(code in ERROR_CODES))).toEqual([]);
    // A hand-built `{error: {code}}` would bypass the list's type: errorBody (src/errors.ts) is the only builder.
    const handBuilt = sourceFiles(SRC).filter((p) => /\berror:\s*\{\s*code\b/.test(withoutComments(readFileSync(p, 'utf8'))));
    expect(handBuilt.map((p) => relative(SRC, p))).toEqual(['errors.ts']);
  });

  it('is the enum of error.code in /openapi.json, and each code is documented on an answer of its status', () => {
    const codes = Object.keys(ERROR_CODES) as ErrorCode[];
    const error = doc.components.schemas.Error as { properties: { error: { properties: { code: { enum: string[]; description: string } } } } };
    expect(error.properties.error.properties.code.enum).toEqual(codes);
    const documented = documentedCodes(doc);
    expect(documented.filter(({ code }) => !(code in ERROR_CODES))).toEqual([]);
    for (const code of codes) {
      const statuses = documented.filter((d) => d.code === code).map((d) => Number(d.status));
      expect(statuses, `${code} is not documented on any answer`).not.toEqual([]);
      expect(statuses, `${code} is not documented on a ${ERROR_CODES[code].status}`).toContain(ERROR_CODES[code].status);
      expect(error.properties.error.properties.code.description).toContain(`\`${code}\``);
    }
  });

  it('namespaces AppError ids as BullMQ does, while clients keep the short code', () => {
    const err = new AppError('not_found', 'Import imp_x does not exist.');
    expect([err.code, err.id, err.status]).toEqual(['not_found', 'stripe-bulk:not_found', 404]);
  });
});
