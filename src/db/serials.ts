import type { Models } from './models';
import { inTurns, latestOnly } from './in-turns';
import { byId } from './by-id';
import { isDuplicateKeyError, writeErrorsOf } from './errors';

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
 * Within one process, callers of a scope wait their turn, and each turn claims
 * a serial for every caller waiting, in one insertMany of consecutive ids
 * starting after the last serial claimed here. Concurrent requests would
 * otherwise all read the same hint and race for the same numbers, each loser
 * paying a failed insert per rival (the failed inserts grow with the square of
 * the number waiting; docs/performance-log.md, change 2); one at a time, a
 * claim per round trip would cap intake at the database's write latency. Other
 * processes are still met by the primary key: ids they took fail as duplicates
 * and the callers left over try the next ones.
 * Serials are handed out in ascending order, without gaps.
 */
export function allocateSerial(models: Models, scope: string): Promise<number> {
  let scopes = allocators.get(models);
  if (!scopes) allocators.set(models, (scopes = new Map()));
  let allocate = scopes.get(scope);
  if (!allocate) scopes.set(scope, (allocate = serialAllocator(models, scope)));
  return allocate(undefined);
}

const allocators = new WeakMap<Models, Map<string, (call: undefined) => Promise<number>>>();

function serialAllocator(models: Models, scope: string): (call: undefined) => Promise<number> {
  /** The last serial claimed through this connection (0: none yet, read the hint). */
  let last = 0;
  // Not waited for, and only the latest one written: the hint only saves a new
  // process some probing, and a lost or late update costs nothing but that (a
  // duplicate upsert race included).
  const writeHint = latestOnly((value: number) =>
    models.Counter.collection.updateOne(byId(`${scope}:hint`), { $max: { value } }, { upsert: true }),
  );
  return inTurns(async (calls) => {
    const serials = await claimSerials(models, scope, last, calls.length);
    last = serials[serials.length - 1] as number;
    writeHint(last);
    return serials;
  });
}

/** `count` serials, ascending, each claimed by inserting its `_id`. */
async function claimSerials(models: Models, scope: string, lastHere: number, count: number): Promise<number[]> {
  let next = lastHere > 0 ? lastHere + 1 : ((await models.Counter.findById(`${scope}:hint`).lean())?.value ?? 0) + 1;
  const claimed: number[] = [];
  for (let attempt = 0; attempt < 10_000 && claimed.length < count; attempt += 1) {
    const wanted = Array.from({ length: count - claimed.length }, (_, i) => next + i);
    next += wanted.length;
    let failed = new Set<number>();
    try {
      await models.Counter.collection.insertMany(
        wanted.map((serial) => ({ _id: `${scope}:${serial}` as never, value: serial })),
        { ordered: false },
      );
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      failed = new Set(writeErrorsOf(error).map((e) => e.index));
    }
    wanted.forEach((serial, index) => {
      if (!failed.has(index)) claimed.push(serial);
    });
  }
  if (claimed.length < count) throw new Error(`could not allocate a serial in ${scope}`);
  return claimed;
}
