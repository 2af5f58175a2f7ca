import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Finding (or building) the two real servers onedoor runs on: the official
 * Temporal CLI (for its dev server) and FerretDB. Both are Go programs built
 * from the Go module proxy into a cache outside the checkout, so every clone on
 * the machine reuses them.
 */

export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli/cmd/temporal';
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
export const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
export const FERRETDB_VERSION = 'v1.24.2';

// The Go releases each module's go.mod names; tried when the machine's Go fails.
const TEMPORAL_GO_TOOLCHAIN = 'go1.25.0';
const FERRETDB_GO_TOOLCHAIN = 'go1.24.3';

// Rough package counts of each build (from `go list -deps`), for a progress figure.
const EXPECTED_PACKAGES = { temporal: 1300, ferretdb: 570 } as const;

export type ServerBinary = 'temporal' | 'ferretdb';

/**
 * The file name each binary is cached under. FerretDB's carries the version and
 * the revision of our build recipe (see buildFerretDb), so a cache filled by an
 * older recipe is rebuilt instead of reused.
 */
const CACHED_FILE_NAMES: Record<ServerBinary, string> = {
  temporal: 'temporal',
  ferretdb: `ferretdb-${FERRETDB_VERSION}-onedoor.2`,
};

export interface BinaryLocation {
  path: string;
  source: 'path' | 'cache' | 'built';
}

export type ProgressSink = (line: string) => void;

/** Searches PATH as a shell would: the system's variable, not a setting of onedoor's (src/config.ts). */
export function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function hasGo(): boolean {
  return spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0;
}

/** Where a binary is, without building anything. */
export function findBinary(name: ServerBinary, binDir: string): BinaryLocation | undefined {
  const cached = path.join(binDir, CACHED_FILE_NAMES[name]);
  if (isExecutable(cached)) return { path: cached, source: 'cache' };
  const found = onPath(name);
  if (found) return { path: found, source: 'path' };
  return undefined;
}

export class GoMissingError extends Error {
  constructor(name: ServerBinary) {
    super(
      `Cannot find "${name}" and cannot build it: the Go toolchain is not installed.\n` +
        `Install Go 1.24 or later (Debian/Ubuntu: "apt-get install golang-go", or a release from go.dev/dl),\n` +
        `then run the command again; onedoor builds ${name} into its cache by itself.` +
        (name === 'ferretdb'
          ? `\nAlternatively set MONGODB_URI to an existing MongoDB server.`
          : `\nAlternatively set TEMPORAL_ADDRESS to an existing Temporal server.`),
    );
  }
}

/** Finds a binary, building it into the cache when it is nowhere to be found. */
export async function ensureBinary(
  name: ServerBinary,
  binDir: string,
  progress: ProgressSink,
): Promise<BinaryLocation> {
  const found = findBinary(name, binDir);
  if (found) return found;
  if (!hasGo()) throw new GoMissingError(name);
  fs.mkdirSync(binDir, { recursive: true });
  return withBuildLock(binDir, name, async () => {
    // Another process may have finished the same build while we waited for the lock.
    const builtMeanwhile = findBinary(name, binDir);
    if (builtMeanwhile) return builtMeanwhile;
    const target = path.join(binDir, CACHED_FILE_NAMES[name]);
    if (name === 'temporal') await buildTemporal(target, progress);
    else await buildFerretDb(target, progress);
    return { path: target, source: 'built' as const };
  });
}

async function buildTemporal(target: string, progress: ProgressSink): Promise<void> {
  const spec = `${TEMPORAL_CLI_MODULE}@${TEMPORAL_CLI_VERSION}`;
  const gobin = fs.mkdtempSync(path.join(path.dirname(target), '.build-temporal-'));
  try {
    await runGoWithToolchainFallback(
      ['install', '-v', spec],
      { cwd: gobin, env: { GOBIN: gobin } },
      TEMPORAL_GO_TOOLCHAIN,
      'temporal',
      progress,
    );
    fs.renameSync(path.join(gobin, 'temporal'), target);
  } finally {
    fs.rmSync(gobin, { recursive: true, force: true });
  }
}

/**
 * FerretDB's module leaves out the generated build/version/version.txt, and a
 * binary built by plain `go install` panics at start asking for it. We build
 * cmd/ferretdb from a vendored copy of the module with that one file written,
 * as FerretDB's own message instructs, and with one line of its SQLite backend
 * corrected (ID_LOOKUP_FIX below).
 */
async function buildFerretDb(target: string, progress: ProgressSink): Promise<void> {
  const workDir = path.join(path.dirname(target), '..', 'build', 'ferretdb');
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  const pkg = `${FERRETDB_MODULE}/cmd/ferretdb`;
  const steps: string[][] = [
    ['mod', 'init', 'onedoor.local/ferretdb-build'],
    ['get', '-tool', `${pkg}@${FERRETDB_VERSION}`],
    ['mod', 'vendor'],
  ];
  for (const args of steps) {
    await runGoWithToolchainFallback(args, { cwd: workDir, env: {} }, FERRETDB_GO_TOOLCHAIN, 'ferretdb', progress);
  }
  const versionFile = path.join(workDir, 'vendor', ...FERRETDB_MODULE.split('/'), 'build', 'version', 'version.txt');
  fs.writeFileSync(versionFile, `${FERRETDB_VERSION}\n`);
  applyIdLookupFix(path.join(workDir, 'vendor', ...FERRETDB_MODULE.split('/')));
  const tmpTarget = `${target}.tmp-${process.pid}`;
  await runGoWithToolchainFallback(
    ['build', '-mod=vendor', '-v', '-o', tmpTarget, pkg],
    { cwd: workDir, env: {} },
    FERRETDB_GO_TOOLCHAIN,
    'ferretdb',
    progress,
  );
  fs.renameSync(tmpTarget, target);
  fs.rmSync(workDir, { recursive: true, force: true });
}

/**
 * FerretDB v1.24.2's SQLite backend looks documents up by `_id` (find, update,
 * delete by `{ _id: x }`) with `_ferretdb_sjson->'$._id' = ?`, but creates the
 * unique `_id` index on `_ferretdb_sjson->"_id"`. SQLite uses an expression
 * index only for the expression written the same way, so as released every
 * `_id` lookup is a full scan decoding every row's JSON, and onedoor's hot reads
 * and writes are all by `_id` (docs/performance-log.md, change 8). Writing the
 * lookup as the index is written makes it an index search; both expressions
 * select the same value, so results do not change.
 */
export const ID_LOOKUP_FIX = {
  file: ['internal', 'backends', 'sqlite', 'metadata', 'metadata.go'],
  from: `IDColumn = DefaultColumn + "->'$._id'"`,
  to: `IDColumn = DefaultColumn + \`->"_id"\``,
} as const;

function applyIdLookupFix(moduleDir: string): void {
  const file = path.join(moduleDir, ...ID_LOOKUP_FIX.file);
  const source = fs.readFileSync(file, 'utf8');
  if (!source.includes(ID_LOOKUP_FIX.from)) {
    throw new Error(`FerretDB ${FERRETDB_VERSION}: ${file} no longer has the line the _id lookup fix replaces`);
  }
  fs.writeFileSync(file, source.replace(ID_LOOKUP_FIX.from, ID_LOOKUP_FIX.to));
}

interface GoRunOptions {
  cwd: string;
  env: Record<string, string>;
}

async function runGoWithToolchainFallback(
  args: string[],
  options: GoRunOptions,
  toolchain: string,
  name: ServerBinary,
  progress: ProgressSink,
): Promise<void> {
  try {
    await runGo(args, options, name, progress);
  } catch (firstError) {
    // GOTOOLCHAIN is Go's own variable and reaches go with the rest of the
    // environment: when the user has chosen a toolchain, keep to their choice.
    if (process.env.GOTOOLCHAIN) throw firstError;
    progress(`[${name}] go ${args[0]} failed with the machine's Go; retrying with GOTOOLCHAIN=${toolchain}`);
    await runGo(args, { ...options, env: { ...options.env, GOTOOLCHAIN: toolchain } }, name, progress);
  }
}

/** Runs one go command, turning its -v output into a progress line every few seconds. */
function runGo(args: string[], options: GoRunOptions, name: ServerBinary, progress: ProgressSink): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let downloads = 0;
    let compiled = 0;
    const tail: string[] = [];
    progress(`[${name}] go ${args.join(' ')}`);
    const child = spawn('go', args, {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onLine = (line: string): void => {
      if (!line.trim()) return;
      if (line.startsWith('go: downloading')) downloads += 1;
      else if (!line.startsWith('go:')) compiled += 1;
      tail.push(line);
      if (tail.length > 30) tail.shift();
    };
    let buffer = '';
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      lines.forEach(onLine);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const report = (): void => {
      const seconds = Math.round((Date.now() - started) / 1000);
      const expected = EXPECTED_PACKAGES[name];
      const percent = Math.min(99, Math.round((compiled / expected) * 100));
      progress(
        `[${name}] ${seconds}s: ${downloads} modules downloaded, ${compiled} packages compiled` +
          (args[0] === 'install' || args[0] === 'build' ? ` (~${percent}% of ~${expected})` : ''),
      );
    };
    const timer = setInterval(report, 5000);
    child.on('error', (error) => {
      clearInterval(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearInterval(timer);
      if (code === 0) {
        report();
        resolve();
      } else {
        reject(new Error(`go ${args.join(' ')} exited with ${code}:\n${tail.join('\n')}`));
      }
    });
  });
}

/** One build per binary at a time across processes (npm test and npm start may race on a fresh machine). */
async function withBuildLock<T>(binDir: string, name: string, work: () => Promise<T>): Promise<T> {
  const lock = path.join(binDir, `.${name}.lock`);
  const deadline = Date.now() + 30 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      if (lockIsStale(lock)) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for another build of ${name} (${lock})`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await work();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function lockIsStale(lock: string): boolean {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
  } catch {
    // The owner may be between mkdir and writing its pid: only an old lock without a pid is stale.
    try {
      return Date.now() - fs.statSync(lock).mtimeMs > 10_000;
    } catch {
      return true;
    }
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}
