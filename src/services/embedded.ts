import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import type { Config } from '../config';
import { ensureBinary, GoMissingError, type ProgressSink } from './binaries';
import { freePort, ManagedProcess, waitForPort } from './managed-process';
import { devServerSearchAttributeArgs, ensureSearchAttributes } from '../temporal/search-attributes';
import { ALL_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

/**
 * The two servers onedoor stands on, started here when the environment does
 * not name existing ones (TEMPORAL_ADDRESS, MONGODB_URI).
 */
export interface TemporalEndpoint {
  address: string;
  namespace: string;
  /** Temporal Web UI, when known. */
  uiUrl: string | undefined;
  embedded: boolean;
  process: ManagedProcess | undefined;
  stop(): Promise<void>;
}

export interface MongoEndpoint {
  uri: string;
  embedded: boolean;
  process: ManagedProcess | undefined;
  stop(): Promise<void>;
}

export function runDir(config: Config): string {
  return path.join(config.dataDir, 'run');
}

/**
 * SQLite pragmas for the dev server's store. WAL with synchronous=FULL commits
 * every transaction to disk before acknowledging it, so neither a killed
 * server nor a crashed machine loses an accepted case (NORMAL would survive a
 * killed process but may lose the last commits on power loss).
 */
export const TEMPORAL_SQLITE_PRAGMAS = ['journal_mode=WAL', 'synchronous=FULL'];

export async function startTemporal(config: Config, progress: ProgressSink): Promise<TemporalEndpoint> {
  if (config.temporalAddress) return useExistingTemporal(config, progress);
  let binary: string | undefined;
  try {
    binary = (await ensureBinary('temporal', config.binDir, progress)).path;
  } catch (error) {
    if (!(error instanceof GoMissingError)) throw error;
    progress(`${error.message}\nFalling back to the Temporal SDK's own download of the CLI (needs internet access).`);
    return startTemporalFromSdkDownload(config);
  }
  const port = config.temporalPort ?? (await freePort());
  const uiPort = config.temporalUiPort ?? (await freePort());
  const dbDir = path.join(config.dataDir, 'temporal');
  fs.mkdirSync(dbDir, { recursive: true });
  const args = [
    'server', 'start-dev',
    '--db-filename', path.join(dbDir, 'temporal.db'),
    '--ip', '127.0.0.1',
    '--port', String(port),
    '--ui-port', String(uiPort),
    '--namespace', config.temporalNamespace,
    '--log-level', 'warn',
    ...TEMPORAL_SQLITE_PRAGMAS.flatMap((pragma) => ['--sqlite-pragma', pragma]),
    ...devServerSearchAttributeArgs(),
  ];
  const server = new ManagedProcess({ name: 'temporal', command: binary, args, runDir: runDir(config) });
  server.start();
  const address = `127.0.0.1:${port}`;
  try {
    await waitForPort(port, server, 60_000);
    await waitForTemporalReady(address, config.temporalNamespace, server);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    address,
    namespace: config.temporalNamespace,
    uiUrl: `http://127.0.0.1:${uiPort}`,
    embedded: true,
    process: server,
    stop: () => server.stop(),
  };
}

async function useExistingTemporal(config: Config, progress: ProgressSink): Promise<TemporalEndpoint> {
  const address = config.temporalAddress as string;
  const connection = await Connection.connect({ address });
  try {
    const added = await ensureSearchAttributes(connection, config.temporalNamespace);
    if (added.length > 0) progress(`Registered search attributes on ${address}: ${added.join(', ')}`);
  } finally {
    await connection.close();
  }
  return {
    address,
    namespace: config.temporalNamespace,
    uiUrl: config.temporalUiUrl,
    embedded: false,
    process: undefined,
    stop: async () => {},
  };
}

/** For machines without Go: the SDK downloads the same CLI and runs it. */
async function startTemporalFromSdkDownload(config: Config): Promise<TemporalEndpoint> {
  const { TestWorkflowEnvironment } = await import('@temporalio/testing');
  const port = config.temporalPort ?? (await freePort());
  const uiPort = config.temporalUiPort ?? (await freePort());
  const dbDir = path.join(config.dataDir, 'temporal');
  fs.mkdirSync(dbDir, { recursive: true });
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'cached-download', downloadDir: config.binDir },
      dbFilename: path.join(dbDir, 'temporal.db'),
      ip: '127.0.0.1',
      port,
      ui: true,
      uiPort,
      namespace: config.temporalNamespace,
      searchAttributes: [...ALL_SEARCH_ATTRIBUTES],
      extraArgs: TEMPORAL_SQLITE_PRAGMAS.flatMap((pragma) => ['--sqlite-pragma', pragma]),
    },
  });
  return {
    address: `127.0.0.1:${port}`,
    namespace: config.temporalNamespace,
    uiUrl: `http://127.0.0.1:${uiPort}`,
    embedded: true,
    process: undefined,
    stop: () => env.teardown(),
  };
}

/** The frontend port opens before the namespace is served; wait for a real answer. */
async function waitForTemporalReady(address: string, namespace: string, server: ManagedProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  let lastError: unknown;
  while (Date.now() < deadline) {
    if (!server.isRunning()) throw new Error(`temporal exited during start-up. Its log:\n${server.lastLogLines()}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 2000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`Temporal at ${address} was not ready within 60 s: ${String(lastError)}`);
}

export async function startMongo(config: Config, progress: ProgressSink): Promise<MongoEndpoint> {
  if (config.mongodbUri) {
    return { uri: config.mongodbUri, embedded: false, process: undefined, stop: async () => {} };
  }
  const binary = (await ensureBinary('ferretdb', config.binDir, progress)).path;
  const port = config.mongoPort ?? (await freePort());
  const debugPort = await freePort();
  const dataDir = path.join(config.dataDir, 'ferretdb');
  fs.mkdirSync(dataDir, { recursive: true });
  const args = [
    '--handler=sqlite',
    `--sqlite-url=file:${dataDir}/`,
    `--listen-addr=127.0.0.1:${port}`,
    `--debug-addr=127.0.0.1:${debugPort}`,
    `--state-dir=${dataDir}`,
    '--telemetry=disable',
    '--log-level=error',
  ];
  const server = new ManagedProcess({ name: 'ferretdb', command: binary, args, runDir: runDir(config) });
  server.start();
  try {
    await waitForPort(port, server, 60_000);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return {
    uri: `mongodb://127.0.0.1:${port}/onedoor`,
    embedded: true,
    process: server,
    stop: () => server.stop(),
  };
}
