import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from './config';
import { ensureBinary } from './services/binaries';
import { runSetup } from './setup/machine';
import { DEFAULT_CHROMIUM_PATH, MINIMUM_GO, MINIMUM_NODE, isReady } from './setup/prerequisites';
import { startServers, startStack, serverEnv } from './services/stack';
import { startMongo } from './services/embedded';
import { bundleWorkflows, configuredWorkflowBundle, createWorker, PREBUILT_BUNDLE_PATH, type RunningWorker } from './temporal/worker';
import { startApi } from './api/server';
import { formatPayloadKey, newPayloadKey, resolvePayloadKeys } from './temporal/payload-codec';
import { connectDatabase, ensureIndexes, type Database } from './db/connection';
import { seedDatabase } from './db/seed';
import { createOpen311Key, type Open311Key } from './db/open311-keys';
import { open311KeyNameSchema } from './api/open311/schemas';
import { parseTtl, resolveJwtSecret, signToken, validateClaims, type TokenClaims } from './auth/tokens';
import { setPassword } from './auth/accounts';
import { passwordProblem } from './auth/passwords';
import { reindexCases } from './db/reindex';
import { SEED_PEOPLE, type Role } from './domain';

/**
 * The `onedoor` command. Each subcommand is a function returning an exit
 * code; long-running ones resolve when they have been asked to stop.
 */
interface Command {
  summary: string;
  usage: string;
  run(args: string[], config: Config): Promise<number>;
}

const progress = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Resolves on the first SIGINT or SIGTERM. */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handler = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      resolve(signal);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}

function wantsHelp(args: string[]): boolean {
  return args.includes('--help') || args.includes('-h');
}

const COMMANDS: Record<string, Command> = {
  up: {
    summary: 'start everything: Temporal, the MongoDB-compatible server, the worker and the API',
    usage: `onedoor up

Starts, in one process tree, a Temporal dev server (with its Web UI) and
FerretDB with their data under ONEDOOR_DATA_DIR (default ./.data), the
worker and the HTTP API on PORT (default 3000). TEMPORAL_ADDRESS and
MONGODB_URI, when set, name existing servers to use instead.
Ctrl-C stops everything it started.`,
    async run(_args, config) {
      const started = Date.now();
      const stack = await startStack(config, progress);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const { temporal, mongo } = stack.servers;
      console.log(
        [
          `onedoor is up (${seconds} s)`,
          `  Web UI           ${stack.apiUrl}/   (development sign-in: ${stack.apiUrl}/dev)`,
          `  API              ${stack.apiUrl}/api/v1   (docs ${stack.apiUrl}/docs, health /healthz, readiness /readyz)`,
          `  Temporal         ${temporal.address}, namespace ${temporal.namespace}${temporal.embedded ? ' (embedded dev server)' : ''}`,
          `  Temporal Web UI  ${temporal.uiUrl ?? '(not known: set TEMPORAL_UI_URL)'}`,
          `  MongoDB          ${mongo.uri}${mongo.embedded ? ' (embedded FerretDB)' : ''}`,
          `  Data             ${config.dataDir}`,
          `  Logs             ${config.dataDir}/run/*.log`,
          `  Access token     npx onedoor token --role admin --centre zz`,
          `Press Ctrl-C to stop.`,
        ].join('\n'),
      );
      const crashed = Promise.race([stack.worker.whenExited(), stack.api.whenExited()]).then(() => 'crashed' as const);
      const reason = await Promise.race([untilSignal(), crashed]);
      if (reason === 'crashed') {
        const which = stack.worker.isRunning() ? stack.api : stack.worker;
        console.error(`${which.name} exited unexpectedly; stopping. Its log:\n${which.lastLogLines()}`);
      }
      console.log('Stopping onedoor...');
      await stack.stop();
      console.log('Stopped.');
      return reason === 'crashed' ? 1 : 0;
    },
  },

  servers: {
    summary: 'start only Temporal and the MongoDB-compatible server, and print their addresses',
    usage: `onedoor servers

Starts the embedded Temporal dev server and FerretDB (data under
ONEDOOR_DATA_DIR) and prints shell exports for TEMPORAL_ADDRESS and
MONGODB_URI, so "onedoor worker" and "onedoor api" can run separately.`,
    async run(_args, config) {
      const servers = await startServers(config, progress);
      const env = serverEnv(config, servers);
      console.log(`export TEMPORAL_ADDRESS=${env.TEMPORAL_ADDRESS}`);
      console.log(`export MONGODB_URI=${env.MONGODB_URI}`);
      if (servers.temporal.uiUrl) console.log(`# Temporal Web UI: ${servers.temporal.uiUrl}`);
      await untilSignal();
      await servers.stop();
      return 0;
    },
  },

  worker: {
    summary: 'run a worker: executes case workflows and their activities',
    usage: `onedoor worker

Needs TEMPORAL_ADDRESS and MONGODB_URI. Polls the task queue
(ONEDOOR_TASK_QUEUE, default onedoor-cases) until SIGINT/SIGTERM.`,
    async run(_args, config) {
      if (!config.temporalAddress || !config.mongodbUri) {
        console.error('onedoor worker needs TEMPORAL_ADDRESS and MONGODB_URI (or run "onedoor up", which starts everything)');
        return 2;
      }
      const worker = await createWorker({
        temporalAddress: config.temporalAddress,
        namespace: config.temporalNamespace,
        taskQueue: config.taskQueue,
        mongodbUri: config.mongodbUri,
        payloadKeys: resolvePayloadKeys(config),
        workflowBundle: configuredWorkflowBundle(config),
        maxCachedWorkflows: config.maxCachedWorkflows,
        logLevel: config.logLevel,
        delivery: config,
      });
      const running = worker.run();
      const health = config.workerHealthPort === undefined ? undefined : startWorkerHealth(worker, config.workerHealthPort);
      console.log(`worker polling ${config.taskQueue} on ${config.temporalAddress}`);
      await Promise.race([untilSignal(), running]);
      health?.close();
      await worker.shutdown();
      return 0;
    },
  },

  api: {
    summary: 'run the HTTP API',
    usage: `onedoor api

Needs TEMPORAL_ADDRESS and MONGODB_URI. Listens on PORT (default 3000)
until SIGINT/SIGTERM.`,
    async run(_args, config) {
      const api = await startApi(config);
      console.log(`API listening on ${api.url}`);
      await untilSignal();
      await api.close();
      return 0;
    },
  },

  seed: {
    summary: 'write the demo organisation (Zhangzhou centres, mediators, experts, residents) to MongoDB',
    usage: `onedoor seed

Writes the demo centres and people to the database named by MONGODB_URI, or
to the embedded one under ONEDOOR_DATA_DIR (started for the purpose).
Idempotent: running it twice leaves one copy of everything.`,
    async run(_args, config) {
      const mongo = await startMongo(config, progress);
      const uri = mongo.uri;
      const db = await connectDatabase(uri);
      try {
        await ensureIndexes(db.models);
        const result = await seedDatabase(db.models, { demoPasswords: !config.production });
        console.log(`Seeded ${result.centres} centres and ${result.people} people into ${uri}`);
      } finally {
        await db.close();
        await mongo.stop();
      }
      return 0;
    },
  },

  bundle: {
    summary: 'bundle the workflow code ahead of time (for container images)',
    usage: `onedoor bundle [--out <file>]

Writes the workflow bundle (default dist/workflow-bundle.js). A worker with
NODE_ENV=production, or ONEDOOR_WORKFLOW_BUNDLE pointing at a bundle, loads
it instead of bundling at start-up.`,
    async run(args) {
      const { values } = parseArgs({ args, options: { out: { type: 'string' } } });
      const out = path.resolve(values.out ?? PREBUILT_BUNDLE_PATH);
      const bundle = await bundleWorkflows();
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, bundle.code);
      console.log(`workflow bundle written to ${out} (${Math.round(bundle.code.length / 1024)} KiB)`);
      return 0;
    },
  },

  bench: {
    summary: 'run the benchmarks (bench/run.ts) and write their tables to bench/results',
    usage: `onedoor bench [--quick] [--cases N] [--reads N] [--only scenarios] [--out dir]

The same as "npm run bench": intake, actions, escalation precision, lifecycle,
memory and reads, each next to a ceiling measured on the same servers. See
docs/performance.md.`,
    async run(args) {
      // Loaded on demand: the bench pulls in the worker, bundler and load generator.
      const bench = require('../bench/run') as typeof import('../bench/run');
      let options: ReturnType<typeof bench.parseOptions>;
      try {
        options = bench.parseOptions(args);
      } catch (error) {
        console.error(`onedoor bench: ${(error as Error).message}`);
        return 2;
      }
      const result = await bench.runBench(options);
      console.log(bench.renderMarkdown(result));
      return result.failures.length > 0 ? 1 : 0;
    },
  },

  install: {
    summary: 'find or build the Temporal CLI and FerretDB binaries into the cache',
    usage: `onedoor install

Looks for "temporal" and "ferretdb" in the cache (ONEDOOR_BIN_DIR, default
~/.cache/onedoor/bin) and on PATH, and builds the missing ones with Go from
the Go module proxy, showing progress.`,
    async run(_args, config) {
      for (const name of ['temporal', 'ferretdb'] as const) {
        const found = await ensureBinary(name, config.binDir, progress);
        console.log(`${name}: ${found.path} (${found.source})`);
      }
      return 0;
    },
  },

  setup: {
    summary: 'check, and install where it can, everything "npm start" and "npm test" need',
    usage: `onedoor setup [--check]

Checks Node.js (${MINIMUM_NODE} or later), Go (${MINIMUM_GO} or later, to build the
servers), the Temporal CLI and FerretDB binaries, Chromium at
${DEFAULT_CHROMIUM_PATH} (or CHROMIUM_PATH) and the Noto CJK fonts; the last two
are for the browser tests.

Then it installs what is missing: chromium and fonts-noto-cjk (and golang-go
when Go is missing and the package lists offer a new enough one) with
"apt-get update" and "apt-get install -y --no-install-recommends", which needs
root or sudo (sudo may ask for your password; apt-get asks nothing, so as root
it runs unattended, as in CI), and the missing servers, built as
"onedoor install" does. What it cannot install it names, with the command
that installs it, and exits with 1.

  --check   only check and report; install nothing (exit 1 when something is missing)`,
    async run(args, config) {
      let values: { check?: boolean };
      try {
        ({ values } = parseArgs({ args, options: { check: { type: 'boolean' } }, strict: true, allowPositionals: false }));
      } catch (error) {
        console.error(`onedoor setup: ${(error as Error).message} (see "onedoor setup --help")`);
        return 2;
      }
      const plan = await runSetup({ binDir: config.binDir, checkOnly: values.check === true, report: (text) => console.log(text), progress });
      return isReady(plan) ? 0 : 1;
    },
  },

  'payload-key': {
    summary: 'print a new key for ONEDOOR_PAYLOAD_KEYS (one line on stdout)',
    usage: `onedoor payload-key

Prints a new id:base64key entry. Temporal histories of cases are encrypted
with the first key of ONEDOOR_PAYLOAD_KEYS; to rotate, put the new entry
first and keep the old ones (comma-separated) while any case encrypted with
them is open. A lost key makes those cases unreadable: keep keys as carefully
as the databases.`,
    async run() {
      console.log(formatPayloadKey(newPayloadKey()));
      return 0;
    },
  },

  'open311-key': {
    summary: 'issue a key to an Open311 client system (prints the key once) and store its hash',
    usage: `onedoor open311-key --name <system>

Issues a key for a system that files requests through Open311 (a
FixMyStreet-style client sends it as "api_key" with every POST to
/open311/v2/requests.json). The key is printed once, on stdout, and nothing
else is; the database named by MONGODB_URI (or the embedded one under
ONEDOOR_DATA_DIR) keeps only its SHA-256. Its id (fingerprint) goes to stderr:
the city's administrators revoke it with POST /api/v1/open311/keys/<id>/revoke.`,
    async run(args, config) {
      let values: { name?: string };
      try {
        ({ values } = parseArgs({ args, options: { name: { type: 'string' } }, strict: true, allowPositionals: false }));
      } catch (error) {
        console.error(`onedoor open311-key: ${(error as Error).message}`);
        return 2;
      }
      const name = open311KeyNameSchema.safeParse(values.name ?? '');
      if (!name.success) {
        console.error(`onedoor open311-key: --name (the client system's name): ${name.error.issues[0]?.message ?? 'not valid'}`);
        return 2;
      }
      const issued = await issueOpen311Key(config, name.data);
      process.stdout.write(`${issued.key}\n`);
      progress(`Open311 key ${issued.record.id} issued to "${issued.record.name}"; it is shown only now.`);
      return 0;
    },
  },

  token: {
    summary: 'print a bearer token for a person of the people collection (one line on stdout)',
    usage: `onedoor token --person <id> [--ttl 12h]

Prints a signed HS256 token for the person and nothing else on stdout. Every
request is checked against the people collection, so the token acts with the
person's role and centre as they are at that moment, and stops working when the
person is deactivated. The person is looked up in the database named by
MONGODB_URI; outside production, the demo organisation that \`up\` seeds is used
when no database is named. The secret is ONEDOOR_JWT_SECRET or, in development,
the one kept in ONEDOOR_DATA_DIR/jwt-secret, so the running API accepts the token.`,
    async run(args, config) {
      let values: { person?: string; ttl?: string };
      try {
        ({ values } = parseArgs({ args, options: { person: { type: 'string' }, ttl: { type: 'string' } }, strict: true, allowPositionals: false }));
      } catch (error) {
        console.error(`onedoor token: ${(error as Error).message}`);
        return 2;
      }
      if (values.person === undefined) {
        console.error('onedoor token: --person is required (a token names a person of the people collection)');
        return 2;
      }
      const person =
        (config.mongodbUri ? await lookUpPerson(config.mongodbUri, values.person) : null) ??
        (config.production ? null : (SEED_PEOPLE.find((p) => p.id === values.person) ?? null));
      if (!person) {
        console.error(`onedoor token: no person "${values.person}"${config.mongodbUri ? ' in the database' : config.production ? ' (set MONGODB_URI)' : ' in the demo organisation (set MONGODB_URI for another database)'}`);
        return 2;
      }
      const claims: TokenClaims = { sub: values.person, role: person.role as Role, centreId: person.centreId, ...(person.departmentId ? { departmentId: person.departmentId } : {}) };
      const problem = validateClaims(claims);
      if (problem) {
        console.error(`onedoor token: ${problem}`);
        return 2;
      }
      let ttl: number;
      try {
        ttl = parseTtl(values.ttl ?? '12h');
      } catch (error) {
        console.error(`onedoor token: ${(error as Error).message}`);
        return 2;
      }
      process.stdout.write(`${signToken(resolveJwtSecret(config), claims, ttl)}\n`);
      return 0;
    },
  },

  reindex: {
    summary: 'write every case\'s list entry again from the case (after an upgrade that adds fields to it)',
    usage: `onedoor reindex

Writes each case's entry in case_index again from its case document, in the database
named by MONGODB_URI or the embedded one under ONEDOOR_DATA_DIR. Run it once after
upgrading a deployment whose cases were filed by an older version: the queries read
store finds the cases a person may see by a field older entries lack. On MongoDB it
may run while the system runs, and again; an entry a newer transition wrote is left
as it is. On the embedded FerretDB, run it with onedoor stopped.`,
    async run(args, config) {
      if (args.length > 0) {
        console.error(`onedoor reindex: takes no arguments (got ${args.join(' ')})`);
        return 2;
      }
      return withDatabase('reindex', config, async (db) => {
        const result = await reindexCases(db.models, { progress: (done) => progress(`${done} cases…`) });
        progress(`Reindexed ${result.cases} cases (${result.rewritten} entries written).`);
        return 0;
      });
    },
  },

  password: {
    summary: 'set a person\'s sign-in password (read from standard input), e.g. the first administrator\'s',
    usage: `onedoor password --person <id> [--username <name>] < password-file

Reads the new password from standard input (its first line), hashes it with
argon2id and stores it for the person (username: --username, else the one the
person has, else the person id), in the database named by MONGODB_URI or the
embedded one under ONEDOOR_DATA_DIR. The person's open sessions end. Use it for
the first city administrator of a deployment; administrators manage the rest.`,
    async run(args, config) {
      let values: { person?: string; username?: string };
      try {
        ({ values } = parseArgs({ args, options: { person: { type: 'string' }, username: { type: 'string' } }, strict: true, allowPositionals: false }));
      } catch (error) {
        console.error(`onedoor password: ${(error as Error).message}`);
        return 2;
      }
      if (values.person === undefined) {
        console.error('onedoor password: --person is required');
        return 2;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      const password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
      const problem = passwordProblem(password);
      if (problem) {
        console.error(`onedoor password: ${problem.en}`);
        return 2;
      }
      const person = values.person;
      return withDatabase('password', config, async (db) => {
        const found = await db.models.Person.findById(person).lean();
        if (!found) {
          console.error(`onedoor password: no person "${person}"`);
          return 2;
        }
        const username = values.username ?? found.username ?? found._id;
        await setPassword(db.models, found._id, username, password);
        progress(`Password set for ${found._id} (username "${username}"); their open sessions have ended.`);
        return 0;
      });
    },
  },
};


/** Runs a command's work on the configured (or embedded) database, which it opens and closes; a failure is the command's message and exit code 2. */
async function withDatabase(command: string, config: Config, work: (db: Database) => Promise<number>): Promise<number> {
  const mongo = await startMongo(config, progress);
  const db = await connectDatabase(mongo.uri);
  try {
    return await work(db);
  } catch (error) {
    console.error(`onedoor ${command}: ${(error as Error).message}`);
    return 2;
  } finally {
    await db.close();
    await mongo.stop();
  }
}

/** A new Open311 client key, stored in the configured (or embedded) database. */
export async function issueOpen311Key(config: Config, name: string): Promise<{ key: string; record: Open311Key }> {
  const mongo = await startMongo(config, progress);
  try {
    const db = await connectDatabase(mongo.uri);
    try {
      await ensureIndexes(db.models);
      return await createOpen311Key(db.models, name, 'cli');
    } finally {
      await db.close();
    }
  } finally {
    await mongo.stop();
  }
}

/** Best effort: the person's role and centre, or null when the database does not answer quickly. */
async function lookUpPerson(uri: string, personId: string): Promise<{ role: string; centreId: string; departmentId?: string } | null> {
  try {
    const db = await connectDatabase(uri);
    try {
      const person = await db.models.Person.findById(personId, { role: 1, centreId: 1, departmentId: 1 }).lean();
      return person ? { role: person.role, centreId: person.centreId, ...(person.departmentId ? { departmentId: person.departmentId } : {}) } : null;
    } finally {
      await db.close();
    }
  } catch {
    return null;
  }
}

/**
 * With ONEDOOR_WORKER_HEALTH_PORT set, the worker answers GET /healthz with 200
 * while it polls, for container health checks and orchestrators.
 */
function startWorkerHealth(worker: RunningWorker, port: number): http.Server {
  return http
    .createServer((req, res) => {
      const state = worker.worker.getState();
      const ok = req.url === '/healthz' && state === 'RUNNING';
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ state }));
    })
    .listen(port, '0.0.0.0');
}

function printHelp(): void {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  console.log('Usage: onedoor <command> [options]\n\nCommands:');
  for (const [name, command] of Object.entries(COMMANDS)) console.log(`  ${name.padEnd(width)}  ${command.summary}`);
  console.log('\nRun "onedoor <command> --help" for more.');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    printHelp();
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`Unknown command "${name}".`);
    printHelp();
    return 2;
  }
  if (wantsHelp(rest)) {
    console.log(command.usage);
    return 0;
  }
  return command.run(rest, loadConfig());
}

