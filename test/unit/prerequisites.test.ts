import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CHROMIUM_PACKAGE,
  CJK_FONTS_PACKAGE,
  DEFAULT_CHROMIUM_PATH,
  aptCandidateFrom,
  dpkgSaysInstalled,
  fcListHasNotoCjk,
  formatFixes,
  goVersionFrom,
  isAtLeast,
  isReady,
  planSetup,
  testRunBlocker,
  type MachineFacts,
} from '../../src/setup/prerequisites';

/** A machine with everything in place, as root on Debian; each test takes something away. */
function machine(overrides: Partial<MachineFacts> = {}): MachineFacts {
  return {
    nodeVersion: '20.19.0',
    goVersion: '1.24.3',
    serverBinaries: { temporal: '/cache/temporal', ferretdb: '/cache/ferretdb' },
    chromiumPath: DEFAULT_CHROMIUM_PATH,
    chromiumFound: true,
    cjkFontsFound: true,
    hasAptGet: true,
    aptGoVersion: '1.19',
    privilege: 'root',
    ...overrides,
  };
}

const FRESH_DEBIAN_AS_ROOT = machine({ chromiumFound: false, cjkFontsFound: false, serverBinaries: { temporal: undefined, ferretdb: undefined } });

const check = (facts: MachineFacts, label: string) => planSetup(facts).checks.find((c) => c.label === label);

describe('planSetup', () => {
  it('finds nothing to do on a machine that has everything', () => {
    const plan = planSetup(machine());
    expect(isReady(plan)).toBe(true);
    expect(plan.aptCommands).toBeUndefined();
    expect(plan.binariesToBuild).toEqual([]);
    expect(testRunBlocker(plan)).toBeUndefined();
  });

  it('installs Chromium and the CJK fonts with one apt-get update and one install on a fresh Debian machine as root', () => {
    const plan = planSetup(FRESH_DEBIAN_AS_ROOT);
    expect(plan.aptPackages).toEqual([CHROMIUM_PACKAGE, CJK_FONTS_PACKAGE]);
    expect(plan.canInstallPackages).toBe(true);
    expect(plan.aptCommands).toEqual({
      update: ['apt-get', 'update'],
      install: ['apt-get', 'install', '-y', '--no-install-recommends', 'chromium', 'fonts-noto-cjk'],
    });
    expect(plan.binariesToBuild).toEqual(['temporal', 'ferretdb']);
  });

  it('runs apt-get through sudo for a user who has it', () => {
    const plan = planSetup(machine({ chromiumFound: false, privilege: 'sudo' }));
    expect(plan.canInstallPackages).toBe(true);
    expect(plan.aptCommands).toEqual({
      update: ['sudo', 'apt-get', 'update'],
      install: ['sudo', 'apt-get', 'install', '-y', '--no-install-recommends', 'chromium'],
    });
  });

  it('cannot install without root or sudo, and prints the command instead', () => {
    const plan = planSetup(machine({ cjkFontsFound: false, privilege: 'none' }));
    expect(plan.canInstallPackages).toBe(false);
    const fixes = formatFixes(plan);
    expect(fixes).toContain('sudo apt-get update && sudo apt-get install -y --no-install-recommends fonts-noto-cjk');
    expect(fixes).not.toContain('npx onedoor setup');
  });

  it('asks for the system package manager where there is no apt-get', () => {
    const plan = planSetup(machine({ chromiumFound: false, cjkFontsFound: false, hasAptGet: false, privilege: 'none' }));
    expect(plan.aptCommands).toBeUndefined();
    expect(plan.manualInstructions).toHaveLength(2);
    expect(plan.manualInstructions[0]).toContain('CHROMIUM_PATH');
  });

  it('does not install Chromium over a CHROMIUM_PATH that points elsewhere', () => {
    const plan = planSetup(machine({ chromiumPath: '/opt/chrome/chrome', chromiumFound: false }));
    expect(plan.aptPackages).toEqual([]);
    expect(plan.manualInstructions.join('\n')).toContain('/usr/bin/chromium');
    expect(check(machine({ chromiumPath: '/opt/chrome/chrome', chromiumFound: false }), 'Chromium')?.detail).toContain('/opt/chrome/chrome');
  });

  it('leaves the browser out when it is not needed', () => {
    const plan = planSetup(machine({ chromiumFound: false, cjkFontsFound: false }), { servers: ['temporal', 'ferretdb'], browser: false });
    expect(isReady(plan)).toBe(true);
    expect(plan.checks.map((c) => c.label)).not.toContain('Chromium');
  });

  it('needs no Go once the servers are built', () => {
    const facts = machine({ goVersion: undefined });
    expect(check(facts, 'Go')?.ok).toBe(true);
    expect(isReady(planSetup(facts))).toBe(true);
  });

  it('needs Go only for a server it has to build', () => {
    const needsOnlyFerretDb = { servers: ['ferretdb'] as const, browser: false };
    const facts = machine({ goVersion: undefined, serverBinaries: { temporal: undefined, ferretdb: '/cache/ferretdb' } });
    expect(isReady(planSetup(facts, needsOnlyFerretDb))).toBe(true);
    expect(isReady(planSetup(facts))).toBe(false);
  });

  it('builds a missing server with Go, and the test run does that itself', () => {
    const plan = planSetup(machine({ serverBinaries: { temporal: '/cache/temporal', ferretdb: undefined } }));
    expect(plan.binariesToBuild).toEqual(['ferretdb']);
    expect(isReady(plan)).toBe(false);
    expect(testRunBlocker(plan)).toBeUndefined();
  });

  it('lets a test run without Go start when only the Temporal CLI is missing (the SDK downloads it), not when FerretDB is', () => {
    const onlyTemporalMissing = machine({ goVersion: undefined, serverBinaries: { temporal: undefined, ferretdb: '/cache/ferretdb' } });
    expect(testRunBlocker(planSetup(onlyTemporalMissing))).toBeUndefined();
    const ferretDbMissing = machine({ goVersion: undefined, serverBinaries: { temporal: '/cache/temporal', ferretdb: undefined } });
    expect(testRunBlocker(planSetup(ferretDbMissing))).toContain('Go: not installed; needed to build FerretDB');
  });

  it("installs golang-go only where the package lists offer Go 1.24 or later", () => {
    const noGo = { goVersion: undefined, serverBinaries: { temporal: undefined, ferretdb: undefined } };
    expect(planSetup(machine({ ...noGo, aptGoVersion: '1.24' })).aptPackages).toEqual(['golang-go']);
    const bookworm = planSetup(machine({ ...noGo, aptGoVersion: '1.19' }));
    expect(bookworm.aptPackages).toEqual([]);
    expect(bookworm.manualInstructions.join('\n')).toContain('https://go.dev/dl');
  });

  it('counts a Go older than 1.24 as missing when a server must be built', () => {
    const facts = machine({ goVersion: '1.22.1', serverBinaries: { temporal: '/cache/temporal', ferretdb: undefined } });
    const go = check(facts, 'Go');
    expect(go?.ok).toBe(false);
    expect(go?.detail).toContain('1.22.1 is older than 1.24');
    expect(testRunBlocker(planSetup(facts))).toContain('go.dev/dl');
  });

  it('asks for a newer Node.js below 20.19', () => {
    expect(check(machine({ nodeVersion: '20.18.3' }), 'Node.js')?.ok).toBe(false);
    expect(check(machine({ nodeVersion: '18.20.0' }), 'Node.js')?.fix).toMatchObject({ kind: 'manual' });
    expect(check(machine({ nodeVersion: '22.3.0' }), 'Node.js')?.ok).toBe(true);
  });
});

describe('testRunBlocker', () => {
  it('names every missing browser prerequisite and the one command that fixes them', () => {
    const message = testRunBlocker(planSetup(FRESH_DEBIAN_AS_ROOT));
    expect(message).toBeDefined();
    expect(message).toContain('Chromium: nothing executable at /usr/bin/chromium');
    expect(message).toContain('CJK fonts');
    expect(message).toContain('npx onedoor setup');
    expect(message).toContain('apt-get install -y --no-install-recommends chromium fonts-noto-cjk');
    // The servers the test run builds itself are not a reason to stop.
    expect(message).not.toContain('Temporal CLI');
  });
});

describe('reading command output', () => {
  it('compares versions part by part', () => {
    expect(isAtLeast('20.19.0', '20.19')).toBe(true);
    expect(isAtLeast('20.9.0', '20.19')).toBe(false);
    expect(isAtLeast('1.100', '1.24')).toBe(true);
    expect(isAtLeast('not a version', '1.0')).toBe(false);
  });

  it('reads the version out of go version', () => {
    expect(goVersionFrom('go version go1.26.8 linux/amd64')).toBe('1.26.8');
    expect(goVersionFrom('go version go1.24 linux/arm64')).toBe('1.24');
    expect(goVersionFrom('command not found')).toBeUndefined();
  });

  it("reads apt-cache policy's candidate without its epoch", () => {
    expect(aptCandidateFrom('golang-go:\n  Installed: (none)\n  Candidate: 2:1.19~1\n')).toBe('1.19');
    expect(aptCandidateFrom('golang-go:\n  Installed: (none)\n  Candidate: 2:1.24~2\n')).toBe('1.24');
    expect(aptCandidateFrom('golang-go:\n  Installed: (none)\n  Candidate: (none)\n')).toBeUndefined();
    expect(aptCandidateFrom('')).toBeUndefined();
  });

  it('tells an installed package from one dpkg only remembers', () => {
    expect(dpkgSaysInstalled('Package: fonts-noto-cjk\nStatus: install ok installed\nPriority: optional\n')).toBe(true);
    expect(dpkgSaysInstalled('Package: fonts-noto-cjk\nStatus: deinstall ok config-files\n')).toBe(false);
  });

  it('finds a Noto CJK font in fc-list output', () => {
    expect(fcListHasNotoCjk('Noto Sans CJK SC,Noto Sans CJK SC Regular\nDejaVu Sans\n')).toBe(true);
    expect(fcListHasNotoCjk('Noto Serif CJK JP\n')).toBe(true);
    expect(fcListHasNotoCjk('DejaVu Sans\nNoto Sans\n')).toBe(false);
  });
});

describe('one setup for people and CI', () => {
  const ROOT = path.resolve(__dirname, '../..');
  const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8');

  it('CI installs prerequisites with the setup command, not apt-get lines of its own', () => {
    const ci = read('.ci/run');
    expect(ci).toMatch(/^npm run setup$/m);
    expect(ci).not.toMatch(/^\s*(sudo\s+)?apt-get\s/m);
  });

  it("the README's quick start runs the setup and says what it installs", () => {
    const readme = read('README.md');
    const quickStart = readme.slice(readme.indexOf('## Quick start'), readme.indexOf('## Using it'));
    expect(quickStart).toContain('npm run setup');
    for (const pkg of [CHROMIUM_PACKAGE, CJK_FONTS_PACKAGE]) expect(quickStart).toContain(pkg);
    expect(JSON.parse(read('package.json')).scripts.setup).toBe('node bin/onedoor.js setup');
  });
});
