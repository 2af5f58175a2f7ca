import type { Models } from './models';
import type { CaseIndexUpdate } from './case-index';
import { isDuplicateKeyError } from './errors';
import { byId, storedSeq } from './by-id';

/**
 * Writes a `case_index` entry forward only, by `_id` alone (the only filter
 * FerretDB's SQLite backend answers from its primary key): an entry carrying a
 * `seq` no newer than the stored one writes nothing, so an activity retry or a
 * replay never moves the entry backwards. Same rule, and same race handling, as
 * the case document in activities/persistence.ts.
 */
export async function writeCaseIndexEntry(models: Models, entry: CaseIndexUpdate): Promise<'written' | 'current'> {
  const stored = await storedSeq(models.CaseIndex, entry._id);
  if (stored !== null && stored >= entry.seq) return 'current';
  const { _id, ...fields } = entry;
  try {
    await models.CaseIndex.collection.updateOne(byId(_id), { $set: fields }, { upsert: true });
  } catch (error) {
    // Two upserts of a new entry raced: the other one inserted it. Done if it is at least as new as ours.
    if (!isDuplicateKeyError(error)) throw error;
    const now = await storedSeq(models.CaseIndex, _id);
    if (now === null || now < entry.seq) throw error;
  }
  return 'written';
}
