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
    await ctx.db.models.Audit.create({
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
