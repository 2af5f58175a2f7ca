/** The seven stages a case moves through, and `closed` after them. */
export const STAGES = ['intake', 'risk_assessment', 'escalation', 'expert_consultation', 'mediation', 'closure', 'feedback', 'closed'] as const;
export type Stage = (typeof STAGES)[number];

/** Every stage but `closed` has a deadline; the closed stage's only timer is the end of the reopen window. */
export type DeadlineStage = Exclude<Stage, 'closed'>;
export const DEADLINE_STAGES = STAGES.filter((stage): stage is DeadlineStage => stage !== 'closed');

export function isDeadlineStage(stage: Stage): stage is DeadlineStage {
  return stage !== 'closed';
}
