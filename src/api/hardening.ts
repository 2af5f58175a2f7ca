import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import helmet from 'helmet';
import { rateLimit } from 'express-rate-limit';
import { PROBLEM_TYPES, sendProblem } from './problem';

/**
 * Security headers on every answer (helmet). The web UI loads its script and stylesheet
 * from its own origin and runs no inline script, so the policy allows nothing else;
 * the API's documentation page carries its one inline script and style, allowed by hash.
 */
export function securityHeaders(docsHtml: string, options: { imageSources?: string[] } = {}): RequestHandler {
  const strict = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        // The map's tiles come from the tile server configured (ONEDOOR_MAP_TILES_URL), if any.
        imgSrc: ["'self'", 'data:', 'blob:', ...(options.imageSources ?? [])],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // Served over HTTP in development; a deployment terminates TLS in front and sets HSTS there too.
    strictTransportSecurity: { maxAge: 31536000, includeSubDomains: false },
  });
  const hashes = (tag: 'script' | 'style'): string[] =>
    [...docsHtml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => `'sha256-${createHash('sha256').update(m[1] ?? '').digest('base64')}'`);
  const docs = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'", ...hashes('script')], styleSrc: ["'self'", ...hashes('style')], objectSrc: ["'none'"], baseUri: ["'self'"], frameAncestors: ["'none'"] },
    },
  });
  return (req, res, next) => (req.path === '/docs' ? docs(req, res, next) : strict(req, res, next));
}

/** Requests per minute per address: a flood answers 429 with Retry-After, in the caller's languages. */
export function perMinuteLimit(limit: number, what: { zh: string; en: string }): RequestHandler {
  if (limit <= 0) return (_req, _res, next) => next();
  return rateLimit({
    windowMs: 60_000,
    limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // Behind a proxy the address comes from X-Forwarded-For only as far as `trust proxy` allows; never trust it blindly here.
    validate: { xForwardedForHeader: false },
    handler: (req, res) => {
      const reset = (req as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = Math.max(1, Math.ceil(((reset?.getTime() ?? Date.now() + 60_000) - Date.now()) / 1000));
      sendProblem(
        res,
        { type: PROBLEM_TYPES.tooManyRequests, title: 'Too many requests', status: 429, detail: `At most ${limit} a minute from one address; try again in ${seconds} s`, message: { zh: `${what.zh}过于频繁，请 ${seconds} 秒后再试。`, en: `Too many ${what.en} from here: try again in ${seconds} s.` } },
        { 'Retry-After': String(seconds) },
      );
    },
  });
}

/**
 * A limit on POSTs to the given paths, as plain middleware rather than routes, so the
 * routes Express serves stay exactly the ones the OpenAPI document lists.
 */
export function onPosts(paths: readonly string[], limit: RequestHandler): RequestHandler {
  const set = new Set(paths);
  return (req, res, next) => (req.method === 'POST' && set.has(req.path) ? limit(req, res, next) : next());
}

/**
 * The source a tile URL template's images load from, as the policy names it: its scheme
 * and host, a `{s}` server letter widened to `*` (https://{s}.tile.example.org → https://*.tile.example.org).
 */
export function tileImageSource(template: string): string | null {
  const origin = /^(https?:\/\/[^/?#]+)/.exec(template)?.[1];
  return origin ? origin.replace(/\{s\}/g, '*') : null;
}
