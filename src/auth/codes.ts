import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';
import type { Models } from '../db/models';

/**
 * Residents sign in with their phone number and a six-digit code sent to it. A code
 * lives five minutes, allows five guesses, and works once; a new request replaces it.
 * Only an HMAC of number and code is stored.
 */
export const CODE_TTL_MS = 5 * 60_000;
export const CODE_GUESSES = 5;
export const CODE_DIGITS = 6;

import { normalisePhone } from '../domain/privacy';

export { normalisePhone };

/** The credential key under which a phone number names its resident. */
export function phoneKey(phone: string): string {
  return `phone:${normalisePhone(phone) ?? phone.trim()}`;
}

function codeHash(secret: string, phone: string, code: string): string {
  return createHmac('sha256', secret).update(`${phone}:${code}`).digest('hex');
}

/** A new code for the number (replacing any earlier one), to be sent by SMS. */
export async function issueCode(models: Models, secret: string, phone: string, now = Date.now()): Promise<{ code: string; expiresAt: Date }> {
  const code = String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
  const expiresAt = new Date(now + CODE_TTL_MS);
  await models.SignInCode.updateOne(
    { _id: phone },
    { $set: { hash: codeHash(secret, phone, code), expiresAt, attemptsLeft: CODE_GUESSES, sentAt: new Date(now) } },
    { upsert: true },
  );
  return { code, expiresAt };
}

export type CodeCheck = 'ok' | 'wrong' | 'expired' | 'none' | 'exhausted';

/** Checks a guess: a right one is used up; a wrong one costs a guess; the last wrong one ends the code. */
export async function checkCode(models: Models, secret: string, phone: string, code: string, now = Date.now()): Promise<CodeCheck> {
  const doc = await models.SignInCode.findById(phone).lean();
  if (!doc) return 'none';
  if (doc.expiresAt.getTime() <= now) {
    await models.SignInCode.deleteOne({ _id: phone });
    return 'expired';
  }
  if (doc.attemptsLeft <= 0) return 'exhausted';
  const expected = Buffer.from(doc.hash, 'hex');
  const given = Buffer.from(codeHash(secret, phone, code), 'hex');
  if (expected.length === given.length && timingSafeEqual(expected, given)) {
    // Guarded by the hash: of two requests with the same right code, one deletes it.
    const used = await models.SignInCode.deleteOne({ _id: phone, hash: doc.hash });
    return used.deletedCount === 1 ? 'ok' : 'none';
  }
  const left = doc.attemptsLeft - 1;
  if (left <= 0) await models.SignInCode.updateOne({ _id: phone }, { $set: { attemptsLeft: 0 } });
  else await models.SignInCode.updateOne({ _id: phone, attemptsLeft: doc.attemptsLeft }, { $inc: { attemptsLeft: -1 } });
  return left <= 0 ? 'exhausted' : 'wrong';
}
