// The API server keeps an idle keep-alive connection past Node's 5 s default,
// so a client reusing it after a pause is not cut off ("socket hang up").
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepConnectionsOpen } from '../../src/api/server';

describe('API server keep-alive', () => {
  let server: http.Server;
  let port: number;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end('ok'));
    keepConnectionsOpen(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    agent.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const get = () =>
    new Promise<{ body: string; reused: boolean }>((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ body, reused: req.reusedSocket }));
      });
      req.on('error', reject);
    });

  it('serves a request on a connection left idle past the 6 s after which Node’s defaults close it', async () => {
    expect(await get()).toEqual({ body: 'ok', reused: false });
    await new Promise((resolve) => setTimeout(resolve, 7_500));
    expect(await get()).toEqual({ body: 'ok', reused: true });
  }, 15_000);
});
