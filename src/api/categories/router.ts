import { z } from '../zod';
import { defineRoute, type RouteSpec } from '../routes';
import { CATEGORIES, CATEGORY_CODES } from '../../domain';

const categorySchema = z
  .object({
    code: z.enum(CATEGORY_CODES),
    name: z.object({ zh: z.string(), en: z.string() }),
    kind: z.enum(['dispute', 'hazard']),
    defaultSpecialty: z.string(),
  })
  .openapi('Category');

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
