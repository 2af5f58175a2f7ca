/** The departments centres hand cases to: the kiosk's operations company, the town's construction station. */
import { z } from '../zod';
import { defineRoute, type RouteSpec } from '../routes';
import { callerOf } from '../auth';
import type { ApiContext } from '../context';
import { problems } from '../problem';
import { departmentListSchema } from './schemas';
import { adminDepartmentRoutes } from './admin';

const querySchema = z.strictObject({
  forCentre: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/)
    .optional()
    .openapi({ description: 'Only departments this centre may hand a case to: those of the centre and of the centres above it' }),
});

export function departmentRoutes(ctx: ApiContext): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/departments',
      summary: 'Departments that own fixes, and the centre each works with',
      tags: ['departments'],
      auth: 'required',
      query: querySchema,
      responses: { 200: { description: 'Departments', schema: departmentListSchema }, 403: { description: 'Residents' }, 404: { description: 'Unknown centre' } },
      async handler(req, res, { query }) {
        if (callerOf(req).role === 'resident') throw problems.forbidden('Departments are listed for staff', { zh: '责任单位名录仅供工作人员查看。', en: 'The list of departments is for staff.' });
        let path: readonly string[] | null = null;
        if (query.forCentre !== undefined) {
          const centre = await ctx.centres.get(query.forCentre);
          if (!centre) throw problems.notFound(`No centre ${query.forCentre}`, { zh: '没有这个中心。', en: 'No such centre.' });
          path = centre.path;
        }
        const all = await ctx.db.models.Department.find().sort({ _id: 1 }).lean();
        const items = all.filter((d) => path === null || path.includes(d.centreId)).map((d) => ({ id: d._id, name: d.name, centreId: d.centreId }));
        res.json({ items });
      },
    }),
    ...adminDepartmentRoutes(ctx),
  ];
}
