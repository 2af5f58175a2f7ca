import type { Models } from '../db/models';

/**
 * Counters of what an attacker repeats: failed sign-ins per account and per address,
 * code requests per number and per address, wrong codes. Each counts within a window;
 * past its limit the key is refused until the window ends (429 with Retry-After).
 * Kept in the database so every API process sees the same count.
 */
export interface AttemptLimit {
  max: number;
  windowMs: number;
}

export const LIMITS = {
  /** Wrong passwords for one account: 5 in 15 minutes. */
  passwordPerAccount: { max: 5, windowMs: 15 * 60_000 },
  /** Wrong passwords from one address, whatever the account, in 15 minutes (how many: ONEDOOR_SIGN_IN_FAILURES_PER_ADDRESS). */
  passwordPerAddress: { max: 20, windowMs: 15 * 60_000 },
  /** Codes sent to one number: 5 an hour. */
  codesPerNumber: { max: 5, windowMs: 3600_000 },
  /** Codes asked for from one address: 20 an hour. */
  codesPerAddress: { max: 20, windowMs: 3600_000 },
} satisfies Record<string, AttemptLimit>;

/** Seconds until `key` may try again, or 0 when it is under its limit. */
export async function secondsLockedOut(models: Models, key: string, limit: AttemptLimit, now = Date.now()): Promise<number> {
  const doc = await models.SignInAttempt.findById(key).lean();
  if (!doc || doc.expiresAt.getTime() <= now || doc.count < limit.max) return 0;
  return Math.max(1, Math.ceil((doc.expiresAt.getTime() - now) / 1000));
}

/** The longest wait among several keys (an account and an address). */
export async function longestLockout(models: Models, keys: [string, AttemptLimit][], now = Date.now()): Promise<number> {
  const waits = await Promise.all(keys.map(([key, limit]) => secondsLockedOut(models, key, limit, now)));
  return Math.max(0, ...waits);
}

/** One more attempt against `key`, in its current window or a new one. */
export async function countAttempt(models: Models, key: string, limit: AttemptLimit, now = Date.now()): Promise<void> {
  const doc = await models.SignInAttempt.findById(key).lean();
  if (!doc || doc.expiresAt.getTime() <= now) {
    const fresh = { count: 1, windowStart: new Date(now), expiresAt: new Date(now + limit.windowMs) };
    await models.SignInAttempt.updateOne({ _id: key }, { $set: fresh }, { upsert: true });
    return;
  }
  await models.SignInAttempt.updateOne({ _id: key }, { $inc: { count: 1 } });
}

export async function clearAttempts(models: Models, key: string): Promise<void> {
  await models.SignInAttempt.deleteOne({ _id: key });
}
