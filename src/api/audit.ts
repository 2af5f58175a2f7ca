import type { Request } from 'express';
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

/**
 * The client's address for the audit record: Express's `req.ip`, the peer of the TCP
 * connection (an IPv4 client of a dual-stack socket shows as `::ffff:a.b.c.d`). The app
 * does not set Express's `trust proxy`, so behind a reverse proxy or load balancer this
 * is the proxy's address: such a deployment must set `trust proxy` to the proxy's
 * addresses for `X-Forwarded-For` to be read (and only then, or a client could write its own).
 */
export function requestAddress(req: Request): string | null {
  return req.ip ?? req.socket.remoteAddress ?? null;
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
