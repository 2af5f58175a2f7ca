import type { Db } from 'mongodb';

/**
 * Whether the server is FerretDB rather than MongoDB: the one question behind every
 * workaround for FerretDB's limits (file chunks found by `_id`, the read store in
 * memory, projections read before they are written). Asked once per database
 * handle with `buildInfo`, which FerretDB answers with its own version; a failed
 * ask is asked again next time.
 */
export function isFerretDb(db: Db): Promise<boolean> {
  let answer = answers.get(db);
  if (!answer) {
    answer = db
      .admin()
      .command({ buildInfo: 1 })
      .then((info) => typeof info.ferretdbVersion === 'string');
    answers.set(db, answer);
    answer.catch(() => answers.delete(db));
  }
  return answer;
}

const answers = new WeakMap<Db, Promise<boolean>>();
