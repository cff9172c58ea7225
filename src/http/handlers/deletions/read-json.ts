import type { IncomingMessage } from 'node:http';
import { AppError } from '../../../errors.ts';

/** An undo request is one small object; anything larger is not one. */
const JSON_LIMIT_BYTES = 64 * 1024;

/**
 * Reads the JSON body of a route that also takes uploads (so no body parser ran): 413 over the limit, 400
 * invalid_json when it does not parse.
 */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  // Not `for await`: leaving that loop early destroys the request, and the client would never read our 413.
  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes <= JSON_LIMIT_BYTES) chunks.push(chunk);
    });
    req.once('end', () => {
      if (bytes > JSON_LIMIT_BYTES) {
        reject(new AppError('body_too_large', `The JSON body is over ${String(JSON_LIMIT_BYTES)} bytes: an undo is {"import_id": "imp_…"}.`, 413));
      } else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.once('error', reject);
  });
  try {
    return text.trim() === '' ? {} : (JSON.parse(text) as unknown);
  } catch (err) {
    throw new AppError('invalid_json', `The JSON body does not parse: ${(err as Error).message}`, 400);
  }
}
