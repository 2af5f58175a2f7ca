/**
 * Real servers that notifications are delivered to, run inside a test: an SMTP server
 * (smtp-server, from the nodemailer project) that keeps every message it accepts, and
 * HTTP webhook receivers that check the signature as a receiving system would.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
}

/** RFC 2047 encoded words (`=?UTF-8?B?…?=`, `=?UTF-8?Q?…?=`), as headers carry Chinese. */
function decodeWords(value: string): string {
  return value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_m, _charset: string, encoding: string, data: string) =>
    encoding.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : Buffer.from(quotedPrintable(data.replace(/_/g, ' ')), 'binary').toString('utf8'),
  );
}

function quotedPrintable(text: string): string {
  return text.replace(/=\r?\n/g, '').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** A single-part text message: its headers and its body, decoded as its Content-Transfer-Encoding says. */
export function parseMail(raw: string): { subject: string; text: string; headers: Map<string, string> } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const text =
    encoding === 'base64' ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : encoding === 'quoted-printable' ? Buffer.from(quotedPrintable(body), 'binary').toString('utf8') : body;
  return { subject: decodeWords(headers.get('subject') ?? ''), text: text.replace(/\r\n/g, '\n').trim(), headers };
}

export interface SmtpReceiver {
  url: string;
  messages: ReceivedMail[];
  close(): Promise<void>;
}

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const parsed = parseMail(Buffer.concat(chunks).toString('binary'));
        messages.push({ to: session.envelope.rcptTo.map((r) => r.address), subject: parsed.subject, text: parsed.text });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export interface WebhookCall {
  body: string;
  json: { id: string; caseId: string; caseNumber: string | null; kind: string; recipient: string; message: { zh: string; en: string }; createdAt: string };
  signatureValid: boolean;
  headers: http.IncomingHttpHeaders;
}

export interface WebhookReceiver {
  url: string;
  calls: WebhookCall[];
  close(): Promise<void>;
}

/**
 * Checks the signature with nothing but an HMAC, as another system would: sha256 over
 * `<timestamp>.<body>` with the shared secret. Answers `status` (204: taken; 503: a
 * receiver that is down, for the retries and the dead letter).
 */
export async function startWebhookReceiver(secret: string, status = 204): Promise<WebhookReceiver> {
  const calls: WebhookCall[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const timestamp = String(req.headers['x-onedoor-timestamp'] ?? '');
      const given = Buffer.from(String(req.headers['x-onedoor-signature'] ?? ''));
      const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
      const signatureValid = given.length === expected.length && timingSafeEqual(given, expected);
      calls.push({ body, json: JSON.parse(body) as WebhookCall['json'], signatureValid, headers: req.headers });
      res.statusCode = signatureValid ? status : 401;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/onedoor`, calls, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
