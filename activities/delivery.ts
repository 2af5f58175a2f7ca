import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import {
  CENTRE_STAFF_ROLES,
  channelsFor,
  finalStatus,
  LANGUAGES,
  mailBody,
  mailSubject,
  parseRecipient,
  PERMANENT_DELIVERY_FAILURE,
  personDelivery,
  webhookDelivery,
  type AvailableChannels,
  type DeliveryOutcome,
  type Language,
  type PersonChannel,
  type PlannedDelivery,
  type Reachable,
} from '../src/domain';
import type { Models, StoredNotification } from '../src/db/models';
import { byId } from '../src/db/by-id';
import { isDuplicateKeyError } from '../src/db/errors';
import { retryWhileBusy } from '../src/db/busy';
import type { SmsGateway } from '../src/delivery/sms';
import { MailDeliveryError, type MailSender } from '../src/delivery/mail';
import { postWebhook, wants, WebhookDeliveryError, type WebhookSubscriber } from '../src/delivery/webhook';

/** The channels this worker sends through; a null channel is not offered (no provider configured). */
export interface DeliveryChannels {
  sms: SmsGateway | null;
  mail: MailSender | null;
  webhooks: readonly WebhookSubscriber[];
  /** Where people reach onedoor: e-mails link to the case. */
  publicUrl: string | null;
}

export const NO_CHANNELS: DeliveryChannels = { sms: null, mail: null, webhooks: [], publicUrl: null };



interface PersonDoc {
  _id: string;
  phone?: string | null;
  email?: string | null;
  language?: string | null;
  channels?: string[] | null;
  active?: boolean;
}

const PERSON_FIELDS = { phone: 1, email: 1, language: 1, channels: 1, active: 1 } as const;

type Contact = Reachable & { language: Language };

function contactOf(doc: PersonDoc): Contact {
  const channels = Array.isArray(doc.channels) ? doc.channels.filter((c): c is PersonChannel => c === 'sms' || c === 'email') : null;
  return {
    personId: doc._id,
    phone: doc.phone ?? null,
    email: doc.email ?? null,
    channels,
    language: LANGUAGES.includes(doc.language as Language) ? (doc.language as Language) : 'zh',
  };
}

export function createDeliveryActivities(models: Models, channels: DeliveryChannels) {
  const available: AvailableChannels = { sms: channels.sms !== null, email: channels.mail !== null };

  async function notificationOf(id: string): Promise<StoredNotification | null> {
    return (await models.Notification.collection.findOne(byId(id))) as StoredNotification | null;
  }

  /**
   * How to reach a person. A complainant known only from the case (a walk-in, a
   * system filing through Open311) or without a number of their own is reached at
   * the phone the case was reported with.
   */
  async function contactFor(personId: string, caseId: string): Promise<Contact | null> {
    const doc = (await models.Person.collection.findOne(byId(personId), { projection: PERSON_FIELDS })) as PersonDoc | null;
    if (doc && doc.active === false) return null;
    const contact = doc ? contactOf(doc) : null;
    if (contact?.phone) return contact;
    const stored = (await models.Case.collection.findOne(byId(caseId), { projection: { complainantId: 1, complainant: 1 } })) as { complainantId?: string; complainant?: { phone?: string } } | null;
    const casePhone = stored?.complainantId === personId ? (stored.complainant?.phone ?? null) : null;
    if (contact) return { ...contact, phone: casePhone };
    return casePhone ? { personId, phone: casePhone, email: null, channels: null, language: 'zh' } : null;
  }

  /** The people a recipient names: the person, a centre's working staff, a department's staff. */
  async function peopleOf(recipient: string, caseId: string): Promise<Contact[]> {
    const parsed = parseRecipient(recipient);
    if (!parsed) return [];
    if (parsed.kind === 'person') {
      const contact = await contactFor(parsed.id, caseId);
      return contact ? [contact] : [];
    }
    // A scan on FerretDB (only _id lookups are indexed), in the background of a case: people are few beside cases.
    const filter = parsed.kind === 'centre' ? { centreId: parsed.id, role: { $in: [...CENTRE_STAFF_ROLES] } } : { departmentId: parsed.id };
    const docs = (await models.Person.collection.find({ ...filter, active: { $ne: false } }, { projection: PERSON_FIELDS }).toArray()) as unknown as PersonDoc[];
    return docs.map(contactOf);
  }

  async function recordAttempt(notification: StoredNotification, delivery: PlannedDelivery, attempt: number, error: string | null): Promise<void> {
    try {
      await models.NotificationAttempt.collection.insertOne({
        _id: `${notification._id}|${delivery.key}|${attempt}` as never,
        notificationId: notification._id,
        caseId: notification.caseId,
        key: delivery.key,
        channel: delivery.channel,
        attempt,
        at: new Date(),
        ok: error === null,
        error,
      });
    } catch (failure) {
      if (!isDuplicateKeyError(failure)) throw failure;
    }
  }

  function permanent(message: string): ApplicationFailure {
    return ApplicationFailure.create({ type: PERMANENT_DELIVERY_FAILURE, message, nonRetryable: true });
  }

  async function send(notification: StoredNotification, delivery: PlannedDelivery): Promise<void> {
    if (delivery.channel === 'webhook') {
      const subscriber = channels.webhooks.find((w) => w.name === delivery.to);
      if (!subscriber) throw permanent(`no webhook subscriber ${delivery.to} any more`);
      const stored = (await models.Case.collection.findOne(byId(notification.caseId), { projection: { caseNumber: 1 } })) as { caseNumber?: string } | null;
      await postWebhook(subscriber, {
        id: notification._id,
        caseId: notification.caseId,
        caseNumber: stored?.caseNumber ?? null,
        kind: notification.kind,
        recipient: notification.recipient,
        message: notification.message,
        createdAt: new Date(notification.createdAt).toISOString(),
      });
      return;
    }
    const contact = await contactFor(delivery.to, notification.caseId);
    if (delivery.channel === 'sms') {
      if (!channels.sms) throw permanent('no SMS provider');
      if (!contact?.phone) throw permanent('no phone number');
      await channels.sms.send(contact.phone, mailSubject(notification.message, contact.language));
      return;
    }
    if (!channels.mail) throw permanent('no SMTP server');
    if (!contact?.email) throw permanent('no e-mail address');
    const caseUrl = channels.publicUrl ? `${channels.publicUrl}/cases/${notification.caseId}` : null;
    await channels.mail.send({ to: contact.email, subject: mailSubject(notification.message, contact.language), text: mailBody(notification.message, contact.language, caseUrl) });
  }

  return {
    /**
     * What a notification is to be sent as: every person its recipient names on each
     * of their channels, and every webhook subscriber that wants its kind. Written to
     * the notification (`status: sending`) so staff see what is under way; null when
     * the notification is gone or already finished (a workflow started again).
     */
    async planDelivery(notificationId: string): Promise<PlannedDelivery[] | null> {
      const notification = await notificationOf(notificationId);
      if (!notification || notification.status === 'delivered' || notification.status === 'dead') return null;
      const people = await peopleOf(notification.recipient, notification.caseId);
      const planned = [
        ...people.flatMap((person) => channelsFor(person, available).map((channel) => personDelivery(person.personId, channel))),
        ...channels.webhooks.filter((w) => wants(w, notification.kind)).map((w) => webhookDelivery(w.name)),
      ];
      await retryWhileBusy(() => models.Notification.collection.updateOne(byId(notificationId), { $set: { status: 'sending', deliveries: planned.map((d) => ({ ...d, status: 'pending' })) } }));
      return planned;
    },

    /** One attempt of one send; Temporal retries it with backoff. Each attempt is recorded, once, under its number. */
    async deliver({ notificationId, delivery }: { notificationId: string; delivery: PlannedDelivery }): Promise<void> {
      const notification = await notificationOf(notificationId);
      if (!notification) throw permanent('the notification is gone');
      const attempt = Context.current().info.attempt;
      try {
        await send(notification, delivery);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        await recordAttempt(notification, delivery, attempt, reason.slice(0, 500));
        if (error instanceof ApplicationFailure) throw error;
        if ((error instanceof MailDeliveryError || error instanceof WebhookDeliveryError) && error.permanent) throw permanent(reason);
        throw error;
      }
      await recordAttempt(notification, delivery, attempt, null);
    },

    /** Every send ended: the notification is delivered, or dead (the dead letter) when a send gave up. */
    async finishDelivery({ notificationId, planned, outcomes }: { notificationId: string; planned: PlannedDelivery[]; outcomes: DeliveryOutcome[] }): Promise<void> {
      const status = finalStatus(outcomes);
      const now = new Date();
      const deliveries = planned.map((d, i) => ({ ...d, status: outcomes[i] ?? 'dead' }));
      await retryWhileBusy(() => models.Notification.collection.updateOne(byId(notificationId), { $set: { status, deliveries, finishedAt: now, deliveredAt: status === 'delivered' ? now : null } }));
      if (status === 'dead') Context.current().log.warn('notification dead-lettered', { notificationId, dead: deliveries.filter((d) => d.status === 'dead').map((d) => d.key) });
    },
  };
}

export type DeliveryActivities = ReturnType<typeof createDeliveryActivities>;
