/** A case's timeline for administrators: every event, every stage visit, and its workflow. */
import { EVENT_PERSON_KEYS } from '../../domain';
import type { ApiContext, Caller } from '../context';
import { problems } from '../problem';
import { findVisibleCase } from './queries';
import type { Timeline } from './schemas';
import { namesOf, stageVisitView, toIso } from './view';
import { eventsUpTo } from './history';
import { handlingHistory } from './handling-history';

export async function getTimeline(ctx: ApiContext, caller: Caller, caseId: string): Promise<Timeline> {
  if (caller.role !== 'admin') throw problems.forbidden('Timelines are for administrators', { zh: '案件时间轴仅供中心管理员查看。', en: 'Timelines are for centre administrators.' });
  const doc = await findVisibleCase(ctx, caller, caseId);
  const [events, described] = await Promise.all([eventsUpTo(ctx, caseId, doc.seq), ctx.cases.describeCase(caseId)]);
  // People by name, not id: who acted, and whom an event names (a mediator, an expert).
  const named = events.flatMap((e) => [e.actor.kind === 'person' ? e.actor.personId : null, ...EVENT_PERSON_KEYS.map((key) => e.detail[key])]);
  const names = await namesOf(ctx, named.filter((id): id is string => typeof id === 'string'));
  const ui = ctx.config.temporalUiUrl;
  const webUiUrl = ui ? `${ui.replace(/\/$/, '')}/namespaces/${encodeURIComponent(ctx.config.temporalNamespace)}/workflows/${encodeURIComponent(caseId)}` : null;
  return {
    caseId,
    caseNumber: doc.caseNumber,
    names: Object.fromEntries(names),
    events: events.map((e) => ({
      seq: e.seq,
      at: toIso(e.at),
      type: e.type,
      stage: e.stage,
      fromStage: e.fromStage,
      actor: e.actor,
      centreId: e.centreId,
      level: e.level,
      detail: e.detail,
    })),
    stages: doc.visits.map((v) => ({ ...stageVisitView(v), durationMs: v.leftAt === null ? null : v.leftAt - v.enteredAt })),
    policyVersion: doc.slaPolicy.version,
    handling: handlingHistory(doc, events),
    workflow: { workflowId: caseId, runId: described?.runId ?? null, status: described?.status ?? null, historyLength: described?.historyLength ?? null, webUiUrl },
  };
}
