import { withCurrentShape, type CaseDocument } from '../domain';
import { caseIndexEntry } from './case-index';
import type { Models } from './models';

export interface ReindexResult {
  cases: number;
  rewritten: number;
}

/**
 * Writes every case's `case_index` entry again from its document, so that entries written
 * by an older version gain the fields added since (`seenBy`, which the queries read store
 * finds cases by, the search fields, the village). Forward only: an entry a transition
 * has moved past the document read here is left as it is. On MongoDB that guard is
 * atomic, so it is safe to run while the system runs, and again; FerretDB applies a
 * guarded update as a read then a write, so there run it with the workers stopped.
 * `caseIds` limits it to those cases.
 */
export async function reindexCases(models: Models, options: { caseIds?: readonly string[]; progress?: (done: number) => void } = {}): Promise<ReindexResult> {
  const result: ReindexResult = { cases: 0, rewritten: 0 };
  const filter = options.caseIds ? { _id: { $in: [...options.caseIds] } } : {};
  for await (const stored of models.Case.find(filter).lean<CaseDocument[]>().cursor()) {
    const { _id, ...fields } = caseIndexEntry(withCurrentShape(stored as unknown as CaseDocument));
    const written = await models.CaseIndex.collection.updateOne({ _id: _id as never, $or: [{ seq: { $lte: fields.seq } }, { seq: { $exists: false } }] }, { $set: fields });
    // Nothing matched: either a transition wrote a newer entry meanwhile (it carries every field), or there is none yet.
    if (written.matchedCount > 0 || (await insertMissing(models, _id, fields))) result.rewritten += 1;
    result.cases += 1;
    if (result.cases % 1000 === 0) options.progress?.(result.cases);
  }
  return result;
}

async function insertMissing(models: Models, id: string, fields: Record<string, unknown>): Promise<boolean> {
  const written = await models.CaseIndex.collection.updateOne({ _id: id as never }, { $setOnInsert: fields }, { upsert: true });
  return written.upsertedCount > 0;
}
