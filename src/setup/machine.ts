import { spawn, spawnSync } from 'node:child_process';
import { ensureBinary, findBinary, isExecutable, onPath, type ProgressSink } from '../services/binaries';
import { loadConfig } from '../config';
import {
  EVERYTHING,
  GO_PACKAGE,
  CJK_FONTS_PACKAGE,
  aptCandidateFrom,
  dpkgSaysInstalled,
  fcListHasNotoCjk,
  formatChecks,
  formatFixes,
  goVersionFrom,
  isReady,
  planSetup,
  testRunBlocker,
  type MachineFacts,
  type Needs,
  type SetupPlan,
} from './prerequisites';

/**
 * Looking at the machine and changing it: the facts prerequisites.ts decides
 * on, and the commands that carry out its plan.
 */

export function chromiumPath(): string {
  return loadConfig().chromiumPath;
}

/** Standard output of a quick command, or undefined when it is not there or fails. */
function outputOf(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 15_000 });
  if (result.error || result.status !== 0) return undefined;
  // Standard output only: Debian's chromium launcher also writes a shell warning to stderr.
  return result.stdout;
}

function cjkFontsInstalled(): boolean {
  const dpkg = outputOf('dpkg', ['-s', CJK_FONTS_PACKAGE]);
  if (dpkg !== undefined && dpkgSaysInstalled(dpkg)) return true;
  const fonts = outputOf('fc-list', [':lang=zh', 'family']);
  return fonts !== undefined && fcListHasNotoCjk(fonts);
}

function privilege(): MachineFacts['privilege'] {
  if (process.getuid?.() === 0) return 'root';
  if (!onPath('sudo')) return 'none';
  // Without a terminal sudo cannot ask for a password, so only a password-less sudo will do.
  if (process.stdin.isTTY) return 'sudo';
  return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0 ? 'sudo' : 'none';
}

export function gatherFacts(binDir: string, needs: Needs = EVERYTHING): MachineFacts {
  const hasAptGet = onPath('apt-get') !== undefined;
  const go = outputOf('go', ['version']);
  const chromium = chromiumPath();
  return {
    nodeVersion: process.versions.node,
    goVersion: go === undefined ? undefined : goVersionFrom(go),
    serverBinaries: {
      temporal: findBinary('temporal', binDir)?.path,
      ferretdb: findBinary('ferretdb', binDir)?.path,
    },
    chromiumPath: chromium,
    chromiumFound: needs.browser && isExecutable(chromium),
    cjkFontsFound: needs.browser && cjkFontsInstalled(),
    hasAptGet,
    aptGoVersion: hasAptGet ? aptCandidateFrom(outputOf('apt-cache', ['policy', GO_PACKAGE]) ?? '') : undefined,
    privilege: hasAptGet ? privilege() : 'none',
  };
}

/**
 * What stops a test run that needs `needs`, as one message naming the fix, or
 * undefined when nothing does.
 */
export function testRunBlockerOnThisMachine(binDir: string, needs: Needs): string | undefined {
  return testRunBlocker(planSetup(gatherFacts(binDir, needs), needs));
}

/** Runs one command with its output on stderr, as progress; rejects with the command line when it fails. */
function runShown(command: string[], progress: ProgressSink): Promise<void> {
  const [program, ...args] = command as [string, ...string[]];
  progress(`$ ${command.join(' ')}`);
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, {
      // No questions: CI has no stdin, and the packages installed need no answers.
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      stdio: ['ignore', 2, 2],
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`"${command.join(' ')}" exited with ${code}; its output is above.`))));
  });
}

export interface SetupOptions {
  binDir: string;
  /** Only check and report; change nothing. */
  checkOnly: boolean;
  /** What the report goes to (stdout). */
  report: (text: string) => void;
  /** Where command output and build progress go (stderr). */
  progress: ProgressSink;
}

/**
 * Checks every prerequisite and installs what it can: apt packages first (Go
 * may be one of them), then the server binaries, then checks again. Returns
 * the final plan; it is ready when everything is there.
 */
export async function runSetup(options: SetupOptions): Promise<SetupPlan> {
  const { binDir, report, progress } = options;
  let plan = planSetup(gatherFacts(binDir));
  report(`Checking what "npm start" and "npm test" need:\n${formatChecks(plan.checks)}`);
  if (options.checkOnly || isReady(plan)) return finish(plan, options);

  if (plan.aptCommands && plan.canInstallPackages) {
    report(`\nInstalling ${plan.aptPackages.join(' and ')} with apt-get:`);
    await runShown(plan.aptCommands.update, progress);
    // The fresh package lists may offer what the old ones did not (a newer golang-go).
    const afterUpdate = planSetup(gatherFacts(binDir));
    if (afterUpdate.aptCommands) await runShown(afterUpdate.aptCommands.install, progress);
    plan = planSetup(gatherFacts(binDir));
  }

  for (const name of plan.binariesToBuild) {
    if (!plan.checks.find((check) => check.id === 'go')?.ok) break;
    report(`\nBuilding ${name} with Go (a few minutes, once per machine):`);
    const built = await ensureBinary(name, binDir, progress);
    report(`${name}: ${built.path}`);
  }
  if (plan.binariesToBuild.length > 0) plan = planSetup(gatherFacts(binDir));

  report(`\nNow:\n${formatChecks(plan.checks)}`);
  return finish(plan, options);
}

function finish(plan: SetupPlan, options: SetupOptions): SetupPlan {
  if (isReady(plan)) {
    const chromium = outputOf(chromiumPath(), ['--version'])?.trim();
    if (chromium) options.report(`\n${chromium}`);
    options.report(`\nEverything is in place: "npm start" runs onedoor, "npm test" runs every test.`);
  } else {
    options.report(`\n${formatFixes(plan)}`);
  }
  return plan;
}
