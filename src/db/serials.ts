import type { Models } from './models';

const DUPLICATE_KEY = 11000;

export function isDuplicateKeyError(error: unknown): boolean {
  const e = error as { code?: number; writeErrors?: { code?: number }[] };
  return e.code === DUPLICATE_KEY || (e.writeErrors !== undefined && e.writeErrors.length > 0 && e.writeErrors.every((w) => w.code === DUPLICATE_KEY));
}

/**
 * The next serial number in a scope (e.g. the case numbers of one day), unique
 * across every API process.
 *
 * `findOneAndUpdate` with `$inc` is not atomic on FerretDB v1: concurrent callers
 * can read the same value. Inserting a document whose `_id` is the serial is: the
 * primary key lets exactly one caller claim each number, and a loser tries the
 * next one. A hint document (advanced after each claim, racily; it only has to
 * be close) saves probing from 1.
 */
export async function allocateSerial(models: Models, scope: string): Promise<number> {
  const hintId = `${scope}:hint`;
  const hint = await models.Counter.findById(hintId).lean();
  let serial = (hint?.value ?? 0) + 1;
  for (let attempt = 0; attempt < 10_000; attempt += 1, serial += 1) {
    try {
      await models.Counter.collection.insertOne({ _id: `${scope}:${serial}` as never, value: serial });
    } catch (error) {
      if (isDuplicateKeyError(error)) continue;
      throw error;
    }
    await models.Counter.updateOne({ _id: hintId }, { $max: { value: serial } }, { upsert: true }).catch((error: unknown) => {
      if (!isDuplicateKeyError(error)) throw error;
    });
    return serial;
  }
  throw new Error(`could not allocate a serial in ${scope}`);
}
