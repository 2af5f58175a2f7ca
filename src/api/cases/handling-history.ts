/**
 * Each centre's handling limit over a case's life, for the timeline. The case keeps only the
 * current centre's clock, so the earlier ones are replayed from the events with the same
 * functions the workflow used; the current one is taken as stored, which is exact.
 */
import { isWorkingTimePolicy, type CaseDocument, type Risk } from '../../domain';
import { clockAfterMove, pauseClock, resumeClock, type HandlingClock } from '../../domain/handling-clock';
import type { StoredCaseEvent } from '../../db/models';
import type { Timeline } from './schemas';
import { toIso, toIsoOrNull } from './view';

type HandlingSpan = Timeline['handling'][number];

interface Open {
  clock: HandlingClock;
  level: HandlingSpan['level'];
  breached: boolean;
}

function spanOf(open: Open, endedAt: number | null): HandlingSpan {
  const { clock } = open;
  return {
    centreId: clock.centreId,
    level: open.level,
    startedAt: toIso(clock.startedAt),
    endedAt: toIsoOrNull(endedAt),
    limit: clock.limit,
    deadline: toIsoOrNull(clock.deadline),
    paused: clock.deadline === null && clock.remainingMs !== null,
    breached: open.breached,
  };
}

/** Events that say the limit itself passed: the case went up by itself, or was flagged at the city. */
function limitPassed(event: StoredCaseEvent): boolean {
  return (event.type === 'escalated' && event.detail.reason === 'handling_limit_passed') || event.type === 'overdue_at_top';
}

export function handlingHistory(doc: CaseDocument, events: StoredCaseEvent[]): HandlingSpan[] {
  const policy = doc.slaPolicy;
  if (!isWorkingTimePolicy(policy)) return [];
  const spans: HandlingSpan[] = [];
  let open: Open | null = null;
  let risk = (events[0]?.detail.risk as Risk | undefined) ?? doc.risk;
  for (const event of events) {
    if (typeof event.detail.risk === 'string') risk = event.detail.risk as Risk;
    if (open && limitPassed(event)) open.breached = true;
    if (open && event.type === 'clock_paused') open.clock = pauseClock(policy, open.clock, event.at);
    if (open && event.type === 'clock_resumed') open.clock = resumeClock(policy, open.clock, event.at);
    const next = clockAfterMove(open?.clock ?? null, policy, event.centreId, event.level, risk, event.stage, event.at);
    const sameClock: boolean = open !== null && next !== null && next.startedAt === open.clock.startedAt && next.centreId === open.clock.centreId;
    if (open && !sameClock) spans.push(spanOf(open, event.at));
    open = next ? { clock: next, level: event.level, breached: sameClock && open ? open.breached : false } : null;
  }
  // The centre that has the case now: its clock as stored (the replay could only approximate a pause's end).
  if (open && doc.handling) spans.push(spanOf({ ...open, clock: doc.handling }, null));
  else if (open) spans.push(spanOf(open, null));
  return spans;
}
