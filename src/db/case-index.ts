import { phoneKeyOf } from './phone-key';
import { centresThatHeld, seenByKeysOf, departmentsOf, unansweredOrders, workingTask, type CaseDocument, type CaseEvent, type CaseRecord, type CaseState, type CaseTimes, type UnansweredOrder } from '../domain';

/**
 * The `case_index` entry of a case: what lists, filters, visibility rules and
 * the dashboard read, derived from the case document by one pure function that
 * every writer uses (the worker's activities, the bench's direct seeding), so the
 * two collections cannot drift by construction.
 */

/** Fields an entry takes from the case as they are. */
type CopiedFields =
  | 'caseNumber' | 'category' | 'centreId' | 'centrePath' | 'stage' | 'status' | 'level' | 'risk' | 'deadline' | 'overdue' | 'closedAt' | 'rating'
  | 'complainantId' | 'reportedById' | 'mediatorId' | 'expertId' | 'seq' | 'updatedAt';
/** Fields only the opening write carries: a transition's write leaves them as they are. */
type OpeningFields = 'title' | 'receivedAt';

export type CaseIndexEntry = { _id: string } & Pick<CaseRecord, CopiedFields | OpeningFields> & {
  /** Any stage visit past its deadline: the dashboard's "closed on time" is `!breached`. */
  breached: boolean;
  /** The centre of each stage visit past its deadline: the dashboard counts a breach against the centre that breached. */
  breachedBy: string[];
  /** Every centre that has held the case: their staff keep read-only sight of it (src/domain/visibility.ts). */
  heldBy: string[];
  /** The expert who answered, who keeps seeing the case after the request is closed. */
  opinionExpertId: string | null;
  /** Supervision orders awaiting a reply: the dashboard lists them. */
  unansweredOrders: UnansweredOrder[];
  /** Every department the case was handed to: their staff see it. */
  departmentIds: string[];
  /** The complainant's phone number as its stand-in, set at opening (entries written before it lack it). */
  complainantPhoneKey?: string | null;
  /** What staff search by, set at opening (entries written before search lack them, and are found by title and number). */
  complainantName?: string;
  description?: string;
  /** The department working on the case now: its staff handle it ("my cases"). Absent on older entries until their next transition. */
  workingDepartmentId?: string | null;
  /**
   * Who accepted the case, and at which centre: while the case is still there, that
   * person handles it ("my cases"). Taken from the transition's `accepted` event; a
   * transition without one leaves it as it is.
   */
  acceptedBy?: Acceptance | null;
  /** The village or community the report was filed to, set at opening (older entries lack it: their first centre). */
  villageId?: string | null;
  /** The reported coordinates, set at opening, for the staff map and the duplicate rule; personal data, never shown to the public. */
  lat?: number | null;
  lng?: number | null;
  /** The case this one was closed as a duplicate of (older entries lack it: none). */
  duplicateOf?: string | null;
  /** Who sees the case, as keys (src/domain/visibility.ts `seenByKeysOf`): the queries' one index of visibility. Entries written before it lack it until `onedoor reindex`. */
  seenBy?: string[];
};

export interface Acceptance {
  personId: string;
  centreId: string;
}

/** The entry a transition writes: everything but the fields set once at opening. */
export type CaseIndexUpdate = Omit<CaseIndexEntry, OpeningFields> & Partial<Pick<CaseIndexEntry, OpeningFields>>;

/** What a transition's write of the case carries: the state and its times, not the report. */
export type CaseUpdate = { _id: string } & CaseState & Omit<CaseTimes, 'receivedAt'>;

/** The last acceptance among a transition's events, if it has one. */
export function acceptanceIn(events: readonly CaseEvent[]): Acceptance | null {
  for (let i = events.length - 1; i >= 0; i -= 1) {
    const event = events[i];
    if (event?.type === 'accepted' && event.actor.kind === 'person') return { personId: event.actor.personId, centreId: event.centreId };
  }
  return null;
}

/**
 * The entry of a case, from its whole document (at opening) or from a transition's
 * fields; `events` are the transition's own, for who accepted it.
 */
export function caseIndexEntry(doc: CaseDocument, events?: readonly CaseEvent[]): CaseIndexEntry;
export function caseIndexEntry(doc: CaseUpdate, events?: readonly CaseEvent[]): CaseIndexUpdate;
export function caseIndexEntry(doc: CaseUpdate | CaseDocument, events: readonly CaseEvent[] = []): CaseIndexUpdate {
  const entry: CaseIndexUpdate = {
    _id: doc._id,
    caseNumber: doc.caseNumber,
    category: doc.category,
    centreId: doc.centreId,
    centrePath: [...doc.centrePath],
    stage: doc.stage,
    status: doc.status,
    level: doc.level,
    risk: doc.risk,
    deadline: doc.deadline,
    overdue: doc.overdue,
    closedAt: doc.closedAt,
    rating: doc.rating,
    breached: doc.visits.some((visit) => visit.breached),
    breachedBy: doc.visits.filter((visit) => visit.breached).map((visit) => visit.centreId),
    heldBy: centresThatHeld(doc.visits),
    complainantId: doc.complainantId,
    reportedById: doc.reportedById,
    mediatorId: doc.mediatorId,
    expertId: doc.expertId,
    opinionExpertId: doc.opinion?.expertId ?? null,
    unansweredOrders: unansweredOrders(doc).map((order) => ({
      id: order.id,
      centreId: order.centreId,
      byCentreId: order.byCentreId,
      automatic: order.automatic,
      reason: order.reason,
      replyBy: order.replyBy,
      status: order.status === 'lapsed' ? 'lapsed' : 'open',
    })),
    departmentIds: departmentsOf(doc),
    workingDepartmentId: workingTask(doc)?.departmentId ?? null,
    duplicateOf: doc.duplicateOf?.caseId ?? null,
    seq: doc.seq,
    updatedAt: doc.updatedAt,
  };
  entry.seenBy = seenByKeysOf(entry);
  const accepted = acceptanceIn(events);
  if (accepted) entry.acceptedBy = accepted;
  if ('title' in doc) {
    return {
      ...entry,
      title: doc.title,
      receivedAt: doc.receivedAt,
      complainantPhoneKey: phoneKeyOf(doc.complainant.phone),
      complainantName: doc.complainant.name,
      description: doc.description,
      villageId: doc.location.centreId,
      lat: doc.location.lat ?? null,
      lng: doc.location.lng ?? null,
    };
  }
  return entry;
}
