/**
 * Notifications delivered, end to end on the real servers: cases write the outbox, the
 * worker's delivery workflows send through a real SMTP server and real webhook
 * receivers run here, the inbox reads them, and staff see each delivery on the case.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/auth/tokens';
import { verifyWebhookSignature } from '../../src/delivery/webhook';
import { temporalDeliveryStarter } from '../../src/delivery/starter';
import { loadConfig } from '../../src/config';
import { bearer, startApiEnv, TEST_SECRET, tokenFor, type ApiEnv } from './helpers';
import { eventually, uniqueId } from '../helpers/temporal';
import { startSmtpReceiver, startWebhookReceiver, type SmtpReceiver, type WebhookReceiver } from '../helpers/receivers';

const GOOD_SECRET = 'good-receiver-secret-0123456789';
const DOWN_SECRET = 'down-receiver-secret-0123456789';
const PUBLIC_URL = 'https://onedoor.example.gov.cn';
const VILLAGE = 'zz-tiz-jiaomei-shicuo';

let api: ApiEnv;
let smtp: SmtpReceiver;
let good: WebhookReceiver;
let down: WebhookReceiver;

/** A resident of the test's own making, with an e-mail address and a language. */
async function resident(language: 'zh' | 'en', channels: ('sms' | 'email')[] | null): Promise<{ id: string; email: string; token: string }> {
  const id = uniqueId('p-notify-');
  const email = `${id}@example.test`;
  await api.env.db.models.Person.collection.insertOne({ _id: id as never, name: `Resident ${id.slice(-4)}`, role: 'resident', centreId: 'zz', centrePath: ['zz'], specialties: [], title: null, phone: null, departmentId: null, active: true, username: null, email, language, ...(channels ? { channels } : {}), updatedAt: null });
  return { id, email, token: signToken(TEST_SECRET, { sub: id, role: 'resident', centreId: 'zz' }) };
}

async function report(token: string, phone: string): Promise<{ id: string; caseNumber: string }> {
  const res = await request(api.app)
    .post('/api/v1/cases')
    .set(...bearer(token))
    .send({ category: 'neighbour_dispute', title: '楼上深夜噪音', description: '楼上住户每晚十二点后仍大声放音乐。', channel: 'app', location: { centreId: VILLAGE, address: '石厝村 5 号' }, complainant: { name: '陈丽', phone } });
  expect(res.status).toBe(201);
  return { id: res.body.id as string, caseNumber: res.body.caseNumber as string };
}

beforeAll(async () => {
  [smtp, good, down] = await Promise.all([startSmtpReceiver(), startWebhookReceiver(GOOD_SECRET), startWebhookReceiver(DOWN_SECRET, 503)]);
  const config = loadConfig();
  api = await startApiEnv(
    'notify',
    {},
    {
      delivery: {
        ...config,
        smsUrl: undefined,
        production: false,
        smtpUrl: smtp.url,
        mailFrom: 'onedoor <no-reply@example.test>',
        publicUrl: PUBLIC_URL,
        webhooks: [
          { name: 'police', url: good.url, secret: GOOD_SECRET },
          { name: 'petitions', url: down.url, secret: DOWN_SECRET, kinds: ['case_received'] },
        ],
        // Short waits so the failing receiver's attempts run out within the test.
        deliveryRetry: { maximumAttempts: 3, initialIntervalSeconds: 0.2, maxIntervalSeconds: 0.4 },
      },
    },
  );
}, 120_000);

afterAll(async () => {
  await api?.stop();
  await Promise.all([smtp?.close(), good?.close(), down?.close()]);
});

describe('delivering the outbox', () => {
  it('e-mails the case number in the resident\'s language, texts it, and signs webhooks; a receiver that stays down ends in a dead letter after three attempts', async () => {
    const english = await resident('en', null);
    const chinese = await resident('zh', ['email']);
    const [en, zh] = await Promise.all([report(english.token, '13900007001'), report(chinese.token, '13900007002')]);

    const enMail = await eventually(async () => smtp.messages.find((m) => m.to.includes(english.email)));
    expect(enMail.subject).toBe(`[onedoor] Your case ${en.caseNumber} has been registered`);
    expect(enMail.text).toContain(`See the case: ${PUBLIC_URL}/cases/${en.id}`);
    const zhMail = await eventually(async () => smtp.messages.find((m) => m.to.includes(chinese.email)));
    expect(zhMail.subject).toBe(`【一门通】您的诉求已登记，编号 ${zh.caseNumber}`);
    expect(zhMail.text).toContain(`查看案件：${PUBLIC_URL}/cases/${zh.id}`);

    // The English resident has no number of her own: the case's is used. The Chinese one chose e-mail only.
    const sms = await eventually(async () => {
      const texts = await api.env.db.models.SmsMessage.find({ to: { $in: ['13900007001', '13900007002'] } }).lean();
      return texts.length > 0 ? texts : null;
    });
    expect(sms.map((m) => [m.to, m.text])).toEqual([['13900007001', `[onedoor] Your case ${en.caseNumber} has been registered`]]);

    // Every notification reaches the subscriber that takes all kinds, signed; the staff's "new case" too.
    const received = await eventually(async () => {
      const mine = good.calls.filter((c) => c.json.caseId === en.id);
      return mine.some((c) => c.json.kind === 'new_case') && mine.some((c) => c.json.kind === 'case_received') ? mine : null;
    });
    for (const call of received) {
      expect(call.signatureValid).toBe(true);
      expect(verifyWebhookSignature(GOOD_SECRET, { signature: call.headers['x-onedoor-signature'] as string, timestamp: call.headers['x-onedoor-timestamp'] as string }, call.body)).toBe(true);
      expect(verifyWebhookSignature('another-secret-0123456789', { signature: call.headers['x-onedoor-signature'] as string, timestamp: call.headers['x-onedoor-timestamp'] as string }, call.body)).toBe(false);
      expect(call.headers['x-onedoor-delivery']).toBe(call.json.id);
      expect(call.json.caseNumber).toBe(en.caseNumber);
      expect(call.body).not.toContain('13900007001');
    }

    // The receiver that is down: three attempts, each recorded, then the dead letter.
    const receivedId = `${en.id}:1:case_received:person:${english.id}`;
    const dead = await eventually(async () => {
      const doc = await api.env.db.models.Notification.findById(receivedId).lean();
      return doc?.status === 'dead' ? doc : null;
    }, 60_000);
    expect(dead.deliveredAt).toBeNull();
    expect(down.calls.filter((c) => c.json.id === receivedId)).toHaveLength(3);
    const attempts = await api.env.db.models.NotificationAttempt.find({ notificationId: receivedId, key: 'webhook:petitions' }).lean();
    expect(attempts.map((a) => [a.attempt, a.ok]).sort()).toEqual([[1, false], [2, false], [3, false]]);
    expect(attempts[0]?.error).toContain('503');

    // Staff of the village see it on the case: the e-mail, the text and the good webhook delivered, the other dead.
    const status = await request(api.app).get(`/api/v1/cases/${en.id}/notifications`).set(...bearer(tokenFor('p-shicuo-grid')));
    expect(status.status).toBe(200);
    const item = (status.body.items as { id: string; status: string; deliveries: { key: string; status: string; attempts: number; to: { name: string } }[] }[]).find((i) => i.id === receivedId);
    expect(item?.status).toBe('dead');
    const byKey = Object.fromEntries((item?.deliveries ?? []).map((d) => [d.key, d]));
    expect(byKey[`email:${english.id}`]).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(byKey[`sms:${english.id}`]).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(byKey['webhook:police']).toMatchObject({ status: 'delivered', attempts: 1, to: { name: 'police' } });
    expect(byKey['webhook:petitions']).toMatchObject({ status: 'dead', attempts: 3 });

    // The new-case message for the village's staff went to each of them by text (the seed gives them numbers).
    const newCase = (status.body.items as { kind: string; recipient: { kind: string; name: { zh: string } }; deliveries: { channel: string; to: { name: string } }[] }[]).find((i) => i.kind === 'new_case');
    expect(newCase?.recipient).toMatchObject({ kind: 'centre', name: { zh: expect.stringContaining('石厝') } });
    await eventually(async () => {
      const res = await request(api.app).get(`/api/v1/cases/${en.id}/notifications`).set(...bearer(tokenFor('p-shicuo-grid')));
      const item = (res.body.items as { kind: string; status: string; deliveries: { channel: string }[] }[]).find((i) => i.kind === 'new_case');
      return item?.status === 'delivered' && item.deliveries.some((d) => d.channel === 'sms');
    });

    // Residents do not see delivery, not even on their own case.
    const refused = await request(api.app).get(`/api/v1/cases/${en.id}/notifications`).set(...bearer(english.token));
    expect(refused.status).toBe(403);
    expect(refused.body.message.zh).toContain('工作人员');
  }, 120_000);

  it('starts each delivery once: starting a finished one again does nothing', async () => {
    const person = await resident('zh', ['email']);
    const { id } = await report(person.token, '13900007003');
    const notificationId = `${id}:1:case_received:person:${person.id}`;
    // Finished: the e-mail went, the receiver that is down gave up (its dead letter).
    await eventually(async () => (await api.env.db.models.Notification.findById(notificationId).lean())?.finishedAt, 60_000);
    const handle = api.env.temporal.client.workflow.getHandle(notificationId);
    // The workflow completes just after its last write.
    const first = await eventually(async () => {
      const described = await handle.describe();
      return described.status.name === 'COMPLETED' ? described : null;
    });
    await temporalDeliveryStarter(() => api.env.temporal.client, { maximumAttempts: 1, initialIntervalSeconds: 1, maxIntervalSeconds: 1 }).start([notificationId], api.env.taskQueue);
    expect((await api.env.temporal.client.workflow.getHandle(notificationId).describe()).runId).toBe(first.runId);
    expect(smtp.messages.filter((m) => m.to.includes(person.email))).toHaveLength(1);
  }, 60_000);
});

describe('the inbox', () => {
  it("holds the resident's own notifications and the centre's for its staff, counts the unread and marks them read", async () => {
    const person = await resident('en', ['email']);
    const { id } = await report(person.token, '13900007004');
    const inbox = await eventually(async () => {
      const res = await request(api.app).get('/api/v1/inbox').set(...bearer(person.token));
      return res.body.items?.some((i: { caseId: string }) => i.caseId === id) ? res.body : null;
    });
    expect(inbox.unread).toBe(1);
    expect(inbox.items[0]).toMatchObject({ caseId: id, kind: 'case_received', read: false, message: { en: expect.stringContaining('has been registered') } });

    const staff = await request(api.app).get('/api/v1/inbox?limit=100').set(...bearer(tokenFor('p-shicuo-grid')));
    expect(staff.status).toBe(200);
    expect(staff.body.items.some((i: { caseId: string; kind: string }) => i.caseId === id && i.kind === 'new_case')).toBe(true);
    // The resident's notification is not in the staff's inbox, nor the other way round.
    expect(staff.body.items.some((i: { caseId: string; kind: string }) => i.caseId === id && i.kind === 'case_received')).toBe(false);

    // Someone else's notification cannot be marked read by them.
    const other = await resident('zh', ['email']);
    const foreign = await request(api.app).post('/api/v1/inbox/read').set(...bearer(other.token)).send({ ids: [inbox.items[0].id] });
    expect(foreign.status).toBe(200);
    expect((await request(api.app).get('/api/v1/inbox').set(...bearer(person.token))).body.unread).toBe(1);

    const marked = await request(api.app).post('/api/v1/inbox/read').set(...bearer(person.token)).send({ ids: [inbox.items[0].id] });
    expect(marked.body).toEqual({ unread: 0 });
    const again = await request(api.app).post('/api/v1/inbox/read').set(...bearer(person.token)).send({ ids: [inbox.items[0].id] });
    expect(again.body).toEqual({ unread: 0 });
    const after = await request(api.app).get('/api/v1/inbox').set(...bearer(person.token));
    expect(after.body.items[0].read).toBe(true);

    const all = await request(api.app).post('/api/v1/inbox/read').set(...bearer(tokenFor('p-shicuo-grid'))).send({ all: true });
    expect(all.body).toEqual({ unread: 0 });
  }, 60_000);

  it('refuses a body that names neither ids nor all, and ids that are not notification ids', async () => {
    const token = tokenFor('p-shicuo-grid');
    const empty = await request(api.app).post('/api/v1/inbox/read').set(...bearer(token)).send({});
    expect(empty.status).toBe(400);
    const bad = await request(api.app).post('/api/v1/inbox/read').set(...bearer(token)).send({ ids: ['$where'] });
    expect(bad.status).toBe(400);
    const both = await request(api.app).post('/api/v1/inbox/read').set(...bearer(token)).send({ ids: [], all: true });
    expect(both.status).toBe(400);
  });
});

describe('how a person is told', () => {
  it('a resident gives an e-mail address, chooses English and e-mail only; the next case is told that way, and the change is audited', async () => {
    const person = await resident('zh', null);
    const first = await request(api.app).get('/api/v1/inbox/settings').set(...bearer(person.token));
    expect(first.body).toEqual({ email: person.email, language: 'zh', channels: ['email'], phone: null });

    const missing = await request(api.app).post('/api/v1/inbox/settings').set(...bearer(person.token)).send({ email: null, language: 'en', channels: ['email'] });
    expect(missing.status).toBe(400);
    expect(missing.body.errors).toEqual([{ name: 'body.email', reason: 'give an e-mail address to be told by e-mail' }]);
    const bad = await request(api.app).post('/api/v1/inbox/settings').set(...bearer(person.token)).send({ email: 'not-an-address', language: 'en', channels: ['email'] });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].name).toBe('body.email');

    const address = `${person.id}.new@example.test`;
    const saved = await request(api.app).post('/api/v1/inbox/settings').set(...bearer(person.token)).send({ email: address, language: 'en', channels: ['email'] });
    expect(saved.status).toBe(200);
    expect(saved.body).toEqual({ email: address, language: 'en', channels: ['email'], phone: null });
    const audit = await api.env.db.models.Audit.find({ action: 'person.notification_settings', subjectId: person.id }).lean();
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]?.detail)).not.toContain(address);

    const { caseNumber } = await report(person.token, '13900007005');
    const mail = await eventually(async () => smtp.messages.find((m) => m.to.includes(address)));
    expect(mail.subject).toBe(`[onedoor] Your case ${caseNumber} has been registered`);
    // E-mail only: the case's number is not texted.
    expect(await api.env.db.models.SmsMessage.countDocuments({ to: '13900007005' })).toBe(0);
  }, 60_000);
});
