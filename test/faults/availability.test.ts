// Which errors are "a dependency is busy or down" (503 + Retry-After) rather than a bug (500).
import { describe, expect, it } from 'vitest';
import { unavailableReason } from '../../src/api/availability';

describe('unavailableReason', () => {
  it('FerretDB’s SQLite backend answering "database is locked" under contention is MongoDB unavailable, not a bug', () => {
    // As the fault suite's worker logged it, from a bulk write and a single update.
    const message = '[msg_update.go:133 handler.(*Handler).updateDocument] [update.go:105 common.UpdateDocument] [collection.go:135 sqlite.(*collection).InsertAll.func1] database is locked (5) (SQLITE_BUSY)';
    expect(unavailableReason(Object.assign(new Error(message), { name: 'MongoServerError', code: 1, codeName: 'InternalError' }))).toBe('MongoDB');
    expect(unavailableReason(Object.assign(new Error(message), { name: 'MongoBulkWriteError', code: 1 }))).toBe('MongoDB');
  });

  it('a bulk write that could not reach FerretDB (stopped) is MongoDB unavailable', () => {
    // As the API logged it when FerretDB was stopped during an intake.
    const selection = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:39953'), { name: 'MongoServerSelectionError' });
    const bulk = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:39953'), { name: 'MongoBulkWriteError', errorResponse: selection, errorLabelSet: new Set() });
    expect(unavailableReason(bulk)).toBe('MongoDB');
  });

  it('other server errors stay bugs', () => {
    expect(unavailableReason(Object.assign(new Error('E11000 duplicate key error'), { name: 'MongoServerError', code: 11000 }))).toBeNull();
    expect(unavailableReason(Object.assign(new Error('database is locked'), { name: 'TypeError' }))).toBeNull();
  });
});
