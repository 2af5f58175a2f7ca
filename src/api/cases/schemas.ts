import { z } from '../zod';
import { CASE_KINDS, DEPARTMENT_TASK_STATUSES, EVENT_TYPES, PAUSE_REASONS, SPAN_UNITS, SUPERVISION_STATUSES, ACTION_TYPES, CASE_STATUSES, CHANNELS, CATEGORY_CODES, FEEDBACK_STATUSES, LEVELS, MOVE_CAUSES, OUTCOMES, REFERRALS, RISKS, ROLES, SPECIALTIES, STAGES, type CaseAction } from '../../domain';
import { actionArguments, exampleOf, fileIdsField, idField, riskFactorField, text } from '../../domain/actions';
import { LOCATION_SOURCES } from '../../domain/places';
import { locationIssues } from '../places/location';

const id = idField();
export const caseIdSchema = z.string().regex(/^case_[0-9a-f]{24}$/, 'a case id: "case_" and 24 hex digits');

const stageEnum = z.enum(STAGES);
const levelEnum = z.enum(LEVELS);
const riskEnum = z.enum(RISKS);
const categoryEnum = z.enum(CATEGORY_CODES);

export const intakeSchema = z
  .strictObject({
    category: categoryEnum,
    title: text(200),
    description: text(5000),
    channel: z.enum(CHANNELS),
    location: z
      .strictObject({
        centreId: id.openapi({ description: 'A village or community centre' }),
        address: text(500),
        lat: z.number().min(-90).max(90).optional().openapi({ description: 'Where the problem is (WGS 84), with lng; personal data for a dispute, shown to the case’s staff only' }),
        lng: z.number().min(-180).max(180).optional(),
        accuracy: z.number().min(0).max(100_000).optional().openapi({ description: 'How far off the position may be, in metres (the device’s estimate)' }),
        source: z.enum(LOCATION_SOURCES).optional().openapi({ description: 'device: the phone’s location, given with consent; pin: dropped on the map' }),
      })
      .superRefine((place, issues) => {
        for (const issue of locationIssues(place)) issues.addIssue({ code: 'custom', path: [issue.field], message: issue.reason });
      }),
    complainant: z.strictObject({
      name: text(100),
      phone: z.string().trim().regex(/^\+?[0-9][0-9 -]{5,19}$/, 'a phone number'),
      personId: id.optional().openapi({ description: 'Staff and grid workers reporting on behalf of a resident name them here' }),
    }),
    parties: z.array(z.strictObject({ name: text(100), role: text(100) })).max(50).optional(),
    affectedCount: z.number().int().min(0).max(10_000_000).optional(),
    files: fileIdsField().openapi({ description: 'Photos and PDFs uploaded first with POST /api/v1/files, by id' }),
  })
  .openapi('CaseIntake');
export type IntakeBody = z.infer<typeof intakeSchema>;

export const idempotencyHeaders = z.object({
  'idempotency-key': z.string().min(1).max(200).optional().openapi({ description: 'The same key (per caller) always returns the same case' }),
});

export const MAX_PAGE_SIZE = 100;
const boolString = z.enum(['true', 'false']).transform((value) => value === 'true');

export const listQuerySchema = z.strictObject({
  stage: stageEnum.optional(),
  level: levelEnum.optional(),
  centreId: id.optional(),
  risk: riskEnum.optional(),
  category: categoryEnum.optional(),
  overdue: boolString.optional(),
  status: z.enum(CASE_STATUSES).optional(),
  q: z.string().trim().min(1).max(100).optional().openapi({ description: 'Found in the case number, title, description or complainant’s name, or the complainant’s whole phone number' }),
  assignedTo: z.enum(['me']).optional().openapi({ description: 'Only cases the caller works on: as mediator, as expert (asked or who answered), or as handler (accepted it at the centre holding it now; department staff: their department is working on it)' }),
  sort: z.enum(['received', 'deadline']).default('received').openapi({ description: 'received: newest first; deadline: overdue first, then the soonest deadline, cases without one last' }),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20),
});
export type ListQuery = z.infer<typeof listQuerySchema>;

export const caseParamsSchema = z.strictObject({ id: caseIdSchema });

/** Each action's arguments, as the domain's action table declares them (src/domain/actions.ts). */
export const actionSchema = z.discriminatedUnion('type', actionArguments()).openapi('CaseAction', {
  description: `One of: ${ACTION_TYPES.join(', ')}`,
  example: exampleOf('escalate'),
});
export type ActionBody = z.output<typeof actionSchema>;

/** The body the API accepts is exactly the action the workflow takes: a compile error otherwise. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const actionBodyIsCaseAction: Same<ActionBody, CaseAction> = true;
void actionBodyIsCaseAction;

const isoDate = z.string().openapi({ format: 'date-time' });

const spanSchema = z.object({ amount: z.number(), unit: z.enum(SPAN_UNITS) }).openapi('Span');

/** The case's clocks under its deadline policy: what is owed by when, and who supervises. */
export const clocksSchema = z
  .object({
    policyVersion: z.union([z.number(), z.string()]).openapi({ description: 'The deadline policy the case runs under; it keeps it for life' }),
    workingTime: z.boolean().openapi({ description: 'false for cases opened under the first release’s round-the-clock policy' }),
    acknowledgeBy: isoDate.nullable().openapi({ description: 'While the case waits to be accepted by the centre that has it' }),
    handling: z
      .object({
        centreId: z.string(),
        startedAt: isoDate,
        limit: spanSchema,
        deadline: isoDate.nullable(),
        warned: z.boolean(),
        remainingMs: z.number().nullable().openapi({ description: 'Time left on the limit’s own clock (service time for working units) when this view was made; null once the limit passed at the city' }),
        workingDayMs: z.number().openapi({ description: 'How long one working day of this case’s policy is, so remainingMs can be told in working days' }),
      })
      .nullable(),
    pause: z.object({ reason: z.enum(PAUSE_REASONS), note: z.string().nullable(), since: isoDate, until: isoDate, by: z.string() }).nullable(),
    pausedMs: z.number(),
    supervisions: z.array(
      z.object({
        id: z.string(),
        centreId: z.string(),
        byCentreId: z.string(),
        by: z.string(),
        automatic: z.boolean(),
        reason: z.string().openapi({ description: 'The supervisor’s words, or for an automatic order acknowledgement_missed / handling_warning' }),
        issuedAt: isoDate,
        replyBy: isoDate,
        status: z.enum(SUPERVISION_STATUSES),
        reply: z.object({ text: z.string(), at: isoDate, by: z.string(), late: z.boolean() }).nullable(),
      }),
    ),
  })
  .openapi('CaseClocks');

const moveSchema = z
  .object({
    at: isoDate,
    fromCentreId: z.string(),
    toCentreId: z.string(),
    toLevel: levelEnum,
    cause: z.enum(MOVE_CAUSES).openapi({ description: 'staff: a person sent it with a reason; deadline: its deadline passed; risk: its assessed risk needs a higher level' }),
    reason: z.string().nullable().openapi({ description: 'The reason the person gave (cause staff)' }),
    by: z
      .object({ personId: z.string(), role: z.enum(ROLES), name: z.string().nullable() })
      .nullable()
      .openapi({ description: 'Who decided: the person who escalated, or whose assessment sent it up; null when a deadline passed' }),
    stageMissed: stageEnum.nullable(),
    deadline: isoDate.nullable(),
    risk: riskEnum.nullable(),
  })
  .openapi('CaseMove');

const stageVisitSchema = z.object({
  stage: stageEnum,
  centreId: z.string(),
  level: levelEnum,
  enteredAt: isoDate,
  leftAt: isoDate.nullable(),
  deadline: isoDate.nullable(),
  breached: z.boolean(),
});

const personRef = z.object({ id: z.string(), name: z.string().nullable() });

/** What the department was asked to do and what came of it: the department reads its task here, the centre the report. */
const departmentTaskSchema = z.object({
  departmentId: z.string(),
  centreId: z.string().openapi({ description: 'The centre that handed the case over' }),
  task: z.string(),
  assignedAt: isoDate,
  by: personRef,
  status: z.enum(DEPARTMENT_TASK_STATUSES),
  result: z.object({ text: z.string(), at: isoDate, by: personRef }).nullable(),
});

export const caseViewSchema = z
  .object({
    id: z.string(),
    caseNumber: z.string(),
    category: categoryEnum,
    kind: z.enum(CASE_KINDS),
    title: z.string(),
    description: z.string(),
    channel: z.enum(CHANNELS),
    stage: stageEnum,
    status: z.enum(CASE_STATUSES),
    centreId: z.string(),
    centrePath: z.array(z.string()),
    level: levelEnum,
    risk: riskEnum,
    riskFactors: z.array(riskFactorField()),
    riskConfirmed: z.boolean(),
    deadline: isoDate.nullable(),
    overdue: z.boolean(),
    mediator: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
    expert: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
    opinion: z.object({ expertId: z.string(), text: z.string(), at: isoDate }).nullable(),
    sessions: z.array(z.object({ at: isoDate, summary: z.string(), by: z.string() })),
    outcome: z.enum(OUTCOMES).nullable(),
    agreement: z.array(z.object({ party: z.string(), obligation: z.string() })).nullable(),
    failure: z.object({ reason: z.string(), referral: z.enum(REFERRALS) }).nullable(),
    disposal: z.string().nullable(),
    closureSummary: z.string().nullable(),
    rating: z.number().int().nullable(),
    feedbackComment: z.string().nullable(),
    feedbackStatus: z.enum(FEEDBACK_STATUSES).nullable(),
    reopenCount: z.number().int(),
    location: z.object({
      centreId: z.string(),
      address: z.string(),
      lat: z.number().nullable(),
      lng: z.number().nullable(),
      accuracy: z.number().nullable().openapi({ description: 'Metres the position may be off' }),
      source: z.enum(LOCATION_SOURCES).nullable().openapi({ description: 'How the position was found: device or pin; null when none was given or not said' }),
    }),
    duplicateOf: z
      .object({ id: z.string(), caseNumber: z.string(), at: isoDate })
      .nullable()
      .openapi({ description: 'The case this one was closed as a duplicate of' }),
    complainant: z.object({ personId: z.string(), name: z.string(), phone: z.string().openapi({ description: 'Full number for staff of the case; masked for everyone else' }) }),
    parties: z.array(z.object({ name: z.string(), role: z.string() })),
    affectedCount: z.number().int().nullable(),
    reportedById: z.string(),
    receivedAt: isoDate,
    updatedAt: isoDate,
    closedAt: isoDate.nullable(),
    readOnly: z.boolean().openapi({ description: 'The caller is staff of a centre that held the case before: they follow it and see its outcome, and act on it no more' }),
    allowedActions: z.array(z.enum(ACTION_TYPES)),
    moves: z.array(moveSchema).openapi({ description: 'Every move between centres, oldest first: why the case came to each' }),
    stages: z.array(stageVisitSchema).openapi({ description: 'Every stage the case has been through, at which centre, and whether its deadline was missed' }),
    departmentTasks: z.array(departmentTaskSchema).openapi({ description: 'Every hand-over to a department, oldest first: the task, and the report or the reason for refusing' }),
    expertQuestion: z
      .object({ question: z.string(), specialty: z.enum(SPECIALTIES), requestedAt: isoDate, open: z.boolean() })
      .nullable()
      .openapi({ description: 'The question put to the expert: the open request, or else the last one asked' }),
    clocks: clocksSchema,
    duplicates: z
      .object({ count: z.number().int(), items: z.array(z.object({ id: z.string(), caseNumber: z.string() })) })
      .openapi({ description: 'Reports closed as duplicates of this case: how many, and those the caller may see' }),
  })
  .openapi('Case');

export const createdCaseSchema = z
  .object({
    id: z.string(),
    caseNumber: z.string(),
    stage: stageEnum,
    status: z.enum(CASE_STATUSES),
    centreId: z.string(),
    centrePath: z.array(z.string()),
    level: levelEnum,
    category: categoryEnum,
    kind: z.enum(CASE_KINDS),
    risk: riskEnum,
    riskFactors: z.array(riskFactorField()),
    deadline: isoDate.nullable(),
    acknowledgeBy: isoDate.nullable(),
    receivedAt: isoDate,
  })
  .openapi('CaseCreated');

export const caseListItemSchema = caseViewSchema.omit({ allowedActions: true, description: true, moves: true, stages: true, departmentTasks: true, expertQuestion: true, clocks: true, duplicates: true });

export const caseListSchema = z
  .object({ items: z.array(caseListItemSchema), page: z.number().int(), pageSize: z.number().int(), total: z.number().int() })
  .openapi('CaseList');

export const timelineSchema = z
  .object({
    caseId: z.string(),
    caseNumber: z.string(),
    /** Names of the people the events name, by id. */
    names: z.record(z.string(), z.string()),
    events: z.array(
      z.object({
        seq: z.number().int(),
        at: isoDate,
        type: z.enum(EVENT_TYPES),
        stage: stageEnum,
        fromStage: stageEnum.nullable(),
        actor: z.object({ kind: z.enum(['person', 'system']), personId: z.string().optional(), role: z.enum(ROLES).optional() }),
        centreId: z.string(),
        level: levelEnum,
        detail: z.record(z.string(), z.unknown()),
      }),
    ),
    stages: z.array(
      stageVisitSchema.extend({ durationMs: z.number().nullable() }),
    ),
    policyVersion: z.union([z.number(), z.string()]).openapi({ description: 'The deadline policy the case runs under' }),
    handling: z
      .array(
        z.object({
          centreId: z.string(),
          level: levelEnum,
          startedAt: isoDate,
          endedAt: isoDate.nullable(),
          limit: spanSchema,
          deadline: isoDate.nullable(),
          paused: z.boolean(),
          breached: z.boolean(),
        }),
      )
      .openapi({ description: 'Each centre’s handling limit while it had the case: its deadline as it stood when the centre let the case go (or now)' }),
    workflow: z.object({
      workflowId: z.string(),
      runId: z.string().nullable(),
      status: z.string().nullable(),
      historyLength: z.number().int().nullable(),
      webUiUrl: z.string().nullable(),
    }),
  })
  .openapi('CaseTimeline');

export type CaseView = z.output<typeof caseViewSchema>;
export type CaseListItem = z.output<typeof caseListItemSchema>;
export type CaseList = z.output<typeof caseListSchema>;
export type CreatedCase = z.output<typeof createdCaseSchema>;
export type Timeline = z.output<typeof timelineSchema>;
