/**
 * A worker in its own process, as production runs it, so the bench can read
 * its memory from /proc without counting the load generator.
 *   tsx bench/worker-child.ts            the onedoor worker (caseWorkflow + activities)
 *   tsx bench/worker-child.ts --trivial  the ceilings' workflows (bench/trivial)
 * Environment: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, MONGODB_URI, ONEDOOR_TASK_QUEUE,
 * ONEDOOR_PAYLOAD_KEYS (both workers read and write payloads as the bench's client does),
 * BENCH_BUNDLE (a prebuilt bundle). It answers {type:'memory'} on IPC with
 * process.memoryUsage() and says {type:'ready'} once it polls.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { createWorker } from '../src/temporal/worker';
import { dataConverterFor, parsePayloadKeys } from '../src/temporal/payload-codec';

async function main(): Promise<void> {
  const address = required('TEMPORAL_ADDRESS');
  const namespace = process.env.TEMPORAL_NAMESPACE || 'default';
  const taskQueue = required('ONEDOOR_TASK_QUEUE');
  const bundle = required('BENCH_BUNDLE');
  const payloadKeys = parsePayloadKeys(required('ONEDOOR_PAYLOAD_KEYS'));
  let run: () => Promise<void>;
  let stop: () => Promise<void>;
  if (process.argv.includes('--trivial')) {
    const connection = await NativeConnection.connect({ address });
    const worker = await Worker.create({ connection, namespace, taskQueue, workflowBundle: { codePath: bundle }, dataConverter: dataConverterFor(payloadKeys) });
    run = () => worker.run().finally(() => connection.close());
    stop = async () => worker.shutdown();
  } else {
    const worker = await createWorker({ temporalAddress: address, namespace, taskQueue, mongodbUri: required('MONGODB_URI'), payloadKeys, workflowBundle: { codePath: bundle } });
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

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
