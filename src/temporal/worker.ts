import fs from 'node:fs';
import path from 'node:path';
import { ensureSearchAttributes } from './search-attributes';
import { DefaultLogger, NativeConnection, Runtime, Worker, bundleWorkflowCode, type WorkflowBundleOption, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { connectDatabase, ensureIndexes, type Database } from '../db/connection';
import { dataConverterFor, type PayloadKeys } from './payload-codec';
import { createActivities, NO_DELIVERY_AT_ALL, type CaseActivities, type Delivery } from '../../activities';
import { DEFAULT_MAX_CACHED_WORKFLOWS, type Config, type LogLevel } from '../config';
import { smsGatewayFor } from '../delivery/sms';
import { SmtpMailSender } from '../delivery/mail';
import { temporalDeliveryStarter } from '../delivery/starter';
import { createLogger } from '../api/logger';
import { connectTemporalClient, type TemporalClient } from './client';
import type { Models } from '../db/models';

/** What the delivery of notifications needs from the settings (src/config.ts). */
export type DeliveryConfig = Pick<Config, 'smsUrl' | 'smsToken' | 'smsTemplate' | 'production' | 'smtpUrl' | 'mailFrom' | 'webhooks' | 'deliveryRetry' | 'publicUrl'>;

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
  /** Workflows kept in memory between tasks (ONEDOOR_MAX_CACHED_WORKFLOWS); default {@link DEFAULT_MAX_CACHED_WORKFLOWS}. */
  maxCachedWorkflows?: number;
  /**
   * Deliver the notifications the cases write (SMS, e-mail, webhooks). Without it the
   * outbox is written and nothing is sent: tests of other things run without the load.
   */
  delivery?: DeliveryConfig;
  /**
   * The Temporal SDK's log level (LOG_LEVEL), default info. The SDK's runtime
   * is installed once per process, so the first worker's level holds.
   */
  logLevel?: LogLevel;
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

/**
 * The bundle a worker started from the environment loads: ONEDOOR_WORKFLOW_BUNDLE,
 * or in production the prebuilt one when it is there; undefined means bundle from source.
 */
export function configuredWorkflowBundle(config: Pick<Config, 'workflowBundle' | 'production'>): WorkflowBundleOption | undefined {
  const codePath = config.workflowBundle ?? (config.production && fs.existsSync(PREBUILT_BUNDLE_PATH) ? PREBUILT_BUNDLE_PATH : undefined);
  return codePath === undefined ? undefined : { codePath };
}

/**
 * Pure modules every case workflow imports: evaluated once per worker thread
 * and shared, instead of once per workflow in the cache. The SDK deep-freezes
 * what they export, which suits them: src/domain is rules and constants, and
 * definitions and search attributes are names. Sharing them keeps each cached
 * workflow small (docs/performance-log.md, change 15). The workflow module itself
 * is not shared: workflow code is left per workflow, as the SDK expects.
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

/** The SDK has no level above ERROR: pino's fatal and silent come as close as it can. */
const SDK_LOG_LEVELS = { trace: 'TRACE', debug: 'DEBUG', info: 'INFO', warn: 'WARN', error: 'ERROR', fatal: 'ERROR', silent: 'ERROR' } as const satisfies Record<LogLevel, string>;

let runtimeInstalled = false;

/** The SDK's logger at our log level; the runtime can be installed once per process, before any worker. */
function installRuntime(level: LogLevel): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger(SDK_LOG_LEVELS[level]) });
  } catch {
    // Already installed by the embedding program: keep its choice.
  }
}

/**
 * The channels, and a client of its own for starting delivery workflows from the
 * activity that writes the outbox (the SDK's client over the worker's native
 * connection is still experimental).
 */
async function startDelivery(options: WorkerOptions, config: DeliveryConfig, models: Models): Promise<{ delivery: Delivery; close(): Promise<void> }> {
  const client: TemporalClient = await connectTemporalClient(options.temporalAddress, options.namespace, options.payloadKeys);
  const mail = config.smtpUrl ? new SmtpMailSender(config.smtpUrl, config.mailFrom) : null;
  const logger = createLogger(options.logLevel ?? 'info');
  return {
    delivery: {
      starter: temporalDeliveryStarter(() => client.client, config.deliveryRetry),
      channels: { sms: smsGatewayFor(config, models, logger), mail, webhooks: config.webhooks, publicUrl: config.publicUrl ?? null },
    },
    close: async () => {
      mail?.close();
      await client.close();
    },
  };
}

export async function createWorker(options: WorkerOptions): Promise<RunningWorker> {
  installRuntime(options.logLevel ?? 'info');
  const db = await connectDatabase(options.mongodbUri);
  await ensureIndexes(db.models);
  const connection = await NativeConnection.connect({ address: options.temporalAddress });
  // A fresh cluster must just work: register our search attributes if they are missing.
  await ensureSearchAttributes(connection, options.namespace);
  const delivery = options.delivery ? await startDelivery(options, options.delivery, db.models) : null;
  const worker = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    dataConverter: dataConverterFor(options.payloadKeys),
    activities: (options.wrapActivities ?? ((a) => a))(createActivities(db.models, delivery?.delivery ?? NO_DELIVERY_AT_ALL)),
    workflowBundle: options.workflowBundle ?? (await bundleWorkflows()),
    maxCachedWorkflows: options.maxCachedWorkflows ?? DEFAULT_MAX_CACHED_WORKFLOWS,
    ...(options.identity ? { identity: options.identity } : {}),
  });
  let running: Promise<void> | undefined;
  const run = (): Promise<void> => {
    running ??= worker.run().finally(async () => {
      await delivery?.close();
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
