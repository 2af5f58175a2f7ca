import { notificationsFor, type CaseEvent, type CaseState } from '../src/domain';
import type { Models } from '../src/db/models';
import type { IntakeDetails } from '../workflows/definitions';
import { maskPhone } from '../src/privacy';
import { isDuplicateKeyError } from '../src/db/serials';

export interface CaseOpenedInput {
  intake: IntakeDetails;
  state: CaseState;
  events: CaseEvent[];
}

export interface TransitionInput {
  state: CaseState;
  events: CaseEvent[];
}

const toDate = (ms: number | null): Date | null => (ms === null ? null : new Date(ms));

/** FerretDB's SQLite backend refusing a write because another one holds the lock. */
export function isSqliteBusy(error: unknown): boolean {
  const e = error as { name?: string; message?: string } | undefined;
  return typeof e?.message === 'string' && /database is locked|SQLITE_BUSY/.test(e.message);
}

/**
 * Runs an idempotent write again, after a few milliseconds, while FerretDB
 * answers SQLITE_BUSY. Under concurrent writers its SQLite backend refuses
 * some writes at once rather than waiting; failing the activity instead left
 * the case to Temporal's retry backoff (0.5 s, 1 s, 2 s … 30 s), which made
 * escalations under load minutes late. After about two seconds of refusals the
 * error goes to Temporal's retry as before.
 */
export async function retryWhileBusy<T>(write: () => Promise<T>, attempts = 25): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      if (!isSqliteBusy(error) || attempt >= attempts) throw error;
      const delay = Math.min(100, 5 * 2 ** attempt) * (0.5 + Math.random());
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}

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

export function createPersistenceActivities(models: Models) {
  /**
   * Inserts documents keyed by `_id`, in one request; those already there (a
   * retry or a replay) fail as duplicates and are left as they are. Plain
   * inserts, not `$setOnInsert` upserts: FerretDB runs an upsert as a read and
   * then a write, which costs about twice an insert and collides with other
   * writers on SQLite's lock.
   */
  async function insertOnce(model: 'CaseEvent' | 'Notification', docs: Record<string, unknown>[]): Promise<void> {
    if (docs.length === 0) return;
    try {
      await (model === 'CaseEvent' ? models.CaseEvent.insertMany(docs, { ordered: false }) : models.Notification.insertMany(docs, { ordered: false }));
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
    const stored = await models.Case.findById(state.caseId, { lastSeq: 1 }).lean();
    if (stored && stored.lastSeq >= state.seq) return;
    try {
      await models.Case.updateOne({ _id: state.caseId }, { $set: fields }, { upsert: true, strict: false });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const now = await models.Case.findById(state.caseId, { lastSeq: 1 }).lean();
      if (!now || now.lastSeq < state.seq) throw error;
    }
  }

  return {
    async recordCaseOpened({ intake, state, events }: CaseOpenedInput): Promise<void> {
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
      await Promise.all([retryWhileBusy(() => writeNotifications(state, events)), retryWhileBusy(() => writeProjection(state, projection))]);
    },

    async recordTransition({ state, events }: TransitionInput): Promise<void> {
      const last = events[events.length - 1];
      await retryWhileBusy(() => writeEvents(state.caseId, events));
      await Promise.all([
        retryWhileBusy(() => writeNotifications(state, events)),
        retryWhileBusy(() => writeProjection(state, projectionOf(state, last ? last.at : Date.now()))),
      ]);
    },
  };
}
