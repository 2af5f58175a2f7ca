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
 *
 * Within one process, callers of a scope take turns and start after the last
 * number this process claimed: concurrent requests would otherwise all read
 * the same hint and race for the same numbers, each loser paying a failed
 * insert per rival (16 at once made intake 7× slower than its ceiling). Other
 * processes are still met by the primary key, as before.
 */
export function allocateSerial(models: Models, scope: string): Promise<number> {
  let scopes = local.get(models);
  if (!scopes) local.set(models, (scopes = new Map()));
  const entry = scopes.get(scope) ?? { last: 0, tail: Promise.resolve() };
  scopes.set(scope, entry);
  const claimed = entry.tail.then(() => claimSerial(models, scope, entry.last));
  entry.tail = claimed.then(
    (serial) => {
      entry.last = serial;
    },
    () => undefined,
  );
  // The next caller may claim while this one advances the hint.
  return claimed.then(async (serial) => {
    await models.Counter.updateOne({ _id: `${scope}:hint` }, { $max: { value: serial } }, { upsert: true }).catch((error: unknown) => {
      if (!isDuplicateKeyError(error)) throw error;
    });
    return serial;
  });
}

/** Per connection and scope: the last serial claimed here, and the queue of callers. */
const local = new WeakMap<Models, Map<string, { last: number; tail: Promise<unknown> }>>();

async function claimSerial(models: Models, scope: string, lastHere: number): Promise<number> {
  const hintId = `${scope}:hint`;
  let serial = lastHere > 0 ? lastHere + 1 : ((await models.Counter.findById(hintId).lean())?.value ?? 0) + 1;
  for (let attempt = 0; attempt < 10_000; attempt += 1, serial += 1) {
    try {
      await models.Counter.collection.insertOne({ _id: `${scope}:${serial}` as never, value: serial });
    } catch (error) {
      if (isDuplicateKeyError(error)) continue;
      throw error;
    }
    return serial;
  }
  throw new Error(`could not allocate a serial in ${scope}`);
}
