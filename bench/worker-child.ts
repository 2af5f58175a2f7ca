/**
 * A worker in its own process, as production runs it, so the bench can read
 * its memory from /proc without counting the load generator.
 *   tsx bench/worker-child.ts            the onedoor worker (caseWorkflow + activities)
 *   tsx bench/worker-child.ts --trivial  the ceilings' workflows (bench/trivial)
 * Environment: onedoor's own settings (src/config.ts; the bench names the task
 * queue), of which TEMPORAL_ADDRESS, MONGODB_URI and ONEDOOR_PAYLOAD_KEYS are
 * required (both workers read and write payloads as the bench's client does),
 * and BENCH_BUNDLE (a prebuilt bundle). It answers {type:'memory'} on IPC with
 * process.memoryUsage() and says {type:'ready'} once it polls.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { loadConfig } from '../src/config';
import { createWorker } from '../src/temporal/worker';
import { dataConverterFor, parsePayloadKeys } from '../src/temporal/payload-codec';

async function main(): Promise<void> {
  const config = loadConfig();
  const address = required('TEMPORAL_ADDRESS', config.temporalAddress);
  const namespace = config.temporalNamespace;
  const taskQueue = config.taskQueue;
  const bundle = required('BENCH_BUNDLE', process.env.BENCH_BUNDLE);
  const payloadKeys = parsePayloadKeys(required('ONEDOOR_PAYLOAD_KEYS', config.payloadKeys));
  let run: () => Promise<void>;
  let stop: () => Promise<void>;
  if (process.argv.includes('--trivial')) {
    const connection = await NativeConnection.connect({ address });
    const worker = await Worker.create({ connection, namespace, taskQueue, workflowBundle: { codePath: bundle }, dataConverter: dataConverterFor(payloadKeys) });
    run = () => worker.run().finally(() => connection.close());
    stop = async () => worker.shutdown();
  } else {
    const worker = await createWorker({
      temporalAddress: address,
      namespace,
      taskQueue,
      mongodbUri: required('MONGODB_URI', config.mongodbUri),
      payloadKeys,
      workflowBundle: { codePath: bundle },
      maxCachedWorkflows: config.maxCachedWorkflows,
      logLevel: config.logLevel,
    });
    run = worker.run;
    stop = worker.shutdown;
  }
  const running = run();
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'memory') process.send?.({ type: 'memory', memory: process.memoryUsage() });
    if (message?.type === 'gc') {
      (globalThis as { gc?: () => void }).gc?.();
      process.send?.({ type: 'gc-done' });
    }
  });
  process.on('SIGTERM', () => void stop());
  process.send?.({ type: 'ready' });
  await running;
  process.exit(0);
}

function required(name: string, value: string | undefined): string {
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
