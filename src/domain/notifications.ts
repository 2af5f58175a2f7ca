import type { CaseEvent, CaseState, EventType } from './lifecycle';

/**
 * Who is told what when an event happens. Recipients are `person:<id>` or
 * `centre:<id>` (every staff member of that centre). Delivery (SMS, app push)
 * reads the outbox; this only decides the messages.
 */
export interface NotificationIntent {
  kind: string;
  recipient: string;
  message: { zh: string; en: string };
}

type Notify = (event: CaseEvent, state: CaseState, to: { complainant: string; centre: string; number: string }) => NotificationIntent[];

const NONE: Notify = () => [];

/** Every event type has an entry, so a new event cannot go unnoticed: a missing one is a compile error. */
const NOTIFICATIONS: Record<EventType, Notify> = {
  reported: (_e, _s, { complainant, centre, number }) => [
    { kind: 'case_received', recipient: complainant, message: { zh: `您的诉求已登记，编号 ${number}`, en: `Your case ${number} has been registered` } },
    { kind: 'new_case', recipient: centre, message: { zh: `新诉求 ${number} 待受理`, en: `New case ${number} awaits acceptance` } },
  ],
  accepted: (_e, _s, { complainant, number }) => [
    { kind: 'case_accepted', recipient: complainant, message: { zh: `诉求 ${number} 已受理`, en: `Case ${number} has been accepted` } },
  ],
  escalated: (_e, _s, { centre, number }) => [
    { kind: 'case_escalated', recipient: centre, message: { zh: `诉求 ${number} 已上报至本中心，请受理`, en: `Case ${number} was escalated to your centre; please accept it` } },
  ],
  deadline_warning: (_e, _s, { centre, number }) => [
    { kind: 'deadline_warning', recipient: centre, message: { zh: `诉求 ${number} 即将超时`, en: `Case ${number} is close to its deadline` } },
  ],
  overdue_at_top: (_e, _s, { centre, number }) => [
    { kind: 'overdue_alert', recipient: centre, message: { zh: `诉求 ${number} 已超时（市级）`, en: `Case ${number} is overdue at city level` } },
  ],
  expert_requested: (_e, state, { number }) =>
    state.expertId
      ? [{ kind: 'consultation_assigned', recipient: `person:${state.expertId}`, message: { zh: `请就诉求 ${number} 出具意见`, en: `Please give an opinion on case ${number}` } }]
      : [],
  mediator_assigned: (_e, state, { number }) =>
    state.mediatorId
      ? [{ kind: 'mediation_assigned', recipient: `person:${state.mediatorId}`, message: { zh: `您被指派调解诉求 ${number}`, en: `You are assigned to mediate case ${number}` } }]
      : [],
  closed_by_centre: (_e, _s, { complainant, number }) => [
    { kind: 'please_rate', recipient: complainant, message: { zh: `诉求 ${number} 已办结，请评价`, en: `Case ${number} is resolved; please rate the result` } },
  ],
  assessed: NONE,
  opinion_submitted: NONE,
  session_recorded: NONE,
  agreement_recorded: NONE,
  failure_recorded: NONE,
  disposal_recorded: NONE,
  feedback_received: NONE,
  reopened: NONE,
  feedback_timeout: NONE,
  reopen_window_ended: NONE,
};

export function notificationsFor(event: CaseEvent, state: CaseState): NotificationIntent[] {
  return NOTIFICATIONS[event.type](event, state, { complainant: `person:${state.complainantId}`, centre: `centre:${event.centreId}`, number: state.caseNumber });
}
