import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Models } from '../db/models';

/**
 * Text messages go through one small interface. The HTTP adapter fits providers that
 * take a POST with a JSON body (the body is a template from configuration); without a
 * provider, outside production, messages land in a local outbox (a development page
 * and the log), so nobody needs a phone to sign in while developing.
 */
export interface SmsGateway {
  readonly kind: 'http' | 'outbox';
  send(to: string, text: string): Promise<void>;
}

export class SmsDeliveryError extends Error {}

/** `{{to}}` and `{{text}}` in the template are replaced by the number and the text, JSON-escaped. */
export function renderSmsBody(template: string, to: string, text: string): string {
  const escape = (value: string): string => JSON.stringify(value).slice(1, -1);
  return template.replaceAll('{{to}}', escape(to)).replaceAll('{{text}}', escape(text));
}

export const DEFAULT_SMS_TEMPLATE = '{"to":"{{to}}","text":"{{text}}"}';

export class HttpSmsGateway implements SmsGateway {
  readonly kind = 'http';
  constructor(private readonly settings: { url: string; token?: string | undefined; template: string; timeoutMs?: number }) {}

  async send(to: string, text: string): Promise<void> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (this.settings.token) headers.Authorization = `Bearer ${this.settings.token}`;
    let res: Response;
    try {
      res = await fetch(this.settings.url, { method: 'POST', headers, body: renderSmsBody(this.settings.template, to, text), signal: AbortSignal.timeout(this.settings.timeoutMs ?? 10_000) });
    } catch (error) {
      throw new SmsDeliveryError(`SMS gateway unreachable: ${(error as Error).message}`);
    }
    await res.body?.cancel();
    if (!res.ok) throw new SmsDeliveryError(`SMS gateway answered ${res.status}`);
  }
}

/** Development: the message is kept in `sms_outbox` (shown at /dev/sms) and logged. */
export class OutboxSmsGateway implements SmsGateway {
  readonly kind = 'outbox';
  constructor(
    private readonly models: Models,
    private readonly logger: Logger,
  ) {}

  async send(to: string, text: string): Promise<void> {
    await this.models.SmsMessage.collection.insertOne({ to, text, sentAt: new Date() });
    this.logger.info({ to, text }, 'SMS (development outbox)');
  }
}

/** The configured gateway, or null when none may be used (production without a provider). */
export function smsGatewayFor(config: Pick<Config, 'smsUrl' | 'smsToken' | 'smsTemplate' | 'production'>, models: Models, logger: Logger): SmsGateway | null {
  if (config.smsUrl) return new HttpSmsGateway({ url: config.smsUrl, token: config.smsToken, template: config.smsTemplate });
  return config.production ? null : new OutboxSmsGateway(models, logger);
}
