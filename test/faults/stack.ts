import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { loadConfig, type Config } from '../../src/config';
import { startMongo, startTemporal, type MongoEndpoint, type TemporalEndpoint } from '../../src/services/embedded';
import { freePort, ManagedProcess } from '../../src/services/managed-process';
import { TEST_SECRET } from '../api/helpers';
import { TEST_PAYLOAD_KEYS_TEXT, uniqueId } from '../helpers/temporal';

const CLI = path.resolve(__dirname, '../../bin/onedoor.js');

/**
 * A whole onedoor of its own for fault injection: a Temporal dev server and a
 * FerretDB on fixed ports with their own data directory (so a restarted server
 * comes back on the same address with the same data), and `onedoor worker` /
 * `onedoor api` as real child processes whose output is kept in log files.
 */
export class FaultStack {
  readonly dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-faults-'));
  readonly runDir = path.join(this.dataDir, 'run');
  readonly taskQueue = uniqueId('faults-');
  config!: Config;
  temporal!: TemporalEndpoint;
  mongo!: MongoEndpoint;
  worker: ManagedProcess | undefined;
  api: ManagedProcess | undefined;
  apiPort = 0;

  get apiUrl(): string {
    return `http://127.0.0.1:${this.apiPort}`;
  }

  get mongoUri(): string {
    return this.mongo.uri;
  }

  async startServers(): Promise<void> {
    const [temporalPort, temporalUiPort, mongoPort, apiPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
    this.apiPort = apiPort;
    this.config = {
      ...loadConfig(),
      dataDir: this.dataDir,
      temporalAddress: undefined,
      mongodbUri: undefined,
      temporalPort,
      temporalUiPort,
      mongoPort,
    };
    [this.temporal, this.mongo] = await Promise.all([startTemporal(this.config, quiet), startMongo(this.config, quiet)]);
  }

  private childEnv(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      TEMPORAL_ADDRESS: this.temporal.address,
      TEMPORAL_NAMESPACE: this.temporal.namespace,
      MONGODB_URI: this.mongo.uri,
      ONEDOOR_TASK_QUEUE: this.taskQueue,
      ONEDOOR_JWT_SECRET: TEST_SECRET,
      ONEDOOR_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS_TEXT,
      ONEDOOR_WORKFLOW_BUNDLE: inject('workflowBundlePath'),
      PORT: String(this.apiPort),
      // Every request line and every warning lands in the logs that the personal-data check reads.
      LOG_LEVEL: 'info',
    };
  }

  /** Both share one log file per name, appended to across restarts. */
  startWorker(): ManagedProcess {
    this.worker = new ManagedProcess({ name: 'worker', command: process.execPath, args: [CLI, 'worker'], runDir: this.runDir, env: this.childEnv() });
    this.worker.start();
    return this.worker;
  }

  startApi(): ManagedProcess {
    this.api = new ManagedProcess({ name: 'api', command: process.execPath, args: [CLI, 'api'], runDir: this.runDir, env: this.childEnv() });
    this.api.start();
    return this.api;
  }

  async stopMongo(): Promise<void> {
    await this.mongo.stop();
  }

  async restartMongo(): Promise<void> {
    this.mongo = await startMongo(this.config, quiet);
  }

  async restartTemporal(): Promise<void> {
    await this.temporal.stop();
    this.temporal = await startTemporal(this.config, quiet);
  }

  logs(): string {
    return ['api', 'worker']
      .map((name) => {
        try {
          return fs.readFileSync(path.join(this.runDir, `${name}.log`), 'utf8');
        } catch {
          return '';
        }
      })
      .join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all([this.api?.stop(5000), this.worker?.stop(5000)]);
    await Promise.all([this.temporal?.stop(), this.mongo?.stop()]);
    if (!process.env.ONEDOOR_FAULTS_KEEP) fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

function quiet(line: string): void {
  process.stderr.write(`${line}\n`);
}
