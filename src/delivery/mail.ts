import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';

/**
 * E-mail through an SMTP server, with nodemailer: the SMTP client Node.js projects
 * use (no dependencies of its own; it speaks STARTTLS, authentication, pooling and
 * the MIME encoding Chinese text needs), so onedoor writes none of that itself.
 */
export interface MailSender {
  send(message: { to: string; subject: string; text: string }): Promise<void>;
  close(): void;
}

export class MailDeliveryError extends Error {
  /** The server refused the message for good (a 5xx answer): trying again cannot help. */
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
  }
}

/** `smtp://user:password@host:port` (or `smtps://`), as nodemailer takes it. */
export class SmtpMailSender implements MailSender {
  private readonly transport: Transporter;
  constructor(
    url: string,
    private readonly from: string,
    timeoutMs = 15_000,
  ) {
    this.transport = nodemailer.createTransport({ url, connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs } as SMTPTransport.Options);
  }

  async send(message: { to: string; subject: string; text: string }): Promise<void> {
    try {
      await this.transport.sendMail({ from: this.from, to: message.to, subject: message.subject, text: message.text });
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      throw new MailDeliveryError(`SMTP: ${(error as Error).message}`, typeof code === 'number' && code >= 500);
    }
  }

  close(): void {
    this.transport.close();
  }
}
