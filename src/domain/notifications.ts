import type { CaseEvent, CaseState } from './lifecycle';

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

export function notificationsFor(event: CaseEvent, state: CaseState): NotificationIntent[] {
  const complainant = `person:${state.complainantId}`;
  const centre = `centre:${event.centreId}`;
  const number = state.caseNumber;
  switch (event.type) {
    case 'reported':
      return [
        { kind: 'case_received', recipient: complainant, message: { zh: `您的诉求已登记，编号 ${number}`, en: `Your case ${number} has been registered` } },
        { kind: 'new_case', recipient: centre, message: { zh: `新诉求 ${number} 待受理`, en: `New case ${number} awaits acceptance` } },
      ];
    case 'accepted':
      return [{ kind: 'case_accepted', recipient: complainant, message: { zh: `诉求 ${number} 已受理`, en: `Case ${number} has been accepted` } }];
    case 'escalated':
      return [{ kind: 'case_escalated', recipient: centre, message: { zh: `诉求 ${number} 已上报至本中心，请受理`, en: `Case ${number} was escalated to your centre; please accept it` } }];
    case 'deadline_warning':
      return [{ kind: 'deadline_warning', recipient: centre, message: { zh: `诉求 ${number} 即将超时`, en: `Case ${number} is close to its deadline` } }];
    case 'overdue_at_top':
      return [{ kind: 'overdue_alert', recipient: centre, message: { zh: `诉求 ${number} 已超时（市级）`, en: `Case ${number} is overdue at city level` } }];
    case 'expert_requested':
      return state.expertId
        ? [{ kind: 'consultation_assigned', recipient: `person:${state.expertId}`, message: { zh: `请就诉求 ${number} 出具意见`, en: `Please give an opinion on case ${number}` } }]
        : [];
    case 'mediator_assigned':
      return state.mediatorId
        ? [{ kind: 'mediation_assigned', recipient: `person:${state.mediatorId}`, message: { zh: `您被指派调解诉求 ${number}`, en: `You are assigned to mediate case ${number}` } }]
        : [];
    case 'closed_by_centre':
      return [{ kind: 'please_rate', recipient: complainant, message: { zh: `诉求 ${number} 已办结，请评价`, en: `Case ${number} is resolved; please rate the result` } }];
    default:
      return [];
  }
}
