/**
 * CPU of replaying a recorded case history in the worker's workflow sandbox:
 * what a worker pays for every task of a case that has left its workflow
 * cache (it replays the whole history first). Replays the history N times
 * with the same bundle the worker runs.
 *
 *   npx tsx scripts/measure-replay.ts [history=test/histories/deadline-climb-to-city.json] [times=300]
 */
import fs from 'node:fs';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { bundleWorkflows } from '../src/temporal/worker';

async function main(): Promise<void> {
  const file = path.resolve(process.argv[2] ?? 'test/histories/deadline-climb-to-city.json');
  const times = Number(process.argv[3] ?? 300);
  const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as { events: unknown[] };
  const history = historyFromJSON(raw);
  const bundle = await bundleWorkflows();
  const histories = (async function* () {
    for (let i = 0; i < times; i += 1) yield { workflowId: `replay-${i}`, history };
  })();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let failed = 0;
  for await (const result of Worker.runReplayHistories({ workflowBundle: bundle, replayName: 'measure-replay' }, histories)) {
    if (result.error) failed += 1;
  }
  const cpu = process.cpuUsage(cpu0);
  const per = (ms: number) => Math.round((ms / times) * 10) / 10;
  console.log(`${path.basename(file)} (${raw.events.length} events) × ${times}: ${per(performance.now() - t0)} ms wall, ${per((cpu.user + cpu.system) / 1000)} ms CPU per replay${failed ? `; ${failed} failed` : ''}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
