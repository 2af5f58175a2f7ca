// Staff single sign-on through a real OpenID Connect provider (oidc-provider, run in
// the test): the browser's whole round trip, followed redirect by redirect with a
// cookie jar, through the provider's own login and consent pages and back.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { startApiEnv, tokenForNewPerson, TEST_SECRET, type ApiEnv } from './helpers';
import { uniqueId } from '../helpers/temporal';
import { listenOidcProvider, OIDC_CLIENT, type TestProvider } from '../helpers/oidc-provider';
import { loadConfig } from '../../src/config';
import { createApp } from '../../src/api/app';
import { SESSION_COOKIE } from '../../src/auth/sessions';
import { OIDC_COOKIE } from '../../src/api/session/oidc';

const CALLBACK = '/api/v1/session/oidc/callback';

let api: ApiEnv;
let provider: TestProvider;
let server: http.Server;
let base: string;

async function listen(handler?: http.RequestListener): Promise<http.Server> {
  const s = http.createServer(handler);
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', () => resolve()));
  return s;
}
const portOf = (s: http.Server) => (s.address() as AddressInfo).port;
const close = (s: http.Server) =>
  new Promise<void>((resolve) => {
    s.closeAllConnections();
    s.close(() => resolve());
  });

beforeAll(async () => {
  // onedoor listens first (its public address is in the provider's client registration), the provider next.
  server = await listen();
  base = `http://127.0.0.1:${portOf(server)}`;
  provider = await listenOidcProvider();
  api = await startApiEnv('api-oidc', { publicUrl: base, oidc: { issuer: provider.issuer, clientId: OIDC_CLIENT.id, clientSecret: OIDC_CLIENT.secret, claim: 'preferred_username' } });
  server.on('request', api.app);
  provider.serve(`${base}${CALLBACK}`);
});
afterAll(async () => {
  if (server) await close(server);
  await provider?.close();
  await api?.stop();
});

/** Cookies by host, as a browser keeps them (paths and expiry beyond deletion ignored). */
class CookieJar {
  private readonly byHost = new Map<string, Map<string, string>>();
  readonly setCookies: string[] = [];
  header(url: URL): string {
    return [...(this.byHost.get(url.host) ?? new Map<string, string>())].map(([name, value]) => `${name}=${value}`).join('; ');
  }
  take(url: URL, res: Response): void {
    const jar = this.byHost.get(url.host) ?? new Map<string, string>();
    this.byHost.set(url.host, jar);
    for (const line of res.headers.getSetCookie()) {
      this.setCookies.push(line);
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
  }
  get(url: string, name: string): string | undefined {
    return this.byHost.get(new URL(url).host)?.get(name);
  }
}

async function send(jar: CookieJar, url: URL, init: { method?: string; body?: URLSearchParams } = {}): Promise<Response> {
  const res = await fetch(url, { method: init.method ?? 'GET', body: init.body, redirect: 'manual', headers: { cookie: jar.header(url), ...(init.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) } });
  jar.take(url, res);
  return res;
}

/** The one form on a page of the provider: where it posts and its hidden fields. */
function formOf(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no form on the page: ${html.slice(0, 300)}`);
  const fields: Record<string, string> = {};
  for (const input of html.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1];
    if (name) fields[name] = value ?? '';
  }
  return { action: action.replace(/&amp;/g, '&'), fields };
}

interface Flow {
  jar: CookieJar;
  /** Where onedoor sent the browser first. */
  authorization: URL;
  /** Where the provider sent the browser back. */
  callback: URL;
  /** onedoor's answer at the callback. */
  answer: Response;
}

/** Start at onedoor, sign in at the provider as `login` (its dev login page, then consent), and come back. */
async function signInWithSso(login: string, options: { next?: string; alterCallback?: (callback: URL) => URL; jar?: CookieJar } = {}): Promise<Flow> {
  const jar = options.jar ?? new CookieJar();
  const start = new URL(`${base}/api/v1/session/oidc/start`);
  if (options.next !== undefined) start.searchParams.set('next', options.next);
  const started = await send(jar, start);
  expect(started.status).toBe(302);
  const authorization = new URL(started.headers.get('location') ?? '');
  let res = await send(jar, authorization);
  let at = authorization;
  for (let step = 0; step < 20; step += 1) {
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location') ?? '', at);
      if (next.origin === base && next.pathname === CALLBACK) {
        const callback = options.alterCallback ? options.alterCallback(new URL(next)) : next;
        return { jar, authorization, callback: next, answer: await send(jar, callback) };
      }
      at = next;
      res = await send(jar, at);
      continue;
    }
    expect(res.status, `at ${at.href}`).toBe(200);
    const html = await res.text();
    const form = formOf(html);
    if (html.includes('name="login"')) Object.assign(form.fields, { login, password: 'anything' });
    at = new URL(form.action, at);
    res = await send(jar, at, { method: 'POST', body: new URLSearchParams(form.fields) });
  }
  throw new Error('the provider never sent the browser back');
}

/** A staff member with a username of their own (the claim must match it). */
async function newStaff(options: { active?: boolean } = {}): Promise<string> {
  const id = uniqueId('p-sso-');
  await tokenForNewPerson(api, id, 'mediator', 'zz-pinghe-xiaoxi');
  await api.env.db.models.Person.updateOne({ _id: id }, { $set: { username: id, active: options.active ?? true } });
  return id;
}

async function sessionOf(jar: CookieJar): Promise<{ person: { id: string } | null; method: string | null }> {
  const cookie = jar.get(base, SESSION_COOKIE);
  const res = await fetch(`${base}/api/v1/session`, { headers: cookie ? { cookie: `${SESSION_COOKIE}=${cookie}` } : {} });
  return (await res.json()) as { person: { id: string } | null; method: string | null };
}

const audits = (reason: string) => api.env.db.models.Audit.find({ action: 'sign_in', 'detail.method': 'oidc', 'detail.reason': reason }).lean();

describe('single sign-on through an OpenID Connect provider', () => {
  it('offers itself on the sign-in page', async () => {
    const res = await fetch(`${base}/api/v1/session`);
    expect(((await res.json()) as { ways: { sso: boolean } }).ways.sso).toBe(true);
  });

  it('signs a staff member in: code flow with PKCE S256, state and nonce, then a cookie session as the person whose username the claim names', async () => {
    const id = await newStaff();
    const flow = await signInWithSso(id);

    expect(flow.authorization.origin).toBe(provider.issuer);
    const params = flow.authorization.searchParams;
    expect(params.get('response_type')).toBe('code');
    expect(params.get('client_id')).toBe(OIDC_CLIENT.id);
    expect(params.get('redirect_uri')).toBe(`${base}${CALLBACK}`);
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(params.get('nonce')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(params.get('scope')).toBe('openid profile');
    const transaction = flow.jar.setCookies.find((line) => line.startsWith(`${OIDC_COOKIE}=`) && !line.startsWith(`${OIDC_COOKIE}=;`));
    expect(transaction).toMatch(/HttpOnly/i);
    expect(transaction).toMatch(/SameSite=Lax/i);
    expect(transaction).toMatch(/Path=\/api\/v1\/session\/oidc/i);
    expect(flow.callback.searchParams.get('code')).toBeTruthy();

    expect(flow.answer.status).toBe(302);
    expect(flow.answer.headers.get('location')).toBe('/');
    expect(flow.jar.get(base, OIDC_COOKIE)).toBeUndefined();
    const session = await sessionOf(flow.jar);
    expect(session).toMatchObject({ person: { id }, method: 'oidc' });
    const done = await api.env.db.models.Audit.find({ action: 'sign_in', outcome: 'done', subjectId: id }).lean();
    expect(done.map((a) => a.detail)).toEqual([{ method: 'oidc', client: 'browser' }]);
  });

  it('returns to the page asked for, if it is a local path', async () => {
    const id = await newStaff();
    expect((await signInWithSso(id, { next: '/queue?view=mine' })).answer.headers.get('location')).toBe('/queue?view=mine');
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      expect((await signInWithSso(id, { next })).answer.headers.get('location'), next).toBe('/');
    }
  });

  it('refuses a username onedoor does not know: back to the sign-in page with the message, no session, an audit entry', async () => {
    const stranger = uniqueId('nobody-');
    const flow = await signInWithSso(stranger);
    expect(flow.answer.status).toBe(302);
    expect(flow.answer.headers.get('location')).toBe('/signin?sso=failed');
    expect(flow.jar.get(base, SESSION_COOKIE)).toBeUndefined();
    expect((await sessionOf(flow.jar)).person).toBeNull();
    const refused = (await audits('unknown_user')).filter((a) => (a.detail as { username?: string }).username === stranger);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ outcome: 'refused', actor: { anonymous: true } });
  });

  it('refuses a deactivated person', async () => {
    const id = await newStaff({ active: false });
    const flow = await signInWithSso(id);
    expect(flow.answer.headers.get('location')).toBe('/signin?sso=failed');
    expect(flow.jar.get(base, SESSION_COOKIE)).toBeUndefined();
    expect((await audits('inactive')).some((a) => a.subjectId === id)).toBe(true);
  });

  it('refuses a tampered state, a tampered transaction cookie, and a callback used twice', async () => {
    const id = await newStaff();
    const tampered = await signInWithSso(id, {
      alterCallback: (url) => {
        url.searchParams.set('state', `${url.searchParams.get('state') ?? ''}x`);
        return url;
      },
    });
    expect(tampered.answer.headers.get('location')).toBe('/signin?sso=failed');
    expect(tampered.jar.get(base, SESSION_COOKIE)).toBeUndefined();
    const rejected = await audits('rejected_response');
    expect(rejected.map((a) => String((a.detail as { error?: string }).error))).toContainEqual(expect.stringMatching(/state/i));

    // The transaction cookie, changed by one character, no longer opens.
    const jar = new CookieJar();
    const forged = await signInWithSso(id, {
      jar,
      alterCallback: (url) => {
        const sealed = jar.get(base, OIDC_COOKIE) ?? '';
        const [payload = ''] = sealed.split('.');
        const changed = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), next: '/dashboard' })).toString('base64url');
        jar.take(new URL(base), new Response(null, { headers: { 'set-cookie': `${OIDC_COOKIE}=${changed}.${sealed.split('.')[1] ?? ''}` } }));
        return url;
      },
    });
    expect(forged.answer.headers.get('location')).toBe('/signin?sso=failed');
    expect(forged.jar.get(base, SESSION_COOKIE)).toBeUndefined();

    const ok = await signInWithSso(id);
    expect(ok.answer.headers.get('location')).toBe('/');
    const again = await send(ok.jar, ok.callback);
    expect(again.headers.get('location')).toBe('/signin?sso=failed');
    expect((await audits('no_transaction')).length).toBeGreaterThan(0);
  });

  it('never shows the provider’s error: a denied or broken answer lands on the sign-in page', async () => {
    const jar = new CookieJar();
    const started = await send(jar, new URL(`${base}/api/v1/session/oidc/start`));
    const state = new URL(started.headers.get('location') ?? '').searchParams.get('state') ?? '';
    const denied = await send(jar, new URL(`${base}${CALLBACK}?error=access_denied&state=${state}&iss=${encodeURIComponent(provider.issuer)}`));
    expect(denied.status).toBe(302);
    expect(denied.headers.get('location')).toBe('/signin?sso=failed');
    expect(await denied.text()).not.toMatch(/at .*\.ts|Error/);
  });
});

describe('a provider that cannot be reached', () => {
  it('sends the browser back to the sign-in page with the message and writes a log line', async () => {
    const gone = await listen();
    const port = portOf(gone);
    await close(gone);
    const lines: string[] = [];
    const logger = (await import('pino')).pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    const app = createApp({
      config: { ...loadConfig(), jwtSecret: TEST_SECRET, logLevel: 'silent', oidc: { issuer: `http://127.0.0.1:${port}`, clientId: 'x', clientSecret: 'y', claim: 'preferred_username' } },
      db: api.env.db,
      temporal: api.env.temporal,
      logger,
    });
    const res = await request(app).get('/api/v1/session/oidc/start');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/signin?sso=failed');
    expect(lines.some((line) => line.includes('single sign-on could not start') && line.includes(`127.0.0.1:${port}`))).toBe(true);
  });
});

describe('without single sign-on configured', () => {
  it('answers 404 with a message in Chinese and English on both routes, and the sign-in page does not offer it', async () => {
    const app = createApp({ config: { ...loadConfig(), jwtSecret: TEST_SECRET, logLevel: 'silent' }, db: api.env.db, temporal: api.env.temporal });
    for (const path of ['/api/v1/session/oidc/start', CALLBACK]) {
      const res = await request(app).get(path);
      expect(res.status, path).toBe(404);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body.message.zh).toContain('统一身份认证');
      expect(res.body.message.en).toContain('Single sign-on');
    }
    expect((await request(app).get('/api/v1/session')).body.ways.sso).toBe(false);
  });
});
