/** The in-app inbox (every notification is in it from the moment it is written) and each case's delivery status for staff. */
import { inboxRecipients, parseRecipient } from '../../domain';
import { callerOf } from '../auth';
import type { ApiContext, Caller } from '../context';
import { problems } from '../problem';
import { defineRoute, type RouteSpec } from '../routes';
import { findVisibleCase } from '../cases/queries';
import { caseParamsSchema } from '../cases/schemas';
import { byId } from '../../db/by-id';
import { isDuplicateKeyError } from '../../db/errors';
import { caseNotificationsSchema, inboxQuerySchema, inboxSchema, INBOX_SIZE, markReadSchema, notificationSettingsBodySchema, notificationSettingsSchema, unreadSchema, type CaseNotifications, type InboxView, type NotificationSettings } from './schemas';
import { requestAddress, writeAudit } from '../audit';
import type { StoredNotification } from '../../db/models';
import { maskPhone } from '../../domain';

const TAGS = ['notifications'];


interface StoredAttempt {
  notificationId: string;
  key: string;
  attempt: number;
  at: Date;
  ok: boolean;
  error: string | null;
}

const NEWEST_FIRST = { createdAt: -1, _id: -1 } as const;

function recipientsOf(caller: Caller): string[] {
  return inboxRecipients({ id: caller.personId, role: caller.role, centreId: caller.centreId ?? '', departmentId: caller.departmentId });
}

/**
 * The caller's newest notifications (their own, their centre's, their department's) and
 * which of them they read. For MongoDB, `{ recipient: 1, createdAt: -1 }` serves the
 * query and the read marks are `_id` lookups; FerretDB scans the notifications.
 */
async function inboxOf(ctx: ApiContext, caller: Caller, limit: number): Promise<InboxView> {
  const docs = (await ctx.db.models.Notification.collection
    .find({ recipient: { $in: recipientsOf(caller) } }, { projection: { caseId: 1, kind: 1, message: 1, createdAt: 1 } })
    .sort(NEWEST_FIRST)
    .limit(INBOX_SIZE)
    .toArray()) as unknown as StoredNotification[];
  const read = await readMarks(ctx, caller.personId, docs.map((d) => d._id));
  return {
    items: docs.slice(0, limit).map((d) => ({ id: d._id, caseId: d.caseId, kind: d.kind, message: { zh: d.message.zh, en: d.message.en }, createdAt: new Date(d.createdAt).toISOString(), read: read.has(d._id) })),
    unread: docs.filter((d) => !read.has(d._id)).length,
  };
}

const readMarkId = (personId: string, notificationId: string): string => `${personId}|${notificationId}`;

async function readMarks(ctx: ApiContext, personId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const marks = await ctx.db.models.NotificationRead.collection.find({ _id: { $in: ids.map((id) => readMarkId(personId, id)) as never[] } }, { projection: { notificationId: 1 } }).toArray();
  return new Set(marks.map((m) => String(m.notificationId)));
}

/** Read marks are inserted once each (`<person>|<notification>`): marking twice, or from two tabs at once, changes nothing. */
async function markRead(ctx: ApiContext, personId: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  const at = new Date();
  try {
    await ctx.db.models.NotificationRead.collection.insertMany(
      ids.map((notificationId) => ({ _id: readMarkId(personId, notificationId) as never, personId, notificationId, at })),
      { ordered: false },
    );
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
  }
}

/** Only notifications of the caller's own inbox can be marked; the others named are not theirs to mark (and are left alone). */
async function ownIds(ctx: ApiContext, caller: Caller, ids: string[]): Promise<string[]> {
  const mine = new Set(recipientsOf(caller));
  const docs = await Promise.all(ids.map((id) => ctx.db.models.Notification.collection.findOne(byId(id), { projection: { recipient: 1 } })));
  return ids.filter((_id, i) => {
    const recipient = docs[i]?.recipient;
    return typeof recipient === 'string' && mine.has(recipient);
  });
}

const STAFF_ONLY = { zh: '通知送达情况仅供工作人员查看。', en: 'Delivery of notifications is for staff to see.' };

async function caseNotifications(ctx: ApiContext, caller: Caller, caseId: string): Promise<CaseNotifications> {
  if (caller.role === 'resident') throw problems.forbidden('Delivery status is for staff', STAFF_ONLY);
  await findVisibleCase(ctx, caller, caseId);
  // For MongoDB: `{ caseId: 1, createdAt: 1 }` and `{ caseId: 1 }`; FerretDB scans, for one card of one case page.
  const [docs, attempts] = await Promise.all([
    ctx.db.models.Notification.collection.find({ caseId }).sort({ createdAt: 1, _id: 1 }).toArray() as unknown as Promise<StoredNotification[]>,
    ctx.db.models.NotificationAttempt.collection.find({ caseId }).toArray() as unknown as Promise<StoredAttempt[]>,
  ]);
  const byDelivery = new Map<string, StoredAttempt[]>();
  for (const attempt of attempts) {
    const key = `${attempt.notificationId}|${attempt.key}`;
    byDelivery.set(key, [...(byDelivery.get(key) ?? []), attempt]);
  }
  const names = new Names(ctx);
  const items = await Promise.all(
    docs.map(async (doc) => ({
      id: doc._id,
      kind: doc.kind,
      recipient: await names.recipient(doc.recipient),
      message: { zh: doc.message.zh, en: doc.message.en },
      createdAt: new Date(doc.createdAt).toISOString(),
      status: notificationStatus(doc.status),
      deliveries: await Promise.all(
        (doc.deliveries ?? []).map(async (delivery) => {
          const tries = (byDelivery.get(`${doc._id}|${delivery.key}`) ?? []).sort((a, b) => a.attempt - b.attempt);
          const last = tries.at(-1);
          const status: DeliveryStatus = delivery.status === 'delivered' ? 'delivered' : delivery.status === 'dead' ? 'dead' : tries.some((t) => !t.ok) ? 'retrying' : 'pending';
          return {
            key: delivery.key,
            channel: delivery.channel,
            to: { id: delivery.to, name: delivery.channel === 'webhook' ? delivery.to : await names.person(delivery.to) },
            status,
            attempts: tries.length,
            lastError: last && !last.ok ? last.error : null,
            lastAttemptAt: last ? new Date(last.at).toISOString() : null,
          };
        }),
      ),
    })),
  );
  return { items };
}

type CaseNotificationStatus = CaseNotifications['items'][number]['status'];
type DeliveryStatus = CaseNotifications['items'][number]['deliveries'][number]['status'];

function notificationStatus(stored: string | null | undefined): CaseNotificationStatus {
  return stored === 'sending' || stored === 'delivered' || stored === 'dead' ? stored : 'waiting';
}

/** Names of the people, centres and departments the notifications of a case name, each looked up once. */
class Names {
  private readonly people = new Map<string, Promise<string>>();
  constructor(private readonly ctx: ApiContext) {}

  person(id: string): Promise<string> {
    let name = this.people.get(id);
    if (!name) {
      name = this.ctx.people.get(id).then((p) => p?.name ?? id);
      this.people.set(id, name);
    }
    return name;
  }

  async recipient(recipient: string): Promise<CaseNotifications['items'][number]['recipient']> {
    const parsed = parseRecipient(recipient);
    if (!parsed) return { kind: 'unknown', id: recipient, name: { zh: recipient, en: recipient } };
    if (parsed.kind === 'person') {
      const name = await this.person(parsed.id);
      return { kind: 'person', id: parsed.id, name: { zh: name, en: name } };
    }
    if (parsed.kind === 'centre') {
      const centre = await this.ctx.centres.get(parsed.id);
      return { kind: 'centre', id: parsed.id, name: centre?.name ?? { zh: parsed.id, en: parsed.id } };
    }
    const department = await this.ctx.db.models.Department.findById(parsed.id, { name: 1 }).lean();
    return { kind: 'department', id: parsed.id, name: department ? { zh: department.name.zh, en: department.name.en } : { zh: parsed.id, en: parsed.id } };
  }
}

const NO_PERSON = { zh: '找不到您的账户，请重新登录。', en: 'Your account was not found; sign in again.' };

async function settingsOf(ctx: ApiContext, personId: string): Promise<NotificationSettings> {
  const doc = (await ctx.db.models.Person.collection.findOne(byId(personId), { projection: { email: 1, language: 1, channels: 1, phone: 1 } })) as { email?: string | null; language?: string; channels?: string[] | null; phone?: string | null } | null;
  if (!doc) throw problems.notFound(`No person ${personId}`, NO_PERSON);
  const channels = Array.isArray(doc.channels) ? doc.channels.filter((c): c is 'sms' | 'email' => c === 'sms' || c === 'email') : (['sms', 'email'] as const).filter((c) => (c === 'sms' ? doc.phone : doc.email));
  return { email: doc.email ?? null, language: doc.language === 'en' ? 'en' : 'zh', channels: [...channels], phone: doc.phone ? maskPhone(doc.phone) : null };
}

export function notificationRoutes(ctx: ApiContext): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/inbox/settings',
      summary: 'How the caller is told: e-mail address, language, channels',
      tags: TAGS,
      auth: 'required',
      responses: { 200: { description: 'The settings', schema: notificationSettingsSchema } },
      async handler(req, res) {
        res.json(await settingsOf(ctx, callerOf(req).personId));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/inbox/settings',
      summary: 'Change how the caller is told: e-mail address, the language of texts and e-mails, the channels to use (the inbox always has everything)',
      tags: TAGS,
      auth: 'required',
      body: notificationSettingsBodySchema,
      responses: { 200: { description: 'The settings as stored', schema: notificationSettingsSchema } },
      async handler(req, res, { body }) {
        const caller = callerOf(req);
        await settingsOf(ctx, caller.personId);
        await ctx.db.models.Person.collection.updateOne(byId(caller.personId), { $set: { email: body.email, language: body.language, channels: body.channels, updatedAt: new Date() } });
        ctx.people.forget(caller.personId);
        await writeAudit(ctx, {
          actor: { personId: caller.personId, role: caller.role, centreId: caller.centreId },
          action: 'person.notification_settings',
          outcome: 'ok',
          status: 200,
          subjectId: caller.personId,
          scope: caller.centrePath ?? [],
          address: requestAddress(req),
          detail: { language: body.language, channels: body.channels, email: body.email !== null },
        });
        res.json(await settingsOf(ctx, caller.personId));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/inbox',
      summary: "The caller's notifications, newest first (their own, their centre's, their department's), and how many are unread",
      tags: TAGS,
      auth: 'required',
      query: inboxQuerySchema,
      responses: { 200: { description: 'The inbox', schema: inboxSchema } },
      async handler(req, res, { query }) {
        res.json(await inboxOf(ctx, callerOf(req), query.limit));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/inbox/read',
      summary: 'Mark notifications of the inbox read: those named, or all of them',
      tags: TAGS,
      auth: 'required',
      body: markReadSchema,
      responses: { 200: { description: 'Marked; how many are still unread', schema: unreadSchema } },
      async handler(req, res, { body }) {
        const caller = callerOf(req);
        const ids = body.all ? (await inboxOf(ctx, caller, INBOX_SIZE)).items.filter((i) => !i.read).map((i) => i.id) : await ownIds(ctx, caller, body.ids ?? []);
        await markRead(ctx, caller.personId, ids);
        res.json({ unread: (await inboxOf(ctx, caller, 1)).unread });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/cases/{id}/notifications',
      summary: "Who was told what about the case, and how each message was delivered: channel, attempts, delivered or dead (staff who see the case)",
      tags: TAGS,
      auth: 'required',
      params: caseParamsSchema,
      responses: {
        200: { description: "The case's notifications with their delivery", schema: caseNotificationsSchema },
        403: { description: 'Residents do not see delivery' },
        404: { description: 'No such case that the caller can see' },
      },
      async handler(req, res, { params }) {
        res.json(await caseNotifications(ctx, callerOf(req), params.id));
      },
    }),
  ];
}
