import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig, type Config } from '../src/config';
import type { ServerBinary } from '../src/services/binaries';
import { startServers, type Servers } from '../src/services/stack';
import { testRunBlockerOnThisMachine } from '../src/setup/machine';
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

const BROWSER_TESTS = path.join(__dirname, 'e2e') + path.sep;

/** Whether this run includes a browser test: vitest has collected the paths of the files it runs before global setup. */
function runsBrowserTests(project: TestProject): boolean {
  const paths = project.vitest.state.getPaths();
  // No paths means this vitest does not say which files run: check rather than let each browser test fail on its own.
  return paths.length === 0 || paths.some((file) => path.resolve(file).startsWith(BROWSER_TESTS));
}

/**
 * A missing prerequisite stops the run here, before any server starts, with
 * one message naming the fix. It exits rather than throws: vitest reports an
 * error thrown by a global setup under "No test files found", which sends
 * the reader after the wrong problem.
 */
function stopUnlessPrerequisitesMet(project: TestProject, config: Config): void {
  const servers: ServerBinary[] = [];
  if (!config.temporalAddress) servers.push('temporal');
  if (!config.mongodbUri) servers.push('ferretdb');
  const blocker = testRunBlockerOnThisMachine(config.binDir, { servers, browser: runsBrowserTests(project) });
  if (!blocker) return;
  process.stderr.write(`\n${blocker}\n\n`);
  process.exit(1);
}

export async function setup(project: TestProject): Promise<void> {
  stopUnlessPrerequisitesMet(project, loadConfig());
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
