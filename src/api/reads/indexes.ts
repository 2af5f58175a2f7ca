/**
 * The indexes of `case_index` that the queries read store (queries.ts) is served by, each
 * beside the reads it is for: equality fields first, then the sort, then any range
 * (test/unit/read-indexes.test.ts checks every query the store issues against them).
 * models.ts declares them on the schema; docs/architecture.md lists them.
 */
export type IndexKeys = Record<string, 1 | -1>;

export const CASE_INDEX_INDEXES: readonly { keys: IndexKeys; unique?: boolean; why: string }[] = [
  { keys: { seenBy: 1, receivedAt: -1, _id: 1 }, why: 'every list, newest first: the cases a viewer may see (one key per way of seeing)' },
  { keys: { seenBy: 1, deadline: 1, receivedAt: -1, _id: 1 }, why: 'every list in deadline order' },
  { keys: { complainantPhoneKey: 1, receivedAt: -1, _id: 1 }, why: 'a resident\'s cases filed with her number by someone else, newest first' },
  { keys: { complainantPhoneKey: 1, deadline: 1, receivedAt: -1, _id: 1 }, why: 'the same in deadline order' },
  { keys: { caseNumber: 1 }, unique: true, why: 'a case by its number (search, audit log, Open311)' },
  { keys: { receivedAt: -1, _id: 1 }, why: 'Open311\'s public list of a period, newest first' },
  { keys: { centrePath: 1, status: 1 }, why: 'open cases at a centre or below it, before the centre is closed' },
  { keys: { status: 1, mediatorId: 1 }, why: 'open cases per mediator (the pool\'s loads)' },
  { keys: { status: 1, expertId: 1, stage: 1 }, why: 'open cases per expert (loads), and the questions waiting for an expert' },
  { keys: { centreId: 1, status: 1, stage: 1 }, why: 'cases waiting at a centre to be accepted (the badge); a dashboard\'s counts, orders and times to close of the cases its centres hold' },
  { keys: { centreId: 1, status: 1, deadline: 1, receivedAt: -1, _id: 1 }, why: 'a dashboard\'s overdue cases, the earliest deadline first' },
  { keys: { breachedBy: 1, receivedAt: -1, _id: 1 }, why: 'a dashboard\'s cases whose deadline one of its centres missed, newest first' },
  { keys: { workingDepartmentId: 1, status: 1 }, why: 'cases a department is working on (the badge)' },
  { keys: { duplicateOf: 1, receivedAt: -1, _id: 1 }, why: 'the reports closed as duplicates of a case' },
  { keys: { category: 1, status: 1, receivedAt: -1, _id: 1 }, why: 'open cases of a category received lately, for the duplicate rule' },
];
