/**
 * What a case's events tell about how it travelled and what it asked: each move to
 * another centre with why and on whose decision, and the question put to the expert.
 * The receiving centre reads the first to know why the case came; the expert reads the
 * second after the request has closed and the state no longer holds it. Pure.
 */
import type { CaseEvent, CaseState, Role, Stage } from './lifecycle';
import { LEVELS, type Level } from './organisation';
import { RISKS, type Risk } from './risk';
import { SPECIALTIES, type Specialty } from './categories';
import { STAGES } from './stages';

/**
 * Why a case moved: a person sent it up (with a reason), its deadline passed, its risk needs
 * a higher level, a person sent it sideways to the right centre (transfer), or the centre it
 * was transferred to sent it back (refused).
 */
export const MOVE_CAUSES = ['staff', 'deadline', 'risk', 'transfer', 'refused'] as const;
export type MoveCause = (typeof MOVE_CAUSES)[number];

export interface CaseMove {
  at: number;
  fromCentreId: string;
  toCentreId: string;
  toLevel: Level;
  cause: MoveCause;
  /** The person's reason ('staff'); null when the system moved it. */
  reason: string | null;
  /** Who decided: the person who escalated, or whose assessment of the risk sent it up; null for a passed deadline. */
  by: { personId: string; role: Role } | null;
  /** 'deadline': the stage whose deadline passed, and that deadline. */
  stageMissed: Stage | null;
  deadline: number | null;
  /** 'risk': the risk assessed. */
  risk: Risk | null;
}

export interface ExpertQuestion {
  question: string;
  specialty: Specialty;
  requestedAt: number;
  /** Still awaiting the opinion; false once answered (or dropped when the case moved). */
  open: boolean;
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const number = (value: unknown): number | null => (typeof value === 'number' ? value : null);
function oneOf<T extends string>(values: readonly T[], value: unknown): T | null {
  return values.find((v) => v === value) ?? null;
}

const MOVE_EVENTS: readonly CaseEvent['type'][] = ['escalated', 'transferred', 'transfer_refused'];

function causeOf(event: CaseEvent): MoveCause {
  const { detail } = event;
  if (event.type === 'transferred') return 'transfer';
  if (event.type === 'transfer_refused') return 'refused';
  if (detail.reason === 'deadline_passed' || detail.reason === 'handling_limit_passed') return 'deadline';
  if (detail.reason === 'risk_requires_level') return 'risk';
  return 'staff';
}

function personOf(event: CaseEvent | undefined): CaseMove['by'] {
  return event?.actor.kind === 'person' ? { personId: event.actor.personId, role: event.actor.role } : null;
}

/** One move from an `escalated`, `transferred` or `transfer_refused` event; `before` is the event just ahead of it (the assessment, for a move by risk). */
function moveOf(event: CaseEvent, before: CaseEvent | undefined): CaseMove | null {
  const { detail } = event;
  const fromCentreId = text(detail.fromCentreId);
  if (fromCentreId === null) return null;
  const cause = causeOf(event);
  const decidedBy = cause === 'risk' && before?.type === 'assessed' ? before : event;
  return {
    at: event.at,
    fromCentreId,
    toCentreId: text(detail.toCentreId) ?? event.centreId,
    toLevel: oneOf(LEVELS, detail.targetLevel) ?? event.level,
    cause,
    reason: cause === 'staff' || cause === 'transfer' || cause === 'refused' ? text(detail.reason) : null,
    by: cause === 'deadline' ? null : personOf(decidedBy),
    stageMissed: cause === 'deadline' ? oneOf(STAGES, detail.stageMissed) : null,
    deadline: cause === 'deadline' ? number(detail.deadline) : null,
    risk: cause === 'risk' ? oneOf(RISKS, detail.risk) : null,
  };
}

/** Every move of the case between centres, oldest first; `events` in `seq` order. */
export function movesOf(events: readonly CaseEvent[]): CaseMove[] {
  const moves: CaseMove[] = [];
  events.forEach((event, i) => {
    if (!MOVE_EVENTS.includes(event.type)) return;
    const move = moveOf(event, events[i - 1]);
    if (move) moves.push(move);
  });
  return moves;
}

/** The question put to the expert: the open request's, or else the last one asked (from its event). */
export function expertQuestionOf(state: Pick<CaseState, 'expertRequest'>, events: readonly CaseEvent[]): ExpertQuestion | null {
  const open = state.expertRequest;
  if (open) return { question: open.question, specialty: open.specialty, requestedAt: open.requestedAt, open: true };
  const asked = events.filter((event) => event.type === 'expert_requested').at(-1);
  const question = text(asked?.detail.question);
  if (!asked || question === null) return null;
  return { question, specialty: oneOf(SPECIALTIES, asked.detail.specialty) ?? 'legal', requestedAt: asked.at, open: false };
}
