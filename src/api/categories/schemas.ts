import { z } from '../zod';
import { CASE_KINDS, CATEGORY_CODES } from '../../domain';

export const categorySchema = z
  .object({
    code: z.enum(CATEGORY_CODES),
    name: z.object({ zh: z.string(), en: z.string() }),
    kind: z.enum(CASE_KINDS),
    defaultSpecialty: z.string(),
  })
  .openapi('Category');
export type CategoryView = z.output<typeof categorySchema>;
