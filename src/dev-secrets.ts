import fs from 'node:fs';
import path from 'node:path';

/**
 * A development secret kept in the data directory: read it, or make it once
 * (mode 0600) when it is not there yet. The API, the worker and the CLI may
 * all start at once; whichever writes first wins, and the others read theirs.
 * Production passes its secrets in the environment instead.
 */
export function devSecret(dataDir: string, name: string, make: () => string): { file: string; text: string } {
  const file = path.join(dataDir, name);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    try {
      fs.writeFileSync(file, `${make()}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return { file, text: fs.readFileSync(file, 'utf8').trim() };
}
