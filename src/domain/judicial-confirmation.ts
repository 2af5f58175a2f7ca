/**
 * Judicial confirmation (司法确认) of a mediation agreement: under the People's Mediation
 * Law (arts. 31–33) the parties may apply together to the basic people's court within 30
 * days of the agreement taking effect, and a confirmed agreement can be enforced. The
 * centre that holds the case prepares what the court needs: the agreement, the parties'
 * details and the case record, and records to which court it handed them, by whom, when.
 *
 * Preparing it changes nothing of the case (no stage, no clock), so it is not an action of
 * the workflow's table: it is wanted after the case is signed off, often after its
 * workflow has ended (docs/architecture.md, "The mediation agreement and judicial confirmation").
 */
import { conflict, forbidden, isPerson, isStaffOf, OK, type ActorOrSystem, type CaseState, type Check } from './lifecycle';

/** Days the parties have to apply to the court, from the agreement taking effect (art. 33). */
export const APPLICATION_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

type AgreementPart = Pick<CaseState, 'outcome' | 'agreement' | 'visits'>;

/**
 * When the agreement was recorded: the moment the case left mediation with it, which is
 * when its current closure visit began (recording an agreement moves the case to closure).
 * null while the case has no agreement.
 */
export function agreementRecordedAt(state: AgreementPart): number | null {
  if (state.outcome !== 'agreement' || state.agreement === null) return null;
  let at: number | null = null;
  for (const visit of state.visits) {
    if (visit.stage === 'mediation') at = null;
    else if (visit.stage === 'closure' && at === null) at = visit.enteredAt;
  }
  return at;
}

/** The last day the parties may apply, counted from the agreement as recorded (the signing may be later, never earlier). */
export function applyBy(agreementAt: number): number {
  return agreementAt + APPLICATION_DAYS * DAY_MS;
}

/** Staff of the centre that holds the case (its administrators, mediators, at a village its grid workers). */
export function atHoldingCentre(state: CaseState, actor: ActorOrSystem): boolean {
  return isPerson(actor) && actor.role !== 'department' && actor.centreId === state.centreId && isStaffOf(state, actor);
}

/** May this person prepare the court's bundle now? Who first (forbidden), then whether there is an agreement (conflict). */
export function checkJudicialConfirmation(state: CaseState, actor: ActorOrSystem): Check {
  if (!atHoldingCentre(state, actor)) return forbidden('Only staff of the centre that holds the case can prepare a judicial confirmation');
  if (agreementRecordedAt(state) === null) return conflict('The case has no recorded mediation agreement');
  return OK;
}
