/**
 * A case as it is stored: the workflow's state as the domain keeps it (times in epoch
 * milliseconds), the report it started from, and when it was received, last changed
 * and closed. Readers take the state straight from it; nothing maps field by field.
 */
import type { IntakeDetails, StoredIntake } from './intake';
import type { CaseState } from './lifecycle';
import { maskPhone } from './privacy';

export interface CaseTimes {
  receivedAt: number;
  updatedAt: number;
  /** When the case last became closed; null while it is open. */
  closedAt: number | null;
}

export type CaseRecord = CaseState & StoredIntake & CaseTimes;

/** The document under `_id` = case id. */
export type CaseDocument = CaseRecord & { _id: string };

/** What every write of a transition sets: the whole state and the times it changes. */
export function stateFields(state: CaseState, at: number): CaseState & Omit<CaseTimes, 'receivedAt'> {
  return { ...state, updatedAt: at, closedAt: state.status === 'closed' ? at : null };
}

/** The stored report: the location's coordinates explicit, the phone also masked for those who may not see it. */
export function storedIntake(intake: IntakeDetails): StoredIntake {
  return {
    title: intake.title,
    description: intake.description,
    channel: intake.channel,
    location: {
      centreId: intake.location.centreId,
      address: intake.location.address,
      lat: intake.location.lat ?? null,
      lng: intake.location.lng ?? null,
      accuracy: intake.location.accuracy ?? null,
      source: intake.location.source ?? null,
    },
    complainant: { ...intake.complainant, phoneMasked: maskPhone(intake.complainant.phone) },
    parties: intake.parties,
    affectedCount: intake.affectedCount,
    ...(intake.mediaUrl ? { mediaUrl: intake.mediaUrl } : {}),
  };
}

/** The whole document a case opens with. */
export function openingDocument(state: CaseState, intake: IntakeDetails, at: number): CaseDocument {
  return { _id: state.caseId, ...stateFields(state, at), ...storedIntake(intake), receivedAt: at };
}
