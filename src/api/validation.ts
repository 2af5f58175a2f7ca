import type { RequestHandler } from 'express';
import type { ZodType } from 'zod';
import { problems, type InvalidParam } from './problem';

/**
 * Guards in front of every handler: nothing shaped like a MongoDB operator or a
 * prototype key gets past, whatever the route's schema says, and nothing nests
 * deeper than a case needs.
 */
export const MAX_DEPTH = 8;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function keyProblem(key: string): string | null {
  if (key.startsWith('$')) return 'keys must not start with "$"';
  if (key.includes('.')) return 'keys must not contain "."';
  if (FORBIDDEN_KEYS.has(key)) return `"${key}" is not allowed as a key`;
  return null;
}

export function findUnsafeKeys(value: unknown, where: string, depth = 0, found: InvalidParam[] = []): InvalidParam[] {
  if (found.length >= 20) return found;
  if (depth > MAX_DEPTH) {
    found.push({ name: where, reason: `nested deeper than ${MAX_DEPTH} levels` });
    return found;
  }
  if (Array.isArray(value)) {
    value.forEach((item, index) => findUnsafeKeys(item, `${where}[${index}]`, depth + 1, found));
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      const reason = keyProblem(key);
      if (reason) found.push({ name: `${where}.${key}`, reason });
      else findUnsafeKeys((value as Record<string, unknown>)[key], `${where}.${key}`, depth + 1, found);
    }
  }
  return found;
}

const QUERY_KEY = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Query keys are plain names: `status[$ne]`, `a.b` and friends are refused outright. */
export const rejectUnsafeInput: RequestHandler = (req, _res, next) => {
  const errors: InvalidParam[] = [];
  for (const key of Object.keys(req.query as object)) {
    if (!QUERY_KEY.test(key)) errors.push({ name: `query.${key}`, reason: 'query parameter names are letters, digits and "_" only' });
  }
  findUnsafeKeys(req.query, 'query', 0, errors);
  if (req.body !== undefined) findUnsafeKeys(req.body, 'body', 0, errors);
  if (errors.length > 0) throw problems.validation(errors, 'The request contains keys or nesting that are not allowed');
  next();
};

export function parseInput<T>(schema: ZodType<T>, value: unknown, where: 'body' | 'query' | 'params'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = result.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const keys = 'keys' in issue && Array.isArray(issue.keys) ? ` (${issue.keys.join(', ')})` : '';
    return { name: path ? `${where}.${path}` : where, reason: `${issue.message}${keys}` };
  });
  throw problems.validation(errors, `The ${where === 'params' ? 'path' : where} is not valid`);
}
