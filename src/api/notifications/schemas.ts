import { z } from '../zod';

const text = z.object({ zh: z.string(), en: z.string() });

/** The inbox holds the newest notifications; older ones are still in the database, not in the inbox. */
export const INBOX_SIZE = 200;

export const inboxQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(30),
});

export const inboxItemSchema = z.object({
  id: z.string(),
  caseId: z.string(),
  kind: z.string(),
  message: text,
  createdAt: z.string().openapi({ format: 'date-time' }),
  read: z.boolean(),
});

export const inboxSchema = z
  .object({
    items: z.array(inboxItemSchema),
    unread: z.number().int().openapi({ description: `Unread notifications among the newest ${INBOX_SIZE}` }),
  })
  .openapi('Inbox');
export type InboxView = z.output<typeof inboxSchema>;

const notificationId = z.string().min(1).max(300).regex(/^case_[0-9a-f]{24}:\d+:[a-z_]+:(person|centre|department):[A-Za-z0-9:_-]+$/, 'a notification id as the inbox gives it');

export const markReadSchema = z
  .strictObject({
    ids: z.array(notificationId).min(1).max(100).optional().openapi({ description: 'The notifications read' }),
    all: z.literal(true).optional().openapi({ description: 'Every notification of the inbox' }),
  })
  .refine((body) => (body.ids === undefined) !== (body.all === undefined), { message: 'give the ids read, or all: true (one of the two)', path: ['ids'] });

export const unreadSchema = z.object({ unread: z.number().int() }).openapi('InboxUnread');

const deliveryStatus = z.enum(['pending', 'retrying', 'delivered', 'dead']);

export const caseNotificationSchema = z.object({
  id: z.string(),
  kind: z.string(),
  recipient: z.object({ kind: z.enum(['person', 'centre', 'department', 'unknown']), id: z.string(), name: text }),
  message: text,
  createdAt: z.string().openapi({ format: 'date-time' }),
  status: z.enum(['waiting', 'sending', 'delivered', 'dead']).openapi({ description: 'waiting: not yet picked up; dead: a send gave up after its last attempt (the dead letter)' }),
  deliveries: z.array(
    z.object({
      key: z.string(),
      channel: z.enum(['sms', 'email', 'webhook']),
      to: z.object({ id: z.string(), name: z.string() }),
      status: deliveryStatus,
      attempts: z.number().int(),
      lastError: z.string().nullable(),
      lastAttemptAt: z.string().nullable().openapi({ format: 'date-time' }),
    }),
  ),
});

export const caseNotificationsSchema = z.object({ items: z.array(caseNotificationSchema) }).openapi('CaseNotifications');
export type CaseNotifications = z.output<typeof caseNotificationsSchema>;

/** How a person wants to be told: an e-mail address, the language of texts and e-mails, and the channels to use. */
export const notificationSettingsSchema = z
  .object({
    email: z.string().nullable(),
    language: z.enum(['zh', 'en']),
    channels: z.array(z.enum(['sms', 'email'])),
    phone: z.string().nullable().openapi({ description: 'The number texts go to (set by sign-in or an administrator), masked' }),
  })
  .openapi('NotificationSettings');
export type NotificationSettings = z.output<typeof notificationSettingsSchema>;

export const notificationSettingsBodySchema = z
  .strictObject({
    email: z.email({ message: 'an e-mail address such as name@example.gov.cn' }).max(254).nullable(),
    language: z.enum(['zh', 'en']),
    channels: z.array(z.enum(['sms', 'email'])).max(2).refine((list) => new Set(list).size === list.length, 'each channel once'),
  })
  .refine((body) => !body.channels.includes('email') || body.email !== null, { message: 'give an e-mail address to be told by e-mail', path: ['email'] });
