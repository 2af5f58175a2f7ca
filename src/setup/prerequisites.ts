import type { ServerBinary } from '../services/binaries';

/**
 * What `npm start` and `npm test` need from the machine, and what fixes each
 * missing piece. Pure decisions over facts gathered elsewhere (machine.ts), so
 * that every case (fresh Debian as root, a user with sudo, a machine without
 * apt-get) is decided the same way by `onedoor setup` and by the test run.
 */

export const MINIMUM_NODE = '20.19';
/** The oldest Go that builds both servers (it fetches the newer release a module names by itself). */
export const MINIMUM_GO = '1.24';
import { DEFAULT_CHROMIUM_PATH } from '../config';

export { DEFAULT_CHROMIUM_PATH };
export const CHROMIUM_PACKAGE = 'chromium';
/** The UI is in Chinese: without a CJK font the browser draws boxes in every screenshot. */
export const CJK_FONTS_PACKAGE = 'fonts-noto-cjk';
export const GO_PACKAGE = 'golang-go';

export const SETUP_COMMAND = 'npx onedoor setup';

/** Everything about the machine the decisions depend on. */
export interface MachineFacts {
  nodeVersion: string;
  /** The version `go version` reports, or undefined when there is no Go. */
  goVersion: string | undefined;
  /** Where each server binary was found, or undefined when it is nowhere. */
  serverBinaries: Record<ServerBinary, string | undefined>;
  chromiumPath: string;
  chromiumFound: boolean;
  cjkFontsFound: boolean;
  hasAptGet: boolean;
  /** The golang-go version apt-get would install, or undefined when it does not know one. */
  aptGoVersion: string | undefined;
  /** How this process can run apt-get: directly, through sudo, or not at all. */
  privilege: 'root' | 'sudo' | 'none';
}

/** Which prerequisites count: the test run needs the browser only for test/e2e, and no server it is given an address for. */
export interface Needs {
  servers: readonly ServerBinary[];
  browser: boolean;
}

export const EVERYTHING: Needs = { servers: ['temporal', 'ferretdb'], browser: true };

export type Fix =
  /** A Debian package that apt-get installs. */
  | { kind: 'apt'; package: string }
  /** A server binary that `onedoor install` (and every command that starts the server) builds with Go. */
  | { kind: 'build'; binary: ServerBinary }
  /** Something only the person can do; the instruction says what. */
  | { kind: 'manual'; instruction: string };

export type PrerequisiteId = 'node' | 'go' | ServerBinary | 'chromium' | 'cjk-fonts';

export interface Check {
  id: PrerequisiteId;
  label: string;
  ok: boolean;
  /** What was found, or what is missing and why it matters. */
  detail: string;
  fix?: Fix;
}

export interface SetupPlan {
  checks: Check[];
  /** Packages for apt-get, in the order of the checks that need them. */
  aptPackages: string[];
  /** The apt-get commands that install them, with sudo when this process is not root; undefined when there is nothing to install. */
  aptCommands: AptCommands | undefined;
  /** True when this process can run aptCommands itself. */
  canInstallPackages: boolean;
  binariesToBuild: ServerBinary[];
  manualInstructions: string[];
}

const SERVER_LABELS: Record<ServerBinary, string> = { temporal: 'Temporal CLI', ferretdb: 'FerretDB' };

/** "the Temporal CLI and FerretDB", for sentences. */
function serversInWords(names: readonly ServerBinary[]): string {
  return names.map((name) => (name === 'temporal' ? `the ${SERVER_LABELS[name]}` : SERVER_LABELS[name])).join(' and ');
}

/** "v20.19.1", "go1.26.8", "2:1.19~1" → [20, 19, 1], [1, 26, 8], [1, 19]; undefined when there is no version in it. */
export function parseVersion(text: string): number[] | undefined {
  const match = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text.replace(/^\d+:/, ''));
  if (!match) return undefined;
  return match.slice(1).filter((part): part is string => part !== undefined).map(Number);
}

export function isAtLeast(version: string, minimum: string): boolean {
  const have = parseVersion(version);
  const need = parseVersion(minimum);
  if (!have || !need) return false;
  for (let i = 0; i < Math.max(have.length, need.length); i++) {
    const a = have[i] ?? 0;
    const b = need[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

/** The version out of `go version` ("go version go1.26.8 linux/amd64" → "1.26.8"). */
export function goVersionFrom(output: string): string | undefined {
  return /\bgo(\d+\.\d+(?:\.\d+)?)/.exec(output)?.[1];
}

/** The candidate out of `apt-cache policy golang-go` ("Candidate: 2:1.19~1" → "1.19"); undefined for "(none)". */
export function aptCandidateFrom(output: string): string | undefined {
  const candidate = /^\s*Candidate:\s*(\S+)/m.exec(output)?.[1];
  if (!candidate || candidate === '(none)') return undefined;
  const version = parseVersion(candidate);
  return version ? version.join('.') : undefined;
}

/** Whether `dpkg -s <package>` output says the package is installed (not merely remembered). */
export function dpkgSaysInstalled(output: string): boolean {
  return /^Status:\s*install ok installed\s*$/m.test(output);
}

/** Whether `fc-list` output lists a Noto CJK font (from fonts-noto-cjk, or from any other packaging of it). */
export function fcListHasNotoCjk(output: string): boolean {
  return /Noto (Sans|Serif)[^:\n]*CJK/i.test(output);
}

function checkNode(facts: MachineFacts): Check {
  const about = { id: 'node', label: 'Node.js' } as const;
  if (isAtLeast(facts.nodeVersion, MINIMUM_NODE)) return { ...about, ok: true, detail: `${facts.nodeVersion} (${MINIMUM_NODE} or later)` };
  return {
    ...about,
    ok: false,
    detail: `${facts.nodeVersion} is older than ${MINIMUM_NODE}`,
    fix: { kind: 'manual', instruction: `Install Node.js ${MINIMUM_NODE} or later (https://nodejs.org/en/download), then run "npm install" again.` },
  };
}

function checkGo(facts: MachineFacts, missingServers: ServerBinary[]): Check {
  const about = { id: 'go', label: 'Go' } as const;
  if (facts.goVersion !== undefined && isAtLeast(facts.goVersion, MINIMUM_GO)) return { ...about, ok: true, detail: `${facts.goVersion} (builds the servers)` };
  if (missingServers.length === 0) return { ...about, ok: true, detail: `${facts.goVersion ?? 'not installed'}; not needed, the servers are already built` };
  const found = facts.goVersion === undefined ? 'not installed' : `${facts.goVersion} is older than ${MINIMUM_GO}`;
  const detail = `${found}; needed to build ${serversInWords(missingServers)}`;
  if (facts.hasAptGet && facts.aptGoVersion !== undefined && isAtLeast(facts.aptGoVersion, MINIMUM_GO)) {
    return { ...about, ok: false, detail, fix: { kind: 'apt', package: GO_PACKAGE } };
  }
  const instruction =
    `Install Go ${MINIMUM_GO} or later from https://go.dev/dl (put its bin directory on PATH), then run "${SETUP_COMMAND}" again. ` +
    `Or give onedoor existing servers: TEMPORAL_ADDRESS and MONGODB_URI.`;
  return { ...about, ok: false, detail, fix: { kind: 'manual', instruction } };
}

function checkServer(name: ServerBinary, facts: MachineFacts): Check {
  const about = { id: name, label: SERVER_LABELS[name] };
  const found = facts.serverBinaries[name];
  if (found) return { ...about, ok: true, detail: found };
  return { ...about, ok: false, detail: 'not built yet', fix: { kind: 'build', binary: name } };
}

function checkChromium(facts: MachineFacts): Check {
  const about = { id: 'chromium', label: 'Chromium' } as const;
  if (facts.chromiumFound) return { ...about, ok: true, detail: facts.chromiumPath };
  if (facts.chromiumPath !== DEFAULT_CHROMIUM_PATH) {
    const instruction = `Point CHROMIUM_PATH at a Chromium executable, or unset it to use ${DEFAULT_CHROMIUM_PATH} (which "${SETUP_COMMAND}" installs).`;
    return { ...about, ok: false, detail: `CHROMIUM_PATH is ${facts.chromiumPath}, which is not an executable`, fix: { kind: 'manual', instruction } };
  }
  const detail = `nothing executable at ${facts.chromiumPath}; the browser tests drive it`;
  if (facts.hasAptGet) return { ...about, ok: false, detail, fix: { kind: 'apt', package: CHROMIUM_PACKAGE } };
  const instruction = `Install Chromium with your system's package manager and set CHROMIUM_PATH to its executable.`;
  return { ...about, ok: false, detail, fix: { kind: 'manual', instruction } };
}

function checkCjkFonts(facts: MachineFacts): Check {
  const about = { id: 'cjk-fonts', label: 'CJK fonts' } as const;
  if (facts.cjkFontsFound) return { ...about, ok: true, detail: 'Noto CJK' };
  const detail = `no Noto CJK font (${CJK_FONTS_PACKAGE}); the browser tests render the Chinese UI with it`;
  if (facts.hasAptGet) return { ...about, ok: false, detail, fix: { kind: 'apt', package: CJK_FONTS_PACKAGE } };
  const instruction = `Install the Noto CJK fonts (Noto Sans CJK) with your system's package manager.`;
  return { ...about, ok: false, detail, fix: { kind: 'manual', instruction } };
}

/** An update first, since a fresh machine may have no package lists yet, then one install of everything. */
export interface AptCommands {
  update: string[];
  install: string[];
}

export function aptCommandsFor(packages: readonly string[], privilege: MachineFacts['privilege']): AptCommands | undefined {
  if (packages.length === 0) return undefined;
  const prefix = privilege === 'root' ? [] : ['sudo'];
  return {
    update: [...prefix, 'apt-get', 'update'],
    install: [...prefix, 'apt-get', 'install', '-y', '--no-install-recommends', ...packages],
  };
}

export function planSetup(facts: MachineFacts, needs: Needs = EVERYTHING): SetupPlan {
  const missingServers = needs.servers.filter((name) => facts.serverBinaries[name] === undefined);
  const checks: Check[] = [checkNode(facts)];
  if (needs.servers.length > 0) checks.push(checkGo(facts, missingServers), ...needs.servers.map((name) => checkServer(name, facts)));
  if (needs.browser) checks.push(checkChromium(facts), checkCjkFonts(facts));

  const fixes = checks.flatMap((check) => (check.fix ? [check.fix] : []));
  const aptPackages = fixes.flatMap((fix) => (fix.kind === 'apt' ? [fix.package] : []));
  return {
    checks,
    aptPackages,
    aptCommands: aptCommandsFor(aptPackages, facts.privilege),
    canInstallPackages: facts.hasAptGet && facts.privilege !== 'none',
    binariesToBuild: fixes.flatMap((fix) => (fix.kind === 'build' ? [fix.binary] : [])),
    manualInstructions: fixes.flatMap((fix) => (fix.kind === 'manual' ? [fix.instruction] : [])),
  };
}

export function isReady(plan: SetupPlan): boolean {
  return plan.checks.every((check) => check.ok);
}

/** The commands as one line to paste into a shell. */
export function shellLine(commands: AptCommands): string {
  return `${commands.update.join(' ')} && ${commands.install.join(' ')}`;
}

/** One line per check, aligned, for `onedoor setup` to print. */
export function formatChecks(checks: readonly Check[]): string {
  const width = Math.max(...checks.map((check) => check.label.length));
  return checks.map((check) => `  ${check.ok ? 'ok     ' : 'missing'}  ${check.label.padEnd(width)}  ${check.detail}`).join('\n');
}

/** What the person runs to fix what is missing: the setup command, and the commands it cannot run itself. */
export function formatFixes(plan: SetupPlan): string {
  const lines: string[] = [];
  const setupDoes: string[] = [];
  if (plan.aptPackages.length > 0 && plan.canInstallPackages) setupDoes.push(`installs ${plan.aptPackages.join(' and ')} with apt-get`);
  if (plan.binariesToBuild.length > 0) {
    setupDoes.push(`builds ${serversInWords(plan.binariesToBuild)} with Go (a few minutes, once per machine)`);
  }
  if (setupDoes.length > 0) lines.push(`Run "${SETUP_COMMAND}": it ${setupDoes.join(', then ')}.`);
  if (plan.aptCommands) {
    lines.push(
      plan.canInstallPackages
        ? `Or install the packages yourself:`
        : `Install ${plan.aptPackages.join(' and ')} as root (sudo asks for your password):`,
      `  ${shellLine(plan.aptCommands)}`,
    );
  }
  lines.push(...plan.manualInstructions);
  return lines.join('\n');
}

/**
 * What stops a test run from starting, as one message, or undefined when
 * nothing does. A server binary that is only not built yet does not: the test
 * run builds it itself, as `npm start` does. Nor does a missing Go when only
 * the Temporal CLI needs building: the run then takes the Temporal SDK's
 * download of it (src/services/embedded.ts).
 */
export function testRunBlocker(plan: SetupPlan): string | undefined {
  const goIsNeeded = plan.binariesToBuild.includes('ferretdb');
  const blocking = plan.checks.filter((check) => !check.ok && check.fix?.kind !== 'build' && (check.id !== 'go' || goIsNeeded));
  if (blocking.length === 0) return undefined;
  const blockingPlan: SetupPlan = { ...plan, checks: blocking, binariesToBuild: [] };
  return [
    `The tests cannot run: this machine lacks what they need.`,
    ...blocking.map((check) => `  - ${check.label}: ${check.detail}`),
    formatFixes(blockingPlan),
    `Then run the tests again.`,
  ].join('\n');
}
