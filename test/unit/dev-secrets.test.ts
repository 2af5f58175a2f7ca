import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveJwtSecret } from '../../src/auth/tokens';

describe('the development token secret in the data directory', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  const tempDir = (): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-secret-'));
    dirs.push(dir);
    return path.join(dir, 'data'); // not there yet: made on demand
  };

  it('is made once, readable only by its owner, and the same for the CLI and the server', () => {
    const dataDir = tempDir();
    const first = resolveJwtSecret({ dataDir, jwtSecret: undefined, production: false });
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(fs.statSync(path.join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    expect(resolveJwtSecret({ dataDir, jwtSecret: undefined, production: false })).toBe(first);
  });

  it('refuses a file holding a secret too short to be safe', () => {
    const dataDir = tempDir();
    fs.mkdirSync(dataDir);
    fs.writeFileSync(path.join(dataDir, 'jwt-secret'), 'short\n');
    expect(() => resolveJwtSecret({ dataDir, jwtSecret: undefined, production: false })).toThrow('holds a secret shorter than');
  });
});

describe('development secrets made by several processes at once', () => {
  it('every process reads the same whole secret, and no draft is left behind', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-race-'));
    try {
      const script = `require('tsx/cjs'); const { resolveJwtSecret } = require(${JSON.stringify(path.resolve(__dirname, '../../src/auth/tokens.ts'))}); process.stdout.write(resolveJwtSecret({ dataDir: ${JSON.stringify(dataDir)}, jwtSecret: undefined, production: false }));`;
      const run = (): Promise<string> =>
        new Promise((resolve, reject) => {
          const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
          let out = '';
          let err = '';
          child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
          child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
          child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(err))));
        });
      const secrets = await Promise.all(Array.from({ length: 6 }, run));
      expect(new Set(secrets).size).toBe(1);
      expect(secrets[0]!.length).toBeGreaterThanOrEqual(32);
      expect(fs.readdirSync(dataDir)).toEqual(['jwt-secret']);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
