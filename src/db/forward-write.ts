import type { Collection } from 'mongodb';
import { isDuplicateKeyError } from './errors';
import { byId, storedSeq } from './by-id';

/**
 * How a document keyed by case (the case document, its `case_index` entry) is
 * written forward only, so that a retried or replayed write never moves it back:
 *
 * - `guarded`: one request, `{ _id, seq: { $lt } }` upserted. A stored document at
 *   least as new does not match, the upsert then hits its `_id`, and that duplicate
 *   means "already current". MongoDB answers it from the `_id` index.
 * - `read-first`: the stored `seq` read by `_id`, then an update by `_id`. FerretDB's
 *   SQLite backend serves only an exact `{ _id }` filter from an index and scans the
 *   collection for the guarded filter, so there the read is cheaper (src/db/server-kind.ts).
 * - `unchecked`: an update by `_id`, when the caller knows the stored document is
 *   older (an entry is never newer than its case, which was just found older).
 */
export type ForwardWrite = 'guarded' | 'read-first' | 'unchecked';

export async function writeForward(collection: Collection, id: string, seq: number, fields: object, how: ForwardWrite): Promise<'written' | 'current'> {
  if (how === 'read-first') {
    const stored = await storedSeq({ collection }, id);
    if (stored !== null && stored >= seq) return 'current';
  }
  const filter = how === 'guarded' ? { ...byId(id), seq: { $lt: seq } } : byId(id);
  try {
    await collection.updateOne(filter, { $set: fields }, { upsert: true });
    return 'written';
  } catch (error) {
    if (!isDuplicateKeyError(error)) throw error;
    // Guarded: the stored document is at least as new. Otherwise two upserts of a new
    // document raced and the other inserted it: done if it is at least as new as ours.
    if (how === 'guarded') return 'current';
    const now = await storedSeq({ collection }, id);
    if (now === null || now < seq) throw error;
    return 'current';
  }
}
