import { inTurns } from '../db/in-turns';
import { auditRecord, type AuditEntry } from '../domain';
import type { ApiContext } from './context';

/**
 * Who did what, when, and how it ended: every action and every refused attempt.
 * (An intake that opened a case is recorded by the worker, with the case: see
 * `intakeAudit` in workflows/definitions.ts.)
 * An audit write that fails is logged, never allowed to change the answer.
 */
export async function writeAudit(ctx: ApiContext, entry: AuditEntry): Promise<void> {
  try {
    await groupWrite(ctx, auditRecord(entry, new Date()));
  } catch (error) {
    ctx.logger.error({ err: error, action: entry.action, caseId: entry.caseId, outcome: entry.outcome }, 'audit write failed');
  }
}

const writers = new WeakMap<object, (record: Record<string, unknown>) => Promise<void>>();

/**
 * Each request still waits for its own record to be stored, but the records of
 * requests waiting at the same moment go in one insertMany: one insert per
 * record would be one more FerretDB turn per request, and under concurrency
 * those turns queue.
 */
function groupWrite(ctx: ApiContext, record: Record<string, unknown>): Promise<void> {
  let write = writers.get(ctx.db.models);
  if (!write) {
    const models = ctx.db.models;
    write = inTurns(async (records: Record<string, unknown>[]) => {
      // Through the driver: writeAudit builds every field, and mongoose's document
      // construction and validation of each record cost more CPU than the insert.
      await models.Audit.collection.insertMany(records);
      return records.map(() => undefined);
    });
    writers.set(models, write);
  }
  return write(record);
}
