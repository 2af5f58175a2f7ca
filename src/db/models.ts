import { Schema, type Connection } from 'mongoose';
import { LEVELS, ROLES, withCurrentShape, type CaseDocument, type CaseEvent, type PlannedDelivery } from '../domain';
import type { CaseIndexEntry } from './case-index';
import { CASE_INDEX_INDEXES } from '../api/reads/indexes';

/** An event as `case_events` stores it: the domain's event, under its business key. */
export type StoredCaseEvent = CaseEvent & { _id: string; caseId: string };

/**
 * MongoDB collections. Hot reads are keyed by `_id` (FerretDB's SQLite backend
 * only speeds up `_id` lookups); business keys are the `_id`s, so a retried
 * activity's write lands on the same document instead of a second one.
 */

const name = new Schema({ zh: { type: String, required: true }, en: { type: String, required: true } }, { _id: false });

const centreSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: name, required: true },
    level: { type: String, required: true, enum: LEVELS },
    parentId: { type: String, default: null },
    /** Ancestor ids from the city down to and including this centre. */
    path: { type: [String], required: true },
    /** A closed centre stays for the history of its cases; it takes no new cases and no new people. */
    closedAt: { type: Date, default: null },
  },
  { collection: 'centres', versionKey: false, strict: 'throw' },
);

const personSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    role: { type: String, required: true, enum: ROLES },
    /** Staff: the centre they work at. Residents: their home village, or the city for one first known by a sign-in code. */
    centreId: { type: String, required: true },
    centrePath: { type: [String], required: true },
    specialties: { type: [String], default: [] },
    title: { type: String, default: null },
    phone: { type: String, default: null },
    /** Department staff: their department (role `department`). */
    departmentId: { type: String, default: null },
    /** A deactivated person keeps their history but can no longer sign in or act: every request checks this. */
    active: { type: Boolean, default: true },
    /** The name staff sign in with (also the claim single sign-on matches); residents sign in with their phone. */
    username: { type: String, default: null },
    /** Notifications: an e-mail address, the language messages come in (zh by default) and the channels chosen (null: every one they can be reached on). */
    email: { type: String, default: null },
    language: { type: String, enum: ['zh', 'en'], default: 'zh' },
    channels: { type: [String], enum: ['sms', 'email'], default: undefined },
    updatedAt: { type: Date, default: null },
  },
  { collection: 'people', versionKey: false, strict: 'throw' },
);
/**
 * Single sign-on finds staff by username. Not unique: residents have none (null), and
 * FerretDB has no partial indexes; the sign-in refuses a name two people share.
 */
personSchema.index({ username: 1 });

/**
 * How a person proves who they are, each under a business key: `password:<username>`
 * (an argon2id hash), `phone:<number>` (a resident's number, for one-time codes).
 * Keyed by `_id`, so a name is taken once and found by its key.
 */
const credentialSchema = new Schema(
  {
    _id: { type: String, required: true },
    personId: { type: String, required: true },
    hash: { type: String, default: null },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'credentials', versionKey: false, strict: 'throw' },
);
credentialSchema.index({ personId: 1 });

/**
 * Signed-in sessions, under the SHA-256 of their secret (the secret itself is only in
 * the cookie or the client's bearer token). Ended by sign-out or expiry, both checked on
 * every request; ended ones are swept away later (FerretDB keeps no TTL indexes, so the
 * sweep is the API's, on both stores).
 */
const sessionSchema = new Schema(
  {
    _id: { type: String, required: true },
    personId: { type: String, required: true },
    /** How the person signed in: password, code, oidc or development. */
    method: { type: String, required: true },
    /** Writes made with the cookie carry this in X-CSRF-Token. */
    csrf: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    revokedAt: { type: Date, default: null },
    address: { type: String, default: null },
  },
  { collection: 'sessions', versionKey: false, strict: 'throw' },
);
sessionSchema.index({ personId: 1 });

/** Counters of failed sign-ins and of code requests, per account or number and per address, each in a window. */
const attemptSchema = new Schema(
  {
    _id: { type: String, required: true },
    count: { type: Number, required: true },
    windowStart: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'sign_in_attempts', versionKey: false, strict: 'throw' },
);

/** A one-time sign-in code sent to a phone, under the number: its hash, when it ends, the guesses left. */
const signInCodeSchema = new Schema(
  {
    _id: { type: String, required: true },
    hash: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    attemptsLeft: { type: Number, required: true },
    sentAt: { type: Date, required: true },
  },
  { collection: 'sign_in_codes', versionKey: false, strict: 'throw' },
);

/** Departments that own fixes, each registered at the centre it works with. */
const departmentSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: name, required: true },
    centreId: { type: String, required: true },
  },
  { collection: 'departments', versionKey: false, strict: 'throw' },
);

/**
 * `cases`: one document per case, the domain's `CaseDocument` (src/domain/case-record.ts):
 * the workflow's state, times in epoch milliseconds, beside the report it started from.
 * The schema names only what the database itself must know (the key, the indexes); the
 * document's shape is the domain's type, written whole by the worker's activities.
 */
const caseSchema = new Schema<CaseDocument>(
  { _id: { type: String, required: true }, caseNumber: { type: String, required: true, unique: true } },
  { collection: 'cases', versionKey: false, strict: false },
);

/**
 * `case_index`: one small flat document per case (`_id` = case id) with only what
 * lists, filters, visibility rules and the dashboard read (`CaseIndexEntry`, derived
 * from the case document by src/db/case-index.ts). FerretDB's SQLite backend answers no
 * filter but `{ _id }` from an index: every other query reads and decodes every document
 * of the collection, a tenth of the work for these as for whole cases.
 */
const caseIndexSchema = new Schema<CaseIndexEntry>({ _id: { type: String, required: true } }, { collection: 'case_index', versionKey: false, strict: false });
// For MongoDB: the indexes of the queries read store, declared beside its queries (src/api/reads/indexes.ts).
for (const index of CASE_INDEX_INDEXES) caseIndexSchema.index(index.keys, index.unique ? { unique: true } : {});

/** `case_events`: the domain's events, each under `<caseId>:<seq>`, the business key a replayed write finds again. */
const caseEventSchema = new Schema<StoredCaseEvent>({ _id: { type: String, required: true } }, { collection: 'case_events', versionKey: false, strict: false, minimize: false });

/** A notification as stored: the outbox entry, and once its delivery has been planned, each send's status. */
export interface StoredNotification {
  _id: string;
  caseId: string;
  kind: string;
  recipient: string;
  message: { zh: string; en: string };
  createdAt: Date;
  status?: string | null;
  deliveries?: (PlannedDelivery & { status: string })[];
}

const notificationSchema = new Schema(
  {
    /** `<caseId>:<seq>:<kind>:<recipient>`: one notification per event and recipient, however often it is retried. */
    _id: { type: String, required: true },
    caseId: { type: String, required: true },
    seq: { type: Number, required: true },
    kind: { type: String, required: true },
    recipient: { type: String, required: true },
    message: { zh: String, en: String },
    createdAt: { type: Date, required: true },
    deliveredAt: { type: Date, default: null },
    /** Set by the delivery workflow: sending, delivered or dead (a send gave up: the dead letter), and each planned send's outcome. */
    status: { type: String, default: null },
    deliveries: { type: [Schema.Types.Mixed], default: undefined },
    finishedAt: { type: Date, default: null },
  },
  { collection: 'notifications', versionKey: false, strict: 'throw' },
);
/** For MongoDB: a case's notifications (its delivery status) and a person's inbox, newest first. FerretDB keeps them and scans. */
notificationSchema.index({ caseId: 1, createdAt: 1 });
notificationSchema.index({ recipient: 1, createdAt: -1 });

/** Every attempt of every send, under `<notificationId>|<delivery key>|<attempt>`: a retried activity records its attempt once. */
const notificationAttemptSchema = new Schema(
  {
    _id: { type: String, required: true },
    notificationId: { type: String, required: true },
    caseId: { type: String, required: true },
    key: { type: String, required: true },
    channel: { type: String, required: true },
    attempt: { type: Number, required: true },
    at: { type: Date, required: true },
    ok: { type: Boolean, required: true },
    error: { type: String, default: null },
  },
  { collection: 'notification_attempts', versionKey: false, strict: 'throw' },
);
notificationAttemptSchema.index({ caseId: 1 });

/** A person has read a notification of their inbox: `<personId>|<notificationId>`, inserted once. */
const notificationReadSchema = new Schema(
  { _id: { type: String, required: true }, personId: { type: String, required: true }, notificationId: { type: String, required: true }, at: { type: Date, required: true } },
  { collection: 'notification_reads', versionKey: false, strict: 'throw' },
);
notificationReadSchema.index({ personId: 1 });

const auditSchema = new Schema(
  {
    at: { type: Date, required: true },
    actor: { type: Schema.Types.Mixed, required: true },
    action: { type: String, required: true },
    caseId: { type: String, default: null },
    outcome: { type: String, required: true },
    status: { type: Number, default: null },
    detail: { type: Schema.Types.Mixed, default: {} },
    subjectId: { type: String, default: null },
    scope: { type: [String], default: [] },
    address: { type: String, default: null },
  },
  { collection: 'audit', versionKey: false, strict: 'throw', minimize: false },
);
/**
 * For MongoDB, the reads of the audit log (src/api/audit-log): each filter an index
 * range read newest first. `scope` is an array, so its index is multikey (one key per
 * centre the entry concerns): an administrator's log is the range of their centre. A
 * person's entries are those they made or were the subject of: the two indexes serve
 * the two halves of the `$or`. The city's administrators read with no scope clause: `at`.
 * FerretDB keeps them and scans.
 */
auditSchema.index({ scope: 1, at: -1 });
auditSchema.index({ caseId: 1, at: -1 });
auditSchema.index({ 'actor.personId': 1, at: -1 });
auditSchema.index({ subjectId: 1, at: -1 });
auditSchema.index({ at: -1 });

const counterSchema = new Schema(
  { _id: { type: String, required: true }, value: { type: Number, required: true } },
  { collection: 'counters', versionKey: false, strict: 'throw' },
);

/** One version of the deadline policy under `_id` = its number; versions are only ever added. */
const deadlinePolicySchema = new Schema(
  {
    _id: { type: Number, required: true },
    settings: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
    createdBy: { type: String, required: true },
    note: { type: String, default: '' },
  },
  { collection: 'deadline_policies', versionKey: false, strict: 'throw', minimize: false },
);

/** Development only: text messages the outbox gateway kept instead of sending (src/delivery/sms.ts). */
const smsMessageSchema = new Schema(
  { to: { type: String, required: true }, text: { type: String, required: true }, sentAt: { type: Date, required: true } },
  { collection: 'sms_outbox', versionKey: false, strict: 'throw' },
);

/**
 * The keys of the client systems that file requests through Open311 (its `api_key`),
 * each under the SHA-256 of the key, hex: a request's key is found by one `_id` read,
 * and the key itself is kept nowhere. A revoked key stays, with when and by whom.
 */
const open311KeySchema = new Schema(
  {
    _id: { type: String, required: true },
    /** The client system the key was issued to. */
    name: { type: String, required: true },
    createdAt: { type: Date, required: true },
    /** Person id of the administrator, or `cli` for `onedoor open311-key`. */
    createdBy: { type: String, required: true },
    revokedAt: { type: Date, default: null },
    revokedBy: { type: String, default: null },
  },
  { collection: 'open311_keys', versionKey: false, strict: 'throw' },
);

/**
 * A hand-off of a case's agreement to a court for judicial confirmation, under
 * `_id` = `<caseId>:<n>` (n from 1, claimed by insert: the primary key gives each number once).
 */
const judicialHandoffSchema = new Schema(
  {
    _id: { type: String, required: true },
    caseId: { type: String, required: true },
    court: { type: String, required: true },
    at: { type: Date, required: true },
    by: { personId: { type: String, required: true }, centreId: { type: String, required: true } },
  },
  { collection: 'judicial_handoffs', versionKey: false, strict: 'throw' },
);

/**
 * A person's saved list filters (src/api/saved-filters): `_id` derived from the owner and
 * the name, so a name is saved once per person (a second insert fails on the key) and a
 * retried save finds its first. Read by owner: the index serves MongoDB; FerretDB scans
 * the few there are.
 */
const savedFilterSchema = new Schema(
  {
    _id: { type: String, required: true },
    ownerId: { type: String, required: true },
    name: { type: String, required: true },
    query: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'saved_filters', versionKey: false, strict: 'throw', minimize: false },
);
savedFilterSchema.index({ ownerId: 1, createdAt: 1 });

export function registerModels(connection: Connection) {
  return {
    Centre: connection.model('Centre', centreSchema),
    Person: connection.model('Person', personSchema),
    Case: connection.model('Case', caseSchema),
    CaseIndex: connection.model('CaseIndex', caseIndexSchema),
    CaseEvent: connection.model('CaseEvent', caseEventSchema),
    Notification: connection.model('Notification', notificationSchema),
    NotificationAttempt: connection.model('NotificationAttempt', notificationAttemptSchema),
    NotificationRead: connection.model('NotificationRead', notificationReadSchema),
    Audit: connection.model('Audit', auditSchema),
    Counter: connection.model('Counter', counterSchema),
    DeadlinePolicy: connection.model('DeadlinePolicy', deadlinePolicySchema),
    Department: connection.model('Department', departmentSchema),
    Credential: connection.model('Credential', credentialSchema),
    Session: connection.model('Session', sessionSchema),
    SignInAttempt: connection.model('SignInAttempt', attemptSchema),
    SignInCode: connection.model('SignInCode', signInCodeSchema),
    SmsMessage: connection.model('SmsMessage', smsMessageSchema),
    Open311Key: connection.model('Open311Key', open311KeySchema),
    JudicialHandoff: connection.model('JudicialHandoff', judicialHandoffSchema),
    SavedFilter: connection.model('SavedFilter', savedFilterSchema),
  };
}

export type Models = ReturnType<typeof registerModels>;

/** A stored case by id, in the current shape of a case whatever release wrote it. */
export async function findCaseDocument(models: Models, caseId: string): Promise<CaseDocument | null> {
  const doc = await models.Case.findById(caseId).lean<CaseDocument>();
  return doc ? withCurrentShape(doc) : null;
}
