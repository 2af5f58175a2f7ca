/** Reading cases: one by id (waiting briefly for a case just opened), and lists. */
import type { CaseDocument } from '../../domain';
import { findCaseDocument } from '../../db/models';
import type { ApiContext, Caller } from '../context';
import { problems } from '../problem';
import type { CaseList, CaseView, ListQuery } from './schemas';
import { pageEvents } from './history';
import { duplicatesOf } from '../places/duplicates';
import { canSee, caseListItem, caseView, namesOf, peopleOf, type CasePage } from './view';
import { caseFilterOf, searchInMemory } from './search';

const PROJECTION_WAIT_MS = 5000;

/**
 * The projection by id. Intake answers before the first activity has written it, so
 * when the workflow exists but its projection does not yet, wait a moment for it.
 */
export async function loadProjection(ctx: ApiContext, caseId: string): Promise<CaseDocument | null> {
  const read = () => findCaseDocument(ctx.db.models, caseId);
  const doc = await read();
  if (doc || (await ctx.cases.describeCase(caseId)) === null) return doc;
  const until = Date.now() + PROJECTION_WAIT_MS;
  while (Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const written = await read();
    if (written) return written;
  }
  throw problems.unavailable(`Case ${caseId} is still being recorded`, 1);
}

/** What a person reads when a case is missing or not theirs to see: the same, so neither tells the other apart. */
export const NO_SUCH_CASE = { zh: '找不到此案件，或您无权查看。', en: 'No such case, or not one you may see.' };

/** Reads one case the caller may see; 404 otherwise (another centre's case looks like no case). */
export async function findVisibleCase(ctx: ApiContext, caller: Caller, caseId: string): Promise<CaseDocument> {
  const [doc, pathOf] = await Promise.all([loadProjection(ctx, caseId), ctx.centres.paths()]);
  if (!doc || !canSee(doc, caller, pathOf)) throw problems.notFound(`No case ${caseId} that you can see`, NO_SUCH_CASE);
  return doc;
}

/** Everything the page of this case shows besides the case itself: its events when needed, names, centres. */
export async function casePage(ctx: ApiContext, doc: CaseDocument, caller: Caller): Promise<CasePage> {
  const [events, pathOf] = await Promise.all([pageEvents(ctx, doc), ctx.centres.paths()]);
  const [names, duplicates] = await Promise.all([namesOf(ctx, peopleOf(doc, events)), duplicatesOf(ctx, doc._id, caller, pathOf)]);
  return { doc, events, names, pathOf, duplicates };
}

export async function getCase(ctx: ApiContext, caller: Caller, caseId: string): Promise<CaseView> {
  const doc = await findVisibleCase(ctx, caller, caseId);
  return caseView(await casePage(ctx, doc, caller), caller);
}

export async function listCases(ctx: ApiContext, caller: Caller, query: ListQuery): Promise<CaseList> {
  // From the process's copy of case_index (see case-mirror.ts): FerretDB's
  // SQLite backend answers every filter but `_id` by decoding every document.
  const now = Date.now();
  const [entries, pathOf] = await Promise.all([ctx.caseMirror.current(), ctx.centres.paths()]);
  const matches = searchInMemory(entries, caseFilterOf(query, caller), caller, pathOf, now);
  const pageIds = matches.slice((query.page - 1) * query.pageSize, query.page * query.pageSize).map((match) => match.id);
  // The page's full documents, each by `_id` (an `$in` is not pushed down either
  // and would scan), or from memory while unchanged since they were read.
  const stored = await ctx.caseMirror.documentsOf(pageIds);
  const names = await namesOf(ctx, stored.flatMap((d) => [d.mediatorId, d.expertId]));
  const items = stored.map((doc) => caseListItem(doc, caller, names, pathOf, now));
  return { items, page: query.page, pageSize: query.pageSize, total: matches.length };
}
