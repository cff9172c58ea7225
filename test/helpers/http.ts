import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

/** An app listening on a free loopback port; close() in afterAll/afterEach. */
export interface ListeningApp {
  server: Server;
  baseUrl: string;
  close(): Promise<void>;
}

export async function listenOnFreePort(app: Express): Promise<ListeningApp> {
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    server,
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
