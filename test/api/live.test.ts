// Live queues: a real HTTP server and a streaming fetch that reads Server-Sent Events as
// EventSource does. A case filed by someone else is announced (id, stage, centre, status:
// nothing personal) to the staff who may see it, with the count waiting for them; a
// reconnect with Last-Event-ID learns it missed changes; heartbeats; the stream ends with
// the sign-in; streams per process are bounded and freed on disconnect.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { bearer, startApiEnv, tokenFor, type ApiEnv } from './helpers';
import { eventually } from '../helpers/temporal';
import { DEMO_PASSWORD } from '../../src/db/seed';
import type { OnedoorApp } from '../../src/api/app';

let api: ApiEnv;
let server: Server;
let base = '';

beforeAll(async () => {
  api = await startApiEnv('api-live', { liveStreams: 3, liveHeartbeatMs: 1000 });
  server = createServer(api.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${address && typeof address === 'object' ? address.port : 0}`;
});
afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await api?.stop();
});

interface SseEvent {
  event: string;
  id: string | null;
  data: string;
}

/** One open stream, parsed the way EventSource parses it (events, ids, comments). */
class Stream {
  readonly events: SseEvent[] = [];
  comments = 0;
  ended = false;
  private readonly abort = new AbortController();
  private constructor(readonly status: number, readonly headers: Headers) {}

  static async open(headers: Record<string, string>): Promise<Stream> {
    const abort = new AbortController();
    const res = await fetch(`${base}/api/v1/live/cases`, { headers: { Accept: 'text/event-stream', ...headers }, signal: abort.signal });
    const stream = new Stream(res.status, res.headers);
    (stream as unknown as { abort: AbortController }).abort = abort;
    if (res.status === 200 && res.body) void stream.read(res.body);
    return stream;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          this.parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch {
      // aborted
    }
    this.ended = true;
  }

  private parse(block: string): void {
    const event: SseEvent = { event: 'message', id: null, data: '' };
    let fields = 0;
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) {
        this.comments += 1;
        continue;
      }
      const [name, ...rest] = line.split(':');
      const value = rest.join(':').replace(/^ /, '');
      if (name === 'event') event.event = value;
      else if (name === 'id') event.id = value;
      else if (name === 'data') event.data += value;
      else continue;
      fields += 1;
    }
    if (fields > 0 && event.data !== '') this.events.push(event);
  }

  named(name: string): Record<string, unknown>[] {
    return this.events.filter((e) => e.event === name).map((e) => JSON.parse(e.data) as Record<string, unknown>);
  }

  close(): void {
    this.abort.abort();
  }
}

async function fileCase(personId: string, village: string, title: string): Promise<string> {
  const res = await request(api.app)
    .post('/api/v1/cases')
    .set(...bearer(tokenFor(personId)))
    .send({ category: 'public_facility_hazard', title, description: '路灯不亮，夜间行人看不清路面。', channel: 'app', location: { centreId: village, address: '村口' }, complainant: { name: '黄丽娟', phone: '13700009876' } });
  expect(res.status).toBe(201);
  return res.body.id as string;
}

async function signIn(username: string): Promise<{ cookie: string; csrf: string }> {
  const res = await request(api.app).post('/api/v1/session/password').send({ username, password: DEMO_PASSWORD });
  expect(res.status).toBe(200);
  const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
  return { cookie, csrf: res.body.csrfToken as string };
}

describe('who may open a live queue', () => {
  it('nobody signed in: 401; a resident: 403 in both languages; without Accept: text/event-stream: 406', async () => {
    const anonymous = await fetch(`${base}/api/v1/live/cases`, { headers: { Accept: 'text/event-stream' } });
    expect(anonymous.status).toBe(401);
    const resident = await fetch(`${base}/api/v1/live/cases`, { headers: { Accept: 'text/event-stream', Authorization: `Bearer ${tokenFor('p-dongmen-resident')}` } });
    expect(resident.status).toBe(403);
    expect(((await resident.json()) as { message: { zh: string } }).message.zh).toContain('工作人员');
    const plain = await request(api.app).get('/api/v1/live/cases').set(...bearer(tokenFor('p-dongmen-admin')));
    expect(plain.status).toBe(406);
    expect(plain.body.message.en).toMatch(/event stream/);
  });
});

/** What the badge should say now, as the list reads it: open cases at the village not yet accepted there. */
async function waitingAtVillage(): Promise<number> {
  const count = async (stage: string) =>
    (await request(api.app).get('/api/v1/cases').query({ stage, status: 'open', centreId: 'zz-pinghe-xiaoxi-dongmen', pageSize: 1 }).set(...bearer(tokenFor('p-dongmen-admin')))).body.total as number;
  const [intake, escalation] = await Promise.all([count('intake'), count('escalation')]);
  return intake + escalation;
}

describe('a village administrator’s live queue, signed in with the session cookie', () => {
  let stream: Stream;
  let session: { cookie: string; csrf: string };
  let here = '';

  it('opens with the position, nothing missed, and how many cases wait for the village to accept', async () => {
    session = await signIn('p-dongmen-admin');
    stream = await Stream.open({ Cookie: session.cookie });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(stream.headers.get('x-accel-buffering')).toBe('no');
    expect(stream.headers.get('cache-control')).toMatch(/no-cache/);
    const ready = await eventually(async () => stream.named('ready')[0]);
    expect(ready).toMatchObject({ missed: false });
    expect(typeof ready.waiting).toBe('number');
  });

  it('a case another county files is not told; one a grid worker files in the village is, without personal data, and the count goes up', async () => {
    const elsewhere = await fileCase('p-shicuo-grid', 'zz-tiz-jiaomei-shicuo', '石厝村路灯损坏');
    await eventually(async () => (await request(api.app).get('/api/v1/cases').query({ q: '石厝村路灯损坏' }).set(...bearer(tokenFor('p-shicuo-admin')))).body.total > 0);
    here = await fileCase('p-dongmen-grid', 'zz-pinghe-xiaoxi-dongmen', '东门社区路灯损坏');
    const told = await eventually(async () => stream.named('case').find((e) => e.id === here));
    expect(told).toEqual({ id: here, stage: 'intake', centreId: 'zz-pinghe-xiaoxi-dongmen', status: 'open' });
    expect(stream.named('case').some((e) => e.id === elsewhere)).toBe(false);
    // Other test files may file cases in the same village meanwhile: the count agrees with the list once things settle.
    await eventually(async () => {
      const told = stream.named('waiting').at(-1)?.waiting;
      return told !== undefined && told === (await waitingAtVillage());
    });
    expect(stream.events.map((e) => e.data).join('')).not.toMatch(/13700009876|黄丽娟|路灯/);
  });

  it('an accepted case moves: told again, and the count goes back down', async () => {
    const told = () => stream.named('waiting').length;
    const before = told();
    const res = await request(api.app).post(`/api/v1/cases/${here}/actions`).set(...bearer(tokenFor('p-dongmen-admin'))).send({ type: 'accept' });
    expect(res.status).toBe(200);
    await eventually(async () => stream.named('case').find((e) => e.id === here && e.stage === 'risk_assessment'));
    await eventually(async () => told() > before && stream.named('waiting').at(-1)?.waiting === (await waitingAtVillage()));
  });

  it('sends heartbeats, and ends when the person signs out', async () => {
    await eventually(async () => stream.comments >= 1);
    const out = await request(api.app).post('/api/v1/session/sign-out').set('Cookie', session.cookie).set('X-CSRF-Token', session.csrf);
    expect(out.status).toBe(204);
    await eventually(async () => stream.ended);
    expect(stream.named('end')).toEqual([{ reason: 'signed_out' }]);
  });
});

describe('reconnecting', () => {
  it('with a Last-Event-ID behind the current position, the stream says changes were missed (the list reloads)', async () => {
    const filed = await fileCase('p-dongmen-grid', 'zz-pinghe-xiaoxi-dongmen', '东门社区井盖缺失');
    await eventually(async () => (await request(api.app).get('/api/v1/cases').query({ q: '东门社区井盖缺失' }).set(...bearer(tokenFor('p-dongmen-admin')))).body.items.some((c: { id: string }) => c.id === filed));
    const first = await Stream.open({ Authorization: `Bearer ${tokenFor('p-dongmen-admin')}` });
    const ready = await eventually(async () => first.events.find((e) => e.event === 'ready'));
    first.close();
    const position = Number(ready.id);
    expect(position).toBeGreaterThan(0);
    const again = await Stream.open({ Authorization: `Bearer ${tokenFor('p-dongmen-admin')}`, 'Last-Event-ID': String(position - 1) });
    expect((await eventually(async () => again.named('ready')[0])).missed).toBe(true);
    again.close();
    const current = await Stream.open({ Authorization: `Bearer ${tokenFor('p-dongmen-admin')}`, 'Last-Event-ID': String(position + 1_000_000) });
    expect((await eventually(async () => current.named('ready')[0])).missed).toBe(false);
    current.close();
  });
});

describe('streams per process', () => {
  it('past the limit a new stream gets 503 with Retry-After; closing one frees its place', async () => {
    const open: Stream[] = [];
    // Earlier streams of this file may still be closing: wait until three open at once.
    await eventually(async () => {
      const stream = await Stream.open({ Authorization: `Bearer ${tokenFor('p-xiaoxi-admin')}` });
      if (stream.status === 200) open.push(stream);
      return open.length === 3;
    });
    const refused = await fetch(`${base}/api/v1/live/cases`, { headers: { Accept: 'text/event-stream', Authorization: `Bearer ${tokenFor('p-xiaoxi-admin')}` } });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    open.shift()?.close();
    const later = await eventually(async () => {
      const stream = await Stream.open({ Authorization: `Bearer ${tokenFor('p-xiaoxi-admin')}` });
      return stream.status === 200 ? stream : null;
    });
    later.close();
    for (const stream of open) stream.close();
  });
});

describe('shutting down', () => {
  it('ends every open stream at once, so browsers reconnect elsewhere', async () => {
    // The earlier tests' streams may still be closing: wait for a place.
    const stream = await eventually(async () => {
      const opened = await Stream.open({ Authorization: `Bearer ${tokenFor('p-dongmen-admin')}` });
      return opened.status === 200 ? opened : null;
    });
    await eventually(async () => stream.named('ready')[0]);
    (api.app as OnedoorApp).locals.liveStreams.closeAll();
    await eventually(async () => stream.ended);
    expect((api.app as OnedoorApp).locals.liveStreams.size).toBe(0);
  });
});
