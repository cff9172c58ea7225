import { constants, createReadStream, createWriteStream } from 'node:fs';
import { copyFile, link, rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type {
  ApiErrorBody,
  ExportRecord,
  ExportRequest,
  ExportSchedule,
  ImportRecord,
} from './api-types.ts';
import { CliUsageError } from './exit-codes.ts';

/** An HTTP answer outside 2xx, or a server that could not be reached (status 0). */
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

/** Where the API is and how to authenticate. */
export interface ApiClientOptions {
  /** Base URL such as http://127.0.0.1:3000 (no trailing /v1). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string | undefined;
}

/** `POST /v1/imports` answers the queued import without counts or times. */
export type ImportCreated = Pick<ImportRecord, 'id' | 'status' | 'mode' | 'dry_run' | 'file_name' | 'created_at'>;

/** Where a download goes; an existing file is kept unless `overwrite`. */
export interface DownloadTarget {
  /** The path, given the file name the server suggested. */
  path: (suggestedName: string | undefined) => string;
  overwrite: boolean;
}

/** Options of a new import. */
export interface CreateImportOptions {
  mode: 'create' | 'upsert';
  dryRun: boolean;
  /** The name the server records (defaults to the file's base name). */
  fileName: string;
}

/** A file downloaded to disk. */
export interface Download {
  path: string;
  bytes: number;
  /** The file name the server suggested in Content-Disposition, if any. */
  suggestedName: string | undefined;
}

/** A typed wrapper over the stripe-bulk HTTP API; every failure is an ApiError naming the status and message. */
export interface ApiClient {
  createImport(filePath: string, options: CreateImportOptions): Promise<ImportCreated>;
  getImport(id: string): Promise<ImportRecord>;
  listImports(): Promise<ImportRecord[]>;
  cancelImport(id: string): Promise<ImportRecord>;
  downloadImportResults(id: string, target: DownloadTarget): Promise<Download>;
  createExport(request: ExportRequest): Promise<ExportRecord>;
  getExport(id: string): Promise<ExportRecord>;
  listExports(): Promise<ExportRecord[]>;
  cancelExport(id: string): Promise<ExportRecord>;
  downloadExportFile(id: string, target: DownloadTarget): Promise<Download>;
  listSchedules(): Promise<ExportSchedule[]>;
  createSchedule(body: Record<string, unknown>): Promise<ExportSchedule>;
  deleteSchedule(id: string): Promise<unknown>;
}

interface RequestOptions {
  json?: unknown;
  body?: ReadableStream<Uint8Array>;
  contentType?: string;
  query?: Record<string, string>;
}

/** `{data: [...]}` is the documented list shape; a bare array is accepted too. */
function listOf<T>(body: unknown): T[] {
  if (Array.isArray(body)) return body as T[];
  const data = (body as { data?: unknown } | null)?.data;
  return Array.isArray(data) ? (data as T[]) : [];
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
    await link(partial, target).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code === 'EEXIST') throw err;
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

export function createApiClient(options: ApiClientOptions): ApiClient {
  const base = options.baseUrl.replace(/\/+$/, '');

  async function send(method: string, path: string, request: RequestOptions = {}): Promise<Response> {
    const url = new URL(base + path);
    for (const [k, v] of Object.entries(request.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
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
      throw new ApiError(0, undefined, why, `${method} ${path}: could not reach stripe-bulk at ${base} (${why})`);
    }
    if (!response.ok) throw await errorFrom(method, path, response);
    return response;
  }

  async function errorFrom(method: string, path: string, response: Response): Promise<ApiError> {
    const text = await response.text().catch(() => '');
    let code: string | undefined;
    let message = text.trim().slice(0, 2000) || response.statusText;
    let parsed: ApiErrorBody | undefined;
    try {
      parsed = JSON.parse(text) as ApiErrorBody;
      if (parsed.error?.message) message = parsed.error.message;
      code = parsed.error?.code;
      const details = parsed.error?.details as { problems?: unknown } | undefined;
      if (Array.isArray(details?.problems) && !details.problems.every((p) => message.includes(String(p)))) {
        message += `\n  - ${details.problems.map(String).join('\n  - ')}`;
      }
    } catch {
      // Not JSON (a proxy's HTML page, say): the text itself is the best message there is.
    }
    const label = code ? `HTTP ${response.status} ${code}` : `HTTP ${response.status}`;
    const foreign = foreignServerKind(response.headers.get('content-type'), text, parsed);
    return new ApiError(response.status, code, message, `${method} ${path} failed (${label}): ${message}`, foreign);
  }

  async function json<T>(method: string, path: string, request?: RequestOptions): Promise<T> {
    const response = await send(method, path, request);
    const text = await response.text();
    try {
      return (text ? JSON.parse(text) : {}) as T;
    } catch {
      const foreign = foreignServerKind(response.headers.get('content-type'), text, undefined) ?? 'a server that does not answer JSON';
      throw new ApiError(response.status, undefined, text.slice(0, 2000), `${method} ${path}: the answer is not JSON`, foreign);
    }
  }

  async function download(path: string, destination: DownloadTarget): Promise<Download> {
    const response = await send('GET', path);
    const suggestedName = filenameFromDisposition(response.headers.get('content-disposition'));
    const target = destination.path(suggestedName);
    // Written beside the target and renamed at the end, so an interrupted download never looks complete.
    const partial = `${target}.part`;
    let bytes = 0;
    const source = response.body
      ? Readable.fromWeb(response.body as WebReadableStream<Uint8Array>)
      : Readable.from([]);
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

  const enc = encodeURIComponent;
  return {
    createImport(filePath, { mode, dryRun, fileName }) {
      const stream = Readable.toWeb(createReadStream(filePath)) as unknown as ReadableStream<Uint8Array>;
      return json<ImportCreated>('POST', '/v1/imports', {
        body: stream,
        contentType: 'text/csv',
        query: { mode, dry_run: String(dryRun), file_name: fileName },
      });
    },
    getImport: (id) => json<ImportRecord>('GET', `/v1/imports/${enc(id)}`),
    listImports: async () => listOf<ImportRecord>(await json('GET', '/v1/imports')),
    cancelImport: (id) => json<ImportRecord>('DELETE', `/v1/imports/${enc(id)}`),
    downloadImportResults: (id, target) => download(`/v1/imports/${enc(id)}/results`, target),
    createExport: (request) => json<ExportRecord>('POST', '/v1/exports', { json: request }),
    getExport: (id) => json<ExportRecord>('GET', `/v1/exports/${enc(id)}`),
    listExports: async () => listOf<ExportRecord>(await json('GET', '/v1/exports')),
    cancelExport: (id) => json<ExportRecord>('DELETE', `/v1/exports/${enc(id)}`),
    downloadExportFile: (id, target) => download(`/v1/exports/${enc(id)}/file`, target),
    listSchedules: async () => listOf<ExportSchedule>(await json('GET', '/v1/export-schedules')),
    createSchedule: (body) => json<ExportSchedule>('POST', '/v1/export-schedules', { json: body }),
    deleteSchedule: (id) => json<unknown>('DELETE', `/v1/export-schedules/${enc(id)}`),
  };
}
