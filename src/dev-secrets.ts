import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * A development secret kept in the data directory: read it, or make it once
 * (mode 0600) when it is not there yet. The API, the worker and the CLI may
 * all start at once; whichever makes it first wins, and the others read theirs.
 * The secret is written to a file of its own and then linked into place, so a
 * reader never sees it half-written. Production passes its secrets in the
 * environment instead.
 */
export function devSecret(dataDir: string, name: string, make: () => string): { file: string; text: string } {
  const file = path.join(dataDir, name);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(draft, `${make()}\n`, { mode: 0o600 });
    try {
      fs.linkSync(draft, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      fs.rmSync(draft, { force: true });
    }
  }
  return { file, text: fs.readFileSync(file, 'utf8').trim() };
}
