/**
 * Administration of people: an administrator manages the staff of their centre and of
 * every centre below it (src/domain/administration.ts has the rules). Every change and
 * every refusal is audited; every change makes the person's next request read their
 * record again (`ctx.people.forget`).
 */
import { z } from '../zod';
import { defineRoute, type RouteSpec } from '../routes';
import type { ApiContext, CentreInfo } from '../context';
import { problems } from '../problem';
import { administer, conflict, invalid, newId, notFound, outsideArea, scopeOf, type Administrator, type AuditNote } from '../administration';
import { hasSpecialties, inSubtreeOf, isManagedRole, levelRank, maskPhone, roleFitProblems, type AdminReason, type Role } from '../../domain';
import { hashPassword, passwordKey, passwordProblem } from '../../auth/passwords';
import { setPassword, UsernameTakenError } from '../../auth/accounts';
import { revokeSessionsOf } from '../../auth/sessions';
import { isDuplicateKeyError } from '../../db/errors';
import {
  adminPeopleQuerySchema,
  adminPersonListSchema,
  adminPersonSchema,
  newPersonSchema,
  passwordResetResultSchema,
  passwordResetSchema,
  personEditSchema,
  type AdminPerson,
} from './schemas';

interface PersonDoc {
  _id: string;
  name: string;
  role: string;
  centreId: string;
  centrePath: string[];
  specialties?: string[] | null;
  title?: string | null;
  phone?: string | null;
  departmentId?: string | null;
  active?: boolean | null;
  username?: string | null;
  updatedAt?: Date | null;
}

function viewOf(doc: PersonDoc): AdminPerson {
  return {
    id: doc._id,
    name: doc.name,
    username: doc.username ?? null,
    role: doc.role as Role,
    centreId: doc.centreId,
    centrePath: [...doc.centrePath],
    specialties: [...(doc.specialties ?? [])],
    title: doc.title ?? null,
    phone: doc.phone ?? null,
    departmentId: doc.departmentId ?? null,
    active: doc.active !== false,
    updatedAt: doc.updatedAt ? doc.updatedAt.toISOString() : null,
  };
}

const params = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/) });

const USERNAME_TAKEN = { zh: '该用户名已被占用，请换一个。', en: 'This username is taken; choose another.' };

/** The person, if they are staff of the administrator's subtree; 404 / 403 otherwise. */
async function managedPerson(ctx: ApiContext, admin: Administrator, id: string, note: AuditNote): Promise<PersonDoc> {
  note.subjectId = id;
  const doc = await ctx.db.models.Person.findById(id).lean<PersonDoc>();
  if (!doc) throw notFound('person');
  if (!inSubtreeOf(admin, doc.centrePath)) throw outsideArea('person');
  note.scope = scopeOf(doc.centrePath);
  if (!isManagedRole(doc.role)) throw problems.forbidden('Residents are not managed here', { zh: '居民账户不在此管理。', en: 'Residents are not managed here.' });
  return doc;
}

/** The centre a person is placed at: known, open, in the administrator's subtree. */
async function placement(ctx: ApiContext, admin: Administrator, centreId: string): Promise<CentreInfo> {
  const centre = await ctx.centres.get(centreId);
  if (!centre) throw invalid([{ field: 'centreId', reason: 'centreUnknown' }]);
  if (!inSubtreeOf(admin, centre.path)) throw outsideArea('centre');
  if (centre.closedAt !== null) throw invalid([{ field: 'centreId', reason: 'centreClosed' }]);
  return centre;
}

interface Placement {
  role: Role;
  centre: CentreInfo;
  specialties: string[];
  departmentId: string | null;
}

/** The role must fit the centre, and no administrator makes an admin above their own centre. */
async function checkRole(ctx: ApiContext, admin: Administrator, next: Placement): Promise<void> {
  if (next.role === 'admin' && levelRank(next.centre.level) < levelRank(admin.level)) {
    throw problems.forbidden('An administrator cannot create an admin above their own centre', { zh: '不能在上级中心设置管理员。', en: 'You cannot make an administrator at a centre above your own.' });
  }
  if (next.role === 'admin' && next.centre.level === 'city' && admin.level !== 'city') {
    throw problems.forbidden('Only a city administrator makes city administrators', { zh: '只有市级管理员可以设置市级管理员。', en: 'Only a city administrator can make city administrators.' });
  }
  const department = next.departmentId === null ? null : await ctx.db.models.Department.findById(next.departmentId, { centreId: 1 }).lean();
  const fits = roleFitProblems({
    role: next.role,
    centreId: next.centre.id,
    centreLevel: next.centre.level,
    specialties: next.specialties,
    department: next.departmentId === null ? null : { id: next.departmentId, centreId: department?.centreId ?? null },
  });
  if (fits.length > 0) throw invalid(fits);
}

function passwordReason(password: string): AdminReason | null {
  if (!passwordProblem(password)) return null;
  return password.length < 10 ? 'passwordShort' : 'passwordLong';
}

export function adminPeopleRoutes(ctx: ApiContext): RouteSpec[] {
  const models = ctx.db.models;
  const tags = ['administration'];
  const forbidden = { 403: { description: 'Not an administrator, or outside their area' } };

  async function setActive(req: Parameters<RouteSpec['handler']>[0], res: Parameters<RouteSpec['handler']>[1], id: string, active: boolean) {
    await administer(ctx, req, res, active ? 'person.reactivate' : 'person.deactivate', async (admin, note) => {
      const doc = await managedPerson(ctx, admin, id, note);
      if (!active && doc._id === admin.personId) {
        throw problems.forbidden('An administrator cannot deactivate themselves', { zh: '不能停用自己的账户。', en: 'You cannot deactivate yourself.' });
      }
      if (active) {
        const centre = await ctx.centres.get(doc.centreId);
        if (centre?.closedAt) throw conflict('The person’s centre is closed: move them first', { zh: '此人员所在中心已撤销，请先将其调到其他中心。', en: 'This person’s centre is closed; move them to another centre first.' });
      }
      const updatedAt = new Date();
      await models.Person.updateOne({ _id: id }, { $set: { active, updatedAt } });
      ctx.people.forget(id);
      note.detail = { wasActive: doc.active !== false, active };
      if (!active) note.detail.sessionsEnded = await revokeSessionsOf(models, id);
      return { status: 200, body: viewOf({ ...doc, active, updatedAt }) };
    });
  }

  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/people',
      summary: 'The staff of my centre and the centres below it (administrators)',
      tags,
      auth: 'required',
      query: adminPeopleQuerySchema,
      responses: { 200: { description: 'People, by centre then name', schema: adminPersonListSchema }, ...forbidden },
      async handler(req, res, { query }) {
        await administer(
          ctx,
          req,
          res,
          'person.list',
          async (admin, note) => {
            note.detail = { query };
            let within = admin.centreId;
            if (query.centreId !== undefined) {
              const centre = await ctx.centres.get(query.centreId);
              if (!centre) throw notFound('centre');
              if (!inSubtreeOf(admin, centre.path)) throw outsideArea('centre');
              within = centre.id;
            }
            const docs = await models.Person.find({ centrePath: within }).lean<PersonDoc[]>();
            const q = query.q?.toLowerCase();
            const items = docs
              .filter((d) => isManagedRole(d.role))
              .filter((d) => query.role === undefined || d.role === query.role)
              .filter((d) => query.active === undefined || (d.active !== false) === (query.active === 'true'))
              .filter((d) => query.specialty === undefined || (d.specialties ?? []).includes(query.specialty))
              .filter((d) => !q || [d.name, d.username, d.title, d.phone, d._id].some((v) => typeof v === 'string' && v.toLowerCase().includes(q)))
              .map(viewOf)
              .sort((a, b) => a.centrePath.length - b.centrePath.length || a.centreId.localeCompare(b.centreId) || a.name.localeCompare(b.name, 'zh') || a.id.localeCompare(b.id));
            return { status: 200, body: { items, total: items.length } };
          },
          { read: true },
        );
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/admin/people/{id}',
      summary: 'One person of my area, as I manage them (administrators)',
      tags,
      auth: 'required',
      params,
      responses: { 200: { description: 'The person', schema: adminPersonSchema }, ...forbidden, 404: { description: 'No such person' } },
      async handler(req, res, { params: p }) {
        await administer(ctx, req, res, 'person.read', async (admin, note) => ({ status: 200, body: viewOf(await managedPerson(ctx, admin, p.id, note)) }), { read: true });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/people',
      summary: 'Add a staff member at a centre of my area, with the username they sign in with (administrators)',
      tags,
      auth: 'required',
      body: newPersonSchema,
      responses: {
        201: { description: 'The new person', schema: adminPersonSchema },
        400: { description: 'A field is wrong (named in errors): the role does not fit the centre, the password is too short…' },
        ...forbidden,
        409: { description: 'The username is taken' },
      },
      async handler(req, res, { body }) {
        await administer(ctx, req, res, 'person.create', async (admin, note) => {
          const id = newId('p-');
          note.subjectId = id;
          note.detail = { username: body.username, role: body.role, centreId: body.centreId, ...(body.phone ? { phone: maskPhone(body.phone) } : {}) };
          const centre = await placement(ctx, admin, body.centreId);
          note.scope = scopeOf(centre.path);
          const next: Placement = { role: body.role, centre, specialties: body.specialties ?? [], departmentId: body.departmentId ?? null };
          await checkRole(ctx, admin, next);
          const reason = body.password === undefined ? null : passwordReason(body.password);
          if (reason) throw invalid([{ field: 'password', reason }]);
          const username = body.username.trim();
          const taken = () => conflict(`Username ${username} is taken`, USERNAME_TAKEN, { errors: [{ name: 'body.username', reason: 'this username is taken' }] });
          // Seeded people carry a username without a credential: their names are taken too.
          if (await models.Person.exists({ username: { $in: [username, username.toLowerCase()] } })) throw taken();
          const now = new Date();
          // The credential's _id is the username's key: the insert claims it, or finds it taken (FerretDB has no transactions; a unique _id holds).
          try {
            await models.Credential.collection.insertOne({ _id: passwordKey(username) as never, personId: id, hash: body.password === undefined ? null : await hashPassword(body.password), createdAt: now, updatedAt: now });
          } catch (error) {
            if (isDuplicateKeyError(error)) throw taken();
            throw error;
          }
          const doc: PersonDoc = {
            _id: id,
            name: body.name,
            role: body.role,
            centreId: centre.id,
            centrePath: centre.path,
            specialties: next.specialties,
            title: body.title || null,
            phone: body.phone || null,
            departmentId: next.departmentId,
            active: true,
            username,
            updatedAt: now,
          };
          try {
            await models.Person.collection.insertOne(doc as never);
          } catch (error) {
            await models.Credential.deleteOne({ _id: passwordKey(username), personId: id }).catch(() => undefined);
            throw error;
          }
          note.detail.withPassword = body.password !== undefined;
          return { status: 201, body: viewOf(doc) };
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/people/{id}',
      summary: 'Change a person of my area: name, title, phone, role, centre, specialties, department (administrators)',
      tags,
      auth: 'required',
      params,
      body: personEditSchema,
      responses: { 200: { description: 'The person as they are now', schema: adminPersonSchema }, 400: { description: 'A field is wrong (named in errors)' }, ...forbidden, 404: { description: 'No such person' } },
      async handler(req, res, { params: p, body }) {
        await administer(ctx, req, res, 'person.edit', async (admin, note) => {
          const doc = await managedPerson(ctx, admin, p.id, note);
          const self = doc._id === admin.personId;
          const role = body.role ?? (doc.role as Role);
          const centreId = body.centreId ?? doc.centreId;
          note.detail = { changed: Object.keys(body), ...(role !== doc.role ? { role: { from: doc.role, to: role } } : {}), ...(centreId !== doc.centreId ? { centreId: { from: doc.centreId, to: centreId } } : {}) };
          if (self && role !== doc.role) throw problems.forbidden('An administrator cannot change their own role', { zh: '不能修改自己的角色。', en: 'You cannot change your own role.' });
          if (self && centreId !== doc.centreId) throw problems.forbidden('An administrator cannot move themselves', { zh: '不能把自己调到其他中心。', en: 'You cannot move yourself to another centre.' });
          // A person stays at a centre closed since; only a new centre must be open.
          const centre = centreId === doc.centreId ? await ctx.centres.get(centreId) : await placement(ctx, admin, centreId);
          if (!centre) throw invalid([{ field: 'centreId', reason: 'centreUnknown' }]);
          note.scope = scopeOf(doc.centrePath, centre.path);
          // A role that has no specialties or department drops them, unless the change names them.
          const specialties = body.specialties ?? (hasSpecialties(role) ? [...(doc.specialties ?? [])] : []);
          const departmentId = body.departmentId !== undefined ? body.departmentId : role === 'department' ? (doc.departmentId ?? null) : null;
          await checkRole(ctx, admin, { role, centre, specialties, departmentId });
          const set = {
            name: body.name ?? doc.name,
            title: body.title !== undefined ? body.title || null : (doc.title ?? null),
            phone: body.phone !== undefined ? body.phone || null : (doc.phone ?? null),
            role,
            centreId: centre.id,
            centrePath: centre.path,
            specialties,
            departmentId,
            updatedAt: new Date(),
          };
          await models.Person.updateOne({ _id: doc._id }, { $set: set });
          ctx.people.forget(doc._id);
          return { status: 200, body: viewOf({ ...doc, ...set }) };
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/people/{id}/deactivate',
      summary: 'Deactivate a person of my area: they keep their history, cannot sign in or act, and get no new cases (administrators)',
      tags,
      auth: 'required',
      params,
      responses: { 200: { description: 'The person, inactive', schema: adminPersonSchema }, ...forbidden, 404: { description: 'No such person' } },
      async handler(req, res, { params: p }) {
        await setActive(req, res, p.id, false);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/people/{id}/reactivate',
      summary: 'Reactivate a person of my area (administrators)',
      tags,
      auth: 'required',
      params,
      responses: { 200: { description: 'The person, active', schema: adminPersonSchema }, ...forbidden, 404: { description: 'No such person' }, 409: { description: 'Their centre is closed' } },
      async handler(req, res, { params: p }) {
        await setActive(req, res, p.id, true);
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/admin/people/{id}/password',
      summary: 'Set a new password for a person of my area; their sessions end (administrators)',
      tags,
      auth: 'required',
      params,
      body: passwordResetSchema,
      responses: { 200: { description: 'Done', schema: passwordResetResultSchema }, 400: { description: 'The password is refused' }, ...forbidden, 404: { description: 'No such person' }, 409: { description: 'The person has no username' } },
      async handler(req, res, { params: p, body }) {
        await administer(ctx, req, res, 'person.password', async (admin, note) => {
          const doc = await managedPerson(ctx, admin, p.id, note);
          const reason = passwordReason(body.password);
          if (reason) throw invalid([{ field: 'password', reason }]);
          if (!doc.username) throw conflict('The person has no username to sign in with', { zh: '此人员没有用户名，无法设置密码。', en: 'This person has no username to sign in with.' });
          let sessionsEnded: number;
          try {
            sessionsEnded = await setPassword(models, doc._id, doc.username, body.password);
          } catch (error) {
            if (error instanceof UsernameTakenError) throw conflict(error.message, USERNAME_TAKEN);
            throw error;
          }
          ctx.people.forget(doc._id);
          note.detail = { sessionsEnded };
          return { status: 200, body: { id: doc._id, sessionsEnded } };
        });
      },
    }),
  ];
}
