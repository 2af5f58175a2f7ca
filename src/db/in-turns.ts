/**
 * Serves calls in turns: the calls waiting when a turn starts go to `run`
 * together (at most `maxPerTurn`), and each caller gets the result at its own
 * position, or the turn's error. One turn at a time, so `run` may keep state
 * from one turn to the next.
 *
 * Why: on FerretDB's SQLite backend every write is its own transaction, and
 * writers racing for the same keys pay a failed write per rival. Callers
 * waiting at the same moment (concurrent requests, concurrent activities) are
 * cheaper served by one insertMany than by one insert each.
 */
export function inTurns<T, R>(run: (items: T[]) => Promise<R[]>, maxPerTurn = 256): (item: T) => Promise<R> {
  const waiting: { item: T; resolve(result: R): void; reject(error: unknown): void }[] = [];
  let busy = false;

  const serve = async (): Promise<void> => {
    busy = true;
    try {
      while (waiting.length > 0) {
        const turn = waiting.splice(0, maxPerTurn);
        try {
          const results = await run(turn.map((call) => call.item));
          turn.forEach((call, i) => call.resolve(results[i] as R));
        } catch (error) {
          for (const call of turn) call.reject(error);
        }
      }
    } finally {
      busy = false;
    }
  };

  return (item) =>
    new Promise<R>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!busy) void serve();
    });
}

/**
 * Runs `write` with the latest value given, never two at once: a value given
 * while a write is in flight waits, and only the newest of those waiting is
 * written next. For hints that only have to be close (the last serial or
 * change number claimed): under load, writing every value given would be one
 * more database write per turn, for a value the next turn replaces anyway.
 * Failures are dropped, as a hint's are.
 */
export function latestOnly<T>(write: (value: T) => Promise<unknown>): (value: T) => void {
  let writing = false;
  let waiting: { value: T } | null = null;
  const next = (): void => {
    if (writing || waiting === null) return;
    const { value } = waiting;
    waiting = null;
    writing = true;
    write(value)
      .catch(() => undefined)
      .finally(() => {
        writing = false;
        next();
      });
  };
  return (value) => {
    waiting = { value };
    next();
  };
}
