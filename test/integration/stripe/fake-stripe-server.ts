import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the fake server saw it. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** The client's port: one per TCP connection, so tests can count the sockets a client opened. */
  remotePort: number | undefined;
}

/**
 * What to answer: a JSON response, `'drop'` to destroy the socket without answering, or a promise that never
 * settles to leave the request hanging (close() cuts it).
 */
export type FakeAnswer = { status: number; body: unknown; headers?: Record<string, string> } | 'drop' | Promise<never>;

/** A local node:http server on port 0 that answers like Stripe for one fault, as stripe-node's own tests do. */
export interface FakeStripe {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

export async function startFakeStripe(answer: (req: SeenRequest, index: number) => FakeAnswer): Promise<FakeStripe> {
  const requests: SeenRequest[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const seen: SeenRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        remotePort: req.socket.remotePort,
      };
      requests.push(seen);
      const reply = answer(seen, requests.length - 1);
      if (reply === 'drop') {
        req.socket.destroy();
        return;
      }
      if (reply instanceof Promise) return;
      res.writeHead(reply.status, { 'Content-Type': 'application/json', 'Request-Id': `req_fake_${requests.length}`, ...reply.headers });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** A minimal Stripe customer object. */
export function fakeCustomer(id: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { id, object: 'customer', created: 1_700_000_000, livemode: false, metadata: {}, email: null, ...fields };
}

/** Stripe's error envelope. */
export function stripeError(status: number, type: string, message: string, code?: string): FakeAnswer {
  return { status, body: { error: { type, message, ...(code ? { code } : {}) } } };
}
