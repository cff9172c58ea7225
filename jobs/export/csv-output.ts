import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { encodeCsvLine } from './csv-line.ts';
import { PartFileError } from './part-files.ts';

/** What the final file holds. */
export interface RenderedFile {
  columns: string[];
  rows: number;
  bytes: number;
}

/**
 * Part files are read in chunks of this size while being copied to the final file: memory holds one chunk
 * whatever the slice's size, and a copy beside the fetching never holds the event loop for long.
 */
const READ_CHUNK_BYTES = 64 * 1024;

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'ENOENT';
}

/** A byte range `[start, end)` of a part file. */
export interface PartRange {
  path: string;
  start: number;
  end: number;
}

/**
 * CSV rows written with fewer metadata columns (`from`) than the final header (`to`), re-encoded to the final
 * width: the columns they lack are empty for them, since the keys were unknown when they were written (a row's own
 * keys always are). Parsed with csv-parse, as cells may hold newlines.
 */
async function* widenedRows(range: PartRange, from: readonly string[], to: readonly string[]): AsyncGenerator<Buffer> {
  const index = new Map(from.map((column, i) => [column, i]));
  const positions = to.map((column) => index.get(column));
  const rows = parse();
  // A read error ends the parser with it, so the loop below throws it.
  pipeline(createReadStream(range.path, { start: range.start, end: range.end - 1 }), rows).catch((err: unknown) => rows.destroy(err as Error));
  for await (const cells of rows as AsyncIterable<string[]>) {
    yield Buffer.from(encodeCsvLine(positions.map((i) => (i === undefined ? '' : (cells[i] ?? '')))), 'utf8');
  }
}

/**
 * The bytes of a range, read into `buffer` (reused: each chunk must be consumed before the next is asked for), or a
 * PartFileError when the part is shorter than its checkpoint says (lost writes). Reusing one buffer per file keeps a
 * million-customer export from churning through its whole size in fresh buffers at the end.
 */
async function* partBytes(range: PartRange, buffer: Buffer): AsyncGenerator<Buffer> {
  if (range.end <= range.start) return;
  const short = (at: number) => new PartFileError(`part file ${range.path} holds ${at} bytes but ${range.end} were checkpointed`);
  let handle: FileHandle;
  try {
    handle = await open(range.path, 'r');
  } catch (err) {
    throw isMissing(err) ? short(0) : err;
  }
  try {
    for (let at = range.start; at < range.end; ) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, range.end - at), at);
      if (bytesRead === 0) throw short(at);
      at += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

/** The final file being written: the header, then rendered parts appended in file order. */
export interface OutputFile {
  /**
   * Copies a range of a part file (CSV rows) to the end of the file, with backpressure; rows written with the
   * columns `from` are widened to the file's header first.
   */
  append(range: PartRange, from?: readonly string[]): Promise<void>;
  /** Ends the file and gives it its final name; answers its size. */
  close(): Promise<number>;
  /** Drops the unfinished file (a header that turned out incomplete, a cancel, an error). */
  abandon(): Promise<void>;
}

/**
 * Opens the final file under `<outPath>.tmp` (renamed by close, so a crash mid-write leaves no half file under the
 * final name; a resumed job renders again from the parts) and writes the header. Gzip, when asked, compresses as the
 * parts are appended.
 */
export function openOutputFile(opts: { outPath: string; gzip: boolean; columns: readonly string[] }): OutputFile {
  const tmp = `${opts.outPath}.tmp`;
  const file = createWriteStream(tmp);
  const gzip = opts.gzip ? createGzip() : undefined;
  const head: Writable = gzip ?? file;
  const done = gzip === undefined ? finished(file) : pipeline(gzip, file);
  // A write error also surfaces through `done`: keep it from being reported as unhandled before close() awaits it.
  done.catch(() => undefined);
  // Resolves once the chunk is consumed (written, or taken in by gzip), so its buffer may be reused.
  const write = (chunk: Buffer) =>
    new Promise<void>((resolve, reject) => {
      head.write(chunk, (err) => {
        if (err) reject(err);
        else resolve();
      });
    });
  const buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);
  let headerWritten: Promise<void> | undefined = write(Buffer.from(encodeCsvLine(opts.columns), 'utf8'));
  return {
    async append(range, from) {
      await headerWritten;
      headerWritten = undefined;
      const chunks = from === undefined ? partBytes(range, buffer) : widenedRows(range, from, opts.columns);
      for await (const chunk of chunks) await write(chunk);
    },
    async close() {
      await headerWritten;
      head.end();
      await done;
      await rename(tmp, opts.outPath);
      return (await stat(opts.outPath)).size;
    },
    async abandon() {
      head.destroy();
      if (head !== file) file.destroy();
      await done.catch(() => undefined);
      await rm(tmp, { force: true });
    },
  };
}
