/**
 * Administration of departments: an administrator registers and renames the departments
 * of the centres in their area (their own centre and those below it); the city's
 * administrators therefore those of every centre.
 */
import { z } from '../zod';
import { defineRoute, type RouteSpec } from '../routes';
import type { ApiContext } from '../context';
import { administer, conflict, invalid, newId, notFound, outsideArea, scopeOf } from '../administration';
import { isDuplicateKeyError } from '../../db/errors';
import { inSubtreeOf } from '../../domain';
import { adminDepartmentListSchema, adminDepartmentSchema, departmentRenameSchema, newDepartmentSchema } from './schemas';

const params = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/) });

export function adminDepartmentRoutes(ctx: ApiContext): RouteSpec[] {
  const models = ctx.db.models;
  const tags = ['administration'];
  const forbidden = { 403: { description: 'Not an administrator, or the centre is outside their area' } };

  async function staffCounts(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const person of await models.Person.find({ role: 'department' }, { departmentId: 1, active: 1 }).lean()) {
      if (person.departmentId && person.active !== false) counts.set(person.departmentId, (counts.get(person.departmentId) ?? 0) + 1);
    }
    return counts;
  }

  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/departments',
      summary: 'The departments registered at the centres of my area, with their active staff (administrators)',
      tags,
      auth: 'required',
      responses: { 200: { description: 'Departments', schema: adminDepartmentListSchema }, ...forbidden },
      async handler(req, res) {
        await administer(
          ctx,
          req,
          res,
          'department.list',
          async (admin) => {
            const [all, centres, staff] = await Promise.all([models.Department.find().sort({ _id: 1 }).lean(), ctx.centres.all(), staffCounts()]);
            const items = all
              .filter((d) => inSubtreeOf(admin, centres.get(d.centreId)?.path ?? []))
              .map((d) => ({ id: d._id, name: { zh: d.name.zh, en: d.name.en }, centreId: d.centreId, staff: staff.get(d._id) ?? 0 }));
            return { status: 200, body: { items } };
          },
          { read: true },
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/departments',
      summary: 'Register a department at a centre of my area (administrators)',
      tags,
      auth: 'required',
      body: newDepartmentSchema,
      responses: { 201: { description: 'The department', schema: adminDepartmentSchema }, 400: { description: 'Unknown or closed centre' }, ...forbidden, 409: { description: 'The id is taken' } },
      async handler(req, res, { body }) {
        await administer(ctx, req, res, 'department.create', async (admin, note) => {
          note.detail = { id: body.id ?? null, name: body.name, centreId: body.centreId };
          const centre = await ctx.centres.get(body.centreId);
          if (!centre) throw invalid([{ field: 'centreId', reason: 'centreUnknown' }]);
          if (!inSubtreeOf(admin, centre.path)) throw outsideArea('centre');
          if (centre.closedAt !== null) throw invalid([{ field: 'centreId', reason: 'centreClosed' }]);
          note.scope = scopeOf(centre.path);
          const id = body.id ?? newId('dept-');
          note.detail.id = id;
          try {
            await models.Department.collection.insertOne({ _id: id as never, name: body.name, centreId: centre.id });
          } catch (error) {
            if (isDuplicateKeyError(error)) throw conflict(`Department ${id} exists`, { zh: '已有使用此编号的责任单位。', en: 'A department with this id exists.' }, { errors: [{ name: 'body.id', reason: 'a department with this id exists' }] });
            throw error;
          }
          return { status: 201, body: { id, name: body.name, centreId: centre.id, staff: 0 } };
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/departments/{id}',
      summary: 'Rename a department of my area (administrators)',
      tags,
      auth: 'required',
      params,
      body: departmentRenameSchema,
      responses: { 200: { description: 'The department', schema: adminDepartmentSchema }, ...forbidden, 404: { description: 'No such department' } },
      async handler(req, res, { params: p, body }) {
        await administer(ctx, req, res, 'department.rename', async (admin, note) => {
          const department = await models.Department.findById(p.id).lean();
          if (!department) throw notFound('department');
          const centre = await ctx.centres.get(department.centreId);
          if (!inSubtreeOf(admin, centre?.path ?? [])) throw outsideArea('department');
          note.scope = scopeOf(centre?.path);
          note.detail = { id: department._id, from: department.name, to: body.name };
          await models.Department.updateOne({ _id: department._id }, { $set: { name: body.name } });
          const staff = (await staffCounts()).get(department._id) ?? 0;
          return { status: 200, body: { id: department._id, name: body.name, centreId: department.centreId, staff } };
        });
      },
    }),
  ];
}
