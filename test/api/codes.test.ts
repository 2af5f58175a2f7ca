// Residents sign in with a phone number and a one-time code: through the development
// outbox, and through the HTTP SMS adapter to a provider run inside the test.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { bearer, startApiEnv, TEST_SECRET, tokenFor, type ApiEnv } from './helpers';
import { loadConfig } from '../../src/config';
import { createApp } from '../../src/api/app';
import { HttpSmsGateway, renderSmsBody } from '../../src/delivery/sms';

let api: ApiEnv;
beforeAll(async () => {
  api = await startApiEnv('api-codes');
});
afterAll(async () => {
  await api?.stop();
});

let serial = 0;
const newNumber = () => `137${String(Date.now() % 1e6).padStart(6, '0')}${String((serial += 1) % 100).padStart(2, '0')}`;

async function requestCode(phone: string, app = api.app) {
  return request(app).post('/api/v1/session/code/request').send({ phone });
}

async function codeSentTo(phone: string): Promise<string> {
  const message = await api.env.db.models.SmsMessage.findOne({ to: phone }).sort({ sentAt: -1 }).lean();
  const code = /(\d{6})/.exec(message?.text ?? '')?.[1];
  if (!code) throw new Error(`no code sent to ${phone}`);
  return code;
}

const signIn = (phone: string, code: string) => request(api.app).post('/api/v1/session/code').send({ phone, code, client: 'api' });

describe('a resident with a code from the development outbox', () => {
  it('signs in, is registered once, and a second sign-in finds the same resident', async () => {
    const phone = newNumber();
    const sent = await requestCode(`+86 ${phone.slice(0, 3)} ${phone.slice(3)}`);
    expect(sent.status).toBe(202);
    expect(sent.body.sentTo).toBe(`${phone.slice(0, 3)}****${phone.slice(-4)}`);
    const text = (await api.env.db.models.SmsMessage.findOne({ to: phone }).lean())?.text ?? '';
    expect(text).toContain('验证码');
    const first = await signIn(phone, await codeSentTo(phone));
    expect(first.status).toBe(200);
    expect(first.body.person).toMatchObject({ role: 'resident' });
    expect((await request(api.app).get('/api/v1/cases').set(...bearer(first.body.token))).status).toBe(200);

    await requestCode(phone);
    const again = await signIn(phone, await codeSentTo(phone));
    expect(again.body.person.id).toBe(first.body.person.id);
  });

  it('a seeded resident’s number signs in as that resident and lists their cases', async () => {
    const seeded = await api.env.db.models.Person.findById('p-dongmen-resident').lean();
    await requestCode(seeded!.phone as string);
    const res = await signIn(seeded!.phone as string, await codeSentTo(seeded!.phone as string));
    expect(res.body.person.id).toBe('p-dongmen-resident');
  });

  it('a code works once', async () => {
    const phone = newNumber();
    await requestCode(phone);
    const code = await codeSentTo(phone);
    expect((await signIn(phone, code)).status).toBe(200);
    const reused = await signIn(phone, code);
    expect(reused.status).toBe(401);
    expect(reused.body.message.en).toContain('no valid code');
  });

  it('an expired code is refused and says to ask for a new one', async () => {
    const phone = newNumber();
    await requestCode(phone);
    const code = await codeSentTo(phone);
    await api.env.db.models.SignInCode.updateOne({ _id: phone }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    const res = await signIn(phone, code);
    expect(res.status).toBe(401);
    expect(res.body.message).toEqual({ zh: '验证码已过期，请重新获取。', en: 'The code has expired: ask for a new one.' });
  });

  it('five wrong guesses end the code, even for the right one after', async () => {
    const phone = newNumber();
    await requestCode(phone);
    const code = await codeSentTo(phone);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 4; i += 1) expect((await signIn(phone, wrong)).body.message.en).toContain('wrong');
    expect((await signIn(phone, wrong)).body.message.en).toContain('Too many wrong tries');
    const before = await api.env.db.models.Session.countDocuments({ method: 'code' });
    const right = await signIn(phone, code);
    expect(right.status).toBe(401);
    expect(await api.env.db.models.Session.countDocuments({ method: 'code' })).toBe(before);
  });

  it('a flood of code requests for one number is stopped after five an hour, with Retry-After', async () => {
    const phone = newNumber();
    for (let i = 0; i < 5; i += 1) expect((await requestCode(phone)).status).toBe(202);
    const flood = await requestCode(phone);
    expect(flood.status).toBe(429);
    expect(Number(flood.headers['retry-after'])).toBeGreaterThan(60);
    expect(flood.body.message.zh).toContain('过于频繁');
    expect(await api.env.db.models.SmsMessage.countDocuments({ to: phone })).toBe(5);
  });

  it('bad numbers and codes get 400 naming the field', async () => {
    expect((await requestCode('12')).body.errors[0].name).toBe('body.phone');
    const res = await request(api.app).post('/api/v1/session/code').send({ phone: newNumber(), code: '12ab' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].name).toBe('body.code');
  });
});

describe('a resident sees the cases filed with their number', () => {
  it('including one a grid worker filed for them before they ever signed in', async () => {
    const phone = newNumber();
    const filed = await request(api.app)
      .post('/api/v1/cases')
      .set(...bearer(tokenFor('p-dongmen-grid')))
      .send({ category: 'neighbour_dispute', title: '邻里漏水纠纷', description: '楼上漏水，协商未果', channel: 'grid', location: { centreId: 'zz-pinghe-xiaoxi-dongmen', address: '5 号楼' }, complainant: { name: '陈阿婆', phone: `${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}` } });
    expect(filed.status).toBe(201);
    await requestCode(`+86${phone}`);
    const resident = (await signIn(phone, await codeSentTo(phone))).body.token as string;
    await expect
      .poll(async () => (await request(api.app).get('/api/v1/cases').set(...bearer(resident))).body.items.map((c: { id: string }) => c.id), { timeout: 15_000 })
      .toContain(filed.body.id);
    const page = await request(api.app).get(`/api/v1/cases/${filed.body.id}`).set(...bearer(resident));
    expect(page.status).toBe(200);
    expect(page.body.complainant.phone.replace(/\s/g, '')).toBe(phone);

    const someoneElse = newNumber();
    await requestCode(someoneElse);
    const other = (await signIn(someoneElse, await codeSentTo(someoneElse))).body.token as string;
    expect((await request(api.app).get(`/api/v1/cases/${filed.body.id}`).set(...bearer(other))).status).toBe(404);
    expect((await request(api.app).get('/api/v1/cases').set(...bearer(other))).body.items).toEqual([]);
  });
});

describe('the HTTP SMS adapter', () => {
  it('posts the configured template with the bearer token to the provider, and the code it carries signs in', async () => {
    const received: { auth?: string; body: string }[] = [];
    const provider = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        received.push({ auth: req.headers.authorization, body });
        res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"code":"OK"}');
      });
    });
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
    const { port } = provider.address() as AddressInfo;
    try {
      const app = createApp({
        config: { ...loadConfig(), jwtSecret: TEST_SECRET, logLevel: 'silent', signInRatePerMinute: 0, smsUrl: `http://127.0.0.1:${port}/send`, smsToken: 'provider-token', smsTemplate: '{"mobile":"{{to}}","content":"{{text}}","sign":"一门通"}' },
        db: api.env.db,
        temporal: api.env.temporal,
      });
      const phone = newNumber();
      expect((await requestCode(phone, app)).status).toBe(202);
      expect(received).toHaveLength(1);
      expect(received[0]?.auth).toBe('Bearer provider-token');
      const body = JSON.parse(received[0]?.body ?? '{}') as { mobile: string; content: string; sign: string };
      expect(body).toMatchObject({ mobile: phone, sign: '一门通' });
      expect(await api.env.db.models.SmsMessage.countDocuments({ to: phone })).toBe(0);
      const code = /(\d{6})/.exec(body.content)?.[1] as string;
      expect((await request(app).post('/api/v1/session/code').send({ phone, code })).status).toBe(200);
    } finally {
      await new Promise<void>((resolve) => provider.close(() => resolve()));
    }
  });

  it('a provider that refuses the message gives 503 and no sign-in', async () => {
    const provider = http.createServer((_req, res) => res.writeHead(500).end());
    await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
    const { port } = provider.address() as AddressInfo;
    try {
      await expect(new HttpSmsGateway({ url: `http://127.0.0.1:${port}/`, template: '{"to":"{{to}}","text":"{{text}}"}' }).send('13800000000', 'x')).rejects.toThrow(/answered 500/);
    } finally {
      await new Promise<void>((resolve) => provider.close(() => resolve()));
    }
  });

  it('escapes the text into the JSON template', () => {
    expect(JSON.parse(renderSmsBody('{"to":"{{to}}","text":"{{text}}"}', '138', 'a "quoted"\nline'))).toEqual({ to: '138', text: 'a "quoted"\nline' });
  });
});
