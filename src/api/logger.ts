import pino, { type Logger } from 'pino';

/** Structured logs with personal data and credentials redacted wherever they appear. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'onedoor-api' },
    redact: {
      paths: [
        'req.headers.authorization',
        'headers.authorization',
        'authorization',
        'phone',
        '*.phone',
        '*.*.phone',
        'complainant.phone',
        'body.complainant.phone',
        'token',
        '*.token',
      ],
      censor: '[redacted]',
    },
  });
}
