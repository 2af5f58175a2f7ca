import { fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { bundleWorkflowCode } from '@temporalio/worker';
import { loadConfig } from '../../src/config';
import { startServers, type Servers } from '../../src/services/stack';
import { freePort } from '../../src/services/managed-process';
import { bundleWorkflows } from '../../src/temporal/worker';
import { connectTemporalClient, type TemporalClient } from '../../src/temporal/client';
import { formatPayloadKey, newPayloadKey, parsePayloadKeys } from '../../src/temporal/payload-codec';
import { connectDatabase, ensureIndexes, type Database } from '../../src/db/connection';
import { seedDatabase } from '../../src/db/seed';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'bin/onedoor.js');
export const TRIVIAL_WORKFLOWS = path.resolve(__dirname, '../trivial/workflows.ts');

/** A child process the bench started: the worker (IPC for heap figures) or the API. */
export interface Child {
  name: string;
  process: ChildProcess;
  log: string[];
  memory(): Promise<NodeJS.MemoryUsage | null>;
  stop(): Promise<void>;
}

function watch(name: string, child: ChildProcess): string[] {
  const log: string[] = [];
  const keep = (chunk: Buffer): void => {
    for (const line of chunk.toString().split('\n')) {
      if (!line) continue;
      log.push(line);
      if (log.length > 200) log.shift();
      if (/"level":(50|60)|Error|ERROR|panic/.test(line)) process.stderr.write(`  [${name}] ${line.slice(0, 400)}\n`);
    }
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return log;
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
  });
}

export interface BenchStack {
  dataDir: string;
  servers: Servers;
  temporal: TemporalClient;
  db: Database;
  taskQueue: string;
  trivialQueue: string;
  secret: string;
  apiUrl: string;
  worker: Child;
  trivialWorker: Child;
  api: Child;
  temporalPid: number | undefined;
  ferretdbPid: number | undefined;
  /** Another API process on the same servers (its own port and settings), ready when it resolves; the caller stops it. */
  startApi(extraEnv?: NodeJS.ProcessEnv, name?: string): Promise<RunningApi>;
  stop(): Promise<void>;
}

export interface RunningApi {
  child: Child;
  url: string;
  /** From the spawn until `/readyz` first answered 200. */
  readyAfterMs: number;
}

/** Time scale for the API: deadlines of intake and lifecycle cases stay far away, so only the escalation bench's own deadlines fire. */
export const API_TIME_SCALE = 100;

export async function startBenchStack(progress: (line: string) => void): Promise<BenchStack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-bench-'));
  const config = { ...loadConfig(), dataDir, temporalPort: undefined, temporalUiPort: undefined, mongoPort: undefined };
  progress(`data in ${dataDir}; starting Temporal and FerretDB (or using TEMPORAL_ADDRESS / MONGODB_URI) and bundling workflow code`);
  const [servers, caseBundle, trivialBundle] = await Promise.all([
    startServers(config, progress),
    bundleWorkflows(),
    bundleWorkflowCode({ workflowsPath: TRIVIAL_WORKFLOWS, logger: { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error: (m: string) => console.error(m) } }),
  ]);
  const caseBundlePath = path.join(dataDir, 'case-bundle.js');
  const trivialBundlePath = path.join(dataDir, 'trivial-bundle.js');
  fs.writeFileSync(caseBundlePath, caseBundle.code);
  fs.writeFileSync(trivialBundlePath, trivialBundle.code);

  const mongodbUri = servers.mongo.embedded ? servers.mongo.uri : servers.mongo.uri.replace(/\/([^/?]*)(\?|$)/, `/onedoor_bench_${Date.now()}$2`);
  const db = await connectDatabase(mongodbUri);
  await ensureIndexes(db.models);
  await seedDatabase(db.models);
  // One key for the bench's client and every process it starts, as in production.
  const payloadKeys = formatPayloadKey(newPayloadKey());
  const temporal = await connectTemporalClient(servers.temporal.address, servers.temporal.namespace, parsePayloadKeys(payloadKeys));

  const suffix = randomBytes(4).toString('hex');
  const taskQueue = `bench-cases-${suffix}`;
  const trivialQueue = `bench-trivial-${suffix}`;
  const secret = randomBytes(32).toString('base64url');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEMPORAL_ADDRESS: servers.temporal.address,
    TEMPORAL_NAMESPACE: servers.temporal.namespace,
    MONGODB_URI: mongodbUri,
    ONEDOOR_DATA_DIR: dataDir,
    ONEDOOR_JWT_SECRET: secret,
    ONEDOOR_PAYLOAD_KEYS: payloadKeys,
    ONEDOOR_TIME_SCALE: String(API_TIME_SCALE),
    // The bench files thousands of cases a minute from one address.
    ONEDOOR_INTAKE_RATE_PER_MINUTE: '0',
    ONEDOOR_SIGN_IN_RATE_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
  };

  // ONEDOOR_BENCH_CPU_PROFILE_DIR=<dir>: the worker and the API write V8 CPU
  // profiles there when they exit (open them in Chrome DevTools or speedscope).
  const profileDir = process.env.ONEDOOR_BENCH_CPU_PROFILE_DIR;
  const profileFlags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(profileDir)}`] : [];

  const startWorker = (name: string, queue: string, bundle: string, extra: string[]): Promise<Child> =>
    new Promise((resolve, reject) => {
      const child = fork(path.resolve(__dirname, '../worker-child.ts'), extra, {
        execArgv: [...profileFlags, '--require', 'tsx/cjs'],
        env: { ...env, ONEDOOR_TASK_QUEUE: queue, BENCH_BUNDLE: bundle },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        cwd: ROOT,
      });
      const log = watch(name, child);
      const waiting: ((m: NodeJS.MemoryUsage | null) => void)[] = [];
      child.on('message', (message: { type?: string; memory?: NodeJS.MemoryUsage }) => {
        if (message.type === 'ready') resolve(handle);
        if (message.type === 'memory') waiting.shift()?.(message.memory ?? null);
      });
      child.once('exit', (code) => {
        for (const w of waiting.splice(0)) w(null);
        reject(new Error(`${name} exited (${code}) during start-up:\n${log.slice(-20).join('\n')}`));
      });
      const handle: Child = {
        name,
        process: child,
        log,
        memory: () =>
          new Promise((res) => {
            if (!child.connected) return res(null);
            waiting.push(res);
            child.send({ type: 'memory' });
          }),
        stop: () => stopChild(child),
      };
    });

  progress('starting the onedoor worker, the trivial-workflow worker and the API (each its own process)');
  const [worker, trivialWorker] = await Promise.all([
    startWorker('worker', taskQueue, caseBundlePath, []),
    startWorker('trivial-worker', trivialQueue, trivialBundlePath, ['--trivial']),
  ]);
  const startApi = async (extraEnv: NodeJS.ProcessEnv = {}, name = 'api'): Promise<RunningApi> => {
    const port = await freePort();
    const began = performance.now();
    const apiProcess = spawn(process.execPath, [...profileFlags, CLI, 'api'], { env: { ...env, ...extraEnv, PORT: String(port), ONEDOOR_TASK_QUEUE: taskQueue }, stdio: ['ignore', 'pipe', 'pipe'], cwd: ROOT });
    const child: Child = { name, process: apiProcess, log: watch(name, apiProcess), memory: async () => null, stop: () => stopChild(apiProcess) };
    const url = `http://127.0.0.1:${port}`;
    const until = Date.now() + 120_000;
    for (;;) {
      try {
        if ((await fetch(`${url}/readyz`)).ok) break;
      } catch {
        // not listening yet
      }
      if (apiProcess.exitCode !== null) throw new Error(`the API exited during start-up:\n${child.log.join('\n')}`);
      if (Date.now() > until) {
        await child.stop();
        throw new Error('the API was not ready within 120 s');
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return { child, url, readyAfterMs: performance.now() - began };
  };
  const { child: api, url: apiUrl } = await startApi();

  return {
    dataDir,
    servers,
    temporal,
    db,
    taskQueue,
    trivialQueue,
    secret,
    apiUrl,
    worker,
    trivialWorker,
    api,
    temporalPid: servers.temporal.process?.pid,
    ferretdbPid: servers.mongo.process?.pid,
    startApi,
    stop: async () => {
      await Promise.all([api.stop(), worker.stop(), trivialWorker.stop()]);
      await temporal.close();
      await db.close();
      await servers.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
