/**
 * Every read of many cases goes through one interface with two implementations: MongoDB's
 * own indexed queries (`queries.ts`), and each API process's copy of the open and recently
 * closed cases (`memory.ts`), for the embedded FerretDB, which answers no filter but `_id`
 * from an index. Both answer alike; test/integration/read-store-contract.test.ts holds them to it.
 */
import type { CaseDocument, DashboardCounts, PathOf, Viewer } from '../../domain';
import type { AssigneeRole } from '../../domain/assignment';
import type { MirroredCase } from '../../db/case-mirror';
import type { CaseFilter } from '../cases/search';

export type ReadStoreKind = 'queries' | 'memory';

/** Which cases of a matching list to return: `limit` null returns all of them. */
export interface Range {
  skip: number;
  limit: number | null;
}

/** One page of the cases that match, and how many match in all. */
export interface CasePage {
  entries: MirroredCase[];
  total: number;
}

/** The public Open311 list: by numbers, or received within a period; newest first. */
export interface ReceivedQuery {
  numbers: string[] | null;
  start: number;
  end: number;
  category?: string;
  status?: string;
}

/** Who may be asked what a viewer sees: the viewer, and the centres of the tree. */
export interface Seeing {
  viewer: Viewer;
  pathOf: PathOf;
  /** Every known centre id (an admin sees what any centre of their subtree held). */
  centreIds: readonly string[];
}

export interface CaseReads {
  readonly kind: ReadStoreKind;
  /** The cases this viewer may see that pass the filter, in its order. */
  search(filter: CaseFilter, seeing: Seeing, now: number, range: Range): Promise<CasePage>;
  /** The full documents of these ids, in their order, skipping any not found. */
  documentsOf(ids: readonly string[]): Promise<CaseDocument[]>;
  /** The case with this number, if any. */
  idOfNumber(caseNumber: string): Promise<string | null>;
  /** The numbers of these cases (those found). */
  numbersOf(ids: readonly string[]): Promise<Map<string, string>>;
  /** How many cases held at this centre or below it are open. */
  openUnder(centreId: string): Promise<number>;
  /** The dashboard of these centres (one centre, or a subtree): the cases they hold, the deadlines they missed, the orders they owe; each list its first `listLimit`. */
  dashboard(centreIds: readonly string[], now: number, listLimit?: number): Promise<DashboardCounts>;
  /** Open cases per mediator or expert. */
  loads(role: AssigneeRole): Promise<Map<string, number>>;
  /** The Open311 list. */
  received(query: ReceivedQuery, range: Range): Promise<CasePage>;
  /** The cases closed as duplicates of this one. */
  duplicatesOf(caseId: string): Promise<MirroredCase[]>;
  /** Open cases of this category received since then: what the duplicate rule compares with. */
  openOfCategorySince(category: string, since: number): Promise<MirroredCase[]>;
  /** How many cases wait for this person's part (the navigation's badge). */
  waitingFor(viewer: Viewer): Promise<number>;
}
