import { z } from '../zod';
import { dashboardSchema } from './schemas';
import { defineRoute, type RouteSpec } from '../routes';
import { callerOf } from '../auth';
import type { ApiContext, Caller } from '../context';
import { problems } from '../problem';
import { DISSATISFIED_RATING, LEVELS, RISKS, STAGES, isOverdueAt } from '../../domain';
import type { MirroredCase } from '../../db/case-mirror';

const querySchema = z.strictObject({
  centreId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/).optional(),
});


const OVERDUE_LIST_LIMIT = 100;

function zeroes(keys: readonly string[]): Record<string, number> {
  return Object.fromEntries(keys.map((k) => [k, 0]));
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Admins see any centre in their subtree; other staff their own centre; residents and experts none. */
function scopeOf(caller: Caller, requested: string | undefined, requestedPath: string[] | null): string {
  if (caller.role === 'resident' || caller.role === 'expert' || caller.centreId === undefined) throw problems.forbidden('Dashboards are for centre staff');
  const centreId = requested ?? caller.centreId;
  if (caller.role === 'admin') {
    const path = requestedPath ?? caller.centrePath ?? [];
    if (!path.includes(caller.centreId)) throw problems.forbidden('That centre is outside your area');
  } else if (centreId !== caller.centreId) {
    throw problems.forbidden('Staff see the dashboard of their own centre');
  }
  return centreId;
}

export function dashboardRoutes(ctx: ApiContext): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/dashboard',
      summary: "Counts, overdue cases, time to close and satisfaction for the caller's subtree",
      tags: ['dashboard'],
      auth: 'required',
      query: querySchema,
      responses: { 200: { description: 'The dashboard', schema: dashboardSchema }, 403: { description: 'Not staff, or a centre outside the caller’s area' }, 404: { description: 'Unknown centre' } },
      async handler(req, res, { query }) {
        const caller = callerOf(req);
        let requestedPath: string[] | null = null;
        if (query.centreId !== undefined) {
          const centre = await ctx.centres.get(query.centreId);
          if (!centre) throw problems.notFound(`No centre ${query.centreId}`);
          requestedPath = centre.path;
        }
        const centreId = scopeOf(caller, query.centreId, requestedPath);
        // Non-admin staff see the cases their own centre owns; admins the whole subtree.
        // From the process's copy of case_index (see case-mirror.ts): FerretDB
        // decodes every document of a collection for any filter but `_id`.
        const inScope = (entry: MirroredCase): boolean => (caller.role === 'admin' ? entry.centrePath.includes(centreId) : entry.centreId === centreId);
        const docs = [...(await ctx.caseMirror.current())].filter(inScope);
        const now = Date.now();
        const byStage = zeroes(STAGES);
        const byLevel = zeroes(LEVELS);
        const byRisk = zeroes(RISKS);
        let open = 0;
        let closed = 0;
        const overdue: { id: string; caseNumber: string; stage: string; centreId: string; level: string; risk: string; deadline: string | null }[] = [];
        const timesToClose: number[] = [];
        let closedOnTime = 0;
        const ratings: number[] = [];
        for (const doc of docs) {
          byStage[doc.stage] = (byStage[doc.stage] ?? 0) + 1;
          byLevel[doc.level] = (byLevel[doc.level] ?? 0) + 1;
          byRisk[doc.risk] = (byRisk[doc.risk] ?? 0) + 1;
          if (doc.status === 'closed') {
            closed += 1;
            if (doc.closedAt !== null && doc.receivedAt !== null) timesToClose.push(doc.closedAt - doc.receivedAt);
            if (!doc.breached) closedOnTime += 1;
          } else {
            open += 1;
            if (isOverdueAt(doc, now)) {
              overdue.push({ id: doc.id, caseNumber: doc.caseNumber, stage: doc.stage, centreId: doc.centreId, level: doc.level, risk: doc.risk, deadline: doc.deadline !== null ? new Date(doc.deadline).toISOString() : null });
            }
          }
          if (doc.rating !== null) ratings.push(doc.rating);
        }
        overdue.sort((a, b) => (a.deadline ?? '').localeCompare(b.deadline ?? ''));
        const average = ratings.length > 0 ? ratings.reduce((sum, r) => sum + r, 0) / ratings.length : null;
        res.json({
          centreId,
          open,
          closed,
          byStage,
          byLevel,
          byRisk,
          overdue: { count: overdue.length, items: overdue.slice(0, OVERDUE_LIST_LIMIT) },
          medianTimeToCloseMs: median(timesToClose),
          closedOnTimeShare: closed > 0 ? closedOnTime / closed : null,
          satisfaction: {
            rated: ratings.length,
            average,
            satisfiedShare: ratings.length > 0 ? ratings.filter((r) => r > DISSATISFIED_RATING + 1).length / ratings.length : null,
          },
        });
      },
    }),
  ];
}
