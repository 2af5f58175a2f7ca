/**
 * npm run bench [-- --quick] [--cases N] [--reads N] [--scale N,M] [--only intake,actions,...]
 *
 * Starts the embedded Temporal dev server and FerretDB on a temporary data
 * directory (or uses TEMPORAL_ADDRESS / MONGODB_URI), a worker and the API as
 * their own processes, runs the six measurements of issue 6, each next to its
 * ceiling measured on the same servers, and writes Markdown and JSON to
 * bench/results/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../src/config';
import { HttpClient } from './lib/http';
import { loadAverage, machineInfo, type MachineInfo } from './lib/machine';
import { API_TIME_SCALE } from './lib/stack';
import { Tokens } from './lib/cases';
import * as s from './scenarios';
import { renderMarkdown, evaluateTargets } from './report';
import { scale, type ScaleRow } from './scale';

export { renderMarkdown };

export const SCENARIOS = ['intake', 'actions', 'lifecycle', 'escalation', 'reads', 'scale'] as const;

export interface BenchOptions {
  quick: boolean;
  cases: number;
  reads: number;
  /** Stored cases at each step of the scale run. */
  scale: number[];
  only: Set<string>;
  out: string;
}

export interface Sizes {
  intake: Record<number, number>;
  /** Rounds of ceiling and API at each intake concurrency (see scenarios.ts, intake). */
  intakeRounds: number;
  actions: Record<number, number>;
  escalation: number;
  escalationLeadSeconds: number;
  lifecycle: { cases: number; concurrency: number };
  reads: { stored: number; ops: number; concurrencies: number[]; budgetSeconds: number };
  scale: { stored: number[]; ops: number; budgetSeconds: number };
}

export function sizesFor(options: Pick<BenchOptions, 'quick' | 'cases' | 'reads' | 'scale'>): Sizes {
  return options.quick
    ? {
        intake: { 1: 10, 16: 48, 64: 64 },
        intakeRounds: 2,
        actions: { 1: 10, 16: 48 },
        escalation: options.cases,
        escalationLeadSeconds: 10,
        lifecycle: { cases: 4, concurrency: 4 },
        reads: { stored: options.reads, ops: 30, concurrencies: [1, 8], budgetSeconds: 2 },
        scale: { stored: options.scale, ops: 20, budgetSeconds: 5 },
      }
    : {
        intake: { 1: 30, 16: 150, 64: 300 },
        intakeRounds: 4,
        // 600 at 16, so the p99 rests on six actions, not one or two (docs/performance.md, Lessons).
        actions: { 1: 60, 16: 600 },
        escalation: options.cases,
        escalationLeadSeconds: 30,
        lifecycle: { cases: 16, concurrency: 16 },
        reads: { stored: options.reads, ops: 300, concurrencies: [1, 8], budgetSeconds: 6 },
        // One client; a read the queries store answers slowly on FerretDB still gets a few samples.
        scale: { stored: options.scale, ops: 200, budgetSeconds: 30 },
      };
}

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      cases: { type: 'string' },
      reads: { type: 'string' },
      scale: { type: 'string' },
      only: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick ?? false;
  const positive = (raw: string | undefined, fallback: number, name: string): number => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${raw}"`);
    return n;
  };
  const only = new Set((values.only ?? SCENARIOS.join(',')).split(',').map((x) => x.trim()).filter(Boolean));
  for (const name of only) if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`--only: unknown scenario "${name}" (${SCENARIOS.join(', ')})`);
  return {
    quick,
    cases: positive(values.cases, quick ? 100 : 2000, 'cases'),
    reads: positive(values.reads, quick ? 500 : 10_000, 'reads'),
    scale: (values.scale ?? (quick ? '500,2000' : '10000,100000')).split(',').map((raw) => positive(raw.trim(), 0, 'scale')),
    only,
    out: path.resolve(values.out ?? path.join(__dirname, 'results')),
  };
}

export const USAGE = `npm run bench -- [--quick] [--cases N] [--reads N] [--only ${SCENARIOS.join(',')}] [--out dir]

  --quick   small sizes everywhere: a smoke run in under two minutes
  --cases   open cases for the escalation and memory figures (default 2000; quick 100)
  --reads   case projections stored for the read figures (default 10000; quick 500)
  --scale   stored cases at each step of the scale run, comma-separated
            (default 10000,100000; quick 500,2000): reads, API memory and
            start-up with each read store
  --only    run some scenarios (comma-separated)
  --out     where the Markdown and JSON go (default bench/results)

Uses TEMPORAL_ADDRESS / MONGODB_URI when set; otherwise starts the embedded
servers on a temporary data directory and removes it afterwards.`;

export interface BenchResult {
  kind: 'quick' | 'full';
  machine: MachineInfo;
  options: { cases: number; reads: number; scale: number[]; only: string[]; apiTimeScale: number };
  sizes: Sizes;
  durationSeconds?: number;
  memoryIdle?: s.MemoryRow;
  escalation?: s.EscalationResult;
  intake?: s.IntakeRow[];
  actions?: s.ActionRow[];
  lifecycle?: s.LifecycleResult;
  memoryAfter?: s.MemoryRow;
  reads?: { stored: number; rows: s.ReadRow[] };
  scale?: ScaleRow[];
  failures: { scenario: string; error: string }[];
}

function stamp(date: Date): string {
  return date.toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
}

export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const began = Date.now();
  const progress = (line: string): void => {
    const t = ((Date.now() - began) / 1000).toFixed(0).padStart(4);
    process.stderr.write(`[${t} s] ${line}\n`);
  };
  const config = loadConfig();
  const binary = (name: string) => (fs.existsSync(path.join(config.binDir, name)) ? path.join(config.binDir, name) : name);
  const machine = machineInfo(config.temporalAddress ? undefined : binary('temporal'), config.mongodbUri ? undefined : binary('ferretdb'));
  progress(`${machine.cpus} cores, ${machine.memoryGiB} GiB, Node ${machine.node}; load average ${machine.loadAverageAtStart.join(' ')}`);
  const sizes = sizesFor(options);
  const result: BenchResult = {
    kind: options.quick ? 'quick' : 'full',
    machine,
    options: { cases: options.cases, reads: options.reads, scale: options.scale, only: [...options.only], apiTimeScale: API_TIME_SCALE },
    sizes,
    failures: [],
  };
  const stack = await s.startStackFor(progress);
  // Ctrl-C or a timeout: stop the servers and children this run started before leaving.
  const onSignal = (signal: NodeJS.Signals): void => {
    progress(`${signal}: stopping the servers`);
    void stack.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const ctx: s.Ctx = { stack, http: new HttpClient(stack.apiUrl), tokens: new Tokens(stack.secret), progress };
  const attempt = async (scenario: string, fn: () => Promise<void>): Promise<void> => {
    if (!options.only.has(scenario)) return;
    try {
      await fn();
    } catch (error) {
      progress(`${scenario} failed: ${(error as Error).stack ?? String(error)}`);
      result.failures.push({ scenario, error: (error as Error).message });
    }
  };
  try {
    result.memoryIdle = await s.memory(ctx, 'idle, after start-up');
    await attempt('intake', async () => {
      result.intake = await s.intake(ctx, sizes.intake, sizes.intakeRounds);
    });
    await attempt('actions', async () => {
      result.actions = await s.actions(ctx, sizes.actions);
    });
    await attempt('lifecycle', async () => {
      result.lifecycle = await s.lifecycle(ctx, sizes.lifecycle.cases, sizes.lifecycle.concurrency);
    });
    result.memoryAfter = await s.memory(ctx, 'after intake, actions and lifecycle');
    // Last of the worker's scenarios: escalations still due when the bench stops
    // watching would otherwise slow everything measured after them.
    await attempt('escalation', async () => {
      result.escalation = await s.escalation(ctx, sizes.escalation, sizes.escalationLeadSeconds * 1000);
    });
    await attempt('reads', async () => {
      const ids = await s.seedProjections(ctx, sizes.reads.stored, await s.templateCase(ctx));
      result.reads = { stored: await stack.db.models.Case.estimatedDocumentCount(), rows: await s.reads(ctx, ids, sizes.reads.ops, sizes.reads.concurrencies, sizes.reads.budgetSeconds * 1000) };
    });
    // Last: it stores up to the largest size, which every later figure would meet.
    await attempt('scale', async () => {
      result.scale = await scale(ctx, await s.templateCase(ctx), sizes.scale.stored, sizes.scale.ops, sizes.scale.budgetSeconds * 1000);
    });
  } finally {
    ctx.http.close();
    progress('stopping the servers');
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await stack.stop();
  }
  result.machine.loadAverageAtEnd = loadAverage();
  result.durationSeconds = Math.round((Date.now() - began) / 1000);
  fs.mkdirSync(options.out, { recursive: true });
  const base = path.join(options.out, `${stamp(new Date(began))}-${result.kind}`);
  fs.writeFileSync(`${base}.json`, `${JSON.stringify({ ...result, targets: evaluateTargets(result) }, null, 2)}\n`);
  fs.writeFileSync(`${base}.md`, renderMarkdown(result));
  progress(`done in ${result.durationSeconds} s: ${base}.md and .json`);
  return result;
}

if (require.main === module) {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error((error as Error).message);
    console.error(USAGE);
    process.exit(2);
  }
  runBench(options)
    .then((result) => {
      console.log(renderMarkdown(result));
      process.exit(result.failures.length > 0 ? 1 : 0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
