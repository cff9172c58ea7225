import { readdirSync } from 'node:fs';
import { connect } from 'node:net';

/** What a raw client saw: the status line's code (0 when the server answered nothing) and the body. */
export interface RawAnswer {
  status: number;
  body: string;
}

/** How a hostile client behaves once its headers and `body` are written. */
export type RawEnding = 'read-answer' | 'vanish';

/**
 * Sends one HTTP request over a bare socket, which fetch cannot do: any Content-Length (shorter or longer than
 * the body), and a client that closes the connection right after its last byte. Resolves once the socket is closed.
 */
export function rawRequest(port: number, head: string, body: Buffer, ending: RawEnding): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within 10 s to ${head.split('\r\n')[0]}`));
    }, 10_000);
    socket.on('connect', () => {
      socket.write(head);
      socket.write(body, () => {
        if (ending === 'vanish') socket.destroy();
      });
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server may close while we still write (it answered early); what we read is what counts.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve({ status, body: text.slice(text.indexOf('\r\n\r\n') + 4) });
    });
  });
}

/** The request head of `POST /v1/imports`; `Connection: close` so no keep-alive socket outlives the test. */
export function uploadHead(port: number, contentType: string, contentLength: number): string {
  return (
    `POST /v1/imports HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n` +
    `Content-Type: ${contentType}\r\nContent-Length: ${contentLength}\r\n\r\n`
  );
}

/** A multipart/form-data body from raw parts (each `{ disposition, type?, content }`). */
export function multipartBody(boundary: string, parts: { disposition: string; type?: string; content: string }[]): Buffer {
  const text = parts
    .map((p) => `--${boundary}\r\nContent-Disposition: ${p.disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ''}\r\n${p.content}\r\n`)
    .join('');
  return Buffer.from(`${text}--${boundary}--\r\n`);
}

/** Open file descriptors of this process (sockets, files, pipes). */
export function openDescriptors(): number {
  return readdirSync('/proc/self/fd').length;
}
