import { constants, createWriteStream } from 'node:fs';
import { copyFile, link, rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { z } from 'zod';
import { cliErrorBodySchema, type ApiErrorBody } from './api-types.ts';
import { CliUsageError } from './exit-codes.ts';

/** An HTTP answer outside 2xx, an answer that is not stripe-bulk's, or a server that could not be reached (status 0). */
export class ApiError extends Error {
  readonly code = 'stripe-bulk:api';
  constructor(
    /** The HTTP status, or 0 when no answer came back. */
    readonly status: number,
    /** The server's error code (`invalid_header`, `not_found`, …) when it sent one. */
    readonly errorCode: string | undefined,
    /** The server's message, verbatim. */
    readonly serverMessage: string,
    message: string,
    /** Set when the answer shows the URL is not a stripe-bulk server: what it seems to be instead. */
    readonly notStripeBulk?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The server and its token: everything a request needs besides its own method, path and body. */
export interface Connection {
  /** Base URL without a trailing slash. */
  base: string;
  token: string | undefined;
}

/** What one request sends besides its method and path. */
export interface RequestOptions {
  json?: unknown;
  body?: ReadableStream<Uint8Array>;
  contentType?: string;
  query?: Record<string, string>;
}

/** Where a download goes; an existing file is kept unless `overwrite`. */
export interface DownloadTarget {
  /** The path, given the file name the server suggested. */
  path: (suggestedName: string | undefined) => string;
  overwrite: boolean;
}

/** A file downloaded to disk. */
export interface Download {
  path: string;
  bytes: number;
  /** The file name the server suggested in Content-Disposition, if any. */
  suggestedName: string | undefined;
}

/** What an answer that is not stripe-bulk's seems to come from, judged by its body; undefined when it may be ours. */
export function foreignServerKind(contentType: string | null, text: string, parsed: ApiErrorBody | undefined): string | undefined {
  if (/text\/html/i.test(contentType ?? '') || /^\s*<(!doctype|html|head|body)/i.test(text)) {
    return 'a web page (HTML), not the stripe-bulk API';
  }
  // Stripe's errors carry a `type` (invalid_request_error, …); stripe-bulk's never do.
  if (typeof parsed?.error?.type === 'string') {
    return "a Stripe API (api.stripe.com or the stripe-bulk emulator), not the stripe-bulk server";
  }
  return undefined;
}

/** Moves the finished `.part` file to `target`; refuses to replace an existing file unless told to. */
async function publish(partial: string, target: string, overwrite: boolean): Promise<void> {
  if (overwrite) return rename(partial, target);
  try {
    // link() fails with EEXIST instead of replacing, atomically; filesystems without hard links get an exclusive copy.
    await link(partial, target).catch(async (err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw err;
      await copyFile(partial, target, constants.COPYFILE_EXCL);
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new CliUsageError(`${target} already exists and was left as it is: choose another --out, or pass --overwrite.`);
    }
    throw err;
  } finally {
    await rm(partial, { force: true });
  }
}

/** `attachment; filename="exp_1-2026-01-01.csv"` → the file name (base name only, so it cannot escape the directory). */
export function filenameFromDisposition(header: string | null): string | undefined {
  if (!header) return undefined;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(header);
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(header);
  const raw = star?.[1] ? decodeURIComponent(star[1]) : plain?.[1];
  const base = raw?.split(/[\\/]/).pop()?.trim();
  return base && base !== '.' && base !== '..' ? base : undefined;
}

/** The error a 4xx/5xx answer stands for, with the server's code and message when it sent them. */
async function errorFrom(method: string, path: string, response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let message = text.trim().slice(0, 2000) || response.statusText;
  let parsed: ApiErrorBody | undefined;
  try {
    const read = cliErrorBodySchema.safeParse(JSON.parse(text));
    parsed = read.success ? read.data : undefined;
  } catch {
    // Not JSON (a proxy's HTML page, say): the text itself is the best message there is.
  }
  const error = parsed?.error;
  if (error?.message) message = error.message;
  const details = error?.details as { problems?: unknown } | undefined;
  if (Array.isArray(details?.problems) && !details.problems.every((p) => message.includes(String(p)))) {
    message += `\n  - ${details.problems.map(String).join('\n  - ')}`;
  }
  const code = error?.code;
  const label = code ? `HTTP ${String(response.status)} ${code}` : `HTTP ${String(response.status)}`;
  const foreign = foreignServerKind(response.headers.get('content-type'), text, parsed);
  return new ApiError(response.status, code, message, `${method} ${path} failed (${label}): ${message}`, foreign);
}

/** Sends one request; a 4xx/5xx or no answer at all is an ApiError. */
export async function send(conn: Connection, method: string, path: string, request: RequestOptions = {}): Promise<Response> {
  const url = new URL(conn.base + path);
  for (const [k, v] of Object.entries(request.query ?? {})) url.searchParams.set(k, v);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (conn.token) headers.authorization = `Bearer ${conn.token}`;
  let body: BodyInit | undefined;
  if (request.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.json);
  } else if (request.body) {
    headers['content-type'] = request.contentType ?? 'application/octet-stream';
    body = request.body;
  }
  let response: Response;
  try {
    // duplex 'half' is what Node's fetch requires to send a streamed request body.
    response = await fetch(url, { method, headers, body, duplex: 'half' } as RequestInit);
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (err as Error).message;
    throw new ApiError(0, undefined, why, `${method} ${path}: could not reach stripe-bulk at ${conn.base} (${why})`);
  }
  if (!response.ok) throw await errorFrom(method, path, response);
  return response;
}

/** The first problems zod found, as `path: message` (`body` for the answer itself). */
function problemsOf(error: z.ZodError): string {
  const lines = error.issues.slice(0, 3).map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
  return lines.join('; ') + (error.issues.length > 3 ? `; and ${String(error.issues.length - 3)} more` : '');
}

/**
 * Sends one request and checks the JSON answer against `schema` (the server's own, src/cli/api-types.ts), so a
 * command never reads a field that is not there: an answer of another shape is an ApiError saying what it lacks.
 */
export async function readJson<S extends z.ZodType>(
  conn: Connection,
  method: string,
  path: string,
  schema: S,
  request?: RequestOptions,
): Promise<z.output<S>> {
  const response = await send(conn, method, path, request);
  const text = await response.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : {};
  } catch {
    const foreign = foreignServerKind(response.headers.get('content-type'), text, undefined) ?? 'a server that does not answer JSON';
    throw new ApiError(response.status, undefined, text.slice(0, 2000), `${method} ${path}: the answer is not JSON`, foreign);
  }
  const checked = schema.safeParse(body);
  if (checked.success) return checked.data;
  const problems = problemsOf(checked.error);
  throw new ApiError(
    response.status,
    undefined,
    problems,
    `${method} ${path}: the answer is not what stripe-bulk sends (${problems})`,
    'a server whose JSON is not shaped as stripe-bulk answers',
  );
}

/** Streams a download beside the target and renames it at the end, so an interrupted download never looks complete. */
export async function download(conn: Connection, path: string, destination: DownloadTarget): Promise<Download> {
  const response = await send(conn, 'GET', path);
  const suggestedName = filenameFromDisposition(response.headers.get('content-disposition'));
  const target = destination.path(suggestedName);
  const partial = `${target}.part`;
  let bytes = 0;
  const source = response.body ? Readable.fromWeb(response.body as WebReadableStream<Uint8Array>) : Readable.from([]);
  source.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
  });
  try {
    await pipeline(source, createWriteStream(partial));
    await publish(partial, target, destination.overwrite);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  return { path: target, bytes, suggestedName };
}
