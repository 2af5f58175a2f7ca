import path from 'node:path';
import type { Config } from '../config';
import { startMongo, startTemporal, runDir, type MongoEndpoint, type TemporalEndpoint } from './embedded';
import { ManagedProcess, waitForPort } from './managed-process';
import type { ProgressSink } from './binaries';
import { connectDatabase, ensureIndexes } from '../db/connection';
import { seedIfEmpty } from '../db/seed';

const CLI = path.resolve(__dirname, '../../bin/onedoor.js');

export interface Servers {
  temporal: TemporalEndpoint;
  mongo: MongoEndpoint;
  stop(): Promise<void>;
}

/** Temporal and the MongoDB-compatible server, started in parallel (or the ones the environment names). */
export async function startServers(config: Config, progress: ProgressSink): Promise<Servers> {
  const [temporal, mongo] = await Promise.allSettled([startTemporal(config, progress), startMongo(config, progress)]);
  if (temporal.status === 'rejected' || mongo.status === 'rejected') {
    if (temporal.status === 'fulfilled') await temporal.value.stop();
    if (mongo.status === 'fulfilled') await mongo.value.stop();
    throw temporal.status === 'rejected' ? temporal.reason : (mongo as PromiseRejectedResult).reason;
  }
  return {
    temporal: temporal.value,
    mongo: mongo.value,
    stop: async () => {
      await Promise.all([temporal.value.stop(), mongo.value.stop()]);
    },
  };
}

/** Environment that points a worker or API process at the servers. */
export function serverEnv(config: Config, servers: Servers): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TEMPORAL_ADDRESS: servers.temporal.address,
    TEMPORAL_NAMESPACE: servers.temporal.namespace,
    ...(servers.temporal.uiUrl ? { TEMPORAL_UI_URL: servers.temporal.uiUrl } : {}),
    MONGODB_URI: servers.mongo.uri,
    ONEDOOR_DATA_DIR: config.dataDir,
  };
}

/** `onedoor worker` or `onedoor api` as a child process of the launcher. */
export function startAppProcess(
  config: Config,
  servers: Servers,
  command: 'worker' | 'api',
  extraEnv: NodeJS.ProcessEnv = {},
): ManagedProcess {
  const child = new ManagedProcess({
    name: command,
    command: process.execPath,
    args: [CLI, command],
    runDir: runDir(config),
    env: { ...serverEnv(config, servers), ...extraEnv },
  });
  child.start();
  return child;
}

export interface Stack {
  servers: Servers;
  worker: ManagedProcess;
  api: ManagedProcess;
  apiUrl: string;
  stop(): Promise<void>;
}

/** Everything `onedoor up` runs: both servers, the worker and the API, each its own process. */
export async function startStack(config: Config, progress: ProgressSink): Promise<Stack> {
  const servers = await startServers(config, progress);
  await prepareDatabase(servers.mongo.uri, progress, config.production);
  const worker = startAppProcess(config, servers, 'worker');
  const api = startAppProcess(config, servers, 'api', { PORT: String(config.port) });
  const stop = async (): Promise<void> => {
    await Promise.all([api.stop(), worker.stop()]);
    await servers.stop();
  };
  try {
    await waitForPort(config.port, api, 60_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { servers, worker, api, apiUrl: `http://127.0.0.1:${config.port}`, stop };
}

/** Indexes, and the demo organisation on a first start, before the worker and API connect. */
async function prepareDatabase(uri: string, progress: ProgressSink, production: boolean): Promise<void> {
  const db = await connectDatabase(uri);
  try {
    await ensureIndexes(db.models);
    const seeded = await seedIfEmpty(db.models, { demoPasswords: !production });
    if (seeded) progress(`Empty database: seeded the demo organisation (${seeded.centres} centres, ${seeded.people} people)`);
  } finally {
    await db.close();
  }
}
