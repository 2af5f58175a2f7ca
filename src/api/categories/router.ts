import { z } from '../zod';
import { categorySchema } from './schemas';
import { defineRoute, type RouteSpec } from '../routes';
import { CATEGORIES, CATEGORY_CODES } from '../../domain';


export function categoryRoutes(): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/categories',
      summary: 'Complaint categories',
      tags: ['categories'],
      auth: 'none',
      responses: { 200: { description: 'Every category', schema: z.object({ items: z.array(categorySchema) }) } },
      handler(_req, res) {
        res.json({ items: CATEGORY_CODES.map((code) => ({ code, name: CATEGORIES[code].name, kind: CATEGORIES[code].kind, defaultSpecialty: CATEGORIES[code].defaultSpecialty })) });
      },
    }),
  ];
}
