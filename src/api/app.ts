import express, { type Express } from 'express';
import type { Database } from '../db/connection';
import { pingDatabase } from '../db/connection';
import type { TemporalClient } from '../temporal/client';
import { pingTemporal } from '../temporal/client';
import type { Config } from '../config';

export interface AppDeps {
  config: Config;
  db: Database;
  temporal: TemporalClient;
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');

  /** The process is up. */
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  /** Temporal and MongoDB both answer: the API can take work. */
  app.get('/readyz', async (_req, res) => {
    const checks = await Promise.allSettled([pingTemporal(deps.temporal.connection), pingDatabase(deps.db.connection)]);
    const [temporal, mongo] = checks.map((c) => (c.status === 'fulfilled' ? 'ok' : 'unavailable'));
    const ready = temporal === 'ok' && mongo === 'ok';
    if (!ready) res.set('Retry-After', '5');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', temporal, mongo });
  });

  return app;
}
