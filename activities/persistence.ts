import { auditRecord, auditScope, intakeAuditId, notificationsFor, openingDocument, stateFields, type AuditEntry, type CaseEvent, type CaseState, type IntakeDetails } from '../src/domain';
import type { Document } from 'mongodb';
import type { Models, StoredCaseEvent } from '../src/db/models';
import { isDuplicateKeyError } from '../src/db/errors';
import { retryWhileBusy } from '../src/db/busy';
import { caseIndexEntry, type CaseIndexUpdate } from '../src/db/case-index';
import { writeForward, type ForwardWrite } from '../src/db/forward-write';
import { isFerretDb } from '../src/db/server-kind';
import { appendCaseChange } from '../src/db/case-changes';
import { Context } from '@temporalio/activity';
import { NO_DELIVERY, type DeliveryStarter } from '../src/delivery/starter';

export interface CaseOpenedInput {
  intake: IntakeDetails;
  state: CaseState;
  events: CaseEvent[];
  /** The intake request's audit record, stored once under `intake:<caseId>`. */
  audit: AuditEntry;
}

export interface TransitionInput {
  state: CaseState;
  events: CaseEvent[];
}

export interface PersistenceOptions {
  /** How the case and its entry are written forward only; by default `read-first` on FerretDB, `guarded` on MongoDB (src/db/forward-write.ts). */
  forwardWrite?: 'guarded' | 'read-first';
}

export function createPersistenceActivities(models: Models, delivery: DeliveryStarter = NO_DELIVERY, options: PersistenceOptions = {}) {
  let chosenWrite: Promise<'guarded' | 'read-first'> | null = options.forwardWrite ? Promise.resolve(options.forwardWrite) : null;
  function forwardWrite(): Promise<'guarded' | 'read-first'> {
    if (!chosenWrite) {
      const db = models.Case.db.db;
      if (!db) throw new Error('database not connected');
      chosenWrite = isFerretDb(db).then((ferret) => (ferret ? 'read-first' : 'guarded'));
      chosenWrite.catch(() => (chosenWrite = null));
    }
    return chosenWrite;
  }

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
   * the driver's round trip itself (docs/performance-log.md, change 14).
   */
  async function insertOnce(model: 'CaseEvent' | 'Notification' | 'Audit', docs: object[]): Promise<void> {
    if (docs.length === 0) return;
    try {
      await models[model].collection.insertMany(docs as Document[], { ordered: false });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /** Events are keyed `<caseId>:<seq>`: inserting one twice is a no-op. */
  async function writeEvents(caseId: string, events: CaseEvent[]): Promise<void> {
    await insertOnce(
      'CaseEvent',
      events.map((event): StoredCaseEvent => ({ ...event, _id: `${caseId}:${event.seq}`, caseId })),
    );
  }

  /**
   * The outbox, then a delivery workflow per notification, on the case's task queue.
   * Both are idempotent: a retry inserts nothing twice and starts nothing twice (the
   * starter refuses a workflow id used before), so a notification whose start failed
   * is started by the retry.
   */
  async function writeAndDeliverNotifications(state: CaseState, events: CaseEvent[]): Promise<void> {
    const docs = notificationDocuments(state, events);
    await retryWhileBusy(() => insertOnce('Notification', docs));
    if (docs.length > 0 && delivery !== NO_DELIVERY) await delivery.start(docs.map((doc) => doc._id), Context.current().info.taskQueue);
  }

  function notificationDocuments(state: CaseState, events: CaseEvent[]) {
    return events.flatMap((event) =>
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
    );
  }

  /**
   * The case document, then its `case_index` entry (derived from the same fields),
   * each written forward only (src/db/forward-write.ts) and each retried on its own
   * while SQLite is busy. The entry comes second, so it never runs ahead of its case:
   * when the case was behind, so was the entry, and on FerretDB it is written without
   * reading it first. When the case was already current (a retry), the entry is
   * still written forward only: a failure between the two writes left it behind.
   */
  async function writeProjectionAndIndex(state: CaseState, fields: object, entry: CaseIndexUpdate): Promise<void> {
    const how = await forwardWrite();
    const caseWrite = await retryWhileBusy(() => writeForward(models.Case.collection, state.caseId, state.seq, fields, how));
    const entryHow: ForwardWrite = how === 'read-first' && caseWrite === 'written' ? 'unchecked' : how;
    const { _id, ...entryFields } = entry;
    await retryWhileBusy(() => writeForward(models.CaseIndex.collection, _id, entry.seq, entryFields, entryHow));
    // Every time, even when the entry was current: a retry after a failure before
    // this line must still tell the API processes' mirrors (a second notice is harmless).
    await retryWhileBusy(() => appendCaseChange(models, state.caseId));
  }

  return {
    async recordCaseOpened({ intake, state, events, audit }: CaseOpenedInput): Promise<void> {
      const first = events[0];
      const at = first ? first.at : Date.now();
      await retryWhileBusy(() => writeEvents(state.caseId, events));
      // Events first (the document's seq vouches for them); then the document and the outbox together.
      const { _id, ...document } = openingDocument(state, intake, at);
      await Promise.all([
        writeAndDeliverNotifications(state, events),
        retryWhileBusy(() => insertOnce('Audit', [{ _id: intakeAuditId(state.caseId), ...auditRecord({ ...audit, caseId: state.caseId, scope: auditScope(audit.scope, state.centrePath) }, new Date(at)) }])),
        writeProjectionAndIndex(state, document, caseIndexEntry({ _id, ...document }, events)),
      ]);
    },

    async recordTransition({ state, events }: TransitionInput): Promise<void> {
      const last = events[events.length - 1];
      const fields = stateFields(state, last ? last.at : Date.now());
      await retryWhileBusy(() => writeEvents(state.caseId, events));
      await Promise.all([
        writeAndDeliverNotifications(state, events),
        writeProjectionAndIndex(state, fields, caseIndexEntry({ _id: state.caseId, ...fields }, events)),
      ]);
    },
  };
}
