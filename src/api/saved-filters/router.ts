/** Saved filters: each person's named list filters, theirs alone to read and delete. */
import { createHash } from 'node:crypto';
import { callerOf } from '../auth';
import type { ApiContext } from '../context';
import { isDuplicateKeyError } from '../../db/errors';
import { HttpProblem, PROBLEM_TYPES, problems } from '../problem';
import { defineRoute, type RouteSpec } from '../routes';
import { filterParamsSchema, MAX_SAVED_FILTERS, newSavedFilterSchema, savedFilterListSchema, savedFilterParamsSchema, savedFilterSchema, type SavedFilterView } from './schemas';

const TAGS = ['saved filters'];
const NOT_FOUND = { zh: '找不到这个已保存的筛选，可能已被删除。', en: 'No such saved filter: it may have been deleted.' };

interface StoredFilter {
  _id: string;
  ownerId: string;
  name: string;
  query: unknown;
  createdAt: Date;
}

/** The id of a person's filter of this name: the same name saves once, and a retried save finds the first. */
export function savedFilterId(ownerId: string, name: string): string {
  return `sf_${createHash('sha256').update(`${ownerId}\u0000${name}`).digest('hex').slice(0, 32)}`;
}

function view(doc: StoredFilter): SavedFilterView {
  // A stored query that no longer parses (a stage renamed since) shows as no filter rather than breaking the list.
  const parsed = filterParamsSchema.safeParse(doc.query);
  return { id: doc._id, name: doc.name, query: parsed.success ? parsed.data : {}, createdAt: doc.createdAt.toISOString() };
}

const conflict = (detail: string, message: { zh: string; en: string }) => new HttpProblem({ type: PROBLEM_TYPES.conflict, title: 'Conflict', status: 409, detail, message });

export function savedFilterRoutes(ctx: ApiContext): RouteSpec[] {
  const collection = () => ctx.db.models.SavedFilter.collection;
  const ownedBy = async (ownerId: string): Promise<StoredFilter[]> =>
    (await collection().find({ ownerId }).sort({ createdAt: 1, _id: 1 }).limit(MAX_SAVED_FILTERS + 10).toArray()) as unknown as StoredFilter[];
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/saved-filters',
      summary: "The caller's saved list filters, oldest first",
      tags: TAGS,
      auth: 'required',
      responses: { 200: { description: 'The saved filters', schema: savedFilterListSchema } },
      async handler(req, res) {
        const docs = await ownedBy(callerOf(req).personId);
        res.json({ items: docs.map(view), max: MAX_SAVED_FILTERS });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/saved-filters',
      summary: 'Save a list filter under a name (a name once per person)',
      tags: TAGS,
      auth: 'required',
      body: newSavedFilterSchema,
      responses: {
        201: { description: 'Saved', schema: savedFilterSchema },
        409: { description: 'A filter of this name exists, or the caller has saved the most there may be' },
      },
      async handler(req, res, { body }) {
        const caller = callerOf(req);
        const existing = await ownedBy(caller.personId);
        if (existing.some((doc) => doc.name === body.name)) {
          throw conflict(`A saved filter named ${body.name} exists`, { zh: '已有同名的筛选，请换个名字，或先删除原来的。', en: 'You already have a filter with this name: choose another name, or delete the old one first.' });
        }
        if (existing.length >= MAX_SAVED_FILTERS) {
          throw conflict(`At most ${MAX_SAVED_FILTERS} saved filters`, { zh: `最多保存 ${MAX_SAVED_FILTERS} 个筛选，请先删除不用的。`, en: `You can keep at most ${MAX_SAVED_FILTERS} filters: delete one you no longer use.` });
        }
        const doc: StoredFilter = { _id: savedFilterId(caller.personId, body.name), ownerId: caller.personId, name: body.name, query: body.query, createdAt: new Date() };
        try {
          await collection().insertOne(doc as never);
        } catch (error) {
          if (!isDuplicateKeyError(error)) throw error;
          throw conflict(`A saved filter named ${body.name} exists`, { zh: '已有同名的筛选，请换个名字，或先删除原来的。', en: 'You already have a filter with this name: choose another name, or delete the old one first.' });
        }
        res.status(201).json(view(doc));
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/saved-filters/{id}/delete',
      summary: 'Delete one of the caller’s saved filters',
      tags: TAGS,
      auth: 'required',
      params: savedFilterParamsSchema,
      responses: { 200: { description: 'Deleted', schema: savedFilterListSchema }, 404: { description: 'No such filter of the caller’s' } },
      async handler(req, res, { params }) {
        const caller = callerOf(req);
        // Another person's filter looks like none at all.
        const result = await collection().deleteOne({ _id: params.id as never, ownerId: caller.personId });
        if (result.deletedCount === 0) throw problems.notFound(`No saved filter ${params.id} of yours`, NOT_FOUND);
        const docs = await ownedBy(caller.personId);
        res.json({ items: docs.map(view), max: MAX_SAVED_FILTERS });
      },
    }),
  ];
}
