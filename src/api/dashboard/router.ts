import { z } from '../zod';
import { dashboardSchema, type Dashboard } from './schemas';
import { defineRoute, type RouteSpec } from '../routes';
import { callerOf } from '../auth';
import type { ApiContext, Caller } from '../context';
import { problems } from '../problem';
import { countDashboard } from '../../domain';
import type { MirroredCase } from '../../db/case-mirror';

const querySchema = z.strictObject({
  centreId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/).optional(),
});

const OVERDUE_LIST_LIMIT = 100;

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
        const counts = countDashboard([...(await ctx.caseMirror.current())].filter(inScope), Date.now());
        const overdue = counts.overdue.map((c) => ({ ...c, deadline: c.deadline === null ? null : new Date(c.deadline).toISOString() }));
        const dashboard: Dashboard = { centreId, ...counts, overdue: { count: overdue.length, items: overdue.slice(0, OVERDUE_LIST_LIMIT) } };
        res.json(dashboard);
      },
    }),
  ];
}
