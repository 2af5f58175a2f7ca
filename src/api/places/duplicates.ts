/**
 * Likely duplicates, from the read store (src/api/reads): at intake (a report not yet
 * filed) and on a case's page. The rule is the domain's (`similarCases`); this decides
 * what each caller may learn of what it finds.
 */
import { DUPLICATE_RULE, similarCases, visibleTo, type Comparable, type PathOf } from '../../domain';
import type { ApiContext, Caller } from '../context';
import type { CaseView } from '../cases/schemas';
import type { SimilarCases } from './schemas';

const DAY_MS = 86_400_000;

/** Who may read other cases' details: centre staff. Residents learn only that similar reports exist. */
export function readsOtherCases(caller: Caller): boolean {
  return caller.role === 'admin' || caller.role === 'mediator' || caller.role === 'grid_worker';
}

/** The similar open cases of a report, as this caller may read them. */
export async function similarFor(ctx: ApiContext, caller: Caller, report: Comparable, exclude: ReadonlySet<string> = new Set()): Promise<SimilarCases> {
  const now = Date.now();
  const [entries, pathOf] = await Promise.all([ctx.reads.openOfCategorySince(report.category, now - DUPLICATE_RULE.withinDays * DAY_MS), ctx.centres.paths()]);
  const found = similarCases(report, entries, now, exclude);
  const rule = { withinMetres: DUPLICATE_RULE.withinMetres, withinDays: DUPLICATE_RULE.withinDays };
  // Anyone may learn that the problem may be known already, and may still file; only staff read which cases.
  if (!readsOtherCases(caller)) return { exist: found.length > 0, rule, items: [] };
  const items = found
    .filter((c) => visibleTo(c, caller, pathOf))
    .slice(0, 20)
    .map((c) => ({
      id: c.id,
      caseNumber: c.caseNumber,
      title: c.title,
      category: c.category,
      stage: c.stage,
      centreId: c.centreId,
      villageId: c.villageId ?? null,
      receivedAt: new Date(c.receivedAt).toISOString(),
      sameVillage: c.similarity.sameVillage,
      metres: c.similarity.metres === null ? null : Math.round(c.similarity.metres),
    }));
  return { exist: found.length > 0, rule, items };
}

/** The reports closed as duplicates of a case: how many, and those this caller may see. */
export async function duplicatesOf(ctx: ApiContext, caseId: string, caller: Caller, pathOf: PathOf): Promise<CaseView['duplicates']> {
  const linked = await ctx.reads.duplicatesOf(caseId);
  const items = linked.filter((entry) => visibleTo(entry, caller, pathOf)).map((entry) => ({ id: entry.id, caseNumber: entry.caseNumber }));
  return { count: linked.length, items };
}
