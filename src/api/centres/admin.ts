/**
 * Administration of the centres themselves, by the city's administrators: create one
 * below a parent, rename one, move a village to another town, close one. Cases keep the
 * centre path they were filed under (a moved village's open cases still go up to the
 * old town); a closed centre stays for the history of its cases.
 */
import { z } from '../zod';
import { defineRoute, type RouteSpec } from '../routes';
import type { ApiContext, CentreInfo } from '../context';
import { administer, centreView, conflict, invalid, newId, notFound, requireCityAdmin, scopeOf, type AuditNote } from '../administration';
import { isDuplicateKeyError } from '../../db/errors';
import { isManagedRole, levelBelow } from '../../domain';
import { centreMoveResultSchema, centreMoveSchema, centreRenameSchema, centreSchema, newCentreSchema } from './schemas';

const params = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/) });

export function adminCentreRoutes(ctx: ApiContext): RouteSpec[] {
  const models = ctx.db.models;
  const tags = ['administration'];
  const forbidden = { 403: { description: 'Not an administrator of the city centre' } };

  async function existing(id: string, note: AuditNote): Promise<CentreInfo> {
    const centre = await ctx.centres.get(id);
    if (!centre) throw notFound('centre');
    note.scope = scopeOf(centre.path);
    return centre;
  }


  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/centres',
      summary: 'Create a centre one level below its parent (city administrators)',
      tags,
      auth: 'required',
      body: newCentreSchema,
      responses: { 201: { description: 'The new centre', schema: centreSchema }, 400: { description: 'Unknown or closed parent, or the wrong level' }, ...forbidden, 409: { description: 'The id is taken' } },
      async handler(req, res, { body }) {
        await administer(ctx, req, res, 'centre.create', async (admin, note) => {
          note.detail = { id: body.id ?? null, name: body.name, level: body.level, parentId: body.parentId };
          requireCityAdmin(admin);
          const parent = await ctx.centres.get(body.parentId);
          if (!parent) throw invalid([{ field: 'parentId', reason: 'centreUnknown' }]);
          if (parent.closedAt !== null) throw invalid([{ field: 'parentId', reason: 'parentClosed' }]);
          if (levelBelow(parent.level) !== body.level) throw invalid([{ field: 'level', reason: 'parentLevel' }]);
          const id = body.id ?? newId(`${parent.id}-`).slice(0, 64);
          note.detail.id = id;
          const doc = { _id: id, name: body.name, level: body.level, parentId: parent.id, path: [...parent.path, id], closedAt: null };
          note.scope = doc.path;
          try {
            // The _id claims the id: a duplicate is refused by the primary key, not by a read before.
            await models.Centre.collection.insertOne(doc as never);
          } catch (error) {
            if (isDuplicateKeyError(error)) {
              throw conflict(`Centre ${id} exists`, { zh: '已有使用此编号的中心。', en: 'A centre with this id exists.' }, { errors: [{ name: 'body.id', reason: 'a centre with this id exists' }] });
            }
            throw error;
          }
          ctx.centres.forget();
          return { status: 201, body: { id, name: body.name, level: body.level, parentId: parent.id, path: doc.path, closedAt: null } };
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/centres/{id}',
      summary: 'Rename a centre (city administrators)',
      tags,
      auth: 'required',
      params,
      body: centreRenameSchema,
      responses: { 200: { description: 'The centre', schema: centreSchema }, ...forbidden, 404: { description: 'No such centre' } },
      async handler(req, res, { params: p, body }) {
        await administer(ctx, req, res, 'centre.rename', async (admin, note) => {
          requireCityAdmin(admin);
          const centre = await existing(p.id, note);
          note.detail = { id: centre.id, from: centre.name, to: body.name };
          await models.Centre.updateOne({ _id: centre.id }, { $set: { name: body.name } });
          ctx.centres.forget();
          return { status: 200, body: centreView({ ...centre, name: body.name }) };
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/centres/{id}/move',
      summary: 'Move a village or community to another town; its people move with it, its filed cases keep their path (city administrators)',
      tags,
      auth: 'required',
      params,
      body: centreMoveSchema,
      responses: { 200: { description: 'The centre where it is now', schema: centreMoveResultSchema }, 400: { description: 'Not a town, closed, or the same one' }, ...forbidden, 404: { description: 'No such centre' }, 409: { description: 'Only villages move' } },
      async handler(req, res, { params: p, body }) {
        await administer(ctx, req, res, 'centre.move', async (admin, note) => {
          requireCityAdmin(admin);
          const centre = await existing(p.id, note);
          note.detail = { id: centre.id, from: centre.parentId, to: body.parentId };
          if (centre.level !== 'village') {
            throw conflict('Only a village or community moves to another town', { zh: '只有村（社区）可以调整到其他镇（街道）。', en: 'Only a village or community can move to another town.' });
          }
          const parent = await ctx.centres.get(body.parentId);
          if (!parent) throw invalid([{ field: 'parentId', reason: 'centreUnknown' }]);
          if (parent.level !== 'town') throw invalid([{ field: 'parentId', reason: 'moveToTown' }]);
          if (parent.id === centre.parentId) throw invalid([{ field: 'parentId', reason: 'moveSameParent' }]);
          if (parent.closedAt !== null) throw invalid([{ field: 'parentId', reason: 'parentClosed' }]);
          const path = [...parent.path, centre.id];
          note.scope = scopeOf(centre.path, path);
          await models.Centre.updateOne({ _id: centre.id }, { $set: { parentId: parent.id, path } });
          const people = await models.Person.find({ centreId: centre.id }, { _id: 1 }).lean();
          if (people.length > 0) await models.Person.updateMany({ centreId: centre.id }, { $set: { centrePath: path } });
          for (const person of people) ctx.people.forget(person._id);
          ctx.centres.forget();
          const openCasesKeepingPath = await ctx.reads.openUnder(centre.id);
          note.detail.peopleMoved = people.length;
          note.detail.openCasesKeepingPath = openCasesKeepingPath;
          return { status: 200, body: { ...centreView({ ...centre, parentId: parent.id, path }), peopleMoved: people.length, openCasesKeepingPath } };
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/centres/{id}/close',
      summary: 'Close a centre that holds no open case, has no open centre below it and no active staff; it stays for history (city administrators)',
      tags,
      auth: 'required',
      params,
      responses: {
        200: { description: 'The centre, closed', schema: centreSchema },
        ...forbidden,
        404: { description: 'No such centre' },
        409: { description: 'Open cases, open centres below it or active staff are still there (counted in the answer)' },
      },
      async handler(req, res, { params: p }) {
        await administer(ctx, req, res, 'centre.close', async (admin, note) => {
          requireCityAdmin(admin);
          const centre = await existing(p.id, note);
          note.detail = { id: centre.id };
          if (centre.parentId === null) throw conflict('The city centre cannot be closed', { zh: '市级中心不能撤销。', en: 'The city centre cannot be closed.' });
          if (centre.closedAt !== null) return { status: 200, body: centreView(centre) };
          const openCases = await ctx.reads.openUnder(centre.id);
          if (openCases > 0) {
            note.detail.openCases = openCases;
            throw conflict(`${openCases} open cases are held at the centre or below it`, { zh: `该中心及其下级仍有 ${openCases} 件未办结案件，请先办结或转交后再撤销。`, en: `${openCases} open ${openCases === 1 ? 'case is' : 'cases are'} still held at this centre or below it; close or transfer ${openCases === 1 ? 'it' : 'them'} first.` }, { openCases });
          }
          const children = [...(await ctx.centres.all()).values()].filter((c) => c.parentId === centre.id && c.closedAt === null).length;
          if (children > 0) {
            note.detail.openChildren = children;
            throw conflict(`${children} centres below it are open`, { zh: `其下仍有 ${children} 个未撤销的中心，请先调整或撤销。`, en: `${children} ${children === 1 ? 'centre' : 'centres'} below it ${children === 1 ? 'is' : 'are'} still open; move or close ${children === 1 ? 'it' : 'them'} first.` }, { openChildren: children });
          }
          const staff = (await models.Person.find({ centreId: centre.id }, { role: 1, active: 1 }).lean()).filter((person) => isManagedRole(person.role) && person.active !== false).length;
          if (staff > 0) {
            note.detail.activeStaff = staff;
            throw conflict(`${staff} active staff work at the centre`, { zh: `该中心仍有 ${staff} 名在岗人员，请先调走或停用。`, en: `${staff} active staff ${staff === 1 ? 'member still works' : 'members still work'} at this centre; move or deactivate them first.` }, { activeStaff: staff });
          }
          const closedAt = new Date();
          await models.Centre.updateOne({ _id: centre.id }, { $set: { closedAt } });
          ctx.centres.forget();
          return { status: 200, body: centreView({ ...centre, closedAt: closedAt.toISOString() }) };
        });
      },
    }),
  ];
}
