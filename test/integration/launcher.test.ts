import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectTemporalClient } from '../../src/temporal/client';
import { resolvePayloadKeys } from '../../src/temporal/payload-codec';
import { connectDatabase } from '../../src/db/connection';
import { freePort } from '../../src/services/managed-process';
import { caseActionUpdate } from '../../workflows/definitions';
import { caseInput, eventually } from '../helpers/temporal';
import { caseWorkflow } from '../../workflows/case-workflow';

/**
 * `onedoor up` as a user runs it: a real process tree with the embedded
 * servers, the worker and the API, on a data directory of its own.
 */
const CLI = path.resolve(__dirname, '../../bin/onedoor.js');

interface Launched {
  child: ChildProcess;
  output: () => string;
  temporalAddress: string;
  mongoUri: string;
  apiUrl: string;
}

async function launch(dataDir: string, port: number): Promise<Launched> {
  const env: NodeJS.ProcessEnv = { ...process.env, ONEDOOR_DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'warn' };
  delete env.TEMPORAL_ADDRESS;
  delete env.MONGODB_URI;
  delete env.ONEDOOR_PAYLOAD_KEYS; // the launcher keeps its own key in the data directory
  const child = spawn(process.execPath, [CLI, 'up'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await eventually(async () => out.includes('Press Ctrl-C to stop.') || (child.exitCode !== null && Promise.reject(new Error(out))), 90_000);
  const temporalAddress = /Temporal\s+(\S+), namespace/.exec(out)?.[1];
  const mongoUri = /MongoDB\s+(\S+)/.exec(out)?.[1];
  if (!temporalAddress || !mongoUri) throw new Error(`unexpected output:\n${out}`);
  const apiUrl = `http://127.0.0.1:${port}`;
  return { child, output: () => out, temporalAddress, mongoUri, apiUrl };
}

/** Every process below `root` in the process tree, from /proc. */
function descendants(root: number): number[] {
  const parents = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), ppid);
    } catch {
      // exited while we looked
    }
  }
  const found: number[] = [];
  const walk = (pid: number): void => {
    for (const [child, parent] of parents) {
      if (parent === pid) {
        found.push(child);
        walk(child);
      }
    }
  };
  walk(root);
  return found;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie is dead for our purposes.
    return !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
}

async function stop(launched: Launched, signal: NodeJS.Signals): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => launched.child.once('exit', (code) => resolve(code)));
  launched.child.kill(signal);
  return exited;
}

async function ready(apiUrl: string): Promise<boolean> {
  const response = await fetch(`${apiUrl}/readyz`);
  return response.status === 200;
}

const DONGMEN_ADMIN = {
  kind: 'person' as const,
  personId: 'p-dongmen-admin',
  role: 'admin' as const,
  centreId: 'zz-pinghe-xiaoxi-dongmen',
  centrePath: ['zz', 'zz-pinghe', 'zz-pinghe-xiaoxi', 'zz-pinghe-xiaoxi-dongmen'],
};

describe('onedoor up', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-up-'));
  let running: Launched | undefined;
  afterAll(async () => {
    if (running && running.child.exitCode === null) await stop(running, 'SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('starts every server, keeps data across a restart, and leaves no process behind', async () => {
    const port = await freePort();

    // First start: empty data directory.
    running = await launch(dataDir, port);
    await eventually(() => ready(running!.apiUrl), 60_000);
    const firstTree = descendants(running.child.pid!);
    const names = firstTree.map((pid) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' '));
    expect(names.some((n) => /temporal server start-dev/.test(n))).toBe(true);
    expect(names.some((n) => /ferretdb/.test(n))).toBe(true);
    expect(names.some((n) => /onedoor\.js worker/.test(n))).toBe(true);
    expect(names.some((n) => /onedoor\.js api/.test(n))).toBe(true);

    // A case, started on the launcher's own worker (default task queue).
    const input = caseInput({ centrePath: DONGMEN_ADMIN.centrePath });
    const caseId = input.opening.caseId;
    // The launcher's worker and API share a payload key kept in the data directory; so does this client.
    const keyFile = path.join(dataDir, 'payload-keys');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    const keyOnFirstStart = fs.readFileSync(keyFile, 'utf8');
    let temporal = await connectTemporalClient(running.temporalAddress, 'default', resolvePayloadKeys({ dataDir, payloadKeys: undefined, production: false }));
    await temporal.client.workflow.start(caseWorkflow, { taskQueue: 'onedoor-cases', workflowId: caseId, args: [input] });
    let db = await connectDatabase(running.mongoUri);
    await eventually(() => db.models.Case.findById(caseId).lean(), 60_000);
    expect(await db.models.Centre.countDocuments()).toBeGreaterThan(40); // seeded on first start
    await db.close();
    await temporal.close();

    expect(await stop(running, 'SIGINT')).toBe(0);
    expect(firstTree.filter(isAlive)).toEqual([]);

    // Second start on the same data: the case is still there and its workflow carries on.
    const restartedAt = Date.now();
    running = await launch(dataDir, port);
    await eventually(() => ready(running!.apiUrl), 60_000);
    console.log(`warm restart ready in ${((Date.now() - restartedAt) / 1000).toFixed(1)} s`);
    const secondTree = descendants(running.child.pid!);
    // The same key, or the running case's history could not be read.
    expect(fs.readFileSync(keyFile, 'utf8')).toBe(keyOnFirstStart);
    temporal = await connectTemporalClient(running.temporalAddress, 'default', resolvePayloadKeys({ dataDir, payloadKeys: undefined, production: false }));
    db = await connectDatabase(running.mongoUri);
    expect((await db.models.Case.findById(caseId).lean())?.stage).toBe('intake');
    const handle = temporal.client.workflow.getHandle(caseId);
    expect((await handle.describe()).status.name).toBe('RUNNING');
    const after = await handle.executeUpdate(caseActionUpdate, { args: [{ action: { type: 'accept' }, actor: DONGMEN_ADMIN }] });
    expect(after.stage).toBe('risk_assessment');
    const events = await db.models.CaseEvent.find({ caseId }).sort({ seq: 1 }).lean();
    expect(events.map((e) => e.type)).toEqual(['reported', 'accepted']);
    await db.close();
    await temporal.close();

    expect(await stop(running, 'SIGTERM')).toBe(0);
    expect(secondTree.filter(isAlive)).toEqual([]);
  });
});
