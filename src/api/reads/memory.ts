/**
 * The reads over the API process's copy of `case_index` (src/db/case-mirror.ts), for the
 * embedded FerretDB: there every filter but `_id` decodes the whole collection, seconds
 * at 10,000 cases, while the copy answers in milliseconds. The copy keeps the open cases
 * and those closed in the last `ONEDOOR_MEMORY_CLOSED_DAYS`; an older case is still read
 * by id and by number, but lists and counts no longer include it.
 */
import { awaitsViewer, pageInMemory } from '../cases/search';
import type { CaseMirror, MirroredCase } from '../../db/case-mirror';
import { loadsOf, type AssigneeRole } from '../../domain/assignment';
import { DASHBOARD_LIST_LIMIT, DashboardTally, type CaseDocument, type DashboardCounts } from '../../domain';
import type { Models } from '../../db/models';
import type { CaseIndexEntry } from '../../db/case-index';
import type { CasePage, CaseReads, Range, ReceivedQuery } from './case-reads';

function pageOf(matches: MirroredCase[], range: Range): CasePage {
  const entries = range.limit === null ? matches.slice(range.skip) : matches.slice(range.skip, range.skip + range.limit);
  return { entries, total: matches.length };
}

export class MemoryCaseReads implements CaseReads {
  readonly kind = 'memory';

  constructor(
    private readonly mirror: CaseMirror,
    private readonly models: Models,
  ) {}

  /** Every case the copy keeps, newest received first. */
  private async all(): Promise<readonly MirroredCase[]> {
    return this.mirror.current();
  }

  async search(...[filter, seeing, now, range]: Parameters<CaseReads['search']>): Promise<CasePage> {
    return pageInMemory(await this.all(), filter, seeing.viewer, seeing.pathOf, now, range);
  }

  /** The copy has caught up for the read that found these ids: a document is served from memory while its `seq` is the copy's. */
  documentsOf(ids: readonly string[]): Promise<CaseDocument[]> {
    return this.mirror.documentsOf(ids);
  }

  async idOfNumber(caseNumber: string): Promise<string | null> {
    for (const entry of await this.all()) if (entry.caseNumber === caseNumber) return entry.id;
    // Closed before the copy's bound: the one lookup that still reaches the collection.
    const stored = await this.models.CaseIndex.findOne({ caseNumber }, { _id: 1 }).lean<Pick<CaseIndexEntry, '_id'>>();
    return stored?._id ?? null;
  }

  async numbersOf(ids: readonly string[]): Promise<Map<string, string>> {
    const wanted = new Set(ids);
    const numbers = new Map<string, string>();
    for (const entry of await this.all()) if (wanted.has(entry.id)) numbers.set(entry.id, entry.caseNumber);
    const missing = ids.filter((id) => !numbers.has(id));
    const stored = await Promise.all(missing.map((id) => this.models.CaseIndex.findById(id, { caseNumber: 1 }).lean<Pick<CaseIndexEntry, '_id' | 'caseNumber'>>()));
    for (const entry of stored) if (entry) numbers.set(entry._id, entry.caseNumber);
    return numbers;
  }

  async openUnder(centreId: string): Promise<number> {
    let count = 0;
    for (const entry of await this.all()) if (entry.status !== 'closed' && entry.centrePath.includes(centreId)) count += 1;
    return count;
  }

  /** One pass over the cases any of the centres held. */
  async dashboard(centreIds: readonly string[], now: number, listLimit = DASHBOARD_LIST_LIMIT): Promise<DashboardCounts> {
    const covered = new Set(centreIds);
    const tally = new DashboardTally((id) => covered.has(id), now, listLimit);
    for (const entry of await this.all()) if (entry.heldBy.some((id) => covered.has(id))) tally.add(entry);
    return tally.counts();
  }

  async loads(role: AssigneeRole): Promise<Map<string, number>> {
    return loadsOf(role, await this.all());
  }

  async received(query: ReceivedQuery, range: Range): Promise<CasePage> {
    const numbers = query.numbers ? new Set(query.numbers) : null;
    const matches: MirroredCase[] = [];
    for (const entry of await this.all()) {
      if (numbers ? !numbers.has(entry.caseNumber) : entry.receivedAt === null || entry.receivedAt < query.start || entry.receivedAt > query.end) continue;
      if (query.category !== undefined && entry.category !== query.category) continue;
      if (query.status !== undefined && entry.status !== query.status) continue;
      matches.push(entry);
    }
    return pageOf(matches, range);
  }

  async duplicatesOf(caseId: string): Promise<MirroredCase[]> {
    return (await this.all()).filter((entry) => entry.duplicateOf === caseId);
  }

  async openOfCategorySince(category: string, since: number): Promise<MirroredCase[]> {
    return (await this.all()).filter((entry) => entry.status === 'open' && entry.category === category && entry.receivedAt !== null && entry.receivedAt >= since);
  }

  async waitingFor(viewer: Parameters<CaseReads['waitingFor']>[0]): Promise<number> {
    let count = 0;
    for (const entry of await this.all()) if (awaitsViewer(entry, viewer)) count += 1;
    return count;
  }
}
