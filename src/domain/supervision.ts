/**
 * Supervision (督办): a centre above the one handling a case orders it to deal with the
 * case and reply by a time. People issue orders; the policy issues them by itself when a
 * centre misses acknowledgement or reaches the handling warning. Unanswered orders lapse
 * at their reply time and are counted until answered.
 */
import { actorId, emit, isPerson, type ActorOrSystem, type CaseState, type SupervisionOrder, type Transition } from './lifecycle';

/** The centre that supervises this case's centre: its parent, or the city itself at the top. */
export function supervisingCentreOf(state: CaseState): string {
  return state.centrePath[state.centrePath.length - 2] ?? state.centreId;
}

/** Reasons the policy issues an order for; a person's order carries their own words. */
export const AUTOMATIC_SUPERVISION_REASONS = ['acknowledgement_missed', 'handling_warning'] as const;
export type AutomaticSupervisionReason = (typeof AUTOMATIC_SUPERVISION_REASONS)[number];

export interface NewOrder {
  reason: string;
  replyBy: number;
  byCentreId: string;
}

export function issueSupervision(state: CaseState, order: NewOrder, actor: ActorOrSystem, now: number): Transition {
  const issued: SupervisionOrder = {
    id: `s${state.supervisions.length + 1}`,
    centreId: state.centreId,
    byCentreId: order.byCentreId,
    by: actorId(actor),
    automatic: !isPerson(actor),
    reason: order.reason,
    issuedAt: now,
    replyBy: order.replyBy,
    status: 'open',
    reply: null,
  };
  const next = { ...state, supervisions: [...state.supervisions, issued] };
  return emit(state, next, 'supervision_issued', actor, now, {
    orderId: issued.id,
    reason: issued.reason,
    automatic: issued.automatic,
    replyBy: issued.replyBy,
    centreId: issued.centreId,
    byCentreId: issued.byCentreId,
  });
}

export function findOrder(state: CaseState, orderId: string): SupervisionOrder | undefined {
  return state.supervisions.find((order) => order.id === orderId);
}

/** Orders the handling centre can still answer: open, or lapsed and answered late. */
export function isAnswerable(order: SupervisionOrder, centreId: string): boolean {
  return order.centreId === centreId && (order.status === 'open' || order.status === 'lapsed');
}

function replaceOrder(state: CaseState, order: SupervisionOrder): CaseState {
  return { ...state, supervisions: state.supervisions.map((each) => (each.id === order.id ? order : each)) };
}

export function replyToSupervision(state: CaseState, order: SupervisionOrder, text: string, actor: ActorOrSystem, now: number): Transition {
  const late = now > order.replyBy;
  const answered: SupervisionOrder = { ...order, status: 'answered', reply: { text, at: now, by: actorId(actor), late } };
  return emit(state, replaceOrder(state, answered), 'supervision_replied', actor, now, { orderId: order.id, reply: text, late, byCentreId: order.byCentreId });
}

export function lapseSupervision(state: CaseState, order: SupervisionOrder, actor: ActorOrSystem, now: number): Transition {
  const lapsed: SupervisionOrder = { ...order, status: 'lapsed' };
  return emit(state, replaceOrder(state, lapsed), 'supervision_lapsed', actor, now, {
    orderId: order.id,
    replyBy: order.replyBy,
    centreId: order.centreId,
    byCentreId: order.byCentreId,
    alert: true,
  });
}

/** Open orders past their reply time are lapsed; answered and withdrawn ones are done. */
export function unansweredOrders(state: Pick<CaseState, 'supervisions'>): SupervisionOrder[] {
  return (state.supervisions ?? []).filter((order) => order.status === 'open' || order.status === 'lapsed');
}
