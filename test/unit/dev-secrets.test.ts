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
    const first = resolveJwtSecret({ dataDir, jwtSecret: undefined });
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(fs.statSync(path.join(dataDir, 'jwt-secret')).mode & 0o777).toBe(0o600);
    expect(resolveJwtSecret({ dataDir, jwtSecret: undefined })).toBe(first);
  });

  it('refuses a file holding a secret too short to be safe', () => {
    const dataDir = tempDir();
    fs.mkdirSync(dataDir);
    fs.writeFileSync(path.join(dataDir, 'jwt-secret'), 'short\n');
    expect(() => resolveJwtSecret({ dataDir, jwtSecret: undefined })).toThrow('holds a secret shorter than');
  });
});
