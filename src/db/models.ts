import { Schema, type Connection, type InferSchemaType, type Model } from 'mongoose';

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
    level: { type: String, required: true, enum: ['city', 'county', 'town', 'village'] },
    parentId: { type: String, default: null },
    /** Ancestor ids from the city down to and including this centre. */
    path: { type: [String], required: true },
  },
  { collection: 'centres', versionKey: false, strict: 'throw' },
);

const personSchema = new Schema(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    role: { type: String, required: true, enum: ['resident', 'grid_worker', 'mediator', 'expert', 'admin'] },
    centreId: { type: String, required: true },
    centrePath: { type: [String], required: true },
    specialties: { type: [String], default: [] },
    title: { type: String, default: null },
    phone: { type: String, default: null },
  },
  { collection: 'people', versionKey: false, strict: 'throw' },
);

const riskFactor = new Schema(
  {
    code: String,
    points: Number,
    label: { zh: String, en: String },
    evidence: { type: String, default: undefined },
  },
  { _id: false },
);

const stageVisit = new Schema(
  {
    stage: String,
    centreId: String,
    level: String,
    enteredAt: Date,
    leftAt: { type: Date, default: null },
    deadline: { type: Date, default: null },
    warnAt: { type: Date, default: null },
    warned: Boolean,
    breached: Boolean,
  },
  { _id: false },
);

const caseSchema = new Schema(
  {
    _id: { type: String, required: true },
    caseNumber: { type: String, required: true, unique: true },
    category: { type: String, required: true },
    kind: { type: String, required: true },
    title: { type: String, required: true },
    description: { type: String, required: true },
    channel: { type: String, required: true },
    location: {
      centreId: String,
      address: String,
      lat: { type: Number, default: null },
      lng: { type: Number, default: null },
    },
    complainant: {
      personId: String,
      name: String,
      /** Full number for the centre to call back; never logged, never in Temporal search attributes. */
      phone: String,
      phoneMasked: String,
    },
    reportedById: String,
    parties: [{ _id: false, name: String, role: String }],
    affectedCount: { type: Number, default: null },
    stage: { type: String, required: true },
    status: { type: String, required: true },
    centreId: { type: String, required: true },
    centrePath: { type: [String], required: true },
    level: { type: String, required: true },
    risk: { type: String, required: true },
    riskFactors: [riskFactor],
    riskConfirmed: Boolean,
    deadline: { type: Date, default: null },
    warnAt: { type: Date, default: null },
    overdue: { type: Boolean, default: false },
    mediatorId: { type: String, default: null },
    expertId: { type: String, default: null },
    expertRequest: { type: Schema.Types.Mixed, default: null },
    opinion: { type: Schema.Types.Mixed, default: null },
    sessions: { type: [Schema.Types.Mixed], default: [] },
    outcome: { type: String, default: null },
    agreement: { type: [Schema.Types.Mixed], default: null },
    failure: { type: Schema.Types.Mixed, default: null },
    disposal: { type: String, default: null },
    closureSummary: { type: String, default: null },
    rating: { type: Number, default: null },
    feedbackComment: { type: String, default: null },
    feedbackStatus: { type: String, default: null },
    reopenCount: { type: Number, default: 0 },
    reopenUntil: { type: Date, default: null },
    visits: [stageVisit],
    /** Sequence number of the last event reflected here; a stale retry never overwrites a newer state. */
    lastSeq: { type: Number, required: true },
    slaPolicyVersion: String,
    workflowId: String,
    receivedAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    closedAt: { type: Date, default: null },
  },
  { collection: 'cases', versionKey: false, strict: 'throw' },
);
caseSchema.index({ centrePath: 1, stage: 1 });
caseSchema.index({ 'complainant.personId': 1 });

/**
 * `case_index`: one small flat document per case (`_id` = case id) with only what
 * lists, filters, visibility rules and the dashboard read. FerretDB's SQLite
 * backend answers no filter but `{ _id }` from an index: every other query reads
 * and decodes every document of the collection, ~1 ms per ~3.4 KB `cases`
 * document but a tenth of that for these. Written by `_id` next to the
 * projection (activities/persistence.ts), derived by `caseIndexEntry`
 * (src/db/case-index.ts); never ahead of or behind it for long.
 */
const caseIndexSchema = new Schema(
  {
    _id: { type: String, required: true },
    caseNumber: { type: String, required: true },
    /** The category code: Open311 lists filter on it (`service_code`). Null only in entries written before it was indexed. */
    category: { type: String, default: null },
    title: { type: String, default: null },
    centreId: { type: String, required: true },
    centrePath: { type: [String], required: true },
    stage: { type: String, required: true },
    status: { type: String, required: true },
    level: { type: String, required: true },
    risk: { type: String, required: true },
    deadline: { type: Date, default: null },
    overdue: { type: Boolean, default: false },
    receivedAt: { type: Date, default: null },
    closedAt: { type: Date, default: null },
    rating: { type: Number, default: null },
    /** Any stage visit past its deadline: the dashboard's "closed on time" is `!breached`. */
    breached: { type: Boolean, default: false },
    /** `complainant.personId` of the projection. */
    complainantId: { type: String, default: null },
    reportedById: { type: String, default: null },
    mediatorId: { type: String, default: null },
    expertId: { type: String, default: null },
    /** `opinion.expertId` of the projection: an expert who answered keeps seeing the case. */
    opinionExpertId: { type: String, default: null },
    /** The projection's `lastSeq` this entry was derived from; a stale write never overwrites a newer entry. */
    lastSeq: { type: Number, required: true },
    updatedAt: { type: Date, default: null },
  },
  { collection: 'case_index', versionKey: false, strict: 'throw' },
);
// For MongoDB in production (admin lists by subtree, newest first); FerretDB v1 uses no index but `_id`.
caseIndexSchema.index({ centrePath: 1, receivedAt: -1 });

const caseEventSchema = new Schema(
  {
    /** `<caseId>:<seq>`: the business key, so a replayed write finds the same document. */
    _id: { type: String, required: true },
    caseId: { type: String, required: true },
    seq: { type: Number, required: true },
    at: { type: Date, required: true },
    type: { type: String, required: true },
    stage: { type: String, required: true },
    fromStage: { type: String, default: null },
    actor: { type: Schema.Types.Mixed, required: true },
    centreId: { type: String, required: true },
    level: { type: String, required: true },
    detail: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'case_events', versionKey: false, strict: 'throw', minimize: false },
);
caseEventSchema.index({ caseId: 1, seq: 1 }, { unique: true });

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
  },
  { collection: 'notifications', versionKey: false, strict: 'throw' },
);
notificationSchema.index({ recipient: 1, createdAt: -1 });

const auditSchema = new Schema(
  {
    at: { type: Date, required: true },
    actor: { type: Schema.Types.Mixed, required: true },
    action: { type: String, required: true },
    caseId: { type: String, default: null },
    outcome: { type: String, required: true },
    status: { type: Number, default: null },
    detail: { type: Schema.Types.Mixed, default: {} },
  },
  { collection: 'audit', versionKey: false, strict: 'throw', minimize: false },
);

const counterSchema = new Schema(
  { _id: { type: String, required: true }, value: { type: Number, required: true } },
  { collection: 'counters', versionKey: false, strict: 'throw' },
);

/** A plain scratch collection used by the foundation's smoke activity and the readiness probe. */
const probeSchema = new Schema(
  { _id: { type: String, required: true }, writtenAt: { type: Date, required: true }, note: String },
  { collection: 'probes', versionKey: false, strict: 'throw' },
);

export type CentreDoc = InferSchemaType<typeof centreSchema>;
export type PersonDoc = InferSchemaType<typeof personSchema>;
export type CaseDoc = InferSchemaType<typeof caseSchema>;
export type CaseIndexDoc = InferSchemaType<typeof caseIndexSchema>;
export type CaseEventDoc = InferSchemaType<typeof caseEventSchema>;
export type NotificationDoc = InferSchemaType<typeof notificationSchema>;
export type AuditDoc = InferSchemaType<typeof auditSchema>;

export function registerModels(connection: Connection) {
  return {
    Centre: connection.model('Centre', centreSchema),
    Person: connection.model('Person', personSchema),
    Case: connection.model('Case', caseSchema),
    CaseIndex: connection.model('CaseIndex', caseIndexSchema),
    CaseEvent: connection.model('CaseEvent', caseEventSchema),
    Notification: connection.model('Notification', notificationSchema),
    Audit: connection.model('Audit', auditSchema),
    Counter: connection.model('Counter', counterSchema),
    Probe: connection.model('Probe', probeSchema),
  };
}

export type Models = ReturnType<typeof registerModels>;
export type AnyModel = Model<unknown>;
