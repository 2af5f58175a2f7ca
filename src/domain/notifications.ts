import { isWorkingTimePolicy } from './deadline-policy';
import type { CaseEvent, CaseState, EventType } from './lifecycle';

/**
 * Who is told what when an event happens. Recipients are `person:<id>`,
 * `centre:<id>` (every staff member of that centre) or `department:<id>`. The
 * delivery workflow sends each one (SMS, e-mail, webhooks; src/domain/delivery.ts)
 * and the inbox shows it; this only decides the messages.
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
  acknowledgement_missed: (event, _s, { centre, number }) => [
    { kind: 'acknowledgement_missed', recipient: centre, message: { zh: `诉求 ${number} 尚未受理，已超过受理时限，请立即受理`, en: `Case ${number} has not been accepted in time; please accept it now` } },
    ...supervisors(event, number, { zh: `下级中心未按时受理诉求 ${number}，已自动督办`, en: `Case ${number} was not accepted in time by the centre below; a supervision order was issued` }),
  ],
  supervision_issued: (event, state, { centre, number }) => [
    { kind: 'supervision_issued', recipient: centre, message: { zh: `诉求 ${number} 被督办，请在 ${localTime(event.detail.replyBy, state)} 前回复`, en: `Case ${number} is under supervision; reply by ${localTime(event.detail.replyBy, state)}` } },
  ],
  supervision_replied: (event, _s, { number }) =>
    supervisors(event, number, { zh: `诉求 ${number} 的督办已回复`, en: `The supervision order on case ${number} has been answered` }),
  supervision_lapsed: (event, _s, { centre, number }) => [
    { kind: 'supervision_lapsed', recipient: centre, message: { zh: `诉求 ${number} 的督办已逾期未回复，请立即回复`, en: `The supervision order on case ${number} is past its reply time; reply now` } },
    ...supervisors(event, number, { zh: `诉求 ${number} 的督办逾期未回复`, en: `The supervision order on case ${number} was not answered in time` }),
  ],
  clock_paused: (event, state, { complainant, number }) => [
    { kind: 'case_paused', recipient: complainant, message: { zh: `诉求 ${number} 等待中，预计 ${localTime(event.detail.until, state)} 前继续办理`, en: `Case ${number} is waiting; handling resumes by ${localTime(event.detail.until, state)}` } },
  ],
  expert_overdue: (_e, state, { centre, number }) => [
    { kind: 'expert_overdue', recipient: centre, message: { zh: `诉求 ${number} 的专家意见已超时`, en: `The expert opinion on case ${number} is overdue` } },
    ...(state.expertId ? [{ kind: 'expert_overdue', recipient: `person:${state.expertId}`, message: { zh: `诉求 ${number} 的意见已超时，请尽快出具`, en: `Your opinion on case ${number} is overdue; please give it now` } }] : []),
  ],
  clock_resumed: NONE,
  department_assigned: (event, _s, { number }) => [
    { kind: 'department_task', recipient: `department:${String(event.detail.departmentId)}`, message: { zh: `诉求 ${number} 交由贵单位处置，请处置后反馈结果`, en: `Case ${number} is handed to your department; report back what you did` } },
  ],
  department_reported: (_e, _s, { centre, number }) => [
    { kind: 'department_reported', recipient: centre, message: { zh: `诉求 ${number} 的责任单位已反馈处置结果，请核实结案`, en: `The department has reported on case ${number}; check it and close the case` } },
  ],
  department_refused: (_e, _s, { centre, number }) => [
    { kind: 'department_refused', recipient: centre, message: { zh: `诉求 ${number} 被责任单位退回，请查看理由`, en: `The department refused case ${number}; see its reason` } },
  ],
  transferred: (_e, _s, { complainant, centre, number }) => [
    { kind: 'case_transferred', recipient: centre, message: { zh: `诉求 ${number} 由其他中心转来，请受理或说明理由退回`, en: `Case ${number} was transferred to your centre; accept it, or refuse it with a reason` } },
    { kind: 'case_transferred', recipient: complainant, message: { zh: `您的诉求 ${number} 已转交属地中心办理`, en: `Your case ${number} has been passed to the centre for its location` } },
  ],
  transfer_refused: (_e, _s, { centre, number }) => [
    { kind: 'transfer_refused', recipient: centre, message: { zh: `诉求 ${number} 被退回本中心，请查看退回理由`, en: `Case ${number} was refused by the centre it was transferred to and is back with you; see the reason` } },
  ],
  expert_requested: (_e, state, { number }) =>
    state.expertId
      ? [{ kind: 'consultation_assigned', recipient: `person:${state.expertId}`, message: { zh: `请就诉求 ${number} 出具意见`, en: `Please give an opinion on case ${number}` } }]
      : [],
  mediator_assigned: (_e, state, { number }) =>
    state.mediatorId
      ? [{ kind: 'mediation_assigned', recipient: `person:${state.mediatorId}`, message: { zh: `您被指派调解诉求 ${number}`, en: `You are assigned to mediate case ${number}` } }]
      : [],
  // The result first, in the centre's words, then the request to rate it: two messages, as a resident reads them.
  closed_by_centre: (event, state, { complainant, number }) => [
    { kind: 'case_result', recipient: complainant, message: resultMessage(number, state, event.detail.summary) },
    { kind: 'please_rate', recipient: complainant, message: { zh: `请对诉求 ${number} 的办理结果进行评价（1–5 星），登录后在“我的诉求”中评价`, en: `Please rate how case ${number} was resolved (1–5 stars): sign in and open it under My cases` } },
  ],
  marked_duplicate: (event, _s, { complainant, number }) => [
    {
      kind: 'case_duplicate',
      recipient: complainant,
      message: {
        zh: `您反映的问题已由诉求 ${String(event.detail.originalCaseNumber)} 办理，诉求 ${number} 已并入该案件并结案`,
        en: `The problem you reported is being handled as case ${String(event.detail.originalCaseNumber)}; your case ${number} has been joined to it and closed`,
      },
    },
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

const OUTCOME_WORDS: Record<NonNullable<CaseState['outcome']>, { zh: string; en: string }> = {
  agreement: { zh: '双方达成和解协议', en: 'the parties reached a settlement agreement' },
  failure: { zh: '调解未成功，已引导通过其他途径解决', en: 'mediation did not succeed; you were referred to another way of resolving it' },
  disposed: { zh: '已由责任单位处置', en: 'the responsible department dealt with it' },
};

/** What the case came to, and the centre's summary of it (staff write it in one language; it is quoted as written). */
function resultMessage(number: string, state: CaseState, summary: unknown): { zh: string; en: string } {
  const outcome = state.outcome ? OUTCOME_WORDS[state.outcome] : null;
  const text = typeof summary === 'string' ? summary.trim() : '';
  // A text message stays readable: the summary is cut to its first 200 characters (the case page has it whole).
  const said = text === '' ? null : text.length > 200 ? `${text.slice(0, 199)}…` : text;
  return {
    zh: `您的诉求 ${number} 已办结${outcome ? `：${outcome.zh}` : ''}。${said ? `办理结果：${said}` : ''}`,
    en: `Your case ${number} is closed${outcome ? `: ${outcome.en}` : ''}.${said ? ` Result: ${said}` : ''}`,
  };
}

/** The supervising centre named in the event's detail, told in its own words. */
function supervisors(event: CaseEvent, number: string, message: { zh: string; en: string }): NotificationIntent[] {
  const centreId = event.detail.byCentreId ?? event.detail.supervisingCentreId;
  if (typeof centreId !== 'string' || centreId === event.centreId) return [];
  return [{ kind: 'supervision', recipient: `centre:${centreId}`, message }];
}

/** A moment as the case's centres read it: their local time (from the case's calendar), to the minute. */
function localTime(ms: unknown, state: CaseState): string {
  if (typeof ms !== 'number') return '';
  const offsetMinutes = isWorkingTimePolicy(state.slaPolicy) ? state.slaPolicy.calendar.utcOffsetMinutes : 8 * 60;
  return new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 16).replace('T', ' ');
}

export function notificationsFor(event: CaseEvent, state: CaseState): NotificationIntent[] {
  return NOTIFICATIONS[event.type](event, state, { complainant: `person:${state.complainantId}`, centre: `centre:${event.centreId}`, number: state.caseNumber });
}
