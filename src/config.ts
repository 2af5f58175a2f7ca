import path from 'node:path';
import os from 'node:os';

/**
 * Every setting onedoor reads from the environment, in one place.
 * Read lazily (a function, not constants) so tests and the launcher can set
 * variables before the first read.
 */
export interface Config {
  /** HTTP API port. */
  port: number;
  /** Where embedded servers keep their data (Temporal SQLite file, FerretDB files, dev secrets). */
  dataDir: string;
  /** Where Go-built server binaries are cached, outside the checkout so a fresh clone reuses them. */
  binDir: string;
  /** An external Temporal frontend (host:port); when unset the embedded dev server is started. */
  temporalAddress: string | undefined;
  temporalNamespace: string;
  /** An external MongoDB; when unset the embedded FerretDB is started. */
  mongodbUri: string | undefined;
  /** Fixed ports for the embedded servers; free ports are chosen when unset. */
  temporalPort: number | undefined;
  temporalUiPort: number | undefined;
  mongoPort: number | undefined;
  taskQueue: string;
  /** Multiplies every SLA duration (0.001 turns a day into 86 seconds). */
  timeScale: number;
  /** JWT signing secret; in development generated once and kept in the data directory. */
  jwtSecret: string | undefined;
  /**
   * Keys that encrypt what onedoor stores in Temporal's histories
   * (src/temporal/payload-codec.ts); in development generated once and kept in
   * the data directory.
   */
  payloadKeys: string | undefined;
  logLevel: string;
  /**
   * The longest the API works on one request before answering 503 with
   * Retry-After (a write may still take effect: read before retrying it).
   */
  requestTimeoutMs: number;
}

function intFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`${name} must be a port number (0-65535), got "${raw}"`);
  }
  return value;
}

function timeScaleFromEnv(): number {
  const raw = process.env.ONEDOOR_TIME_SCALE;
  if (raw === undefined || raw === '') return 1;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`ONEDOOR_TIME_SCALE must be a positive number, got "${raw}"`);
  }
  return value;
}

function requestTimeoutFromEnv(): number {
  const raw = process.env.ONEDOOR_REQUEST_TIMEOUT_MS;
  if (raw === undefined || raw === '') return 20_000;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`ONEDOOR_REQUEST_TIMEOUT_MS must be a positive whole number of milliseconds, got "${raw}"`);
  return value;
}

export function defaultBinDir(): string {
  const cacheHome = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cacheHome, 'onedoor', 'bin');
}

export function loadConfig(): Config {
  return {
    port: intFromEnv('PORT') ?? 3000,
    dataDir: path.resolve(process.env.ONEDOOR_DATA_DIR || '.data'),
    binDir: path.resolve(process.env.ONEDOOR_BIN_DIR || defaultBinDir()),
    temporalAddress: process.env.TEMPORAL_ADDRESS || undefined,
    temporalNamespace: process.env.TEMPORAL_NAMESPACE || 'default',
    mongodbUri: process.env.MONGODB_URI || undefined,
    temporalPort: intFromEnv('ONEDOOR_TEMPORAL_PORT'),
    temporalUiPort: intFromEnv('ONEDOOR_TEMPORAL_UI_PORT'),
    mongoPort: intFromEnv('ONEDOOR_MONGO_PORT'),
    taskQueue: process.env.ONEDOOR_TASK_QUEUE || 'onedoor-cases',
    timeScale: timeScaleFromEnv(),
    jwtSecret: process.env.ONEDOOR_JWT_SECRET || undefined,
    payloadKeys: process.env.ONEDOOR_PAYLOAD_KEYS || undefined,
    logLevel: process.env.LOG_LEVEL || 'info',
    requestTimeoutMs: requestTimeoutFromEnv(),
  };
}
