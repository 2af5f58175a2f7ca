/** What the database's errors mean, wherever onedoor writes. */

const DUPLICATE_KEY = 11000;

/** Every failed write of the request hit a unique key: the document is already there. */
export function isDuplicateKeyError(error: unknown): boolean {
  const e = error as { code?: number; writeErrors?: { code?: number }[] };
  return e.code === DUPLICATE_KEY || (e.writeErrors !== undefined && e.writeErrors.length > 0 && e.writeErrors.every((w) => w.code === DUPLICATE_KEY));
}

/** FerretDB's SQLite backend refusing a write because another one holds the lock. */
export function isSqliteBusy(error: unknown): boolean {
  const e = error as { name?: string; message?: string } | undefined;
  return typeof e?.message === 'string' && /database is locked|SQLITE_BUSY/.test(e.message);
}

/** The failed writes of a bulk insert, by index into the batch. */
export function writeErrorsOf(error: unknown): { index: number; code?: number }[] {
  const raw = (error as { writeErrors?: unknown }).writeErrors;
  if (Array.isArray(raw)) return raw as { index: number }[];
  if (raw && typeof raw === 'object') return [raw as { index: number }];
  // A single duplicate without details: treat every id of the batch as taken and try the next ones.
  return Array.from({ length: 256 }, (_, index) => ({ index }));
}
