import { z } from '../zod';
import { dashboardSchema, type Dashboard } from './schemas';
import { defineRoute, type RouteSpec } from '../routes';
import { callerOf } from '../auth';
import type { ApiContext, Caller } from '../context';
import { problems } from '../problem';
import type { DashboardCounts, PathOf } from '../../domain';

const querySchema = z.strictObject({
  centreId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/).optional(),
});

/** Admins see any centre in their subtree; other staff their own centre; residents and experts none. */
function scopeOf(caller: Caller, requested: string | undefined, requestedPath: string[] | null): string {
  if (caller.role === 'resident' || caller.role === 'expert' || caller.role === 'department' || caller.centreId === undefined) throw problems.forbidden('Dashboards are for centre staff', { zh: '统计看板仅供中心工作人员查看。', en: 'Dashboards are for centre staff.' });
  const centreId = requested ?? caller.centreId;
  if (caller.role === 'admin') {
    const path = requestedPath ?? caller.centrePath ?? [];
    if (!path.includes(caller.centreId)) throw problems.forbidden('That centre is outside your area', { zh: '该中心不在您的辖区内。', en: 'That centre is outside your area.' });
  } else if (centreId !== caller.centreId) {
    throw problems.forbidden('Staff see the dashboard of their own centre', { zh: '工作人员只能查看本中心的统计看板。', en: 'Staff see the dashboard of their own centre.' });
  }
  return centreId;
}

/** Non-admin staff count their own centre; admins the centre and everything below it. */
function coverage(caller: Caller, centreId: string, pathOf: PathOf, centreIds: Iterable<string>): string[] {
  if (caller.role !== 'admin') return [centreId];
  const covered = new Set([centreId]);
  for (const id of centreIds) if (pathOf(id)?.includes(centreId)) covered.add(id);
  return [...covered];
}

const isoOrNull = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function dashboardView(centreId: string, counts: DashboardCounts): Dashboard {
  const { overdue, missedDeadlines, unansweredOrders } = counts;
  return {
    centreId,
    ...counts,
    overdue: { count: overdue.count, items: overdue.items.map((c) => ({ ...c, deadline: isoOrNull(c.deadline) })) },
    missedDeadlines: { count: missedDeadlines.count, items: missedDeadlines.items.map((c) => ({ ...c, receivedAt: new Date(c.receivedAt).toISOString() })) },
    unansweredOrders: { count: unansweredOrders.count, lapsed: unansweredOrders.lapsed, items: unansweredOrders.items.map(({ id: _id, ...order }) => ({ ...order, replyBy: new Date(order.replyBy).toISOString() })) },
  };
}

/** The dashboard of a centre the caller may see (their own by default): the page's and the exports' one reading. */
export async function dashboardFor(ctx: ApiContext, caller: Caller, requested: string | undefined): Promise<Dashboard> {
  let requestedPath: string[] | null = null;
  if (requested !== undefined) {
    const centre = await ctx.centres.get(requested);
    if (!centre) throw problems.notFound(`No centre ${requested}`, { zh: '没有这个中心。', en: 'No such centre.' });
    requestedPath = centre.path;
  }
  const centreId = scopeOf(caller, requested, requestedPath);
  const [pathOf, centres] = await Promise.all([ctx.centres.paths(), ctx.centres.all()]);
  const covered = coverage(caller, centreId, pathOf, centres.keys());
  // A case counts for a centre that holds it or breached a deadline on it: both are centres that held it.
  return dashboardView(centreId, await ctx.reads.dashboard(covered, Date.now()));
}

export const dashboardQuerySchema = querySchema;

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
        res.json(await dashboardFor(ctx, callerOf(req), query.centreId));
      },
    }),
  ];
}
