/**
 * The handling limit of the centre that has a case: it starts when the case arrives at the
 * centre, runs in the policy's clock (working time, usually), stands still while paused,
 * follows a change of risk, and stops when the centre signs the case off.
 */
import { addClockTime, clockMs, clockTimeBetween, handlingLimit, isWorkingTimePolicy, type DeadlinePolicy, type Span } from './deadline-policy';
import type { CasePolicy } from './lifecycle';
import type { Level } from './organisation';
import type { Risk } from './risk';
import type { Stage } from './stages';

export interface HandlingClock {
  centreId: string;
  startedAt: number;
  limit: Span;
  /** null while the clock is paused, and once the limit has passed at the top level. */
  deadline: number | null;
  warnAt: number | null;
  warned: boolean;
  /** Clock time that was left when the clock was paused. */
  remainingMs: number | null;
}

/** Stages in which no centre is handling the case any more: it has been signed off. */
const SIGNED_OFF: readonly Stage[] = ['feedback', 'closed'];

/** Sets deadline and warning from the clock time left at `now`. */
function running(policy: DeadlinePolicy, clock: HandlingClock, now: number, remainingMs: number): HandlingClock {
  const limitMs = clockMs(policy, clock.limit);
  const remaining = Math.max(1, remainingMs);
  const untilWarning = remaining - Math.round(limitMs * (1 - policy.warnAt));
  const deadline = addClockTime(policy, clock.limit, now, remaining);
  const warnAt = clock.warned ? null : untilWarning > 0 ? addClockTime(policy, clock.limit, now, untilWarning) : now;
  return { ...clock, deadline, warnAt: warnAt !== null && warnAt < deadline ? warnAt : null, remainingMs: null };
}

export function startHandling(policy: DeadlinePolicy, centreId: string, level: Level, risk: Risk, now: number): HandlingClock {
  const limit = handlingLimit(policy, level, risk);
  const clock: HandlingClock = { centreId, startedAt: now, limit, deadline: null, warnAt: null, warned: false, remainingMs: null };
  return running(policy, clock, now, clockMs(policy, limit));
}

/**
 * The clock after the case enters `stage` at `centreId`: a centre that receives the case
 * starts its own; a reopened case starts afresh; signing off stops it; moving between
 * stages at one centre keeps it, adjusted when the risk (and so the limit) has changed.
 */
export function clockAfterMove(clock: HandlingClock | null, policy: CasePolicy, centreId: string, level: Level, risk: Risk, stage: Stage, now: number): HandlingClock | null {
  if (!isWorkingTimePolicy(policy) || SIGNED_OFF.includes(stage)) return null;
  if (clock === null || clock.centreId !== centreId) return startHandling(policy, centreId, level, risk, now);
  return withLimit(policy, clock, handlingLimit(policy, level, risk), now);
}

/** A new limit counts from the same start: the time already used stays used. */
function withLimit(policy: DeadlinePolicy, clock: HandlingClock, limit: Span, now: number): HandlingClock {
  if (limit.amount === clock.limit.amount && limit.unit === clock.limit.unit) return clock;
  const before = remainingAt(policy, clock, now);
  if (before === null) return { ...clock, limit };
  const remaining = before + clockMs(policy, limit) - clockMs(policy, clock.limit);
  const adjusted = { ...clock, limit };
  return clock.deadline === null && clock.remainingMs !== null ? { ...adjusted, remainingMs: Math.max(1, remaining) } : running(policy, adjusted, now, remaining);
}

/** Clock time left at `now`; null once the limit has passed at the top (nothing left to count). */
function remainingAt(policy: DeadlinePolicy, clock: HandlingClock, now: number): number | null {
  if (clock.remainingMs !== null) return clock.remainingMs;
  if (clock.deadline === null) return null;
  return clockTimeBetween(policy, clock.limit, now, clock.deadline);
}

export function pauseClock(policy: DeadlinePolicy, clock: HandlingClock, now: number): HandlingClock {
  const remainingMs = remainingAt(policy, clock, now);
  return remainingMs === null ? clock : { ...clock, deadline: null, warnAt: null, remainingMs: Math.max(1, remainingMs) };
}

export function resumeClock(policy: DeadlinePolicy, clock: HandlingClock, now: number): HandlingClock {
  return clock.remainingMs === null ? clock : running(policy, clock, now, clock.remainingMs);
}
