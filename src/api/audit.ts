import type { ApiContext, Caller } from './context';

export interface AuditEntry {
  actor: Caller | null;
  action: string;
  caseId?: string | null;
  outcome: string;
  status: number;
  /** Never personal data in clear: phones arrive here masked. */
  detail?: Record<string, unknown>;
}

/**
 * Who did what, when, and how it ended: every action and every refused attempt.
 * An audit write that fails is logged, never allowed to change the answer.
 */
export async function writeAudit(ctx: ApiContext, entry: AuditEntry): Promise<void> {
  const actor = entry.actor
    ? { personId: entry.actor.personId, role: entry.actor.role, centreId: entry.actor.centreId ?? null }
    : { anonymous: true };
  try {
    await groupWrite(ctx, {
      at: new Date(),
      actor,
      action: entry.action,
      caseId: entry.caseId ?? null,
      outcome: entry.outcome,
      status: entry.status,
      detail: entry.detail ?? {},
    });
  } catch (error) {
    ctx.logger.error({ err: error, action: entry.action, caseId: entry.caseId, outcome: entry.outcome }, 'audit write failed');
  }
}

interface PendingRecord {
  record: Record<string, unknown>;
  resolve(): void;
  reject(error: unknown): void;
}

interface Writer {
  waiting: PendingRecord[];
  busy: boolean;
}

const writers = new WeakMap<object, Writer>();
const MAX_GROUP = 256;

/**
 * Each request still waits for its own record to be stored, but the records of
 * requests waiting at the same moment go in one insertMany: on FerretDB's
 * SQLite backend every insert is a transaction of its own, and at 16 intakes
 * at once one insert each was a good part of the API's extra cost over bare
 * workflow starts.
 */
function groupWrite(ctx: ApiContext, record: Record<string, unknown>): Promise<void> {
  let writer = writers.get(ctx.db.models);
  if (!writer) writers.set(ctx.db.models, (writer = { waiting: [], busy: false }));
  const w = writer;
  return new Promise<void>((resolve, reject) => {
    w.waiting.push({ record, resolve, reject });
    if (!w.busy) void drain(ctx, w);
  });
}

async function drain(ctx: ApiContext, writer: Writer): Promise<void> {
  writer.busy = true;
  try {
    while (writer.waiting.length > 0) {
      const group = writer.waiting.splice(0, MAX_GROUP);
      try {
        await ctx.db.models.Audit.insertMany(group.map((p) => p.record));
        for (const pending of group) pending.resolve();
      } catch (error) {
        for (const pending of group) pending.reject(error);
      }
    }
  } finally {
    writer.busy = false;
  }
}
