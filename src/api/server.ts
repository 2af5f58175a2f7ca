import type { Server } from 'node:http';
import type { Config } from '../config';
import { connectDatabase, ensureIndexes } from '../db/connection';
import { connectTemporalClient } from '../temporal/client';
import { resolvePayloadKeys } from '../temporal/payload-codec';
import { createApp, type OnedoorApp } from './app';
import { sweepEveryHour } from '../auth/sessions';

export interface RunningApi {
  server: Server;
  app: OnedoorApp;
  url: string;
  close(): Promise<void>;
}

export async function startApi(config: Config): Promise<RunningApi> {
  if (!config.temporalAddress || !config.mongodbUri) {
    throw new Error('onedoor api needs TEMPORAL_ADDRESS and MONGODB_URI (or run "onedoor up", which starts everything)');
  }
  const db = await connectDatabase(config.mongodbUri);
  await ensureIndexes(db.models);
  const temporal = await connectTemporalClient(config.temporalAddress, config.temporalNamespace, resolvePayloadKeys(config));
  const app = createApp({ config, db, temporal });
  // Choose the read store now and, with the copy in memory, read it now: not at the
  // first list or dashboard request, which would otherwise wait (a second or more at 10,000 cases).
  app.locals.caseMirror.warm();
  const stopSweeping = sweepEveryHour(db.models, (error) => app.locals.logger.warn({ err: error }, 'sweep of ended sign-ins failed'));
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(config.port, '0.0.0.0', () => resolve(s));
    s.on('error', reject);
  });
  keepConnectionsOpen(server);
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : config.port;
  return {
    server,
    app,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Live streams never go idle: end them first, so their browsers reconnect (to another replica) at once.
      app.locals.liveStreams.closeAll();
      // Keep-alive connections would hold close() open: end idle ones now, busy ones after a grace period.
      server.closeIdleConnections();
      const grace = setTimeout(() => server.closeAllConnections(), 5000);
      await closed;
      clearTimeout(grace);
      app.locals.caseMirror.stop();
      stopSweeping();
      await temporal.close();
      await db.close();
    },
  };
}

/** How long an idle keep-alive connection stays open: longer than the 60 s proxies and clients commonly keep one. */
const KEEP_ALIVE_MS = 65_000;

/**
 * Node closes an idle keep-alive connection after 5 s. A client that reuses
 * one just as the server closes it gets "socket hang up" for a request the
 * server never saw, and a proxy that keeps upstream connections answers 502.
 * So the server keeps them longer than such clients do; the headers timeout
 * must exceed it.
 */
export function keepConnectionsOpen(server: Server): void {
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1000;
}
