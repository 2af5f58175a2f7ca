import path from 'node:path';
import os from 'node:os';
import { z } from 'zod';
import { DEFAULT_TIME_ZONE } from './domain/case-number';
import { MIN_JWT_SECRET_LENGTH } from './auth/tokens';
import { parsePayloadKeys, PayloadKeysError } from './temporal/payload-codec';
import { DEFAULT_DELIVERY_RETRY } from './domain/delivery';
import type { WebhookSubscriber } from './delivery/webhook';

/**
 * Every setting onedoor reads from the environment, in one place: each
 * process reads and checks the whole environment once when it starts
 * (`loadConfig`) and hands the result on. The environment belongs to the
 * toolchain too; what onedoor merely passes on to the programs it starts
 * (PATH, GOTOOLCHAIN) is not a setting of its own and is not read here.
 */

/** Levels pino knows; the worker maps them onto the Temporal SDK's. */
/** Where Debian's chromium package puts the browser. */
export const DEFAULT_CHROMIUM_PATH = '/usr/bin/chromium';
/** Debian's fonts-noto-cjk (which `onedoor setup` installs): its collection's Simplified Chinese face. */
export const DEFAULT_CJK_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc#NotoSansCJKsc-Regular';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The SDK sizes its workflow cache from the V8 heap limit (about 2,300 on a
 * machine with 16 GB or more), which would keep every open case in memory and
 * grow the worker's RSS with each one (docs/performance-log.md, change 5). A
 * case waits days between tasks, so a small cache costs little: an evicted one
 * is replayed from its short history when it next wakes.
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 256;

/**
 * Variables whose values are credentials: a message about one says what is
 * wrong with it but never repeats it, so it cannot end up in a log.
 */
const SECRET_VARIABLES = new Set(['ONEDOOR_JWT_SECRET', 'ONEDOOR_PAYLOAD_KEYS', 'MONGODB_URI', 'ONEDOOR_SMS_TOKEN', 'ONEDOOR_OIDC_CLIENT_SECRET', 'ONEDOOR_SMTP_URL', 'ONEDOOR_WEBHOOKS']);

/**
 * A number read as Number() reads it (as onedoor always has), kept when `valid`;
 * `must` finishes the sentence "<VARIABLE> must be …".
 */
function numberSetting(must: string, valid: (value: number) => boolean) {
  return z
    .string()
    .refine((text) => valid(Number(text)), `must be ${must}`)
    .transform(Number);
}

const portNumber = numberSetting('a port number (0-65535)', (n) => Number.isInteger(n) && n >= 0 && n <= 65535);

function isUrlWithScheme(text: string, schemes: string[]): boolean {
  try {
    return schemes.includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

/** What Express's `trust proxy` takes, short of "trust everyone" (which would let any client choose its address). */
function isTrustProxy(text: string): boolean {
  if (/^\d{1,2}$/.test(text)) return true;
  return text.split(',').every((part) => /^(loopback|linklocal|uniquelocal|[0-9a-fA-F:.]+(\/\d{1,3})?)$/.test(part.trim()));
}

/** A map tile URL template: http(s), with the tile's zoom and column and row to fill in ({s}: a server letter). */
function isTileTemplate(text: string): boolean {
  return /^https?:\/\/[^/?#]+\//.test(text) && ['{z}', '{x}', '{y}'].every((part) => text.includes(part)) && isUrlWithScheme(text.replace(/\{s\}/g, 'a'), ['http:', 'https:']);
}

/** An IANA time zone the runtime knows (Intl refuses any other). */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Webhook subscribers (src/delivery/webhook.ts): each a name, an address and the secret its signatures are made with. */
const webhooksSchema = z
  .array(
    z.strictObject({
      name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/),
      url: z.string().refine((text) => isUrlWithScheme(text, ['http:', 'https:'])),
      secret: z.string().min(16),
      kinds: z.array(z.string().regex(/^[a-z_]{1,64}$/)).optional(),
    }),
  )
  .refine((list) => new Set(list.map((w) => w.name)).size === list.length);

/**
 * The variables themselves, by name, as text. A message finishes the sentence
 * its variable's name begins ("must be a port number (0-65535)").
 */
export const environmentSchema = z.object({
  PORT: portNumber.default(3000),
  ONEDOOR_DATA_DIR: z.string().default('.data'),
  TEMPORAL_ADDRESS: z.string().optional(),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_UI_URL: z
    .string()
    .refine((text) => isUrlWithScheme(text, ['http:', 'https:']), 'must be an http:// or https:// address')
    .optional(),
  MONGODB_URI: z
    .string()
    .refine((text) => /^mongodb(\+srv)?:\/\/./.test(text), 'must be a connection string starting with mongodb:// or mongodb+srv://')
    .optional(),
  ONEDOOR_TEMPORAL_PORT: portNumber.optional(),
  ONEDOOR_TEMPORAL_UI_PORT: portNumber.optional(),
  ONEDOOR_MONGO_PORT: portNumber.optional(),
  ONEDOOR_TASK_QUEUE: z.string().default('onedoor-cases'),
  ONEDOOR_TIME_SCALE: numberSetting('a positive number', (n) => Number.isFinite(n) && n > 0).default(1),
  ONEDOOR_TIME_ZONE: z.string().refine(isTimeZone, 'must be a time zone name such as Asia/Shanghai').default(DEFAULT_TIME_ZONE),
  ONEDOOR_JWT_SECRET: z
    .string()
    .refine((text) => text.length >= MIN_JWT_SECRET_LENGTH, `must be at least ${MIN_JWT_SECRET_LENGTH} characters`)
    .optional(),
  ONEDOOR_PAYLOAD_KEYS: z
    .string()
    .superRefine((text, ctx) => {
      try {
        parsePayloadKeys(text);
      } catch (error) {
        if (!(error instanceof PayloadKeysError)) throw error;
        ctx.addIssue({ code: 'custom', message: error.problem });
      }
    })
    .optional(),
  ONEDOOR_BIN_DIR: z.string().optional(),
  XDG_CACHE_HOME: z.string().optional(),
  CHROMIUM_PATH: z.string().default(DEFAULT_CHROMIUM_PATH),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  ONEDOOR_MAX_CACHED_WORKFLOWS: numberSetting('a whole number', (n) => Number.isInteger(n) && n >= 0).default(DEFAULT_MAX_CACHED_WORKFLOWS),
  ONEDOOR_REQUEST_TIMEOUT_MS: numberSetting('a positive whole number of milliseconds', (n) => Number.isInteger(n) && n >= 1).default(20_000),
  ONEDOOR_SESSION_HOURS: numberSetting('a number of hours between 0.1 and 720', (n) => Number.isFinite(n) && n >= 0.1 && n <= 720).default(12),
  ONEDOOR_TRUST_PROXY: z
    .string()
    .refine(isTrustProxy, 'must be a number of proxy hops (1 for one reverse proxy) or a comma-separated list of proxy addresses, subnets or loopback, linklocal, uniquelocal')
    .optional(),
  ONEDOOR_SIGN_IN_RATE_PER_MINUTE: numberSetting('a whole number (0 turns the limit off)', (n) => Number.isInteger(n) && n >= 0).default(30),
  ONEDOOR_SIGN_IN_FAILURES_PER_ADDRESS: numberSetting('a whole number (0 turns the limit off)', (n) => Number.isInteger(n) && n >= 0).default(20),
  ONEDOOR_INTAKE_RATE_PER_MINUTE: numberSetting('a whole number (0 turns the limit off)', (n) => Number.isInteger(n) && n >= 0).default(120),
  ONEDOOR_LIVE_STREAMS: numberSetting('a whole number (0 turns live queues off)', (n) => Number.isInteger(n) && n >= 0).default(500),
  ONEDOOR_READ_STORE: z.enum(['queries', 'memory'], { error: 'must be queries or memory' }).optional(),
  ONEDOOR_MEMORY_CLOSED_DAYS: numberSetting('a whole number of days, 1 or more', (n) => Number.isInteger(n) && n >= 1).default(365),
  ONEDOOR_LIVE_HEARTBEAT_MS: numberSetting('a whole number of milliseconds, 1000 or more', (n) => Number.isInteger(n) && n >= 1000).default(20_000),
  ONEDOOR_UPLOAD_MAX_BYTES: numberSetting('a whole number of bytes, at least 1024', (n) => Number.isInteger(n) && n >= 1024).default(10 * 1024 * 1024),
  ONEDOOR_UPLOAD_MAX_PIXELS: numberSetting('a whole number of pixels, at least 1000000', (n) => Number.isInteger(n) && n >= 1_000_000).default(50_000_000),
  ONEDOOR_SMS_URL: z
    .string()
    .refine((text) => isUrlWithScheme(text, ['http:', 'https:']), 'must be an http:// or https:// address')
    .optional(),
  ONEDOOR_SMS_TOKEN: z.string().optional(),
  ONEDOOR_SMS_TEMPLATE: z
    .string()
    .refine((text) => text.includes('{{to}}') && text.includes('{{text}}'), 'must contain {{to}} and {{text}}')
    .default('{"to":"{{to}}","text":"{{text}}"}'),
  ONEDOOR_CJK_FONT: z.string().default(DEFAULT_CJK_FONT),
  ONEDOOR_SMTP_URL: z
    .string()
    .refine((text) => isUrlWithScheme(text, ['smtp:', 'smtps:']), 'must be an smtp:// or smtps:// address, such as smtp://user:password@mail.example.gov.cn:587')
    .optional(),
  ONEDOOR_MAIL_FROM: z
    .string()
    .refine((text) => /^[^\r\n<>]*<[^\s@<>]+@[^\s@<>]+>$|^[^\s@<>]+@[^\s@<>]+$/.test(text), 'must be an e-mail address, or a name and <address>')
    .default('onedoor <no-reply@localhost>'),
  ONEDOOR_WEBHOOKS: z
    .string()
    .transform((text, ctx) => {
      const parsed = webhooksSchema.safeParse(parseJson(text));
      if (parsed.success) return parsed.data;
      ctx.addIssue({ code: 'custom', message: 'must be a JSON array of {"name", "url" (http:// or https://), "secret" (at least 16 characters), optional "kinds"} with distinct names' });
      return z.NEVER;
    })
    .optional(),
  ONEDOOR_DELIVERY_ATTEMPTS: numberSetting('a whole number from 1 to 100', (n) => Number.isInteger(n) && n >= 1 && n <= 100).default(DEFAULT_DELIVERY_RETRY.maximumAttempts),
  ONEDOOR_DELIVERY_RETRY_SECONDS: numberSetting('a positive number of seconds', (n) => Number.isFinite(n) && n > 0).default(DEFAULT_DELIVERY_RETRY.initialIntervalSeconds),
  ONEDOOR_PUBLIC_URL: z
    .string()
    .refine((text) => isUrlWithScheme(text, ['http:', 'https:']) && !/[?#]/.test(text), 'must be an http:// or https:// address without a query or fragment')
    .optional(),
  ONEDOOR_OIDC_ISSUER: z
    .string()
    .refine((text) => isUrlWithScheme(text, ['http:', 'https:']), 'must be an http:// or https:// address (the provider\'s issuer identifier)')
    .optional(),
  ONEDOOR_OIDC_CLIENT_ID: z.string().optional(),
  ONEDOOR_OIDC_CLIENT_SECRET: z.string().optional(),
  ONEDOOR_OIDC_CLAIM: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_.:-]*$/, 'must be a claim name such as preferred_username')
    .default('preferred_username'),
  ONEDOOR_MAP_TILES_URL: z
    .string()
    .refine(isTileTemplate, 'must be an http:// or https:// tile address with {z}, {x} and {y} in it, e.g. https://tiles.example.gov.cn/{z}/{x}/{y}.png')
    .optional(),
  ONEDOOR_MAP_ATTRIBUTION: z.string().max(500, 'must be at most 500 characters').optional(),
  ONEDOOR_MAP_MAX_ZOOM: numberSetting('a whole number from 1 to 22', (n) => Number.isInteger(n) && n >= 1 && n <= 22).default(18),
  ONEDOOR_WORKER_HEALTH_PORT: portNumber.optional(),
  ONEDOOR_WORKFLOW_BUNDLE: z.string().optional(),
  NODE_ENV: z.string().optional(),
});

/** Every variable onedoor reads, in the order README.md's configuration table lists them. */
export const ENVIRONMENT_VARIABLES = Object.keys(environmentSchema.shape) as (keyof typeof environmentSchema.shape)[];

/** An empty variable means what an unset one does (`PORT= onedoor up` takes the default). */
function withoutEmptyValues(env: unknown): unknown {
  if (typeof env !== 'object' || env === null) return env;
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
}

const OIDC_CLIENT_VARIABLES = ['ONEDOOR_OIDC_ISSUER', 'ONEDOOR_OIDC_CLIENT_ID', 'ONEDOOR_OIDC_CLIENT_SECRET'] as const;

/** Settings that only make sense together. */
function checkTogether(env: z.output<typeof environmentSchema>, ctx: z.RefinementCtx): void {
  const missing = OIDC_CLIENT_VARIABLES.filter((name) => env[name] === undefined);
  if (missing.length > 0 && missing.length < OIDC_CLIENT_VARIABLES.length) {
    for (const name of missing) ctx.addIssue({ code: 'custom', path: [name], message: `must be set with ${OIDC_CLIENT_VARIABLES.filter((other) => !missing.includes(other)).join(' and ')} (single sign-on needs all three, or none)` });
  }
  if (env.ONEDOOR_MAP_TILES_URL !== undefined && env.ONEDOOR_MAP_ATTRIBUTION === undefined) {
    ctx.addIssue({ code: 'custom', path: ['ONEDOOR_MAP_ATTRIBUTION'], message: 'must be set with ONEDOOR_MAP_TILES_URL (the credit the tile provider asks for, shown on every map)' });
  }
  if (env.NODE_ENV === 'production' && env.ONEDOOR_OIDC_ISSUER !== undefined) {
    if (!env.ONEDOOR_OIDC_ISSUER.startsWith('https://')) ctx.addIssue({ code: 'custom', path: ['ONEDOOR_OIDC_ISSUER'], message: 'must be an https:// address in production' });
    if (env.ONEDOOR_PUBLIC_URL === undefined) ctx.addIssue({ code: 'custom', path: ['ONEDOOR_PUBLIC_URL'], message: 'must be set in production when ONEDOOR_OIDC_ISSUER is (the redirect URI registered with the provider is made from it)' });
  }
}

const configSchema = z.preprocess(withoutEmptyValues, environmentSchema.superRefine(checkTogether)).transform((env) => ({
  /** HTTP API port. */
  port: env.PORT,
  /** Where embedded servers keep their data (Temporal SQLite file, FerretDB files, dev secrets). */
  dataDir: path.resolve(env.ONEDOOR_DATA_DIR),
  /** Where Go-built server binaries are cached, outside the checkout so a fresh clone reuses them. */
  binDir: path.resolve(env.ONEDOOR_BIN_DIR ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'onedoor', 'bin')),
  /** An external Temporal frontend (host:port); when unset the embedded dev server is started. */
  temporalAddress: env.TEMPORAL_ADDRESS,
  temporalNamespace: env.TEMPORAL_NAMESPACE,
  /** The Temporal Web UI of an external Temporal, for links (the embedded server's is known). */
  temporalUiUrl: env.TEMPORAL_UI_URL,
  /** An external MongoDB; when unset the embedded FerretDB is started. */
  mongodbUri: env.MONGODB_URI,
  /** Fixed ports for the embedded servers; free ports are chosen when unset. */
  temporalPort: env.ONEDOOR_TEMPORAL_PORT,
  temporalUiPort: env.ONEDOOR_TEMPORAL_UI_PORT,
  mongoPort: env.ONEDOOR_MONGO_PORT,
  taskQueue: env.ONEDOOR_TASK_QUEUE,
  /** Multiplies every SLA duration (0.001 turns a day into 86 seconds). */
  timeScale: env.ONEDOOR_TIME_SCALE,
  /** The centres' time zone: the day a case number carries, and what "today" is. */
  timeZone: env.ONEDOOR_TIME_ZONE,
  /** JWT signing secret; in development generated once and kept in the data directory. */
  jwtSecret: env.ONEDOOR_JWT_SECRET,
  /**
   * Keys that encrypt what onedoor stores in Temporal's histories
   * (src/temporal/payload-codec.ts); in development generated once and kept in
   * the data directory.
   */
  payloadKeys: env.ONEDOOR_PAYLOAD_KEYS,
  /** The Chromium the browser tests drive and `onedoor setup` checks. */
  chromiumPath: env.CHROMIUM_PATH,
  logLevel: env.LOG_LEVEL,
  /** Workflows a worker keeps in memory between tasks. */
  maxCachedWorkflows: env.ONEDOOR_MAX_CACHED_WORKFLOWS,
  /**
   * The longest the API works on one request before answering 503 with
   * Retry-After (a write may still take effect: read before retrying it).
   */
  requestTimeoutMs: env.ONEDOOR_REQUEST_TIMEOUT_MS,
  /** How long a sign-in lasts before it must be renewed. */
  sessionTtlMs: Math.round(env.ONEDOOR_SESSION_HOURS * 3600_000),
  /**
   * Which proxies in front of the API to believe about the client's address and
   * scheme (X-Forwarded-For, X-Forwarded-Proto): hops as a number, or addresses.
   * Unset, none is: the address is the connection's.
   */
  trustProxy: env.ONEDOOR_TRUST_PROXY === undefined ? undefined : /^\d+$/.test(env.ONEDOOR_TRUST_PROXY) ? Number(env.ONEDOOR_TRUST_PROXY) : env.ONEDOOR_TRUST_PROXY,
  /** Sign-in and code requests a minute from one address (failures are also counted per account). */
  signInRatePerMinute: env.ONEDOOR_SIGN_IN_RATE_PER_MINUTE,
  /** Wrong passwords from one address in 15 minutes, whatever the accounts, before it waits (0: no such limit). */
  signInFailuresPerAddress: env.ONEDOOR_SIGN_IN_FAILURES_PER_ADDRESS,
  /** New cases (API and Open311) a minute from one address. */
  intakeRatePerMinute: env.ONEDOOR_INTAKE_RATE_PER_MINUTE,
  /** Live queue streams (Server-Sent Events) one API process keeps open at once; past it, 503 and the browser tries again. */
  liveStreams: env.ONEDOOR_LIVE_STREAMS,
  /**
   * Where lists, counts and the dashboard read cases (src/db/reads): MongoDB's own queries, or
   * each API process's copy in memory; unset, the copy on FerretDB and queries on any other server.
   */
  readStore: env.ONEDOOR_READ_STORE ?? null,
  /** With the copy in memory: how long a closed case stays in it (open cases always do). */
  memoryClosedDays: env.ONEDOOR_MEMORY_CLOSED_DAYS,
  /** How often a live stream sends a comment line (so proxies keep it open) and checks the sign-in is still good. */
  liveHeartbeatMs: env.ONEDOOR_LIVE_HEARTBEAT_MS,
  /** The largest photo or PDF one upload may carry, in bytes. */
  uploadMaxBytes: env.ONEDOOR_UPLOAD_MAX_BYTES,
  /** The most pixels a photo may decode to (width × height): larger ones, image bombs included, are refused before decoding. */
  uploadMaxPixels: env.ONEDOOR_UPLOAD_MAX_PIXELS,
  /** The SMS provider's HTTP endpoint; unset: development keeps messages in a local outbox, production sends none. */
  smsUrl: env.ONEDOOR_SMS_URL,
  /** The font file (TTF, OTF or TTC) whose Chinese glyphs the agreement PDFs embed; `cjkFontName` picks one font of a collection. */
  cjkFontPath: env.ONEDOOR_CJK_FONT.split('#')[0]!,
  cjkFontName: env.ONEDOOR_CJK_FONT.includes('#') ? env.ONEDOOR_CJK_FONT.slice(env.ONEDOOR_CJK_FONT.indexOf('#') + 1) : undefined,
  /** Sent as `Authorization: Bearer <token>` to the SMS provider. */
  smsToken: env.ONEDOOR_SMS_TOKEN,
  /** The JSON body posted to the provider, with {{to}} and {{text}} filled in. */
  smsTemplate: env.ONEDOOR_SMS_TEMPLATE,
  /** The SMTP server e-mail notifications go through; unset: no e-mail is sent. */
  smtpUrl: env.ONEDOOR_SMTP_URL,
  /** The From of those e-mails. */
  mailFrom: env.ONEDOOR_MAIL_FROM,
  /** Other systems that receive every notification (or the kinds they name), signed. */
  webhooks: (env.ONEDOOR_WEBHOOKS ?? []) as WebhookSubscriber[],
  /** How often a send is tried before it is a dead letter, and the first wait between tries (doubling, to at most an hour). */
  deliveryRetry: { maximumAttempts: env.ONEDOOR_DELIVERY_ATTEMPTS, initialIntervalSeconds: env.ONEDOOR_DELIVERY_RETRY_SECONDS, maxIntervalSeconds: DEFAULT_DELIVERY_RETRY.maxIntervalSeconds },
  /** The address people reach onedoor at (no trailing slash); unset in development: the address a request came to. */
  publicUrl: env.ONEDOOR_PUBLIC_URL?.replace(/\/+$/, ''),
  /**
   * Single sign-on through an OpenID Connect provider, when its issuer and the
   * client registered there are set: the `claim` of the signed-in user names the
   * person by their username.
   */
  oidc:
    env.ONEDOOR_OIDC_ISSUER !== undefined && env.ONEDOOR_OIDC_CLIENT_ID !== undefined && env.ONEDOOR_OIDC_CLIENT_SECRET !== undefined
      ? { issuer: env.ONEDOOR_OIDC_ISSUER, clientId: env.ONEDOOR_OIDC_CLIENT_ID, clientSecret: env.ONEDOOR_OIDC_CLIENT_SECRET, claim: env.ONEDOOR_OIDC_CLAIM }
      : undefined,
  /**
   * The map tile server: a URL template and the credit its provider asks for. Unset, maps
   * draw a plain background with the centres, which works offline.
   */
  mapTiles:
    env.ONEDOOR_MAP_TILES_URL !== undefined ? { url: env.ONEDOOR_MAP_TILES_URL, attribution: env.ONEDOOR_MAP_ATTRIBUTION ?? '', maxZoom: env.ONEDOOR_MAP_MAX_ZOOM } : undefined,
  /** When set, the worker answers GET /healthz on this port while it polls. */
  workerHealthPort: env.ONEDOOR_WORKER_HEALTH_PORT,
  /** A workflow bundle made ahead of time (`onedoor bundle`), loaded instead of bundling at start. */
  workflowBundle: env.ONEDOOR_WORKFLOW_BUNDLE === undefined ? undefined : path.resolve(env.ONEDOOR_WORKFLOW_BUNDLE),
  /**
   * NODE_ENV=production: secrets must come from the environment, development
   * sign-in is off, and the worker loads the bundle built into the image.
   */
  production: env.NODE_ENV === 'production',
}));

export type Config = z.output<typeof configSchema>;

/** Every bad variable at once, one line each, so one attempt shows everything to fix. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/**
 * The settings, read from `env` once. Throws a {@link ConfigError} naming every
 * bad variable, its value (unless it is a secret) and what it must be.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = new Map<string, string>();
  for (const issue of parsed.error.issues) {
    const name = String(issue.path[0] ?? 'the environment');
    if (problems.has(name)) continue; // the first thing wrong with a variable is enough to fix it
    const shown = SECRET_VARIABLES.has(name) || env[name] === undefined || env[name] === '' ? '' : `, got ${JSON.stringify(env[name])}`;
    problems.set(name, `${name} ${issue.message}${shown}`);
  }
  throw new ConfigError([...problems.values()]);
}
