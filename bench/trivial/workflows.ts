/**
 * The benchmarks' ceilings: workflows that do nothing of their own, so a
 * measurement against them is Temporal's cost alone. Bundled separately from
 * workflows/ and run by their own worker (bench/worker-child.ts --trivial).
 */
import { condition, defineSignal, defineUpdate, setHandler, sleep } from '@temporalio/workflow';

export const pingUpdate = defineUpdate<number, [number]>('ping');
export const finishSignal = defineSignal('finish');

/** Answers updates at once until told to finish. */
export async function echoWorkflow(): Promise<number> {
  let pings = 0;
  let finished = false;
  setHandler(pingUpdate, (n: number) => {
    pings += 1;
    return n;
  });
  setHandler(finishSignal, () => {
    finished = true;
  });
  await condition(() => finished);
  return pings;
}

/** Sleeps until `at` (epoch ms) and returns how late it woke, by workflow time. */
export async function timerWorkflow(at: number): Promise<number> {
  await sleep(Math.max(at - Date.now(), 1));
  return Date.now() - at;
}
