/**
 * What a case's "time left" shows. Overdue comes first: a case overdue at the city has
 * no further deadline (nowhere higher to go), and is overdue all the same.
 */
export type TimeLeftState = { kind: 'none' } | { kind: 'overdue'; byMs: number | null } | { kind: 'left'; ms: number };

export function timeLeftState(input: { deadline: string | null; overdue?: boolean | undefined; status?: string | undefined }, now: number): TimeLeftState {
  if (input.status === 'closed') return { kind: 'none' };
  const deadline = input.deadline ? new Date(input.deadline).getTime() : null;
  if (input.overdue || (deadline !== null && deadline < now)) return { kind: 'overdue', byMs: deadline === null ? null : Math.max(0, now - deadline) };
  if (deadline === null) return { kind: 'none' };
  return { kind: 'left', ms: deadline - now };
}
