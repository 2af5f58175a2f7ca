// The pure domain layer: safe to bundle into Temporal's deterministic workflow sandbox.
export * from './organisation';
export * from './categories';
export * from './risk';
export * from './sla';
export { DEADLINE_STAGES, type DeadlineStage } from './stages';
export * from './lifecycle';
// Not the table itself (actions.ts says why): its questions and types.
export { ACTION_TYPES, allowedActions, applyAction, checkAction, defaultSpecialtyOf, exampleOf, whoMayTake, type ActionOf, type ActionType, type CaseAction } from './actions';
export * from './intake';
export * from './case-record';
export * from './privacy';
export * from './case-number';
export * from './seed-data';
export * from './notifications';
export * from './audit';
export * from './visibility';
export * from './moves';
export * from './assignment';
export * from './dashboard';
export * from './working-time';
export * from './deadline-policy';
export type { HandlingClock } from './handling-clock';
export { nextTimer, onTimer, type Timer, type TimerKind } from './timers';
export { AUTOMATIC_SUPERVISION_REASONS, unansweredOrders, type AutomaticSupervisionReason } from './supervision';
export * from './departments';
export * from './administration';
export * from './places';
export * from './duplicates';
