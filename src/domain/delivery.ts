import type { Role } from './lifecycle';

/**
 * How a notification of the outbox reaches people: the rules, without I/O. The
 * delivery workflow (workflows/delivery-workflow.ts) applies them; the channels
 * themselves live in src/delivery.
 */

/** Channels that send something. The in-app inbox needs no sending: every notification is in it from the moment it is written. */
export const SENDING_CHANNELS = ['sms', 'email', 'webhook'] as const;
export type SendingChannel = (typeof SENDING_CHANNELS)[number];
export type PersonChannel = Exclude<SendingChannel, 'webhook'>;

export const LANGUAGES = ['zh', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** What the delivery needs to know of a person: how they can be reached and which of those ways they want. */
export interface Reachable {
  personId: string;
  phone: string | null;
  email: string | null;
  /** The channels the person chose; null: every channel they can be reached on. */
  channels: readonly PersonChannel[] | null;
}

/** The channels that work in this deployment (no SMS provider in production, no SMTP server configured, …). */
export type AvailableChannels = Readonly<Record<PersonChannel, boolean>>;

/** The person's channels: those they chose (all by default) that they have an address for and that this deployment has. */
export function channelsFor(person: Reachable, available: AvailableChannels): PersonChannel[] {
  const wanted = person.channels ?? (['sms', 'email'] as const);
  return wanted.filter((channel) => available[channel] && (channel === 'sms' ? person.phone : person.email));
}

/**
 * Recipients as the outbox names them: `person:<id>`, `centre:<id>` (the centre's
 * working staff) or `department:<id>` (the department's staff).
 */
export type Recipient = { kind: 'person' | 'centre' | 'department'; id: string };

export function parseRecipient(recipient: string): Recipient | null {
  const match = /^(person|centre|department):(.+)$/.exec(recipient);
  return match ? { kind: match[1] as Recipient['kind'], id: match[2] as string } : null;
}

/** Who of a centre's people "the centre" is told: those who work its cases (not residents of it, experts of the pool or department staff). */
export const CENTRE_STAFF_ROLES: readonly Role[] = ['admin', 'mediator', 'grid_worker'];

/** The recipient strings whose notifications a person reads in their inbox. */
export function inboxRecipients(person: { id: string; role: Role; centreId: string; departmentId?: string | undefined }): string[] {
  const own = [`person:${person.id}`];
  if (CENTRE_STAFF_ROLES.includes(person.role)) own.push(`centre:${person.centreId}`);
  if (person.role === 'department' && person.departmentId) own.push(`department:${person.departmentId}`);
  return own;
}

/** One send of one notification: to a person on a channel, or to a webhook subscriber. `key` is its business key within the notification. */
export interface PlannedDelivery {
  key: string;
  channel: SendingChannel;
  /** The person's id, or the subscriber's name for a webhook. */
  to: string;
}

export function personDelivery(personId: string, channel: PersonChannel): PlannedDelivery {
  return { key: `${channel}:${personId}`, channel, to: personId };
}

export function webhookDelivery(name: string): PlannedDelivery {
  return { key: `webhook:${name}`, channel: 'webhook', to: name };
}

/** The failure type of a send that cannot succeed however often it is tried (no address, the receiver refused it for good): it is dead at once. */
export const PERMANENT_DELIVERY_FAILURE = 'PermanentDeliveryFailure';

export type DeliveryOutcome = 'delivered' | 'dead';

/**
 * A notification's state: `sending` while its deliveries run, `delivered` when every one
 * of them arrived (or there was nothing to send: it is in the inbox), `dead` when one
 * gave up after the last attempt (the dead letter, shown to staff on the case).
 */
export type NotificationStatus = 'sending' | 'delivered' | 'dead';

export function finalStatus(outcomes: readonly DeliveryOutcome[]): Exclude<NotificationStatus, 'sending'> {
  return outcomes.includes('dead') ? 'dead' : 'delivered';
}

/** The attempts a send gets, and the waits between them (doubling, to at most `maxIntervalSeconds`). */
export interface DeliveryRetry {
  maximumAttempts: number;
  initialIntervalSeconds: number;
  maxIntervalSeconds: number;
}

/** Eight attempts from 30 s doubling to an hour: a send gives up after about two hours of failures. */
export const DEFAULT_DELIVERY_RETRY: DeliveryRetry = { maximumAttempts: 8, initialIntervalSeconds: 30, maxIntervalSeconds: 3600 };

/** The text a person reads, in their language. */
export function messageIn(message: { zh: string; en: string }, language: Language): string {
  return message[language];
}

/** An e-mail's subject: the message, under the platform's name. */
export function mailSubject(message: { zh: string; en: string }, language: Language): string {
  return language === 'zh' ? `【一门通】${message.zh}` : `[onedoor] ${message.en}`;
}

/** An e-mail's body: the message and, when the platform's address is known, where to read the case. */
export function mailBody(message: { zh: string; en: string }, language: Language, caseUrl: string | null): string {
  const lines = [messageIn(message, language)];
  if (caseUrl) lines.push('', language === 'zh' ? `查看案件：${caseUrl}` : `See the case: ${caseUrl}`);
  lines.push('', language === 'zh' ? '此邮件由系统自动发送，请勿直接回复。' : 'This message was sent automatically; please do not reply to it.');
  return lines.join('\n');
}
