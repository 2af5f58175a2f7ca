/**
 * The shape of an `audit` record, built in one place for both of its writers: the API
 * (every request's outcome, refusals included) and the worker (the intake
 * record, written with the case it opened).
 */
export interface AuditActor {
  personId: string;
  role: string;
  centreId?: string | undefined;
}

export interface AuditEntry {
  actor: AuditActor | null;
  action: string;
  caseId?: string | null;
  outcome: string;
  status: number;
  /** Never personal data in clear: phones arrive here masked. */
  detail?: Record<string, unknown>;
  /** The person acted upon (an administrator's change, a sign-in), when it is a person. */
  subjectId?: string | null;
  /** The centres the entry concerns, from the city down: administrators of any of them may read it. */
  scope?: readonly string[];
  /** Where the request came from (the client's address as the API saw it). */
  address?: string | null;
}

export function auditRecord(entry: AuditEntry, at: Date): Record<string, unknown> {
  const actor = entry.actor
    ? { personId: entry.actor.personId, role: entry.actor.role, centreId: entry.actor.centreId ?? null }
    : { anonymous: true };
  return {
    at,
    actor,
    action: entry.action,
    caseId: entry.caseId ?? null,
    outcome: entry.outcome,
    status: entry.status,
    detail: entry.detail ?? {},
    subjectId: entry.subjectId ?? null,
    scope: [...(entry.scope ?? [])],
    address: entry.address ?? null,
  };
}

/** The `_id` of a case's intake record: written once, however often the opening write is retried. */
export function intakeAuditId(caseId: string): string {
  return `intake:${caseId}`;
}

/**
 * The `scope` of an entry from the centre paths it concerns (each city first): every
 * centre named once, in the order first met, so the city comes first.
 */
export function auditScope(...paths: readonly (readonly string[] | null | undefined)[]): string[] {
  const scope: string[] = [];
  for (const path of paths) for (const id of path ?? []) if (!scope.includes(id)) scope.push(id);
  return scope;
}

/**
 * The centres an action on a case concerns: the case's centre (and those above it), the
 * actor's, and the centre a transfer sends the case to or a refused transfer sends it
 * back to, so the administrators there read what came to them and why.
 */
export function caseActionScope(
  casePath: readonly string[],
  actorPath: readonly string[] | undefined,
  action: { type: string; toCentreId?: string },
  pendingTransferFrom: readonly string[] | null | undefined,
  pathOf: (centreId: string) => readonly string[] | undefined,
): string[] {
  const target = action.type === 'transfer' && action.toCentreId !== undefined ? pathOf(action.toCentreId) : action.type === 'refuse_transfer' ? pendingTransferFrom : undefined;
  return auditScope(casePath, actorPath, target);
}
