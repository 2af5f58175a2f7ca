import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, ENVIRONMENT_VARIABLES, environmentSchema, loadConfig } from '../../src/config';
import { resolveJwtSecret } from '../../src/auth/tokens';
import { resolvePayloadKeys } from '../../src/temporal/payload-codec';
import { devSignInEnabled } from '../../src/api/dev/router';
import { configuredWorkflowBundle } from '../../src/temporal/worker';

const ROOT = path.resolve(__dirname, '../..');
const PAYLOAD_KEY = `k1:${Buffer.alloc(32, 7).toString('base64')}`;

/** The message loadConfig throws for `env`, or a failure when it does not throw. */
function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toBe((error as ConfigError).problems.join('\n'));
    return (error as ConfigError).problems;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('has the defaults onedoor always had', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      dataDir: path.resolve('.data'),
      binDir: path.join(os.homedir(), '.cache', 'onedoor', 'bin'),
      chromiumPath: '/usr/bin/chromium',
      temporalAddress: undefined,
      temporalNamespace: 'default',
      temporalUiUrl: undefined,
      mongodbUri: undefined,
      temporalPort: undefined,
      temporalUiPort: undefined,
      mongoPort: undefined,
      taskQueue: 'onedoor-cases',
      timeScale: 1,
      timeZone: 'Asia/Shanghai',
      jwtSecret: undefined,
      payloadKeys: undefined,
      logLevel: 'info',
      maxCachedWorkflows: 256,
      requestTimeoutMs: 20_000,
      sessionTtlMs: 12 * 3600_000,
      trustProxy: undefined,
      signInRatePerMinute: 30,
      signInFailuresPerAddress: 20,
      intakeRatePerMinute: 120,
      liveStreams: 500,
      readStore: null,
      memoryClosedDays: 365,
      liveHeartbeatMs: 20_000,
      uploadMaxBytes: 10485760,
      uploadMaxPixels: 50000000,
      smsUrl: undefined,
      smsToken: undefined,
      smsTemplate: '{"to":"{{to}}","text":"{{text}}"}',
      cjkFontPath: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
      cjkFontName: 'NotoSansCJKsc-Regular',
      smtpUrl: undefined,
      mailFrom: 'onedoor <no-reply@localhost>',
      webhooks: [],
      deliveryRetry: { maximumAttempts: 8, initialIntervalSeconds: 30, maxIntervalSeconds: 3600 },
      publicUrl: undefined,
      oidc: undefined,
      workerHealthPort: undefined,
      workflowBundle: undefined,
      production: false,
    });
  });

  it('reads every variable it knows', () => {
    const config = loadConfig({
      PORT: '8080',
      ONEDOOR_DATA_DIR: 'state',
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_NAMESPACE: 'cases',
      TEMPORAL_UI_URL: 'http://localhost:8080',
      MONGODB_URI: 'mongodb://mongodb:27017/onedoor?replicaSet=rs0',
      ONEDOOR_TEMPORAL_PORT: '7233',
      ONEDOOR_TEMPORAL_UI_PORT: '8233',
      ONEDOOR_MONGO_PORT: '0',
      ONEDOOR_TASK_QUEUE: 'q',
      ONEDOOR_TIME_SCALE: '0.001',
      ONEDOOR_TIME_ZONE: 'Asia/Urumqi',
      ONEDOOR_JWT_SECRET: 'a-secret-of-enough-length',
      ONEDOOR_PAYLOAD_KEYS: PAYLOAD_KEY,
      XDG_CACHE_HOME: '/var/cache',
      CHROMIUM_PATH: '/opt/chromium/chrome',
      LOG_LEVEL: 'debug',
      ONEDOOR_MAX_CACHED_WORKFLOWS: '0',
      ONEDOOR_REQUEST_TIMEOUT_MS: '500',
      ONEDOOR_SESSION_HOURS: '8',
      ONEDOOR_TRUST_PROXY: '1',
      ONEDOOR_SIGN_IN_RATE_PER_MINUTE: '10',
      ONEDOOR_SIGN_IN_FAILURES_PER_ADDRESS: '50',
      ONEDOOR_INTAKE_RATE_PER_MINUTE: '0',
      ONEDOOR_LIVE_STREAMS: '0',
      ONEDOOR_READ_STORE: 'queries',
      ONEDOOR_MEMORY_CLOSED_DAYS: '30',
      ONEDOOR_LIVE_HEARTBEAT_MS: '5000',
      ONEDOOR_UPLOAD_MAX_BYTES: '2048',
      ONEDOOR_UPLOAD_MAX_PIXELS: '2000000',
      ONEDOOR_SMS_URL: 'https://sms.example.gov.cn/send',
      ONEDOOR_SMS_TOKEN: 'sms-secret',
      ONEDOOR_SMS_TEMPLATE: '{"mobile":"{{to}}","content":"{{text}}"}',
      ONEDOOR_CJK_FONT: '/opt/fonts/SourceHanSans.otf',
      ONEDOOR_SMTP_URL: 'smtp://onedoor:mail-secret@mail.example.gov.cn:587',
      ONEDOOR_MAIL_FROM: '一门通 <onedoor@example.gov.cn>',
      ONEDOOR_WEBHOOKS: '[{"name":"police","url":"https://police.example.gov.cn/hooks/onedoor","secret":"a-shared-secret-0123","kinds":["new_case"]}]',
      ONEDOOR_DELIVERY_ATTEMPTS: '5',
      ONEDOOR_DELIVERY_RETRY_SECONDS: '10',
      ONEDOOR_PUBLIC_URL: 'https://onedoor.example.gov.cn/',
      ONEDOOR_OIDC_ISSUER: 'https://sso.example.gov.cn/realms/staff',
      ONEDOOR_OIDC_CLIENT_ID: 'onedoor',
      ONEDOOR_OIDC_CLIENT_SECRET: 'oidc-secret',
      ONEDOOR_OIDC_CLAIM: 'employee_id',
      ONEDOOR_WORKER_HEALTH_PORT: '9464',
      ONEDOOR_WORKFLOW_BUNDLE: 'dist/bundle.js',
      NODE_ENV: 'production',
    });
    expect(config).toEqual({
      port: 8080,
      dataDir: path.resolve('state'),
      binDir: '/var/cache/onedoor/bin',
      chromiumPath: '/opt/chromium/chrome',
      temporalAddress: 'temporal:7233',
      temporalNamespace: 'cases',
      temporalUiUrl: 'http://localhost:8080',
      mongodbUri: 'mongodb://mongodb:27017/onedoor?replicaSet=rs0',
      temporalPort: 7233,
      temporalUiPort: 8233,
      mongoPort: 0,
      taskQueue: 'q',
      timeScale: 0.001,
      timeZone: 'Asia/Urumqi',
      jwtSecret: 'a-secret-of-enough-length',
      payloadKeys: PAYLOAD_KEY,
      logLevel: 'debug',
      maxCachedWorkflows: 0,
      requestTimeoutMs: 500,
      sessionTtlMs: 8 * 3600_000,
      trustProxy: 1,
      signInRatePerMinute: 10,
      signInFailuresPerAddress: 50,
      intakeRatePerMinute: 0,
      liveStreams: 0,
      readStore: 'queries',
      memoryClosedDays: 30,
      liveHeartbeatMs: 5000,
      uploadMaxBytes: 2048,
      uploadMaxPixels: 2000000,
      smsUrl: 'https://sms.example.gov.cn/send',
      smsToken: 'sms-secret',
      smsTemplate: '{"mobile":"{{to}}","content":"{{text}}"}',
      cjkFontPath: '/opt/fonts/SourceHanSans.otf',
      cjkFontName: undefined,
      smtpUrl: 'smtp://onedoor:mail-secret@mail.example.gov.cn:587',
      mailFrom: '一门通 <onedoor@example.gov.cn>',
      webhooks: [{ name: 'police', url: 'https://police.example.gov.cn/hooks/onedoor', secret: 'a-shared-secret-0123', kinds: ['new_case'] }],
      deliveryRetry: { maximumAttempts: 5, initialIntervalSeconds: 10, maxIntervalSeconds: 3600 },
      publicUrl: 'https://onedoor.example.gov.cn',
      oidc: { issuer: 'https://sso.example.gov.cn/realms/staff', clientId: 'onedoor', clientSecret: 'oidc-secret', claim: 'employee_id' },
      workerHealthPort: 9464,
      workflowBundle: path.resolve('dist/bundle.js'),
      production: true,
    });
    expect(loadConfig({ ONEDOOR_BIN_DIR: 'bin', XDG_CACHE_HOME: '/var/cache' }).binDir).toBe(path.resolve('bin'));
  });

  it('refuses webhooks that are not a list of named, signed subscribers, and a mail server that is not smtp', () => {
    const [webhooks] = problemsOf({ ONEDOOR_WEBHOOKS: '[{"name":"police","url":"https://police.example.gov.cn","secret":"short"}]' });
    expect(webhooks).toMatch(/^ONEDOOR_WEBHOOKS must be a JSON array of/);
    expect(webhooks).not.toContain('short');
    expect(problemsOf({ ONEDOOR_WEBHOOKS: 'not json' })[0]).toMatch(/^ONEDOOR_WEBHOOKS must be a JSON array/);
    const [smtp] = problemsOf({ ONEDOOR_SMTP_URL: 'https://user:pw@mail.example.gov.cn' });
    expect(smtp).toMatch(/^ONEDOOR_SMTP_URL must be an smtp:\/\/ or smtps:\/\/ address/);
    expect(smtp).not.toContain('pw@');
    expect(problemsOf({ ONEDOOR_DELIVERY_ATTEMPTS: '0' })[0]).toBe('ONEDOOR_DELIVERY_ATTEMPTS must be a whole number from 1 to 100, got "0"');
  });

  it('takes single sign-on’s issuer, client id and secret together or not at all', () => {
    expect(loadConfig({ ONEDOOR_OIDC_ISSUER: 'http://127.0.0.1:4000', ONEDOOR_OIDC_CLIENT_ID: 'onedoor', ONEDOOR_OIDC_CLIENT_SECRET: 's' }).oidc).toEqual({ issuer: 'http://127.0.0.1:4000', clientId: 'onedoor', clientSecret: 's', claim: 'preferred_username' });
    expect(problemsOf({ ONEDOOR_OIDC_ISSUER: 'https://sso.example.gov.cn' })).toEqual([
      'ONEDOOR_OIDC_CLIENT_ID must be set with ONEDOOR_OIDC_ISSUER (single sign-on needs all three, or none)',
      'ONEDOOR_OIDC_CLIENT_SECRET must be set with ONEDOOR_OIDC_ISSUER (single sign-on needs all three, or none)',
    ]);
    const [problem] = problemsOf({ ONEDOOR_OIDC_CLIENT_ID: 'onedoor', ONEDOOR_OIDC_CLIENT_SECRET: 'the-oidc-secret' });
    expect(problem).toBe('ONEDOOR_OIDC_ISSUER must be set with ONEDOOR_OIDC_CLIENT_ID and ONEDOOR_OIDC_CLIENT_SECRET (single sign-on needs all three, or none)');
    expect(problemsOf({ ONEDOOR_OIDC_ISSUER: 'sso.example.gov.cn', ONEDOOR_OIDC_CLIENT_ID: 'onedoor', ONEDOOR_OIDC_CLIENT_SECRET: 's' })).toEqual([
      'ONEDOOR_OIDC_ISSUER must be an http:// or https:// address (the provider\'s issuer identifier), got "sso.example.gov.cn"',
    ]);
  });

  it('wants single sign-on over https and a public address in production', () => {
    const oidc = { ONEDOOR_OIDC_ISSUER: 'http://sso.example.gov.cn', ONEDOOR_OIDC_CLIENT_ID: 'onedoor', ONEDOOR_OIDC_CLIENT_SECRET: 's', NODE_ENV: 'production' };
    expect(problemsOf(oidc)).toEqual([
      'ONEDOOR_OIDC_ISSUER must be an https:// address in production, got "http://sso.example.gov.cn"',
      'ONEDOOR_PUBLIC_URL must be set in production when ONEDOOR_OIDC_ISSUER is (the redirect URI registered with the provider is made from it)',
    ]);
    expect(loadConfig({ ...oidc, ONEDOOR_OIDC_ISSUER: 'https://sso.example.gov.cn', ONEDOOR_PUBLIC_URL: 'https://onedoor.example.gov.cn' }).oidc?.issuer).toBe('https://sso.example.gov.cn');
  });

  it('takes an empty variable for an unset one', () => {
    const empty = Object.fromEntries(ENVIRONMENT_VARIABLES.map((name) => [name, '']));
    expect(loadConfig(empty)).toEqual(loadConfig({}));
  });

  it.each([
    ['PORT', 'abc', 'PORT must be a port number (0-65535), got "abc"'],
    ['PORT', '65536', 'PORT must be a port number (0-65535), got "65536"'],
    ['ONEDOOR_TEMPORAL_PORT', '-1', 'ONEDOOR_TEMPORAL_PORT must be a port number (0-65535), got "-1"'],
    ['ONEDOOR_TEMPORAL_UI_PORT', '80.5', 'ONEDOOR_TEMPORAL_UI_PORT must be a port number (0-65535), got "80.5"'],
    ['ONEDOOR_MONGO_PORT', 'mongo', 'ONEDOOR_MONGO_PORT must be a port number (0-65535), got "mongo"'],
    ['ONEDOOR_WORKER_HEALTH_PORT', 'x', 'ONEDOOR_WORKER_HEALTH_PORT must be a port number (0-65535), got "x"'],
    ['ONEDOOR_TIME_SCALE', 'abc', 'ONEDOOR_TIME_SCALE must be a positive number, got "abc"'],
    ['ONEDOOR_TIME_SCALE', '0', 'ONEDOOR_TIME_SCALE must be a positive number, got "0"'],
    ['ONEDOOR_TIME_SCALE', 'Infinity', 'ONEDOOR_TIME_SCALE must be a positive number, got "Infinity"'],
    ['ONEDOOR_TIME_ZONE', 'Zhangzhou', 'ONEDOOR_TIME_ZONE must be a time zone name such as Asia/Shanghai, got "Zhangzhou"'],
    ['ONEDOOR_REQUEST_TIMEOUT_MS', '0', 'ONEDOOR_REQUEST_TIMEOUT_MS must be a positive whole number of milliseconds, got "0"'],
    ['ONEDOOR_REQUEST_TIMEOUT_MS', '1.5', 'ONEDOOR_REQUEST_TIMEOUT_MS must be a positive whole number of milliseconds, got "1.5"'],
    ['ONEDOOR_MAX_CACHED_WORKFLOWS', '-1', 'ONEDOOR_MAX_CACHED_WORKFLOWS must be a whole number, got "-1"'],
    ['ONEDOOR_MAX_CACHED_WORKFLOWS', 'many', 'ONEDOOR_MAX_CACHED_WORKFLOWS must be a whole number, got "many"'],
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"'],
    ['LOG_LEVEL', 'INFO', 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "INFO"'],
    ['TEMPORAL_UI_URL', 'localhost:8080', 'TEMPORAL_UI_URL must be an http:// or https:// address, got "localhost:8080"'],
  ])('refuses %s=%j, saying what it must be', (name, value, message) => {
    expect(problemsOf({ [name]: value })).toEqual([message]);
  });

  it.each([
    ['ONEDOOR_JWT_SECRET', 'short-secret', 'ONEDOOR_JWT_SECRET must be at least 16 characters'],
    ['ONEDOOR_PAYLOAD_KEYS', 'k1:c2hvcnQ=', 'ONEDOOR_PAYLOAD_KEYS key "k1" must be 32 bytes in base64 (openssl rand -base64 32), got 5'],
    ['ONEDOOR_PAYLOAD_KEYS', 'c2hvcnQ=', 'ONEDOOR_PAYLOAD_KEYS entry 1 must start with a key id of letters, digits, "-" or "_" and a colon'],
    ['ONEDOOR_PAYLOAD_KEYS', ' ,, ', 'ONEDOOR_PAYLOAD_KEYS names no key; expected id:base64key[,id:base64key…]'],
    ['MONGODB_URI', 'http://admin:hunter2@db', 'MONGODB_URI must be a connection string starting with mongodb:// or mongodb+srv://'],
  ])('refuses %s=%j without repeating the secret', (name, value, message) => {
    const [problem] = problemsOf({ [name]: value });
    expect(problem).toBe(message);
    expect(problem).not.toContain(value);
  });

  it('reports every bad variable at once, one line each, in the order of the table', () => {
    const problems = problemsOf({
      ONEDOOR_TIME_SCALE: 'abc',
      PORT: 'x',
      LOG_LEVEL: 'loud',
      ONEDOOR_JWT_SECRET: 'short',
      ONEDOOR_REQUEST_TIMEOUT_MS: '-5',
      TEMPORAL_NAMESPACE: 'fine',
    });
    expect(problems).toEqual([
      'PORT must be a port number (0-65535), got "x"',
      'ONEDOOR_TIME_SCALE must be a positive number, got "abc"',
      'ONEDOOR_JWT_SECRET must be at least 16 characters',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'ONEDOOR_REQUEST_TIMEOUT_MS must be a positive whole number of milliseconds, got "-5"',
    ]);
  });

  it('ignores variables that are not its own', () => {
    expect(loadConfig({ HOME: '/root', ONEDOOR_FAULTS: 'full', PATH: '/bin' })).toEqual(loadConfig({}));
  });
});

describe('production (NODE_ENV=production)', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  const dataDir = (): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-config-'));
    dirs.push(dir);
    return dir;
  };

  it('refuses to make development secrets, with the messages it always gave', () => {
    const ONEDOOR_DATA_DIR = dataDir();
    // Loading succeeds: commands that need no secret (bundle, payload-key) still run in production.
    const config = loadConfig({ NODE_ENV: 'production', ONEDOOR_DATA_DIR });
    expect(() => resolveJwtSecret(config)).toThrow('ONEDOOR_JWT_SECRET must be set in production');
    expect(() => resolvePayloadKeys(config)).toThrow('ONEDOOR_PAYLOAD_KEYS must be set in production (id:base64key; see docs/deploy.md)');
    expect(fs.readdirSync(ONEDOOR_DATA_DIR)).toEqual([]);
  });

  it('takes the secrets from the environment', () => {
    const config = loadConfig({ NODE_ENV: 'production', ONEDOOR_DATA_DIR: dataDir(), ONEDOOR_JWT_SECRET: 'a-secret-of-enough-length', ONEDOOR_PAYLOAD_KEYS: PAYLOAD_KEY });
    expect(resolveJwtSecret(config)).toBe('a-secret-of-enough-length');
    expect(resolvePayloadKeys(config).current.id).toBe('k1');
  });

  it('refuses in production the placeholder secret an older docker-compose.yml printed', () => {
    const config = loadConfig({ NODE_ENV: 'production', ONEDOOR_DATA_DIR: dataDir(), ONEDOOR_JWT_SECRET: 'change-me-to-a-long-random-secret' });
    expect(() => resolveJwtSecret(config)).toThrow(/published placeholder/);
  });

  it('turns development sign-in off, and only production does', () => {
    expect(devSignInEnabled(loadConfig({ NODE_ENV: 'production' }))).toBe(false);
    expect(devSignInEnabled(loadConfig({ NODE_ENV: 'development' }))).toBe(true);
    expect(devSignInEnabled(loadConfig({}))).toBe(true);
  });

  it('lets ONEDOOR_WORKFLOW_BUNDLE name the worker’s bundle, in production or not', () => {
    expect(configuredWorkflowBundle(loadConfig({ ONEDOOR_WORKFLOW_BUNDLE: '/b.js' }))).toEqual({ codePath: '/b.js' });
    expect(configuredWorkflowBundle(loadConfig({ ONEDOOR_WORKFLOW_BUNDLE: '/b.js', NODE_ENV: 'production' }))).toEqual({ codePath: '/b.js' });
    expect(configuredWorkflowBundle(loadConfig({}))).toBeUndefined();
  });
});

describe('onedoor with a bad environment', () => {
  it('prints every bad variable and nothing else, and exits non-zero before starting anything', () => {
    const data = fs.mkdtempSync(path.join(os.tmpdir(), 'onedoor-config-cli-'));
    try {
      const result = spawnSync(process.execPath, [path.join(ROOT, 'bin/onedoor.js'), 'up'], {
        env: { ...process.env, ONEDOOR_DATA_DIR: data, ONEDOOR_TIME_SCALE: 'abc', PORT: 'x' },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toBe('PORT must be a port number (0-65535), got "x"\nONEDOOR_TIME_SCALE must be a positive number, got "abc"\n');
      expect(result.stdout).toBe('');
      expect(fs.readdirSync(data)).toEqual([]);
    } finally {
      fs.rmSync(data, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('README.md', () => {
  /** The configuration table's rows: the variables of each, and its default as written. */
  function configurationTable(): { names: string[]; fallback: string }[] {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('| variable | default | meaning |'));
    const rows = section.slice(0, section.indexOf('\n\n')).split('\n').slice(2);
    return rows.map((row) => {
      const [names = '', fallback = ''] = row.split(' | ').map((cell) => cell.replace(/^\| /, ''));
      return { names: [...names.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1] as string), fallback };
    });
  }

  it('lists exactly the variables onedoor reads, in the same order', () => {
    expect(configurationTable().flatMap((row) => row.names)).toEqual(ENVIRONMENT_VARIABLES);
  });

  it('gives each variable the default the schema has', () => {
    for (const { names, fallback } of configurationTable()) {
      for (const name of names) {
        const value: unknown = environmentSchema.shape[name as keyof typeof environmentSchema.shape].parse(undefined);
        // A variable without a default in the schema (off when unset, or made from others) is described in words.
        if (value === undefined) continue;
        expect(fallback, name).toMatch(/^`[^`]+`$/);
        // Paths as README writes them: ./.data is .data.
        expect(path.normalize(fallback.slice(1, -1)), name).toBe(String(value));
      }
    }
  });
});

describe('the sources', () => {
  /**
   * Settings come from src/config.ts only. What remains is the environment as a
   * whole, handed to child processes, and the toolchain's own variables, which
   * onedoor passes on to `go` without interpreting them.
   */
  const ALLOWED = new Map([
    ['src/config.ts', ['process.env']],
    ['src/services/binaries.ts', ['process.env.PATH', 'process.env.GOTOOLCHAIN', 'process.env']],
    ['src/services/managed-process.ts', ['process.env']],
    ['src/services/stack.ts', ['process.env']],
    // The environment apt-get runs in, passed on whole.
    ['src/setup/machine.ts', ['process.env']],
  ]);

  it('read no setting from process.env outside src/config.ts', () => {
    const found = new Map<string, string[]>();
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
        const rel = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(rel);
        else if (/\.(ts|js)$/.test(entry.name)) {
          const reads = [...fs.readFileSync(path.join(ROOT, rel), 'utf8').matchAll(/process\.env(\.[A-Z_][A-Z0-9_]*|\[)?/g)].map((m) => m[0]);
          if (reads.length > 0) found.set(rel, [...new Set(reads)].sort());
        }
      }
    };
    for (const dir of ['src', 'workflows', 'activities', 'bin']) walk(dir);
    expect(Object.fromEntries(found)).toEqual(Object.fromEntries([...ALLOWED].map(([file, reads]) => [file, [...reads].sort()])));
  });
});

describe('ONEDOOR_TRUST_PROXY', () => {
  it('takes hops or addresses, never "trust everyone"', () => {
    expect(loadConfig({ ONEDOOR_TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
    expect(() => loadConfig({ ONEDOOR_TRUST_PROXY: 'true' })).toThrow(/ONEDOOR_TRUST_PROXY must be a number of proxy hops/);
  });
});
