import type { Collection, Document, Filter } from 'mongodb';

/**
 * Reads and writes keyed by a string `_id`, through the driver's collections:
 * the only lookup FerretDB's SQLite backend answers from an index, and on the
 * hot paths (every transition, every serial and change number) a mongoose
 * query cost more CPU than the lookup itself.
 */

/** A filter on a string `_id` (the driver's types expect an ObjectId). */
export function byId(id: string): Filter<Document> {
  return { _id: id as unknown as Document['_id'] };
}

/** The `seq` stored for a case (projection or index entry), or null when there is none. */
export async function storedSeq(model: { collection: Collection }, id: string): Promise<number | null> {
  const doc = await model.collection.findOne(byId(id), { projection: { seq: 1 } });
  return typeof doc?.seq === 'number' ? doc.seq : null;
}
