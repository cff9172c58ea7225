import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { customerToRow } from '../../src/csv/index.ts';
import { encodeCsvLine } from '../../src/exports/csv-line.ts';
import { lineToCustomer } from '../../src/exports/customer-line.ts';
import { resolveColumns, type ColumnPlan } from '../../src/exports/export-columns.ts';

/** What the final file holds. */
export interface RenderedFile {
  columns: string[];
  rows: number;
  bytes: number;
}

/** Output is handed to the stream in chunks of about this many characters (fewer, larger writes). */
const CHUNK_CHARS = 256 * 1024;

/** The lines of the part files, in order, without their `\n` (JSON lines never hold a raw newline). */
async function* linesOf(paths: readonly string[]): AsyncGenerator<string> {
  for (const path of paths) {
    let rest = '';
    for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1024 * 1024 })) {
      const text = rest + (chunk as string);
      let start = 0;
      for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
        if (nl > start) yield text.slice(start, nl);
        start = nl + 1;
      }
      rest = text.slice(start);
    }
    if (rest.length > 0) yield rest;
  }
}

/**
 * Writes the final CSV from the part files, concatenated in the given order, streaming: memory holds one chunk of
 * output at a time whatever the number of customers. The header comes from the plan and the metadata keys seen
 * while fetching. Written to `<outPath>.tmp` then renamed, so a crash mid-render leaves no half file under the
 * final name (a resumed job renders again from the parts).
 */
export async function renderExportFile(opts: {
  partPaths: readonly string[];
  plan: ColumnPlan;
  metadataKeys: Iterable<string>;
  gzip: boolean;
  outPath: string;
  signal?: AbortSignal;
}): Promise<RenderedFile> {
  const columns = resolveColumns(opts.plan, opts.metadataKeys);
  let rows = 0;
  async function* chunks(): AsyncGenerator<string> {
    let chunk = encodeCsvLine(columns);
    for await (const line of linesOf(opts.partPaths)) {
      rows += 1;
      chunk += encodeCsvLine(customerToRow(lineToCustomer(line), columns));
      if (chunk.length >= CHUNK_CHARS) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk.length > 0) yield chunk;
  }
  const tmp = `${opts.outPath}.tmp`;
  const source = Readable.from(chunks(), { objectMode: false });
  const options = opts.signal === undefined ? {} : { signal: opts.signal };
  try {
    if (opts.gzip) await pipeline(source, createGzip(), createWriteStream(tmp), options);
    else await pipeline(source, createWriteStream(tmp), options);
    await rename(tmp, opts.outPath);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  return { columns, rows, bytes: (await stat(opts.outPath)).size };
}
