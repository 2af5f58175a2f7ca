import { z } from '../zod';

export const departmentSchema = z
  .object({
    id: z.string(),
    name: z.object({ zh: z.string(), en: z.string() }),
    centreId: z.string().openapi({ description: 'The centre it works with; that centre and those below it hand it cases' }),
  })
  .openapi('Department');

export const departmentListSchema = z.object({ items: z.array(departmentSchema) }).openapi('DepartmentList');
