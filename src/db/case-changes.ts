import type { Models } from './models';
import { isDuplicateKeyError, writeErrorsOf } from './errors';
import { inTurns, latestOnly } from './in-turns';
import { byId } from './by-id';

/**
 * An append-only log of "this case's index entry changed", numbered 1, 2, 3 …
 * without gaps, so that a reader can follow it by `_id` alone: FerretDB's
 * SQLite backend answers a lookup by `_id` from its index and every other
 * filter by decoding the whole collection. Each API process follows the log to
 * keep its in-memory copy of `case_index` current (src/db/case-mirror.ts).
 *
 * A change is claimed like a serial (src/db/serials.ts): inserting the document
 * whose `_id` is the number, so exactly one writer gets each number and a
 * loser takes the next. Within one process the appends waiting are written
 * together, one insertMany of consecutive numbers after the last one written
 * here; numbers another process took fail as duplicates and their changes go
 * into the next round. Appending a change twice is harmless: a reader re-reads
 * the entry, it does not apply a delta.
 */

const SCOPE = 'case-change';
const HINT_ID = `${SCOPE}:hint`;
const MAX_BATCH = 256;
const ID_DIGITS = 12;

export interface CaseChange {
  caseId: string;
}

/** The `_id` of change number `n`: fixed width, so the ids also sort as numbers. */
export function changeId(n: number): string {
  return `${SCOPE}:${String(n).padStart(ID_DIGITS, '0')}`;
}

/** Records that a case's `case_index` entry changed; resolves once the change is stored. */
export function appendCaseChange(models: Models, caseId: string): Promise<void> {
  let append = appenders.get(models);
  if (!append) appenders.set(models, (append = changeAppender(models)));
  return append(caseId);
}

const appenders = new WeakMap<Models, (caseId: string) => Promise<void>>();

function changeAppender(models: Models): (caseId: string) => Promise<void> {
  /** The last number written through this connection (0: none yet, start from the hint). */
  let last = 0;
  // Not waited for, and only the latest one written: the hint only saves probing
  // (a reader starting from an older one reads a few changes twice), so a lost or
  // late update is harmless.
  const writeHint = latestOnly((value: number) => models.Counter.collection.updateOne(byId(HINT_ID), { $max: { value } }, { upsert: true }));
  return inTurns(async (caseIds: string[]) => {
    last = await writeBatch(models, last, caseIds);
    writeHint(last);
    return caseIds.map(() => undefined);
  }, MAX_BATCH);
}

/** The highest change number known to have been written (approximate: it may lag, never lead). */
export async function changeHint(models: Models): Promise<number> {
  return (await models.Counter.findById(HINT_ID, { value: 1 }).lean())?.value ?? 0;
}

/** Change number `n`, or null while nobody has written it. */
export async function readChange(models: Models, n: number): Promise<CaseChange | null> {
  const doc = (await models.Counter.collection.findOne(byId(changeId(n)), { projection: { caseId: 1 } })) as { caseId?: unknown } | null;
  if (!doc) return null;
  return { caseId: typeof doc.caseId === 'string' ? doc.caseId : '' };
}

/** Writes every change of the batch at consecutive free numbers; returns the highest number used. */
async function writeBatch(models: Models, lastHere: number, caseIds: string[]): Promise<number> {
  let next = lastHere > 0 ? lastHere + 1 : (await changeHint(models)) + 1;
  let left = caseIds;
  let highest = lastHere;
  for (let attempt = 0; attempt < 10_000 && left.length > 0; attempt += 1) {
    const start = next;
    next += left.length;
    let taken = new Set<number>();
    try {
      await models.Counter.collection.insertMany(
        left.map((caseId, i) => ({ _id: changeId(start + i) as never, value: start + i, caseId })),
        { ordered: false },
      );
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      taken = new Set(writeErrorsOf(error).map((e) => e.index));
    }
    highest = Math.max(highest, start + left.length - 1);
    // The changes whose number another process had taken go again, at the next numbers.
    left = left.filter((_, i) => taken.has(i));
  }
  if (left.length > 0) throw new Error('could not append to the case change log');
  return highest;
}
