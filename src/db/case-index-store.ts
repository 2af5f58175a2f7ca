import type { Models } from './models';
import { caseIndexEntry, isCompleteEntry, type CaseIndexEntry } from './case-index';
import { isDuplicateKeyError } from './serials';
import { retryWhileBusy } from './busy';
import { appendCaseChange } from './case-changes';
import { byId, storedSeq } from './by-id';

/**
 * Writes a `case_index` entry forward only, by `_id` alone (the only filter
 * FerretDB's SQLite backend answers from its primary key): an entry carrying a
 * `lastSeq` no newer than the stored one writes nothing, so an activity retry
 * or a replay, or the backfill meeting a case a worker has since moved on, never
 * moves the entry backwards. Same rule, and same race handling, as the `cases`
 * projection in activities/persistence.ts.
 */
export async function writeCaseIndexEntry(models: Models, derived: CaseIndexEntry): Promise<'written' | 'current'> {
  const stored = await storedSeq(models.CaseIndex, derived._id);
  if (stored !== null && stored >= derived.lastSeq) return 'current';
  let entry = derived;
  if (!stored && !isCompleteEntry(derived)) {
    // A transition's write lacks the fields set at opening. With no entry yet (a
    // case projected before case_index existed and not yet backfilled), derive
    // the whole entry from the stored projection, which the caller has just written.
    const projection = await models.Case.findById(derived._id).lean();
    if (projection) entry = caseIndexEntry(projection);
  }
  const { _id, ...fields } = entry;
  try {
    await models.CaseIndex.collection.updateOne(byId(_id), { $set: fields }, { upsert: true });
  } catch (error) {
    // Two upserts of a new entry raced: the other one inserted it. Done if it is at least as new as ours.
    if (!isDuplicateKeyError(error)) throw error;
    const now = await storedSeq(models.CaseIndex, _id);
    if (now === null || now < entry.lastSeq) throw error;
  }
  return 'written';
}

/**
 * Marker in `counters`: the backfill of `case_index` from `cases` has completed
 * once. v1 wrote the entries; v2 also fills `category` into entries written
 * before it was indexed.
 */
export const CASE_INDEX_MIGRATION_ID = 'migration:case-index-v2';

/** The `cases` fields caseIndexEntry reads; everything else stays on the server. */
const FIELDS_FOR_INDEX = {
  caseNumber: 1, category: 1, title: 1, centreId: 1, centrePath: 1, stage: 1, status: 1, level: 1, risk: 1, deadline: 1, overdue: 1, receivedAt: 1,
  closedAt: 1, rating: 1, visits: 1, complainant: 1, reportedById: 1, mediatorId: 1, expertId: 1, opinion: 1, lastSeq: 1, updatedAt: 1,
} as const;

/** Writes in flight at once: FerretDB's SQLite takes one writer at a time, a few keep it busy without piling up SQLITE_BUSY. */
const BACKFILL_CONCURRENCY = 4;
const PROGRESS_EVERY = 1000;

export interface BackfillResult {
  /** False when the marker said it had already been done. */
  ran: boolean;
  examined: number;
  written: number;
}

/**
 * Gives every case projected before `case_index` existed its entry, once per
 * database: streams `cases` with a cursor, writes each missing or older entry
 * (forward only, as the worker does), fills `category` into current entries
 * that lack it (a case's category never changes, so this cannot move an entry
 * backwards), then writes the marker. Idempotent and
 * safe to run from two workers at once: both write the same entries by `_id`,
 * under the same forward-only rule, and the marker insert of the slower one
 * finds its `_id` taken. A run interrupted before the marker runs again at the
 * next start, skipping the entries already current.
 */
export async function backfillCaseIndex(models: Models, log: (message: string) => void = () => {}): Promise<BackfillResult> {
  if (await models.Counter.findById(CASE_INDEX_MIGRATION_ID, { _id: 1 }).lean()) return { ran: false, examined: 0, written: 0 };
  const started = Date.now();
  // One scan of the small collection instead of one lookup per case for the entries already current.
  const known = new Map(
    (await models.CaseIndex.find({}, { lastSeq: 1, category: 1 }).lean()).map((entry) => [entry._id, { lastSeq: entry.lastSeq, category: entry.category ?? null }]),
  );
  const total = await models.Case.estimatedDocumentCount();
  if (total > 0) log(`case_index: backfilling entries for ${total} cases (${known.size} entries already there)`);
  let examined = 0;
  let written = 0;
  let inFlight: Promise<void>[] = [];
  const cursor = models.Case.find({}, FIELDS_FOR_INDEX).lean().cursor({ batchSize: 500 });
  for await (const projection of cursor) {
    examined += 1;
    const entry = caseIndexEntry(projection);
    const stored = known.get(entry._id);
    const older = (stored?.lastSeq ?? -1) < entry.lastSeq;
    if (older || stored?.category === null) {
      inFlight.push(
        retryWhileBusy(() => (older ? writeCaseIndexEntry(models, entry) : fillCategory(models, entry._id, entry.category))).then(async (outcome) => {
          if (outcome !== 'written') return;
          written += 1;
          // An API process already running learns of the entry from the change log.
          await retryWhileBusy(() => appendCaseChange(models, entry._id));
        }),
      );
      if (inFlight.length >= BACKFILL_CONCURRENCY) {
        await Promise.all(inFlight);
        inFlight = [];
      }
    }
    if (examined % PROGRESS_EVERY === 0) log(`case_index: ${examined}/${total} cases examined, ${written} entries written`);
  }
  await Promise.all(inFlight);
  try {
    await retryWhileBusy(() => models.Counter.create({ _id: CASE_INDEX_MIGRATION_ID, value: examined }));
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error; // another worker finished first
  }
  if (total > 0) log(`case_index: backfill done, ${examined} cases examined, ${written} entries written in ${Date.now() - started} ms`);
  return { ran: true, examined, written };
}

/**
 * Sets the category of an entry that had none when the backfill read it. No
 * re-read first: a worker that has written the entry since wrote the same
 * category, which never changes in a case's life.
 */
async function fillCategory(models: Models, caseId: string, category: string | null | undefined): Promise<'written' | 'current'> {
  if (typeof category !== 'string') return 'current'; // nothing to fill it with
  await models.CaseIndex.collection.updateOne(byId(caseId), { $set: { category } });
  return 'written';
}
