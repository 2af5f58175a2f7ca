import { isSqliteBusy } from './errors';

/**
 * Runs an idempotent write again, after a few milliseconds, while FerretDB
 * answers SQLITE_BUSY. Under concurrent writers its SQLite backend refuses
 * some writes at once rather than waiting; failing the activity instead would
 * leave the case to Temporal's retry backoff (0.5 s, 1 s, 2 s … 30 s), and
 * escalations under load would be minutes late. After about two seconds of
 * refusals the error goes to Temporal's retry.
 */
export async function retryWhileBusy<T>(write: () => Promise<T>, attempts = 25): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      if (!isSqliteBusy(error) || attempt >= attempts) throw error;
      const delay = Math.min(100, 5 * 2 ** attempt) * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
