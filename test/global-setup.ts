import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../src/config';
import { startServers, type Servers } from '../src/services/stack';
import { bundleWorkflows } from '../src/temporal/worker';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    temporalNamespace: string;
    mongodbUri: string;
    workflowBundlePath: string;
  }
}

/**
 * Starts the real servers once for the whole run (or uses TEMPORAL_ADDRESS /
 * MONGODB_URI), and bundles the workflow code once for every test worker.
 */
let servers: Servers | undefined;
let dataDir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-test-'));
  const config = { ...loadConfig(), dataDir, temporalPort: undefined, temporalUiPort: undefined, mongoPort: undefined };
  const progress = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  const [started, bundle] = await Promise.all([startServers(config, progress), bundleWorkflows()]);
  servers = started;
  const bundlePath = path.join(dataDir, 'workflow-bundle.js');
  fs.writeFileSync(bundlePath, bundle.code);
  project.provide('temporalAddress', servers.temporal.address);
  project.provide('temporalNamespace', servers.temporal.namespace);
  project.provide('mongodbUri', servers.mongo.uri.replace(/\/onedoor$/, '/onedoor_test'));
  project.provide('workflowBundlePath', bundlePath);
}

export async function teardown(): Promise<void> {
  await servers?.stop();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
}
