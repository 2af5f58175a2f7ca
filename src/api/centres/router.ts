import { z } from '../zod';
import { centreSchema } from './schemas';
import { defineRoute, type RouteSpec } from '../routes';
import type { ApiContext } from '../context';
import { LEVELS } from '../../domain';
import { adminCentreRoutes } from './admin';


const querySchema = z.strictObject({
  level: z.enum(LEVELS).optional(),
  parentId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/).optional(),
});

/** Public: residents pick their village from the tree before they sign in (closed centres are listed for the names of old cases, marked by `closedAt`). */
export function centreRoutes(ctx: ApiContext): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/centres',
      summary: 'The tree of governance centres (city → county → town → village)',
      tags: ['centres'],
      auth: 'none',
      query: querySchema,
      responses: { 200: { description: 'Centres, parents before children', schema: z.object({ items: z.array(centreSchema), total: z.number().int() }) } },
      async handler(_req, res, { query }) {
        const all = [...(await ctx.centres.all()).values()]
          .filter((c) => (query.level === undefined || c.level === query.level) && (query.parentId === undefined || c.parentId === query.parentId))
          .sort((a, b) => a.path.length - b.path.length || a.id.localeCompare(b.id));
        res.json({ items: all.map((c) => ({ id: c.id, name: c.name, level: c.level, parentId: c.parentId, path: c.path, closedAt: c.closedAt })), total: all.length });
      },
    }),
    ...adminCentreRoutes(ctx),
  ];
}
