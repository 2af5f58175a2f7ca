/** Reading cases: one by id (waiting briefly for a case just opened), and lists. */
import type { CaseDocument, Viewer } from '../../domain';
import { findCaseDocument } from '../../db/models';
import type { ApiContext, Caller } from '../context';
import { problems } from '../problem';
import type { CaseList, CaseView, ListQuery } from './schemas';
import { pageEvents } from './history';
import { duplicatesOf } from '../places/duplicates';
import { canSee, caseListItem, caseView, namesOf, peopleOf, type CasePage } from './view';
import { caseFilterOf } from './search';
import type { Seeing } from '../reads/case-reads';

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
  const now = Date.now();
  const seeing = await seeingOf(ctx, caller);
  const range = { skip: (query.page - 1) * query.pageSize, limit: query.pageSize };
  const found = await ctx.reads.search(caseFilterOf(query, caller), seeing, now, range);
  const stored = await ctx.reads.documentsOf(found.entries.map((entry) => entry.id));
  const names = await namesOf(ctx, stored.flatMap((d) => [d.mediatorId, d.expertId]));
  const items = stored.map((doc) => caseListItem(doc, caller, names, seeing.pathOf, now));
  return { items, page: query.page, pageSize: query.pageSize, total: found.total };
}

/** What the read store needs to know of who is reading. */
export async function seeingOf(ctx: ApiContext, viewer: Viewer): Promise<Seeing> {
  const [pathOf, centres] = await Promise.all([ctx.centres.paths(), ctx.centres.all()]);
  return { viewer, pathOf, centreIds: [...centres.keys()] };
}
