/**
 * Service-level deadlines per stage and risk. The policy is data, versioned, and can be
 * scaled down so demos and tests see deadlines pass in seconds instead of days.
 */
import { RISKS, type Risk } from './risk';
import { DEADLINE_STAGES, type DeadlineStage } from './stages';

export interface SlaPolicy {
  version: string;
  /** Fraction of the stage's duration after which a warning is raised, e.g. 0.8. */
  warnAt: number;
  /** Milliseconds allowed per stage and risk. */
  durations: Record<DeadlineStage, Record<Risk, number>>;
  /** Milliseconds after a low rating during which the complainant may reopen. */
  reopenWindow: number;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

function sameForAllRisks(ms: number): Record<Risk, number> {
  return { critical: ms, high: ms, medium: ms, low: ms };
}

export const DEFAULT_SLA_POLICY: SlaPolicy = {
  version: '2026.1',
  warnAt: 0.8,
  durations: {
    // The article's benchmark: staff accept and respond within about 5 minutes.
    intake: sameForAllRisks(5 * MINUTE),
    risk_assessment: { critical: 1 * HOUR, high: 2 * HOUR, medium: 4 * HOUR, low: 8 * HOUR },
    // The upper centre must accept an escalated case.
    escalation: { critical: 15 * MINUTE, high: 30 * MINUTE, medium: 1 * HOUR, low: 2 * HOUR },
    expert_consultation: { critical: 1 * DAY, high: 2 * DAY, medium: 3 * DAY, low: 5 * DAY },
    mediation: { critical: 1 * DAY, high: 3 * DAY, medium: 7 * DAY, low: 15 * DAY },
    closure: { critical: 4 * HOUR, high: 8 * HOUR, medium: 1 * DAY, low: 2 * DAY },
    feedback: sameForAllRisks(7 * DAY),
  },
  reopenWindow: 7 * DAY,
};

function scaledDurations(durations: SlaPolicy['durations'], scale: number): SlaPolicy['durations'] {
  const result = {} as SlaPolicy['durations'];
  for (const stage of DEADLINE_STAGES) {
    const byRisk = {} as Record<Risk, number>;
    // Whole milliseconds: timers cannot sleep for fractions, and 0.001 × 300000 is not exact in floating point.
    for (const risk of RISKS) byRisk[risk] = Math.max(1, Math.round(durations[stage][risk] * scale));
    result[stage] = byRisk;
  }
  return result;
}

/** Multiplies every duration by `scale` (e.g. 0.001 turns a day into 86.4 s). */
export function scalePolicy(policy: SlaPolicy, scale: number): SlaPolicy {
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`SLA scale must be a finite number above 0, got ${scale}`);
  if (scale === 1) return policy;
  return {
    version: `${policy.version}@x${scale}`,
    warnAt: policy.warnAt,
    durations: scaledDurations(policy.durations, scale),
    reopenWindow: Math.round(policy.reopenWindow * scale),
  };
}

export function stageDuration(policy: SlaPolicy, stage: DeadlineStage, risk: Risk): number {
  return policy.durations[stage][risk];
}

export function stageDeadline(policy: SlaPolicy, stage: DeadlineStage, risk: Risk, enteredAt: number): number {
  return enteredAt + stageDuration(policy, stage, risk);
}

/** Rounded to whole milliseconds so a workflow timer can hit it exactly. */
export function warningTime(policy: SlaPolicy, stage: DeadlineStage, risk: Risk, enteredAt: number): number {
  return Math.round(enteredAt + policy.warnAt * stageDuration(policy, stage, risk));
}

function isNonNegativeNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** Throws on a policy that would make deadlines meaningless (e.g. one loaded from config). */
export function validateSlaPolicy(policy: SlaPolicy): SlaPolicy {
  if (typeof policy.version !== 'string' || policy.version === '') throw new Error('SLA policy needs a version');
  if (!(policy.warnAt > 0 && policy.warnAt < 1)) throw new Error(`SLA warnAt must be between 0 and 1, got ${policy.warnAt}`);
  if (!isNonNegativeNumber(policy.reopenWindow)) throw new Error('SLA reopenWindow must be a non-negative number');
  for (const stage of DEADLINE_STAGES) {
    for (const risk of RISKS) {
      const value: unknown = policy.durations?.[stage]?.[risk];
      if (!isNonNegativeNumber(value)) throw new Error(`SLA duration for ${stage}/${risk} is missing or negative`);
    }
  }
  return policy;
}
