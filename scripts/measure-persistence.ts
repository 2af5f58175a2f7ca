/**
 * CPU and time of the worker's persistence activities alone: N case openings
 * (`recordCaseOpened`) and then N deadline transitions (`recordTransition`),
 * C at a time, against a FerretDB this script starts on a scratch directory (or
 * MONGODB_URI, a scratch database). Prints, per call, the wall time, this
 * process's CPU (the worker's side: driver, BSON, sockets) and FerretDB's CPU.
 *
 *   npx tsx scripts/measure-persistence.ts [cases=300] [concurrency=16]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/config';
import { startMongo } from '../src/services/embedded';
import { connectDatabase, ensureIndexes } from '../src/db/connection';
import { createPersistenceActivities } from '../activities/persistence';
import { newCase, onDeadline } from '../src/domain';
import { directCaseInput } from '../bench/lib/cases';
import { cpuSeconds } from '../bench/lib/machine';

async function main(): Promise<void> {
  const cases = Number(process.argv[2] ?? 300);
  const concurrency = Number(process.argv[3] ?? 16);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-persistence-'));
  const mongo = await startMongo({ ...loadConfig(), dataDir: scratch }, () => {});
  const db = await connectDatabase(mongo.uri);
  try {
    await ensureIndexes(db.models);
    const activities = createPersistenceActivities(db.models);
    const opened = Array.from({ length: cases }, (_, i) => {
      const input = directCaseInput(i);
      return { input, transition: newCase(input.opening) };
    });
    const measure = async (label: string, call: (i: number) => Promise<void>): Promise<void> => {
      const cpu0 = process.cpuUsage();
      const ferret0 = cpuSeconds(mongo.process?.pid);
      const t0 = performance.now();
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let i = next++; i < cases; i = next++) await call(i);
        }),
      );
      const cpu = process.cpuUsage(cpu0);
      const ferret = ferret0 === null ? null : (cpuSeconds(mongo.process?.pid) ?? ferret0) - ferret0;
      const per = (ms: number) => Math.round((ms / cases) * 100) / 100;
      console.log(
        `${label}: ${cases} × ${concurrency} at once — wall ${per(performance.now() - t0)} ms, worker CPU ${per((cpu.user + cpu.system) / 1000)} ms, FerretDB CPU ${ferret === null ? 'n/a' : per(ferret * 1000)} ms per call`,
      );
    };
    await measure('recordCaseOpened', async (i) => {
      const { input, transition } = opened[i] as (typeof opened)[number];
      await activities.recordCaseOpened({ intake: input.intake, state: transition.state, events: transition.events, audit: input.intakeAudit });
    });
    await measure('recordTransition (deadline)', async (i) => {
      const deadline = onDeadline((opened[i] as (typeof opened)[number]).transition.state, Date.now());
      await activities.recordTransition({ state: deadline.state, events: deadline.events });
    });
  } finally {
    await db.close();
    await mongo.stop();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
