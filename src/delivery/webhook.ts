import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Notifications for other government systems: each subscriber gets a POST of the
 * notification as JSON, signed with HMAC-SHA256 under the secret it shares with
 * onedoor, over `<timestamp>.<body>` (the timestamp travels in its own header, so a
 * receiver can refuse an old message replayed at it). The same scheme as Stripe's
 * and Slack's webhooks: a receiver needs nothing but an HMAC.
 */
export interface WebhookSubscriber {
  /** A short name for the subscriber, shown to staff and keyed in the attempts. */
  name: string;
  url: string;
  secret: string;
  /** Only these kinds of notification (e.g. `new_case`); all when absent. */
  kinds?: string[] | undefined;
}

export const SIGNATURE_HEADER = 'X-Onedoor-Signature';
export const TIMESTAMP_HEADER = 'X-Onedoor-Timestamp';
export const DELIVERY_HEADER = 'X-Onedoor-Delivery';

/** `sha256=<hex>` of HMAC-SHA256(secret, `<timestamp>.<body>`). */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * For receivers: the signature is the one the secret makes, and the timestamp (seconds
 * since the epoch) is within `toleranceSeconds` of now.
 */
export function verifyWebhookSignature(secret: string, headers: { signature: string | undefined; timestamp: string | undefined }, body: string, now = Date.now(), toleranceSeconds = 300): boolean {
  if (!headers.signature || !headers.timestamp || !/^\d{1,12}$/.test(headers.timestamp)) return false;
  if (Math.abs(now / 1000 - Number(headers.timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(webhookSignature(secret, headers.timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export class WebhookDeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/** What a subscriber receives: the notification, no addresses of anyone. */
export interface WebhookPayload {
  id: string;
  caseId: string;
  caseNumber: string | null;
  kind: string;
  recipient: string;
  message: { zh: string; en: string };
  createdAt: string;
}

export function wants(subscriber: WebhookSubscriber, kind: string): boolean {
  return !subscriber.kinds || subscriber.kinds.includes(kind);
}

/** Posts once; a 2xx answer is delivery. 4xx but 408/429 is the receiver refusing the message for good. */
export async function postWebhook(subscriber: WebhookSubscriber, payload: WebhookPayload, now = Date.now(), timeoutMs = 10_000): Promise<void> {
  const body = JSON.stringify(payload);
  const timestamp = String(Math.floor(now / 1000));
  let res: Response;
  try {
    res = await fetch(subscriber.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', [SIGNATURE_HEADER]: webhookSignature(subscriber.secret, timestamp, body), [TIMESTAMP_HEADER]: timestamp, [DELIVERY_HEADER]: payload.id },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new WebhookDeliveryError(`webhook unreachable: ${(error as Error).message}`, false);
  }
  await res.body?.cancel();
  if (!res.ok) throw new WebhookDeliveryError(`webhook answered ${res.status}`, res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429);
}
