import fs from 'node:fs';
import path from 'node:path';
import { ensureSearchAttributes } from './search-attributes';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode, type WorkflowBundleOption, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { connectDatabase, ensureIndexes, type Database } from '../db/connection';
import { backfillCaseIndex } from '../db/case-index-store';
import { dataConverterFor, type PayloadKeys } from './payload-codec';
import { createActivities, type CaseActivities } from '../../activities';

export const WORKFLOWS_PATH = path.resolve(__dirname, '../../workflows/index.ts');

export interface WorkerOptions {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  mongodbUri: string;
  /** Encrypt and decrypt every payload, as the API's client does (payload-codec.ts). */
  payloadKeys: PayloadKeys;
  /** A prebuilt workflow bundle (tests share one); bundled from source when absent. */
  workflowBundle?: WorkflowBundleOption;
  identity?: string;
  /**
   * Wraps the real activities, e.g. to make one fail after it has written,
   * as a crash would. Tests use it; production never does.
   */
  wrapActivities?: (activities: CaseActivities) => CaseActivities;
  /** Workflows kept in memory between tasks; default ONEDOOR_MAX_CACHED_WORKFLOWS or {@link DEFAULT_MAX_CACHED_WORKFLOWS}. */
  maxCachedWorkflows?: number;
}

/**
 * The SDK sizes its workflow cache from the V8 heap limit (about 2,300 on a
 * machine with 16 GB or more), so every open case stayed in memory: the
 * worker's RSS grew by about 0.7 MiB per open case. A case waits days between
 * tasks; an evicted one is replayed from its short history when it next wakes.
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 256;

function maxCachedWorkflowsFromEnv(): number | undefined {
  const raw = process.env.ONEDOOR_MAX_CACHED_WORKFLOWS;
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`ONEDOOR_MAX_CACHED_WORKFLOWS must be a whole number, got "${raw}"`);
  return value;
}

export interface RunningWorker {
  worker: Worker;
  db: Database;
  /** Resolves when the worker has shut down. */
  run(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * A bundle built ahead of time (`onedoor bundle`, done when the container image
 * is built) saves the start-up bundling; otherwise the worker bundles from source.
 */
export const PREBUILT_BUNDLE_PATH = path.resolve(__dirname, '../../dist/workflow-bundle.js');

async function workflowBundleFor(options: WorkerOptions): Promise<WorkflowBundleOption> {
  if (options.workflowBundle) return options.workflowBundle;
  const prebuilt = process.env.ONEDOOR_WORKFLOW_BUNDLE || (fs.existsSync(PREBUILT_BUNDLE_PATH) && process.env.NODE_ENV === 'production' ? PREBUILT_BUNDLE_PATH : undefined);
  if (prebuilt) return { codePath: prebuilt };
  return bundleWorkflows();
}

/**
 * Pure modules every case workflow imports: evaluated once per worker thread
 * and shared, instead of once per workflow in the cache. The SDK deep-freezes
 * what they export, which suits them: src/domain is rules and constants, and
 * definitions and search attributes are names. Measured with 1,000 cached
 * case workflows: worker RSS 430 → 363 MiB (about 230 → 163 KiB per cached
 * workflow; docs/performance.md, change 15). The workflow module itself is not
 * shared: workflow code is left per workflow, as the SDK expects.
 */
const SHARED_WORKFLOW_MODULES = [
  path.resolve(__dirname, '../domain/index.ts'),
  path.resolve(__dirname, '../../workflows/definitions.ts'),
  path.resolve(__dirname, '../../workflows/search-attributes.ts'),
];

export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundlerLogger, preloadModules: SHARED_WORKFLOW_MODULES });
}

const quietBundlerLogger = {
  log: () => {},
  trace: () => {},
  debug: () => {},
  info: () => {},
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

let runtimeInstalled = false;

/** The SDK's logger at our log level; the runtime can be installed once per process, before any worker. */
function installRuntime(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  const level = (process.env.LOG_LEVEL ?? 'info').toUpperCase();
  const known = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
  const sdkLevel = known.find((l) => l === level) ?? 'INFO';
  try {
    Runtime.install({ logger: new DefaultLogger(sdkLevel) });
  } catch {
    // Already installed by the embedding program: keep its choice.
  }
}

export async function createWorker(options: WorkerOptions): Promise<RunningWorker> {
  installRuntime();
  const db = await connectDatabase(options.mongodbUri);
  await ensureIndexes(db.models);
  // Cases projected before case_index existed get their entries once, before this
  // worker writes anything: lists and the dashboard read case_index only.
  await backfillCaseIndex(db.models, (message) => Runtime.instance().logger.info(message));
  const connection = await NativeConnection.connect({ address: options.temporalAddress });
  // A fresh cluster must just work: register our search attributes if they are missing.
  await ensureSearchAttributes(connection, options.namespace);
  const worker = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    dataConverter: dataConverterFor(options.payloadKeys),
    activities: (options.wrapActivities ?? ((a) => a))(createActivities(db.models)),
    workflowBundle: await workflowBundleFor(options),
    maxCachedWorkflows: options.maxCachedWorkflows ?? maxCachedWorkflowsFromEnv() ?? DEFAULT_MAX_CACHED_WORKFLOWS,
    ...(options.identity ? { identity: options.identity } : {}),
  });
  let running: Promise<void> | undefined;
  const run = (): Promise<void> => {
    running ??= worker.run().finally(async () => {
      await connection.close();
      await db.close();
    });
    return running;
  };
  return {
    worker,
    db,
    run,
    shutdown: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}
