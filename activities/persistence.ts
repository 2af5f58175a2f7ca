import { auditRecord, intakeAuditId, notificationsFor, type AuditEntry, type CaseEvent, type CaseState } from '../src/domain';
import type { Models } from '../src/db/models';
import type { IntakeDetails } from '../workflows/definitions';
import { maskPhone } from '../src/privacy';
import { isDuplicateKeyError } from '../src/db/serials';
import { retryWhileBusy } from '../src/db/busy';
import { caseIndexEntry } from '../src/db/case-index';
import { writeCaseIndexEntry } from '../src/db/case-index-store';
import { byId, storedSeq } from '../src/db/by-id';
import { appendCaseChange } from '../src/db/case-changes';

export interface CaseOpenedInput {
  intake: IntakeDetails;
  state: CaseState;
  events: CaseEvent[];
  /** The intake request's audit record, stored once under `intake:<caseId>`; null for cases whose API wrote it. */
  audit?: AuditEntry | null;
}

export interface TransitionInput {
  state: CaseState;
  events: CaseEvent[];
}

const toDate = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

/** The `cases` fields that mirror the workflow state. */
function projectionOf(state: CaseState, at: number) {
  return {
    caseNumber: state.caseNumber,
    category: state.category,
    kind: state.kind,
    reportedById: state.reportedById,
    stage: state.stage,
    status: state.status,
    centreId: state.centreId,
    centrePath: state.centrePath,
    level: state.level,
    risk: state.risk,
    riskFactors: state.riskFactors,
    riskConfirmed: state.riskConfirmed,
    deadline: toDate(state.deadline),
    warnAt: toDate(state.warnAt),
    overdue: state.overdue,
    mediatorId: state.mediatorId,
    expertId: state.expertId,
    expertRequest: state.expertRequest,
    opinion: state.opinion,
    sessions: state.sessions,
    outcome: state.outcome,
    agreement: state.agreement,
    failure: state.failure,
    disposal: state.disposal,
    closureSummary: state.closureSummary,
    rating: state.rating,
    feedbackComment: state.feedbackComment,
    feedbackStatus: state.feedbackStatus,
    reopenCount: state.reopenCount,
    reopenUntil: toDate(state.reopenUntil),
    visits: state.visits.map((visit) => ({
      ...visit,
      enteredAt: new Date(visit.enteredAt),
      leftAt: toDate(visit.leftAt),
      deadline: toDate(visit.deadline),
      warnAt: toDate(visit.warnAt),
    })),
    lastSeq: state.seq,
    slaPolicyVersion: state.slaPolicy.version,
    updatedAt: new Date(at),
    closedAt: state.status === 'closed' ? new Date(at) : null,
  };
}

/** What a write to `cases` sets: the mirrored state, and at opening also the intake's fields. */
type ProjectionFields = ReturnType<typeof projectionOf> & { title?: string; receivedAt?: Date; complainant?: { personId: string } };

export function createPersistenceActivities(models: Models) {
  /**
   * Inserts documents keyed by `_id`, in one request; those already there (a
   * retry or a replay) fail as duplicates and are left as they are. Plain
   * inserts, not `$setOnInsert` upserts: FerretDB runs an upsert as a read and
   * then a write, which costs about twice an insert and collides with other
   * writers on SQLite's lock.
   *
   * The writes of this file go through the driver's collection, not mongoose's
   * model: every document is built here, typed, from the workflow's state,
   * and mongoose's casting and validation of it cost the worker more CPU than
   * the driver's round trip itself (docs/performance.md, change 14).
   */
  async function insertOnce(model: 'CaseEvent' | 'Notification' | 'Audit', docs: Record<string, unknown>[]): Promise<void> {
    if (docs.length === 0) return;
    try {
      await models[model].collection.insertMany(docs, { ordered: false });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /** Events are keyed `<caseId>:<seq>`: inserting one twice is a no-op. */
  async function writeEvents(caseId: string, events: CaseEvent[]): Promise<void> {
    await insertOnce(
      'CaseEvent',
      events.map((event) => ({ ...event, _id: `${caseId}:${event.seq}`, caseId, at: new Date(event.at) })),
    );
  }

  async function writeNotifications(state: CaseState, events: CaseEvent[]): Promise<void> {
    await insertOnce(
      'Notification',
      events.flatMap((event) =>
        notificationsFor(event, state).map((intent) => ({
          _id: `${state.caseId}:${event.seq}:${intent.kind}:${intent.recipient}`,
          caseId: state.caseId,
          seq: event.seq,
          kind: intent.kind,
          recipient: intent.recipient,
          message: intent.message,
          createdAt: new Date(event.at),
          deliveredAt: null,
        })),
      ),
    );
  }

  /**
   * Moves the projection forward only: a retry carrying a sequence number no
   * newer than what is stored writes nothing. Both the read and the write are
   * keyed by `_id` alone, the only filter FerretDB's SQLite backend answers from
   * its primary key; `{ _id, lastSeq: { $lt } }` made it scan and decode every
   * case on each transition. (FerretDB applied that conditional update as a read
   * followed by a write anyway, so the guard is no weaker there.) An upsert that
   * races another insert of the same case hits the existing `_id`: that
   * duplicate is "already written" when the stored sequence is at least ours.
   */
  async function writeProjection(state: CaseState, fields: Record<string, unknown>): Promise<void> {
    const stored = await storedSeq(models.Case, state.caseId);
    if (stored !== null && stored >= state.seq) return;
    try {
      await models.Case.collection.updateOne(byId(state.caseId), { $set: fields }, { upsert: true });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const now = await storedSeq(models.Case, state.caseId);
      if (now === null || now < state.seq) throw error;
    }
  }

  /**
   * The projection, then its `case_index` entry (derived from the same fields),
   * each written forward only and each retried on its own while SQLite is busy.
   * The entry is written even when the projection was already current: a retry
   * after a failure between the two writes completes the entry. It comes second
   * so that a case without an entry yet can be indexed from the stored projection.
   */
  async function writeProjectionAndIndex(state: CaseState, fields: ProjectionFields): Promise<void> {
    await retryWhileBusy(() => writeProjection(state, fields));
    await retryWhileBusy(() => writeCaseIndexEntry(models, caseIndexEntry({ _id: state.caseId, ...fields })));
    // Every time, even when the entry was current: a retry after a failure before
    // this line must still tell the API processes' mirrors (a second notice is harmless).
    await retryWhileBusy(() => appendCaseChange(models, state.caseId));
  }

  return {
    async recordCaseOpened({ intake, state, events, audit }: CaseOpenedInput): Promise<void> {
      const first = events[0];
      const at = first ? first.at : Date.now();
      await retryWhileBusy(() => writeEvents(state.caseId, events));
      // Events first (the projection's lastSeq vouches for them); then the projection and the outbox together.
      const projection = {
        ...projectionOf(state, at),
        title: intake.title,
        description: intake.description,
        channel: intake.channel,
        location: { centreId: intake.location.centreId, address: intake.location.address, lat: intake.location.lat ?? null, lng: intake.location.lng ?? null },
        complainant: {
          personId: intake.complainant.personId,
          name: intake.complainant.name,
          phone: intake.complainant.phone,
          phoneMasked: maskPhone(intake.complainant.phone),
        },
        parties: intake.parties,
        affectedCount: intake.affectedCount,
        workflowId: state.caseId,
        receivedAt: new Date(at),
      };
      await Promise.all([
        retryWhileBusy(() => writeNotifications(state, events)),
        audit ? retryWhileBusy(() => insertOnce('Audit', [{ _id: intakeAuditId(state.caseId), ...auditRecord({ ...audit, caseId: state.caseId }, new Date(at)) }])) : undefined,
        writeProjectionAndIndex(state, projection),
      ]);
    },

    async recordTransition({ state, events }: TransitionInput): Promise<void> {
      const last = events[events.length - 1];
      await retryWhileBusy(() => writeEvents(state.caseId, events));
      await Promise.all([
        retryWhileBusy(() => writeNotifications(state, events)),
        writeProjectionAndIndex(state, projectionOf(state, last ? last.at : Date.now())),
      ]);
    },
  };
}
